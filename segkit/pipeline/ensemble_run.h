#pragma once
// `segkit ensemble` as a library call: several prediction directories (from different models,
// architectures or runs, each written by `segkit predict --save probs|both`) combined per pixel,
// image by image so memory stays bounded, into a new prediction directory.
//
//   mean  weighted mean of the probabilities (probabilities/<stem>.safetensors), then the
//         post-processing rules (postprocess.yaml, or p > 0.5); the mean is saved as probabilities too
//   vote  weighted majority of the binary masks (masks/<stem>/<class>.png): a pixel is on when the
//         members voting for it hold more than half of the total weight
// The post-processing rules then apply to the result in both cases (postprocess.yaml: min_area,
// shapes, ...; a vote is a 0/1 probability). Class probabilities for `cls_threshold` gating come
// from `classifier`'s probability files, else from the mean of the members' (`labels`) when every
// member has them; the mean method saves them with its probabilities.
//
// Two-stage pipelines (the clouds solutions) add gates: with `emptiness`, a class is emptied where
// that prediction directory's mask is empty (seg1, trained with BCE, decides which masks are
// empty; the members, trained with positives-only Dice, draw the shapes), then `cls_threshold`
// removes more empty masks by the classifier. With a gate, one member is enough.
//
//   EnsembleRequest request;
//   request.members = {{"pred_unet", 1.0}, {"pred_fpn", 0.5}};
//   request.out_dir = "pred_ensemble";
//   ensemble_predictions(request);

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace segkit::pipeline {

struct EnsembleMember {
  std::filesystem::path dir{};
  double weight = 1.0;
};

struct EnsembleRequest {
  std::vector<EnsembleMember> members{};
  std::string method = "mean";  ///< mean | vote
  std::filesystem::path out_dir{};
  std::optional<std::filesystem::path> postprocess{};
  std::optional<std::filesystem::path> emptiness{};   ///< prediction directory whose empty masks stay empty
  std::optional<std::filesystem::path> classifier{};  ///< prediction directory whose files carry `labels`
};

/// Number of images written. ConfigError for fewer than two members (one with a gate), a bad method
/// or weight;
/// DataError when the members disagree on classes or images (naming the member and image), or a
/// member lacks the files the method needs.
size_t ensemble_predictions(const EnsembleRequest& request);

}  // namespace segkit::pipeline
