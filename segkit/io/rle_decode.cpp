// Decoding: parse and check the whole text into runs, then write them (rle.h has the contract).

#include <algorithm>
#include <charconv>
#include <cstring>
#include <vector>

#include "segkit/core/error.h"
#include "segkit/io/rle.h"
#include "segkit/io/rle_internal.h"

namespace segkit::io {
namespace {

using rle_detail::checked_geometry;
using rle_detail::Geometry;
using rle_detail::kHighBits;
using rle_detail::kLittleEndian;
using rle_detail::kLow7Bits;
using rle_detail::load64;
using rle_detail::size_text;

enum class Format { kKaggle, kSiim };

const char* format_name(Format format) {
  return format == Format::kKaggle ? "Kaggle RLE" : "SIIM RLE";
}

// One run in the codec's flat order: 0-based start, length >= 1.
struct Run {
  int64_t start;
  int64_t length;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_digit(char c) {
  return static_cast<unsigned char>(c - '0') < 10;
}

[[noreturn]] void fail_pair(Format format, int64_t pair, size_t position,
                            const std::string& problem) {
  throw DataError(std::string(format_name(format)) + " pair " + std::to_string(pair) +
                  " (character " + std::to_string(position + 1) + "): " + problem);
}

// A token that is not a usable number: negative, not a decimal integer, or beyond int64. Out of
// line so that the number reader stays small enough to inline.
[[noreturn]] __attribute__((noinline)) void fail_number(Format format, int64_t pair,
                                                        std::string_view text, size_t position,
                                                        const char* role, const Geometry& g) {
  size_t end = position;
  while (end < text.size() && !is_space(text[end])) ++end;
  const std::string_view token = text.substr(position, end - position);
  std::string shown(token.substr(0, 24));
  if (token.size() > 24) shown += "...";
  const std::string what = std::string(role) + " '" + shown + "'";
  if (!token.empty() && std::all_of(token.begin(), token.end(), is_digit)) {
    fail_pair(format, pair, position, what + " is far beyond " + size_text(g));
  }
  if (token.size() > 1 && token[0] == '-' &&
      std::all_of(token.begin() + 1, token.end(), is_digit)) {
    fail_pair(format, pair, position,
              "negative " + what +
                  (format == Format::kSiim
                       ? "; offsets and lengths are >= 0 ('-1' alone is an empty mask)"
                       : "; starts and lengths are >= 1"));
  }
  fail_pair(format, pair, position,
            what + " is not a non-negative integer; the text must be decimal integers and spaces");
}

bool is_siim_empty(std::string_view text) {
  size_t a = 0, b = text.size();
  while (a < b && is_space(text[a])) ++a;
  while (b > a && is_space(text[b - 1])) --b;
  return text.substr(a, b - a) == "-1";
}

// Eight digit values (0-9 per byte, the most significant in the lowest byte) to their number,
// with three multiplications (fast_float's parse_eight_digits_unrolled).
uint64_t eight_digits_value(uint64_t digits) {
  constexpr uint64_t kMask = 0x000000ff000000ffull;
  constexpr uint64_t kMul1 = 100 + (1000000ull << 32);
  constexpr uint64_t kMul2 = 1 + (10000ull << 32);
  digits = digits * 10 + (digits >> 8);
  return (((digits & kMask) * kMul1) + (((digits >> 16) & kMask) * kMul2)) >> 32;
}

// The digits at `p`: where they end, their value, and whether it exceeds int64.
struct Digits {
  const char* end;
  uint64_t value;
  bool too_large;
};

// Numbers of up to 7 digits (every pixel index below 10^7) are read eight bytes at a time without
// a branch per digit; a digit loop would mispredict at the end of every number. Longer numbers and
// the last 7 bytes of the text take the digit loop.
Digits scan_digits(const char* p, const char* end) {
  if (kLittleEndian && end - p >= 8) {
    const uint64_t chunk = load64(reinterpret_cast<const uint8_t*>(p));
    // Per byte b: high bit of at_least_0 iff (b & 0x7f) >= '0', of above_9 iff (b & 0x7f) > '9'.
    // No borrow or carry crosses a byte: lanes are >= 0x80 before the subtraction, <= 0xc5 after.
    const uint64_t at_least_0 = (chunk | kHighBits) - 0x3030303030303030ull;
    const uint64_t above_9 = (chunk & kLow7Bits) + 0x4646464646464646ull;
    const uint64_t non_digits = ~(at_least_0 & ~above_9 & ~chunk) & kHighBits;
    if (non_digits != 0) {
      const int count = __builtin_ctzll(non_digits) >> 3;
      if (count == 0) return {p, 0, false};
      // Lanes below `count` are digits, so the subtraction borrows only into lanes shifted out.
      const uint64_t digits = (chunk - 0x3030303030303030ull) << (64 - 8 * count);
      return {p + count, eight_digits_value(digits), false};
    }
  }
  constexpr uint64_t kMaxBeforeDigit = (INT64_MAX - 9) / 10;  // below it, value*10 + 9 fits
  uint64_t value = 0;
  bool too_large = false;
  for (; p < end && is_digit(*p); ++p) {
    const auto digit = static_cast<uint64_t>(*p - '0');
    too_large |= value > kMaxBeforeDigit && value > (uint64_t{INT64_MAX} - digit) / 10;
    value = value * 10 + digit;
  }
  return {p, value, too_large};
}

// Parses and checks every pair before the caller writes a pixel, so a bad text never leaves a
// half-decoded mask. Starts come out 0-based and absolute in both formats.
void parse_runs(std::string_view text, Format format, const Geometry& g, std::vector<Run>& runs) {
  if (format == Format::kSiim && is_siim_empty(text)) return;
  const char* first_role = format == Format::kKaggle ? "start" : "offset";
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  const char* p = begin;
  int64_t pair = 0;  // 1-based index of the current pair
  auto read_number = [&](const char* role) {
    const Digits digits = scan_digits(p, end);
    if (digits.end == p || (digits.end < end && !is_space(*digits.end)) || digits.too_large) {
      fail_number(format, pair, text, static_cast<size_t>(p - begin), role, g);
    }
    p = digits.end;
    return static_cast<int64_t>(digits.value);
  };
  int64_t cursor = 0;  // end (exclusive) of the previous run
  int64_t previous_start = 0;
  for (;;) {
    while (p < end && is_space(*p)) ++p;
    if (p == end) break;
    ++pair;
    const size_t pair_position = static_cast<size_t>(p - begin);
    const int64_t first = read_number(first_role);
    while (p < end && is_space(*p)) ++p;
    if (p == end) {
      throw DataError(std::string(format_name(format)) + ": " + std::to_string(2 * pair - 1) +
                      " numbers, an odd count: the " + first_role + " of pair " +
                      std::to_string(pair) + " (character " + std::to_string(pair_position + 1) +
                      ") has no length; the text must be '" + first_role + " length' pairs");
    }
    const int64_t length = read_number("length");
    int64_t start = 0;
    if (format == Format::kKaggle) {
      if (first == 0) {
        fail_pair(
            format, pair, pair_position,
            "start 0; Kaggle RLE starts are 1-based (the first pixel is 1): written 0-based?");
      }
      start = first - 1;
    } else if (first >= g.total - cursor) {
      fail_pair(format, pair, pair_position,
                "offset " + std::to_string(first) + " after position " + std::to_string(cursor) +
                    " starts the run past the last pixel of " + size_text(g) +
                    "; is the size right?");
    } else {
      start = cursor + first;
    }
    // Kaggle texts number pixels from 1, SIIM positions from 0: messages use the text's numbering.
    const int64_t shown_start = format == Format::kKaggle ? start + 1 : start;
    if (length == 0) {
      fail_pair(format, pair, pair_position, "length 0; every run covers at least 1 pixel");
    }
    if (start >= g.total) {
      fail_pair(format, pair, pair_position,
                "start " + std::to_string(shown_start) + " is past the last pixel of " +
                    size_text(g) + "; is the size right?");
    }
    if (length > g.total - start) {
      fail_pair(format, pair, pair_position,
                "run of " + std::to_string(length) + " pixels from " + std::to_string(shown_start) +
                    " ends past the last pixel of " + size_text(g) + "; is the size right?");
    }
    if (start < cursor) {  // Kaggle only: relative offsets cannot go backwards
      fail_pair(format, pair, pair_position,
                start < previous_start
                    ? "start " + std::to_string(shown_start) +
                          " is before the previous run's start " +
                          std::to_string(previous_start + 1) + "; runs must be sorted by start"
                    : "run " + std::to_string(shown_start) + "-" + std::to_string(start + length) +
                          " overlaps the previous run " + std::to_string(previous_start + 1) + "-" +
                          std::to_string(cursor) + "; runs must not overlap");
    }
    runs.push_back({start, length});
    previous_start = start;
    cursor = start + length;
  }
}

// Column-major runs write down a column (stride W) and continue at the top of the next one.
void write_runs(const std::vector<Run>& runs, const Geometry& g, uint8_t* mask, uint8_t value,
                RleOrder order) {
  for (const Run& run : runs) {
    if (order == RleOrder::kRowMajor) {
      uint8_t* p = mask + run.start;
      for (int64_t k = 0; k < run.length; ++k) p[k] |= value;
      continue;
    }
    int64_t x = run.start / g.height, y = run.start % g.height, left = run.length;
    while (left > 0) {
      const int64_t count = std::min(left, g.height - y);
      uint8_t* p = mask + y * g.width + x;
      for (int64_t k = 0; k < count; ++k, p += g.width) *p |= value;
      left -= count;
      y = 0;
      ++x;
    }
  }
}

void decode(Format format, std::string_view rle, int64_t height, int64_t width, uint8_t* mask,
            uint8_t value, RleOrder order) {
  const Geometry g = checked_geometry(height, width);
  if (value == 0) throw Error("RLE decode: value 0 would leave the mask unchanged; pass 1 or 255");
  std::vector<Run> runs;
  runs.reserve(rle.size() / 4 + 1);  // a pair takes at least 4 characters ("1 1 ")
  parse_runs(rle, format, g, runs);
  if (!runs.empty() && mask == nullptr) throw Error("RLE decode: the mask pointer is null");
  write_runs(runs, g, mask, value, order);
}

std::vector<uint8_t> decode_fresh(Format format, std::string_view rle, int64_t height, int64_t width,
                                  uint8_t value, RleOrder order) {
  std::vector<uint8_t> mask(static_cast<size_t>(checked_geometry(height, width).total), 0);
  decode(format, rle, height, width, mask.data(), value, order);
  return mask;
}

}  // namespace

void decode_kaggle_rle(std::string_view rle, int64_t height, int64_t width, uint8_t* mask,
                       uint8_t value, RleOrder order) {
  decode(Format::kKaggle, rle, height, width, mask, value, order);
}

std::vector<uint8_t> decode_kaggle_rle(std::string_view rle, int64_t height, int64_t width,
                                       uint8_t value, RleOrder order) {
  return decode_fresh(Format::kKaggle, rle, height, width, value, order);
}

void decode_siim_rle(std::string_view rle, int64_t height, int64_t width, uint8_t* mask,
                     uint8_t value, RleOrder order) {
  decode(Format::kSiim, rle, height, width, mask, value, order);
}

std::vector<uint8_t> decode_siim_rle(std::string_view rle, int64_t height, int64_t width,
                                     uint8_t value, RleOrder order) {
  return decode_fresh(Format::kSiim, rle, height, width, value, order);
}

}  // namespace segkit::io
