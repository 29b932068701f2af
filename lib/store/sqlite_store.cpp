// The SQLite backend of the Store. The table layout, the hash chains and the migrations are written down in
// docs/log_format.md; keep the two in step.
#include "store/sqlite_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <utility>

#include "permitflow/error.hpp"
#include "store/append_protocol.hpp"
#include "store/hash_chain.hpp"
#include "store/rows.hpp"
#include "store/timer_diff.hpp"
#include "store/verify_sql.hpp"

namespace permitflow::store {

// --- schema ------------------------------------------------------------------------------------------------

namespace {

// v4: the snapshot out of the cases row. SQLite rewrites a whole row (its overflow pages included) on every
// UPDATE, whichever columns change; the snapshot changes every few commands, the rest of the row at each.
constexpr const char* kSchemaV4 = R"sql(
CREATE TABLE case_snapshots (
  case_id          TEXT    NOT NULL PRIMARY KEY REFERENCES cases(id) DEFERRABLE INITIALLY DEFERRED,
  snapshot         BLOB    NOT NULL,
  snapshot_version INTEGER NOT NULL
);
INSERT INTO case_snapshots (case_id, snapshot, snapshot_version)
SELECT id, snapshot, snapshot_version FROM cases WHERE length(snapshot) > 0 OR snapshot_version <> 0;
ALTER TABLE cases DROP COLUMN snapshot;
ALTER TABLE cases DROP COLUMN snapshot_version;
)sql";

// The first schema whose snapshots live in case_snapshots.
constexpr int kSnapshotTableSchema = 4;

/// Where rows::kCaseColumns are read from: the cases row and its snapshot row (none: read as empty and 0).
const char* case_source(int schema) {
  return schema >= kSnapshotTableSchema ? " FROM cases LEFT JOIN case_snapshots ON case_id = id"
                                        : " FROM cases";
}

// Group commit prepares each command on its caller's thread in a read transaction of its own, so as many
// readers are busy at once as callers are waiting: a smaller pool closed and reopened a connection (and
// lost its prepared statements) for most commands at 16 threads.
constexpr std::size_t kMaxIdleReaders = 32;

[[noreturn]] void throw_storage(std::string_view what, const std::string& path, const SQLite::Exception& e) {
  throw Error(ErrorCode::storage, "The database '" + path + "' failed to " + std::string(what) + ": " +
                                      e.what() + " (SQLite code " + std::to_string(e.getExtendedErrorCode()) +
                                      ")");
}

}  // namespace

std::span<const Migration> sqlite_migrations() {
  static const std::vector<Migration> all = [] {
    std::vector<Migration> m = shared_migrations(Backend::sqlite);
    m.push_back({4, "case_snapshots: the snapshot moved out of the cases row", kSchemaV4});
    return m;
  }();
  return all;
}

int sqlite_latest_schema_version() { return sqlite_migrations().back().version; }

// --- connections -------------------------------------------------------------------------------------------

struct SqliteStore::Connection {
  SQLite::Database db;  // declared first: destroyed after the statements that refer to it
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> cache;
  std::size_t savepoint_statements = 0;  // how many of `cache` are SAVEPOINT, RELEASE or ROLLBACK TO

  Connection(const std::string& path, int flags, int busy_timeout_ms) : db(path, flags, busy_timeout_ms) {}

  /// The cached prepared statement for `sql`, reset and with its bindings cleared.
  SQLite::Statement& prepare(const std::string& sql) {
    auto it = cache.find(sql);
    if (it == cache.end()) {
      it = cache.emplace(sql, std::make_unique<SQLite::Statement>(db, sql)).first;
    }
    SQLite::Statement& s = *it->second;
    (void)s.tryReset();
    s.clearBindings();
    return s;
  }
};

