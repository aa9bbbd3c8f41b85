// `segkit evaluate CONFIG [key=value ...] (--pred DIR | --submission CSV --format F) [--json FILE]`:
// scores predictions against the ground truth of the config's `data:` section (multiclass: mean IoU,
// per-class IoU and Dice, pixel accuracy and the confusion matrix).

#include <cstdio>
#include <memory>

#include "cli/commands/commands.h"
#include "segkit/config/config.h"
#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/submit/evaluate.h"
#include "segkit/train/train_options.h"

namespace segkit::cli {

namespace {

void print(const submit::Evaluation& e) {
  std::printf("%-16s %8s %8s %8s %10s\n", "class", "dice", "iou", "truth", "predicted");
  for (const auto& c : e.classes)
    std::printf("%-16s %8.4f %8.4f %8zu %10zu\n", c.name.c_str(), c.dice, c.iou, c.truth_images, c.predicted_images);
  if (e.mode == TaskMode::kMulticlass) {
    std::printf("mean IoU %.4f  mean Dice %.4f  pixel accuracy %.4f  (void pixels ignored)\n", e.mean_iou, e.dice,
                e.pixel_accuracy);
    std::printf("%zu images\n", e.images);
    return;
  }
  std::printf("dice %.4f  dice_pos %.4f  dice_neg %.4f\n", e.dice, e.dice_pos, e.dice_neg);
  std::printf("%zu images (%zu with truth, %zu without); %zu of %zu (image, class) pairs empty\n", e.images,
              e.positive_images, e.negative_images, e.empty_pairs, e.pairs);
}

}  // namespace

void add_evaluate_command(CLI::App& app) {
  struct Args {
    std::string file{};
    std::vector<std::string> overrides{};
    std::string pred{};
    std::string submission{};
    std::string format{};
    std::string json{};
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("evaluate", "Score predictions (a prediction directory or a submission CSV) against a config's data");
  cmd->add_option("config", args->file, "YAML config file whose data: section is the ground truth")
      ->required()->check(CLI::ExistingFile);
  cmd->add_option("overrides", args->overrides, "dotted key=value overrides");
  auto* pred = cmd->add_option("--pred", args->pred, "prediction directory")->check(CLI::ExistingDirectory);
  auto* sub = cmd->add_option("--submission", args->submission, "submission CSV (needs --format)")->check(CLI::ExistingFile);
  pred->excludes(sub);
  cmd->add_option("--format", args->format, "format of --submission: severstal, clouds, siim or generic");
  cmd->add_option("--json", args->json, "also write the scores to this JSON file");
  cmd->callback([args] {
    if (args->pred.empty() == args->submission.empty())
      throw ConfigError("evaluate needs --pred PRED_DIR or --submission CSV --format F");
    if (!args->submission.empty() && args->format.empty())
      throw ConfigError("--submission needs --format (severstal, clouds, siim or generic)");
    const auto config = config::load_config(args->file, args->overrides, config::segkit_schema());
    const auto truth = data::build_dataset(config.at("data"), std::filesystem::path(args->file).parent_path());
    const auto predictions =
        args->pred.empty()
            ? submit::open_submission(args->submission, submit::parse_submission_format(args->format), truth->class_names())
            : submit::open_prediction_dir(args->pred);
    // Multiclass when the config's model is (model.mode, or a multiclass loss) or predict said so.
    const bool multiclass =
        train::task_mode(config) == TaskMode::kMulticlass || predictions->mode() == TaskMode::kMulticlass;
    const auto result =
        submit::evaluate(*truth, *predictions, multiclass ? TaskMode::kMulticlass : TaskMode::kMultilabel);
    print(result);
    if (!args->json.empty()) write_file_atomic(args->json, submit::to_json(result).dump(2) + "\n");
  });
}

}  // namespace segkit::cli
