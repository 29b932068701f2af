// Verification (docs/contract.md §12, docs/log_format.md): every case's hash chain, the ledger-wide chain,
// and that every projection is what replaying its log gives. What it detects and how to anchor the ledger
// head elsewhere: docs/operations.md. Hashes are recomputed from the stored bytes, never from re-serialized
// JSON.
#include <sys/stat.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <span>
#include <thread>
#include <unordered_map>

#include "case/snapshot.hpp"
#include "common/sha256.hpp"
#include "engine/engine_impl.hpp"
#include "engine/verify.hpp"

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

// The page cache verify's read transaction keeps (SQLite): a few ledger pages' worth of event pages, about
// 4,000 pages of 4 KiB.
constexpr std::int64_t kVerifyCacheKib = 16 * 1024;

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

/// A case is replayed with the stored content of the version it was submitted under; its `submitted` event
/// names that content's hash (events of older databases do not: their projection check below still judges
/// them by the stored content). A different hash means the version was edited in place after the case began.
void check_definition_hash(const Engine::Impl& m, const std::string& id, const Event& first,
                           Problems& problems) {
  if (first.seq != 1 || first.type != EventType::submitted) return;
  const auto* data = std::get_if<payload::Submitted>(&first.payload);
  if (!data || !data->definition_hash) return;
  const std::string& hash = *data->definition_hash;
  const auto def = m.definitions.find(data->permit, data->definition_version);
  if (def && def->hash != hash) {
    problems.add(id, first.seq,
                 "submitted under definition " + def->id + " version " + std::to_string(def->version) +
                     " with hash " + short_hash(hash) + ", but the stored version " +
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

/// What checking one case found: its problems in order, and how many events it has.
struct CaseCheck {
  Problems problems;
  std::int64_t events = 0;
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
    ++out.events;
    prev_hash = e.hash;
    expected_seq = e.seq + 1;
  }
  if (!record) return out;

  // The log is replayed once: up to the snapshot's version first when the snapshot lags (it is taken every
  // few events), kept to compare with the snapshot below, then on to the end.
  const std::span<const store::EventRecord> log(events);
  const std::int64_t snapshot_version = record->snapshot.empty() ? 0 : record->snapshot_version;
  std::optional<Case> at_snapshot;
  Case replayed;
  // The submitted event is parsed once, by the replay, and its definition hash checked there.
  const auto definition_hash = [&](const Event& e) { check_definition_hash(m, id, e, out.problems); };
  try {
    if (snapshot_version > 0 && snapshot_version < static_cast<std::int64_t>(log.size())) {
      at_snapshot = m.replay(log.first(static_cast<std::size_t>(snapshot_version)), {}, definition_hash);
      replayed = m.replay(log.subspan(static_cast<std::size_t>(snapshot_version)), *at_snapshot);
    } else {
      replayed = m.replay(log, {}, definition_hash);
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
  column("permit", record->subject, want.subject);
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

/// (b) the ledger-wide chain, a page of entries at a time with the events filed under them (one read in
/// commit order), so nothing is held per event: each event is matched to its entry by where it is filed,
/// and to its case by its own row.
class LedgerWalk {
 public:
  LedgerWalk(store::Transaction& tx, int page) : tx_(tx), page_(page) {}
  bool done() const { return done_; }
  const std::string& head() const { return head_; }
  std::int64_t count() const { return count_; }
  /// How many events the pages checked so far had filed under them.
  std::int64_t filed_read() const { return filed_read_; }

  /// Checks the next page of entries.
  void step() {
    const auto ledger = tx_.ledger_page(after_, page_);
    const bool last = static_cast<int>(ledger.size()) < page_;
    // The last page also takes every event filed after the last entry.
    const std::int64_t up_to = last ? std::numeric_limits<std::int64_t>::max() : ledger.back().seq;
    auto filed = tx_.filed_events(after_, up_to);
    filed_read_ += static_cast<std::int64_t>(filed.size());
    auto f = filed.begin();
    for (const auto& l : ledger) {
      for (; f != filed.end() && f->ledger_seq < l.seq; ++f) unfiled(*f);
      const auto first = f;
      while (f != filed.end() && f->ledger_seq == l.seq) ++f;
      check(l, {first, f});
    }
    for (; f != filed.end(); ++f) unfiled(*f);
    after_ = up_to;
    done_ = last;
  }

  /// The problems in the order of the whole-table walk: the entries', then the events filed under no entry.
  void finish(Problems& out) {
    out.append(std::move(entries_));
    out.append(std::move(unfiled_));
  }

 private:
  void unfiled(const store::FiledEvent& e) {
    if (!e.has_case) return;  // an event of no stored case under no entry: nothing else refers to it
    unfiled_.add(e.case_id, e.seq,
                 "the event is filed under ledger entry " + std::to_string(e.ledger_seq) +
                     ", which does not exist: it was inserted outside the engine");
  }

  /// Each entry commits to the hashes of the events its transaction appended. A mismatch names the case
  /// (and seq) of the events still filed under the entry when they all belong to one stored case.
  /// The hashes are moved out of `filed` (read once, here).
  void check(const store::LedgerRecord& l, std::span<store::FiledEvent> filed) {
    const auto where_text = [&] { return "ledger entry " + std::to_string(l.seq); };
    std::vector<std::string> hashes;
    hashes.reserve(filed.size());
    std::string case_id;
    std::optional<std::int64_t> seq;
    bool one_case = !filed.empty();
    for (auto& e : filed) {
      hashes.push_back(std::move(e.hash));
      one_case = one_case && e.has_case && e.case_id == filed.front().case_id;
    }
    if (one_case) {
      case_id = filed.front().case_id;
      if (filed.size() == 1) seq = filed.front().seq;
    }
    if (l.seq != expected_) {
      const std::string where = where_text();
      entries_.add("", std::nullopt,
                   l.seq > expected_ ? where + " follows entry " + std::to_string(expected_ - 1) +
                                           ": ledger entries were deleted"
                                     : where + " is out of order or repeated");
    }
    if (l.prev_hash != head_) {
      entries_.add("", std::nullopt, where_text() + " does not link to the hash of the entry before it");
    }
    const auto count = static_cast<std::int64_t>(hashes.size());
    if (l.event_count > count) {
      entries_.add(case_id, std::nullopt,
                   where_text() + " committed " + std::to_string(l.event_count) + " events but " +
                       (count == 0 ? "none of them is" : "only " + std::to_string(count) + " are") +
                       " stored: events were deleted" +
                       (count == 0 ? " (a whole case, when none of its events is left)" : ""));
    } else if (l.event_count < count) {
      entries_.add(case_id, std::nullopt,
                   where_text() + " committed " + std::to_string(l.event_count) + " events but " +
                       std::to_string(count) + " are filed under it: events were inserted");
    } else if (store::ledger_hash(l.prev_hash, hashes) != l.hash) {
      entries_.add(case_id, seq,
                   where_text() +
                       " does not match the events filed under it: an event of that transaction was "
                       "rewritten with recomputed hashes, or replaced, or the entry was edited");
    }
    for (std::size_t i = 0; i < filed.size(); ++i) {
      if (filed[i].has_case) continue;
      entries_.add("", std::nullopt,
                   where_text() + " records an event (hash " + short_hash(hashes[i]) +
                       ") that is in no case's log: an event, or a whole case, was deleted");
    }
    count_ += l.event_count;
    head_ = l.hash;
    expected_ = l.seq + 1;
  }

  store::Transaction& tx_;
  const int page_;
  std::int64_t after_ = store::Transaction::kBefore;
  bool done_ = false;
  std::string head_;
  std::int64_t count_ = 0;
  std::int64_t filed_read_ = 0;
  std::int64_t expected_ = 1;
  Problems entries_;
  Problems unfiled_;
};

/// (c) the feed (docs/feed.md), a page at a time: records run from the retention mark + 1 to the head
/// without a gap, one per event; the mark counts the pruned ones, so events = mark + records.
class FeedWalk {
 public:
  FeedWalk(store::Transaction& tx, int page) : tx_(tx), page_(page), bounds_(tx.feed_bounds()) {
    expected_ = bounds_.pruned + 1;
  }
  bool done() const { return done_; }
  const store::FeedBounds& bounds() const { return bounds_; }

  void step() {
    const auto records = tx_.feed_index_page(after_, page_);
    for (const auto& r : records) {
      if (r.seq != expected_) {
        problems_.add(r.case_id, r.version,
                      "feed record " + std::to_string(r.seq) + " follows " + std::to_string(expected_ - 1) +
                          ": feed records were deleted or inserted outside the engine");
      }
      expected_ = r.seq + 1;
    }
    count_ += static_cast<std::int64_t>(records.size());
    done_ = static_cast<int>(records.size()) < page_;
    if (!records.empty()) after_ = records.back().seq;
  }

  void finish(Problems& out, std::int64_t events_checked) {
    out.append(std::move(problems_));
    if (bounds_.pruned + count_ != events_checked) {
      out.add("", std::nullopt,
              std::to_string(events_checked) + " events but " + std::to_string(count_) +
                  " feed records and " + std::to_string(bounds_.pruned) +
                  " pruned: an event was written without its feed record, or a record was deleted");
    }
  }

 private:
  store::Transaction& tx_;
  const int page_;
  const store::FeedBounds bounds_;
  std::int64_t after_ = store::Transaction::kBefore;
  std::int64_t expected_ = 0;
  std::int64_t count_ = 0;
  bool done_ = false;
  Problems problems_;
};

}  // namespace

std::string Engine::verify() const { return verify(std::string_view("{}")); }

std::string Engine::verify(std::string_view options_json) const {
  return verify_database(*impl_, options_json, VerifyPages{});
}

std::string verify_database(const Engine::Impl& m, std::string_view options_json, const VerifyPages& pages) {
  if (pages.cases < 1 || pages.ledger < 1 || pages.feed < 1)
    throw Error(ErrorCode::invalid_argument, "verify: page sizes must be 1 or more");
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

  auto tx = m.store->begin_read();
  // The ledger walk reads the event rows the case reads read (for their hashes): kept in step with them
  // below, it finds their pages still cached where commit order follows case order (cases of one event).
  // Bounded, so memory still does not grow with the database.
  tx->keep_pages(kVerifyCacheKib);
  LedgerWalk ledger(*tx, pages.ledger);
  FeedWalk feed(*tx, pages.feed);

  // --- (a) each case's chain, (c) its projection against the replay ------------------------------------
  // Cases are independent: this thread reads slices of them (a page of ids each) in its one read
  // transaction while a worker per core checks them (the replay is most of the cost). Slices are merged in
  // case order, so the report does not depend on timing, and only a few slices are in flight, so memory does
  // not grow with the database. While the workers have enough to do, this thread walks the ledger and the
  // feed a page at a time; their problems are kept apart and follow the cases', as in a walk after them.
  const auto slice_size = static_cast<std::size_t>(pages.cases);
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
    for (auto& check : s.checks) {
      ++cases_checked;
      events_checked += check.events;
      problems.append(std::move(check.problems));
    }
  };
  // The walks this thread does while the workers are busy. The ledger walk reads the event rows the case
  // reads read (for their hashes), so it goes at most a page ahead of them: where commit order follows case
  // order (cases of one event), both then find those pages in the page cache. The feed walk goes any time.
  std::optional<std::string> last_id;
  bool more_ids = true;
  std::int64_t events_read = 0;  // by the case reads
  const auto ledger_may_step = [&] {
    return !ledger.done() && (!more_ids || ledger.filed_read() <= events_read);
  };
  const auto walks_done = [&] { return ledger.done() && feed.done(); };
  const auto may_walk = [&] { return ledger_may_step() || !feed.done(); };
  const auto walk = [&] {
    if (ledger_may_step()) {
      ledger.step();
    } else {
      feed.step();
    }
  };
  for (;;) {
    std::vector<std::unique_ptr<Slice>> checked;
    bool read_now = false;
    {
      std::unique_lock lock(mutex);
      if (!more_ids && in_flight.empty()) break;
      read_now = more_ids && in_flight.size() < max_in_flight;
      if (!read_now && !may_walk()) cv.wait(lock, [&] { return in_flight.front()->done; });
      while (!in_flight.empty() && in_flight.front()->done) {
        checked.push_back(std::move(in_flight.front()));
        in_flight.pop_front();
      }
    }
    for (auto& s : checked) merge(*s);
    if (read_now) {
      // A slice is two reads: its projection rows, then the events of their id range (the ids between
      // them with no row, whose events the ledger walk reports, are skipped by id, not by comparing ids
      // in C++, which need not sort them as the database does).
      auto read = std::make_unique<Slice>();
      store::CaseFilter page;
      page.after = last_id.value_or("");
      page.limit = pages.cases;
      auto records = tx->query(page);
      more_ids = records.size() == slice_size;
      if (records.empty()) continue;
      last_id = records.back().id;
      std::unordered_map<std::string_view, std::size_t> slot;
      for (auto& r : records) {
        slot.emplace(r.id, read->ids.size());
        read->ids.push_back(r.id);
        read->events.emplace_back();
      }
      auto events = tx->events_of_cases(read->ids.front(), read->ids.back());
      std::vector<store::EventRecord>* into = nullptr;
      std::string into_id;
      for (std::size_t k = 0; k < events.size(); ++k) {
        if (k == 0 || events[k].case_id != into_id) {
          into_id = events[k].case_id;
          const auto it = slot.find(into_id);
          into = it == slot.end() ? nullptr : &read->events[it->second];
        }
        if (into) into->push_back(std::move(events[k]));
      }
      events_read += static_cast<std::int64_t>(events.size());
      for (auto& r : records) read->records.emplace_back(std::move(r));
      {
        std::lock_guard lock(mutex);
        in_flight.push_back(std::move(read));
        cv.notify_all();
      }
      while (ledger_may_step()) ledger.step();
    } else if (may_walk()) {
      walk();
    }
  }
  while (!walks_done()) walk();
  ledger.finish(problems);
  feed.finish(problems, events_checked);

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
              {"ledger_head", ledger.head()},     {"ledger_count", ledger.count()},
              {"feed_head", feed.bounds().head},  {"feed_pruned", feed.bounds().pruned}};
  if (!out["ok"].get<bool>()) m.log->warn("verify found {} problems", out["problems"].size());
  return out.dump();
}

}  // namespace permitflow
