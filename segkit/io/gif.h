#pragma once
// GIF decoding through giflib: OpenCV 4.6 (Debian 12) has no GIF codec, and datasets ship masks as
// GIF (DRIVE's retina vessels and field-of-view masks, many medical sets).

#include <opencv2/core/mat.hpp>

#include <string>
#include <string_view>

namespace segkit::io {

/// "GIF87a" / "GIF89a" signature.
bool is_gif(std::string_view bytes);

/// The single frame of a GIF, placed on its logical screen (background colour around it): CV_8UC1
/// when every palette colour is grey (masks), else RGB CV_8UC3. DataError naming `what` for a
/// corrupt file or an animation (more than one frame: which one is the image is not defined).
cv::Mat decode_gif(const std::string& bytes, const std::string& what);

}  // namespace segkit::io
