// `segkit pseudo-label --pred PRED_DIR --input IMAGES_DIR|CONFIG.yaml --out DIR [--lo 0.3] [--hi 0.7]
//  [--classifier PRED_DIR] [--soft] [--agree]`: the confidently predicted images as a labelled dataset
//  (format: prepared) that training mixes in with `pseudo_labels:` (docs/pipeline.md).

#include <cstdio>
#include <memory>

#include "cli/commands/commands.h"
#include "segkit/pipeline/pseudo_label_run.h"

namespace segkit::cli {

void add_pseudo_label_command(CLI::App& app) {
  struct Args {
    std::string predictions, input, out, classifier;
    pipeline::PseudoLabelRequest request;
  };
  auto args = std::make_shared<Args>();
  auto* command = app.add_subcommand("pseudo-label", "Turn confident predictions of unlabelled images into a dataset");
  command->add_option("--pred", args->predictions, "prediction directory of the images (segkit predict)")
      ->required()
      ->check(CLI::ExistingDirectory);
  command->add_option("--input", args->input, "the images it predicted: a folder or a config with a data: section")
      ->required()
      ->check(CLI::ExistingPath);
  command->add_option("--out", args->out, "output dataset directory (read it with format: prepared)")->required();
  command->add_option("--lo", args->request.low, "a class is surely absent below this probability")
      ->capture_default_str();
  command->add_option("--hi", args->request.high, "a class is surely present above this probability")
      ->capture_default_str();
  command->add_option("--classifier", args->classifier,
                      "prediction directory whose probability files carry classifier `labels` (default: --pred's, "
                      "else each class's peak pixel probability)")
      ->check(CLI::ExistingDirectory);
  command->add_flag("--soft", args->request.soft, "keep probabilities as soft labels instead of the binary masks");
  command->add_flag("--agree", args->request.agree,
                    "also require every class's mask to agree with its probability (empty when surely absent, "
                    "non-empty when surely present), as the clouds two-stage pipeline on its final predictions");
  command->callback([args] {
    auto request = args->request;
    request.predictions = args->predictions;
    request.input = args->input;
    request.out_dir = args->out;
    if (!args->classifier.empty()) request.classifier = args->classifier;
    const auto summary = pipeline::pseudo_label(request);
    std::printf("selected %zu of %zu images (every class < %g or > %g) -> %s (%s labels)\n", summary.selected,
                summary.images, request.low, request.high, args->out.c_str(), request.soft ? "soft" : "hard");
    if (summary.disagreeing > 0) {
      std::printf("  %zu confident images left out: their masks disagreed with the classifier\n", summary.disagreeing);
    }
    for (size_t k = 0; k < summary.classes.size(); ++k) {
      std::printf("  %-16s present in %zu\n", summary.classes[k].c_str(), summary.selected_with_class[k]);
    }
  });
}

}  // namespace segkit::cli
