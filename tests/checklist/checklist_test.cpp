#include "checklist/checklist.hpp"

#include <gtest/gtest.h>

#include <set>

#include "permitflow/error.hpp"
#include "support/demo_applications.hpp"

namespace permitflow {
namespace {

using json = nlohmann::json;

const Date kReceived = Date::parse("2026-03-02");

std::shared_ptr<const Definition> def(std::string_view permit) {
  auto d = DefinitionRegistry::builtin().current(permit);
  EXPECT_NE(d, nullptr);
  return d;
}

// The facts of the conformance harness (the conformance facts), from tests/support.
json road_facts() { return testing::facts_of("road_excavation"); }
json ad_facts() { return testing::facts_of("outdoor_advertising"); }
json waste_facts() { return testing::facts_of("construction_waste"); }

SubmittedMaterial pdf(std::string_view id, std::optional<Date> expires = std::nullopt,
                      Date received = kReceived) {
  return SubmittedMaterial{id, "pdf", expires, "", received};
}

std::vector<SubmittedMaterial> pdfs(const std::vector<std::string>& ids) {
  std::vector<SubmittedMaterial> out;
  for (const auto& id : ids) out.push_back(pdf(id, Date::parse("2030-12-31")));
  return out;
}

std::vector<std::string> ids_of(const std::vector<Deficiency>& items) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i.material.str());
  return out;
}

const std::vector<std::string> kRoadBase{"application_form",  "business_licence", "legal_representative_id",
                                         "planning_approval", "design_documents", "construction_plan",
                                         "pipeline_map"};
const std::vector<std::string> kAdBase{"application_form", "business_licence", "legal_representative_id",
                                       "site_use_right",   "design_drawings",  "rendering",
                                       "location_plan",    "safety_commitment"};
const std::vector<std::string> kWasteBase{"application_form",
                                          "business_licence",
                                          "legal_representative_id",
                                          "disposal_plan",
                                          "project_documents",
                                          "transport_contract",
                                          "road_transport_licence",
                                          "vehicle_licence:苏J67890",
                                          "disposal_site_consent",
                                          "vehicle_management_rules",
                                          "site_photos",
                                          "dust_control_plan"};

// --- the complete list ----------------------------------------------------------------------------------

TEST(Deficiencies, RoadExcavationEmptyApplication) {
  const auto items = compute_deficiencies(*def("road_excavation"), road_facts(), {});
  std::vector<std::string> expected = kRoadBase;
  expected.push_back("traffic_plan");
  EXPECT_EQ(ids_of(items), expected);
  for (std::size_t i = 0; i + 1 < items.size(); ++i)
    EXPECT_EQ(items[i].problem, Problem::missing) << items[i].material;
  EXPECT_EQ(items[0].note, "缺少：挖掘城市道路申请表");
  EXPECT_EQ(items.back().problem, Problem::condition_required);
  EXPECT_EQ(items.back().note.rfind("缺少：交通组织方案", 0), 0u) << items.back().note;
}

TEST(Deficiencies, RoadExcavationConditionsFollowFacts) {
  json facts = road_facts();
  facts["on_carriageway"] = false;
  facts["emergency"] = true;
  facts["broken_at"] = "2026-09-18T20:00:00+08:00";
  facts["protection_exception_approved"] = true;
  const auto items = compute_deficiencies(*def("road_excavation"), facts, pdfs(kRoadBase));
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0], (Deficiency{"government_exception_approval", Problem::condition_required,
                                  "缺少：城市人民政府同意在保护期内挖掘的批准文件（依申请情况须提交）"}));
  EXPECT_EQ(items[1].material, "emergency_repair_report");
  EXPECT_EQ(items[1].problem, Problem::condition_required);
}

TEST(Deficiencies, MissingFactsComeFirst) {
  json facts = road_facts();
  facts.erase("planned_start");
  facts["emergency"] = true;  // broken_at becomes necessary
  facts.erase("road_overhauled_on");
  std::vector<std::string> all = kRoadBase;
  all.push_back("traffic_plan");
  all.push_back("emergency_repair_report");
  const auto items = compute_deficiencies(*def("road_excavation"), facts, pdfs(all));
  ASSERT_EQ(ids_of(items),
            (std::vector<std::string>{"fact:road_overhauled_on", "fact:planned_start", "fact:broken_at"}));
  for (const auto& i : items) EXPECT_EQ(i.problem, Problem::missing);
  EXPECT_EQ(items[2].note, "缺少申请信息：破路抢修时间");
}

