#pragma once
// SMP's DeepLabV3 and DeepLabV3Plus: a dilated encoder (encoder_output_stride 8 or 16), the DeepLab
// decoders (deeplab_decoders.h) and a 1x1 head with bilinear upsampling. Arguments (SMP's names and
// defaults):
//   DeepLabV3      encoder_output_stride 8, decoder_channels 256, decoder_atrous_rates [12, 24, 36],
//                  decoder_aspp_separable false, decoder_aspp_dropout 0.5, upsampling null
//                  (2^depth for depth <= 3, else the output stride)
//   DeepLabV3Plus  encoder_output_stride 16, decoder_channels 256, decoder_atrous_rates [12, 24, 36],
//                  decoder_aspp_separable true, decoder_aspp_dropout 0.5, upsampling 4, depth >= 3
// plus encoder_name, encoder_depth 5, encoder_weights, in_channels, classes, activation, aux_params.
// DenseNet and InceptionResNetV2 cannot dilate, as in SMP.

#include "segkit/models/segmentation_model.h"

namespace segkit::models {

class DeepLabV3Impl : public SegmentationModelImpl {
 public:
  explicit DeepLabV3Impl(const json& arguments);
};

class DeepLabV3PlusImpl : public SegmentationModelImpl {
 public:
  explicit DeepLabV3PlusImpl(const json& arguments);
};

}  // namespace segkit::models
