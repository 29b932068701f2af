// portal: the one-stop window's HTTP API and browser UI over permitflow (docs/portal.md).
//   portal --db FILE --port N [--config FILE] [--seed-demo] [--clock RFC3339]
#include <pthread.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "demo_cases.hpp"
#include "portal.hpp"

using nlohmann::json;

int main(int argc, char** argv) {
  CLI::App app{"portal — the one-stop window's HTTP API and browser UI over permitflow"};
  std::string db, config, clock_at, host = "127.0.0.1", county = "320922";
  int port = 8080, offset = 480, due_seconds = 60;
  std::size_t max_body = 1 << 20;
  bool seed = false;
  app.add_option("--db", db, "the database (SQLite file, or postgresql://…)")->required();
  app.add_option("--port", port, "the TCP port (0: any free port, printed on start)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--host", host, "the address to listen on");
  app.add_option("--config", config, "the users file (tokens → actors); default: the built-in demo users")
      ->check(CLI::ExistingFile);
  app.add_flag("--seed-demo", seed, "fill a fresh database with demo cases of every permit in every state");
  app.add_option(
      "--clock", clock_at,
      "run on a fixed clock starting at this RFC 3339 time (tests, demonstrations); admins move it "
      "with POST /api/run-due {\"now\"}");
  app.add_option("--utc-offset-minutes", offset, "the bureau's zone")->check(CLI::Range(-720, 840));
  app.add_option("--due-interval", due_seconds, "seconds between background run_due calls (real clock)")
      ->check(CLI::Range(1, 86400));
  app.add_option("--county-code", county,
                 "the county's administrative division code, first part of case ids");
  app.add_option("--max-body", max_body, "the largest request body in bytes");
  CLI11_PARSE(app, argc, argv);

  // SIGINT and SIGTERM are handled by one thread (sigwait) that stops the server; blocked before any
  // other thread starts so they all inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto access =
      std::make_shared<spdlog::logger>("portal.access", std::make_shared<spdlog::sinks::stdout_sink_mt>());
  access->set_pattern("%Y-%m-%dT%H:%M:%S%z access %v");
  access->flush_on(spdlog::level::info);
  spdlog::register_logger(access);

  try {
    portal::Users users = portal::Users::demo();
    if (!config.empty()) {
      std::ifstream in(config);
      std::stringstream text;
      text << in.rdbuf();
      users = portal::Users::from_json(text.str(), config);
    } else {
      std::cerr << "portal: no --config: using the built-in demo users (tokens demo-clerk, demo-head, …)\n";
    }
    portal::Clock clock =
        clock_at.empty() ? portal::Clock() : portal::Clock(permitflow::Instant::parse_rfc3339(clock_at));

    permitflow::Engine engine(
        json{{"database", db}, {"utc_offset_minutes", offset}, {"county_code", county}}.dump());
    if (seed) {
      const json existing = json::parse(engine.query(R"({"limit": 1})"));
      if (!existing["cases"].empty()) {
        std::cerr << "portal: --seed-demo: '" << db << "' already holds cases; not seeding\n";
      } else {
        const json made =
            permitflow::demo::seed(engine, clock.now().local_date(offset), clock.now().to_rfc3339(offset));
        std::cerr << "portal: seeded " << made.size() << " demo cases\n";
      }
    }
    // On the real clock a background thread fires due timers; a fixed clock only moves by request.
    if (!clock.fixed()) engine.start_scheduler(std::chrono::seconds(due_seconds));

    portal::Limits limits;
    limits.max_body_bytes = max_body;
    portal::Portal server(engine, std::move(users), clock, offset, limits);
    auto& http = server.server();
    const int bound = port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
    if (bound < 0) {
      std::cerr << "portal: cannot listen on " << host << ":" << port << "\n";
      return 1;
    }
    std::cout << "portal: listening on http://" << host << ":" << bound << "/" << std::endl;

    std::atomic<bool> signalled = false;
    std::thread stopper([&http, &signalled, signals] {
      int sig = 0;
      sigwait(&signals, &sig);
      signalled = true;
      http.stop();
    });
    const bool ok = http.listen_after_bind();
    // listen also returns when it fails; then wake the signal thread ourselves.
    if (!signalled) kill(getpid(), SIGTERM);
    stopper.join();
    engine.stop_scheduler();
    std::cout << "portal: stopped" << std::endl;
    return ok ? 0 : 1;
  } catch (const permitflow::Error& e) {
    std::cerr << "portal: " << to_string(e.code()) << ": " << e.what() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "portal: " << e.what() << "\n";
    return 1;
  }
}
