#include "segkit/data/folds.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <unordered_map>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/io/csv.h"

namespace segkit::data {
namespace {

void check_k(size_t samples, int k) {
  if (k < 2) throw ConfigError("folds: k must be >= 2, got " + std::to_string(k));
  if (static_cast<size_t>(k) > samples) {
    throw ConfigError("folds: k = " + std::to_string(k) + " but only " + std::to_string(samples) + " samples");
  }
}

// A portable Fisher-Yates (std::shuffle's algorithm is implementation-defined): the same seed gives
// the same folds with every standard library.
void shuffle(std::vector<size_t>& order, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
}

}  // namespace

std::vector<int> kfold(size_t samples, int k, uint64_t seed) {
  check_k(samples, k);
  std::vector<size_t> order(samples);
  std::iota(order.begin(), order.end(), 0);
  shuffle(order, seed);
  std::vector<int> folds(samples);
  for (size_t position = 0; position < samples; ++position) folds[order[position]] = static_cast<int>(position % k);
  return folds;
}

std::vector<int> stratified_kfold(const std::vector<int>& strata, int k, uint64_t seed) {
  check_k(strata.size(), k);
  std::map<int, std::vector<size_t>> members;
  for (size_t i = 0; i < strata.size(); ++i) members[strata[i]].push_back(i);
  std::vector<int> folds(strata.size());
  // Dealing each stratum round-robin, continuing where the previous one stopped, keeps both the
  // strata and the fold sizes balanced.
  size_t next = 0;
  for (auto& [stratum, indices] : members) {
    shuffle(indices, seed + static_cast<uint64_t>(stratum) * 0x9E3779B97F4A7C15ULL);
    for (size_t index : indices) folds[index] = static_cast<int>(next++ % k);
  }
  return folds;
}

std::vector<int> group_kfold(const std::vector<std::string>& groups, int k, uint64_t seed) {
  std::unordered_map<std::string, std::vector<size_t>> members;
  std::vector<std::string> names;
  for (size_t i = 0; i < groups.size(); ++i) {
    auto [slot, inserted] = members.try_emplace(groups[i]);
    if (inserted) names.push_back(groups[i]);
    slot->second.push_back(i);
  }
  check_k(names.size(), k);
  std::vector<size_t> order(names.size());
  std::iota(order.begin(), order.end(), 0);
  shuffle(order, seed);  // ties between equal-size groups are broken by the seed
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return members[names[a]].size() > members[names[b]].size();
  });
  std::vector<size_t> fold_sizes(k, 0);
  std::vector<int> folds(groups.size());
  for (size_t group : order) {
    const int fold = static_cast<int>(std::min_element(fold_sizes.begin(), fold_sizes.end()) - fold_sizes.begin());
    for (size_t index : members[names[group]]) folds[index] = fold;
    fold_sizes[fold] += members[names[group]].size();
  }
  return folds;
}

void write_folds(const std::filesystem::path& path, const std::vector<std::string>& ids, const std::vector<int>& folds) {
  if (ids.size() != folds.size()) throw ShapeError("write_folds: ids and folds differ in length");
  std::string text = "ImageId,fold\n";
  for (size_t i = 0; i < ids.size(); ++i) text += ids[i] + "," + std::to_string(folds[i]) + "\n";
  write_file_atomic(path, text);
}

std::map<std::string, int> read_folds(const std::filesystem::path& path) {
  const io::CsvTable table = io::read_csv(path);
  const size_t id_column = table.column("ImageId"), fold_column = table.column("fold");
  std::map<std::string, int> folds;
  for (const auto& row : table.rows) {
    const std::string& text = row.fields[fold_column];
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
      throw DataError(table.where(row) + ": fold '" + text + "' is not a non-negative integer");
    }
    if (!folds.emplace(row.fields[id_column], std::stoi(text)).second) {
      throw DataError(table.where(row) + ": '" + row.fields[id_column] + "' appears twice");
    }
  }
  return folds;
}

std::vector<int> assign_folds(const Dataset& dataset, int k, const std::string& method, uint64_t seed) {
  if (method == "kfold") return kfold(dataset.size(), k, seed);
  if (method != "stratified") throw ConfigError("folds.method: '" + method + "' is not kfold or stratified");
  std::vector<int> strata;
  for (size_t i = 0; i < dataset.size(); ++i) {
    int present = 0;
    for (bool flag : dataset.classes_present(i)) present += flag;
    strata.push_back(present);
  }
  return stratified_kfold(strata, k, seed);
}

std::vector<int> load_or_create_folds(const Dataset& dataset, const std::filesystem::path& path, int k,
                                      const std::string& method, uint64_t seed) {
  if (!std::filesystem::exists(path)) {
    std::vector<std::string> ids;
    for (size_t i = 0; i < dataset.size(); ++i) ids.push_back(dataset.id(i));
    auto folds = assign_folds(dataset, k, method, seed);
    write_folds(path, ids, folds);
    return folds;
  }
  const auto by_id = read_folds(path);
  std::vector<int> folds;
  for (size_t i = 0; i < dataset.size(); ++i) {
    const auto it = by_id.find(dataset.id(i));
    if (it == by_id.end()) {
      throw DataError(path.string() + ": image '" + dataset.id(i) +
                      "' of the dataset has no fold; delete the file (or run `segkit folds`) to split again");
    }
    folds.push_back(it->second);
  }
  return folds;
}

}  // namespace segkit::data
