// Permit definitions: strict parsing of data/definitions/*.json and the registry of versions.
#include "definition/definition.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <utility>

#include "common/embedded.hpp"
#include "common/json_input.hpp"
#include "common/sha256.hpp"
#include "common/text.hpp"
#include "permitflow/calendar.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

using json = nlohmann::json;

// 行政许可法 Art 45: the reasons whose time is not counted in the decision limits. Every definition lists
// them (it may add its own, e.g. public_notice).
constexpr std::array<std::string_view, 8> kArt45Reasons{
    "hearing", "tender", "auction", "examination", "testing", "quarantine", "appraisal", "expert_review"};

bool is_snake_case(std::string_view s) {
  if (s.empty() || s.front() < 'a' || s.front() > 'z') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

using input::Field;

// No count in a definition (days, months, years, storeys, inspectors) is anywhere near this.
constexpr int kMaxCount = 100000;

int count(const Field& f, int min) { return static_cast<int>(f.integer(min, kMaxCount)); }

int optional_count(const Field& n, std::string_view key, int fallback, int min) {
  return n.has(key) ? count(n.child(key), min) : fallback;
}

bool optional_bool(const Field& n, std::string_view key, bool fallback) {
  return n.has(key) ? n.child(key).boolean() : fallback;
}

std::string identifier(const Field& f) {
  std::string s = f.str();
  if (!is_snake_case(s)) f.fail("'" + s + "' is not a snake_case identifier ([a-z][a-z0-9_]*)");
  return s;
}

LocalizedName parse_name(const Field& n) {
  n.object({"zh", "en"});
  return LocalizedName{n.child("zh").nonempty_str(), n.child("en").nonempty_str()};
}

// The one table of fact types and their names in a definition file.
constexpr std::array<std::pair<FactType, std::string_view>, 7> kFactTypes{{{FactType::boolean, "boolean"},
                                                                           {FactType::number, "number"},
                                                                           {FactType::integer, "integer"},
                                                                           {FactType::date, "date"},
                                                                           {FactType::time, "time"},
                                                                           {FactType::text, "text"},
                                                                           {FactType::vehicles, "vehicles"}}};

std::optional<FactType> parse_fact_type(std::string_view s) {
  for (const auto& [t, name] : kFactTypes) {
    if (name == s) return t;
  }
  return std::nullopt;
}

std::string_view fact_type_name(FactType t) {
  for (const auto& [value, name] : kFactTypes) {
    if (value == t) return name;
  }
  return "text";
}

const FactSpec* find_fact(const std::vector<FactSpec>& facts, std::string_view name) {
  for (const auto& f : facts) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::optional<Condition::Op> parse_op(std::string_view s) {
  using Op = Condition::Op;
  static constexpr std::array<std::pair<std::string_view, Op>, 10> kOps{{{"=", Op::eq},
                                                                         {"≠", Op::ne},
                                                                         {"!=", Op::ne},
                                                                         {"<", Op::lt},
                                                                         {"≤", Op::le},
                                                                         {"<=", Op::le},
                                                                         {">", Op::gt},
                                                                         {"≥", Op::ge},
                                                                         {">=", Op::ge},
                                                                         {"in", Op::in}}};
  for (const auto& [name, op] : kOps) {
    if (name == s) return op;
  }
  return std::nullopt;
}

Condition::Op required_op(const Field& n) {
  const Field op = n.child("op");
  const auto parsed = parse_op(op.str());
  if (!parsed) op.fail("unknown operator '" + op.str() + "' (=, ≠, <, ≤, >, ≥, in; or !=, <=, >=)");
  return *parsed;
}

const FactSpec& declared_fact(const Field& n, const std::vector<FactSpec>& facts) {
  const std::string name = n.str();
  const FactSpec* spec = find_fact(facts, name);
  if (spec == nullptr) n.fail("unknown fact '" + name + "' (not declared in \"facts\")");
  return *spec;
}

// A constant compared with a fact must be a value of the fact's type.
void check_value(const Field& v, const FactSpec& spec) {
  switch (spec.type) {
    case FactType::boolean:
      v.boolean();
      break;
    case FactType::number:
    case FactType::integer:
      v.number();
      break;
    case FactType::text:
      v.str();
      break;
    case FactType::date:
      v.date();
      break;
    case FactType::time:
      v.time();
      break;
    case FactType::vehicles:
      v.fail("a fact of type vehicles cannot be compared");
  }
}

bool is_numeric(FactType t) { return t == FactType::number || t == FactType::integer; }

// {"fact": f, "op": o, "value": v} or {"fact": f, "op": o, "other_fact": g}.
Condition parse_compare(const Field& n, const std::vector<FactSpec>& facts) {
  using Op = Condition::Op;
  n.object({"fact", "op", "value", "other_fact"});
  Condition c;
  c.kind = Condition::Kind::compare;
  const FactSpec& spec = declared_fact(n.child("fact"), facts);
  c.fact = spec.name;
  c.op = required_op(n);
  const Field op = n.child("op");
  if (spec.type == FactType::vehicles) op.fail("a fact of type vehicles cannot be compared");
  const bool ordered = c.op == Op::lt || c.op == Op::le || c.op == Op::gt || c.op == Op::ge;
  if (ordered && (spec.type == FactType::boolean || spec.type == FactType::text)) {
    op.fail("'" + op.str() + "' needs a number, integer, date or time fact; '" + c.fact + "' is " +
            std::string(fact_type_name(spec.type)));
  }
  if (n.has("value") == n.has("other_fact")) n.fail("a comparison needs exactly one of value, other_fact");
  if (n.has("other_fact")) {
    if (c.op == Op::in) op.fail("'in' compares with a list of values, not with another fact");
    const Field o = n.child("other_fact");
    const FactSpec& other = declared_fact(o, facts);
    if (other.type != spec.type && !(is_numeric(other.type) && is_numeric(spec.type))) {
      o.fail("'" + c.fact + "' is " + std::string(fact_type_name(spec.type)) + " and '" + other.name +
             "' is " + std::string(fact_type_name(other.type)) + ": only facts of one type compare");
    }
    c.other_fact = other.name;
    return c;
  }
  const Field v = n.child("value");
  c.value = v.value();
  if (c.op == Op::in) {
    v.array();
    if (v.size() == 0) v.fail("'in' needs at least one value");
    for (std::size_t i = 0; i < v.size(); ++i) check_value(v.element(i), spec);
  } else {
    check_value(v, spec);
  }
  return c;
}

// {"span": [from, to], "unit": "days" | "working_days" | "months", "op": o, "value": n} between two date
// facts, or {"span": [from, to], "unit": "hours", "op": o, "value": n, "roll_to_working_day"?: b} between
// two time facts, where `to` may be the filing time "@submitted_at".
Condition parse_span(const Field& n, const std::vector<FactSpec>& facts) {
  n.object({"span", "unit", "op", "value", "roll_to_working_day"});
  Condition c;
  c.kind = Condition::Kind::span;
  const Field unit = n.child("unit");
  const std::string u = unit.str();
  if (u == "days") {
    c.unit = Condition::Unit::days;
  } else if (u == "working_days") {
    c.unit = Condition::Unit::working_days;
  } else if (u == "months") {
    c.unit = Condition::Unit::months;
  } else if (u == "hours") {
    c.unit = Condition::Unit::hours;
  } else {
    unit.fail("unknown unit '" + u + "' (days, working_days, months, hours)");
  }
  const bool hours = c.unit == Condition::Unit::hours;
  const FactType ends = hours ? FactType::time : FactType::date;
  const Field span = n.child("span");
  span.array();
  if (span.size() != 2)
    span.fail(hours ? "an hours span names two time facts: [from, to]"
                    : "a span names two date facts: [from, to]");
  for (std::size_t i = 0; i < 2; ++i) {
    const Field f = span.element(i);
    if (hours && i == 1 && f.value().is_string() && f.str() == kSubmittedAt) {
      c.other_fact = std::string(kSubmittedAt);
      continue;
    }
    const FactSpec& spec = declared_fact(f, facts);
    if (spec.type != ends)
      f.fail("'" + spec.name + "' is " + std::string(fact_type_name(spec.type)) + ", not a " +
             std::string(fact_type_name(ends)) + " fact" +
             (hours ? " (an hours span runs between times)" : " (a span in " + u + " runs between dates)"));
    (i == 0 ? c.fact : c.other_fact) = spec.name;
  }
  c.op = required_op(n);
  if (c.op == Condition::Op::in) n.child("op").fail("'in' does not apply to a span");
  c.value = count(n.child("value"), 0);
  c.roll_to_working_day = optional_bool(n, "roll_to_working_day", false);
  if (c.roll_to_working_day && !hours)
    n.child("roll_to_working_day").fail("roll_to_working_day applies to a span in hours only");
  return c;
}

// A condition's fact must be declared, and the compared value must suit the fact's type.
Condition parse_condition(const Field& n, const std::vector<FactSpec>& facts) {
  if (!n.value().is_object())
    n.fail(std::string("expected a condition object, found ") + std::string(input::kind_of(n.value())));
  Condition c;
  for (auto [key, kind] : {std::pair{"any", Condition::Kind::any}, std::pair{"all", Condition::Kind::all}}) {
    if (n.has(key)) {
      n.object({key});
      const Field list = n.child(key);
      list.array();
      if (list.size() == 0) list.fail("needs at least one condition");
      c.kind = kind;
      for (std::size_t i = 0; i < list.size(); ++i)
        c.operands.push_back(parse_condition(list.element(i), facts));
      return c;
    }
  }
  if (n.has("not")) {
    n.object({"not"});
    c.kind = Condition::Kind::negation;
    c.operands.push_back(parse_condition(n.child("not"), facts));
    return c;
  }
  if (n.has("span")) return parse_span(n, facts);
  if (n.has("op")) return parse_compare(n, facts);
  static constexpr std::array<std::pair<std::string_view, Condition::Kind>, 5> kOps{
      {{"equals", Condition::Kind::equals},
       {"at_least", Condition::Kind::at_least},
       {"greater_than", Condition::Kind::greater_than},
       {"at_most", Condition::Kind::at_most},
       {"present", Condition::Kind::present}}};
  n.object({"fact", "equals", "at_least", "greater_than", "at_most", "present"});
  const Field fact_node = n.child("fact");
  c.fact = fact_node.str();
  const FactSpec* spec = find_fact(facts, c.fact);
  if (spec == nullptr) fact_node.fail("unknown fact '" + c.fact + "' (not declared in \"facts\")");
  int ops = 0;
  for (const auto& [key, kind] : kOps) {
    if (!n.has(key)) continue;
    ++ops;
    c.kind = kind;
    const Field v = n.child(key);
    c.value = v.value();
    const bool numeric = spec->type == FactType::number || spec->type == FactType::integer;
    switch (kind) {
      case Condition::Kind::present:
        v.boolean();
        break;
      case Condition::Kind::equals:
        if (spec->type == FactType::boolean) {
          v.boolean();
        } else if (numeric) {
          v.number();
        } else if (spec->type == FactType::text) {
          v.str();
        } else if (spec->type == FactType::date) {
          v.date();
        } else {
          v.fail("'equals' does not apply to a fact of type " + std::string(fact_type_name(spec->type)));
        }
        break;
      default:
        if (numeric) {
          v.number();
        } else if (spec->type == FactType::date) {
          v.date();
        } else {
          v.fail("'" + std::string(key) + "' needs a number or date fact; '" + c.fact + "' is " +
                 std::string(fact_type_name(spec->type)));
        }
        break;
    }
  }
  if (ops != 1)
    n.fail(
        "a condition needs exactly one of equals, at_least, greater_than, at_most, present (or op, span, "
        "any, all, not)");
  return c;
}

FactSpec parse_fact(const Field& n, const std::vector<FactSpec>& earlier) {
  n.object({"name", "type", "label", "nullable", "required", "required_if", "minimum", "maximum", "note"});
  FactSpec f;
  const Field name = n.child("name");
  f.name = identifier(name);
  if (find_fact(earlier, f.name) != nullptr) name.fail("duplicate fact '" + f.name + "'");
  const Field type = n.child("type");
  const auto t = parse_fact_type(type.str());
  if (!t)
    type.fail("unknown fact type '" + type.str() +
              "' (boolean, number, integer, date, time, text, vehicles)");
  f.type = *t;
  f.label = parse_name(n.child("label"));
  f.nullable = optional_bool(n, "nullable", false);
  f.required = optional_bool(n, "required", false);
  if (n.has("minimum")) {
    const Field m = n.child("minimum");
    if (f.type != FactType::number && f.type != FactType::integer)
      m.fail("'minimum' applies only to number and integer facts");
    f.minimum = m.number();
  }
  if (n.has("maximum")) {
    const Field m = n.child("maximum");
    if (f.type != FactType::number && f.type != FactType::integer)
      m.fail("'maximum' applies only to number and integer facts");
    f.maximum = m.number();
    if (f.minimum && *f.maximum < *f.minimum) m.fail("is below the fact's minimum");
  }
  if (n.has("note")) n.child("note").str();
  return f;
}

MaterialSpec parse_material(const Field& n, const std::vector<FactSpec>& facts,
                            const std::vector<MaterialSpec>& earlier) {
  n.object({"id", "name", "required", "required_if", "per_vehicle", "formats", "must_not_be_expired", "key",
            "tolerable", "commitment_allowed", "max_upload_mib", "note"});
  MaterialSpec m;
  const Field id = n.child("id");
  m.id = identifier(id);
  for (const auto& e : earlier) {
    if (e.id == m.id) id.fail("duplicate material id '" + m.id + "'");
  }
  m.name = parse_name(n.child("name"));
  m.required = optional_bool(n, "required", false);
  if (n.has("required_if")) {
    if (m.required) n.child("required_if").fail("a material cannot be both 'required' and 'required_if'");
    m.required_if = parse_condition(n.child("required_if"), facts);
  }
  m.per_vehicle = optional_bool(n, "per_vehicle", false);
  if (m.per_vehicle) {
    const FactSpec* v = find_fact(facts, "vehicles");
    if (v == nullptr || v->type != FactType::vehicles) {
      n.child("per_vehicle").fail("a per-vehicle material needs a fact 'vehicles' of type vehicles");
    }
  }
  const Field formats = n.child("formats");
  formats.array();
  if (formats.size() == 0) formats.fail("needs at least one accepted format");
  for (std::size_t i = 0; i < formats.size(); ++i) {
    const Field f = formats.element(i);
    std::string s = f.str();
    if (s.empty() || !std::all_of(s.begin(), s.end(),
                                  [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); })) {
      f.fail("a format is a lower-case file type such as \"pdf\", found '" + s + "'");
    }
    if (std::find(m.formats.begin(), m.formats.end(), s) != m.formats.end())
      f.fail("duplicate format '" + s + "'");
    m.formats.push_back(std::move(s));
  }
  m.must_not_be_expired = optional_bool(n, "must_not_be_expired", false);
  m.key = optional_bool(n, "key", false);
  m.tolerable = optional_bool(n, "tolerable", false);
  m.commitment_allowed = optional_bool(n, "commitment_allowed", false);
  // A key material proves the permit's basic condition: it is neither supplied later nor replaced by a
  // promise (容缺 and 告知承诺 apply to secondary materials only).
  if (m.key && m.tolerable) n.child("tolerable").fail("a key material is never tolerable");
  if (m.key && m.commitment_allowed)
    n.child("commitment_allowed").fail("a key material cannot be replaced by a commitment");
  if (n.has("max_upload_mib")) m.max_upload_mib = count(n.child("max_upload_mib"), 1);
  if (n.has("note")) m.note = n.child("note").str();
  return m;
}

TimeLimits parse_limits(const Field& n) {
  n.object({"acceptance_notice", "promised", "statutory", "statutory_extension", "joint_handling",
            "joint_statutory", "joint_extension", "issuance", "correction", "warning", "note"});
  TimeLimits l;
  l.acceptance_notice = optional_count(n, "acceptance_notice", l.acceptance_notice, 0);
  l.promised = count(n.child("promised"), 1);
  l.statutory = optional_count(n, "statutory", l.statutory, 1);
  l.statutory_extension = optional_count(n, "statutory_extension", l.statutory_extension, 0);
  l.joint_handling = optional_bool(n, "joint_handling", l.joint_handling);
  l.joint_statutory = optional_count(n, "joint_statutory", l.joint_statutory, 1);
  l.joint_extension = optional_count(n, "joint_extension", l.joint_extension, 0);
  l.issuance = optional_count(n, "issuance", l.issuance, 0);
  l.warning = optional_count(n, "warning", l.warning, 0);
  if (n.has("correction") && !n.child("correction").value().is_null())
    l.correction = count(n.child("correction"), 1);
  if (n.has("note")) n.child("note").str();
  const int limit = l.joint_handling ? l.joint_statutory : l.statutory;
  if (l.promised > limit) {
    n.child("promised")
        .fail("the promised limit (" + std::to_string(l.promised) + ") exceeds the statutory limit (" +
              std::to_string(limit) + ")");
  }
  return l;
}

// A rule works on contract fact names; the definition must declare them with the right type.
void need_fact(const Field& rule, const std::vector<FactSpec>& facts, std::string_view name, FactType type) {
  const FactSpec* f = find_fact(facts, name);
  if (f == nullptr || f->type != type) {
    rule.fail("this rule needs a fact '" + std::string(name) + "' of type " +
              std::string(fact_type_name(type)));
  }
}

// Building blocks for the named rules, expanded into the rule language.
Condition fact_equals(std::string fact, nlohmann::json value) {
  Condition c;
  c.kind = Condition::Kind::equals;
  c.fact = std::move(fact);
  c.value = std::move(value);
  return c;
}
Condition compare(std::string fact, Condition::Op op, nlohmann::json value, std::string other_fact = {}) {
  Condition c;
  c.kind = Condition::Kind::compare;
  c.fact = std::move(fact);
  c.op = op;
  c.value = std::move(value);
  c.other_fact = std::move(other_fact);
  return c;
}
Condition months_at_most(std::string from, std::string to, int months) {
  Condition c;
  c.kind = Condition::Kind::span;
  c.fact = std::move(from);
  c.other_fact = std::move(to);
  c.unit = Condition::Unit::months;
  c.op = Condition::Op::le;
  c.value = months;
  return c;
}
Condition combine(Condition::Kind kind, std::vector<Condition> operands) {
  Condition c;
  c.kind = kind;
  c.operands = std::move(operands);
  return c;
}
Condition negate(Condition operand) { return combine(Condition::Kind::negation, {std::move(operand)}); }

// The named rules that only flag facts, written in the rule language (so one evaluator decides every flag).
void expand_named_rules(Definition& d) {
  using K = Condition::Kind;
  using Op = Condition::Op;
  if (d.protection_period) {
    // 城市道路管理条例 Art 33 ¶2: planned_start on or after the date and on or before the same date N years
    // later (民法典 Art 202), unless the city government approved the exception.
    const auto inside = [](const std::string& from, int years) {
      return combine(K::all, {compare("planned_start", Op::ge, nullptr, from),
                              months_at_most(from, "planned_start", 12 * years)});
    };
    const int n = d.protection_period->new_road_years;
    const int m = d.protection_period->overhaul_years;
    d.fact_rules.push_back(
        {"protected_road",
         true,
         combine(K::all, {negate(fact_equals("protection_exception_approved", true)),
                          combine(K::any, {inside("road_opened_on", n), inside("road_overhauled_on", m)})}),
         {"城市道路管理条例第三十三条第二款：新建、扩建、改建的城市道路交付使用后" + std::to_string(n) +
              "年内、大修的城市道路竣工后" + std::to_string(m) + "年内不得挖掘",
          "inside the road's protection period (" + std::to_string(n) + " years after opening, " +
              std::to_string(m) + " after an overhaul)"}});
  }
  if (d.roof) {  // GB 50449
    const int max = d.roof->max_storeys;
    d.fact_rules.push_back({"roof_prohibited",
                            true,
                            combine(K::all, {fact_equals("on_roof", true), d.roof->large,
                                             compare("building_storeys", Op::le, max)}),
                            {std::to_string(max) + "层及以下建筑物屋顶不得设置大型户外广告设施（GB 50449）",
                             "no large facility on the roof of a building of " + std::to_string(max) +
                                 " storeys or fewer (GB 50449)"}});
  }
  if (d.term) {
    const int max = d.term->max_months;
    const int screen = d.term->electronic_screen_max_months;
    d.fact_rules.push_back({"term_exceeds_maximum",
                            true,
                            combine(K::any, {combine(K::all, {negate(fact_equals("electronic_screen", true)),
                                                              compare("term_months", Op::gt, max)}),
                                             combine(K::all, {fact_equals("electronic_screen", true),
                                                              compare("term_months", Op::gt, screen)})}),
                            {"设置期限超过最长期限（" + std::to_string(max) + "个月，电子显示屏" +
                                 std::to_string(screen) + "个月）",
                             "the term exceeds the maximum (" + std::to_string(max) +
                                 " months, electronic screens " + std::to_string(screen) + ")"}});
  }
  if (d.emergency_filing) {
    // 城市道路管理条例 Art 34: emergency works file for approval within `hours` of breaking the road.
    const int h = d.emergency_filing->hours;
    Condition late;
    late.kind = K::span;
    late.fact = "broken_at";
    late.other_fact = std::string(kSubmittedAt);
    late.unit = Condition::Unit::hours;
    late.op = Op::gt;
    late.value = h;
    late.roll_to_working_day = d.emergency_filing->roll_to_working_day;
    d.fact_rules.push_back(
        {"emergency_filing_late",
         false,
         combine(K::all, {fact_equals("emergency", true), std::move(late)}),
         {"城市道路管理条例第三十四条：紧急抢修须在破路后" + std::to_string(h) + "小时内补办批准手续",
          "emergency works file for approval within " + std::to_string(h) + " hours of breaking the road"}});
  }
  if (d.vehicles) {  // 建设部令第135号
    ItemCheck check{"vehicles", "vehicle", {"车辆", "vehicle"}, {}};
    if (d.vehicles->enclosed)
      check.require_true.push_back({"enclosed", {"未采用全密闭运输", "not fully enclosed"}});
    if (d.vehicles->recorder)
      check.require_true.push_back(
          {"recorder", {"未安装行驶及装卸记录仪", "no driving and loading recorder"}});
    if (!check.require_true.empty()) d.item_checks.push_back(std::move(check));
  }
}

// rules.item_checks: [{"each": <vehicles fact>, "item": <prefix>, "label": {zh, en},
//                      "require_true": [{"field": "enclosed" | "recorder", "message": {zh, en}}], "note"?}].
void parse_item_checks(const Field& list, const std::vector<FactSpec>& facts, Definition& d) {
  list.array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Field r = list.element(i);
    r.object({"each", "item", "label", "require_true", "note"});
    ItemCheck check;
    const Field each = r.child("each");
    const FactSpec& spec = declared_fact(each, facts);
    if (spec.type != FactType::vehicles)
      each.fail("'" + spec.name + "' is " + std::string(fact_type_name(spec.type)) +
                ", not a list fact (type vehicles)");
    check.list_fact = spec.name;
    const Field item = r.child("item");
    check.item = identifier(item);
    for (const auto& other : d.item_checks) {
      if (other.item == check.item) item.fail("duplicate item prefix '" + check.item + "'");
    }
    if (d.material(check.item) != nullptr)
      item.fail("'" + check.item + "' is already a material id; choose another item prefix");
    check.label = parse_name(r.child("label"));
    const Field fields = r.child("require_true");
    fields.array();
    if (fields.size() == 0) fields.fail("needs at least one field");
    for (std::size_t k = 0; k < fields.size(); ++k) {
      const Field f = fields.element(k);
      f.object({"field", "message"});
      const Field name = f.child("field");
      const std::string field = name.str();
      if (field != "enclosed" && field != "recorder")
        name.fail("unknown field '" + field + "' of a vehicle (enclosed, recorder)");
      check.require_true.push_back({field, parse_name(f.child("message"))});
    }
    if (r.has("note")) r.child("note").str();
    d.item_checks.push_back(std::move(check));
  }
}

