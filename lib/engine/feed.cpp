// The event feed (docs/feed.md): reading records after a cursor and moving durable consumers' cursors. The
// records themselves are written by the store, in the transaction of their events
// (lib/store/append_protocol).
#include <algorithm>
#include <chrono>
#include <regex>

#include "common/json_input.hpp"
#include "common/json_text.hpp"
#include "engine/engine_impl.hpp"
#include "engine/feed_profiles.hpp"

namespace permitflow {

using nlohmann::json;
namespace in = input;

namespace {

constexpr std::int64_t kMaxSeq = 9007199254740991;  // 2^53 - 1: every seq a JSON number holds exactly

/// A consumer name: 1 to 64 letters, digits, '_', '-', '.' (it names a row, a log line and a CLI argument).
std::string consumer_name(std::string_view name, const std::string& pointer) {
  static const std::regex kName("[A-Za-z0-9_.-]{1,64}");
  if (!std::regex_match(name.begin(), name.end(), kName)) {
    in::fail(pointer, "a consumer name is 1 to 64 letters, digits, '_', '-' or '.', not '" +
                          std::string(name.substr(0, 80)) + "'");
  }
  return std::string(name);
}

std::vector<std::string> string_list(const json& q, const char* key,
                                     const std::vector<std::string>& allowed) {
  std::vector<std::string> out;
  if (!q.contains(key)) return out;
  const std::string pointer = std::string("/") + key;
  const json& list = q.at(key);
  if (!list.is_array() || list.empty() || list.size() > 64)
    in::fail(pointer, "must be a list of 1 to 64 names");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = pointer + "/" + std::to_string(i);
    if (!list[i].is_string()) in::fail(p, "must be a string");
    const auto& v = list[i].get_ref<const std::string&>();
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), v) == allowed.end())
      in::fail(
          p, "unknown " + std::string(key == std::string("kinds") ? "kind" : "event type") + " '" + v + "'");
    if (v.empty() || v.size() > in::kMaxId)
      in::fail(p, "must be 1 to " + std::to_string(in::kMaxId) + " bytes");
    out.push_back(v);
  }
  return out;
}

/// A stored JSON text (an event's actor or data, written by the engine) spliced into an answer as it is:
/// checked, not parsed into a tree and written again, which was most of the cost of reading the feed.
void append_stored_json(std::string& out, const std::string& text) {
  if (!json_text::well_formed(text))
    throw Error(ErrorCode::storage, "a stored event holds text that is not JSON");
  out += text;
}

using json_text::append_string;

/// One record of the raw profile, its keys in the sorted order every other answer has:
/// {"backfilled"?, "case", "event": {"actor", "at", "data", "hash", "type"}, "kind", "seq", "state",
/// "subject", "version"}.
void append_raw_record(std::string& out, const store::FeedRecord& r) {
  out += r.backfilled ? "{\"backfilled\":true,\"case\":" : "{\"case\":";
  append_string(out, r.case_id);
  out += ",\"event\":{\"actor\":";
  append_stored_json(out, r.event.actor);
  out += ",\"at\":";
  append_string(out, r.event.at);
  out += ",\"data\":";
  append_stored_json(out, r.event.data);
  out += ",\"hash\":";
  append_string(out, r.event.hash);
  out += ",\"type\":";
  append_string(out, r.event.type);
  out += "},\"kind\":";
  append_string(out, r.kind);
  out += ",\"seq\":" + std::to_string(r.seq) + ",\"state\":";
  append_string(out, r.state);
  out += ",\"subject\":";
  append_string(out, r.subject);
  out += ",\"version\":" + std::to_string(r.version) + "}";
}

}  // namespace

