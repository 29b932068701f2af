// The Store: where cases, their event logs, timers and the ledger live. SQLite (embedded, default) and
// PostgreSQL (many engine processes on one database) implement the same interface, so the engine never
// knows which one it runs on.
//
// Everything happens inside a Transaction. A write transaction holds the database's write lock (SQLite) or
// row locks (PostgreSQL) until commit() or destruction; destroying it without commit() rolls everything back.
// Errors: storage failures throw Error(storage); a version mismatch in append() throws Error(conflict).
// A call that fails with Error(storage) may have written part of its change; nothing of it can be committed.
// SQLite keeps the transaction open but refuses every call except rollback_to() a savepoint opened before
// the failure (which takes the part away and makes it usable again) and its end; commit() then rolls back.
// PostgreSQL ends the transaction at once.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace permitflow::store {

/// One row of a case's event log. `actor` and `data` are JSON text stored and hashed byte for byte.
struct EventRecord {
  std::string case_id;
  std::int64_t seq = 0;   // 1, 2, 3 … within the case
  std::string type;       // past-tense snake_case (docs/contract.md §9)
  std::string at;         // RFC 3339 with offset
  std::string actor;      // JSON object text
  std::string data;       // JSON object text
  std::string prev_hash;  // hex SHA-256 of the previous event of the case ("" for seq 1)
  std::string hash;       // hex SHA-256, see hash_chain.hpp
  /// When appending: the case's state after this event, for its feed record ("" means the record's state).
  /// Not a column of events; events() leaves it empty.
  std::string state;
};

/// The projection of a case: what queries read, plus the full case document and a snapshot.
struct CaseRecord {
  std::string id;
  std::string subject;  // the permit type or the complaint category (column "permit")
  int definition_version = 0;
  std::string applicant_id;
  std::string state;
  std::int64_t version = 0;           // number of events in the log
  std::string light;                  // light of the case's running clock ("" when none runs)
  std::string due;                    // YYYY-MM-DD due of that clock ("" when none)
  std::string awaiting_departments;   // ",dept_a,dept_b," departments whose opinion is pending
  std::string document;               // the case JSON of docs/contract.md
  std::string snapshot;               // Boost.Serialization archive of the case ("" when none)
  std::int64_t snapshot_version = 0;  // the case version the snapshot was taken at
  /// When writing (append, update_projection): leave the stored snapshot and snapshot_version as they are,
  /// ignoring the two fields above, so a snapshot need not be taken at every command. An existing case only;
  /// a new case written with it gets an empty snapshot and snapshot_version 0. Never read back (false).
  bool keep_stored_snapshot = false;
  /// The workflow kind ("permit" or "complaint"), written to the feed records of appended events. Not a
  /// column of cases; read back as "".
  std::string kind = "permit";
};

/// One record of the feed (docs/feed.md): one per event, numbered by `seq` in commit order, gap-free.
struct FeedRecord {
  std::int64_t seq = 0;  // per database, 1, 2, 3 …
  std::string case_id;
  std::string kind;          // "permit" or "complaint"
  std::string subject;       // the permit type or the complaint category
  std::int64_t version = 0;  // the event's seq within its case
  std::string state;        // the case's state after the event ("" for a back-filled record that cannot know)
  bool backfilled = false;  // written by the migration for an event stored before the feed existed
  EventRecord event;        // type, at, actor, data, hash of the event (read back with the record)
};

/// What verify's walk of the feed reads of a record (feed_index_page): a few words, so a page of 4,096 is not
/// a page of whole records.
struct FeedIndexEntry {
  std::int64_t seq = 0;
  std::string case_id;
  std::int64_t version = 0;
};

/// What feed() reads: records with seq > after, in seq order, at most `limit` (1 or more).
struct FeedQuery {
  std::int64_t after = 0;
  int limit = 100;
  std::vector<std::string> kinds;  // any of these kinds; empty: any
  std::vector<std::string> types;  // any of these event types; empty: any
  std::vector<std::string> cases;  // any of these case ids; empty: any
};

/// A durable consumer of the feed and the last seq it acknowledged.
struct FeedConsumer {
  std::string name;
  std::int64_t cursor = 0;
};

/// The feed's bounds: records run from pruned + 1 to head without a gap.
struct FeedBounds {
  std::int64_t pruned = 0;  // the retention mark: every record with seq <= pruned was pruned
  std::int64_t head = 0;    // the last seq handed out (pruned when no record is left)
};

/// A pending deadline timer, unique per (case_id, kind, clock).
struct TimerRecord {
  std::string case_id;
  std::string kind;      // acceptance_deemed, correction_lapsed, deadline_warning, deadline_overdue, …
  std::string clock;     // which clock (the rung): acceptance_notice, decision, decision_statutory, …
  std::int64_t due = 0;  // epoch seconds
  auto operator<=>(const TimerRecord&) const = default;
};

