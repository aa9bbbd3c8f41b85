#include "cli/commands/size_option.h"

#include <charconv>

namespace segkit::cli {

bool parse_size(std::string_view text, int& height, int& width) {
  const size_t x = text.find_first_of("xX");
  if (x == std::string_view::npos) return false;
  auto parse = [](std::string_view part, int& value) {
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    return error == std::errc() && end == part.data() + part.size() && value > 0;
  };
  return parse(text.substr(0, x), height) && parse(text.substr(x + 1), width);
}

CLI::Validator size_validator() {
  return CLI::Validator(
      [](std::string& value) {
        int height = 0, width = 0;
        return parse_size(value, height, width)
                   ? std::string()
                   : "size '" + value + "' is not HxW: height x width in pixels, e.g. 256x1600";
      },
      "HxW");
}

}  // namespace segkit::cli
