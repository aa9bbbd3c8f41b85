#include "segkit/core/paths.h"

#include <algorithm>

#include "segkit/core/error.h"

namespace segkit {

std::filesystem::path path_under(const std::filesystem::path& root, const std::string& relative,
                                 const std::string& what, const std::filesystem::path& base) {
  const std::filesystem::path path(relative);
  // Absolute first, so that "." or "" as the root compare like any other folder.
  const auto inside = (std::filesystem::absolute(root) / "").lexically_normal();
  const auto joined = (std::filesystem::absolute(base.empty() ? root : base) / path).lexically_normal();
  // Inside when root's components are a prefix of the result's (and something follows them).
  const auto root_parts = std::distance(inside.begin(), inside.end());
  const auto joined_parts = std::distance(joined.begin(), joined.end());
  bool escapes = relative.empty() || path.is_absolute() || path.has_root_name() || path.has_root_directory() ||
                 joined_parts < root_parts;
  if (!escapes) {
    auto a = inside.begin();
    auto b = joined.begin();
    for (; a != inside.end(); ++a, ++b) {
      if (a->empty()) continue;  // the trailing "" of "root/"
      if (*a != *b) escapes = true;
    }
    escapes = escapes || joined.filename().empty();
  }
  if (escapes) {
    throw DataError(what + ": '" + relative + "' is not a file inside " + root.string() +
                    " (absolute paths and '..' leaving the dataset folder are refused)");
  }
  return (base.empty() ? root : base) / path;
}

}  // namespace segkit
