// PostgreSQL-only behaviour of the store: the connection pool, lost connections, SKIP LOCKED timer claims,
// several stores (as several processes would be) writing at once, and the schema checks on open.
// Needs PERMITFLOW_TEST_POSTGRES_URL (see tests/support/test_database.hpp), except PostgresOpen.*.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>

#include "permitflow/engine.hpp"
#include "permitflow/error.hpp"
#include "store/hash_chain.hpp"
#include "store/postgres_store.hpp"
#include "store/store.hpp"
#include "store/store_test_util.hpp"
#include "support/test_database.hpp"

namespace permitflow::store {
namespace {

using permitflow::testing::TestDatabase;
using testing::code_of;
using testing::make_case;
using testing::make_events;

TEST(PostgresOpen, UnreachableServerIsStorageErrorWithoutPassword) {
  try {
    open_store(testing::config("postgresql://pf:s3cret@127.0.0.1:1/permits?connect_timeout=2"));
    FAIL() << "opened a store on a closed port";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::storage);
    const std::string what = e.what();
    EXPECT_NE(what.find("postgresql://pf:***@127.0.0.1:1/permits"), std::string::npos) << what;
    EXPECT_EQ(what.find("s3cret"), std::string::npos) << what;
  }
  EXPECT_EQ(code_of([] { open_store(testing::config("postgres://127.0.0.1:1/x?connect_timeout=2")); }),
            ErrorCode::storage);
}

TEST(PostgresOpen, PoolSizeIsChecked) {
  for (int bad : {0, -1, 257}) {
    auto c = testing::config("postgresql://127.0.0.1:1/x");
    c.pool_size = bad;
    try {
      PostgresStore store(c);
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
      EXPECT_EQ(e.field(), "/pool_size");
    }
  }
}

TEST(PostgresOpen, EngineConfigPoolSizeIsValidated) {
  permitflow::testing::TempDir dir;
  const std::string db = dir.file("e.db");
  for (const char* bad : {"0", "257", "\"4\"", "2.5"}) {
    try {
      Engine e(R"({"database":")" + db + R"(","pool_size":)" + bad + "}");
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << bad;
      EXPECT_EQ(e.field(), "/pool_size") << bad;
    }
  }
  Engine ok(R"({"database":")" + db + R"(","pool_size":8})");
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { PF_REQUIRE_DATABASE(db_); }

  StoreConfig config(int pool_size = 4, int busy_timeout_ms = 10000) {
    auto c = testing::config(db_.url(), "full", busy_timeout_ms);
    c.pool_size = pool_size;
    return c;
  }

  /// Terminates every server session of this test's stores (they carry the schema as application_name).
  int terminate_sessions() {
    pqxx::connection c(db_.server());
    pqxx::nontransaction n(c);
    const auto r =
        n.exec("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = " +
               n.quote(db_.schema()) + " AND pid <> pg_backend_pid()");
    // pg_terminate_backend only signals: wait until the sessions are gone.
    for (int i = 0; i < 100; ++i) {
      const auto left =
          n.exec("SELECT count(*) FROM pg_stat_activity WHERE application_name = " + n.quote(db_.schema()));
      if (left[0][0].as<int>() == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return r[0][0].as<int>();
  }

  void create(Store& store, const std::string& id, std::vector<TimerRecord> timers = {}) {
    auto tx = store.begin_write();
    auto e = make_events(1);
    tx->append(make_case(id), 0, e);
    tx->replace_timers(id, timers);
    tx->commit();
  }

  TestDatabase db_{"postgresql"};
};

TEST_F(PostgresStoreTest, FreshDatabaseIsAtLatestSchemaAndReopens) {
  {
    PostgresStore store(config());
    EXPECT_EQ(store.schema_version(), postgres_latest_schema_version());
    EXPECT_EQ(store.backend(), "postgresql");
  }
  PostgresStore again(config());  // migrations are not applied twice
  EXPECT_EQ(again.schema_version(), postgres_latest_schema_version());
}

TEST_F(PostgresStoreTest, V1SchemaMigratesForward) {
  { PostgresStore v1(config(), 1); }
  {
    PostgresStore check(config(), 1);
    EXPECT_EQ(check.schema_version(), 1);
  }
  PostgresStore store(config());
  EXPECT_EQ(store.schema_version(), postgres_latest_schema_version());
  auto tx = store.begin_write();
  auto e = make_events(1);
  tx->append(make_case("A"), 0, e);
  tx->record_command("cmd", "A");  // the v2 table exists
  tx->commit();
}

TEST_F(PostgresStoreTest, V2DatabaseGetsItsFeedBackFilled) {
  std::vector<EventRecord> a = make_events(2), b = make_events(1), more = make_events(1);
  {
    PostgresStore v2(config(), 2);  // writes as a build before the feed did: no feed rows
    auto tx = v2.begin_write();
    tx->append(make_case("A", "road_excavation", "under_review"), 0, a);
    tx->commit();
    tx = v2.begin_write();
    tx->append(make_case("B", "outdoor_advertising"), 0, b);
    tx->commit();
  }
  PostgresStore store(config());
  {
    auto r = store.begin_read();
    FeedQuery q;
    const auto feed = r->feed(q);
    ASSERT_EQ(feed.size(), 3u);
    EXPECT_EQ(feed[0].case_id, "A");
    EXPECT_EQ(feed[0].state, "");  // not known for an older event of the case
    EXPECT_EQ(feed[1].state, "under_review");
    EXPECT_EQ(feed[2].case_id, "B");
    EXPECT_EQ(feed[2].subject, "outdoor_advertising");
    EXPECT_EQ(feed[2].kind, "permit");
    for (const auto& f : feed) EXPECT_TRUE(f.backfilled);
    EXPECT_EQ(feed[2].seq, 3);
  }
  auto tx = store.begin_write();
  tx->append(make_case("A"), 2, more);
  tx->commit();
  const auto feed = store.begin_read()->feed(FeedQuery{});
  ASSERT_EQ(feed.size(), 4u);
  EXPECT_EQ(feed[3].seq, 4);
  EXPECT_FALSE(feed[3].backfilled);
}

TEST_F(PostgresStoreTest, ConcurrentOpensMigrateOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      try {
        PostgresStore store(config(1));
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  pqxx::connection c(db_.url());
  pqxx::nontransaction n(c);
  EXPECT_EQ(n.exec("SELECT count(*) FROM schema_version")[0][0].as<int>(), postgres_latest_schema_version());
}

TEST_F(PostgresStoreTest, NewerSchemaIsRefused) {
  { PostgresStore store(config()); }
  {
    pqxx::connection c(db_.url());
    pqxx::work w(c);
    w.exec("INSERT INTO schema_version (version, description) VALUES (99, 'from the future')");
    w.commit();
  }
  try {
    PostgresStore store(config());
    FAIL() << "a newer schema was opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::storage);
    EXPECT_NE(std::string(e.what()).find("schema version 99"), std::string::npos) << e.what();
  }
}

TEST_F(PostgresStoreTest, PoolNeverOpensMoreThanPoolSize) {
  PostgresStore store(config(2, 300));
  create(store, "A");
  {
    auto w = store.begin_write();
    auto r = store.begin_read();
    EXPECT_EQ(store.open_connections(), 2u);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(code_of([&] { store.begin_read(); }), ErrorCode::storage);  // waits 300 ms, then gives up
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(250));
    EXPECT_EQ(r->load_case("A")->version, 1);
  }
  // Both came back: many sequential and concurrent transactions reuse them.
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 5; ++k) {
        auto r = store.begin_read();
        if (r->load_case("A")) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 30);
  EXPECT_LE(store.open_connections(), 2u);
}

TEST_F(PostgresStoreTest, LostIdleConnectionIsReplacedForReadsAndWrites) {
  PostgresStore store(config());
  create(store, "A");
  { auto r = store.begin_read(); }
  ASSERT_GE(terminate_sessions(), 1);
  {
    auto r = store.begin_read();
    EXPECT_EQ(r->load_case("A")->version, 1);
  }
  ASSERT_GE(terminate_sessions(), 1);
  create(store, "B");  // a write on a fresh connection
  EXPECT_TRUE(store.begin_read()->load_case("B"));
}

TEST_F(PostgresStoreTest, ConnectionLostInsideAWriteIsStorageErrorAndWritesNothing) {
  PostgresStore store(config());
  create(store, "A");
  const auto ledger_before = store.begin_read()->ledger().size();
  {
    auto tx = store.begin_write();
    auto e = make_events(2);
    tx->append(make_case("A", "road_excavation", "under_review"), 1, e);
    tx->replace_timers("A", {TimerRecord{"A", "deadline_overdue", "decision", 5}});
    tx->next_counter("n");
    ASSERT_GE(terminate_sessions(), 1);
    try {
      tx->commit();
      FAIL() << "committed on a terminated session";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::storage);
    }
    EXPECT_EQ(code_of([&] { tx->commit(); }), ErrorCode::internal);  // the transaction is over
  }
  {
    // A statement (not the commit) meeting the lost session reports it the same way.
    auto tx = store.begin_write();
    ASSERT_GE(terminate_sessions(), 1);
    auto e = make_events(1);
    EXPECT_EQ(code_of([&] { tx->append(make_case("A"), 1, e); }), ErrorCode::storage);
  }
  auto r = store.begin_read();
  EXPECT_EQ(r->load_case("A")->version, 1);
  EXPECT_EQ(r->load_case("A")->state, "submitted");
  EXPECT_EQ(r->events("A", 0).size(), 1u);
  EXPECT_TRUE(r->timers("A").empty());
  EXPECT_EQ(r->ledger().size(), ledger_before);
  r.reset();
  auto w = store.begin_write();
  EXPECT_EQ(w->next_counter("n"), 1);  // the counter step was rolled back too
}

TEST_F(PostgresStoreTest, ReadAfterASnapshotStartedIsNotRetriedSilently) {
  PostgresStore store(config());
  create(store, "A");
  auto r = store.begin_read();
  EXPECT_EQ(r->load_case("A")->version, 1);
  ASSERT_GE(terminate_sessions(), 1);
  // A second statement on a new session would see a different snapshot: reported, not hidden.
  EXPECT_EQ(code_of([&] { r->events("A", 0); }), ErrorCode::storage);
}

TEST_F(PostgresStoreTest, ClaimsSkipTimersAndCasesOthersHold) {
  PostgresStore one(config());
  PostgresStore two(config());  // another process
  create(one, "A", {TimerRecord{"A", "acceptance_deemed", "acceptance_notice", 10}});
  create(one, "B", {TimerRecord{"B", "acceptance_deemed", "acceptance_notice", 20}});
  create(one, "C", {TimerRecord{"C", "acceptance_deemed", "acceptance_notice", 30}});

  auto t1 = one.begin_write();
  const auto first = t1->claim_due_timers(100, 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].case_id, "A");

