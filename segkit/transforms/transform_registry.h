#pragma once
// Builds transforms from a config by albumentations' class names and keyword arguments:
//
//   transforms:
//     - HorizontalFlip: {p: 0.5}
//     - ShiftScaleRotate: {shift_limit: 0.1, rotate_limit: 15, p: 0.7}
//     - OneOf: {p: 0.3, transforms: [{GaussNoise: {}}, GaussianBlur]}
//     - Sometimes: {p: 0.2, transform: {ElasticTransform: {alpha_affine: 20}}}
//     - Normalize
//
// An entry is a bare name (all defaults) or a one-key mapping {Name: parameters-or-null}.
// Parameters, defaults and the scalar-range rules are albumentations 1.3's (docs/transforms.md);
// `interpolation` / `border_mode` take cv2 flags (1, 4) or names ("linear", "reflect_101").
// An unknown name or parameter, a value of the wrong type or out of range is a ConfigError that
// names the entry (`where`, e.g. "transforms[2]"), the transform, the key, the closest valid name
// and the valid ones.
//
//   auto doc = segkit::config::parse_yaml(text, "aug.yaml");
//   auto pipeline = segkit::transforms::build_pipeline(doc.value["transforms"]);
//   (*pipeline)(sample, rng);

#include <memory>
#include <string>
#include <vector>

#include "segkit/config/yaml_loader.h"
#include "segkit/transforms/compose.h"

namespace segkit::transforms {

/// One entry ("Name" or {Name: {...}}); `where` names it in errors.
TransformPtr build_transform(const config::json& spec, const std::string& where = "transform");

/// A Compose (p = 1) of the entries of `list` (null or [] is an empty pipeline).
std::shared_ptr<const Compose> build_pipeline(const config::json& list,
                                              const std::string& where = "transforms");

/// Every name build_transform accepts, in registry order.
std::vector<std::string> transform_names();

}  // namespace segkit::transforms
