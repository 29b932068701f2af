// The records both backends read back, each built from a row in one place (as timer_diff and append_protocol
// share their logic): the column order of each SELECT is written down once here, next to what it fills, and
// so is the SQL both backends run alike (SQLite takes $1, $2 as its parameters 1, 2, as in verify_sql.hpp). A
// backend adapts its row to four reads of column i, `text(i)`, `bytes(i)` (a BYTEA in PostgreSQL, a TEXT or
// BLOB in SQLite), `int64(i)` and `flag(i)` (a boolean), and its result to a cursor with `next()` (moves to
// the next row, false after the last) and `row()`, which read_all() walks.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "store/append_protocol.hpp"
#include "store/store.hpp"
#include "store/verify_sql.hpp"

namespace permitflow::store::rows {

/// Every row of `cursor`, each read by `read`.
template <class Cursor, class Read>
auto read_all(Cursor&& cursor, Read read) {
  std::vector<std::decay_t<decltype(read(cursor.row()))>> out;
  while (cursor.next()) out.push_back(read(cursor.row()));
  return out;
}

/// The first row of `cursor` read by `read`; nullopt when there is none.
template <class Cursor, class Read>
auto read_first(Cursor&& cursor, Read read) -> std::optional<std::decay_t<decltype(read(cursor.row()))>> {
  if (!cursor.next()) return std::nullopt;
  return read(cursor.row());
}

/// The ledger's last entry (seq and hash only): read at commit, under the ledger's lock.
inline constexpr const char* kLedgerHead = "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1";
inline constexpr auto ledger_head = [](const auto& r) { return LedgerRecord{r.int64(0), {}, r.text(1), 0}; };

/// The feed's bounds. Both are index lookups: this runs at every commit that appends events and at every
/// feed read.
inline constexpr const char* kFeedBounds =
    "SELECT m.pruned, coalesce((SELECT max(seq) FROM feed), 0) FROM feed_mark m";
inline constexpr auto feed_bounds = [](const auto& r) {
  const std::int64_t pruned = r.int64(0);
  return FeedBounds{pruned, std::max(pruned, r.int64(1))};
};

/// `SELECT case_id, seq, type, at, actor, data, prev_hash, hash FROM events`, as kEventsAfter reads them.
inline constexpr const char* kEventsAfter =
    "SELECT case_id, seq, type, at, actor, data, prev_hash, hash FROM events "
    "WHERE case_id = $1 AND seq > $2 ORDER BY seq";
inline constexpr auto event = [](const auto& r) {
  return EventRecord{r.text(0),  r.int64(1), r.text(2), r.text(3), r.bytes(4),
                     r.bytes(5), r.text(6),  r.text(7), ""};
};

/// `SELECT case_id, seq, hash FROM events`: what the ledger and the feed need of an event.
inline constexpr auto event_key = [](const auto& r) {
  return EventRecord{r.text(0), r.int64(1), {}, {}, {}, {}, {}, r.text(2), {}};
};

/// The columns of a case row, in the order case_record reads them (a case without a snapshot reads "" and 0).
inline constexpr const char* kCaseColumns =
    "id, permit, definition_version, applicant_id, state, version, light, due, awaiting_departments, "
    "document, snapshot, snapshot_version";
inline constexpr auto case_record = [](const auto& r) {
  CaseRecord c;
  c.id = r.text(0);
  c.subject = r.text(1);
  c.definition_version = static_cast<int>(r.int64(2));
  c.applicant_id = r.text(3);
  c.state = r.text(4);
  c.version = r.int64(5);
  c.light = r.text(6);
  c.due = r.text(7);
  c.awaiting_departments = r.text(8);
  c.document = r.bytes(9);
  c.snapshot = r.bytes(10);
  c.snapshot_version = r.int64(11);
  return c;
};

/// `SELECT case_id, kind, clock, due FROM timers`, as the reads below.
inline constexpr auto timer = [](const auto& r) {
  return TimerRecord{r.text(0), r.text(1), r.text(2), r.int64(3)};
};
inline constexpr const char* kTimersOfCase =
    "SELECT case_id, kind, clock, due FROM timers WHERE case_id = $1 ORDER BY due, kind, clock";
inline constexpr const char* kDueTimersOfCase =
    "SELECT case_id, kind, clock, due FROM timers WHERE case_id = $1 AND due <= $2 ORDER BY due, kind, clock";

/// kDocuments.
inline constexpr const char* kDocuments =
    "SELECT kind, name, version, hash, content FROM documents ORDER BY kind, name, version";
inline constexpr auto document = [](const auto& r) {
  return StoredDocument{r.text(0), r.text(1), r.int64(2), r.text(3), r.text(4)};
};

/// verify_sql::kLedgerPage.
inline constexpr auto ledger = [](const auto& r) {
  return LedgerRecord{r.int64(0), r.text(1), r.text(2), r.int64(3)};
};

/// verify_sql::kFiledEvents.
inline constexpr auto filed_event = [](const auto& r) {
  return FiledEvent{r.int64(0), r.text(1), r.text(2), r.int64(3), r.flag(4)};
};

/// The columns of feed_sql(): seq, case_id, kind, subject, version, state, backfilled, then the event's
/// type, at, actor, data, prev_hash, hash.
inline constexpr auto feed_record = [](const auto& r) {
  FeedRecord f{r.int64(0), r.text(1), r.text(2), r.text(3), r.int64(4), r.text(5), r.flag(6), {}};
  f.event = EventRecord{f.case_id,   f.version,  r.text(7),  r.text(8), r.bytes(9),
                        r.bytes(10), r.text(11), r.text(12), f.state};
  return f;
};

/// verify_sql::kFeedIndexPage: seq, case_id and version only.
inline constexpr auto feed_index = [](const auto& r) {
  return FeedIndexEntry{r.int64(0), r.text(1), r.int64(2)};
};

/// kFeedConsumers.
inline constexpr const char* kFeedConsumers = "SELECT name, cursor FROM feed_consumers ORDER BY name";
inline constexpr auto consumer = [](const auto& r) { return FeedConsumer{r.text(0), r.int64(1)}; };

/// A one-column text SELECT (case ids).
inline constexpr auto first_text = [](const auto& r) { return r.text(0); };

}  // namespace permitflow::store::rows

