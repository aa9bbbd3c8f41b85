// Building pipelines from YAML: syntax, albumentations' scalar-range rules, and every error path.
#include "segkit/transforms/transform_registry.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "segkit/core/error.h"
#include "tests/support/test_support.h"
#include "tests/transforms/transform_test_util.h"

namespace segkit::transforms {
namespace {

using config::json;

json yaml(const std::string& text) {
  return config::parse_yaml(text, "test.yaml").value;
}

std::string describe(const std::string& text) {
  return build_transform(yaml(text), "t")->describe();
}

// The ConfigError message of building `text` as a pipeline.
std::string error_of(const std::string& text) {
  try {
    build_pipeline(yaml(text));
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "built without error: " << text;
  return "";
}

void expect_contains(const std::string& text, const std::vector<std::string>& fragments) {
  for (const auto& fragment : fragments) {
    EXPECT_NE(text.find(fragment), std::string::npos)
        << "missing '" << fragment << "' in: " << text;
  }
}

TEST(TransformRegistry, BuildsTheDocumentedExamplePipeline) {
  const auto pipeline = build_pipeline(yaml(R"(
- HorizontalFlip: {p: 0.5}
- ShiftScaleRotate: {shift_limit: 0.1, rotate_limit: 15, p: 0.7}
- OneOf: {p: 0.3, transforms: [{GaussNoise: {}}, GaussianBlur]}
- Sometimes: {p: 0.2, transform: {ElasticTransform: {alpha_affine: 20}}}
- Normalize
)"));
  ASSERT_EQ(pipeline->transforms().size(), 5u);
  EXPECT_EQ(pipeline->transforms()[0]->describe(), "HorizontalFlip(p=0.5)");
  expect_contains(pipeline->transforms()[1]->describe(),
                  {"shift_limit_x=(-0.1, 0.1)", "rotate_limit=(-15, 15)", "scale_limit=(-0.1, 0.1)",
                   "border_mode=reflect_101", "p=0.7"});
  expect_contains(
      pipeline->transforms()[2]->describe(),
      {"OneOf([GaussNoise(var_limit=(10, 50)", "GaussianBlur(blur_limit=(3, 7)", "p=0.3"});
  expect_contains(pipeline->transforms()[3]->describe(), {"Sometimes(p=0.2", "alpha_affine=20"});
  expect_contains(pipeline->transforms()[4]->describe(), {"Normalize(mean=[0.485", "p=1"});

  data::Sample sample = test::rgb_sample();
  Rng rng = Rng::for_sample(1, 0, 0);
  (*pipeline)(sample, rng);
  EXPECT_EQ(sample.image.type(), CV_32FC3);
  EXPECT_TRUE(test::mask_is_binary(sample.mask));
}

TEST(TransformRegistry, EveryTransformBuildsFromANameOrMinimalParameters) {
  const std::map<std::string, std::string> required = {
      {"RandomCrop", "{height: 8, width: 8}"},
      {"CenterCrop", "{height: 8, width: 8}"},
      {"RandomResizedCrop", "{height: 8, width: 8}"},
      {"RandomSizedCrop", "{min_max_height: [8, 16], height: 8, width: 8}"},
      {"CropNonEmptyMaskIfExists", "{height: 8, width: 8}"},
      {"Resize", "{height: 8, width: 8}"},
      {"Compose", "{transforms: [HorizontalFlip]}"},
      {"OneOf", "{transforms: [HorizontalFlip]}"},
      {"Sometimes", "{transform: HorizontalFlip}"},
  };
  for (const auto& name : transform_names()) {
    auto found = required.find(name);
    const std::string text =
        found == required.end() ? name : "{" + name + ": " + found->second + "}";
    const TransformPtr t = build_transform(yaml(text), "t");
    const bool half = name == "RandomBrightness" || name == "RandomContrast";  // built as the whole
    EXPECT_EQ(t->name(), half ? "RandomBrightnessContrast" : name == "Cutout" ? "CoarseDropout" : name);
    data::Sample sample = test::rgb_sample();
    Rng rng(0);
    EXPECT_NO_THROW(t->force(sample, rng)) << name;
  }
}

// Affine's arguments as albumentations 1.3 reads them (and 2.x's fill / fill_mask / border_mode).
TEST(TransformRegistry, AffineReadsAlbumentationsArguments) {
  expect_contains(describe("Affine"), {"scale={x: (0.9, 1.1), y: (0.9, 1.1)}", "translate_percent={x: (-0.1, 0.1)",
                                       "rotate=(-15, 15)", "shear={x: (-10, 10), y: (-10, 10)}", "mode=constant",
                                       "mask_interpolation=nearest", "p=0.5"});
  // Any geometry argument turns the defaults off: a scalar is a fixed value, missing axes take 1.3's 1.0.
  expect_contains(describe("{Affine: {rotate: 10, shear: {x: [-5, 5]}}}"),
                  {"scale={x: (1, 1), y: (1, 1)}", "rotate=(10, 10)", "shear={x: (-5, 5), y: (1, 1)}"});
  EXPECT_EQ(describe("{Affine: {translate_px: [-4, 4]}}").find("translate_percent"), std::string::npos);
  expect_contains(describe("{Affine: {scale: [0.8, 1.2], keep_ratio: true, fill: 7, fill_mask: 0, border_mode: reflect_101}}"),
                  {"keep_ratio=True", "mode=reflect_101"});
  expect_contains(error_of("- Affine: {translate_px: 3, translate_percent: 0.1}"), {"not both"});
  expect_contains(error_of("- Affine: {scale: {x: [0.5, 1], y: [1, 2]}, keep_ratio: true}"), {"keep_ratio"});
  expect_contains(error_of("- Affine: {fit_output: true}"), {"fit_output"});
  expect_contains(error_of("- Affine: {shear: {z: 3}}"), {"x and y"});
  expect_contains(error_of("- Affine: {cval: 0, fill: 0}"), {"albumentations 2.x and 1.x"});
}

TEST(TransformRegistry, RandomBrightnessAndRandomContrastAreTheHalvesOfRandomBrightnessContrast) {
  const auto shift = [](const std::string& text) {
    data::Sample sample = test::rgb_sample();
    const cv::Vec3b before = sample.image.at<cv::Vec3b>(0, 0);
    Rng rng(0);
    build_transform(yaml(text), "t")->force(sample, rng);
    const cv::Vec3b after = sample.image.at<cv::Vec3b>(0, 0);
    return std::make_pair(static_cast<int>(before[0]), static_cast<int>(after[0]));
  };
  const auto [b0, b1] = shift("{RandomBrightness: {limit: [0.1, 0.1]}}");  // + 25.5, truncated
  EXPECT_EQ(b1, std::min(255, static_cast<int>(b0 + 25.5)));
  const auto [c0, c1] = shift("{RandomContrast: {limit: [-0.5, -0.5]}}");  // x 0.5
  EXPECT_EQ(c1, static_cast<int>(c0 * 0.5));
}

TEST(TransformRegistry, NamesAreUniqueAndDocumented) {
  const auto names = transform_names();
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  std::ifstream in(segkit::test::source_dir() / "docs" / "transforms.md");
  ASSERT_TRUE(in) << "docs/transforms.md is missing";
  std::stringstream doc;
  doc << in.rdbuf();
  for (const auto& name : names) {
    EXPECT_NE(doc.str().find("### " + name + "\n"), std::string::npos)
        << "docs/transforms.md has no '### " << name << "' section";
  }
}

TEST(TransformRegistry, ScalarLimitsFollowAlbumentationsToTuple) {
  expect_contains(describe("{ShiftScaleRotate: {scale_limit: 0.2, shift_limit: [0, 0.1]}}"),
                  {"scale_limit=(-0.2, 0.2)", "shift_limit_x=(0, 0.1)", "shift_limit_y=(0, 0.1)"});
  expect_contains(describe("{ShiftScaleRotate: {shift_limit: 0.1, shift_limit_y: 0.3}}"),
                  {"shift_limit_x=(-0.1, 0.1)", "shift_limit_y=(-0.3, 0.3)"});
  expect_contains(describe("{CLAHE: {clip_limit: 2}}"), {"clip_limit=(1, 2)"});
  expect_contains(describe("{GaussNoise: {var_limit: 30}}"), {"var_limit=(0, 30)"});
  expect_contains(describe("{GaussianBlur: {blur_limit: 9}}"), {"blur_limit=(3, 9)"});
  // sigma_limit 2 means (0, 2); with both lower ends 0, albumentations raises blur_limit's to 3.
  expect_contains(describe("{GaussianBlur: {blur_limit: 9, sigma_limit: 2}}"),
                  {"blur_limit=(3, 9)", "sigma_limit=(0, 2)"});
  expect_contains(describe("{GaussianBlur: {blur_limit: 9, sigma_limit: [1, 2]}}"),
                  {"blur_limit=(0, 9)", "sigma_limit=(1, 2)"});
  expect_contains(describe("{HueSaturationValue: {hue_shift_limit: 5}}"),
                  {"hue_shift_limit=(-5, 5)", "sat_shift_limit=(-30, 30)"});
  expect_contains(describe("RandomBrightnessContrast"),
                  {"brightness_limit=(-0.2, 0.2)", "contrast_limit=(-0.2, 0.2)"});
}

TEST(TransformRegistry, FlagsByNumberOrNameAndAlwaysApply) {
  expect_contains(describe("{ShiftScaleRotate: {interpolation: 0, border_mode: 0, value: 3}}"),
                  {"interpolation=nearest", "border_mode=constant", "value=[3]"});
  expect_contains(describe("{GridDistortion: {interpolation: cubic, border_mode: reflect}}"),
                  {"interpolation=cubic", "border_mode=reflect"});
  expect_contains(describe("{HorizontalFlip: {p: 0.1, always_apply: true}}"), {"p=1"});
  expect_contains(describe("{PadIfNeeded: {pad_height_divisor: 32, pad_width_divisor: 32}}"),
                  {"min_height=none", "pad_height_divisor=32", "position=center"});
  expect_contains(describe("{Normalize: {mean: 0.5, std: [0.25]}}"), {"mean=[0.5]", "std=[0.25]"});
}

TEST(TransformRegistry, UnknownTransformNamesTheClosestAndTheValidOnes) {
  expect_contains(
      error_of("[HorizontalFlip, HorizontalFlp]"),
      {"transforms[1]", "unknown transform 'HorizontalFlp'", "did you mean 'HorizontalFlip'?",
       "valid transforms: HorizontalFlip, VerticalFlip"});
}

TEST(TransformRegistry, UnknownParameterNamesTransformKeyClosestAndValidKeys) {
  expect_contains(error_of("[{ShiftScaleRotate: {rotate_limt: 10}}]"),
                  {"transforms[0] (ShiftScaleRotate)", "unknown parameter 'rotate_limt'",
                   "did you mean 'rotate_limit'?", "valid parameters: shift_limit, scale_limit",
                   "mask_value", "p, always_apply"});
}

TEST(TransformRegistry, NestedErrorsCarryTheirPath) {
  expect_contains(error_of("[Normalize, {OneOf: {transforms: [GaussNoise, {GausianBlur: {}}]}}]"),
                  {"transforms[1].OneOf.transforms[1]", "did you mean 'GaussianBlur'?"});
  expect_contains(error_of("[{Sometimes: {p: 0.5, transform: {Resize: {height: 4}}}}]"),
                  {"transforms[0].Sometimes.transform (Resize)", "'width' is required"});
}

TEST(TransformRegistry, WrongTypesAndValuesAreConfigErrors) {
  expect_contains(error_of("[{HorizontalFlip: {p: high}}]"),
                  {"(HorizontalFlip)", "parameter 'p' must be a number", "\"high\""});
  expect_contains(error_of("[{HorizontalFlip: {p: 1.5}}]"),
                  {"(HorizontalFlip)", "p must be within [0, 1]"});
  expect_contains(error_of("[{ShiftScaleRotate: {rotate_limit: [1, 2, 3]}}]"),
                  {"'rotate_limit' must be a number or a list of 2 numbers"});
  expect_contains(error_of("[{ShiftScaleRotate: {border_mode: reflect101}}]"),
                  {"'border_mode'", "did you mean 'reflect_101'?"});
  expect_contains(error_of("[{ShiftScaleRotate: {interpolation: 9}}]"),
                  {"'interpolation' must be one of nearest, linear"});
  expect_contains(error_of("[{RandomCrop: {height: 8.5, width: 8}}]"),
                  {"'height' must be an integer"});
  expect_contains(error_of("[{RandomCrop: {heigth: 8, width: 8}}]"),
                  {"'height' is required ('heigth' is not a parameter; a typo?)"});
  expect_contains(error_of("[{GaussianBlur: {blur_limit: [3, 6]}}]"), {"odd blur limits"});
  expect_contains(error_of("[{PadIfNeeded: {position: middle}}]"),
                  {"'position'", "valid positions: center"});
  expect_contains(error_of("[{RandomGamma: {gamma_limit: 100}}]"),
                  {"gamma_limit must be two positive"});
  expect_contains(error_of("[{OneOf: {p: 0.5}}]"), {"(OneOf)", "'transforms' is required"});
  expect_contains(error_of("[{HorizontalFlip: 0.5}]"), {"parameters must be a mapping"});
  expect_contains(error_of("[{HorizontalFlip: {}, VerticalFlip: {}}]"), {"one-key mapping"});
  expect_contains(error_of("{HorizontalFlip: {}}"), {"expected a list of transforms"});
}

TEST(TransformRegistry, NullOrEmptyListIsAnEmptyPipeline) {
  EXPECT_TRUE(build_pipeline(json())->transforms().empty());
  EXPECT_TRUE(build_pipeline(yaml("[]"))->transforms().empty());
}

}  // namespace
}  // namespace segkit::transforms
