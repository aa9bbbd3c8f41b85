#pragma once
// postprocess.yaml: the per-class post-processing parameters `segkit tune` writes and prediction reads.
//
//   default: {threshold: 0.5, min_area: 0, min_total: 0, fill_holes: false, shape: none}
//   classes:
//     membrane: {threshold: 0.45, min_area: 300}
//
// A class entry starts from `default:` (itself starting from ClassPostprocess's defaults) and overrides
// the keys it names. Unknown keys and values are ConfigErrors with file:line and the closest valid name.

#include <filesystem>
#include <string>
#include <vector>

#include "segkit/config/yaml_loader.h"
#include "segkit/postprocess/class_postprocess.h"

namespace segkit::postprocess {

struct PostprocessConfig {
  std::vector<std::string> classes;
  /// One entry per name in `classes`, same order.
  std::vector<ClassPostprocess> per_class;
  /// The `default:` entry: what classes absent from the file get.
  ClassPostprocess defaults;

  /// The parameters of `name`, or `defaults` when the file does not list it.
  const ClassPostprocess& for_class(const std::string& name) const;
};

/// Reads a parsed document. Throws ConfigError naming the location.
PostprocessConfig parse_postprocess_config(const config::YamlDocument& document);

/// Reads postprocess.yaml. Throws ConfigError when it is missing or wrong.
PostprocessConfig read_postprocess_config(const std::filesystem::path& path);

/// read_postprocess_config, then a ConfigError naming the file when it lists a class that is not
/// one of `classes` (the models' classes): a misnamed class would silently get the defaults.
PostprocessConfig read_postprocess_config(const std::filesystem::path& path, const std::vector<std::string>& classes);

/// Every key of every class, written out, so the file documents what prediction will do.
std::string to_yaml(const PostprocessConfig& config);

/// Writes to_yaml(config) atomically.
void write_postprocess_config(const std::filesystem::path& path, const PostprocessConfig& config);

}  // namespace segkit::postprocess
