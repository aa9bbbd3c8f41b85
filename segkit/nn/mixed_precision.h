#pragma once
// Mixed precision: which floating-point type the convolutions and matrix products run in, and the
// autocast scope that makes LibTorch pick it per operation (as torch.autocast does in Python).
//
//   const auto precision = segkit::nn::parse_precision("bf16", "train.precision");
//   segkit::nn::check_precision(precision, device, "train.precision");
//   {
//     segkit::nn::AutocastScope autocast(precision, device);
//     logits = model->forward(images);   // convolutions in bfloat16, reductions in float32
//   }
//   loss = criterion(logits.to(torch::kFloat), masks);   // losses (Dice) always in float32

#include <torch/torch.h>

#include <string>

namespace segkit::nn {

/// kAuto stands for "the fastest this device computes natively": resolve_precision() turns it into
/// one of the others before anything runs.
enum class Precision { kFloat32, kBFloat16, kFloat16, kAuto };

/// "fp32", "bf16", "fp16" or "auto"; anything else is a ConfigError naming `key`.
Precision parse_precision(const std::string& name, const std::string& key);
enum class Use { kInference, kTraining };

/// kAuto on the CPU: bf16 where the CPU computes it natively (nn/machine.h) and, for training, where
/// bf16 training is measured faster than fp32 (bf16_training_pays_off: not on AMX CPUs with oneDNN
/// 2.x), else fp32; on CUDA: fp16, which every CUDA GPU with tensor cores runs (bf16 needs Ampere or
/// newer). Others are returned as they are. Results then depend on the machine: reproducible runs
/// name a precision.
Precision resolve_precision(Precision precision, const torch::Device& device, Use use = Use::kInference);
std::string precision_name(Precision precision);
torch::ScalarType scalar_type(Precision precision);

/// `train.precision` for training on `device`: parsed, auto resolved for training, checked (ConfigError
/// naming the key) and, for bf16 on an AMX CPU, oneDNN held below AMX
/// (hold_onednn_below_amx_for_training, nn/machine.h). The hold only works before the process's first
/// convolution: `segkit train` reaches this through its up-front config check.
Precision training_precision(const std::string& name, const torch::Device& device);

/// Throws ConfigError (naming `key`) when `precision` cannot run on `device`, or only on reference
/// kernels: LibTorch has no CPU float16 convolutions or autocast, so fp16 needs CUDA; bf16 on the CPU
/// needs avx512_bf16 or amx_bf16 (65x slower than fp32 without them). kAuto always passes.
void check_precision(Precision precision, const torch::Device& device, const std::string& key);

/// While alive, eligible operations on `device`'s type run in `precision` (nothing for fp32). Scopes
/// nest; the outermost one clears autocast's cache of cast weights on exit, since the weights change
/// at every optimiser step.
class AutocastScope {
 public:
  AutocastScope(Precision precision, const torch::Device& device);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_ = false;
  c10::DeviceType device_type_ = c10::kCPU;
  bool was_enabled_ = false;
  torch::ScalarType previous_dtype_ = torch::kFloat;
};

/// Device-wide settings for a run on `device`: with CUDA and `cudnn_benchmark`, cuDNN times its
/// convolution algorithms on the first batch of each shape and keeps the fastest (faster, but not
/// bitwise reproducible across runs). Nothing on the CPU.
void configure_device(const torch::Device& device, bool cudnn_benchmark);

}  // namespace segkit::nn