TEST(Deficiencies, NullableFactMayBeNullButNotAbsent) {
  json facts = road_facts();
  facts["road_opened_on"] = nullptr;
  std::vector<std::string> all = kRoadBase;
  all.push_back("traffic_plan");
  EXPECT_TRUE(compute_deficiencies(*def("road_excavation"), facts, pdfs(all)).empty());
  json ad = ad_facts();
  ad["term_months"] = nullptr;  // not nullable
  ad["on_roof"] = true;
  ad.erase("building_storeys");  // the roof rule needs it (and the definition requires it)
  const auto items = compute_deficiencies(*def("outdoor_advertising"), ad, pdfs(kAdBase));
  EXPECT_EQ(ids_of(items), (std::vector<std::string>{"fact:building_storeys", "fact:term_months",
                                                     "roof_structure_assessment", "building_owner_consent"}));
}

TEST(Deficiencies, OutdoorAdvertisingLargeRoofScreen) {
  json facts = ad_facts();
  facts["area_m2"] = 12;
  facts["on_roof"] = true;
  facts["electronic_screen"] = true;
  const auto items = compute_deficiencies(*def("outdoor_advertising"), facts, pdfs(kAdBase));
  EXPECT_EQ(ids_of(items), (std::vector<std::string>{"structural_safety", "roof_structure_assessment",
                                                     "building_owner_consent", "screen_operation_plan"}));
  for (const auto& i : items) EXPECT_EQ(i.problem, Problem::condition_required);
  // Height alone also makes the facility large.
  facts = ad_facts();
  facts["height_m"] = 4;
  EXPECT_EQ(ids_of(compute_deficiencies(*def("outdoor_advertising"), facts, pdfs(kAdBase))),
            std::vector<std::string>{"structural_safety"});
  facts["height_m"] = 3.99;
  EXPECT_TRUE(compute_deficiencies(*def("outdoor_advertising"), facts, pdfs(kAdBase)).empty());
}

TEST(Deficiencies, InvalidFormat) {
  auto mats = pdfs(kAdBase);
  mats[5].format = "docx";  // rendering: pdf, jpg, png
  mats[6].format = "JPG";   // location_plan accepts jpg, whatever the case
  mats[4].format = "png";   // design_drawings: pdf only
  const auto items = compute_deficiencies(*def("outdoor_advertising"), ad_facts(), mats);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0], (Deficiency{"design_drawings", Problem::invalid_format,
                                  "格式不符：设施设计图（广告构架结构图）（收到 png，应为 pdf）"}));
  EXPECT_EQ(items[1], (Deficiency{"rendering", Problem::invalid_format,
                                  "格式不符：设置效果图（日景、夜景）（收到 docx，应为 pdf、jpg、png）"}));
}

TEST(Deficiencies, ExpiredBeforeReceipt) {
  auto mats = pdfs(kAdBase);
  mats[1].expires_on = Date::parse("2026-03-01");  // business licence: the day before receipt
  mats[2].expires_on = Date::parse("2026-03-02");  // ID: valid through the receipt day
  mats[0].expires_on = Date::parse("2020-01-01");  // application form: expiry does not matter
  auto items = compute_deficiencies(*def("outdoor_advertising"), ad_facts(), mats);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0],
            (Deficiency{
                "business_licence", Problem::expired,
                "已过期：营业执照（统一社会信用代码证书）（有效期至 2026-03-01，早于收件日期 2026-03-02）"}));
  // A resubmitted copy is judged as of its own receipt date.
  mats[1].received_on = Date::parse("2026-02-27");
  EXPECT_TRUE(compute_deficiencies(*def("outdoor_advertising"), ad_facts(), mats).empty());
}

TEST(Deficiencies, FormatIsReportedBeforeExpiry) {
  auto mats = pdfs(kAdBase);
  mats[1].format = "doc";
  mats[1].expires_on = Date::parse("2025-01-01");
  const auto items = compute_deficiencies(*def("outdoor_advertising"), ad_facts(), mats);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].problem, Problem::invalid_format);
}

