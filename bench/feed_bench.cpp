// The event feed's two speed goals (docs/performance.md, 'The event feed'):
// - writing a feed record costs at most 10% of a durable command: the same durable append (one event, the
//   case row, FULL synchronous SQLite, one transaction) on a store held at the schema before the feed
//   (no record written) and at the latest schema (one record in the same transaction), in the same run;
// - reading: records per second from a cursor, page after page of 1,000, on SQLite — through the store and
//   through Engine::feed's JSON (what a consumer calls) over cases the engine wrote.
//
//   feed_bench [--benchmark_filter=...]   (each case works in its own temporary folder)
#include <benchmark/benchmark.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

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
  r.permit = "road_excavation";
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

/// One durable command's writes: one event and the case row in one FULL-synchronous transaction, on 50
/// cases in turn. Arg 0: the store stops at the schema before the feed; 1: the latest, with the feed.
void BM_DurableAppend(benchmark::State& state) {
  const bool with_feed = state.range(0) == 1;
  TempDir dir;
  store::StoreConfig config;
  config.database = (dir.path / "bench.db").string();
  store::SqliteStore db(config, with_feed ? -1 : kSchemaBeforeFeed);
  constexpr int kCases = 50;
  std::vector<std::int64_t> versions(kCases, 0);
  int next = 0;
  for (auto _ : state) {
    const int i = next++ % kCases;
    auto tx = db.begin_write();
    const store::CaseRecord row = case_row(i, versions[static_cast<std::size_t>(i)] + 1);
    auto events = one_event(row);
    tx->append(row, versions[static_cast<std::size_t>(i)], events);
    tx->commit();
    ++versions[static_cast<std::size_t>(i)];
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(with_feed ? "with the feed record" : "schema before the feed");
}
BENCHMARK(BM_DurableAppend)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();

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

/// The same through Engine::feed, as a consumer reads it: the JSON request, each page rendered as raw JSON
/// records. The database holds `cases` full road-excavation cases (nine events each) written by the engine.
void BM_FeedReadEngine(benchmark::State& state) {
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
  std::int64_t read = 0;
  for (auto _ : state) {
    std::int64_t after = 0;
    for (;;) {
      const auto page =
          nlohmann::json::parse(engine.feed(nlohmann::json{{"after", after}, {"limit", 1000}}.dump()));
      read += static_cast<std::int64_t>(page["records"].size());
      if (page["next"] == page["head"]) break;
      after = page["next"].get<std::int64_t>();
    }
  }
  state.SetItemsProcessed(read);
}
BENCHMARK(BM_FeedReadEngine)->Arg(2000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