// rules.prohibitions / rules.flags: [{"flag", "when", "message"?, "note"?}].
void parse_fact_rules(const Field& list, bool prohibition, const std::vector<FactSpec>& facts,
                      Definition& d) {
  static constexpr std::array<std::string_view, 5> kReserved{
      "protected_road", "roof_prohibited", "term_exceeds_maximum", "emergency_filing_late", "renewal_late"};
  list.array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Field r = list.element(i);
    r.object({"flag", "when", "message", "note"});
    FactRule rule;
    rule.prohibition = prohibition;
    const Field flag = r.child("flag");
    rule.flag = identifier(flag);
    if (std::find(kReserved.begin(), kReserved.end(), rule.flag) != kReserved.end())
      flag.fail("'" + rule.flag + "' is the flag of a named rule; choose another name");
    for (const auto& other : d.fact_rules) {
      if (other.flag == rule.flag) flag.fail("duplicate flag '" + rule.flag + "'");
    }
    rule.when = parse_condition(r.child("when"), facts);
    rule.message = r.has("message") ? parse_name(r.child("message")) : LocalizedName{rule.flag, rule.flag};
    if (r.has("note")) r.child("note").str();
    d.fact_rules.push_back(std::move(rule));
  }
}

// A named rule (protection_period, roof, …) when the file has it: an object of `keys` (with "note"), read
// into its rule by `read`, over facts the definition must declare with the types of `needs`.
template <class Rule, class Read>
void parse_named_rule(const Field& rules, std::string_view name, std::initializer_list<std::string_view> keys,
                      std::initializer_list<std::pair<std::string_view, FactType>> needs,
                      const std::vector<FactSpec>& facts, std::optional<Rule>& out, Read read) {
  if (!rules.has(name)) return;
  const Field r = rules.child(name);
  r.object(keys);
  Rule rule;
  read(r, rule);
  for (const auto& [fact, type] : needs) need_fact(r, facts, fact, type);
  if (r.has("note")) r.child("note").str();
  out = std::move(rule);
}

