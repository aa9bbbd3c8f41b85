#include "segkit/io/gif.h"

#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "segkit/core/error.h"

namespace segkit::io {
namespace {

struct MemoryReader {
  std::string_view bytes;
  size_t at = 0;
};

int read_from_memory(GifFileType* file, GifByteType* out, int wanted) {
  auto* reader = static_cast<MemoryReader*>(file->UserData);
  const size_t count = std::min(static_cast<size_t>(std::max(wanted, 0)), reader->bytes.size() - reader->at);
  std::memcpy(out, reader->bytes.data() + reader->at, count);
  reader->at += count;
  return static_cast<int>(count);
}

struct GifCloser {
  void operator()(GifFileType* file) const {
    int error = 0;
    DGifCloseFile(file, &error);
  }
};

}  // namespace

bool is_gif(std::string_view bytes) {
  return bytes.size() >= 6 && (bytes.substr(0, 6) == "GIF87a" || bytes.substr(0, 6) == "GIF89a");
}

cv::Mat decode_gif(const std::string& bytes, const std::string& what) {
  MemoryReader reader{bytes};
  int error = 0;
  std::unique_ptr<GifFileType, GifCloser> file(DGifOpen(&reader, read_from_memory, &error));
  if (!file) throw DataError("cannot decode GIF " + what + ": " + GifErrorString(error));
  // DGifSlurp reads every frame and undoes interlacing.
  if (DGifSlurp(file.get()) != GIF_OK || file->ImageCount < 1) {
    throw DataError("cannot decode GIF " + what + " (corrupt or truncated): " + GifErrorString(file->Error));
  }
  if (file->ImageCount > 1) {
    throw DataError(what + " is an animated GIF with " + std::to_string(file->ImageCount) +
                    " frames; segkit reads single-frame images (extract the frame you mean first)");
  }
  const SavedImage& frame = file->SavedImages[0];
  const GifImageDesc& desc = frame.ImageDesc;
  const ColorMapObject* palette = desc.ColorMap != nullptr ? desc.ColorMap : file->SColorMap;
  if (palette == nullptr) throw DataError("cannot decode GIF " + what + ": no colour table");
  const int width = file->SWidth, height = file->SHeight;
  if (desc.Left < 0 || desc.Top < 0 || desc.Left + desc.Width > width || desc.Top + desc.Height > height) {
    throw DataError("cannot decode GIF " + what + ": its frame lies outside the image");
  }
  cv::Mat indices(height, width, CV_8UC1, cv::Scalar(file->SBackGroundColor));
  cv::Mat(desc.Height, desc.Width, CV_8UC1, frame.RasterBits)
      .copyTo(indices(cv::Rect(desc.Left, desc.Top, desc.Width, desc.Height)));

  bool grey = true;
  for (int i = 0; i < palette->ColorCount; ++i) {
    const GifColorType& c = palette->Colors[i];
    grey = grey && c.Red == c.Green && c.Green == c.Blue;
  }
  cv::Mat image(height, width, grey ? CV_8UC1 : CV_8UC3);
  for (int y = 0; y < height; ++y) {
    const uint8_t* in = indices.ptr<uint8_t>(y);
    uint8_t* out = image.ptr<uint8_t>(y);
    for (int x = 0; x < width; ++x) {
      // An index past the table is a corrupt file; giflib leaves it to the reader. Black, as browsers do.
      const GifColorType c = in[x] < palette->ColorCount ? palette->Colors[in[x]] : GifColorType{0, 0, 0};
      if (grey) {
        out[x] = c.Red;
      } else {
        out[3 * x] = c.Red;
        out[3 * x + 1] = c.Green;
        out[3 * x + 2] = c.Blue;
      }
    }
  }
  return image;
}

}  // namespace segkit::io
