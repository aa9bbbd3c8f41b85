#include "segkit/io/image_header.h"

#include <cstdlib>
#include <string>

namespace segkit::io {
namespace {

uint32_t big_endian32(std::string_view bytes, size_t at) {
  return (uint32_t(uint8_t(bytes[at])) << 24) | (uint32_t(uint8_t(bytes[at + 1])) << 16) |
         (uint32_t(uint8_t(bytes[at + 2])) << 8) | uint32_t(uint8_t(bytes[at + 3]));
}

uint32_t big_endian16(std::string_view bytes, size_t at) {
  return (uint32_t(uint8_t(bytes[at])) << 8) | uint32_t(uint8_t(bytes[at + 1]));
}

int64_t little_endian32(std::string_view bytes, size_t at) {
  const uint32_t value = uint32_t(uint8_t(bytes[at])) | (uint32_t(uint8_t(bytes[at + 1])) << 8) |
                         (uint32_t(uint8_t(bytes[at + 2])) << 16) | (uint32_t(uint8_t(bytes[at + 3])) << 24);
  return static_cast<int32_t>(value);  // BMP heights are signed (negative: top-down)
}

std::optional<ImageDimensions> jpeg_dimensions(std::string_view bytes) {
  size_t at = 2;
  while (at + 4 <= bytes.size()) {
    if (uint8_t(bytes[at]) != 0xFF) return std::nullopt;
    const uint8_t marker = uint8_t(bytes[at + 1]);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      at += 2;
      continue;
    }
    const uint32_t length = big_endian16(bytes, at + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry precision, height, width.
    const bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (frame) {
      if (at + 9 > bytes.size()) return std::nullopt;
      return ImageDimensions{big_endian16(bytes, at + 7), big_endian16(bytes, at + 5)};
    }
    if (length < 2) return std::nullopt;
    at += 2 + length;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ImageDimensions> image_header_dimensions(std::string_view bytes) {
  static constexpr std::string_view kPng = "\x89PNG\r\n\x1a\n";
  if (bytes.size() >= 24 && bytes.substr(0, 8) == kPng && bytes.substr(12, 4) == "IHDR") {
    return ImageDimensions{big_endian32(bytes, 16), big_endian32(bytes, 20)};
  }
  if (bytes.size() >= 4 && uint8_t(bytes[0]) == 0xFF && uint8_t(bytes[1]) == 0xD8) return jpeg_dimensions(bytes);
  if (bytes.size() >= 26 && bytes.substr(0, 2) == "BM") {
    const int64_t width = little_endian32(bytes, 18), height = little_endian32(bytes, 22);
    return ImageDimensions{static_cast<uint64_t>(width < 0 ? -width : width),
                           static_cast<uint64_t>(height < 0 ? -height : height)};
  }
  return std::nullopt;
}

uint64_t max_image_pixels() {
  if (const char* text = std::getenv("SEGKIT_MAX_IMAGE_PIXELS"); text != nullptr && *text != '\0') {
    try {
      return std::stoull(text);
    } catch (const std::exception&) {
    }
  }
  return uint64_t{1} << 28;
}

}  // namespace segkit::io
