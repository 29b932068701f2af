// Several engine processes on one PostgreSQL database (docs/contract.md §8, docs/deployment.md): each issues
// commands on shared cases and calls run_due in a loop, on a simulated clock. Afterwards:
// - every timer fired exactly once: no (case, kind, clock, due) was reported fired twice, the events of
//   every reported firing are in the case's log, and no timer due by the end is left pending;
// - no acknowledged command was lost: every command id a process saw succeed is stored against its case;
// - verify() finds every hash chain and the ledger intact;
// - the feed (docs/feed.md): with --consumers N, N durable consumers read it while the workers write; each
//   saw every record 1..head, in seq order, and the records follow the ledger's commit order exactly.
// With --kill, one process is killed (SIGKILL) a third of the way through; the others must keep working
// and the checks above must still hold (a killed transaction leaves nothing half-written).
//
//   permitflow_multi_instance [--db URL] [--processes 3] [--rounds 150] [--cases 12] [--kill]
// Without --db it creates a fresh schema on PERMITFLOW_TEST_POSTGRES_URL; without that it exits 77 (ctest
// "skipped"), or 1 when PERMITFLOW_REQUIRE_POSTGRES=1.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "permitflow/calendar.hpp"
#include "permitflow/engine.hpp"
#include "permitflow/error.hpp"
#include "store/store.hpp"
#include "support/engine_fixture.hpp"
#include "support/test_database.hpp"

namespace {

using nlohmann::json;
using permitflow::Engine;
using permitflow::Error;
using permitflow::Instant;
namespace pt = permitflow::testing;

constexpr int kOffset = 480;              // +08:00
constexpr std::int64_t kStep = 3 * 3600;  // simulated time per round
const char* const kStart = "2026-03-02T09:00:00+08:00";

struct Options {
  std::string db;
  int processes = 3;
  int rounds = 150;
  int cases = 12;
  bool kill = false;
  int consumers = 0;
  int worker = -1;    // >= 0: run as that worker
  int consumer = -1;  // >= 0: run as that feed consumer
  std::string dir;    // the folder of the logs and the case list
};

std::string now_at(int round) {
  return Instant::parse_rfc3339(kStart).plus_seconds(kStep * round).to_rfc3339(kOffset);
}

/// One line per write(2) on an O_APPEND file: a process killed between lines leaves whole lines only.
class Log {
 public:
  explicit Log(const std::string& path) : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644)) {
    if (fd_ < 0) throw std::runtime_error("cannot open " + path);
  }
  ~Log() { ::close(fd_); }
  void line(const std::string& text) {
    const std::string l = text + "\n";
    if (::write(fd_, l.data(), l.size()) != static_cast<ssize_t>(l.size())) std::abort();
  }

 private:
  int fd_;
};

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string all = ss.str();
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t nl; (nl = all.find('\n', start)) != std::string::npos; start = nl + 1) {
    out.push_back(all.substr(start, nl - start));  // an unterminated last line is ignored
  }
  return out;
}

std::string engine_config(const std::string& db) {
  // No retention: the simulated clock is months behind the wall clock, and the checks read the whole feed.
  return json{{"database", db}, {"county_code", "320922"}, {"pool_size", 2}, {"feed_retention_days", 0}}
      .dump();
}

json worker_command(int worker, int round) {
  const std::string at = now_at(round);
  switch ((worker + round) % 5) {
    case 0:
    case 1:
      return pt::command("suspend", pt::kClerk, at,
                         {{"reason", "hearing"}, {"expected_working_days", 3}, {"notice", "听证告知书"}});
    case 2:
      return pt::command("resume", pt::kClerk, at);
    case 3:
      return pt::command("extend", pt::kHead, at, {{"working_days", 2}, {"reason", "需补充论证"}});
    default:
      return pt::command("accept", pt::kClerk, at);
  }
}

