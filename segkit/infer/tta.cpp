#include "segkit/infer/tta.h"

#include <fmt/format.h>
#include <torch/torch.h>

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

torch::Tensor predict_tta(const PredictFn& predict, const torch::Tensor& images, const TtaOptions& options) {
  const std::vector<std::string> merges = {"mean", "gmean", "max"};
  if (std::find(merges.begin(), merges.end(), options.merge) == merges.end()) {
    throw ConfigError("unknown TTA merge '" + options.merge + "'" + did_you_mean(options.merge, merges) +
                      "; valid: " + join(merges, ", "));
  }
  const auto transforms = tta_transforms(options.name);
  const int64_t height = images.size(2), width = images.size(3);
  std::vector<double> scales = options.scales;
  for (int64_t target : options.widths) {
    if (target <= 0) throw ConfigError(fmt::format("TTA width must be > 0, got {}", target));
    scales.push_back(static_cast<double>(target) / static_cast<double>(width));
  }
  if (scales.empty()) scales = {1.0};
  torch::Tensor merged;
  int64_t count = 0;
  for (double scale : scales) {
    if (!(scale > 0)) throw ConfigError(fmt::format("TTA scale must be > 0, got {}", scale));
    const bool rescale = scale != 1.0;
    const auto input = rescale ? resize_to(images, scaled_size(height, scale, options.size_divisor),
                                           scaled_size(width, scale, options.size_divisor))
                               : images;
    for (const auto& transform : transforms) {
      auto prediction = transform.deaugment(predict(transform.augment(input)));
      if (rescale) prediction = resize_to(prediction, height, width);
      if (options.merge == "gmean") prediction = prediction.clamp(1e-7, 1.0).log();
      if (!merged.defined()) {
        merged = prediction.clone();
      } else if (options.merge == "max") {
        merged = torch::maximum(merged, prediction);
      } else {
        merged.add_(prediction);
      }
      ++count;
    }
  }
  if (options.merge == "mean") return merged / static_cast<double>(count);
  if (options.merge == "gmean") return (merged / static_cast<double>(count)).exp();
  return merged;
}

}  // namespace segkit::infer
