#include "segkit/models/model_options.h"

#include "segkit/encoders/efficientnet.h"
#include "segkit/encoders/encoder_registry.h"
#include "segkit/encoders/pretrained.h"

namespace segkit::models {

CommonOptions read_common_options(ModelArgs& args, int default_depth, int default_output_stride) {
  CommonOptions options;
  options.encoder_name = args.get<std::string>("encoder_name", options.encoder_name);
  options.encoder_depth = args.get<int>("encoder_depth", default_depth);
  const json weights = args.get_json("encoder_weights");
  if (weights.is_string()) {
    options.encoder_weights = weights.get<std::string>();
  } else if (!weights.is_null()) {
    throw ConfigError(args.arch() + ": encoder_weights must be a .safetensors path or null");
  }
  options.encoder_output_stride = args.get<int>("encoder_output_stride", default_output_stride);
  options.in_channels = args.get<int>("in_channels", options.in_channels);
  options.classes = args.get<int>("classes", options.classes);
  if (options.classes < 1) throw ConfigError(args.arch() + ": classes must be >= 1");
  options.activation = args.get<std::string>("activation", "");
  const json drop_connect = args.get_json("encoder_drop_connect_rate");
  if (drop_connect.is_number()) {
    options.encoder_drop_connect_rate = drop_connect.get<double>();
  } else if (!drop_connect.is_null()) {
    throw ConfigError(args.arch() + ": encoder_drop_connect_rate must be a number or null");
  }
  const json aux = args.get_json("aux_params");
  if (!aux.is_null()) {
    ModelArgs aux_args(aux, args.arch() + " aux_params");
    nn::AuxParams params;
    params.classes = aux_args.get<int64_t>("classes", params.classes);
    params.pooling = aux_args.get<std::string>("pooling", params.pooling);
    params.dropout = aux_args.get<double>("dropout", params.dropout);
    params.activation = aux_args.get<std::string>("activation", "");
    aux_args.finish();
    options.aux_params = params;
  }
  return options;
}

nn::NormType read_norm(ModelArgs& args, const std::string& key) {
  const json value = args.get_json(key);
  if (value.is_null()) return nn::NormType::kBatchNorm;
  if (value.is_boolean()) return value.get<bool>() ? nn::NormType::kBatchNorm : nn::NormType::kIdentity;
  if (!value.is_string()) throw ConfigError(args.arch() + ": " + key + " must be a boolean or a norm name");
  return nn::parse_norm(value.get<std::string>());
}

namespace {

encoders::Encoder with_drop_connect(encoders::Encoder encoder, const CommonOptions& options) {
  if (!options.encoder_drop_connect_rate) return encoder;
  auto* efficientnet = dynamic_cast<encoders::EfficientNetEncoderImpl*>(encoder.get());
  if (efficientnet == nullptr) {
    throw ConfigError("encoder_drop_connect_rate applies to the efficientnet-b* encoders; " + options.encoder_name +
                      " has no drop connect");
  }
  efficientnet->set_drop_connect_rate(*options.encoder_drop_connect_rate);
  return encoder;
}

}  // namespace

encoders::Encoder build_encoder(const CommonOptions& options) {
  if (!options.encoder_weights) {
    return with_drop_connect(encoders::create_encoder(options.encoder_name, options.encoder_depth, options.in_channels,
                                                      options.encoder_output_stride),
                             options);
  }
  // SMP's order: build with 3 channels, load the RGB weights, then adapt the first conv and dilate.
  auto encoder = encoders::create_encoder(options.encoder_name, options.encoder_depth, 3, 32);
  encoders::load_encoder_weights(*encoder, options.encoder_name, *options.encoder_weights);
  encoder->set_in_channels(options.in_channels, /*pretrained=*/true);
  if (options.encoder_output_stride != 32) encoder->make_dilated(options.encoder_output_stride);
  return with_drop_connect(encoder, options);
}

torch::nn::Sequential build_classification_head(const CommonOptions& options, const encoders::EncoderImpl& encoder) {
  if (!options.aux_params) return torch::nn::Sequential(nullptr);
  return nn::classification_head(encoder.out_channels().back(), *options.aux_params);
}

}  // namespace segkit::models
