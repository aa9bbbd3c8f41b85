#pragma once
// SMP's hub layout for whole models, so a checkpoint moves between segkit and Python unchanged:
//
//   dir/config.json        {"encoder_name": "resnet34", ..., "_model_class": "Unet"}  (constructor arguments)
//   dir/model.safetensors  the state_dict, Python names and order
//
// Python reads it with `smp.from_pretrained(dir)`; `model.save_pretrained(dir)` in Python writes what
// from_pretrained() here reads. config.json always says `"encoder_weights": null`: the weights are in
// model.safetensors, and neither side should fetch ImageNet weights to overwrite them.
//
//   segkit::models::save_pretrained(*model, "runs/unet34");
//   auto again = segkit::models::from_pretrained("runs/unet34");
//   auto report = segkit::models::load_weights(*model, "smp_state_dict.safetensors");

#include <filesystem>

#include "segkit/models/segmentation_model.h"
#include "segkit/nn/state_dict.h"

namespace segkit::models {

/// Writes config.json and model.safetensors (each atomically; config.json last).
void save_pretrained(SegmentationModelImpl& model, const std::filesystem::path& directory);

/// Builds the model config.json describes and loads model.safetensors (strict by default: missing,
/// unexpected and mis-shaped keys are listed by name in a ShapeError).
SegmentationModel from_pretrained(const std::filesystem::path& directory, bool strict = true);

/// from_pretrained for prediction: the model without the activations config.json may name
/// (`activation` of the head, `aux_params.activation`), so it returns logits, plus what they were.
/// The predictor applies the activation its task mode implies, once (infer/predictor.h).
struct LogitModel {
  SegmentationModel model;
  std::string activation;      ///< "" when config.json names none (or identity)
  std::string aux_activation;  ///< likewise for the classification head
};
LogitModel from_pretrained_logits(const std::filesystem::path& directory);

/// Loads a plain safetensors state_dict (SMP's `save_file(model.state_dict(), ...)`, a DataParallel
/// `module.` prefix, DeepLabV3's legacy `decoder.0/1/2` names) into `model`. .pth files are refused.
nn::LoadReport load_weights(SegmentationModelImpl& model, const std::filesystem::path& file, bool strict = true);

}  // namespace segkit::models
