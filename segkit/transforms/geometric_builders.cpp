// Geometric transforms: flips, rotations, warps, Affine, Perspective, fastai's get_transforms.
#include "segkit/transforms/registry_builders.h"
#include "segkit/transforms/transforms.h"

namespace segkit::transforms {

void add_geometric_builders(BuilderTable& table) {
  using R = ScalarRule;
  const BuilderTable entries = {
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
  };
  table.insert(table.end(), entries.begin(), entries.end());
}

}  // namespace segkit::transforms
