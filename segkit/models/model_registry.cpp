#include "segkit/models/model_registry.h"

#include <algorithm>
#include <cctype>

#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/models/classifier/classifier.h"
#include "segkit/models/deeplab/deeplab.h"
#include "segkit/models/dynamic_unet/dynamic_unet.h"
#include "segkit/models/fpn/fpn.h"
#include "segkit/models/linknet/linknet.h"
#include "segkit/models/manet/manet.h"
#include "segkit/models/pan/pan.h"
#include "segkit/models/pspnet/pspnet.h"
#include "segkit/models/segformer/segformer.h"
#include "segkit/models/unet/unet.h"
#include "segkit/models/unetplusplus/unetplusplus.h"
#include "segkit/models/upernet/upernet.h"

namespace segkit::models {
namespace {

template <typename Impl>
ModelSpec spec(std::string name, std::string class_name) {
  return {std::move(name), std::move(class_name),
          [](const json& arguments) -> SegmentationModel { return std::make_shared<Impl>(arguments); }};
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

const std::vector<ModelSpec>& model_specs() {
  static const std::vector<ModelSpec> specs = {
      spec<UnetImpl>("unet", "Unet"),
      spec<FPNImpl>("fpn", "FPN"),
      spec<PSPNetImpl>("pspnet", "PSPNet"),
      spec<LinknetImpl>("linknet", "Linknet"),
      spec<UnetPlusPlusImpl>("unetplusplus", "UnetPlusPlus"),
      spec<DeepLabV3Impl>("deeplabv3", "DeepLabV3"),
      spec<DeepLabV3PlusImpl>("deeplabv3plus", "DeepLabV3Plus"),
      spec<MAnetImpl>("manet", "MAnet"),
      spec<PANImpl>("pan", "PAN"),
      spec<UPerNetImpl>("upernet", "UPerNet"),
      spec<SegformerImpl>("segformer", "Segformer"),
      spec<DynamicUnetImpl>("dynamic_unet", "DynamicUnet"),
      spec<ClassifierImpl>("classifier", "Classifier"),
  };
  return specs;
}

const ModelSpec& model_spec(const std::string& arch) {
  std::vector<std::string> names;
  for (const auto& spec : model_specs()) {
    if (spec.name == lowercase(arch) || lowercase(spec.class_name) == lowercase(arch)) return spec;
    names.push_back(spec.name);
  }
  throw ConfigError("unknown arch '" + arch + "'" + did_you_mean(lowercase(arch), names) +
                    "; valid architectures: " + join(names, ", "));
}

SegmentationModel create_model(const json& config) {
  if (!config.is_object() || !config.contains("arch") || !config["arch"].is_string()) {
    throw ConfigError("model config needs 'arch' (one of the architectures of `segkit models`)");
  }
  json arguments = config;
  arguments.erase("arch");
  return model_spec(config["arch"].get<std::string>()).build(arguments);
}

}  // namespace segkit::models
