// The engine's insides, shared by its translation units (engine.cpp: commands and timers; report.cpp;
// verify.cpp).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <thread>

#include <spdlog/logger.h>

#include "case/application.hpp"
#include "case/case.hpp"
#include "definition/definition.hpp"
#include "engine/case_cache.hpp"
#include "engine/write_queue.hpp"
#include "lifecycle/lifecycle.hpp"
#include "lifecycle/policy.hpp"
#include "lifecycle/workflow.hpp"
#include "permitflow/config.hpp"
#include "permitflow/engine.hpp"
#include "store/store.hpp"

namespace permitflow {

// The engine keeps the public, typed config (include/permitflow/config.hpp) as it is.
using EngineConfig = Config;

/// Parses the config JSON of docs/contract.md. Throws Error(invalid_argument).
EngineConfig parse_engine_config(std::string_view text);

/// A case id argument: 1 to 200 bytes of UTF-8. Throws Error(invalid_argument).
std::string case_id_arg(std::string_view id);

struct Engine::Impl {
  explicit Impl(EngineConfig cfg);
  ~Impl();

  EngineConfig config;
  DefinitionRegistry definitions;
  std::vector<std::string> complaint_units;  // where a complaint may be dispatched
  WorkingCalendar calendar;                  // the current one: new cases and deadlines are computed on it
  // Every calendar a stored case was computed on, by version (docs/calendar.md), the current one included.
  // Filled at start-up and never changed after, so readers need no lock.
  std::map<std::string, WorkingCalendar, std::less<>> calendars;
  std::unique_ptr<store::Store> store;
  std::shared_ptr<spdlog::logger> log;

  // Every write goes through the group-commit queue; reads run beside it (SQLite WAL / PostgreSQL MVCC).
  static constexpr std::size_t kMaxBatch = 256;
  // A run_due job: the cases of this many due timers. Small enough that the savepoints inside the job stay
  // cheap (SQLite walks the statement journal on each release), large enough to share one commit.
  static constexpr int kRunDueSlice = 64;
  std::unique_ptr<WriteQueue> writes;
  // "kind/name/version" already stored; touched only by the queue's leader. A key a job adds is removed
  // again if that job's writes are rolled back.
  std::set<std::string> remembered_documents;
  // The cases committed last (load_case starts from them); an entry is forgotten when its writes roll back.
  static constexpr std::size_t kCachedCases = 2048;
  static constexpr std::int64_t kSnapshotEvery = 8;  // events between two stored snapshots of a case
  mutable CaseCache cases{kCachedCases};

  // Background scheduler.
  std::mutex scheduler_mutex;
  std::condition_variable scheduler_cv;
  std::thread scheduler;
  bool scheduler_stop = false;

  /// The definition a case was submitted under. Throws Error(internal) when it is unknown.
  const Definition& definition_of(std::string_view permit, int version) const;
  /// The calendar of that version; the current one for a version this database never stored (a case
  /// written before calendars were kept).
  const WorkingCalendar& calendar_of(std::string_view version) const;
  CaseContext context_of(const Definition& def, std::string_view calendar_version) const {
    return {def, calendar_of(calendar_version), config.utc_offset_minutes};
  }
  /// The case's definition and the calendar its deadlines are computed on.
  CaseContext context_of(const Case& c) const {
    return context_of(definition_of(c.subject, c.definition_version), c.calendar_version);
  }
  /// Applies a logged event on the calendar it was written with: the case's own, or the one the event
  /// moves the case to (`submitted`, `deadlines_recomputed`).
  void apply_logged(Case& c, const Event& e, const Definition& def) const;

  /// The case as stored in `record`: from the cache when it holds that version, else rebuilt from its
  /// snapshot (if it loads) and the events after it, else from its whole log.
  Case load_case(store::Transaction& tx, const store::CaseRecord& record) const;
  /// Rebuilds a case from its whole log, ignoring any snapshot; or goes on from `from` (the case at the
  /// version before the first of `events`). `observe`, if given, sees each event as parsed, before it is
  /// applied (verify reads the submitted event's data there instead of parsing it a second time).
  Case replay(std::span<const store::EventRecord> events, Case from = {},
              const std::function<void(const Event&)>& observe = {}) const;

  /// Appends the events of an outcome, writes the projection and replaces the case's timers. Returns the
  /// case document after it (what a command answers). Runs inside a write-queue job. `stored_timers`, when
  /// given, are the case's timer rows as this transaction holds them (the store then need not read them).
  std::string persist(store::Transaction& tx, std::int64_t expected_version, const Outcome& outcome,
                      std::vector<store::EventRecord>* appended = nullptr,
                      const std::vector<store::TimerRecord>* stored_timers = nullptr);
  /// Caches `c` as written with `doc` (and forgets it if those writes roll back): at once in the leader,
  /// after the leader made the writes when the job is prepared (PreparedWrites::after_write).
  void cache_written(store::Transaction& tx, const Case& c, const std::string& doc);
  /// What the store keeps of a case; verify compares it without the snapshot (a cache, checked apart).
  store::CaseRecord projection(const Case& c, bool with_snapshot = true) const;

