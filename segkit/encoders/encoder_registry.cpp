#include "segkit/encoders/encoder_registry.h"

#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/encoders/densenet.h"
#include "segkit/encoders/efficientnet.h"
#include "segkit/encoders/inceptionresnetv2.h"
#include "segkit/encoders/mix_transformer.h"
#include "segkit/encoders/mobilenet.h"
#include "segkit/encoders/resnet.h"
#include "segkit/encoders/senet.h"
#include "segkit/encoders/timm_convnext.h"
#include "segkit/encoders/timm_efficientnet.h"
#include "segkit/encoders/timm_regnet.h"

namespace segkit::encoders {

const std::vector<EncoderSpec>& encoder_specs() {
  static const std::vector<EncoderSpec> specs = [] {
    std::vector<EncoderSpec> all;
    for (auto family : {resnet_encoders(), senet_encoders(), densenet_encoders(), efficientnet_encoders(),
                         timm_efficientnet_encoders(), mobilenet_encoders(), inceptionresnetv2_encoders(),
                         mix_transformer_encoders(), timm_regnet_encoders(), timm_convnext_encoders()}) {
      all.insert(all.end(), family.begin(), family.end());
    }
    return all;
  }();
  return specs;
}

const EncoderSpec& encoder_spec(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& spec : encoder_specs()) {
    if (spec.name == name) return spec;
    names.push_back(spec.name);
  }
  throw ConfigError("unknown encoder_name '" + name + "'" + did_you_mean(name, names) +
                    "; supported encoders: " + join(names, ", "));
}

Encoder create_encoder(const std::string& name, int depth, int in_channels, int output_stride) {
  const EncoderSpec& spec = encoder_spec(name);
  if (depth < spec.min_depth || depth > spec.max_depth) {
    throw ConfigError("encoder_depth for " + name + " must be in [" + std::to_string(spec.min_depth) + ", " +
                      std::to_string(spec.max_depth) + "], got " + std::to_string(depth));
  }
  Encoder encoder = spec.build(depth);
  encoder->set_in_channels(in_channels, /*pretrained=*/false);
  if (output_stride != 32) encoder->make_dilated(output_stride);
  return encoder;
}

}  // namespace segkit::encoders
