#include "segkit/models/segmentation_model.h"

#include <algorithm>

#include <torch/nn/functional/instancenorm.h>
#include <torch/nn/functional/padding.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/instancenorm.h>

#include "segkit/core/error.h"
#include "segkit/core/logging.h"
#include "segkit/models/initialization.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::models {

SegmentationModelImpl::SegmentationModelImpl(std::string arch, json config)
    : arch_(std::move(arch)), config_(std::move(config)) {}

void SegmentationModelImpl::wire(encoders::Encoder encoder, std::shared_ptr<DecoderImpl> decoder,
                                 torch::nn::Sequential segmentation_head, torch::nn::Sequential classification_head) {
  encoder_ = register_module("encoder", std::move(encoder));
  if (decoder) {
    decoder_ = register_module("decoder", std::move(decoder));
    segmentation_head_ = register_module("segmentation_head", std::move(segmentation_head));
    initialize_decoder(*decoder_);
    initialize_head(*segmentation_head_);
  }
  if (!classification_head.is_empty()) {
    classification_head_ = register_module("classification_head", std::move(classification_head));
    initialize_head(*classification_head_);
  }
}

void SegmentationModelImpl::check_input_shape(const torch::Tensor& x) const {
  if (x.dim() != 4) {
    throw ShapeError("model input must be NCHW (4 dims), got " + std::to_string(x.dim()) + " dims");
  }
  if (x.size(1) != encoder_->in_channels()) {
    throw ShapeError("model expects " + std::to_string(encoder_->in_channels()) + " input channels, got " +
                     std::to_string(x.size(1)));
  }
  if (!requires_divisible_input_) return;
  const int64_t stride = encoder_->output_stride();
  const int64_t h = x.size(2), w = x.size(3);
  if (h % stride == 0 && w % stride == 0) return;
  const auto padded = [stride](int64_t size) { return size % stride == 0 ? size : (size / stride + 1) * stride; };
  throw ShapeError("Wrong input shape height=" + std::to_string(h) + ", width=" + std::to_string(w) +
                   ". Expected image height and width divisible by " + std::to_string(stride) +
                   ". Consider pad your images to shape (" + std::to_string(padded(h)) + ", " +
                   std::to_string(padded(w)) + ").");
}

// Reduced-precision outputs come back as float32; a float64 model (use_float64) keeps its precision.
ModelOutput in_float32(ModelOutput output) {
  const auto& any = output.masks.defined() ? output.masks : output.labels;
  if (any.scalar_type() == torch::kDouble) return output;
  if (output.masks.defined()) output.masks = output.masks.to(torch::kFloat);
  if (output.labels.defined()) output.labels = output.labels.to(torch::kFloat);
  return output;
}

void SegmentationModelImpl::use_float64() {
  compute_dtype_ = torch::kDouble;
  to(torch::kDouble);
}

torch::Tensor SegmentationModelImpl::forward(const torch::Tensor& x) {
  return is_classifier() ? forward_with_aux(x).labels : forward_with_aux(x, false).masks;
}

ModelOutput SegmentationModelImpl::forward_with_aux(const torch::Tensor& input, bool with_labels) {
  check_input_shape(input);
  torch::Tensor x = input.to(compute_dtype_);
  if (channels_last_) x = x.contiguous(torch::MemoryFormat::ChannelsLast);
  auto features = encoder_->forward(x);
  ModelOutput out;
  if (decoder_) out.masks = segmentation_head_->forward(decoder_->forward(features));
  if ((with_labels || !decoder_) && !classification_head_.is_empty()) {
    out.labels = classification_head_->forward(features.back());
  }
  out = in_float32(std::move(out));
  if (channels_last_ && out.masks.defined()) out.masks = out.masks.contiguous();
  return out;
}