int run_worker(const Options& o) {
  std::vector<std::string> cases = read_lines(o.dir + "/cases");
  Log log(o.dir + "/worker-" + std::to_string(o.worker) + ".log");
  Engine engine(engine_config(o.db));
  for (int round = 0; round < o.rounds; ++round) {
    const std::string& id = cases[(o.worker * 7 + round) % cases.size()];
    json cmd = worker_command(o.worker, round);
    const std::string command_id = "w" + std::to_string(o.worker) + "-r" + std::to_string(round);
    cmd["command_id"] = command_id;
    try {
      const json c = json::parse(engine.execute(id, cmd.dump()));
      log.line("ack " + command_id + " " + id + " " + std::to_string(c["version"].get<std::int64_t>()));
    } catch (const Error& e) {
      if (e.code() == permitflow::ErrorCode::storage || e.code() == permitflow::ErrorCode::internal) {
        log.line(std::string("error ") + command_id + " " + e.what());
      } else {
        log.line(std::string("refused ") + std::string(permitflow::to_string(e.code())));
      }
    }
    try {
      for (const auto& f : json::parse(engine.run_due(now_at(round)))) {
        std::string hashes;
        for (const auto& ev : f["events"])
          hashes += (hashes.empty() ? "" : ",") + ev["hash"].get<std::string>();
        log.line("fired " + f["case"].get<std::string>() + " " + f["kind"].get<std::string>() + " " +
                 f["clock"].get<std::string>() + " " + f["due"].get<std::string>() + " " + hashes);
      }
    } catch (const Error& e) {
      log.line(std::string("error run_due ") + e.what());
    }
    log.line("round " + std::to_string(round));
  }
  return 0;
}