namespace permitflow::store {

/// The reads whose SQL and rows are the same in both backends, written once: `Backend` (the transaction
/// class deriving from this) supplies `select_all(what, sql, read, args…)`, every row of `sql` bound to
/// `args` and read by `read`, with its own error handling naming `what`.
template <class Backend>
class SharedReads : public CheckedTransaction {
 public:
  std::vector<EventRecord> events(std::string_view case_id, std::int64_t after_seq) override {
    return self().select_all("read events", rows::kEventsAfter, rows::event, std::string(case_id), after_seq);
  }
  std::vector<EventRecord> events_of_cases(std::string_view first, std::string_view last) override {
    return self().select_all("read events", verify_sql::kEventsOfCases, rows::event, std::string(first),
                             std::string(last));
  }
  std::vector<TimerRecord> due_timers(std::string_view case_id, std::int64_t now) override {
    return self().select_all("read due timers", rows::kDueTimersOfCase, rows::timer, std::string(case_id),
                             now);
  }
  std::vector<TimerRecord> timers(std::string_view case_id) override {
    return self().select_all("read timers", rows::kTimersOfCase, rows::timer, std::string(case_id));
  }
  std::vector<StoredDocument> documents() override {
    return self().select_all("read documents", rows::kDocuments, rows::document);
  }
  std::vector<LedgerRecord> ledger_page(std::int64_t after, int limit) override {
    return self().select_all("read the ledger", verify_sql::kLedgerPage, rows::ledger, after, limit);
  }
  std::vector<FiledEvent> filed_events(std::int64_t after, std::int64_t up_to) override {
    return self().select_all("read the ledger's events", verify_sql::kFiledEvents, rows::filed_event, after,
                             up_to);
  }
  FeedBounds feed_bounds() override {
    const auto bounds = self().select_all("read the feed's bounds", rows::kFeedBounds, rows::feed_bounds);
    return bounds.empty() ? FeedBounds{} : bounds.front();
  }
  std::vector<FeedConsumer> feed_consumers() override {
    return self().select_all("read the feed's consumers", rows::kFeedConsumers, rows::consumer);
  }
  std::vector<FeedIndexEntry> feed_index_page(std::int64_t after, int limit) override {
    return self().select_all("read the feed's index", verify_sql::kFeedIndexPage, rows::feed_index, after,
                             limit);
  }

 protected:
  explicit SharedReads(bool writable) : CheckedTransaction(writable) {}

 private:
  Backend& self() { return static_cast<Backend&>(*this); }
};

}  // namespace permitflow::store
