#include "segkit/transforms/image_ops.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::transforms::detail {
namespace {

constexpr int kMaxChunk = 4;  // channels OpenCV's warp/remap/transpose handle at once

const std::vector<std::pair<std::string, int>>& interpolation_table() {
  static const std::vector<std::pair<std::string, int>> table = {{"nearest", cv::INTER_NEAREST},
                                                                 {"linear", cv::INTER_LINEAR},
                                                                 {"cubic", cv::INTER_CUBIC},
                                                                 {"area", cv::INTER_AREA},
                                                                 {"lanczos4", cv::INTER_LANCZOS4}};
  return table;
}

const std::vector<std::pair<std::string, int>>& border_table() {
  static const std::vector<std::pair<std::string, int>> table = {
      {"constant", cv::BORDER_CONSTANT},
      {"replicate", cv::BORDER_REPLICATE},
      {"reflect", cv::BORDER_REFLECT},
      {"wrap", cv::BORDER_WRAP},
      {"reflect_101", cv::BORDER_REFLECT_101}};
  return table;
}

template <typename T>
void clip_truncate(const cv::Mat& src, cv::Mat& dst, double max_value) {
  const int width = src.cols * src.channels();
  for (int y = 0; y < src.rows; ++y) {
    const float* in = src.ptr<float>(y);
    T* out = dst.ptr<T>(y);
    for (int x = 0; x < width; ++x) {
      const double v = in[x];
      // NaN fails both comparisons and becomes 0; the cast truncates like numpy's astype.
      out[x] = static_cast<T>(v > 0.0 ? (v < max_value ? v : max_value) : 0.0);
    }
  }
}

}  // namespace

cv::Scalar fill_scalar(const FillValue& fill, int first_channel) {
  cv::Scalar scalar(0, 0, 0, 0);
  for (int i = 0; i < 4; ++i) {
    const size_t channel = static_cast<size_t>(first_channel + i);
    if (fill.size() == 1) {
      scalar[i] = fill[0];
    } else if (channel < fill.size()) {
      scalar[i] = fill[channel];
    }
  }
  return scalar;
}

cv::Mat by_chunks(const cv::Mat& src,
                  const std::function<cv::Mat(const cv::Mat& chunk, int first_channel)>& op) {
  const int channels = src.channels();
  if (channels <= kMaxChunk) return op(src, 0);
  std::vector<cv::Mat> results;
  for (int first = 0; first < channels; first += kMaxChunk) {
    const int count = std::min(kMaxChunk, channels - first);
    cv::Mat chunk(src.size(), CV_MAKETYPE(src.depth(), count));
    std::vector<int> from_to;
    for (int i = 0; i < count; ++i) from_to.insert(from_to.end(), {first + i, i});
    cv::mixChannels(&src, 1, &chunk, 1, from_to.data(), static_cast<size_t>(count));
    results.push_back(op(chunk, first));
  }
  cv::Mat merged(results.front().size(), CV_MAKETYPE(results.front().depth(), channels));
  for (size_t k = 0; k < results.size(); ++k) {
    const int first = static_cast<int>(k) * kMaxChunk;
    std::vector<int> from_to;
    for (int i = 0; i < results[k].channels(); ++i) from_to.insert(from_to.end(), {i, first + i});
    cv::mixChannels(&results[k], 1, &merged, 1, from_to.data(),
                    static_cast<size_t>(results[k].channels()));
  }
  return merged;
}

cv::Mat warp_affine(const cv::Mat& src, const cv::Mat& matrix, cv::Size size, int interpolation,
                    int border_mode, const FillValue& fill) {
  return by_chunks(src, [&](const cv::Mat& chunk, int first) {
    cv::Mat out;
    cv::warpAffine(chunk, out, matrix, size, interpolation, border_mode, fill_scalar(fill, first));
    return out;
  });
}

cv::Mat remap(const cv::Mat& src, const cv::Mat& map_x, const cv::Mat& map_y, int interpolation,
              int border_mode, const FillValue& fill) {
  return by_chunks(src, [&](const cv::Mat& chunk, int first) {
    cv::Mat out;
    cv::remap(chunk, out, map_x, map_y, interpolation, border_mode, fill_scalar(fill, first));
    return out;
  });
}

