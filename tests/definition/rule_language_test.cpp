// The rule language over facts (docs/definitions.md, 'The rule language'): what the loader refuses, with its
// message, and what each form means on real facts and the official calendar.
#include <gtest/gtest.h>

#include "checklist/checklist.hpp"
#include "definition/definition.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

using json = nlohmann::json;

json base() {
  return json::parse(R"({
    "id": "road_occupation", "version": 1, "short_code": "RO",
    "name": {"zh": "临时占用城市道路审批", "en": "Temporary road occupation"},
    "legal_basis": ["城市道路管理条例第三十一条"],
    "facts": [
      {"name": "planned_start", "type": "date", "required": true, "label": {"zh": "开始", "en": "start"}},
      {"name": "planned_end", "type": "date", "required": true, "label": {"zh": "结束", "en": "end"}},
      {"name": "area_m2", "type": "number", "minimum": 1, "maximum": 5000, "label": {"zh": "面积", "en": "area"}},
      {"name": "lanes", "type": "integer", "label": {"zh": "车道", "en": "lanes"}},
      {"name": "district", "type": "text", "label": {"zh": "街道", "en": "district"}},
      {"name": "on_carriageway", "type": "boolean", "label": {"zh": "机动车道", "en": "carriageway"}},
      {"name": "broken_at", "type": "time", "label": {"zh": "时间", "en": "time"}}
    ],
    "materials": [{"id": "form", "required": true, "formats": ["pdf"], "name": {"zh": "申请表", "en": "form"}}],
    "limits": {"promised": 5},
    "co_approving": [],
    "suspension_reasons": ["hearing", "tender", "auction", "examination", "testing", "quarantine", "appraisal",
                           "expert_review"],
    "validity": {"until_fact": "planned_end"}
  })");
}

/// The definition with one prohibition `when`.
std::shared_ptr<const Definition> with_rule(const json& when) {
  json d = base();
  d["rules"] = {{"prohibitions", {{{"flag", "checked"}, {"when", when}}}}};
  return parse_definition(d.dump(), "ro.json");
}

std::string refusal(const json& when) {
  try {
    with_rule(when);
  } catch (const Error& e) {
    return e.what();
  }
  return "accepted";
}

bool holds(const json& when, const json& facts) {
  return evaluate(with_rule(when)->fact_rules.at(0).when, facts);
}

