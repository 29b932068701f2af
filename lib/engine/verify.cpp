// Verification (docs/contract.md §12, docs/log_format.md): every case's hash chain, the ledger-wide chain,
// and that every projection is what replaying its log gives. What it detects and how to anchor the ledger
// head elsewhere: docs/operations.md. Hashes are recomputed from the stored bytes, never from re-serialized
// JSON.
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <tuple>

#include "case/snapshot.hpp"
#include "common/sha256.hpp"
#include "engine/engine_impl.hpp"

#include "permitflow/documents.hpp"
#include "store/hash_chain.hpp"

namespace permitflow {

using nlohmann::json;

namespace {

class Problems {
 public:
  void add(const std::string& case_id, std::optional<std::int64_t> seq, std::string problem) {
    json p = {{"case", case_id.empty() ? json(nullptr) : json(case_id)}};
    if (seq) p["seq"] = *seq;
    p["problem"] = std::move(problem);
    list_.push_back(std::move(p));
  }
  json& list() { return list_; }
  void append(Problems&& other) {
    for (auto& p : other.list_) list_.push_back(std::move(p));
  }

 private:
  json list_ = json::array();
};

std::string short_hash(const std::string& h) { return h.size() > 12 ? h.substr(0, 12) + "…" : h; }

// The top-level fields (and first nested paths) where two case documents differ.
std::string differing_paths(const json& stored, const json& replayed) {
  std::vector<std::string> paths;
  for (const auto& op : json::diff(replayed, stored)) {
    std::string p = op.at("path").get<std::string>();
    if (std::find(paths.begin(), paths.end(), p) == paths.end()) paths.push_back(p);
  }
  std::string out;
  for (std::size_t i = 0; i < paths.size() && i < 5; ++i) out += (i ? ", " : "") + paths[i];
  if (paths.size() > 5) out += " and " + std::to_string(paths.size() - 5) + " more";
  return out;
}

/// An event hash as it is stored: 64 lower-case hex digits, kept as its 32 bytes (a quarter of the text,
/// and no allocation). Anything else in the column (a tampered row) is kept as text, so lookups stay exact.
struct EventHash {
  std::array<std::uint8_t, 32> bytes{};
  bool canonical = false;
  std::string text;  // only when !canonical

