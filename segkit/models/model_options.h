#pragma once
// The constructor arguments every architecture shares (SMP's names and defaults), read from
// ModelArgs. encoder_weights is a path to a .safetensors file or null: segkit never downloads.

#include <optional>
#include <string>

#include "segkit/encoders/encoder.h"
#include "segkit/models/model_args.h"
#include "segkit/nn/conv2d_relu.h"
#include "segkit/nn/heads.h"

namespace segkit::models {

struct CommonOptions {
  std::string encoder_name = "resnet34";
  int encoder_depth = 5;
  std::optional<std::string> encoder_weights;
  int encoder_output_stride = 32;
  int in_channels = 3;
  int classes = 1;
  std::string activation;
  std::optional<nn::AuxParams> aux_params;
  /// segkit extension: EfficientNet encoders' drop_connect_rate (lukemelas' 0.2 when unset).
  std::optional<double> encoder_drop_connect_rate;
};

/// Reads the shared arguments; `default_depth` differs per architecture (PSPNet: 3).
CommonOptions read_common_options(ModelArgs& args, int default_depth = 5, int default_output_stride = 32);

/// SMP's `use_norm` argument: true/false or a norm name ("batchnorm", "identity", "instancenorm").
nn::NormType read_norm(ModelArgs& args, const std::string& key);

/// Builds the encoder the options describe, loading encoder_weights when given.
encoders::Encoder build_encoder(const CommonOptions& options);

/// The classification head for `aux_params`, or an empty Sequential.
torch::nn::Sequential build_classification_head(const CommonOptions& options, const encoders::EncoderImpl& encoder);

}  // namespace segkit::models