std::string Engine::feed(std::string_view request_json) const {
  const json q = in::parse_document(request_json, "the feed request");
  in::only_keys(q, "", {"after", "limit", "kinds", "types", "cases", "profile", "consumer"});
  const std::string profile = in::opt_string(q, "profile", "", 32).value_or("raw");
  if (profile != "raw" && profile != "provincial" && profile != "notify")
    in::fail("/profile", "unknown profile '" + profile + "' (raw, provincial or notify)");
  store::FeedQuery query;
  query.limit = static_cast<int>(in::opt_int(q, "limit", "", 1, 1000).value_or(100));
  std::vector<std::string> kinds;  // every kind a workflow is registered for
  for (const Workflow* w : workflows()) kinds.emplace_back(to_string(w->kind()));
  query.kinds = string_list(q, "kinds", kinds);
  query.types = string_list(q, "types", {});
  query.cases = string_list(q, "cases", {});
  const std::optional<std::int64_t> after = in::opt_int(q, "after", "", 0, kMaxSeq);
  std::optional<std::string> consumer;
  if (auto name = in::opt_string(q, "consumer", "", 64)) consumer = consumer_name(*name, "/consumer");
  if (after && consumer) in::fail("/after", "give either after or a consumer, whose cursor is the start");

  auto tx = impl_->store->begin_read();  // one snapshot: the cursor, the bounds and the records agree
  const store::FeedBounds bounds = tx->feed_bounds();
  std::int64_t start = after.value_or(0);
  if (consumer) {
    for (const auto& c : tx->feed_consumers()) {
      if (c.name == *consumer) start = c.cursor;
    }
  }
  if (start > bounds.head) {
    in::fail("/after",
             "after " + std::to_string(start) + " is past the feed's head " + std::to_string(bounds.head));
  }
  // Records at or below the retention mark are gone; reading goes on from the mark, and "pruned" says so.
  query.after = std::max(start, bounds.pruned);
  const auto records = tx->feed(query);
  // Each durable consumer's cursor and how far it is behind the head (the supervision dashboard's lag).
  json consumers = json::array();
  for (const auto& c : tx->feed_consumers())
    consumers.push_back({{"name", c.name}, {"cursor", c.cursor}, {"lag", bounds.head - c.cursor}});
  // A short page scanned every record up to the head (filters may have skipped some).
  const std::int64_t next =
      static_cast<int>(records.size()) == query.limit ? records.back().seq : bounds.head;
  // Written as text, keys in sorted order like every answer: a page of raw records is mostly stored JSON.
  std::string out = "{\"consumers\":" + consumers.dump() + ",\"head\":" + std::to_string(bounds.head) +
                    ",\"next\":" + std::to_string(next) + ",\"pruned\":" + std::to_string(bounds.pruned) +
                    ",\"records\":[";
  bool first = true;
  const auto separate = [&] {
    if (!first) out += ',';
    first = false;
  };
  if (profile == "raw") {
    for (const auto& r : records) {
      separate();
      append_raw_record(out, r);
    }
  } else {
    for (const auto& rendered : impl_->render_profile(*tx, profile, records)) {
      separate();
      out += rendered.dump();
    }
  }
  return out + "]}";
}

std::vector<json> Engine::Impl::render_profile(store::Transaction& tx, const std::string& profile,
                                               const std::vector<store::FeedRecord>& records) const {
  const ProvincialProfile& provincial = ProvincialProfile::builtin();
  const NotifyProfile& notify = NotifyProfile::builtin();
  // What each record's case contributes, read once per case of the page.
  std::map<std::string, std::vector<std::int64_t>> notices;  // case -> versions of its correction notices
  std::map<std::string, std::string> applicants;
  std::vector<json> out;
  for (const auto& r : records) {
    RecordContext ctx;
    const bool wants_round =
        profile == "provincial" ? provincial.needs_round(r.event.type) : notify.covers(r.subject);
    if (wants_round) {
      auto it = notices.find(r.case_id);
      if (it == notices.end()) {
        std::vector<std::int64_t> versions;
        for (const auto& e : tx.events(r.case_id, 0)) {
          if (parse_event_type(e.type) == EventType::correction_requested) versions.push_back(e.seq);
        }
        it = notices.emplace(r.case_id, std::move(versions)).first;
      }
      ctx.round = static_cast<int>(std::upper_bound(it->second.begin(), it->second.end(), r.version) -
                                   it->second.begin());
    }
    if (profile == "provincial") {
      if (auto rec = provincial.render(r, ctx)) out.push_back(std::move(*rec));
      continue;
    }
    if (!notify.covers(r.subject)) continue;
    auto a = applicants.find(r.case_id);
    if (a == applicants.end()) {
      const auto c = tx.load_case(r.case_id);
      a = applicants.emplace(r.case_id, c ? c->applicant_id : std::string()).first;
    }
    ctx.applicant_id = a->second;
    const auto def = definitions.current(r.subject, Engine::Impl::stored_kind(r.kind));
    if (def) {
      ctx.subject_name = def->name.zh;
      ctx.subject_name_en = def->name.en;
      for (const auto& m : def->materials) ctx.material_names[m.id] = {m.name.zh, m.name.en};
    }
    for (auto& m : notify.render(r, ctx)) out.push_back(std::move(m));
  }
  return out;
}

