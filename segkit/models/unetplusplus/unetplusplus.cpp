#include "segkit/models/unetplusplus/unetplusplus.h"

#include "segkit/models/model_options.h"
#include "segkit/models/unetplusplus/unetplusplus_decoder.h"

namespace segkit::models {

UnetPlusPlusImpl::UnetPlusPlusImpl(const json& arguments) : SegmentationModelImpl("UnetPlusPlus", arguments) {
  ModelArgs args(arguments, "UnetPlusPlus");
  CommonOptions common = read_common_options(args);
  const UnetDecoderOptions decoder = read_unet_decoder_options(args);
  args.finish();

  auto encoder = build_encoder(common);
  auto unetplusplus_decoder = std::make_shared<UnetPlusPlusDecoderImpl>(encoder->out_channels(), decoder);
  auto head = nn::segmentation_head(decoder.decoder_channels.back(), common.classes, 3, common.activation);
  wire(encoder, unetplusplus_decoder, head, build_classification_head(common, *encoder));
}

}  // namespace segkit::models
