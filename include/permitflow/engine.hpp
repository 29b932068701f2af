// The engine: the one façade a host talks to. Every method mirrors a function of the C API
// (bindings/c/include/permitflow/permitflow.h) and takes and returns the JSON documents of docs/contract.md.
//
// Thread-safety: an Engine may be called from any number of threads at once; commands on one case are
// serialized. Errors: every method throws permitflow::Error (error.hpp) and, when it does, has changed
// nothing (apart from timers that were already due before a refused command, which stay fired).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "permitflow/calendar.hpp"
#include "permitflow/case_info.hpp"
#include "permitflow/config.hpp"
#include "permitflow/error.hpp"
#include "permitflow/export.hpp"

namespace permitflow {

/// The runtime version of the library ("0.1.0"); compare with PERMITFLOW_VERSION_STRING of version.hpp.
PERMITFLOW_EXPORT const char* version() noexcept;

class PERMITFLOW_EXPORT Engine {
 public:
  /// Opens an engine from the config JSON (every key in docs/contract.md §2):
  /// {"database": "file.db", "definitions_dir"?, "calendar_file"?, "utc_offset_minutes"?: 480,
  ///  "synchronous"?: "full"|"normal", "county_code"?: "320922", "pool_size"?: 4, "log_level"?: "warn"}.
  /// "database" may also be a postgresql:// URL (docs/deployment.md); "pool_size" (1–256) is then the
  /// number of connections the engine keeps to the server.
  /// A missing database file is created; an existing one reopens with every case, timer and event.
  explicit Engine(std::string_view config_json);
  /// The same from the typed config (config.hpp): one field per key, the same checks.
  explicit Engine(const Config& config);
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// The one-time notice an application would get, without creating anything:
  /// {"complete", "items": [{"material", "problem", "note"?}], "flags": [...]}.
  std::string precheck(std::string_view application_json) const;
  /// Receives an application (收件) and returns the new case.
  std::string submit(std::string_view application_json);
  /// Runs a command on a case and returns the case after it.
  std::string execute(std::string_view case_id, std::string_view command_json);
  /// The case as it stands.
  std::string get_case(std::string_view case_id) const;
  /// The case's events, in order, with their hashes.
  std::string history(std::string_view case_id) const;
  /// The case as `actor_json` ({"id", "role", "department"?, "unit"?}) may see it, with "allowed_commands":
  /// the command types that actor may give in the case's current state (docs/policy.md). Throws
  /// Error(permission_denied) when the actor may not see the case.
  std::string get_case_as(std::string_view case_id, std::string_view actor_json) const;
  /// The case's events as `actor_json` may see them; Error(permission_denied) as get_case_as.
  std::string history_as(std::string_view case_id, std::string_view actor_json) const;
  /// {"cases": [...], "next": cursor|null}.
  std::string query(std::string_view query_json) const;
  /// Fires every timer due at or before `now_rfc3339`, each exactly once; returns what fired.
  std::string run_due(std::string_view now_rfc3339);
  /// The weekly supervision report (督查周报): {"week", "format": "json"|"csv"}.
  std::string report(std::string_view report_json) const;
  /// Checks every hash chain and that every projection equals the replay of its log.
  std::string verify() const;
  /// The same, with options {"documents_dir"?: folder}: then also that every document a material names by
  /// sha256 is in that folder (documents.hpp) with matching bytes; a missing or altered one is a problem of
  /// the case and the event that named it. Error(invalid_argument) for an unknown key or a missing folder.
  std::string verify(std::string_view options_json) const;
  /// The event feed (docs/feed.md): {"after"?, "limit"? 1..1000, "kinds"?, "types"?, "cases"?, "profile"?
  /// "raw", "consumer"?} → {"records": [{"seq", "case", "kind", "subject", "version", "state", "event"}],
  /// "next", "head", "pruned", "consumers": [{"name", "cursor", "lag"}]}. Reading never blocks a command.
  std::string feed(std::string_view request_json) const;
  /// Moves a durable consumer's cursor forward to `seq` (creating the consumer). Error(invalid_argument) for
  /// a bad name, a seq past the feed's head or behind the consumer's cursor; nothing changes then.
  void feed_ack(std::string_view consumer, std::int64_t seq);
  /// The definitions this engine knows (compiled in, the definitions_dir, versions stored with cases):
  /// {"date", "definitions": [{"id", "kind", "version", "hash", "effective_from", "in_effect", "short_code",
  /// "name", "file", "content"}]}, by id then version. `in_effect` marks the version a submission on `date`
  /// (YYYY-MM-DD in the bureau's zone; default today) gets. docs/definitions.md.
  std::string definitions(std::string_view date = {}) const;
  /// {"date": "YYYY-MM-DD", "provisional": bool}: the n-th working day after `date` (n ≥ 0).
  std::string add_working_days(std::string_view date, int n) const;

  /// Typed twins of submit, execute and get_case: the same call, its answer read into a CaseInfo
  /// (case_info.hpp: id, kind, subject, state, version, deadlines, flags, and the whole document).
  CaseInfo submit_case(std::string_view application_json);
  CaseInfo execute_case(std::string_view case_id, std::string_view command_json);
  CaseInfo case_info(std::string_view case_id) const;

  /// The calendar in use (compiled-in years merged with the config's calendar_file).
  const WorkingCalendar& calendar() const;

  /// Where the engine's text log goes: called with the logger's name ("permitflow.engine"), the level
  /// (0 trace, 1 debug, 2 info, 3 warn, 4 error, 5 critical) and the message, for every message at or above
  /// `level`. By default messages at warn and above go to standard error. The text log is for operators; the
  /// audit trail is the event log in the database. The sink may be called from any thread.
  using LogSink = std::function<void(std::string_view logger, int level, std::string_view message)>;
  void set_log_sink(LogSink sink, int level = 3);

  /// Starts a background thread that calls run_due(now) every `period` on the real clock; stop_scheduler()
  /// or the destructor stops it. Errors of a background run are logged, never thrown.
  void start_scheduler(std::chrono::milliseconds period);
  void stop_scheduler();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace permitflow
