#pragma once
// A collated mini-batch, as the trainer and the predictor consume it.
//
//   images   N x C x H x W float32 (the transformed images, channels first)
//   masks    N x K x H x W float32 targets, 0/1 (soft labels: probabilities); undefined without labels
//   labels   N x K float32: 1 where class k of the (augmented) mask has a pixel above 0.5, the
//            classification head's target; undefined without labels
//   ids      the samples' ids, in batch order (submissions, out-of-fold files)
//   indices  the samples' dataset indices, in batch order
//   source_sizes  each image's size as read, before the transform (predictions are resized back to it)

#include <opencv2/core/types.hpp>
#include <torch/types.h>

#include <string>
#include <vector>

namespace segkit::loader {

struct Batch {
  torch::Tensor images;
  torch::Tensor masks;
  torch::Tensor labels;
  std::vector<std::string> ids;
  std::vector<size_t> indices;
  std::vector<cv::Size> source_sizes;

  int64_t size() const { return static_cast<int64_t>(ids.size()); }
  bool has_masks() const { return masks.defined(); }
};

}  // namespace segkit::loader
