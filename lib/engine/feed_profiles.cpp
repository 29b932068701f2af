#include "engine/feed_profiles.hpp"

#include <algorithm>

#include "common/embedded.hpp"
#include "permitflow/error.hpp"
#include "permitflow/event.hpp"

namespace permitflow {

using nlohmann::json;

namespace {

[[noreturn]] void bad(const std::string& file, const std::string& pointer, const std::string& message) {
  throw Error(ErrorCode::invalid_argument, file + ": " + pointer + ": " + message, pointer);
}

json parse_file(std::string_view text, const std::string& file) {
  try {
    json doc = json::parse(text);
    if (!doc.is_object()) bad(file, "", "must be a JSON object");
    return doc;
  } catch (const json::parse_error& e) {
    bad(file, "", std::string("is not JSON: ") + e.what());
  }
}

void only_keys(const json& obj, const std::string& file, const std::string& pointer,
               std::initializer_list<std::string_view> allowed) {
  if (!obj.is_object()) bad(file, pointer, "must be an object");
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      bad(file, pointer + "/" + key, "unknown field '" + key + "'");
  }
}

std::string text_of(const json& obj, const char* key, const std::string& file, const std::string& pointer,
                    bool required = false) {
  if (!obj.contains(key)) {
    if (required) bad(file, pointer + "/" + key, "is missing");
    return "";
  }
  if (!obj.at(key).is_string() || obj.at(key).get_ref<const std::string&>().empty())
    bad(file, pointer + "/" + key, "must be a non-empty string");
  return obj.at(key).get<std::string>();
}

/// A data field of an event: a name, or a JSON pointer ("/tolerance/items") into the data.
const json* data_field(const json& data, const std::string& field) {
  if (!data.is_object()) return nullptr;
  if (!field.starts_with("/")) return data.contains(field) ? &data.at(field) : nullptr;
  const json::json_pointer ptr(field);
  return data.contains(ptr) ? &data.at(ptr) : nullptr;
}

/// A data field of an event as text: strings as they are, lists of items as their materials' names (`names`:
/// id -> name; an id without a name stands as it is).
std::string data_text(const json& data, const std::string& field,
                      const std::map<std::string, std::string>& names = {}) {
  const json* found = data_field(data, field);
  if (found == nullptr) return "";
  const json& v = *found;
  if (v.is_string()) {
    const auto named = names.find(v.get<std::string>());
    return named == names.end() ? v.get<std::string>() : named->second;
  }
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_array()) {
    std::string out;
    for (const auto& item : v) {
      const std::string name = item.is_object()   ? item.value("material", "")
                               : item.is_string() ? item.get<std::string>()
                                                  : "";
      if (name.empty()) continue;
      const auto named = names.find(name);
      out += (out.empty() ? "" : "、") + (named == names.end() ? name : named->second);
    }
    return out;
  }
  return "";
}

/// The value a `by` or `when` compares: "none" for a field absent or null, "present" for an object,
/// "true"/"false" for a boolean, else the field as text (docs/feed.md).
std::string case_value(const json& data, const std::string& field) {
  const json* v = data_field(data, field);
  if (v == nullptr || v->is_null()) return "none";
  if (v->is_object()) return "present";
  if (v->is_boolean()) return v->get<bool>() ? "true" : "false";
  return data_text(data, field);
}

std::string embedded(std::string_view name) {
  for (const auto& f : detail::embedded_files()) {
    if (f.name == name) return std::string(f.content);
  }
  throw Error(ErrorCode::internal, "the compiled-in file " + std::string(name) + " is missing");
}

}  // namespace

// --- provincial ------------------------------------------------------------------------------------------

