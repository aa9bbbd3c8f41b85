#include "segkit/models/fpn/fpn.h"

#include "segkit/models/fpn/fpn_decoder.h"
#include "segkit/models/model_options.h"

namespace segkit::models {

FPNImpl::FPNImpl(const json& arguments) : SegmentationModelImpl("FPN", arguments) {
  ModelArgs args(arguments, "FPN");
  CommonOptions common = read_common_options(args);
  FPNDecoderOptions decoder;
  decoder.pyramid_channels = args.get<int64_t>("decoder_pyramid_channels", decoder.pyramid_channels);
  decoder.segmentation_channels = args.get<int64_t>("decoder_segmentation_channels", decoder.segmentation_channels);
  decoder.merge_policy = args.get<std::string>("decoder_merge_policy", decoder.merge_policy);
  decoder.dropout = args.get<double>("decoder_dropout", decoder.dropout);
  decoder.interpolation = args.get<std::string>("decoder_interpolation", decoder.interpolation);
  const int64_t upsampling = args.get<int64_t>("upsampling", 4);
  args.finish();

  auto encoder = build_encoder(common);
  auto fpn_decoder = std::make_shared<FPNDecoderImpl>(encoder->out_channels(), common.encoder_depth, decoder);
  auto head = nn::segmentation_head(fpn_decoder->out_channels(), common.classes, 1, common.activation, upsampling);
  wire(encoder, fpn_decoder, head, build_classification_head(common, *encoder));
}

}  // namespace segkit::models
