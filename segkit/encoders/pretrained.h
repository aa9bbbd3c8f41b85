#pragma once
// Loads ImageNet (or any) weights for an encoder from a safetensors file, accepting the namings users
// have: torchvision/timm/SMP encoder files ("conv1.weight"), whole SMP models ("encoder.conv1.weight",
// decoder keys ignored), and legacy torchvision DenseNet keys ("denselayer1.norm.1.weight"). The
// classifier heads SMP deletes (fc, classifier, _fc, last_linear) are dropped. Loading is strict otherwise.
// Pickled checkpoints (.pth/.pt/.bin) are refused: unpickling can run code.

#include <filesystem>
#include <string>

#include "segkit/encoders/encoder.h"

namespace segkit::encoders {

/// Throws DataError (unreadable/pickled file) or ShapeError (keys or shapes that do not match).
void load_encoder_weights(EncoderImpl& encoder, const std::string& encoder_name, const std::filesystem::path& file);

/// A DataError for pickle-based checkpoints, saying how to convert them.
void refuse_pickle(const std::filesystem::path& file);

}  // namespace segkit::encoders
