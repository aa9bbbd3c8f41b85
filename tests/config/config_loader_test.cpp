#include "segkit/config/config_loader.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace segkit::config {
namespace {

Schema test_schema() {
  Schema root = Schema::section("root");
  root.add("seed", Schema::integer(42, "seed"));
  root.add("name", Schema::string("run", "name"));
  root.add("train", Schema::section("training")
                        .add("batch_size", Schema::integer(8, "batch"))
                        .add("epochs", Schema::integer(10, "epochs"))
                        .add("lr", Schema::number(1e-3, "lr"))
                        .add("lrs", Schema::list(Schema::number(0.0, "lr"), nullptr, "lrs")));
  root.add("model", Schema::section("model")
                        .add("encoder_name", Schema::string("resnet34", "encoder"))
                        .add("encoder_weights", Schema::string(std::nullopt, "weights file")));
  return root;
}

std::string load_error(const std::filesystem::path& file, const std::vector<std::string>& overrides = {}) {
  try {
    load_config(file, overrides, test_schema());
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(ConfigLoader, IncludesMergeSectionsKeyByKeyAndFileWins) {
  test::TempDir dir;
  test::write_text(dir / "base/common.yaml", "seed: 1\ntrain:\n  batch_size: 4\n  epochs: 30\n  lrs: [1, 2]\n");
  test::write_text(dir / "base/model.yaml", "include: common.yaml\nmodel:\n  encoder_name: resnet18\n");
  test::write_text(dir / "run.yaml", "include: [base/model.yaml]\ntrain:\n  epochs: 5\n  lrs: [3]\n");
  Config config = load_config(dir / "run.yaml", {}, test_schema());
  EXPECT_EQ(config.get<int>("seed"), 1);
  EXPECT_EQ(config.get<int>("train.batch_size"), 4);
  EXPECT_EQ(config.get<int>("train.epochs"), 5);
  EXPECT_EQ(config.get<std::vector<double>>("train.lrs"), std::vector<double>{3.0}) << "lists are replaced";
  EXPECT_EQ(config.get<std::string>("model.encoder_name"), "resnet18");
  EXPECT_TRUE(config.at("model.encoder_weights").is_null());
  EXPECT_FALSE(config.values().contains("include"));
  EXPECT_NE(config.where("train.batch_size").find("common.yaml:3"), std::string::npos);
  EXPECT_NE(config.where("train.epochs").find("run.yaml:3"), std::string::npos);
}

TEST(ConfigLoader, OverridesAreTypedAsYaml) {
  test::TempDir dir;
  test::write_text(dir / "run.yaml", "train:\n  batch_size: 4\n");
  Config config = load_config(dir / "run.yaml",
                              {"train.batch_size=16", "train.lr=3e-4", "train.lrs=[0.1, 0.2]",
                               "model.encoder_name=efficientnet-b0", "model.encoder_weights=w.safetensors",
                               "name='8'"},
                              test_schema());
  EXPECT_EQ(config.get<int>("train.batch_size"), 16);
  EXPECT_DOUBLE_EQ(config.get<double>("train.lr"), 3e-4);
  EXPECT_EQ(config.get<std::vector<double>>("train.lrs"), (std::vector<double>{0.1, 0.2}));
  EXPECT_EQ(config.get<std::string>("model.encoder_name"), "efficientnet-b0");
  EXPECT_EQ(config.get<std::string>("model.encoder_weights"), "w.safetensors");
  EXPECT_EQ(config.get<std::string>("name"), "8");
  EXPECT_NE(config.where("train.batch_size").find("command-line override 'train.batch_size=16'"),
            std::string::npos);
}

TEST(ConfigLoader, OverrideCanResetToNull) {
  test::TempDir dir;
  test::write_text(dir / "run.yaml", "model:\n  encoder_weights: imagenet.safetensors\n");
  Config config = load_config(dir / "run.yaml", {"model.encoder_weights=null"}, test_schema());
  EXPECT_TRUE(config.at("model.encoder_weights").is_null());
}

TEST(ConfigLoader, UnknownOverrideKeyNamesTheOverride) {
  test::TempDir dir;
  test::write_text(dir / "run.yaml", "seed: 1\n");
  const std::string error = load_error(dir / "run.yaml", {"train.bach_size=8"});
  EXPECT_NE(error.find("command-line override 'train.bach_size=8'"), std::string::npos) << error;
  EXPECT_NE(error.find("did you mean 'train.batch_size'"), std::string::npos) << error;
}

TEST(ConfigLoader, WrongTypeOverrideNamesKeyAndType) {
  test::TempDir dir;
  test::write_text(dir / "run.yaml", "seed: 1\n");
  const std::string error = load_error(dir / "run.yaml", {"train.epochs=many"});
  EXPECT_NE(error.find("'train.epochs' expected integer, got string"), std::string::npos) << error;
}

TEST(ConfigLoader, MalformedOverridesAreRejected) {
  test::TempDir dir;
  test::write_text(dir / "run.yaml", "seed: 1\n");
  EXPECT_NE(load_error(dir / "run.yaml", {"train.epochs"}).find("expected key=value"), std::string::npos);
  EXPECT_NE(load_error(dir / "run.yaml", {"=3"}).find("expected key=value"), std::string::npos);
  EXPECT_NE(load_error(dir / "run.yaml", {"train..epochs=3"}).find("empty name"), std::string::npos);
  EXPECT_NE(load_error(dir / "run.yaml", {"include=x.yaml"}).find("only be set in a file"), std::string::npos);
  EXPECT_NE(load_error(dir / "run.yaml", {"train.lrs=[1,"}).find("invalid YAML"), std::string::npos);
}

TEST(ConfigLoader, ErrorInIncludedFileNamesThatFile) {
  test::TempDir dir;
  test::write_text(dir / "base.yaml", "train:\n  epochs: ten\n");
  test::write_text(dir / "run.yaml", "include: base.yaml\nseed: 3\n");
  const std::string error = load_error(dir / "run.yaml");
  EXPECT_NE(error.find("base.yaml:2:3"), std::string::npos) << error;
}

TEST(ConfigLoader, IncludeCycleIsReportedWithTheChain) {
  test::TempDir dir;
  test::write_text(dir / "a.yaml", "include: b.yaml\n");
  test::write_text(dir / "b.yaml", "include: [a.yaml]\n");
  const std::string error = load_error(dir / "a.yaml");
  EXPECT_NE(error.find("include cycle"), std::string::npos) << error;
  EXPECT_NE(error.find("a.yaml -> "), std::string::npos) << error;
  test::write_text(dir / "self.yaml", "include: self.yaml\n");
  EXPECT_NE(load_error(dir / "self.yaml").find("include cycle"), std::string::npos);
}

TEST(ConfigLoader, MissingOrMalformedIncludeIsReported) {
  test::TempDir dir;
  test::write_text(dir / "run.yaml", "include: nowhere.yaml\n");
  const std::string error = load_error(dir / "run.yaml");
  EXPECT_NE(error.find("run.yaml:1:1"), std::string::npos) << error;
  EXPECT_NE(error.find("nowhere.yaml"), std::string::npos) << error;
  test::write_text(dir / "bad.yaml", "include: {a: 1}\n");
  EXPECT_NE(load_error(dir / "bad.yaml").find("'include' must be"), std::string::npos);
  test::write_text(dir / "list.yaml", "- 1\n- 2\n");
  EXPECT_NE(load_error(dir / "list.yaml").find("mapping"), std::string::npos);
}

TEST(ConfigLoader, EmptyFileGivesDefaults) {
  test::TempDir dir;
  test::write_text(dir / "empty.yaml", "");
  Config config = load_config(dir / "empty.yaml", {}, test_schema());
  EXPECT_EQ(config.get<int>("train.epochs"), 10);
  EXPECT_EQ(config.where("train.epochs"), "");
  EXPECT_THROW(config.at("train.nope"), ConfigError);
  EXPECT_THROW(config.get<int>("model.encoder_name"), ConfigError);
}

TEST(ConfigLoader, ToYamlRoundTrips) {
  test::TempDir dir;
  test::write_text(dir / "run.yaml", "train:\n  lrs: [0.5]\n");
  Config config = load_config(dir / "run.yaml", {}, test_schema());
  test::write_text(dir / "again.yaml", config.to_yaml());
  EXPECT_EQ(load_config(dir / "again.yaml", {}, test_schema()).values(), config.values());
}

}  // namespace
}  // namespace segkit::config
