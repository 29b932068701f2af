// The PostgreSQL backend of the Store. Same tables, hash chains and migration versions as the SQLite backend
// (docs/log_format.md); what differs is how several engine processes share the database:
// - a write transaction is READ COMMITTED; the case it works on is locked with SELECT … FOR UPDATE, so two
//   processes never apply a command to the same version of a case;
// - claim_due_timers locks the timer and its case with FOR UPDATE OF t, c SKIP LOCKED: a timer another
//   process is firing (or whose case is busy) is skipped, and the claim is fired in the same transaction;
// - events are written with ledger_seq 0 ("pending") and chained into the ledger at commit while the ledger
//   table is locked, so ledger entries follow commit order and the ledger stays one linear chain;
// - read transactions are REPEATABLE READ, so verify sees one consistent snapshot.
// actor, data, document and snapshot are bytea: they are hashed byte for byte and may hold any byte.
#include "store/postgres_store.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <limits>
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

// Serialises migrations of one schema across processes (the key is derived from the schema name).
constexpr const char* kMigrationLock =
    "SELECT pg_advisory_xact_lock(hashtext('permitflow:' || current_schema()))";

constexpr std::int64_t kNoLimit = std::numeric_limits<std::int64_t>::max();

/// The URL without a password, for error messages.
std::string without_password(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto at = url.find('@', scheme + 3);
  const auto slash = url.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

[[noreturn]] void throw_storage(std::string_view what, const std::string& where, const std::exception& e) {
  std::string detail = e.what();
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  throw Error(ErrorCode::storage,
              "The PostgreSQL database '" + where + "' failed to " + std::string(what) + ": " + detail);
}

/// libpq passes text parameters as C strings, so a NUL byte would silently cut the value short.
void require_text(std::string_view value, const char* field) {
  if (value.find('\0') != std::string_view::npos) {
    throw Error(ErrorCode::invalid_argument, std::string(field) + " must not contain a NUL byte.",
                std::string("/") + field);
  }
}

/// A row of a result, read as rows.hpp reads it.
class Row {
 public:
  explicit Row(const pqxx::row& r) : r_(r) {}
  std::string text(int i) const { return r_[i].as<std::string>(); }
  std::string bytes(int i) const { return pqxx::binarystring(r_[i]).str(); }
  std::int64_t int64(int i) const { return r_[i].as<std::int64_t>(); }
  bool flag(int i) const { return r_[i].as<bool>(); }

 private:
  const pqxx::row& r_;
};

/// A result as the cursor of rows.hpp: `rows::read_all(Rows(tx.exec(…)), rows::event)`.
class Rows {
 public:
  explicit Rows(pqxx::result res) : res_(std::move(res)) {}
  bool next() {
    if (next_ >= res_.size()) return false;
    row_ = res_[next_++];
    return true;
  }
  Row row() const { return Row(row_); }

 private:
  pqxx::result res_;
  pqxx::result::size_type next_ = 0;
  pqxx::row row_;
};

std::vector<TimerRecord> read_timers(pqxx::result res) {
  return rows::read_all(Rows(std::move(res)), rows::timer);
}

}  // namespace

std::span<const Migration> postgres_migrations() {
  static const std::vector<Migration> all = shared_migrations(Backend::postgresql);
  return all;
}

int postgres_latest_schema_version() { return postgres_migrations().back().version; }

// --- connections -------------------------------------------------------------------------------------------

struct PostgresStore::Connection {
  pqxx::connection conn;
  bool broken = false;  // set when a statement reported a broken connection: never pooled again

  explicit Connection(const std::string& url) : conn(url) {}
};

namespace {

int read_schema_version(pqxx::transaction_base& tx) {
  const auto exists = tx.exec(
      "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name "
      "= 'schema_version'");
  if (exists[0][0].as<std::int64_t>() == 0) return 0;
  return tx.exec("SELECT coalesce(max(version), 0) FROM schema_version")[0][0].as<int>();
}

}  // namespace

// --- transactions ------------------------------------------------------------------------------------------

class PostgresTransaction final : public SharedReads<PostgresTransaction> {
  friend class SharedReads<PostgresTransaction>;

