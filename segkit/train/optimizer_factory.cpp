#include "segkit/train/optimizer_factory.h"

#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/sgd.h>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/train/section_args.h"

namespace segkit::train {
namespace {

void require_option(bool ok, const std::string& message) {
  if (!ok) throw ConfigError("optimizer: " + message);
}

// Parts in group order; a name's first matching prefix decides (no prefix: decoder).
enum ParamPart { kEncoderPart = 0, kDecoderPart = 1, kHeadPart = 2 };

ParamPart part_of_parameter(const std::string& name) {
  if (starts_with(name, "encoder.")) return kEncoderPart;
  if (starts_with(name, "segmentation_head.") || starts_with(name, "classification_head.")) return kHeadPart;
  return kDecoderPart;
}

bool exempt_from_decay(const std::string& name, const torch::Tensor& parameter) {
  return name == "bias" || ends_with(name, ".bias") || parameter.dim() <= 1;
}

template <typename Options>
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::vector<ParamGroup>& groups, Options defaults) {
  std::vector<torch::optim::OptimizerParamGroup> torch_groups;
  for (const auto& group : groups) {
    auto options = std::make_unique<Options>(defaults);
    options->lr(group.lr);
    options->weight_decay(group.weight_decay);
    torch_groups.emplace_back(group.params, std::move(options));
  }
  if constexpr (std::is_same_v<Options, torch::optim::SGDOptions>) {
    return std::make_unique<torch::optim::SGD>(std::move(torch_groups), defaults);
  } else if constexpr (std::is_same_v<Options, torch::optim::AdamWOptions>) {
    return std::make_unique<torch::optim::AdamW>(std::move(torch_groups), defaults);
  } else {
    return std::make_unique<torch::optim::Adam>(std::move(torch_groups), defaults);
  }
}

std::vector<LayerGroup> read_layer_groups(const config::json& list) {
  const std::string expected = "'groups' must be a list of {name, prefixes: [...], lr (optional)}";
  require_option(list.is_array() && !list.empty(), expected + ", got " + list.dump());
  std::vector<LayerGroup> groups;
  for (size_t i = 0; i < list.size(); ++i) {
    SectionArgs args(list[i], "optimizer.groups[" + std::to_string(i) + "]");
    LayerGroup group;
    group.lr = args.optional_number("lr");
    args.declare("name");
    args.declare("prefixes");
    const auto& name = list[i].value("name", config::json("group" + std::to_string(i)));
    require_option(name.is_string() && !name.get<std::string>().empty(),
                   "groups[" + std::to_string(i) + "].name must be a non-empty string");
    group.name = name.get<std::string>();
    args.finish();
    const auto& prefixes = list[i]["prefixes"];
    require_option(prefixes.is_array() && !prefixes.empty(),
                   "groups[" + std::to_string(i) + "].prefixes must be a non-empty list of parameter-name prefixes");
    for (const auto& prefix : prefixes) {
      require_option(prefix.is_string() && !prefix.get<std::string>().empty(),
                     "groups[" + std::to_string(i) + "].prefixes holds " + prefix.dump() + ", not a name prefix");
      group.prefixes.push_back(prefix.get<std::string>());
    }
    for (const auto& other : groups) require_option(other.name != group.name, "two groups are named '" + group.name + "'");
    groups.push_back(std::move(group));
  }
  return groups;
}

// The first layer group one of whose prefixes is the name or a leading run of its components.
std::optional<size_t> layer_group_of(const std::string& name, const std::vector<LayerGroup>& groups) {
  for (size_t g = 0; g < groups.size(); ++g) {
    for (const auto& prefix : groups[g].prefixes) {
      if (name == prefix || starts_with(name, prefix + ".")) return g;
    }
  }
  return std::nullopt;
}

std::vector<ParamGroup> make_layer_groups(const torch::nn::Module& model, const OptimizerOptions& options) {
  const double decay = options.resolved_weight_decay();
  std::vector<ParamGroup> groups;
  for (const auto& layer : options.groups) {
    const double lr = layer.lr.value_or(options.lr);
    groups.push_back({layer.name, {}, lr, decay});
    groups.push_back({layer.name + "_no_decay", {}, lr, 0.0});
  }
  for (const auto& item : model.named_parameters()) {
    const auto group = layer_group_of(item.key(), options.groups);
    if (!group) {
      throw ConfigError("optimizer.groups: parameter '" + item.key() +
                        "' is in no group; add a prefix of it (e.g. '" + item.key().substr(0, item.key().find('.')) +
                        "') to a group");
    }
    const bool no_decay = options.no_decay_on_norm_and_bias && exempt_from_decay(item.key(), item.value());
    groups[2 * *group + (no_decay ? 1 : 0)].params.push_back(item.value());
  }
  std::vector<ParamGroup> result;
  for (auto& group : groups) {
    if (!group.params.empty()) result.push_back(std::move(group));
  }
  return result;
}

}  // namespace

