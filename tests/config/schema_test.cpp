#include "segkit/config/schema.h"

#include <gtest/gtest.h>

#include "segkit/core/error.h"

namespace segkit::config {
namespace {

Schema test_schema() {
  Schema root = Schema::section("root");
  root.add("seed", Schema::integer(42, "seed"));
  root.add("train", Schema::section("training")
                        .add("batch_size", Schema::integer(8, "batch").range(1, {}))
                        .add("lr", Schema::number(1e-3, "learning rate"))
                        .add("optimizer", Schema::string("adam", "optimizer").choices({"adam", "adamw", "sgd"}))
                        .add("amp", Schema::boolean(false, "mixed precision"))
                        .add("class_weights", Schema::list(Schema::number(1.0, "w"), nullptr, "weights")));
  root.add("model", Schema::section("model").open().add("arch", Schema::string("unet", "arch")));
  return root;
}

std::string resolve_error(const std::string& yaml) {
  auto doc = parse_yaml(yaml, "cfg.yaml");
  try {
    resolve(doc.value, test_schema(), doc.locations);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << yaml;
  return "";
}

TEST(Schema, FillsDefaultsInDeclarationOrder) {
  auto doc = parse_yaml("train:\n  lr: 1\n", "cfg.yaml");
  json resolved = resolve(doc.value, test_schema(), doc.locations);
  EXPECT_EQ(resolved["seed"], 42);
  EXPECT_EQ(resolved["train"]["batch_size"], 8);
  EXPECT_TRUE(resolved["train"]["lr"].is_number_float()) << "integer widened to number";
  EXPECT_EQ(resolved["train"]["lr"].get<double>(), 1.0);
  EXPECT_TRUE(resolved["train"]["class_weights"].is_null());
  EXPECT_EQ(resolved["model"]["arch"], "unet");
  std::vector<std::string> keys;
  for (const auto& item : resolved["train"].items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"batch_size", "lr", "optimizer", "amp", "class_weights"}));
}

TEST(Schema, UnknownKeyNamesFileLineAndClosestKey) {
  const std::string error = resolve_error("seed: 1\ntrain:\n  bach_size: 8\n");
  EXPECT_NE(error.find("cfg.yaml:3:3"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown key 'train.bach_size'; did you mean 'train.batch_size'?"), std::string::npos)
      << error;
}

TEST(Schema, UnknownKeyWithoutCloseMatchListsValidKeys) {
  const std::string error = resolve_error("qqqqqqqq: 1\n");
  EXPECT_NE(error.find("valid keys here: seed, train, model"), std::string::npos) << error;
}

TEST(Schema, WrongTypeNamesKeyAndExpectedType) {
  EXPECT_NE(resolve_error("train:\n  batch_size: eight\n").find("cfg.yaml:2:3: 'train.batch_size' expected integer, got string \"eight\""),
            std::string::npos);
  EXPECT_NE(resolve_error("train:\n  batch_size: 2.5\n").find("expected integer, got number"), std::string::npos);
  EXPECT_NE(resolve_error("train:\n  amp: 1\n").find("'train.amp' expected boolean"), std::string::npos);
  EXPECT_NE(resolve_error("train: 3\n").find("'train' expected section"), std::string::npos);
  EXPECT_NE(resolve_error("train:\n  class_weights: [1, a]\n").find("'train.class_weights.1' expected number"),
            std::string::npos);
  EXPECT_NE(resolve_error("seed: null\n").find("'seed' must not be null"), std::string::npos);
}

TEST(Schema, RangeAndChoicesAreChecked) {
  EXPECT_NE(resolve_error("train:\n  batch_size: 0\n").find("must be >= 1"), std::string::npos);
  const std::string error = resolve_error("train:\n  optimizer: adamm\n");
  EXPECT_NE(error.find("did you mean 'adam'"), std::string::npos) << error;
  EXPECT_NE(error.find("valid values: adam, adamw, sgd"), std::string::npos) << error;
}

TEST(Schema, ReportsEveryProblemAtOnce) {
  const std::string error = resolve_error("sed: 1\ntrain:\n  lr: x\n");
  EXPECT_NE(error.find("'sed'"), std::string::npos) << error;
  EXPECT_NE(error.find("'train.lr'"), std::string::npos) << error;
}

TEST(Schema, OpenSectionKeepsExtraKeys) {
  auto doc = parse_yaml("model:\n  encoder_depth: 4\n", "cfg.yaml");
  json resolved = resolve(doc.value, test_schema(), doc.locations);
  EXPECT_EQ(resolved["model"]["encoder_depth"], 4);
}

TEST(Schema, DescribeListsEveryKeyWithDefaults) {
  auto rows = describe(test_schema());
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows[2].key, "train.batch_size");
  EXPECT_EQ(rows[2].default_text, "8");
  EXPECT_EQ(rows[4].type, "one of: adam, adamw, sgd");
  EXPECT_NE(describe_markdown(test_schema()).find("| `train.lr` | number | `0.001` | learning rate |"),
            std::string::npos);
}

TEST(Schema, DuplicateDeclarationIsRejected) {
  Schema root = Schema::section("root");
  root.add("a", Schema::integer(1, "a"));
  EXPECT_THROW(root.add("a", Schema::integer(1, "a")), Error);
}

}  // namespace
}  // namespace segkit::config
