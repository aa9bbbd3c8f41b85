#pragma once
// fastai v1's DynamicUnet on any segkit encoder (dynamic_unet_decoder.h), the model of the SIIM
// pneumothorax kernel with `decoder_hypercolumns: true`. Arguments: encoder_name resnet34,
// encoder_depth 5, encoder_weights null, in_channels 3, classes 1, activation null, aux_params null,
// and fastai's blur false, blur_final true, last_cross true, bottle false, plus hypercolumns false and
// detach_skips false. The head is fastai's final conv_layer: a 1x1 Conv2d with bias, no activation.
// Inputs must be divisible by 2^depth (the hypercolumns scale by powers of two).

#include "segkit/models/segmentation_model.h"

namespace segkit::models {

class DynamicUnetImpl : public SegmentationModelImpl {
 public:
  explicit DynamicUnetImpl(const json& arguments);
};

}  // namespace segkit::models