namespace {

using Connection = SqliteStore::Connection;

/// A cached statement in use: resets it on scope exit, so no statement keeps a read open by accident.
class Stmt {
 public:
  Stmt(Connection& c, const std::string& sql) : s_(c.prepare(sql)) {}
  ~Stmt() { (void)s_.tryReset(); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  template <class... Args>
  Stmt& bind(Args&&... args) {
    int i = 0;
    (bind_one(++i, std::forward<Args>(args)), ...);
    return *this;
  }
  bool step() { return s_.executeStep(); }
  /// Runs a statement that returns no row.
  void run() {
    while (s_.executeStep()) {
    }
  }
  // The row of rows.hpp: the statement is its own cursor. A BLOB reads as its bytes.
  bool next() { return step(); }
  const Stmt& row() const { return *this; }
  std::string text(int i) const { return s_.getColumn(i).getString(); }
  std::string bytes(int i) const { return text(i); }
  std::int64_t int64(int i) const { return s_.getColumn(i).getInt64(); }
  bool flag(int i) const { return int64(i) != 0; }
  SQLite::Statement& raw() { return s_; }

  void bind_one(int i, std::string_view v) { s_.bind(i, std::string(v)); }
  void bind_one(int i, const std::string& v) { s_.bind(i, v); }
  void bind_one(int i, const char* v) { s_.bind(i, std::string(v)); }
  void bind_one(int i, std::int64_t v) { s_.bind(i, v); }
  void bind_one(int i, int v) { s_.bind(i, static_cast<std::int64_t>(v)); }

 private:
  SQLite::Statement& s_;
};

void exec(Connection& c, const std::string& sql) { Stmt(c, sql).run(); }

/// Runs `verb` ("SAVEPOINT", "RELEASE", "ROLLBACK TO") on savepoint `name`, a checked identifier. Each
/// command opens and releases a few savepoints of fixed names, so their statements are prepared once; a
/// caller using a fresh name each time gets them parsed each time once a connection holds this many.
void savepoint_statement(Connection& c, const char* verb, std::string_view name) {
  constexpr std::size_t kMaxPreparedSavepoints = 48;
  std::string sql = std::string(verb) + " \"" + std::string(name) + "\"";
  if (c.cache.count(sql) == 0) {
    if (c.savepoint_statements >= kMaxPreparedSavepoints) {
      c.db.exec(sql);
      return;
    }
    ++c.savepoint_statements;
  }
  exec(c, sql);
}

/// The indexed columns of a stored case row (the cases_by_* indexes). An UPDATE that sets an indexed
/// column rewrites that index's entry even when the value is the same, so the projection sets only the
/// ones that changed.
struct IndexedColumns {
  std::string subject, applicant_id, state, light, due;
};

constexpr const char* kLockCase =
    "SELECT version, permit, applicant_id, state, light, due FROM cases WHERE id = ?";

IndexedColumns read_indexed_columns(Stmt& s) {
  return {s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)};
}

int read_schema_version(Connection& c) {
  Stmt exists(c, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
  if (!exists.step() || exists.int64(0) == 0) return 0;
  Stmt v(c, "SELECT coalesce(max(version), 0) FROM schema_version");
  v.step();
  return static_cast<int>(v.int64(0));
}

}  // namespace

// --- transactions ------------------------------------------------------------------------------------------

class SqliteTransaction final : public SharedReads<SqliteTransaction> {
  friend class SharedReads<SqliteTransaction>;

 public:
  /// A write transaction on the store's write connection. The caller holds the store's write gate; this
  /// transaction releases it when it ends (the caller does, if this constructor throws).
  explicit SqliteTransaction(SqliteStore& store)
      : SharedReads(true), store_(store), conn_(store.writer_.get()) {
    exec(*conn_, "BEGIN IMMEDIATE");
    holds_gate_ = true;
    active_ = true;
  }
  /// A read transaction on a pooled read-only connection.
  SqliteTransaction(SqliteStore& store, std::unique_ptr<Connection> reader)
      : SharedReads(false), store_(store), reader_(std::move(reader)), conn_(reader_.get()) {
    try {
      exec(*conn_, "BEGIN DEFERRED");
    } catch (...) {
      store_.release_reader(std::move(reader_));
      throw;
    }
    active_ = true;
  }

  /// Starts a read transaction's snapshot now rather than at its first read (in WAL mode SQLite takes it
  /// then): begin_reads takes every snapshot while no commit can land.
  void take_snapshot() {
    guard("begin a read transaction", [&] {
      Stmt s(*conn_, "SELECT 1 FROM sqlite_schema LIMIT 1");
      s.step();
    });
  }

  ~SqliteTransaction() override {
    if (active_) rollback_and_finish();
    finish();
  }

  // --- cases and events ------------------------------------------------------------------------------------

  std::optional<CaseRecord> load_case(std::string_view id) override {
    return guard("load a case", [&]() -> std::optional<CaseRecord> {
      Stmt s(*conn_,
             std::string("SELECT ") + rows::kCaseColumns + case_source(store_.schema_) + " WHERE id = ?");
      s.bind(id);
      return rows::read_first(s, rows::case_record);
    });
  }

