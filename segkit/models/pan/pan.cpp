#include "segkit/models/pan/pan.h"

#include "segkit/models/model_options.h"
#include "segkit/models/pan/pan_decoder.h"

namespace segkit::models {

PANImpl::PANImpl(const json& arguments) : SegmentationModelImpl("PAN", arguments) {
  ModelArgs args(arguments, "PAN");
  CommonOptions common = read_common_options(args, /*default_depth=*/5, /*default_output_stride=*/16);
  if (common.encoder_output_stride != 16 && common.encoder_output_stride != 32) {
    throw ConfigError("PAN support output stride 16 or 32, got " + std::to_string(common.encoder_output_stride));
  }
  const int64_t decoder_channels = args.get<int64_t>("decoder_channels", 32);
  const std::string interpolation = args.get<std::string>("decoder_interpolation", "bilinear");
  const int64_t upsampling = args.get<int64_t>("upsampling", 4);
  args.finish();

  auto encoder = build_encoder(common);
  auto decoder = std::make_shared<PANDecoderImpl>(encoder->out_channels(), common.encoder_depth, decoder_channels,
                                                  interpolation);
  auto head = nn::segmentation_head(decoder_channels, common.classes, 3, common.activation, upsampling);
  wire(encoder, decoder, head, build_classification_head(common, *encoder));
}

}  // namespace segkit::models