ProvincialProfile ProvincialProfile::parse(std::string_view text, const std::string& file) {
  const json doc = parse_file(text, file);
  only_keys(doc, file, "", {"profile", "description", "fields", "stages", "events"});
  if (doc.value("profile", "") != "provincial") bad(file, "/profile", "must be \"provincial\"");
  ProvincialProfile p;
  static const std::vector<std::string> kFields{"case",  "subject", "stage",       "stage_code",
                                                "step",  "result",  "result_code", "round",
                                                "items", "reason",  "at",          "handler"};
  if (!doc.contains("fields") || !doc["fields"].is_object()) bad(file, "/fields", "must be an object");
  for (const auto& [ours, theirs] : doc["fields"].items()) {
    if (std::find(kFields.begin(), kFields.end(), ours) == kFields.end())
      bad(file, "/fields/" + ours, "unknown field '" + ours + "'");
    p.fields_[ours] = text_of(doc["fields"], ours.c_str(), file, "/fields", true);
  }
  for (const auto& f : kFields) {
    if (!p.fields_.count(f)) bad(file, "/fields/" + f, "is missing");
  }
  if (!doc.contains("stages") || !doc["stages"].is_object() || doc["stages"].empty())
    bad(file, "/stages", "must be an object of stage names and codes");
  for (const auto& [stage, code] : doc["stages"].items()) {
    p.stages_[stage] = text_of(doc["stages"], stage.c_str(), file, "/stages", true);
  }
  auto mapping = [&](const json& m, const std::string& pointer) {
    only_keys(m, file, pointer, {"stage", "step", "result", "result_code", "reason", "items", "round"});
    Mapping out;
    out.stage = text_of(m, "stage", file, pointer, true);
    if (!p.stages_.count(out.stage))
      bad(file, pointer + "/stage", "names no stage of /stages: '" + out.stage + "'");
    out.step = text_of(m, "step", file, pointer);
    out.result = text_of(m, "result", file, pointer);
    out.result_code = text_of(m, "result_code", file, pointer);
    out.reason_field = text_of(m, "reason", file, pointer);
    out.items_field = text_of(m, "items", file, pointer);
    if (m.contains("round")) {
      if (!m["round"].is_boolean()) bad(file, pointer + "/round", "must be true or false");
      out.round = m["round"].get<bool>();
    }
    return out;
  };
  if (!doc.contains("events") || !doc["events"].is_object()) bad(file, "/events", "must be an object");
  for (const auto& [type, rule] : doc["events"].items()) {
    const std::string pointer = "/events/" + type;
    if (!parse_event_type(type)) bad(file, pointer, "names no event type: '" + type + "'");
    Rule r;
    if (rule.is_object() && rule.contains("by")) {
      only_keys(rule, file, pointer, {"by", "cases"});
      r.by = text_of(rule, "by", file, pointer, true);
      if (!rule.contains("cases") || !rule["cases"].is_object() || rule["cases"].empty())
        bad(file, pointer + "/cases", "must be an object of values and mappings");
      for (const auto& [value, m] : rule["cases"].items())
        r.cases[value] = mapping(m, pointer + "/cases/" + value);
    } else {
      r.plain = mapping(rule, pointer);
    }
    p.events_[type] = std::move(r);
  }
  return p;
}

const ProvincialProfile& ProvincialProfile::builtin() {
  static const ProvincialProfile kBuiltin =
      parse(embedded("profiles/provincial.json"), "data/profiles/provincial.json");
  return kBuiltin;
}

bool ProvincialProfile::needs_round(const std::string& type) const {
  const auto it = events_.find(type);
  if (it == events_.end()) return false;
  if (it->second.plain) return it->second.plain->round;
  return std::any_of(it->second.cases.begin(), it->second.cases.end(),
                     [](const auto& c) { return c.second.round; });
}

std::optional<json> ProvincialProfile::render(const store::FeedRecord& r, const RecordContext& ctx) const {
  const auto it = events_.find(r.event.type);
  if (it == events_.end()) return std::nullopt;
  const json data = json::parse(r.event.data);
  const Mapping* m = it->second.plain ? &*it->second.plain : nullptr;
  if (!m) {
    const auto c = it->second.cases.find(case_value(data, it->second.by));
    if (c == it->second.cases.end()) return std::nullopt;
    m = &c->second;
  }
  const json actor = json::parse(r.event.actor);
  json out = {{"seq", r.seq}, {"type", r.event.type}};
  const auto put = [&](const char* field, json value) { out[fields_.at(field)] = std::move(value); };
  put("case", r.case_id);
  put("subject", r.subject);
  put("stage", m->stage);
  put("stage_code", stages_.at(m->stage));
  if (!m->step.empty()) put("step", m->step);
  if (!m->result.empty()) put("result", m->result);
  if (!m->result_code.empty()) put("result_code", m->result_code);
  if (m->round) put("round", ctx.round);
  if (const json* items = m->items_field.empty() ? nullptr : data_field(data, m->items_field))
    put("items", *items);
  if (!m->reason_field.empty()) put("reason", data_text(data, m->reason_field));
  put("at", r.event.at);
  put("handler", actor.value("id", ""));
  return out;
}

// --- notify ----------------------------------------------------------------------------------------------

