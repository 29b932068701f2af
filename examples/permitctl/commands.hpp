// permitctl's subcommand groups; each lives in its own file and registers itself on the CLI11 app.
#pragma once

namespace CLI {
class App;
}

namespace permitctl {

/// `permitctl calendar add|between|is-working` (calendar_command.cpp).
void add_calendar_commands(CLI::App& app);
/// `permitctl precheck|submit|execute|show|history|query|due|report|verify` (case_commands.cpp).
void add_case_commands(CLI::App& app);
/// `permitctl demo` (demo_command.cpp).
void add_demo_command(CLI::App& app);

/// Exit codes follow the C API status codes: 0 ok, 1 invalid argument, 2 not found, … 8 internal.
/// Usage errors exit 64.
}  // namespace permitctl
