// portal: the one-stop window's HTTP API and browser UI over permitflow (docs/portal.md).
//   portal --db FILE --users FILE [--tls-cert F --tls-key F] [--port N] [--seed-demo] [--clock RFC3339]
//   [--definitions-dir DIR] portal --db FILE --demo            (built-in demo users, 127.0.0.1 only) portal
//   users add|passwd|disable --file FILE --login NAME ...   (the users file; passwords on stdin)
#include <pthread.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <termios.h>
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
#include "server.hpp"

using nlohmann::json;

namespace {

/// A password from standard input: one line, typed without echo on a terminal.
std::string read_password(const char* prompt) {
  const bool tty = isatty(STDIN_FILENO);
  termios saved{};
  if (tty) {
    std::cerr << prompt << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.size() < 10) throw std::runtime_error("the password must have at least 10 characters");
  return line;
}

bool loopback(const std::string& host) { return host == "127.0.0.1" || host == "::1"; }

/// `portal users add|passwd|disable`: edits the users file (created 0600; an existing one must be 0600).
int users_command(CLI::App& users, const std::string& file, portal::User& fields, bool& admin) {
  portal::Users all;
  const bool exists = access(file.c_str(), F_OK) == 0;
  if (exists) all = portal::Users::load(file);
  if (users.got_subcommand("add")) {
    fields.admin = admin;
    if (fields.name.empty()) fields.name = fields.id;
    fields.password_hash = portal::hash_password(read_password("password: "));
    all.add(fields);
    all.save(file);
    std::cerr << "portal: added '" << fields.login << "' to " << file << "\n";
    return 0;
  }
  portal::User* u = exists ? all.find(fields.login) : nullptr;
  if (!u) throw std::runtime_error("no user '" + fields.login + "' in " + file);
  if (users.got_subcommand("passwd")) {
    u->password_hash = portal::hash_password(read_password("new password: "));
    u->disabled = false;
  } else {
    u->disabled = true;
  }
  all.save(file);
  std::cerr << "portal: updated '" << fields.login << "' in " << file
            << " (a running portal reads it again within a second)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"portal — the one-stop window's HTTP API and browser UI over permitflow"};
  app.require_subcommand(0, 1);
  std::string db, users_file, clock_at, host = "127.0.0.1", county = "320922", tls_cert, tls_key,
                                        definitions_dir, documents_dir;
  std::size_t max_document_bytes = 20u << 20;
  double upload_timeout = 300;
  int port = 8080, offset = 480, due_seconds = 60, threads = 4;
  std::size_t max_body = 1 << 20, max_connections = 256;
  long session_idle = 30 * 60, session_lifetime = 12 * 60 * 60;
  double request_timeout = 10, connection_lifetime = 120;
  bool seed = false, demo = false, plain_http = false, secure_cookies = false;
  app.add_option("--db", db, "the database (SQLite file, or postgresql://…)");
  app.add_option("--port", port, "the TCP port (0: any free port, printed on start)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--host", host, "the IP address to listen on (default 127.0.0.1)");
  app.add_option("--users,--config", users_file, "the users file (docs/security.md); mode 0600")
      ->check(CLI::ExistingFile);
  app.add_flag("--demo", demo, "the built-in demo users with the demo password (127.0.0.1 only)");
  app.add_option("--tls-cert", tls_cert, "PEM certificate chain: serve HTTPS")->check(CLI::ExistingFile);
  app.add_option("--tls-key", tls_key, "PEM private key of --tls-cert")->check(CLI::ExistingFile);
  app.add_flag("--insecure-http", plain_http,
               "allow plain HTTP on an address other than 127.0.0.1 (only behind a TLS reverse proxy)");
  app.add_flag("--secure-cookies", secure_cookies, "mark the session cookie Secure without TLS here (proxy)");
  app.add_option("--session-idle", session_idle, "seconds a session lives without requests (default 1800)")
      ->check(CLI::Range(1L, 7L * 86400));
  app.add_option("--session-lifetime", session_lifetime, "seconds a session lives at most (default 43200)")
      ->check(CLI::Range(1L, 30L * 86400));
  app.add_option("--request-timeout", request_timeout,
                 "seconds a client has to send one request's header and body (default 10)")
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("--connection-lifetime", connection_lifetime, "seconds a connection stays open at most")
      ->check(CLI::Range(1.0, 86400.0));
  app.add_option("--max-connections", max_connections, "open connections at most (default 256)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  app.add_option("--threads", threads, "threads serving requests (default 4)")->check(CLI::Range(1, 64));
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
  app.add_option("--definitions-dir", definitions_dir,
                 "a folder of the county's permit definitions (*.json, docs/definitions.md)");
  app.add_option("--max-body", max_body, "the largest request body in bytes");
  app.add_option("--documents-dir", documents_dir,
                 "the folder of uploaded documents (default: beside a SQLite database, <db>.documents; "
                 "with PostgreSQL a folder shared by every instance, docs/deployment.md)");
  app.add_option("--max-document-bytes", max_document_bytes,
                 "the largest uploaded document unless its material sets max_upload_mib (default 20 MiB)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 32));
  app.add_option("--upload-timeout", upload_timeout,
                 "seconds a client has to send one document (default 300)")
      ->check(CLI::Range(1.0, 86400.0));

  auto* users = app.add_subcommand("users", "edit the users file (passwords are read from standard input)");
  users->require_subcommand(1);
  std::string file;
  portal::User fields;
  bool admin = false;
  users->add_option("--file", file, "the users file (created with mode 0600)")->required();
  auto* add = users->add_subcommand("add", "add a user and set its password");
  add->add_option("--login", fields.login, "the sign-in name")->required();
  add->add_option("--id", fields.id, "the actor id the engine sees (an applicant: its company's id)")
      ->required();
  add->add_option("--role", fields.role,
                  "applicant, clerk, reviewer, head, supervisor, reporter, dispatcher, "
                  "handler or leader")
      ->required();
  add->add_option("--department", fields.department, "a reviewer's department");
  add->add_option("--unit", fields.unit, "a handler's unit");
  add->add_option("--name", fields.name, "the name shown (an applicant's or reporter's registered name)");
  add->add_flag("--admin", admin, "may run due timers by hand");
  users->add_subcommand("passwd", "set a user's password (and enable it)")
      ->add_option("--login", fields.login, "the sign-in name")
      ->required();
  users->add_subcommand("disable", "stop a user from signing in")
      ->add_option("--login", fields.login, "the sign-in name")
      ->required();
  CLI11_PARSE(app, argc, argv);

  if (users->parsed()) {
    try {
      return users_command(*users, file, fields, admin);
    } catch (const std::exception& e) {
      std::cerr << "portal: " << e.what() << "\n";
      return 1;
    }
  }
  auto refuse = [](const std::string& why) {
    std::cerr << "portal: " << why << "\n";
    return 2;
  };
  if (db.empty()) return refuse("--db is required");
  if (users_file.empty() && !demo)
    return refuse(
        "no users file: give --users FILE (docs/security.md), or --demo for the built-in demo users");
  if (!users_file.empty() && demo) return refuse("--demo and --users exclude each other");
  if (demo && host != "127.0.0.1") return refuse("--demo serves on 127.0.0.1 only");
  if (tls_cert.empty() && !loopback(host) && !plain_http)
    return refuse("plain HTTP on " + host +
                  ": give --tls-cert and --tls-key, or --insecure-http behind a TLS "
                  "reverse proxy");

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
    portal::Users known = demo ? portal::Users::demo() : portal::Users::load(users_file);
    if (demo) std::cerr << "portal: DEMO MODE: built-in demo users with the published demo password\n";
    portal::Clock clock =
        clock_at.empty() ? portal::Clock() : portal::Clock(permitflow::Instant::parse_rfc3339(clock_at));

    json engine_config = {{"database", db}, {"utc_offset_minutes", offset}, {"county_code", county}};
    if (!definitions_dir.empty()) engine_config["definitions_dir"] = definitions_dir;
    permitflow::Engine engine(engine_config.dump());
    if (seed) {
      const json existing = json::parse(engine.query(R"({"limit": 1})"));
      if (!existing["cases"].empty()) {
        std::cerr << "portal: --seed-demo: the database already holds cases; not seeding\n";
      } else {
        const json made =
            permitflow::demo::seed(engine, clock.now().local_date(offset), clock.now().to_rfc3339(offset));
        std::cerr << "portal: seeded " << made.size() << " demo cases\n";
      }
    }
    // On the real clock a background thread fires due timers; a fixed clock only moves by request.
    if (!clock.fixed()) engine.start_scheduler(std::chrono::seconds(due_seconds));

    portal::PortalOptions options;
    options.demo = demo;
    options.users_file = demo ? "" : users_file;
    options.secure_cookies = secure_cookies;
    options.sessions.idle = std::chrono::seconds(session_idle);
    options.sessions.lifetime = std::chrono::seconds(session_lifetime);
    // Documents live beside a SQLite database; several instances on PostgreSQL need a shared folder named.
    const bool postgres = db.rfind("postgres://", 0) == 0 || db.rfind("postgresql://", 0) == 0;
    options.documents_dir = !documents_dir.empty() ? documents_dir : postgres ? "" : db + ".documents";
    options.max_document_bytes = max_document_bytes;
    options.upload_timeout = std::chrono::seconds(static_cast<long>(upload_timeout));
    if (options.documents_dir.empty())
      std::cerr << "portal: no --documents-dir: document uploads are refused (docs/deployment.md)\n";
    portal::Portal routes(engine, std::move(known), clock, offset, options);

    portal::ServerOptions so;
    so.host = host;
    so.port = port;
    so.tls_cert = tls_cert;
    so.tls_key = tls_key;
    so.max_body_bytes = max_body;
    // The largest a definition may allow one material (max_upload_mib), or the default if larger.
    so.max_upload_bytes = std::max<std::size_t>(max_document_bytes, std::size_t{512} << 20);
    so.max_connections = max_connections;
    so.threads = threads;
    so.request_timeout = std::chrono::milliseconds(static_cast<long>(request_timeout * 1000));
    so.connection_lifetime = std::chrono::milliseconds(static_cast<long>(connection_lifetime * 1000));
    portal::Server server(
        so, [&routes](portal::Request& req, portal::Response& res) { routes.handle(req, res); },
        [&routes](const portal::Request& head) { return routes.plan(head); });
    const std::string where =
        (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(server.port());
    std::cout << "portal: listening on " << (server.tls() ? "https://" : "http://") << where << "/"
              << std::endl;

    std::thread stopper([&server, signals] {
      int sig = 0;
      sigwait(&signals, &sig);
      server.stop();
    });
    server.run();
    stopper.join();
    engine.stop_scheduler();
    std::cout << "portal: stopped" << std::endl;
    return 0;
  } catch (const permitflow::Error& e) {
    std::cerr << "portal: " << to_string(e.code()) << ": " << e.what() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "portal: " << e.what() << "\n";
    return 1;
  }
}