void parse_rules(const Field& n, const std::vector<FactSpec>& facts, Definition& d) {
  n.object({"protection_period", "emergency_filing", "roof", "term", "vehicles", "prohibitions", "flags",
            "item_checks"});
  parse_named_rule(n, "protection_period", {"new_road_years", "overhaul_years", "note"},
                   {{"road_opened_on", FactType::date},
                    {"road_overhauled_on", FactType::date},
                    {"planned_start", FactType::date},
                    {"protection_exception_approved", FactType::boolean}},
                   facts, d.protection_period, [](const Field& r, ProtectionPeriodRule& p) {
                     p.new_road_years = optional_count(r, "new_road_years", p.new_road_years, 1);
                     p.overhaul_years = optional_count(r, "overhaul_years", p.overhaul_years, 1);
                   });
  parse_named_rule(n, "emergency_filing", {"hours", "roll_to_working_day", "note"},
                   {{"emergency", FactType::boolean}, {"broken_at", FactType::time}}, facts,
                   d.emergency_filing, [](const Field& r, EmergencyFilingRule& e) {
                     e.hours = optional_count(r, "hours", e.hours, 1);
                     e.roll_to_working_day = optional_bool(r, "roll_to_working_day", e.roll_to_working_day);
                   });
  parse_named_rule(n, "roof", {"max_storeys", "large", "note"},
                   {{"on_roof", FactType::boolean}, {"building_storeys", FactType::integer}}, facts, d.roof,
                   [&](const Field& r, RoofRule& roof) {
                     roof.max_storeys = optional_count(r, "max_storeys", roof.max_storeys, 0);
                     roof.large = parse_condition(r.child("large"), facts);
                   });
  parse_named_rule(n, "term", {"max_months", "electronic_screen_max_months", "note"},
                   {{"term_months", FactType::integer}, {"electronic_screen", FactType::boolean}}, facts,
                   d.term, [](const Field& r, TermRule& t) {
                     t.max_months = optional_count(r, "max_months", t.max_months, 1);
                     t.electronic_screen_max_months =
                         optional_count(r, "electronic_screen_max_months", t.electronic_screen_max_months, 1);
                   });
  parse_named_rule(n, "vehicles", {"enclosed", "recorder", "note"}, {{"vehicles", FactType::vehicles}}, facts,
                   d.vehicles, [](const Field& r, VehicleRule& v) {
                     v.enclosed = optional_bool(r, "enclosed", v.enclosed);
                     v.recorder = optional_bool(r, "recorder", v.recorder);
                   });
  expand_named_rules(d);
  if (n.has("prohibitions")) parse_fact_rules(n.child("prohibitions"), true, facts, d);
  if (n.has("flags")) parse_fact_rules(n.child("flags"), false, facts, d);
  if (n.has("item_checks")) parse_item_checks(n.child("item_checks"), facts, d);
}

