#include "segkit/metrics/confusion_stats.h"

#include <torch/torch.h>

#include <sstream>
#include <vector>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::metrics {
namespace {

std::string sizes_text(const torch::Tensor& tensor) {
  std::ostringstream out;
  out << tensor.sizes();
  return out.str();
}

Stats multilabel_stats(const torch::Tensor& output, const torch::Tensor& target) {
  const int64_t batch = target.size(0);
  const int64_t classes = target.size(1);
  auto out = output.reshape({batch, classes, -1}).to(torch::kLong);
  auto truth = target.reshape({batch, classes, -1}).to(torch::kLong);
  Stats stats;
  stats.tp = (out * truth).sum(2);
  stats.fp = out.sum(2) - stats.tp;
  stats.fn = truth.sum(2) - stats.tp;
  stats.tn = out.size(2) - (stats.tp + stats.fp + stats.fn);
  return stats;
}

// Per (image, class) counts of the labels in 0..C-1, by one bincount over image * C + label.
torch::Tensor class_histogram(const torch::Tensor& labels, int64_t classes) {
  const int64_t batch = labels.size(0);
  auto valid = (labels >= 0) & (labels < classes);
  auto image = torch::arange(batch, labels.options()).unsqueeze(1).expand_as(labels);
  auto bins = (image * classes + labels).masked_select(valid);
  return torch::bincount(bins, {}, batch * classes).reshape({batch, classes});
}

Stats multiclass_stats(const torch::Tensor& output, const torch::Tensor& target, int64_t classes,
                       std::optional<int64_t> ignore_index) {
  const int64_t batch = target.size(0);
  auto out = output.reshape({batch, -1}).to(torch::kLong);
  auto truth = target.reshape({batch, -1}).to(torch::kLong);
  torch::Tensor ignored_per_image = torch::zeros({batch, 1}, torch::kLong);
  if (ignore_index) {
    auto ignore = truth == *ignore_index;
    out = out.masked_fill(ignore, -1);
    truth = truth.masked_fill(ignore, -1);
    ignored_per_image = ignore.sum(1, /*keepdim=*/true);
  }
  Stats stats;
  stats.tp = class_histogram(torch::where(out == truth, truth, torch::full_like(truth, -1)), classes);
  stats.fp = class_histogram(out, classes) - stats.tp;
  stats.fn = class_histogram(truth, classes) - stats.tp;
  stats.tn = truth.size(1) - stats.tp - stats.fp - stats.fn - ignored_per_image;
  return stats;
}

}  // namespace

Stats Stats::cat(const Stats& other) const {
  if (!tp.defined()) return other;
  if (!other.tp.defined()) return *this;
  if (classes() != other.classes()) {
    throw ShapeError("confusion stats: cannot join " + std::to_string(classes()) + " classes with " +
                     std::to_string(other.classes()));
  }
  return {torch::cat({tp, other.tp}), torch::cat({fp, other.fp}), torch::cat({fn, other.fn}),
          torch::cat({tn, other.tn})};
}

torch::Tensor binarize(const torch::Tensor& values, double threshold, bool strict) {
  return (strict ? values > threshold : values >= threshold).to(torch::kLong);
}

Stats get_stats(const torch::Tensor& output, const torch::Tensor& target, Mode mode, const StatsOptions& options) {
  if (output.sizes() != target.sizes()) {
    throw ShapeError("get_stats: output shape " + sizes_text(output) + " differs from target shape " +
                     sizes_text(target));
  }
  if (output.dim() < (mode == Mode::kMulticlass ? 1 : 2)) {
    throw ShapeError("get_stats: output " + sizes_text(output) + " needs a batch dimension" +
                     (mode == Mode::kMulticlass ? "" : " and a class dimension (N, C, ...)"));
  }
  torch::NoGradGuard no_grad;
  auto out = output.detach().cpu();
  auto truth = target.detach().cpu();
  if (mode == Mode::kMulticlass) {
    if (options.threshold) throw ConfigError("get_stats: threshold is not supported in multiclass mode");
    if (out.is_floating_point()) {
      throw ConfigError("get_stats: multiclass output must hold class indices (argmax), not floats");
    }
    if (!options.num_classes || *options.num_classes < 1) {
      throw ConfigError("get_stats: multiclass mode needs num_classes");
    }
    const int64_t classes = *options.num_classes;
    if (options.ignore_index && *options.ignore_index >= 0 && *options.ignore_index < classes) {
      throw ConfigError("get_stats: ignore_index " + std::to_string(*options.ignore_index) +
                        " is a class value (0.." + std::to_string(classes - 1) +
                        "); use a value outside the classes, e.g. -1 or 255");
    }
    return multiclass_stats(out, truth, classes, options.ignore_index);
  }
  if (options.ignore_index) throw ConfigError("get_stats: ignore_index is supported in multiclass mode only");
  if (mode == Mode::kBinary && out.size(1) != 1) {
    // (N, H, W) binary masks: the class dimension SMP expects is implicit.
    out = out.unsqueeze(1);
    truth = truth.unsqueeze(1);
  }
  if (options.threshold) {
    out = binarize(out, *options.threshold, options.strict);
    truth = binarize(truth, *options.threshold, options.strict);
  } else if (out.is_floating_point() || truth.is_floating_point()) {
    throw ConfigError("get_stats: float outputs or targets need a threshold");
  }
  return multilabel_stats(out, truth);
}

}  // namespace segkit::metrics
