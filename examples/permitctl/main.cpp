// permitctl: the clerk's and applicant's command line over permitflow.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"permitctl — permit approvals on legal working-day clocks"};
  app.require_subcommand(1);
  permitctl::add_host_options(app);
  permitctl::add_calendar_commands(app);
  permitctl::add_case_commands(app);
  permitctl::add_demo_command(app);
  permitctl::add_feed_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help
    return app.exit(e);
  } catch (const CLI::RuntimeError& e) {  // a command already printed its error; e carries the status code
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Usage mistakes follow the same convention as every other error: one line, PF_INVALID_ARGUMENT (1),
    // rather than CLI11's own exit codes (106 for a missing subcommand) that a script cannot map.
    std::cerr << "permitctl: " << e.what() << " (run with --help)\n";
    return 1;
  }
  return 0;
}
