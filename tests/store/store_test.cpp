// The store conformance suite: every test runs against each backend (SQLite, and PostgreSQL when
// PERMITFLOW_TEST_POSTGRES_URL names a server).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

#include "permitflow/error.hpp"
#include "store/hash_chain.hpp"
#include "store/store.hpp"
#include "store/store_test_util.hpp"
#include "support/test_database.hpp"

namespace permitflow::store {
namespace {

using testing::code_of;
using testing::filter;
using testing::make_case;
using testing::make_event;
using testing::make_events;
using testing::TempDir;

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { PF_REQUIRE_DATABASE(db_); }

  std::unique_ptr<Store> open() { return open_store(testing::config(db_.url())); }

  /// Appends `n` events to a case in its own committed transaction; returns the filled events.
  std::vector<EventRecord> append_committed(Store& store, const CaseRecord& c, std::int64_t expected, int n) {
    auto tx = store.begin_write();
    auto events = make_events(n);
    tx->append(c, expected, events);
    tx->commit();
    return events;
  }

  permitflow::testing::TestDatabase db_{GetParam()};
};

TEST_P(StoreTest, BackendAndFileCreated) {
  auto store = open();
  EXPECT_EQ(store->backend(), GetParam());
  if (GetParam() == "sqlite") {
    EXPECT_TRUE(std::filesystem::exists(db_.url()));
  }
}

TEST_P(StoreTest, CreateAppendLoad) {
  auto store = open();
  auto c = make_case("RE-2026-0001");
  c.snapshot = std::string("22 serialization::archive 18 \0\x01\xff", 33);
  c.snapshot_version = 2;
  std::vector<EventRecord> events{
      make_event("submitted", "2026-01-05T09:00:00+08:00", R"({"facts":{}})"),
      make_event("accepted", "2026-01-06T10:00:00+08:00", std::string("{\"note\":\"a\0b\"}", 14))};
  {
    auto tx = store->begin_write();
    EXPECT_FALSE(tx->load_case("RE-2026-0001"));
    tx->append(c, 0, events);
    tx->commit();
  }
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].case_id, "RE-2026-0001");
  EXPECT_EQ(events[0].seq, 1);
  EXPECT_EQ(events[1].seq, 2);
  EXPECT_EQ(events[0].prev_hash, "");
  EXPECT_EQ(events[1].prev_hash, events[0].hash);
  EXPECT_EQ(events[0].hash.size(), 64u);

  auto tx = store->begin_read();
  auto loaded = tx->load_case("RE-2026-0001");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->version, 2);
  EXPECT_EQ(loaded->subject, "road_excavation");
  EXPECT_EQ(loaded->definition_version, 1);
  EXPECT_EQ(loaded->applicant_id, "acme");
  EXPECT_EQ(loaded->state, "submitted");
  EXPECT_EQ(loaded->light, "green");
  EXPECT_EQ(loaded->due, "2026-01-12");
  EXPECT_EQ(loaded->document, R"({"id":"RE-2026-0001"})");
  EXPECT_EQ(loaded->snapshot, c.snapshot);  // binary bytes survive
  EXPECT_EQ(loaded->snapshot_version, 2);

  auto stored = tx->events("RE-2026-0001", 0);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].type, "submitted");
  EXPECT_EQ(stored[0].at, "2026-01-05T09:00:00+08:00");
  EXPECT_EQ(stored[0].actor, R"({"id":"clerk-1","role":"clerk"})");
  EXPECT_EQ(stored[0].data, R"({"facts":{}})");
  EXPECT_EQ(stored[1].data, std::string("{\"note\":\"a\0b\"}", 14));  // stored byte for byte
  EXPECT_EQ(stored[1].hash, events[1].hash);
  EXPECT_EQ(tx->events("RE-2026-0001", 1).size(), 1u);
  EXPECT_TRUE(tx->events("RE-2026-0001", 2).empty());
  EXPECT_TRUE(tx->events("nope", 0).empty());
  EXPECT_EQ(tx->case_ids(), std::vector<std::string>{"RE-2026-0001"});
  tx->commit();

  // A second append continues the sequence and the chain.
  c.state = "under_review";
  auto more = append_committed(*store, c, 2, 1);
  EXPECT_EQ(more[0].seq, 3);
  EXPECT_EQ(more[0].prev_hash, events[1].hash);
  auto rtx = store->begin_read();
  EXPECT_EQ(rtx->load_case("RE-2026-0001")->version, 3);
  EXPECT_EQ(rtx->load_case("RE-2026-0001")->state, "under_review");
}