 public:
  PostgresTransaction(PostgresStore& store, bool writable) : SharedReads(writable), store_(store) {
    // A pooled connection may have been lost while idle (server restart, pg_terminate_backend): nothing
    // has happened in this transaction yet, so one retry on a fresh connection is always safe.
    for (int attempt = 0;; ++attempt) {
      conn_ = store_.acquire();
      try {
        begin();
        break;
      } catch (const pqxx::broken_connection& e) {
        conn_->broken = true;
        store_.release(std::move(conn_));
        if (attempt == 1)
          throw_storage(writable_ ? "begin a write transaction" : "begin a read transaction", store_.display_,
                        e);
      } catch (const std::exception& e) {
        store_.release(std::move(conn_));
        throw_storage("begin a transaction", store_.display_, e);
      }
    }
    active_ = true;
  }

  /// A read transaction on `conn` that imports the snapshot another open transaction exported (see
  /// begin_reads): it sees exactly what that one sees.
  PostgresTransaction(PostgresStore& store, std::unique_ptr<PostgresStore::Connection> conn,
                      const std::string& snapshot)
      : SharedReads(false), store_(store), conn_(std::move(conn)) {
    try {
      begin();
      tx_->exec("SET TRANSACTION SNAPSHOT " + tx_->quote(snapshot));
    } catch (const pqxx::broken_connection& e) {
      conn_->broken = true;
      tx_.reset();
      store_.release(std::move(conn_));
      throw_storage("begin a read transaction", store_.display_, e);
    } catch (const std::exception& e) {
      tx_.reset();
      store_.release(std::move(conn_));
      throw_storage("begin a read transaction", store_.display_, e);
    }
    active_ = true;
    used_ = true;  // a retry on a fresh connection could not import the snapshot again
  }

  ~PostgresTransaction() override { finish(false); }

  /// Takes this read transaction's snapshot now and names it for other transactions to import while this
  /// one is open. From then on a lost connection is not retried: a retry would see another snapshot.
  std::string export_snapshot() {
    auto id = read("export a snapshot",
                   [&] { return tx_->exec("SELECT pg_export_snapshot()")[0][0].as<std::string>(); });
    return id;
  }

  // --- cases and events ------------------------------------------------------------------------------------

  std::optional<CaseRecord> load_case(std::string_view id) override {
    return read("load a case", [&]() -> std::optional<CaseRecord> {
      // In a write transaction the case is locked until commit: no other process can apply a command to it
      // meanwhile (they wait, up to the lock timeout).
      const auto res = tx_->exec_params(std::string("SELECT ") + rows::kCaseColumns +
                                            " FROM cases WHERE id = $1" + (writable_ ? " FOR UPDATE" : ""),
                                        std::string(id));
      return rows::read_first(Rows(res), rows::case_record);
    });
  }

  void append(const CaseRecord& record, std::int64_t expected_version,
              std::vector<EventRecord>& events) override {
    require_write("append");
    check_record(record);
    write("append events", [&] {
      struct Sql final : AppendSql {
        PostgresTransaction& t;
        explicit Sql(PostgresTransaction& tx) : t(tx) {}
        std::optional<std::int64_t> lock_case_version(const std::string& id) override {
          const auto res = t.tx_->exec_params("SELECT version FROM cases WHERE id = $1 FOR UPDATE", id);
          if (res.empty()) return std::nullopt;
          return res[0][0].as<std::int64_t>();
        }
        std::optional<std::string> event_hash(const std::string& id, std::int64_t seq) override {
          const auto res =
              t.tx_->exec_params("SELECT hash FROM events WHERE case_id = $1 AND seq = $2", id, seq);
          if (res.empty()) return std::nullopt;
          return res[0][0].as<std::string>();
        }
        void write_case(const CaseRecord& record, std::int64_t version,
                        const std::vector<EventRecord>& events) override {
          t.atomically("pf_append", [&] {
            t.write_projection(record, version, true);
            for (const auto& e : events) {
              // ledger_seq 0: pending until commit() chains it (see the top of this file).
              t.tx_->exec_params(
                  "INSERT INTO events (case_id, seq, type, at, actor, data, prev_hash, hash, ledger_seq, "
                  "ledger_pos) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9)",
                  e.case_id, e.seq, e.type, e.at, pqxx::binarystring(e.actor), pqxx::binarystring(e.data),
                  e.prev_hash, e.hash, ++t.ledger_pos_);
            }
          });
          if (!events.empty()) t.appended_ = true;
        }
      } sql(*this);
      append_events(sql, pending_feed_, record, expected_version, events, &require_text);
    });
  }

