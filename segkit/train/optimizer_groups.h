#pragma once
// Reads and writes one param group's learning rate and momentum whatever the optimiser type, as
// Python code does with `optimizer.param_groups[i]["lr"]`. Schedulers and the trainer (logging lr
// per group, new rates after unfreezing) go through these.
//
//   set_group_lr(optimizer, 0, 1e-4);
//   double lr = group_lr(optimizer, 0);
//
// "Momentum" is SGD's `momentum` or Adam/AdamW's beta1, the value OneCycleLR cycles.
// Throws std::out_of_range for a group index past param_groups().size().

#include <torch/optim/optimizer.h>

#include <optional>

namespace segkit::train {

double group_lr(const torch::optim::Optimizer& optimizer, size_t group);
void set_group_lr(torch::optim::Optimizer& optimizer, size_t group, double lr);

/// nullopt for an optimiser type without momentum (anything but SGD, Adam, AdamW).
std::optional<double> group_momentum(const torch::optim::Optimizer& optimizer, size_t group);
/// Returns false (and changes nothing) for an optimiser type without momentum.
bool set_group_momentum(torch::optim::Optimizer& optimizer, size_t group, double momentum);

}  // namespace segkit::train
