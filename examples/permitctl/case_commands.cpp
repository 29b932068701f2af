// permitctl's case commands: each mirrors a function of the C API, reads JSON from a file or standard
// input, prints JSON, and exits with the status code of the C API (0 ok, 1 invalid argument, … 8 internal).
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "permitflow/engine.hpp"

namespace permitctl {
namespace {

using nlohmann::json;

struct Options {
  std::string db;
  std::string input = "-";
  std::string case_id;
  std::string now;
  std::string week;
  bool csv = false;
  std::string date;
  int n = 0;
};

Options& options() {
  static Options o;
  return o;
}

std::string read_input(const std::string& path) {
  std::stringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw permitflow::Error(permitflow::ErrorCode::invalid_argument, "cannot read '" + path + "'");
    ss << f.rdbuf();
  }
  return ss.str();
}

std::string config() {
  const Options& o = options();
  if (o.db.empty()) {
    throw permitflow::Error(permitflow::ErrorCode::invalid_argument,
                            "no database: give --db FILE (or set PERMITFLOW_DB)");
  }
  return with_host_options(json{{"database", o.db}}.dump());
}

/// Runs one engine call, prints its JSON answer, and turns an Error into the matching exit code.
void run(const std::function<std::string(permitflow::Engine&)>& call) {
  guarded([&] {
    permitflow::Engine engine(config());
    std::cout << json::parse(call(engine)).dump(2) << "\n";
  });
}

}  // namespace

void guarded(const std::function<void()>& f) {
  int code = 0;
  try {
    f();
  } catch (const permitflow::Error& e) {
    std::cerr << "permitctl: " << to_string(e.code()) << ": " << e.what() << "\n";
    code = static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "permitctl: internal: " << e.what() << "\n";
    code = 8;
  }
  if (code != 0) throw CLI::RuntimeError(code);
}

std::string engine_config() { return config(); }

HostOptions& host_options() {
  static HostOptions h;
  return h;
}

std::string with_host_options(const std::string& config_json) {
  json cfg = json::parse(config_json);
  const HostOptions& h = host_options();
  if (!h.definitions_dir.empty()) cfg["definitions_dir"] = h.definitions_dir;
  if (!h.county_code.empty()) cfg["county_code"] = h.county_code;
  return cfg.dump();
}

void add_host_options(CLI::App& app) {
  HostOptions& h = host_options();
  if (const char* env = std::getenv("PERMITFLOW_DEFINITIONS_DIR")) h.definitions_dir = env;
  if (const char* env = std::getenv("PERMITFLOW_COUNTY_CODE")) h.county_code = env;
  app.add_option("--definitions-dir", h.definitions_dir,
                 "a folder of the county's permit definitions (*.json, docs/definitions.md); or "
                 "PERMITFLOW_DEFINITIONS_DIR");
  app.add_option("--county-code", h.county_code,
                 "the county's 6-digit GB/T 2260 code, used in case numbers; or PERMITFLOW_COUNTY_CODE");
}

void add_case_commands(CLI::App& app) {
  Options& o = options();
  if (const char* env = std::getenv("PERMITFLOW_DB")) o.db = env;
  app.add_option("--db", o.db,
                 "SQLite database file (created when missing) or postgresql:// URL; or PERMITFLOW_DB");

  auto input_arg = [&o](CLI::App* sub, const std::string& what) {
    sub->add_option("input", o.input, what + " as JSON: a file, or - for standard input")
        ->capture_default_str();
  };
  auto* precheck =
      app.add_subcommand("precheck", "The one-time notice an application would get (creates nothing)");
  input_arg(precheck, "the application");
  precheck->callback([&o] { run([&](auto& e) { return e.precheck(read_input(o.input)); }); });

  auto* submit = app.add_subcommand("submit", "Receive an application (收件) and print the new case");
  input_arg(submit, "the application");
  submit->callback([&o] { run([&](auto& e) { return e.submit(read_input(o.input)); }); });

  auto* execute = app.add_subcommand("execute", "Run a command on a case and print the case after it");
  execute->add_option("case", o.case_id, "case id")->required();
  input_arg(execute, "the command");
  execute->callback([&o] { run([&](auto& e) { return e.execute(o.case_id, read_input(o.input)); }); });

  auto* show = app.add_subcommand("show", "Print a case");
  show->add_option("case", o.case_id, "case id")->required();
  show->callback([&o] { run([&](auto& e) { return e.get_case(o.case_id); }); });

  auto* history = app.add_subcommand("history", "Print a case's events with their hashes");
  history->add_option("case", o.case_id, "case id")->required();
  history->callback([&o] { run([&](auto& e) { return e.history(o.case_id); }); });

  auto* query = app.add_subcommand("query", "Query cases (filters as JSON, docs/contract.md)");
  o.input = "-";
  input_arg(query, "the query");
  query->callback([&o] { run([&](auto& e) { return e.query(read_input(o.input)); }); });

  auto* due = app.add_subcommand("due", "Fire every timer due by now (or --now) and print what fired");
  due->add_option("--now", o.now, "RFC 3339 time, e.g. 2026-10-11T00:00:00+08:00 (default: the clock)");
  due->callback([&o] {
    run([&](auto& e) {
      if (o.now.empty()) {
        const auto secs = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
        o.now = permitflow::Instant::from_epoch_seconds(secs).to_rfc3339(480);
      }
      return e.run_due(o.now);
    });
  });

  static std::string on_date;
  auto* definitions =
      app.add_subcommand("definitions", "The definitions the engine loads, with hashes and effective dates");
  definitions->add_option("--date", on_date,
                          "which version is in effect on this day, YYYY-MM-DD (default today)");
  definitions->callback([] { run([&](auto& e) { return e.definitions(on_date); }); });

  auto* report = app.add_subcommand("report", "The weekly supervision report (督查周报)");
  report->add_option("--week", o.week, "any date of the week, YYYY-MM-DD")->required();
  report->add_flag("--csv", o.csv, "CSV instead of JSON");
  report->callback([&o] {
    int code = 0;
    try {
      permitflow::Engine engine(config());
      const json r =
          json::parse(engine.report(json{{"week", o.week}, {"format", o.csv ? "csv" : "json"}}.dump()));
      if (o.csv) {
        std::cout << r.at("csv").get<std::string>();
      } else {
        std::cout << r.dump(2) << "\n";
      }
    } catch (const permitflow::Error& e) {
      std::cerr << "permitctl: " << to_string(e.code()) << ": " << e.what() << "\n";
      code = static_cast<int>(e.code());
    }
    if (code != 0) throw CLI::RuntimeError(code);
  });

  auto* verify = app.add_subcommand("verify", "Check every hash chain and projection");
  static std::string documents_dir;
  verify->add_option("--documents-dir", documents_dir,
                     "also check every document a case names in this folder (the portal's <db>.documents)");
  verify->callback([] {
    run([](auto& e) {
      const std::string out =
          documents_dir.empty() ? e.verify() : e.verify(json{{"documents_dir", documents_dir}}.dump());
      if (!json::parse(out).at("ok").get<bool>()) std::cerr << "permitctl: verify found problems\n";
      return out;
    });
  });
}

}  // namespace permitctl
