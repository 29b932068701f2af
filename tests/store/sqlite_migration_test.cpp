// Opening: configuration checks, the backend factory and forward schema migrations.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "permitflow/error.hpp"
#include "store/sqlite_store.hpp"
#include "store/store.hpp"
#include "store/store_test_util.hpp"

namespace permitflow::store {
namespace {

using testing::make_case;
using testing::make_events;
using testing::TempDir;

ErrorCode open_code(const StoreConfig& config) {
  try {
    open_store(config);
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::ok;
}

std::vector<std::string> table_names(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement s(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  std::vector<std::string> out;
  while (s.executeStep()) out.push_back(s.getColumn(0).getString());
  return out;
}

TEST(SqliteOpen, SynchronousOption) {
  TempDir dir;
  EXPECT_EQ(open_code(testing::config(dir.file("a.db"), "full")), ErrorCode::ok);
  EXPECT_EQ(open_code(testing::config(dir.file("b.db"), "normal")), ErrorCode::ok);
  EXPECT_EQ(open_code(testing::config(dir.file("c.db"), "off")), ErrorCode::invalid_argument);
  EXPECT_EQ(open_code(testing::config(dir.file("d.db"), "FULL")), ErrorCode::invalid_argument);
  EXPECT_EQ(open_code(testing::config(dir.file("e.db"), "")), ErrorCode::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(dir.file("c.db")));  // refused before touching the disk
  EXPECT_EQ(open_code(testing::config(dir.file("f.db"), "full", -1)), ErrorCode::invalid_argument);
  try {
    open_store(testing::config(dir.file("g.db"), "sometimes"));
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "/synchronous");
    EXPECT_NE(std::string(e.what()).find("sometimes"), std::string::npos);
  }
}

TEST(SqliteOpen, EmptyDatabaseIsInvalidArgument) {
  EXPECT_EQ(open_code(testing::config("")), ErrorCode::invalid_argument);
}

TEST(SqliteOpen, UnopenableFileIsStorageError) {
  TempDir dir;
  EXPECT_EQ(open_code(testing::config((dir.path() / "no_such_folder" / "x.db").string())),
            ErrorCode::storage);
  {
    std::ofstream junk(dir.file("junk.db"));
    junk << std::string(8192, 'x');
  }
  EXPECT_EQ(open_code(testing::config(dir.file("junk.db"))), ErrorCode::storage);
}

TEST(SqliteOpen, FreshDatabaseIsAtLatestSchema) {
  TempDir dir;
  SqliteStore store(testing::config(dir.file("p.db")));
  EXPECT_EQ(store.schema_version(), 4);
  EXPECT_EQ(sqlite_latest_schema_version(), 4);
  ASSERT_EQ(sqlite_migrations().size(), 4u);
  EXPECT_EQ(table_names(dir.file("p.db")),
            (std::vector<std::string>{"case_snapshots", "cases", "commands", "counters", "documents",
                                      "events", "feed", "feed_consumers", "feed_mark", "ledger",
                                      "schema_version", "timers"}));
  SQLite::Database db(dir.file("p.db"), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
  EXPECT_EQ(db.execAndGet("SELECT group_concat(version) FROM schema_version").getString(), "1,2,3,4");
}

TEST(SqliteOpen, V1DatabaseMigratesKeepingItsRows) {
  TempDir dir;
  const std::string path = dir.file("old.db");
  std::vector<EventRecord> events = make_events(2);
  {
    SqliteStore v1(testing::config(path), /*migrate_to=*/1);
    EXPECT_EQ(v1.schema_version(), 1);
    auto tx = v1.begin_write();
    tx->append(make_case("A"), 0, events);
    tx->replace_timers("A", {TimerRecord{"A", "acceptance_deemed", "acceptance_notice", 7}});
    tx->remember_document({"definition", "road_excavation", 1, "h", "{}"});
    tx->next_counter("n");
    tx->commit();
  }
  auto tables = table_names(path);
  EXPECT_EQ(std::count(tables.begin(), tables.end(), "commands"), 0);
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'events_by_ledger'").getInt(),
              0);
  }

  auto store = open_store(testing::config(path));
  tables = table_names(path);
  EXPECT_EQ(std::count(tables.begin(), tables.end(), "commands"), 1);
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'events_by_ledger'").getInt(),
              1);
    EXPECT_EQ(db.execAndGet("SELECT group_concat(version) FROM schema_version").getString(), "1,2,3,4");
  }
  auto tx = store->begin_write();
  EXPECT_EQ(tx->load_case("A")->version, 2);
  EXPECT_EQ(tx->events("A", 0)[1].hash, events[1].hash);
  EXPECT_EQ(tx->timers("A").size(), 1u);
  EXPECT_EQ(tx->documents().size(), 1u);
  EXPECT_EQ(tx->ledger().size(), 1u);
  EXPECT_EQ(tx->next_counter("n"), 2);
  tx->record_command("cmd-1", "A");  // the v2 table works
  EXPECT_EQ(tx->find_command("cmd-1"), "A");
  tx->commit();
}

