#include "segkit/models/upernet/upernet.h"

#include "segkit/models/model_options.h"
#include "segkit/models/upernet/upernet_decoder.h"

namespace segkit::models {

UPerNetImpl::UPerNetImpl(const json& arguments) : SegmentationModelImpl("UPerNet", arguments) {
  ModelArgs args(arguments, "UPerNet");
  CommonOptions common = read_common_options(args);
  const int64_t decoder_channels = args.get<int64_t>("decoder_channels", 256);
  const nn::NormType norm = read_norm(args, "decoder_use_norm");
  const int64_t upsampling = args.get<int64_t>("upsampling", 4);
  args.finish();

  auto encoder = build_encoder(common);
  auto decoder =
      std::make_shared<UPerNetDecoderImpl>(encoder->out_channels(), common.encoder_depth, decoder_channels, norm);
  auto head = nn::segmentation_head(decoder_channels, common.classes, 1, common.activation, upsampling);
  wire(encoder, decoder, head, build_classification_head(common, *encoder));
}

}  // namespace segkit::models
