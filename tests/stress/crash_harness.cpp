// permitflow_crash: kills the engine with SIGKILL at random moments and proves that nothing acknowledged is
// lost and nothing fires twice (docs/reliability.md).
//
//   permitflow_crash drive (--dir DIR | --db URL) [--kills N] [--seed S] [--rotate R] [--max-delay-ms M]
//
// The parent ("drive") starts a child (`permitflow_crash child …`, the same program) that runs a random mix
// of submissions, commands and run_due on the database and writes every acknowledged result to a pipe. The
// parent kills it with SIGKILL after a random delay, reads what was acknowledged, reopens the database and
// checks: every acknowledged submission and command is there (the case at least at the acknowledged version,
// its event at that sequence number); nothing unacknowledged is half there (verify is clean: chains intact,
// every projection equals the replay of its log; and at most one unacknowledged case per kill); every timer
// due at or before the last acknowledged run_due has fired (a run_due at that moment fires nothing); no timer
// fired twice (no system event repeated in any case's history). With --dir the database is a SQLite file
// DIR/crash-<generation>.db, a new one every R kills (default 100); with --db the child opens that database
// (e.g. postgresql://…) and R is ignored. Exit status 0 when every check passed, 1 otherwise.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "permitflow/engine.hpp"
#include "support/demo_applications.hpp"

namespace {

using nlohmann::json;
using permitflow::Engine;
using permitflow::Error;
using permitflow::testing::kClerk;
using permitflow::testing::kHead;

struct Options {
  std::string mode;
  std::string dir;
  std::string db;
  long kills = 100;
  unsigned long seed = 1;
  long rotate = 100;
  int max_delay_ms = 150;
  int fd = -1;
  long long start = 0;  // child: its simulated clock starts here (seconds since the epoch)
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "permitflow_crash: " << why
            << "\nusage: permitflow_crash drive (--dir DIR | --db URL) [--kills N] [--seed S] [--rotate R] "
               "[--max-delay-ms M]\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  if (argc < 2) usage("no mode");
  Options o;
  o.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage("missing value for " + a);
    const std::string v = argv[++i];
    if (a == "--dir")
      o.dir = v;
    else if (a == "--db")
      o.db = v;
    else if (a == "--kills")
      o.kills = std::stol(v);
    else if (a == "--seed")
      o.seed = std::stoul(v);
    else if (a == "--rotate")
      o.rotate = std::stol(v);
    else if (a == "--max-delay-ms")
      o.max_delay_ms = std::stoi(v);
    else if (a == "--fd")
      o.fd = std::stoi(v);
    else if (a == "--start")
      o.start = std::stoll(v);
    else
      usage("unknown option " + a);
  }
  if (o.mode != "drive" && o.mode != "child") usage("unknown mode " + o.mode);
  if (o.dir.empty() == o.db.empty()) usage("give exactly one of --dir and --db");
  return o;
}

