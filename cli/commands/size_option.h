#pragma once
// The "HxW" size argument several subcommands take (rle decode, prepare, synth).

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>

namespace segkit::cli {

/// "HxW" (height x width in pixels, e.g. 256x1600) into positive ints; false when malformed.
bool parse_size(std::string_view text, int& height, int& width);

/// A CLI11 check that names the expected form when a value is not HxW.
CLI::Validator size_validator();

}  // namespace segkit::cli
