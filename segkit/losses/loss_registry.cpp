#include "segkit/losses/loss_registry.h"

#include "segkit/core/strings.h"
#include "segkit/losses/bce_loss.h"
#include "segkit/losses/channel_dice_loss.h"
#include "segkit/losses/cross_entropy_loss.h"
#include "segkit/losses/dice_loss.h"
#include "segkit/losses/focal_loss.h"
#include "segkit/losses/jaccard_loss.h"
#include "segkit/losses/kl_div_loss.h"
#include "segkit/losses/lovasz_loss.h"
#include "segkit/losses/soft_bce_loss.h"
#include "segkit/losses/soft_ce_loss.h"
#include "segkit/losses/symmetric_dice_loss.h"
#include "segkit/losses/tversky_loss.h"
#include "segkit/losses/weighted_sum_loss.h"

namespace segkit::losses {
namespace {

const std::vector<Field> kRegionFields{Field::kMode,        Field::kFromLogits,  Field::kSmooth,
                                       Field::kIgnoreIndex, Field::kClassWeights, Field::kEps};

template <typename Options>
Options read_region(LossArgs& args, bool positives_only) {
  Options options;
  read_fields(args, options, kRegionFields);
  options.classes = args.get<std::vector<int64_t>>("classes", {});
  options.log_loss = args.get<bool>("log_loss", false);
  options.positives_only = positives_only;
  return options;
}

LossPtr build_dice(LossArgs& args, bool positives_only) {
  return std::make_shared<DiceLoss>(read_region<DiceOptions>(args, positives_only));
}

LossPtr build_tversky(LossArgs& args) {
  auto options = read_region<TverskyOptions>(args, false);
  options.alpha = args.get<double>("alpha", options.alpha);
  options.beta = args.get<double>("beta", options.beta);
  options.gamma = args.get<double>("gamma", options.gamma);
  return std::make_shared<TverskyLoss>(options);
}

FocalReduction read_focal_reduction(LossArgs& args) {
  const auto name = args.get<std::string>("reduction", "mean");
  if (name == "mean") return FocalReduction::kMean;
  if (name == "sum") return FocalReduction::kSum;
  throw ConfigError("loss 'focal': reduction must be mean or sum, got '" + name + "'" +
                    did_you_mean(name, {"mean", "sum"}));
}

LossPtr build_focal(LossArgs& args) {
  FocalOptions options;
  read_fields(args, options,
              {Field::kMode, Field::kFromLogits, Field::kIgnoreIndex, Field::kClassWeights, Field::kEps});
  options.alpha = args.get_optional<double>("alpha");
  options.gamma = args.get<double>("gamma", options.gamma);
  options.normalized = args.get<bool>("normalized", false);
  options.reduced_threshold = args.get_optional<double>("reduced_threshold");
  options.reduction = read_focal_reduction(args);
  return std::make_shared<FocalLoss>(options);
}

LossPtr build_lovasz(LossArgs& args) {
  LovaszOptions options;
  read_fields(args, options, {Field::kMode, Field::kIgnoreIndex});
  options.per_image = args.get<bool>("per_image", false);
  return std::make_shared<LovaszLoss>(options);
}

LossPtr build_bce(LossArgs& args) {
  BceOptions options;
  read_fields(args, options, {Field::kMode, Field::kFromLogits, Field::kClassWeights});
  options.pos_weight = args.get<std::vector<double>>("pos_weight", {});
  return std::make_shared<BceLoss>(options);
}

LossPtr build_soft_bce(LossArgs& args) {
  SoftBceOptions options;
  options.smooth_factor = args.get_optional<double>("smooth_factor");
  if (args.has("ignore_index")) options.ignore_index = args.get_optional<int64_t>("ignore_index");
  options.pos_weight = args.get<std::vector<double>>("pos_weight", {});
  const auto reduction = args.get<std::string>("reduction", "mean");
  if (reduction != "mean" && reduction != "sum") {
    throw ConfigError("loss 'soft_bce': reduction must be mean or sum, got '" + reduction + "'");
  }
  options.mean = reduction == "mean";
  return std::make_shared<SoftBceLoss>(options);
}

LossPtr build_cross_entropy(LossArgs& args) {
  CrossEntropyOptions options;
  options.class_weights = args.get<std::vector<double>>("class_weights", {});
  options.ignore_index = args.get<int64_t>("ignore_index", options.ignore_index);
  options.label_smoothing = args.get<double>("label_smoothing", 0.0);
  return std::make_shared<CrossEntropyLoss>(options);
}

LossPtr build_soft_ce(LossArgs& args) {
  SoftCeOptions options;
  options.smooth_factor = args.get<double>("smooth_factor", 0.0);
  if (args.has("ignore_index")) options.ignore_index = args.get_optional<int64_t>("ignore_index");
  return std::make_shared<SoftCeLoss>(options);
}

LossPtr build_symmetric_dice(LossArgs& args) {
  LossOptions options;
  read_fields(args, options, {Field::kMode, Field::kFromLogits, Field::kClassWeights, Field::kEps});
  return std::make_shared<SymmetricDiceLoss>(options);
}

LossPtr build_kl_div(LossArgs& args) {
  KlDivOptions options;
  read_fields(args, options, {Field::kMode, Field::kFromLogits, Field::kClassWeights, Field::kEps});
  options.temperature = args.get<double>("temperature", 1.0);
  return std::make_shared<KlDivLoss>(options);
}

// Values a composite hands to its terms: the task's mode, class weights and void label.
json shared_values(LossArgs& args) {
  json shared = json::object();
  for (const char* key : {"mode", "class_weights", "ignore_index"}) {
    if (auto value = args.get_json(key); !value.is_null()) shared[key] = value;
  }
  return shared;
}

LossPtr build_bce_dice(LossArgs& args) {
  const auto weights = args.get<std::vector<double>>("weights", {1.0, 1.0});
  if (weights.size() != 2) throw ConfigError("loss 'bce_dice': weights must be [bce_weight, dice_weight]");
  const auto dice = args.get<std::string>("dice", "symmetric_dice");
  const std::vector<std::string> dice_names{"symmetric_dice", "dice", "dice_pos", "dice_pos_channels", "jaccard"};
  if (std::find(dice_names.begin(), dice_names.end(), dice) == dice_names.end()) {
    throw ConfigError("loss 'bce_dice': dice must be one of " + join(dice_names, ", ") + ", got '" + dice + "'" +
                      did_you_mean(dice, dice_names));
  }
  const json shared = shared_values(args);
  json bce = {{"name", "bce"}};
  if (auto pos_weight = args.get_json("pos_weight"); !pos_weight.is_null()) bce["pos_weight"] = pos_weight;
  return std::make_shared<WeightedSumLoss>(
      "bce_dice", std::vector<WeightedSumLoss::Term>{{build_loss(bce, shared), weights[0]},
                                                     {build_loss(json{{"name", dice}}, shared), weights[1]}});
}

LossPtr build_sum(LossArgs& args) {
  const json shared = shared_values(args);
  const json terms = args.get_json("terms");
  if (!terms.is_array() || terms.empty()) {
    throw ConfigError("loss 'sum': 'terms' must be a non-empty list of {name: ..., weight: ...} mappings");
  }
  std::vector<WeightedSumLoss::Term> built;
  for (json term : terms) {
    double weight = 1.0;
    if (term.is_object() && term.contains("weight")) {
      if (!term["weight"].is_number()) throw ConfigError("loss 'sum': a term's weight must be a number");
      weight = term["weight"].get<double>();
      term.erase("weight");
    }
    built.emplace_back(build_loss(term, shared), weight);
  }
  return std::make_shared<WeightedSumLoss>("sum", std::move(built));
}

}  // namespace

const std::vector<LossSpec>& loss_specs() {
  static const std::vector<LossSpec> specs{
      {"bce", "binary cross-entropy on logits, per-class pos_weight (torch BCEWithLogitsLoss)", build_bce},
      {"soft_bce", "BCE with label smoothing and ignore_index (SMP SoftBCEWithLogitsLoss)", build_soft_bce},
      {"cross_entropy", "multiclass cross-entropy (torch CrossEntropyLoss)", build_cross_entropy},
      {"soft_ce", "cross-entropy with label smoothing (SMP SoftCrossEntropyLoss)", build_soft_ce},
      {"dice", "1 - soft Dice per class over the batch (SMP DiceLoss)",
       [](LossArgs& args) { return build_dice(args, false); }},
      {"dice_pos", "SMP DiceLoss over the images with a non-empty truth only",
       [](LossArgs& args) { return build_dice(args, true); }},
      {"dice_pos_channels", "soft Dice per (image, class), averaged over the channels with a non-empty truth",
       [](LossArgs& args) {
         LossOptions options;
         read_fields(args, options, {Field::kMode, Field::kFromLogits, Field::kSmooth, Field::kClassWeights, Field::kEps});
         return std::make_shared<ChannelDiceLoss>(options);
       }},
      {"symmetric_dice", "the seed pipelines' per-image foreground + background Dice", build_symmetric_dice},
      {"jaccard", "1 - soft IoU per class over the batch (SMP JaccardLoss)",
       [](LossArgs& args) { return std::make_shared<JaccardLoss>(read_region<DiceOptions>(args, false)); }},
      {"tversky", "Tversky loss, alpha on FP and beta on FN (SMP TverskyLoss)", build_tversky},
      {"focal", "focal loss per class (SMP FocalLoss)", build_focal},
      {"lovasz", "Lovasz hinge / Lovasz-Softmax (SMP LovaszLoss)", build_lovasz},
      {"kl_div", "KL divergence to soft labels", build_kl_div},
      {"bce_dice", "weights[0] * bce + weights[1] * dice (default symmetric_dice)", build_bce_dice},
      {"sum", "a weighted sum of any losses: terms [{name, weight, ...}]", build_sum},
  };
  return specs;
}

std::vector<std::string> loss_names() {
  std::vector<std::string> names;
  for (const auto& spec : loss_specs()) names.push_back(spec.name);
  return names;
}

LossPtr build_loss(const json& config) { return build_loss(config, json::object()); }

LossPtr build_loss(const json& config, const json& inherited) {
  if (config.is_string()) return build_loss(json{{"name", config}}, inherited);
  if (!config.is_object() || !config.contains("name") || !config["name"].is_string()) {
    throw ConfigError("a loss config needs a 'name' (one of " + join(loss_names(), ", ") + "), got " + config.dump());
  }
  const auto name = config["name"].get<std::string>();
  for (const auto& spec : loss_specs()) {
    if (spec.name != name) continue;
    LossArgs args(config, name, inherited);
    auto loss = spec.build(args);
    args.finish();
    return loss;
  }
  throw ConfigError("unknown loss '" + name + "'" + did_you_mean(name, loss_names()) +
                    "; valid losses: " + join(loss_names(), ", "));
}

}  // namespace segkit::losses