TEST(SqliteOpen, V2DatabaseGetsItsFeedBackFilled) {
  TempDir dir;
  const std::string path = dir.file("v2.db");
  std::vector<EventRecord> a = make_events(2), b = make_events(1), more = make_events(1);
  {
    SqliteStore v2(testing::config(path), /*migrate_to=*/2);  // writes as a build before the feed did
    auto tx = v2.begin_write();
    tx->append(make_case("A", "road_excavation", "under_review"), 0, a);
    tx->commit();
    tx = v2.begin_write();
    auto complaint = make_case("B", "noise", "received");
    complaint.document = R"({"id":"B","kind":"complaint"})";
    tx->append(complaint, 0, b);
    tx->commit();
  }
  auto store = open_store(testing::config(path));
  {
    auto r = store->begin_read();
    const auto feed = r->feed(FeedQuery{});
    ASSERT_EQ(feed.size(), 3u);
    EXPECT_EQ(feed[0].case_id, "A");
    EXPECT_EQ(feed[0].version, 1);
    EXPECT_EQ(feed[0].state, "");  // not known for an older event of the case
    EXPECT_EQ(feed[1].state, "under_review");
    EXPECT_EQ(feed[2].case_id, "B");
    EXPECT_EQ(feed[2].kind, "complaint");
    EXPECT_EQ(feed[2].subject, "noise");
    for (const auto& f : feed) EXPECT_TRUE(f.backfilled);
    EXPECT_EQ(feed[2].seq, 3);
    EXPECT_EQ(feed[2].event.hash, b[0].hash);
  }
  auto tx = store->begin_write();
  tx->append(make_case("A"), 2, more);
  tx->commit();
  const auto feed = store->begin_read()->feed(FeedQuery{});
  ASSERT_EQ(feed.size(), 4u);
  EXPECT_EQ(feed[3].seq, 4);
  EXPECT_FALSE(feed[3].backfilled);
}

std::vector<std::string> column_names(const std::string& path, const std::string& table) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement s(db, "SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid");
  std::vector<std::string> out;
  while (s.executeStep()) out.push_back(s.getColumn(0).getString());
  return out;
}

TEST(SqliteOpen, V3DatabaseMovesItsSnapshotsOutOfTheCaseRows) {
  TempDir dir;
  const std::string path = dir.file("v3.db");
  const std::string snap("22 serialization::archive 18 \0\x01\xff", 33);
  std::vector<EventRecord> a = make_events(2), b = make_events(1), more = make_events(1);
  {
    SqliteStore v3(testing::config(path), /*migrate_to=*/3);  // the snapshot in the cases row
    auto tx = v3.begin_write();
    auto with = make_case("A", "road_excavation", "under_review");
    with.snapshot = snap;
    with.snapshot_version = 2;
    tx->append(with, 0, a);
    auto without = make_case("B");
    without.keep_stored_snapshot = true;
    tx->append(without, 0, b);
    tx->commit();
    EXPECT_EQ(v3.begin_read()->load_case("A")->snapshot, snap);
  }
  EXPECT_EQ(column_names(path, "cases").back(), "snapshot_version");

  auto store = open_store(testing::config(path));
  EXPECT_EQ(column_names(path, "cases"),
            (std::vector<std::string>{"id", "permit", "definition_version", "applicant_id", "state",
                                      "version", "light", "due", "awaiting_departments", "document"}));
  EXPECT_EQ(column_names(path, "case_snapshots"),
            (std::vector<std::string>{"case_id", "snapshot", "snapshot_version"}));
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT group_concat(case_id) FROM case_snapshots").getString(), "A");
  }
  {
    auto r = store->begin_read();
    const auto loaded = r->load_case("A");
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->snapshot, snap);  // byte for byte
    EXPECT_EQ(loaded->snapshot_version, 2);
    EXPECT_EQ(loaded->state, "under_review");
    EXPECT_EQ(r->load_case("B")->snapshot, "");
    EXPECT_EQ(r->load_case("B")->snapshot_version, 0);
    const auto all = r->query(CaseFilter{});
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].snapshot, snap);
    EXPECT_EQ(all[1].snapshot_version, 0);
    EXPECT_EQ(r->events("A", 0)[1].hash, a[1].hash);
  }
  // Writing after the migration: a kept snapshot stays, a new one replaces it.
  auto next = make_case("A", "road_excavation", "decided");
  next.keep_stored_snapshot = true;
  auto tx = store->begin_write();
  tx->append(next, 2, more);
  tx->commit();
  EXPECT_EQ(store->begin_read()->load_case("A")->snapshot, snap);
  next.keep_stored_snapshot = false;
  next.snapshot = "new";
  next.snapshot_version = 4;
  auto again = make_events(1);
  tx = store->begin_write();
  tx->append(next, 3, again);
  tx->commit();
  const auto loaded = store->begin_read()->load_case("A");
  EXPECT_EQ(loaded->snapshot, "new");
  EXPECT_EQ(loaded->snapshot_version, 4);
  EXPECT_EQ(loaded->version, 4);
}

TEST(SqliteOpen, NewerSchemaIsRefused) {
  TempDir dir;
  const std::string path = dir.file("new.db");
  { SqliteStore store(testing::config(path)); }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO schema_version (version, description) VALUES (99, 'from the future')");
  }
  try {
    open_store(testing::config(path));
    FAIL() << "a newer schema was opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::storage);
    EXPECT_NE(std::string(e.what()).find("schema version 99"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace permitflow::store