/// Filters of query(); empty strings and zero limits mean "any".
struct CaseFilter {
  std::string subject;                  // the permit type or the complaint category (column "permit")
  std::vector<std::string> subject_in;  // any of these permit types or categories (a kind); empty: any
  std::string state;
  std::string light;
  std::string applicant;
  std::string awaiting_department;
  std::string due_before;  // due < this date
  std::string due_after;   // due > this date
  std::string after;       // cursor: ids strictly greater
  int limit = 0;
};

/// One entry of the ledger-wide chain: every committed transaction that appended events.
struct LedgerRecord {
  std::int64_t seq = 0;
  std::string prev_hash;
  std::string hash;  // SHA-256 over prev_hash and the hashes of the transaction's events, in order
  std::int64_t event_count = 0;
};

/// An event as the ledger walk of verify reads it: where it is filed and whose it is.
struct FiledEvent {
  std::int64_t ledger_seq = 0;  // the ledger entry it is filed under (events.ledger_seq)
  std::string hash;
  std::string case_id;
  std::int64_t seq = 0;
  bool has_case = false;  // its case has a projection row (a deleted case's events have none)
};

/// A stored definition or calendar version (content and hash), kept so replay is deterministic.
struct StoredDocument {
  std::string kind;  // "definition" or "calendar"
  std::string name;  // permit id, or "calendar"
  std::int64_t version = 0;
  std::string hash;
  std::string content;
};

class Transaction {
 public:
  virtual ~Transaction() = default;

  // --- cases and events -----------------------------------------------------------------------------
  virtual std::optional<CaseRecord> load_case(std::string_view id) = 0;
  /// Events with seq > after_seq, in order.
  virtual std::vector<EventRecord> events(std::string_view case_id, std::int64_t after_seq) = 0;
  /// The events of every case id in [first, last] (the store's id order), by case id and then seq: one read
  /// for a page of cases (verify). Events of an id with no projection row are included.
  virtual std::vector<EventRecord> events_of_cases(std::string_view first, std::string_view last) = 0;
  /// Appends `events` to the case's log and writes the projection `record` (a new case when
  /// expected_version is 0). Fills each event's seq, prev_hash and hash. Throws Error(conflict) when the
  /// stored version differs from expected_version (or the case exists when expected_version is 0).
  virtual void append(const CaseRecord& record, std::int64_t expected_version,
                      std::vector<EventRecord>& events) = 0;
  /// Overwrites the projection only (e.g. to store a snapshot), without events.
  virtual void update_projection(const CaseRecord& record) = 0;
  virtual std::vector<CaseRecord> query(const CaseFilter& filter) = 0;
  /// Up to `limit` case ids in id order: the first ones, or those after `after`.
  virtual std::vector<std::string> case_ids_page(const std::optional<std::string>& after, int limit) = 0;
  /// Every case id, in id order (one read; verify pages with case_ids_page).
  std::vector<std::string> case_ids() { return case_ids_page(std::nullopt, kWhole); }

  // --- timers ---------------------------------------------------------------------------------------
  /// Replaces every pending timer of the case by `timers`.
  virtual void replace_timers(std::string_view case_id, const std::vector<TimerRecord>& timers) = 0;
  /// The same, for a caller that holds the case's stored timers (read by timers() in this transaction, and
  /// not written since): a backend may take the difference against `stored` instead of reading them again.
  /// Both lists are checked as replace_timers checks `timers`. (Default: checks, then replace_timers.)
  virtual void replace_known_timers(std::string_view case_id, const std::vector<TimerRecord>& stored,
                                    const std::vector<TimerRecord>& timers);
  /// Pending timers of one case due at or before `now`, in due order.
  virtual std::vector<TimerRecord> due_timers(std::string_view case_id, std::int64_t now) = 0;
  /// Claims up to `limit` pending timers of any case due at or before `now`, in due order (PostgreSQL:
  /// FOR UPDATE SKIP LOCKED, so two engines never claim the same one).
  virtual std::vector<TimerRecord> claim_due_timers(std::int64_t now, int limit) = 0;
  /// All pending timers of a case.
  virtual std::vector<TimerRecord> timers(std::string_view case_id) = 0;

  // --- idempotent commands and case numbers -----------------------------------------------------------
  /// The case a command id was applied to, if it was.
  virtual std::optional<std::string> find_command(std::string_view command_id) = 0;
  virtual void record_command(std::string_view command_id, std::string_view case_id) = 0;
  /// The next value (1, 2, …) of a named counter, e.g. the daily case number of a permit.
  virtual std::int64_t next_counter(std::string_view name) = 0;

