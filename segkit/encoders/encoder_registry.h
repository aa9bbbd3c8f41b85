#pragma once
// Every encoder by SMP's name. The table is the concatenation of each family's rows, made explicitly
// here (no static self-registration, which a static library would drop silently).
//
//   auto encoder = segkit::encoders::create_encoder("efficientnet-b0", 5, 3);
//   for (const auto& spec : segkit::encoders::encoder_specs()) std::cout << spec.name << '\n';

#include <string>
#include <vector>

#include "segkit/encoders/encoder.h"
#include "segkit/encoders/encoder_spec.h"

namespace segkit::encoders {

const std::vector<EncoderSpec>& encoder_specs();

/// Throws ConfigError listing every encoder name (with a did-you-mean) for an unknown name.
const EncoderSpec& encoder_spec(const std::string& name);

/// Builds an encoder: depth 1..5 within the family's range, in_channels as SMP's first-conv rule
/// (random first conv: no pretrained weights are loaded here), output_stride 32 (none), 16 or 8.
Encoder create_encoder(const std::string& name, int depth = 5, int in_channels = 3, int output_stride = 32);

}  // namespace segkit::encoders
