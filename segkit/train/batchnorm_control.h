#pragma once
// Training-time control of BatchNorm layers and frozen parts of a model.
//
//   segkit::train::set_batchnorm_momentum(*model, 0.01);       // PyTorch's momentum (1 - TF's)
//   segkit::train::freeze_module(model->encoder(), true);      // = model->freeze_encoder()
//   model->train();                                            // encoder norms stay in eval
//   segkit::train::freeze_module(model->encoder(), false);     // norms follow the model again

#include <torch/nn/module.h>

namespace segkit::train {

/// Sets the momentum of every BatchNorm layer inside `module` (segkit's nn::BatchNorm2d and
/// LibTorch's BatchNorm1d/2d/3d): running = (1 - momentum) * running + momentum * batch. Returns
/// the number of layers changed. Throws ConfigError unless 0 <= momentum <= 1.
int set_batchnorm_momentum(torch::nn::Module& module, double momentum);

/// frozen: every parameter of `module` stops requiring gradients, its gradients are dropped (so
/// an optimiser skips the parameters; LibTorch's zero_grad() would keep zeros that Adam's
/// momentum and weight decay still act on), and every nn::BatchNorm2d in it stays in eval mode,
/// its running statistics fixed, even when the model is put in train mode.
/// Not frozen: gradients on again and the norm layers take `module`'s current mode.
/// With `train_bn` (fastai's default), the BatchNorm layers of a frozen module keep training: their
/// weights and biases get gradients and their running statistics follow the model's mode.
/// The frozen state is not part of state_dict: set it again after building a model to resume.
void freeze_module(torch::nn::Module& module, bool frozen, bool train_bn = false);

}  // namespace segkit::train
