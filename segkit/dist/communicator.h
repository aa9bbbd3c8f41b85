#pragma once
// What data-parallel training needs from a process group, as an interface so the training loop
// does not see c10d's headers (gloo_communicator.h implements it on PyTorch's c10d Gloo backend).
// Every rank must call the collectives in the same order with tensors of the same shapes.

#include <torch/types.h>

#include <memory>
#include <vector>

namespace segkit::dist {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int world_size() const = 0;
  /// Every rank receives `root`'s values, in place.
  virtual void broadcast(std::vector<torch::Tensor>& tensors, int root = 0) = 0;
  /// Every rank receives the element-wise sum over the ranks, in place (synchronised BatchNorm).
  virtual void allreduce_sum(std::vector<torch::Tensor>& tensors) = 0;
  /// Every rank receives the element-wise mean over the ranks, in place (gradients).
  virtual void allreduce_mean(std::vector<torch::Tensor>& tensors) = 0;
  virtual void barrier() = 0;
};

using CommunicatorPtr = std::shared_ptr<Communicator>;

}  // namespace segkit::dist
