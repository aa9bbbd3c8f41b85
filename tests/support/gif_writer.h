#pragma once
// Writes GIF files with giflib for the reader's tests: one frame per index image, a palette, optional
// interlacing (rows then go out in GIF's four-pass order).

#include <gif_lib.h>

#include <opencv2/core/mat.hpp>

#include <filesystem>
#include <stdexcept>
#include <vector>

namespace segkit::test {

inline void write_gif(const std::filesystem::path& path, const std::vector<cv::Mat>& frames,
                      const std::vector<GifColorType>& palette, bool interlaced = false) {
  int error = 0;
  GifFileType* file = EGifOpenFileName(path.c_str(), false, &error);
  if (file == nullptr) throw std::runtime_error("EGifOpenFileName failed");
  ColorMapObject* map = GifMakeMapObject(static_cast<int>(palette.size()), palette.data());
  const int width = frames.front().cols, height = frames.front().rows;
  bool ok = map != nullptr && EGifPutScreenDesc(file, width, height, 8, 0, map) == GIF_OK;
  for (const cv::Mat& frame : frames) {
    ok = ok && EGifPutImageDesc(file, 0, 0, width, height, interlaced, nullptr) == GIF_OK;
    std::vector<int> order;
    if (interlaced) {
      for (const auto [start, step] : {std::pair{0, 8}, std::pair{4, 8}, std::pair{2, 4}, std::pair{1, 2}}) {
        for (int y = start; y < height; y += step) order.push_back(y);
      }
    } else {
      for (int y = 0; y < height; ++y) order.push_back(y);
    }
    for (int y : order) ok = ok && EGifPutLine(file, const_cast<GifPixelType*>(frame.ptr<uint8_t>(y)), width) == GIF_OK;
  }
  ok = EGifCloseFile(file, &error) == GIF_OK && ok;
  GifFreeMapObject(map);
  if (!ok) throw std::runtime_error("writing " + path.string() + " failed");
}

}  // namespace segkit::test
