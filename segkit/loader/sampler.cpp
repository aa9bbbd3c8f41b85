#include "segkit/loader/sampler.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "segkit/core/error.h"
#include "segkit/transforms/transform.h"

namespace segkit::loader {
namespace {

// A stream separate from every sample's augmentation stream (those use index >= 0 as the third
// key); the all-ones index is never a sample position.
transforms::Rng order_rng(uint64_t seed, uint64_t epoch) {
  return transforms::Rng::for_sample(seed, epoch, ~uint64_t{0});
}

}  // namespace

std::vector<size_t> epoch_order(size_t n, bool shuffle, uint64_t seed, uint64_t epoch) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  if (!shuffle || n < 2) return order;
  auto rng = order_rng(seed, epoch);
  for (size_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<size_t>(rng.uniform_int(0, static_cast<int64_t>(i)));
    std::swap(order[i], order[j]);
  }
  return order;
}

std::vector<size_t> weighted_order(const std::vector<double>& weights, size_t count, uint64_t seed,
                                   uint64_t epoch) {
  std::vector<double> cumulative(weights.size());
  double total = 0.0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] >= 0.0)) {
      throw ConfigError(fmt::format("sample weight {} is {}; weights must be >= 0", i, weights[i]));
    }
    total += weights[i];
    cumulative[i] = total;
  }
  if (!(total > 0.0)) throw ConfigError("sample weights sum to zero: nothing can be drawn");
  auto rng = order_rng(seed, epoch);
  std::vector<size_t> order(count);
  for (auto& position : order) {
    const double u = rng.uniform(0.0, total);
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
    position = std::min(static_cast<size_t>(it - cumulative.begin()), weights.size() - 1);
  }
  return order;
}

std::vector<double> positive_share_weights(const std::vector<bool>& positive, double positive_fraction) {
  if (!(positive_fraction > 0.0 && positive_fraction < 1.0)) {
    throw ConfigError(fmt::format("positive_fraction must be in (0, 1), got {}", positive_fraction));
  }
  const auto positives = static_cast<size_t>(std::count(positive.begin(), positive.end(), true));
  const size_t negatives = positive.size() - positives;
  if (positives == 0 || negatives == 0) {
    throw ConfigError(fmt::format(
        "positive_fraction needs positive and negative samples; the training set has {} positive "
        "and {} negative images",
        positives, negatives));
  }
  const double positive_weight = positive_fraction / static_cast<double>(positives);
  const double negative_weight = (1.0 - positive_fraction) / static_cast<double>(negatives);
  std::vector<double> weights(positive.size());
  for (size_t i = 0; i < positive.size(); ++i) weights[i] = positive[i] ? positive_weight : negative_weight;
  return weights;
}

std::vector<size_t> shard_positions(size_t total, int rank, int world_size) {
  if (world_size < 1 || rank < 0 || rank >= world_size) {
    throw ConfigError(fmt::format("rank {} is outside 0..{}", rank, world_size - 1));
  }
  const auto world = static_cast<size_t>(world_size);
  const size_t per_rank = (total + world - 1) / world;
  std::vector<size_t> positions;
  positions.reserve(per_rank);
  for (size_t k = 0; k < per_rank && total > 0; ++k) positions.push_back((k * world + static_cast<size_t>(rank)) % total);
  return positions;
}

std::vector<double> mixed_share_weights(const std::vector<double>& base, size_t extra, double extra_share) {
  if (!(extra_share > 0.0 && extra_share < 1.0)) {
    throw ConfigError(fmt::format("the share of the added samples must be in (0, 1), got {}", extra_share));
  }
  const double base_sum = std::accumulate(base.begin(), base.end(), 0.0);
  if (extra == 0 || !(base_sum > 0.0)) {
    throw ConfigError(fmt::format("mixing needs samples on both sides; got {} training and {} added samples",
                                  base.size(), extra));
  }
  std::vector<double> weights;
  weights.reserve(base.size() + extra);
  for (double weight : base) weights.push_back(weight / base_sum * (1.0 - extra_share));
  weights.resize(base.size() + extra, extra_share / static_cast<double>(extra));
  return weights;
}

}  // namespace segkit::loader
