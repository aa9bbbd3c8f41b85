// Pixel-value transforms: brightness, contrast, colour, noise, blur, sharpening, Normalize.
#include "segkit/transforms/registry_builders.h"
#include "segkit/transforms/transforms.h"

namespace segkit::transforms {

void add_color_builders(BuilderTable& table) {
  using R = ScalarRule;
  const BuilderTable entries = {
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
      {"Normalize",
       [](TransformArgs& a, const std::string&) {
         NormalizeOptions o;
         o.mean = a.numbers("mean", o.mean);
         o.std = a.numbers("std", o.std);
         o.max_pixel_value = a.number("max_pixel_value", o.max_pixel_value);
         o.p = a.p(1.0);
         return a.make<Normalize>(o);
       }},
  };
  table.insert(table.end(), entries.begin(), entries.end());
}

}  // namespace segkit::transforms
