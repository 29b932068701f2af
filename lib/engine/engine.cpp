#include "permitflow/engine.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>

#include <algorithm>
#include <set>
#include <tuple>

#include "case/application.hpp"
#include "case/snapshot.hpp"
#include "checklist/checklist.hpp"
#include "common/json_input.hpp"
#include "engine/engine_impl.hpp"
#include "engine/feed_profiles.hpp"
#include "engine/prepared_writes.hpp"
#include "permitflow/version.hpp"

namespace permitflow {

using nlohmann::json;
namespace in = input;

const char* version() noexcept { return PERMITFLOW_VERSION_STRING; }

namespace {

/// Forwards spdlog messages to the host's LogSink.
class CallbackSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit CallbackSink(Engine::LogSink sink) : sink_(std::move(sink)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    sink_(std::string_view(msg.logger_name.data(), msg.logger_name.size()), static_cast<int>(msg.level),
          std::string_view(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}

 private:
  Engine::LogSink sink_;
};

}  // namespace

// --- configuration --------------------------------------------------------------------------------------

namespace {
constexpr std::size_t kMaxPath = 4096;
constexpr int kMinUtcOffset = -720, kMaxUtcOffset = 840;
constexpr int kMinPool = 1, kMaxPool = 256;
}  // namespace

EngineConfig parse_engine_config(std::string_view text) {
  const json doc = in::parse_document(text, "the engine config");
  in::only_keys(doc, "",
                {"database", "definitions_dir", "calendar_file", "utc_offset_minutes", "synchronous",
                 "county_code", "log_level", "pool_size", "feed_retention_days"});
  EngineConfig cfg;
  cfg.database = in::get_string(doc, "database", "", kMaxPath);
  cfg.definitions_dir = in::opt_string(doc, "definitions_dir", "", kMaxPath).value_or("");
  cfg.calendar_file = in::opt_string(doc, "calendar_file", "", kMaxPath).value_or("");
  cfg.utc_offset_minutes =
      static_cast<int>(in::opt_int(doc, "utc_offset_minutes", "", kMinUtcOffset, kMaxUtcOffset)
                           .value_or(cfg.utc_offset_minutes));
  cfg.synchronous = in::opt_string(doc, "synchronous", "", 16).value_or(cfg.synchronous);
  cfg.county_code = in::opt_string(doc, "county_code", "", 12).value_or(cfg.county_code);
  cfg.pool_size =
      static_cast<int>(in::opt_int(doc, "pool_size", "", kMinPool, kMaxPool).value_or(cfg.pool_size));
  cfg.log_level = in::opt_string(doc, "log_level", "", 16).value_or(cfg.log_level);
  cfg.feed_retention_days = static_cast<int>(
      in::opt_int(doc, "feed_retention_days", "", 0, 36500).value_or(cfg.feed_retention_days));
  validate(cfg);
  return cfg;
}

void validate(const Config& cfg) {
  const auto path = [](const std::string& value, const char* pointer) {
    if (value.size() > kMaxPath) in::fail(pointer, "must be at most " + std::to_string(kMaxPath) + " bytes");
    if (!in::valid_utf8(value)) in::fail(pointer, "must be valid UTF-8");
  };
  path(cfg.database, "/database");
  path(cfg.definitions_dir, "/definitions_dir");
  path(cfg.calendar_file, "/calendar_file");
  if (cfg.utc_offset_minutes < kMinUtcOffset || cfg.utc_offset_minutes > kMaxUtcOffset)
    in::fail("/utc_offset_minutes", "must be between -720 and 840 minutes");
  if (cfg.pool_size < kMinPool || cfg.pool_size > kMaxPool)
    in::fail("/pool_size", "must be between 1 and 256");
  if (cfg.county_code.size() != 6 || !std::all_of(cfg.county_code.begin(), cfg.county_code.end(),
                                                  [](char ch) { return ch >= '0' && ch <= '9'; })) {
    in::fail("/county_code", "must be the 6-digit GB/T 2260 code of the county");
  }
  // `synchronous` is the SQLite store's to check (store/sqlite_store.cpp); PostgreSQL ignores it.
  if (spdlog::level::from_str(cfg.log_level) == spdlog::level::off && cfg.log_level != "off") {
    in::fail("/log_level",
             "unknown log level '" + cfg.log_level + "' (trace, debug, info, warn, error, critical, off)");
  }
}

// --- the engine -----------------------------------------------------------------------------------------

Engine::Impl::Impl(EngineConfig cfg)
    : config(std::move(cfg)),
      definitions(DefinitionRegistry::builtin()),
      calendar(WorkingCalendar::official()) {
  log = std::make_shared<spdlog::logger>("permitflow.engine",
                                         std::make_shared<spdlog::sinks::stderr_sink_mt>());
  log->set_level(spdlog::level::from_str(config.log_level));
  if (!config.definitions_dir.empty()) definitions.load_directory(config.definitions_dir);
  complaint_units = definitions.complaint_units();
  // The feed's profiles are data: a bad file stops the engine here, naming the file and the field.
  ProvincialProfile::builtin();
  NotifyProfile::builtin();
  if (!config.calendar_file.empty())
    calendar = calendar.merged_with(WorkingCalendar::from_file(config.calendar_file));
  store::StoreConfig sc;
  sc.database = config.database;
  sc.synchronous = config.synchronous;
  sc.pool_size = config.pool_size;
  store = store::open_store(sc);
  // Group commit batches commands of different cases in one SQLite transaction. On PostgreSQL each command
  // keeps its own transaction: a batch would hold many case rows at once and could deadlock with another
  // engine's batch, while PostgreSQL already groups concurrent commits in its WAL.
  writes = std::make_unique<WriteQueue>(*store, store->backend() == "sqlite" ? kMaxBatch : 1);
  // Definition versions that cases were submitted under stay known even when no longer shipped.
  // So do the calendars their deadlines were computed on (replay is deterministic).
  {
    auto tx = store->begin_read();
    const auto documents = tx->documents();
    for (const auto& doc : documents) {
      if (doc.kind == "definition") pin_definition(doc, documents);
      if (doc.kind == "calendar") {
        WorkingCalendar stored = WorkingCalendar::from_json(doc.content, "stored calendar " + doc.name);
        calendars.emplace(stored.version(), std::move(stored));
      }
      remembered_documents.insert(doc.kind + "/" + doc.name + "/" + std::to_string(doc.version));
    }
  }
  const bool new_calendar = !calendars.count(calendar.version());
  calendars.emplace(calendar.version(), calendar);
  if (new_calendar) recompute_for_new_calendar();
  fill_backfilled_feed_states();
}

// A stored version is the one its cases were timed by: a loaded file of the same id and version must have the
// same content, or cases in flight would silently be re-timed by an edit (and verify would judge the others
// by the edited file). A version the files no longer have is taken from the database.
void Engine::Impl::pin_definition(const store::StoredDocument& doc,
                                  const std::vector<store::StoredDocument>& stored) {
  const int version = static_cast<int>(doc.version);
  const auto loaded = definitions.find(doc.name, version);
  if (!loaded) {
    definitions.add(parse_definition(doc.content, "stored definition " + doc.name));
    return;
  }
  if (loaded->hash == doc.hash) return;
  int highest = version;
  for (const auto& d : stored)
    if (d.kind == "definition" && d.name == doc.name)
      highest = std::max(highest, static_cast<int>(d.version));
  if (const auto current = definitions.current(doc.name, loaded->kind))
    highest = std::max(highest, current->version);
  throw Error(ErrorCode::invalid_argument,
              loaded->file + ": definition " + doc.name + " version " + std::to_string(version) +
                  " differs from the version " + std::to_string(version) +
                  " stored with this database's cases (stored hash " + doc.hash + ", this file's hash " +
                  loaded->hash +
                  "): a published version is never edited in place. Restore the file to its stored content "
                  "and publish the change as a new file with \"version\": " +
                  std::to_string(highest + 1) + " (docs/definitions.md, 'Publishing a newer version')",
              "/version");
}

// The version in effect on the submission's day in the bureau's zone, whenever this process was started.
std::shared_ptr<const Definition> Engine::Impl::definition_for(const Application& app, Kind kind) const {
  const Workflow& w = workflow(kind);
  const std::string pointer = "/" + std::string(w.subject_key());
  const Date day = app.at.local_date(config.utc_offset_minutes);
  if (const auto def = definitions.in_effect(app.subject, day, kind)) return def;
  if (const auto later = definitions.current(app.subject, kind)) {
    in::fail(pointer, std::string(w.subject_noun()) + " '" + app.subject + "' has no version in effect on " +
                          day.to_string() + " (version " + std::to_string(later->version) +
                          " takes effect on " + later->effective_from->to_string() + ")");
  }
  std::string known;
  for (const auto& k : definitions.ids(kind)) known += (known.empty() ? "" : ", ") + k;
  in::fail(pointer, "unknown " + std::string(w.subject_noun()) + " '" + app.subject + "' (" + known + ")");
}

const WorkingCalendar& Engine::Impl::calendar_of(std::string_view version) const {
  const auto it = calendars.find(version);
  return it == calendars.end() ? calendar : it->second;
}

void Engine::Impl::apply_logged(Case& c, const Event& e, const Definition& def) const {
  // The events that switch calendars name the one they apply with.
  std::string_view version = c.calendar_version;
  if (const auto* s = std::get_if<payload::Submitted>(&e.payload)) {
    version = s->calendar_version ? std::string_view(*s->calendar_version) : std::string_view();
  } else if (const auto* r = std::get_if<payload::DeadlinesRecomputed>(&e.payload)) {
    version = r->calendar_version;
  }
  apply(c, e, context_of(def, version));
}

bool Engine::Impl::adopt_current_calendar(store::Transaction& tx, Case& c, std::optional<Instant> at,
                                          bool only_if_changed) {
  if (c.calendar_version == calendar.version() || c.ended_on) return false;
  const Definition& def = definition_of(c.subject, c.definition_version);
  const CaseContext now_ctx = context_of(def, calendar.version());
  const Outcome out = adopt_calendar(c, at && *at > c.last_event_at ? *at : c.last_event_at, now_ctx);
  const auto& changes = std::get<payload::DeadlinesRecomputed>(out.events.front().payload).changes;
  if (only_if_changed && (!changes || changes->empty()) &&
      timers_for(c, context_of(c)) == timers_for(out.after, now_ctx)) {
    return false;
  }
  remember_calendar(tx);
  persist(tx, c.version, out);
  c = out.after;
  return true;
}

void Engine::Impl::recompute_for_new_calendar() {
  int recomputed = 0;
  writes->run([&](store::Transaction& tx) -> JobResult {
    remember_calendar(tx);
    for (const std::string& id : tx.case_ids()) {
      const auto record = tx.load_case(id);
      if (!record) continue;
      // An ended case keeps its calendar (adopt_current_calendar skips it): no need to load it.
      if (const auto state = parse_state(record->state); state && is_terminal(*state)) continue;
      Case c = load_case(tx, *record);
      // Dated at the case's latest event: loading a calendar must not move a case's time forward, or a
      // host on its own clock could no longer act on it.
      if (adopt_current_calendar(tx, c, std::nullopt, /*only_if_changed=*/true)) ++recomputed;
    }
    return {};
  });
  if (recomputed > 0)
    log->info("calendar {} loaded: deadlines of {} cases recomputed", calendar.version(), recomputed);
}

Engine::Impl::~Impl() = default;

const Definition& Engine::Impl::definition_of(std::string_view permit, int version) const {
  const auto def = definitions.find(permit, version);
  if (!def) {
    throw Error(ErrorCode::internal, "definition " + std::string(permit) + " version " +
                                         std::to_string(version) + " is not known to this engine");
  }
  return *def;
}

Case Engine::Impl::replay(std::span<const store::EventRecord> events, Case from,
                          const std::function<void(const Event&)>& observe) const {
  Case c = std::move(from);
  const Definition* def = c.version > 0 ? &definition_of(c.subject, c.definition_version) : nullptr;
  for (const auto& rec : events) {
    const EventType type = logged_event_type(rec.type);
    Event e{rec.seq, type, Instant::parse_rfc3339(rec.at), actor_from_text(rec.actor),
            payload_from_text(type, rec.data)};
    if (!def) {
      const auto& submitted = data_of<payload::Submitted>(e);
      def = &definition_of(submitted.permit, submitted.definition_version);
    }
    if (observe) observe(e);
    apply_logged(c, e, *def);
  }
  return c;
}

Case Engine::Impl::load_case(store::Transaction& tx, const store::CaseRecord& record) const {
  if (auto hit = cases.find(record.id, record.version, record.document)) return std::move(*hit);
  if (!record.snapshot.empty()) {
    if (auto snap = load_snapshot(record.snapshot); snap && snap->version == record.snapshot_version) {
      const std::int64_t at = snap->version;
      return replay(tx.events(record.id, at), std::move(*snap));
    }
    log->warn("snapshot of case {} does not load; rebuilding it from its log", record.id);
  }
  return replay(tx.events(record.id, 0));
}

std::string Engine::Impl::document(const Case& c) const { return document_text(c, context_of(c)); }

store::CaseRecord Engine::Impl::projection(const Case& c, bool with_snapshot) const {
  store::CaseRecord r;
  r.id = c.id;
  r.subject = c.subject;
  r.definition_version = c.definition_version;
  r.applicant_id = c.applicant.id;
  r.state = std::string(to_string(c.state));
  r.version = c.version;
  if (const auto h = workflow(c.kind).headline(c, config.utc_offset_minutes)) {
    r.light = std::string(to_string(h->light));
    r.due = h->due.to_string();
  }
  std::string awaiting = ",";
  for (const auto& d : awaiting_departments(c)) awaiting += d + ",";
  r.awaiting_departments = awaiting == "," ? "" : awaiting;
  r.document = document(c);
  if (with_snapshot) {
    r.snapshot = save_snapshot(c);
    r.snapshot_version = c.version;
  }
  return r;
}

std::string Engine::Impl::persist(store::Transaction& tx, std::int64_t expected_version,
                                  const Outcome& outcome, std::vector<store::EventRecord>* appended,
                                  const std::vector<store::TimerRecord>* stored_timers) {
  const Case& c = outcome.after;
  std::vector<store::EventRecord> records;
  records.reserve(outcome.events.size());
  for (std::size_t i = 0; i < outcome.events.size(); ++i) {
    const Event& e = outcome.events[i];
    const State after = i < outcome.states.size() ? outcome.states[i] : c.state;
    records.push_back({c.id.str(), e.seq, std::string(to_string(e.type)),
                       e.at.to_rfc3339(config.utc_offset_minutes), to_json(e.actor).dump(),
                       payload_text(e.type, e.payload), "", "", std::string(to_string(after))});
  }
  std::string doc;
  if (!records.empty()) {
    // A snapshot each time the case passes a multiple of kSnapshotEvery events, not at every command: a
    // cold load_case replays fewer than that many events after it (a warm one starts from the cache).
    const bool snapshot_due = c.version / kSnapshotEvery > expected_version / kSnapshotEvery;
    store::CaseRecord record = projection(c, snapshot_due);
    record.keep_stored_snapshot = !snapshot_due;
    record.kind = std::string(to_string(c.kind));
    tx.append(record, expected_version, records);
    doc = std::move(record.document);
    cache_written(tx, c, doc);
  } else {
    doc = document(c);
  }
  if (stored_timers)
    tx.replace_known_timers(c.id.str(), *stored_timers, timer_records(c));
  else
    tx.replace_timers(c.id.str(), timer_records(c));
  if (appended) appended->insert(appended->end(), records.begin(), records.end());
  return doc;
}

void Engine::Impl::cache_written(store::Transaction& tx, const Case& c, const std::string& doc) {
  const auto keep = [this](const Case& k, const std::string& d) {
    cases.put(k, d);
    writes->on_rollback([this, id = k.id] { cases.forget(id); });
  };
  // A prepared job's writes are made later, by the leader: the case is cached then, not before (and only
  // then copied twice, into the callback and the cache).
  if (PreparedWrites* prepared = PreparedWrites::of(tx))
    prepared->after_write([keep, c, doc] { keep(c, doc); });
  else
    keep(c, doc);
}

std::vector<store::TimerRecord> Engine::Impl::timer_records(const Case& c) const {
  std::vector<store::TimerRecord> timers;
  for (const TimerDue& t : timers_for(c, context_of(c)))
    timers.push_back({c.id.str(), std::string(to_string(t.kind)), t.clock.text(), t.due.epoch_seconds()});
  return timers;
}

void Engine::Impl::fire_case_timers(store::Transaction& tx, Case& c, Instant now,
                                    std::deque<FiredTimer>* fired) {
  const std::int64_t limit = now.epoch_seconds();
  // A case's timers in the store's order (due, kind, clock); the rows kept in memory between the firings,
  // as the store would hold them after each, and written once at the end.
  const auto earlier = [](const store::TimerRecord& a, const store::TimerRecord& b) {
    return std::tie(a.due, a.kind, a.clock) < std::tie(b.due, b.kind, b.clock);
  };
  auto stored = tx.timers(c.id);
  auto pending = stored;
  const auto next_due = [&]() -> const store::TimerRecord* {
    const auto it = std::min_element(pending.begin(), pending.end(), earlier);
    return it != pending.end() && it->due <= limit ? &*it : nullptr;
  };
  // Recorded as of the first timer that fires, so the log stays in time order.
  const store::TimerRecord* first = next_due();
  if (adopt_current_calendar(tx, c, first ? Instant::from_epoch_seconds(first->due) : now)) {
    stored = tx.timers(c.id);  // the new calendar may have moved them
    pending = stored;
  }
  if (!next_due()) return;  // the common case of a command: nothing due, nothing to copy or write
  const std::int64_t expected_version = c.version;
  // The timers fire on the case itself (moved in and back: both callers drop `c` when this throws).
  Outcome all{{}, std::move(c), {}};
  struct Firing {
    store::TimerRecord timer;
    std::size_t first_event, events;
  };
  std::vector<Firing> firings;
  bool dropped = false;  // pending differs from timers_for(all.after)
  // Firing a timer can make another one due (a deemed acceptance starts the decision clocks); the loop ends
  // because every firing moves the case's last event forward or removes the timer.
  for (int guard = 0;; ++guard) {
    const store::TimerRecord* due = next_due();
    if (!due) break;
    if (guard == 64) throw Error(ErrorCode::internal, "timers of case " + c.id + " keep firing");
    const store::TimerRecord t = *due;
    const std::size_t before = all.events.size();
    if (!run_timer(
            all, {stored_timer_kind(t.kind), stored_timer_clock(t.clock), Instant::from_epoch_seconds(t.due)},
            context_of(all.after))) {  // no longer applies: drop it so the loop moves on
      std::erase(pending, t);
      dropped = true;
      continue;
    }
    firings.push_back({t, before, all.events.size() - before});
    pending = timer_records(all.after);
    dropped = false;
  }
  std::vector<store::EventRecord> appended;
  // The timer rows are written once, against those read above (nothing else wrote them since).
  if (!all.events.empty()) persist(tx, expected_version, all, &appended, &stored);
  c = std::move(all.after);
  if (dropped) tx.replace_timers(c.id, pending);
  if (!fired) return;
  for (const Firing& f : firings) {
    // The keys in the order nlohmann writes an object (sorted), as run_due answered when it built a tree.
    std::string a = "{\"case\":" + json(f.timer.case_id).dump() + ",\"clock\":" + json(f.timer.clock).dump() +
                    ",\"due\":\"" +
                    Instant::from_epoch_seconds(f.timer.due).to_rfc3339(config.utc_offset_minutes) +
                    "\",\"events\":[";
    for (std::size_t i = f.first_event; i < f.first_event + f.events; ++i) {
      if (i > f.first_event) a += ',';
      a += event_text(appended[i]);
    }
    a += "],\"kind\":" + json(f.timer.kind).dump() + "}";
    fired->push_back({f.timer, std::move(a)});
  }
}

std::string Engine::Impl::event_text(const store::EventRecord& e) {
  return "{\"actor\":" + e.actor + ",\"at\":" + json(e.at).dump() + ",\"data\":" + e.data +
         ",\"hash\":" + json(e.hash).dump() + ",\"prev_hash\":" + json(e.prev_hash).dump() +
         ",\"seq\":" + std::to_string(e.seq) + ",\"type\":" + json(e.type).dump() + "}";
}

json Engine::Impl::event_json(const store::EventRecord& e) const {
  return {{"seq", e.seq},
          {"type", e.type},
          {"at", e.at},
          {"actor", json::parse(e.actor)},
          {"data", json::parse(e.data)},
          {"prev_hash", e.prev_hash},
          {"hash", e.hash}};
}

void Engine::Impl::remember(store::Transaction& tx, const Definition& def) {
  PreparedWrites::leader_only(tx, "remember a definition");  // remembered_documents is the leader's
  const std::string key = "definition/" + def.id + "/" + std::to_string(def.version);
  if (remembered_documents.count(key)) return;
  tx.remember_document({"definition", def.id, def.version, def.hash, def.source});
  remember_key(key);
  remember_calendar(tx);
}

void Engine::Impl::remember_calendar(store::Transaction& tx) {
  PreparedWrites::leader_only(tx, "remember a calendar");
  const std::string key = "calendar/calendar:" + calendar.version() + "/1";  // as start-up reads it
  if (remembered_documents.count(key)) return;
  tx.remember_document(
      {"calendar", "calendar:" + calendar.version(), 1, calendar.version(), calendar.to_json()});
  remember_key(key);
}

void Engine::Impl::remember_key(const std::string& key) {
  // Forgotten again if the job's writes are rolled back, so a later job stores the document after all.
  if (remembered_documents.insert(key).second)
    writes->on_rollback([this, key] { remembered_documents.erase(key); });
}

Engine::Engine(std::string_view config_json)
    : impl_(std::make_unique<Impl>(parse_engine_config(config_json))) {}
Engine::Engine(const Config& config) : impl_((validate(config), std::make_unique<Impl>(config))) {}
Engine::~Engine() { stop_scheduler(); }
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

const WorkingCalendar& Engine::calendar() const { return impl_->calendar; }

namespace {

json notice_json(const std::vector<Deficiency>& items, const std::vector<std::string>& flags) {
  json out = {{"complete", items.empty()}, {"items", json::array()}, {"flags", flags}};
  for (const auto& d : items) {
    json i = {{"material", d.material}, {"problem", std::string(to_string(d.problem))}};
    if (!d.note.empty()) i["note"] = d.note;
    out["items"].push_back(std::move(i));
  }
  return out;
}

bool doc_tolerance_pending(const json& doc) {
  const auto it = doc.find("tolerance");
  return it != doc.end() && it->is_object() && it->value("pending", false);
}

bool doc_verification_open(const json& doc) {
  const auto deadlines = doc.find("deadlines");
  if (deadlines == doc.end() || !deadlines->is_object()) return false;
  const auto clock = deadlines->find("verification");
  const auto state = parse_state(doc.value("state", ""));
  return clock != deadlines->end() && clock->is_object() && doc.value("verification", json()).is_null() &&
         state && !is_terminal(*state);
}
}  // namespace

std::string case_id_arg(std::string_view id) {
  if (id.empty() || id.size() > in::kMaxId) {
    throw Error(ErrorCode::invalid_argument, "a case id must be 1 to 200 bytes", "/case_id");
  }
  if (!in::valid_utf8(id))
    throw Error(ErrorCode::invalid_argument, "a case id must be valid UTF-8", "/case_id");
  return std::string(id);
}

std::string Engine::definitions(std::string_view date) const {
  const Impl& m = *impl_;
  Date day = Instant::from_epoch_seconds(std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count())
                 .local_date(m.config.utc_offset_minutes);
  if (!date.empty()) {
    try {
      day = Date::parse(date);
    } catch (const Error& e) {
      in::fail("/date", std::string("a date is YYYY-MM-DD: ") + e.what());
    }
  }
  json list = json::array();
  for (const auto& d : m.definitions.all()) {
    const auto effective = m.definitions.in_effect(d->id, day, d->kind);
    list.push_back(
        {{"id", d->id},
         {"kind", std::string(to_string(d->kind))},
         {"version", d->version},
         {"hash", d->hash},
         {"effective_from", d->effective_from ? json(d->effective_from->to_string()) : json(nullptr)},
         {"in_effect", effective == d},
         {"short_code", d->short_code},
         {"name", {{"zh", d->name.zh}, {"en", d->name.en}}},
         {"file", d->file},
         {"content", json::parse(d->source)}});
  }
  return json{{"date", day.to_string()}, {"definitions", std::move(list)}}.dump();
}

std::string Engine::precheck(std::string_view application_json) const {
  Application app = parse_application(application_json);
  if (!workflow(app.kind).checks_applications()) {
    in::fail("/kind", "a " + std::string(to_string(app.kind)) +
                          " has no checklist to pre-check; submit it (pf_submit) to file it");
  }
  const auto def = impl_->definition_for(app, app.kind);
  validate_facts(*def, app.facts);
  check_commitment_names(app, *def);
  check_commitment_rules(app, *def);
  const Date received =
      impl_->calendar.working_day_on_or_after(app.at.local_date(impl_->config.utc_offset_minutes));
  for (auto& m : app.materials) m.received_on = received;
  auto items = compute_deficiencies(*def, app.facts, app.materials);
  // What the two other paths could do with the notice (docs/contract.md §17): the items a commitment could
  // cover, and the items the window could tolerate, neither when the credit gate is closed.
  json eligible = json::array();
  json tolerable = json::array();
  const bool gate_open = credit_gate(app.facts).empty();
  for (const auto& d : items) {
    const MaterialSpec* spec = def->material(d.material.substr(0, d.material.find(':')));
    if (!gate_open || spec == nullptr || d.material.rfind("vehicle:", 0) == 0) continue;
    if (spec->commitment_allowed) eligible.push_back(d.material);
    if (spec->tolerable) tolerable.push_back(d.material);
  }
  if (app.commitment) items = without_committed(std::move(items), app.commitment->items);
  // The flags, and every rule with its facts, so the applicant sees why (docs/definitions.md).
  const auto rules = check_rules(*def, app.facts, app.at, impl_->calendar, impl_->config.utc_offset_minutes);
  std::vector<std::string> flags;
  json checked = json::array();
  for (const auto& r : rules) {
    if (r.holds) flags.push_back(r.rule);
    checked.push_back({{"rule", r.rule},
                       {"kind", r.prohibition ? "prohibition" : "flag"},
                       {"holds", r.holds},
                       {"message", r.message},
                       {"facts", r.facts}});
  }
  json notice = notice_json(items, flags);
  notice["rules"] = std::move(checked);
  notice["commitment_eligible"] = std::move(eligible);
  notice["tolerable"] = std::move(tolerable);
  if (const std::string fact = credit_gate(app.facts); !fact.empty()) notice["credit_gate"] = fact;
  return notice.dump();
}

std::string Engine::submit(std::string_view application_json) {
  Impl& m = *impl_;
  const Application app = parse_application(application_json);
  const auto def = m.definition_for(app, app.kind);
  validate_facts(*def, app.facts);
  check_commitment_names(app, *def);
  authorize_submit(app.actor, app.applicant.id.str(), app.kind, app.source);
  check_commitment_rules(app, *def);
  const int off = m.config.utc_offset_minutes;

  return m.writes->run([&](store::Transaction& batch) -> JobResult {
    store::Transaction* tx = &batch;
    // A retry by the same actor (after authorization; docs/policy.md): answered as that actor may see it.
    if (!app.command_id.empty()) {
      if (auto done = m.find_command(*tx, app.actor, app.command_id)) {
        if (auto rec = tx->load_case(*done))
          return {m.answer(app.actor, m.load_case(*tx, *rec), rec->document), nullptr};
      }
    }
    std::vector<std::string> flags = workflow(app.kind).checks_applications()
                                         ? compute_flags(*def, app.facts, app.at, m.calendar, off)
                                         : std::vector<std::string>{};
    std::optional<Date> renewal_expiry;
    if (app.renewal_of) {  // 延续 (Art 50): a new case for a permit in force
      const auto old = tx->load_case(*app.renewal_of);
      if (!old)
        throw Error(ErrorCode::not_found, "no case '" + *app.renewal_of + "' to renew", "/renewal_of");
      const Case prior = m.load_case(*tx, *old);
      if (prior.applicant.id != app.applicant.id) {
        throw Error(ErrorCode::permission_denied, "case '" + prior.id + "' belongs to another applicant");
      }
      if (prior.subject != def->id || prior.state != State::issued || !prior.certificate ||
          !prior.certificate->valid_until) {
        throw Error(ErrorCode::rule_violation, "only an issued " + def->id +
                                                   " permit with a validity end can be renewed; '" +
                                                   prior.id + "' is " + std::string(to_string(prior.state)));
      }
      renewal_expiry = prior.certificate->valid_until;
      const Date filed = app.at.local_date(off);
      if (filed > renewal_lead_deadline(*renewal_expiry, def->renewal, m.calendar))
        flags.push_back("renewal_late");
    }
    const Date received = m.calendar.working_day_on_or_after(app.at.local_date(off));
    char day[16];
    std::snprintf(day, sizeof day, "%04d%02u%02u", received.year(), received.month(), received.day());
    const std::int64_t n = tx->next_counter("case:" + def->short_code + ":" + day);
    char id[64];
    std::snprintf(id, sizeof id, "%s-%s-%s-%06lld", m.config.county_code.c_str(), def->short_code.c_str(),
                  day, static_cast<long long>(n));
    const Event first = submitted_event(id, app, *def, m.calendar, off, flags, renewal_expiry);
    Outcome out{{first}, Case{}, {}};
    apply(out.after, first, m.context_of(*def, m.calendar.version()));
    m.remember(*tx, *def);
    const std::string doc = m.persist(*tx, 0, out);
    if (!app.command_id.empty()) tx->record_command(Impl::command_key(app.actor, app.command_id), id);
    m.log->info("case {} submitted ({})", id, def->id);
    return {m.answer(app.actor, out.after, doc), nullptr};
  });
}

std::string Engine::execute(std::string_view case_id, std::string_view command_json) {
  Impl& m = *impl_;
  const Command cmd = parse_command(command_json);
  const std::string id = case_id_arg(case_id);

  // Prepared on this thread, written by the leader (lib/engine/write_queue.hpp): the job may run twice.
  return m.writes->run_prepared([&](store::Transaction& batch) -> JobResult {
    store::Transaction* tx = &batch;
    const auto record = tx->load_case(id);
    if (!record) throw Error(ErrorCode::not_found, "no case '" + id + "'");
    Case c = m.load_case(*tx, *record);
    // Command ids are the actor's own (docs/policy.md): looked up only once the actor may see the case, so a
    // retry answers what the actor may see and another actor's id is simply a new command.
    if (!cmd.command_id.empty()) {
      m.require_visible(cmd.actor, audience_of(c), m.definition_of(c.subject, c.definition_version), id);
      if (auto done = m.find_command(*tx, cmd.actor, cmd.command_id)) {
        if (*done != id) {
          throw Error(ErrorCode::conflict,
                      "command id '" + cmd.command_id + "' was already used on case " + *done);
        }
        return {m.answer(cmd.actor, c, record->document), nullptr};  // a retry: already applied
      }
    }
    const Definition& def = m.definition_of(c.subject, c.definition_version);
    if (cmd.at < c.last_event_at) {
      throw Error(ErrorCode::invalid_argument,
                  "'at' " + cmd.at.to_rfc3339(m.config.utc_offset_minutes) +
                      " is earlier than the case's latest event (" +
                      c.last_event_at.to_rfc3339(m.config.utc_offset_minutes) + ")",
                  "/at");
    }
    check_names(cmd, def, m.complaint_units);
    // Timers due before the command fire first and stay fired even when the command is refused
    // (docs/contract.md §8).
    m.fire_case_timers(*tx, c, cmd.at);
    const std::size_t undo_mark = m.writes->undo_mark();
    tx->savepoint("command");
    try {
      authorize(c, cmd);
      if (cmd.expected_version && *cmd.expected_version != record->version) {
        throw Error(ErrorCode::conflict, "case " + id + " is at version " + std::to_string(record->version) +
                                             ", not the expected " + std::to_string(*cmd.expected_version));
      }
      const std::int64_t expected = c.version;
      const CaseContext ctx = m.context_of(c);
      Outcome out{{}, std::move(c), {}};  // the command runs on the case itself: no copy
      run_command(out, cmd, ctx);
      const std::string doc = m.persist(*tx, expected, out);
      if (!cmd.command_id.empty()) tx->record_command(Impl::command_key(cmd.actor, cmd.command_id), id);
      tx->release("command");
      return {m.answer(cmd.actor, out.after, doc), nullptr};
    } catch (const Error&) {
      tx->rollback_to("command");             // rolls back and ends the savepoint
      m.writes->undo_since(undo_mark);        // caches forget what the savepoint lost
      m.cases.forget(id);                     // it may hold the case after the command just rolled back
      return {"", std::current_exception()};  // keeps the timers that fired before the command
    }
  });
}

std::string Engine::get_case(std::string_view case_id) const {
  const std::string id = case_id_arg(case_id);
  auto tx = impl_->store->begin_read();
  const auto record = tx->load_case(id);
  if (!record) throw Error(ErrorCode::not_found, "no case '" + id + "'");
  return record->document;
}

std::string Engine::history(std::string_view case_id) const {
  const std::string id = case_id_arg(case_id);
  auto tx = impl_->store->begin_read();
  if (!tx->load_case(id)) throw Error(ErrorCode::not_found, "no case '" + id + "'");
  json out = json::array();
  for (const auto& e : tx->events(id, 0)) out.push_back(impl_->event_json(e));
  return out.dump();
}

std::string Engine::query(std::string_view query_json) const {
  const json q = in::parse_document(query_json, "the query");
  in::only_keys(
      q, "",
      {"permit", "kind", "category", "unit", "state", "light", "applicant", "reporter", "awaiting_department",
       "due_before", "due_after", "actor", "limit", "after", "tolerance_pending", "verification_open"});
  store::CaseFilter f;
  std::optional<Kind> kind;
  if (const auto named = in::opt_string(q, "kind", "", 16); named && !named->empty()) {
    kind = parse_kind(*named);
    if (!kind) in::fail("/kind", "unknown kind '" + *named + "' (permit or complaint)");
  }
  // A workflow's subject key ("permit", "category") selects its kind. Every subject is stored where a
  // permit's type is, so a kind is the set of its definitions' ids, filtered in SQL.
  const Workflow* subject_of = nullptr;
  for (const Workflow* w : workflows()) {
    const std::string key(w->subject_key());
    const std::string subject = in::opt_string(q, key, "", in::kMaxId).value_or("");
    if (subject.empty()) continue;
    if (!impl_->definitions.current(subject, w->kind()))
      in::fail("/" + key, "unknown " + std::string(w->subject_noun()) + " '" + subject + "'");
    if (subject_of)
      in::fail("/" + key, "give either a " + std::string(subject_of->subject_key()) + " or a " + key);
    if (kind && *kind != w->kind()) {
      in::fail("/" + key, "a " + key + " selects " + std::string(to_string(w->kind())) + "s, not " +
                              std::string(to_string(*kind)) + "s");
    }
    f.subject = subject;
    kind = w->kind();
    subject_of = w;
  }
  std::string unit = in::opt_string(q, "unit", "", in::kMaxId).value_or("");
  f.state = in::opt_string(q, "state", "", 32).value_or("");
  if (!f.state.empty() && !parse_state(f.state)) in::fail("/state", "unknown state '" + f.state + "'");
  f.light = in::opt_string(q, "light", "", 16).value_or("");
  if (!f.light.empty() && !parse_light(f.light)) in::fail("/light", "unknown light '" + f.light + "'");
  // "applicant" filters the owner of a case of any kind (docs/contract.md §10); another workflow's owner key
  // ("reporter") filters the owner and selects that workflow's kind.
  f.applicant = in::opt_string(q, "applicant", "", in::kMaxId).value_or("");
  for (const Workflow* w : workflows()) {
    if (w->owner_key() == "applicant") continue;
    if (auto owner = in::opt_string(q, std::string(w->owner_key()), "", in::kMaxId)) {
      f.applicant = *owner;
      kind = w->kind();
    }
  }
  f.awaiting_department = in::opt_string(q, "awaiting_department", "", in::kMaxId).value_or("");
  if (!f.awaiting_department.empty()) {  // a typo would otherwise look like "nothing is waiting"
    bool known = false;
    for (const auto& p : impl_->definitions.ids())
      for (const auto& d : impl_->definitions.current(p)->co_approving)
        known = known || d.id == f.awaiting_department;
    if (!known) in::fail("/awaiting_department", "unknown department '" + f.awaiting_department + "'");
  }
  if (auto d = in::opt_date(q, "due_before", "")) f.due_before = d->to_string();
  if (auto d = in::opt_date(q, "due_after", "")) f.due_after = d->to_string();
  f.after = in::opt_string(q, "after", "", in::kMaxId).value_or("");
  f.limit = static_cast<int>(in::opt_int(q, "limit", "", 1, 1000).value_or(100));
  // 容缺 and 告知承诺 (docs/contract.md §17): filtered on the documents, like the reviewer's department.
  std::optional<bool> tolerance_pending;
  std::optional<bool> verification_open;
  if (q.contains("tolerance_pending") && !q["tolerance_pending"].is_null())
    tolerance_pending = in::get_bool(q, "tolerance_pending", "");
  if (q.contains("verification_open") && !q["verification_open"].is_null())
    verification_open = in::get_bool(q, "verification_open", "");
  // Given without a kind, a filter that only one workflow's documents answer selects that kind.
  for (const Workflow* w : workflows()) {
    for (const std::string_view name : w->query_filters()) {
      const std::string key(name);
      const bool given = q.contains(key) && !q[key].is_null() && q[key] != json("");
      if (given && !kind) kind = w->kind();
    }
  }
  // With an actor, only what it may see (docs/policy.md): the kind and the owner in SQL, the rest of the
  // rule (a reviewer's department, a handler's units) on each document while the page is read.
  std::optional<Actor> actor;
  if (q.contains("actor") && !q["actor"].is_null()) {
    actor = parse_actor(q, "actor", "");
    const Role r = actor->role;
    if (r == Role::applicant || r == Role::reporter) f.applicant = actor->id;
    // The kind of the actor's work: one kind selects it; no kind (the system) selects nothing.
    const std::vector<Kind> served = kinds_served_by(r);
    const std::optional<Kind> actor_kind = served.size() == 1 ? std::optional(served.front()) : std::nullopt;
    if (served.empty() || (actor_kind && kind && kind != actor_kind))
      return json{{"cases", json::array()}, {"next", nullptr}}.dump();
    if (actor_kind) kind = actor_kind;
  }
  if (kind) {  // also with a permit: a reporter asking for a permit type gets nothing
    f.subject_in = impl_->definitions.ids(*kind);
    if (f.subject_in.empty()) return json{{"cases", json::array()}, {"next", nullptr}}.dump();
  }
  json cases = json::array();
  std::string last;
  bool more = false;
  auto tx = impl_->store->begin_read();
  // A reviewer sees the cases its department co-approves; filtered here, so read on until the page is full.
  while (true) {
    const auto rows = tx->query(f);
    for (const auto& r : rows) {
      last = r.id;
      json doc = json::parse(r.document);
      if (!unit.empty() && doc.value("unit", json()) != json(unit)) continue;
      if (tolerance_pending && doc_tolerance_pending(doc) != *tolerance_pending) continue;
      if (verification_open && doc_verification_open(doc) != *verification_open) continue;
      if (actor) {
        const Audience who = impl_->audience_of_document(doc, [&] {
          const auto record = tx->load_case(r.id);
          if (!record) throw Error(ErrorCode::internal, "case " + r.id + " vanished while read");
          return impl_->load_case(*tx, *record);
        });
        if (!may_see(*actor, who, impl_->definition_of_document(doc))) continue;
        impl_->redact(*actor, who, doc);
      }
      cases.push_back(std::move(doc));
      if (static_cast<int>(cases.size()) == f.limit) break;
    }
    more = static_cast<int>(rows.size()) == f.limit;
    if (static_cast<int>(cases.size()) >= f.limit || !more) break;
    f.after = last;
  }
  const bool full = static_cast<int>(cases.size()) == f.limit;
  return json{{"cases", std::move(cases)}, {"next", full && more ? json(last) : json(nullptr)}}.dump();
}

std::string Engine::run_due(std::string_view now_rfc3339) {
  Impl& m = *impl_;
  Instant now;
  try {
    now = Instant::parse_rfc3339(now_rfc3339);
  } catch (const Error& e) {
    throw Error(ErrorCode::invalid_argument, std::string("now: ") + e.what(), "/now");
  }
  std::deque<Impl::FiredTimer> fired;  // a deque: a backlog's answers are never moved as it grows
  std::set<std::string> failed;        // cases whose firing failed in this call: left due, not claimed again
  // A case that cannot fire (its log does not replay, …) is left due and the others fire; a storage error
  // fails the slice. Until a case fails, a slice runs without a savepoint per case, because each one copies
  // every page its case writes into SQLite's sub-journal (the biggest cost of a backlog after the writes
  // themselves): the first failure rolls the whole slice back, cached state included, and it runs again
  // without that case. From then on, in this call, every case has its own savepoint, so many failing cases
  // cost one extra slice in all, not one each.
  struct CaseFailed {
    std::string id, why;
  };
  for (bool more = true; more;) {
    const std::size_t answered_before = fired.size();
    try {
      // One slice of the backlog per job, so commands are not held up behind a long run. A slice is the
      // cases of the first due timers; each is loaded once and fires every timer due by `now` (also those a
      // firing creates: a deemed acceptance starts the decision clocks) in one write, so the slice shares
      // the transaction and the case cache.
      m.writes->run([&](store::Transaction& tx) -> JobResult {
        std::vector<std::string> slice;
        // Past the timers of the cases that failed (a few each), so they do not fill the claim.
        const auto claim = static_cast<int>(Impl::kRunDueSlice + 16 * failed.size());
        for (const auto& t : tx.claim_due_timers(now.epoch_seconds(), claim))
          if (!failed.count(t.case_id) && std::find(slice.begin(), slice.end(), t.case_id) == slice.end() &&
              slice.size() < static_cast<std::size_t>(Impl::kRunDueSlice))
            slice.push_back(t.case_id);
        more = !slice.empty();
        const bool one_savepoint_per_case = !failed.empty();
        for (const std::string& id : slice) {
          const std::size_t answered = fired.size();
          const std::size_t undo_mark = m.writes->undo_mark();
          if (one_savepoint_per_case) tx.savepoint("timers");
          try {
            if (const auto record = tx.load_case(id)) {
              Case c = m.load_case(tx, *record);
              m.fire_case_timers(tx, c, now, &fired);
            }
            if (one_savepoint_per_case) tx.release("timers");
          } catch (const std::exception& e) {
            if (const auto* error = dynamic_cast<const Error*>(&e);
                error && error->code() == ErrorCode::storage)
              throw;
            if (!one_savepoint_per_case) throw CaseFailed{id, e.what()};
            tx.rollback_to("timers");         // rolls back and ends the savepoint
            m.writes->undo_since(undo_mark);  // e.g. a calendar remembered as stored that it took back
            m.cases.forget(id);
            fired.resize(answered);
            failed.insert(id);
            m.log->error("timers of case {} not fired: {}", id, e.what());
          }
        }
        return {};
      });
    } catch (const CaseFailed& f) {
      // The job's writes were rolled back and its undos run: the slice runs again without that case.
      fired.resize(answered_before);
      failed.insert(f.id);
      m.log->error("timers of case {} not fired: {}", f.id, f.why);
    }
  }
  // In due order across the cases (the store's order: due, case, kind, clock): a case fires all its due
  // timers at once, so the slices' answers interleave. Sorted by pointer, so no answer text moves.
  std::vector<const Impl::FiredTimer*> order;
  order.reserve(fired.size());
  for (const auto& f : fired) order.push_back(&f);
  std::stable_sort(order.begin(), order.end(), [](const Impl::FiredTimer* a, const Impl::FiredTimer* b) {
    return std::tie(a->timer.due, a->timer.case_id, a->timer.kind, a->timer.clock) <
           std::tie(b->timer.due, b->timer.case_id, b->timer.kind, b->timer.clock);
  });
  // Sized once and closed in place: a backlog's answer runs to tens of megabytes, and growing it by
  // doubling, then copying it to add the bracket, cost a tenth of the whole run.
  std::size_t size = 2 + fired.size();
  for (const auto& f : fired) size += f.answer.size();
  std::string answer;
  answer.reserve(size);
  answer += '[';
  for (const auto* f : order) {
    if (answer.size() > 1) answer += ',';
    answer += f->answer;
  }
  answer += ']';
  return answer;
}

std::string Engine::add_working_days(std::string_view date, int n) const {
  Date d;
  try {
    d = Date::parse(date);
  } catch (const Error& e) {
    throw Error(ErrorCode::invalid_argument, std::string("date: ") + e.what(), "/date");
  }
  if (n < 0) throw Error(ErrorCode::invalid_argument, "n must be 0 or more working days", "/n");
  if (n > 100000) throw Error(ErrorCode::invalid_argument, "n must be at most 100000 working days", "/n");
  const WorkingDate r = impl_->calendar.add_working_days(d, n);
  return json{{"date", r.date.to_string()}, {"provisional", r.provisional}}.dump();
}

void Engine::set_log_sink(LogSink sink, int level) {
  if (level < 0 || level > 6)
    throw Error(ErrorCode::invalid_argument, "log level must be 0 (trace) to 6 (off)");
  auto& log = *impl_->log;
  log.sinks().clear();
  if (sink) log.sinks().push_back(std::make_shared<CallbackSink>(std::move(sink)));
  log.set_level(static_cast<spdlog::level::level_enum>(level));
}

void Engine::start_scheduler(std::chrono::milliseconds period) {
  stop_scheduler();
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.scheduler_mutex);
    m.scheduler_stop = false;
  }
  m.scheduler = std::thread([this, &m, period] {
    std::unique_lock lock(m.scheduler_mutex);
    while (!m.scheduler_stop) {
      lock.unlock();
      try {
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        run_due(Instant::from_epoch_seconds(now).to_rfc3339(m.config.utc_offset_minutes));
      } catch (const std::exception& e) {
        m.log->error("background run_due failed: {}", e.what());
      }
      lock.lock();
      m.scheduler_cv.wait_for(lock, period, [&] { return m.scheduler_stop; });
    }
  });
}

void Engine::stop_scheduler() {
  if (!impl_) return;
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.scheduler_mutex);
    m.scheduler_stop = true;
  }
  m.scheduler_cv.notify_all();
  if (m.scheduler.joinable()) m.scheduler.join();
}

}  // namespace permitflow
