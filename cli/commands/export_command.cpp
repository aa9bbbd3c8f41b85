// `segkit export --run DIR [--fold K | --all-folds] | --model DIR  -o model.onnx [--format onnx] [--size HxW]
//  [--batch N] [--opset N] [--dynamic] [--activation none|sigmoid|softmax|auto] [--verify]`
// A trained model as an ONNX file (docs/export.md). --verify runs the file in OpenCV's DNN module and
// compares it with segkit's own output; a mismatch exits non-zero.

#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/size_option.h"
#include "segkit/core/error.h"
#include "segkit/export/opencv_dnn_check.h"

namespace segkit::cli {

void add_export_command(CLI::App& app) {
  struct Args {
    std::string run, model, out, format = "onnx", size = "256x256";
    int fold = 0;
    bool all_folds = false;
    exporter::OnnxExportOptions options;
    bool verify = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("export", "Write a trained model as an ONNX file (docs/export.md)");
  auto* run = cmd->add_option("--run", args->run, "run directory (every fold) or fold directory");
  auto* model = cmd->add_option("--model", args->model, "model directory (config.json + model.safetensors)");
  run->excludes(model);
  cmd->add_option("--fold", args->fold, "which of the run's models (folds in order)")->capture_default_str();
  cmd->add_flag("--all-folds", args->all_folds, "every fold of the run in one graph, probabilities averaged");
  cmd->add_option("-o,--out", args->out, "output .onnx file")->required();
  cmd->add_option("--format", args->format, "onnx (the only format)")->check(CLI::IsMember({"onnx"}))->capture_default_str();
  cmd->add_option("--size", args->size, "input size HxW the graph is traced at")->check(size_validator())->capture_default_str();
  cmd->add_option("--batch", args->options.batch, "batch size traced")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--opset", args->options.opset, "ONNX opset, 13..17")->capture_default_str();
  cmd->add_flag("--dynamic", args->options.dynamic, "symbolic batch, height and width");
  cmd->add_option("--activation", args->options.activation, "none (logits), sigmoid, softmax, auto (by the mode)")
      ->capture_default_str();
  cmd->add_flag("--verify", args->verify, "run the file in OpenCV DNN and compare with segkit");
  cmd->callback([args] {
    const std::string source = args->run.empty() ? args->model : args->run;
    if (source.empty()) throw ConfigError("segkit export: give --run DIR or --model DIR");
    int height = 0, width = 0;
    parse_size(args->size, height, width);
    args->options.height = height;
    args->options.width = width;
    infer::PredictorOptions load;
    load.fast_path = false;  // the export folds BatchNorm itself, without channels-last
    load.device = "cpu";
    auto models = infer::load_models(source, load);
    if (!args->all_folds) {
      if (args->fold < 0 || args->fold >= static_cast<int>(models.size())) {
        throw ConfigError(fmt::format("--fold {}: {} has {} model(s)", args->fold, source, models.size()));
      }
      models = {models[static_cast<size_t>(args->fold)]};
    }
    exporter::export_onnx(models, args->options, args->out);
    std::printf("%s%s -> %s (%s, opset %lld, %dx%d%s)\n", models.front().source.string().c_str(),
                models.size() > 1 ? fmt::format(" and {} more", models.size() - 1).c_str() : "", args->out.c_str(),
                models.front().model->arch().c_str(), static_cast<long long>(args->options.opset), height, width,
                args->options.dynamic ? ", dynamic" : "");
    if (!args->verify) return;
    const auto check = exporter::check_with_opencv_dnn(models, args->options, args->out);
    std::printf("OpenCV DNN vs segkit: max |d| %.3g (output std %.3g) %s\n", check.max_abs_diff, check.reference_std,
                check.passed ? "ok" : "MISMATCH");
    if (!check.passed) throw ExportError(fmt::format("{}: OpenCV DNN's output differs from segkit's", args->out));
  });
}

}  // namespace segkit::cli
