// The macro-benchmarks of the performance issue (docs/performance.md): durable commands against the raw
// SQLite baseline in the same run, group commit by thread count, the timer backlog, due-timer lookup, open
// and verify of a large database, the peak memory of a large run, and the C API's overhead per call.
//
//   permitflow_macro --dir DIR [--cases N] [--backlog N] [--big N] [--threads 1,4,16,64]
// Prints one line per figure ("name: value unit").
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <thread>

#include "bench_support.hpp"
#include "permitflow/permitflow.h"

namespace fs = std::filesystem;
using namespace permitflow;
using namespace permitflow::bench;

namespace {

std::string config(const fs::path& db, const std::string& sync = "full") {
  return json{{"database", db.string()}, {"synchronous", sync}}.dump();
}

// Every value printed, by figure name in first-printed order, for the medians of repeated runs.
std::vector<std::pair<std::string, std::vector<double>>> g_values;
std::map<std::string, std::string> g_units;

void figure(const std::string& name, double value, const std::string& unit) {
  std::printf("%-58s %14.2f %s\n", (name + ":").c_str(), value, unit.c_str());
  std::fflush(stdout);
  auto it = std::find_if(g_values.begin(), g_values.end(), [&](const auto& v) { return v.first == name; });
  if (it == g_values.end()) it = g_values.insert(g_values.end(), {name, {}});
  it->second.push_back(value);
  g_units[name] = unit;
}

/// The median of each figure printed more than once (odd counts: the middle run; even: the mean of the two).
void print_medians() {
  bool header = false;
  for (auto& [name, values] : g_values) {
    if (values.size() < 2) continue;
    if (!header) std::printf("\n--- medians of the repeated runs ---\n");
    header = true;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    const double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    std::printf("%-58s %14.2f %s (median of %zu; min %.2f, max %.2f)\n", (name + ":").c_str(), median,
                g_units[name].c_str(), n, values.front(), values.back());
  }
}

/// Runs `cases` full lifecycles one command per call; returns each call's latency in ms.
std::vector<double> run_cases(Engine& engine, const Lifecycle& l, int cases) {
  std::vector<double> latencies;
  latencies.reserve(static_cast<std::size_t>(cases) * (l.commands.size() + 1));
  for (int i = 0; i < cases; ++i) {
    auto t0 = Clock::now();
    const std::string id = json::parse(engine.submit(l.application))["id"];
    latencies.push_back(seconds_since(t0) * 1000);
    for (const auto& c : l.commands) {
      t0 = Clock::now();
      engine.execute(id, c);
      latencies.push_back(seconds_since(t0) * 1000);
    }
  }
  return latencies;
}

// --- raw SQLite baseline ----------------------------------------------------------------------------------

struct Sqlite {
  sqlite3* db = nullptr;
  explicit Sqlite(const fs::path& file, int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) {
    if (sqlite3_open_v2(file.c_str(), &db, flags, nullptr) != SQLITE_OK) throw std::runtime_error("open");
  }
  ~Sqlite() { sqlite3_close_v2(db); }
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string msg = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(sql + ": " + msg);
    }
  }
};