void Engine::Impl::fill_backfilled_feed_states() {
  const std::vector<std::string> ids = store->begin_read()->cases_without_feed_states();
  constexpr std::size_t kCasesPerTransaction = 200;
  for (std::size_t from = 0; from < ids.size(); from += kCasesPerTransaction) {
    writes->run([&](store::Transaction& tx) -> JobResult {
      for (std::size_t i = from; i < ids.size() && i < from + kCasesPerTransaction; ++i) {
        const auto events = tx.events(ids[i], 0);
        Case c;
        for (const auto& e : events) {
          c = replay(std::span(&e, 1), std::move(c));
          tx.set_feed_state(ids[i], e.seq, std::string(to_string(c.state)));
        }
      }
      return {};
    });
  }
  if (!ids.empty()) log->info("feed: states of back-filled records of {} cases filled in", ids.size());
}

void Engine::Impl::prune_feed(store::Transaction& tx, std::int64_t pruned) const {
  if (config.feed_retention_days == 0) return;
  std::int64_t passed = -1;  // the lowest cursor: every consumer has passed the records up to it
  for (const auto& c : tx.feed_consumers()) passed = passed < 0 ? c.cursor : std::min(passed, c.cursor);
  if (passed <= pruned) return;
  const std::int64_t cutoff =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count() -
      std::int64_t{86400} * config.feed_retention_days;
  // Records come in commit order, their times nearly so: stop at the first one young enough to keep.
  std::int64_t up_to = pruned;
  store::FeedQuery q;
  q.after = pruned;
  q.limit = 1000;
  while (up_to < passed) {
    const auto page = tx.feed(q);
    if (page.empty()) break;
    for (const auto& r : page) {
      if (r.seq > passed || Instant::parse_rfc3339(r.event.at).epoch_seconds() > cutoff) {
        if (up_to > pruned) tx.prune_feed(up_to);
        return;
      }
      up_to = r.seq;
    }
    q.after = page.back().seq;
  }
  if (up_to > pruned) tx.prune_feed(up_to);
}

void Engine::feed_ack(std::string_view consumer, std::int64_t seq) {
  const std::string name = consumer_name(consumer, "/consumer");
  if (seq < 0 || seq > kMaxSeq) in::fail("/seq", "seq must be 0 to 2^53 - 1, not " + std::to_string(seq));
  impl_->writes->run([&](store::Transaction& tx) -> JobResult {
    const store::FeedBounds bounds = tx.feed_bounds();
    if (seq > bounds.head) {
      in::fail("/seq",
               "seq " + std::to_string(seq) + " is past the feed's head " + std::to_string(bounds.head));
    }
    std::int64_t cursor = 0;
    for (const auto& c : tx.feed_consumers()) {
      if (c.name == name) cursor = c.cursor;
    }
    if (seq < cursor) {
      in::fail("/seq", "consumer '" + name + "' is at " + std::to_string(cursor) +
                           "; an acknowledgement never moves it back (to " + std::to_string(seq) + ")");
    }
    if (seq > cursor || cursor == 0) tx.set_feed_cursor(name, seq);
    impl_->prune_feed(tx, bounds.pruned);
    return {};
  });
}

}  // namespace permitflow