/// A durable feed consumer: reads after its cursor, logs each record, acknowledges the page; stops once the
/// parent has created the stop file and the consumer has caught up with the head.
int run_consumer(const Options& o) {
  const std::string name = "consumer-" + std::to_string(o.consumer);
  Log log(o.dir + "/" + name + ".log");
  Engine engine(engine_config(o.db));
  for (;;) {
    const bool stopping = std::ifstream(o.dir + "/stop").good();  // checked before reading: nothing missed
    const json page = json::parse(engine.feed(json{{"consumer", name}, {"limit", 50}}.dump()));
    for (const auto& r : page["records"]) {
      log.line("rec " + r["seq"].dump() + " " + r["case"].get<std::string>() + " " + r["version"].dump());
    }
    if (!page["records"].empty()) engine.feed_ack(name, page["records"].back()["seq"].get<std::int64_t>());
    if (page["records"].empty()) {
      if (stopping) return 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

int count_prefix(const std::vector<std::string>& lines, const std::string& prefix) {
  int n = 0;
  for (const auto& l : lines) n += l.rfind(prefix, 0) == 0;
  return n;
}

int run_parent(Options o, const char* self) {
  std::unique_ptr<pt::TestDatabase> fresh;
  if (o.db.empty()) {
    fresh = std::make_unique<pt::TestDatabase>("postgresql");
    if (!fresh->available()) {
      if (pt::postgres_required()) {
        std::cerr << "PERMITFLOW_REQUIRE_POSTGRES=1 but PERMITFLOW_TEST_POSTGRES_URL is not set\n";
        return 1;
      }
      std::cout << "skipped: set PERMITFLOW_TEST_POSTGRES_URL to run the multi-instance test\n";
      return 77;
    }
    o.db = fresh->url();
  }
  pt::TempDir dir;
  o.dir = dir.path().string();

  // The shared cases: incomplete advertising applications received on different days, so their
  // deemed-acceptance timers fall due during the run.
  std::vector<std::string> ids;
  {
    Engine setup(engine_config(o.db));
    std::ofstream out(o.dir + "/cases");
    for (int k = 0; k < o.cases; ++k) {
      const std::string at = now_at(k * 4);
      const json c = json::parse(setup.submit(pt::application("outdoor_advertising", at).dump()));
      ids.push_back(c["id"]);
      out << ids.back() << "\n";
    }
  }

  const auto started = std::chrono::steady_clock::now();
  std::vector<pid_t> pids;
  for (int w = 0; w < o.processes; ++w) {
    const pid_t pid = fork();
    if (pid < 0) {
      std::perror("fork");
      return 1;
    }
    if (pid == 0) {
      const std::string ws = std::to_string(w), rs = std::to_string(o.rounds);
      execl(self, self, "--worker", ws.c_str(), "--db", o.db.c_str(), "--rounds", rs.c_str(), "--dir",
            o.dir.c_str(), static_cast<char*>(nullptr));
      std::perror("execl");
      _exit(127);
    }
    pids.push_back(pid);
  }
  std::vector<pid_t> consumer_pids;
  for (int c = 0; c < o.consumers; ++c) {
    const pid_t pid = fork();
    if (pid < 0) {
      std::perror("fork");
      return 1;
    }
    if (pid == 0) {
      const std::string cs = std::to_string(c);
      execl(self, self, "--consumer", cs.c_str(), "--db", o.db.c_str(), "--dir", o.dir.c_str(),
            static_cast<char*>(nullptr));
      std::perror("execl");
      _exit(127);
    }
    consumer_pids.push_back(pid);
  }
  int killed_after = -1;
  if (o.kill) {
    // Kill worker 0 a third of the way through its rounds, whatever it is doing at that moment.
    const std::string log0 = o.dir + "/worker-0.log";
    while (count_prefix(read_lines(log0), "round ") < o.rounds / 3) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(pids[0], SIGKILL);
    killed_after = count_prefix(read_lines(log0), "round ");
  }
  std::vector<std::string> problems;
  for (int w = 0; w < o.processes; ++w) {
    int status = 0;
    waitpid(pids[w], &status, 0);
    const bool expect_kill = o.kill && w == 0;
    if (expect_kill ? !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
                    : !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      problems.push_back("worker " + std::to_string(w) + " ended with status " + std::to_string(status));
    }
  }
  std::ofstream(o.dir + "/stop") << "stop\n";
  for (std::size_t c = 0; c < consumer_pids.size(); ++c) {
    int status = 0;
    waitpid(consumer_pids[c], &status, 0);
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
      problems.push_back("consumer " + std::to_string(c) + " ended with status " + std::to_string(status));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // What the processes saw.
  int acked = 0, refused = 0, errors = 0, fired = 0;
  std::map<std::string, std::string> acks;                       // command id -> case
  std::map<std::string, std::vector<std::string>> fired_hashes;  // "case kind clock due" -> event hashes
  for (int w = 0; w < o.processes; ++w) {
    for (const auto& l : read_lines(o.dir + "/worker-" + std::to_string(w) + ".log")) {
      std::istringstream in(l);
      std::string kind;
      in >> kind;
      if (kind == "ack") {
        std::string cid, cs;
        in >> cid >> cs;
        acks[cid] = cs;
        ++acked;
      } else if (kind == "refused") {
        ++refused;
      } else if (kind == "error") {
        ++errors;
        problems.push_back("worker " + std::to_string(w) + ": " + l);
      } else if (kind == "fired") {
        std::string cs, k, clock, due, hashes;
        in >> cs >> k >> clock >> due >> hashes;
        const std::string key = cs + " " + k + " " + clock + " " + due;
        if (fired_hashes.count(key)) problems.push_back("timer fired twice: " + key);
        std::vector<std::string> hs;
        std::istringstream hin(hashes);
        for (std::string h; std::getline(hin, h, ',');) hs.push_back(h);
        fired_hashes[key] = hs;
        ++fired;
      }
    }
  }

  Engine check(engine_config(o.db));
  std::map<std::string, std::set<std::string>> history_hashes;
  for (const auto& id : ids) {
    const json h = json::parse(check.history(id));
    int deemed = 0;
    for (const auto& ev : h) {
      history_hashes[id].insert(ev["hash"].get<std::string>());
      deemed += ev["type"] == "acceptance_deemed";
    }
    if (deemed > 1) problems.push_back(id + " was deemed accepted " + std::to_string(deemed) + " times");
    if (json::parse(check.get_case(id))["version"].get<std::size_t>() != h.size()) {
      problems.push_back(id + ": version and log length differ");
    }
  }
  for (const auto& [key, hashes] : fired_hashes) {
    const std::string cs = key.substr(0, key.find(' '));
    for (const auto& h : hashes) {
      if (!history_hashes[cs].count(h)) problems.push_back("a reported firing is not in the log: " + key);
    }
  }
  auto store = permitflow::store::open_store([&] {
    permitflow::store::StoreConfig c;
    c.database = o.db;
    return c;
  }());
  {
    auto tx = store->begin_write();  // rolled back: only looks
    for (const auto& [cid, cs] : acks) {
      // Command ids are kept per actor (docs/log_format.md): "<role>:<length of id>:<id>:<command_id>", the
      // actor being the one worker_command gave that worker's round ("w<worker>-r<round>").
      const int w = std::stoi(cid.substr(1, cid.find('-') - 1));
      const int r = std::stoi(cid.substr(cid.find("-r") + 2));
      const json actor = worker_command(w, r)["actor"];
      const std::string who = actor["id"].get<std::string>();
      const std::string key =
          actor["role"].get<std::string>() + ":" + std::to_string(who.size()) + ":" + who + ":" + cid;
      if (tx->find_command(key) != cs) problems.push_back("acknowledged command " + cid + " is not stored");
    }
    const auto left = tx->claim_due_timers(Instant::parse_rfc3339(now_at(o.rounds - 1)).epoch_seconds(), 0);
    for (const auto& t : left) {
      problems.push_back("timer left pending: " + t.case_id + " " + t.kind + " " + t.clock);
    }
  }
  const json v = json::parse(check.verify());
  if (!v["ok"].get<bool>()) problems.push_back("verify: " + v.dump());

  // The feed: gap-free, one record per event, in the ledger's commit order; each consumer saw all of it.
  std::vector<std::string> feed;  // "case version" by seq - 1
  std::vector<std::string> feed_hashes;
  for (json request = {{"after", 0}, {"limit", 1000}};;) {
    const json page = json::parse(check.feed(request.dump()));
    for (const auto& r : page["records"]) {
      if (r["seq"].get<std::size_t>() != feed.size() + 1)
        problems.push_back("feed record " + r["seq"].dump() + " after " + std::to_string(feed.size()));
      feed.push_back(r["case"].get<std::string>() + " " + r["version"].dump());
      feed_hashes.push_back(r["event"]["hash"].get<std::string>());
    }
    if (page["next"] == page["head"]) break;
    request["after"] = page["next"];
  }
  if (static_cast<long long>(feed.size()) != v["events_checked"].get<long long>())
    problems.push_back(std::to_string(feed.size()) + " feed records for " + v["events_checked"].dump() +
                       " events");
  {
    std::vector<std::string> ledger_order;
    for (const auto& [seq, hash] : store->begin_read()->ledger_event_hashes()) ledger_order.push_back(hash);
    if (ledger_order != feed_hashes) problems.push_back("the feed's order is not the ledger's commit order");
  }
  for (int c = 0; c < o.consumers; ++c) {
    std::size_t expected = 1;
    bool complete = true;
    for (const auto& l : read_lines(o.dir + "/consumer-" + std::to_string(c) + ".log")) {
      std::istringstream in(l);
      std::string tag, cs, version;
      std::size_t seq = 0;
      in >> tag >> seq >> cs >> version;
      if (seq != expected || seq > feed.size() || feed[seq - 1] != cs + " " + version) {
        problems.push_back("consumer " + std::to_string(c) + " read record " + std::to_string(seq) +
                           " where " + std::to_string(expected) + " was due");
        complete = false;
        break;
      }
      ++expected;
    }
    if (complete && expected != feed.size() + 1)
      problems.push_back("consumer " + std::to_string(c) + " read " + std::to_string(expected - 1) + " of " +
                         std::to_string(feed.size()) + " records");
  }

  std::cout << "multi-instance" << (o.kill ? " (kill)" : "") << ": processes=" << o.processes
            << " rounds=" << o.rounds << " cases=" << o.cases << " seconds=" << seconds << " acked=" << acked
            << " refused=" << refused << " errors=" << errors << " timers_fired=" << fired
            << " verify=" << (v["ok"].get<bool>() ? "ok" : "FAILED") << " events=" << v["events_checked"]
            << " feed_records=" << feed.size() << " consumers=" << o.consumers;
  if (o.kill) std::cout << " killed_worker0_after_round=" << killed_after;
  std::cout << "\n";
  if (acked == 0 || fired == 0)
    problems.push_back("the run exercised nothing (no acked command or no firing)");
  for (const auto& p : problems) std::cerr << "PROBLEM: " << p << "\n";
  return problems.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--db")
      o.db = value();
    else if (a == "--processes")
      o.processes = std::stoi(value());
    else if (a == "--rounds")
      o.rounds = std::stoi(value());
    else if (a == "--cases")
      o.cases = std::stoi(value());
    else if (a == "--kill")
      o.kill = true;
    else if (a == "--worker")
      o.worker = std::stoi(value());
    else if (a == "--consumers")
      o.consumers = std::stoi(value());
    else if (a == "--consumer")
      o.consumer = std::stoi(value());
    else if (a == "--dir")
      o.dir = value();
    else {
      std::cerr << "usage: permitflow_multi_instance [--db URL] [--processes N] [--rounds N] [--cases N] "
                   "[--kill] [--consumers N]\n";
      return 2;
    }
  }
  if (o.processes < 1 || o.rounds < 3 || o.cases < 1) {
    std::cerr << "processes >= 1, rounds >= 3 and cases >= 1, please\n";
    return 2;
  }
  try {
    if (o.worker >= 0) return run_worker(o);
    if (o.consumer >= 0) return run_consumer(o);
    return run_parent(o, "/proc/self/exe");
  } catch (const std::exception& e) {
    std::cerr << "multi-instance: " << e.what() << "\n";
    return 1;
  }
}