  void update_projection(const CaseRecord& record) override {
    require_write("update_projection");
    check_record(record);
    write("update a case projection", [&] {
      const auto res = tx_->exec_params("SELECT version FROM cases WHERE id = $1 FOR UPDATE", record.id);
      check_projection_version(record,
                               res.empty() ? std::nullopt : std::optional(res[0][0].as<std::int64_t>()));
      atomically("pf_projection", [&] { write_projection(record, record.version, false); });
    });
  }

  std::vector<CaseRecord> query(const CaseFilter& filter) override {
    check_limit(filter.limit);
    return read("query cases", [&] {
      std::vector<std::string> args;
      const std::string sql = case_query_sql(
          filter, " FROM cases", [](int n) { return "$" + std::to_string(n); },
          [](std::string_view column, const std::string& p) {
            return "0 < strpos(" + std::string(column) + ", " + p + ")";
          },
          args);
      for (const auto& a : args) require_text(a, "filter");
      args.push_back(std::to_string(query_limit(filter)));
      const auto res = tx_->exec_params(sql, pqxx::prepare::make_dynamic_params(args));
      return rows::read_all(Rows(res), rows::case_record);
    });
  }

  std::vector<std::string> case_ids_page(const std::optional<std::string>& after, int limit) override {
    return read("list cases", [&] {
      const auto res = after ? tx_->exec_params(verify_sql::kCaseIdsAfter, *after, limit)
                             : tx_->exec_params(verify_sql::kFirstCaseIds, limit);
      return rows::read_all(Rows(res), rows::first_text);
    });
  }

  // --- timers ----------------------------------------------------------------------------------------------

  void replace_timers(std::string_view case_id, const std::vector<TimerRecord>& timers) override {
    require_write("replace_timers");
    check_timers(case_id, timers);
    for (const auto& t : timers) {
      require_text(t.kind, "kind");
      require_text(t.clock, "clock");
    }
    require_text(case_id, "case_id");
    write("replace timers", [&] {
      // Called after every command, and the set seldom changes: write only the difference. FOR UPDATE
      // locks every stored timer of the case, as the DELETE of all of them used to, so no other process
      // can claim one of them until this transaction ends, whether or not it is rewritten.
      const std::string id(case_id);
      const auto current = read_timers(
          tx_->exec_params("SELECT case_id, kind, clock, due FROM timers WHERE case_id = $1 FOR UPDATE", id));
      const TimerDiff diff = diff_timers(current, timers);
      if (diff.empty()) return;
      atomically("pf_timers", [&] {
        for (const auto* t : diff.removed) {
          tx_->exec_params("DELETE FROM timers WHERE case_id = $1 AND kind = $2 AND clock = $3", id, t->kind,
                           t->clock);
        }
        for (const auto* t : diff.moved) {
          tx_->exec_params("UPDATE timers SET due = $4 WHERE case_id = $1 AND kind = $2 AND clock = $3", id,
                           t->kind, t->clock, t->due);
        }
        for (const auto* t : diff.added) {
          tx_->exec_params("INSERT INTO timers (case_id, kind, clock, due) VALUES ($1, $2, $3, $4)", id,
                           t->kind, t->clock, t->due);
        }
      });
    });
  }

  std::vector<TimerRecord> claim_due_timers(std::int64_t now, int limit) override {
    require_write("claim_due_timers");
    check_limit(limit);
    return write("claim due timers", [&] {
      // Locks both the timer and its case; rows another transaction holds are skipped, not waited for, so
      // any number of processes can claim at once and each timer is fired by exactly one of them.
      return read_timers(tx_->exec_params(
          "SELECT t.case_id, t.kind, t.clock, t.due FROM timers t JOIN cases c ON c.id = t.case_id "
          "WHERE t.due <= $1 ORDER BY t.due, t.case_id, t.kind, t.clock LIMIT $2 "
          "FOR UPDATE OF t, c SKIP LOCKED",
          now, limit == 0 ? kNoLimit : std::int64_t{limit}));
    });
  }

