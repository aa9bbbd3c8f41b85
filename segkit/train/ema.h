#pragma once
// An exponential moving average of a model's weights, as timm's ModelEmaV2: after every optimiser
// step, ema = decay * ema + (1 - decay) * param for every parameter; buffers (BatchNorm statistics,
// counters) are copied as they are (average_buffers: floating-point buffers are averaged too, as
// ModelEmaV2 does with its whole state_dict). The averages are plain tensors named as in the model's
// state_dict, on the model's device, so no second model is needed: validate with swap().
//
//   segkit::train::ModelEma ema(*model, {/*decay=*/0.999});
//   ... optimizer->step(); ema.update(*model);
//   ema.swap(*model); validate(model); ema.swap(*model);   // or ema.copy_to(*other_model)
//   torch::serialize::OutputArchive archive; ema.save(archive); archive.save_to("ema.pt");
//   segkit::nn::save_safetensors("ema.safetensors", ema.tensors());
//
// Throws ShapeError when a model's names or shapes do not match the ones the EMA was made from.

#include <torch/nn/module.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <string>
#include <vector>

#include "segkit/nn/tensor_io.h"

namespace segkit::train {

struct EmaOptions {
  double decay = 0.9999;
  bool average_buffers = false;
};

class ModelEma {
 public:
  /// Starts from a copy of `model`'s parameters and buffers.
  explicit ModelEma(const torch::nn::Module& model, EmaOptions options = {});

  /// ema = decay * ema + (1 - decay) * model for parameters; buffers copied (or averaged).
  void update(const torch::nn::Module& model);
  /// ema = model (timm's set()).
  void set(const torch::nn::Module& model);
  /// Writes the averages into `model` (same architecture).
  void copy_to(torch::nn::Module& model) const;
  /// Exchanges the averages with `model`'s weights; a second swap restores both exactly.
  void swap(torch::nn::Module& model);

  /// The averages by state_dict name ("encoder.conv1.weight"), in Python's state_dict order: ready
  /// for nn::save_safetensors or nn::load_state_dict.
  const nn::NamedTensors& tensors() const { return tensors_; }
  double decay() const { return options_.decay; }
  const EmaOptions& options() const { return options_; }

  /// Nested archives, one per module level, exactly like torch::nn::Module::save, so
  /// `torch::load(module, file)` also reads the file into a model of the same architecture.
  void save(torch::serialize::OutputArchive& archive) const;
  /// Reads what save() wrote (or a model saved with torch::save). Throws ShapeError on a mismatch.
  void load(torch::serialize::InputArchive& archive);

 private:
  /// The model's tensors under the EMA's names, checked against them.
  std::vector<torch::Tensor> matching(const torch::nn::Module& model) const;

  EmaOptions options_;
  nn::NamedTensors tensors_;
  std::vector<bool> is_buffer_;
  std::vector<std::string> modules_;  // every submodule's name: save() writes parameterless ones too
};

}  // namespace segkit::train
