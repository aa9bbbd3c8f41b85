#include "segkit/losses/loss_args.h"

#include <algorithm>

#include "segkit/core/strings.h"

namespace segkit::losses {

LossArgs::LossArgs(json values, std::string loss, json inherited)
    : values_(std::move(values)), loss_(std::move(loss)), inherited_(std::move(inherited)) {
  if (!values_.is_object()) throw ConfigError("loss '" + loss_ + "': arguments must be a mapping");
}

bool LossArgs::has(const std::string& key) {
  declared_.push_back(key);
  return values_.contains(key) || inherited_.contains(key);
}

json LossArgs::get_json(const std::string& key) {
  declared_.push_back(key);
  if (auto found = values_.find(key); found != values_.end()) return *found;
  if (auto found = inherited_.find(key); found != inherited_.end()) return *found;
  return json();
}

void LossArgs::finish() const {
  std::vector<std::string> unknown;
  for (const auto& item : values_.items()) {
    if (item.key() == "name") continue;
    if (std::find(declared_.begin(), declared_.end(), item.key()) == declared_.end()) unknown.push_back(item.key());
  }
  if (unknown.empty()) return;
  std::string message =
      "loss '" + loss_ + "' has no argument '" + unknown.front() + "'" + did_you_mean(unknown.front(), declared_);
  if (unknown.size() > 1) message += " (also unknown: " + join({unknown.begin() + 1, unknown.end()}, ", ") + ")";
  throw ConfigError(message + "; valid arguments: " + (declared_.empty() ? "none" : join(declared_, ", ")));
}

void read_fields(LossArgs& args, LossOptions& options, const std::vector<Field>& fields) {
  for (Field field : fields) {
    switch (field) {
      case Field::kMode:
        options.mode = parse_mode(args.get<std::string>("mode", mode_name(options.mode)));
        break;
      case Field::kFromLogits:
        options.from_logits = args.get<bool>("from_logits", options.from_logits);
        break;
      case Field::kSmooth:
        options.smooth = args.get<double>("smooth", options.smooth);
        break;
      case Field::kEps:
        options.eps = args.get<double>("eps", options.eps);
        break;
      case Field::kIgnoreIndex:
        options.ignore_index = args.get_optional<int64_t>("ignore_index");
        break;
      case Field::kClassWeights:
        options.class_weights = args.get<std::vector<double>>("class_weights", options.class_weights);
        break;
    }
  }
}

}  // namespace segkit::losses
