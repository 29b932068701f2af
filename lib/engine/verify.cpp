// Verification (docs/contract.md §12, docs/log_format.md): every case's hash chain, the ledger-wide chain,
// and that every projection is what replaying its log gives. What it detects and how to anchor the ledger
// head elsewhere: docs/operations.md. Hashes are recomputed from the stored bytes, never from re-serialized
// JSON.
#include <sys/stat.h>

#include <algorithm>
#include <condition_variable>
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

/// A page of ledger entries and where the chain stood before it: enough to check it apart from the pages
/// before it, on any reader (they all see one snapshot).
struct LedgerPage {
  std::vector<store::LedgerRecord> entries;
  std::int64_t after = store::Transaction::kBefore;  // the events filed under (after, up_to] are its own
  std::int64_t up_to = 0;
  std::int64_t expected = 1;  // the seq its first entry should have
  std::string head;           // the hash its first entry should link to
};

/// What checking a page of ledger entries found: the entries' problems, and those of events filed under no
/// entry (the whole walk reports all of the first before any of the second).
struct LedgerChecked {
  Problems entries;
  Problems unfiled;
};

/// (b) the ledger-wide chain, a page of entries at a time. The walk reads the entries in order (cheap rows:
/// two hashes and two numbers each); the events filed under a page, most of the cost, are read and checked
/// by check_ledger_page, on whichever reader takes the page.
class LedgerWalk {
 public:
  explicit LedgerWalk(int page) : page_(page) {}
  bool done() const { return done_; }
  const std::string& head() const { return head_; }
  /// How many events the entries read so far committed.
  std::int64_t count() const { return count_; }

  LedgerPage next(store::Transaction& tx) {
    LedgerPage p;
    p.entries = tx.ledger_page(after_, page_);
    const bool last = static_cast<int>(p.entries.size()) < page_;
    p.after = after_;
    // The last page also takes every event filed after the last entry.
    p.up_to = last ? std::numeric_limits<std::int64_t>::max() : p.entries.back().seq;
    p.expected = expected_;
    p.head = head_;
    for (const auto& l : p.entries) count_ += l.event_count;
    if (!p.entries.empty()) {
      expected_ = p.entries.back().seq + 1;
      head_ = p.entries.back().hash;
    }
    after_ = p.up_to;
    done_ = last;
    return p;
  }

 private:
  const int page_;
  std::int64_t after_ = store::Transaction::kBefore;
  bool done_ = false;
  std::string head_;
  std::int64_t count_ = 0;
  std::int64_t expected_ = 1;
};

/// Checks a page of ledger entries against the events filed under them (one read in commit order), so
/// nothing is held per event: each event is matched to its entry by where it is filed, and to its case by
/// its own row.
class LedgerPageCheck {
 public:
  explicit LedgerPageCheck(const LedgerPage& page)
      : page_(page), expected_(page.expected), head_(page.head) {}

  LedgerChecked run(store::Transaction& tx) {
    auto filed = tx.filed_events(page_.after, page_.up_to);
    auto f = filed.begin();
    for (const auto& l : page_.entries) {
      for (; f != filed.end() && f->ledger_seq < l.seq; ++f) unfiled(*f);
      const auto first = f;
      while (f != filed.end() && f->ledger_seq == l.seq) ++f;
      check(l, {first, f});
    }
    for (; f != filed.end(); ++f) unfiled(*f);
    return std::move(out_);
  }

 private:
  void unfiled(const store::FiledEvent& e) {
    if (!e.has_case) return;  // an event of no stored case under no entry: nothing else refers to it
    out_.unfiled.add(e.case_id, e.seq,
                     "the event is filed under ledger entry " + std::to_string(e.ledger_seq) +
                         ", which does not exist: it was inserted outside the engine");
  }

