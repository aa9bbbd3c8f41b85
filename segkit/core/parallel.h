#pragma once
// A plain parallel loop for work items that are independent and coarse (one image, one class):
//
//   segkit::parallel_for_index(images.size(), /*threads=*/0, [&](size_t i) { process(images[i]); });
//
// Indices are claimed in increasing order by up to `threads` threads (0: every core; never more
// than n), the calling thread among them. After an item throws, no new item starts; the ones
// running finish, and the exception of the lowest failed index is rethrown, so the error a user
// sees does not depend on thread timing.

#include <cstddef>
#include <functional>

namespace segkit {

void parallel_for_index(size_t n, int threads, const std::function<void(size_t)>& body);

}  // namespace segkit
