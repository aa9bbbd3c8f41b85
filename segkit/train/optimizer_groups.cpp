#include "segkit/train/optimizer_groups.h"

#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/sgd.h>

namespace segkit::train {

double group_lr(const torch::optim::Optimizer& optimizer, size_t group) {
  return optimizer.param_groups().at(group).options().get_lr();
}

void set_group_lr(torch::optim::Optimizer& optimizer, size_t group, double lr) {
  optimizer.param_groups().at(group).options().set_lr(lr);
}

std::optional<double> group_momentum(const torch::optim::Optimizer& optimizer, size_t group) {
  const auto& options = optimizer.param_groups().at(group).options();
  if (const auto* sgd = dynamic_cast<const torch::optim::SGDOptions*>(&options)) return sgd->momentum();
  if (const auto* adam = dynamic_cast<const torch::optim::AdamOptions*>(&options)) return std::get<0>(adam->betas());
  if (const auto* adamw = dynamic_cast<const torch::optim::AdamWOptions*>(&options)) {
    return std::get<0>(adamw->betas());
  }
  return std::nullopt;
}

bool set_group_momentum(torch::optim::Optimizer& optimizer, size_t group, double momentum) {
  auto& options = optimizer.param_groups().at(group).options();
  if (auto* sgd = dynamic_cast<torch::optim::SGDOptions*>(&options)) {
    sgd->momentum(momentum);
  } else if (auto* adam = dynamic_cast<torch::optim::AdamOptions*>(&options)) {
    adam->betas({momentum, std::get<1>(adam->betas())});
  } else if (auto* adamw = dynamic_cast<torch::optim::AdamWOptions*>(&options)) {
    adamw->betas({momentum, std::get<1>(adamw->betas())});
  } else {
    return false;
  }
  return true;
}

}  // namespace segkit::train
