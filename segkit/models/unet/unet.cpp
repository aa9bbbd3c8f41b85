#include "segkit/models/unet/unet.h"

#include "segkit/models/model_options.h"
#include "segkit/models/unet/unet_decoder.h"

namespace segkit::models {

UnetImpl::UnetImpl(const json& arguments) : SegmentationModelImpl("Unet", arguments) {
  ModelArgs args(arguments, "Unet");
  CommonOptions common = read_common_options(args);
  UnetDecoderOptions decoder = read_unet_decoder_options(args);
  decoder.center = args.get<bool>("decoder_center", false);
  decoder.hypercolumns = args.get<int64_t>("decoder_hypercolumns", 0);
  args.finish();
  requires_divisible_input_ = false;

  auto encoder = build_encoder(common);
  auto unet_decoder = std::make_shared<UnetDecoderImpl>(encoder->out_channels(), decoder);
  auto head = nn::segmentation_head(unet_decoder->out_channels(), common.classes, 3, common.activation);
  auto classifier = build_classification_head(common, *encoder);
  wire(encoder, unet_decoder, head, classifier);
}

}  // namespace segkit::models
