// libFuzzer target: the safetensors reader's header validation and reads, on a memory file.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "segkit/core/error.h"
#include "segkit/io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const int fd = memfd_create("fuzz.safetensors", 0);
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) return 0;
  try {
    const segkit::io::SafetensorsReader reader("/proc/self/fd/" + std::to_string(fd));
    for (const auto& info : reader.tensors()) {
      if (info.nbytes() <= (1u << 20)) (void)reader.read(info.name);
    }
  } catch (const segkit::DataError&) {
  }
  return 0;
}
