#pragma once
// The smallest real SegmentationModel for the train room's tests: Unet on resnet18 with depth 3.

#include <torch/torch.h>

#include "segkit/models/model_registry.h"

namespace segkit::train::test {

inline models::SegmentationModel tiny_unet(bool classification_head = true) {
  torch::manual_seed(0);
  models::json config = {{"arch", "unet"}, {"encoder_name", "resnet18"}, {"encoder_depth", 3},
                         {"decoder_channels", {16, 8, 4}}, {"classes", 2}};
  if (classification_head) config["aux_params"] = {{"classes", 2}};
  return models::create_model(config);
}

/// One forward/backward on a fixed batch; the gradients are left on the parameters.
inline void backward_once(models::SegmentationModel& model, int64_t seed = 1) {
  torch::manual_seed(seed);
  const auto out = model->forward_with_aux(torch::randn({2, 3, 32, 32}));
  torch::Tensor loss = out.masks.pow(2).mean();
  if (out.labels.defined()) loss = loss + out.labels.pow(2).mean();
  loss.backward();
}

}  // namespace segkit::train::test
