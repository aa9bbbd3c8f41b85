// Transforms that cut, crop, scale or pad: dropouts, crops, RandomScale, PadIfNeeded, Resize.
#include "segkit/transforms/registry_builders.h"
#include "segkit/transforms/transforms.h"

namespace segkit::transforms {

void add_region_builders(BuilderTable& table) {
  using R = ScalarRule;
  const BuilderTable entries = {
      {"CoarseDropout",
       [](TransformArgs& a, const std::string&) {
         CoarseDropoutOptions o;
         const bool names_2x = a.has("num_holes_range") || a.has("hole_height_range") || a.has("hole_width_range") ||
                               a.has("fill") || a.has("fill_mask");
         if (names_2x) {  // albumentations 2.x names and defaults; a 1.x key beside them is unknown
           o.holes = a.range("num_holes_range", {1, 2}, R::kListOnly);
           o.height = a.range("hole_height_range", {0.1, 0.2}, R::kListOnly);
           o.width = a.range("hole_width_range", {0.1, 0.2}, R::kListOnly);
           o.fill_value = a.fill("fill");
           if (!a.raw("fill_mask").is_null()) o.mask_fill_value = a.fill("fill_mask");
         } else {
           const double max_holes = a.integer("max_holes", 8), max_height = a.number("max_height", 8),
                        max_width = a.number("max_width", 8);
           o.holes = {a.number("min_holes", max_holes), max_holes};
           o.height = {a.number("min_height", max_height), max_height};
           o.width = {a.number("min_width", max_width), max_width};
           o.fill_value = a.fill("fill_value");
           if (!a.raw("mask_fill_value").is_null()) o.mask_fill_value = a.fill("mask_fill_value");
         }
         o.p = a.p(0.5);
         return a.make<CoarseDropout>(o);
       }},
      // albumentations' deprecated Cutout: holes of one fixed size.
      {"Cutout",
       [](TransformArgs& a, const std::string&) {
         CoarseDropoutOptions o;
         const double holes = a.integer("num_holes", 8), height = a.integer("max_h_size", 8),
                      width = a.integer("max_w_size", 8);
         o.holes = {holes, holes};
         o.height = {height, height};
         o.width = {width, width};
         o.fill_value = a.fill("fill_value");
         o.p = a.p(0.5);
         return a.make<CoarseDropout>(o);
       }},
      {"RandomScale",
       [](TransformArgs& a, const std::string&) {
         // albumentations: to_tuple(scale_limit, bias=1): L -> (1 - L, 1 + L), [a, b] -> (1 + a, 1 + b).
         const Range limit = a.range("scale_limit", Range::symmetric(0.1), R::kSymmetric);
         return a.make<RandomScale>(Range{1.0 + limit.lo, 1.0 + limit.hi}, a.interpolation(), a.p(0.5));
       }},
      {"RandomCrop",
       [](TransformArgs& a, const std::string&) {
         const int height = a.required_integer("height");
         const int width = a.required_integer("width");
         return a.make<RandomCrop>(height, width, a.p(1.0));
       }},
      {"CenterCrop",
       [](TransformArgs& a, const std::string&) {
         const int height = a.required_integer("height");
         const int width = a.required_integer("width");
         return a.make<CenterCrop>(height, width, a.p(1.0));
       }},
      {"RandomResizedCrop",
       [](TransformArgs& a, const std::string&) {
         RandomResizedCropOptions o;
         o.height = a.required_integer("height");
         o.width = a.required_integer("width");
         o.scale = a.range("scale", o.scale, R::kListOnly);
         o.ratio = a.range("ratio", o.ratio, R::kListOnly);
         o.interpolation = a.interpolation();
         o.p = a.p(1.0);
         return a.make<RandomResizedCrop>(o);
       }},
      {"RandomSizedCrop",
       [](TransformArgs& a, const std::string&) {
         RandomSizedCropOptions o;
         const std::vector<int> heights = a.integers("min_max_height");
         if (heights.size() != 2) {
           a.fail("min_max_height", "is required: a list of 2 integers [min, max]");
         }
         o.min_height = heights[0];
         o.max_height = heights[1];
         o.height = a.required_integer("height");
         o.width = a.required_integer("width");
         o.w2h_ratio = a.number("w2h_ratio", o.w2h_ratio);
         o.interpolation = a.interpolation();
         o.p = a.p(1.0);
         return a.make<RandomSizedCrop>(o);
       }},
      {"PadIfNeeded",
       [](TransformArgs& a, const std::string&) {
         PadIfNeededOptions o;
         o.pad_height_divisor = a.optional_integer("pad_height_divisor", std::nullopt);
         o.pad_width_divisor = a.optional_integer("pad_width_divisor", std::nullopt);
         // A divisor replaces the default minimum (albumentations makes you write min_*: null).
         o.min_height =
             a.optional_integer("min_height", o.pad_height_divisor ? std::nullopt : o.min_height);
         o.min_width =
             a.optional_integer("min_width", o.pad_width_divisor ? std::nullopt : o.min_width);
         o.border_mode = a.border_mode();
         o.value = fill_1x_or_2x(a, "value", "fill");
         o.mask_value = fill_1x_or_2x(a, "mask_value", "fill_mask");
         const std::string position = a.string("position", "center");
         try {
           o.position = pad_position_from_name(position);
         } catch (const ConfigError& e) {
           a.fail("position", std::string("is invalid: ") + e.what());
         }
         o.p = a.p(1.0);
         return a.make<PadIfNeeded>(o);
       }},
      {"CropNonEmptyMaskIfExists",
       [](TransformArgs& a, const std::string&) {
         CropNonEmptyMaskIfExistsOptions o;
         o.height = a.required_integer("height");
         o.width = a.required_integer("width");
         o.ignore_values = a.integers("ignore_values");
         o.ignore_channels = a.integers("ignore_channels");
         o.p = a.p(1.0);
         return a.make<CropNonEmptyMaskIfExists>(o);
       }},
      {"Resize",
       [](TransformArgs& a, const std::string&) {
         const int height = a.required_integer("height");
         const int width = a.required_integer("width");
         const int interpolation = a.interpolation();
         return a.make<Resize>(height, width, interpolation, a.p(1.0));
       }},
  };
  table.insert(table.end(), entries.begin(), entries.end());
}

}  // namespace segkit::transforms
