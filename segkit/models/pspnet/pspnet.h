#pragma once
// SMP's PSPNet: encoder (depth 3 by default, output stride 8), PSPDecoder, a 3x3 head with bilinear
// x`upsampling` (8). Arguments (SMP's): encoder_name, encoder_weights, encoder_depth 3,
// psp_out_channels 512, decoder_use_norm batchnorm, psp_dropout 0.2, in_channels, classes, activation,
// upsampling 8, aux_params.

#include "segkit/models/segmentation_model.h"

namespace segkit::models {

class PSPNetImpl : public SegmentationModelImpl {
 public:
  explicit PSPNetImpl(const json& arguments);
};

}  // namespace segkit::models
