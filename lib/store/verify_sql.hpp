// The SQL of the paged reads verify walks the database with (Transaction::case_ids_page, events_of_cases,
// ledger_page, filed_events, feed_index_page), written once for both backends: both accept this text, SQLite
// taking $1 and $2 as its parameters 1 and 2. Each read is a range of an index in its order, so a page costs
// the same wherever it starts.
#pragma once

namespace permitflow::store::verify_sql {

inline constexpr const char* kFirstCaseIds = "SELECT id FROM cases ORDER BY id LIMIT $1";
inline constexpr const char* kCaseIdsAfter = "SELECT id FROM cases WHERE id > $1 ORDER BY id LIMIT $2";
// The primary key (case_id, seq) in its order.
inline constexpr const char* kEventsOfCases =
    "SELECT case_id, seq, type, at, actor, data, prev_hash, hash FROM events "
    "WHERE case_id >= $1 AND case_id <= $2 ORDER BY case_id, seq";
inline constexpr const char* kLedgerPage =
    "SELECT seq, prev_hash, hash, event_count FROM ledger WHERE seq > $1 ORDER BY seq LIMIT $2";
// Through events_by_ledger; whether the case has a projection row is one probe of its primary key.
inline constexpr const char* kFiledEvents =
    "SELECT e.ledger_seq, e.hash, e.case_id, e.seq, EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id) "
    "FROM events e WHERE e.ledger_seq > $1 AND e.ledger_seq <= $2 ORDER BY e.ledger_seq, e.ledger_pos";
inline constexpr const char* kFeedIndexPage =
    "SELECT seq, case_id, version FROM feed WHERE seq > $1 ORDER BY seq LIMIT $2";

}  // namespace permitflow::store::verify_sql
