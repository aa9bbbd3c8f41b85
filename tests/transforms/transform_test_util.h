#pragma once
// Samples that make misalignment visible, shared by the transforms tests.
//
// The coordinate sample's image is CV_32FC3 with (x + 1, y + 1, 1) at column x, row y, so every
// output pixel of a nearest-neighbour warp tells where it came from (a constant border reads
// (0, 0, 0)). Mask channel k is 1 exactly where pattern(x, y, k) holds, so after any geometric
// transform the mask must equal the pattern evaluated at the coordinates the image carries.

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/core.hpp>
#include <string>

#include "segkit/data/sample.h"
#include "segkit/transforms/transform.h"

namespace segkit::transforms::test {

constexpr int kHeight = 48;  // non-square, so a swapped axis cannot go unnoticed
constexpr int kWidth = 64;

/// An irregular pattern: shifting it by one pixel in any direction changes many values.
inline bool pattern(int x, int y, int k) {
  return (x * 7 + y * 13 + k * 5) % 11 < 4;
}

inline data::Sample coordinate_sample(int channels, int height = kHeight, int width = kWidth) {
  data::Sample sample;
  sample.id = "coords";
  sample.image.create(height, width, CV_32FC3);
  if (channels > 0) sample.mask.create(height, width, CV_8UC(channels));
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      sample.image.at<cv::Vec3f>(y, x) = cv::Vec3f(x + 1.0f, y + 1.0f, 1.0f);
      for (int k = 0; k < channels; ++k) {
        sample.mask.ptr<uint8_t>(y)[x * channels + k] = pattern(x, y, k) ? 1 : 0;
      }
    }
  }
  return sample;
}

/// Every mask value is 0 or 1.
inline ::testing::AssertionResult mask_is_binary(const cv::Mat& mask) {
  if (mask.depth() != CV_8U) return ::testing::AssertionFailure() << "mask depth changed";
  const int width = mask.cols * mask.channels();
  for (int y = 0; y < mask.rows; ++y) {
    for (int x = 0; x < width; ++x) {
      const int v = mask.ptr<uint8_t>(y)[x];
      if (v > 1) return ::testing::AssertionFailure() << "mask value " << v << " at row " << y;
    }
  }
  return ::testing::AssertionSuccess();
}

/// The mask equals the pattern at the coordinates the image carries; constant-border pixels
/// (image (0, 0, 0)) must have mask 0.
inline ::testing::AssertionResult aligned(const data::Sample& sample) {
  if (sample.mask.size() != sample.image.size()) {
    return ::testing::AssertionFailure()
           << "mask " << sample.mask.size() << " vs image " << sample.image.size();
  }
  const int channels = sample.mask.channels();
  int bad = 0;
  std::string first;
  for (int y = 0; y < sample.image.rows; ++y) {
    for (int x = 0; x < sample.image.cols; ++x) {
      const cv::Vec3f c = sample.image.at<cv::Vec3f>(y, x);
      const bool filled = c[2] == 0.0f;
      const int sx = static_cast<int>(std::lround(c[0])) - 1;
      const int sy = static_cast<int>(std::lround(c[1])) - 1;
      for (int k = 0; k < channels; ++k) {
        const int expected = filled ? 0 : (pattern(sx, sy, k) ? 1 : 0);
        const int got = sample.mask.ptr<uint8_t>(y)[x * channels + k];
        if (got != expected && bad++ == 0) {
          first = "at (x=" + std::to_string(x) + ", y=" + std::to_string(y) +
                  ", k=" + std::to_string(k) + ") from (" + std::to_string(sx) + ", " +
                  std::to_string(sy) + "): mask " + std::to_string(got);
        }
      }
    }
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << bad << " misaligned mask values, first " << first;
}

/// Bitwise equality of two Mats (type, size and bytes).
inline bool same(const cv::Mat& a, const cv::Mat& b) {
  if (a.type() != b.type() || a.size() != b.size()) return false;
  if (a.empty()) return true;
  cv::Mat diff;
  cv::compare(a.reshape(1), b.reshape(1), diff, cv::CMP_NE);
  return cv::countNonZero(diff) == 0;
}

/// A uint8 RGB image with a smooth gradient and a plain 1-channel mask.
inline data::Sample rgb_sample(int channels = 3, int depth = CV_8U) {
  data::Sample sample;
  sample.id = "rgb";
  cv::Mat image(kHeight, kWidth, CV_MAKETYPE(CV_32F, channels));
  for (int y = 0; y < kHeight; ++y) {
    for (int x = 0; x < kWidth; ++x) {
      for (int c = 0; c < channels; ++c) {
        image.ptr<float>(y)[x * channels + c] =
            static_cast<float>((x * 3 + y * 2 + c * 40) % 256) / 255.0f;
      }
    }
  }
  const double scale = depth == CV_8U ? 255.0 : depth == CV_16U ? 65535.0 : 1.0;
  image.convertTo(sample.image, CV_MAKETYPE(depth, channels), scale);
  sample.mask = cv::Mat::zeros(kHeight, kWidth, CV_8UC1);
  sample.mask(cv::Rect(10, 5, 20, 15)).setTo(1);
  return sample;
}

}  // namespace segkit::transforms::test
