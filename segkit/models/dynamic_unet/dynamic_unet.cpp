#include "segkit/models/dynamic_unet/dynamic_unet.h"

#include "segkit/models/dynamic_unet/dynamic_unet_decoder.h"
#include "segkit/models/model_options.h"

namespace segkit::models {

DynamicUnetImpl::DynamicUnetImpl(const json& arguments) : SegmentationModelImpl("DynamicUnet", arguments) {
  ModelArgs args(arguments, "DynamicUnet");
  CommonOptions common = read_common_options(args);
  DynamicUnetOptions options;
  options.blur = args.get<bool>("blur", options.blur);
  options.blur_final = args.get<bool>("blur_final", options.blur_final);
  options.last_cross = args.get<bool>("last_cross", options.last_cross);
  options.bottle = args.get<bool>("bottle", options.bottle);
  options.hypercolumns = args.get<bool>("hypercolumns", options.hypercolumns);
  options.detach_skips = args.get<bool>("detach_skips", options.detach_skips);
  args.finish();

  auto encoder = build_encoder(common);
  auto decoder = std::make_shared<DynamicUnetDecoderImpl>(encoder->out_channels(), options);
  auto head = nn::segmentation_head(decoder->out_channels(), common.classes, 1, common.activation);
  wire(encoder, decoder, head, build_classification_head(common, *encoder));
  // SMP's initialisation ran in wire(); the decoder and head start as fastai's instead.
  initialize_fastai(*decoder);
  initialize_fastai(*head);
}

}  // namespace segkit::models
