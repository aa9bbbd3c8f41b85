#pragma once
// cv::Mat (H x W x C, interleaved) <-> torch::Tensor (C x H x W, planar) without per-pixel loops:
// cv::split writes straight into Mats that wrap the tensor's memory, so a conversion is one pass.
//
//   torch::Tensor chw = segkit::loader::mat_to_chw(sample.image);        // float32 C x H x W
//   cv::Mat probabilities = segkit::loader::chw_to_mat(prediction[0]);   // CV_32F H x W x C
//
// Values are converted, not rescaled: an 8-bit image becomes float 0..255 (albumentations'
// ToTensorV2 followed by .float()); Normalize in the transform list does the scaling.

#include <opencv2/core/mat.hpp>
#include <torch/types.h>

namespace segkit::loader {

/// H x W x C Mat of any depth -> float32 C x H x W tensor (a new tensor).
torch::Tensor mat_to_chw(const cv::Mat& mat);

/// Writes `mat` as float32 planes into `out`, a contiguous float32 C x H x W tensor (or a slice of a
/// batch tensor). Throws ShapeError when the sizes differ.
void write_chw(const cv::Mat& mat, torch::Tensor out);

/// C x H x W tensor (any float or integer dtype, CPU) -> H x W x C Mat of the matching depth
/// (float32 -> CV_32F, uint8 -> CV_8U). C may exceed 4.
cv::Mat chw_to_mat(const torch::Tensor& chw);

}  // namespace segkit::loader
