#pragma once
// Which dataset positions an epoch visits, and in what order. Every order is a pure function of
// (seed, epoch), drawn with transforms::Rng's portable draws, so a run is reproducible on any
// platform and a resumed run sees the same epochs as an uninterrupted one.
//
//   auto order = segkit::loader::epoch_order(1000, /*shuffle=*/true, /*seed=*/42, /*epoch=*/3);
//   auto weights = segkit::loader::positive_share_weights(has_mask, 0.5);   // pneumothorax-style
//   auto drawn = segkit::loader::weighted_order(weights, 1000, 42, 3);

#include <cstdint>
#include <vector>

namespace segkit::loader {

/// 0..n-1, shuffled (Fisher-Yates) when `shuffle` is set.
std::vector<size_t> epoch_order(size_t n, bool shuffle, uint64_t seed, uint64_t epoch);

/// `count` positions drawn with replacement, position i with probability weights[i] / sum (PyTorch's
/// WeightedRandomSampler(replacement=True)). Throws ConfigError on negative weights or a zero sum.
std::vector<size_t> weighted_order(const std::vector<double>& weights, size_t count, uint64_t seed,
                                   uint64_t epoch);

/// Weights under which a share `positive_fraction` of the draws are positive samples (the SIIM
/// pipelines' "sample 50% images with pneumothorax"). Throws ConfigError when the fraction is
/// outside (0, 1) or one of the two groups is empty.
std::vector<double> positive_share_weights(const std::vector<bool>& positive, double positive_fraction);

/// The positions of a `total`-position epoch that rank `rank` of `world_size` visits, as PyTorch's
/// DistributedSampler(drop_last=False): the epoch is padded to a multiple of world_size by repeating
/// its first positions, and rank r takes positions r, r + world_size, r + 2 world_size, ... So every
/// rank has the same number of samples, every position is visited once (a padded few twice), and
/// batch j of every rank together is batch j of one process with a world_size times larger batch.
std::vector<size_t> shard_positions(size_t total, int rank, int world_size);

/// `base` (the training set's weights, relative to each other) followed by `extra` equal weights,
/// scaled so that a share `extra_share` of the draws falls on the extra samples (pseudo-labels mixed
/// into training). Throws ConfigError when the share is outside (0, 1) or a side is empty.
std::vector<double> mixed_share_weights(const std::vector<double>& base, size_t extra, double extra_share);

}  // namespace segkit::loader