  void append(const CaseRecord& record, std::int64_t expected_version,
              std::vector<EventRecord>& events) override {
    require_write("append");
    guard("append events", [&] {
      struct Sql final : AppendSql {
        SqliteTransaction& t;
        std::optional<IndexedColumns> stored;  // the row as locked; none for a new case
        explicit Sql(SqliteTransaction& tx) : t(tx) {}
        std::optional<std::int64_t> lock_case_version(const std::string& id) override {
          // The write transaction holds SQLite's one write lock: reading is locking.
          Stmt s(*t.conn_, kLockCase);
          s.bind(id);
          if (!s.step()) return std::nullopt;
          stored = read_indexed_columns(s);
          return s.int64(0);
        }
        std::optional<std::string> event_hash(const std::string& id, std::int64_t seq) override {
          Stmt s(*t.conn_, "SELECT hash FROM events WHERE case_id = ? AND seq = ?");
          s.bind(id, seq);
          if (!s.step()) return std::nullopt;
          return s.text(0);
        }
        void write_case(const CaseRecord& record, std::int64_t version,
                        const std::vector<EventRecord>& events) override {
          if (!events.empty() && t.ledger_seq_ == 0) {
            Stmt s(*t.conn_, "SELECT coalesce(max(seq), 0) + 1 FROM ledger");
            s.step();
            t.ledger_seq_ = s.int64(0);
          }
          t.write_projection(record, version, stored ? &*stored : nullptr);
          for (const auto& e : events) {
            Stmt s(*t.conn_,
                   "INSERT INTO events (case_id, seq, type, at, actor, data, prev_hash, hash, ledger_seq, "
                   "ledger_pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            s.bind(e.case_id, e.seq, e.type, e.at, e.actor, e.data, e.prev_hash, e.hash, t.ledger_seq_,
                   ++t.ledger_pos_);
            s.run();
            t.written_.push_back(EventRecord{e.case_id, e.seq, {}, {}, {}, {}, {}, e.hash, {}});
          }
        }
      } sql(*this);
      append_events(sql, pending_feed_, record, expected_version, events, nullptr);
    });
  }

  void update_projection(const CaseRecord& record) override {
    require_write("update_projection");
    guard("update a case projection", [&] {
      Stmt s(*conn_, kLockCase);
      s.bind(record.id);
      const bool found = s.step();
      check_projection_version(record, found ? std::optional(s.int64(0)) : std::nullopt);
      const IndexedColumns columns = read_indexed_columns(s);
      write_projection(record, record.version, &columns);
    });
  }

  std::vector<CaseRecord> query(const CaseFilter& filter) override {
    check_limit(filter.limit);
    return guard("query cases", [&] {
      std::vector<std::string> args;
      const std::string sql = case_query_sql(
          filter, case_source(store_.schema_), [](int) { return std::string("?"); },
          [](std::string_view column, const std::string& p) {
            return "instr(" + std::string(column) + ", " + p + ") > 0";
          },
          args);
      Stmt s(*conn_, sql);
      int i = 0;
      for (const auto& a : args) s.bind_one(++i, a);
      s.bind_one(++i, query_limit(filter));
      return rows::read_all(s, rows::case_record);
    });
  }

  std::vector<std::string> case_ids_page(const std::optional<std::string>& after, int limit) override {
    return guard("list cases", [&] {
      Stmt s(*conn_, after ? verify_sql::kCaseIdsAfter : verify_sql::kFirstCaseIds);
      if (after) {
        s.bind(*after, limit);
      } else {
        s.bind(limit);
      }
      return rows::read_all(s, rows::first_text);
    });
  }

  // A pooled reader goes back with the cache size it came with: an idle connection holds no more pages.
  void keep_pages(std::int64_t kib) override {
    if (writable_ || kib <= 0) return;
    guard("size the page cache", [&] {
      if (!pooled_cache_size_) {
        Stmt s(*conn_, "PRAGMA cache_size");
        s.step();
        pooled_cache_size_ = s.int64(0);
      }
      exec(*conn_, "PRAGMA cache_size = " + std::to_string(-kib));
    });
  }

  // --- timers ----------------------------------------------------------------------------------------------

  void replace_timers(std::string_view case_id, const std::vector<TimerRecord>& timers) override {
    require_write("replace_timers");
    check_timers(case_id, timers);
    guard("replace timers", [&] {
      // Called after every command, and the set seldom changes: write only the difference.
      std::vector<TimerRecord> current;
      {
        Stmt s(*conn_, "SELECT case_id, kind, clock, due FROM timers WHERE case_id = ?");
        s.bind(case_id);
        current = rows::read_all(s, rows::timer);
      }
      write_timer_diff(case_id, current, timers);
    });
  }

  void replace_known_timers(std::string_view case_id, const std::vector<TimerRecord>& stored,
                            const std::vector<TimerRecord>& timers) override {
    require_write("replace_timers");
    check_timers(case_id, stored);
    check_timers(case_id, timers);
    guard("replace timers", [&] { write_timer_diff(case_id, stored, timers); });
  }

