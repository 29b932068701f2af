#include "store/migration.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <string_view>

#include "permitflow/error.hpp"

namespace permitflow::store {

namespace {

// v1: the log, the projection, timers, the ledger, counters and stored documents.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE cases (
  id                   {key} NOT NULL PRIMARY KEY,
  permit               {key} NOT NULL,
  definition_version   INTEGER NOT NULL,
  applicant_id         {key} NOT NULL,
  state                {key} NOT NULL,
  version              {int64} NOT NULL,
  light                {key} NOT NULL,
  due                  {key} NOT NULL,
  awaiting_departments {key} NOT NULL,
  document             {bytes} NOT NULL,
  snapshot             {blob} NOT NULL,
  snapshot_version     {int64} NOT NULL
);
CREATE INDEX cases_by_permit ON cases(permit, id);
CREATE INDEX cases_by_state ON cases(state, id);
CREATE INDEX cases_by_applicant ON cases(applicant_id, id);
CREATE INDEX cases_by_light ON cases(light, id);
CREATE TABLE events (
  case_id    {key} NOT NULL REFERENCES cases(id) DEFERRABLE INITIALLY DEFERRED,
  seq        {int64} NOT NULL,
  type       TEXT NOT NULL,
  at         TEXT NOT NULL,
  actor      {bytes} NOT NULL,
  data       {bytes} NOT NULL,
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL,
  ledger_seq {int64} NOT NULL,
  ledger_pos {int64} NOT NULL,
  PRIMARY KEY (case_id, seq)
);
CREATE TABLE timers (
  case_id {key} NOT NULL REFERENCES cases(id) DEFERRABLE INITIALLY DEFERRED,
  kind    {key} NOT NULL,
  clock   {key} NOT NULL,
  due     {int64} NOT NULL,
  {timer_key} (case_id, kind, clock)
);
CREATE INDEX timers_by_due ON timers(due, case_id, kind, clock);
CREATE TABLE ledger (
  seq         {int64} NOT NULL PRIMARY KEY,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL,
  event_count {int64} NOT NULL
);
CREATE TABLE counters (
  name  TEXT NOT NULL PRIMARY KEY,
  value {int64} NOT NULL
);
CREATE TABLE documents (
  kind    {key} NOT NULL,
  name    {key} NOT NULL,
  version {int64} NOT NULL,
  hash    TEXT NOT NULL,
  content TEXT NOT NULL,
  PRIMARY KEY (kind, name, version)
);
)sql";

// v2: idempotent command ids; indexes for the ledger walk of verify and for due-date queries.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE commands (
  command_id TEXT NOT NULL PRIMARY KEY,
  case_id    {key} NOT NULL REFERENCES cases(id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX events_by_ledger ON events(ledger_seq, ledger_pos);
CREATE INDEX cases_by_due ON cases(due, id);
)sql";

// v3: the feed (docs/feed.md), back-filled in commit order for the events already stored. A back-filled
// record knows the case's state only for the case's newest event. (No PostgreSQL event is pending, ledger_seq
// 0, meanwhile: a migration holds the advisory lock, and a writer chains its events before it commits.)
constexpr const char* kSchemaV3 = R"sql(
CREATE TABLE feed (
  seq        {int64} NOT NULL PRIMARY KEY,
  case_id    {key} NOT NULL,
  version    {int64} NOT NULL,
  kind       {key} NOT NULL,
  subject    {key} NOT NULL,
  state      {key} NOT NULL,
  backfilled {boolean} NOT NULL,
  FOREIGN KEY (case_id, version) REFERENCES events(case_id, seq) DEFERRABLE INITIALLY DEFERRED
);
CREATE UNIQUE INDEX feed_by_event ON feed(case_id, version);
CREATE TABLE feed_consumers (
  name   {key} NOT NULL PRIMARY KEY,
  cursor {int64} NOT NULL
);
CREATE TABLE feed_mark (
  id     INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  pruned {int64} NOT NULL
);
INSERT INTO feed_mark (id, pruned) VALUES (1, 0);
INSERT INTO feed (seq, case_id, version, kind, subject, state, backfilled)
SELECT row_number() OVER (ORDER BY e.ledger_seq, e.ledger_pos), e.case_id, e.seq,
       coalesce({document_kind}, 'permit'),
       c.permit, CASE WHEN e.seq = c.version THEN c.state ELSE '' END, {true}
FROM events e JOIN cases c ON c.id = e.case_id;
)sql";

// The words the schema spells differently, {name} in its text: SQLite's, then PostgreSQL's. PostgreSQL text
// that is compared or ordered uses the "C" collation, so ORDER BY id gives SQLite's byte order whatever the
// database's default; JSON text stored and hashed byte for byte, and the snapshot, are bytea there.
struct Word {
  std::string_view name;
  std::array<const char*, 2> spelled;  // by Backend
};
constexpr Word kWords[] = {
    {"key", {"TEXT", "TEXT COLLATE \"C\""}},
    {"int64", {"INTEGER", "BIGINT"}},
    {"bytes", {"TEXT", "BYTEA"}},
    {"blob", {"BLOB", "BYTEA"}},
    {"boolean", {"INTEGER", "BOOLEAN"}},
    {"true", {"1", "true"}},
    {"timer_key", {"UNIQUE", "PRIMARY KEY"}},
    // The kind of the stored case document c.document (NULL when it names none).
    {"document_kind",
     {"CASE WHEN json_valid(c.document) THEN json_extract(c.document, '$.kind') END",
      "convert_from(c.document, 'UTF8')::jsonb ->> 'kind'"}},
};

std::string in_words_of(std::string_view sql, Backend backend) {
  std::string out;
  std::size_t at = 0;
  for (std::size_t open = sql.find('{'); open != std::string_view::npos; open = sql.find('{', at)) {
    const std::size_t close = sql.find('}', open);
    const std::string_view name = sql.substr(open + 1, close - open - 1);
    const Word* word =
        std::find_if(std::begin(kWords), std::end(kWords), [&](const Word& w) { return w.name == name; });
    if (word == std::end(kWords))
      throw Error(ErrorCode::internal, "The schema names an unknown word {" + std::string(name) + "}.");
    out.append(sql.substr(at, open - at)).append(word->spelled[static_cast<std::size_t>(backend)]);
    at = close + 1;
  }
  return out.append(sql.substr(at));
}

}  // namespace

std::vector<Migration> shared_migrations(Backend backend) {
  return {
      {1, "events, cases, timers, ledger, counters, documents", in_words_of(kSchemaV1, backend)},
      {2, "commands; indexes events(ledger_seq, ledger_pos) and cases(due)", in_words_of(kSchemaV2, backend)},
      {3, "feed, feed_consumers, feed_mark; feed back-filled for stored events",
       in_words_of(kSchemaV3, backend)}};
}

void check_busy_timeout(const StoreConfig& config) {
  if (config.busy_timeout_ms < 0) {
    throw Error(ErrorCode::invalid_argument, "busy_timeout_ms must not be negative.", "/busy_timeout_ms");
  }
}

void refuse_newer_schema(const std::string& database, int current, int latest) {
  if (current <= latest) return;
  throw Error(ErrorCode::storage, database + " has schema version " + std::to_string(current) +
                                      ", newer than this build of permitflow (" + std::to_string(latest) +
                                      ").");
}

}  // namespace permitflow::store