  explicit EventHash(std::string_view hex) {
    const auto digit = [](char c) {
      return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    canonical = hex.size() == 2 * bytes.size();
    for (std::size_t i = 0; canonical && i < bytes.size(); ++i) {
      const int hi = digit(hex[2 * i]);
      const int lo = digit(hex[2 * i + 1]);
      canonical = hi >= 0 && lo >= 0;
      bytes[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    if (!canonical) text = hex;
  }
};

std::string to_hex(const std::array<std::uint8_t, 32>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * bytes.size(), '0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return out;
}

/// Every stored event by its hash: which case (an index into the case ids) and seq, and whether a ledger
/// entry covers it. A sorted vector of 48-byte entries instead of a tree of hex strings: verify holds one
/// entry per event of the database. Events with the same hash (a copied row) are all kept, in the order
/// they were added (case order, then seq), which is the order lookups and the report use.
class EventIndex {
 public:
  struct Entry {
    std::array<std::uint8_t, 32> hash;
    std::int64_t seq;
    std::uint32_t case_index;
    bool covered;
  };

  void add(EventHash&& h, std::uint32_t case_index, std::int64_t seq) {
    if (h.canonical) {
      entries_.push_back({h.bytes, seq, case_index, false});
    } else {
      odd_added_.push_back({std::move(h.text), {{}, seq, case_index, false}});
    }
  }

  /// Sorts once, after the last add(). Cases are added in order and a case's events in seq order, so
  /// sorting by (hash, case, seq) keeps equal hashes in the order they were added.
  void seal() {
    std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
      return std::tie(a.hash, a.case_index, a.seq) < std::tie(b.hash, b.case_index, b.seq);
    });
    std::stable_sort(odd_added_.begin(), odd_added_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [text, entry] : odd_added_) {
      odd_text_.push_back(std::move(text));
      odd_entries_.push_back(entry);
    }
    odd_added_ = {};
  }

  /// The events stored with this hash, in the order they were added.
  std::span<Entry> find(std::string_view hex) {
    const EventHash h(hex);
    if (h.canonical) {
      const auto [first, last] = std::equal_range(entries_.begin(), entries_.end(), h.bytes, ByHash{});
      return {first, last};
    }
    const auto [first, last] = std::equal_range(odd_text_.begin(), odd_text_.end(), h.text);
    return std::span<Entry>(odd_entries_)
        .subspan(static_cast<std::size_t>(first - odd_text_.begin()), static_cast<std::size_t>(last - first));
  }

  /// Calls f(entry) for every event in the order of the hashes' text, then the order they were added.
  template <class F>
  void for_each(F&& f) {
    std::size_t o = 0;
    for (auto& e : entries_) {
      if (o < odd_text_.size()) {
        const std::string hex = to_hex(e.hash);
        for (; o < odd_text_.size() && odd_text_[o] < hex; ++o) f(odd_entries_[o]);
      }
      f(e);
    }
    for (; o < odd_text_.size(); ++o) f(odd_entries_[o]);
  }

 private:
  struct ByHash {
    bool operator()(const Entry& e, const std::array<std::uint8_t, 32>& h) const { return e.hash < h; }
    bool operator()(const std::array<std::uint8_t, 32>& h, const Entry& e) const { return h < e.hash; }
  };
  std::vector<Entry> entries_;  // hashes of 64 lower-case hex digits, by bytes (the same order as the text)
  // Any other hash text, for tampered rows: added, then by text.
  std::vector<std::pair<std::string, Entry>> odd_added_;
  std::vector<std::string> odd_text_;
  std::vector<Entry> odd_entries_;
};

/// A case is replayed with the stored content of the version it was submitted under; its `submitted` event
/// names that content's hash (events of older databases do not: their projection check below still judges
/// them by the stored content). A different hash means the version was edited in place after the case began.
void check_definition_hash(const Engine::Impl& m, const std::string& id, const store::EventRecord& first,
                           Problems& problems) {
  if (first.seq != 1 || parse_event_type(first.type) != EventType::submitted) return;
  json data;
  try {
    data = json::parse(first.data);
  } catch (const std::exception&) {
    return;  // the replay reports it
  }
  const auto hash = data.find("definition_hash");
  const auto permit = data.find("permit");
  const auto version = data.find("definition_version");
  if (hash == data.end() || !hash->is_string() || permit == data.end() || !permit->is_string() ||
      version == data.end() || !version->is_number_integer())
    return;
  const auto def = m.definitions.find(permit->get<std::string>(), version->get<int>());
  if (def && def->hash != hash->get<std::string>()) {
    problems.add(id, first.seq,
                 "submitted under definition " + def->id + " version " + std::to_string(def->version) +
                     " with hash " + short_hash(hash->get<std::string>()) + ", but the stored version " +
                     std::to_string(def->version) + " has hash " + short_hash(def->hash) +
                     ": the version was edited in place after this case was submitted");
  }
}

/// (e) every document a material of the case's events names by sha256 is in the documents folder with bytes
/// that hash to that name; a missing or altered one is reported against the event that named it.
void check_documents(const DocumentStore& documents, const std::string& id,
                     const std::vector<store::EventRecord>& events, Problems& problems) {
  std::map<std::string, DocumentStore::Check> seen;
  for (const auto& e : events) {
    if (e.data.find("\"sha256\"") == std::string::npos) continue;
    const json data = json::parse(e.data, nullptr, false);
    if (!data.is_object() || !data.contains("materials") || !data["materials"].is_array()) continue;
    for (const auto& mat : data["materials"]) {
      if (!mat.is_object() || !mat.contains("sha256") || !mat["sha256"].is_string()) continue;
      const std::string sha = mat["sha256"];
      if (!is_sha256_hex(sha)) continue;
      auto it = seen.find(sha);
      if (it == seen.end()) it = seen.emplace(sha, documents.check(sha)).first;
      if (it->second == DocumentStore::Check::ok) continue;
      const std::string what =
          "material '" + mat.value("id", std::string()) + "' (sha256 " + short_hash(sha) + ")";
      problems.add(
          id, e.seq,
          it->second == DocumentStore::Check::missing
              ? what + ": the document is missing from " + documents.dir()
              : what + ": the stored document's bytes do not match its hash: the document was altered");
    }
  }
}

/// What checking one case found: its problems in order, and the hash and seq of each of its events.
struct CaseCheck {
  Problems problems;
  std::vector<std::pair<EventHash, std::int64_t>> hashes;
};

/// (a) the case's hash chain and (c) its projection and snapshot against the replay of its log. Reads
/// nothing from the store, so workers can run it on rows another thread read.
CaseCheck check_case(const Engine::Impl& m, const std::string& id,
                     const std::optional<store::CaseRecord>& record,
                     const std::vector<store::EventRecord>& events, const DocumentStore* documents) {
  CaseCheck out;
  if (documents) check_documents(*documents, id, events, out.problems);
  if (!record) {
    out.problems.add(id, std::nullopt, "the case has events but no projection row");
  }
  if (events.empty()) {
    out.problems.add(id, std::nullopt, "the case has a projection but no events: its log was deleted");
    return out;
  }

  std::string prev_hash;
  std::int64_t expected_seq = 1;
  for (const auto& e : events) {
    if (e.seq != expected_seq) {
      if (e.seq > expected_seq) {
        out.problems.add(id, e.seq,
                         expected_seq + 1 == e.seq
                             ? "event " + std::to_string(expected_seq) + " is missing (seq " +
                                   std::to_string(e.seq) + " follows seq " +
                                   std::to_string(expected_seq - 1) + ")"
                             : "events " + std::to_string(expected_seq) + " to " + std::to_string(e.seq - 1) +
                                   " are missing (seq " + std::to_string(e.seq) + " follows seq " +
                                   std::to_string(expected_seq - 1) + ")");
      } else {
        out.problems.add(id, e.seq,
                         "seq " + std::to_string(e.seq) + " is out of order or repeated (expected seq " +
                             std::to_string(expected_seq) + ")");
      }
    }
    if (e.prev_hash != prev_hash) {
      out.problems.add(id, e.seq,
                       expected_seq == 1 && e.seq == 1
                           ? "the first event's prev_hash is not empty"
                           : "prev_hash " + short_hash(e.prev_hash) +
                                 " does not link to the hash of the event before it (" +
                                 short_hash(prev_hash) + ")");
    }
    if (store::event_hash(e.prev_hash, e) != e.hash) {
      out.problems.add(
          id, e.seq,
          "the stored hash does not match the event's stored bytes: the event (" + e.type + ") was edited");
    }
    out.hashes.emplace_back(EventHash(e.hash), e.seq);
    prev_hash = e.hash;
    expected_seq = e.seq + 1;
  }
  if (!record) return out;
  check_definition_hash(m, id, events.front(), out.problems);

  // The log is replayed once: up to the snapshot's version first when the snapshot lags (it is taken every
  // few events), kept to compare with the snapshot below, then on to the end.
  const std::span<const store::EventRecord> log(events);
  const std::int64_t snapshot_version = record->snapshot.empty() ? 0 : record->snapshot_version;
  std::optional<Case> at_snapshot;
  Case replayed;
  try {
    if (snapshot_version > 0 && snapshot_version < static_cast<std::int64_t>(log.size())) {
      at_snapshot = m.replay(log.first(static_cast<std::size_t>(snapshot_version)));
      replayed = m.replay(log.subspan(static_cast<std::size_t>(snapshot_version)), *at_snapshot);
    } else {
      replayed = m.replay(log);
    }
  } catch (const std::exception& ex) {
    out.problems.add(id, std::nullopt, std::string("the log does not replay: ") + ex.what());
    return out;
  }
  const store::CaseRecord want = m.projection(replayed, /*with_snapshot=*/false);
  const auto column = [&](const char* name, const std::string& have, const std::string& should) {
    if (have != should) {
      out.problems.add(id, std::nullopt,
                       std::string("the projection's ") + name + " is '" + have + "' but the replay gives '" +
                           should + "'");
    }
  };
  column("state", record->state, want.state);
  column("version", std::to_string(record->version), std::to_string(want.version));
  column("permit", record->permit, want.permit);
  column("definition_version", std::to_string(record->definition_version),
         std::to_string(want.definition_version));
  column("applicant_id", record->applicant_id, want.applicant_id);
  column("light", record->light, want.light);
  column("due", record->due, want.due);
  column("awaiting_departments", record->awaiting_departments, want.awaiting_departments);
  json stored_doc;
  // Documents are dumped deterministically: equal text needs no parse (the common, fast path).
  if (record->document != want.document) {
    try {
      stored_doc = json::parse(record->document);
    } catch (const std::exception&) {
      out.problems.add(id, std::nullopt, "the projection's case document is not valid JSON");
    }
  }
  if (!stored_doc.is_null()) {
    const json replayed_doc = json::parse(want.document);
    if (stored_doc != replayed_doc) {
      out.problems.add(id, std::nullopt,
                       "the projection's case document differs from the replay at " +
                           differing_paths(stored_doc, replayed_doc));
    }
  }
  // A snapshot is a cache, and one that does not load is simply dropped (docs/contract.md §8); but one that
  // loads is trusted by load_case, so it must be the replay of the first snapshot_version events.
  if (!record->snapshot.empty()) {
    if (auto snap = load_snapshot(record->snapshot); snap && snap->version == record->snapshot_version) {
      if (record->snapshot_version > static_cast<std::int64_t>(events.size())) {
        out.problems.add(id, std::nullopt,
                         "the snapshot is at version " + std::to_string(record->snapshot_version) +
                             " but the log has " + std::to_string(events.size()) + " events");
      } else {
        if (!at_snapshot) {
          at_snapshot = record->snapshot_version == replayed.version
                            ? replayed
                            : m.replay(log.first(static_cast<std::size_t>(record->snapshot_version)));
        }
        if (!(*snap == *at_snapshot)) {
          out.problems.add(id, std::nullopt,
                           "the snapshot (version " + std::to_string(record->snapshot_version) +
                               ") differs from the replay of the log up to that version");
        }
      }
    }
  }
  return out;
}

/// Consecutive cases read together and checked by one worker.
struct Slice {
  std::vector<std::string> ids;
  std::vector<std::optional<store::CaseRecord>> records;
  std::vector<std::vector<store::EventRecord>> events;
  std::vector<CaseCheck> checks;
  std::exception_ptr error;
  bool taken = false;
  bool done = false;
};

}  // namespace

std::string Engine::verify() const { return verify(std::string_view("{}")); }

std::string Engine::verify(std::string_view options_json) const {
  const Impl& m = *impl_;
  std::optional<DocumentStore> documents;
  {
    const json o = json::parse(options_json, nullptr, false);
    if (!o.is_object()) throw Error(ErrorCode::invalid_argument, "verify options: expected a JSON object");
    for (const auto& [key, value] : o.items()) {
      if (key != "documents_dir")
        throw Error(ErrorCode::invalid_argument, "verify options: unknown key '" + key + "'", "/" + key);
      if (!value.is_string() || value.get<std::string>().empty())
        throw Error(ErrorCode::invalid_argument, "verify options: documents_dir must be a folder name",
                    "/documents_dir");
      struct stat st {};
      if (::stat(value.get<std::string>().c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw Error(ErrorCode::invalid_argument,
                    "verify options: documents_dir '" + value.get<std::string>() + "' is not a folder",
                    "/documents_dir");
      documents.emplace(value.get<std::string>(), /*create=*/false);
    }
  }
  const DocumentStore* docs = documents ? &*documents : nullptr;
  Problems problems;
  std::int64_t cases_checked = 0;
  std::int64_t events_checked = 0;
  EventIndex stored;

  auto tx = m.store->begin_read();

  // --- (a) each case's chain, (c) its projection against the replay ------------------------------------
  // Cases are independent: this thread reads slices of them in its one read transaction while a worker per
  // core checks them (the replay is most of the cost). Slices are merged in case order, so the report does
  // not depend on timing, and only a few slices are in flight, so memory does not grow with the database.
  const std::vector<std::string> ids = tx->case_ids();
  if (ids.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("too many cases to verify");
  constexpr std::size_t kSlice = 64;
  const std::size_t workers = std::max(1U, std::thread::hardware_concurrency());
  const std::size_t max_in_flight = 2 * workers + 1;
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<std::unique_ptr<Slice>> in_flight;  // in case order
  bool finished = false;
  const auto work = [&] {
    std::unique_lock lock(mutex);
    for (;;) {
      Slice* s = nullptr;
      cv.wait(lock, [&] {
        for (const auto& p : in_flight) {
          if (!p->taken) {
            s = p.get();
            break;
          }
        }
        return s || finished;
      });
      if (!s) return;
      s->taken = true;
      lock.unlock();
      try {
        for (std::size_t i = 0; i < s->ids.size(); ++i)
          s->checks.push_back(check_case(m, s->ids[i], s->records[i], s->events[i], docs));
      } catch (...) {
        s->error = std::current_exception();
      }
      s->records = {};
      s->events = {};
      lock.lock();
      s->done = true;
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  // Stops and joins the workers however this function leaves (a read or a check may throw).
  struct Joiner {
    std::mutex& mutex;
    std::condition_variable& cv;
    bool& finished;
    std::vector<std::thread>& pool;
    ~Joiner() {
      {
        std::lock_guard lock(mutex);
        finished = true;
      }
      cv.notify_all();
      for (auto& t : pool) t.join();
    }
  } joiner{mutex, cv, finished, pool};
  for (std::size_t i = 0; i < workers; ++i) pool.emplace_back(work);

  const auto merge = [&](Slice& s) {
    if (s.error) std::rethrow_exception(s.error);
    for (std::size_t i = 0; i < s.ids.size(); ++i) {
      const auto case_index = static_cast<std::uint32_t>(cases_checked);
      ++cases_checked;
      events_checked += static_cast<std::int64_t>(s.checks[i].hashes.size());
      problems.append(std::move(s.checks[i].problems));
      for (auto& [hash, seq] : s.checks[i].hashes) stored.add(std::move(hash), case_index, seq);
    }
  };
  std::size_t next = 0;
  while (next < ids.size() || !in_flight.empty()) {
    std::unique_ptr<Slice> read;
    std::vector<std::unique_ptr<Slice>> checked;
    {
      std::unique_lock lock(mutex);
      const bool room = next < ids.size() && in_flight.size() < max_in_flight;
      if (!room) cv.wait(lock, [&] { return in_flight.front()->done; });
      while (!in_flight.empty() && in_flight.front()->done) {
        checked.push_back(std::move(in_flight.front()));
        in_flight.pop_front();
      }
      if (room) {
        lock.unlock();
        read = std::make_unique<Slice>();
        for (; next < ids.size() && read->ids.size() < kSlice; ++next) {
          read->ids.push_back(ids[next]);
          read->records.push_back(tx->load_case(ids[next]));
          read->events.push_back(tx->events(ids[next], 0));
        }
        lock.lock();
        in_flight.push_back(std::move(read));
        cv.notify_all();
      }
    }
    for (auto& s : checked) merge(*s);
  }
  stored.seal();

  // --- (b) the ledger-wide chain -------------------------------------------------------------------------
  // Each entry commits to the hashes of the events its transaction appended. A mismatch names the case (and
  // seq) of the events still filed under the entry when they all belong to one case.
  auto ledger = tx->ledger();
  std::sort(ledger.begin(), ledger.end(),
            [](const store::LedgerRecord& a, const store::LedgerRecord& b) { return a.seq < b.seq; });
  // (ledger seq, event hash) in commit order; walked in place, by ledger seq, instead of copied into a map.
  auto filed = tx->ledger_event_hashes();
  const auto by_seq = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (!std::is_sorted(filed.begin(), filed.end(), by_seq))
    std::stable_sort(filed.begin(), filed.end(), by_seq);
  const auto filed_under = [&](std::int64_t seq) {
    return std::equal_range(filed.begin(), filed.end(), std::pair<std::int64_t, std::string>{seq, {}},
                            by_seq);
  };
  const auto owner = [&](const std::vector<std::string>& hashes) {
    const std::string* case_id = nullptr;
    std::optional<std::int64_t> seq;
    for (const auto& h : hashes) {
      const auto found = stored.find(h);
      if (found.empty()) return std::pair<std::string, std::optional<std::int64_t>>{"", std::nullopt};
      const std::string& id = ids[found.front().case_index];
      if (case_id && !case_id->empty() && *case_id != id)
        return std::pair<std::string, std::optional<std::int64_t>>{"", std::nullopt};
      case_id = &id;
      seq = found.front().seq;
    }
    if (hashes.size() != 1) seq.reset();
    return std::pair{case_id ? *case_id : std::string(), seq};
  };

  std::string ledger_head;
  std::int64_t ledger_count = 0;
  std::int64_t expected = 1;
  std::vector<std::string> hashes;  // filed under the current entry (a repeated seq reuses them)
  std::optional<std::int64_t> hashes_seq;
  for (const auto& l : ledger) {
    const std::string where = "ledger entry " + std::to_string(l.seq);
    if (hashes_seq != l.seq) {
      hashes.clear();
      const auto [first, last] = filed_under(l.seq);
      for (auto i = first; i != last; ++i) hashes.push_back(std::move(i->second));
      hashes_seq = l.seq;
    }
    const auto [case_id, seq] = owner(hashes);
    if (l.seq != expected) {
      problems.add("", std::nullopt,
                   l.seq > expected ? where + " follows entry " + std::to_string(expected - 1) +
                                          ": ledger entries were deleted"
                                    : where + " is out of order or repeated");
    }
    if (l.prev_hash != ledger_head) {
      problems.add("", std::nullopt, where + " does not link to the hash of the entry before it");
    }
    const auto count = static_cast<std::int64_t>(hashes.size());
    if (l.event_count > count) {
      problems.add(case_id, std::nullopt,
                   where + " committed " + std::to_string(l.event_count) + " events but " +
                       (count == 0 ? "none of them is" : "only " + std::to_string(count) + " are") +
                       " stored: events were deleted" +
                       (count == 0 ? " (a whole case, when none of its events is left)" : ""));
    } else if (l.event_count < count) {
      problems.add(case_id, std::nullopt,
                   where + " committed " + std::to_string(l.event_count) + " events but " +
                       std::to_string(count) + " are filed under it: events were inserted");
    } else if (store::ledger_hash(l.prev_hash, hashes) != l.hash) {
      problems.add(case_id, seq,
                   where +
                       " does not match the events filed under it: an event of that transaction was "
                       "rewritten with recomputed hashes, or replaced, or the entry was edited");
    }
    for (const auto& h : hashes) {
      const auto found = stored.find(h);
      const auto it = std::find_if(found.begin(), found.end(), [](const auto& e) { return !e.covered; });
      if (it != found.end()) {
        it->covered = true;
      } else {
        problems.add("", std::nullopt,
                     where + " records an event (hash " + short_hash(h) +
                         ") that is in no case's log: an event, or a whole case, was deleted");
      }
    }
    ledger_count += l.event_count;
    ledger_head = l.hash;
    expected = l.seq + 1;
  }
  hashes = {};
  const auto in_ledger = [&](std::int64_t seq) {
    return std::binary_search(ledger.begin(), ledger.end(), store::LedgerRecord{seq, {}, {}, 0},
                              [](const auto& a, const auto& b) { return a.seq < b.seq; });
  };
  for (auto first = filed.begin(); first != filed.end();) {
    const std::int64_t seq = first->first;
    const auto last = filed_under(seq).second;
    if (!in_ledger(seq)) {
      for (auto i = first; i != last; ++i) {
        for (auto& e : stored.find(i->second)) {
          if (e.covered) continue;
          e.covered = true;
          problems.add(ids[e.case_index], e.seq,
                       "the event is filed under ledger entry " + std::to_string(seq) +
                           ", which does not exist: it was inserted outside the engine");
        }
      }
    }
    first = last;
  }
  filed = {};
  stored.for_each([&](const EventIndex::Entry& e) {
    if (!e.covered) {
      problems.add(ids[e.case_index], e.seq,
                   "the event is not covered by the ledger: it was inserted, or rewritten with a recomputed "
                   "hash, outside the engine");
    }
  });

  // --- (c) the feed (docs/feed.md) ----------------------------------------------------------------------
  // Records run from the retention mark + 1 to the head without a gap, one per event: the mark counts the
  // pruned ones, so events = mark + records.
  const store::FeedBounds bounds = tx->feed_bounds();
  std::int64_t feed_expected = bounds.pruned + 1;
  const auto feed_index = tx->feed_index();
  const auto feed_count = static_cast<std::int64_t>(feed_index.size());
  for (const auto& r : feed_index) {
    if (r.seq != feed_expected) {
      problems.add(r.case_id, r.version,
                   "feed record " + std::to_string(r.seq) + " follows " + std::to_string(feed_expected - 1) +
                       ": feed records were deleted or inserted outside the engine");
    }
    feed_expected = r.seq + 1;
  }
  if (bounds.pruned + feed_count != events_checked) {
    problems.add("", std::nullopt,
                 std::to_string(events_checked) + " events but " + std::to_string(feed_count) +
                     " feed records and " + std::to_string(bounds.pruned) +
                     " pruned: an event was written without its feed record, or a record was deleted");
  }

  // --- (d) the stored definitions: each is the content its hash names
  // ---------------------------------------
  for (const auto& doc : tx->documents()) {
    if (doc.kind == "definition" && sha256_hex(doc.content) != doc.hash) {
      problems.add("", std::nullopt,
                   "stored definition " + doc.name + " version " + std::to_string(doc.version) +
                       ": its content does not match its stored hash " + short_hash(doc.hash) +
                       " (the stored definition was edited)");
    }
  }

  json out = {{"ok", problems.list().empty()},    {"cases_checked", cases_checked},
              {"events_checked", events_checked}, {"problems", std::move(problems.list())},
              {"ledger_head", ledger_head},       {"ledger_count", ledger_count},
              {"feed_head", bounds.head},         {"feed_pruned", bounds.pruned}};
  if (!out["ok"].get<bool>()) m.log->warn("verify found {} problems", out["problems"].size());
  return out.dump();
}

}  // namespace permitflow
