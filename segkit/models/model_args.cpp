#include "segkit/models/model_args.h"

#include "segkit/core/strings.h"

namespace segkit::models {

ModelArgs::ModelArgs(json values, std::string arch) : values_(std::move(values)), arch_(std::move(arch)) {
  if (!values_.is_object()) throw ConfigError(arch_ + " arguments must be a mapping");
}

json ModelArgs::get_json(const std::string& key) {
  declared_.push_back(key);
  auto found = values_.find(key);
  return found == values_.end() ? json() : *found;
}

void ModelArgs::finish() const {
  std::vector<std::string> unknown;
  for (const auto& item : values_.items()) {
    if (std::find(declared_.begin(), declared_.end(), item.key()) == declared_.end()) unknown.push_back(item.key());
  }
  if (unknown.empty()) return;
  std::string message = arch_ + " has no argument '" + unknown.front() + "'" + did_you_mean(unknown.front(), declared_);
  if (unknown.size() > 1) message += " (also unknown: " + join({unknown.begin() + 1, unknown.end()}, ", ") + ")";
  throw ConfigError(message + "; valid arguments: " + join(declared_, ", "));
}

}  // namespace segkit::models