  std::vector<TimerRecord> claim_due_timers(std::int64_t now, int limit) override {
    require_write("claim_due_timers");
    check_limit(limit);
    return guard("claim due timers", [&] {
      // The write transaction holds SQLite's one write lock, so selecting is claiming.
      Stmt s(*conn_,
             "SELECT case_id, kind, clock, due FROM timers WHERE due <= ? "
             "ORDER BY due, case_id, kind, clock LIMIT ?");
      s.bind(now, limit == 0 ? std::int64_t{-1} : std::int64_t{limit});
      return rows::read_all(s, rows::timer);
    });
  }

  // --- commands and counters -------------------------------------------------------------------------------

  std::optional<std::string> find_command(std::string_view command_id) override {
    return guard("look up a command id", [&]() -> std::optional<std::string> {
      Stmt s(*conn_, "SELECT case_id FROM commands WHERE command_id = ?");
      s.bind(command_id);
      if (!s.step()) return std::nullopt;
      return s.text(0);
    });
  }

  void record_command(std::string_view command_id, std::string_view case_id) override {
    require_write("record_command");
    check_command_id(command_id);
    guard("record a command id", [&] {
      if (const auto stored = find_command(command_id)) {
        check_command_case(command_id, case_id, *stored);
        return;
      }
      Stmt s(*conn_, "INSERT INTO commands (command_id, case_id) VALUES (?, ?)");
      s.bind(command_id, case_id);
      s.run();
    });
  }

  std::int64_t next_counter(std::string_view name) override {
    require_write("next_counter");
    return guard("advance a counter", [&] {
      Stmt s(*conn_,
             "INSERT INTO counters (name, value) VALUES (?, 1) "
             "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value");
      s.bind(name);
      s.step();
      return s.int64(0);
    });
  }

  // --- documents -------------------------------------------------------------------------------------------

  void remember_document(const StoredDocument& doc) override {
    require_write("remember_document");
    guard("store a document", [&] {
      Stmt s(*conn_, "SELECT hash FROM documents WHERE kind = ? AND name = ? AND version = ?");
      s.bind(doc.kind, doc.name, doc.version);
      if (s.step()) {
        check_document_hash(doc, s.text(0));
        return;
      }
      Stmt ins(*conn_, "INSERT INTO documents (kind, name, version, hash, content) VALUES (?, ?, ?, ?, ?)");
      ins.bind(doc.kind, doc.name, doc.version, doc.hash, doc.content);
      ins.run();
    });
  }

  // --- verification ----------------------------------------------------------------------------------------

  // --- the feed --------------------------------------------------------------------------------------------

  std::vector<FeedRecord> feed(const FeedQuery& q) override {
    return guard("read the feed", [&] {
      // The SQL depends only on how many kinds, types and cases are asked for, so each shape is cached.
      const std::string sql = feed_sql(q, [](int) { return std::string("?"); });
      Stmt s(*conn_, sql);
      int i = 0;
      s.bind_one(++i, q.after);
      for (const auto& k : q.kinds) s.bind_one(++i, k);
      for (const auto& t : q.types) s.bind_one(++i, t);
      for (const auto& c : q.cases) s.bind_one(++i, c);
      s.bind_one(++i, q.limit);
      return rows::read_all(s, rows::feed_record);
    });
  }

  void set_feed_cursor(std::string_view consumer, std::int64_t cursor) override {
    require_write("set_feed_cursor");
    guard("move a feed cursor", [&] {
      Stmt s(*conn_,
             "INSERT INTO feed_consumers (name, cursor) VALUES (?, ?) "
             "ON CONFLICT (name) DO UPDATE SET cursor = excluded.cursor");
      s.bind(consumer, cursor);
      s.run();
    });
  }

  void prune_feed(std::int64_t up_to) override {
    require_write("prune_feed");
    guard("prune the feed", [&] {
      Stmt del(*conn_, "DELETE FROM feed WHERE seq <= ?");
      del.bind(up_to);
      del.run();
      Stmt mark(*conn_, "UPDATE feed_mark SET pruned = max(pruned, ?)");
      mark.bind(up_to);
      mark.run();
    });
  }

  std::vector<std::string> cases_without_feed_states() override {
    if (store_.schema_ < kFeedSchema) return {};
    return select_all(
        "read the feed",
        "SELECT DISTINCT case_id FROM feed WHERE backfilled = 1 AND state = '' ORDER BY case_id",
        rows::first_text);
  }