  /// Each entry commits to the hashes of the events its transaction appended. A mismatch names the case
  /// (and seq) of the events still filed under the entry when they all belong to one stored case.
  /// The hashes are moved out of `filed` (read once, here).
  void check(const store::LedgerRecord& l, std::span<store::FiledEvent> filed) {
    Problems& entries = out_.entries;
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
      entries.add("", std::nullopt,
                  l.seq > expected_ ? where + " follows entry " + std::to_string(expected_ - 1) +
                                          ": ledger entries were deleted"
                                    : where + " is out of order or repeated");
    }
    if (l.prev_hash != head_) {
      entries.add("", std::nullopt, where_text() + " does not link to the hash of the entry before it");
    }
    const auto count = static_cast<std::int64_t>(hashes.size());
    if (l.event_count > count) {
      entries.add(case_id, std::nullopt,
                  where_text() + " committed " + std::to_string(l.event_count) + " events but " +
                      (count == 0 ? "none of them is" : "only " + std::to_string(count) + " are") +
                      " stored: events were deleted" +
                      (count == 0 ? " (a whole case, when none of its events is left)" : ""));
    } else if (l.event_count < count) {
      entries.add(case_id, std::nullopt,
                  where_text() + " committed " + std::to_string(l.event_count) + " events but " +
                      std::to_string(count) + " are filed under it: events were inserted");
    } else if (store::ledger_hash(l.prev_hash, hashes) != l.hash) {
      entries.add(case_id, seq,
                  where_text() +
                      " does not match the events filed under it: an event of that transaction was "
                      "rewritten with recomputed hashes, or replaced, or the entry was edited");
    }
    for (std::size_t i = 0; i < filed.size(); ++i) {
      if (filed[i].has_case) continue;
      entries.add("", std::nullopt,
                  where_text() + " records an event (hash " + short_hash(hashes[i]) +
                      ") that is in no case's log: an event, or a whole case, was deleted");
    }
    head_ = l.hash;
    expected_ = l.seq + 1;
  }

  const LedgerPage& page_;
  std::int64_t expected_;
  std::string head_;
  LedgerChecked out_;
};

/// Reads the cases of one page of ids (`ids`, the first after `after`) and checks each: two reads, their
/// projection rows, then the events of their id range (the ids between them with no row, whose events the
/// ledger walk reports, are skipped by id, not by comparing ids in C++, which need not sort them as the
/// database does).
std::vector<CaseCheck> check_cases(const Engine::Impl& m, store::Transaction& tx, const std::string& after,
                                   const std::vector<std::string>& ids, const DocumentStore* docs,
                                   std::int64_t& events_read) {
  store::CaseFilter page;
  page.after = after;
  page.limit = static_cast<int>(ids.size());
  auto records = tx.query(page);
  if (records.size() != ids.size() || records.back().id != ids.back())
    throw Error(ErrorCode::internal, "verify: its read transactions do not see the same cases");
  std::unordered_map<std::string_view, std::size_t> slot;
  for (std::size_t i = 0; i < ids.size(); ++i) slot.emplace(ids[i], i);
  std::vector<std::vector<store::EventRecord>> events(ids.size());
  auto all = tx.events_of_cases(ids.front(), ids.back());
  events_read = static_cast<std::int64_t>(all.size());
  std::vector<store::EventRecord>* into = nullptr;
  std::string into_id;
  for (std::size_t k = 0; k < all.size(); ++k) {
    if (k == 0 || all[k].case_id != into_id) {
      into_id = all[k].case_id;
      const auto it = slot.find(into_id);
      into = it == slot.end() ? nullptr : &events[it->second];
    }
    if (into) into->push_back(std::move(all[k]));
  }
  all = {};
  std::vector<CaseCheck> checks;
  checks.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::optional<store::CaseRecord> record(std::move(records[i]));
    checks.push_back(check_case(m, ids[i], record, events[i], docs));
    events[i] = {};
  }
  return checks;
}

/// (c) the feed (docs/feed.md), a page at a time: records run from the retention mark + 1 to the head
/// without a gap, one per event; the mark counts the pruned ones, so events = mark + records.
class FeedWalk {
 public:
  FeedWalk(store::Transaction& tx, int page) : page_(page), bounds_(tx.feed_bounds()) {
    expected_ = bounds_.pruned + 1;
  }
  bool done() const { return done_; }
  const store::FeedBounds& bounds() const { return bounds_; }