ValidityRule parse_validity(const Field& n, const std::vector<FactSpec>& facts) {
  n.object({"months", "term_fact", "until_fact", "from_fact", "max_months", "hold_to_facts", "note"});
  ValidityRule v;
  int forms = 0;
  if (n.has("months")) {
    v.months = count(n.child("months"), 1);
    ++forms;
  }
  // The member `key`, when present, names a fact the definition declares with `type` ("an integer": `what`).
  const auto typed_fact = [&](std::string_view key, FactType type,
                              const char* what) -> std::optional<std::string> {
    if (!n.has(key)) return std::nullopt;
    const Field f = n.child(key);
    std::string name = f.str();
    const FactSpec* spec = find_fact(facts, name);
    if (spec == nullptr || spec->type != type) f.fail("'" + name + "' is not " + what + " fact");
    return name;
  };
  v.term_fact = typed_fact("term_fact", FactType::integer, "an integer");
  v.until_fact = typed_fact("until_fact", FactType::date, "a date");
  v.from_fact = typed_fact("from_fact", FactType::date, "a date");
  forms += (v.term_fact ? 1 : 0) + (v.until_fact ? 1 : 0);
  if (n.has("max_months")) v.max_months = count(n.child("max_months"), 1);
  v.hold_to_facts = optional_bool(n, "hold_to_facts", false);
  if (n.has("note")) v.note = n.child("note").str();
  if (forms != 1) n.fail("validity needs exactly one of months, term_fact, until_fact");
  if (v.months && v.max_months && *v.months > *v.max_months)
    n.child("months").fail("exceeds max_months (" + std::to_string(*v.max_months) + ")");
  return v;
}

