#include "segkit/encoders/pretrained.h"

#include <regex>
#include <set>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/nn/state_dict.h"
#include "segkit/nn/tensor_io.h"

namespace segkit::encoders {

void refuse_pickle(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".pth" || ext == ".pt" || ext == ".bin" || ext == ".ckpt" || ext == ".pkl") {
    throw DataError("'" + file.string() +
                    "' is a pickled PyTorch checkpoint; segkit never unpickles (it can run code). Convert it once "
                    "in Python: `from safetensors.torch import save_file; import torch; "
                    "save_file(torch.load(PATH, map_location='cpu'), 'weights.safetensors')` (for a whole "
                    "checkpoint, pass its state_dict)");
  }
}

namespace {

// A timm checkpoint's name inside SMP's `tu-` wrapper: under `model.`, with the top-level sequences
// timm's features_only wrapper flattens (`stages.0.` -> `stages_0.`, `stem.1.` -> `stem_1.`); "" for
// the classifier and final norm, which the wrapper drops.
std::string timm_feature_name(const std::string& name, const std::set<std::string>& own_names) {
  static const std::regex kTimmHead(R"(^(head|norm_pre|final_conv|conv_head_out)\..*$)");
  if (std::regex_match(name, kTimmHead)) return "";
  const std::string plain = "model." + name;
  if (own_names.count(plain) > 0) return plain;
  static const std::regex kSequenceIndex(R"(^(\w+)\.(\d+)\.(.*)$)");
  std::smatch match;
  if (std::regex_match(name, match, kSequenceIndex)) {
    const std::string flattened = "model." + match[1].str() + "_" + match[2].str() + "." + match[3].str();
    if (own_names.count(flattened) > 0) return flattened;
  }
  return plain;  // left for the strict load to report
}

}  // namespace

void load_encoder_weights(EncoderImpl& encoder, const std::string& encoder_name, const std::filesystem::path& file) {
  refuse_pickle(file);
  if (file == "imagenet" || file == "ssl" || file == "swsl" || file == "advprop") {
    throw ConfigError("encoder_weights '" + file.string() +
                      "' names a download; segkit never downloads: give the path of a .safetensors file with the "
                      "weights of " + encoder_name);
  }
  const auto loaded = nn::load_safetensors(file);
  bool whole_model = false;
  for (const auto& entry : loaded.tensors) whole_model = whole_model || starts_with(entry.first, "encoder.");
  static const std::regex kLegacyDenseNet(R"(^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$)");
  static const std::regex kHead(R"(^(fc|classifier|_fc|last_linear|head)(\.\d+)?\.(weight|bias)$)");
  const bool timm_universal = starts_with(encoder_name, "tu-");
  std::set<std::string> own_names;
  for (const auto& entry : nn::state_dict(encoder)) own_names.insert(entry.first);
  nn::NamedTensors tensors;
  for (const auto& [raw_name, tensor] : loaded.tensors) {
    std::string name = raw_name;
    if (whole_model) {
      if (!starts_with(name, "encoder.")) continue;  // decoder and heads of a whole SMP model
      name = name.substr(8);
    }
    if (std::regex_match(name, kHead)) continue;
    std::smatch match;
    if (std::regex_match(name, match, kLegacyDenseNet)) name = match[1].str() + match[2].str();
    if (timm_universal && !starts_with(name, "model.")) name = timm_feature_name(name, own_names);
    if (timm_universal && name.empty()) continue;
    tensors.emplace_back(name, tensor);
  }
  try {
    nn::load_state_dict(encoder, tensors, /*strict=*/true);
  } catch (const ShapeError& e) {
    throw ShapeError("encoder_weights '" + file.string() + "' do not fit " + encoder_name + ": " + e.what());
  }
}

}  // namespace segkit::encoders
