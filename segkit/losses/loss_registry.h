#pragma once
// Builds a loss from its config, by SMP-style lowercase names. A config is a mapping with `name`
// and that loss's arguments (docs/training.md lists them with defaults), or just the name:
//   {name: dice, mode: multilabel, smooth: 1.0}
//   {name: bce_dice, weights: [2.7, 0.7], mode: multilabel, class_weights: [0.25, 0.32, 0.23, 0.2]}
//   {name: sum, mode: multilabel, terms: [{name: bce, weight: 0.75}, {name: dice, weight: 0.25}]}
// Unknown names, unknown keys, wrong types and bad values throw ConfigError naming the closest
// valid choice.
//
//   auto loss = segkit::losses::build_loss({{"name", "focal"}, {"gamma", 2.0}});

#include <functional>

#include "segkit/losses/loss_args.h"

namespace segkit::losses {

struct LossSpec {
  std::string name;
  std::string summary;  // one line for `segkit` listings and docs
  std::function<LossPtr(LossArgs&)> build;
};

/// Every registered loss, in documentation order.
const std::vector<LossSpec>& loss_specs();

std::vector<std::string> loss_names();

/// Throws ConfigError for a missing or unknown name and for bad arguments.
LossPtr build_loss(const json& config);

/// As build_loss, with values a "sum" hands down to its terms (see LossArgs).
LossPtr build_loss(const json& config, const json& inherited);

}  // namespace segkit::losses