TEST(RuleLanguage, TheLoaderRefusesWhatCannotMeanAnything) {
  EXPECT_EQ(refusal({{"fact", "lane"}, {"op", "="}, {"value", 1}}),
            "ro.json: /rules/prohibitions/0/when/fact: unknown fact 'lane' (not declared in \"facts\")");
  EXPECT_EQ(
      refusal({{"fact", "lanes"}, {"op", "=="}, {"value", 1}}),
      "ro.json: /rules/prohibitions/0/when/op: unknown operator '==' (=, ≠, <, ≤, >, ≥, in; or !=, <=, >=)");
  EXPECT_EQ(
      refusal({{"fact", "district"}, {"op", "<"}, {"value", "a"}}),
      "ro.json: /rules/prohibitions/0/when/op: '<' needs a number, integer, date or time fact; 'district' is "
      "text");
  EXPECT_EQ(refusal({{"fact", "lanes"}, {"op", ">"}, {"value", "2"}}),
            "ro.json: /rules/prohibitions/0/when/value: expected a number, found a string");
  EXPECT_EQ(refusal({{"fact", "planned_end"}, {"op", ">"}, {"value", "2026-02-30"}})
                .rfind("ro.json: /rules/prohibitions/0/when/value: ", 0),
            0u);
  EXPECT_EQ(
      refusal({{"fact", "planned_end"}, {"op", "<"}, {"other_fact", "area_m2"}}),
      "ro.json: /rules/prohibitions/0/when/other_fact: 'planned_end' is date and 'area_m2' is number: only "
      "facts of one type compare");
  EXPECT_EQ(refusal({{"fact", "lanes"}, {"op", ">"}, {"value", 1}, {"other_fact", "area_m2"}}),
            "ro.json: /rules/prohibitions/0/when: a comparison needs exactly one of value, other_fact");
  EXPECT_EQ(refusal({{"fact", "district"}, {"op", "in"}, {"value", json::array()}}),
            "ro.json: /rules/prohibitions/0/when/value: 'in' needs at least one value");
  EXPECT_EQ(
      refusal({{"span", {"planned_start", "area_m2"}}, {"unit", "days"}, {"op", "<"}, {"value", 3}}),
      "ro.json: /rules/prohibitions/0/when/span/1: 'area_m2' is number, not a date fact (a span in days "
      "runs between dates)");
  EXPECT_EQ(
      refusal({{"span", {"planned_start", "@submitted_at"}}, {"unit", "hours"}, {"op", ">"}, {"value", 24}}),
      "ro.json: /rules/prohibitions/0/when/span/0: 'planned_start' is date, not a time fact (an hours span "
      "runs between times)");
  EXPECT_EQ(
      refusal({{"span", {"@submitted_at", "broken_at"}}, {"unit", "hours"}, {"op", ">"}, {"value", 24}}),
      "ro.json: /rules/prohibitions/0/when/span/0: unknown fact '@submitted_at' (not declared in \"facts\")");
  EXPECT_EQ(
      refusal({{"span", {"planned_start", "planned_end"}},
               {"unit", "days"},
               {"op", ">"},
               {"value", 2},
               {"roll_to_working_day", true}}),
      "ro.json: /rules/prohibitions/0/when/roll_to_working_day: roll_to_working_day applies to a span in "
      "hours only");
  EXPECT_EQ(
      refusal({{"span", {"planned_start", "planned_end"}}, {"unit", "weeks"}, {"op", "<"}, {"value", 3}}),
      "ro.json: /rules/prohibitions/0/when/unit: unknown unit 'weeks' (days, working_days, months, hours)");
  EXPECT_EQ(
      refusal({{"span", {"planned_start", "planned_end"}}, {"unit", "days"}, {"op", "<"}, {"value", -1}}),
      "ro.json: /rules/prohibitions/0/when/value: must be at least 0, found -1");
  EXPECT_EQ(refusal({{"all", json::array()}}),
            "ro.json: /rules/prohibitions/0/when/all: needs at least one condition");

  json d = base();
  d["rules"] = {
      {"flags", {{{"flag", "roof_prohibited"}, {"when", {{"fact", "lanes"}, {"op", ">"}, {"value", 1}}}}}}};
  try {
    parse_definition(d.dump(), "ro.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(
        std::string(e.what()),
        "ro.json: /rules/flags/0/flag: 'roof_prohibited' is the flag of a named rule; choose another name");
  }
  d = base();
  d["facts"][3]["maximum"] = 0;
  d["facts"][3]["minimum"] = 1;
  try {
    parse_definition(d.dump(), "ro.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "ro.json: /facts/3/maximum: is below the fact's minimum");
  }
}

TEST(RuleLanguage, ComparisonsWithConstantsAndFacts) {
  const json facts = {{"planned_start", "2026-07-01"},
                      {"planned_end", "2026-06-30"},
                      {"lanes", 2},
                      {"area_m2", 2.5},
                      {"district", "城东"},
                      {"on_carriageway", true},
                      {"broken_at", "2026-07-01T01:00:00+08:00"}};
  EXPECT_TRUE(holds({{"fact", "planned_end"}, {"op", "<"}, {"other_fact", "planned_start"}}, facts));
  EXPECT_FALSE(holds({{"fact", "planned_end"}, {"op", "≥"}, {"other_fact", "planned_start"}}, facts));
  EXPECT_TRUE(
      holds({{"fact", "lanes"}, {"op", "<"}, {"other_fact", "area_m2"}}, facts));  // integer vs number
  EXPECT_TRUE(holds({{"fact", "lanes"}, {"op", "≠"}, {"value", 3}}, facts));
  EXPECT_TRUE(holds({{"fact", "lanes"}, {"op", "<="}, {"value", 2}}, facts));
  EXPECT_TRUE(holds({{"fact", "district"}, {"op", "in"}, {"value", {"城西", "城东"}}}, facts));
  EXPECT_FALSE(holds({{"fact", "district"}, {"op", "in"}, {"value", {"城西"}}}, facts));
  EXPECT_TRUE(holds({{"fact", "on_carriageway"}, {"op", "="}, {"value", true}}, facts));
  // Times compare as instants: 01:00 at +08:00 is 17:00 the day before in UTC.
  EXPECT_TRUE(holds({{"fact", "broken_at"}, {"op", "<"}, {"value", "2026-06-30T18:00:00+00:00"}}, facts));
  // A missing fact makes every comparison false, ≠ included; `not` of it is true.
  EXPECT_FALSE(holds({{"fact", "lanes"}, {"op", "≠"}, {"value", 3}}, json::object()));
  EXPECT_TRUE(holds({{"not", {{"fact", "lanes"}, {"op", "="}, {"value", 3}}}}, json::object()));
  EXPECT_TRUE(holds(
      {{"any",
        {{{"fact", "lanes"}, {"op", "="}, {"value", 9}}, {{"fact", "lanes"}, {"op", "="}, {"value", 2}}}}},
      facts));
}

TEST(RuleLanguage, SpansInDaysWorkingDaysAndMonths) {
  const auto span = [](const std::string& unit, const std::string& op, int n) {
    return json{{"span", {"planned_start", "planned_end"}}, {"unit", unit}, {"op", op}, {"value", n}};
  };
  const auto dates = [](const std::string& a, const std::string& b) {
    return json{{"planned_start", a}, {"planned_end", b}};
  };
  // 12 months: up to the same date a year on (2026-06-01 → 2027-06-01), not a day more.
  EXPECT_TRUE(holds(span("months", "≤", 12), dates("2026-06-01", "2027-06-01")));
  EXPECT_FALSE(holds(span("months", "≤", 12), dates("2026-06-01", "2027-06-02")));
  EXPECT_TRUE(holds(span("months", ">", 12), dates("2026-06-01", "2029-05-31")));
  EXPECT_TRUE(holds(span("months", "=", 1), dates("2026-01-31", "2026-02-28")));  // the civil month's end
  // Days after the start up to the end.
  EXPECT_TRUE(holds(span("days", "=", 2), dates("2026-06-01", "2026-06-03")));
  EXPECT_TRUE(holds(span("days", "<", 0), dates("2026-06-03", "2026-06-01")));
  // Working days on the official calendar: 16–18 June, then the Dragon Boat holiday (19–21), 22 and 23.
  EXPECT_TRUE(holds(span("working_days", "=", 5), dates("2026-06-15", "2026-06-23")));
  EXPECT_TRUE(holds(span("working_days", "<", 0), dates("2026-06-23", "2026-06-15")));  // -5
  EXPECT_FALSE(holds(span("months", "≤", 12), dates("2026-06-01", "")));                // unanswered: false
}

// Hours between two times, or from a time to the filing time, which is no fact: a county's own 24-hour rule.
TEST(RuleLanguage, SpansInHoursReachTheFilingTime) {
  const json late = {{"span", {"broken_at", "@submitted_at"}}, {"unit", "hours"}, {"op", ">"}, {"value", 24}};
  const auto def = with_rule(late);
  const auto at = [](const char* t) { return Instant::parse_rfc3339(t); };
  const json facts = {{"broken_at", "2026-09-18T20:00:00+08:00"}};  // Friday evening
  const auto rule = def->fact_rules.at(0).when;
  EXPECT_FALSE(evaluate(rule, facts, {nullptr, at("2026-09-19T20:00:00+08:00"), 480}));
  EXPECT_TRUE(evaluate(rule, facts, {nullptr, at("2026-09-19T20:00:01+08:00"), 480}));
  EXPECT_TRUE(evaluate(rule, facts, {nullptr, at("2026-09-19T12:00:01Z"), 480}));  // the same instant
  EXPECT_FALSE(evaluate(rule, facts));  // without a filing time nothing is late
  EXPECT_FALSE(evaluate(rule, json::object(), {nullptr, at("2026-09-25T20:00:00+08:00"), 480}));
  // Rolled: broken Thu 10-01 08:00, 24 hours end on 10-02 in the National Day holiday, so the limit is 24:00
  // of Thu 10-08 (10-09 00:00), the first working day after it.
  json rolled = late;
  rolled["roll_to_working_day"] = true;
  const auto rolled_rule = with_rule(rolled)->fact_rules.at(0).when;
  const json holiday = {{"broken_at", "2026-10-01T08:00:00+08:00"}};
  EXPECT_TRUE(evaluate(rule, holiday, {nullptr, at("2026-10-02T08:00:01+08:00"), 480}));
  EXPECT_FALSE(evaluate(rolled_rule, holiday, {nullptr, at("2026-10-09T00:00:00+08:00"), 480}));
  EXPECT_TRUE(evaluate(rolled_rule, holiday, {nullptr, at("2026-10-09T00:00:01+08:00"), 480}));
  // Between two time facts: broken_at and a second time, no filing time needed.
  json d = base();
  d["facts"].push_back(
      {{"name", "reported_at"}, {"type", "time"}, {"label", {{"zh", "报告"}, {"en", "reported"}}}});
  d["rules"] = json::parse(R"({"flags": [{"flag": "reported_late", "when":
      {"span": ["broken_at", "reported_at"], "unit": "hours", "op": "≥", "value": 2}}]})");
  const auto two = parse_definition(d.dump(), "ro.json");
  EXPECT_TRUE(evaluate(two->fact_rules.at(0).when, json{{"broken_at", "2026-09-18T20:00:00+08:00"},
                                                        {"reported_at", "2026-09-18T22:00:00+08:00"}}));
  EXPECT_FALSE(evaluate(two->fact_rules.at(0).when, json{{"broken_at", "2026-09-18T20:00:00+08:00"},
                                                         {"reported_at", "2026-09-18T21:59:59+08:00"}}));
  // The notice shows the filing time it judged.
  const auto checks =
      check_rules(*def, facts, at("2026-09-20T09:00:00+08:00"), WorkingCalendar::official(), 480);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_TRUE(checks[0].holds);
  EXPECT_EQ(
      checks[0].message,
      "checked：checked（broken_at = \"2026-09-18T20:00:00+08:00\"，提交于 2026-09-20T09:00:00+08:00）");
  EXPECT_EQ(checks[0].facts, (json{{"broken_at", "2026-09-18T20:00:00+08:00"}}));
}

