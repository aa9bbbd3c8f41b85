#include "segkit/infer/tta.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"

namespace segkit::infer {
namespace {

namespace F = torch::nn::functional;

torch::Tensor identity(const torch::Tensor& x) { return x; }
torch::Tensor hflip(const torch::Tensor& x) { return x.flip({3}); }
torch::Tensor vflip(const torch::Tensor& x) { return x.flip({2}); }
torch::Tensor hvflip(const torch::Tensor& x) { return x.flip({2, 3}); }
torch::Tensor transpose_hw(const torch::Tensor& x) { return x.transpose(2, 3); }

// Rotation by k quarter turns counter-clockwise in the H-W plane, as torch.rot90(x, k, (2, 3)).
TtaTransform rotation(int k, bool transposed) {
  const auto forward = [k, transposed](const torch::Tensor& x) {
    auto y = transposed ? x.transpose(2, 3) : x;
    return torch::rot90(y, k, {2, 3});
  };
  const auto backward = [k, transposed](const torch::Tensor& y) {
    auto x = torch::rot90(y, -k, {2, 3});
    return transposed ? x.transpose(2, 3) : x;
  };
  return {fmt::format("{}rot{}", transposed ? "transpose+" : "", 90 * k), forward, backward};
}

torch::Tensor resize_to(const torch::Tensor& x, int64_t height, int64_t width) {
  if (x.size(2) == height && x.size(3) == width) return x;
  return F::interpolate(x, F::InterpolateFuncOptions()
                               .size(std::vector<int64_t>{height, width})
                               .mode(torch::kBilinear)
                               .align_corners(false));
}

int64_t scaled_size(int64_t size, double scale, int64_t divisor) {
  const auto rounded = static_cast<int64_t>(std::llround(static_cast<double>(size) * scale / static_cast<double>(divisor)));
  return std::max<int64_t>(1, rounded) * divisor;
}

}  // namespace

const std::vector<std::string>& tta_names() {
  static const std::vector<std::string> names = {"none", "hflip", "vflip", "flips", "hvflip", "transpose", "d4"};
  return names;
}

std::vector<TtaTransform> tta_transforms(const std::string& name) {
  const TtaTransform none{"none", identity, identity};
  if (name == "none") return {none};
  if (name == "hflip") return {none, {"hflip", hflip, hflip}};
  if (name == "vflip") return {none, {"vflip", vflip, vflip}};
  if (name == "flips") return {none, {"hflip", hflip, hflip}, {"vflip", vflip, vflip}};
  if (name == "hvflip") return {none, {"hflip", hflip, hflip}, {"vflip", vflip, vflip}, {"hvflip", hvflip, hvflip}};
  if (name == "transpose") return {none, {"transpose", transpose_hw, transpose_hw}};
  if (name == "d4") {
    std::vector<TtaTransform> all;
    for (bool transposed : {false, true}) {
      for (int k = 0; k < 4; ++k) all.push_back(rotation(k, transposed));
    }
    return all;
  }
  throw ConfigError("unknown TTA '" + name + "'" + did_you_mean(name, tta_names()) + "; valid: " + join(tta_names(), ", "));
}

TtaMerger::TtaMerger(std::string merge) : merge_(std::move(merge)) {
  const std::vector<std::string> merges = {"mean", "gmean", "max"};
  if (std::find(merges.begin(), merges.end(), merge_) == merges.end()) {
    throw ConfigError("unknown TTA merge '" + merge_ + "'" + did_you_mean(merge_, merges) + "; valid: " + join(merges, ", "));
  }
}

void TtaMerger::add(torch::Tensor prediction) {
  if (merge_ == "gmean") prediction = prediction.clamp(1e-7, 1.0).log();
  if (!merged_.defined()) {
    merged_ = prediction.clone();
  } else if (merge_ == "max") {
    merged_ = torch::maximum(merged_, prediction);
  } else {
    merged_.add_(prediction);
  }
  ++count_;
}

torch::Tensor TtaMerger::result() const {
  if (!merged_.defined() || merge_ == "max") return merged_;
  const auto mean = merged_ / static_cast<double>(count_);
  return merge_ == "gmean" ? mean.exp() : mean;
}

namespace {

// Calls `pass(augmented input, transform, rescaled)` for every scale and transform of `options`.
template <typename Pass>
void for_each_tta_pass(const torch::Tensor& images, const TtaOptions& options, Pass&& pass) {
  const auto transforms = tta_transforms(options.name);
  const int64_t height = images.size(2), width = images.size(3);
  std::vector<double> scales = options.scales;
  for (int64_t target : options.widths) {
    if (target <= 0) throw ConfigError(fmt::format("TTA width must be > 0, got {}", target));
    scales.push_back(static_cast<double>(target) / static_cast<double>(width));
  }
  if (scales.empty()) scales = {1.0};
  for (double scale : scales) {
    if (!(scale > 0)) throw ConfigError(fmt::format("TTA scale must be > 0, got {}", scale));
    const bool rescale = scale != 1.0;
    const auto input = rescale ? resize_to(images, scaled_size(height, scale, options.size_divisor),
                                           scaled_size(width, scale, options.size_divisor))
                               : images;
    for (const auto& transform : transforms) pass(transform.augment(input), transform, rescale);
  }
}

}  // namespace

torch::Tensor predict_tta(const PredictFn& predict, const torch::Tensor& images, const TtaOptions& options) {
  TtaMerger merger(options.merge);
  for_each_tta_pass(images, options, [&](const torch::Tensor& input, const TtaTransform& transform, bool rescaled) {
    auto prediction = transform.deaugment(predict(input));
    merger.add(rescaled ? resize_to(prediction, images.size(2), images.size(3)) : prediction);
  });
  return merger.result();
}

torch::Tensor predict_tta_labels(const PredictFn& predict, const torch::Tensor& images, const TtaOptions& options) {
  TtaMerger merger(options.merge);
  for_each_tta_pass(images, options, [&](const torch::Tensor& input, const TtaTransform&, bool) { merger.add(predict(input)); });
  return merger.result();
}

}  // namespace segkit::infer
