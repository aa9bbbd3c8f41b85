#pragma once
// Builds the optimiser from the `optimizer:` config section, with SMP-style learning rates per part
// of the model. Param groups come in this fixed order, empty ones omitted:
//
//   encoder, encoder_no_decay, decoder, decoder_no_decay, head, head_no_decay
//
// encoder = parameters named "encoder.*"; head = "segmentation_head.*" and "classification_head.*";
// decoder = everything else. The *_no_decay groups exist only with no_decay_on_norm_and_bias and
// hold biases and norm scales (every parameter named "*.bias" or with at most one dimension, timm's
// rule), with weight_decay 0. Frozen parameters stay in their groups (optimisers skip parameters
// without a gradient), so unfreezing needs no new optimiser.
//
// `groups` replaces that split with layer groups of your own, in order (fastai's layer groups):
//   groups: [{name: body_low, prefixes: [encoder.conv1, encoder.bn1, encoder.layer1, encoder.layer2]},
//            {name: body_high, prefixes: [encoder.layer3, encoder.layer4]},
//            {name: head, prefixes: [decoder, segmentation_head], lr: 1e-3}]
// A parameter joins the first group with a prefix equal to its name or to a leading run of its
// dotted components; one that matches no group is a ConfigError naming it. A group's `lr` defaults
// to `lr`; encoder_lr / decoder_lr / head_lr do not apply.
//
// Keys (all optional; PyTorch's names and defaults):
//   name adam|adamw|sgd (adam), lr 1e-3, encoder_lr / decoder_lr / head_lr (lr),
//   weight_decay (0; adamw 1e-2), no_decay_on_norm_and_bias false, betas [0.9, 0.999], eps 1e-8,
//   amsgrad false (adam, adamw); momentum 0.9, nesterov false, dampening 0 (sgd).
// Throws ConfigError for an unknown name or key (with the closest valid one), a value of the wrong
// type or out of range.
//
//   auto optimizer = segkit::train::build_optimizer(model, {{"name", "adamw"}, {"encoder_lr", 1e-4}});
//   auto names = segkit::train::param_group_names(model, section);   // names[i] = group i

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "segkit/config/yaml_loader.h"
#include "segkit/models/segmentation_model.h"

namespace segkit::train {

/// The `optimizer:` section, parsed and checked.
/// One of `groups`: parameters whose names start with one of `prefixes`.
struct LayerGroup {
  std::string name;
  std::vector<std::string> prefixes;
  std::optional<double> lr{};
};

struct OptimizerOptions {
  std::string name = "adam";
  double lr = 1e-3;
  std::optional<double> encoder_lr{}, decoder_lr{}, head_lr{};  // nullopt: lr
  std::optional<double> weight_decay{};                         // nullopt: 0, adamw 1e-2
  bool no_decay_on_norm_and_bias = false;
  double beta1 = 0.9, beta2 = 0.999;
  double eps = 1e-8;
  bool amsgrad = false;
  double momentum = 0.9;
  bool nesterov = false;
  double dampening = 0.0;
  std::vector<LayerGroup> groups{};  // empty: encoder / decoder / head

  /// Throws ConfigError as described above.
  static OptimizerOptions from_json(const config::json& section);
  /// weight_decay with the optimiser's default filled in.
  double resolved_weight_decay() const;
};

/// One param group before it is handed to the optimiser.
struct ParamGroup {
  std::string name;  // "encoder", "encoder_no_decay", "decoder", ...
  std::vector<torch::Tensor> params{};
  double lr = 0.0;
  double weight_decay = 0.0;
};

/// The groups in the documented order, empty ones omitted.
std::vector<ParamGroup> make_param_groups(const torch::nn::Module& model, const OptimizerOptions& options);

/// The optimiser for prepared groups; group i of the result is groups[i].
std::unique_ptr<torch::optim::Optimizer> build_optimizer(const std::vector<ParamGroup>& groups,
                                                         const OptimizerOptions& options);

std::unique_ptr<torch::optim::Optimizer> build_optimizer(models::SegmentationModel& model, const config::json& section);

/// The names of the groups build_optimizer(model, section) creates, in order.
std::vector<std::string> param_group_names(const models::SegmentationModel& model, const config::json& section);

}  // namespace segkit::train
