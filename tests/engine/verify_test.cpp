// Verify (docs/contract.md §12, docs/log_format.md; docs/operations.md): real cases in a real SQLite file,
// then tampering behind the engine's back (the engine closed, the file opened with SQLiteCpp), then a new
// engine on the file.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/store.hpp"
#include "support/engine_fixture.hpp"
#include "support/verify_report.hpp"

#include "store/hash_chain.hpp"

namespace permitflow {
namespace {

using namespace permitflow::testing;

// The tables of docs/log_format.md.
constexpr const char* kEvents = "events";
constexpr const char* kCases = "cases";

class VerifyTest : public EngineTest {
 protected:
  std::string ads, road, waste;
  std::int64_t events = 0;

  void SetUp() override {
    EngineTest::SetUp();
    // Every command on the day of its case's acceptance or receipt, so no deadline timer fires in between
    // (none is due before the next day) and the seqs are known.
    ads = accepted("outdoor_advertising", "2026-03-02")["id"];  // 1 submitted, 2 accepted
    inspect(ads, "2026-03-02");                                 // 3 inspection_recorded
    events += execute(ads, command("decide", kHead, at("2026-03-02", "16:00"),
                                   {{"outcome", "approved"}}))["version"]
                  .get<std::int64_t>();  // 4 decided
    road = accepted("road_excavation", "2026-03-02")["id"];
    opinion(road, "municipal_roads");                                          // 3
    events += opinion(road, "traffic_police")["version"].get<std::int64_t>();  // 4
    waste = submit(application("construction_waste", at("2026-03-05")))["id"];
    events += execute(waste, command("request_correction", kClerk, at("2026-03-05", "10:30")))["version"]
                  .get<std::int64_t>();
    ASSERT_EQ(events, 10);
    close();
  }

  json inspect(const std::string& id, const std::string& day) {
    return execute(id, command("record_inspection", kClerk, at(day, "14:00"),
                               {{"inspectors", {"insp-1", "insp-2"}}, {"findings", "现场符合要求"}}));
  }
  json opinion(const std::string& id, const std::string& department) {
    return execute(id, command("record_opinion", reviewer(department), at("2026-03-02", "15:00"),
                               {{"department", department}, {"opinion", "approve"}}));
  }

  /// A new engine on the (possibly tampered) file.
  json verify() {
    open();
    const json v = json::parse(engine().verify());
    close();
    return v;
  }

  void exec(const std::string& sql) {
    SQLite::Database conn(database().string(), SQLite::OPEN_READWRITE);
    conn.exec(sql);
  }

