// The macro-benchmarks of the performance issue (docs/performance.md): durable commands against the raw
// SQLite baseline in the same run, group commit by thread count, the timer backlog, due-timer lookup, open
// and verify of a large database, the peak memory of a large run, and the C API's overhead per call.
//
//   permitflow_macro --dir DIR [--cases N] [--backlog N] [--big N] [--threads 1,4,16,64]
// Prints one line per figure ("name: value unit").
#include <sqlite3.h>

#include <sys/wait.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <thread>
#if PERMITFLOW_WITH_POSTGRES
#include <pqxx/pqxx>
#endif

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

/// CPU time of this process so far (all threads, user and system), in seconds: unlike wall time, it hardly
/// moves with another program's load or the disk's fsync time.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
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

/// What a permitflow database holds, read back so the raw baselines' timed loops only write: its events
/// by ledger entry (one entry = one committed transaction), each case's row (every column, BLOBs as bytes)
/// and, from schema 4 on, each case's snapshot row (written by the transaction that reached its version).
struct SourceRows {
  std::map<long long, std::vector<std::vector<std::string>>> by_ledger;  // 10 event columns as text
  std::map<std::string, std::vector<std::string>> cases;                 // SELECT * FROM cases
  std::vector<bool> case_blob;                                           // which of those columns are BLOBs
  std::map<std::string, std::pair<std::string, long long>> snapshots;    // case -> snapshot, its version
};

SourceRows read_source(const fs::path& source) {
  Sqlite src(source, SQLITE_OPEN_READONLY);
  SourceRows rows;
  Stmt ev(src,
          "SELECT case_id, seq, type, at, actor, data, prev_hash, hash, ledger_seq, ledger_pos FROM events");
  while (ev.step()) {
    std::vector<std::string> row;
    for (int i = 0; i < 10; ++i)
      row.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(ev.s, i)));
    rows.by_ledger[sqlite3_column_int64(ev.s, 8)].push_back(std::move(row));
  }
  auto bytes = [](Stmt& s, int i) {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(s.s, i));
    return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s.s, i)));
  };
  Stmt c(src, "SELECT * FROM cases");
  const int n = sqlite3_column_count(c.s);
  for (int i = 0; i < n; ++i) {
    const char* type = sqlite3_column_decltype(c.s, i);
    rows.case_blob.push_back(type && std::string(type) == "BLOB");
  }
  while (c.step()) {
    std::vector<std::string> row;
    for (int i = 0; i < n; ++i) row.push_back(bytes(c, i));
    rows.cases[row[0]] = std::move(row);
  }
  Stmt has(src, "SELECT count(*) FROM sqlite_master WHERE name = 'case_snapshots'");
  if (has.step() && sqlite3_column_int(has.s, 0) > 0) {
    Stmt snap(src, "SELECT case_id, snapshot, snapshot_version FROM case_snapshots");
    while (snap.step()) rows.snapshots[bytes(snap, 0)] = {bytes(snap, 1), sqlite3_column_int64(snap.s, 2)};
  }
  return rows;
}

