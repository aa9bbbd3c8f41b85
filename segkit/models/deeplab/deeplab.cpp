#include "segkit/models/deeplab/deeplab.h"

#include "segkit/core/error.h"
#include "segkit/models/deeplab/deeplab_decoders.h"
#include "segkit/models/model_options.h"

namespace segkit::models {
namespace {

AsppOptions read_aspp_options(ModelArgs& args, bool default_separable) {
  AsppOptions options;
  options.atrous_rates = args.get<std::vector<int64_t>>("decoder_atrous_rates", options.atrous_rates);
  options.separable = args.get<bool>("decoder_aspp_separable", default_separable);
  options.dropout = args.get<double>("decoder_aspp_dropout", options.dropout);
  return options;
}

void require_dilation_stride(const CommonOptions& common, const std::string& arch) {
  if (common.encoder_output_stride != 8 && common.encoder_output_stride != 16) {
    throw ConfigError(arch + " supports encoder_output_stride 8 or 16, got " +
                      std::to_string(common.encoder_output_stride));
  }
}

}  // namespace

DeepLabV3Impl::DeepLabV3Impl(const json& arguments) : SegmentationModelImpl("DeepLabV3", arguments) {
  ModelArgs args(arguments, "DeepLabV3");
  CommonOptions common = read_common_options(args, /*default_depth=*/5, /*default_output_stride=*/8);
  require_dilation_stride(common, "DeepLabV3");
  const int64_t channels = args.get<int64_t>("decoder_channels", 256);
  const AsppOptions aspp = read_aspp_options(args, /*default_separable=*/false);
  const json upsampling = args.get_json("upsampling");
  args.finish();

  int64_t scale_factor = common.encoder_depth <= 3 ? (int64_t{1} << common.encoder_depth)
                                                   : common.encoder_output_stride;
  if (!upsampling.is_null()) {
    if (!upsampling.is_number_integer()) throw ConfigError("DeepLabV3: upsampling must be an integer or null");
    scale_factor = upsampling.get<int64_t>();
  }
  auto encoder = build_encoder(common);
  auto decoder = std::make_shared<DeepLabV3DecoderImpl>(encoder->out_channels().back(), channels, aspp);
  auto head = nn::segmentation_head(channels, common.classes, 1, common.activation, scale_factor);
  wire(encoder, decoder, head, build_classification_head(common, *encoder));
}

DeepLabV3PlusImpl::DeepLabV3PlusImpl(const json& arguments) : SegmentationModelImpl("DeepLabV3Plus", arguments) {
  ModelArgs args(arguments, "DeepLabV3Plus");
  CommonOptions common = read_common_options(args, /*default_depth=*/5, /*default_output_stride=*/16);
  require_dilation_stride(common, "DeepLabV3Plus");
  const int64_t channels = args.get<int64_t>("decoder_channels", 256);
  const AsppOptions aspp = read_aspp_options(args, /*default_separable=*/true);
  const int64_t upsampling = args.get<int64_t>("upsampling", 4);
  args.finish();

  auto encoder = build_encoder(common);
  auto decoder = std::make_shared<DeepLabV3PlusDecoderImpl>(encoder->out_channels(), common.encoder_depth, channels,
                                                            common.encoder_output_stride, aspp);
  auto head = nn::segmentation_head(channels, common.classes, 1, common.activation, upsampling);
  wire(encoder, decoder, head, build_classification_head(common, *encoder));
}

}  // namespace segkit::models