// 告知承诺: a permit decided on a commitment names how and by when the commitment is checked; materials
// may allow a commitment only where such a check exists.
void parse_commitment_rules(const Field& root, Definition& d) {
  d.decide_on_commitment = optional_bool(root, "decide_on_commitment", false);
  if (root.has("verification")) {
    const Field n = root.child("verification");
    n.object({"within_working_days", "methods", "note"});
    VerificationRule v;
    v.within_working_days = count(n.child("within_working_days"), 1);
    const Field methods = n.child("methods");
    methods.array();
    if (methods.size() == 0) methods.fail("needs at least one verification method");
    for (std::size_t i = 0; i < methods.size(); ++i) {
      std::string m = identifier(methods.element(i));
      if (std::find(v.methods.begin(), v.methods.end(), m) != v.methods.end())
        methods.element(i).fail("duplicate method '" + m + "'");
      v.methods.push_back(std::move(m));
    }
    if (n.has("note")) n.child("note").str();
    if (!d.decide_on_commitment) n.fail("a verification needs \"decide_on_commitment\": true");
    d.verification = std::move(v);
  }
  if (d.decide_on_commitment && !d.verification)
    root.child("decide_on_commitment").fail("deciding on a commitment needs a \"verification\" rule");
  // Without decide_on_commitment a commitment_allowed mark is inert (version 1 of the shipped files has
  // such marks): the engine refuses commitments for the permit.
  const bool allowing = std::any_of(d.materials.begin(), d.materials.end(),
                                    [](const MaterialSpec& m) { return m.commitment_allowed; });
  if (d.decide_on_commitment && !allowing)
    root.child("decide_on_commitment").fail("no material allows a commitment");
}

RenewalRule parse_renewal(const Field& n) {
  n.object({"lead", "lead_in_working_days", "expiring_notice_days", "note"});
  RenewalRule r;
  r.lead = optional_count(n, "lead", r.lead, 0);
  r.lead_in_working_days = optional_bool(n, "lead_in_working_days", r.lead_in_working_days);
  r.expiring_notice_days = optional_count(n, "expiring_notice_days", r.expiring_notice_days, 0);
  if (n.has("note")) n.child("note").str();
  return r;
}

// a (kind) b, for numbers and for dates (YYYY-MM-DD orders like the calendar).
template <class T>
bool in_order(const T& a, const T& b, Condition::Kind kind) {
  switch (kind) {
    case Condition::Kind::at_least:
      return a >= b;
    case Condition::Kind::greater_than:
      return a > b;
    case Condition::Kind::at_most:
      return a <= b;
    default:
      return false;
  }
}

bool compare_numbers(const json& fact, const json& value, Condition::Kind kind) {
  if (fact.is_number() && value.is_number()) return in_order(fact.get<double>(), value.get<double>(), kind);
  if (fact.is_string() && value.is_string())
    return in_order(fact.get_ref<const std::string&>(), value.get_ref<const std::string&>(), kind);
  return false;
}

