#include "segkit/config/yaml_loader.h"

#include <gtest/gtest.h>

#include <cmath>

#include "segkit/core/error.h"

namespace segkit::config {
namespace {

TEST(YamlLoader, TypesPlainScalarsByCoreSchema) {
  auto doc = parse_yaml(
      "i: 8\nneg: -3\nf: 1e-3\ng: 0.5\nb: true\nB: False\nn: null\nt: ~\ne:\n"
      "s: resnet34\nq: \"8\"\nsq: 'true'\ninf: .inf\nv: 1.2.3\n",
      "t.yaml");
  const json& v = doc.value;
  EXPECT_TRUE(v["i"].is_number_integer());
  EXPECT_EQ(v["i"].get<int>(), 8);
  EXPECT_EQ(v["neg"].get<int>(), -3);
  EXPECT_TRUE(v["f"].is_number_float());
  EXPECT_DOUBLE_EQ(v["f"].get<double>(), 1e-3);
  EXPECT_DOUBLE_EQ(v["g"].get<double>(), 0.5);
  EXPECT_EQ(v["b"], true);
  EXPECT_EQ(v["B"], false);
  EXPECT_TRUE(v["n"].is_null());
  EXPECT_TRUE(v["t"].is_null());
  EXPECT_TRUE(v["e"].is_null());
  EXPECT_EQ(v["s"], "resnet34");
  EXPECT_EQ(v["q"], "8");
  EXPECT_EQ(v["sq"], "true");
  EXPECT_TRUE(std::isinf(v["inf"].get<double>()));
  EXPECT_EQ(v["v"], "1.2.3");
}

TEST(YamlLoader, RecordsLocationsOfNestedKeysAndListItems) {
  auto doc = parse_yaml("train:\n  batch_size: 8\n  lrs: [1, 2]\n", "cfg.yaml");
  EXPECT_EQ(doc.locations.at("train").str(), "cfg.yaml:1:1");
  EXPECT_EQ(doc.locations.at("train.batch_size").str(), "cfg.yaml:2:3");
  EXPECT_EQ(doc.locations.at("train.lrs.1").line, 3);
}

TEST(YamlLoader, SyntaxErrorNamesFileAndLine) {
  try {
    parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "broken.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("broken.yaml:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("invalid YAML"), std::string::npos);
  }
}

TEST(YamlLoader, DuplicateKeyIsAnError) {
  try {
    parse_yaml("a: 1\na: 2\n", "dup.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("dup.yaml:2:1"), std::string::npos) << e.what();
  }
}

TEST(YamlLoader, MissingFileNamesIt) {
  try {
    load_yaml_file("/no/such/config.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/no/such/config.yaml"), std::string::npos);
  }
}

TEST(YamlLoader, EmitsYamlThatReadsBackIdentically) {
  const std::string text =
      "model:\n  arch: unet\n  classes: 4\n  lr: 0.0001\n  weights: null\n  flag: false\n"
      "  quoted: \"8\"\n  colon: \"a: b\"\n  empty: \"\"\n  list: [1, 2.5, x]\n  sub: {}\n"
      "transforms:\n  - name: HorizontalFlip\n    p: 0.5\n  - name: Resize\n    size: [256, 256]\n";
  const json original = parse_yaml(text, "a.yaml").value;
  const std::string emitted = to_yaml(original);
  EXPECT_EQ(parse_yaml(emitted, "b.yaml").value, original) << emitted;
  EXPECT_NE(emitted.find("lr: 0.0001"), std::string::npos) << emitted;
  EXPECT_NE(emitted.find("quoted: \"8\""), std::string::npos) << emitted;
}

}  // namespace
}  // namespace segkit::config
