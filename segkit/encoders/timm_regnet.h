#pragma once
// timm's RegNetX / RegNetY through SMP's `tu-` wrapper (TimmUniversalEncoder, features_only):
// `tu-regnetx_002` ... `tu-regnety_040`. Names are timm's under `model.`: model.stem.{conv,bn},
// model.s1..s4.b1..bN.{conv1,conv2,se.fc1,se.fc2,conv3,downsample}.{conv,bn}. Features: the stem
// (stride 2) and the four stages. Initialised as timm does (convolutions N(0, sqrt(2 / fan_out)),
// the last BatchNorm of each block zero). encoder_output_stride 32 only: timm dilates the first
// block of a stage differently from the others, which the generic dilation would not reproduce.

#include <vector>

#include "segkit/encoders/encoder.h"
#include "segkit/encoders/encoder_spec.h"

namespace segkit::encoders {

struct RegNetStages {
  std::vector<int64_t> widths, depths;
  int64_t group_size;
  bool squeeze_excitation;  // RegNetY
};

class TimmRegNetEncoderImpl : public EncoderImpl {
 public:
  TimmRegNetEncoderImpl(const RegNetStages& stages, std::vector<int64_t> out_channels, int depth);
  std::vector<torch::Tensor> forward(torch::Tensor x) override;

 private:
  std::vector<std::shared_ptr<torch::nn::Module>> parts_;  // stem, s1 .. s4
};

/// tu-regnetx_002/004/006/008/016/032/040 and tu-regnety_002/004/006/008/016/032/040.
std::vector<EncoderSpec> timm_regnet_encoders();

}  // namespace segkit::encoders
