#pragma once
// A decoder turns the encoder's features [x, f1, ..., f_depth] into one map that the segmentation
// head reads; `out_channels()` is that map's channel count.

#include <torch/nn/module.h>
#include <torch/types.h>

#include <vector>

namespace segkit::models {

class DecoderImpl : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const std::vector<torch::Tensor>& features) = 0;
};

}  // namespace segkit::models
