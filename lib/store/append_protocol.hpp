// The store's append protocol, written once for both backends (as timer_diff is for replace_timers): the
// argument checks, the version check and its conflict messages, filling seq/prev_hash/hash, savepoint names,
// at commit the ledger entry and the feed records of the transaction's surviving events, and the checks
// that a transaction is still open and may write. A backend supplies only the SQL, through AppendSql and
// CommitSql. docs/log_format.md describes the result.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/store.hpp"

namespace permitflow::store {

/// The schema version (both backends) that added the feed tables.
inline constexpr int kFeedSchema = 3;

/// Throws Error(invalid_argument) unless `name` is a plain identifier of 1 to 63 bytes (PostgreSQL keeps
/// 63 bytes of an identifier; SQLite follows the same rule so both backends accept the same names).
void check_savepoint_name(std::string_view name);

/// What both backends' transactions check, in one copy so both refuse in the same words: a transaction is
/// open until it commits or ends, only one begun with begin_write() writes, and the arguments and stored
/// rows that the calls of both refuse.
class CheckedTransaction : public Transaction {
 public:
  CheckedTransaction(const CheckedTransaction&) = delete;  // it holds its connection (or the write lock)
  CheckedTransaction& operator=(const CheckedTransaction&) = delete;

 protected:
  explicit CheckedTransaction(bool writable) : writable_(writable) {}
  /// Throws Error(internal) once the transaction has committed or ended.
  void require_active() const;
  /// require_active(), and throws Error(internal) naming `method` in a read transaction.
  void require_write(const char* method) const;

  /// Throws Error(invalid_argument) for a negative `limit` (query, claim_due_timers).
  static void check_limit(int limit);
  /// update_projection: Error(not_found) when the case is not stored (`stored` none), Error(conflict) when
  /// it is stored at another version than the record's.
  static void check_projection_version(const CaseRecord& record, std::optional<std::int64_t> stored);
  /// record_command: Error(invalid_argument) for an empty command id.
  static void check_command_id(std::string_view command_id);
  /// record_command: Error(conflict) unless the command id is stored for `case_id` (`stored_case`, the
  /// case it is stored for).
  static void check_command_case(std::string_view command_id, std::string_view case_id,
                                 std::string_view stored_case);
  /// remember_document: Error(conflict) unless the stored version of the document has its hash.
  static void check_document_hash(const StoredDocument& doc, std::string_view stored_hash);

  const bool writable_;
  bool active_ = false;  // set by the backend once its BEGIN succeeded, cleared when it ends
};

/// The SQL one backend runs for Transaction::append.
class AppendSql {
 public:
  virtual ~AppendSql() = default;
  /// The stored version of the case, locked against other writers until commit; nullopt when absent.
  virtual std::optional<std::int64_t> lock_case_version(const std::string& case_id) = 0;
  /// The stored hash of event `seq` of the case; nullopt when it is missing.
  virtual std::optional<std::string> event_hash(const std::string& case_id, std::int64_t seq) = 0;
  /// All or nothing: upserts the projection `record` at `version` and inserts `events` (filled).
  virtual void write_case(const CaseRecord& record, std::int64_t version,
                          const std::vector<EventRecord>& events) = 0;
};

/// What append() keeps in memory for commit: the feed facts (kind, subject, state after the event) of each
/// appended event by (case, seq). The event rows decide which survive: an event under a rolled-back
/// savepoint is gone at commit, and a later append of the same (case, seq) replaces its entry here.
class PendingFeed {
 public:
  void add(const CaseRecord& record, const std::vector<EventRecord>& events);
  /// The feed row of a surviving event (its seq not yet set); throws Error(internal) if append() never saw
  /// it.
  const FeedRecord& row(const std::string& case_id, std::int64_t seq) const;
  bool empty() const { return rows_.empty(); }
  void clear() { rows_.clear(); }

 private:
  std::map<std::pair<std::string, std::int64_t>, FeedRecord> rows_;
};

/// Transaction::append for any backend: checks the arguments, checks the stored version (Error(conflict)
/// with the message both backends give), fills seq, prev_hash and hash, writes through `sql` and notes the
/// feed facts in `pending`. `check_text` is called on each text the backend must store (PostgreSQL refuses
/// NUL bytes in text columns); pass nullptr when every byte is fine.
void append_events(AppendSql& sql, PendingFeed& pending, const CaseRecord& record,
                   std::int64_t expected_version, std::vector<EventRecord>& events,
                   void (*check_text)(std::string_view value, const char* field));

/// The SELECT of Transaction::feed for `q`: parameters in order after, kinds…, types…, limit; `param(n)`
/// spells the n-th (1-based) placeholder of the backend. Columns: seq, case_id, kind, subject, version,
/// state, backfilled, type, at, actor, data, prev_hash, hash.
std::string feed_sql(const FeedQuery& q, std::string (*param)(int n));

/// The SELECT of Transaction::query for `filter`: the columns rows::kCaseColumns names, read `from` (the
/// backend's FROM clause, with " FROM"). The text parameters go to `args` in order; the last parameter is the
/// limit, which the caller binds (query_limit()). `param(n)` spells the n-th (1-based) placeholder of the
/// backend and `contains(column, placeholder)` its test that a text column holds the parameter.
std::string case_query_sql(const CaseFilter& filter, std::string_view from, std::string (*param)(int n),
                           std::string (*contains)(std::string_view column, const std::string& placeholder),
                           std::vector<std::string>& args);
/// The limit case_query_sql's last parameter takes: filter.limit, or for 0 (any) a limit that takes all.
std::int64_t query_limit(const CaseFilter& filter);

/// The SQL one backend runs when a write transaction commits.
class CommitSql {
 public:
  virtual ~CommitSql() = default;
  /// This transaction's surviving events, (case_id, seq, hash), in append order.
  virtual std::vector<EventRecord> surviving_events() = 0;
  /// Locks the ledger (and so the feed) against other committers until commit; returns its last entry
  /// (seq 0 and hash "" when empty).
  virtual LedgerRecord lock_ledger() = 0;
  /// The feed's head seq (read after lock_ledger()).
  virtual std::int64_t feed_head() = 0;
  /// The ledger seq this transaction must use: `next` unless the backend took one earlier.
  virtual std::int64_t ledger_seq(std::int64_t next) = 0;
  /// A feed row to insert: its seq, and the rest as PendingFeed holds it (not copied: a batch has hundreds).
  struct FeedRow {
    std::int64_t seq;
    const FeedRecord* record;
  };
  /// Inserts the ledger entry and the feed rows (and gives pending events their ledger seq).
  virtual void write_chain(const LedgerRecord& entry, const std::vector<FeedRow>& rows) = 0;
};

/// Chains the surviving events into one ledger entry and numbers their feed records after the head, in
/// append order, so seq follows commit order without gaps. Does nothing when no event survived. Without
/// `with_feed` (a store held at a schema before the feed, a test hook) it writes the ledger entry only.
void chain_commit(CommitSql& sql, const PendingFeed& pending, bool with_feed);

}  // namespace permitflow::store