struct Stmt {
  sqlite3_stmt* s = nullptr;
  Stmt(Sqlite& db, const std::string& sql) {
    if (sqlite3_prepare_v3(db.db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error("prepare: " + sql + ": " + sqlite3_errmsg(db.db));
  }
  ~Stmt() { sqlite3_finalize(s); }
  bool step() {
    const int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(sqlite3_db_handle(s)));
    return rc == SQLITE_ROW;
  }
  void run() {
    step();
    sqlite3_reset(s);
  }
};

/// The rows one permitflow transaction wrote: its events, the case's projection row and timers, a ledger row.
struct Transaction {
  std::vector<std::vector<std::string>> events;  // 10 columns as text (integers are bound as text-affinity)
  std::string case_id;
};

/// Writes the same rows as the permitflow database `source` holds, one transaction per ledger entry, with
/// hand-written prepared statements into a fresh database of the same schema. Returns transactions/s.
double raw_baseline(const fs::path& source, const fs::path& target, const std::string& sync,
                    std::vector<double>& latencies) {
  Sqlite src(source, SQLITE_OPEN_READONLY);
  Sqlite dst(target);
  dst.exec("PRAGMA journal_mode = WAL");
  dst.exec("PRAGMA synchronous = " + sync);
  {
    Stmt schema(src,
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                "ORDER BY type DESC");
    while (schema.step()) dst.exec(reinterpret_cast<const char*>(sqlite3_column_text(schema.s, 0)));
  }
  // Read everything first so the timed loop only writes.
  std::map<long long, std::vector<std::vector<std::string>>> by_ledger;
  {
    Stmt ev(
        src,
        "SELECT case_id, seq, type, at, actor, data, prev_hash, hash, ledger_seq, ledger_pos FROM events");
    while (ev.step()) {
      std::vector<std::string> row;
      for (int i = 0; i < 10; ++i)
        row.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(ev.s, i)));
      by_ledger[sqlite3_column_int64(ev.s, 8)].push_back(std::move(row));
    }
  }
  std::map<std::string, std::vector<std::string>> cases;
  {
    Stmt c(src,
           "SELECT id, permit, definition_version, applicant_id, state, version, light, due, "
           "awaiting_departments, document, snapshot, snapshot_version FROM cases");
    while (c.step()) {
      std::vector<std::string> row;
      for (int i = 0; i < 12; ++i) {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(c.s, i));
        row.emplace_back(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(c.s, i)));
      }
      cases[row[0]] = std::move(row);
    }
  }
  Stmt ins_event(dst, "INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  Stmt upsert_case(dst,
                   "INSERT OR REPLACE INTO cases VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  Stmt del_timers(dst, "DELETE FROM timers WHERE case_id = ?1");
  Stmt ins_timer(dst, "INSERT INTO timers VALUES (?1, 'deadline_warning', 'decision', 1780000000)");
  Stmt ins_ledger(dst, "INSERT INTO ledger VALUES (?1, 'prev', 'hash', ?2)");
  Stmt begin(dst, "BEGIN IMMEDIATE");
  Stmt commit(dst, "COMMIT");
  auto text = [](Stmt& s, int i, const std::string& v) {
    sqlite3_bind_text(s.s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  };
  const auto t0 = Clock::now();
  for (const auto& [seq, events] : by_ledger) {
    const auto t1 = Clock::now();
    begin.run();
    for (const auto& e : events) {
      for (int i = 0; i < 10; ++i) text(ins_event, i + 1, e[static_cast<std::size_t>(i)]);
      ins_event.run();
    }
    const auto& c = cases.at(events.front()[0]);
    for (int i = 0; i < 12; ++i) {
      if (i == 10)
        sqlite3_bind_blob(upsert_case.s, 11, c[10].data(), static_cast<int>(c[10].size()), SQLITE_STATIC);
      else
        text(upsert_case, i + 1, c[static_cast<std::size_t>(i)]);
    }
    upsert_case.run();
    text(del_timers, 1, c[0]);
    del_timers.run();
    text(ins_timer, 1, c[0]);
    ins_timer.run();
    sqlite3_bind_int64(ins_ledger.s, 1, seq);
    sqlite3_bind_int64(ins_ledger.s, 2, static_cast<sqlite3_int64>(events.size()));
    ins_ledger.run();
    commit.run();
    latencies.push_back(seconds_since(t1) * 1000);
  }
  return static_cast<double>(by_ledger.size()) / seconds_since(t0);
}

// --- sections ---------------------------------------------------------------------------------------------

void durable_vs_raw(const fs::path& dir, const Lifecycle& l, int cases) {
  for (const std::string sync : {"full", "normal"}) {
    const fs::path db = dir / ("durable_" + sync + ".db");
    double rate = 0;
    std::vector<double> lat;
    {
      Engine engine(config(db, sync));
      const auto t0 = Clock::now();
      lat = run_cases(engine, l, cases);
      rate = static_cast<double>(lat.size()) / seconds_since(t0);
    }
    std::vector<double> raw_lat;
    const double raw = raw_baseline(db, dir / ("raw_" + sync + ".db"), sync, raw_lat);
    figure("durable " + sync + ": commands/s (one per transaction)", rate, "/s");
    figure("durable " + sync + ": p50 latency", percentile(lat, 50), "ms");
    figure("durable " + sync + ": p99 latency", percentile(lat, 99), "ms");
    figure("raw sqlite " + sync + ": transactions/s (same rows)", raw, "/s");
    figure("raw sqlite " + sync + ": p99 latency", percentile(raw_lat, 99), "ms");
    figure("durable " + sync + ": permitflow / raw", 100.0 * rate / raw, "%");
  }
}

void group_commit(const fs::path& dir, const Lifecycle& l, const std::vector<int>& threads, int cases_each) {
  for (int n : threads) {
    const fs::path db = dir / ("group_" + std::to_string(n) + ".db");
    Engine engine(config(db));
    std::atomic<long> commands{0};
    const auto t0 = Clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < n; ++t) {
      pool.emplace_back([&] { commands += static_cast<long>(run_cases(engine, l, cases_each).size()); });
    }
    for (auto& t : pool) t.join();
    figure("group commit, full, " + std::to_string(n) + " threads: commands/s",
           static_cast<double>(commands.load()) / seconds_since(t0), "/s");
  }
}