  void set_feed_state(std::string_view case_id, std::int64_t version, std::string_view state) override {
    require_write("set_feed_state");
    guard("fill in a feed record's state", [&] {
      Stmt s(*conn_,
             "UPDATE feed SET state = ? WHERE case_id = ? AND version = ? AND backfilled = 1 AND state = ''");
      s.bind(state, case_id, version);
      s.run();
    });
  }

  // --- savepoints and commit -------------------------------------------------------------------------------

  void savepoint(std::string_view name) override {
    check_savepoint_name(name);
    guard("open a savepoint", [&] { savepoint_statement(*conn_, "SAVEPOINT", name); });
    savepoints_.push_back({std::string(name), written_.size()});
  }

  void rollback_to(std::string_view name) override {
    check_savepoint_name(name);
    require_active();  // allowed after a failed write: it is the way back
    const std::size_t open = innermost_savepoint(name);
    try {
      savepoint_statement(*conn_, "ROLLBACK TO", name);
      savepoint_statement(*conn_, "RELEASE", name);
    } catch (const SQLite::Exception& e) {
      if (writable_) failed_write_ = true;  // what it holds is unknown now
      throw_storage("roll back to a savepoint", store_.config_.database, e);
    }
    // Every savepoint still open was opened before any failure (none can be opened after one), so this
    // rollback took back whatever a failed write had left.
    if (open < savepoints_.size()) written_.resize(savepoints_[open].written);
    savepoints_.resize(open);
    failed_write_ = false;
  }

  void release(std::string_view name) override {
    check_savepoint_name(name);
    const std::size_t open = innermost_savepoint(name);
    guard("release a savepoint", [&] { savepoint_statement(*conn_, "RELEASE", name); });
    savepoints_.resize(open);
  }

  /// The position of the innermost open savepoint called `name`; SQLite refuses the statement if none is.
  std::size_t innermost_savepoint(std::string_view name) const {
    for (std::size_t i = savepoints_.size(); i > 0; --i)
      if (savepoints_[i - 1].name == name) return i - 1;
    return savepoints_.size();
  }

  void commit() override {
    require_active();
    if (failed_write_) {
      rollback_and_finish();
      throw Error(
          ErrorCode::storage,
          "A write of this transaction failed half-way: the transaction was rolled back, not committed.");
    }
    try {
      if (writable_ && ledger_seq_ != 0) chain_ledger();
      exec(*conn_, "COMMIT");
      finish();
    } catch (const SQLite::Exception& e) {
      // COMMIT can fail and leave the transaction open (e.g. a deferred foreign key): end it here.
      if (sqlite3_get_autocommit(conn_->db.getHandle()) == 0) {
        sqlite3_exec(conn_->db.getHandle(), "ROLLBACK", nullptr, nullptr, nullptr);
      }
      finish();
      throw_storage("commit", store_.config_.database, e);
    }
  }

 private:
  /// Writes the rows that turn the case's `stored` timers into `wanted`.
  void write_timer_diff(std::string_view case_id, const std::vector<TimerRecord>& stored,
                        const std::vector<TimerRecord>& wanted) {
    const TimerDiff diff = diff_timers(stored, wanted);
    for (const auto* t : diff.removed) {
      Stmt del(*conn_, "DELETE FROM timers WHERE case_id = ? AND kind = ? AND clock = ?");
      del.bind(case_id, t->kind, t->clock);
      del.run();
    }
    for (const auto* t : diff.moved) {
      Stmt upd(*conn_, "UPDATE timers SET due = ? WHERE case_id = ? AND kind = ? AND clock = ?");
      upd.bind(t->due, case_id, t->kind, t->clock);
      upd.run();
    }
    for (const auto* t : diff.added) {
      Stmt ins(*conn_, "INSERT INTO timers (case_id, kind, clock, due) VALUES (?, ?, ?, ?)");
      ins.bind(case_id, t->kind, t->clock, t->due);
      ins.run();
    }
  }

  /// Every row of `sql` bound to `args`, each read by `read` (one call's statement, run by guard()).
  template <class Read, class... Args>
  auto select_all(std::string_view what, const std::string& sql, Read read, Args&&... args)
      -> decltype(rows::read_all(std::declval<Stmt&>(), read)) {
    return guard(what, [&] {
      Stmt s(*conn_, sql);
      if constexpr (sizeof...(Args) > 0) s.bind(std::forward<Args>(args)...);
      return rows::read_all(s, read);
    });
  }

  /// Runs one call's statements. If one fails in a write transaction, the statements before it (of this
  /// call or an earlier one) may have written part of a change: from then on the transaction refuses
  /// everything but a rollback to a savepoint opened before the failure, or its end, so a half-written
  /// change can never be committed. (Each call used to run in a savepoint of its own instead, which copied
  /// every page it wrote into SQLite's sub-journal: a sixth of the work of a timer backlog.)
  template <class F>
  auto guard(std::string_view what, F&& f) -> decltype(f()) {
    require_usable();
    try {
      return f();
    } catch (const SQLite::Exception& e) {
      if (writable_) failed_write_ = true;
      throw_storage(what, store_.config_.database, e);
    }
  }

