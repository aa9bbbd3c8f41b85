#include "segkit/models/manet/manet.h"

#include "segkit/models/manet/manet_decoder.h"
#include "segkit/models/model_options.h"

namespace segkit::models {

MAnetImpl::MAnetImpl(const json& arguments) : SegmentationModelImpl("MAnet", arguments) {
  ModelArgs args(arguments, "MAnet");
  CommonOptions common = read_common_options(args);
  MAnetDecoderOptions decoder;
  decoder.decoder_channels = args.get<std::vector<int64_t>>("decoder_channels", decoder.decoder_channels);
  decoder.norm = read_norm(args, "decoder_use_norm");
  decoder.pab_channels = args.get<int64_t>("decoder_pab_channels", decoder.pab_channels);
  decoder.interpolation = args.get<std::string>("decoder_interpolation", decoder.interpolation);
  args.finish();

  auto encoder = build_encoder(common);
  auto manet_decoder = std::make_shared<MAnetDecoderImpl>(encoder->out_channels(), common.encoder_depth, decoder);
  auto head = nn::segmentation_head(manet_decoder->out_channels(), common.classes, 3, common.activation);
  wire(encoder, manet_decoder, head, build_classification_head(common, *encoder));
}

}  // namespace segkit::models