TEST(Deficiencies, EveryKindAtOnce) {
  json facts = road_facts();
  facts.erase("planned_end");
  std::vector<SubmittedMaterial> mats =
      pdfs({"application_form", "legal_representative_id", "planning_approval", "design_documents",
            "pipeline_map", "unknown_extra"});
  mats[1].expires_on = Date::parse("2026-01-31");
  mats[3].format = "dwg";
  mats.push_back(pdf("construction_plan", std::nullopt));
  const auto items = compute_deficiencies(*def("road_excavation"), facts, mats);
  const std::vector<Deficiency> expected{
      {"fact:planned_end", Problem::missing, "缺少申请信息：计划完工日期"},
      {"business_licence", Problem::missing, "缺少：营业执照（统一社会信用代码证书）"},
      {"legal_representative_id", Problem::expired,
       "已过期：法定代表人身份证明（有效期至 2026-01-31，早于收件日期 2026-03-02）"},
      {"design_documents", Problem::invalid_format, "格式不符：施工设计文件（施工图）（收到 dwg，应为 pdf）"},
      {"traffic_plan", Problem::condition_required, "缺少：交通组织方案（依申请情况须提交）"},
  };
  EXPECT_EQ(items, expected);
}

TEST(Deficiencies, LastCopyOfAMaterialCounts) {
  auto mats = pdfs(kAdBase);
  mats.push_back(SubmittedMaterial{"rendering", "gif", std::nullopt, "", kReceived});
  EXPECT_EQ(ids_of(compute_deficiencies(*def("outdoor_advertising"), ad_facts(), mats)),
            std::vector<std::string>{"rendering"});
  mats.push_back(SubmittedMaterial{"rendering", "png", std::nullopt, "", kReceived});
  EXPECT_TRUE(compute_deficiencies(*def("outdoor_advertising"), ad_facts(), mats).empty());
}

TEST(Deficiencies, ConstructionWastePerVehicle) {
  json facts = waste_facts();
  facts["vehicles"] = json::array({{{"plate", "苏J67890"}, {"enclosed", true}, {"recorder", true}},
                                   {{"plate", "苏J11111"}, {"enclosed", false}, {"recorder", true}},
                                   {{"plate", "苏J22222"}, {"enclosed", false}, {"recorder", false}}});
  auto mats = pdfs(kWasteBase);  // licence only for 苏J67890
  mats.push_back(
      SubmittedMaterial{"vehicle_licence:苏J22222", "jpg", Date::parse("2026-02-01"), "", kReceived});
  mats.push_back(pdf("vehicle_licence:苏J99999"));  // not a listed vehicle: ignored
  const auto items = compute_deficiencies(*def("construction_waste"), facts, mats);
  const std::vector<Deficiency> expected{
      {"vehicle:苏J11111", Problem::condition_required, "车辆苏J11111：未采用全密闭运输"},
      {"vehicle:苏J22222", Problem::condition_required,
       "车辆苏J22222：未采用全密闭运输、未安装行驶及装卸记录仪"},
      {"vehicle_licence:苏J11111", Problem::missing, "缺少：车辆行驶证（苏J11111）"},
      {"vehicle_licence:苏J22222", Problem::expired,
       "已过期：车辆行驶证（苏J22222）（有效期至 2026-02-01，早于收件日期 2026-03-02）"},
  };
  EXPECT_EQ(items, expected);
}

TEST(Deficiencies, ConstructionWasteEmptyAndMissingFacts) {
  const auto items = compute_deficiencies(*def("construction_waste"), json::object(), {});
  std::vector<std::string> expected{"fact:volume_m3", "fact:route", "fact:disposal_site", "fact:vehicles"};
  for (const auto& id : kWasteBase) {
    if (id.rfind("vehicle_licence", 0) != 0) expected.push_back(id);  // no vehicles, no per-vehicle items
  }
  EXPECT_EQ(ids_of(items), expected);
  json facts = waste_facts();
  facts["route"] = "  ";
  facts["vehicles"] = json::array();
  EXPECT_EQ(ids_of(compute_deficiencies(*def("construction_waste"), facts, pdfs(kWasteBase))),
            (std::vector<std::string>{"fact:route", "fact:vehicles"}));
}

TEST(Deficiencies, EachMaterialAppearsOnce) {
  for (const auto* permit : {"road_excavation", "outdoor_advertising", "construction_waste"}) {
    const auto items = compute_deficiencies(*def(permit), json::object(), {});
    std::set<std::string> seen;
    for (const auto& i : items)
      EXPECT_TRUE(seen.insert(i.material.str()).second) << permit << " " << i.material;
    EXPECT_FALSE(items.empty());
  }
}