cv::Mat resize(const cv::Mat& src, cv::Size size, int interpolation) {
  if (src.size() == size) return src.clone();
  return by_chunks(src, [&](const cv::Mat& chunk, int) {
    cv::Mat out;
    cv::resize(chunk, out, size, 0, 0, interpolation);
    return out;
  });
}

cv::Mat pad(const cv::Mat& src, int top, int bottom, int left, int right, int border_mode,
            const FillValue& fill) {
  return by_chunks(src, [&](const cv::Mat& chunk, int first) {
    cv::Mat out;
    cv::copyMakeBorder(chunk, out, top, bottom, left, right, border_mode, fill_scalar(fill, first));
    return out;
  });
}

cv::Mat transpose(const cv::Mat& src) {
  return by_chunks(src, [](const cv::Mat& chunk, int) {
    cv::Mat out;
    cv::transpose(chunk, out);
    return out;
  });
}

cv::Mat rot90(const cv::Mat& src, int factor) {
  factor = ((factor % 4) + 4) % 4;
  if (factor == 0) return src.clone();
  // np.rot90 turns counter-clockwise.
  const int code = factor == 1   ? cv::ROTATE_90_COUNTERCLOCKWISE
                   : factor == 2 ? cv::ROTATE_180
                                 : cv::ROTATE_90_CLOCKWISE;
  return by_chunks(src, [code](const cv::Mat& chunk, int) {
    cv::Mat out;
    cv::rotate(chunk, out, code);
    return out;
  });
}

double max_value(int depth, const std::string& transform) {
  switch (depth) {
    case CV_8U:
      return 255.0;
    case CV_16U:
      return 65535.0;
    case CV_32F:
      return 1.0;
    default:
      throw DataError(transform + ": unsupported image depth (OpenCV depth " +
                      std::to_string(depth) +
                      "); expected uint8 (CV_8U), uint16 (CV_16U) or float32 (CV_32F)");
  }
}

cv::Mat to_float(const cv::Mat& src) {
  cv::Mat out;
  src.convertTo(out, CV_MAKETYPE(CV_32F, src.channels()));
  return out;
}

cv::Mat clip_to_depth(const cv::Mat& float_image, int depth, double max_value) {
  cv::Mat out(float_image.size(), CV_MAKETYPE(depth, float_image.channels()));
  switch (depth) {
    case CV_8U:
      clip_truncate<uint8_t>(float_image, out, max_value);
      break;
    case CV_16U:
      clip_truncate<uint16_t>(float_image, out, max_value);
      break;
    default: {
      cv::Mat clipped = cv::max(float_image, 0.0);
      out = cv::min(clipped, max_value);
    }
  }
  return out;
}

void check_interpolation(int flag) {
  if (interpolation_name(flag).empty()) {
    throw ConfigError("interpolation must be one of " + join(interpolation_names(), ", ") +
                      " (cv2 flags 0-4), got " + std::to_string(flag));
  }
}

void check_border_mode(int flag) {
  if (border_mode_name(flag).empty()) {
    throw ConfigError("border_mode must be one of " + join(border_mode_names(), ", ") +
                      " (cv2 flags 0-4), got " + std::to_string(flag));
  }
}

std::string interpolation_name(int flag) {
  for (const auto& [name, value] : interpolation_table()) {
    if (value == flag) return name;
  }
  return "";
}

std::string border_mode_name(int flag) {
  for (const auto& [name, value] : border_table()) {
    if (value == flag) return name;
  }
  return "";
}

int interpolation_from_name(const std::string& name) {
  for (const auto& [key, value] : interpolation_table()) {
    if (key == name) return value;
  }
  return -1;
}

int border_mode_from_name(const std::string& name) {
  for (const auto& [key, value] : border_table()) {
    if (key == name) return value;
  }
  return -1;
}

std::vector<std::string> interpolation_names() {
  std::vector<std::string> names;
  for (const auto& entry : interpolation_table()) names.push_back(entry.first);
  return names;
}

std::vector<std::string> border_mode_names() {
  std::vector<std::string> names;
  for (const auto& entry : border_table()) names.push_back(entry.first);
  return names;
}

std::string format_range(const Range& range) {
  std::ostringstream out;
  out << "(" << range.lo << ", " << range.hi << ")";
  return out.str();
}

std::string format_fill(const FillValue& fill) {
  if (fill.empty()) return "none";
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < fill.size(); ++i) out << (i ? ", " : "") << fill[i];
  out << "]";
  return out.str();
}

}  // namespace segkit::transforms::detail
