// Group commit (lib/engine/write_queue.hpp) on a real SQLite file: jobs queued while a batch runs share the
// next transaction; each caller gets its answer only once that transaction has committed; a refused job
// keeps what it chose to keep, a failing job loses everything, and neither disturbs its batch-mates.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "engine/write_queue.hpp"
#include "permitflow/error.hpp"
#include "store/store.hpp"
#include "support/engine_fixture.hpp"
#include "support/temp_dir.hpp"

namespace permitflow {
namespace {

using nlohmann::json;
using testing::TempDir;

store::StoreConfig sqlite_at(const std::string& file) {
  store::StoreConfig c;
  c.database = file;
  c.synchronous = "full";
  c.busy_timeout_ms = 10000;
  return c;
}

// A write that needs no case: a stored document named `name`.
void mark(store::Transaction& tx, const std::string& name) {
  tx.remember_document({"definition", name, 1, "hash-" + name, "{}"});
}

bool stored(store::Store& s, const std::string& name) {
  for (const auto& d : s.begin_read()->documents())
    if (d.name == name) return true;
  return false;
}

TEST(GroupCommit, JobsQueuedDuringABatchShareTheNextTransactionAndAreAckedAfterItsCommit) {
  TempDir dir;
  auto db = store::open_store(sqlite_at(dir.file("g.db")));
  std::atomic<int> rollbacks{0};
  WriteQueue queue(*db, 256);
  constexpr int kFollowers = 12;

  // The first job holds its batch open until every follower is queued behind it.
  std::atomic<bool> first_running{false};
  std::thread first([&] {
    queue.run([&](store::Transaction& tx) -> JobResult {
      mark(tx, "cmd-first");
      first_running = true;
      while (queue.waiting() < kFollowers) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return {"first", nullptr};
    });
  });
  while (!first_running) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  std::atomic<int> seen_after_ack{0};
  std::vector<std::thread> followers;
  for (int i = 0; i < kFollowers; ++i) {
    followers.emplace_back([&, i] {
      const std::string id = "cmd-" + std::to_string(i);
      const std::string value = queue.run([&](store::Transaction& tx) -> JobResult {
        mark(tx, id);
        queue.on_rollback([&] { ++rollbacks; });
        return {id, nullptr};
      });
      EXPECT_EQ(value, id);
      // Acknowledged means committed: a fresh read transaction already sees it.
      if (stored(*db, id)) ++seen_after_ack;
    });
  }
  first.join();
  for (auto& t : followers) t.join();

  EXPECT_EQ(seen_after_ack.load(), kFollowers);
  EXPECT_TRUE(stored(*db, "cmd-first"));
  const auto stats = queue.stats();
  EXPECT_EQ(stats.jobs, static_cast<std::size_t>(kFollowers + 1));
  EXPECT_EQ(stats.batches, 2u);  // the first job alone, then all the followers in one transaction
  EXPECT_EQ(rollbacks.load(), 0);
}

TEST(GroupCommit, AFailingJobLosesItsWritesARefusedJobKeepsWhatItKeptAndBatchMatesCommit) {
  TempDir dir;
  auto db = store::open_store(sqlite_at(dir.file("g.db")));
  int rollbacks = 0;
  WriteQueue queue(*db, 256);

  EXPECT_THROW(queue.run([&](store::Transaction& tx) -> JobResult {
    mark(tx, "cmd-failed");
    queue.on_rollback([&] { ++rollbacks; });
    throw Error(ErrorCode::rule_violation, "refused after writing");
  }),
               Error);
  EXPECT_FALSE(stored(*db, "cmd-failed"));
  EXPECT_EQ(rollbacks, 1);

  try {
    queue.run([](store::Transaction& tx) -> JobResult {
      mark(tx, "cmd-kept");  // e.g. timers that fired before a refused command
      return {"", std::make_exception_ptr(Error(ErrorCode::invalid_state, "refused, timers kept"))};
    });
    FAIL() << "the refusal was not rethrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_state);
  }
  EXPECT_TRUE(stored(*db, "cmd-kept"));

  EXPECT_EQ(queue.run([](store::Transaction& tx) -> JobResult {
    mark(tx, "cmd-ok");
    return {"ok", nullptr};
  }),
            "ok");
  EXPECT_TRUE(stored(*db, "cmd-ok"));
}

TEST(GroupCommit, ARollbackUndoesOnlyTheCachedStateOfTheJobThatRolledBack) {
  TempDir dir;
  auto db = store::open_store(sqlite_at(dir.file("g.db")));
  WriteQueue queue(*db, 256);
  std::atomic<bool> undone_ok{false}, undone_failed{false};

  // The first job holds its batch open until both followers are queued, so they share the next batch.
  std::atomic<bool> first_running{false};
  std::thread first([&] {
    queue.run([&](store::Transaction& tx) -> JobResult {
      mark(tx, "cmd-first");
      first_running = true;
      while (queue.waiting() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return {"first", nullptr};
    });
  });
  while (!first_running) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::thread ok([&] {
    queue.run([&](store::Transaction& tx) -> JobResult {
      mark(tx, "cmd-ok");
      queue.on_rollback([&] { undone_ok = true; });
      return {"ok", nullptr};
    });
  });
  while (queue.waiting() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::thread failing([&] {
    EXPECT_THROW(queue.run([&](store::Transaction& tx) -> JobResult {
      mark(tx, "cmd-failed");
      queue.on_rollback([&] { undone_failed = true; });
      throw Error(ErrorCode::rule_violation, "refused after writing");
    }),
                 Error);
  });
  first.join();
  ok.join();
  failing.join();

  EXPECT_EQ(queue.stats().batches, 2u);
  EXPECT_TRUE(undone_failed.load());
  EXPECT_FALSE(undone_ok.load());  // its batch-mate committed: what it cached stays
  EXPECT_TRUE(stored(*db, "cmd-ok"));
  EXPECT_FALSE(stored(*db, "cmd-failed"));
}

TEST(GroupCommit, RollingBackASavepointUndoesOnlyWhatWasCachedSinceItsMark) {
  TempDir dir;
  auto db = store::open_store(sqlite_at(dir.file("g.db")));
  WriteQueue queue(*db, 256);
  std::vector<std::string> undone;
  EXPECT_EQ(queue.undo_mark(), 0u);  // outside a job: nothing to mark, nothing to undo
  queue.undo_since(0);

  EXPECT_EQ(queue.run([&](store::Transaction& tx) -> JobResult {
    mark(tx, "before");
    queue.on_rollback([&] { undone.push_back("before"); });
    const std::size_t at = queue.undo_mark();
    EXPECT_EQ(at, 1u);
    tx.savepoint("inner");
    mark(tx, "inner-1");
    queue.on_rollback([&] { undone.push_back("inner-1"); });
    mark(tx, "inner-2");
    queue.on_rollback([&] { undone.push_back("inner-2"); });
    tx.rollback_to("inner");
    queue.undo_since(at);
    EXPECT_EQ(undone, (std::vector<std::string>{"inner-2", "inner-1"}));  // latest first, only those
    EXPECT_EQ(queue.undo_mark(), at);
    mark(tx, "after");
    queue.on_rollback([&] { undone.push_back("after"); });
    return {"ok", nullptr};
  }),
            "ok");
  // The job committed: its other undos were dropped, not run.
  EXPECT_EQ(undone, (std::vector<std::string>{"inner-2", "inner-1"}));
  EXPECT_TRUE(stored(*db, "before"));
  EXPECT_FALSE(stored(*db, "inner-1"));
  EXPECT_FALSE(stored(*db, "inner-2"));
  EXPECT_TRUE(stored(*db, "after"));

  // And when the job fails after such a rollback, the undos it still holds run once each.
  undone.clear();
  EXPECT_THROW(queue.run([&](store::Transaction& tx) -> JobResult {
    queue.on_rollback([&] { undone.push_back("outer"); });
    const std::size_t at = queue.undo_mark();
    tx.savepoint("inner");
    queue.on_rollback([&] { undone.push_back("inner"); });
    tx.rollback_to("inner");
    queue.undo_since(at);
    throw Error(ErrorCode::rule_violation, "fails after its savepoint rolled back");
  }),
               Error);
  EXPECT_EQ(undone, (std::vector<std::string>{"inner", "outer"}));
}

TEST(GroupCommit, AJobPreparedOnItsCallersThreadRegistersNoUndoInTheLeadersJob) {
  TempDir dir;
  auto db = store::open_store(sqlite_at(dir.file("g.db")));
  WriteQueue queue(*db, 256);
  std::atomic<bool> leader_running{false}, prepared_done{false};
  std::atomic<int> leader_undos{0};
  std::thread leader([&] {
    EXPECT_THROW(queue.run([&](store::Transaction& tx) -> JobResult {
      mark(tx, "leader");
      leader_running = true;
      while (!prepared_done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      leader_undos = static_cast<int>(queue.undo_mark());
      throw Error(ErrorCode::rule_violation, "fails, so its undos run");
    }),
                 Error);
  });
  while (!leader_running) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // While the leader runs its job on its own thread, this thread prepares a job that reads only: it sees
  // no running job, so nothing it registers lands in the leader's.
  bool ran_undo = false;
  EXPECT_EQ(queue.run_prepared([&](store::Transaction&) -> JobResult {
    EXPECT_EQ(queue.undo_mark(), 0u);
    queue.on_rollback([&] { ran_undo = true; });
    return {"read", nullptr};
  }),
            "read");
  prepared_done = true;
  leader.join();
  EXPECT_EQ(leader_undos.load(), 0);
  EXPECT_FALSE(ran_undo);
}

TEST(GroupCommit, ManyThreadsSubmittingThroughTheEngineLoseNothing) {
  TempDir dir;
  Engine engine(json{{"database", dir.file("e.db")}}.dump());
  constexpr int kThreads = 8, kEach = 10;
  std::vector<std::thread> threads;
  std::atomic<int> acked{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        json app = testing::application("construction_waste", testing::at("2026-06-01"));
        app["command_id"] = "submit-" + std::to_string(t) + "-" + std::to_string(i);
        const json c = json::parse(engine.submit(app.dump()));
        if (json::parse(engine.get_case(c["id"].get<std::string>()))["state"] == "submitted") ++acked;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(acked.load(), kThreads * kEach);
  const json page = json::parse(engine.query(R"({"limit": 1000})"));
  EXPECT_EQ(page["cases"].size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_TRUE(json::parse(engine.verify())["ok"].get<bool>());
}

}  // namespace
}  // namespace permitflow