// The conformance harness fills in every listed material as a PDF valid to 2030-12-31.
TEST(Deficiencies, HarnessFillingConvergesForEveryPermit) {
  const std::vector<std::pair<std::string, json>> cases{{"road_excavation", road_facts()},
                                                        {"outdoor_advertising", ad_facts()},
                                                        {"construction_waste", waste_facts()}};
  for (const auto& [permit, facts] : cases) {
    validate_facts(*def(permit), facts);
    std::vector<SubmittedMaterial> mats;
    int rounds = 0;
    for (; rounds < 4; ++rounds) {
      const auto items = compute_deficiencies(*def(permit), facts, mats);
      if (items.empty()) break;
      for (const auto& i : items) {
        ASSERT_NE(i.material.rfind("fact:", 0), 0u) << permit << " lacks " << i.material;
        mats.push_back(pdf(i.material, Date::parse("2030-12-31")));
      }
    }
    EXPECT_EQ(rounds, 1) << permit;
    if (permit == "road_excavation") {
      EXPECT_GE(mats.size(), 3u);
    }
  }
}

// --- flags ----------------------------------------------------------------------------------------------

const WorkingCalendar& calendar() {
  static const WorkingCalendar cal = WorkingCalendar::official();
  return cal;
}
const Instant kAt = Instant::parse_rfc3339("2026-03-02T10:00:00+08:00");

std::vector<std::string> flags(std::string_view permit, const json& facts, Instant at = kAt) {
  return compute_flags(*def(permit), facts, at, calendar(), 480);
}
const std::vector<std::string> kNone;

TEST(Flags, NoneForTheHarnessFacts) {
  EXPECT_EQ(flags("road_excavation", road_facts()), kNone);
  EXPECT_EQ(flags("outdoor_advertising", ad_facts()), kNone);
  EXPECT_EQ(flags("construction_waste", waste_facts()), kNone);
}

TEST(Flags, ProtectedRoadNewRoadFiveYears) {
  json f = road_facts();
  f["road_opened_on"] = "2022-04-01";
  f["planned_start"] = "2027-04-01";  // the last day of the 5-year period (民法典 Art 202)
  EXPECT_EQ(flags("road_excavation", f), std::vector<std::string>{"protected_road"});
  f["planned_start"] = "2027-04-02";
  EXPECT_EQ(flags("road_excavation", f), kNone);
  f["planned_start"] = "2022-04-01";
  EXPECT_EQ(flags("road_excavation", f), std::vector<std::string>{"protected_road"});
  // A road opened on 29 February: the period ends on 28 February (no corresponding day).
  f["road_opened_on"] = "2024-02-29";
  f["planned_start"] = "2029-02-28";
  EXPECT_EQ(flags("road_excavation", f), std::vector<std::string>{"protected_road"});
  f["planned_start"] = "2029-03-01";
  EXPECT_EQ(flags("road_excavation", f), kNone);
}

TEST(Flags, ProtectedRoadOverhaulThreeYears) {
  json f = road_facts();
  f["road_overhauled_on"] = "2024-04-01";
  f["planned_start"] = "2027-04-01";
  EXPECT_EQ(flags("road_excavation", f), std::vector<std::string>{"protected_road"});
  f["planned_start"] = "2027-04-02";
  EXPECT_EQ(flags("road_excavation", f), kNone);
}

TEST(Flags, ProtectedRoadException) {
  json f = road_facts();
  f["road_opened_on"] = "2024-06-01";
  EXPECT_EQ(flags("road_excavation", f), std::vector<std::string>{"protected_road"});
  f["protection_exception_approved"] = true;
  EXPECT_EQ(flags("road_excavation", f), kNone);
  f["protection_exception_approved"] = false;
  f.erase("planned_start");  // cannot tell: a deficiency, not a flag
  EXPECT_EQ(flags("road_excavation", f), kNone);
}

TEST(Flags, RoofProhibited) {
  json f = ad_facts();
  f["on_roof"] = true;
  f["area_m2"] = 10;
  f["building_storeys"] = 3;
  EXPECT_EQ(flags("outdoor_advertising", f), std::vector<std::string>{"roof_prohibited"});
  f["building_storeys"] = 4;
  EXPECT_EQ(flags("outdoor_advertising", f), kNone);
  f["building_storeys"] = 3;
  f["area_m2"] = 9.9;  // small facility
  EXPECT_EQ(flags("outdoor_advertising", f), kNone);
  f["height_m"] = 4;  // large by height
  EXPECT_EQ(flags("outdoor_advertising", f), std::vector<std::string>{"roof_prohibited"});
  f["on_roof"] = false;
  EXPECT_EQ(flags("outdoor_advertising", f), kNone);
}

