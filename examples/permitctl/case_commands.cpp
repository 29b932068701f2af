// Placeholder until this command group lands; registers nothing.
#include "commands.hpp"

namespace permitctl {
void add_case_commands(CLI::App&) {}
}  // namespace permitctl