TEST_P(StoreTest, EventsOfCasesReadsAnIdRangeByCaseThenSeq) {
  auto store = open();
  const auto a = append_committed(*store, make_case("RE-A"), 0, 2);
  const auto b = append_committed(*store, make_case("RE-B"), 0, 3);
  append_committed(*store, make_case("RE-C"), 0, 1);
  append_committed(*store, make_case("RE-A"), 2, 1);  // a later transaction of an earlier case
  auto tx = store->begin_read();
  const auto range = tx->events_of_cases("RE-A", "RE-B");
  std::vector<std::pair<std::string, std::int64_t>> got;
  for (const auto& e : range) got.emplace_back(e.case_id, e.seq);
  const std::vector<std::pair<std::string, std::int64_t>> want{{"RE-A", 1}, {"RE-A", 2}, {"RE-A", 3},
                                                               {"RE-B", 1}, {"RE-B", 2}, {"RE-B", 3}};
  EXPECT_EQ(got, want);
  // Each row is the stored event, as events() reads it.
  EXPECT_EQ(range[0].hash, a[0].hash);
  EXPECT_EQ(range[5].hash, b[2].hash);
  EXPECT_EQ(range[4].data, tx->events("RE-B", 1)[0].data);
  EXPECT_EQ(tx->events_of_cases("RE-C", "RE-C").size(), 1u);
  EXPECT_TRUE(tx->events_of_cases("RE-D", "RE-Z").empty());
}

TEST_P(StoreTest, WrongExpectedVersionIsConflictAndWritesNothing) {
  auto store = open();
  auto c = make_case("C1");
  append_committed(*store, c, 0, 2);

  auto tx = store->begin_write();
  auto changed = make_case("C1", "road_excavation", "denied");
  for (std::int64_t wrong : {1, 3, 7}) {
    auto events = make_events(1);
    try {
      tx->append(changed, wrong, events);
      FAIL() << "no conflict for expected_version " << wrong;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::conflict);
      EXPECT_NE(std::string(e.what()).find("version 2"), std::string::npos) << e.what();
    }
    EXPECT_EQ(events[0].seq, 0);  // untouched
  }
  auto missing = make_events(1);
  EXPECT_EQ(code_of([&] { tx->append(make_case("C9"), 3, missing); }), ErrorCode::conflict);
  EXPECT_EQ(code_of([&] { tx->append(make_case("C9"), -1, missing); }), ErrorCode::invalid_argument);
  tx->commit();

  auto r = store->begin_read();
  EXPECT_EQ(r->load_case("C1")->version, 2);
  EXPECT_EQ(r->load_case("C1")->state, "submitted");
  EXPECT_EQ(r->events("C1", 0).size(), 2u);
  EXPECT_FALSE(r->load_case("C9"));
  EXPECT_EQ(r->ledger().size(), 1u);  // the failed appends added no ledger entry
}

TEST_P(StoreTest, DuplicateNewCaseIsConflictAndWritesNothing) {
  auto store = open();
  append_committed(*store, make_case("C1"), 0, 1);
  auto tx = store->begin_write();
  auto events = make_events(3);
  try {
    tx->append(make_case("C1", "outdoor_advertising"), 0, events);
    FAIL() << "duplicate case accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::conflict);
    EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
  }
  tx->commit();
  auto r = store->begin_read();
  EXPECT_EQ(r->load_case("C1")->subject, "road_excavation");
  EXPECT_EQ(r->events("C1", 0).size(), 1u);
}

TEST_P(StoreTest, EventOfAnotherCaseIsRefused) {
  auto store = open();
  auto tx = store->begin_write();
  auto events = make_events(1);
  events[0].case_id = "OTHER";
  EXPECT_EQ(code_of([&] { tx->append(make_case("C1"), 0, events); }), ErrorCode::invalid_argument);
  EXPECT_FALSE(tx->load_case("C1"));
}

