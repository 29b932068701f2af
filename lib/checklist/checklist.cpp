// The one-time notice (一次性告知, 行政许可法 Art 32(4)): every deficiency of an application at once, the
// prohibition flags of the permit's rules, and the type check of the facts.
#include "checklist/checklist.hpp"

#include "common/json_input.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "permitflow/error.hpp"

namespace permitflow {
namespace {

using json = nlohmann::json;

bool fact_true(const Facts& facts, std::string_view name) {
  const json* v = facts.answered(name);
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

// Whether the definition's rules need the fact `name` to decide their flags, given what the application says
// so far (asked per fact, so no set of names is built for every notice).
bool rules_need(const Definition& def, const Facts& facts, std::string_view name) {
  const auto one_of = [&](std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  if (def.protection_period && one_of({"planned_start", "road_opened_on", "road_overhauled_on"})) return true;
  if (def.emergency_filing && (name == "emergency" || (name == "broken_at" && fact_true(facts, "emergency"))))
    return true;
  if (def.roof) {
    if (name == "on_roof") return true;
    if (fact_true(facts, "on_roof")) {
      if (name == "building_storeys") return true;
      const auto read = condition_facts(def.roof->large);
      if (std::find(read.begin(), read.end(), name) != read.end()) return true;
    }
  }
  if (def.term && one_of({"term_months", "electronic_screen"})) return true;
  return std::any_of(def.item_checks.begin(), def.item_checks.end(),
                     [&](const ItemCheck& check) { return check.list_fact == name; });
}

// Absent, or null where null is not an answer, or an empty text or vehicle list.
bool fact_missing(const FactSpec& spec, const Facts& facts) {
  const json* given = facts.find(spec.name);
  if (given == nullptr) return true;
  const json& v = *given;
  if (v.is_null()) return !spec.nullable;
  if (spec.type == FactType::text && v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    return s.find_first_not_of(" \t\r\n") == std::string::npos;
  }
  if (spec.type == FactType::vehicles && v.is_array()) return v.empty();
  return false;
}

std::vector<std::string> plates(const Facts& facts) {
  std::vector<std::string> out;
  const json* v = facts.answered("vehicles");
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& vehicle : *v) {
    if (vehicle.is_object() && vehicle.contains("plate") && vehicle["plate"].is_string()) {
      out.push_back(vehicle["plate"].get<std::string>());
    }
  }
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// Checks one checklist item (material id `id`, named `label`) against what was handed in.
void check_material(const MaterialSpec& spec, const std::string& id, const std::string& label,
                    bool required_now, const std::vector<SubmittedMaterial>& given,
                    std::vector<Deficiency>& out) {
  // The last copy handed in under an id counts.
  const auto it =
      std::find_if(given.rbegin(), given.rend(), [&](const SubmittedMaterial& m) { return m.id == id; });
  if (it == given.rend()) {
    if (!required_now) return;
    if (spec.required) {
      out.push_back({id, Problem::missing, missing_material_line(label)});
    } else {
      out.push_back({id, Problem::condition_required, conditional_material_line(label)});
    }
    return;
  }
  const SubmittedMaterial& m = *it;
  const std::string format = lower(m.format.str());
  if (std::find(spec.formats.begin(), spec.formats.end(), format) == spec.formats.end()) {
    out.push_back({id, Problem::invalid_format,
                   "格式不符：" + label + "（收到 " + (format.empty() ? std::string("未注明格式") : format) +
                       "，应为 " + join(spec.formats, "、") + "）"});
    return;
  }
  if (spec.must_not_be_expired && m.expires_on && *m.expires_on < m.received_on) {
    out.push_back({id, Problem::expired,
                   "已过期：" + label + "（有效期至 " + m.expires_on->to_string() + "，早于收件日期 " +
                       m.received_on.to_string() + "）"});
  }
}

[[noreturn]] void bad_fact(const std::string& pointer, const std::string& message) {
  throw Error(ErrorCode::invalid_argument, pointer + ": " + message, pointer);
}

// The offending value as it appears in a message: short, so a megabyte of input is not echoed back.
std::string excerpt(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 80) text = text.substr(0, 60) + "… (" + std::to_string(text.size()) + " bytes)";
  return text;
}

std::string_view kind_of(const json& j) {
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "a boolean";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "a string";
  if (j.is_array()) return "an array";
  return "an object";
}

void validate_vehicles(const std::string& pointer, const json& v) {
  if (!v.is_array()) bad_fact(pointer, "expected a list of vehicles, found " + std::string(kind_of(v)));
  std::set<std::string> seen;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string at = pointer + "/" + std::to_string(i);
    const json& vehicle = v[i];
    if (!vehicle.is_object()) bad_fact(at, "expected a vehicle {\"plate\", \"enclosed\", \"recorder\"}");
    for (const auto& [key, value] : vehicle.items()) {
      if (key != "plate" && key != "enclosed" && key != "recorder") {
        bad_fact(at + "/" + key, "unknown vehicle field '" + key + "' (plate, enclosed, recorder)");
      }
    }
    if (!vehicle.contains("plate") || !vehicle["plate"].is_string() ||
        vehicle["plate"].get<std::string>().empty()) {
      bad_fact(at + "/plate", "a vehicle needs its plate number as a non-empty string");
    }
    const std::string plate = vehicle["plate"].get<std::string>();
    if (plate.find(':') != std::string::npos) bad_fact(at + "/plate", "a plate number cannot contain ':'");
    if (!seen.insert(plate).second) bad_fact(at + "/plate", "vehicle " + plate + " is listed twice");
    for (const char* flag : {"enclosed", "recorder"}) {
      if (!vehicle.contains(flag) || !vehicle[flag].is_boolean()) {
        bad_fact(at + "/" + flag, std::string("'") + flag + "' must be true or false");
      }
    }
  }
}

}  // namespace

void collect_condition_facts(const Condition& c, std::set<std::string>& out) {
  for (auto& name : condition_facts(c)) out.insert(std::move(name));  // other_fact and spans' ends too
}

std::vector<Deficiency> compute_deficiencies(const Definition& def, const Facts& facts,
                                             const std::vector<SubmittedMaterial>& materials) {
  std::vector<Deficiency> out;

  // 1. Facts the definition or a rule needs and the application lacks.
  for (const auto& f : def.facts) {
    const bool needed =
        f.required || (f.required_if && evaluate(*f.required_if, facts)) || rules_need(def, facts, f.name);
    if (needed && fact_missing(f, facts)) {
      out.push_back({"fact:" + f.name, Problem::missing, missing_fact_line(f.label.zh)});
    }
  }

  // 2. What every element of a list fact must be (the vehicle rule of 建设部令第135号: enclosed, recorder).
  for (const auto& check : def.item_checks) {
    const json* list = facts.answered(check.list_fact);
    if (list == nullptr || !list->is_array()) continue;
    for (const auto& element : *list) {
      if (!element.is_object() || !element.contains("plate") || !element["plate"].is_string()) continue;
      std::vector<std::string> lacking;
      for (const auto& field : check.require_true) {
        if (!(element.contains(field.name) && element[field.name] == true))
          lacking.push_back(field.message.zh);
      }
      if (lacking.empty()) continue;
      const std::string key = element["plate"].get<std::string>();
      out.push_back({check.item + ":" + key, Problem::condition_required,
                     check.label.zh + key + "：" + join(lacking, "、")});
    }
  }

  // 3. The materials checklist, in its order; the last copy handed in under an id counts.
  const std::vector<std::string> vehicle_plates = plates(facts);  // per_vehicle reads the fact `vehicles`
  for (const auto& spec : def.materials) {
    const bool required_now = spec.required || (spec.required_if && evaluate(*spec.required_if, facts));
    if (spec.per_vehicle) {
      for (const auto& plate : vehicle_plates) {
        check_material(spec, spec.id + ":" + plate, spec.name.zh + "（" + plate + "）", required_now,
                       materials, out);
      }
    } else {
      check_material(spec, spec.id, spec.name.zh, required_now, materials, out);
    }
  }
  return out;
}

namespace {

RuleCheck check_rule(const FactRule& rule, const Facts& facts, const RuleContext& context) {
  RuleCheck r{rule.flag, rule.prohibition, evaluate(rule.when, facts, context), {}, json::object()};
  std::string shown;
  for (const auto& name : condition_facts(rule.when)) {
    const json* v = facts.answered(name);
    r.facts[name] = v ? *v : json(nullptr);
    shown += (shown.empty() ? "" : "，") + name + " = " + (v ? excerpt(*v) : std::string("（未填）"));
  }
  if (reads_submission_time(rule.when) && context.submitted_at) {
    shown += (shown.empty() ? "" : "，") + std::string("提交于 ") +
             context.submitted_at->to_rfc3339(context.utc_offset_minutes);
  }
  r.message = r.rule + (r.holds ? "：" : "（不适用）：") + rule.message.zh + "（" + shown + "）";
  return r;
}

}  // namespace

std::vector<RuleCheck> check_rules(const Definition& def, const Facts& facts, Instant submitted_at,
                                   const WorkingCalendar& calendar, int utc_offset_minutes) {
  const RuleContext context{&calendar, submitted_at, utc_offset_minutes};
  std::vector<RuleCheck> out;
  for (const auto& rule : def.fact_rules) out.push_back(check_rule(rule, facts, context));
  return out;
}

std::vector<std::string> compute_flags(const Definition& def, const Facts& facts, Instant submitted_at,
                                       const WorkingCalendar& calendar, int utc_offset_minutes) {
  // What check_rules says holds, without writing the messages no one reads here.
  const RuleContext context{&calendar, submitted_at, utc_offset_minutes};
  std::vector<std::string> flags;
  for (const auto& rule : def.fact_rules) {
    if (evaluate(rule.when, facts, context)) flags.push_back(rule.flag);
  }
  return flags;
}

std::string credit_gate(const Facts& facts) {
  for (std::string_view name : kCreditFacts)
    if (fact_true(facts, name)) return std::string(name);
  return "";
}

std::vector<Deficiency> without_committed(std::vector<Deficiency> items,
                                          const std::vector<std::string>& committed) {
  std::erase_if(items, [&](const Deficiency& d) {
    const std::string base = d.material.substr(0, d.material.find(':'));
    return std::find(committed.begin(), committed.end(), d.material) != committed.end() ||
           (base != "fact" && base != "vehicle" &&
            std::find(committed.begin(), committed.end(), base) != committed.end());
  });
  return items;
}

void validate_facts(const Definition& def, const json& facts) {
  if (facts.is_null()) return;
  if (!facts.is_object()) bad_fact("/facts", "facts must be an object, found " + std::string(kind_of(facts)));
  validate_facts(def, Facts(facts));
}

void validate_facts(const Definition& def, const Facts& facts) {
  for (const auto& [name, value] : facts.entries()) {
    const std::string pointer = "/facts/" + name;
    const FactSpec* spec = def.fact(name);
    if (spec == nullptr &&
        std::find(std::begin(kCreditFacts), std::end(kCreditFacts), name) != std::end(kCreditFacts)) {
      if (!value.is_boolean() && !value.is_null())
        bad_fact(pointer,
                 "'" + name + "' (from the credit system) must be true or false, found " + excerpt(value));
      continue;
    }
    if (spec == nullptr) bad_fact(pointer, "unknown fact '" + name + "' for permit " + def.id);
    if (value.is_null()) {
      if (!spec->nullable) bad_fact(pointer, "'" + name + "' cannot be null");
      continue;
    }
    switch (spec->type) {
      case FactType::boolean:
        if (!value.is_boolean())
          bad_fact(pointer, "'" + name + "' must be true or false, found " + excerpt(value));
        break;
      case FactType::number:
        if (!value.is_number()) bad_fact(pointer, "'" + name + "' must be a number, found " + excerpt(value));
        break;
      case FactType::integer:
        if (!value.is_number_integer() && !value.is_number_unsigned() &&
            !(value.is_number_float() && std::trunc(value.get<double>()) == value.get<double>())) {
          bad_fact(pointer, "'" + name + "' must be a whole number, found " + excerpt(value));
        }
        break;
      case FactType::date:
        if (!value.is_string())
          bad_fact(pointer, "'" + name + "' must be a date YYYY-MM-DD, found " + excerpt(value));
        try {
          Date::parse(value.get<std::string>());
        } catch (const Error& e) {
          bad_fact(pointer, "'" + name + "' is not a valid date: " + e.what());
        }
        break;
      case FactType::time:
        if (!value.is_string()) {
          bad_fact(pointer, "'" + name + "' must be an RFC 3339 time with offset, found " + excerpt(value));
        }
        try {
          Instant::parse_rfc3339(value.get<std::string>());
        } catch (const Error& e) {
          bad_fact(pointer,
                   "'" + name +
                       "' is not an RFC 3339 time with offset (e.g. 2026-09-18T20:00:00+08:00): " + e.what());
        }
        break;
      case FactType::text:
        if (!value.is_string()) bad_fact(pointer, "'" + name + "' must be text, found " + excerpt(value));
        if (value.get_ref<const std::string&>().size() > input::kMaxText) {
          bad_fact(pointer, "'" + name + "' is longer than " + std::to_string(input::kMaxText) + " bytes");
        }
        break;
      case FactType::vehicles:
        validate_vehicles(pointer, value);
        break;
    }
    const auto shown = [](double bound) {
      return std::trunc(bound) == bound ? std::to_string(static_cast<long long>(bound)) : json(bound).dump();
    };
    if (spec->minimum && value.is_number() && value.get<double>() < *spec->minimum) {
      bad_fact(pointer,
               "'" + name + "' must be at least " + shown(*spec->minimum) + ", found " + excerpt(value));
    }
    if (spec->maximum && value.is_number() && value.get<double>() > *spec->maximum) {
      bad_fact(pointer,
               "'" + name + "' must be at most " + shown(*spec->maximum) + ", found " + excerpt(value));
    }
  }
}

}  // namespace permitflow