ModelOutput SegmentationModelImpl::forward_any_size(const torch::Tensor& x, bool with_labels) {
  const int64_t stride = requires_divisible_input_ ? encoder_->output_stride() : 1;
  const int64_t h = x.size(2), w = x.size(3);
  const int64_t pad_h = (stride - h % stride) % stride, pad_w = (stride - w % stride) % stride;
  if (pad_h == 0 && pad_w == 0) return forward_with_aux(x, with_labels);
  namespace F = torch::nn::functional;
  auto out = forward_with_aux(F::pad(x, F::PadFuncOptions({0, pad_w, 0, pad_h}).mode(torch::kReflect)), with_labels);
  if (out.masks.defined()) out.masks = out.masks.slice(2, 0, h).slice(3, 0, w);
  return out;
}

void SegmentationModelImpl::use_channels_last() {
  torch::NoGradGuard no_grad;
  for (auto& parameter : parameters()) {
    // Restrided explicitly: contiguous(ChannelsLast) keeps a depthwise [C, 1, k, k] weight as it is
    // (its strides fit both layouts), oneDNN then reads it as NCHW and depthwise convolutions return
    // NCHW, which costs every following token op a copy (Segformer: 1.5x slower encoder).
    if (parameter.dim() == 4) {
      parameter.set_data(torch::empty_like(parameter, torch::MemoryFormat::ChannelsLast).copy_(parameter));
    }
  }
  channels_last_ = true;
}

nn::Precision SegmentationModelImpl::use_precision(nn::Precision requested) {
  const auto parameters = this->parameters();
  const torch::Device device = parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
  nn::Precision precision = nn::resolve_precision(requested, device);
  const bool on_cpu = device.is_cpu();
  const auto modules = this->modules();
  // LibTorch 1.13's CPU conv_transpose2d has no bfloat16 kernel: it runs the forward convolution's
  // shape check and throws mid-model. Refuse up front instead (auto quietly stays in float32).
  const bool transposed = std::any_of(modules.begin(), modules.end(), [](const auto& module) {
    return module->template as<torch::nn::ConvTranspose2dImpl>() != nullptr;
  });
  if (requested == nn::Precision::kAuto) {
    if (on_cpu && transposed) precision = nn::Precision::kFloat32;
    log::info("precision auto: {} for {} on {}", nn::precision_name(precision), arch_, device.str());
  }
  if (precision == nn::Precision::kFloat32) return precision;
  nn::check_precision(precision, device, "precision");
  if (on_cpu && transposed) {
    throw ConfigError(arch_ + ": bfloat16 inference on the CPU is not available for models with transposed "
                              "convolutions (LibTorch has no CPU bfloat16 conv_transpose2d); use fp32 or a GPU");
  }
  compute_dtype_ = nn::scalar_type(precision);
  to(compute_dtype_);
  return precision;
}

torch::Tensor SegmentationModelImpl::predict(const torch::Tensor& x) {
  if (is_training()) eval();
  c10::InferenceMode guard;
  return forward(x);
}

namespace {
void set_norm_mode(torch::nn::Module& root, bool training) {
  for (const auto& module : root.modules()) {
    if (module->as<nn::BatchNorm2dImpl>() || module->as<torch::nn::InstanceNorm2dImpl>()) {
      module->train(training);
    }
  }
}
}  // namespace

void SegmentationModelImpl::freeze_encoder() {
  for (auto& parameter : encoder_->parameters()) {
    parameter.set_requires_grad(false);
    // LibTorch's zero_grad() zeroes instead of unsetting: a kept gradient would let Adam's momentum
    // and weight decay keep moving "frozen" weights. Optimisers skip undefined gradients.
    parameter.mutable_grad() = torch::Tensor();
  }
  nn::set_batchnorms_frozen(*encoder_, true);
  set_norm_mode(*encoder_, false);
  encoder_frozen_ = true;
}

void SegmentationModelImpl::unfreeze_encoder() {
  for (auto& parameter : encoder_->parameters()) parameter.set_requires_grad(true);
  nn::set_batchnorms_frozen(*encoder_, false);
  set_norm_mode(*encoder_, is_training());
  encoder_frozen_ = false;
}

void SegmentationModelImpl::train(bool on) {
  torch::nn::Module::train(on);
  // A frozen encoder keeps its BatchNorm statistics: norm layers stay in eval mode.
  if (encoder_frozen_ && encoder_) set_norm_mode(*encoder_, false);
}

}  // namespace segkit::models
