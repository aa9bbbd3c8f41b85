#include "segkit/loader/mat_tensor.h"

#include <fmt/format.h>

#include <opencv2/core.hpp>
#include <vector>

#include "segkit/core/error.h"

namespace segkit::loader {

torch::Tensor mat_to_chw(const cv::Mat& mat) {
  auto out = torch::empty({mat.channels(), mat.rows, mat.cols}, torch::kFloat32);
  write_chw(mat, out);
  return out;
}

void write_chw(const cv::Mat& mat, torch::Tensor out) {
  const int channels = mat.channels();
  if (out.dim() != 3 || out.size(0) != channels || out.size(1) != mat.rows ||
      out.size(2) != mat.cols || out.scalar_type() != torch::kFloat32 || !out.is_contiguous()) {
    throw ShapeError(fmt::format("cannot write a {}x{}x{} image into a tensor of shape {}",
                                 mat.rows, mat.cols, channels, fmt::join(out.sizes(), "x")));
  }
  float* base = out.data_ptr<float>();
  const size_t plane = static_cast<size_t>(mat.rows) * mat.cols;
  std::vector<cv::Mat> planes;
  planes.reserve(channels);
  if (mat.depth() == CV_32F) {
    for (int c = 0; c < channels; ++c) planes.emplace_back(mat.rows, mat.cols, CV_32F, base + c * plane);
    cv::split(mat, planes);
    return;
  }
  // Other depths: split at the source depth, then widen each plane into the tensor.
  std::vector<cv::Mat> narrow;
  cv::split(mat, narrow);
  for (int c = 0; c < channels; ++c) {
    cv::Mat wide(mat.rows, mat.cols, CV_32F, base + c * plane);
    narrow[c].convertTo(wide, CV_32F);
  }
}

cv::Mat chw_to_mat(const torch::Tensor& chw) {
  if (chw.dim() != 3) {
    throw ShapeError(fmt::format("expected a C x H x W tensor, got shape {}", fmt::join(chw.sizes(), "x")));
  }
  torch::Tensor src = chw.to(torch::kCPU);
  int depth = CV_32F;
  if (src.scalar_type() == torch::kUInt8) {
    depth = CV_8U;
  } else if (src.scalar_type() != torch::kFloat32) {
    src = src.to(torch::kFloat32);
  }
  src = src.contiguous();
  const int channels = static_cast<int>(src.size(0));
  const int rows = static_cast<int>(src.size(1));
  const int cols = static_cast<int>(src.size(2));
  const size_t plane_bytes = static_cast<size_t>(rows) * cols * src.element_size();
  auto* bytes = static_cast<uint8_t*>(src.data_ptr());
  std::vector<cv::Mat> planes;
  planes.reserve(channels);
  for (int c = 0; c < channels; ++c) planes.emplace_back(rows, cols, depth, bytes + c * plane_bytes);
  cv::Mat out;
  cv::merge(planes, out);
  return out;
}

}  // namespace segkit::loader
