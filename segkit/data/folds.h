#pragma once
// Cross-validation splits that every model of an ensemble shares, written to and read from a folds CSV
// (`ImageId,fold`).
//
//   kfold       shuffled with `seed`, fold sizes differ by at most one
//   stratified  each stratum (the pipelines' `stratify=defects`: the number of non-empty classes of
//               an image) is spread evenly over the folds, as sklearn's StratifiedKFold
//   group       all images of one group (patient, scene) land in the same fold, folds balanced by
//               image count (largest groups first, each to the currently smallest fold)
//
//   auto folds = segkit::data::stratified_kfold(ids, strata, 5, 42);
//   segkit::data::write_folds("folds.csv", ids, folds);

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "segkit/data/dataset.h"

namespace segkit::data {

/// Fold index (0..k-1) per sample. ConfigError when k < 2 or k exceeds the number of samples.
std::vector<int> kfold(size_t samples, int k, uint64_t seed);
std::vector<int> stratified_kfold(const std::vector<int>& strata, int k, uint64_t seed);
std::vector<int> group_kfold(const std::vector<std::string>& groups, int k, uint64_t seed);

/// Writes `ImageId,fold` atomically.
void write_folds(const std::filesystem::path& path, const std::vector<std::string>& ids, const std::vector<int>& folds);
/// Reads a folds CSV: id -> fold. DataError naming file:line for a bad fold or a repeated id.
std::map<std::string, int> read_folds(const std::filesystem::path& path);

/// The fold of every sample of `dataset`: "kfold", or "stratified" by the number of classes present.
std::vector<int> assign_folds(const Dataset& dataset, int k, const std::string& method, uint64_t seed);

/// The fold of every sample of `dataset` from the folds CSV at `path`, which is written first (with
/// assign_folds) when it does not exist, so every model of an ensemble trains on the same split.
/// DataError naming the file when a sample of the dataset is not in it.
std::vector<int> load_or_create_folds(const Dataset& dataset, const std::filesystem::path& path, int k,
                                      const std::string& method, uint64_t seed);

}  // namespace segkit::data
