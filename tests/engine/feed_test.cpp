// The event feed through the C++ API (docs/feed.md): one record per event with the case's state after it,
// refused commands write none, cursors of durable consumers, bad requests refused with nothing changed, and
// verify's feed checks.
#include <SQLiteCpp/SQLiteCpp.h>

#include "support/db_dump.hpp"
#include "support/engine_fixture.hpp"

namespace permitflow::testing {
namespace {

class FeedTest : public EngineTest {
 protected:
  // The scenarios are dated months before the tests run: without this the default retention would prune
  // what a consumer acknowledged (the retention tests open their own engines).
  void SetUp() override { open({{"feed_retention_days", 0}}); }

  json feed(const json& request) { return json::parse(engine().feed(request.dump())); }

  /// Every record, read page by page with a small limit.
  std::vector<json> all_records() {
    std::vector<json> out;
    json request = {{"after", 0}, {"limit", 3}};
    for (;;) {
      const json page = feed(request);
      for (const auto& r : page["records"]) out.push_back(r);
      if (page["next"] == page["head"]) return out;
      request["after"] = page["next"];
    }
  }
};

TEST_F(FeedTest, EveryEventHasOneRecordInCommitOrder) {
  const json road = accepted("road_excavation", "2026-06-01");
  const json waste = submit(application("construction_waste", at("2026-06-02")));
  const auto records = all_records();
  const json road_log = history(road["id"]);
  const json waste_log = history(waste["id"]);
  ASSERT_EQ(records.size(), road_log.size() + waste_log.size());
  for (std::size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i]["seq"], i + 1);
  const json& first = records[0];
  EXPECT_EQ(first["case"], road["id"]);
  EXPECT_EQ(first["kind"], "permit");
  EXPECT_EQ(first["subject"], "road_excavation");
  EXPECT_EQ(first["version"], 1);
  EXPECT_EQ(first["state"], "submitted");
  EXPECT_EQ(first["event"]["type"], "submitted");
  EXPECT_EQ(first["event"]["hash"], road_log[0]["hash"]);
  EXPECT_EQ(first["event"]["actor"], road_log[0]["actor"]);
  EXPECT_EQ(first["event"]["data"], road_log[0]["data"]);
  EXPECT_EQ(first["event"]["at"], road_log[0]["at"]);
  EXPECT_FALSE(first.contains("backfilled"));
  const json& acceptance = records[road_log.size() - 1];
  EXPECT_EQ(acceptance["event"]["type"], "accepted");
  EXPECT_EQ(acceptance["state"], "under_review");
  EXPECT_EQ(records.back()["case"], waste["id"]);
  EXPECT_EQ(records.back()["state"], "submitted");

