// 16 threads on overlapping cases of one SQLite file (docs/reliability.md): every department's
// opinion on the same co-approval case at the same moment with two heads racing to decide, commands with and
// without expected_version competing on the same cases, withdraw racing decide, run_due racing the commands,
// duplicate submissions racing on one command_id, and reads racing the writes. Some threads go through the C
// API, on a second engine over the same file (as a second host process would), so SQLite's own locking is
// exercised beside the engine's group commit.
//
// Every call's status is classified: anything a caller could not have expected (a conflict without an
// expected_version, a rule refusal where the state allowed the command, a storage error, ...) fails the run.
// Afterwards: every acknowledged command is in its case's log exactly once and nothing unacknowledged is;
// versions are contiguous; each co-approval case was decided exactly once, after both opinions; every timer
// fired exactly once; verify is clean. A watchdog fails the run if it does not finish (a deadlock).
//
//   permitflow_concurrency [--rounds N] [--seed S] [--scale K] [--watchdog-s T]
#include <atomic>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "permitflow/engine.hpp"
#include "permitflow/error.hpp"
#include "permitflow/permitflow.h"
#include "support/demo_applications.hpp"
#include "support/temp_dir.hpp"

#include <sqlite3.h>

namespace {

using nlohmann::json;
using permitflow::Engine;
using permitflow::ErrorCode;

constexpr int kThreads = 16;
// Every racing command is dated kAt; run_due never looks past it, so no timer event can postdate a command.
const std::string kSetupDay = "2026-06-01";  // a Monday
const std::string kAt = "2026-06-10T10:00:00+08:00";

// The actors, facts, applications and precheck loop of the conformance suite (tests/support).
using permitflow::testing::application;
using permitflow::testing::complete_materials;
using permitflow::testing::kApplicant;
using permitflow::testing::kClerk;
using permitflow::testing::reviewer;
json head(int n) { return {{"id", "head-" + std::to_string(n)}, {"role", "head"}}; }
std::string setup_at(const std::string& hm) { return permitflow::testing::at(kSetupDay, hm); }

// --- failures ----------------------------------------------------------------------------------------------

std::mutex failures_mutex;
std::vector<std::string> failures;
void fail(const std::string& what) {
  std::lock_guard lock(failures_mutex);
  if (failures.size() < 50) failures.push_back(what);
  if (failures.size() <= 5) std::fprintf(stderr, "FAIL: %s\n", what.c_str());  // at once, in case of a hang
}
#define CHECK(cond, msg)                                  \
  do {                                                    \
    if (!(cond)) fail(std::string(#cond) + ": " + (msg)); \
  } while (0)

// --- one caller interface over the C++ and the C API
// --------------------------------------------------------

struct Result {
  int status = 0;    // the pf_status / ErrorCode value
  std::string body;  // the returned document, or the error message
  json doc() const { return json::parse(body); }
};

class Caller {
 public:
  virtual ~Caller() = default;
  virtual Result submit(const json& app) = 0;
  virtual Result execute(const std::string& id, const json& cmd) = 0;
  virtual Result get_case(const std::string& id) = 0;
  virtual Result history(const std::string& id) = 0;
  virtual Result query(const json& q) = 0;
  virtual Result run_due(const std::string& now) = 0;
  virtual const char* name() const = 0;
};

class CppCaller : public Caller {
 public:
  explicit CppCaller(Engine& e) : e_(e) {}
  Result submit(const json& app) override {
    return call([&] { return e_.submit(app.dump()); });
  }
  Result execute(const std::string& id, const json& cmd) override {
    return call([&] { return e_.execute(id, cmd.dump()); });
  }
  Result get_case(const std::string& id) override {
    return call([&] { return e_.get_case(id); });
  }
  Result history(const std::string& id) override {
    return call([&] { return e_.history(id); });
  }
  Result query(const json& q) override {
    return call([&] { return e_.query(q.dump()); });
  }
  Result run_due(const std::string& now) override {
    return call([&] { return e_.run_due(now); });
  }
  const char* name() const override { return "C++"; }

 private:
  template <class F>
  static Result call(F&& f) {
    try {
      return {0, f()};
    } catch (const permitflow::Error& e) {
      return {static_cast<int>(e.code()), e.what()};
    } catch (const std::exception& e) {
      return {-1, std::string("not a permitflow::Error: ") + e.what()};
    }
  }
  Engine& e_;
};

class CCaller : public Caller {
 public:
  explicit CCaller(pf_engine* e) : e_(e) {}
  Result submit(const json& app) override {
    const std::string a = app.dump();
    return call([&](char** out) { return pf_submit(e_, a.c_str(), out); });
  }
  Result execute(const std::string& id, const json& cmd) override {
    const std::string c = cmd.dump();
    return call([&](char** out) { return pf_execute(e_, id.c_str(), c.c_str(), out); });
  }
  Result get_case(const std::string& id) override {
    return call([&](char** out) { return pf_get_case(e_, id.c_str(), out); });
  }
  Result history(const std::string& id) override {
    return call([&](char** out) { return pf_history(e_, id.c_str(), out); });
  }
  Result query(const json& q) override {
    const std::string s = q.dump();
    return call([&](char** out) { return pf_query(e_, s.c_str(), out); });
  }
  Result run_due(const std::string& now) override {
    return call([&](char** out) { return pf_run_due(e_, now.c_str(), out); });
  }
  const char* name() const override { return "C"; }

 private:
  template <class F>
  static Result call(F&& f) {
    char* out = nullptr;
    const pf_status s = f(&out);
    Result r{static_cast<int>(s), ""};
    if (s == PF_OK) {
      r.body = out ? out : "";
      pf_free(out);
    } else {
      r.body = pf_last_error();
      if (out) fail("a failed C call left its out-pointer set");
    }
    return r;
  }
  pf_engine* e_;
};

// --- status bookkeeping
// ---------------------------------------------------------------------------------------

std::string status_name(int s) {
  return s < 0 ? "exception" : std::string(permitflow::to_string(static_cast<ErrorCode>(s)));
}

struct Tally {
  std::mutex m;
  std::map<std::string, std::map<std::string, long>> counts;  // operation → status → calls
  void add(const std::string& op, int status) {
    std::lock_guard lock(m);
    ++counts[op][status_name(status)];
  }
};

/// Records the status and fails unless it is one the caller could have expected.
void expect_status(Tally& tally, const std::string& op, const Result& r, std::initializer_list<int> allowed,
                   const std::string& where) {
  tally.add(op, r.status);
  for (int a : allowed)
    if (a == r.status) return;
  fail(op + " on " + where + ": unexpected " + status_name(r.status) + ": " + r.body);
}

// --- what was acknowledged --------------------------------------------------------------------------------

// Every racing command carries a unique token (in an opinion's comment or an inspection's findings), so
// each acknowledged command can be found in the log, once.
struct Ack {
  std::string case_id;
  std::string token;  // empty for commands without a free-text field (decide, withdraw)
  std::string type;
  std::int64_t version;  // of the case the command returned
};

struct Ledger {
  std::mutex m;
  std::vector<Ack> acks;
  std::vector<json> fired;  // every entry every run_due returned
  void ack(Ack a) {
    std::lock_guard lock(m);
    acks.push_back(std::move(a));
  }
};

// --- setup helpers
// ------------------------------------------------------------------------------------------

/// A racing command: every one is dated kAt.
json command(const std::string& type, const json& actor, json extra = json::object()) {
  return permitflow::testing::command(type, actor, kAt, std::move(extra));
}

// --- one round --------------------------------------------------------------------------------------------

/// The rows of the ledger table: one per committed transaction that appended events.
long ledger_entries(const std::string& db) {
  sqlite3* h = nullptr;
  long n = -1;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, "SELECT count(*) FROM ledger", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return n;
}

struct RoundFigures {
  long calls = 0, acks = 0, timers = 0, events = 0, ledger = 0, cases = 0;
};

RoundFigures run_round(unsigned seed, int scale) {
  permitflow::testing::TempDir dir;
  const std::string db = dir.file("cases.db");
  Engine engine(json{{"database", db}}.dump());
  // The second engine on the same file, through the C API: another host process, in effect.
  pf_engine* c_engine = nullptr;
  if (pf_open(json{{"database", db}}.dump().c_str(), &c_engine) != PF_OK) {
    throw std::runtime_error(std::string("pf_open: ") + pf_last_error());
  }
  CppCaller cpp(engine);
  CCaller capi(c_engine);

  std::mt19937 rng(seed);
  const int road_n = 4 * scale, waste_n = 3 * scale, race_n = 3 * scale, timer_n = 4 * scale;

  // Setup, one thread: accepted road excavations (two co-approving departments), accepted construction-waste
  // cases (one), construction-waste cases whose opinion is in (withdraw races decide there), and road
  // excavations only submitted, whose acceptance_deemed timers fall due before the racing commands.
  auto make_case = [&](const std::string& permit, bool accept) {
    const json mats = complete_materials(engine, permit, setup_at("09:00"));
    const json c = json::parse(engine.submit(application(permit, setup_at("09:00"), mats).dump()));
    const std::string id = c["id"];
    if (accept) engine.execute(id, permitflow::testing::command("accept", kClerk, setup_at("11:00")).dump());
    return id;
  };
  // The setup's site inspection of a case.
  auto inspect = [&](const std::string& id) {
    engine.execute(id, permitflow::testing::command(
                           "record_inspection", kClerk, setup_at("14:00"),
                           {{"inspectors", json::array({"insp-a", "insp-b"})}, {"findings", "setup"}})
                           .dump());
  };
  std::vector<std::string> road, waste, race, timer_cases;
  for (int i = 0; i < road_n; ++i) {
    road.push_back(make_case("road_excavation", true));
    // The excavation's site inspection is in, so only the two opinions stand between it and a decision.
    inspect(road.back());
  }
  for (int i = 0; i < waste_n; ++i) waste.push_back(make_case("construction_waste", true));
  for (int i = 0; i < race_n; ++i) {
    race.push_back(make_case("construction_waste", true));
    inspect(race.back());
    engine.execute(race.back(), permitflow::testing::command(
                                    "record_opinion", reviewer("traffic_police"), setup_at("15:00"),
                                    {{"department", "traffic_police"}, {"opinion", "approve"}})
                                    .dump());
  }
  for (int i = 0; i < timer_n; ++i) timer_cases.push_back(make_case("road_excavation", false));
  const long setup_cases = road_n + waste_n + race_n + timer_n;

  Tally tally;
  Ledger ledger;
  std::atomic<long> calls{0};
  std::atomic<int> token_counter{0};
  auto token = [&](int thread) {
    return "t" + std::to_string(thread) + "-" + std::to_string(token_counter++) + "-s" + std::to_string(seed);
  };
  std::atomic<int> writers_left{0};
  std::atomic<int> decided_count{0};
  std::vector<std::atomic<int>> opinions_done(road.size());  // reviewer calls returned, per case

  // Co-approval: per case, the two reviewers and the two heads are released at the same moment.
  std::barrier coapproval(4);
  std::barrier race_gate(2);
  std::barrier submit_gate(2);
  std::set<std::string> submit_ids;  // command ids of the racing submissions
  std::mutex submit_mutex;
  std::map<std::string, std::set<std::string>> submitted_case_of;  // command id → case ids returned

  auto ok = [](const Result& r) { return r.status == 0; };
  const int E_INVALID_STATE = static_cast<int>(ErrorCode::invalid_state);
  const int E_CONFLICT = static_cast<int>(ErrorCode::conflict);
  const int E_RULE = static_cast<int>(ErrorCode::rule_violation);

  std::vector<std::function<void()>> work(kThreads);

  // 0, 1: the two departments' reviewers; traffic police through the C API.
  const std::vector<std::string> depts = {"municipal_roads", "traffic_police"};
  for (int t = 0; t < 2; ++t) {
    work[t] = [&, t] {
      Caller& api = t == 1 ? static_cast<Caller&>(capi) : cpp;
      for (std::size_t i = 0; i < road.size(); ++i) {
        const std::string& id = road[i];
        coapproval.arrive_and_wait();
        const std::string tok = token(t);
        const Result r =
            api.execute(id, command("record_opinion", reviewer(depts[t]),
                                    {{"department", depts[t]}, {"opinion", "approve"}, {"comment", tok}}));
        ++calls;
        expect_status(tally, "record_opinion", r, {0}, id);
        if (ok(r)) ledger.ack({id, tok, "opinion_recorded", r.doc()["version"].get<std::int64_t>()});
        ++opinions_done[i];
      }
    };
  }
  // 2, 3: two heads deciding each co-approval case as soon as they can; head 3 through the C API. A decide
  // refused for a missing opinion after this head saw both opinions in place would be a join gone wrong.
  for (int t = 2; t < 4; ++t) {
    work[t] = [&, t] {
      Caller& api = t == 3 ? static_cast<Caller&>(capi) : cpp;
      for (std::size_t i = 0; i < road.size(); ++i) {
        const std::string& id = road[i];
        coapproval.arrive_and_wait();
        for (;;) {
          const bool reviewers_done = opinions_done[i].load() == 2;
          const Result seen = api.get_case(id);
          expect_status(tally, "get_case", seen, {0}, id);
          bool both = false;
          if (ok(seen)) {
            const json c = seen.doc();
            both = !c["opinions"]["municipal_roads"].is_null() && !c["opinions"]["traffic_police"].is_null();
            if (c["state"] != "under_review") both = true;  // decided already: only invalid_state may follow
          }
          const Result r = api.execute(id, command("decide", head(t), {{"outcome", "approved"}}));
          ++calls;
          if (both) {
            expect_status(tally, "decide (after both opinions)", r, {0, E_INVALID_STATE}, id);
          } else {
            expect_status(tally, "decide (racing the opinions)", r, {0, E_INVALID_STATE, E_RULE}, id);
            if (r.status == E_RULE && r.body.find("co-approval") == std::string::npos)
              fail("decide on " + id + " refused for another reason than co-approval: " + r.body);
          }
          if (ok(r)) {
            ++decided_count;
            ledger.ack({id, "", "decided", r.doc()["version"].get<std::int64_t>()});
          }
          if (r.status != E_RULE) break;
          if (reviewers_done) {
            fail("decide on " + id + " still refused after both reviewers were answered: " + r.body);
            break;
          }
          std::this_thread::yield();
        }
      }
    };
  }
  // 4–7: inspections competing on the same cases, half with expected_version (only those may see conflict);
  // thread 7 through the C API.
  const int per_thread = 12 * scale;
  for (int t = 4; t < 8; ++t) {
    work[t] = [&, t] {
      Caller& api = t == 7 ? static_cast<Caller&>(capi) : cpp;
      std::mt19937 r_(seed * 31 + t);
      for (int i = 0; i < per_thread; ++i) {
        const std::string& id = waste[r_() % waste.size()];
        const std::string tok = token(t);
        json cmd = command("record_inspection", kClerk,
                           {{"inspectors", json::array({"insp-a", "insp-b"})}, {"findings", tok}});
        const bool with_version = r_() % 2 == 0;
        if (with_version) {
          const Result seen = api.get_case(id);
          expect_status(tally, "get_case", seen, {0}, id);
          if (ok(seen)) cmd["expected_version"] = seen.doc()["version"];
        }
        const Result r = api.execute(id, cmd);
        ++calls;
        if (with_version) {
          expect_status(tally, "record_inspection with expected_version", r, {0, E_CONFLICT}, id);
        } else {
          expect_status(tally, "record_inspection", r, {0}, id);
        }
        if (ok(r)) ledger.ack({id, tok, "inspection_recorded", r.doc()["version"].get<std::int64_t>()});
      }
    };
  }
  // 8, 9: the applicant withdraws while a head decides, at the same moment: exactly one wins.
  std::vector<std::atomic<int>> race_wins(race.size());
  for (int t = 8; t < 10; ++t) {
    work[t] = [&, t] {
      for (std::size_t i = 0; i < race.size(); ++i) {
        race_gate.arrive_and_wait();
        const Result r = t == 8
                             ? cpp.execute(race[i], command("withdraw", kApplicant, {{"reason", "race"}}))
                             : capi.execute(race[i], command("decide", head(t), {{"outcome", "approved"}}));
        ++calls;
        expect_status(tally, t == 8 ? "withdraw (racing decide)" : "decide (racing withdraw)", r,
                      {0, E_INVALID_STATE}, race[i]);
        if (ok(r)) {
          ++race_wins[i];
          ledger.ack({race[i], "", t == 8 ? "withdrawn" : "decided", r.doc()["version"].get<std::int64_t>()});
        }
      }
    };
  }
  // 10, 11: run_due with times creeping up to the commands' time, racing them and each other.
  for (int t = 10; t < 12; ++t) {
    work[t] = [&, t] {
      Caller& api = t == 11 ? static_cast<Caller&>(capi) : cpp;
      const std::vector<std::string> nows = {"2026-06-04T12:00:00+08:00",
                                             "2026-06-05T00:00:00+08:00",
                                             "2026-06-08T09:00:00+08:00",
                                             "2026-06-09T00:00:00+08:00",
                                             "2026-06-09T08:00:00+08:00",
                                             "2026-06-10T00:00:00+08:00",
                                             kAt};
      for (int rep = 0; rep < 3; ++rep) {
        for (const auto& now : nows) {
          const Result r = api.run_due(now);
          ++calls;
          expect_status(tally, "run_due", r, {0}, now);
          if (ok(r)) {
            std::lock_guard lock(ledger.m);
            for (const auto& f : r.doc()) ledger.fired.push_back(f);
          }
        }
      }
    };
  }
  // 12: the window tries to accept the cases whose acceptance was deemed before kAt: the timer fires first
  // (in run_due or before the command), so accept can only be invalid_state.
  work[12] = [&] {
    for (const auto& id : timer_cases) {
      const Result r = cpp.execute(id, command("accept", kClerk));
      ++calls;
      expect_status(tally, "accept (after acceptance_deemed was due)", r, {E_INVALID_STATE}, id);
    }
  };
  // 13, 14: the same submission twice at the same moment, on one command_id (a retry racing the original):
  // one case, the same answer to both.
  const json waste_mats = complete_materials(engine, "construction_waste", kAt);
  for (int t = 13; t < 15; ++t) {
    work[t] = [&, t] {
      Caller& api = t == 14 ? static_cast<Caller&>(capi) : cpp;
      for (int i = 0; i < 4 * scale; ++i) {
        const std::string cid = "submit-" + std::to_string(seed) + "-" + std::to_string(i);
        json app = application("construction_waste", kAt, waste_mats);
        app["command_id"] = cid;
        submit_gate.arrive_and_wait();
        const Result r = api.submit(app);
        ++calls;
        expect_status(tally, "submit (same command_id twice at once)", r, {0}, cid);
        if (ok(r)) {
          std::lock_guard lock(submit_mutex);
          submit_ids.insert(cid);
          submitted_case_of[cid].insert(r.doc()["id"].get<std::string>());
        }
      }
    };
  }
  // 15: reads racing the writes: each history is contiguous, versions never go backwards, queries page.
  work[15] = [&] {
    std::map<std::string, std::int64_t> last_seen;
    std::vector<std::string> all = road;
    all.insert(all.end(), waste.begin(), waste.end());
    all.insert(all.end(), race.begin(), race.end());
    std::mt19937 r_(seed + 15);
    while (writers_left.load() > 0) {
      const std::string& id = all[r_() % all.size()];
      const Result c = cpp.get_case(id);
      const Result h = capi.history(id);
      const Result q = cpp.query({{"permit", "construction_waste"}, {"limit", 5}});
      calls += 3;
      expect_status(tally, "get_case", c, {0}, id);
      expect_status(tally, "history", h, {0}, id);
      expect_status(tally, "query", q, {0}, "construction_waste");
      if (ok(c)) {
        const std::int64_t v = c.doc()["version"];
        CHECK(v >= last_seen[id], id + " went back from version " + std::to_string(last_seen[id]));
        last_seen[id] = v;
      }
      if (ok(h)) {
        std::int64_t seq = 0;
        for (const auto& e : h.doc()) {
          if (e["seq"].get<std::int64_t>() != ++seq) {
            fail("history of " + id + " read mid-write is not contiguous at " + std::to_string(seq));
            break;
          }
        }
      }
    }
  };

  const auto started = std::chrono::steady_clock::now();
  writers_left = kThreads - 1;
  {
    std::barrier start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        try {
          work[t]();
        } catch (const std::exception& e) {
          fail("thread " + std::to_string(t) + " threw: " + e.what());
        }
        if (t != 15) --writers_left;
      });
    }
    for (auto& th : threads) th.join();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // --- the checks after the race ------------------------------------------------------------------------
  // Timers due at kAt must all have fired by now; a last run_due fires nothing twice.
  // (Timers that fell due while the race ran, e.g. a deemed acceptance's own deadlines, fire in this one.)
  for (const auto& f : json::parse(engine.run_due(kAt))) ledger.fired.push_back(f);
  const json again = json::parse(engine.run_due(kAt));
  CHECK(again.empty(), "a second run_due(kAt) still fired " + again.dump());

  RoundFigures fig;
  fig.calls = calls;
  fig.acks = static_cast<long>(ledger.acks.size());

  std::map<std::string, std::vector<const Ack*>> acks_of;
  for (const auto& a : ledger.acks) acks_of[a.case_id].push_back(&a);

  // Timer entries returned by run_due: none twice, each one in its case's log.
  std::set<std::string> fired_keys;
  for (const auto& f : ledger.fired) {
    const std::string key = f["case"].get<std::string>() + "/" + f["kind"].get<std::string>() + "/" +
                            f["clock"].get<std::string>();
    CHECK(fired_keys.insert(key).second, "run_due reported " + key + " twice");
  }

  // Every case: contiguous log; version = log length; tokens acknowledged = tokens in the log, each once;
  // each acknowledged version holds the acknowledged command's event; no system event twice.
  std::vector<std::string> all = road;
  for (const auto* v : {&waste, &race, &timer_cases}) all.insert(all.end(), v->begin(), v->end());
  for (const auto& [cid, ids] : submitted_case_of) {
    CHECK(ids.size() == 1, "command id " + cid + " created " + std::to_string(ids.size()) + " cases");
    all.insert(all.end(), ids.begin(), ids.end());
  }
  long timer_events = 0, events = 0;
  for (const auto& id : all) {
    const json c = json::parse(engine.get_case(id));
    const json h = json::parse(engine.history(id));
    events += static_cast<long>(h.size());
    CHECK(c["version"].get<std::size_t>() == h.size(),
          id + ": version " + c["version"].dump() + ", " + std::to_string(h.size()) + " events");
    std::map<std::string, int> tokens_in_log;
    std::set<std::string> system_events;
    for (std::size_t i = 0; i < h.size(); ++i) {
      const json& e = h[i];
      CHECK(e["seq"].get<std::size_t>() == i + 1,
            id + ": seq " + e["seq"].dump() + " at position " + std::to_string(i + 1));
      if (e["actor"]["role"] == "system") {
        ++timer_events;
        const std::string key = e["type"].get<std::string>() + "/" + e["data"].dump();
        CHECK(system_events.insert(key).second, id + ": timer event " + key + " twice");
      }
      for (const char* field : {"comment", "findings"}) {
        if (e["data"].contains(field) && e["data"][field].is_string()) {
          const std::string tok = e["data"][field];
          if (tok.rfind("t", 0) == 0 && tok.find("-s") != std::string::npos) ++tokens_in_log[tok];
        }
      }
    }
    std::set<std::string> acked_tokens;
    for (const Ack* a : acks_of[id]) {
      CHECK(a->version >= 1 && a->version <= static_cast<std::int64_t>(h.size()),
            id + ": acknowledged version " + std::to_string(a->version) + " is not in the log");
      if (a->version < 1 || a->version > static_cast<std::int64_t>(h.size())) continue;
      const json& e = h[static_cast<std::size_t>(a->version - 1)];
      CHECK(e["type"] == a->type, id + ": acknowledged " + a->type + " at version " +
                                      std::to_string(a->version) + " but the log has " + e["type"].dump());
      if (!a->token.empty()) {
        acked_tokens.insert(a->token);
        CHECK(tokens_in_log[a->token] == 1, id + ": acknowledged " + a->token + " is in the log " +
                                                std::to_string(tokens_in_log[a->token]) + " times");
      }
    }
    for (const auto& [tok, n] : tokens_in_log)
      CHECK(acked_tokens.count(tok) == 1, id + ": " + tok + " is in the log but was never acknowledged");
  }

  // Co-approval: each case decided exactly once, after both opinions, by one of the heads.
  CHECK(decided_count.load() == road_n, "co-approval cases decided " + std::to_string(decided_count.load()) +
                                            " times, expected " + std::to_string(road_n));
  for (const auto& id : road) {
    const json c = json::parse(engine.get_case(id));
    CHECK(c["state"] == "approved", id + " is " + c["state"].dump());
    int decided = 0, opinions = 0;
    for (const auto& e : json::parse(engine.history(id))) {
      if (e["type"] == "opinion_recorded") ++opinions;
      if (e["type"] == "decided") {
        ++decided;
        CHECK(opinions == 2, id + ": decided after " + std::to_string(opinions) + " opinions");
      }
    }
    CHECK(decided == 1 && opinions == 2,
          id + ": " + std::to_string(decided) + " decisions, " + std::to_string(opinions) + " opinions");
  }
  // Withdraw against decide: exactly one winner, and the state says which.
  for (std::size_t i = 0; i < race.size(); ++i) {
    CHECK(race_wins[i].load() == 1, race[i] + ": " + std::to_string(race_wins[i].load()) + " winners");
    const std::string s = json::parse(engine.get_case(race[i]))["state"];
    CHECK(s == "withdrawn" || s == "approved", race[i] + " ended " + s);
  }
  // Deemed acceptance: each timer case accepted by its timer, once.
  for (const auto& id : timer_cases) {
    const json c = json::parse(engine.get_case(id));
    CHECK(c["state"] == "under_review" && c["deemed_accepted"] == true,
          id + " is " + c["state"].dump() + ", deemed " + c["deemed_accepted"].dump());
    int deemed = 0;
    for (const auto& e : json::parse(engine.history(id))) deemed += e["type"] == "acceptance_deemed";
    CHECK(deemed == 1, id + ": acceptance_deemed " + std::to_string(deemed) + " times");
  }
  // Nothing but what we made: the setup cases plus one per racing submission command id.
  const json page = json::parse(engine.query(R"({"limit": 1000})"));
  fig.cases = static_cast<long>(page["cases"].size());
  CHECK(fig.cases == setup_cases + static_cast<long>(submit_ids.size()),
        std::to_string(fig.cases) + " cases, expected " + std::to_string(setup_cases + submit_ids.size()));

  const json v = json::parse(engine.verify());
  CHECK(v["ok"] == true, "verify: " + v.dump());
  fig.timers = timer_events;
  fig.events = events;
  pf_close(c_engine);
  // Group commit at work: how many transactions committed the racing writes (ledger entries, one per
  // committed transaction that appended events) against how many events they appended.
  fig.ledger = ledger_entries(db);

  std::printf(
      "round seed %u: %.1f s, %ld calls, %ld commands acknowledged, %ld timer events, %ld events in "
      "%ld cases, committed in %ld transactions\n",
      seed, seconds, fig.calls, fig.acks, fig.timers, fig.events, fig.cases, fig.ledger);
  {
    std::lock_guard lock(tally.m);
    for (const auto& [op, by] : tally.counts) {
      std::printf("  %-44s", op.c_str());
      for (const auto& [st, n] : by) std::printf(" %s %ld", st.c_str(), n);
      std::printf("\n");
    }
  }
  std::fflush(stdout);
  return fig;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 4, scale = 1, watchdog_s = 600;
  unsigned seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const int v = std::atoi(argv[i + 1]);
    if (a == "--rounds")
      rounds = v;
    else if (a == "--seed")
      seed = static_cast<unsigned>(v);
    else if (a == "--scale")
      scale = v < 1 ? 1 : v;
    else if (a == "--watchdog-s")
      watchdog_s = v;
    else {
      std::fprintf(stderr, "usage: %s [--rounds N] [--seed S] [--scale K] [--watchdog-s T]\n", argv[0]);
      return 2;
    }
  }
  // The watchdog: a deadlock fails the run instead of hanging it.
  std::mutex wm;
  std::condition_variable wcv;
  bool finished = false;
  std::thread watchdog([&] {
    std::unique_lock lock(wm);
    if (!wcv.wait_for(lock, std::chrono::seconds(watchdog_s), [&] { return finished; })) {
      std::fprintf(stderr, "FAIL: not finished after %d s: deadlock or livelock\n", watchdog_s);
      std::fflush(stderr);
      std::_Exit(1);
    }
  });

  const auto started = std::chrono::steady_clock::now();
  long calls = 0, acks = 0, timers = 0;
  for (int r = 0; r < rounds && failures.empty(); ++r) {
    try {
      const RoundFigures f = run_round(seed + static_cast<unsigned>(r), scale);
      calls += f.calls;
      acks += f.acks;
      timers += f.timers;
    } catch (const std::exception& e) {
      fail(std::string("round threw: ") + e.what());
    }
  }
  {
    std::lock_guard lock(wm);
    finished = true;
  }
  wcv.notify_all();
  watchdog.join();

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!failures.empty()) {
    for (const auto& f : failures) std::fprintf(stderr, "FAIL: %s\n", f.c_str());
    return 1;
  }
  std::printf(
      "concurrency: %d rounds of %d threads, %ld calls, %ld commands acknowledged, %ld timer events, "
      "lost 0, duplicated 0, unexpected statuses 0, %.1f s\n",
      rounds, kThreads, calls, acks, timers, seconds);
  return 0;
}
