// permitctl: the clerk's and applicant's command line over permitflow.
#include <CLI/CLI.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"permitctl — permit approvals on legal working-day clocks"};
  app.require_subcommand(1);
  permitctl::add_calendar_commands(app);
  permitctl::add_case_commands(app);
  permitctl::add_demo_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