TEST_P(StoreTest, HashesChainAndRecomputeFromStoredRows) {
  auto store = open();
  append_committed(*store, make_case("A"), 0, 3);
  append_committed(*store, make_case("B"), 0, 1);
  append_committed(*store, make_case("A"), 3, 2);

  auto r = store->begin_read();
  for (const std::string id : {"A", "B"}) {
    std::string prev;
    std::int64_t seq = 0;
    for (const auto& e : r->events(id, 0)) {
      EXPECT_EQ(e.seq, ++seq);
      EXPECT_EQ(e.prev_hash, prev);
      EXPECT_EQ(e.hash, event_hash(prev, e));
      prev = e.hash;
    }
    EXPECT_EQ(seq, r->load_case(id)->version);
  }
  // The ledger: one entry per transaction, each over its events' hashes in append order.
  const auto ledger = r->ledger();
  ASSERT_EQ(ledger.size(), 3u);
  const auto pairs = r->ledger_event_hashes();
  ASSERT_EQ(pairs.size(), 6u);
  std::string prev;
  std::size_t k = 0;
  for (const auto& entry : ledger) {
    std::vector<std::string> hashes;
    for (; k < pairs.size() && pairs[k].first == entry.seq; ++k) hashes.push_back(pairs[k].second);
    EXPECT_EQ(static_cast<std::int64_t>(hashes.size()), entry.event_count);
    EXPECT_EQ(entry.prev_hash, prev);
    EXPECT_EQ(entry.hash, ledger_hash(prev, hashes));
    prev = entry.hash;
  }
  EXPECT_EQ(ledger[0].seq, 1);
  EXPECT_EQ(ledger[0].event_count, 3);
  EXPECT_EQ(ledger[1].event_count, 1);
  EXPECT_EQ(ledger[2].seq, 3);
  EXPECT_EQ(ledger[2].event_count, 2);
  EXPECT_EQ(pairs[4].second, r->events("A", 3)[0].hash);
}

TEST_P(StoreTest, SavepointRollbackExcludesEventsFromLedger) {
  auto store = open();
  std::vector<EventRecord> a = make_events(1), b = make_events(2), c = make_events(1), d = make_events(1);
  {
    auto tx = store->begin_write();
    tx->append(make_case("A"), 0, a);
    tx->savepoint("cmd_1");
    tx->append(make_case("B"), 0, b);
    tx->replace_timers("B", {TimerRecord{"B", "acceptance_deemed", "acceptance_notice", 100}});
    tx->rollback_to("cmd_1");
    tx->savepoint("cmd_2");
    tx->append(make_case("C"), 0, c);
    tx->release("cmd_2");
    tx->savepoint("cmd_3");
    tx->append(make_case("A"), 1, d);
    tx->release("cmd_3");
    EXPECT_FALSE(tx->load_case("B"));
    tx->commit();
  }
  auto r = store->begin_read();
  EXPECT_FALSE(r->load_case("B"));
  EXPECT_TRUE(r->timers("B").empty());
  EXPECT_EQ(r->case_ids(), (std::vector<std::string>{"A", "C"}));
  const auto ledger = r->ledger();
  ASSERT_EQ(ledger.size(), 1u);
  EXPECT_EQ(ledger[0].event_count, 3);
  EXPECT_EQ(ledger[0].hash, ledger_hash("", {a[0].hash, c[0].hash, d[0].hash}));
}

// The ledger entry covers exactly the events still written at commit: a released inner savepoint's events
// go when an outer one rolls back, and a rollback to a reused name goes back to the innermost.
TEST_P(StoreTest, NestedSavepointRollbacksLeaveTheLedgerExactlyTheSurvivors) {
  auto store = open();
  std::vector<EventRecord> a = make_events(1), b = make_events(1), c = make_events(2), d = make_events(1),
                           e = make_events(1);
  {
    auto tx = store->begin_write();
    tx->append(make_case("A"), 0, a);
    tx->savepoint("outer");
    tx->append(make_case("B"), 0, b);
    tx->savepoint("inner");
    tx->append(make_case("C"), 0, c);
    tx->release("inner");
    tx->rollback_to("outer");  // B and C go
    tx->savepoint("s");
    tx->append(make_case("D"), 0, d);
    tx->savepoint("s");
    tx->append(make_case("E"), 0, e);
    tx->rollback_to("s");  // the inner "s": E goes, D stays
    tx->release("s");
    tx->commit();
  }
  auto r = store->begin_read();
  EXPECT_EQ(r->case_ids(), (std::vector<std::string>{"A", "D"}));
  const auto ledger = r->ledger();
  ASSERT_EQ(ledger.size(), 1u);
  EXPECT_EQ(ledger[0].event_count, 2);
  EXPECT_EQ(ledger[0].hash, ledger_hash("", {a[0].hash, d[0].hash}));
  const auto feed = r->feed_index();
  ASSERT_EQ(feed.size(), 2u);
  EXPECT_EQ(feed[0].case_id, "A");
  EXPECT_EQ(feed[1].case_id, "D");
  EXPECT_EQ(feed[1].seq, 2);
}

