#include "segkit/models/hub_format.h"

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/encoders/pretrained.h"
#include "segkit/models/model_registry.h"
#include "segkit/nn/tensor_io.h"

namespace segkit::models {
namespace {

constexpr const char* kConfigFile = "config.json";
constexpr const char* kWeightsFile = "model.safetensors";

// Names other tools give the same tensors: DataParallel's `module.` prefix, and the Sequential
// indices of DeepLabV3's decoder before SMP named them (SMP's DeepLabV3.load_state_dict remaps them).
nn::NamedTensors normalise_names(nn::NamedTensors tensors, const std::string& arch) {
  bool all_prefixed = !tensors.empty();
  for (const auto& entry : tensors) all_prefixed = all_prefixed && starts_with(entry.first, "module.");
  for (auto& [name, tensor] : tensors) {
    if (all_prefixed) name = name.substr(7);
    if (arch != "DeepLabV3") continue;
    if (starts_with(name, "decoder.0.")) name = "decoder.aspp." + name.substr(10);
    else if (starts_with(name, "decoder.1.")) name = "decoder.conv." + name.substr(10);
    else if (starts_with(name, "decoder.2.")) name = "decoder.bn." + name.substr(10);
  }
  return tensors;
}

}  // namespace

void save_pretrained(SegmentationModelImpl& model, const std::filesystem::path& directory) {
  std::filesystem::create_directories(directory);
  nn::save_safetensors(directory / kWeightsFile, nn::state_dict(model), {{"format", "pt"}});
  json config = model.config();
  config["encoder_weights"] = nullptr;
  config["_model_class"] = model.arch();
  write_file_atomic(directory / kConfigFile, config.dump(2) + "\n");
}

namespace {

// The activation named at `key` of `arguments`, set to null there; "" for none or identity.
std::string take_activation(json& arguments, const char* key) {
  const auto found = arguments.find(key);
  if (found == arguments.end() || found->is_null()) return "";
  const std::string name = found->is_string() ? found->get<std::string>() : found->dump();
  *found = nullptr;
  return name == "identity" ? "" : name;
}

SegmentationModel load_hub(const std::filesystem::path& directory, bool strict, LogitModel* logits) {
  const auto config_path = directory / kConfigFile;
  if (!std::filesystem::is_directory(directory)) {
    throw IoError("'" + directory.string() + "' is not a model directory (config.json + model.safetensors)");
  }
  json config;
  try {
    config = json::parse(read_file(config_path));
  } catch (const json::exception& e) {
    throw DataError(config_path.string() + ": not valid JSON: " + e.what());
  }
  if (!config.is_object() || !config.contains("_model_class") || !config["_model_class"].is_string()) {
    throw DataError(config_path.string() + ": needs \"_model_class\" (the SMP class, e.g. \"Unet\")");
  }
  json arguments = json::object();
  for (const auto& [key, value] : config.items()) {
    if (!starts_with(key, "_")) arguments[key] = value;
  }
  arguments["arch"] = config["_model_class"];
  arguments["encoder_weights"] = nullptr;
  if (logits != nullptr) {
    logits->activation = take_activation(arguments, "activation");
    if (auto aux = arguments.find("aux_params"); aux != arguments.end() && aux->is_object()) {
      logits->aux_activation = take_activation(*aux, "activation");
    }
  }
  SegmentationModel model;
  try {
    model = create_model(arguments);
  } catch (const ConfigError& e) {
    throw ConfigError(config_path.string() + ": " + e.what());
  }
  if (!std::filesystem::exists(directory / kWeightsFile) && std::filesystem::exists(directory / "pytorch_model.bin")) {
    encoders::refuse_pickle(directory / "pytorch_model.bin");
  }
  load_weights(*model, directory / kWeightsFile, strict);
  return model;
}

}  // namespace

SegmentationModel from_pretrained(const std::filesystem::path& directory, bool strict) {
  return load_hub(directory, strict, nullptr);
}

LogitModel from_pretrained_logits(const std::filesystem::path& directory) {
  LogitModel loaded;
  loaded.model = load_hub(directory, true, &loaded);
  return loaded;
}

nn::LoadReport load_weights(SegmentationModelImpl& model, const std::filesystem::path& file, bool strict) {
  encoders::refuse_pickle(file);
  auto loaded = nn::load_safetensors(file);
  try {
    return nn::load_state_dict(model, normalise_names(std::move(loaded.tensors), model.arch()), strict);
  } catch (const ShapeError& e) {
    throw ShapeError("'" + file.string() + "' does not fit this " + model.arch() + ": " + e.what());
  }
}

}  // namespace segkit::models