// A county's own requirement on every element of a list fact, in the notice as `<item>:<plate>` items.
TEST(RuleLanguage, ItemChecksNameEachElementThatLacksAField) {
  json d = base();
  d["facts"].push_back(
      {{"name", "trucks"}, {"type", "vehicles"}, {"label", {{"zh", "车辆"}, {"en", "trucks"}}}});
  d["rules"] = json::parse(R"({"item_checks": [{"each": "trucks", "item": "truck",
      "label": {"zh": "渣土车", "en": "truck"},
      "require_true": [{"field": "recorder", "message": {"zh": "无记录仪", "en": "no recorder"}}]}]})");
  const auto def = parse_definition(d.dump(), "ro.json");
  const json facts = {{"planned_start", "2026-06-01"},
                      {"planned_end", "2026-06-30"},
                      {"trucks",
                       {{{"plate", "苏A1"}, {"enclosed", false}, {"recorder", true}},
                        {{"plate", "苏A2"}, {"enclosed", true}, {"recorder", false}}}}};
  SubmittedMaterial form;
  form.id = "form";
  form.format = "pdf";
  const auto items = compute_deficiencies(*def, facts, {form});
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].material, "truck:苏A2");
  EXPECT_EQ(items[0].problem, Problem::condition_required);
  EXPECT_EQ(items[0].note, "渣土车苏A2：无记录仪");

  const auto refused = [&](json rules) {
    json bad = d;
    bad["rules"] = std::move(rules);
    try {
      parse_definition(bad.dump(), "ro.json");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  json check = d["rules"]["item_checks"][0];
  check["each"] = "district";
  EXPECT_EQ(refused({{"item_checks", json::array({check})}}),
            "ro.json: /rules/item_checks/0/each: 'district' is text, not a list fact (type vehicles)");
  check = d["rules"]["item_checks"][0];
  check["require_true"][0]["field"] = "colour";
  EXPECT_EQ(
      refused({{"item_checks", json::array({check})}}),
      "ro.json: /rules/item_checks/0/require_true/0/field: unknown field 'colour' of a vehicle (enclosed, "
      "recorder)");
  check = d["rules"]["item_checks"][0];
  check["item"] = "form";
  EXPECT_EQ(
      refused({{"item_checks", json::array({check})}}),
      "ro.json: /rules/item_checks/0/item: 'form' is already a material id; choose another item prefix");
}

TEST(RuleLanguage, FactBoundsAreCheckedOnTheFacts) {
  const auto def = with_rule({{"fact", "lanes"}, {"op", ">"}, {"value", 1}});
  EXPECT_NO_THROW(validate_facts(*def, json{{"area_m2", 5000}}));
  try {
    validate_facts(*def, json{{"area_m2", 5000.5}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "/facts/area_m2: 'area_m2' must be at most 5000, found 5000.5");
  }
}

TEST(RuleLanguage, ProhibitionsAndFlagsInTheNotice) {
  json d = base();
  d["rules"] = {
      {"prohibitions",
       {{{"flag", "occupation_exceeds_one_year"},
         {"when",
          {{"span", {"planned_start", "planned_end"}}, {"unit", "months"}, {"op", ">"}, {"value", 12}}},
         {"message", {{"zh", "临时占用城市道路期限不得超过一年"}, {"en", "at most one year"}}}}}},
      {"flags", {{{"flag", "large_area"}, {"when", {{"fact", "area_m2"}, {"op", ">"}, {"value", 200}}}}}}};
  const auto def = parse_definition(d.dump(), "ro.json");
  ASSERT_EQ(def->fact_rules.size(), 2u);
  EXPECT_TRUE(def->fact_rules[0].prohibition);
  EXPECT_FALSE(def->fact_rules[1].prohibition);
  const json facts = {{"planned_start", "2026-06-01"}, {"planned_end", "2027-12-31"}, {"area_m2", 50}};
  const auto at = Instant::parse_rfc3339("2026-05-20T10:00:00+08:00");
  const auto checks = check_rules(*def, facts, at, WorkingCalendar::official(), 480);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].rule, "occupation_exceeds_one_year");
  EXPECT_TRUE(checks[0].holds);
  EXPECT_EQ(checks[0].message,
            "occupation_exceeds_one_year：临时占用城市道路期限不得超过一年（planned_start = \"2026-06-01\"，"
            "planned_end = \"2027-12-31\"）");
  EXPECT_EQ(checks[0].facts, (json{{"planned_start", "2026-06-01"}, {"planned_end", "2027-12-31"}}));
  EXPECT_FALSE(checks[1].holds);
  EXPECT_EQ(checks[1].message, "large_area（不适用）：large_area（area_m2 = 50）");
  EXPECT_EQ(compute_flags(*def, facts, at, WorkingCalendar::official(), 480),
            (std::vector<std::string>{"occupation_exceeds_one_year"}));
}

