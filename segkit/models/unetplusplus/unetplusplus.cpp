#include "segkit/models/unetplusplus/unetplusplus.h"

#include "segkit/models/model_options.h"
#include "segkit/models/unetplusplus/unetplusplus_decoder.h"

namespace segkit::models {

UnetPlusPlusImpl::UnetPlusPlusImpl(const json& arguments) : SegmentationModelImpl("UnetPlusPlus", arguments) {
  ModelArgs args(arguments, "UnetPlusPlus");
  CommonOptions common = read_common_options(args);
  UnetDecoderOptions decoder;
  decoder.decoder_channels = args.get<std::vector<int64_t>>("decoder_channels", decoder.decoder_channels);
  decoder.norm = read_norm(args, "decoder_use_norm");
  decoder.attention_type = args.get<std::string>("decoder_attention_type", "");
  decoder.interpolation = args.get<std::string>("decoder_interpolation", decoder.interpolation);
  args.finish();

  auto encoder = build_encoder(common);
  auto unetplusplus_decoder = std::make_shared<UnetPlusPlusDecoderImpl>(encoder->out_channels(), decoder);
  auto head = nn::segmentation_head(decoder.decoder_channels.back(), common.classes, 3, common.activation);
  wire(encoder, unetplusplus_decoder, head, build_classification_head(common, *encoder));
}

}  // namespace segkit::models
