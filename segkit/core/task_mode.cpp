#include "segkit/core/task_mode.h"

#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit {

TaskMode parse_task_mode(const std::string& name, const std::string& key) {
  if (name == "binary") return TaskMode::kBinary;
  if (name == "multilabel") return TaskMode::kMultilabel;
  if (name == "multiclass") return TaskMode::kMulticlass;
  const std::vector<std::string> modes{"binary", "multilabel", "multiclass"};
  throw ConfigError(key + ": unknown mode '" + name + "'" + did_you_mean(name, modes) + "; valid: " + join(modes, ", "));
}

std::string task_mode_name(TaskMode mode) {
  switch (mode) {
    case TaskMode::kBinary:
      return "binary";
    case TaskMode::kMultilabel:
      return "multilabel";
    case TaskMode::kMulticlass:
      return "multiclass";
  }
  return "?";
}

}  // namespace segkit
