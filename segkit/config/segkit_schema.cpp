#include "segkit/config/segkit_schema.h"

namespace segkit::config {
namespace {

Schema build_schema() {
  Schema root = Schema::section("segkit configuration");
  root.add("seed", Schema::integer(42, "Seed of every random choice (weights init, shuffling, augmentation)")
                       .range(0, {}));
  root.add("threads", Schema::integer(0, "Intra-op CPU threads; 0 = OMP_NUM_THREADS when set, else all cores")
                          .range(0, {}));
  root.add("device", Schema::string("auto", "Where tensors live: auto (CUDA when available), cpu, cuda, cuda:N"));
  root.add("log_level", Schema::string("info", "Logging verbosity")
                            .choices({"trace", "debug", "info", "warn", "error", "off"}));

  // Only the arguments whose defaults are the same for every architecture are declared; the section
  // is open and create_model() checks the rest against the chosen architecture (docs/models.md).
  Schema model = Schema::section("The network: SMP's constructor arguments (docs/models.md)");
  model.add("arch", Schema::string("unet", "Architecture")
                        .choices({"unet", "unetplusplus", "fpn", "pspnet", "linknet", "deeplabv3", "deeplabv3plus"}));
  model.add("encoder_name", Schema::string("resnet34", "Encoder (`segkit models` lists them)"));
  model.add("encoder_weights",
            Schema::string(std::nullopt, "ImageNet weights for the encoder: a .safetensors path (never downloaded)"));
  model.add("in_channels", Schema::integer(3, "Input image channels").range(1, {}));
  model.add("classes", Schema::integer(1, "Output mask channels").range(1, {}));
  model.open();
  root.add("model", std::move(model));

  // The reader's own keys depend on the format; data::build_dataset checks them (docs/data.md).
  Schema data = Schema::section("The labelled images (docs/data.md); relative paths are relative to the config file");
  data.add("format", Schema::string(std::nullopt, "Reader").choices({"rle_csv", "mask_folder", "labelme", "image_folder"}));
  data.open();
  root.add("data", std::move(data));

  Schema folds = Schema::section("Cross-validation split shared by every model (`segkit folds`)");
  folds.add("k", Schema::integer(5, "Number of folds").range(2, {}));
  folds.add("method", Schema::string("stratified", "kfold, or stratified by the number of non-empty classes per image")
                          .choices({"kfold", "stratified"}));
  folds.add("file", Schema::string("folds.csv", "Folds CSV (ImageId,fold), relative to the config file"));
  root.add("folds", std::move(folds));
  return root;
}

}  // namespace

const Schema& segkit_schema() {
  static const Schema schema = build_schema();
  return schema;
}

}  // namespace segkit::config
