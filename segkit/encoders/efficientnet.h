#pragma once
// SMP's own EfficientNet encoders efficientnet-b0 ... b7 (lukemelas names: _conv_stem, _bn0,
// _blocks.N, _conv_head, _bn1). Features: the stem's Swish output (f1), then after the blocks at
// `out_indexes` (b0: 2, 4, 8, 15). _conv_head/_bn1 are kept for strict loading but never run.
// Padding is TF "SAME", static, from the nominal image size (224 for b0 ... 600 for b7).

#include <vector>

#include "segkit/encoders/efficientnet_blocks.h"
#include "segkit/encoders/encoder.h"
#include "segkit/encoders/encoder_spec.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::encoders {

class EfficientNetEncoderImpl : public EncoderImpl {
 public:
  EfficientNetEncoderImpl(const EfficientNetScaling& scaling, std::vector<int> out_indexes,
                          std::vector<int64_t> out_channels, int depth);
  std::vector<torch::Tensor> forward(torch::Tensor x) override;
  /// The residual branches' drop probability at the last block (lukemelas' drop_connect_rate,
  /// scaled linearly by block index; 0.2 by default, training mode only). ConfigError outside [0, 1).
  void set_drop_connect_rate(double rate);
  double drop_connect_rate() const { return drop_connect_rate_; }

 protected:
  std::vector<std::pair<int, std::vector<std::shared_ptr<torch::nn::Module>>>> stages() override;

 private:
  std::vector<int> out_indexes_;
  double drop_connect_rate_ = 0.2;
  SameConv2d conv_stem_{nullptr};
  nn::BatchNorm2d bn0_{nullptr};
  std::vector<MBConvBlock> blocks_;
};

/// efficientnet-b0 ... efficientnet-b7.
std::vector<EncoderSpec> efficientnet_encoders();

}  // namespace segkit::encoders
