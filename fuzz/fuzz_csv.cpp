// libFuzzer target: the CSV parser (quotes, BOM, CRLF, ragged rows) on arbitrary text.
#include <cstdint>
#include <string_view>

#include "segkit/core/error.h"
#include "segkit/io/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto table = segkit::io::parse_csv(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.csv");
    for (const auto& name : {"ImageId", "EncodedPixels", "ClassId"}) {
      try {
        (void)table.column(name);
      } catch (const segkit::DataError&) {
      }
    }
  } catch (const segkit::DataError&) {
  }
  return 0;
}