/// `n` cases submitted complete on 2026-06-01 and accepted: each holds decision-clock timers.
void fill(Engine& engine, const Lifecycle& l, const json& materials, int n, int threads) {
  json app = json::parse(l.application);
  app["materials"] = materials;
  const std::string text = app.dump();
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      while (next.fetch_add(1) < n) engine.submit(text);
    });
  }
  for (auto& t : pool) t.join();
}

void timers(const fs::path& dir, const Lifecycle& l, const json& materials, int backlog) {
  const fs::path db = dir / "backlog.db";
  Engine engine(config(db, "normal"));
  fill(engine, l, materials, backlog, 16);
  // Every case is past its acceptance notice limit by 2026-07-01: one deemed acceptance per case is due,
  // and the deadline timers its new clocks bring are due too.
  const auto t0 = Clock::now();
  const json fired = json::parse(engine.run_due(at("2026-12-31", "00:00")));
  const double s = seconds_since(t0);
  figure("timer backlog: timers fired", static_cast<double>(fired.size()), "");
  figure("timer backlog: timers fired per second", static_cast<double>(fired.size()) / s, "/s");
}

/// The large database: `n` cases submitted through the engine by 16 threads (group commit, NORMAL), created
/// at `db` if it does not exist and kept there, so the open, lookup and verify figures can be re-taken
/// without building it again. `fill_only` stops after creating it (its peak memory is then the fill's alone).
void big(const fs::path& db, const Lifecycle& l, const json& materials, int n, bool fill_only) {
  if (!fs::exists(db)) {
    Engine engine(config(db, "normal"));
    const auto t0 = Clock::now();
    fill(engine, l, materials, n, 16);
    const double s = seconds_since(t0);
    figure("large run: cases submitted", n, "");
    figure("large run: time to submit them", s, "s");
    figure("large run: submissions/s (16 threads, normal)", n / s, "/s");
    figure("large run: peak resident memory", peak_rss_mib(), "MiB");
    if (fill_only) return;
  } else {
    std::printf("reusing the large database %s\n", db.c_str());
  }
  // Opening must not scan the cases: time a few opens (the first pays for the page cache).
  std::vector<double> opens;
  for (int i = 0; i < 5; ++i) {
    const auto t0 = Clock::now();
    Engine e(config(db, "normal"));
    opens.push_back(seconds_since(t0) * 1000);
  }
  figure("open of the large database: first", opens.front(), "ms");
  figure("open of the large database: median of 5", percentile(opens, 50), "ms");
  Engine engine(config(db, "normal"));
  // Due-timer lookup: nothing is due at 2026-06-01 10:00 among the cases; each call still looks.
  std::vector<double> lat;
  for (int i = 0; i < 1000; ++i) {
    const auto t1 = Clock::now();
    engine.run_due(at("2026-06-01", "10:00"));
    lat.push_back(seconds_since(t1) * 1000);
  }
  figure("due-timer lookup among the cases: p50", percentile(lat, 50), "ms");
  figure("due-timer lookup among the cases: p99", percentile(lat, 99), "ms");
  const auto t1 = Clock::now();
  const json v = json::parse(engine.verify());
  const double s = seconds_since(t1);
  figure("verify: cases checked", v["cases_checked"].get<double>(), "");
  figure("verify: events checked", v["events_checked"].get<double>(), "");
  figure("verify: time", s, "s");
  figure("verify: events/s", v["events_checked"].get<double>() / s, "/s");
  figure("peak resident memory of this process so far", peak_rss_mib(), "MiB");
  if (!v["ok"].get<bool>()) throw std::runtime_error("verify found problems: " + v.dump());
}