TEST(Flags, TermExceedsMaximum) {
  json f = ad_facts();
  f["term_months"] = 36;
  EXPECT_EQ(flags("outdoor_advertising", f), kNone);
  f["term_months"] = 37;
  EXPECT_EQ(flags("outdoor_advertising", f), std::vector<std::string>{"term_exceeds_maximum"});
  f["electronic_screen"] = true;
  EXPECT_EQ(flags("outdoor_advertising", f), kNone);
  f["term_months"] = 72;
  EXPECT_EQ(flags("outdoor_advertising", f), kNone);
  f["term_months"] = 73;
  EXPECT_EQ(flags("outdoor_advertising", f), std::vector<std::string>{"term_exceeds_maximum"});
  f["on_roof"] = true;
  f["area_m2"] = 20;
  f["building_storeys"] = 2;
  EXPECT_EQ(flags("outdoor_advertising", f),
            (std::vector<std::string>{"roof_prohibited", "term_exceeds_maximum"}));
}

json emergency(const char* broken_at) {
  json f = road_facts();
  f["emergency"] = true;
  f["broken_at"] = broken_at;
  return f;
}
Instant t(const char* text) { return Instant::parse_rfc3339(text); }

std::vector<std::string> rolled_flags(const json& facts, Instant at) {
  json file = json::parse(def("road_excavation")->source);
  file["rules"]["emergency_filing"]["roll_to_working_day"] = true;
  return compute_flags(*parse_definition(file.dump(), "rolled.json"), facts, at, calendar(), 480);
}

// docs/worked_examples.md T11 (a): broken Fri 2026-09-18 20:00; national due Sat 09-19 20:00; rolled: Sun
// 09-20 (调休) 24:00.
TEST(Flags, EmergencyFilingNational) {
  const json f = emergency("2026-09-18T20:00:00+08:00");
  EXPECT_EQ(flags("road_excavation", f, t("2026-09-19T20:00:00+08:00")), kNone);
  EXPECT_EQ(flags("road_excavation", f, t("2026-09-19T20:00:01+08:00")),
            std::vector<std::string>{"emergency_filing_late"});
  EXPECT_EQ(flags("road_excavation", f, t("2026-09-19T12:00:01Z")),
            std::vector<std::string>{"emergency_filing_late"});
  json not_emergency = f;
  not_emergency["emergency"] = false;
  EXPECT_EQ(flags("road_excavation", not_emergency, t("2026-09-25T10:00:00+08:00")), kNone);
}

TEST(Flags, EmergencyFilingRolledToTheNextWorkingDay) {
  const json f = emergency("2026-09-18T20:00:00+08:00");
  EXPECT_EQ(rolled_flags(f, t("2026-09-20T23:59:59+08:00")), kNone);
  EXPECT_EQ(rolled_flags(f, t("2026-09-21T00:00:00+08:00")), kNone);
  EXPECT_EQ(rolled_flags(f, t("2026-09-21T00:00:01+08:00")),
            std::vector<std::string>{"emergency_filing_late"});
}

// T11 (b): broken Thu 2026-10-01 08:00; national due 10-02 08:00; rolled: Thu 10-08 24:00.
TEST(Flags, EmergencyFilingNationalDay) {
  const json f = emergency("2026-10-01T08:00:00+08:00");
  EXPECT_EQ(flags("road_excavation", f, t("2026-10-02T08:00:00+08:00")), kNone);
  EXPECT_EQ(flags("road_excavation", f, t("2026-10-02T08:00:01+08:00")),
            std::vector<std::string>{"emergency_filing_late"});
  EXPECT_EQ(rolled_flags(f, t("2026-10-08T23:59:59+08:00")), kNone);
  EXPECT_EQ(rolled_flags(f, t("2026-10-09T00:00:01+08:00")),
            std::vector<std::string>{"emergency_filing_late"});
}

TEST(Flags, EmergencyRollOverKeepsADeadlineOnAWorkingDay) {
  const json f = emergency("2026-09-21T10:00:00+08:00");  // Monday; due Tue 09-22 10:00
  EXPECT_EQ(rolled_flags(f, t("2026-09-22T10:00:00+08:00")), kNone);
  EXPECT_EQ(rolled_flags(f, t("2026-09-22T10:00:01+08:00")),
            std::vector<std::string>{"emergency_filing_late"});
}

