#include "segkit/transforms/transform_registry.h"

#include <functional>
#include <utility>

#include "segkit/core/strings.h"
#include "segkit/transforms/transform_args.h"
#include "segkit/transforms/transforms.h"

namespace segkit::transforms {
namespace {

using Builder = std::function<TransformPtr(TransformArgs& args, const std::string& where)>;
using R = ScalarRule;

std::vector<TransformPtr> children(TransformArgs& args, const std::string& where,
                                   const std::string& name) {
  const json list = args.raw("transforms");
  if (!list.is_array()) {
    args.fail("transforms", "is required: a list of transforms, got " + list.dump());
  }
  std::vector<TransformPtr> out;
  for (size_t i = 0; i < list.size(); ++i) {
    out.push_back(
        build_transform(list[i], where + "." + name + ".transforms[" + std::to_string(i) + "]"));
  }
  return out;
}

// The key a setting is under, its albumentations 1.x name or its 2.x one (value -> fill, mode ->
// border_mode, ...); giving both is an error rather than a silent choice.
std::string name_1x_or_2x(TransformArgs& a, const std::string& name_1x, const std::string& name_2x) {
  if (a.has(name_1x) && a.has(name_2x)) {
    a.fail(name_2x, "and '" + name_1x + "' name the same setting (albumentations 2.x and 1.x); give one");
  }
  return a.has(name_2x) ? name_2x : name_1x;
}

FillValue fill_1x_or_2x(TransformArgs& a, const std::string& name_1x, const std::string& name_2x) {
  return a.fill(name_1x_or_2x(a, name_1x, name_2x));
}

// albumentations Affine's per-axis arguments: a number (fixed), [a, b], or {x: ..., y: ...} where a
// missing axis takes `missing` (1.3's quirk: 1.0 even for shear and translate_px). nullopt when absent.
std::optional<AxisRanges> axis_ranges(TransformArgs& a, const std::string& key, double missing) {
  const json value = a.raw(key);
  if (value.is_null()) return std::nullopt;
  const auto one = [&](const json& v, const std::string& where) -> Range {
    if (v.is_number()) return {v.get<double>(), v.get<double>()};
    if (v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number()) return {v[0].get<double>(), v[1].get<double>()};
    a.fail(where, "must be a number, [low, high] or {x: ..., y: ...}, got " + v.dump());
  };
  if (!value.is_object()) {
    const Range both = one(value, key);
    return AxisRanges{both, both};
  }
  for (const auto& item : value.items()) {
    if (item.key() != "x" && item.key() != "y") a.fail(key, "has keys x and y only, got '" + item.key() + "'");
  }
  if (value.empty()) a.fail(key, "needs key x or y");
  const Range fallback{missing, missing};
  return AxisRanges{value.contains("x") ? one(value["x"], key + ".x") : fallback,
                    value.contains("y") ? one(value["y"], key + ".y") : fallback};
}

// Keys shared by the warps: interpolation, border_mode, value (fill), mask_value (fill_mask).
template <typename Options>
void read_warp(TransformArgs& a, Options& o) {
  o.interpolation = a.interpolation();
  o.border_mode = a.border_mode();
  o.value = fill_1x_or_2x(a, "value", "fill");
  o.mask_value = fill_1x_or_2x(a, "mask_value", "fill_mask");
}

// Transforms whose only parameter is p.
template <typename T>
Builder p_only() {
  return [](TransformArgs& a, const std::string&) { return a.make<T>(a.p(0.5)); };
}

const std::vector<std::pair<std::string, Builder>>& registry() {
  static const std::vector<std::pair<std::string, Builder>> table = {
      {"HorizontalFlip", p_only<HorizontalFlip>()},
      {"VerticalFlip", p_only<VerticalFlip>()},
      {"Transpose", p_only<Transpose>()},
      {"RandomRotate90", p_only<RandomRotate90>()},
      {"ShiftScaleRotate",
       [](TransformArgs& a, const std::string&) {
         ShiftScaleRotateOptions o;
         const Range shift = a.range("shift_limit", o.shift_limit_x, R::kSymmetric);
         o.scale_limit = a.range("scale_limit", o.scale_limit, R::kSymmetric);
         o.rotate_limit = a.range("rotate_limit", o.rotate_limit, R::kSymmetric);
         read_warp(a, o);
         o.shift_limit_x = a.optional_range("shift_limit_x", R::kSymmetric).value_or(shift);
         o.shift_limit_y = a.optional_range("shift_limit_y", R::kSymmetric).value_or(shift);
         o.p = a.p(0.5);
         return a.make<ShiftScaleRotate>(o);
       }},
      {"GridDistortion",
       [](TransformArgs& a, const std::string&) {
         GridDistortionOptions o;
         o.num_steps = a.integer("num_steps", o.num_steps);
         o.distort_limit = a.range("distort_limit", o.distort_limit, R::kSymmetric);
         read_warp(a, o);
         o.normalized = a.boolean("normalized", o.normalized);
         o.p = a.p(0.5);
         return a.make<GridDistortion>(o);
       }},
      {"OpticalDistortion",
       [](TransformArgs& a, const std::string&) {
         OpticalDistortionOptions o;
         o.distort_limit = a.range("distort_limit", o.distort_limit, R::kSymmetric);
         o.shift_limit = a.range("shift_limit", o.shift_limit, R::kSymmetric);
         read_warp(a, o);
         o.p = a.p(0.5);
         return a.make<OpticalDistortion>(o);
       }},
      {"ElasticTransform",
       [](TransformArgs& a, const std::string&) {
         ElasticTransformOptions o;
         o.alpha = a.number("alpha", o.alpha);
         o.sigma = a.number("sigma", o.sigma);
         o.alpha_affine = a.number("alpha_affine", o.alpha_affine);
         read_warp(a, o);
         o.approximate = a.boolean("approximate", o.approximate);
         o.same_dxdy = a.boolean("same_dxdy", o.same_dxdy);
         o.p = a.p(0.5);
         return a.make<ElasticTransform>(o);
       }},
      {"RandomBrightnessContrast",
       [](TransformArgs& a, const std::string&) {
         RandomBrightnessContrastOptions o;
         o.brightness_limit = a.range("brightness_limit", o.brightness_limit, R::kSymmetric);
         o.contrast_limit = a.range("contrast_limit", o.contrast_limit, R::kSymmetric);
         o.brightness_by_max = a.boolean("brightness_by_max", o.brightness_by_max);
         o.p = a.p(0.5);
         return a.make<RandomBrightnessContrast>(o);
       }},
      // albumentations' deprecated halves of RandomBrightnessContrast, which the 2019 kernels used.
      {"RandomBrightness",
       [](TransformArgs& a, const std::string&) {
         RandomBrightnessContrastOptions o;
         o.brightness_limit = a.range("limit", o.brightness_limit, R::kSymmetric);
         o.contrast_limit = {0, 0};
         o.p = a.p(0.5);
         return a.make<RandomBrightnessContrast>(o);
       }},
      {"RandomContrast",
       [](TransformArgs& a, const std::string&) {
         RandomBrightnessContrastOptions o;
         o.contrast_limit = a.range("limit", o.contrast_limit, R::kSymmetric);
         o.brightness_limit = {0, 0};
         o.p = a.p(0.5);
         return a.make<RandomBrightnessContrast>(o);
       }},
      {"RandomGamma",
       [](TransformArgs& a, const std::string&) {
         const Range gamma = a.range("gamma_limit", {80, 120}, R::kSymmetric);
         return a.make<RandomGamma>(gamma, a.p(0.5));
       }},
      {"HueSaturationValue",
       [](TransformArgs& a, const std::string&) {
         HueSaturationValueOptions o;
         o.hue_shift_limit = a.range("hue_shift_limit", o.hue_shift_limit, R::kSymmetric);
         o.sat_shift_limit = a.range("sat_shift_limit", o.sat_shift_limit, R::kSymmetric);
         o.val_shift_limit = a.range("val_shift_limit", o.val_shift_limit, R::kSymmetric);
         o.p = a.p(0.5);
         return a.make<HueSaturationValue>(o);
       }},
      {"CLAHE",
       [](TransformArgs& a, const std::string&) {
         const Range clip = a.range("clip_limit", {1, 4}, R::kFromLow, 1.0);
         const std::vector<int> grid = a.integers("tile_grid_size");
         if (!grid.empty() && grid.size() != 2) {
           a.fail("tile_grid_size", "must be a list of 2 integers [width, height]");
         }
         const cv::Size tiles = grid.empty() ? cv::Size(8, 8) : cv::Size(grid[0], grid[1]);
         return a.make<CLAHE>(clip, tiles, a.p(0.5));
       }},
      {"GaussNoise",
       [](TransformArgs& a, const std::string&) {
         const bool per_channel = a.boolean("per_channel", true);
         if (a.has("std_range") || a.has("mean_range")) {  // albumentations 2.x names and defaults
           const Range std_range = a.range("std_range", {0.2, 0.44}, R::kListOnly);
           const Range mean_range = a.range("mean_range", {0, 0}, R::kListOnly);
           const double p = a.p(0.5);
           try {
             return a.make<GaussNoise>(GaussNoise::from_std(std_range, mean_range, per_channel, p));
           } catch (const ConfigError& e) {
             a.fail("std_range", e.what());
           }
         }
         const Range var = a.range("var_limit", {10, 50}, R::kFromLow, 0.0);
         const double mean = a.number("mean", 0.0);
         return a.make<GaussNoise>(var, mean, per_channel, a.p(0.5));
       }},
      {"GaussianBlur",
       [](TransformArgs& a, const std::string&) {
         const Range blur = a.range("blur_limit", {3, 7}, R::kFromLow, 0.0);
         const Range sigma = a.range("sigma_limit", {0, 0}, R::kFromLow, 0.0);
         return a.make<GaussianBlur>(blur, sigma, a.p(0.5));
       }},
      {"Blur",
       [](TransformArgs& a, const std::string&) {
         return a.make<Blur>(a.range("blur_limit", {3, 7}, R::kFromLow, 3.0), a.p(0.5));
       }},
      {"MotionBlur",
       [](TransformArgs& a, const std::string&) {
         const Range blur = a.range("blur_limit", {3, 7}, R::kFromLow, 3.0);
         return a.make<MotionBlur>(blur, a.boolean("allow_shifted", true), a.p(0.5));
       }},
      {"Sharpen",
       [](TransformArgs& a, const std::string&) {
         const Range alpha = a.range("alpha", {0.2, 0.5}, R::kListOnly);
         const Range lightness = a.range("lightness", {0.5, 1.0}, R::kListOnly);
         return a.make<Sharpen>(alpha, lightness, a.p(0.5));
       }},
      {"Affine",
       [](TransformArgs& a, const std::string&) {
         AffineOptions o;
         const bool any_geometry = a.has("scale") || a.has("translate_percent") || a.has("translate_px") ||
                                   a.has("rotate") || a.has("shear");
         if (!any_geometry) {  // albumentations' defaults when no geometry argument is given
           o.scale = {{0.9, 1.1}, {0.9, 1.1}};
           o.translate_percent = AxisRanges{{-0.1, 0.1}, {-0.1, 0.1}};
           o.rotate = {-15, 15};
           o.shear = {{-10, 10}, {-10, 10}};
         }
         o.scale = axis_ranges(a, "scale", 1.0).value_or(o.scale);
         if (auto percent = axis_ranges(a, "translate_percent", 0.0)) o.translate_percent = percent;
         o.translate_px = axis_ranges(a, "translate_px", 1.0);
         if (a.has("rotate")) {
           if (a.raw("rotate").is_object()) a.fail("rotate", "is one range for both axes: a number or [low, high]");
           o.rotate = axis_ranges(a, "rotate", 0.0)->x;
         }
         o.shear = axis_ranges(a, "shear", 1.0).value_or(o.shear);
         o.interpolation = a.interpolation();
         o.mask_interpolation = a.has("mask_interpolation") ? a.interpolation("mask_interpolation") : cv::INTER_NEAREST;
         o.cval = fill_1x_or_2x(a, "cval", "fill");
         o.cval_mask = fill_1x_or_2x(a, "cval_mask", "fill_mask");
         const std::string mode_key = name_1x_or_2x(a, "mode", "border_mode");
         if (a.has(mode_key)) o.mode = a.border_mode(mode_key);
         if (a.boolean("fit_output", false)) a.fail("fit_output", "true is not supported; use false");
         o.keep_ratio = a.boolean("keep_ratio", o.keep_ratio);
         a.raw("rotate_method");  // bounding boxes only
         o.p = a.p(0.5);
         return a.make<Affine>(o);
       }},
      {"FastaiTransforms",
       [](TransformArgs& a, const std::string&) {
         FastaiTransformsOptions o;
         o.do_flip = a.boolean("do_flip", o.do_flip);
         o.flip_vert = a.boolean("flip_vert", o.flip_vert);
         o.max_rotate = a.number("max_rotate", o.max_rotate);
         o.max_zoom = a.number("max_zoom", o.max_zoom);
         o.max_lighting = a.number("max_lighting", o.max_lighting);
         o.max_warp = a.number("max_warp", o.max_warp);
         o.p_affine = a.number("p_affine", o.p_affine);
         o.p_lighting = a.number("p_lighting", o.p_lighting);
         o.interpolation = a.interpolation();
         o.p = a.p(1.0);
         return a.make<FastaiTransforms>(o);
       }},
      {"Perspective",
       [](TransformArgs& a, const std::string&) {
         PerspectiveOptions o;
         o.scale = a.range("scale", o.scale, R::kFromLow, 0.0);
         o.keep_size = a.boolean("keep_size", o.keep_size);
         if (a.has("pad_mode")) o.pad_mode = a.border_mode("pad_mode");  // albumentations: constant
         o.pad_val = a.fill("pad_val");
         o.mask_pad_val = a.fill("mask_pad_val");
         o.fit_output = a.boolean("fit_output", o.fit_output);
         o.interpolation = a.interpolation();
         o.p = a.p(0.5);
         return a.make<Perspective>(o);
       }},
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
      {"Normalize",
       [](TransformArgs& a, const std::string&) {
         NormalizeOptions o;
         o.mean = a.numbers("mean", o.mean);
         o.std = a.numbers("std", o.std);
         o.max_pixel_value = a.number("max_pixel_value", o.max_pixel_value);
         o.p = a.p(1.0);
         return a.make<Normalize>(o);
       }},
      {"Compose",
       [](TransformArgs& a, const std::string& where) {
         auto list = children(a, where, "Compose");
         return a.make<Compose>(std::move(list), a.p(1.0));
       }},
      {"OneOf",
       [](TransformArgs& a, const std::string& where) {
         auto list = children(a, where, "OneOf");
         return a.make<OneOf>(std::move(list), a.p(0.5));
       }},
      {"Sometimes",
       [](TransformArgs& a, const std::string& where) {
         const json child = a.raw("transform");
         if (child.is_null()) a.fail("transform", "is required: the transform to apply");
         TransformPtr built = build_transform(child, where + ".Sometimes.transform");
         return a.make<Sometimes>(a.p(0.5), std::move(built));
       }},
  };
  return table;
}

}  // namespace

std::vector<std::string> transform_names() {
  std::vector<std::string> names;
  for (const auto& entry : registry()) names.push_back(entry.first);
  return names;
}

TransformPtr build_transform(const json& spec, const std::string& where) {
  std::string name;
  json params;
  if (spec.is_string()) {
    name = spec.get<std::string>();
  } else if (spec.is_object() && spec.size() == 1) {
    name = spec.begin().key();
    params = spec.begin().value();
  } else {
    throw ConfigError(where +
                      ": a transform is a name (\"HorizontalFlip\") or a one-key mapping "
                      "({HorizontalFlip: {p: 0.5}}), got " +
                      spec.dump());
  }
  for (const auto& [key, builder] : registry()) {
    if (key != name) continue;
    TransformArgs args(params, where + " (" + name + ")");
    return builder(args, where);
  }
  const std::vector<std::string> names = transform_names();
  throw ConfigError(where + ": unknown transform '" + name + "'" + did_you_mean(name, names) +
                    "; valid transforms: " + join(names, ", "));
}

std::shared_ptr<const Compose> build_pipeline(const json& list, const std::string& where) {
  if (list.is_null()) return std::make_shared<Compose>(std::vector<TransformPtr>{});
  if (!list.is_array()) {
    throw ConfigError(where + ": expected a list of transforms, got " + list.dump());
  }
  std::vector<TransformPtr> transforms;
  for (size_t i = 0; i < list.size(); ++i) {
    transforms.push_back(build_transform(list[i], where + "[" + std::to_string(i) + "]"));
  }
  return std::make_shared<Compose>(std::move(transforms));
}

}  // namespace segkit::transforms