  /// Moves a case computed on an older calendar to the current one (a `deadlines_recomputed` event at `at`,
  /// or at the case's latest event when `at` is earlier or not given) before anything else is written to it,
  /// so that every later deadline uses the calendar the host loaded.
  /// With `only_if_changed`, records it only when a deadline or timer actually moves. Updates `c` in place;
  /// true when an event was written.
  bool adopt_current_calendar(store::Transaction& tx, Case& c, std::optional<Instant> at,
                              bool only_if_changed = false);
  /// At start-up with a calendar this database has not stored: stores it and recomputes every case whose
  /// deadlines it changes (docs/calendar.md). Other cases move to it at their next write.
  void recompute_for_new_calendar();

  /// The timer rows the store keeps for `c` (what `persist` writes).
  std::vector<store::TimerRecord> timer_records(const Case& c) const;

  /// A timer that fired: its row and what run_due answers for it (JSON text).
  struct FiredTimer {
    store::TimerRecord timer;
    std::string answer;
  };
  /// Fires the case's timers due at or before `now`, in due order (before a command runs, and run_due's
  /// batches). The case is written once however many fire: their events appended together, the projection
  /// and the timer diff once, so a backlog costs one load and one write per case. Adds each firing to
  /// `fired` when given. Updates `c` in place.
  void fire_case_timers(store::Transaction& tx, Case& c, Instant now,
                        std::deque<FiredTimer>* fired = nullptr);

  // --- what an actor may see (access.cpp, docs/policy.md)
  // ---------------------------------------------------
  /// A stored kind name: rows, documents and logs written before complaints existed have none and are
  /// permits.
  static Kind stored_kind(std::string_view name);
  /// The "kind" of a stored document or a log's first event (stored_kind()).
  static Kind kind_of_document(const nlohmann::json& doc);
  /// The audience of a stored case document; `load` gives the Case when the document cannot tell (a
  /// reopened complaint may have been held by a unit no longer named in it).
  Audience audience_of_document(const nlohmann::json& doc, const std::function<Case()>& load) const;
  /// The definition a stored case document was submitted under.
  const Definition& definition_of_document(const nlohmann::json& doc) const;
  /// Throws Error(permission_denied) when `a` may not see the case (may_see()).
  void require_visible(const Actor& a, const Audience& who, const Definition& def,
                       const std::string& case_id) const;
  /// Whether `a` may see the reporter of the case whose stored document is `doc` (may_see_reporter()).
  bool reporter_shown(const Actor& a, const Audience& who, const nlohmann::json& doc) const;
  /// Removes from a case document what `a` may not see of it (a complaint's reporter).
  void redact(const Actor& a, const Audience& who, nlohmann::json& doc) const;
  /// What a command (submit, execute, a retry) answers `a`: the case as `a` may see it, or only its id,
  /// kind, state and version when `a` may not see the case (any more).
  std::string answer(const Actor& a, const Case& c, const std::string& doc) const;
  /// The key a command id is stored under: scoped to the actor (its role and id), so the same id from
  /// another actor is another command. A length prefix keeps any two actors' keys apart.
  static std::string command_key(const Actor& a, std::string_view command_id);
  /// The case `a` applied the command id to, if it did. An id stored unscoped (by 0.1.0) counts for `a` only
  /// when the log of its case has an event by `a`.
  std::optional<std::string> find_command(store::Transaction& tx, const Actor& a,
                                          std::string_view command_id) const;

  nlohmann::json event_json(const store::EventRecord& e) const;
  /// event_json(e).dump() for an event this engine just wrote: its actor and data texts are its own dumps,
  /// so they are spliced in instead of parsed and written again.
  static std::string event_text(const store::EventRecord& e);
  /// Once, after the migration that back-filled the feed: the state after each back-filled event, by replay
  /// (the migration could give only a case's newest event its state). lib/engine/feed.cpp.
  void fill_backfilled_feed_states();
  /// Prunes the feed records every consumer has passed that are older than feed_retention_days
  /// (docs/feed.md).
  void prune_feed(store::Transaction& tx, std::int64_t pruned) const;
  /// Feed records as a profile renders them (lib/engine/feed.cpp): provincial or notify.
  std::vector<nlohmann::json> render_profile(store::Transaction& tx, const std::string& profile,
                                             const std::vector<store::FeedRecord>& records) const;
  std::string document(const Case& c) const;
  std::shared_ptr<const Definition> definition_for(const Application& app, Kind kind) const;
  void pin_definition(const store::StoredDocument& doc, const std::vector<store::StoredDocument>& stored);
  void remember(store::Transaction& tx, const Definition& def);
  void remember_calendar(store::Transaction& tx);
  /// Adds `key` to remembered_documents, to be removed if the running job is rolled back.
  void remember_key(const std::string& key);
};

}  // namespace permitflow