  auto t2 = two.begin_write();
  EXPECT_TRUE(t2->load_case("B"));  // a command working on case B locks it
  auto t3 = two.begin_write();
  const auto rest = t3->claim_due_timers(100, 0);  // A is claimed and B's case is busy: only C, no wait
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].case_id, "C");

  // The command on B and the claim of C end without writing: both are free again, A is still held.
  t2.reset();
  t3.reset();
  auto t4 = one.begin_write();
  const auto b = t4->claim_due_timers(100, 0);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].case_id, "B");
  EXPECT_EQ(b[1].case_id, "C");
}

TEST_F(PostgresStoreTest, SecondCommandOnACaseWaitsForTheFirst) {
  PostgresStore one(config());
  PostgresStore two(config());
  create(one, "A");
  auto t1 = one.begin_write();
  ASSERT_EQ(t1->load_case("A")->version, 1);
  std::atomic<bool> loaded{false};
  std::int64_t seen = 0;
  std::thread other([&] {
    auto t2 = two.begin_write();
    seen = t2->load_case("A")->version;  // blocks until t1 commits, then sees its result
    loaded = true;
    auto e = make_events(1);
    t2->append(make_case("A"), seen, e);
    t2->commit();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(loaded.load());
  auto e = make_events(2);
  t1->append(make_case("A"), 1, e);
  t1->commit();
  other.join();
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(one.begin_read()->load_case("A")->version, 4);
}

TEST_F(PostgresStoreTest, LockHeldBeyondBusyTimeoutIsStorageError) {
  PostgresStore one(config());
  PostgresStore two(config(4, 200));
  create(one, "A");
  auto t1 = one.begin_write();
  ASSERT_TRUE(t1->load_case("A"));
  auto t2 = two.begin_write();
  EXPECT_EQ(code_of([&] { t2->load_case("A"); }), ErrorCode::storage);
}

TEST_F(PostgresStoreTest, ConcurrentWritersFromSeveralStoresKeepOneLedger) {
  PostgresStore one(config());
  PostgresStore two(config());
  constexpr int kThreads = 4;
  constexpr int kRounds = 15;
  std::mutex errors_mutex;
  std::vector<std::string> errors;
  auto writer = [&](Store& store, int t) {
    const std::string own = "own-" + std::to_string(t);
    for (int i = 0; i < kRounds; ++i) {
      try {
        auto tx = store.begin_write();
        const auto shared = tx->load_case("shared");
        auto e1 = make_events(1);
        tx->append(make_case("shared"), shared ? shared->version : 0, e1);
        auto e2 = make_events(1);
        tx->append(make_case(own), i, e2);
        tx->commit();
      } catch (const std::exception& e) {
        std::lock_guard lock(errors_mutex);
        errors.push_back(e.what());
      }
    }
  };
  create(one, "shared");  // so no two writers race to create it
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(writer, std::ref(t % 2 ? two : one), t);
  for (auto& t : threads) t.join();
  ASSERT_TRUE(errors.empty()) << errors.size() << " errors, first: " << errors[0];

  auto r = one.begin_read();
  EXPECT_EQ(r->load_case("shared")->version, 1 + kThreads * kRounds);
  const auto ledger = r->ledger();
  ASSERT_EQ(ledger.size(), static_cast<std::size_t>(1 + kThreads * kRounds));
  const auto pairs = r->ledger_event_hashes();
  std::size_t k = 0;
  std::string prev;
  for (const auto& entry : ledger) {
    std::vector<std::string> hashes;
    for (; k < pairs.size() && pairs[k].first == entry.seq; ++k) hashes.push_back(pairs[k].second);
    ASSERT_EQ(entry.prev_hash, prev);
    ASSERT_EQ(entry.hash, ledger_hash(prev, hashes));
    prev = entry.hash;
  }
  EXPECT_EQ(k, pairs.size());
}

TEST_F(PostgresStoreTest, NulBytesInTextFieldsAreRefused) {
  PostgresStore store(config());
  auto tx = store.begin_write();
  auto e = make_events(1);
  EXPECT_EQ(code_of([&] { tx->append(make_case(std::string("A\0B", 3)), 0, e); }),
            ErrorCode::invalid_argument);
  EXPECT_EQ(code_of([&] { tx->next_counter(std::string("n\0", 2)); }), ErrorCode::invalid_argument);
  tx->commit();
  EXPECT_TRUE(store.begin_read()->case_ids().empty());
}

}  // namespace
}  // namespace permitflow::store