const std::vector<std::string>& NotifyProfile::template_fields() {
  static const std::vector<std::string> kFields{
      "case",    "subject", "subject_name", "subject_name_en", "state",  "date",
      "time",    "reason",  "items",        "round",           "number", "valid_until",
      "outcome", "unit",    "working_days", "supply_by",       "result"};
  return kFields;
}

namespace {

/// Checks every {field} of a template against the known fields.
void check_template(const std::string& t, const std::string& file, const std::string& pointer) {
  const auto& fields = NotifyProfile::template_fields();
  for (std::size_t open = t.find('{'); open != std::string::npos; open = t.find('{', open + 1)) {
    const std::size_t close = t.find('}', open);
    if (close == std::string::npos) bad(file, pointer, "a '{' is never closed");
    const std::string field = t.substr(open + 1, close - open - 1);
    if (std::find(fields.begin(), fields.end(), field) == fields.end())
      bad(file, pointer, "the template names the field '" + field + "', which does not exist");
  }
}

std::string fill(const std::string& t, const std::map<std::string, std::string>& values) {
  std::string out;
  std::size_t at = 0;
  for (std::size_t open = t.find('{'); open != std::string::npos; open = t.find('{', at)) {
    const std::size_t close = t.find('}', open);
    out += t.substr(at, open - at);
    const auto v = values.find(t.substr(open + 1, close - open - 1));
    if (v != values.end()) out += v->second;
    at = close + 1;
  }
  return out + t.substr(at);
}

}  // namespace

void NotifyProfile::add(std::string_view text, const std::string& file) {
  const json doc = parse_file(text, file);
  only_keys(doc, file, "", {"definitions", "description", "notifications"});
  if (!doc.contains("definitions") || !doc["definitions"].is_array() || doc["definitions"].empty())
    bad(file, "/definitions", "must be a list of definition ids");
  std::map<std::string, std::vector<Message>> by_type;
  if (!doc.contains("notifications") || !doc["notifications"].is_object())
    bad(file, "/notifications", "must be an object of event types");
  static const std::vector<std::string> kChannels{"sms", "wechat", "inbox"};
  for (const auto& [type, list] : doc["notifications"].items()) {
    const std::string pointer = "/notifications/" + type;
    if (!parse_event_type(type)) bad(file, pointer, "names no event type: '" + type + "'");
    if (!list.is_array() || list.empty()) bad(file, pointer, "must be a list of messages");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string p = pointer + "/" + std::to_string(i);
      const json& m = list[i];
      only_keys(m, file, p, {"to", "channel", "template", "when"});
      Message msg;
      if (m.contains("when")) {
        if (!m["when"].is_object() || m["when"].empty())
          bad(file, p + "/when", "must be an object of data fields and values");
        for (const auto& [field, value] : m["when"].items())
          msg.when[field] = text_of(m["when"], field.c_str(), file, p + "/when", true);
      }
      if (!m.contains("to") || !m["to"].is_object()) bad(file, p + "/to", "must be {\"role\"} or {\"id\"}");
      only_keys(m["to"], file, p + "/to", {"role", "id"});
      if (m["to"].size() != 1) bad(file, p + "/to", "must name exactly one of role or id");
      msg.to = m["to"];
      msg.channel = text_of(m, "channel", file, p, true);
      if (std::find(kChannels.begin(), kChannels.end(), msg.channel) == kChannels.end())
        bad(file, p + "/channel", "unknown channel '" + msg.channel + "' (sms, wechat, inbox)");
      if (!m.contains("template")) bad(file, p + "/template", "is missing");
      only_keys(m["template"], file, p + "/template", {"zh", "en"});
      msg.zh = text_of(m["template"], "zh", file, p + "/template", true);
      msg.en = text_of(m["template"], "en", file, p + "/template", true);
      check_template(msg.zh, file, p + "/template/zh");
      check_template(msg.en, file, p + "/template/en");
      by_type[type].push_back(std::move(msg));
    }
  }
  for (std::size_t i = 0; i < doc["definitions"].size(); ++i) {
    const json& d = doc["definitions"][i];
    if (!d.is_string() || d.get_ref<const std::string&>().empty())
      bad(file, "/definitions/" + std::to_string(i), "must be a definition id");
    if (by_subject_.count(d.get<std::string>()))
      bad(file, "/definitions/" + std::to_string(i),
          "'" + d.get<std::string>() + "' has notifications already");
    by_subject_[d.get<std::string>()] = by_type;
  }
}