  // --- commands and counters -------------------------------------------------------------------------------

  std::optional<std::string> find_command(std::string_view command_id) override {
    return read("look up a command id", [&]() -> std::optional<std::string> {
      const auto res =
          tx_->exec_params("SELECT case_id FROM commands WHERE command_id = $1", std::string(command_id));
      if (res.empty()) return std::nullopt;
      return res[0][0].as<std::string>();
    });
  }

  void record_command(std::string_view command_id, std::string_view case_id) override {
    require_write("record_command");
    check_command_id(command_id);
    require_text(command_id, "command_id");
    require_text(case_id, "case_id");
    write("record a command id", [&] {
      // ON CONFLICT: another process may record the same id at the same moment; then we compare.
      const auto res = tx_->exec_params(
          "INSERT INTO commands (command_id, case_id) VALUES ($1, $2) ON CONFLICT (command_id) DO NOTHING",
          std::string(command_id), std::string(case_id));
      if (res.affected_rows() == 1) return;
      const auto existing =
          tx_->exec_params("SELECT case_id FROM commands WHERE command_id = $1", std::string(command_id));
      check_command_case(command_id, case_id,
                         existing.empty() ? std::string() : existing[0][0].as<std::string>());
    });
  }

  std::int64_t next_counter(std::string_view name) override {
    require_write("next_counter");
    require_text(name, "name");
    return write("advance a counter", [&] {
      return tx_
          ->exec_params(
              "INSERT INTO counters (name, value) VALUES ($1, 1) "
              "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
              std::string(name))[0][0]
          .as<std::int64_t>();
    });
  }

  // --- documents -------------------------------------------------------------------------------------------

  void remember_document(const StoredDocument& doc) override {
    require_write("remember_document");
    require_text(doc.kind, "kind");
    require_text(doc.name, "name");
    require_text(doc.hash, "hash");
    require_text(doc.content, "content");
    write("store a document", [&] {
      const auto ins = tx_->exec_params(
          "INSERT INTO documents (kind, name, version, hash, content) VALUES ($1, $2, $3, $4, $5) "
          "ON CONFLICT (kind, name, version) DO NOTHING",
          doc.kind, doc.name, doc.version, doc.hash, doc.content);
      if (ins.affected_rows() == 1) return;
      const auto res =
          tx_->exec_params("SELECT hash FROM documents WHERE kind = $1 AND name = $2 AND version = $3",
                           doc.kind, doc.name, doc.version);
      check_document_hash(doc, res.empty() ? std::string() : res[0][0].as<std::string>());
    });
  }

  // --- verification ----------------------------------------------------------------------------------------

  // --- the feed --------------------------------------------------------------------------------------------

  std::vector<FeedRecord> feed(const FeedQuery& q) override {
    return read("read the feed", [&] {
      std::vector<std::string> args{std::to_string(q.after)};
      for (const auto* list : {&q.kinds, &q.types, &q.cases}) {
        for (const auto& v : *list) {
          require_text(v, "filter");
          args.push_back(v);
        }
      }
      args.push_back(std::to_string(q.limit));
      const std::string sql = feed_sql(q, [](int n) { return "$" + std::to_string(n); });
      return rows::read_all(Rows(tx_->exec_params(sql, pqxx::prepare::make_dynamic_params(args))),
                            rows::feed_record);
    });
  }

  void set_feed_cursor(std::string_view consumer, std::int64_t cursor) override {
    require_write("set_feed_cursor");
    require_text(consumer, "consumer");
    write("move a feed cursor", [&] {
      tx_->exec_params(
          "INSERT INTO feed_consumers (name, cursor) VALUES ($1, $2) "
          "ON CONFLICT (name) DO UPDATE SET cursor = excluded.cursor",
          std::string(consumer), cursor);
    });
  }

  void prune_feed(std::int64_t up_to) override {
    require_write("prune_feed");
    write("prune the feed", [&] {
      tx_->exec_params("DELETE FROM feed WHERE seq <= $1", up_to);
      tx_->exec_params("UPDATE feed_mark SET pruned = greatest(pruned, $1)", up_to);
    });
  }

