#include "lifecycle/policy.hpp"

#include <algorithm>

#include "lifecycle/lifecycle.hpp"
#include "lifecycle/rules.hpp"
#include "lifecycle/workflow.hpp"
#include "permitflow/error.hpp"

namespace permitflow {

Audience audience_of(const Case& c) {
  Audience who{c.kind, c.applicant.id.str(), c.complaint->units_held};
  if (!c.complaint->unit.empty() &&
      std::find(who.units.begin(), who.units.end(), c.complaint->unit) == who.units.end())
    who.units.push_back(c.complaint->unit);
  return who;
}

bool may_see(const Actor& a, const Audience& who, const Definition& def) {
  if (a.role == Role::supervisor) return true;  // the supervision office sees every kind
  return workflow(who.kind).may_see(a, who, def);
}

bool may_see_permit(const Actor& a, const Audience& who, const Definition& def) {
  switch (a.role) {
    case Role::applicant:
      return a.id == who.owner;
    case Role::clerk:
    case Role::head:
      return true;
    case Role::reviewer:
      return std::any_of(def.co_approving.begin(), def.co_approving.end(),
                         [&](const Department& d) { return d.id == a.department; });
    default:
      return false;  // complaint staff; the system fires timers inside the engine, no host acts as it
  }
}

bool may_see_complaint(const Actor& a, const Audience& who, const Definition&) {
  switch (a.role) {
    case Role::reporter:
      return a.id == who.owner;
    case Role::dispatcher:
    case Role::leader:
      return true;
    case Role::handler:
      return std::find(who.units.begin(), who.units.end(), a.unit) != who.units.end();
    default:
      return false;  // permit staff; the system fires timers inside the engine, no host acts as it
  }
}

bool may_see_reporter(const Actor& a, const Audience& who, std::string_view holding_unit) {
  return workflow(who.kind).may_see_reporter(a, who, holding_unit);
}

bool may_see_complaint_reporter(const Actor& a, const Audience& who, std::string_view holding_unit) {
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
  std::vector<CommandType> out;
  // Every command type of the vocabulary, in its order (a value past the last one has no name).
  for (int i = 0; parse_command_type(to_string(static_cast<CommandType>(i))) == static_cast<CommandType>(i);
       ++i) {
    probe.type = static_cast<CommandType>(i);
    probe.body = empty_body(probe.type);
    if (auto* o = std::get_if<commands::RecordOpinion>(&probe.body)) o->department = a.department;
    if (auto* d = std::get_if<commands::Decide>(&probe.body)) d->approve = true;
    if (auto* k = std::get_if<commands::Check>(&probe.body)) k->passed = true;
    if (auto* r = std::get_if<commands::Rate>(&probe.body)) r->rating = 5;
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
