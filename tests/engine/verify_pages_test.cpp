// Verify reads the database in pages (lib/engine/verify.hpp): with pages of a few rows, a small database
// spans many of them, and the report must be the one of one-page reads, on both backends: ok when nothing was
// touched, and naming a tamper in a later page with its case and seq.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "engine/engine_impl.hpp"
#include "engine/verify.hpp"
#include "store/hash_chain.hpp"
#include "support/engine_fixture.hpp"
#include "support/raw_sql.hpp"
#include "support/test_database.hpp"
#include "support/verify_report.hpp"

namespace permitflow::testing {
namespace {

class VerifyPagesTest : public ::testing::TestWithParam<std::string> {
 protected:
  static std::string quoted(const std::string& s) {
    std::string out = "'";
    for (const char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }
};

TEST_P(VerifyPagesTest, ALedgerOfManyPagesVerifiesAndATamperInALaterPageIsFound) {
  TestDatabase db(GetParam());
  PF_REQUIRE_DATABASE(db);
  const std::string config = json{{"database", db.url()}}.dump();
  // 7 cases of 2 events, each command its own transaction: 14 ledger entries, one event each.
  std::vector<std::string> ids;
  {
    Engine engine(config);
    for (int i = 0; i < 7; ++i) {
      const json c = json::parse(engine.submit(application("construction_waste", at("2026-03-05")).dump()));
      ids.push_back(c["id"]);
      engine.execute(ids.back(), command("request_correction", kClerk, at("2026-03-05", "10:30")).dump());
    }
  }
  std::sort(ids.begin(), ids.end());
  Engine::Impl impl(parse_engine_config(config));
  const auto verify = [&](const VerifyPages& pages) {
    return json::parse(verify_database(impl, "{}", pages));
  };
  // Pages of 2 cases, 3 ledger entries and 4 feed records: 4, 5 and 4 pages; and pages of one row each.
  const VerifyPages small{2, 3, 4};
  const VerifyPages single{1, 1, 1};

  const json whole = verify(VerifyPages{});
  EXPECT_TRUE(whole["ok"].get<bool>()) << whole.dump(2);
  EXPECT_EQ(whole["cases_checked"], 7);
  EXPECT_EQ(whole["events_checked"], 14);
  EXPECT_EQ(whole["ledger_count"], 14);
  EXPECT_EQ(impl.store->begin_read()->ledger().size(), 14U);
  EXPECT_EQ(verify(small), whole);
  EXPECT_EQ(verify(single), whole);
  EXPECT_EQ(verify(VerifyPages{1, 1, 1, 1}), whole);
  EXPECT_EQ(verify(VerifyPages{2, 3, 4, 4}), whole);

  // In the 4th ledger page (entries 10–12): the last event of the 6th case is deleted. In the 5th (13–14):
  // the last event of the 7th case is rewritten with its hash recomputed (its case chain still holds). After
  // the last entry: an event chained onto the 4th case, filed under an entry that does not exist.
  auto tx = impl.store->begin_read();
  std::map<std::int64_t, std::pair<std::string, std::int64_t>> filed;  // ledger seq → (case, seq)
  for (const auto& e : tx->filed_events(store::Transaction::kBefore, 1000))
    filed[e.ledger_seq] = {e.case_id, e.seq};
  ASSERT_EQ(filed.size(), 14U);
  const auto [deleted_case, deleted_seq] = filed.at(12);
  const auto [edited_case, edited_seq] = filed.at(14);
  ASSERT_NE(deleted_case, edited_case);
  ASSERT_NE(ids[3], deleted_case);
  ASSERT_NE(ids[3], edited_case);
  store::EventRecord edited = tx->events(edited_case, edited_seq - 1).at(0);
  edited.data.insert(1, R"("note":"forged",)");
  edited.hash = store::event_hash(edited.prev_hash, edited);
  store::EventRecord forged = tx->events(ids[3], 1).at(0);
  forged.seq = 3;
  forged.prev_hash = tx->events(ids[3], 0).back().hash;
  forged.hash = store::event_hash(forged.prev_hash, forged);
  tx.reset();
  exec_sql(db, "DELETE FROM feed WHERE case_id = " + quoted(deleted_case) +
                   " AND version = " + std::to_string(deleted_seq));
  exec_sql(db, "DELETE FROM events WHERE case_id = " + quoted(deleted_case) +
                   " AND seq = " + std::to_string(deleted_seq));
  exec_sql(db, "UPDATE events SET data = " + quoted(edited.data) + ", hash = " + quoted(edited.hash) +
                   " WHERE case_id = " + quoted(edited_case) + " AND seq = " + std::to_string(edited_seq));
  exec_sql(
      db,
      "INSERT INTO events (case_id, seq, type, at, actor, data, prev_hash, hash, ledger_seq, ledger_pos) "
      "VALUES (" +
          quoted(forged.case_id) + ", 3, " + quoted(forged.type) + ", " + quoted(forged.at) + ", " +
          quoted(forged.actor) + ", " + quoted(forged.data) + ", " + quoted(forged.prev_hash) + ", " +
          quoted(forged.hash) + ", 99, 1)");

  const json v = verify(VerifyPages{});
  EXPECT_FALSE(v["ok"].get<bool>());
  EXPECT_TRUE(
      has_problem(v, nullptr, std::nullopt,
                  "ledger entry 12 committed 1 events but none of them is stored: events were deleted"))
      << v.dump(2);
  EXPECT_TRUE(
      has_problem(v, edited_case, edited_seq, "ledger entry 14 does not match the events filed under it"))
      << v.dump(2);
  EXPECT_TRUE(
      has_problem(v, ids[3], 3,
                  "the event is filed under ledger entry 99, which does not exist: it was inserted outside"))
      << v.dump(2);
  EXPECT_EQ(v["ledger_count"], 14);
  EXPECT_EQ(v["events_checked"], 14);
  EXPECT_EQ(verify(small), v);
  EXPECT_EQ(verify(single), v);
  EXPECT_EQ(verify(VerifyPages{1, 1, 1, 1}), v);
  EXPECT_EQ(verify(VerifyPages{1, 2, 1, 3}), v);
  EXPECT_EQ(json::parse(verify_database(impl, "{}", small)).dump(), v.dump());

  EXPECT_THROW(verify(VerifyPages{0, 1, 1}), Error);
  EXPECT_THROW(verify(VerifyPages{1, 1, 1, -1}), Error);
}

// verify's readers (Store::begin_reads) see one snapshot: commands committed while it starts and runs,
// on another thread, never make it report a problem, however its readers' pages fall.
TEST_P(VerifyPagesTest, CommitsRacingVerifyAreNoProblem) {
  TestDatabase db(GetParam());
  PF_REQUIRE_DATABASE(db);
  const std::string config = json{{"database", db.url()}}.dump();
  Engine engine(config);
  for (int i = 0; i < 4; ++i) engine.submit(application("construction_waste", at("2026-03-05")).dump());
  Engine::Impl impl(parse_engine_config(config));
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    while (!stop) {
      const json c = json::parse(engine.submit(application("construction_waste", at("2026-03-05")).dump()));
      engine.execute(c["id"].get<std::string>(),
                     command("request_correction", kClerk, at("2026-03-05", "10:30")).dump());
      ++written;
    }
  });
  std::vector<json> reports;
  for (int round = 0; round < 12 || written < 12; ++round) {
    reports.push_back(json::parse(verify_database(impl, "{}", VerifyPages{1, 1, 1, 3})));
    reports.push_back(json::parse(verify_database(impl, "{}", VerifyPages{2, 3, 2, 2})));
  }
  stop = true;
  writer.join();
  for (const auto& r : reports) {
    EXPECT_TRUE(r["ok"].get<bool>()) << r.dump(2);
    EXPECT_EQ(r["ledger_count"], r["events_checked"]) << r.dump(2);
  }
  EXPECT_GE(written.load(), 12);
  const json last = json::parse(verify_database(impl, "{}", VerifyPages{}));
  EXPECT_TRUE(last["ok"].get<bool>()) << last.dump(2);
  EXPECT_EQ(last["cases_checked"], 4 + written.load());
}

INSTANTIATE_TEST_SUITE_P(Backends, VerifyPagesTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace permitflow::testing
