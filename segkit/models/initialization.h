#pragma once
// SMP's SegmentationModel.initialize(), run when a model is built: the decoder's convolutions
// Kaiming-uniform (fan_in, ReLU gain), its norms 1 / 0, its linear layers Xavier-uniform; the heads'
// convolutions and linear layers Xavier-uniform; every such bias 0. LibTorch's (and PyTorch's) default
// would leave the decoder's weights about 2.4x smaller than SMP trains from. Encoders keep their own
// initialisation, as in SMP; ConvTranspose2d is not an nn.Conv2d there and keeps the default too.

#include <torch/nn/module.h>

namespace segkit::models {

void initialize_decoder(torch::nn::Module& decoder);
void initialize_head(torch::nn::Module& head);

}  // namespace segkit::models
