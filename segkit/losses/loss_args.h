#pragma once
// Reads a loss's arguments from its config mapping the way a Python constructor takes keyword
// arguments, minus **kwargs: every key must be read, so a typo is a ConfigError naming the closest
// valid key. `inherited` holds values a "sum" passes down to its terms (mode, class_weights): a
// term reads them when it has such an argument and silently does without otherwise.
//
//   LossArgs args(config, "dice");
//   double smooth = args.get<double>("smooth", 0.0);
//   args.finish();   // throws ConfigError for any key nobody read

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "segkit/core/error.h"
#include "segkit/losses/loss.h"

namespace segkit::losses {

using json = nlohmann::ordered_json;

class LossArgs {
 public:
  LossArgs(json values, std::string loss, json inherited = json::object());

  template <typename T>
  T get(const std::string& key, T default_value) {
    auto value = get_optional<T>(key);
    return value ? *value : default_value;
  }

  /// nullopt when the key is absent or null.
  template <typename T>
  std::optional<T> get_optional(const std::string& key) {
    const json value = get_json(key);
    if (value.is_null()) return std::nullopt;
    try {
      return value.get<T>();
    } catch (const nlohmann::json::exception&) {
      throw ConfigError("loss '" + loss_ + "': '" + key + "' has the wrong type: " + value.dump());
    }
  }

  /// Whether the key is given (null included), so "absent: default" and "null: none" differ.
  bool has(const std::string& key);

  /// The raw value (own, else inherited), or null.
  json get_json(const std::string& key);

  /// Throws ConfigError naming the first unknown key, the closest valid one, and every valid key.
  void finish() const;
  const std::string& loss() const { return loss_; }

 private:
  json values_;
  std::string loss_;
  json inherited_;
  std::vector<std::string> declared_;
};

/// The shared fields a loss accepts; each loss reads only its own (so unknown ones are errors).
enum class Field { kMode, kFromLogits, kSmooth, kEps, kIgnoreIndex, kClassWeights };

/// Reads `fields` into `options` (defaults: whatever `options` holds).
void read_fields(LossArgs& args, LossOptions& options, const std::vector<Field>& fields);

}  // namespace segkit::losses
