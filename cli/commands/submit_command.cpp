// `segkit submit --pred PRED_DIR --format F [--sample-submission CSV] [--size HxW] -o submission.csv`: turns a
// prediction directory into a Kaggle submission CSV (written atomically and self-checked).

#include <cstdio>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/size_option.h"
#include "segkit/core/logging.h"
#include "segkit/submit/submission_writer.h"

namespace segkit::cli {

void add_submit_command(CLI::App& app) {
  struct Args {
    std::string pred{};
    std::string format{};
    std::string sample{};
    std::string output{};
    std::string size{};
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("submit", "Write a Kaggle submission CSV from a prediction directory");
  cmd->add_option("--pred", args->pred, "prediction directory (index.json + masks/)")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--format", args->format, "severstal, clouds, siim or generic")->required();
  cmd->add_option("--sample-submission", args->sample, "write rows in this CSV's order; it must list exactly the predicted images")
      ->check(CLI::ExistingFile);
  cmd->add_option("--size", args->size, "HxW: resize the masks (nearest) before encoding, e.g. SIIM's 1024x1024")
      ->check(size_validator());
  cmd->add_option("-o,--output", args->output, "submission CSV to write")->required();
  cmd->callback([args] {
    submit::SubmissionOptions options;
    options.format = submit::parse_submission_format(args->format);
    options.sample_submission = args->sample;
    int height = 0, width = 0;
    if (parse_size(args->size, height, width)) options.size = cv::Size(width, height);
    const auto summary = submit::write_submission_from_dir(args->pred, args->output, options);
    std::printf("%zu images, %zu rows (%zu non-empty)\n", summary.images, summary.rows, summary.non_empty_rows);
    log::info("wrote {} ({} format, self-check passed)", args->output, args->format);
  });
}

}  // namespace segkit::cli
