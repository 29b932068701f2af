// permitctl's subcommand groups; each lives in its own file and registers itself on the CLI11 app.
#pragma once

#include <functional>
#include <string>

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