  std::vector<std::string> cases_without_feed_states() override {
    if (store_.schema_ < kFeedSchema) return {};
    return read("read the feed", [&] {
      return rows::read_all(
          Rows(tx_->exec(
              "SELECT DISTINCT case_id FROM feed WHERE backfilled AND state = '' ORDER BY case_id")),
          rows::first_text);
    });
  }

  void set_feed_state(std::string_view case_id, std::int64_t version, std::string_view state) override {
    require_write("set_feed_state");
    require_text(state, "state");
    write("fill in a feed record's state", [&] {
      tx_->exec_params(
          "UPDATE feed SET state = $1 WHERE case_id = $2 AND version = $3 AND backfilled AND state = ''",
          std::string(state), std::string(case_id), version);
    });
  }

  // --- savepoints and commit -------------------------------------------------------------------------------

  void savepoint(std::string_view name) override {
    check_savepoint_name(name);
    write("open a savepoint", [&] { tx_->exec("SAVEPOINT \"" + std::string(name) + "\""); });
  }

  void rollback_to(std::string_view name) override {
    check_savepoint_name(name);
    write("roll back to a savepoint", [&] {
      tx_->exec("ROLLBACK TO SAVEPOINT \"" + std::string(name) + "\"");
      tx_->exec("RELEASE SAVEPOINT \"" + std::string(name) + "\"");
    });
  }

  void release(std::string_view name) override {
    check_savepoint_name(name);
    write("release a savepoint", [&] { tx_->exec("RELEASE SAVEPOINT \"" + std::string(name) + "\""); });
  }

  void commit() override {
    require_active();
    try {
      if (writable_ && appended_) chain_ledger();
      tx_->commit();
      finish(true);
    } catch (const pqxx::in_doubt_error& e) {
      finish(false);
      throw Error(ErrorCode::storage, "The PostgreSQL database '" + store_.display_ +
                                          "' lost the connection while committing; whether the commit "
                                          "took effect is unknown, re-read before retrying: " +
                                          std::string(e.what()));
    } catch (const Error&) {
      finish(false);
      throw;
    } catch (const pqxx::broken_connection& e) {
      conn_->broken = true;
      finish(false);
      throw_storage("commit", store_.display_, e);
    } catch (const std::exception& e) {
      finish(false);
      throw_storage("commit", store_.display_, e);
    }
  }

 private:
  void begin() {
    if (writable_) {
      tx_ = std::make_unique<pqxx::work>(conn_->conn);
      // A lock held longer than the busy timeout is a storage error, as SQLite's busy timeout is. Set per
      // transaction: libpqxx 6 may silently reconnect an idle connection, losing session settings.
      tx_->exec("SET LOCAL lock_timeout = " + std::to_string(store_.config_.busy_timeout_ms));
    } else {
      tx_ = std::make_unique<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(conn_->conn);
    }
  }

  /// Every row of `sql` run with `args`, each read by `reader` (a reading statement, run by read()).
  template <class Reader, class... Args>
  auto select_all(std::string_view what, const std::string& sql, Reader reader, const Args&... args)
      -> decltype(rows::read_all(std::declval<Rows>(), reader)) {
    return read(what, [&] {
      if constexpr (sizeof...(Args) == 0) {
        return rows::read_all(Rows(tx_->exec(sql)), reader);
      } else {
        return rows::read_all(Rows(tx_->exec_params(sql, args...)), reader);
      }
    });
  }

  /// Runs a reading statement. If the connection is lost before anything was read in this transaction,
  /// the read runs again once on a fresh connection: the snapshot had not been taken yet, so the retry
  /// sees exactly what the first attempt would have.
  template <class F>
  auto read(std::string_view what, F&& f) -> decltype(f()) {
    require_active();
    for (int attempt = 0;; ++attempt) {
      try {
        auto out = f();
        used_ = true;
        return out;
      } catch (const Error&) {
        throw;
      } catch (const pqxx::broken_connection& e) {
        conn_->broken = true;
        if (writable_ || used_ || attempt == 1) {
          finish(false);
          throw_storage(what, store_.display_, e);
        }
        reconnect(what, e);
      } catch (const std::exception& e) {
        if (writable_) {
          finish(false);  // a failed statement aborts a PostgreSQL transaction: end it here
        }
        throw_storage(what, store_.display_, e);
      }
    }
  }

