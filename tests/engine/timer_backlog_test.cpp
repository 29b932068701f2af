// A backlog of due timers (docs/architecture.md "Timers"): run_due fires it in slices of cases, each case
// loaded and written once per slice. On both backends: a backlog spanning several slices fires every timer
// exactly once, answered in due order with the events its history holds; a case that cannot fire is left
// due without holding up the others, however many there are.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

#include "engine/engine_impl.hpp"
#include "support/engine_fixture.hpp"
#include "support/raw_sql.hpp"
#include "support/test_database.hpp"

namespace permitflow::testing {
namespace {

class TimerBacklogTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    PF_REQUIRE_DATABASE(db_);
    engine_ = std::make_unique<Engine>(json{{"database", db_.url()}}.dump());
  }

  /// Runs `sql` behind the engine's back.
  void exec_sql(const std::string& sql) { testing::exec_sql(db_, sql); }

  /// `n` applications never handled, submitted over five days: each one's window lapses (a deemed
  /// acceptance), which starts decision clocks whose warnings and overdues follow.
  std::vector<std::string> submit_untouched(int n) {
    static const char* const kDays[] = {"2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"};
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      const json c =
          json::parse(engine_->submit(application("outdoor_advertising", at(kDays[i % 5])).dump()));
      ids.push_back(c["id"]);
    }
    return ids;
  }
  json run_due(const std::string& now) { return json::parse(engine_->run_due(now)); }

  TestDatabase db_{GetParam()};
  std::unique_ptr<Engine> engine_;
};

TEST_P(TimerBacklogTest, ABacklogOfSeveralSlicesFiresEveryTimerOnceInDueOrder) {
  const int cases = Engine::Impl::kRunDueSlice + 9;  // two slices
  const auto ids = submit_untouched(cases);
  const json fired = run_due("2026-12-31T00:00:00+08:00");

  using Key = std::tuple<std::string, std::string, std::string, std::string>;  // due, case, kind, clock
  std::vector<Key> keys;
  std::map<std::string, int> deemed;
  std::map<std::pair<std::string, std::int64_t>, json> answered;  // (case, seq) -> event as answered
  for (const auto& f : fired) {
    keys.emplace_back(f["due"], f["case"], f["kind"], f["clock"]);
    deemed[f["case"]] += f["kind"] == "acceptance_deemed";
    ASSERT_FALSE(f["events"].empty());
    for (const auto& e : f["events"])
      EXPECT_TRUE(
          answered.emplace(std::pair{f["case"].get<std::string>(), e["seq"].get<std::int64_t>()}, e).second)
          << "an event answered twice: " << e.dump();
  }
  // The same offset throughout, so the due texts sort as the instants do.
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_EQ(std::set<Key>(keys.begin(), keys.end()).size(), keys.size());
  EXPECT_GT(keys.size(), 3u * ids.size());  // the deemed acceptance and the decision clocks' timers
  ASSERT_EQ(deemed.size(), ids.size());
  for (const auto& [id, n] : deemed) EXPECT_EQ(n, 1) << id;

  // Every event a timer wrote is answered once, byte for byte as the history holds it.
  std::size_t system_events = 0;
  for (const auto& id : ids) {
    const json h = json::parse(engine_->history(id));
    for (const auto& e : h) {
      if (e["actor"]["role"] != "system") continue;
      ++system_events;
      const auto it = answered.find({id, e["seq"].get<std::int64_t>()});
      ASSERT_NE(it, answered.end()) << id << " " << e.dump();
      EXPECT_EQ(it->second, e);
    }
    EXPECT_NE(json::parse(engine_->get_case(id))["state"], "submitted") << id;
  }
  EXPECT_EQ(system_events, answered.size());
  EXPECT_EQ(run_due("2026-12-31T00:00:00+08:00"), json::array());
  const json v = json::parse(engine_->verify());
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump(2);
}