void c_api_overhead(const fs::path& dir, const Lifecycle& l) {
  const fs::path db = dir / "capi.db";
  Engine engine(config(db));
  const std::string id = json::parse(engine.submit(l.application))["id"];
  constexpr int kCalls = 20000;
  auto t0 = Clock::now();
  for (int i = 0; i < kCalls; ++i) engine.get_case(id);
  const double cpp = seconds_since(t0) / kCalls * 1e6;
  pf_engine* e = nullptr;
  if (pf_open(config(dir / "capi_c.db").c_str(), &e) != PF_OK) throw std::runtime_error(pf_last_error());
  char* out = nullptr;
  pf_submit(e, l.application.c_str(), &out);
  const std::string cid = json::parse(out)["id"];
  pf_free(out);
  t0 = Clock::now();
  for (int i = 0; i < kCalls; ++i) {
    pf_get_case(e, cid.c_str(), &out);
    pf_free(out);
  }
  const double c = seconds_since(t0) / kCalls * 1e6;
  pf_close(e);
  figure("get_case through the C++ API", cpp, "us/call");
  figure("get_case through the C API", c, "us/call");
  figure("C API overhead per call", c - cpp, "us");
}

std::vector<int> parse_list(const std::string& s) {
  std::vector<int> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const std::size_t comma = s.find(',', pos);
    out.push_back(std::stoi(s.substr(pos, comma - pos)));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"permitflow macro-benchmarks (docs/performance.md)"};
  std::string dir, threads = "1,4,16,64", only;
  int cases = 300, backlog = 100000, big_n = 1000000, group_cases = 20;
  app.add_option("--dir", dir, "scratch folder (emptied first)")->required();
  app.add_option("--cases", cases, "full cases for the one-command-per-transaction figures");
  app.add_option("--group-cases", group_cases, "full cases per thread for the group-commit figures");
  app.add_option("--threads", threads, "thread counts for group commit");
  app.add_option("--backlog", backlog, "overdue cases for the timer backlog");
  app.add_option("--big", big_n, "cases of the large database (open, lookup, verify, memory)");
  app.add_option("--only", only, "one section: durable, group, timers, big, capi");
  bool keep = false, fill_only = false;
  int repeat = 1;
  app.add_option("--repeat", repeat,
                 "runs of the durable, group and capi sections (medians printed at the end)");
  std::string big_db;
  app.add_flag("--keep", keep, "keep the scratch folder (to profile its databases)");
  app.add_option("--big-db", big_db,
                 "the large database: created there if absent and then kept, else reused");
  app.add_flag("--fill-only", fill_only, "only create the large database (with --only big)");
  CLI11_PARSE(app, argc, argv);

  fs::remove_all(dir);
  fs::create_directories(dir);
  json materials;
  {
    Engine probe(config(fs::path(dir) / "probe.db"));
    materials = complete_materials(probe);
  }
  const Lifecycle l = road_excavation_lifecycle(materials);
  std::printf("permitflow %s, %u hardware threads\n", version(), std::thread::hardware_concurrency());
  for (int r = 0; r < repeat; ++r) {
    // Each repetition writes fresh databases: the raw baseline copies every row of its source.
    const fs::path run = fs::path(dir) / ("run" + std::to_string(r));
    fs::create_directories(run);
    if (repeat > 1) std::printf("--- run %d of %d ---\n", r + 1, repeat);
    if (only.empty() || only == "durable") durable_vs_raw(run, l, cases);
    if (only.empty() || only == "group") group_commit(run, l, parse_list(threads), group_cases);
    if (only.empty() || only == "capi") c_api_overhead(run, l);
    if (!keep) fs::remove_all(run);
  }
  if (only.empty() || only == "timers") timers(dir, l, materials, backlog);
  if (only.empty() || only == "big")
    big(big_db.empty() ? fs::path(dir) / "big.db" : fs::path(big_db), l, materials, big_n, fill_only);
  print_medians();
  if (!keep) fs::remove_all(dir);
  return 0;
}
