// `segkit tune --run RUN_DIR [--oof FILE ...] [-o postprocess.yaml] [--min-areas 0,100,...]
// [--classifier CLS_RUN] [--empty-from SEG1_RUN]`: fits each class's threshold, min_area and
// classifier gate on the run's out-of-fold predictions and writes postprocess.yaml (docs/pipeline.md).

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include "cli/commands/commands.h"
#include "segkit/config/yaml_loader.h"
#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/logging.h"
#include "segkit/postprocess/postprocess.h"

namespace segkit::cli {
namespace {

namespace fs = std::filesystem;

// The names training saw (the model card of a fold's best model, which every dataset format fills;
// else config.yaml's data.classes), so postprocess.yaml keys match what prediction calls the classes;
// "class<k>" when the run records neither.
std::vector<std::string> class_names(const fs::path& run_dir, int count) {
  std::vector<std::string> names;
  if (!run_dir.empty() && fs::is_directory(run_dir)) {
    for (const auto& oof : postprocess::find_oof_files(run_dir)) {
      const fs::path card = oof.parent_path() / "best" / "segkit.json";
      if (!fs::is_regular_file(card)) continue;
      const auto classes = config::json::parse(read_file(card)).value("classes", config::json::array());
      if (static_cast<int>(classes.size()) == count) return classes.get<std::vector<std::string>>();
    }
  }
  const fs::path config_file = run_dir / "config.yaml";
  if (!run_dir.empty() && fs::is_regular_file(config_file)) {
    const auto document = config::load_yaml_file(config_file);
    const auto& value = document.value;
    if (value.is_object() && value.contains("data") && value["data"].is_object() && value["data"].contains("classes") &&
        value["data"]["classes"].is_array() && static_cast<int>(value["data"]["classes"].size()) == count) {
      for (const auto& name : value["data"]["classes"]) names.push_back(name.is_string() ? name.get<std::string>() : name.dump());
      return names;
    }
  }
  for (int k = 0; k < count; ++k) names.push_back("class" + std::to_string(k));
  return names;
}

// The other stages of a two-stage pipeline, read once and joined to each out-of-fold set.
struct TwoStageInputs {
  std::optional<postprocess::OofData> classifier, emptiness;
  std::string classifier_run, emptiness_run;
  postprocess::PostprocessConfig emptiness_rules;
  std::vector<std::string> names;

  void attach(postprocess::OofData& oof) const {
    if (classifier) postprocess::attach_classifier(oof, *classifier, classifier_run);
    if (emptiness) postprocess::attach_emptiness(oof, *emptiness, emptiness_rules, names, emptiness_run);
  }
};

TwoStageInputs two_stage_inputs(const std::string& classifier_run, const std::string& emptiness_run,
                                const std::vector<std::string>& names) {
  TwoStageInputs inputs;
  inputs.names = names;
  if (!classifier_run.empty()) {
    inputs.classifier = postprocess::read_oof(postprocess::find_oof_files(classifier_run));
    inputs.classifier_run = classifier_run;
  }
  if (!emptiness_run.empty()) {
    inputs.emptiness = postprocess::read_oof(postprocess::find_oof_files(emptiness_run));
    inputs.emptiness_run = emptiness_run;
    if (const fs::path rules = fs::path(emptiness_run) / "postprocess.yaml"; fs::exists(rules)) {
      inputs.emptiness_rules = postprocess::read_postprocess_config(rules, names);
      log::info("--empty-from: masks of {} under {}", emptiness_run, rules.string());
    }
  }
  return inputs;
}

}  // namespace

void add_tune_command(CLI::App& app) {
  struct Args {
    std::string run_dir;
    std::vector<std::string> oof_files;
    std::string output;
    std::vector<int> min_areas;
    int min_total = 0;
    double min_prob_sum = 0;
    bool per_fold = false;
    std::string classifier;
    std::string empty_from;
  };
  auto args = std::make_shared<Args>();
  auto* tune = app.add_subcommand("tune", "Fit per-class threshold, min_area and classifier gate on out-of-fold predictions");
  tune->add_option("--run", args->run_dir, "run directory (reads fold*/oof.safetensors, writes postprocess.yaml)");
  tune->add_option("--oof", args->oof_files, "out-of-fold files to read instead of the run's folds");
  tune->add_option("-o,--output", args->output, "output file (default RUN_DIR/postprocess.yaml)");
  tune->add_option("--min-areas", args->min_areas, "min_area candidates, e.g. 0,100,500 (default: grid scaled to the image area)")
      ->delimiter(',')
      ->check(CLI::NonNegativeNumber);
  tune->add_option("--min-total", args->min_total,
                   "fixed min_total (mask emptied below this many pixels) searched under and written, at the "
                   "out-of-fold size")
      ->check(CLI::NonNegativeNumber);
  tune->add_option("--min-prob-sum", args->min_prob_sum,
                   "fixed min_prob_sum (mask emptied when its probabilities sum below this) searched under and "
                   "written, at the out-of-fold size")
      ->check(CLI::NonNegativeNumber);
  tune->add_flag("--per-fold", args->per_fold,
                 "search each fold's out-of-fold file on its own and average the optima (the SIIM kernel's way)");
  tune->add_option("--classifier", args->classifier,
                   "a classifier run (or a run with a classification head) whose out-of-fold class probabilities "
                   "gate these masks: its cls_threshold is tuned on the gated output");
  tune->add_option("--empty-from", args->empty_from,
                   "a run whose out-of-fold masks (under its postprocess.yaml, else p > 0.5) empty these where they "
                   "are empty, as `segkit ensemble --empty-from` (seg1 of the two-stage clouds pipeline)");
  tune->callback([args] {
    if (args->run_dir.empty() && (args->oof_files.empty() || args->output.empty())) {
      throw ConfigError("segkit tune needs --run RUN_DIR, or --oof FILE ... with -o OUTPUT");
    }
    const fs::path run_dir = args->run_dir;
    if (!run_dir.empty() && !fs::is_directory(run_dir)) {
      throw DataError("run directory '" + run_dir.string() + "' does not exist");
    }
    std::vector<fs::path> files(args->oof_files.begin(), args->oof_files.end());
    if (files.empty()) files = postprocess::find_oof_files(run_dir);
    auto oof = postprocess::read_oof(files);
    log::info("read {} out-of-fold images ({} classes) from {} file(s)", oof.images.size(), oof.num_classes, files.size());
    const auto names = class_names(run_dir, oof.num_classes);
    const auto other_stages = two_stage_inputs(args->classifier, args->empty_from, names);
    other_stages.attach(oof);

    postprocess::SearchOptions options;
    options.min_areas = args->min_areas;
    options.min_total = args->min_total;
    options.min_prob_sum = args->min_prob_sum;
    const auto start = std::chrono::steady_clock::now();
    postprocess::SearchResult result;
    if (args->per_fold) {
      std::vector<postprocess::OofData> folds;
      for (const auto& file : files) {
        folds.push_back(postprocess::read_oof(file));
        other_stages.attach(folds.back());
      }
      result = postprocess::search_postprocess_per_fold(folds, oof, names, options);
    } else {
      result = postprocess::search_postprocess(oof, names, options);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const fs::path output = args->output.empty() ? run_dir / "postprocess.yaml" : fs::path(args->output);
    postprocess::write_postprocess_config(output, result.to_config());
    std::printf("%s", postprocess::format_search_table(result).c_str());
    std::printf("mean dice: %.4f -> %.4f\n", result.mean_default_dice(), result.mean_tuned_dice());
    log::info("tuned in {:.1f} s; wrote {}", seconds, output.string());
  });
}

}  // namespace segkit::cli
