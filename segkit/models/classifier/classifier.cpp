#include "segkit/models/classifier/classifier.h"

#include "segkit/core/error.h"
#include "segkit/models/model_options.h"

namespace segkit::models {

ClassifierImpl::ClassifierImpl(const json& arguments) : SegmentationModelImpl("Classifier", arguments) {
  ModelArgs args(arguments, "Classifier");
  CommonOptions common = read_common_options(args);
  if (common.aux_params) {
    throw ConfigError("Classifier: aux_params is the head of a segmentation model; a classifier takes pooling, "
                      "dropout and activation directly");
  }
  nn::AuxParams head;
  head.classes = common.classes;
  head.pooling = args.get<std::string>("pooling", head.pooling);
  head.dropout = args.get<double>("dropout", head.dropout);
  head.activation = common.activation;
  args.finish();
  requires_divisible_input_ = false;

  auto encoder = build_encoder(common);
  auto classification_head = nn::classification_head(encoder->out_channels().back(), head);
  wire(encoder, nullptr, torch::nn::Sequential(nullptr), classification_head);
}

}  // namespace segkit::models