  store::EventRecord stored_event(const std::string& case_id, std::int64_t seq) {
    SQLite::Database conn(database().string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(
        conn, std::string("SELECT case_id, seq, type, at, actor, data, prev_hash, hash FROM ") + kEvents +
                  " WHERE case_id = ? AND seq = ?");
    q.bind(1, case_id);
    q.bind(2, static_cast<std::int64_t>(seq));
    EXPECT_TRUE(q.executeStep()) << case_id << " seq " << seq;
    return {q.getColumn(0).getString(), q.getColumn(1).getInt64(),  q.getColumn(2).getString(),
            q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString(),
            q.getColumn(6).getString(), q.getColumn(7).getString(), ""};
  }

  void write_event(const store::EventRecord& e, bool insert) {
    SQLite::Database conn(database().string(), SQLite::OPEN_READWRITE);
    SQLite::Statement q(
        conn, insert ? std::string("INSERT INTO ") + kEvents +
                           " (case_id, seq, type, at, actor, data, prev_hash, hash, ledger_seq, ledger_pos) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                           "(SELECT max(seq) + 1 FROM ledger), 0)"
                     : std::string("UPDATE ") + kEvents +
                           " SET type = ?3, at = ?4, actor = ?5, data = ?6, prev_hash = ?7, "
                           "hash = ?8 WHERE case_id = ?1 AND seq = ?2");
    q.bind(1, e.case_id);
    q.bind(2, static_cast<std::int64_t>(e.seq));
    q.bind(3, e.type);
    q.bind(4, e.at);
    q.bind(5, e.actor);
    q.bind(6, e.data);
    q.bind(7, e.prev_hash);
    q.bind(8, e.hash);
    EXPECT_EQ(q.exec(), 1);
  }
};

TEST_F(VerifyTest, FreshDatabaseIsOk) {
  const json v = verify();
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump(2);
  EXPECT_EQ(v["cases_checked"], 3);
  EXPECT_EQ(v["events_checked"], events);
  EXPECT_EQ(v["ledger_count"], events);
  EXPECT_EQ(v["ledger_head"].get<std::string>().size(), 64u);
  EXPECT_TRUE(v["problems"].empty());
  // The head moves with every commit, and the database stays ok.
  open();
  const std::int64_t version = inspect(road, "2026-03-09")["version"];
  close();
  const json after = verify();
  EXPECT_TRUE(after["ok"].get<bool>()) << after.dump(2);
  EXPECT_NE(after["ledger_head"], v["ledger_head"]);
  EXPECT_EQ(after["ledger_count"], events - 4 + version);
}

TEST_F(VerifyTest, EditedEventDataIsReportedWithItsCaseAndSeq) {
  exec(std::string("UPDATE ") + kEvents +
       " SET data = replace(data, '\"approve\"', '\"deny\"') WHERE case_id = '" + road + "' AND seq = 3");
  const json v = verify();
  EXPECT_FALSE(v["ok"].get<bool>());
  EXPECT_TRUE(has_problem(v, road, 3, "was edited")) << v.dump(2);
}

TEST_F(VerifyTest, EditedEventWithRecomputedChainIsCaughtByTheLedger) {
  // A careful forger edits seq 3 and recomputes its hash and every later link: the case chain holds, the
  // ledger does not.
  store::EventRecord e3 = stored_event(road, 3);
  store::EventRecord e4 = stored_event(road, 4);
  e3.data = std::string(e3.data).replace(e3.data.find("\"approve\""), 9, "\"deny\"");
  e3.hash = store::event_hash(e3.prev_hash, e3);
  e4.prev_hash = e3.hash;
  e4.hash = store::event_hash(e4.prev_hash, e4);
  write_event(e3, false);
  write_event(e4, false);
  const json v = verify();
  EXPECT_FALSE(v["ok"].get<bool>());
  EXPECT_TRUE(has_problem(v, road, 3, "does not match the events filed under it")) << v.dump(2);
  EXPECT_TRUE(has_problem(v, road, 4, "does not match the events filed under it")) << v.dump(2);
  EXPECT_FALSE(has_problem(v, road, 3, "the stored hash does not match")) << v.dump(2);
}

TEST_F(VerifyTest, EventOfAnUnknownTypeIsReportedAndTheOtherCasesStillChecked) {
  // A type this version does not know (a corrupt log, or one a newer permitflow wrote), chained correctly:
  // verify names it as a problem of its case and goes on with the rest.
  store::EventRecord e3 = stored_event(road, 3);
  store::EventRecord e4 = stored_event(road, 4);
  e3.type = "teleported";
  e3.hash = store::event_hash(e3.prev_hash, e3);
  e4.prev_hash = e3.hash;
  e4.hash = store::event_hash(e4.prev_hash, e4);
  write_event(e3, false);
  write_event(e4, false);
  const json v = verify();
  EXPECT_FALSE(v["ok"].get<bool>());
  EXPECT_TRUE(has_problem(v, road, std::nullopt, "the log does not replay: unknown event type 'teleported'"))
      << v.dump(2);
  EXPECT_EQ(v["cases_checked"], 3);
  for (const auto& p : v["problems"]) EXPECT_EQ(p["case"], road) << v.dump(2);
}

TEST_F(VerifyTest, DeletedEventIsReported) {
  exec(std::string("DELETE FROM ") + kEvents + " WHERE case_id = '" + road + "' AND seq = 2");
  const json v = verify();
  EXPECT_FALSE(v["ok"].get<bool>());
  EXPECT_TRUE(has_problem(v, road, 3, "event 2 is missing")) << v.dump(2);
  EXPECT_TRUE(has_problem(v, road, 3, "does not link")) << v.dump(2);
  EXPECT_TRUE(has_problem(v, nullptr, std::nullopt, "none of them is stored: events were deleted"))
      << v.dump(2);
  EXPECT_EQ(v["events_checked"], events - 1);
}

TEST_F(VerifyTest, DeletedLastEventIsReported) {
  exec(std::string("DELETE FROM ") + kEvents + " WHERE case_id = '" + ads + "' AND seq = 4");
  const json v = verify();
  EXPECT_FALSE(v["ok"].get<bool>());
  EXPECT_TRUE(has_problem(v, ads, std::nullopt, "projection's version is '4' but the replay gives '3'"))
      << v.dump(2);
  EXPECT_TRUE(has_problem(v, nullptr, std::nullopt, "none of them is stored: events were deleted"))
      << v.dump(2);
}

TEST_F(VerifyTest, ForgedEventIsReported) {
  // Correctly chained onto the case's last event, so only the ledger (and the projection) can tell.
  const store::EventRecord last = stored_event(ads, 4);
  store::EventRecord forged{ads,
                            5,
                            "withdrawn",
                            "2026-03-05T10:00:00+08:00",
                            R"({"id":"91320922MA1CONF01X","role":"applicant"})",
                            R"({"reason":"forged"})",
                            last.hash,
                            "",
                            ""};
  forged.hash = store::event_hash(forged.prev_hash, forged);
  write_event(forged, true);
  const json v = verify();
  EXPECT_FALSE(v["ok"].get<bool>());
  EXPECT_TRUE(has_problem(v, ads, 5, "which does not exist: it was inserted outside the engine"))
      << v.dump(2);
  EXPECT_TRUE(has_problem(v, ads, std::nullopt, "projection's state")) << v.dump(2);
  EXPECT_EQ(v["events_checked"], events + 1);
}

TEST_F(VerifyTest, DeletedCaseIsReported) {
  exec(std::string("DELETE FROM ") + kEvents + " WHERE case_id = '" + waste + "'; DELETE FROM " + kCases +
       " WHERE id = '" + waste + "'");
  const json v = verify();
  EXPECT_FALSE(v["ok"].get<bool>());
  EXPECT_EQ(v["cases_checked"], 2);
  // The ledger recorded the case's 2 events; they are gone.
  int gone = 0;
  for (const auto& p : v["problems"])
    gone += p["case"].is_null() &&
            p["problem"].get<std::string>().find("none of them is stored") != std::string::npos;
  EXPECT_EQ(gone, 2) << v.dump(2);
  EXPECT_EQ(v["ledger_count"], events);
  EXPECT_EQ(v["events_checked"], events - 2);
}

TEST_F(VerifyTest, EditedProjectionIsReported) {
  exec(std::string("UPDATE ") + kCases + " SET state = 'issued' WHERE id = '" + road + "'");
  const json v = verify();
  EXPECT_FALSE(v["ok"].get<bool>());
  EXPECT_TRUE(has_problem(v, road, std::nullopt,
                          "projection's state is 'issued' but the replay gives 'under_review'"))
      << v.dump(2);
  EXPECT_EQ(v["problems"].size(), 1u) << v.dump(2);
}

TEST_F(VerifyTest, EditedProjectionDocumentIsReported) {
  exec(std::string("UPDATE ") + kCases +
       " SET document = replace(document, '\"under_review\"', '\"issued\"') WHERE id = '" + road + "'");
  const json v = verify();
  EXPECT_FALSE(v["ok"].get<bool>());
  EXPECT_TRUE(has_problem(v, road, std::nullopt, "document differs from the replay at /state")) << v.dump(2);
}

TEST_F(VerifyTest, HashCopiedFromAnotherCaseIsReported) {
  // Two stored events now share a hash. The ledger entry that files the copy is blamed on the case whose
  // row is filed under it (the ledger walk reads each event's own row, not a lookup by hash).
  const store::EventRecord original = stored_event(ads, 1);
  exec(std::string("UPDATE ") + kEvents + " SET hash = '" + original.hash + "' WHERE case_id = '" + road +
       "' AND seq = 1");
  const json v = verify();
  EXPECT_FALSE(v["ok"].get<bool>());
  EXPECT_TRUE(has_problem(v, road, 1, "the stored hash does not match")) << v.dump(2);
  EXPECT_TRUE(has_problem(v, road, 2, "does not link to the hash of the event before it")) << v.dump(2);
  EXPECT_TRUE(has_problem(v, road, 1, "does not match the events filed under it")) << v.dump(2);
  // Both copies are filed under a ledger entry, so neither is reported as uncovered or missing.
  for (const auto& p : v["problems"]) {
    EXPECT_EQ(p["problem"].get<std::string>().find("not covered"), std::string::npos) << v.dump(2);
    EXPECT_EQ(p["problem"].get<std::string>().find("in no case's log"), std::string::npos) << v.dump(2);
  }
  EXPECT_EQ(v["problems"].size(), 3u) << v.dump(2);
  EXPECT_EQ(v["events_checked"], events);
}

TEST_F(VerifyTest, HashThatIsNotLowerCaseHexIsReported) {
  // Not 64 lower-case hex digits: kept as text, so it still matches only itself, byte for byte.
  const store::EventRecord upper = stored_event(road, 2);
  std::string upper_hash = upper.hash;
  for (auto& c : upper_hash) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  exec(std::string("UPDATE ") + kEvents + " SET hash = '" + upper_hash + "' WHERE case_id = '" + road +
       "' AND seq = 2; UPDATE " + kEvents + " SET hash = 'not a hash' WHERE case_id = '" + waste +
       "' AND seq = 1");
  const json v = verify();
  EXPECT_FALSE(v["ok"].get<bool>());
  EXPECT_TRUE(has_problem(v, road, 2, "the stored hash does not match")) << v.dump(2);
  EXPECT_TRUE(has_problem(v, road, 3, "prev_hash " + upper.hash.substr(0, 12) + "…")) << v.dump(2);
  EXPECT_TRUE(has_problem(v, road, 2, "does not match the events filed under it")) << v.dump(2);
  EXPECT_TRUE(has_problem(v, waste, 1, "the stored hash does not match")) << v.dump(2);
  EXPECT_TRUE(has_problem(v, waste, 2, "does not link to the hash of the event before it (not a hash)"))
      << v.dump(2);
  EXPECT_TRUE(has_problem(v, waste, 1, "does not match the events filed under it")) << v.dump(2);
  EXPECT_EQ(v["problems"].size(), 6u) << v.dump(2);
}

}  // namespace
}  // namespace permitflow