// RFC 3339 in the bureau's zone (UTC+8) for seconds since the epoch.
std::string rfc3339(long long t) {
  const std::time_t local = static_cast<std::time_t>(t + 8 * 3600);
  std::tm tm{};
  gmtime_r(&local, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
  return buf;
}

const json kCrashApplicant = {{"id", "91320922MA1CRASH1X"}, {"role", "applicant"}};

// Materials valid far ahead: the child's clock runs for years of simulated time.
json complete_materials(const Engine& e, const std::string& permit, const std::string& when) {
  return permitflow::testing::complete_materials(e, permit, when, "2099-12-31", kCrashApplicant);
}

json application(const std::string& permit, const std::string& when, const json& materials) {
  return permitflow::testing::application(permit, when, materials, nullptr, kCrashApplicant);
}

void ack(int fd, const std::string& line) {
  const std::string l = line + "\n";  // one write below PIPE_BUF: atomic, never torn by the kill
  if (write(fd, l.data(), l.size()) != static_cast<ssize_t>(l.size())) std::_Exit(3);
}

// ------------------------------------------------------------------------------------------------ child --
// Runs random operations until killed. Every acknowledged result is one line on the pipe:
//   S <case> <version>            a submission
//   C <case> <version> <type>     a command
//   R <now> <fired>               a run_due
//   X <code>                      a refusal (counted; a refusal changes nothing)
//   T <now>                       the simulated moment of the next operation (so the next child starts later)
//   O                             the engine is open (the parent times most kills from this line)
int child(const Options& o) {
  const json cfg = {{"database", o.db}};
  Engine e(cfg.dump());
  std::mt19937_64 rng(o.seed);
  long long now = o.start;
  const std::string first = rfc3339(now);
  const json complete_cw = complete_materials(e, "construction_waste", first);
  const json complete_oa = complete_materials(e, "outdoor_advertising", first);
  // Tolerant acceptance and commitment (docs/contract.md §17): an advertisement without its rendering (a
  // tolerable item) and a waste application whose contract and rules are replaced by a commitment, so the
  // tolerance_lapsed and verification timers run across kills too.
  json oa_without_rendering = json::array();
  for (const auto& m : complete_oa)
    if (m["id"] != "rendering") oa_without_rendering.push_back(m);
  json cw_committed = json::array();
  for (const auto& m : complete_cw)
    if (m["id"] != "transport_contract" && m["id"] != "vehicle_management_rules") cw_committed.push_back(m);
  const json commitment = {{"items", {"transport_contract", "vehicle_management_rules"}},
                           {"signed_by", "法定代表人"},
                           {"signed_at", first},
                           {"text_sha256", std::string(64, 'c')}};
  ack(o.fd, "O");
  std::vector<json> cases;  // the last acknowledged state of the cases this child made
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  for (;;) {
    now += 60 + static_cast<long long>(rng() % 3600);  // the simulated clock only advances
    const std::string when = rfc3339(now);
    ack(o.fd, "T " + std::to_string(now));  // the moment about to be used, acknowledged or not
    const unsigned roll = static_cast<unsigned>(rng() % 100);
    try {
      if (roll < 15 || cases.empty()) {
        const bool oa = rng() % 3 == 0;
        const bool incomplete = rng() % 4 == 0;
        const bool other_path = rng() % 3 == 0;  // tolerance (advertising) or commitment (waste)
        json mats = incomplete ? json::array() : (oa ? complete_oa : complete_cw);
        if (!incomplete && other_path) mats = oa ? oa_without_rendering : cw_committed;
        json app = application(oa ? "outdoor_advertising" : "construction_waste", when, mats);
        if (!incomplete && other_path && !oa) app["commitment"] = commitment;
        const json c = json::parse(e.submit(app.dump()));
        ack(o.fd, "S " + c["id"].get<std::string>() + " " + std::to_string(c["version"].get<int>()));
        cases.push_back(c);
      } else if (roll < 30) {
        const json fired = json::parse(e.run_due(when));
        ack(o.fd, "R " + std::to_string(now) + " " + std::to_string(fired.size()));
      } else {
        const std::size_t i = pick(cases.size());
        const json& c = cases[i];
        const std::string state = c["state"];
        const bool oa = c["permit"] == "outdoor_advertising";
        json cmd = {{"actor", kClerk}, {"at", when}};
        // The two paths' fields are present only on a case that took one (docs/contract.md §17).
        const bool pending = c.contains("tolerance") && c["tolerance"]["pending"] == true;
        const bool verifying = c["deadlines"].contains("verification") && !c.contains("verification");
        if (state == "submitted") {
          cmd["type"] = c["materials"].empty() ? "request_correction" : "accept";
          bool rendering = false;
          for (const auto& m : c["materials"]) rendering = rendering || m["id"] == "rendering";
          if (oa && !c["materials"].empty() && !rendering) {  // 容缺: supply by the next day
            cmd["tolerance"] = {{"items", {"rendering"}},
                                {"supply_by", rfc3339(now + 86400).substr(0, 10)},
                                {"commitment", commitment}};
            cmd["tolerance"]["commitment"].erase("items");
          }
          if (rng() % 10 == 0) cmd = {{"type", "withdraw"}, {"actor", kCrashApplicant}, {"at", when}};
        } else if (pending && rng() % 4 == 0) {
          cmd = {{"type", "supply"},
                 {"actor", kCrashApplicant},
                 {"at", when},
                 {"materials", {{{"id", "rendering"}, {"format", "pdf"}}}}};
        } else if (state == "issued" && verifying && rng() % 2 == 0) {
          static const char* const results[] = {"confirmed", "false", "exempt"};
          cmd["type"] = "record_verification";
          cmd["result"] = results[rng() % 3];
        } else if (state == "awaiting_correction") {
          cmd = {{"type", "resubmit"}, {"actor", kCrashApplicant}, {"at", when}, {"materials", complete_cw}};
          if (oa) cmd["materials"] = complete_oa;
        } else if (state == "under_review") {
          const unsigned k = static_cast<unsigned>(rng() % 6);
          if (k == 0 && !oa) {
            cmd = {{"type", "record_opinion"},
                   {"actor", {{"id", "rev-tp"}, {"role", "reviewer"}, {"department", "traffic_police"}}},
                   {"at", when},
                   {"department", "traffic_police"},
                   {"opinion", "approve"}};
          } else if (k == 1) {
            cmd["type"] = "record_inspection";
            cmd["inspectors"] = {"insp-1", "insp-2"};
            cmd["findings"] = "符合";
          } else if (k == 2) {
            cmd["type"] = "suspend";
            cmd["reason"] = "expert_review";
            cmd["expected_working_days"] = 3;
            cmd["notice"] = "专家评审";
          } else {
            cmd = {{"type", "decide"}, {"actor", kHead}, {"at", when}, {"outcome", "approved"}};
          }
        } else if (state == "suspended") {
          cmd["type"] = "resume";
        } else if (state == "approved") {
          cmd["type"] = "issue_certificate";
        } else if (state == "issued") {
          cmd["type"] = rng() % 2 ? "close" : "revoke";
          if (cmd["type"] == "revoke") {
            cmd["actor"] = kHead;
            cmd["reason"] = "抽查不合格";
          }
        } else {
          cases.erase(cases.begin() + static_cast<std::ptrdiff_t>(i));  // terminal: nothing more to do
          continue;
        }
        if (rng() % 8 == 0) cmd["expected_version"] = c["version"].get<int>() - static_cast<int>(rng() % 2);
        if (rng() % 8 == 0) cmd["command_id"] = "cmd-" + std::to_string(rng());
        const std::string type = cmd["type"];
        const json after = json::parse(e.execute(c["id"].get<std::string>(), cmd.dump()));
        ack(o.fd, "C " + after["id"].get<std::string>() + " " + std::to_string(after["version"].get<int>()) +
                      " " + type);
        cases[i] = after;
      }
    } catch (const Error& err) {
      ack(o.fd, "X " + std::string(permitflow::to_string(err.code())));
      if (err.code() == permitflow::ErrorCode::storage || err.code() == permitflow::ErrorCode::internal) {
        std::cerr << "child: " << err.what() << "\n";
        return 4;
      }
      // refresh what we know of every case: a refusal may follow timers that changed a case
      for (auto& c : cases) c = json::parse(e.get_case(c["id"].get<std::string>()));
    }
  }
}

// ------------------------------------------------------------------------------------------------ drive --
struct Totals {
  long kills = 0, submissions = 0, commands = 0, run_dues = 0, refusals = 0, fired = 0, lost = 0,
       duplicated = 0, half = 0, late_timers = 0, child_failures = 0;
};

struct Generation {
  std::string database;
  std::map<std::string, int> acked;  // case → highest acknowledged version
  long rounds = 0;
  long long last_run_due = 0;  // the latest acknowledged run_due (0: none)
  long long clock = 0;         // where the next child's clock starts
};

bool problem(Totals& t, long& counter, const std::string& what) {
  ++counter;
  std::cerr << "FAIL after kill " << t.kills << ": " << what << "\n";
  return false;
}

// Reopens the database and checks everything the acknowledgements promise. `touched`: the cases acknowledged
// in the last round (their histories are checked for duplicated timers).
void check(const Options& o, Generation& g, const std::set<std::string>& touched, Totals& t, bool all) {
  Engine e(json{{"database", g.database}}.dump());
  for (const auto& [id, version] : g.acked) {
    if (!all && !touched.count(id)) continue;
    try {
      const json c = json::parse(e.get_case(id));
      const json h = json::parse(e.history(id));
      if (c["version"].get<int>() < version || static_cast<int>(h.size()) < version ||
          h[static_cast<std::size_t>(version - 1)]["seq"].get<int>() != version) {
        problem(t, t.lost, id + " lost its acknowledged version " + std::to_string(version));
      }
      std::set<std::string> seen;
      for (const auto& ev : h) {
        if (ev["actor"]["role"] != "system") continue;
        const std::string key = ev["type"].get<std::string>() + "|" + ev["at"].get<std::string>() + "|" +
                                ev["data"].value("clock", "");
        if (!seen.insert(key).second) problem(t, t.duplicated, id + ": timer fired twice: " + key);
      }
    } catch (const Error& err) {
      problem(t, t.lost, id + " is not readable: " + err.what());
    }
  }
  const json v = json::parse(e.verify());
  if (!v["ok"].get<bool>()) problem(t, t.half, "verify: " + v["problems"].dump());
  // The feed (docs/feed.md): one record per event, seq 1, 2, 3 … without a gap, after every kill.
  long long records = 0;
  for (json request = {{"after", 0}, {"limit", 1000}};;) {
    const json page = json::parse(e.feed(request.dump()));
    for (const auto& r : page["records"]) {
      if (r["seq"].get<long long>() != ++records) {
        problem(t, t.half,
                "feed record " + r["seq"].dump() + " where " + std::to_string(records) + " was due");
        records = r["seq"].get<long long>();
      }
    }
    if (page["next"] == page["head"]) break;
    request["after"] = page["next"];
  }
  if (records != v["events_checked"].get<long long>()) {
    problem(t, t.half,
            std::to_string(records) + " feed records for " + v["events_checked"].dump() + " events");
  }
  long count = 0;
  std::string after;
  for (;;) {
    json q = {{"limit", 1000}};
    if (!after.empty()) q["after"] = after;
    const json page = json::parse(e.query(q.dump()));
    count += static_cast<long>(page["cases"].size());
    if (page["next"].is_null()) break;
    after = page["next"];
  }
  if (count < static_cast<long>(g.acked.size()) || count > static_cast<long>(g.acked.size()) + g.rounds) {
    problem(t, t.half,
            std::to_string(count) + " cases for " + std::to_string(g.acked.size()) + " acknowledged after " +
                std::to_string(g.rounds) + " kills");
  }
  if (g.last_run_due > 0) {
    // every timer due by the last acknowledged run_due fired then: firing again at that moment finds none
    const json again = json::parse(e.run_due(rfc3339(g.last_run_due)));
    if (!again.empty())
      problem(t, t.late_timers, "timers due by an acknowledged run_due had not fired: " + again.dump());
  }
  (void)o;
}

// Reads the child's lines into `out` until its "O" line (engine open), its end, or 60 s.
void wait_until_open(int fd, std::string& out) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (out.find("O\n") == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

int drive(const Options& o, const char* self) {
  const auto started = std::chrono::steady_clock::now();
  std::mt19937_64 rng(o.seed);
  Totals t;
  Generation g;
  long generation = 0;
  auto new_generation = [&] {
    g = Generation{};
    if (o.db.empty()) {
      std::filesystem::create_directories(o.dir);
      g.database =
          (std::filesystem::path(o.dir) / ("crash-" + std::to_string(generation++) + ".db")).string();
      std::filesystem::remove(g.database);
      std::filesystem::remove(g.database + "-wal");
      std::filesystem::remove(g.database + "-shm");
    } else {
      g.database = o.db;
    }
    g.clock = 1780279200;  // 2026-06-01T10:00:00+08:00
  };
  new_generation();
  for (long k = 0; k < o.kills; ++k) {
    if (o.db.empty() && o.rotate > 0 && g.rounds >= o.rotate) {
      check(o, g, {}, t, true);
      new_generation();
    }
    int fds[2];
    if (pipe(fds) != 0) return 2;
    const std::string start = std::to_string(g.clock);
    const std::string seed = std::to_string(rng());
    const std::string fd = std::to_string(fds[1]);
    const pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      execl(self, self, "child", "--db", g.database.c_str(), "--seed", seed.c_str(), "--fd", fd.c_str(),
            "--start", start.c_str(), static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    close(fds[1]);
    // One kill in eight lands while the engine opens (migrations, start-up writes); the others are timed from
    // the moment it is open, so a slow start (a sanitizer build, a loaded machine) still leaves work to kill.
    std::string out;
    if (rng() % 8 != 0) wait_until_open(fds[0], out);
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + static_cast<int>(rng() % o.max_delay_ms)));
    kill(pid, SIGKILL);
    char buf[8192];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    ++t.kills;
    ++g.rounds;
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
      problem(t, t.child_failures, "the child ended by itself (status " + std::to_string(status) + ")");
    }
    std::set<std::string> touched;
    std::istringstream lines(out);
    long long latest = g.clock;
    for (std::string line; std::getline(lines, line);) {
      std::istringstream f(line);
      std::string kind, a;
      f >> kind >> a;
      if (kind == "S" || kind == "C") {
        int version = 0;
        f >> version;
        (kind == "S" ? t.submissions : t.commands)++;
        int& v = g.acked[a];
        v = std::max(v, version);
        touched.insert(a);
      } else if (kind == "R") {
        long fired = 0;
        f >> fired;
        ++t.run_dues;
        t.fired += fired;
        g.last_run_due = std::max(g.last_run_due, std::stoll(a));
        latest = std::max(latest, std::stoll(a));
      } else if (kind == "X") {
        ++t.refusals;
      } else if (kind == "T") {
        latest = std::max(latest, std::stoll(a));
      }
    }
    // the next child's clock starts after anything this one used (an unacknowledged operation included)
    g.clock = latest + 3600;
    check(o, g, touched, t, false);
  }
  check(o, g, {}, t, true);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "kills " << t.kills << ", submissions acknowledged " << t.submissions
            << ", commands acknowledged " << t.commands << ", run_due acknowledged " << t.run_dues
            << ", refusals " << t.refusals << ", timers fired " << t.fired << ", lost " << t.lost
            << ", duplicated " << t.duplicated << ", half-written " << t.half << ", timers not fired "
            << t.late_timers << ", child failures " << t.child_failures << ", " << static_cast<long>(seconds)
            << " s\n";
  const bool ok = t.lost == 0 && t.duplicated == 0 && t.half == 0 && t.late_timers == 0 &&
                  t.child_failures == 0 && t.submissions + t.commands > 0;
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    if (o.mode == "child") return child(o);
    return drive(o, "/proc/self/exe");
  } catch (const std::exception& e) {
    std::cerr << "permitflow_crash: " << e.what() << "\n";
    return 2;
  }
}
