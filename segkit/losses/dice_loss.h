#pragma once
// SMP's DiceLoss (losses/dice.py): 1 - soft Dice per class, with sums over the batch AND the
// pixels of each class (dims 0 and 2 of (N, C, H*W)), classes without any positive pixel in the
// batch contributing 0 (still counted in the mean), then the mean or the class-weighted mean.
// `positives_only` is the seed pipelines' "dice_pos": images whose truth is empty are left out
// (binary/multilabel: no positive pixel; multiclass: only class 0), so empty images cannot pull
// the prediction towards all-background through this term. A batch of only empty images gives 0.
//
//   DiceOptions options;
//   options.mode = Mode::kMulticlass;
//   auto loss = DiceLoss(options).forward(logits, labels);   // labels (N, H, W) int64
//
// Throws ShapeError for shapes that do not fit the mode, DataError for class indices outside
// 0..C-1 (other than ignore_index), ConfigError for class_weights in binary mode.

#include "segkit/losses/loss.h"

namespace segkit::losses {

struct DiceOptions : LossOptions {
  /// SMP's `classes`: the channels that contribute; empty: all.
  std::vector<int64_t> classes;
  /// -log(score) instead of 1 - score.
  bool log_loss = false;
  /// Leave out images whose truth is empty ("dice_pos").
  bool positives_only = false;
};

class DiceLoss : public Loss {
 public:
  explicit DiceLoss(DiceOptions options = {});

  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& target) const override;
  /// (C) losses after the empty-class mask, or (len(classes)) when `classes` is set.
  torch::Tensor per_class(const torch::Tensor& logits, const torch::Tensor& target) const override;
  std::string name() const override { return name_; }
  const DiceOptions& options() const { return options_; }

 protected:
  DiceLoss(DiceOptions options, std::string name);

  /// The per-class score; Jaccard and Tversky change only this and aggregate().
  virtual torch::Tensor score(const torch::Tensor& probs, const torch::Tensor& truth,
                              const std::vector<int64_t>& dims) const;
  virtual torch::Tensor aggregate(const torch::Tensor& per_class) const;

  DiceOptions options_;

 private:
  std::string name_;

  torch::Tensor all_images(const torch::Tensor& logits, const torch::Tensor& target) const;
};

}  // namespace segkit::losses