TEST_P(TimerBacklogTest, ACaseThatCannotFireIsLeftDueAndTheOthersFire) {
  const auto ids = submit_untouched(3);
  const std::string& bad = ids[1];
  // A timer of a kind this version does not know, due first: firing it is refused (the row is corrupt).
  exec_sql("INSERT INTO timers (case_id, kind, clock, due) VALUES ('" + bad + "', 'unknown_kind', 'x', 0)");

  const json fired = run_due("2026-04-01T00:00:00+08:00");
  std::set<std::string> fired_cases;
  for (const auto& f : fired) fired_cases.insert(f["case"]);
  EXPECT_EQ(fired_cases, (std::set<std::string>{ids[0], ids[2]}));
  EXPECT_EQ(json::parse(engine_->get_case(bad))["state"], "submitted");
  EXPECT_EQ(json::parse(engine_->history(bad)).size(), 1u);        // nothing of it was written
  EXPECT_EQ(run_due("2026-04-01T00:00:00+08:00"), json::array());  // still refused, the others are done

  exec_sql("DELETE FROM timers WHERE kind = 'unknown_kind'");
  const json later = run_due("2026-04-01T00:00:00+08:00");
  ASSERT_FALSE(later.empty());
  int deemed = 0;
  for (const auto& f : later) {
    EXPECT_EQ(f["case"], bad);
    deemed += f["kind"] == "acceptance_deemed";
  }
  EXPECT_EQ(deemed, 1);
  EXPECT_EQ(json::parse(engine_->get_case(bad))["state"], "under_review");
  const json v = json::parse(engine_->verify());
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump(2);
}

TEST_P(TimerBacklogTest, SeveralCasesThatCannotFireAreLeftDueAndEveryOtherEventIsWrittenAndAnsweredOnce) {
  // The first bad case rolls its slice back and the slice runs again; the later ones are rolled back alone.
  const auto ids = submit_untouched(7);
  const std::set<std::string> bad{ids[1], ids[3], ids[4]};
  for (const auto& id : bad)
    exec_sql("INSERT INTO timers (case_id, kind, clock, due) VALUES ('" + id + "', 'unknown_kind', 'x', 0)");

  const json fired = run_due("2026-04-01T00:00:00+08:00");
  std::map<std::string, int> deemed;
  std::set<std::pair<std::string, std::int64_t>> answered;
  for (const auto& f : fired) {
    deemed[f["case"]] += f["kind"] == "acceptance_deemed";
    for (const auto& e : f["events"])
      EXPECT_TRUE(answered.emplace(f["case"].get<std::string>(), e["seq"].get<std::int64_t>()).second)
          << "an event answered twice: " << e.dump();
  }
  for (const auto& id : ids) {
    const json h = json::parse(engine_->history(id));
    if (bad.count(id)) {
      EXPECT_EQ(deemed.count(id), 0u) << id;
      EXPECT_EQ(h.size(), 1u) << id;  // nothing of it was written
      EXPECT_EQ(json::parse(engine_->get_case(id))["state"], "submitted");
      continue;
    }
    EXPECT_EQ(deemed[id], 1) << id;
    // Written once: exactly one deemed acceptance in its log, and every system event answered.
    int logged_deemed = 0;
    for (const auto& e : h) {
      logged_deemed += e["type"] == "acceptance_deemed";
      if (e["actor"]["role"] == "system") {
        EXPECT_TRUE(answered.count({id, e["seq"].get<std::int64_t>()})) << id << " " << e.dump();
      }
    }
    EXPECT_EQ(logged_deemed, 1) << id;
    EXPECT_EQ(json::parse(engine_->get_case(id))["state"], "under_review") << id;
  }
  EXPECT_EQ(run_due("2026-04-01T00:00:00+08:00"), json::array());  // the bad ones are still refused
  const json v = json::parse(engine_->verify());
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump(2);
}

INSTANTIATE_TEST_SUITE_P(Backends, TimerBacklogTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace permitflow::testing
