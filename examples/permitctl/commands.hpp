// permitctl's subcommand groups; each lives in its own file and registers itself on the CLI11 app.
#pragma once

#include <functional>
#include <string>

namespace CLI {
class App;
}

#include <string>

namespace permitctl {

/// The engine options every subcommand that opens an engine honours (given before the subcommand):
/// --definitions-dir DIR (or PERMITFLOW_DEFINITIONS_DIR) and --county-code CODE (or PERMITFLOW_COUNTY_CODE).
struct HostOptions {
  std::string definitions_dir;
  std::string county_code;
};
HostOptions& host_options();
/// `config_json` (an engine config) with the host options added when given.
std::string with_host_options(const std::string& config_json);
/// `permitctl definitions` (case_commands.cpp) and the host options above, registered on the app.
void add_host_options(CLI::App& app);

/// `permitctl calendar add|between|is-working` (calendar_command.cpp).
void add_calendar_commands(CLI::App& app);
/// `permitctl precheck|submit|execute|show|history|query|due|report|verify` (case_commands.cpp).
void add_case_commands(CLI::App& app);
/// `permitctl demo` (demo_command.cpp).
void add_demo_command(CLI::App& app);
/// `permitctl feed [ack]` (feed_command.cpp).
void add_feed_commands(CLI::App& app);

/// The engine config of the global --db option (case_commands.cpp); throws Error(invalid_argument) without
/// one.
std::string engine_config();
/// Runs `f`; an Error is printed as "permitctl: <code>: <message>" and exits with its status code.
void guarded(const std::function<void()>& f);

/// Exit codes follow the C API status codes: 0 ok, 1 invalid argument, 2 not found, … 8 internal.
/// Usage errors exit 64.
}  // namespace permitctl