  const json v = json::parse(engine().verify());
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump();
  EXPECT_EQ(v["feed_head"], records.size());
}

// A raw page is written as text with the stored actor and data spliced in: it must be exactly the JSON a
// parse-and-dump would give (sorted keys, no spaces), whatever the page holds.
TEST_F(FeedTest, RawPageIsCanonicalJson) {
  accepted("road_excavation", "2026-06-01");
  submit(application("construction_waste", at("2026-06-02")));
  for (const std::string request : {R"({"limit": 1000})", R"({"limit": 2, "after": 1})",
                                    R"({"types": ["x"]})", R"({"limit": 1000, "profile": "notify"})"}) {
    const std::string page = engine().feed(request);
    EXPECT_EQ(json::parse(page).dump(), page) << request;
  }
  EXPECT_EQ(json::parse(engine().feed(R"({"types": ["x"]})"))["records"], json::array());
}

TEST_F(FeedTest, RefusedCommandWritesNoRecord) {
  const json road = accepted("road_excavation", "2026-06-01");
  const json before = feed({{"after", 0}, {"limit", 1000}});
  EXPECT_EQ(error_of([&] { execute(road["id"], command("accept", kClerk, at("2026-06-02"))); }),
            ErrorCode::invalid_state);
  EXPECT_EQ(feed({{"after", 0}, {"limit", 1000}}), before);
}

TEST_F(FeedTest, FiltersAndConsumers) {
  const json road = accepted("road_excavation", "2026-06-01");
  const json waste = submit(application("construction_waste", at("2026-06-02")));
  // One case's records (an applicant's inbox reads only its own cases).
  const json waste_only = feed({{"cases", {waste["id"]}}});
  ASSERT_EQ(waste_only["records"].size(), history(waste["id"]).size());
  for (const auto& r : waste_only["records"]) EXPECT_EQ(r["case"], waste["id"]);
  EXPECT_EQ(feed({{"cases", {road["id"], waste["id"]}}})["records"].size(),
            history(road["id"]).size() + history(waste["id"]).size());
  EXPECT_TRUE(feed({{"cases", {"320922-XX-20260101-000009"}}})["records"].empty());
  const json accepted_only = feed({{"types", {"accepted"}}, {"kinds", {"permit"}}});
  ASSERT_EQ(accepted_only["records"].size(), 1u);
  EXPECT_EQ(accepted_only["next"], accepted_only["head"]);
  EXPECT_TRUE(feed({{"kinds", {"complaint"}}})["records"].empty());

  const std::int64_t head = feed(json::object())["head"];
  // A new consumer starts at the beginning; acknowledging moves it on, never back, never past the head.
  EXPECT_EQ(feed({{"consumer", "sms"}, {"limit", 1}})["records"][0]["seq"], 1);
  engine().feed_ack("sms", 2);
  EXPECT_EQ(feed({{"consumer", "sms"}, {"limit", 1}})["records"][0]["seq"], 3);
  engine().feed_ack("sms", 2);  // the same cursor again is harmless (a repeated ack after a crash)
  EXPECT_EQ(error_of([&] { engine().feed_ack("sms", 1); }), ErrorCode::invalid_argument);
  EXPECT_EQ(error_of([&] { engine().feed_ack("sms", head + 1); }), ErrorCode::invalid_argument);
  EXPECT_EQ(error_of([&] { engine().feed_ack("bad name", 1); }), ErrorCode::invalid_argument);
  EXPECT_EQ(error_of([&] { engine().feed_ack("", 1); }), ErrorCode::invalid_argument);
  EXPECT_EQ(error_of([&] { engine().feed_ack("sms", -1); }), ErrorCode::invalid_argument);
  // Every answer says how far each durable consumer is behind the head.
  EXPECT_EQ(feed(json::object())["consumers"],
            (json::array({{{"name", "sms"}, {"cursor", 2}, {"lag", head - 2}}})));
  engine().feed_ack("sms", head);
  EXPECT_TRUE(feed({{"consumer", "sms"}})["records"].empty());
  // Another consumer is independent.
  EXPECT_EQ(feed({{"consumer", "province"}, {"limit", 1}})["records"][0]["seq"], 1);
  engine().feed_ack("province", 1);
  EXPECT_EQ(feed(json::object())["consumers"],
            (json::array({{{"name", "province"}, {"cursor", 1}, {"lag", head - 1}},
                          {{"name", "sms"}, {"cursor", head}, {"lag", 0}}})));
}

TEST_F(FeedTest, BadRequestsAreRefusedAndChangeNothing) {
  accepted("road_excavation", "2026-06-01");
  engine().feed_ack("sms", 1);
  close();
  const std::string before = dump_database(database().string());
  open({{"feed_retention_days", 0}});
  const std::int64_t head = feed(json::object())["head"];
  const std::vector<std::pair<std::string, std::string>> bad{
      {R"({"profile": "twitter"})", "/profile"},
      {R"({"after": -1})", "/after"},
      {R"({"after": )" + std::to_string(head + 1) + "}", "past the feed's head"},
      {R"({"after": 1e300})", "/after"},
      {R"({"limit": 0})", "/limit"},
      {R"({"limit": 1001})", "/limit"},
      {R"({"kinds": ["bundle"]})", "/kinds/0"},
      {R"({"types": []})", "/types"},
      {R"({"cases": [7]})", "/cases/0"},
      {R"({"cases": "320922-RE-20260601-000001"})", "/cases"},
      {R"({"consumer": "a b"})", "/consumer"},
      {R"({"consumer": "sms", "after": 0})", "/after"},
      {R"({"colour": "red"})", "colour"},
      {R"([1])", ""},
  };
  for (const auto& [request, names] : bad) {
    SCOPED_TRACE(request);
    try {
      engine().feed(request);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << e.what();
      EXPECT_NE((std::string(e.what()) + e.field()).find(names), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(error_of([&] { engine().feed_ack("sms", 0); }), ErrorCode::invalid_argument);
  close();
  EXPECT_EQ(dump_database(database().string()), before);
}

TEST_F(FeedTest, RetentionPrunesWhatEveryConsumerPassed) {
  open({{"feed_retention_days", 1}});
  accepted("road_excavation", "2026-06-01");  // events months before the test runs
  submit(application("construction_waste", at("2026-06-02")));
  const std::int64_t head = feed(json::object())["head"];
  ASSERT_GE(head, 3);
  engine().feed_ack("sms", head);
  EXPECT_EQ(feed(json::object())["pruned"], head);  // the only consumer passed everything
  engine().feed_ack("province", 0);                 // a new consumer holds nothing back that is gone
  EXPECT_TRUE(feed({{"consumer", "province"}})["records"].empty());
  json v = json::parse(engine().verify());
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump();
  EXPECT_EQ(v["feed_pruned"], head);
  // New records go on after the mark.
  submit(application("construction_waste", at("2026-06-03")));
  const json page = feed({{"consumer", "province"}});
  ASSERT_FALSE(page["records"].empty());
  EXPECT_EQ(page["records"][0]["seq"], head + 1);
  EXPECT_TRUE(json::parse(engine().verify())["ok"].get<bool>());
}

TEST_F(FeedTest, RetentionKeepsRecordsAConsumerHasNotPassed) {
  open({{"feed_retention_days", 1}});
  accepted("road_excavation", "2026-06-01");
  engine().feed_ack("slow", 1);
  engine().feed_ack("fast", feed(json::object())["head"].get<std::int64_t>());
  EXPECT_EQ(feed(json::object())["pruned"], 1);
  EXPECT_EQ(feed({{"consumer", "slow"}})["records"][0]["seq"], 2);
}

TEST_F(FeedTest, VerifyFindsAMissingRecordAndAGap) {
  accepted("road_excavation", "2026-06-01");
  close();
  {
    SQLite::Database db(database().string(), SQLite::OPEN_READWRITE);
    db.exec("DELETE FROM feed WHERE seq = 1");
  }
  open();
  json v = json::parse(engine().verify());
  EXPECT_FALSE(v["ok"].get<bool>());
  const std::string problems = v["problems"].dump();
  EXPECT_NE(problems.find("without its feed record"), std::string::npos) << problems;
  EXPECT_NE(problems.find("feed record 2 follows 0"), std::string::npos) << problems;
}

}  // namespace
}  // namespace permitflow::testing