  void require_usable() const {
    require_active();
    if (failed_write_) {
      throw Error(
          ErrorCode::storage,
          "A write of this transaction failed half-way: roll back to a savepoint opened before it, or "
          "end the transaction.");
    }
  }

  /// Rolls everything back and ends the transaction; never throws.
  void rollback_and_finish() noexcept {
    try {
      exec(*conn_, "ROLLBACK");
    } catch (...) {  // NOLINT(bugprone-empty-catch): never throws; the connection resets below
    }
    // If ROLLBACK failed, make sure the connection does not stay inside the transaction.
    if (sqlite3_get_autocommit(conn_->db.getHandle()) == 0) {
      sqlite3_exec(conn_->db.getHandle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    finish();
  }

  /// Ends the transaction: hands the write lock or the read connection back at once, not at destruction.
  void finish() noexcept {
    active_ = false;
    conn_ = nullptr;  // a pooled reader may go to another transaction now
    if (holds_gate_) {
      holds_gate_ = false;
      store_.write_gate_.release();
    }
    if (reader_ && pooled_cache_size_) {
      try {
        reader_->db.exec("PRAGMA cache_size = " + std::to_string(*pooled_cache_size_));
      } catch (...) {  // NOLINT(bugprone-empty-catch): never throws; a reader it fails on is not pooled
        reader_.reset();
      }
    }
    if (reader_) store_.release_reader(std::move(reader_));
  }

  /// Writes the case row: an INSERT for a new case (`stored` null), else an UPDATE that sets the indexed
  /// columns only where they differ from `stored`; and the snapshot only when the record brings one (its
  /// own row from schema 4 on, so the case row no longer carries it).
  void write_projection(const CaseRecord& r, std::int64_t version, const IndexedColumns* stored) {
    const bool own_table = store_.schema_ >= kSnapshotTableSchema;
    const bool keep = r.keep_stored_snapshot;
    std::string sql;
    if (!stored) {
      sql = own_table
                ? "INSERT INTO cases (id, permit, definition_version, applicant_id, state, version, light, "
                  "due, awaiting_departments, document) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                : std::string("INSERT INTO cases (") + rows::kCaseColumns +
                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
    } else {
      // ?10 is always set, so every number up to 10 may be bound whether its column is set or not.
      sql =
          "UPDATE cases SET definition_version = ?3, version = ?6, awaiting_departments = ?9, document = ?10";
      if (r.subject != stored->subject) sql += ", permit = ?2";
      if (r.applicant_id != stored->applicant_id) sql += ", applicant_id = ?4";
      if (r.state != stored->state) sql += ", state = ?5";
      if (r.light != stored->light) sql += ", light = ?7";
      if (r.due != stored->due) sql += ", due = ?8";
      if (!keep && !own_table) sql += ", snapshot = ?11, snapshot_version = ?12";
      sql += " WHERE id = ?1";
    }
    // The snapshot is an opaque archive: stored as a BLOB, byte for byte. Bound from a std::string, whose
    // data() is never null: a null pointer would bind SQL NULL, not an empty BLOB. A new case written with
    // keep_stored_snapshot gets an empty snapshot at version 0 (no snapshot row from schema 4 on).
    static const std::string kNoSnapshot;
    const std::string& snapshot = keep ? kNoSnapshot : r.snapshot;
    const std::int64_t snapshot_version = keep ? 0 : r.snapshot_version;
    {
      Stmt s(*conn_, sql);
      s.bind(r.id, r.subject, r.definition_version, r.applicant_id, r.state, version, r.light, r.due,
             r.awaiting_departments, r.document);
      if (!own_table && (!stored || !keep)) {
        s.raw().bind(11, snapshot.data(), static_cast<int>(snapshot.size()));
        s.bind_one(12, snapshot_version);
      }
      s.run();
    }
    if (own_table && !keep) {
      Stmt s(*conn_,
             "INSERT INTO case_snapshots (case_id, snapshot, snapshot_version) VALUES (?1, ?2, ?3) "
             "ON CONFLICT (case_id) DO UPDATE SET snapshot = ?2, snapshot_version = ?3");
      s.bind_one(1, r.id);
      s.raw().bind(2, snapshot.data(), static_cast<int>(snapshot.size()));
      s.bind_one(3, snapshot_version);
      s.run();
    }
  }

  /// Chains this transaction's surviving events (rolled-back savepoints took theirs away) into the ledger
  /// and the feed. The write lock is held already: the heads cannot move until COMMIT.
  void chain_ledger() {
    struct Sql final : CommitSql {
      SqliteTransaction& t;
      explicit Sql(SqliteTransaction& tx) : t(tx) {}
      // Kept as they were written instead of read back: nothing but append() writes events, and
      // rollback_to() drops those its savepoint took back.
      std::vector<EventRecord> surviving_events() override { return std::move(t.written_); }
      LedgerRecord lock_ledger() override {
        Stmt s(*t.conn_, rows::kLedgerHead);
        return rows::read_first(s, rows::ledger_head).value_or(LedgerRecord{});
      }
      std::int64_t feed_head() override { return t.read_feed_bounds().head; }
      std::int64_t ledger_seq(std::int64_t) override { return t.ledger_seq_; }
      void write_chain(const LedgerRecord& entry, const std::vector<FeedRow>& rows) override {
        Stmt ins(*t.conn_, "INSERT INTO ledger (seq, prev_hash, hash, event_count) VALUES (?, ?, ?, ?)");
        ins.bind(entry.seq, entry.prev_hash, entry.hash, entry.event_count);
        ins.run();
        for (const auto& [seq, r] : rows) {
          Stmt f(*t.conn_,
                 "INSERT INTO feed (seq, case_id, version, kind, subject, state, backfilled) "
                 "VALUES (?, ?, ?, ?, ?, ?, 0)");
          f.bind(seq, r->case_id, r->version, r->kind, r->subject, r->state);
          f.run();
        }
      }
    } sql(*this);
    chain_commit(sql, pending_feed_, store_.schema_ >= kFeedSchema);
  }

  FeedBounds read_feed_bounds() {
    Stmt s(*conn_, rows::kFeedBounds);
    return rows::read_first(s, rows::feed_bounds).value_or(FeedBounds{});
  }

  SqliteStore& store_;
  bool holds_gate_ = false;             // write transactions: the store's write gate, released by finish()
  std::unique_ptr<Connection> reader_;  // read transactions: the pooled connection
  std::optional<std::int64_t> pooled_cache_size_;  // its cache size before keep_pages, to restore
  Connection* conn_;
  std::int64_t ledger_seq_ = 0;  // the ledger entry this transaction's events go to; 0 until the first append
  std::int64_t ledger_pos_ = 0;  // append order of the events within that entry
  PendingFeed pending_feed_;     // the feed facts of appended events, written at commit
  // The events written, in append order: case_id, seq and hash only (what the ledger and feed need).
  std::vector<EventRecord> written_;
  struct Savepoint {
    std::string name;
    std::size_t written;  // written_.size() when it opened: a rollback to it drops the events after
  };
  std::vector<Savepoint> savepoints_;  // the open savepoints, outermost first
  bool failed_write_ = false;  // a statement failed since the last rollback to a savepoint (see guard)
};

// --- the store ---------------------------------------------------------------------------------------------

SqliteStore::SqliteStore(const StoreConfig& config, int migrate_to) : DatabaseStore(config, "sqlite") {
  std::string sync;
  if (config.synchronous == "full") {
    sync = "FULL";
  } else if (config.synchronous == "normal") {
    sync = "NORMAL";
  } else {
    throw Error(ErrorCode::invalid_argument,
                "synchronous must be \"full\" or \"normal\", not \"" + config.synchronous + "\".",
                "/synchronous");
  }
  check_busy_timeout(config);
  if (config.database.empty() || config.database == ":memory:") {
    throw Error(ErrorCode::invalid_argument, "The SQLite store needs a file path as database.", "/database");
  }
  const int target = migrate_to < 0 ? sqlite_latest_schema_version() : migrate_to;
  // A new database is created readable by its owner only: it holds personal data. SQLite gives the -wal and
  // -shm files the mode of the database file, so they are 0600 too (docs/security.md).
  if (const int fd = ::open(config.database.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600); fd >= 0)
    ::close(fd);
  try {
    writer_ = std::make_unique<Connection>(config.database, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                           config.busy_timeout_ms);
    {
      Stmt wal(*writer_, "PRAGMA journal_mode = WAL");
      if (!wal.step() || wal.text(0) != "wal") {
        throw Error(ErrorCode::storage, "The database '" + config.database + "' cannot use WAL journaling.");
      }
    }
    writer_->db.exec("PRAGMA synchronous = " + sync);
    writer_->db.exec("PRAGMA foreign_keys = ON");
    // A batch (group commit, a slice of run_due) dirties more pages than SQLite's default 2 MiB cache: they
    // would spill to the WAL in the middle of the transaction. Inside a job's savepoint every page written
    // is first copied to the statement journal: in memory, not written to a temporary file page by page.
    writer_->db.exec("PRAGMA cache_size = -32768");
    writer_->db.exec("PRAGMA temp_store = MEMORY");

    refuse_newer_schema("The database '" + config.database + "'", read_schema_version(*writer_),
                        sqlite_latest_schema_version());
    for (const auto& m : sqlite_migrations()) {
      if (m.version > target) break;
      // One transaction per step; re-read the version inside it, another process may have migrated.
      SQLite::Transaction tx(writer_->db, SQLite::TransactionBehavior::IMMEDIATE);
      writer_->db.exec(kSchemaVersionTable);
      if (read_schema_version(*writer_) >= m.version) continue;  // the destructor rolls back: nothing to do
      writer_->db.exec(m.sql);
      Stmt ins(*writer_, kRecordMigration);
      ins.bind(m.version, m.description);
      ins.run();
      tx.commit();
    }
    schema_ = read_schema_version(*writer_);
    checkpointer_ =
        std::make_unique<WalCheckpointer>(writer_->db.getHandle(), config.database, config.busy_timeout_ms);
  } catch (const SQLite::Exception& e) {
    throw_storage("open or migrate", config.database, e);
  }
}

SqliteStore::~SqliteStore() = default;

bool SqliteStore::WriteGate::acquire(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!free_.wait_for(lock, timeout, [this] { return !held_; })) return false;
  held_ = true;
  return true;
}

void SqliteStore::WriteGate::release() noexcept {
  {
    std::lock_guard lock(mutex_);
    held_ = false;
  }
  free_.notify_one();
}

void SqliteStore::acquire_write_gate() {
  if (!write_gate_.acquire(std::chrono::milliseconds(config_.busy_timeout_ms))) {
    throw Error(ErrorCode::storage, "The database '" + config_.database +
                                        "' stayed busy: no write lock within " +
                                        std::to_string(config_.busy_timeout_ms) + " ms.");
  }
}

int SqliteStore::schema_version() {
  acquire_write_gate();
  try {
    const int v = read_schema_version(*writer_);
    write_gate_.release();
    return v;
  } catch (const SQLite::Exception& e) {
    write_gate_.release();
    throw_storage("read its schema version", config_.database, e);
  }
}

std::unique_ptr<Transaction> SqliteStore::begin_write() {
  acquire_write_gate();
  try {
    return std::make_unique<SqliteTransaction>(*this);
  } catch (const SQLite::Exception& e) {
    write_gate_.release();
    throw_storage("begin a write transaction", config_.database, e);
  } catch (...) {
    write_gate_.release();
    throw;
  }
}

std::unique_ptr<Transaction> SqliteStore::begin_read() {
  try {
    return std::make_unique<SqliteTransaction>(*this, acquire_reader());
  } catch (const SQLite::Exception& e) {
    throw_storage("begin a read transaction", config_.database, e);
  }
}

std::vector<std::unique_ptr<Transaction>> SqliteStore::begin_reads(int n) {
  // The write lock (this process's gate and SQLite's, BEGIN IMMEDIATE) keeps every writer of the file out
  // while the readers take their snapshots; it is rolled back, having written nothing, when this returns.
  const auto hold = begin_write();
  std::vector<std::unique_ptr<Transaction>> out;
  try {
    for (int i = 0; i < std::max(n, 1); ++i) {
      auto tx = std::make_unique<SqliteTransaction>(*this, acquire_reader());
      tx->take_snapshot();
      out.push_back(std::move(tx));
    }
  } catch (const SQLite::Exception& e) {
    throw_storage("begin a read transaction", config_.database, e);
  }
  return out;
}

std::unique_ptr<SqliteStore::Connection> SqliteStore::acquire_reader() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_readers_.empty()) {
      auto c = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return c;
    }
  }
  // The pool only bounds idle connections: a burst of readers opens more rather than waiting. A reader is
  // used by one transaction, on one thread, at a time: it needs no SQLite mutex around each call (every
  // column read took and released one).
  return std::make_unique<Connection>(config_.database, SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX,
                                      config_.busy_timeout_ms);
}

void SqliteStore::release_reader(std::unique_ptr<Connection> reader) noexcept {
  if (!reader || sqlite3_get_autocommit(reader->db.getHandle()) == 0) return;  // never pool a stuck one
  std::lock_guard lock(pool_mutex_);
  if (idle_readers_.size() < kMaxIdleReaders) idle_readers_.push_back(std::move(reader));
}

}  // namespace permitflow::store
