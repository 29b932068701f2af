// Typed reads of a case document (include/permitflow/case_info.hpp): read back from the JSON the engine
// wrote, so the typed answer can never disagree with the JSON one.
#include "permitflow/case_info.hpp"

#include <nlohmann/json.hpp>

#include "lifecycle/workflow.hpp"
#include "permitflow/engine.hpp"
#include "permitflow/error.hpp"

namespace permitflow {

namespace {

using Json = nlohmann::json;

[[noreturn]] void not_a_case(const std::string& why) {
  throw Error(ErrorCode::invalid_argument, "not a case document: " + why);
}

std::optional<Light> light_of(const Json& clock, const char* key) {
  const auto it = clock.find(key);
  if (it == clock.end() || !it->is_string()) return std::nullopt;
  const auto l = parse_light(it->get<std::string>());
  if (!l) not_a_case("unknown light '" + it->get<std::string>() + "'");
  return l;
}

std::string string_of(const Json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

const Deadline* CaseInfo::deadline(std::string_view clock) const noexcept {
  for (const auto& d : deadlines)
    if (d.clock == clock) return &d;
  return nullptr;
}

CaseInfo CaseInfo::parse(std::string_view case_json) {
  const Json doc = Json::parse(case_json, nullptr, false);
  if (!doc.is_object()) not_a_case("not a JSON object");
  CaseInfo c;
  c.id = string_of(doc, "id");
  if (c.id.empty()) not_a_case("no id");
  const std::string kind = string_of(doc, "kind");
  if (!kind.empty()) {
    const auto parsed = parse_kind(kind);
    if (!parsed) not_a_case("unknown kind '" + kind + "'");
    c.kind = *parsed;
  }
  c.subject = string_of(doc, std::string(workflow(c.kind).subject_key()).c_str());
  const auto state = parse_state(string_of(doc, "state"));
  if (!state) not_a_case("unknown state '" + string_of(doc, "state") + "'");
  c.state = *state;
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer()) not_a_case("no version");
  c.version = version->get<std::int64_t>();
  if (const auto flags = doc.find("flags"); flags != doc.end() && flags->is_array()) {
    for (const auto& f : *flags)
      if (f.is_string()) c.flags.push_back(f.get<std::string>());
  }
  if (const auto ds = doc.find("deadlines"); ds != doc.end() && ds->is_object()) {
    for (const auto& [name, clock] : ds->items()) {
      if (!clock.is_object()) continue;  // null: the clock is not set
      Deadline d;
      d.clock = name;
      d.due = string_of(clock, "due");
      d.light = light_of(clock, "light");
      d.statutory_due = string_of(clock, "statutory_due");
      d.statutory_light = light_of(clock, "statutory_light");
      if (const auto e = clock.find("extended_working_days"); e != clock.end() && e->is_number_integer())
        d.extended_working_days = e->get<int>();
      if (const auto p = clock.find("provisional"); p != clock.end() && p->is_boolean())
        d.provisional = p->get<bool>();
      c.deadlines.push_back(std::move(d));
    }
  }
  c.json = std::string(case_json);
  return c;
}

CaseInfo Engine::submit_case(std::string_view application_json) {
  return CaseInfo::parse(submit(application_json));
}

CaseInfo Engine::execute_case(std::string_view case_id, std::string_view command_json) {
  return CaseInfo::parse(execute(case_id, command_json));
}

CaseInfo Engine::case_info(std::string_view case_id) const { return CaseInfo::parse(get_case(case_id)); }

}  // namespace permitflow
