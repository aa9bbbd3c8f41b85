#pragma once
// timm's EfficientNet family as SMP reaches it:
//   timm-efficientnet-b0 ... b7   SMP's own wrapper (encoders/timm_efficientnet.py), names at the
//                                  top: conv_stem, bn1, blocks.S.B.*, conv_head, bn2 (kept for strict
//                                  loading, never run); stochastic depth 0.2 at the last block.
//   tu-efficientnetv2_s/_m,        TimmUniversalEncoder over timm's efficientnetv2 (features_only):
//   tu-tf_efficientnetv2_s/_m      names under `model.` (conv_stem, bn1, blocks.S.B.*), no head; the
//                                  tf_ variants pad "SAME" at run time and use BatchNorm eps 1e-3.
// Blocks, with timm's names: ConvBnAct {conv, bn1}, EdgeResidual {conv_exp, bn1, conv_pwl, bn2},
// DepthwiseSeparable {conv_dw, bn1, se, conv_pw, bn2}, InvertedResidual {conv_pw, bn1, conv_dw, bn2,
// se.conv_reduce, se.conv_expand, conv_pwl, bn3}; SiLU; the SE width is round(block input * 0.25).
// Features: the stem for b*, then wherever the next stage halves the resolution (and the last stage).
// Initialised as timm does (convolutions N(0, sqrt(2 / fan_out))).

#include <vector>

#include "segkit/encoders/encoder.h"
#include "segkit/encoders/encoder_spec.h"
#include "segkit/encoders/timm_layers.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::encoders {

/// One stage of timm's arch_def: block kind, repeats, kernel, first stride, expansion, channels,
/// squeeze-excitation, and ConvBnAct's `skip` flag.
struct TimmStageDef {
  enum class Kind { kConvBnAct, kEdgeResidual, kDepthwiseSeparable, kInvertedResidual };
  Kind kind;
  int repeats;
  int64_t kernel, stride, expand, channels;
  bool se;
  bool skip = false;
};

struct TimmEfficientNetConfig {
  std::vector<TimmStageDef> stages;
  int64_t stem = 32;
  double width = 1.0, depth = 1.0;  // channel and repeat multipliers
  int64_t head = 0;                 // conv_head channels before the width multiplier; 0 = no head
  double drop_path = 0.0;           // at the last block
  double bn_eps = 1e-5;
  bool same_padding = false;        // TensorFlow "SAME" (tf_ variants)
  bool under_model = false;         // SMP's tu- wrapper: everything under `model.`
  bool stem_is_feature = false;     // timm-efficientnet-b*: the stem is the stride-2 feature
};

class TimmEfficientNetEncoderImpl : public EncoderImpl {
 public:
  TimmEfficientNetEncoderImpl(const TimmEfficientNetConfig& config, std::vector<int64_t> out_channels, int depth);
  std::vector<torch::Tensor> forward(torch::Tensor x) override;

 protected:
  std::vector<std::pair<int, std::vector<std::shared_ptr<torch::nn::Module>>>> stages() override;

 private:
  TimmConv2d stem_conv_{nullptr};
  nn::BatchNorm2d stem_bn_{nullptr};
  std::vector<std::shared_ptr<torch::nn::Module>> stages_;
  std::vector<std::vector<int>> feature_groups_;  // stages run before each feature after the stem
  bool stem_is_feature_;
  bool under_model_;
};

/// timm-efficientnet-b0 ... b7 and tu-efficientnetv2_s/_m, tu-tf_efficientnetv2_s/_m.
std::vector<EncoderSpec> timm_efficientnet_encoders();

}  // namespace segkit::encoders
