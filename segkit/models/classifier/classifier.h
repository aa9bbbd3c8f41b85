#pragma once
// An image classifier: any encoder, then SMP's ClassificationHead on its deepest features (pooling,
// dropout, linear). It answers "which classes does this image contain" (multi-label, one logit per
// class), the `cls` model of the clouds two-stage pipeline (EfficientNet-b1, BCE, TTA3). Arguments:
// encoder_name resnet34, encoder_depth 5, encoder_weights null, encoder_drop_connect_rate, in_channels
// 3, classes 1, pooling avg|max, dropout 0.2, activation null (of the head). Accepts any input size.
//
// The state dict is `encoder.*` + `classification_head.3.*`: an SMP encoder's weights load as they
// do into a segmentation model, and the head has the names of SMP's aux_params head.
//
//   auto classifier = segkit::models::create_model({{"arch", "classifier"}, {"encoder_name", "efficientnet-b1"},
//                                                   {"classes", 4}});
//   torch::Tensor logits = classifier->forward(images);   // [N, 4]

#include "segkit/models/segmentation_model.h"

namespace segkit::models {

class ClassifierImpl : public SegmentationModelImpl {
 public:
  explicit ClassifierImpl(const json& arguments);
};

}  // namespace segkit::models
