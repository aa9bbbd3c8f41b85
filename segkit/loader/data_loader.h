#pragma once
// Feeds the trainer: worker threads read samples, augment them and collate them into Batches while
// the model computes, with at most `prefetch` batches ahead (bounded memory).
//
//   segkit::loader::LoaderOptions options;
//   options.batch_size = 8; options.workers = 2; options.shuffle = true; options.seed = 42;
//   segkit::loader::DataLoader loader(dataset, pipeline, options, fold.train_indices);
//   for (uint64_t epoch = 0; epoch < epochs; ++epoch) {
//     loader.start_epoch(epoch);
//     while (auto batch = loader.next()) train_step(*batch);
//   }
//
// Determinism: the epoch's order comes from (seed, epoch) (sampler.h) and the sample at position p
// of the epoch is augmented with Rng::for_sample(seed, epoch, p), so batches are bit-identical for
// any number of workers and any thread timing. Batches come out in order.
//
// Threads: the first loader with workers switches OpenCV's internal threading off for the process
// (cv::setNumThreads(1)), since the workers already use the cores.
//
// Errors: a sample that fails to load or augment (DataError, ShapeError, ...) is rethrown from
// next() with the sample's id; samples of one batch must have equal sizes after the transform
// (ShapeError naming two of them otherwise).

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "segkit/data/dataset.h"
#include "segkit/loader/batch.h"
#include "segkit/transforms/transform.h"

namespace segkit::loader {

struct LoaderOptions {
  int batch_size = 8;
  /// Worker threads; 0 loads in the thread that calls next().
  int workers = 2;
  /// Batches loaded ahead of the consumer (at least `workers`, so every worker has work).
  int prefetch = 4;
  bool shuffle = false;
  /// Drop a last batch smaller than batch_size (training with BatchNorm).
  bool drop_last = false;
  uint64_t seed = 0;
  /// Non-empty: each epoch draws `samples_per_epoch` positions with replacement, position i (of
  /// the loader's indices) with probability proportional to sample_weights[i].
  std::vector<double> sample_weights{};
  /// With sample_weights: draws per epoch (0: as many as the loader has indices).
  size_t samples_per_epoch = 0;
  /// Data-parallel training: this process loads its shard of every epoch (shard_positions); the
  /// augmentation of a sample still depends on its position in the whole epoch, so the ranks
  /// together see exactly the batches one process would.
  int rank = 0;
  int world_size = 1;
  /// Batches in page-locked memory for asynchronous copies to a CUDA device (needs CUDA LibTorch).
  bool pin_memory = false;
};

class DataLoader {
 public:
  /// `indices` selects dataset samples (a fold); empty means all. `transform` may be null.
  DataLoader(data::DatasetPtr dataset, transforms::TransformPtr transform, LoaderOptions options,
             std::vector<size_t> indices = {});
  ~DataLoader();
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  size_t samples_per_epoch() const;
  size_t batches_per_epoch() const;
  const data::Dataset& dataset() const { return *dataset_; }

  /// Begins `epoch` at batch `first_batch` (stopping an unfinished epoch) and starts the workers.
  /// A resumed run starts mid-epoch and gets exactly the batches the interrupted run would have.
  void start_epoch(uint64_t epoch, size_t first_batch = 0);
  /// The epoch's next batch, or nullopt when the epoch is over.
  std::optional<Batch> next();


 private:
  struct Epoch;
  void stop();
  void work(Epoch& epoch) const;
  /// Loads, augments and collates the batch `batch` of the current epoch.
  Batch load_batch(size_t batch) const;

  data::DatasetPtr dataset_;
  transforms::TransformPtr transform_;
  LoaderOptions options_;
  std::vector<size_t> indices_;
  uint64_t epoch_number_ = 0;
  std::vector<size_t> order_;      // this rank's epoch position -> index into indices_
  std::vector<size_t> positions_;  // this rank's epoch position -> position in the whole epoch
  std::unique_ptr<Epoch> epoch_;
};

}  // namespace segkit::loader