// What every definition starts with, whatever its kind: id, version, short code, name.
void parse_header(const Field& root, Definition& d) {
  d.id = identifier(root.child("id"));
  d.version = count(root.child("version"), 1);
  const Field sc = root.child("short_code");
  d.short_code = sc.str();
  if (d.short_code.size() < 2 || d.short_code.size() > 4 ||
      !std::all_of(d.short_code.begin(), d.short_code.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    sc.fail("a short code is 2 to 4 upper-case letters, found '" + d.short_code + "'");
  }
  d.name = parse_name(root.child("name"));
  if (root.has("effective_from")) {
    const Field ef = root.child("effective_from");
    try {
      d.effective_from = Date::parse(ef.str());
    } catch (const Error& e) {
      ef.fail(std::string("an effective date is YYYY-MM-DD: ") + e.what());
    }
  }
}

void parse_legal_basis(const Field& root, Definition& d) {
  const Field lb = root.child("legal_basis");
  lb.array();
  if (lb.size() == 0) lb.fail("cite at least one legal basis");
  for (std::size_t i = 0; i < lb.size(); ++i) d.legal_basis.push_back(lb.element(i).nonempty_str());
}

// A complaint category (data/definitions/complaints/*.json): the dispatch table entry and its limits.
void parse_complaint(const Field& root, Definition& d) {
  root.object({"kind", "id", "version", "effective_from", "short_code", "name", "legal_basis", "unit",
               "limit", "office_hours", "return_days", "max_extension_days", "rectification_days",
               "leadership_review_days", "verify_public_reports", "note"});
  parse_header(root, d);
  parse_legal_basis(root, d);
  ComplaintRules r;
  {
    const Field unit = root.child("unit");
    unit.object({"id", "name"});
    r.unit = Department{identifier(unit.child("id")), parse_name(unit.child("name"))};
  }
  {
    const Field limit = root.child("limit");
    limit.object({"working_days", "working_hours", "warning_percent", "note"});
    if (limit.has("working_days") == limit.has("working_hours"))
      limit.fail("a limit needs exactly one of working_days, working_hours");
    if (limit.has("working_days")) r.working_days = count(limit.child("working_days"), 1);
    if (limit.has("working_hours")) r.working_hours = count(limit.child("working_hours"), 1);
    r.warning_percent = optional_count(limit, "warning_percent", r.warning_percent, 0);
    if (r.warning_percent > 100) limit.child("warning_percent").fail("is a percentage (0-100)");
    if (limit.has("note")) limit.child("note").str();
  }
  std::vector<std::string> periods{"08:30-12:00", "14:00-17:30"};
  if (root.has("office_hours")) {
    const Field oh = root.child("office_hours");
    oh.array();
    periods.clear();
    for (std::size_t i = 0; i < oh.size(); ++i) periods.push_back(oh.element(i).str());
    try {
      r.office_hours = OfficeHours::parse(periods, 0).periods();
    } catch (const Error& e) {
      oh.fail(e.what());
    }
  } else {
    r.office_hours = OfficeHours::parse(periods, 0).periods();
  }
  r.return_days = optional_count(root, "return_days", r.return_days, 1);
  r.max_extension_days = optional_count(root, "max_extension_days", r.max_extension_days, 0);
  r.rectification_days = optional_count(root, "rectification_days", r.rectification_days, 1);
  r.leadership_review_days = optional_count(root, "leadership_review_days", r.leadership_review_days, 1);
  r.verify_public_reports = optional_bool(root, "verify_public_reports", r.verify_public_reports);
  if (root.has("note")) root.child("note").str();
  d.complaint = std::move(r);
}

}  // namespace

const MaterialSpec* Definition::material(std::string_view material_id) const {
  for (const auto& m : materials) {
    if (m.id == material_id) return &m;
  }
  return nullptr;
}

const FactSpec* Definition::fact(std::string_view name) const { return find_fact(facts, name); }

bool Definition::has_department(std::string_view department) const {
  return std::any_of(co_approving.begin(), co_approving.end(),
                     [&](const Department& d) { return d.id == department; });
}

bool Definition::stops_clock(std::string_view reason) const {
  return std::find(suspension_reasons.begin(), suspension_reasons.end(), reason) != suspension_reasons.end();
}