void bind_text(Stmt& s, int i, const std::string& v) {
  sqlite3_bind_text(s.s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

void bind_blob(Stmt& s, int i, const std::string& v) {
  sqlite3_bind_blob(s.s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

using Entry = std::pair<const long long, std::vector<std::vector<std::string>>>;

/// Runs `write` for each ledger entry of `rows` in a transaction of its own on `dst`; returns transactions/s,
/// and the CPU time per transaction in `cpu_us` and each transaction's latency (ms) in `latencies`.
double timed_transactions(Sqlite& dst, const SourceRows& rows, const std::function<void(const Entry&)>& write,
                          double& cpu_us, std::vector<double>* latencies = nullptr) {
  Stmt begin(dst, "BEGIN IMMEDIATE");
  Stmt commit(dst, "COMMIT");
  const auto t0 = Clock::now();
  const double c0 = cpu_seconds();
  for (const auto& entry : rows.by_ledger) {
    const auto t1 = Clock::now();
    begin.run();
    write(entry);
    commit.run();
    if (latencies) latencies->push_back(seconds_since(t1) * 1000);
  }
  cpu_us = (cpu_seconds() - c0) / static_cast<double>(rows.by_ledger.size()) * 1e6;
  return static_cast<double>(rows.by_ledger.size()) / seconds_since(t0);
}

/// Writes the same rows as the permitflow database `source` holds, one transaction per ledger entry, with
/// hand-written prepared statements into a fresh database of the same schema: the events, the case row
/// (INSERT OR REPLACE), the snapshot row in the transaction that reached its version (schema 4 on), one
/// timer deleted and inserted, the ledger row. Returns transactions/s.
double raw_baseline(const fs::path& source, const SourceRows& rows, const fs::path& target,
                    const std::string& sync, std::vector<double>& latencies, double& cpu_us) {
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
  const int case_columns = static_cast<int>(rows.case_blob.size());
  std::string values;
  for (int i = 1; i <= case_columns; ++i) values += (i > 1 ? ", ?" : "?") + std::to_string(i);
  Stmt ins_event(dst, "INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  Stmt upsert_case(dst, "INSERT OR REPLACE INTO cases VALUES (" + values + ")");
  std::unique_ptr<Stmt> upsert_snapshot;
  if (!rows.snapshots.empty())
    upsert_snapshot =
        std::make_unique<Stmt>(dst, "INSERT OR REPLACE INTO case_snapshots VALUES (?1, ?2, ?3)");
  Stmt del_timers(dst, "DELETE FROM timers WHERE case_id = ?1");
  Stmt ins_timer(dst, "INSERT INTO timers VALUES (?1, 'deadline_warning', 'decision', 1780000000)");
  Stmt ins_ledger(dst, "INSERT INTO ledger VALUES (?1, 'prev', 'hash', ?2)");
  const auto write = [&](const Entry& entry) {
    const auto& [seq, events] = entry;
    for (const auto& e : events) {
      for (int i = 0; i < 10; ++i) bind_text(ins_event, i + 1, e[static_cast<std::size_t>(i)]);
      ins_event.run();
    }
    const auto& c = rows.cases.at(events.front()[0]);
    for (int i = 0; i < case_columns; ++i) {
      const auto k = static_cast<std::size_t>(i);
      rows.case_blob[k] ? bind_blob(upsert_case, i + 1, c[k]) : bind_text(upsert_case, i + 1, c[k]);
    }
    upsert_case.run();
    if (const auto snap = rows.snapshots.find(c[0]); snap != rows.snapshots.end()) {
      const long long first = std::stoll(events.front()[1]), last = std::stoll(events.back()[1]);
      if (snap->second.second >= first && snap->second.second <= last) {
        bind_text(*upsert_snapshot, 1, c[0]);
        bind_blob(*upsert_snapshot, 2, snap->second.first);
        sqlite3_bind_int64(upsert_snapshot->s, 3, snap->second.second);
        upsert_snapshot->run();
      }
    }
    bind_text(del_timers, 1, c[0]);
    del_timers.run();
    bind_text(ins_timer, 1, c[0]);
    ins_timer.run();
    sqlite3_bind_int64(ins_ledger.s, 1, seq);
    sqlite3_bind_int64(ins_ledger.s, 2, static_cast<sqlite3_int64>(events.size()));
    ins_ledger.run();
  };
  return timed_transactions(dst, rows, write, cpu_us, &latencies);
}

/// The least a durable command can write, one transaction per ledger entry of `rows`: its events (case,
/// seq, data and hash; no secondary index), one small case row (state and version) and one timer row, each
/// upserted by primary key. Returns transactions/s.
double raw_minimal(const SourceRows& rows, const fs::path& target, const std::string& sync, double& cpu_us) {
  Sqlite dst(target);
  dst.exec("PRAGMA journal_mode = WAL");
  dst.exec("PRAGMA synchronous = " + sync);
  dst.exec(
      "CREATE TABLE events (case_id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL, "
      "hash TEXT NOT NULL, PRIMARY KEY (case_id, seq));"
      "CREATE TABLE cases (id TEXT NOT NULL PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL);"
      "CREATE TABLE timers (case_id TEXT NOT NULL PRIMARY KEY, due INTEGER NOT NULL);");
  Stmt ins_event(dst, "INSERT INTO events VALUES (?1, ?2, ?3, ?4)");
  Stmt upsert_case(dst, "INSERT OR REPLACE INTO cases VALUES (?1, ?2, ?3)");
  Stmt upsert_timer(dst, "INSERT OR REPLACE INTO timers VALUES (?1, 1780000000)");
  const auto write = [&](const Entry& entry) {
    const auto& events = entry.second;
    for (const auto& e : events) {
      bind_text(ins_event, 1, e[0]);
      bind_text(ins_event, 2, e[1]);
      bind_text(ins_event, 3, e[5]);
      bind_text(ins_event, 4, e[7]);
      ins_event.run();
    }
    const auto& c = rows.cases.at(events.front()[0]);
    bind_text(upsert_case, 1, c[0]);
    bind_text(upsert_case, 2, c[4]);
    bind_text(upsert_case, 3, events.back()[1]);
    upsert_case.run();
    bind_text(upsert_timer, 1, c[0]);
    upsert_timer.run();
  };
  return timed_transactions(dst, rows, write, cpu_us);
}

// --- sections ---------------------------------------------------------------------------------------------

void durable_vs_raw(const fs::path& dir, const Lifecycle& l, int cases) {
  for (const std::string sync : {"full", "normal"}) {
    const fs::path db = dir / ("durable_" + sync + ".db");
    double rate = 0, cpu_us = 0;
    std::vector<double> lat;
    {
      Engine engine(config(db, sync));
      const auto t0 = Clock::now();
      const double c0 = cpu_seconds();
      lat = run_cases(engine, l, cases);
      cpu_us = (cpu_seconds() - c0) / static_cast<double>(lat.size()) * 1e6;
      rate = static_cast<double>(lat.size()) / seconds_since(t0);
    }
    std::vector<double> raw_lat;
    const SourceRows rows = read_source(db);
    double raw_cpu_us = 0, minimal_cpu_us = 0;
    const double raw = raw_baseline(db, rows, dir / ("raw_" + sync + ".db"), sync, raw_lat, raw_cpu_us);
    const double minimal = raw_minimal(rows, dir / ("raw_minimal_" + sync + ".db"), sync, minimal_cpu_us);
    figure("durable " + sync + ": commands/s (one per transaction)", rate, "/s");
    figure("durable " + sync + ": CPU per command", cpu_us, "us");
    figure("raw sqlite " + sync + ": CPU per transaction (same rows)", raw_cpu_us, "us");
    figure("raw sqlite " + sync + ": CPU per transaction (minimal rows)", minimal_cpu_us, "us");
    figure("durable " + sync + ": p50 latency", percentile(lat, 50), "ms");
    figure("durable " + sync + ": p99 latency", percentile(lat, 99), "ms");
    figure("raw sqlite " + sync + ": transactions/s (same rows)", raw, "/s");
    figure("raw sqlite " + sync + ": p99 latency", percentile(raw_lat, 99), "ms");
    figure("durable " + sync + ": permitflow / raw", 100.0 * rate / raw, "%");
    figure("raw sqlite " + sync + ": transactions/s (minimal rows)", minimal, "/s");
    figure("durable " + sync + ": permitflow / raw minimal", 100.0 * rate / minimal, "%");
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
  const double cpu0 = cpu_seconds();  // the fill's threads are done: this process's CPU is the firing's
  const json fired =
      json::parse(engine.run_due(at("2026-12-31", "00:00")));  // timed with the parse, as always
  const double s = seconds_since(t0);
  const double cpu = cpu_seconds() - cpu0;
  figure("timer backlog: timers fired", static_cast<double>(fired.size()), "");
  figure("timer backlog: timers fired per second", static_cast<double>(fired.size()) / s, "/s");
  // Steadier than the wall clock on a shared machine.
  figure("timer backlog: CPU per timer (user + system)", cpu * 1e6 / static_cast<double>(fired.size()),
         " us");
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
  const double c1 = cpu_seconds();
  const json v = json::parse(engine.verify());
  const double s = seconds_since(t1);
  const double cpu = cpu_seconds() - c1;
  const double events = v["events_checked"].get<double>();
  figure("verify: cases checked", v["cases_checked"].get<double>(), "");
  figure("verify: events checked", events, "");
  figure("verify: time", s, "s");
  figure("verify: events/s", events / s, "/s");
  // All threads' CPU: the figure a loaded machine disturbs least.
  figure("verify: CPU per event (all threads)", cpu / events * 1e6, "us");
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

// --- PostgreSQL, N processes -------------------------------------------------------------------------------

/// A fresh schema on the server at `server` for one measurement; returns the URL whose connections use it.
std::string fresh_postgres_schema(const std::string& server, const std::string& name) {
#if PERMITFLOW_WITH_POSTGRES
  pqxx::connection c(server);
  pqxx::nontransaction n(c);
  n.exec("DROP SCHEMA IF EXISTS " + name + " CASCADE");
  n.exec("CREATE SCHEMA " + name);
  return server + (server.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + name;
#else
  (void)server;
  (void)name;
  throw std::runtime_error("this build has no PostgreSQL backend");
#endif
}

/// Forks `processes` children that each open their own engine on `url` (no engine is open in this process
/// when it forks), waits until all are open, starts them together and returns the sum of the counts they
/// report divided by the wall time from the start until the last one finished.
double across_processes(int processes, const std::string& url, const std::function<long(Engine&)>& work) {
  struct Child {
    pid_t pid;
    int ready, go, result;
  };
  std::vector<Child> children;
  std::fflush(nullptr);  // a child must not print what this process had buffered
  for (int p = 0; p < processes; ++p) {
    int ready[2], go[2], result[2];
    if (::pipe(ready) != 0 || ::pipe(go) != 0 || ::pipe(result) != 0) throw std::runtime_error("pipe");
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork");
    if (pid == 0) {
      int rc = 0;
      try {
        Engine engine(config(url));
        char b = 'r';
        if (::write(ready[1], &b, 1) != 1 || ::read(go[0], &b, 1) != 1) ::_exit(3);
        const long n = work(engine);
        const std::string line = std::to_string(n) + "\n";
        if (::write(result[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) rc = 4;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "process %d: %s\n", p, e.what());
        rc = 2;
      }
      std::fflush(nullptr);
      ::_exit(rc);
    }
    ::close(ready[1]);
    ::close(go[0]);
    ::close(result[1]);
    children.push_back({pid, ready[0], go[1], result[0]});
  }
  char b = 0;
  for (auto& c : children)
    if (::read(c.ready, &b, 1) != 1) throw std::runtime_error("a process failed to open its engine");
  const auto t0 = Clock::now();
  for (auto& c : children)
    if (::write(c.go, "g", 1) != 1) throw std::runtime_error("start");
  long total = 0;
  for (auto& c : children) {
    char buf[64] = {};
    const ssize_t got = ::read(c.result, buf, sizeof buf - 1);
    if (got <= 0) throw std::runtime_error("a process failed (see its message above)");
    total += std::stol(buf);
  }
  const double s = seconds_since(t0);
  for (auto& c : children) {
    int status = 0;
    ::waitpid(c.pid, &status, 0);
    ::close(c.ready);
    ::close(c.go);
    ::close(c.result);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("a process failed");
  }
  return static_cast<double>(total) / s;
}

/// Commands/s and timers/s on PostgreSQL with each process count: every process runs `cases` full
/// lifecycles of its own cases (one command per transaction); then `backlog` overdue cases are drained by
/// `run_due` in every process at once (each timer fires exactly once: a claimed timer is locked).
void postgres(const std::string& server, const Lifecycle& l, const json& materials,
              const std::vector<int>& processes, int cases, int backlog, int run) {
  for (int n : processes) {
    const std::string tag = std::to_string(n) + (n == 1 ? " process" : " processes");
    const std::string url = fresh_postgres_schema(server, "pf_bench_" + std::to_string(run));
    const double commands =
        across_processes(n, url, [&](Engine& e) { return static_cast<long>(run_cases(e, l, cases).size()); });
    figure("postgres, " + tag + ": commands/s (one per transaction)", commands, "/s");
    const std::string timer_url = fresh_postgres_schema(server, "pf_bench_" + std::to_string(run));
    {
      Engine engine(config(timer_url));
      fill(engine, l, materials, backlog, 16);
    }
    const double timers = across_processes(n, timer_url, [&](Engine& e) {
      return static_cast<long>(json::parse(e.run_due(at("2026-12-31", "00:00"))).size());
    });
    figure("postgres, " + tag + ": timers fired/s", timers, "/s");
  }
  fresh_postgres_schema(server, "pf_bench_" + std::to_string(run));  // leaves an empty schema, not the rows
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
  app.add_option("--only", only, "one section: durable, group, timers, big, capi, postgres");
  std::string postgres_url, processes = "1,3";
  app.add_option("--postgres", postgres_url,
                 "a PostgreSQL server URL: runs the postgres section (with --only postgres or no --only)");
  app.add_option("--processes", processes, "process counts for the postgres section");
  int pg_cases = 30, pg_backlog = 2000;
  app.add_option("--pg-cases", pg_cases, "full cases per process for the postgres commands/s figure");
  app.add_option("--pg-backlog", pg_backlog, "overdue cases for the postgres timers/s figure");
  bool keep = false, fill_only = false;
  int repeat = 1;
  app.add_option("--repeat", repeat,
                 "runs of the durable, group, capi and postgres sections (medians printed at the end)");
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
    if ((only.empty() || only == "postgres") && !postgres_url.empty())
      postgres(postgres_url, l, materials, parse_list(processes), pg_cases, pg_backlog, r);
    if (!keep) fs::remove_all(run);
  }
  if (only.empty() || only == "timers") timers(dir, l, materials, backlog);
  if (only.empty() || only == "big")
    big(big_db.empty() ? fs::path(dir) / "big.db" : fs::path(big_db), l, materials, big_n, fill_only);
  print_medians();
  if (!keep) fs::remove_all(dir);
  return 0;
}
