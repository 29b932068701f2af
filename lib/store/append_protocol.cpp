#include "store/append_protocol.hpp"

#include <limits>

#include "permitflow/error.hpp"
#include "store/hash_chain.hpp"
#include "store/rows.hpp"

namespace permitflow::store {

void CheckedTransaction::require_active() const {
  if (!active_) throw Error(ErrorCode::internal, "The store transaction is already committed or ended.");
}

void CheckedTransaction::require_write(const char* method) const {
  require_active();
  if (!writable_) {
    throw Error(ErrorCode::internal,
                std::string(method) + "() needs a write transaction; this one was begun with begin_read().");
  }
}

void CheckedTransaction::check_limit(int limit) {
  if (limit < 0) throw Error(ErrorCode::invalid_argument, "limit must not be negative", "/limit");
}

void CheckedTransaction::check_projection_version(const CaseRecord& record,
                                                  std::optional<std::int64_t> stored) {
  if (!stored) throw Error(ErrorCode::not_found, "Case '" + record.id + "' does not exist.");
  if (*stored != record.version) {
    throw Error(ErrorCode::conflict, "Case '" + record.id + "' is at version " + std::to_string(*stored) +
                                         "; a projection of version " + std::to_string(record.version) +
                                         " cannot replace it.");
  }
}

void CheckedTransaction::check_command_id(std::string_view command_id) {
  if (command_id.empty()) throw Error(ErrorCode::invalid_argument, "The command id is empty.", "/command_id");
}

void CheckedTransaction::check_command_case(std::string_view command_id, std::string_view case_id,
                                            std::string_view stored_case) {
  if (stored_case == case_id) return;
  throw Error(ErrorCode::conflict, "Command id '" + std::string(command_id) +
                                       "' was already applied to case '" + std::string(stored_case) + "'.");
}

void CheckedTransaction::check_document_hash(const StoredDocument& doc, std::string_view stored_hash) {
  if (stored_hash == doc.hash) return;
  throw Error(ErrorCode::conflict, "The " + doc.kind + " '" + doc.name + "' version " +
                                       std::to_string(doc.version) +
                                       " is already stored with different content (hash " +
                                       std::string(stored_hash) + ", now " + doc.hash + ").");
}

void check_savepoint_name(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 63;
  for (std::size_t i = 0; ok && i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    ok = alpha || (digit && i > 0);
  }
  if (!ok) {
    throw Error(ErrorCode::invalid_argument,
                "Savepoint name '" + std::string(name) + "' is not a plain identifier of 1 to 63 bytes.");
  }
}

void PendingFeed::add(const CaseRecord& record, const std::vector<EventRecord>& events) {
  for (const auto& e : events) {
    FeedRecord r;
    r.case_id = record.id;
    r.kind = record.kind;
    r.subject = record.subject;
    r.version = e.seq;
    r.state = e.state.empty() ? record.state : e.state;
    rows_[{record.id, e.seq}] = std::move(r);
  }
}

const FeedRecord& PendingFeed::row(const std::string& case_id, std::int64_t seq) const {
  const auto it = rows_.find({case_id, seq});
  if (it == rows_.end()) {
    throw Error(ErrorCode::internal, "event " + std::to_string(seq) + " of case '" + case_id +
                                         "' was not appended by this transaction");
  }
  return it->second;
}

void append_events(AppendSql& sql, PendingFeed& pending, const CaseRecord& record,
                   std::int64_t expected_version, std::vector<EventRecord>& events,
                   void (*check_text)(std::string_view value, const char* field)) {
  if (expected_version < 0) {
    throw Error(ErrorCode::invalid_argument, "expected_version must not be negative", "/expected_version");
  }
  if (record.id.empty()) throw Error(ErrorCode::invalid_argument, "The case record has no id.", "/id");
  for (const auto& e : events) {
    if (!e.case_id.empty() && e.case_id != record.id) {
      throw Error(ErrorCode::invalid_argument,
                  "An event for case '" + e.case_id + "' was appended to case '" + record.id + "'.");
    }
    if (check_text) {
      check_text(e.type, "type");
      check_text(e.at, "at");
      check_text(e.state, "state");
    }
  }
  if (check_text) check_text(record.kind, "kind");

  const std::optional<std::int64_t> stored = sql.lock_case_version(record.id);
  if (expected_version == 0 && stored) {
    throw Error(ErrorCode::conflict, "Case '" + record.id + "' already exists (version " +
                                         std::to_string(*stored) + "); it cannot be created again.");
  }
  if (expected_version > 0 && stored != expected_version) {
    throw Error(ErrorCode::conflict,
                "Case '" + record.id + "' is at version " + (stored ? std::to_string(*stored) : "none") +
                    ", not at the expected version " + std::to_string(expected_version) + ".");
  }
  std::string prev;
  if (expected_version > 0) {
    auto hash = sql.event_hash(record.id, expected_version);
    if (!hash) {
      throw Error(ErrorCode::storage, "The log of case '" + record.id + "' has no event " +
                                          std::to_string(expected_version) + " although its version is " +
                                          std::to_string(expected_version) + ".");
    }
    prev = std::move(*hash);
  }
  std::vector<EventRecord> filled = events;
  std::int64_t seq = expected_version;
  for (auto& e : filled) {
    e.case_id = record.id;
    e.seq = ++seq;
    e.prev_hash = prev;
    e.hash = event_hash(prev, e);
    prev = e.hash;
  }
  sql.write_case(record, expected_version + static_cast<std::int64_t>(filled.size()), filled);
  pending.add(record, filled);
  events = std::move(filled);
}

std::string feed_sql(const FeedQuery& q, std::string (*param)(int n)) {
  int n = 0;
  std::string sql =
      "SELECT f.seq, f.case_id, f.kind, f.subject, f.version, f.state, f.backfilled, e.type, e.at, e.actor, "
      "e.data, e.prev_hash, e.hash FROM feed f JOIN events e ON e.case_id = f.case_id AND e.seq = f.version "
      "WHERE f.seq > " +
      param(++n);
  const auto in = [&](const char* column, std::size_t count) {
    if (count == 0) return;
    sql += std::string(" AND ") + column + " IN (";
    for (std::size_t k = 0; k < count; ++k) sql += (k ? ", " : "") + param(++n);
    sql += ")";
  };
  in("f.kind", q.kinds.size());
  in("e.type", q.types.size());
  in("f.case_id", q.cases.size());
  return sql + " ORDER BY f.seq LIMIT " + param(++n);
}

std::string case_query_sql(const CaseFilter& filter, std::string_view from, std::string (*param)(int n),
                           std::string (*contains)(std::string_view column, const std::string& placeholder),
                           std::vector<std::string>& args) {
  // The text depends only on which filters are set (SQLite prepares each shape once and caches it).
  std::string sql = std::string("SELECT ") + rows::kCaseColumns + std::string(from) + " WHERE 1 = 1";
  const auto next = [&](std::string arg) {
    args.push_back(std::move(arg));
    return param(static_cast<int>(args.size()));
  };
  const auto add = [&](const std::string& value, const char* test) {
    if (!value.empty()) sql += std::string(" AND ") + test + next(value);
  };
  add(filter.subject, "permit = ");
  if (!filter.subject_in.empty()) {
    sql += " AND permit IN (";
    for (std::size_t k = 0; k < filter.subject_in.size(); ++k)
      sql += (k ? ", " : "") + next(filter.subject_in[k]);
    sql += ")";
  }
  add(filter.state, "state = ");
  add(filter.light, "light = ");
  add(filter.applicant, "applicant_id = ");
  if (!filter.awaiting_department.empty())
    sql += " AND " + contains("awaiting_departments", next("," + filter.awaiting_department + ","));
  add(filter.due_before, "due <> '' AND due < ");
  add(filter.due_after, "due <> '' AND due > ");
  add(filter.after, "id > ");
  return sql + " ORDER BY id LIMIT " + param(static_cast<int>(args.size()) + 1);
}

std::int64_t query_limit(const CaseFilter& filter) {
  return filter.limit == 0 ? std::numeric_limits<std::int64_t>::max() : std::int64_t{filter.limit};
}

void chain_commit(CommitSql& sql, const PendingFeed& pending, bool with_feed) {
  const std::vector<EventRecord> survivors = sql.surviving_events();
  if (survivors.empty()) return;
  const LedgerRecord head = sql.lock_ledger();
  const std::int64_t feed_head = with_feed ? sql.feed_head() : 0;
  std::vector<std::string> hashes;
  hashes.reserve(survivors.size());
  std::vector<CommitSql::FeedRow> rows;
  rows.reserve(survivors.size());
  std::int64_t seq = feed_head;
  for (const auto& e : survivors) {
    hashes.push_back(e.hash);
    if (with_feed) rows.push_back({++seq, &pending.row(e.case_id, e.seq)});
  }
  LedgerRecord entry;
  entry.seq = sql.ledger_seq(head.seq + 1);
  entry.prev_hash = head.hash;
  entry.hash = ledger_hash(head.hash, hashes);
  entry.event_count = static_cast<std::int64_t>(hashes.size());
  sql.write_chain(entry, rows);
}

}  // namespace permitflow::store
