#pragma once
// SMP's UnetPlusPlus: encoder, UnetPlusPlusDecoder, a 3x3 segmentation head. Arguments (SMP's names
// and defaults): encoder_name resnet34, encoder_depth 5, encoder_weights null, decoder_use_norm
// batchnorm, decoder_channels [256, 128, 64, 32, 16], decoder_attention_type null|scse,
// decoder_interpolation nearest, in_channels 3, classes 1, activation null, aux_params null.
// The input size must be divisible by 2^depth.

#include "segkit/models/segmentation_model.h"

namespace segkit::models {

class UnetPlusPlusImpl : public SegmentationModelImpl {
 public:
  explicit UnetPlusPlusImpl(const json& arguments);
};

}  // namespace segkit::models
