// Group commit with jobs prepared on their callers' threads (lib/engine/write_queue.hpp, run_prepared), on a
// real SQLite file and a real PostgreSQL schema: a job whose case did not move is written as prepared; one
// whose case moved between prepare and write is run again by the leader and written on the new version; a
// prepare that throws writes nothing; a job that needs the leader runs there; and threads executing
// commands on one case through the engine lose none of them. The engine prepares only while a leader is
// busy; these tests make the queue prepare every job, and one test checks the engine's policy.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/prepared_writes.hpp"
#include "engine/write_queue.hpp"
#include "permitflow/error.hpp"
#include "store/store.hpp"
#include "store/store_test_util.hpp"
#include "support/engine_fixture.hpp"
#include "support/test_database.hpp"

namespace permitflow {
namespace {

using nlohmann::json;

class PreparedWriteTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    PF_REQUIRE_DATABASE(db_);
    store_ = store::open_store(store::testing::config(db_.url()));
    queue_ = std::make_unique<WriteQueue>(*store_, 256, WriteQueue::Prepare::always);
    auto tx = store_->begin_write();
    auto first = store::testing::make_events(1, "submitted");
    tx->append(store::testing::make_case(kCase), 0, first);
    tx->commit();
  }

  /// The job under test: reads the case and appends one event after the version it read; answers that
  /// version. `during_prepare` runs once, while the job is being prepared (not in the leader).
  WriteQueue::Job append_one(std::atomic<int>& runs, std::function<void()> during_prepare = {}) {
    return [this, &runs, during_prepare](store::Transaction& tx) -> JobResult {
      ++runs;
      const auto record = tx.load_case(kCase);
      if (!record) throw Error(ErrorCode::not_found, "no case");
      if (during_prepare && PreparedWrites::of(tx) && runs == 1) during_prepare();
      store::CaseRecord r = *record;
      r.version = record->version + 1;
      auto events = store::testing::make_events(1);
      tx.append(r, record->version, events);
      return {std::to_string(record->version), nullptr};
    };
  }

  /// Appends one event to the case through the queue, as another command would.
  void move_the_case() {
    queue_->run([](store::Transaction& tx) -> JobResult {
      const auto record = tx.load_case(kCase);
      auto events = store::testing::make_events(1, "moved");
      tx.append(*record, record->version, events);
      return {};
    });
  }

  /// The case's log, checked link by link: each event's prev_hash is the hash before it, seq 1, 2, ….
  std::vector<store::EventRecord> chained_log() {
    auto events = store_->begin_read()->events(kCase, 0);
    std::string prev;
    for (std::size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].seq, static_cast<std::int64_t>(i + 1));
      EXPECT_EQ(events[i].prev_hash, prev);
      prev = events[i].hash;
    }
    return events;
  }

  static constexpr const char* kCase = "RE-PREPARED-1";
  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<WriteQueue> queue_;
};

TEST_P(PreparedWriteTest, AJobWhoseCaseDidNotMoveIsWrittenAsPrepared) {
  std::atomic<int> runs{0};
  EXPECT_EQ(queue_->run_prepared(append_one(runs)), "1");
  EXPECT_EQ(runs.load(), 1);  // computed once, on this thread; the leader only wrote it
  const auto stats = queue_->stats();
  EXPECT_EQ(stats.prepared, 1u);
  EXPECT_EQ(stats.rerun, 0u);
  const auto log = chained_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].type, "opinion_recorded");
  EXPECT_EQ(store_->begin_read()->load_case(kCase)->version, 2);
}

TEST_P(PreparedWriteTest, AJobWhoseCaseMovedBetweenPrepareAndWriteIsPreparedAgainAndCorrect) {
  std::atomic<int> runs{0};
  // Prepared against version 1; another job commits version 2 before it is written.
  EXPECT_EQ(queue_->run_prepared(append_one(runs, [&] { move_the_case(); })), "2");
  EXPECT_EQ(runs.load(), 2);  // run again by the leader, against version 2
  const auto stats = queue_->stats();
  EXPECT_EQ(stats.prepared, 0u);
  EXPECT_EQ(stats.rerun, 1u);
  const auto log = chained_log();
  ASSERT_EQ(log.size(), 3u);  // nothing lost, nothing written twice
  EXPECT_EQ(log[1].type, "moved");
  EXPECT_EQ(log[2].type, "opinion_recorded");
  EXPECT_EQ(store_->begin_read()->load_case(kCase)->version, 3);
}

TEST_P(PreparedWriteTest, APrepareThatThrowsChangesNothing) {
  bool kept = false;
  const auto failing = [&](store::Transaction& tx) -> JobResult {
    const auto record = tx.load_case(kCase);
    auto events = store::testing::make_events(1);
    tx.append(*record, record->version, events);
    if (auto* prepared = PreparedWrites::of(tx)) prepared->after_write([&] { kept = true; });
    throw Error(ErrorCode::rule_violation, "refused after computing its writes");
  };
  EXPECT_EQ(store::testing::code_of([&] { queue_->run_prepared(failing); }), ErrorCode::rule_violation);
  EXPECT_FALSE(kept);
  EXPECT_EQ(queue_->stats().batches, 0u);  // never queued
  EXPECT_EQ(chained_log().size(), 1u);
  EXPECT_EQ(store_->begin_read()->load_case(kCase)->version, 1);
}