OptimizerOptions OptimizerOptions::from_json(const config::json& section) {
  SectionArgs args(section, "optimizer");
  OptimizerOptions o;
  o.name = args.choice("name", o.name, {"adam", "adamw", "sgd"});
  o.lr = args.number("lr", o.lr);
  o.encoder_lr = args.optional_number("encoder_lr");
  o.decoder_lr = args.optional_number("decoder_lr");
  o.head_lr = args.optional_number("head_lr");
  o.weight_decay = args.optional_number("weight_decay");
  o.no_decay_on_norm_and_bias = args.boolean("no_decay_on_norm_and_bias", o.no_decay_on_norm_and_bias);
  args.declare("groups");
  if (section.is_object() && section.contains("groups")) o.groups = read_layer_groups(section["groups"]);
  require_option(o.groups.empty() || (!o.encoder_lr && !o.decoder_lr && !o.head_lr),
                 "encoder_lr / decoder_lr / head_lr do not apply with 'groups'; give each group its 'lr'");
  if (o.name == "sgd") {
    o.momentum = args.number("momentum", o.momentum);
    o.nesterov = args.boolean("nesterov", o.nesterov);
    o.dampening = args.number("dampening", o.dampening);
  } else {
    const auto betas = args.numbers("betas", {o.beta1, o.beta2});
    o.beta1 = betas[0];
    o.beta2 = betas[1];
    o.eps = args.number("eps", o.eps);
    o.amsgrad = args.boolean("amsgrad", o.amsgrad);
  }
  args.finish();

  // PyTorch's constructor checks, as configuration errors.
  const std::pair<const char*, std::optional<double>> rates[] = {
      {"lr", o.lr}, {"encoder_lr", o.encoder_lr}, {"decoder_lr", o.decoder_lr}, {"head_lr", o.head_lr}};
  for (const auto& [key, value] : rates) {
    if (value && *value < 0) {
      require_option(false, std::string("'") + key + "' must be >= 0, got " + std::to_string(*value));
    }
  }
  require_option(o.resolved_weight_decay() >= 0, "'weight_decay' must be >= 0");
  require_option(o.beta1 >= 0 && o.beta1 < 1 && o.beta2 >= 0 && o.beta2 < 1, "'betas' must lie in [0, 1)");
  require_option(o.eps >= 0, "'eps' must be >= 0");
  require_option(o.momentum >= 0, "'momentum' must be >= 0");
  require_option(!o.nesterov || (o.momentum > 0 && o.dampening == 0),
          "'nesterov' requires a momentum > 0 and zero dampening (as torch.optim.SGD)");
  return o;
}

double OptimizerOptions::resolved_weight_decay() const {
  return weight_decay.value_or(name == "adamw" ? 1e-2 : 0.0);
}

std::vector<ParamGroup> make_param_groups(const torch::nn::Module& model, const OptimizerOptions& options) {
  if (!options.groups.empty()) return make_layer_groups(model, options);
  static const char* const kNames[3] = {"encoder", "decoder", "head"};
  const double lrs[3] = {options.encoder_lr.value_or(options.lr), options.decoder_lr.value_or(options.lr),
                         options.head_lr.value_or(options.lr)};
  const double decay = options.resolved_weight_decay();
  // groups[2 * part]: decayed, groups[2 * part + 1]: exempt.
  std::vector<ParamGroup> groups(6);
  for (int part = 0; part < 3; ++part) {
    groups[2 * part] = {kNames[part], {}, lrs[part], decay};
    groups[2 * part + 1] = {std::string(kNames[part]) + "_no_decay", {}, lrs[part], 0.0};
  }
  for (const auto& item : model.named_parameters()) {
    const bool no_decay = options.no_decay_on_norm_and_bias && exempt_from_decay(item.key(), item.value());
    groups[2 * part_of_parameter(item.key()) + (no_decay ? 1 : 0)].params.push_back(item.value());
  }
  std::vector<ParamGroup> result;
  for (auto& group : groups) {
    if (!group.params.empty()) result.push_back(std::move(group));
  }
  return result;
}

std::unique_ptr<torch::optim::Optimizer> build_optimizer(const std::vector<ParamGroup>& groups,
                                                         const OptimizerOptions& o) {
  if (groups.empty()) throw ConfigError("optimizer: the model has no parameters to optimise");
  const double decay = o.resolved_weight_decay();
  if (o.name == "sgd") {
    return make_optimizer(groups, torch::optim::SGDOptions(o.lr).momentum(o.momentum).dampening(o.dampening)
                            .weight_decay(decay).nesterov(o.nesterov));
  }
  if (o.name == "adamw") {
    return make_optimizer(groups, torch::optim::AdamWOptions(o.lr).betas({o.beta1, o.beta2}).eps(o.eps)
                            .weight_decay(decay).amsgrad(o.amsgrad));
  }
  return make_optimizer(groups, torch::optim::AdamOptions(o.lr).betas({o.beta1, o.beta2}).eps(o.eps)
                          .weight_decay(decay).amsgrad(o.amsgrad));
}

std::unique_ptr<torch::optim::Optimizer> build_optimizer(models::SegmentationModel& model,
                                                         const config::json& section) {
  const auto options = OptimizerOptions::from_json(section);
  return build_optimizer(make_param_groups(*model, options), options);
}

std::vector<std::string> param_group_names(const models::SegmentationModel& model, const config::json& section) {
  std::vector<std::string> names;
  for (const auto& group : make_param_groups(*model, OptimizerOptions::from_json(section))) names.push_back(group.name);
  return names;
}

}  // namespace segkit::train
