#pragma once
// SMP's SegmentationModel: `encoder` + `decoder` + `segmentation_head` (+ `classification_head` when
// aux_params are given), registered under SMP's names so state dicts interchange. Architectures
// (Unet, FPN, ...) only wire these parts in their constructors.
//
//   auto model = segkit::models::create_model(json{{"arch", "unet"}, {"encoder_name", "resnet18"},
//                                                  {"classes", 4}});
//   torch::Tensor masks = model->forward(images);                  // [N, classes, H, W] logits
//   auto out = model->forward_with_aux(images);                    // masks + class logits [N, K]
//
// forward() checks the input like SMP's check_input_shape and throws ShapeError with the padded
// size to use. freeze_encoder() stops gradients and BatchNorm statistics in the encoder, and train()
// keeps a frozen encoder's norm layers in eval mode, as SMP does.

#include <torch/nn/modules/container/sequential.h>

#include <string>

#include "segkit/encoders/encoder.h"
#include "segkit/models/decoder.h"
#include "segkit/models/model_args.h"
#include "segkit/nn/mixed_precision.h"

namespace segkit::models {

struct ModelOutput {
  torch::Tensor masks;   // undefined for a classifier (models/classifier)
  torch::Tensor labels;  // undefined without a classification head
};

/// `output` with masks and labels in float32, what losses and metrics take (a no-op when they are).
ModelOutput in_float32(ModelOutput output);

class SegmentationModelImpl : public torch::nn::Module {
 public:
  /// The mask logits; a classifier's class logits [N, K].
  torch::Tensor forward(const torch::Tensor& x);
  /// Masks and, with a classification head and `with_labels`, the class logits (a classifier: its
  /// class logits only, whatever `with_labels` says).
  ModelOutput forward_with_aux(const torch::Tensor& x, bool with_labels = true);
  /// forward_with_aux for any input size: padded (reflect) to the size check_input_shape wants, the
  /// masks cropped back (validation on e.g. 650x650 SpaceNet chips).
  ModelOutput forward_any_size(const torch::Tensor& x, bool with_labels = true);
  /// eval() + inference mode.
  torch::Tensor predict(const torch::Tensor& x);

  void check_input_shape(const torch::Tensor& x) const;
  void freeze_encoder();
  void unfreeze_encoder();
  void train(bool on = true) override;
  /// Keeps 4-D weights and the input in channels-last memory format (inference_copy.h); outputs are
  /// returned contiguous.
  void use_channels_last();
  /// Converts weights and buffers to bf16 or fp16 (fp32: nothing) and casts each input to it; outputs
  /// come back float32 (inference_copy.h; on the CPU bf16 needs AVX512-BF16 to be faster and fp16 is
  /// refused, docs/benchmarks.md). For inference; training uses autocast (nn/mixed_precision.h).
  /// Returns the precision chosen (kAuto resolved for the model's device).
  nn::Precision use_precision(nn::Precision precision);
  /// Weights, buffers, inputs and outputs in float64: numerical references only (parity cases whose
  /// float32 run is chaotic, segkit/models/parity.h); one way.
  void use_float64();

  bool has_classification_head() const { return !classification_head_.is_empty(); }
  /// An image classifier (models/classifier): encoder and classification head, no masks.
  bool is_classifier() const { return decoder_ == nullptr; }
  encoders::EncoderImpl& encoder() { return *encoder_; }
  /// SMP's class name ("Unet") and the arguments it was built from: what save_pretrained writes.
  const std::string& arch() const { return arch_; }
  const json& config() const { return config_; }

 protected:
  SegmentationModelImpl(std::string arch, json config);
  /// Registers the parts under SMP's names; call once from the architecture's constructor.
  /// A classifier passes no decoder and no segmentation head.
  void wire(encoders::Encoder encoder, std::shared_ptr<DecoderImpl> decoder, torch::nn::Sequential segmentation_head,
            torch::nn::Sequential classification_head);
  /// Unet accepts any size (its decoder interpolates to the skip sizes); the others need divisibility.
  bool requires_divisible_input_ = true;

 private:
  std::string arch_;
  json config_;
  encoders::Encoder encoder_;
  std::shared_ptr<DecoderImpl> decoder_;
  torch::nn::Sequential segmentation_head_{nullptr};
  torch::nn::Sequential classification_head_{nullptr};
  bool encoder_frozen_ = false;
  bool channels_last_ = false;
  torch::ScalarType compute_dtype_ = torch::kFloat;
};

using SegmentationModel = std::shared_ptr<SegmentationModelImpl>;

}  // namespace segkit::models
