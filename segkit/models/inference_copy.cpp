#include "segkit/models/inference_copy.h"

#include "segkit/models/model_registry.h"
#include "segkit/nn/batchnorm.h"
#include "segkit/nn/state_dict.h"

namespace segkit::models {

SegmentationModel inference_copy(SegmentationModelImpl& model, const InferenceOptions& options) {
  json arguments = model.config();
  arguments["arch"] = model.arch();
  arguments["encoder_weights"] = nullptr;  // the weights come from `model`
  SegmentationModel copy = create_model(arguments);
  nn::load_state_dict(*copy, nn::state_dict(model));
  const auto parameters = model.parameters();
  if (!parameters.empty()) copy->to(parameters.front().device());
  copy->eval();
  if (options.fold_batchnorm) nn::fold_batchnorms(*copy);
  if (options.channels_last) copy->use_channels_last();
  copy->use_precision(options.precision);
  return copy;
}

}  // namespace segkit::models