  /// Runs a writing statement: any failure ends the transaction (PostgreSQL aborts it anyway), so a lost
  /// connection leaves nothing behind. Error (conflict, not_found) from inside `atomically` keeps it usable.
  template <class F>
  auto write(std::string_view what, F&& f) -> decltype(f()) {
    require_active();
    try {
      auto run = [&] {
        if constexpr (std::is_void_v<decltype(f())>) {
          f();
          used_ = true;
        } else {
          auto out = f();
          used_ = true;
          return out;
        }
      };
      return run();
    } catch (const Error&) {
      throw;
    } catch (const pqxx::broken_connection& e) {
      conn_->broken = true;
      finish(false);
      throw_storage(what, store_.display_, e);
    } catch (const std::exception& e) {
      finish(false);
      throw_storage(what, store_.display_, e);
    }
  }

  void reconnect(std::string_view what, const std::exception& first) {
    tx_.reset();
    store_.release(std::move(conn_));
    try {
      conn_ = store_.acquire();
      begin();
    } catch (const Error&) {
      active_ = false;
      throw;
    } catch (const std::exception&) {
      finish(false);
      throw_storage(what, store_.display_, first);
    }
  }

  /// Runs `f` inside a savepoint, so a failure half-way (e.g. a unique violation: another process created
  /// the same case) leaves nothing behind and the transaction usable.
  template <class F>
  void atomically(const std::string& name, F&& f) {
    tx_->exec("SAVEPOINT " + name);
    try {
      f();
    } catch (const pqxx::unique_violation& e) {
      undo(name);
      throw Error(ErrorCode::conflict,
                  std::string("A concurrent writer stored the same row first: ") + e.what());
    } catch (const pqxx::broken_connection&) {
      throw;
    } catch (...) {
      undo(name);
      throw;
    }
    tx_->exec("RELEASE SAVEPOINT " + name);
  }

  void undo(const std::string& name) noexcept {
    try {
      tx_->exec("ROLLBACK TO SAVEPOINT " + name);
      tx_->exec("RELEASE SAVEPOINT " + name);
    } catch (...) {  // NOLINT(bugprone-empty-catch): the original error is the one to report
    }
  }

  /// Ends the transaction and hands the connection back at once, not at destruction.
  void finish(bool committed) noexcept {
    active_ = false;
    if (tx_ && !committed) {
      try {
        tx_->abort();
      } catch (...) {  // NOLINT(bugprone-empty-catch): the connection is marked broken below
        if (conn_) conn_->broken = true;
      }
    }
    tx_.reset();
    if (conn_) {
      if (!conn_->conn.is_open()) conn_->broken = true;
      store_.release(std::move(conn_));
    }
  }

  static void check_record(const CaseRecord& r) {
    require_text(r.id, "id");
    require_text(r.subject, "permit");
    require_text(r.applicant_id, "applicant_id");
    require_text(r.state, "state");
    require_text(r.light, "light");
    require_text(r.due, "due");
    require_text(r.awaiting_departments, "awaiting_departments");
  }

  void write_projection(const CaseRecord& r, std::int64_t version, bool upsert) {
    // $13 is keep_stored_snapshot: an existing row keeps its snapshot; a new row gets $11 and $12, bound
    // empty and 0 below in that case.
    static const std::string kUpsert =
        std::string("INSERT INTO cases (") + rows::kCaseColumns +
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO UPDATE SET "
        "permit = $2, definition_version = $3, applicant_id = $4, state = $5, version = $6, light = $7, "
        "due = $8, awaiting_departments = $9, document = $10, "
        "snapshot = CASE WHEN $13::boolean THEN cases.snapshot ELSE $11 END, "
        "snapshot_version = CASE WHEN $13::boolean THEN cases.snapshot_version ELSE $12 END";
    static const std::string kUpdate =
        "UPDATE cases SET permit = $2, definition_version = $3, applicant_id = $4, state = $5, version = $6, "
        "light = $7, due = $8, awaiting_departments = $9, document = $10, "
        "snapshot = CASE WHEN $13::boolean THEN snapshot ELSE $11 END, "
        "snapshot_version = CASE WHEN $13::boolean THEN snapshot_version ELSE $12 END WHERE id = $1";
    const bool keep = r.keep_stored_snapshot;
    tx_->exec_params(upsert ? kUpsert : kUpdate, r.id, r.subject, r.definition_version, r.applicant_id,
                     r.state, version, r.light, r.due, r.awaiting_departments, pqxx::binarystring(r.document),
                     pqxx::binarystring(keep ? std::string() : r.snapshot),
                     keep ? std::int64_t{0} : r.snapshot_version, keep);
  }