TEST_P(PreparedWriteTest, ARefusedPreparedJobKeepsTheWritesBeforeItsSavepoint) {
  const auto refused = [&](store::Transaction& tx) -> JobResult {
    const auto record = tx.load_case(kCase);
    auto fired = store::testing::make_events(1, "fired");  // kept, as a timer that fired before a command
    store::CaseRecord r = *record;
    r.version = record->version + 1;
    tx.append(r, record->version, fired);
    tx.savepoint("command");
    auto command = store::testing::make_events(1, "refused");
    tx.append(r, r.version, command);
    tx.rollback_to("command");
    return {"", std::make_exception_ptr(Error(ErrorCode::invalid_state, "refused"))};
  };
  EXPECT_EQ(store::testing::code_of([&] { queue_->run_prepared(refused); }), ErrorCode::invalid_state);
  EXPECT_EQ(queue_->stats().prepared, 1u);
  const auto log = chained_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].type, "fired");
}

TEST_P(PreparedWriteTest, AJobThatNeedsTheLeaderIsRunThereAndItsPrepareTakesNothing) {
  std::atomic<int> runs{0};
  const auto numbered = [&](store::Transaction& tx) -> JobResult {
    ++runs;
    return {std::to_string(tx.next_counter("case:test")), nullptr};  // only the leader hands out numbers
  };
  EXPECT_EQ(queue_->run_prepared(numbered), "1");
  EXPECT_EQ(queue_->run_prepared(numbered), "2");  // the prepare that gave way consumed no number
  EXPECT_EQ(runs.load(), 4);
  EXPECT_EQ(queue_->stats().prepared, 0u);
}

TEST_P(PreparedWriteTest, ManyThreadsOnOneCaseLoseNoUpdate) {
  constexpr int kThreads = 8, kEach = 10;
  std::vector<std::thread> threads;
  std::atomic<int> runs{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) queue_->run_prepared(append_one(runs));
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(chained_log().size(), static_cast<std::size_t>(1 + kThreads * kEach));
  const auto stats = queue_->stats();
  EXPECT_EQ(stats.prepared + stats.rerun, static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(runs.load(), static_cast<int>(kThreads * kEach + stats.rerun));
}

// The engine's policy (Prepare::when_busy): a job that finds the queue idle is run by the leader on the
// writer's connection, not prepared; one that arrives while a leader is busy is prepared meanwhile.
TEST_P(PreparedWriteTest, WhenBusyPreparesOnlyWhileALeaderRuns) {
  WriteQueue queue(*store_, 256);  // Prepare::when_busy
  std::atomic<int> runs{0};
  bool ran_prepared = true;
  EXPECT_EQ(queue.run_prepared([&](store::Transaction& tx) -> JobResult {
    ran_prepared = PreparedWrites::of(tx) != nullptr;
    return append_one(runs)(tx);
  }),
            "1");
  EXPECT_FALSE(ran_prepared);
  EXPECT_EQ(runs.load(), 1);
  auto stats = queue.stats();
  EXPECT_EQ(stats.prepared, 0u);
  EXPECT_EQ(stats.rerun, 0u);
  EXPECT_EQ(stats.jobs, 1u);

  // A leader holds a batch open until the next job has been prepared (or 10 s pass, and the test fails).
  std::atomic<bool> leader_running{false}, prepared_seen{false};
  std::thread leader([&] {
    queue.run([&](store::Transaction&) -> JobResult {
      leader_running = true;
      for (int i = 0; i < 10000 && !prepared_seen; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return {};
    });
  });
  while (!leader_running) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::atomic<int> second_runs{0};  // append_one's hook fires on its first run
  EXPECT_EQ(queue.run_prepared(append_one(second_runs, [&] { prepared_seen = true; })), "2");
  leader.join();
  EXPECT_TRUE(prepared_seen.load());
  stats = queue.stats();
  EXPECT_EQ(stats.prepared, 1u);
  EXPECT_EQ(stats.rerun, 0u);
  EXPECT_EQ(chained_log().size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, PreparedWriteTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

/// Through the engine: threads recording inspections on one case at once, each acknowledged inspection in
/// the log, the case at the version of all of them, and the log verified.
class PreparedEngineTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { PF_REQUIRE_DATABASE(db_); }
  testing::TestDatabase db_{GetParam()};
};

TEST_P(PreparedEngineTest, ThreadsExecutingOnOneCaseLoseNoUpdate) {
  using namespace permitflow::testing;
  Engine engine(json{{"database", db_.url()}}.dump());
  const std::string day = "2026-06-01";
  const json c = json::parse(engine.submit(
      application("road_excavation", at(day), complete_materials(engine, "road_excavation", at(day)))
          .dump()));
  const std::string id = c["id"];
  engine.execute(id, command("accept", kClerk, at(day, "11:00")).dump());
  constexpr int kThreads = 4, kEach = 8;
  std::atomic<int> acked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const json inspectors = {"insp-" + std::to_string(t),
                                 "insp-" + std::to_string(t) + "-" + std::to_string(i)};
        engine.execute(id, command("record_inspection", kClerk, at("2026-06-02"),
                                   {{"inspectors", inspectors}, {"findings", "ok"}})
                               .dump());
        ++acked;
      }
    });
  for (auto& th : threads) th.join();
  ASSERT_EQ(acked.load(), kThreads * kEach);
  const json after = json::parse(engine.get_case(id));
  EXPECT_EQ(after["version"], 2 + kThreads * kEach);
  EXPECT_EQ(after["inspections"].size(), static_cast<std::size_t>(kThreads * kEach));
  std::set<std::string> recorded;
  for (const auto& e : json::parse(engine.history(id)))
    if (e["type"] == "inspection_recorded") recorded.insert(e["data"]["inspectors"][1].get<std::string>());
  EXPECT_EQ(recorded.size(), static_cast<std::size_t>(kThreads * kEach));
  const json v = json::parse(engine.verify());
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump(2);
}

INSTANTIATE_TEST_SUITE_P(Backends, PreparedEngineTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace permitflow
