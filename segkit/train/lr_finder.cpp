#include "segkit/train/lr_finder.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/logging.h"
#include "segkit/core/progress.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/data/folds.h"
#include "segkit/nn/runtime.h"
#include "segkit/report/html.h"
#include "segkit/report/line_chart.h"
#include "segkit/train/config_check.h"
#include "segkit/train/optimizer_factory.h"
#include "segkit/train/optimizer_groups.h"
#include "segkit/train/train_run.h"
#include "segkit/transforms/transform_registry.h"

namespace segkit::train {
namespace {

namespace fs = std::filesystem;

// The training indices of train.fold.
std::vector<size_t> training_indices(const config::Config& config, const fs::path& config_dir, const data::Dataset& dataset) {
  const auto folds = config_folds(config, config_dir, dataset);
  const int fold = config.get<int>("train.fold");
  std::vector<size_t> indices;
  for (size_t i = 0; i < folds.size(); ++i) {
    if (folds[i] != fold) indices.push_back(i);
  }
  if (indices.empty()) throw ConfigError("lr-find: train.fold " + std::to_string(fold) + " leaves no training image");
  return indices;
}

void suggest(LrFindResult& result) {
  const auto& points = result.points;
  // The last points of a diverging run say nothing about where to train: fastai drops 5.
  const size_t usable = points.size() > 10 ? points.size() - 5 : points.size();
  size_t lowest = 0, steepest = 1;
  double steepest_slope = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < usable; ++i) {
    if (points[i].smoothed_loss < points[lowest].smoothed_loss) lowest = i;
    if (i == 0) continue;
    const double slope = (points[i].smoothed_loss - points[i - 1].smoothed_loss) /
                         (std::log10(points[i].lr) - std::log10(points[i - 1].lr));
    if (slope < steepest_slope) steepest_slope = slope, steepest = i;
  }
  result.minimum_lr = points[lowest].lr / 10.0;
  result.steep_lr = points[std::min(steepest, points.size() - 1)].lr;
  result.suggested_lr = result.steep_lr;
}

}  // namespace

LrFindResult find_lr(const config::Config& config, const fs::path& config_dir, const LrFindOptions& options) {
  if (!(options.start_lr > 0 && options.start_lr < options.end_lr) || options.steps < 2) {
    throw ConfigError(fmt::format("lr-find needs 0 < start_lr < end_lr and at least 2 steps, got {} .. {} over {}",
                                  options.start_lr, options.end_lr, options.steps));
  }
  data::DatasetPtr dataset;
  with_config_location(config, "data", [&] { dataset = data::build_dataset(config.at("data"), config_dir); });
  check_training_setup(config, dataset.get());
  const TrainOptions train = read_train_options(config);
  loader::LoaderOptions loading;
  loading.batch_size = train.batch_size;
  loading.workers = train.workers;
  loading.shuffle = true;
  loading.drop_last = true;
  loading.seed = train.seed;
  const auto indices = training_indices(config, config_dir, *dataset);
  loader::DataLoader loader(dataset, transforms::build_pipeline(config.at("augment.train"), "augment.train"), loading,
                            indices);
  if (loader.batches_per_epoch() == 0) throw ConfigError("lr-find: fewer training images than train.batch_size");

  torch::manual_seed(train.seed);
  auto parts = build_trainer_parts(config, dataset.get(), options.steps);
  const torch::Device device(nn::resolve_device(train.device));
  auto& model = *parts.model;
  model.to(device);
  model.train();
  auto& optimizer = *parts.optimizer;
  std::vector<double> share;  // each group's configured rate (before any schedule) relative to the largest
  for (const auto& group : make_param_groups(model, OptimizerOptions::from_json(config.at("optimizer")))) {
    share.push_back(group.lr);
  }
  const double largest = *std::max_element(share.begin(), share.end());
  for (auto& value : share) value = largest > 0 ? value / largest : 1.0;

  LrFindResult result;
  const bool with_labels = model.has_classification_head();
  constexpr double kBeta = 0.98;
  double average = 0.0, best = std::numeric_limits<double>::infinity();
  uint64_t epoch = 0;
  loader.start_epoch(epoch);
  Progress bar("lr-find", options.steps);
  for (int step = 0; step < options.steps; ++step) {
    auto batch = loader.next();
    if (!batch) {
      loader.start_epoch(++epoch);
      batch = loader.next();
    }
    const double lr = options.start_lr * std::pow(options.end_lr / options.start_lr, step / double(options.steps - 1));
    for (size_t g = 0; g < share.size(); ++g) set_group_lr(optimizer, g, lr * share[g]);
    const auto output = model.forward_with_aux(batch->images.to(device), with_labels);
    auto loss = training_loss(*parts.loss, train.mode, train.cls_loss_weight, output, batch->masks.to(device),
                              batch->labels);
    const double value = loss.item<double>();
    optimizer.zero_grad();
    if (std::isfinite(value)) {
      loss.backward();
      optimizer.step();
    }
    average = kBeta * average + (1 - kBeta) * value;
    const double smoothed = average / (1 - std::pow(kBeta, step + 1));
    result.points.push_back({step + 1, lr, value, smoothed});
    bar.advance();
    if (!std::isfinite(smoothed) || (options.stop_on_divergence && step > 0 && smoothed > 4 * best)) {
      result.diverged = true;
      break;
    }
    best = std::min(best, smoothed);
  }
  bar.finish();
  suggest(result);
  return result;
}

void write_lr_find(const fs::path& dir, const LrFindResult& result) {
  fs::create_directories(dir);
  std::ostringstream csv;
  csv << "step,lr,loss,smoothed_loss\n";
  for (const auto& p : result.points) csv << fmt::format("{},{:.6g},{:.6g},{:.6g}\n", p.step, p.lr, p.loss, p.smoothed_loss);
  write_file_atomic(dir / "lr_find.csv", csv.str());

  report::LineChart chart;
  chart.title = "loss against the learning rate";
  chart.x_label = "log10(learning rate)";
  chart.y_label = "loss";
  chart.width = 640;
  chart.plot_height = 320;
  report::ChartSeries raw{"loss", {}}, smoothed{"smoothed loss", {}};
  for (const auto& p : result.points) {
    raw.points.push_back({std::log10(p.lr), p.loss});
    smoothed.points.push_back({std::log10(p.lr), p.smoothed_loss});
  }
  chart.series = {raw, smoothed};
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>segkit lr-find</title></head>\n"
       << "<body style=\"font-family: sans-serif\">\n<h1>Learning-rate finder</h1>\n"
       << "<p>Suggested learning rate <b>" << report::format_number(result.suggested_lr)
       << "</b> (steepest descent of the smoothed loss); a tenth of the rate at the lowest smoothed loss: "
       << report::format_number(result.minimum_lr) << ". " << result.points.size() << " steps"
       << (result.diverged ? ", stopped when the loss diverged" : "") << ".</p>\n"
       << report::svg_line_chart(chart) << "</body>\n</html>\n";
  write_file_atomic(dir / "lr_find.html", html.str());
}

}  // namespace segkit::train