TEST_P(StoreTest, TransactionWhoseEventsAllRolledBackAddsNoLedgerEntry) {
  auto store = open();
  {
    auto tx = store->begin_write();
    tx->savepoint("s");
    auto e = make_events(2);
    tx->append(make_case("A"), 0, e);
    tx->rollback_to("s");
    tx->next_counter("n");
    tx->commit();
  }
  auto r = store->begin_read();
  EXPECT_TRUE(r->ledger().empty());
  EXPECT_TRUE(r->case_ids().empty());
}

TEST_P(StoreTest, LedgerChainsAcrossTransactions) {
  auto store = open();
  auto e1 = append_committed(*store, make_case("A"), 0, 1);
  {  // no events: no ledger entry
    auto tx = store->begin_write();
    tx->replace_timers("A", {TimerRecord{"A", "deadline_warning", "decision", 5}});
    tx->commit();
  }
  auto e2 = append_committed(*store, make_case("B"), 0, 2);
  auto e3 = append_committed(*store, make_case("A"), 1, 1);
  auto r = store->begin_read();
  const auto ledger = r->ledger();
  ASSERT_EQ(ledger.size(), 3u);
  const std::string l1 = ledger_hash("", {e1[0].hash});
  const std::string l2 = ledger_hash(l1, {e2[0].hash, e2[1].hash});
  const std::string l3 = ledger_hash(l2, {e3[0].hash});
  EXPECT_EQ(ledger[0].hash, l1);
  EXPECT_EQ(ledger[1].prev_hash, l1);
  EXPECT_EQ(ledger[1].hash, l2);
  EXPECT_EQ(ledger[2].prev_hash, l2);
  EXPECT_EQ(ledger[2].hash, l3);
  EXPECT_EQ((std::vector<std::int64_t>{ledger[0].seq, ledger[1].seq, ledger[2].seq}),
            (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_P(StoreTest, UncommittedWriteRollsBackOnDestruction) {
  auto store = open();
  {
    auto tx = store->begin_write();
    auto e = make_events(1);
    tx->append(make_case("A"), 0, e);
    tx->replace_timers("A", {TimerRecord{"A", "acceptance_deemed", "acceptance_notice", 1}});
    tx->record_command("cmd-1", "A");
    EXPECT_EQ(tx->next_counter("daily"), 1);
  }
  auto tx = store->begin_write();
  EXPECT_TRUE(tx->case_ids().empty());
  EXPECT_TRUE(tx->timers("A").empty());
  EXPECT_FALSE(tx->find_command("cmd-1"));
  EXPECT_EQ(tx->next_counter("daily"), 1);
  EXPECT_TRUE(tx->ledger().empty());
}

TEST_P(StoreTest, FinishedTransactionRefusesUse) {
  auto store = open();
  auto tx = store->begin_write();
  tx->commit();
  EXPECT_EQ(code_of([&] { tx->commit(); }), ErrorCode::internal);
  EXPECT_EQ(code_of([&] { tx->case_ids(); }), ErrorCode::internal);
  EXPECT_EQ(code_of([&] { tx->savepoint("ok"); }), ErrorCode::internal);
  auto tx2 = store->begin_write();  // the write lock was released by commit's end
  EXPECT_EQ(code_of([&] { tx2->savepoint("bad name"); }), ErrorCode::invalid_argument);
  EXPECT_EQ(code_of([&] { tx2->savepoint("x\"; DROP TABLE events; --"); }), ErrorCode::invalid_argument);
  EXPECT_EQ(code_of([&] { tx2->rollback_to("never_opened"); }), ErrorCode::storage);
}

/// Cases A and B in an open write transaction, with A's three timers (one given without its case id) and
/// B's two, as the timer tests below start from.
std::unique_ptr<Transaction> with_timers(Store& store) {
  auto tx = store.begin_write();
  auto ea = make_events(1), eb = make_events(1);
  tx->append(make_case("A"), 0, ea);
  tx->append(make_case("B"), 0, eb);
  tx->replace_timers("A", {TimerRecord{"A", "deadline_overdue", "decision", 300},
                           TimerRecord{"", "deadline_warning", "decision", 100},
                           TimerRecord{"A", "deadline_warning", "decision_statutory", 100}});
  tx->replace_timers("B", {TimerRecord{"B", "acceptance_deemed", "acceptance_notice", 100},
                           TimerRecord{"B", "permit_expiring", "validity", 900}});
  return tx;
}

TEST_P(StoreTest, TimersOfACaseListByDueWithTheirCaseFilledIn) {
  auto store = open();
  auto tx = with_timers(*store);
  EXPECT_EQ(tx->timers("A"), (std::vector<TimerRecord>{{"A", "deadline_warning", "decision", 100},
                                                       {"A", "deadline_warning", "decision_statutory", 100},
                                                       {"A", "deadline_overdue", "decision", 300}}));
}

TEST_P(StoreTest, ClaimedTimersComeByDueThenCaseKindAndClock) {
  auto store = open();
  auto tx = with_timers(*store);
  EXPECT_EQ(tx->claim_due_timers(300, 0),
            (std::vector<TimerRecord>{{"A", "deadline_warning", "decision", 100},
                                      {"A", "deadline_warning", "decision_statutory", 100},
                                      {"B", "acceptance_deemed", "acceptance_notice", 100},
                                      {"A", "deadline_overdue", "decision", 300}}));
}

TEST_P(StoreTest, ClaimingTimersHonoursItsLimitAndNow) {
  auto store = open();
  auto tx = with_timers(*store);
  EXPECT_EQ(tx->claim_due_timers(300, 2).size(), 2u);
  EXPECT_TRUE(tx->claim_due_timers(99, 10).empty());
}

TEST_P(StoreTest, DueTimersOfOneCaseStopAtNow) {
  auto store = open();
  auto tx = with_timers(*store);
  EXPECT_EQ(tx->due_timers("A", 100),
            (std::vector<TimerRecord>{{"A", "deadline_warning", "decision", 100},
                                      {"A", "deadline_warning", "decision_statutory", 100}}));
  EXPECT_EQ(tx->due_timers("B", 1000).size(), 2u);
  EXPECT_TRUE(tx->due_timers("A", 99).empty());
}

TEST_P(StoreTest, ReplacingTimersDropsTheOldSet) {
  auto store = open();
  auto tx = with_timers(*store);
  // A moved due updates the timer; an empty set removes them all.
  tx->replace_timers("A", {TimerRecord{"A", "deadline_overdue", "decision", 500}});
  EXPECT_EQ(tx->timers("A"), (std::vector<TimerRecord>{{"A", "deadline_overdue", "decision", 500}}));
  tx->replace_timers("B", {});
  EXPECT_TRUE(tx->timers("B").empty());
}

TEST_P(StoreTest, RefusedTimerReplacementsChangeNothing) {
  auto store = open();
  auto tx = with_timers(*store);
  EXPECT_EQ(code_of([&] {
              tx->replace_timers("A", {TimerRecord{"A", "k", "c", 1}, TimerRecord{"A", "k", "c", 2}});
            }),
            ErrorCode::invalid_argument);  // the same (case, kind, clock) twice
  EXPECT_EQ(code_of([&] {
              tx->replace_timers("A", {TimerRecord{"B", "k", "c", 1}});
            }),
            ErrorCode::invalid_argument);  // a timer of another case
  EXPECT_EQ(tx->timers("A").size(), 3u);
}

TEST_P(StoreTest, CommittedTimersAreReadBack) {
  auto store = open();
  auto tx = with_timers(*store);
  tx->replace_timers("A", {TimerRecord{"A", "deadline_overdue", "decision", 500}});
  tx->commit();
  auto r = store->begin_read();
  EXPECT_EQ(r->timers("A"), (std::vector<TimerRecord>{{"A", "deadline_overdue", "decision", 500}}));
  EXPECT_EQ(r->timers("B").size(), 2u);
}

TEST_P(StoreTest, CommandIds) {
  auto store = open();
  {
    auto tx = store->begin_write();
    auto e = make_events(1);
    tx->append(make_case("A"), 0, e);
    EXPECT_FALSE(tx->find_command("req-1"));
    tx->record_command("req-1", "A");
    tx->record_command("req-1", "A");  // the same again is harmless
    EXPECT_EQ(tx->find_command("req-1"), "A");
    EXPECT_EQ(code_of([&] { tx->record_command("req-1", "B"); }), ErrorCode::conflict);
    EXPECT_EQ(code_of([&] { tx->record_command("", "A"); }), ErrorCode::invalid_argument);
    tx->commit();
  }
  auto r = store->begin_read();
  EXPECT_EQ(r->find_command("req-1"), "A");
  EXPECT_FALSE(r->find_command("req-2"));
}

TEST_P(StoreTest, Counters) {
  auto store = open();
  {
    auto tx = store->begin_write();
    EXPECT_EQ(tx->next_counter("road_excavation/2026-01-05"), 1);
    EXPECT_EQ(tx->next_counter("road_excavation/2026-01-05"), 2);
    EXPECT_EQ(tx->next_counter("outdoor_advertising/2026-01-05"), 1);
    tx->commit();
  }
  {
    auto tx = store->begin_write();
    EXPECT_EQ(tx->next_counter("road_excavation/2026-01-05"), 3);
    tx->savepoint("s");
    EXPECT_EQ(tx->next_counter("road_excavation/2026-01-05"), 4);
    tx->rollback_to("s");
    EXPECT_EQ(tx->next_counter("road_excavation/2026-01-05"), 4);
    tx->commit();
  }
  auto tx = store->begin_write();
  EXPECT_EQ(tx->next_counter("road_excavation/2026-01-05"), 5);
}

TEST_P(StoreTest, Documents) {
  auto store = open();
  {
    auto tx = store->begin_write();
    tx->remember_document({"definition", "road_excavation", 2, "h2", R"({"v":2})"});
    tx->remember_document({"calendar", "calendar", 2026, "hc", R"({"year":2026})"});
    tx->remember_document({"definition", "road_excavation", 1, "h1", R"({"v":1})"});
    tx->remember_document({"definition", "road_excavation", 1, "h1", "content not compared"});
    try {
      tx->remember_document({"definition", "road_excavation", 1, "other", R"({"v":"x"})"});
      FAIL() << "a changed document was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::conflict);
    }
    tx->commit();
  }
  auto r = store->begin_read();
  const auto docs = r->documents();
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].kind, "calendar");
  EXPECT_EQ(docs[0].version, 2026);
  EXPECT_EQ(docs[1].version, 1);
  EXPECT_EQ(docs[1].hash, "h1");
  EXPECT_EQ(docs[1].content, R"({"v":1})");
  EXPECT_EQ(docs[2].version, 2);
}

TEST_P(StoreTest, UpdateProjection) {
  auto store = open();
  append_committed(*store, make_case("A"), 0, 2);
  auto tx = store->begin_write();
  auto rec = *tx->load_case("A");
  rec.snapshot = "snap";
  rec.snapshot_version = 2;
  rec.light = "yellow";
  tx->update_projection(rec);
  auto stale = rec;
  stale.version = 1;
  EXPECT_EQ(code_of([&] { tx->update_projection(stale); }), ErrorCode::conflict);
  EXPECT_EQ(code_of([&] { tx->update_projection(make_case("none")); }), ErrorCode::not_found);
  tx->commit();
  auto r = store->begin_read();
  auto loaded = r->load_case("A");
  EXPECT_EQ(loaded->snapshot, "snap");
  EXPECT_EQ(loaded->light, "yellow");
  EXPECT_EQ(loaded->version, 2);
  EXPECT_EQ(r->events("A", 0).size(), 2u);
  EXPECT_EQ(r->ledger().size(), 1u);
}

TEST_P(StoreTest, QueryFiltersAndPaging) {
  auto store = open();
  {
    auto tx = store->begin_write();
    auto add = [&](const CaseRecord& c) {
      auto e = make_events(1);
      tx->append(c, 0, e);
    };
    add(make_case("C01", "road_excavation", "under_review", "acme", "green", "2026-02-10",
                  ",municipal_roads,traffic_police,"));
    add(make_case("C02", "road_excavation", "under_review", "bolt", "yellow", "2026-02-03",
                  ",traffic_police,"));
    add(make_case("C03", "outdoor_advertising", "submitted", "acme", "red", "2026-01-20", ""));
    add(make_case("C04", "construction_waste", "under_review", "acme", "green", "2026-02-20",
                  ",traffic_police_escort,"));
    add(make_case("C05", "road_excavation", "issued", "bolt", "", "", ""));
    tx->commit();
  }
  auto r = store->begin_read();
  auto ids = [&](const CaseFilter& f) {
    std::vector<std::string> out;
    for (const auto& c : r->query(f)) out.push_back(c.id);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids(filter({})), (V{"C01", "C02", "C03", "C04", "C05"}));
  EXPECT_EQ(ids(filter({{"permit", "road_excavation"}})), (V{"C01", "C02", "C05"}));
  EXPECT_EQ(ids(filter({{"state", "under_review"}})), (V{"C01", "C02", "C04"}));
  EXPECT_EQ(ids(filter({{"light", "green"}})), (V{"C01", "C04"}));
  EXPECT_EQ(ids(filter({{"applicant", "bolt"}})), (V{"C02", "C05"}));
  EXPECT_EQ(ids(filter({{"awaiting_department", "traffic_police"}})),
            (V{"C01", "C02"}));  // not C04's longer name
  EXPECT_EQ(ids(filter({{"awaiting_department", "municipal_roads"}})), (V{"C01"}));
  EXPECT_EQ(ids(filter({{"awaiting_department", "roads"}})), V{});
  EXPECT_EQ(ids(filter({{"due_before", "2026-02-10"}})), (V{"C02", "C03"}));  // strict; C05 has no due
  EXPECT_EQ(ids(filter({{"due_after", "2026-02-03"}})), (V{"C01", "C04"}));
  EXPECT_EQ(ids(filter({{"due_before", "2026-02-15"}, {"due_after", "2026-01-20"}})), (V{"C01", "C02"}));
  EXPECT_EQ(ids(filter({{"permit", "road_excavation"}, {"state", "under_review"}, {"applicant", "acme"}})),
            (V{"C01"}));
  EXPECT_EQ(ids(filter({{"permit", "none"}})), V{});
  // a kind: any of its definitions' ids, in SQL
  {
    CaseFilter f;
    f.subject_in = {"outdoor_advertising", "construction_waste"};
    EXPECT_EQ(ids(f), (V{"C03", "C04"}));
    f.state = "under_review";
    EXPECT_EQ(ids(f), (V{"C04"}));
    f.subject = "road_excavation";
    EXPECT_EQ(ids(f), V{});
    CaseFilter one;
    one.subject_in = {"road_excavation"};
    one.limit = 2;
    EXPECT_EQ(ids(one), (V{"C01", "C02"}));
  }
  // paging: limit and an exclusive cursor
  EXPECT_EQ(ids(filter({}, 2)), (V{"C01", "C02"}));
  EXPECT_EQ(ids(filter({{"after", "C02"}}, 2)), (V{"C03", "C04"}));
  EXPECT_EQ(ids(filter({{"after", "C04"}}, 2)), (V{"C05"}));
  EXPECT_EQ(ids(filter({{"after", "C05"}}, 2)), V{});
  EXPECT_EQ(ids(filter({{"state", "under_review"}, {"after", "C01"}}, 1)), (V{"C02"}));
  EXPECT_EQ(code_of([&] { r->query(filter({}, -1)); }), ErrorCode::invalid_argument);
  const auto full = r->query(filter({{"permit", "outdoor_advertising"}}));
  ASSERT_EQ(full.size(), 1u);
  EXPECT_EQ(full[0].version, 1);
  EXPECT_EQ(full[0].document, R"({"id":"C03"})");
}

TEST_P(StoreTest, CloseAndReopenKeepsEverything) {
  std::vector<EventRecord> events;
  {
    auto store = open();
    auto tx = store->begin_write();
    events = make_events(2);
    tx->append(make_case("A"), 0, events);
    tx->replace_timers("A", {TimerRecord{"A", "acceptance_deemed", "acceptance_notice", 42}});
    tx->record_command("cmd", "A");
    tx->next_counter("n");
    tx->remember_document({"definition", "road_excavation", 1, "h", "{}"});
    tx->commit();
  }
  auto store = open();
  {
    auto r = store->begin_read();
    EXPECT_EQ(r->load_case("A")->version, 2);
    EXPECT_EQ(r->events("A", 0).size(), 2u);
    EXPECT_EQ(r->events("A", 0)[1].hash, events[1].hash);
    EXPECT_EQ(r->timers("A").size(), 1u);
    EXPECT_EQ(r->find_command("cmd"), "A");
    EXPECT_EQ(r->documents().size(), 1u);
    ASSERT_EQ(r->ledger().size(), 1u);
    EXPECT_EQ(r->ledger()[0].hash, ledger_hash("", {events[0].hash, events[1].hash}));
  }
  auto tx = store->begin_write();
  EXPECT_EQ(tx->next_counter("n"), 2);
  auto more = make_events(1);
  tx->append(make_case("A"), 2, more);
  EXPECT_EQ(more[0].prev_hash, events[1].hash);
  tx->commit();
  EXPECT_EQ(store->begin_read()->ledger().back().prev_hash,
            ledger_hash("", {events[0].hash, events[1].hash}));
}

TEST_P(StoreTest, ReadTransactionRefusesWrites) {
  auto store = open();
  append_committed(*store, make_case("A"), 0, 1);
  auto r = store->begin_read();
  auto e = make_events(1);
  EXPECT_EQ(code_of([&] { r->append(make_case("A"), 1, e); }), ErrorCode::internal);
  EXPECT_EQ(code_of([&] { r->update_projection(make_case("A")); }), ErrorCode::internal);
  EXPECT_EQ(code_of([&] { r->replace_timers("A", {}); }), ErrorCode::internal);
  EXPECT_EQ(code_of([&] { r->claim_due_timers(0, 1); }), ErrorCode::internal);
  EXPECT_EQ(code_of([&] { r->record_command("x", "A"); }), ErrorCode::internal);
  EXPECT_EQ(code_of([&] { r->next_counter("x"); }), ErrorCode::internal);
  EXPECT_EQ(code_of([&] {
              r->remember_document({"calendar", "calendar", 1, "h", ""});
            }),
            ErrorCode::internal);
  EXPECT_EQ(r->load_case("A")->version, 1);  // reading still works
}

TEST_P(StoreTest, ReadsDoNotWaitForAnOpenWriteTransaction) {
  auto store = open();
  append_committed(*store, make_case("A"), 0, 1);
  auto w = store->begin_write();
  auto e = make_events(2);
  w->append(make_case("A", "road_excavation", "under_review"), 1, e);
  auto eb = make_events(1);
  w->append(make_case("B"), 0, eb);

  // Same thread, other connection: sees the last committed state at once.
  {
    auto r = store->begin_read();
    EXPECT_EQ(r->load_case("A")->version, 1);
    EXPECT_EQ(r->load_case("A")->state, "submitted");
    EXPECT_FALSE(r->load_case("B"));
  }
  // Several threads at once, while the writer still holds its lock.
  std::vector<std::thread> readers;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      auto r = store->begin_read();
      if (r->load_case("A")->version == 1 && r->events("A", 0).size() == 1) ++ok;
    });
  }
  for (auto& t : readers) t.join();
  EXPECT_EQ(ok.load(), 4);

  // A read transaction is a snapshot: it keeps seeing version 1 after the commit.
  auto before = store->begin_read();
  EXPECT_EQ(before->load_case("A")->version, 1);
  w->commit();
  EXPECT_EQ(before->load_case("A")->version, 1);
  before->commit();
  auto after = store->begin_read();
  EXPECT_EQ(after->load_case("A")->version, 3);
  EXPECT_TRUE(after->load_case("B"));
}

