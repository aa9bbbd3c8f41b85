#pragma once
// Width and height from an encoded image's header, read before decoding, so a small file that
// claims a huge image (a decompression bomb) is refused before any pixel memory is allocated.

#include <cstdint>
#include <optional>
#include <string_view>

namespace segkit::io {

struct ImageDimensions {
  uint64_t width = 0;
  uint64_t height = 0;
};

/// PNG (IHDR), JPEG (the first SOFn segment), BMP and GIF (logical screen) headers; nullopt for other formats or a header
/// too short to say (the decoder then reports the corruption).
std::optional<ImageDimensions> image_header_dimensions(std::string_view bytes);

/// Pages (IFDs) of a TIFF file, classic or BigTIFF; nullopt when `bytes` is not a TIFF or its IFD
/// chain is broken (the decoder then reports the corruption).
std::optional<uint64_t> tiff_page_count(std::string_view bytes);

/// The most pixels segkit decodes from one image file: SEGKIT_MAX_IMAGE_PIXELS when set, else
/// 2^28 (268 million; e.g. 16384 x 16384), far above any competition image.
uint64_t max_image_pixels();

}  // namespace segkit::io
