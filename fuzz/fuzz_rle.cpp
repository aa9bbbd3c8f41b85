// libFuzzer target: Kaggle and SIIM RLE decoding of arbitrary text into small masks, and the
// encode -> decode round trip of whatever decodes. Malformed text must be a DataError, nothing else.
#include <cstdint>
#include <string_view>

#include "segkit/core/error.h"
#include "segkit/io/rle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // The first two bytes choose the mask size (1..64 x 1..64), the rest is the RLE text.
  const int64_t height = 1 + data[0] % 64, width = 1 + data[1] % 64;
  const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
  for (bool siim : {false, true}) {
    try {
      const auto mask = siim ? segkit::io::decode_siim_rle(text, height, width)
                             : segkit::io::decode_kaggle_rle(text, height, width);
      const auto again = siim ? segkit::io::encode_siim_rle(mask, height, width)
                              : segkit::io::encode_kaggle_rle(mask, height, width);
      const auto back = siim ? segkit::io::decode_siim_rle(again, height, width)
                             : segkit::io::decode_kaggle_rle(again, height, width);
      if (back != mask) __builtin_trap();  // the round trip must be exact
    } catch (const segkit::DataError&) {
    }
  }
  return 0;
}
