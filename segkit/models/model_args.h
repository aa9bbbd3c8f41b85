#pragma once
// Reads an architecture's constructor arguments from JSON (a config's `model:` section or SMP's
// config.json) the way a Python constructor takes keyword arguments, minus **kwargs: every key must
// be read, so a typo is an error that lists the valid arguments instead of being silently ignored.
//
//   ModelArgs args(json, "Unet");
//   int classes = args.get<int>("classes", 1);
//   args.finish();   // throws ConfigError for any key nobody read

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "segkit/core/error.h"

namespace segkit::models {

using json = nlohmann::ordered_json;

class ModelArgs {
 public:
  ModelArgs(json values, std::string arch);

  template <typename T>
  T get(const std::string& key, T default_value) {
    declared_.push_back(key);
    auto found = values_.find(key);
    if (found == values_.end() || found->is_null()) return default_value;
    try {
      return found->get<T>();
    } catch (const nlohmann::json::exception&) {
      throw ConfigError(arch_ + " argument '" + key + "' has the wrong type: " + found->dump());
    }
  }

  /// The raw value, or null.
  json get_json(const std::string& key);

  /// Throws ConfigError naming unknown keys, the closest valid one, and every valid argument.
  void finish() const;
  const std::string& arch() const { return arch_; }

 private:
  json values_;
  std::string arch_;
  std::vector<std::string> declared_;
};

}  // namespace segkit::models
