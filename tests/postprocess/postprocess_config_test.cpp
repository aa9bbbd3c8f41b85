// postprocess.yaml: round trip, defaults inheritance, and errors that point at the typo.

#include <gtest/gtest.h>

#include "segkit/core/error.h"
#include "segkit/postprocess/postprocess_config.h"
#include "tests/support/test_support.h"

namespace segkit::postprocess {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_postprocess_config(config::parse_yaml(yaml, "pp.yaml"));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(PostprocessConfig, RoundTripsEveryKey) {
  test::TempDir dir;
  PostprocessConfig config;
  config.defaults.threshold = 0.4;
  config.classes = {"membrane", "nucleus"};
  ClassPostprocess membrane;
  membrane.threshold = 0.45;
  membrane.min_area = 300;
  membrane.min_total = 1000;
  membrane.min_prob_sum = 12.5;
  membrane.fill_holes = true;
  membrane.shape = "convex_hull";
  membrane.cls_threshold = 0.65;
  ClassPostprocess nucleus;
  nucleus.shape = "bbox";
  config.per_class = {membrane, nucleus};
  write_postprocess_config(dir / "postprocess.yaml", config);
  const auto read = read_postprocess_config(dir / "postprocess.yaml");
  EXPECT_EQ(read.classes, config.classes);
  EXPECT_EQ(read.per_class, config.per_class);
  EXPECT_EQ(read.defaults, config.defaults);
  EXPECT_EQ(read.for_class("nucleus").shape, "bbox");
  EXPECT_EQ(read.for_class("other").threshold, 0.4);
}

TEST(PostprocessConfig, ClassesStartFromDefault) {
  const auto config = parse_postprocess_config(config::parse_yaml(
      "default: {threshold: 0.3, min_area: 50}\nclasses:\n  a: {min_area: 300}\n  b: {cls_threshold: null}\n", "pp"));
  ASSERT_EQ(config.per_class.size(), 2u);
  EXPECT_EQ(config.per_class[0].threshold, 0.3);
  EXPECT_EQ(config.per_class[0].min_area, 300);
  EXPECT_EQ(config.per_class[1].min_area, 50);
  EXPECT_FALSE(config.per_class[1].cls_threshold);
  EXPECT_TRUE(parse_postprocess_config(config::parse_yaml("", "pp")).classes.empty());
}

TEST(PostprocessConfig, TyposAndBadValuesNameTheLocation) {
  auto typo = error_of("classes:\n  a: {treshold: 0.4}\n");
  EXPECT_NE(typo.find("pp.yaml:2:"), std::string::npos) << typo;
  EXPECT_NE(typo.find("did you mean 'threshold'"), std::string::npos) << typo;
  auto top = error_of("defaults: {threshold: 0.4}\n");
  EXPECT_NE(top.find("did you mean 'default'"), std::string::npos) << top;
  auto shape = error_of("classes:\n  a: {shape: convex}\n");
  EXPECT_NE(shape.find("convex_hull"), std::string::npos) << shape;
  auto range = error_of("classes:\n  a: {threshold: 1.5}\n");
  EXPECT_NE(range.find("[0, 1]"), std::string::npos) << range;
  auto type = error_of("classes:\n  a: {min_area: lots}\n");
  EXPECT_NE(type.find("classes.a.min_area"), std::string::npos) << type;
  EXPECT_NE(error_of("classes: [a, b]\n").find("mapping"), std::string::npos);
  EXPECT_THROW(read_postprocess_config("/no/such/postprocess.yaml"), ConfigError);
}

}  // namespace
}  // namespace segkit::postprocess
