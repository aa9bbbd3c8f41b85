#include "segkit/nn/heads.h"

#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/nn/modules/upsampling.h>

#include "segkit/core/error.h"
#include "segkit/nn/activation.h"

namespace segkit::nn {

torch::nn::Sequential segmentation_head(int64_t in_channels, int64_t out_channels, int64_t kernel_size,
                                        const std::string& activation, int64_t upsampling) {
  using namespace torch::nn;
  Sequential head;
  head->push_back(Conv2d(Conv2dOptions(in_channels, out_channels, kernel_size).padding(kernel_size / 2)));
  if (upsampling > 1) {
    const auto scale = static_cast<double>(upsampling);
    head->push_back(Upsample(UpsampleOptions()
                                 .scale_factor(std::vector<double>{scale, scale})
                                 .mode(torch::kBilinear)
                                 .align_corners(true)));
  } else {
    head->push_back(Identity());
  }
  head->push_back(Activation(activation));
  return head;
}

torch::nn::Sequential classification_head(int64_t in_channels, const AuxParams& params) {
  using namespace torch::nn;
  Sequential head;
  if (params.pooling == "avg") {
    head->push_back(AdaptiveAvgPool2d(1));
  } else if (params.pooling == "max") {
    head->push_back(AdaptiveMaxPool2d(1));
  } else {
    throw ConfigError("aux_params.pooling must be 'avg' or 'max', got '" + params.pooling + "'");
  }
  head->push_back(Flatten());
  if (params.dropout > 0) {
    head->push_back(Dropout(DropoutOptions(params.dropout)));
  } else {
    head->push_back(Identity());
  }
  head->push_back(Linear(LinearOptions(in_channels, params.classes).bias(true)));
  head->push_back(Activation(params.activation));
  return head;
}

}  // namespace segkit::nn