const NotifyProfile& NotifyProfile::builtin() {
  static const NotifyProfile kBuiltin = [] {
    NotifyProfile p;
    for (const auto& f : detail::embedded_files()) {
      if (f.name.starts_with("notifications/") && f.name.ends_with(".json"))
        p.add(f.content, "data/" + std::string(f.name));
    }
    return p;
  }();
  return kBuiltin;
}

namespace {

// What a message says for the codes an event carries in `outcome` and `reason` (a person reads the message,
// not the contract): the decision's outcome and the Art 45 reasons that stop a clock, in Chinese and English.
// Free-text reasons (a refusal's) pass through as written.
struct CodeName {
  std::string_view code, zh, en;
};
constexpr CodeName kCodeNames[] = {
    {"approved", "准予许可", "granted"},
    {"denied", "不予许可", "refused"},
    {"hearing", "听证", "a hearing"},
    {"tender", "招标", "a tender"},
    {"auction", "拍卖", "an auction"},
    {"examination", "考试", "an examination"},
    {"testing", "检验、检测", "tests"},
    {"quarantine", "检疫", "quarantine"},
    {"appraisal", "鉴定", "an appraisal"},
    {"expert_review", "专家评审", "an expert review"},
    {"public_notice", "公示", "a public notice"},
};

std::map<std::string, std::string> code_names(bool english) {
  std::map<std::string, std::string> out;
  for (const auto& c : kCodeNames) out.emplace(c.code, english ? c.en : c.zh);
  return out;
}

}  // namespace

std::vector<json> NotifyProfile::render(const store::FeedRecord& r, const RecordContext& ctx) const {
  std::vector<json> out;
  const auto subject = by_subject_.find(r.subject);
  if (subject == by_subject_.end()) return out;
  const auto type = subject->second.find(r.event.type);
  if (type == subject->second.end()) return out;
  const json data = json::parse(r.event.data);
  const std::string& at = r.event.at;
  std::map<std::string, std::string> values{
      {"case", r.case_id},
      {"subject", r.subject},
      {"subject_name", ctx.subject_name},
      {"subject_name_en", ctx.subject_name_en},
      {"state", r.state},
      {"date", at.substr(0, 10)},
      {"time", at.size() >= 16 ? at.substr(11, 5) : ""},
      {"reason", data_text(data, data.contains("reasons") ? "reasons" : "reason")},
      {"items", data_text(data, "items")},
      {"round", std::to_string(ctx.round)},
      {"number", data_text(data, "number")},
      {"valid_until", data_text(data, "valid_until")},
      {"outcome", data_text(data, "outcome")},
      {"unit", data_text(data, "unit")},
      {"working_days", data_text(data, "working_days")},
      {"supply_by", data_text(data, data.contains("supply_by") ? "supply_by" : "/tolerance/supply_by")},
      {"result", data_text(data, "result")},
  };
  std::map<std::string, std::string> zh_names, en_names;
  for (const auto& [id, names] : ctx.material_names) {
    zh_names[id] = names.first;
    en_names[id] = names.second;
  }
  std::map<std::string, std::string> en_values = values;
  const std::string items = data.contains("items") ? "items" : "/tolerance/items";
  values["items"] = data_text(data, items, zh_names);
  en_values["items"] = data_text(data, items, en_names);
  static const auto kZh = code_names(false);
  static const auto kEn = code_names(true);
  const std::string reason_field = data.contains("reasons") ? "reasons" : "reason";
  for (auto [values_of, names] : {std::pair{&values, &kZh}, std::pair{&en_values, &kEn}}) {
    (*values_of)["outcome"] = data_text(data, "outcome", *names);
    (*values_of)["reason"] = data_text(data, reason_field, *names);
  }
  for (const Message& m : type->second) {
    if (std::any_of(m.when.begin(), m.when.end(),
                    [&](const auto& w) { return case_value(data, w.first) != w.second; }))
      continue;
    json to = m.to;
    if (to.contains("role") && (to["role"] == "applicant" || to["role"] == "reporter"))
      to["id"] = ctx.applicant_id;
    out.push_back({{"seq", r.seq},
                   {"case", r.case_id},
                   {"type", r.event.type},
                   {"to", std::move(to)},
                   {"channel", m.channel},
                   {"text", fill(m.zh, values)},
                   {"text_en", fill(m.en, en_values)}});
  }
  return out;
}

}  // namespace permitflow
