#pragma once
// The saved probabilities of a prediction directory, one file per image:
//   OUT/probabilities/<stem>.safetensors   `probabilities`: uint8 K x H x W = round(p * 255);
//                                          `labels`: float32 K, the classification head's output (optional;
//                                          a classifier's file has only these);
//                                          metadata format "segkit-probabilities-v1" and the image id.
// `segkit predict --save probs|both` writes them and `segkit ensemble` reads them back.

#include <torch/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "segkit/submit/prediction_dir.h"

namespace segkit::pipeline {

std::filesystem::path probability_path(const std::filesystem::path& dir, const std::string& stem);

/// Probabilities in [0, 1] (any shape) as uint8 round(p * 255), contiguous.
torch::Tensor probability_bytes(const torch::Tensor& probabilities);

/// The uint8 K x H x W probabilities of one image, checked against its index entry. Throws DataError
/// when the file is missing (saying that `purpose` needs `--save probs|both`) or its tensor is not
/// uint8 K x H x W.
std::vector<uint8_t> read_probability_bytes(const std::filesystem::path& dir, const submit::PredictionImage& image,
                                            size_t classes, const std::string& purpose);

/// The classifier's K probabilities (`labels`) of one image; nullopt when the file or the tensor is
/// absent. Throws DataError when `labels` is not K float32 values.
std::optional<std::vector<float>> read_class_probabilities(const std::filesystem::path& dir, const std::string& stem,
                                                           size_t classes);

/// Writes the file of one image (creating probabilities/), atomically; `labels` may be undefined,
/// and so may `bytes` for a classifier's file.
void write_probabilities(const std::filesystem::path& dir, const std::string& stem, const std::string& id,
                         const torch::Tensor& bytes, const torch::Tensor& labels = {});

}  // namespace segkit::pipeline