  /// Chains this transaction's surviving (pending) events into the ledger and the feed. The table lock
  /// makes committing writers take ledger and feed numbers one at a time, in commit order (the lock is held
  /// until the commit is visible); plain reads are not blocked by it.
  void chain_ledger() {
    struct Sql final : CommitSql {
      PostgresTransaction& t;
      explicit Sql(PostgresTransaction& tx) : t(tx) {}
      std::vector<EventRecord> surviving_events() override {
        return rows::read_all(
            Rows(t.tx_->exec(
                "SELECT case_id, seq, hash FROM events WHERE ledger_seq = 0 ORDER BY ledger_pos")),
            rows::event_key);
      }
      LedgerRecord lock_ledger() override {
        t.tx_->exec("LOCK TABLE ledger IN EXCLUSIVE MODE");
        return rows::read_first(Rows(t.tx_->exec(rows::kLedgerHead)), rows::ledger_head)
            .value_or(LedgerRecord{});
      }
      std::int64_t feed_head() override { return t.read_feed_bounds().head; }
      std::int64_t ledger_seq(std::int64_t next) override { return next; }
      void write_chain(const LedgerRecord& entry, const std::vector<FeedRow>& rows) override {
        t.tx_->exec_params("UPDATE events SET ledger_seq = $1 WHERE ledger_seq = 0", entry.seq);
        t.tx_->exec_params("INSERT INTO ledger (seq, prev_hash, hash, event_count) VALUES ($1, $2, $3, $4)",
                           entry.seq, entry.prev_hash, entry.hash, entry.event_count);
        for (const auto& [seq, r] : rows) {
          t.tx_->exec_params(
              "INSERT INTO feed (seq, case_id, version, kind, subject, state, backfilled) "
              "VALUES ($1, $2, $3, $4, $5, $6, false)",
              seq, r->case_id, r->version, r->kind, r->subject, r->state);
        }
      }
    } sql(*this);
    chain_commit(sql, pending_feed_, store_.schema_ >= kFeedSchema);
  }

  FeedBounds read_feed_bounds() {
    return rows::read_first(Rows(tx_->exec(rows::kFeedBounds)), rows::feed_bounds).value_or(FeedBounds{});
  }

  PostgresStore& store_;
  std::unique_ptr<PostgresStore::Connection> conn_;
  std::unique_ptr<pqxx::transaction_base> tx_;
  bool used_ = false;      // a statement has run: a lost connection can no longer be retried transparently
  bool appended_ = false;  // events were appended: commit() chains them into the ledger
  std::int64_t ledger_pos_ = 0;
  PendingFeed pending_feed_;  // the feed facts of appended events, written at commit
};

// --- the store ---------------------------------------------------------------------------------------------

PostgresStore::PostgresStore(const StoreConfig& config, int migrate_to)
    : DatabaseStore(config, "postgresql"), display_(without_password(config.database)) {
  if (!is_postgres_url(config.database)) {
    throw Error(ErrorCode::invalid_argument, "The PostgreSQL store needs a postgresql:// URL as database.",
                "/database");
  }
  if (config.pool_size < 1 || config.pool_size > 256) {
    throw Error(ErrorCode::invalid_argument,
                "pool_size must be 1 to 256 connections, not " + std::to_string(config.pool_size) + ".",
                "/pool_size");
  }
  check_busy_timeout(config);
  const int target = migrate_to < 0 ? postgres_latest_schema_version() : migrate_to;
  const std::string named = "The PostgreSQL database '" + display_ + "'";
  auto c = acquire();
  try {
    for (const auto& m : postgres_migrations()) {
      if (m.version > target) break;
      // One transaction per step under the advisory lock; re-read the version inside it, another process
      // may have migrated meanwhile.
      pqxx::work w(c->conn);
      w.exec(kMigrationLock);
      const int current = read_schema_version(w);
      refuse_newer_schema(named, current, postgres_latest_schema_version());
      if (current >= m.version) continue;  // w's destructor rolls back: nothing to do
      w.exec(kSchemaVersionTable);
      w.exec(m.sql);
      w.exec_params(kRecordMigration, m.version, std::string(m.description));
      w.commit();
    }
    {
      // Still refuse a newer schema when no migration step ran the check.
      pqxx::read_transaction r(c->conn);
      schema_ = read_schema_version(r);
      refuse_newer_schema(named, schema_, postgres_latest_schema_version());
    }
  } catch (const Error&) {
    release(std::move(c));
    throw;
  } catch (const std::exception& e) {
    c->broken = true;
    release(std::move(c));
    throw_storage("open or migrate", display_, e);
  }
  release(std::move(c));
}

