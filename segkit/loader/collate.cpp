#include "segkit/loader/collate.h"

#include <fmt/format.h>

#include "segkit/core/error.h"
#include "segkit/loader/mat_tensor.h"

namespace segkit::loader {
namespace {

std::string shape_of(const cv::Mat& mat) {
  return fmt::format("{}x{}x{}", mat.rows, mat.cols, mat.channels());
}

void check_like_first(const data::Sample& first, const data::Sample& sample) {
  if (sample.image.size() != first.image.size() || sample.image.channels() != first.image.channels()) {
    throw ShapeError(fmt::format(
        "cannot batch '{}' ({}) with '{}' ({}): images of a batch must have one size; add a "
        "Resize, crop or PadIfNeeded to the transform list, or use batch_size 1",
        sample.id, shape_of(sample.image), first.id, shape_of(first.image)));
  }
  if (sample.has_mask() != first.has_mask() ||
      (sample.has_mask() && sample.mask.channels() != first.mask.channels())) {
    throw ShapeError(fmt::format("cannot batch '{}' (mask {}) with '{}' (mask {})", sample.id,
                                 sample.has_mask() ? shape_of(sample.mask) : "none", first.id,
                                 first.has_mask() ? shape_of(first.mask) : "none"));
  }
}

}  // namespace

Batch collate(const std::vector<data::Sample>& samples, const std::vector<size_t>& indices, bool pin_memory) {
  if (samples.empty()) throw ShapeError("cannot collate an empty batch");
  const auto& first = samples.front();
  for (const auto& sample : samples) check_like_first(first, sample);

  const auto n = static_cast<int64_t>(samples.size());
  Batch batch;
  batch.indices = indices;
  const auto options = torch::TensorOptions(torch::kFloat).pinned_memory(pin_memory);
  batch.images = torch::empty({n, first.image.channels(), first.image.rows, first.image.cols}, options);
  if (first.has_mask()) {
    batch.masks = torch::empty({n, first.mask.channels(), first.mask.rows, first.mask.cols}, options);
  }
  for (int64_t i = 0; i < n; ++i) {
    const auto& sample = samples[i];
    batch.ids.push_back(sample.id);
    write_chw(sample.image, batch.images[i]);
    if (sample.has_mask()) write_chw(sample.mask, batch.masks[i]);
  }
  if (batch.has_masks()) batch.labels = batch.masks.flatten(2).amax(2).gt(0.5).to(torch::kFloat32);  // soft labels too
  return batch;
}

}  // namespace segkit::loader
