#include "segkit/models/pspnet/pspnet.h"

#include "segkit/models/model_options.h"
#include "segkit/models/pspnet/pspnet_decoder.h"

namespace segkit::models {

PSPNetImpl::PSPNetImpl(const json& arguments) : SegmentationModelImpl("PSPNet", arguments) {
  ModelArgs args(arguments, "PSPNet");
  CommonOptions common = read_common_options(args, /*default_depth=*/3);
  const int64_t out_channels = args.get<int64_t>("psp_out_channels", 512);
  const nn::NormType norm = read_norm(args, "decoder_use_norm");
  const double dropout = args.get<double>("psp_dropout", 0.2);
  const int64_t upsampling = args.get<int64_t>("upsampling", 8);
  args.finish();

  auto encoder = build_encoder(common);
  auto decoder = std::make_shared<PSPDecoderImpl>(encoder->out_channels(), norm, out_channels, dropout);
  auto head = nn::segmentation_head(out_channels, common.classes, 3, common.activation, upsampling);
  wire(encoder, decoder, head, build_classification_head(common, *encoder));
}

}  // namespace segkit::models
