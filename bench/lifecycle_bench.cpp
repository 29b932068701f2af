// In-memory lifecycle (performance issue, figure 1): full road-excavation cases through the lifecycle layer
// without a store — parse, authorize, run the chart and the rules, apply the events — and the bytes a live
// case holds.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "bench_support.hpp"
#include "case/application.hpp"
#include "case/snapshot.hpp"
#include "definition/definition.hpp"
#include "lifecycle/lifecycle.hpp"

namespace {

using namespace permitflow;
using permitflow::bench::json;

struct Fixture {
  std::shared_ptr<const Definition> def = DefinitionRegistry::builtin().current("road_excavation");
  WorkingCalendar calendar = WorkingCalendar::official();
  bench::Lifecycle lifecycle;

  Fixture() {
    const auto db = std::filesystem::temp_directory_path() / "permitflow_lifecycle_bench.db";
    std::filesystem::remove(db);
    {
      Engine engine(json{{"database", db.string()}}.dump());
      lifecycle = bench::road_excavation_lifecycle(bench::complete_materials(engine));
    }
    std::filesystem::remove(db);
  }

  /// One full case; returns the number of events it recorded. With `json_out` the case document is also
  /// written as text after the submission and after every command, as a host answering each call would
  /// (the peer figure of scripts/bench does the same).
  std::size_t run_case(const std::string& id, Case& out, bool json_out = false) const {
    const CaseContext ctx{*def, calendar, 480};
    const Application app = parse_application(lifecycle.application);
    Outcome o;  // the case lives in o.after; each command runs on it in place, its events replace the last's
    apply(o.after, submitted_event(id, app, *def, calendar, 480, {}, std::nullopt), ctx);
    if (json_out) benchmark::DoNotOptimize(document_text(o.after, ctx));
    std::size_t events = 1;
    for (const auto& text : lifecycle.commands) {
      const Command cmd = parse_command(text);
      authorize(o.after, cmd);
      o.events.clear();
      o.states.clear();
      run_command(o, cmd, ctx);
      events += o.events.size();
      if (json_out) benchmark::DoNotOptimize(document_text(o.after, ctx));
    }
    out = std::move(o.after);
    return events;
  }
};

// The same cases with the application and commands parsed once, outside the loop: the chart, the rules and
// apply alone (what a host pays beyond reading its JSON).
void BM_InMemoryLifecycleParsedOnce(benchmark::State& state) {
  const Fixture f;
  const CaseContext ctx{*f.def, f.calendar, 480};
  const Application app = parse_application(f.lifecycle.application);
  std::vector<Command> commands;
  for (const auto& text : f.lifecycle.commands) commands.push_back(parse_command(text));
  const Event first =
      submitted_event("000000-RE-20260601-000001", app, *f.def, f.calendar, 480, {}, std::nullopt);
  std::size_t events = 0;
  for (auto _ : state) {
    Outcome o;
    apply(o.after, first, ctx);
    ++events;
    for (const auto& cmd : commands) {
      authorize(o.after, cmd);
      o.events.clear();
      o.states.clear();
      run_command(o, cmd, ctx);
      events += o.events.size();
    }
    benchmark::DoNotOptimize(o.after);
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_InMemoryLifecycleParsedOnce)->Unit(benchmark::kMicrosecond);

void BM_InMemoryLifecycle(benchmark::State& state) {
  const Fixture f;
  std::size_t events = 0;
  Case c;
  for (auto _ : state) {
    events += f.run_case("000000-RE-20260601-000001", c);
    benchmark::DoNotOptimize(c);
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events_per_case"] = static_cast<double>(events) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_InMemoryLifecycle)->Unit(benchmark::kMicrosecond);

// JSON in and out per call: the application and each command parsed from text, the case document written as
// text after each (the figure compared with XState's and with the bare state machine's in scripts/bench).
void BM_InMemoryLifecycleJsonInOut(benchmark::State& state) {
  const Fixture f;
  std::size_t events = 0;
  Case c;
  for (auto _ : state) {
    events += f.run_case("000000-RE-20260601-000001", c, true);
    benchmark::DoNotOptimize(c);
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_InMemoryLifecycleJsonInOut)->Unit(benchmark::kMicrosecond);

// Bytes malloc has handed out: small blocks from its arenas plus large ones it mapped (a vector of 10,000
// cases is one mapped block).
std::size_t heap_in_use() {
  const auto m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

// Bytes per live, issued case with its materials and log-derived state: the `Case` object itself plus the
// heap it owns (mallinfo2 before and after keeping `n` cases alive). Then where they go: each part is freed
// in turn and the bytes it released are reported per case (`*_bytes`; what is left is
// `object_and_rest_bytes`).
void BM_BytesPerLiveCase(benchmark::State& state) {
  const Fixture f;
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto per_case = [n](std::size_t bytes) {
    return static_cast<double>(bytes) / static_cast<double>(n);
  };
  for (auto _ : state) {
    const auto before = heap_in_use();
    std::vector<Case> live(n);
    for (std::size_t i = 0; i < n; ++i)
      f.run_case("000000-RE-20260601-" + std::to_string(100000 + i), live[i]);
    const auto total = heap_in_use() - before;
    state.counters["bytes_per_case"] = per_case(total);
    std::size_t parts = 0;
    const auto freed_by = [&](const char* name, auto release) {
      const auto held = heap_in_use();
      for (auto& c : live) release(c);
      const std::size_t freed = held - heap_in_use();
      parts += freed;
      state.counters[name] = per_case(freed);
    };
    // Swapped with empty values: assigning {} would keep a vector's buffer.
    freed_by("facts_bytes", [](Case& c) {
      Facts empty;
      std::swap(c.facts, empty);  // the old facts are freed with `empty`
    });
    freed_by("materials_bytes", [](Case& c) { std::vector<SubmittedMaterial>().swap(c.materials); });
    freed_by("notices_bytes", [](Case& c) { std::vector<NoticeRecord>().swap(c.notices); });
    freed_by("resubmitted_since_notice_bytes",
             [](Case& c) { std::vector<Text>().swap(c.resubmitted_since_notice); });
    freed_by("opinions_bytes", [](Case& c) { decltype(c.opinions)().swap(c.opinions); });
    freed_by("inspections_bytes", [](Case& c) { std::vector<Inspection>().swap(c.inspections); });
    state.counters["object_and_rest_bytes"] = per_case(total - parts);
    benchmark::DoNotOptimize(live);
  }
}
BENCHMARK(BM_BytesPerLiveCase)->Arg(10000)->Iterations(1)->Unit(benchmark::kMillisecond);

// Restore (figure 6), as the engine does it for every command: the stored rows of a 9-event case as text
// (what the store returns), rebuilt either from the snapshot taken before its last event plus that one event,
// or from its whole log.
struct StoredCase {
  struct Row {
    std::int64_t seq;
    std::string type, at, actor, data;
  };
  std::vector<Row> log;
  std::string snapshot_before_last;  // Boost.Serialization archive at version 8
};

StoredCase stored_case(const Fixture& f) {
  const CaseContext ctx{*f.def, f.calendar, 480};
  const Application app = parse_application(f.lifecycle.application);
  StoredCase out;
  auto keep = [&](const Event& e) {
    out.log.push_back({e.seq, std::string(to_string(e.type)), e.at.to_rfc3339(480), to_json(e.actor).dump(),
                       payload_text(e.type, e.payload)});
  };
  Case c;
  const Event first =
      submitted_event("000000-RE-20260601-000001", app, *f.def, f.calendar, 480, {}, std::nullopt);
  apply(c, first, ctx);
  keep(first);
  for (const auto& text : f.lifecycle.commands) {
    const Command cmd = parse_command(text);
    Outcome o = run_command(c, cmd, ctx);
    if (&text == &f.lifecycle.commands.back()) out.snapshot_before_last = save_snapshot(c);
    for (const auto& e : o.events) keep(e);
    c = std::move(o.after);
  }
  return out;
}

Event event_of(const StoredCase::Row& r) {
  const EventType type = logged_event_type(r.type);
  return {r.seq, type, Instant::parse_rfc3339(r.at), actor_from_json(json::parse(r.actor)),
          payload_from_text(type, r.data)};
}

void BM_RestoreFromSnapshotAndTail(benchmark::State& state) {
  const Fixture f;
  const StoredCase s = stored_case(f);
  const CaseContext ctx{*f.def, f.calendar, 480};
  for (auto _ : state) {
    std::optional<Case> c = load_snapshot(s.snapshot_before_last);
    for (const auto& r : s.log)
      if (r.seq > c->version) apply(*c, event_of(r), ctx);
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_RestoreFromSnapshotAndTail)->Unit(benchmark::kMicrosecond);

void BM_RestoreFromFullLog(benchmark::State& state) {
  const Fixture f;
  const StoredCase s = stored_case(f);
  const CaseContext ctx{*f.def, f.calendar, 480};
  for (auto _ : state) {
    Case c;
    for (const auto& r : s.log) apply(c, event_of(r), ctx);
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_RestoreFromFullLog)->Unit(benchmark::kMicrosecond);

}  // namespace
