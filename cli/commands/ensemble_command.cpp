// `segkit ensemble --pred DIR[:WEIGHT] --pred DIR[:WEIGHT] ... --out OUT_DIR [--method mean|vote]
//  [--postprocess FILE.yaml] [--empty-from SEG1_DIR] [--classifier CLS_DIR]`: combines prediction
//  directories per pixel, optionally gated as two-stage pipelines do (docs/pipeline.md).

#include <cstdio>
#include <memory>

#include "cli/commands/commands.h"
#include "segkit/core/error.h"
#include "segkit/pipeline/ensemble_run.h"

namespace segkit::cli {

void add_ensemble_command(CLI::App& app) {
  struct Args {
    std::vector<std::string> members;
    std::string out, method = "mean", postprocess, emptiness, classifier;
  };
  auto args = std::make_shared<Args>();
  auto* ensemble = app.add_subcommand("ensemble", "Combine prediction directories per pixel (weighted mean or vote)");
  ensemble->add_option("--pred", args->members, "prediction directory, optionally DIR:WEIGHT; two or more (one with a gate)")
      ->required();
  ensemble->add_option("--out", args->out, "output prediction directory")->required();
  ensemble->add_option("--method", args->method, "mean (of probabilities) or vote (of masks)")
      ->check(CLI::IsMember({"mean", "vote"}))
      ->capture_default_str();
  ensemble->add_option("--postprocess", args->postprocess, "postprocess.yaml applied to the result (default: p > 0.5)")
      ->check(CLI::ExistingFile);
  ensemble->add_option("--empty-from", args->emptiness, "prediction directory (seg1) whose empty masks stay empty")
      ->check(CLI::ExistingDirectory);
  ensemble->add_option("--classifier", args->classifier,
                       "prediction directory whose `labels` gate masks by the postprocess file's cls_threshold")
      ->check(CLI::ExistingDirectory);
  ensemble->callback([args] {
    pipeline::EnsembleRequest request;
    for (const auto& text : args->members) {
      pipeline::EnsembleMember member;
      const auto colon = text.rfind(':');
      member.dir = text;
      if (colon != std::string::npos && colon + 1 < text.size()) {
        try {
          size_t used = 0;
          member.weight = std::stod(text.substr(colon + 1), &used);
          if (used == text.size() - colon - 1) member.dir = text.substr(0, colon);
        } catch (const std::exception&) {
          member.weight = 1.0;  // not a weight: the colon is part of the path
        }
      }
      request.members.push_back(member);
    }
    request.method = args->method;
    request.out_dir = args->out;
    if (!args->postprocess.empty()) request.postprocess = args->postprocess;
    if (!args->emptiness.empty()) request.emptiness = args->emptiness;
    if (!args->classifier.empty()) request.classifier = args->classifier;
    const size_t images = pipeline::ensemble_predictions(request);
    std::printf("combined %zu images from %zu predictions (%s) into %s\n", images, request.members.size(),
                args->method.c_str(), args->out.c_str());
  });
}

}  // namespace segkit::cli
