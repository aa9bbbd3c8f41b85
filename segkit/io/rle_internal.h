#pragma once
// Internal to the RLE codecs (rle_decode.cpp, rle_encode.cpp): the mask geometry both sides check
// and the eight-bytes-at-a-time word helpers both scans use.

#include <cstdint>
#include <cstring>
#include <string>

#include "segkit/core/error.h"

namespace segkit::io::rle_detail {

struct Geometry {
  int64_t height;
  int64_t width;
  int64_t total;
};

inline Geometry checked_geometry(int64_t height, int64_t width) {
  int64_t total = 0;
  if (height < 0 || width < 0 || __builtin_mul_overflow(height, width, &total)) {
    throw ShapeError("RLE mask size " + std::to_string(height) + "x" + std::to_string(width) +
                     " is invalid: height and width must be >= 0 with a product that fits int64");
  }
  return {height, width, total};
}

inline std::string size_text(const Geometry& g) {
  return "a " + std::to_string(g.height) + "x" + std::to_string(g.width) + " mask (" +
         std::to_string(g.total) + " pixels)";
}

constexpr bool kLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
constexpr uint64_t kHighBits = 0x8080808080808080ull;
constexpr uint64_t kLow7Bits = 0x7f7f7f7f7f7f7f7full;

inline uint64_t load64(const uint8_t* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof(word));
  return word;
}

}  // namespace segkit::io::rle_detail
