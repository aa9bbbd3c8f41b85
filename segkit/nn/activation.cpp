#include "segkit/nn/activation.h"

#include <torch/types.h>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::nn {

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = {"identity", "sigmoid", "softmax2d", "softmax",
                                                 "logsoftmax", "tanh", "argmax2d", "argmax", "clamp"};
  return names;
}

ActivationImpl::ActivationImpl(std::string name) : name_(name.empty() ? "identity" : std::move(name)) {
  const auto& names = activation_names();
  if (std::find(names.begin(), names.end(), name_) == names.end()) {
    throw ConfigError("unknown activation '" + name_ + "'" + did_you_mean(name_, names) +
                      "; valid: null, " + join(names, ", "));
  }
}

torch::Tensor ActivationImpl::forward(const torch::Tensor& x) {
  if (name_ == "sigmoid") return torch::sigmoid(x);
  if (name_ == "softmax2d" || name_ == "softmax") return torch::softmax(x, 1);
  if (name_ == "logsoftmax") return torch::log_softmax(x, 1);
  if (name_ == "tanh") return torch::tanh(x);
  // SMP's argmax without a dim flattens the whole batch, which no pipeline wants: both mean dim 1.
  if (name_ == "argmax2d" || name_ == "argmax") return torch::argmax(x, 1);
  if (name_ == "clamp") return torch::clamp(x, 0, 1);
  return x;
}

}  // namespace segkit::nn
