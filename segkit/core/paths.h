#pragma once
// File names that come from data files (CSV image ids, LabelMe imagePath) are joined only when the
// result stays inside the dataset folder: no absolute path, and no `..` that climbs out of it. A
// CSV row cannot make segkit read /etc/passwd or another user's files.

#include <filesystem>
#include <string>

namespace segkit {

/// (base / relative), normalised. Throws DataError naming `what` (e.g. "train.csv line 12") when
/// `relative` is empty or absolute, or the result is not inside `root` (base defaults to root).
std::filesystem::path path_under(const std::filesystem::path& root, const std::string& relative,
                                 const std::string& what, const std::filesystem::path& base = {});

}  // namespace segkit
