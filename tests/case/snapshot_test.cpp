// lib/case snapshots directly: an archive of a case loads back to the same case, at every version of its
// log and for both kinds; a corrupt, truncated or foreign archive loads as nothing (the log is the truth).
#include <gtest/gtest.h>

#include "case/snapshot.hpp"
#include "support/case_replay.hpp"

namespace permitflow::testing {
namespace {

class Snapshots : public CaseReplay {
 protected:
  std::string reviewed_case() {
    const std::string id = accepted("road_excavation", "2026-06-01")["id"];
    execute(id, command("suspend", kClerk, at("2026-06-02"),
                        {{"reason", "expert_review"}, {"expected_working_days", 3}, {"notice", "专家评审"}}));
    execute(id, command("record_opinion", reviewer("traffic_police"), at("2026-06-03"),
                        {{"department", "traffic_police"}, {"opinion", "approve"}, {"comment", "同意"}}));
    execute(id, command("resume", kClerk, at("2026-06-04")));
    return id;
  }
};

TEST_F(Snapshots, RoundTripAtEveryVersion) {
  const std::string id = reviewed_case();
  const CaseContext ctx = context_of(id);
  const std::vector<Event> events = events_of(id);
  for (std::size_t n = 1; n <= events.size(); ++n) {
    const Case c = replay(events, ctx, n);
    const auto loaded = load_snapshot(save_snapshot(c));
    ASSERT_TRUE(loaded.has_value()) << "version " << n;
    EXPECT_EQ(*loaded, c) << "version " << n;
  }
}

TEST_F(Snapshots, ALoadedSnapshotTakesTheRestOfTheLog) {
  const std::string id = reviewed_case();
  const CaseContext ctx = context_of(id);
  const std::vector<Event> events = events_of(id);
  auto c = load_snapshot(save_snapshot(replay(events, ctx, 2)));
  ASSERT_TRUE(c.has_value());
  for (std::size_t i = 2; i < events.size(); ++i) apply(*c, events[i], ctx);
  EXPECT_EQ(*c, replay(events, ctx));
  EXPECT_EQ(to_json(*c, ctx), get(id));
}

TEST_F(Snapshots, AComplaintRoundTrips) {
  const std::string id = submit({{"kind", "complaint"},
                                 {"category", "exposed_garbage"},
                                 {"reporter", {{"id", "resident-1"}}},
                                 {"actor", {{"id", "clerk-li"}, {"role", "dispatcher"}}},
                                 {"at", "2026-09-30T16:00:00+08:00"},
                                 {"description", "垃圾暴露"}})["id"];
  const CaseContext ctx = context_of(id);
  const Case c = replay(events_of(id), ctx);
  const auto loaded = load_snapshot(save_snapshot(c));
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(*loaded, c);
  EXPECT_EQ(to_json(*loaded, ctx)["deadlines"]["handling"]["due"], "2026-10-08T11:00:00+08:00");
}

TEST_F(Snapshots, BrokenArchivesLoadAsNothing) {
  const std::string id = reviewed_case();
  const CaseContext ctx = context_of(id);
  const std::string good = save_snapshot(replay(events_of(id), ctx));
  EXPECT_FALSE(load_snapshot("").has_value());
  EXPECT_FALSE(load_snapshot("22 serialization::archive 18 garbage").has_value());
  EXPECT_FALSE(load_snapshot(good.substr(0, good.size() / 2)).has_value());
  EXPECT_FALSE(load_snapshot("not an archive at all").has_value());
}

}  // namespace
}  // namespace permitflow::testing
