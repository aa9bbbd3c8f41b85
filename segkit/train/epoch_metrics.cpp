#include "segkit/train/epoch_metrics.h"

#include <torch/torch.h>

#include "segkit/metrics/classification.h"
#include "segkit/metrics/kaggle_dice.h"
#include "segkit/metrics/scores.h"
#include "segkit/nn/task_outputs.h"

#include <cmath>

namespace segkit::train {
namespace {

metrics::StatsOptions stats_options(double threshold) {
  metrics::StatsOptions options;
  options.threshold = threshold;
  options.strict = true;
  return options;
}

config::json per_class(const std::vector<std::string>& names, const torch::Tensor& values) {
  config::json out = config::json::object();
  const auto cpu = values.to(torch::kFloat64);
  for (size_t k = 0; k < names.size(); ++k) out[names[k]] = cpu[static_cast<int64_t>(k)].item<double>();
  return out;
}

// JSON has no NaN: an undefined score is null (the report and the monitor skip it).
config::json number_or_null(double value) { return std::isnan(value) ? config::json(nullptr) : config::json(value); }

config::json per_class(const std::vector<std::string>& names, const ConfusionMatrix& matrix,
                       double (ConfusionMatrix::*score)(int64_t) const) {
  config::json out = config::json::object();
  for (size_t k = 0; k < names.size(); ++k) out[names[k]] = number_or_null((matrix.*score)(static_cast<int64_t>(k)));
  return out;
}

}  // namespace

EpochMetrics::EpochMetrics(std::vector<std::string> class_names, double threshold, TaskMode mode)
    : class_names_(std::move(class_names)), mode_(mode), threshold_(threshold),
      confusion_(mode == TaskMode::kMulticlass ? static_cast<int64_t>(class_names_.size()) : 0),
      stats_(metrics::Mode::kMultilabel, stats_options(threshold)) {}

void EpochMetrics::add(const torch::Tensor& mask_logits, const torch::Tensor& masks, double loss,
                       const torch::Tensor& label_logits, const torch::Tensor& labels) {
  torch::NoGradGuard no_grad;
  const int64_t batch = mask_logits.defined() ? mask_logits.size(0) : label_logits.size(0);
  loss_.add(loss, batch);
  images_ += batch;
  if (mask_logits.defined() && mode_ == TaskMode::kMulticlass) {
    confusion_.add_counts(nn::confusion_counts(mask_logits.detach().argmax(1), nn::class_labels(masks), confusion_.classes()));
  } else if (mask_logits.defined()) {  // a classifier has class scores only
    stats_.add(torch::sigmoid(mask_logits.detach()).to(torch::kCPU), masks.to(torch::kCPU));
  }
  if (label_logits.defined() && labels.defined()) {
    classification_.add(torch::sigmoid(label_logits.detach()).to(torch::kCPU), labels.to(torch::kCPU));
  }
}

config::json EpochMetrics::summary() const {
  config::json out = config::json::object();
  out["loss"] = loss_.count() > 0 ? config::json(loss_.value()) : config::json(nullptr);
  if (skipped_ > 0) out["skipped_batches"] = skipped_;
  if (images_ == 0) return out;
  if (classification_.samples() > 0) out.update(classification_summary());
  if (mode_ == TaskMode::kMulticlass) {
    out.update(multiclass_summary());
    return out;
  }
  const auto& stats = stats_.stats();
  if (stats.images() == 0) return out;  // a classifier
  const auto dice = metrics::kaggle_dice(stats);
  out["dice"] = dice.mean;
  out["dice_per_class"] = per_class(class_names_, dice.per_image_class.mean(0));
  out["iou"] = metrics::iou_score(stats, {metrics::Reduction::kMicro}).item<double>();
  // Per class: pool the pixels of every image (micro over images), as the IoU above does overall.
  const auto tp = stats.tp.sum(0).to(torch::kFloat64);
  const auto union_ = (stats.tp + stats.fp + stats.fn).sum(0).to(torch::kFloat64);
  out["iou_per_class"] = per_class(class_names_, torch::where(union_ > 0, tp / union_, torch::ones_like(tp)));
  const auto pos_neg = metrics::pos_neg_dice(stats);
  if (pos_neg.pos_mean) out["dice_pos"] = *pos_neg.pos_mean;
  if (pos_neg.neg_mean) out["dice_neg"] = *pos_neg.neg_mean;
  return out;
}

// A class's AUC is undefined when every image has (or lacks) it: null per class, and the mean
// (cls_auc) is over the defined ones, left out when there are none.
config::json EpochMetrics::classification_summary() const {
  config::json out = config::json::object();
  out["cls_accuracy"] = classification_.accuracy(threshold_);
  const auto mean_of_defined = [](const std::vector<double>& values) {
    double sum = 0.0;
    int count = 0;
    for (double value : values) {
      if (!std::isnan(value)) sum += value, ++count;
    }
    return count > 0 ? sum / count : std::nan("");
  };
  const auto named = [&](const std::vector<double>& values) {
    config::json per = config::json::object();
    for (size_t k = 0; k < class_names_.size() && k < values.size(); ++k) per[class_names_[k]] = number_or_null(values[k]);
    return per;
  };
  const auto auc = classification_.auc_per_class();
  if (const double mean = mean_of_defined(auc); !std::isnan(mean)) out["cls_auc"] = mean;
  out["cls_auc_per_class"] = named(auc);
  const auto f1 = classification_.f1_per_class(threshold_);
  out["cls_f1"] = mean_of_defined(f1);
  out["cls_f1_per_class"] = named(f1);
  return out;
}

config::json EpochMetrics::multiclass_summary() const {
  config::json out = config::json::object();
  out["iou"] = number_or_null(confusion_.mean_iou());
  out["iou_per_class"] = per_class(class_names_, confusion_, &ConfusionMatrix::iou);
  out["dice"] = number_or_null(confusion_.mean_dice());
  out["dice_per_class"] = per_class(class_names_, confusion_, &ConfusionMatrix::dice);
  out["pixel_accuracy"] = number_or_null(confusion_.pixel_accuracy());
  return out;
}

void EpochMetrics::save(torch::serialize::OutputArchive& archive) const {
  archive.write("loss_sum", torch::tensor(loss_.value() * static_cast<double>(loss_.count()), torch::kFloat64));
  archive.write("loss_count", torch::tensor(loss_.count(), torch::kInt64));
  archive.write("skipped", torch::tensor(skipped_, torch::kInt64));
  archive.write("images", torch::tensor(images_, torch::kInt64));
  if (mode_ == TaskMode::kMulticlass) {
    archive.write("confusion", torch::tensor(confusion_.counts(), torch::kInt64));
    return;
  }
  const auto& stats = stats_.stats();
  if (stats.images() == 0) return;
  archive.write("tp", stats.tp);
  archive.write("fp", stats.fp);
  archive.write("fn", stats.fn);
  archive.write("tn", stats.tn);
}

void EpochMetrics::load(torch::serialize::InputArchive& archive) {
  torch::Tensor loss_sum, loss_count, skipped;
  archive.read("loss_sum", loss_sum);
  archive.read("loss_count", loss_count);
  archive.read("skipped", skipped);
  loss_.reset();
  const auto count = loss_count.item<int64_t>();
  if (count > 0) loss_.add(loss_sum.item<double>() / static_cast<double>(count), count);
  skipped_ = skipped.item<int64_t>();
  torch::Tensor images;
  images_ = archive.try_read("images", images) ? images.item<int64_t>() : 0;
  confusion_ = ConfusionMatrix(confusion_.classes());
  torch::Tensor confusion;
  if (archive.try_read("confusion", confusion)) {
    const auto counts = confusion.to(torch::kInt64).contiguous();
    confusion_.add_counts({counts.data_ptr<int64_t>(), counts.data_ptr<int64_t>() + counts.numel()});
  }
  stats_.reset();
  metrics::Stats stats;
  if (archive.try_read("tp", stats.tp)) {
    archive.read("fp", stats.fp);
    archive.read("fn", stats.fn);
    archive.read("tn", stats.tn);
    stats_.add(stats);
    if (images_ == 0) images_ = stats_.images();  // checkpoints written before the image count
  }
}

}  // namespace segkit::train
