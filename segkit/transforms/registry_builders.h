#pragma once
// Internal to the transform registry (transform_registry.cpp): the builder type, the argument
// helpers the builders share, and one function per family adding its builders, so each family's
// YAML parameters live in a file of their own (geometric_, color_, region_builders.cpp).

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "segkit/transforms/affine.h"
#include "segkit/transforms/transform_args.h"

namespace segkit::transforms {

using Builder = std::function<TransformPtr(TransformArgs& args, const std::string& where)>;
using BuilderTable = std::vector<std::pair<std::string, Builder>>;

void add_geometric_builders(BuilderTable& table);
void add_color_builders(BuilderTable& table);
void add_region_builders(BuilderTable& table);

/// The key a setting is under, its albumentations 1.x name or its 2.x one (value -> fill, mode ->
/// border_mode, ...); giving both is an error rather than a silent choice.
std::string name_1x_or_2x(TransformArgs& a, const std::string& name_1x, const std::string& name_2x);
FillValue fill_1x_or_2x(TransformArgs& a, const std::string& name_1x, const std::string& name_2x);

/// albumentations Affine's per-axis arguments: a number (fixed), [a, b], or {x: ..., y: ...} where a
/// missing axis takes `missing` (1.3's quirk: 1.0 even for shear and translate_px). nullopt when absent.
std::optional<AxisRanges> axis_ranges(TransformArgs& a, const std::string& key, double missing);

/// Keys shared by the warps: interpolation, border_mode, value (fill), mask_value (fill_mask).
template <typename Options>
void read_warp(TransformArgs& a, Options& o) {
  o.interpolation = a.interpolation();
  o.border_mode = a.border_mode();
  o.value = fill_1x_or_2x(a, "value", "fill");
  o.mask_value = fill_1x_or_2x(a, "mask_value", "fill_mask");
}

/// Transforms whose only parameter is p.
template <typename T>
Builder p_only() {
  return [](TransformArgs& a, const std::string&) { return a.make<T>(a.p(0.5)); };
}

}  // namespace segkit::transforms
