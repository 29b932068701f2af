// Receipt of an application (收件) and the definition-dependent checks of a command's names.
#include <algorithm>

#include "case/application.hpp"
#include "checklist/checklist.hpp"
#include "common/json_input.hpp"
#include "lifecycle/lifecycle.hpp"
#include "lifecycle/workflow.hpp"
#include "permitflow/error.hpp"

namespace permitflow {

using nlohmann::json;

Event submitted_event(const std::string& case_id, const Application& app, const Definition& def,
                      const WorkingCalendar& cal, int utc_offset_minutes,
                      const std::vector<std::string>& flags, std::optional<Date> renewal_expiry) {
  // C6: an application received on a rest day is received on the next working day.
  const Date received = cal.working_day_on_or_after(app.at.local_date(utc_offset_minutes));
  std::vector<SubmittedMaterial> materials = app.materials;
  for (auto& m : materials) m.received_on = received;
  payload::Submitted data;
  data.case_id = case_id;
  data.permit = def.id;
  data.definition_version = def.version;
  data.definition_hash = def.hash;  // pins the content (docs/log_format.md)
  data.calendar_version = cal.version();
  data.facts = app.facts.dump();
  data.materials = std::move(materials);
  data.received_on = received;
  data.flags = flags;
  // The owner under its workflow's key (applicant, reporter) and what only that workflow logs.
  workflow(app.kind).submitted_fields(app, def, data);
  data.renewal_of = app.renewal_of;
  if (app.commitment) {
    data.commitment_items = app.commitment->items;
    data.commitment_signature = app.commitment->signature;
  }
  data.renewal_expiry = renewal_expiry;
  return Event{1, EventType::submitted, app.at, app.actor, std::move(data)};
}

namespace {

// A material id a tolerance or commitment may name: a checklist item or a per-vehicle "<id>:<plate>".
void check_material_ids(const std::vector<std::string>& items, const Definition& def,
                        const std::string& pointer) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string& id = items[i];
    const auto colon = id.find(':');
    const MaterialSpec* spec = def.material(id.substr(0, colon));
    if (spec == nullptr || (colon != std::string::npos) != spec->per_vehicle) {
      input::fail(pointer + "/" + std::to_string(i), "'" + id + "' is not a material of " + def.id);
    }
  }
}

}  // namespace

void check_commitment_names(const Application& app, const Definition& def) {
  if (app.commitment) check_material_ids(app.commitment->items, def, "/commitment/items");
}

void check_commitment_rules(const Application& app, const Definition& def) {
  if (!app.commitment) return;
  if (!def.decide_on_commitment) {
    throw Error(ErrorCode::rule_violation, "告知承诺: " + def.id + " (version " +
                                               std::to_string(def.version) +
                                               ") is not decided on commitments");
  }
  if (const std::string fact = credit_gate(app.facts); !fact.empty()) {
    throw Error(ErrorCode::rule_violation, "告知承诺 is closed to this applicant (" + fact +
                                               "): submit the materials themselves instead of a commitment");
  }
  std::string refused;
  for (const auto& id : app.commitment->items) {
    const MaterialSpec* spec = def.material(id.substr(0, id.find(':')));
    if (!spec->commitment_allowed) refused += (refused.empty() ? "" : ", ") + id;
  }
  if (!refused.empty()) {
    throw Error(ErrorCode::rule_violation,
                "告知承诺: a commitment cannot replace these materials of " + def.id + ": " + refused);
  }
}

void check_names(const Command& cmd, const Definition& def, const std::vector<std::string>& units) {
  const auto known = [](const auto& list, auto name) {
    std::string out;
    for (const auto& k : list) out += (out.empty() ? "" : ", ") + name(k);
    return out;
  };
  const auto itself = [](const std::string& s) { return s; };
  switch (cmd.type) {
    case CommandType::accept:
      if (const auto& t = cmd.as<commands::Accept>().tolerance)
        check_material_ids(t->items, def, "/tolerance/items");
      return;
    case CommandType::record_verification: {
      const auto& method = cmd.as<commands::RecordVerification>().method;
      if (!method) return;
      if (!def.verification) {
        input::fail("/method", def.id + " is not decided on commitments, so it has no verification methods");
      }
      const auto& methods = def.verification->methods;
      if (std::find(methods.begin(), methods.end(), *method) == methods.end()) {
        input::fail("/method", "unknown verification method '" + *method + "' for " + def.id + " (" +
                                   known(methods, itself) + ")");
      }
      return;
    }
    case CommandType::dispatch: {
      const auto& unit = cmd.as<commands::Dispatch>().unit;
      if (unit && std::find(units.begin(), units.end(), *unit) == units.end())
        input::fail("/unit", "unknown unit '" + *unit + "' (" + known(units, itself) + ")");
      return;
    }
    case CommandType::record_opinion: {
      const std::string& dept = cmd.as<commands::RecordOpinion>().department;
      if (!def.has_department(dept)) {
        const std::string list = known(def.co_approving, [](const auto& d) { return d.id; });
        input::fail("/department",
                    "unknown department '" + dept + "' for " + def.id +
                        (list.empty() ? " (it has no co-approving department)" : " (" + list + ")"));
      }
      return;
    }
    case CommandType::suspend: {
      const std::string& reason = cmd.as<commands::Suspend>().reason;
      if (!def.stops_clock(reason)) {
        input::fail("/reason", "'" + reason + "' does not stop the clock of " + def.id + " (" +
                                   known(def.suspension_reasons, itself) + ")");
      }
      return;
    }
    default:
      return;
  }
}

}  // namespace permitflow
