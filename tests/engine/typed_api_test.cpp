// The typed C++ API beside the JSON one (include/permitflow/config.hpp, case_info.hpp): a Config opens the
// same engine as its config JSON and is refused for the same values; CaseInfo reads id, state, version,
// deadlines and flags out of the documents the JSON methods return.
#include <gtest/gtest.h>

#include "permitflow/case_info.hpp"
#include "permitflow/config.hpp"
#include "support/engine_fixture.hpp"

namespace permitflow::testing {
namespace {

Config config_in(const TempDir& dir) {
  Config c;
  c.database = (dir.path() / "typed.db").string();
  return c;
}

/// The field (JSON pointer) an engine opened from `c` is refused for, or "" when it opens.
std::string refused_field(const Config& c) {
  try {
    Engine e(c);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << e.what();
    return e.field();
  }
  return "";
}

TEST(TypedConfig, DefaultsAreTheConfigJsonDefaults) {
  const Config c;
  EXPECT_EQ(c.utc_offset_minutes, 480);
  EXPECT_EQ(c.county_code, "000000");
  EXPECT_EQ(c.synchronous, "full");
  EXPECT_EQ(c.pool_size, 4);
  EXPECT_EQ(c.log_level, "warn");
  EXPECT_TRUE(c.definitions_dir.empty());
  EXPECT_TRUE(c.calendar_file.empty());
}

TEST(TypedConfig, CountyCodeBecomesThePrefixOfCaseIds) {
  TempDir dir;
  Config c = config_in(dir);
  c.county_code = "320922";
  Engine engine(c);
  const CaseInfo info = engine.submit_case(application("road_excavation", at("2026-03-02")).dump());
  EXPECT_EQ(info.id, "320922-RE-20260302-000001");
}

TEST(TypedConfig, UtcOffsetDecidesTheReceiptDate) {
  TempDir dir;
  Config c = config_in(dir);
  c.utc_offset_minutes = 0;  // 2026-03-02T01:00+08:00 is still Sunday 1 March in UTC: received Monday 2 March
  Engine engine(c);
  const CaseInfo info =
      engine.submit_case(application("road_excavation", "2026-03-02T01:00:00+08:00").dump());
  EXPECT_EQ(info.id, "000000-RE-20260302-000001");
  EXPECT_NE(info.json.find("\"filed_at\":\"2026-03-01T17:00:00Z\""), std::string::npos) << info.json;
}

TEST(TypedConfig, EachBadFieldIsRefusedByName) {
  TempDir dir;
  const Config good = config_in(dir);
  Config c = good;
  c.county_code = "32092";
  EXPECT_EQ(refused_field(c), "/county_code");
  c = good;
  c.county_code = "32092x";
  EXPECT_EQ(refused_field(c), "/county_code");
  c = good;
  c.utc_offset_minutes = 841;
  EXPECT_EQ(refused_field(c), "/utc_offset_minutes");
  c = good;
  c.pool_size = 0;
  EXPECT_EQ(refused_field(c), "/pool_size");
  c = good;
  c.log_level = "loud";
  EXPECT_EQ(refused_field(c), "/log_level");
  c = good;
  c.synchronous = "sometimes";
  EXPECT_EQ(refused_field(c), "/synchronous");
  c = good;
  c.database = std::string(5000, 'x');
  EXPECT_EQ(refused_field(c), "/database");
  EXPECT_EQ(refused_field(good), "");
}

TEST(TypedConfig, RefusesWhatTheJsonConfigRefuses) {
  TempDir dir;
  const std::string db = (dir.path() / "j.db").string();
  for (const auto& [key, value] : std::vector<std::pair<std::string, json>>{
           {"county_code", "12345"}, {"utc_offset_minutes", -721}, {"pool_size", 257}, {"log_level", "x"}}) {
    std::string json_field;
    try {
      Engine e(json{{"database", db}, {key, value}}.dump());
    } catch (const Error& e) {
      json_field = e.field();
    }
    EXPECT_EQ(json_field, "/" + key);
  }
}

class TypedReads : public EngineTest {};

TEST_F(TypedReads, SubmitCaseReadsIdStateVersionAndTheAcceptanceClock) {
  const CaseInfo c = engine().submit_case(application("road_excavation", at("2026-03-02")).dump());
  const json doc = json::parse(c.json);
  EXPECT_EQ(c.id, doc["id"]);
  EXPECT_EQ(c.kind, Kind::permit);
  EXPECT_EQ(c.subject, "road_excavation");
  EXPECT_EQ(c.state, State::submitted);
  EXPECT_EQ(c.version, 1);
  ASSERT_NE(c.deadline("acceptance_notice"), nullptr);
  EXPECT_EQ(c.deadline("acceptance_notice")->due, "2026-03-09");
  EXPECT_EQ(c.deadline("acceptance_notice")->light, Light::green);
  EXPECT_FALSE(c.deadline("acceptance_notice")->provisional);
  EXPECT_EQ(c.deadline("decision"), nullptr);  // null until accepted
  EXPECT_EQ(c.deadline("no_such_clock"), nullptr);
}

TEST_F(TypedReads, ExecuteCaseAndCaseInfoAgreeWithTheJsonAnswers) {
  const CaseInfo c = engine().submit_case(application("road_excavation", at("2026-03-02")).dump());
  const CaseInfo n =
      engine().execute_case(c.id, command("request_correction", kClerk, at("2026-03-03")).dump());
  EXPECT_EQ(n.state, State::awaiting_correction);
  EXPECT_EQ(n.version, 2);
  EXPECT_EQ(n.deadline("acceptance_notice")->light, Light::met);
  const CaseInfo again = engine().case_info(c.id);
  EXPECT_EQ(again.json, engine().get_case(c.id));
  EXPECT_EQ(again.version, n.version);
}

TEST_F(TypedReads, TheDecisionClockCarriesItsStatutoryDueAndExtension) {
  const json a = accepted("outdoor_advertising", "2026-06-01");
  const CaseInfo e = engine().execute_case(
      a["id"].get<std::string>(),
      command("extend", kHead, at("2026-06-03"), {{"working_days", 10}, {"reason", "论证"}}).dump());
  const Deadline* d = e.deadline("decision");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->statutory_due, json::parse(e.json)["deadlines"]["decision"]["statutory_due"]);
  EXPECT_EQ(d->statutory_light, Light::green);
  EXPECT_EQ(d->extended_working_days, 10);
  EXPECT_EQ(e.state, State::under_review);
}

TEST_F(TypedReads, FlagsAreRead) {
  json facts = facts_of("road_excavation");
  facts["road_opened_on"] = "2024-01-01";  // opened two years before the works: a protected road
  const CaseInfo c =
      engine().submit_case(application("road_excavation", at("2026-03-02"), json::array(), facts).dump());
  EXPECT_EQ(c.flags, std::vector<std::string>{"protected_road"});
}

TEST_F(TypedReads, AComplaintReadsItsCategoryAndTimedDue) {
  const CaseInfo c = engine().submit_case(json{
      {"kind", "complaint"},
      {"category", "exposed_garbage"},
      {"reporter", {{"id", "resident-1"}}},
      {"actor", {{"id", "clerk-li"}, {"role", "dispatcher"}}},
      {"at", "2026-09-30T16:00:00+08:00"},
      {"description", "垃圾暴露"}}.dump());
  EXPECT_EQ(c.kind, Kind::complaint);
  EXPECT_EQ(c.subject, "exposed_garbage");
  EXPECT_EQ(c.state, State::received);
  ASSERT_NE(c.deadline("handling"), nullptr);
  EXPECT_EQ(c.deadline("handling")->due, "2026-10-08T11:00:00+08:00");
}

TEST(CaseInfoParse, RefusesWhatIsNotACaseDocument) {
  for (const char* text :
       {"", "[]", "{}", R"({"id": "x"})", R"({"id": "x", "state": "nowhere", "version": 1})",
        R"({"id": "x", "state": "submitted"})"}) {
    try {
      CaseInfo::parse(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << text;
    }
  }
}

}  // namespace
}  // namespace permitflow::testing