  // --- definitions and calendars used by cases --------------------------------------------------------
  /// Stores a document version unless the same (kind, name, version) is already stored; throws
  /// Error(conflict) if it is stored with a different hash.
  virtual void remember_document(const StoredDocument& doc) = 0;
  virtual std::vector<StoredDocument> documents() = 0;

  // --- verification: read in pages, so that what verify holds does not grow with the database ---------
  /// Up to `limit` ledger entries with seq > after, in seq order.
  virtual std::vector<LedgerRecord> ledger_page(std::int64_t after, int limit) = 0;
  /// The events filed under ledger seqs in (after, up_to], whether or not such an entry exists, in commit
  /// order (ledger_seq, then append order within the entry).
  virtual std::vector<FiledEvent> filed_events(std::int64_t after, std::int64_t up_to) = 0;
  /// Up to `limit` feed records with seq > after, in seq order: seq, case_id and version only.
  virtual std::vector<FeedIndexEntry> feed_index_page(std::int64_t after, int limit) = 0;
  // The whole tables at once, for tests and tools on small databases.
  std::vector<LedgerRecord> ledger() { return ledger_page(kBefore, kWhole); }
  /// The hashes of the events each ledger entry covers: (ledger seq, event hash) in commit order.
  std::vector<std::pair<std::int64_t, std::string>> ledger_event_hashes() {
    std::vector<std::pair<std::int64_t, std::string>> out;
    for (auto& e : filed_events(kBefore, std::numeric_limits<std::int64_t>::max()))
      out.emplace_back(e.ledger_seq, std::move(e.hash));
    return out;
  }
  std::vector<FeedIndexEntry> feed_index() { return feed_index_page(kBefore, kWhole); }
  /// A walk that reads the same pages twice, close together (verify: a case's events, then the ledger's),
  /// may ask a read transaction to keep up to `kib` KiB of pages until it ends. A hint: a backend without a
  /// page cache of its own ignores it.
  virtual void keep_pages(std::int64_t kib) { (void)kib; }

  // --- the feed (docs/feed.md) -----------------------------------------------------------------------------
  virtual std::vector<FeedRecord> feed(const FeedQuery& query) = 0;
  virtual FeedBounds feed_bounds() = 0;
  virtual std::vector<FeedConsumer> feed_consumers() = 0;
  /// Creates the consumer or moves its cursor to `cursor` (the caller checks direction and bounds).
  virtual void set_feed_cursor(std::string_view consumer, std::int64_t cursor) = 0;
  /// Deletes the records with seq <= up_to and raises the retention mark to up_to (never lowers it).
  virtual void prune_feed(std::int64_t up_to) = 0;
  /// Cases that have back-filled records without a state (the migration knew only each case's newest).
  virtual std::vector<std::string> cases_without_feed_states() = 0;
  /// Sets the state of a back-filled record whose state is still unknown; any other record is left alone.
  virtual void set_feed_state(std::string_view case_id, std::int64_t version, std::string_view state) = 0;

  // --- savepoints and commit --------------------------------------------------------------------------
  /// A nested all-or-nothing scope inside the transaction.
  virtual void savepoint(std::string_view name) = 0;
  virtual void rollback_to(std::string_view name) = 0;
  virtual void release(std::string_view name) = 0;
  /// Chains the transaction's events into the ledger and commits.
  virtual void commit() = 0;

  /// A seq before every stored one, and a limit that takes a whole table.
  static constexpr std::int64_t kBefore = std::numeric_limits<std::int64_t>::min();
  static constexpr int kWhole = std::numeric_limits<int>::max();
};

struct StoreConfig {
  std::string database;              // a file path, or postgresql://…
  std::string synchronous = "full";  // SQLite: full | normal
  int busy_timeout_ms = 10000;       // SQLite: busy timeout; PostgreSQL: lock and pool wait timeout
  int pool_size = 4;                 // PostgreSQL: connections per store (1–256)
};

class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;  // a store owns connections: one per open database
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;
  virtual std::unique_ptr<Transaction> begin_write() = 0;
  virtual std::unique_ptr<Transaction> begin_read() = 0;
  /// Up to `n` read transactions (at least one) that all see the same snapshot of the database, for a
  /// reader that splits one consistent read across threads (verify), each transaction on one thread. Fewer
  /// when the backend has no connection to spare without waiting (PostgreSQL: its pool).
  virtual std::vector<std::unique_ptr<Transaction>> begin_reads(int n) = 0;
  virtual std::string backend() const = 0;  // "sqlite" or "postgresql"
};

/// Opens (creating and migrating as needed) the store a config names.
std::unique_ptr<Store> open_store(const StoreConfig& config);

}  // namespace permitflow::store
