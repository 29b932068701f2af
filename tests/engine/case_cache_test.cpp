// The engine's cache of committed cases (lib/engine/case_cache.hpp): a hit only for the exact stored version
// and document, least recently used cases dropped first, and never a stale case when another engine writes
// the same database.
#include <gtest/gtest.h>

#include "engine/case_cache.hpp"
#include "support/engine_fixture.hpp"

namespace permitflow {
namespace {

using nlohmann::json;
using namespace permitflow::testing;

Case case_at(const std::string& id, std::int64_t version) {
  Case c;
  c.id = id;
  c.version = version;
  return c;
}

TEST(CaseCache, HitsOnlyTheStoredVersionWithTheStoredDocument) {
  CaseCache cache(4);
  cache.put(case_at("A", 3), "doc-3");
  ASSERT_TRUE(cache.find("A", 3, "doc-3"));
  EXPECT_EQ(cache.find("A", 3, "doc-3")->version, 3);
  EXPECT_FALSE(cache.find("A", 4, "doc-3")) << "another engine wrote version 4";
  EXPECT_FALSE(cache.find("A", 3, "doc-other")) << "same version, different content";
  EXPECT_FALSE(cache.find("B", 3, "doc-3"));
  cache.put(case_at("A", 4), "doc-4");
  EXPECT_FALSE(cache.find("A", 3, "doc-3"));
  EXPECT_TRUE(cache.find("A", 4, "doc-4"));
  EXPECT_EQ(cache.size(), 1u);
  cache.forget("A");
  EXPECT_FALSE(cache.find("A", 4, "doc-4"));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(CaseCache, DropsTheLeastRecentlyUsedCaseWhenFull) {
  CaseCache cache(2);
  cache.put(case_at("A", 1), "a");
  cache.put(case_at("B", 1), "b");
  ASSERT_TRUE(cache.find("A", 1, "a"));  // A is now the most recently used
  cache.put(case_at("C", 1), "c");
  EXPECT_TRUE(cache.find("A", 1, "a"));
  EXPECT_FALSE(cache.find("B", 1, "b"));
  EXPECT_TRUE(cache.find("C", 1, "c"));
  EXPECT_EQ(cache.size(), 2u);
  CaseCache off(0);
  off.put(case_at("A", 1), "a");
  EXPECT_FALSE(off.find("A", 1, "a"));
}

class TwoEngines : public EngineTest {};

// Each engine has cached the case it wrote last; the other engine's writes must still be seen, or the
// decision would be taken on a case missing an opinion (or fail as a version conflict).
TEST_F(TwoEngines, EachSeesTheOtherEnginesCommandsOnTheSameCase) {
  const json accepted = this->accepted("road_excavation", "2026-06-01");
  const std::string id = accepted["id"];
  Engine other(json{{"database", database().string()}}.dump());
  execute(id, command("record_opinion", reviewer("municipal_roads"), at("2026-06-02"),
                      {{"department", "municipal_roads"}, {"opinion", "approve"}}));
  const json by_other = json::parse(
      other.execute(id, command("record_opinion", reviewer("traffic_police"), at("2026-06-02", "11:00"),
                                {{"department", "traffic_police"}, {"opinion", "approve"}})
                            .dump()));
  ASSERT_EQ(by_other["version"], 4);
  EXPECT_EQ(by_other["opinions"].size(), 2u);
  execute(id, command("record_inspection", kClerk, at("2026-06-02", "15:00"),
                      {{"inspectors", {"insp-1", "insp-2"}}, {"findings", "ok"}}));
  const json decided = json::parse(
      other.execute(id, command("decide", kHead, at("2026-06-03"), {{"outcome", "approved"}}).dump()));
  EXPECT_EQ(decided["state"], "approved");
  EXPECT_EQ(decided["version"], 6);
  const json issued = execute(id, command("issue_certificate", kClerk, at("2026-06-04")));
  EXPECT_EQ(issued["state"], "issued");
  EXPECT_EQ(issued["version"], 7);
  EXPECT_EQ(issued["opinions"].size(), 2u);
  EXPECT_EQ(json::parse(engine().verify())["ok"], true);
}

}  // namespace
}  // namespace permitflow