  /// Checks the next page of records, read through `tx` (any of verify's readers: they see one snapshot).
  void step(store::Transaction& tx) {
    const auto records = tx.feed_index_page(after_, page_);
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
  if (pages.readers < 0) throw Error(ErrorCode::invalid_argument, "verify: readers must be 0 or more");
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

  // --- (a) each case's chain, (c) its projection against the replay; (b) the ledger; (c) the feed -------
  // Several read transactions on one snapshot (Store::begin_reads), each read and used by one thread: its
  // lane. The work is cut into tasks taken in order under `mutex`, each by reading a cheap page of where it
  // starts (a page of case ids, of ledger entries), and done outside it on the taking lane's transaction:
  // reading the rows and checking them. Results are merged in task order, so the report does not depend
  // on timing; the ledger's and the feed's problems follow the cases', as in a walk after them. Only a few
  // tasks run or wait to be merged ahead of the first unmerged one, so memory does not grow with the
  // database.
  const auto wanted = pages.readers > 0
                          ? pages.readers
                          : static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 2U, 4U));
  auto readers = m.store->begin_reads(wanted);
  // The ledger's event rows are the case reads' event rows (for their hashes): a bounded page cache per
  // reader keeps some of them between the two, where commit order follows case order (cases of one event).
  for (auto& tx : readers) tx->keep_pages(kVerifyCacheKib);
  LedgerWalk ledger(pages.ledger);
  FeedWalk feed(*readers.front(), pages.feed);
  const auto max_ahead = static_cast<std::int64_t>(2 * readers.size() + 1);

  std::mutex mutex;
  std::condition_variable cv;
  std::exception_ptr error;
  std::optional<std::string> last_id;  // the case ids taken so far end here
  bool more_ids = true;
  std::int64_t events_read = 0;  // by the case tasks merged so far
  std::int64_t slices_taken = 0;
  std::int64_t slices_merged = 0;
  std::map<std::int64_t, std::vector<CaseCheck>> slices_checked;  // waiting for the slices before them
  std::int64_t pages_taken = 0;
  std::int64_t pages_merged = 0;
  std::map<std::int64_t, LedgerChecked> pages_checked;
  Problems ledger_entries;
  Problems ledger_unfiled;
  bool feed_busy = false;
  bool feed_done = false;

  const auto run_lane = [&](store::Transaction& tx) {
    std::unique_lock lock(mutex);
    for (;;) {
      if (error) return;
      // The ledger walk reads the event rows the case tasks read, so it goes at most a page ahead of them:
      // then both find those pages in the page cache more often. The feed walk goes any time.
      if (!ledger.done() && pages_taken - pages_merged < max_ahead &&
          (!more_ids || ledger.count() <= events_read)) {
        const std::int64_t index = pages_taken++;
        const LedgerPage page = ledger.next(tx);
        lock.unlock();
        LedgerChecked checked = LedgerPageCheck(page).run(tx);
        lock.lock();
        pages_checked.emplace(index, std::move(checked));
        for (auto it = pages_checked.begin(); it != pages_checked.end() && it->first == pages_merged;
             it = pages_checked.erase(it), ++pages_merged) {
          ledger_entries.append(std::move(it->second.entries));
          ledger_unfiled.append(std::move(it->second.unfiled));
        }
      } else if (more_ids && slices_taken - slices_merged < max_ahead) {
        const std::int64_t index = slices_taken++;
        const std::string after = last_id.value_or("");
        const auto ids = tx.case_ids_page(last_id, pages.cases);
        more_ids = static_cast<int>(ids.size()) == pages.cases;
        if (!ids.empty()) last_id = ids.back();
        lock.unlock();
        std::int64_t read = 0;
        auto checks = ids.empty() ? std::vector<CaseCheck>{} : check_cases(m, tx, after, ids, docs, read);
        lock.lock();
        events_read += read;
        slices_checked.emplace(index, std::move(checks));
        for (auto it = slices_checked.begin(); it != slices_checked.end() && it->first == slices_merged;
             it = slices_checked.erase(it), ++slices_merged) {
          for (auto& check : it->second) {
            ++cases_checked;
            events_checked += check.events;
            problems.append(std::move(check.problems));
          }
        }
      } else if (!feed_done && !feed_busy) {
        feed_busy = true;
        lock.unlock();
        feed.step(tx);
        lock.lock();
        feed_busy = false;
        feed_done = feed.done();
      } else if (!more_ids && ledger.done()) {
        return;  // every task is taken (the feed's next step, if any, by the lane stepping it)
      } else {
        cv.wait(lock);
        continue;
      }
      cv.notify_all();
    }
  };
  const auto lane = [&](store::Transaction& tx) {
    try {
      run_lane(tx);
    } catch (...) {
      const std::lock_guard lock(mutex);
      if (!error) error = std::current_exception();
      cv.notify_all();
    }
  };
  {
    std::vector<std::thread> others;
    // Joins the other lanes however this block leaves (starting a thread may throw).
    struct Joiner {
      std::vector<std::thread>& threads;
      ~Joiner() {
        for (auto& t : threads) t.join();
      }
    } joiner{others};
    for (std::size_t i = 1; i < readers.size(); ++i) others.emplace_back(lane, std::ref(*readers[i]));
    lane(*readers.front());
  }
  if (error) std::rethrow_exception(error);
  problems.append(std::move(ledger_entries));
  problems.append(std::move(ledger_unfiled));
  feed.finish(problems, events_checked);

  // --- (d) the stored definitions: each is the content its hash names
  // ---------------------------------------
  for (const auto& doc : readers.front()->documents()) {
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
