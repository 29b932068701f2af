// Many threads (and two Store objects on one file, as two processes would be) writing and reading at once.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "permitflow/error.hpp"
#include "store/hash_chain.hpp"
#include "store/store.hpp"
#include "store/store_test_util.hpp"

namespace permitflow::store {
namespace {

using testing::make_case;
using testing::make_events;
using testing::TempDir;

TEST(SqliteConcurrency, ConcurrentWritersLoseNothing) {
  TempDir dir;
  const std::string path = dir.file("busy.db");
  auto first = open_store(testing::config(path));
  auto second = open_store(
      testing::config(path));  // another connection set on the same file: SQLite's locks, not our mutex
  constexpr int kThreads = 6;
  constexpr int kRounds = 20;

  std::mutex errors_mutex;
  std::vector<std::string> errors;
  std::atomic<bool> writing{true};
  std::atomic<int> reads{0};

  auto writer = [&](Store& store, int t) {
    const std::string own = "own-" + std::to_string(t);
    for (int i = 0; i < kRounds; ++i) {
      try {
        auto tx = store.begin_write();
        // a shared case every thread appends to, at whatever version it has now
        const auto shared = tx->load_case("shared");
        auto e1 = make_events(1);
        tx->append(make_case("shared"), shared ? shared->version : 0, e1);
        auto e2 = make_events(1);
        tx->append(make_case(own), i, e2);
        tx->next_counter("total");
        tx->commit();
      } catch (const std::exception& e) {
        std::lock_guard lock(errors_mutex);
        errors.push_back(e.what());
      }
    }
  };
  auto reader = [&] {
    while (writing) {
      try {
        auto tx = first->begin_read();
        const auto c = tx->load_case("shared");
        if (c && tx->events("shared", 0).size() != static_cast<std::size_t>(c->version)) {
          std::lock_guard lock(errors_mutex);
          errors.push_back("a read saw a version without its events");
        }
        ++reads;
      } catch (const std::exception& e) {
        std::lock_guard lock(errors_mutex);
        errors.push_back(e.what());
      }
    }
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(writer, std::ref(t % 2 == 0 ? *first : *second), t);
  std::thread r1(reader), r2(reader);
  for (auto& t : threads) t.join();
  writing = false;
  r1.join();
  r2.join();

  EXPECT_TRUE(errors.empty()) << errors.size() << " errors, first: " << (errors.empty() ? "" : errors[0]);
  EXPECT_GT(reads.load(), 0);

  auto tx = first->begin_write();
  EXPECT_EQ(tx->load_case("shared")->version, kThreads * kRounds);
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(tx->load_case("own-" + std::to_string(t))->version, kRounds);
  EXPECT_EQ(tx->next_counter("total"), kThreads * kRounds + 1);

  // Every chain holds: the shared case's events and the ledger of all 120 transactions.
  std::string prev;
  for (const auto& e : tx->events("shared", 0)) {
    ASSERT_EQ(e.hash, event_hash(prev, e));
    prev = e.hash;
  }
  const auto ledger = tx->ledger();
  ASSERT_EQ(ledger.size(), static_cast<std::size_t>(kThreads * kRounds));
  const auto pairs = tx->ledger_event_hashes();
  std::size_t k = 0;
  prev.clear();
  for (const auto& entry : ledger) {
    std::vector<std::string> hashes;
    for (; k < pairs.size() && pairs[k].first == entry.seq; ++k) hashes.push_back(pairs[k].second);
    ASSERT_EQ(hashes.size(), 2u);
    ASSERT_EQ(entry.hash, ledger_hash(prev, hashes));
    prev = entry.hash;
  }
}

TEST(SqliteConcurrency, SecondWriterWaitsForTheFirst) {
  TempDir dir;
  auto store = open_store(testing::config(dir.file("w.db")));
  auto tx = store->begin_write();
  auto e = make_events(1);
  tx->append(make_case("A"), 0, e);
  std::atomic<bool> second_started{false};
  std::atomic<std::int64_t> seen{-1};
  std::thread other([&] {
    second_started = true;
    auto tx2 = store->begin_write();  // blocks until the first commits
    seen = tx2->load_case("A") ? tx2->load_case("A")->version : 0;
    tx2->commit();
  });
  while (!second_started) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(seen.load(), -1);
  tx->commit();
  other.join();
  EXPECT_EQ(seen.load(), 1);
}

TEST(SqliteConcurrency, BusyTimeoutExpiresAsStorageError) {
  TempDir dir;
  const std::string path = dir.file("t.db");
  auto first = open_store(testing::config(path, "full", 100));
  auto second = open_store(testing::config(path, "full", 100));
  auto held = first->begin_write();
  try {
    auto tx = second->begin_write();  // the other "process" holds SQLite's write lock
    FAIL() << "a second write transaction began";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::storage);
  }
  try {
    auto tx = first->begin_write();  // our own mutex, same bound
    FAIL() << "a second write transaction began";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::storage);
  }
  held->commit();
  EXPECT_NO_THROW(second->begin_write()->commit());
}

}  // namespace
}  // namespace permitflow::store