// The shipped named rules are expanded into the language, in the order their flags always came.
TEST(RuleLanguage, TheNamedRulesAreExpandedIntoTheLanguage) {
  const auto reg = DefinitionRegistry::builtin();
  const auto road = reg.current("road_excavation");
  ASSERT_GE(road->fact_rules.size(), 2u);
  EXPECT_EQ(road->fact_rules[0].flag, "protected_road");
  EXPECT_TRUE(road->fact_rules[0].prohibition);
  EXPECT_EQ(road->fact_rules[1].flag, "emergency_filing_late");  // informs, never stops an approval
  EXPECT_FALSE(road->fact_rules[1].prohibition);
  EXPECT_TRUE(reads_submission_time(road->fact_rules[1].when));
  EXPECT_EQ(condition_facts(road->fact_rules[1].when), (std::vector<std::string>{"emergency", "broken_at"}));
  const auto waste = reg.current("construction_waste");
  ASSERT_EQ(waste->item_checks.size(), 1u);
  EXPECT_EQ(waste->item_checks[0].list_fact, "vehicles");
  EXPECT_EQ(waste->item_checks[0].item, "vehicle");
  ASSERT_EQ(waste->item_checks[0].require_true.size(), 2u);
  EXPECT_EQ(waste->item_checks[0].require_true[0].name, "enclosed");
  EXPECT_EQ(waste->item_checks[0].require_true[1].name, "recorder");
  const auto ads = reg.current("outdoor_advertising");
  ASSERT_GE(ads->fact_rules.size(), 2u);
  EXPECT_EQ(ads->fact_rules[0].flag, "roof_prohibited");
  EXPECT_EQ(ads->fact_rules[1].flag, "term_exceeds_maximum");
  const auto at = Instant::parse_rfc3339("2026-05-20T10:00:00+08:00");
  const auto flags = [&](const Definition& def, const json& facts) {
    return compute_flags(def, facts, at, WorkingCalendar::official(), 480);
  };
  using V = std::vector<std::string>;
  // Opened 2021-06-01: protected up to and including 2026-06-01 (5 years), not on 2026-06-02.
  const json inside = {{"road_opened_on", "2021-06-01"},
                       {"road_overhauled_on", nullptr},
                       {"planned_start", "2026-06-01"},
                       {"protection_exception_approved", false}};
  EXPECT_EQ(flags(*road, inside), V{"protected_road"});
  json after = inside;
  after["planned_start"] = "2026-06-02";
  EXPECT_EQ(flags(*road, after), V{});
  json approved = inside;
  approved["protection_exception_approved"] = true;
  EXPECT_EQ(flags(*road, approved), V{});
  json before = inside;
  before["planned_start"] = "2021-05-31";  // before the road opened
  EXPECT_EQ(flags(*road, before), V{});
  const json big_roof = {{"on_roof", true},       {"area_m2", 30},     {"height_m", 5},
                         {"building_storeys", 3}, {"term_months", 80}, {"electronic_screen", false}};
  EXPECT_EQ(flags(*ads, big_roof), (V{"roof_prohibited", "term_exceeds_maximum"}));
  json screen = big_roof;
  screen["electronic_screen"] = true;
  screen["building_storeys"] = 4;
  EXPECT_EQ(flags(*ads, screen), (V{"term_exceeds_maximum"}));  // 80 > 72
  screen["term_months"] = 72;
  EXPECT_EQ(flags(*ads, screen), V{});
}

}  // namespace
}  // namespace permitflow