namespace {

// A permit type (data/definitions/*.json).
void parse_permit(const Field& root, Definition& d) {
  root.object({"kind",
               "id",
               "version",
               "effective_from",
               "short_code",
               "name",
               "item_code",
               "legal_basis",
               "facts",
               "materials",
               "limits",
               "co_approving",
               "suspension_reasons",
               "site_inspection_required",
               "min_inspectors",
               "rules",
               "validity",
               "renewal",
               "decide_on_commitment",
               "verification",
               "note"});
  parse_header(root, d);
  if (root.has("item_code")) {
    const Field ic = root.child("item_code");
    d.item_code = ic.str();
    if (!std::all_of(d.item_code.begin(), d.item_code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      ic.fail("an item code is digits only, found '" + d.item_code + "'");
    }
  }
  parse_legal_basis(root, d);
  {
    const Field facts = root.child("facts");
    facts.array();
    for (std::size_t i = 0; i < facts.size(); ++i) d.facts.push_back(parse_fact(facts.element(i), d.facts));
    // Conditions may name any declared fact, so they are read once every fact is known.
    for (std::size_t i = 0; i < facts.size(); ++i) {
      const Field f = facts.element(i);
      if (f.has("required_if")) {
        if (d.facts[i].required)
          f.child("required_if").fail("a fact cannot be both 'required' and 'required_if'");
        d.facts[i].required_if = parse_condition(f.child("required_if"), d.facts);
      }
    }
  }
  {
    const Field mats = root.child("materials");
    mats.array();
    if (mats.size() == 0) mats.fail("the checklist needs at least one material");
    for (std::size_t i = 0; i < mats.size(); ++i) {
      d.materials.push_back(parse_material(mats.element(i), d.facts, d.materials));
    }
  }
  d.limits = parse_limits(root.child("limits"));
  {
    const Field deps = root.child("co_approving");
    deps.array();
    for (std::size_t i = 0; i < deps.size(); ++i) {
      const Field dep = deps.element(i);
      dep.object({"id", "name"});
      Department department{identifier(dep.child("id")), parse_name(dep.child("name"))};
      if (d.has_department(department.id))
        dep.child("id").fail("duplicate department '" + department.id + "'");
      d.co_approving.push_back(std::move(department));
    }
  }
  {
    const Field reasons = root.child("suspension_reasons");
    reasons.array();
    for (std::size_t i = 0; i < reasons.size(); ++i) {
      const Field r = reasons.element(i);
      std::string reason = identifier(r);
      if (d.stops_clock(reason)) r.fail("duplicate suspension reason '" + reason + "'");
      d.suspension_reasons.push_back(std::move(reason));
    }
    for (std::string_view art45 : kArt45Reasons) {
      if (!d.stops_clock(art45)) {
        reasons.fail("missing the Art 45 suspension reason '" + std::string(art45) + "' (" +
                     "hearing, tender, auction, examination, testing, quarantine, appraisal, expert_review)");
      }
    }
  }
  d.site_inspection_required = optional_bool(root, "site_inspection_required", false);
  d.min_inspectors = optional_count(root, "min_inspectors", 2, 2);  // Art 34: two or more staff
  if (root.has("rules")) parse_rules(root.child("rules"), d.facts, d);
  d.validity = parse_validity(root.child("validity"), d.facts);
  if (root.has("renewal")) d.renewal = parse_renewal(root.child("renewal"));
  parse_commitment_rules(root, d);
  if (root.has("note")) root.child("note").str();
}

// The reader of each kind's definitions, one per Kind.
struct Reader {
  Kind kind;
  void (*read)(const Field& root, Definition& d);
};
constexpr Reader kReaders[] = {{Kind::permit, &parse_permit}, {Kind::complaint, &parse_complaint}};

}  // namespace

std::shared_ptr<const Definition> parse_definition(std::string_view text, std::string_view source) {
  const json doc = input::parse_document(text, "the definition", source);
  const Field root(doc, "", source);
  // A definition that names no kind is a permit type's, as before complaint categories existed.
  std::string name(to_string(Kind::permit));
  if (doc.is_object() && doc.contains("kind")) name = root.child("kind").str();
  const Reader* reader = nullptr;
  for (const Reader& r : kReaders)
    if (parse_kind(name) == r.kind) reader = &r;
  if (!reader) {
    std::string known;
    for (const Reader& r : kReaders)
      known += (known.empty() ? "'" : "' or '") + std::string(to_string(r.kind));
    root.child("kind").fail("kind is " + known + "', found '" + name + "'");
  }
  auto d = std::make_shared<Definition>();
  d->kind = reader->kind;
  reader->read(root, *d);
  d->source = doc.dump();
  d->hash = sha256_hex(d->source);
  d->file = std::string(source);
  Text::add_to_vocabulary(vocabulary_of(*d));
  return d;
}

std::string missing_material_line(std::string_view label) { return "缺少：" + std::string(label); }
std::string conditional_material_line(std::string_view label) {
  return missing_material_line(label) + "（依申请情况须提交）";
}
std::string missing_fact_line(std::string_view label) { return "缺少申请信息：" + std::string(label); }

std::vector<std::string> vocabulary_of(const Definition& d) {
  std::vector<std::string> words{d.id};
  for (const FactSpec& f : d.facts) {
    words.push_back(f.name);
    words.push_back("fact:" + f.name);
    words.push_back(missing_fact_line(f.label.zh));
  }
  for (const MaterialSpec& m : d.materials) {
    words.push_back(m.id);
    words.push_back(missing_material_line(m.name.zh));
    words.push_back(conditional_material_line(m.name.zh));
    words.insert(words.end(), m.formats.begin(), m.formats.end());
  }
  for (const Department& dept : d.co_approving) words.push_back(dept.id);
  return words;
}

DefinitionRegistry DefinitionRegistry::builtin() {
  static const DefinitionRegistry kBuiltin = [] {
    DefinitionRegistry r;
    for (const auto& file : detail::embedded_files()) {
      if (file.name.starts_with("definitions/") && file.name.ends_with(".json")) {
        r.add(parse_definition(file.content, file.name));
      }
    }
    return r;
  }();
  return kBuiltin;
}

void DefinitionRegistry::load_directory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw Error(ErrorCode::invalid_argument,
                "definitions directory '" + dir + "' does not exist or is not a directory");
  }
  std::vector<fs::path> files;
  // Every *.json at any depth, so a county may sort its files into folders (complaints/ as in
  // data/definitions, or one folder per permit); hidden folders (.git) are skipped.
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    if (it->path().filename().string().starts_with(".")) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".json") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  // Parse everything first so a bad file leaves the registry unchanged.
  std::vector<std::shared_ptr<const Definition>> parsed;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCode::invalid_argument, path.string() + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    parsed.push_back(parse_definition(text.str(), path.string()));
  }
  DefinitionRegistry next = *this;
  for (auto& d : parsed) next.add(std::move(d));
  *this = std::move(next);
}

void DefinitionRegistry::add(std::shared_ptr<const Definition> def) {
  if (!def) throw Error(ErrorCode::invalid_argument, "no definition to add");
  // Case numbers carry the short code (…-RE-…): two permits with one code could not be told apart.
  for (const auto& [other_id, other_versions] : defs_) {
    if (other_id == def->id) continue;
    // Newest first, so the refusal names the file a county edits today.
    for (auto v = other_versions.rbegin(); v != other_versions.rend(); ++v) {
      const auto& other = v->second;
      if (other->short_code == def->short_code)
        throw Error(ErrorCode::invalid_argument,
                    def->file + ": /short_code: short code '" + def->short_code + "' is already used by " +
                        other_id + " (" + other->file + "); each permit and complaint category needs its own",
                    "/short_code");
    }
  }
  auto& versions = defs_[def->id];
  if (!versions.empty() && versions.begin()->second->kind != def->kind)
    throw Error(ErrorCode::invalid_argument,
                "definition " + def->id +
                    " is already loaded as another kind (a permit and a complaint "
                    "category cannot share an id)");
  const auto it = versions.find(def->version);
  if (it != versions.end()) {
    if (it->second->hash == def->hash) return;  // the same content again
    throw Error(ErrorCode::invalid_argument,
                def->file + ": /version: definition " + def->id + " version " + std::to_string(def->version) +
                    " is already loaded from " + it->second->file +
                    " with different content; give the new file a higher version",
                "/version");
  }
  versions.emplace(def->version, std::move(def));
}

const std::map<int, std::shared_ptr<const Definition>>* DefinitionRegistry::versions(std::string_view id,
                                                                                     Kind kind) const {
  const auto it = defs_.find(id);
  if (it == defs_.end() || it->second.empty() || it->second.rbegin()->second->kind != kind) return nullptr;
  return &it->second;
}

std::shared_ptr<const Definition> DefinitionRegistry::current(std::string_view id, Kind kind) const {
  const auto* of = versions(id, kind);
  return of ? of->rbegin()->second : nullptr;
}

std::shared_ptr<const Definition> DefinitionRegistry::in_effect(std::string_view id, Date day,
                                                                Kind kind) const {
  const auto* of = versions(id, kind);
  if (!of) return nullptr;
  for (auto v = of->rbegin(); v != of->rend(); ++v) {
    if (!v->second->effective_from || *v->second->effective_from <= day) return v->second;
  }
  return nullptr;
}

std::vector<std::shared_ptr<const Definition>> DefinitionRegistry::all() const {
  std::vector<std::shared_ptr<const Definition>> out;
  for (const auto& [id, versions] : defs_)
    for (const auto& [version, def] : versions) out.push_back(def);
  return out;
}

std::shared_ptr<const Definition> DefinitionRegistry::find(std::string_view id, int version) const {
  const auto it = defs_.find(id);
  if (it == defs_.end()) return nullptr;
  const auto v = it->second.find(version);
  return v == it->second.end() ? nullptr : v->second;
}

