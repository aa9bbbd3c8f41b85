#include "segkit/train/config_check.h"

#include <regex>

#include "segkit/core/error.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/nn/mixed_precision.h"
#include "segkit/nn/runtime.h"
#include "segkit/train/train_options.h"
#include "segkit/train/train_run.h"
#include "segkit/transforms/transform_registry.h"

namespace segkit::train {
namespace {

bool mentions_word(const std::string& message, const std::string& word) {
  for (size_t at = message.find(word); at != std::string::npos; at = message.find(word, at + 1)) {
    const auto is_name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    const bool starts = at == 0 || !is_name_char(message[at - 1]);
    const size_t end = at + word.size();
    const bool ends = end == message.size() || !is_name_char(message[end]);
    if (starts && ends) return true;
  }
  return false;
}

}  // namespace

std::string locate_message(const config::Config& config, const std::string& section, const std::string& message) {
  static const std::regex kLocated(R"(^[^\s:]+\.ya?ml:\d+:\d+: )");
  if (std::regex_search(message, kLocated)) return message;
  // "augment.train[2] (Resize): ..." names a list element: its key is augment.train.2.
  static const std::regex kIndexed(R"(([A-Za-z_.]+)\[(\d+)\])");
  std::smatch match;
  std::string best = section;
  if (std::regex_search(message, match, kIndexed)) {
    const std::string key = match[1].str() + "." + match[2].str();
    if (config.locations().count(key) > 0) best = key;
  }
  const std::string prefix = best + ".";
  for (const auto& [key, location] : config.locations()) {
    if (key.rfind(prefix, 0) != 0 || key.size() <= best.size()) continue;
    const std::string leaf = key.substr(key.rfind('.') + 1);
    if (std::isdigit(static_cast<unsigned char>(leaf.front()))) continue;  // indices only through [N]
    if (mentions_word(message, leaf) && key.size() > best.size()) best = key;
  }
  const std::string where = config.where(best);
  const bool names_section = message.rfind(section, 0) == 0;
  return where + (names_section ? "" : section + ": ") + message;
}

void with_config_location(const config::Config& config, const std::string& section, const std::function<void()>& build) {
  try {
    build();
  } catch (const ConfigError& error) {
    throw ConfigError(locate_message(config, section, error.what()));
  }
}

void check_training_setup(const config::Config& config, const data::Dataset* dataset) {
  for (const std::string list : {"augment.train", "augment.val"}) {
    with_config_location(config, list, [&] { transforms::build_pipeline(config.at(list), list); });
  }
  build_trainer_parts(config, dataset, 1);  // locates its own errors by section
  with_config_location(config, "train", [&] {
    const TrainOptions options = read_train_options(config);
    const torch::Device device(nn::resolve_device(options.device));
    nn::training_precision(options.precision, device);
  });
}

void check_config(const config::Config& config, const std::filesystem::path& config_dir) {
  data::DatasetPtr dataset;
  if (!config.at("data.format").is_null()) {
    with_config_location(config, "data", [&] { dataset = data::build_dataset(config.at("data"), config_dir); });
  }
  if (!config.at("pseudo_labels.data").is_null()) {
    with_config_location(config, "pseudo_labels.data",
                         [&] { data::build_dataset(config.at("pseudo_labels.data"), config_dir); });
  }
  check_training_setup(config, dataset.get());
}

}  // namespace segkit::train
