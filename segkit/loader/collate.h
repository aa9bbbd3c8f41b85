#pragma once
// Stacks transformed Samples into a Batch (batch.h). All images must share one size and channel
// count, and either every sample has a mask (same K) or none has.

#include <vector>

#include "segkit/data/sample.h"
#include "segkit/loader/batch.h"

namespace segkit::loader {

/// `indices` are the samples' dataset indices (same length as `samples`). Throws ShapeError naming
/// the first sample that differs from the first one. With `pin_memory` (CUDA only) the batch lives in
/// page-locked host memory, so that its copy to the GPU can overlap the computation.
Batch collate(const std::vector<data::Sample>& samples, const std::vector<size_t>& indices, bool pin_memory = false);

}  // namespace segkit::loader