// --- validate_facts -----------------------------------------------------------------------------------

void expect_refused(std::string_view permit, const json& facts, const std::string& field,
                    const std::string& words) {
  try {
    validate_facts(*def(permit), facts);
    ADD_FAILURE() << "accepted " << facts.dump();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_EQ(e.field(), field) << e.what();
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

TEST(ValidateFacts, AcceptsTheContractShapes) {
  EXPECT_NO_THROW(validate_facts(*def("road_excavation"), road_facts()));
  EXPECT_NO_THROW(validate_facts(*def("outdoor_advertising"), ad_facts()));
  EXPECT_NO_THROW(validate_facts(*def("construction_waste"), waste_facts()));
  json f = ad_facts();
  f["area_m2"] = 4;             // integers accepted for numbers
  f["building_storeys"] = 5.0;  // a whole number written as a float
  EXPECT_NO_THROW(validate_facts(*def("outdoor_advertising"), f));
  EXPECT_NO_THROW(validate_facts(*def("road_excavation"), emergency("2026-09-18T20:00:00Z")));
  EXPECT_NO_THROW(validate_facts(*def("road_excavation"), json::object()));  // absent facts are deficiencies
}

TEST(ValidateFacts, RefusesWithThePointer) {
  json f = road_facts();
  f["lanes"] = 2;
  expect_refused("road_excavation", f, "/facts/lanes", "unknown fact 'lanes'");
  f = road_facts();
  f["on_carriageway"] = "yes";
  expect_refused("road_excavation", f, "/facts/on_carriageway", "must be true or false");
  f = road_facts();
  f["planned_start"] = "2026-02-30";
  expect_refused("road_excavation", f, "/facts/planned_start", "not a valid date");
  f["planned_start"] = "2027/04/01";
  expect_refused("road_excavation", f, "/facts/planned_start", "not a valid date");
  f = road_facts();
  f["planned_end"] = nullptr;
  expect_refused("road_excavation", f, "/facts/planned_end", "cannot be null");
  expect_refused("road_excavation", emergency("2026-09-18 20:00"), "/facts/broken_at", "RFC 3339");
  expect_refused("road_excavation", emergency("2026-09-18T20:00:00"), "/facts/broken_at", "RFC 3339");
  expect_refused("road_excavation", json::array(), "/facts", "must be an object");

  json a = ad_facts();
  a["area_m2"] = "4";
  expect_refused("outdoor_advertising", a, "/facts/area_m2", "must be a number");
  a = ad_facts();
  a["term_months"] = 12.5;
  expect_refused("outdoor_advertising", a, "/facts/term_months", "whole number");
  a = ad_facts();
  a["area_m2"] = -1;
  expect_refused("outdoor_advertising", a, "/facts/area_m2", "must be at least 0, found -1");
  a = ad_facts();
  a["term_months"] = 0;
  expect_refused("outdoor_advertising", a, "/facts/term_months", "must be at least 1, found 0");
}

TEST(ValidateFacts, Vehicles) {
  json w = waste_facts();
  w["vehicles"] = "苏J67890";
  expect_refused("construction_waste", w, "/facts/vehicles", "list of vehicles");
  w["vehicles"] = json::array({{{"plate", "苏J1"}, {"enclosed", true}}});
  expect_refused("construction_waste", w, "/facts/vehicles/0/recorder", "'recorder' must be true or false");
  w["vehicles"] = json::array({{{"plate", ""}, {"enclosed", true}, {"recorder", true}}});
  expect_refused("construction_waste", w, "/facts/vehicles/0/plate", "plate number");
  w["vehicles"] =
      json::array({{{"plate", "苏J1"}, {"enclosed", true}, {"recorder", true}, {"colour", "red"}}});
  expect_refused("construction_waste", w, "/facts/vehicles/0/colour", "unknown vehicle field");
  w["vehicles"] = json::array({{{"plate", "苏J1"}, {"enclosed", true}, {"recorder", true}},
                               {{"plate", "苏J1"}, {"enclosed", true}, {"recorder", false}}});
  expect_refused("construction_waste", w, "/facts/vehicles/1/plate", "listed twice");
  w = waste_facts();
  w["volume_m3"] = true;
  expect_refused("construction_waste", w, "/facts/volume_m3", "must be a number");
}

}  // namespace
}  // namespace permitflow
