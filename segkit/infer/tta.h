#pragma once
// Test-time augmentation as ttach's SegmentationTTAWrapper does it: each augmentation transforms
// the batch, the model predicts, the prediction is transformed back exactly, and the de-augmented
// predictions are merged per pixel. Class probabilities (a classifier, a classification head) are
// merged over the same passes without de-augmentation, as ttach's ClassificationTTAWrapper.
//
//   none       the image as is
//   hflip      + horizontal flip                      (2 passes)
//   vflip      + vertical flip                        (2)
//   flips      + horizontal, + vertical               (3: the clouds pipelines' raw + hflip + vflip)
//   hvflip     + horizontal, vertical, both           (4)
//   transpose  + transpose (swap H and W)             (2)
//   d4         the 8 symmetries of the square: rotations by 0/90/180/270 degrees, each with and
//              without a transpose (ttach's d4_transform)  (8)
// `scales` (e.g. {0.75, 1, 1.25}) multiplies every augmentation by a resize of the input (bilinear,
// to a multiple of `size_divisor`) and of the prediction back to the input size (bilinear).
// Merge modes: mean, gmean (geometric mean, on probabilities clamped to [1e-7, 1]), max.
//
//   TtaOptions tta; tta.name = "d4"; tta.merge = "mean";
//   torch::Tensor probabilities = predict_tta([&](const torch::Tensor& x) { return torch::sigmoid(model->forward(x)); },
//                                             images, tta);

#include <torch/types.h>

#include <functional>
#include <string>
#include <vector>

namespace segkit::infer {

struct TtaOptions {
  std::string name = "none";
  std::string merge = "mean";
  std::vector<double> scales{};  ///< empty: scale 1 only
  /// Multi-resolution inference at given input widths (the buildings pipeline): each width w adds
  /// the scale w / the input's width (height in proportion); combined with `scales` when both are set.
  std::vector<int64_t> widths{};
  int64_t size_divisor = 32;     ///< scaled inputs are rounded to a multiple of this (encoder stride)
};

/// One geometric augmentation and its inverse, both on N x C x H x W tensors.
struct TtaTransform {
  std::string name;
  std::function<torch::Tensor(const torch::Tensor&)> augment;
  std::function<torch::Tensor(const torch::Tensor&)> deaugment;
};

/// The transforms of a TTA name (see above). Throws ConfigError naming the valid names.
std::vector<TtaTransform> tta_transforms(const std::string& name);

/// The TTA names tta_transforms accepts.
const std::vector<std::string>& tta_names();

using PredictFn = std::function<torch::Tensor(const torch::Tensor&)>;

/// Merged de-augmented predictions of `predict` (N x C x H x W -> N x K x H x W probabilities) over
/// every transform and scale. Throws ConfigError for an unknown merge mode or a scale <= 0.
torch::Tensor predict_tta(const PredictFn& predict, const torch::Tensor& images, const TtaOptions& options);

/// Class probabilities (`predict`: N x C x H x W -> N x K) merged over the same passes as predict_tta;
/// they need no de-augmentation (ttach's ClassificationTTAWrapper).
torch::Tensor predict_tta_labels(const PredictFn& predict, const torch::Tensor& images, const TtaOptions& options);

/// Merges passes one at a time as `merge` says: mean, gmean (probabilities clamped to [1e-7, 1])
/// or max. Throws ConfigError for another name.
class TtaMerger {
 public:
  explicit TtaMerger(std::string merge);
  void add(torch::Tensor prediction);
  /// Undefined before the first add.
  torch::Tensor result() const;

 private:
  std::string merge_;
  torch::Tensor merged_;
  int64_t count_ = 0;
};

}  // namespace segkit::infer
