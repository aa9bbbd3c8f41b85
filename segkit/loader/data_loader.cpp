#include "segkit/loader/data_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <opencv2/core/utility.hpp>
#include <thread>

#include "segkit/core/error.h"
#include "segkit/loader/collate.h"
#include "segkit/loader/sampler.h"

namespace segkit::loader {

// The state of one running epoch. Workers claim batch numbers in order and wait while they are
// `window` batches ahead of the consumer; finished batches (or the exception that ended them) wait
// in `ready` until next() takes them in order.
struct DataLoader::Epoch {
  struct Result {
    std::optional<Batch> batch;
    std::exception_ptr error;
  };

  std::mutex mutex;
  std::condition_variable changed;
  size_t batches = 0;
  size_t window = 1;
  size_t next_claim = 0;
  size_t next_take = 0;
  bool stopping = false;
  std::map<size_t, Result> ready;
  std::vector<std::thread> workers;
};

namespace {

// The workers are the parallelism; OpenCV's own pool inside each would oversubscribe the cores
// (STACK.md). cv::setNumThreads is process-wide and rebuilds OpenCV's TBB arena, which is unsafe
// while another thread is inside an OpenCV parallel region (calling it from every worker was the
// likely cause of a one-off wrong batch under load), so it is set once, before the first workers
// start.
void single_threaded_opencv() {
  static std::once_flag once;
  std::call_once(once, [] { cv::setNumThreads(1); });
}

}  // namespace

DataLoader::DataLoader(data::DatasetPtr dataset, transforms::TransformPtr transform,
                       LoaderOptions options, std::vector<size_t> indices)
    : dataset_(std::move(dataset)), transform_(std::move(transform)), options_(std::move(options)),
      indices_(std::move(indices)) {
  if (!dataset_) throw ConfigError("DataLoader needs a dataset");
  if (options_.batch_size < 1) throw ConfigError(fmt::format("batch_size must be >= 1, got {}", options_.batch_size));
  if (options_.workers < 0) throw ConfigError(fmt::format("workers must be >= 0, got {}", options_.workers));
  if (indices_.empty()) {
    indices_.resize(dataset_->size());
    for (size_t i = 0; i < indices_.size(); ++i) indices_[i] = i;
  }
  for (size_t index : indices_) {
    if (index >= dataset_->size()) {
      throw ConfigError(fmt::format("sample index {} is out of range: the dataset has {} samples", index,
                                    dataset_->size()));
    }
  }
  if (!options_.sample_weights.empty() && options_.sample_weights.size() != indices_.size()) {
    throw ConfigError(fmt::format("{} sample weights for {} samples", options_.sample_weights.size(),
                                  indices_.size()));
  }
}

DataLoader::~DataLoader() { stop(); }

size_t DataLoader::samples_per_epoch() const {
  const size_t total = !options_.sample_weights.empty() && options_.samples_per_epoch > 0 ? options_.samples_per_epoch
                                                                                          : indices_.size();
  const auto world = static_cast<size_t>(options_.world_size);
  return (total + world - 1) / world;
}

size_t DataLoader::batches_per_epoch() const {
  const size_t n = samples_per_epoch();
  const auto size = static_cast<size_t>(options_.batch_size);
  return options_.drop_last ? n / size : (n + size - 1) / size;
}

void DataLoader::start_epoch(uint64_t epoch, size_t first_batch) {
  stop();
  epoch_number_ = epoch;
  const auto whole = options_.sample_weights.empty()
                         ? epoch_order(indices_.size(), options_.shuffle, options_.seed, epoch)
                         : weighted_order(options_.sample_weights,
                                          options_.samples_per_epoch > 0 ? options_.samples_per_epoch : indices_.size(),
                                          options_.seed, epoch);
  positions_ = shard_positions(whole.size(), options_.rank, options_.world_size);
  order_.clear();
  for (size_t position : positions_) order_.push_back(whole[position]);
  epoch_ = std::make_unique<Epoch>();
  epoch_->batches = batches_per_epoch();
  epoch_->window = static_cast<size_t>(std::max(options_.prefetch, options_.workers));
  epoch_->next_claim = epoch_->next_take = std::min(first_batch, epoch_->batches);
  if (options_.workers > 0) single_threaded_opencv();
  for (int w = 0; w < options_.workers; ++w) {
    epoch_->workers.emplace_back([this, state = epoch_.get()] { work(*state); });
  }
}

void DataLoader::stop() {
  if (!epoch_) return;
  {
    std::lock_guard<std::mutex> lock(epoch_->mutex);
    epoch_->stopping = true;
  }
  epoch_->changed.notify_all();
  for (auto& worker : epoch_->workers) worker.join();
  epoch_.reset();
}

void DataLoader::work(Epoch& epoch) const {
  while (true) {
    size_t claimed = 0;
    {
      std::unique_lock<std::mutex> lock(epoch.mutex);
      epoch.changed.wait(lock, [&] {
        return epoch.stopping || epoch.next_claim >= epoch.batches ||
               epoch.next_claim < epoch.next_take + epoch.window;
      });
      if (epoch.stopping || epoch.next_claim >= epoch.batches) return;
      claimed = epoch.next_claim++;
    }
    Epoch::Result result;
    try {
      result.batch = load_batch(claimed);
    } catch (...) {
      result.error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(epoch.mutex);
      epoch.ready.emplace(claimed, std::move(result));
    }
    epoch.changed.notify_all();
  }
}

std::optional<Batch> DataLoader::next() {
  if (!epoch_) throw Error("DataLoader::next() called before start_epoch()");
  Epoch& epoch = *epoch_;
  if (epoch.next_take >= epoch.batches) return std::nullopt;
  if (options_.workers == 0) return load_batch(epoch.next_take++);

  Epoch::Result result;
  {
    std::unique_lock<std::mutex> lock(epoch.mutex);
    epoch.changed.wait(lock, [&] { return epoch.ready.count(epoch.next_take) > 0; });
    auto node = epoch.ready.extract(epoch.next_take);
    result = std::move(node.mapped());
    ++epoch.next_take;
  }
  epoch.changed.notify_all();
  if (result.error) {
    stop();
    std::rethrow_exception(result.error);
  }
  return std::move(result.batch);
}

Batch DataLoader::load_batch(size_t batch) const {
  const size_t begin = batch * static_cast<size_t>(options_.batch_size);
  const size_t end = std::min(begin + static_cast<size_t>(options_.batch_size), order_.size());
  std::vector<data::Sample> samples;
  std::vector<size_t> indices;
  std::vector<cv::Size> source_sizes;
  samples.reserve(end - begin);
  for (size_t position = begin; position < end; ++position) {
    const size_t index = indices_[order_[position]];
    data::Sample sample = dataset_->get(index);
    source_sizes.push_back(sample.image.size());
    if (transform_) {
      auto rng = transforms::Rng::for_sample(options_.seed, epoch_number_, positions_[position]);
      try {
        (*transform_)(sample, rng);
      } catch (const Error& e) {
        throw DataError(fmt::format("augmenting sample '{}' (index {}): {}", sample.id, index, e.what()));
      }
    }
    samples.push_back(std::move(sample));
    indices.push_back(index);
  }
  Batch collated = collate(samples, indices, options_.pin_memory);
  collated.source_sizes = std::move(source_sizes);
  return collated;
}

}  // namespace segkit::loader
