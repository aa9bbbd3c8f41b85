#include "segkit/metrics/meters.h"

#include <torch/torch.h>

#include "segkit/core/error.h"

namespace segkit::metrics {

void AverageMeter::add(double value, int64_t count) {
  if (count < 0) throw ShapeError("AverageMeter: negative sample count");
  sum_ += value * static_cast<double>(count);
  count_ += count;
}

void AverageMeter::reset() {
  sum_ = 0;
  count_ = 0;
}

StatsMeter::StatsMeter(Mode mode, StatsOptions options) : mode_(mode), options_(std::move(options)) {}

void StatsMeter::add(const torch::Tensor& output, const torch::Tensor& target) {
  add(get_stats(output, target, mode_, options_));
}

void StatsMeter::add(const Stats& stats) { stats_ = stats_.cat(stats); }

}  // namespace segkit::metrics
