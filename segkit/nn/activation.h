#pragma once
// SMP's output activations by name (base/modules.py `Activation`): null/"identity", "sigmoid",
// "softmax2d" and "softmax" (over channels), "logsoftmax", "tanh", "argmax2d"/"argmax" (class index
// over channels, int64 [N,H,W]), "clamp" (to [0, 1]).
// Parameterless, so it only holds a place in the heads' Sequential indices.

#include <torch/nn/module.h>

#include <string>
#include <vector>

namespace segkit::nn {

const std::vector<std::string>& activation_names();

class ActivationImpl : public torch::nn::Module {
 public:
  /// Throws ConfigError listing activation_names() for an unknown name.
  explicit ActivationImpl(std::string name);
  torch::Tensor forward(const torch::Tensor& x);
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};
TORCH_MODULE(Activation);

}  // namespace segkit::nn
