#pragma once
// Reads one config section (`optimizer:`, `scheduler:`) key by key, the way a Python constructor
// takes keyword arguments minus **kwargs: finish() rejects every key nobody asked for, naming the
// closest valid one. A null or absent section reads as empty, so every key takes its default.
//
//   SectionArgs args(section, "optimizer");
//   double lr = args.number("lr", 1e-3);
//   args.finish();   // ConfigError: "optimizer has no key 'lrr'; did you mean 'lr'? ..."

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "segkit/config/yaml_loader.h"

namespace segkit::train {

class SectionArgs {
 public:
  /// `what` names the section in messages ("optimizer", "scheduler 'plateau'").
  SectionArgs(const config::json& section, std::string what);

  /// Absent or null -> the default. Every reader throws ConfigError on a value of the wrong type.
  double number(const std::string& key, double default_value);
  std::optional<double> optional_number(const std::string& key);
  int64_t integer(const std::string& key, int64_t default_value);
  std::optional<int64_t> optional_integer(const std::string& key);
  bool boolean(const std::string& key, bool default_value);
  std::string choice(const std::string& key, const std::string& default_value,
                     const std::vector<std::string>& choices);
  /// A list of exactly `size` numbers (betas).
  std::vector<double> numbers(const std::string& key, std::vector<double> default_value);
  /// One number for every param group, a list with one per group, or fastai's discriminative
  /// rates {slice: [first, last]}: geometrically spaced from the first group to the last (fastai's
  /// even_mults; lr * 1 for one group is `last`). nullopt when absent.
  std::optional<std::vector<double>> per_group(const std::string& key, size_t groups);

  /// Marks `key` as valid without reading it (read elsewhere, e.g. `name`).
  void declare(const std::string& key);
  /// Throws ConfigError for the first unknown key: closest valid key and the full list.
  void finish() const;

  const std::string& what() const { return what_; }
  /// ConfigError "<what>: <key> <message>".
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

 private:
  const config::json* find(const std::string& key);

  config::json section_;
  std::string what_;
  std::vector<std::string> declared_;
};

}  // namespace segkit::train
