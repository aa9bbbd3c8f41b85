#include "segkit/models/segformer/segformer.h"

#include "segkit/models/model_options.h"
#include "segkit/models/segformer/segformer_decoder.h"

namespace segkit::models {

SegformerImpl::SegformerImpl(const json& arguments) : SegmentationModelImpl("Segformer", arguments) {
  ModelArgs args(arguments, "Segformer");
  CommonOptions common = read_common_options(args);
  const int64_t channels = args.get<int64_t>("decoder_segmentation_channels", 256);
  const int64_t upsampling = args.get<int64_t>("upsampling", 4);
  args.finish();

  auto encoder = build_encoder(common);
  auto decoder = std::make_shared<SegformerDecoderImpl>(encoder->out_channels(), common.encoder_depth, channels);
  auto head = nn::segmentation_head(channels, common.classes, 1, common.activation, upsampling);
  wire(encoder, decoder, head, build_classification_head(common, *encoder));
}

}  // namespace segkit::models
