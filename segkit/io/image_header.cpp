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

// TIFF integers in the file's own byte order ("II" little-endian, "MM" big-endian).
uint64_t tiff_uint(std::string_view bytes, size_t at, size_t width, bool little) {
  uint64_t value = 0;
  for (size_t i = 0; i < width; ++i) {
    const uint64_t byte = uint8_t(bytes[at + (little ? width - 1 - i : i)]);
    value = (value << 8) | byte;
  }
  return value;
}

}  // namespace

std::optional<uint64_t> tiff_page_count(std::string_view bytes) {
  if (bytes.size() < 8) return std::nullopt;
  const bool little = bytes.substr(0, 2) == "II";
  if (!little && bytes.substr(0, 2) != "MM") return std::nullopt;
  const uint64_t magic = tiff_uint(bytes, 2, 2, little);
  if (magic != 42 && magic != 43) return std::nullopt;
  const bool big = magic == 43;  // BigTIFF: 8-byte offsets and counts, 20-byte entries
  if (big && bytes.size() < 16) return std::nullopt;
  const size_t offset_size = big ? 8 : 4, count_size = big ? 8 : 2, entry_size = big ? 20 : 12;
  uint64_t offset = tiff_uint(bytes, big ? 8 : 4, offset_size, little);
  uint64_t pages = 0;
  // Each IFD must lie further on than the previous one's start: a loop in the chain ends the walk.
  uint64_t previous = 0;
  while (offset != 0) {
    if (offset <= previous || offset + count_size > bytes.size()) return std::nullopt;
    const uint64_t entries = tiff_uint(bytes, offset, count_size, little);
    const uint64_t next_at = offset + count_size + entries * entry_size;
    if (entries > bytes.size() || next_at + offset_size > bytes.size()) return std::nullopt;
    ++pages;
    previous = offset;
    offset = tiff_uint(bytes, next_at, offset_size, little);
  }
  return pages;
}

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
  if (bytes.size() >= 10 && (bytes.substr(0, 6) == "GIF87a" || bytes.substr(0, 6) == "GIF89a")) {
    const auto le16 = [&](size_t at) { return uint64_t(uint8_t(bytes[at])) | (uint64_t(uint8_t(bytes[at + 1])) << 8); };
    return ImageDimensions{le16(6), le16(8)};
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
