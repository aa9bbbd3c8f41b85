#include "segkit/models/linknet/linknet.h"

#include "segkit/models/linknet/linknet_decoder.h"
#include "segkit/models/model_options.h"

namespace segkit::models {

LinknetImpl::LinknetImpl(const json& arguments) : SegmentationModelImpl("Linknet", arguments) {
  ModelArgs args(arguments, "Linknet");
  CommonOptions common = read_common_options(args);
  const nn::NormType norm = read_norm(args, "decoder_use_norm");
  args.finish();
  constexpr int64_t kPrefinalChannels = 32;
  auto encoder = build_encoder(common);
  auto decoder = std::make_shared<LinknetDecoderImpl>(encoder->out_channels(), kPrefinalChannels, norm);
  auto head = nn::segmentation_head(kPrefinalChannels, common.classes, 1, common.activation);
  wire(encoder, decoder, head, build_classification_head(common, *encoder));
}

}  // namespace segkit::models
