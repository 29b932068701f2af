// Placeholder until this command group lands; registers nothing.
#include "commands.hpp"

namespace permitctl {
void add_demo_command(CLI::App&) {}
}  // namespace permitctl
