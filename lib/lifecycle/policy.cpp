#include "lifecycle/policy.hpp"

#include <algorithm>

#include "lifecycle/lifecycle.hpp"
#include "lifecycle/rules.hpp"
#include "permitflow/error.hpp"

namespace permitflow {

Audience audience_of(const Case& c) {
  Audience who{c.kind, c.applicant.id, c.complaint.units_held};
  if (!c.complaint.unit.empty() &&
      std::find(who.units.begin(), who.units.end(), c.complaint.unit) == who.units.end())
    who.units.push_back(c.complaint.unit);
  return who;
}

bool may_see(const Actor& a, const Audience& who, const PermitDefinition& def) {
  switch (a.role) {
    case Role::applicant:
      return who.kind != Kind::complaint && a.id == who.owner;
    case Role::reporter:
      return who.kind == Kind::complaint && a.id == who.owner;
    case Role::clerk:
    case Role::head:
      return who.kind != Kind::complaint;
    case Role::reviewer:
      return who.kind != Kind::complaint &&
             std::any_of(def.co_approving.begin(), def.co_approving.end(),
                         [&](const Department& d) { return d.id == a.department; });
    case Role::dispatcher:
    case Role::leader:
      return who.kind == Kind::complaint;
    case Role::handler:
      return who.kind == Kind::complaint &&
             std::find(who.units.begin(), who.units.end(), a.unit) != who.units.end();
    case Role::supervisor:
      return true;
    case Role::system:
      return false;  // timers fire inside the engine; no host acts as the system
  }
  return false;
}

bool may_see_reporter(const Actor& a, const Audience& who, std::string_view holding_unit) {
  if (who.kind != Kind::complaint) return true;
  switch (a.role) {
    case Role::reporter:
      return a.id == who.owner;
    case Role::dispatcher:
      return true;
    case Role::handler:
      return !holding_unit.empty() && a.unit == holding_unit;
    default:
      return false;
  }
}

std::vector<CommandType> allowed_commands(const Case& c, const Actor& a, const CaseContext& ctx) {
  // A probe of each command type: its body carries the actor's department (record_opinion checks it) and the
  // fields the chart branches on (lifecycle.hpp, state_takes).
  Command probe;
  probe.actor = a;
  probe.at = c.last_event_at;
  probe.body = {{"department", a.department}, {"outcome", "approved"}, {"passed", true}, {"rating", 5}};
  std::vector<CommandType> out;
  // Every command type of the vocabulary, in its order (a value past the last one has no name).
  for (int i = 0; parse_command_type(to_string(static_cast<CommandType>(i))) == static_cast<CommandType>(i);
       ++i) {
    probe.type = static_cast<CommandType>(i);
    try {
      authorize(c, probe);
    } catch (const Error&) {
      continue;
    }
    if (state_takes(c, probe, ctx) && rules::case_refuses(c, probe.type).empty()) out.push_back(probe.type);
  }
  return out;
}

}  // namespace permitflow