TEST_P(StoreTest, ReadersOfBeginReadsShareOneSnapshot) {
  auto store = open();
  append_committed(*store, make_case("A"), 0, 1);
  auto readers = store->begin_reads(3);
  ASSERT_EQ(readers.size(), 3U);
  // A commit after begin_reads returned is seen by none of them, the untouched ones included: each took
  // its snapshot inside begin_reads, not at its first read.
  {
    auto w = store->begin_write();
    auto e = make_events(2);
    w->append(make_case("A", "road_excavation", "under_review"), 1, e);
    auto eb = make_events(1);
    w->append(make_case("B"), 0, eb);
    w->commit();
  }
  for (auto it = readers.rbegin(); it != readers.rend(); ++it) {
    EXPECT_EQ((*it)->load_case("A")->version, 1);
    EXPECT_FALSE((*it)->load_case("B"));
    EXPECT_EQ((*it)->ledger().size(), 1U);
  }
  readers.clear();
  EXPECT_EQ(store->begin_read()->ledger().size(), 2U);
}

TEST_P(StoreTest, BeginReadsTakesOnlyTheConnectionsThePoolCanSpare) {
  StoreConfig c = testing::config(db_.url(), "full", 1000);
  c.pool_size = 1;
  auto store = open_store(c);
  append_committed(*store, make_case("A"), 0, 1);
  const auto readers = store->begin_reads(3);
  // PostgreSQL's pool of one has nothing to spare; SQLite opens a reader per transaction.
  EXPECT_EQ(readers.size(), GetParam() == "postgresql" ? 1U : 3U);
  for (const auto& r : readers) EXPECT_EQ(r->load_case("A")->version, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace permitflow::store