std::vector<std::string> DefinitionRegistry::ids(Kind kind) const {
  std::vector<std::string> out;
  for (const auto& [id, versions] : defs_) {
    if (!versions.empty() && versions.rbegin()->second->kind == kind) out.push_back(id);
  }
  return out;
}

std::vector<std::string> DefinitionRegistry::complaint_units() const {
  std::vector<std::string> out;
  for (const auto& [id, versions] : defs_) {
    for (const auto& [version, def] : versions) {
      if (def->complaint) out.push_back(def->complaint->unit.id);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// -1, 0 or 1; nullopt when the two cannot be compared. Dates (YYYY-MM-DD) order as text; RFC 3339 times
// as instants, since their offsets may differ.
std::optional<int> order_of(const json& a, const json& b) {
  const auto sign = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (a.is_number() && b.is_number()) return sign(a.get<double>(), b.get<double>());
  if (a.is_boolean() && b.is_boolean()) return a == b ? 0 : 1;
  if (!a.is_string() || !b.is_string()) return std::nullopt;
  const auto& x = a.get_ref<const std::string&>();
  const auto& y = b.get_ref<const std::string&>();
  if (x.size() > 10 && y.size() > 10 && x[10] == 'T' && y[10] == 'T') {
    try {
      return sign(Instant::parse_rfc3339(x).epoch_seconds(), Instant::parse_rfc3339(y).epoch_seconds());
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  return sign(x, y);
}

bool holds(Condition::Op op, int order) {
  switch (op) {
    case Condition::Op::eq:
    case Condition::Op::in:
      return order == 0;
    case Condition::Op::ne:
      return order != 0;
    case Condition::Op::lt:
      return order < 0;
    case Condition::Op::le:
      return order <= 0;
    case Condition::Op::gt:
      return order > 0;
    case Condition::Op::ge:
      return order >= 0;
  }
  return false;
}

// span(from, to) compared with n: days and working days count the days after `from` up to `to` (negative
// when `to` is earlier); months compare `to` with the same date n months after `from`, so a span of
// 2026-06-01 → 2027-06-01 is exactly 12 months and 2027-06-02 is more; hours compare `to` with the instant n
// hours after `from`, which with roll-over moves off a rest day to 24:00 of the next working day.
bool span_holds(const Condition& c, const Facts& facts, const RuleContext& context) {
  static const WorkingCalendar kOfficial = WorkingCalendar::official();
  const WorkingCalendar& calendar = context.calendar != nullptr ? *context.calendar : kOfficial;
  const auto sign = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (!c.value.is_number_integer()) return false;
  const int n = c.value.get<int>();
  const json* a = facts.answered(c.fact);
  if (a == nullptr || !a->is_string()) return false;
  if (c.unit == Condition::Unit::hours) {
    std::optional<Instant> to = context.submitted_at;
    const json* b = c.other_fact == kSubmittedAt ? nullptr : facts.answered(c.other_fact);
    if (c.other_fact != kSubmittedAt && (b == nullptr || !b->is_string())) return false;
    Instant limit;
    try {
      if (b != nullptr) to = Instant::parse_rfc3339(b->get<std::string>());
      limit = add_hours(Instant::parse_rfc3339(a->get<std::string>()), n);
    } catch (const Error&) {
      return false;
    }
    if (!to) return false;
    if (c.roll_to_working_day) {
      const Date day = limit.local_date(context.utc_offset_minutes);
      if (!calendar.is_working_day(day))
        limit = Instant::start_of_day(calendar.next_working_day(day) + 1, context.utc_offset_minutes);
    }
    return holds(c.op, sign(*to, limit));
  }
  const json* b = facts.answered(c.other_fact);
  if (b == nullptr || !b->is_string()) return false;
  Date from;
  Date to;
  try {
    from = Date::parse(a->get<std::string>());
    to = Date::parse(b->get<std::string>());
  } catch (const Error&) {
    return false;
  }
  switch (c.unit) {
    case Condition::Unit::days:
      return holds(c.op, sign(to - from, n));
    case Condition::Unit::working_days: {
      const int count = from <= to ? calendar.working_days_between(from + 1, to)
                                   : -calendar.working_days_between(to + 1, from);
      return holds(c.op, sign(count, n));
    }
    case Condition::Unit::months:
      return holds(c.op, sign(to, add_months(from, n)));
    case Condition::Unit::hours:
      break;
  }
  return false;
}

void collect_facts(const Condition& c, std::vector<std::string>& out) {
  for (const std::string* name : {&c.fact, &c.other_fact}) {
    if (name->empty() || *name == kSubmittedAt) continue;
    if (std::find(out.begin(), out.end(), *name) == out.end()) out.push_back(*name);
  }
  for (const auto& o : c.operands) collect_facts(o, out);
}

}  // namespace

std::vector<std::string> condition_facts(const Condition& c) {
  std::vector<std::string> out;
  collect_facts(c, out);
  return out;
}

bool reads_submission_time(const Condition& c) {
  return c.other_fact == kSubmittedAt ||
         std::any_of(c.operands.begin(), c.operands.end(),
                     [](const Condition& o) { return reads_submission_time(o); });
}

bool evaluate(const Condition& c, const Facts& facts, const RuleContext& context) {
  switch (c.kind) {
    case Condition::Kind::any:
      return std::any_of(c.operands.begin(), c.operands.end(),
                         [&](const Condition& o) { return evaluate(o, facts, context); });
    case Condition::Kind::all:
      return std::all_of(c.operands.begin(), c.operands.end(),
                         [&](const Condition& o) { return evaluate(o, facts, context); });
    case Condition::Kind::negation:
      return !c.operands.empty() && !evaluate(c.operands.front(), facts, context);
    case Condition::Kind::span:
      return span_holds(c, facts, context);
    case Condition::Kind::compare: {
      const json* value = facts.answered(c.fact);
      if (value == nullptr) return false;
      if (!c.other_fact.empty()) {
        const json* other = facts.answered(c.other_fact);
        if (other == nullptr) return false;
        const auto order = order_of(*value, *other);
        return order && holds(c.op, *order);
      }
      if (c.op == Condition::Op::in) {
        return c.value.is_array() && std::any_of(c.value.begin(), c.value.end(), [&](const json& v) {
                 const auto order = order_of(*value, v);
                 return order && *order == 0;
               });
      }
      const auto order = order_of(*value, c.value);
      return order && holds(c.op, *order);
    }
    default:
      break;
  }
  const json* value = facts.answered(c.fact);
  if (c.kind == Condition::Kind::present)
    return (value != nullptr) == (c.value.is_boolean() ? c.value.get<bool>() : true);
  if (value == nullptr) return false;
  if (c.kind == Condition::Kind::equals) return *value == c.value;
  return compare_numbers(*value, c.value, c.kind);
}

}  // namespace permitflow
