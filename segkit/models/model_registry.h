#pragma once
// Architectures by SMP's lowercase names (unet, unetplusplus, fpn, pspnet, linknet, deeplabv3,
// deeplabv3plus, manet, pan, upernet, segformer), fastai's DynamicUnet (dynamic_unet) and segkit's
// image classifier (classifier), built
// from a config section or
// SMP's config.json: {arch: unet, encoder_name: resnet34, classes: 4, ...}. The class names ("Unet",
// "FPN") are accepted too, case-insensitively, as smp.create_model does.
//
//   auto model = segkit::models::create_model({{"arch", "fpn"}, {"encoder_name", "resnet18"}});

#include <functional>
#include <string>
#include <vector>

#include "segkit/models/segmentation_model.h"

namespace segkit::models {

struct ModelSpec {
  std::string name;        // registry key, e.g. "unet"
  std::string class_name;  // SMP's class, e.g. "Unet"
  std::function<SegmentationModel(const json& arguments)> build;
};

const std::vector<ModelSpec>& model_specs();

/// Throws ConfigError listing the architectures for an unknown name.
const ModelSpec& model_spec(const std::string& arch);

/// `config` holds `arch` plus the constructor arguments. Unknown arch, encoder or argument: ConfigError
/// listing the valid choices.
SegmentationModel create_model(const json& config);

}  // namespace segkit::models
