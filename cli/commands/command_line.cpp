// The process's own argv, kept for commands that start copies of the program (train --nproc).

#include "cli/commands/commands.h"

namespace segkit::cli {
namespace {

std::vector<std::string>& command_line_storage() {
  static std::vector<std::string> arguments;
  return arguments;
}

}  // namespace

void set_command_line(std::vector<std::string> arguments) { command_line_storage() = std::move(arguments); }

const std::vector<std::string>& command_line() { return command_line_storage(); }

}  // namespace segkit::cli
