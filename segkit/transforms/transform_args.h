#pragma once
// Reads one transform's parameters from JSON the way albumentations' constructors take keyword
// arguments, minus the silent acceptance of typos: every key must be read, and an unknown key is a
// ConfigError naming the transform, the key, the closest valid key and every valid key.
//
//   TransformArgs args(params, "transforms[1] (ShiftScaleRotate)");
//   Range rotate = args.range("rotate_limit", Range::symmetric(45), ScalarRule::kSymmetric);
//   auto t = args.make<ShiftScaleRotate>(options);  // finish() + constructor errors prefixed
//
// Scalars for ranges follow albumentations' to_tuple: kSymmetric L -> (-L, L); kFromLow L ->
// (low, L) sorted (to_tuple(L, low)); kListOnly rejects scalars. A 2-list is taken as written.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "segkit/config/yaml_loader.h"
#include "segkit/core/error.h"
#include "segkit/transforms/image_ops.h"
#include "segkit/transforms/transform.h"

namespace segkit::transforms {

using config::json;

enum class ScalarRule { kSymmetric, kFromLow, kListOnly };

class TransformArgs {
 public:
  /// `values` is an object or null (all defaults); `context` prefixes every message.
  TransformArgs(const json& values, std::string context);

  double number(const std::string& key, double default_value);
  int integer(const std::string& key, int default_value);
  int required_integer(const std::string& key);
  /// null (or absent with a null default) gives nullopt.
  std::optional<int> optional_integer(const std::string& key, std::optional<int> default_value);
  bool boolean(const std::string& key, bool default_value);
  std::string string(const std::string& key, const std::string& default_value);
  Range range(const std::string& key, Range default_value, ScalarRule rule, double low = 0.0);
  /// nullopt when absent or null.
  std::optional<Range> optional_range(const std::string& key, ScalarRule rule, double low = 0.0);
  /// A number or a list of numbers.
  std::vector<double> numbers(const std::string& key, std::vector<double> default_value);
  /// null or a list of integers.
  std::vector<int> integers(const std::string& key);
  /// null, a number or a list of numbers.
  FillValue fill(const std::string& key);
  /// A cv2 flag (0-4) or a name ("linear", "reflect_101", ...).
  int interpolation(const std::string& key = "interpolation");
  int border_mode(const std::string& key = "border_mode");
  /// `p` (default_value), or 1 when albumentations' always_apply is true.
  double p(double default_value);
  /// The raw value (null when absent), marked as read.
  json raw(const std::string& key);
  bool has(const std::string& key) const;

  /// Throws ConfigError for any key that was never read.
  void finish() const;

  /// finish(), then constructs T, prefixing the constructor's ConfigErrors with the context.
  template <typename T, typename... Args>
  TransformPtr make(Args&&... args) const {
    finish();
    try {
      return std::make_shared<T>(std::forward<Args>(args)...);
    } catch (const ConfigError& e) {
      throw ConfigError(context_ + ": " + e.what());
    }
  }

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  const std::string& context() const { return context_; }

 private:
  const json* find(const std::string& key);

  json values_;
  std::string context_;
  std::vector<std::string> declared_;
};

}  // namespace segkit::transforms
