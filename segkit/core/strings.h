#pragma once
// Small string helpers shared by error messages across rooms.

#include <string>
#include <string_view>
#include <vector>

namespace segkit {

/// Levenshtein distance (insertions, deletions, substitutions each cost 1).
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, or "" when none is close enough to be a plausible typo
/// (distance at most max(2, |word|/3)).
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// "; did you mean 'x'?" for the closest candidate, or "" when none is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

std::string join(const std::vector<std::string>& parts, std::string_view separator);

std::vector<std::string> split(std::string_view text, char separator);

/// Strips ASCII whitespace at both ends.
std::string_view trim(std::string_view text);

/// C++20's std::string_view::starts_with / ends_with, for C++17 builds.
/// Offset of the first byte that is not part of well-formed UTF-8 (overlongs, surrogates and code
/// points past U+10FFFF are ill-formed), or npos.
size_t first_invalid_utf8(std::string_view text);

bool starts_with(std::string_view text, std::string_view prefix);
bool ends_with(std::string_view text, std::string_view suffix);

}  // namespace segkit
