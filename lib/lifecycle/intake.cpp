// Receipt of an application (收件) and the definition-dependent checks of a command's names.
#include <algorithm>

#include "case/application.hpp"
#include "common/json_input.hpp"
#include "lifecycle/lifecycle.hpp"
#include "permitflow/error.hpp"

namespace permitflow {

using nlohmann::json;

Event submitted_event(const std::string& case_id, const Application& app, const PermitDefinition& def,
                      const WorkingCalendar& cal, int utc_offset_minutes,
                      const std::vector<std::string>& flags, std::optional<Date> renewal_expiry) {
  // C6: an application received on a rest day is received on the next working day.
  const Date received = cal.working_day_on_or_after(app.at.local_date(utc_offset_minutes));
  std::vector<SubmittedMaterial> materials = app.materials;
  for (auto& m : materials) m.received_on = received;
  json data = {{"case_id", case_id},
               {"permit", def.id},
               {"definition_version", def.version},
               {"definition_hash", def.hash},  // pins the content (docs/log_format.md)
               {"calendar_version", cal.version()},
               {"applicant", {{"id", app.applicant.id}, {"name", app.applicant.name}}},
               {"facts", app.facts},
               {"materials", materials_to_json(materials)},
               {"received_on", received.to_string()},
               {"flags", flags}};
  if (app.kind == "complaint") {  // the reporter, not an applicant; no facts or materials
    data.erase("applicant");
    data["kind"] = "complaint";
    data["category"] = def.id;
    data["reporter"] = {{"id", app.applicant.id}, {"name", app.applicant.name}};
    data["source"] = app.source;
    data["description"] = app.description;
    data["location"] = app.location;
  }
  if (app.renewal_of) data["renewal_of"] = *app.renewal_of;
  if (renewal_expiry) data["renewal_expiry"] = renewal_expiry->to_string();
  return Event{1, "submitted", app.at, app.actor, std::move(data)};
}

void check_names(const Command& cmd, const PermitDefinition& def, const std::vector<std::string>& units) {
  if (cmd.type == CommandType::dispatch && cmd.body.contains("unit") &&
      std::find(units.begin(), units.end(), cmd.body["unit"].get<std::string>()) == units.end()) {
    std::string known;
    for (const auto& u : units) known += (known.empty() ? "" : ", ") + u;
    input::fail("/unit", "unknown unit '" + cmd.body["unit"].get<std::string>() + "' (" + known + ")");
  }
  if (cmd.type == CommandType::record_opinion) {
    const std::string dept = cmd.body["department"].get<std::string>();
    if (!def.has_department(dept)) {
      std::string known;
      for (const auto& d : def.co_approving) known += (known.empty() ? "" : ", ") + d.id;
      input::fail("/department",
                  "unknown department '" + dept + "' for " + def.id +
                      (known.empty() ? " (it has no co-approving department)" : " (" + known + ")"));
    }
  }
  if (cmd.type == CommandType::suspend) {
    const std::string reason = cmd.body["reason"].get<std::string>();
    if (!def.stops_clock(reason)) {
      std::string known;
      for (const auto& r : def.suspension_reasons) known += (known.empty() ? "" : ", ") + r;
      input::fail("/reason", "'" + reason + "' does not stop the clock of " + def.id + " (" + known + ")");
    }
  }
}

}  // namespace permitflow
