#pragma once
// SMP's Linknet: encoder, LinknetDecoder (prefinal 32 channels), a 1x1 head. Arguments (SMP's):
// encoder_name, encoder_depth 5, encoder_weights, decoder_use_norm batchnorm, in_channels, classes,
// activation, aux_params.

#include "segkit/models/segmentation_model.h"

namespace segkit::models {

class LinknetImpl : public SegmentationModelImpl {
 public:
  explicit LinknetImpl(const json& arguments);
};

}  // namespace segkit::models