PostgresStore::~PostgresStore() = default;

int PostgresStore::schema_version() {
  auto c = acquire();
  try {
    pqxx::read_transaction r(c->conn);
    const int v = read_schema_version(r);
    r.commit();
    release(std::move(c));
    return v;
  } catch (const std::exception& e) {
    c->broken = true;
    release(std::move(c));
    throw_storage("read its schema version", display_, e);
  }
}

std::size_t PostgresStore::open_connections() {
  std::lock_guard lock(pool_mutex_);
  return open_;
}

std::unique_ptr<Transaction> PostgresStore::begin_write() {
  return std::make_unique<PostgresTransaction>(*this, true);
}

std::unique_ptr<Transaction> PostgresStore::begin_read() {
  return std::make_unique<PostgresTransaction>(*this, false);
}

std::vector<std::unique_ptr<Transaction>> PostgresStore::begin_reads(int n) {
  std::vector<std::unique_ptr<Transaction>> out;
  auto first = std::make_unique<PostgresTransaction>(*this, false);
  const std::string snapshot = first->export_snapshot();
  out.push_back(std::move(first));
  // Never waits for a connection while holding one: two callers could each hold one and wait forever.
  while (static_cast<int>(out.size()) < n) {
    auto c = try_acquire();
    if (!c) break;
    out.push_back(std::make_unique<PostgresTransaction>(*this, std::move(c), snapshot));
  }
  return out;
}

std::unique_ptr<PostgresStore::Connection> PostgresStore::connect() {
  try {
    return std::make_unique<Connection>(config_.database);
  } catch (const std::exception& e) {
    throw_storage("accept a connection", display_, e);
  }
}

std::unique_ptr<PostgresStore::Connection> PostgresStore::acquire() {
  std::unique_lock lock(pool_mutex_);
  const auto room = [this] { return !idle_.empty() || open_ < static_cast<std::size_t>(config_.pool_size); };
  if (!pool_free_.wait_for(lock, std::chrono::milliseconds(config_.busy_timeout_ms), room)) {
    throw Error(ErrorCode::storage, "All " + std::to_string(config_.pool_size) +
                                        " connections to the PostgreSQL database '" + display_ +
                                        "' stayed busy for " + std::to_string(config_.busy_timeout_ms) +
                                        " ms; raise pool_size.");
  }
  return take(lock);
}

std::unique_ptr<PostgresStore::Connection> PostgresStore::try_acquire() {
  std::unique_lock lock(pool_mutex_);
  if (idle_.empty() && open_ >= static_cast<std::size_t>(config_.pool_size)) return nullptr;
  return take(lock);
}

std::unique_ptr<PostgresStore::Connection> PostgresStore::take(std::unique_lock<std::mutex>& lock) {
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return c;
  }
  ++open_;
  lock.unlock();
  try {
    return connect();
  } catch (...) {
    lock.lock();
    --open_;
    lock.unlock();
    pool_free_.notify_one();
    throw;
  }
}

void PostgresStore::release(std::unique_ptr<Connection> c) noexcept {
  if (!c) return;
  {
    std::lock_guard lock(pool_mutex_);
    if (c->broken) {
      --open_;
    } else {
      idle_.push_back(std::move(c));
    }
  }
  c.reset();  // a broken connection is closed outside the lock
  pool_free_.notify_one();
}

}  // namespace permitflow::store
