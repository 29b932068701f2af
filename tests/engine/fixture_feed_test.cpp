// A database written by 0.1.0's code (tests/fixtures/db_0_1_0.sqlite, never regenerated) gets a complete feed
// when it is opened: the v3 migration back-fills one record per stored event in commit order, and new events
// go on after them. The test works on a copy; the fixture is never written.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "engine/feed_golden.hpp"
#include "support/engine_fixture.hpp"
#include "support/temp_dir.hpp"

namespace permitflow::testing {
namespace {

TEST(FixtureFeed, DatabaseOf010GetsACompleteFeed) {
  TempDir dir;
  const auto copy = dir.path() / "db_0_1_0.sqlite";
  std::filesystem::copy_file(std::string(PERMITFLOW_SOURCE_DIR) + "/tests/fixtures/db_0_1_0.sqlite", copy);
  Engine engine(json{{"database", copy.string()}}.dump());
  json v = json::parse(engine.verify());
  ASSERT_TRUE(v["ok"].get<bool>()) << v.dump();
  EXPECT_EQ(v["events_checked"], 150);
  EXPECT_EQ(v["feed_head"], 150);
  const json records = whole_feed(engine, "raw");
  ASSERT_EQ(records.size(), 150u);
  std::map<std::string, std::int64_t> last_version;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const json& r = records[i];
    EXPECT_EQ(r["seq"], i + 1);
    EXPECT_EQ(r["backfilled"], true);
    EXPECT_NE(r["state"], "") << r.dump();  // filled in by replay when the engine opened
    // Commit order: a case's events come in their own order.
    EXPECT_GT(r["version"].get<std::int64_t>(), last_version[r["case"]]) << r.dump();
    last_version[r["case"]] = r["version"];
    const json log = json::parse(engine.history(r["case"].get<std::string>()));
    EXPECT_EQ(r["event"]["hash"], log[r["version"].get<std::size_t>() - 1]["hash"]);
  }
  // The newest record of each case carries the case's state; the first one the state after submission.
  EXPECT_TRUE(records[0]["state"] == "submitted" || records[0]["state"] == "received") << records[0].dump();
  for (const auto& [id, version] : last_version) {
    const json c = json::parse(engine.get_case(id));
    for (const auto& r : records) {
      if (r["case"] == id && r["version"] == version) {
        EXPECT_EQ(r["state"], c["state"]) << id;
      }
    }
  }
  // Complaints are recognised from the stored case documents.
  bool complaint = false;
  for (const auto& r : records) complaint = complaint || r["kind"] == "complaint";
  EXPECT_TRUE(complaint);
  // New events are numbered after the back-filled ones and are not marked.
  const json fired = json::parse(engine.run_due("2026-03-25T00:00:00+08:00"));
  ASSERT_FALSE(fired.empty());
  const json page = json::parse(engine.feed(R"({"after": 150})"));
  ASSERT_FALSE(page["records"].empty());
  EXPECT_EQ(page["records"][0]["seq"], 151);
  EXPECT_FALSE(page["records"][0].contains("backfilled"));
  v = json::parse(engine.verify());
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump();
}

}  // namespace
}  // namespace permitflow::testing
