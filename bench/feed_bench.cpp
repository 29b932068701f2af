// The event feed's three speed goals (docs/performance.md, 'The event feed'):
// - writing a feed record costs at most 10% of a durable command: the same durable append (one event, the
//   case row, FULL synchronous SQLite, one transaction) on a store held at the schema before the feed
//   (no record written) and at the latest schema (one record in the same transaction), in the same run;
//   BM_DurableCommand, a durable command through the engine, is the whole the record's cost is a share of;
// - reading: records per second from a cursor, page after page of 1,000, on SQLite — through the store and
//   through Engine::feed's JSON (what a consumer calls) over cases the engine wrote;
// - a stalled consumer: the same durable append on a database whose only consumer is 1,000,000 records
//   behind (every record kept) and on the same database with the consumer caught up (the records pruned).
//   PERMITFLOW_FEED_BACKLOG sets the backlog (the smoke runs use a small one).
//
//   feed_bench [--benchmark_filter=...]   (each case works in its own temporary folder)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <string>

#include "bench_support.hpp"
#include "permitflow/engine.hpp"
#include "store/sqlite_store.hpp"

namespace fs = std::filesystem;
using namespace permitflow;

namespace {

constexpr int kSchemaBeforeFeed = 2;  // schema v3 added the feed (docs/log_format.md)

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("permitflow-feed-bench-" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

store::CaseRecord case_row(int i, std::int64_t version) {
  store::CaseRecord r;
  r.id = "320922-RE-20260601-" + std::to_string(100000 + i);
  r.subject = "road_excavation";
  r.definition_version = 1;
  r.applicant_id = "91320922MA1GAS001X";
  r.state = "under_review";
  r.version = version;
  r.document = R"({"id": ")" + r.id + R"(", "state": "under_review"})";
  r.keep_stored_snapshot = version > 1;
  return r;
}

std::vector<store::EventRecord> one_event(const store::CaseRecord& r) {
  store::EventRecord e;
  e.case_id = r.id;
  e.type = "opinion_recorded";
  e.at = "2026-06-02T10:00:00+08:00";
  e.actor = R"({"id":"交警-王芳","role":"reviewer","department":"traffic_police"})";
  e.data = R"({"department":"traffic_police","opinion":"approve","comment":"同意"})";
  e.state = r.state;
  return {e};
}

/// The measured loop: one event and the case row per iteration, each its own FULL-synchronous transaction, on
/// 50 cases numbered from `first_case` in turn.
void durable_appends(benchmark::State& state, store::SqliteStore& db, int first_case) {
  constexpr int kCases = 50;
  std::vector<std::int64_t> versions(kCases, 0);
  int next = 0;
  for (auto _ : state) {
    const int i = next++ % kCases;
    auto tx = db.begin_write();
    const store::CaseRecord row = case_row(first_case + i, versions[static_cast<std::size_t>(i)] + 1);
    auto events = one_event(row);
    tx->append(row, versions[static_cast<std::size_t>(i)], events);
    tx->commit();
    ++versions[static_cast<std::size_t>(i)];
  }
  state.SetItemsProcessed(state.iterations());
}

/// The four runs of an A/B on the durable append: each arm (arg 0) under FULL and NORMAL (arg 1).
void a_b_arms(benchmark::internal::Benchmark* b) {
  for (int sync : {0, 1})
    for (int arm : {0, 1}) b->Args({arm, sync});
  b->Unit(benchmark::kMicrosecond)->UseRealTime();
}

/// The label's tail naming the synchronous mode of arg 1.
const char* sync_label(bool without_fsync) {
  return without_fsync ? ", synchronous NORMAL" : ", synchronous FULL";
}

/// One durable command's writes: one event and the case row in one transaction, on 50 cases in turn.
/// Arg 0 = 0: the store stops at the schema before the feed; 1: the latest, with the feed.
/// Arg 1 = 0: synchronous FULL, an fsync per commit, as a durable command runs; 1: synchronous NORMAL (WAL
/// without the fsync per commit), which takes the disk's fsync time, and its noise, out of both arms: the
/// record's own cost over the least a command writes, an upper bound of its share under FULL.
void BM_DurableAppend(benchmark::State& state) {
  const bool with_feed = state.range(0) == 1;
  const bool without_fsync = state.range(1) == 1;
  TempDir dir;
  store::StoreConfig config;
  config.database = (dir.path / "bench.db").string();
  config.synchronous = without_fsync ? "normal" : "full";
  store::SqliteStore db(config, with_feed ? -1 : kSchemaBeforeFeed);
  durable_appends(state, db, 0);
  state.SetLabel(std::string(with_feed ? "with the feed record" : "schema before the feed") +
                 sync_label(without_fsync));
}
BENCHMARK(BM_DurableAppend)->Apply(a_b_arms);

/// The denominator of the write goal: a durable command through the engine (synchronous FULL, one command per
/// transaction), the nine commands of the road-excavation case and its submission in turn. Its time is what
/// the feed record's cost (BM_DurableAppend's arm 1 minus arm 0) is a share of.
void BM_DurableCommand(benchmark::State& state) {
  TempDir dir;
  Engine engine(
      nlohmann::json{{"database", (dir.path / "engine.db").string()}, {"synchronous", "full"}}.dump());
  const bench::Lifecycle l = bench::road_excavation_lifecycle(bench::complete_materials(engine));
  std::string id;
  std::size_t next = l.commands.size();  // the next command of the current case; at the end, a new case
  for (auto _ : state) {
    if (next == l.commands.size()) {
      id = nlohmann::json::parse(engine.submit(l.application))["id"].get<std::string>();
      next = 0;
    } else {
      benchmark::DoNotOptimize(engine.execute(id, l.commands[next++]));
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DurableCommand)->Unit(benchmark::kMicrosecond)->UseRealTime();

/// A store with `events` events (and their feed records), written with synchronous off for speed.
fs::path filled_store(const fs::path& dir, int events) {
  const fs::path file = dir / "feed.db";
  store::StoreConfig config;
  config.database = file.string();
  config.synchronous = "normal";
  store::SqliteStore db(config);
  constexpr int kPerCase = 10;
  constexpr int kPerTransaction = 500;
  int written = 0;
  while (written < events) {
    auto tx = db.begin_write();
    for (int k = 0; k < kPerTransaction && written < events; ++k, ++written) {
      const int c = written / kPerCase;
      const std::int64_t v = written % kPerCase;
      const store::CaseRecord row = case_row(c, v + 1);
      auto batch = one_event(row);
      tx->append(row, v, batch);
    }
    tx->commit();
  }
  return file;
}

/// The backlog of BM_StalledConsumer: PERMITFLOW_FEED_BACKLOG, else 1,000,000 records.
int backlog_size() {
  const char* text = std::getenv("PERMITFLOW_FEED_BACKLOG");
  return text != nullptr ? std::max(1000, std::atoi(text)) : 1000000;
}

/// A database holding `backlog_size()` events and their records, written once per run and copied for each
/// measurement (filling it takes far longer than measuring).
const fs::path& backlog_template() {
  static TempDir dir;
  static const fs::path file = filled_store(dir.path, backlog_size());
  return file;
}

/// The durable append of BM_DurableAppend on a database of `backlog_size()` events. Arg 0 = 0: its consumer
/// has acknowledged every record and they are pruned; 1: the consumer is stalled at 0 and every record is
/// kept. Arg 1 as in BM_DurableAppend: 0 synchronous FULL, 1 NORMAL (the fsync's noise out of both arms).
void BM_StalledConsumer(benchmark::State& state) {
  const bool stalled = state.range(0) == 1;
  const bool without_fsync = state.range(1) == 1;
  TempDir dir;
  const fs::path file = dir.path / "bench.db";
  fs::copy_file(backlog_template(), file);
  store::StoreConfig config;
  config.database = file.string();
  config.synchronous = without_fsync ? "normal" : "full";
  store::SqliteStore db(config);
  {
    auto tx = db.begin_write();
    const std::int64_t head = tx->feed_bounds().head;
    tx->set_feed_cursor("province", stalled ? 0 : head);
    if (!stalled) tx->prune_feed(head);
    tx->commit();
  }
  // New cases after the filled ones, so every append writes a new event of a live case.
  durable_appends(state, db, backlog_size() / 10 + 1);
  state.SetLabel(
      std::string(stalled ? "consumer stalled, backlog kept" : "consumer caught up, records pruned") +
      sync_label(without_fsync));
}
BENCHMARK(BM_StalledConsumer)->Apply(a_b_arms);

/// Reads every record from cursor 0, pages of 1,000, through the store (one read transaction per page).
void BM_FeedReadStore(benchmark::State& state) {
  TempDir dir;
  const int events = static_cast<int>(state.range(0));
  store::StoreConfig config;
  config.database = filled_store(dir.path, events).string();
  store::SqliteStore db(config);
  std::int64_t read = 0;
  for (auto _ : state) {
    store::FeedQuery q;
    q.limit = 1000;
    for (;;) {
      auto tx = db.begin_read();
      const auto page = tx->feed(q);
      read += static_cast<std::int64_t>(page.size());
      if (page.size() < 1000) break;
      q.after = page.back().seq;
    }
  }
  state.SetItemsProcessed(read);
}
BENCHMARK(BM_FeedReadStore)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

/// The page bounds a consumer needs to go on, read from the answer's head: its keys are sorted, so
/// "consumers", "head", "next" and "pruned" come before "records" and the prefix closes into a small
/// document.
nlohmann::json page_bounds(const std::string& page) {
  const auto records = page.find(",\"records\":[");
  if (records == std::string::npos) throw std::runtime_error("a feed page without records: " + page);
  return nlohmann::json::parse(page.substr(0, records) + "}");
}

/// The same through Engine::feed, as a consumer reads it: the JSON request, each page rendered as raw JSON
/// records. The database holds `cases` full road-excavation cases (nine events each) written by the engine.
/// Arg 1 = 0: the engine's answers alone (the consumer takes the bounds from the page's head, and the page
/// holds next - after records, the feed being gap-free and unfiltered; checked against a full parse before
/// the timing); 1: the consumer also parses each whole page with nlohmann::json, the cost on its side.
void BM_FeedReadEngine(benchmark::State& state) {
  const bool parse_pages = state.range(1) == 1;
  TempDir dir;
  const std::string config = nlohmann::json{
      {"database", (dir.path / "engine.db").string()},
      {"synchronous", "normal"},
      {"feed_retention_days", 0}}.dump();
  Engine engine(config);
  const bench::Lifecycle l = bench::road_excavation_lifecycle(bench::complete_materials(engine));
  for (int i = 0; i < state.range(0); ++i) {
    const std::string id = nlohmann::json::parse(engine.submit(l.application))["id"];
    for (const auto& c : l.commands) engine.execute(id, c);
  }
  const auto request = [](std::int64_t after) {
    return nlohmann::json{{"after", after}, {"limit", 1000}}.dump();
  };
  {
    const std::string page = engine.feed(request(0));
    const nlohmann::json bounds = page_bounds(page);
    if (nlohmann::json::parse(page)["records"].size() != bounds["next"].get<std::size_t>())
      throw std::runtime_error("a feed page's records do not match its bounds");
  }
  std::int64_t read = 0;
  for (auto _ : state) {
    std::int64_t after = 0;
    for (;;) {
      const std::string page = engine.feed(request(after));
      const nlohmann::json bounds = page_bounds(page);
      const auto next = bounds["next"].get<std::int64_t>();
      if (parse_pages) {
        read += static_cast<std::int64_t>(nlohmann::json::parse(page)["records"].size());
      } else {
        read += next - after;
      }
      if (next == bounds["head"].get<std::int64_t>()) break;
      after = next;
    }
  }
  state.SetItemsProcessed(read);
  state.SetLabel(parse_pages ? "engine answer + consumer parse" : "engine answer");
}
BENCHMARK(BM_FeedReadEngine)->Args({2000, 0})->Args({2000, 1})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
