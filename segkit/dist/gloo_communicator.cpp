#include "segkit/dist/gloo_communicator.h"

#include <fmt/format.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <map>

#include "segkit/core/error.h"
#include "segkit/core/logging.h"

namespace segkit::dist {
namespace {

constexpr int64_t kBucketBytes = 16 << 20;

// The tensors grouped by dtype, each group cut into buckets of at most kBucketBytes (a tensor
// larger than that is a bucket of its own).
std::vector<std::vector<torch::Tensor>> buckets_of(const std::vector<torch::Tensor>& tensors) {
  std::map<int, std::vector<std::vector<torch::Tensor>>> by_dtype;
  std::map<int, int64_t> bytes;
  for (const auto& tensor : tensors) {
    const int dtype = static_cast<int>(tensor.scalar_type());
    auto& list = by_dtype[dtype];
    const int64_t size = tensor.numel() * static_cast<int64_t>(tensor.element_size());
    if (list.empty() || bytes[dtype] + size > kBucketBytes) {
      list.emplace_back();
      bytes[dtype] = 0;
    }
    list.back().push_back(tensor);
    bytes[dtype] += size;
  }
  std::vector<std::vector<torch::Tensor>> buckets;
  for (auto& [dtype, list] : by_dtype) {
    for (auto& bucket : list) buckets.push_back(std::move(bucket));
  }
  return buckets;
}

class GlooCommunicator : public Communicator {
 public:
  GlooCommunicator(const DistEnv& env, c10::intrusive_ptr<c10d::ProcessGroupGloo> group)
      : env_(env), group_(std::move(group)) {}

  int rank() const override { return env_.rank; }
  int world_size() const override { return env_.world_size; }

  void broadcast(std::vector<torch::Tensor>& tensors, int root) override {
    for (auto& bucket : buckets_of(tensors)) {
      std::vector<torch::Tensor> flat{flatten(bucket)};
      c10d::BroadcastOptions options;
      options.rootRank = root;
      wait(group_->broadcast(flat, options), "broadcast");
      scatter_back(flat[0], bucket);
    }
  }

  void allreduce_sum(std::vector<torch::Tensor>& tensors) override { allreduce(tensors, false); }
  void allreduce_mean(std::vector<torch::Tensor>& tensors) override { allreduce(tensors, true); }

  void barrier() override { wait(group_->barrier(), "barrier"); }

 private:
  void allreduce(std::vector<torch::Tensor>& tensors, bool mean) {
    for (auto& bucket : buckets_of(tensors)) {
      std::vector<torch::Tensor> flat{flatten(bucket)};
      wait(group_->allreduce(flat), "all-reduce");
      if (mean && flat[0].is_floating_point()) {
        flat[0].div_(static_cast<double>(env_.world_size));
      } else if (mean) {
        flat[0].div_(env_.world_size, "floor");
      }
      scatter_back(flat[0], bucket);
    }
  }

  static torch::Tensor flatten(const std::vector<torch::Tensor>& bucket) {
    std::vector<torch::Tensor> flat;
    flat.reserve(bucket.size());
    for (const auto& tensor : bucket) flat.push_back(tensor.detach().reshape(-1));
    return torch::cat(flat).to(torch::kCPU).contiguous();
  }

  static void scatter_back(const torch::Tensor& flat, std::vector<torch::Tensor>& bucket) {
    torch::NoGradGuard no_grad;
    int64_t offset = 0;
    for (auto& tensor : bucket) {
      const int64_t n = tensor.numel();
      tensor.copy_(flat.slice(0, offset, offset + n).view_as(tensor));
      offset += n;
    }
  }

  void wait(const c10::intrusive_ptr<c10d::Work>& work, const char* what) const {
    try {
      work->wait(std::chrono::milliseconds(1000LL * env_.timeout_seconds));
    } catch (const std::exception& e) {
      throw DistError(fmt::format("rank {} of {}: {} failed (a peer died or stalled for more than {} s): {}",
                                  env_.rank, env_.world_size, what, env_.timeout_seconds, e.what()));
    }
  }

  DistEnv env_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
};

}  // namespace

CommunicatorPtr connect_gloo(const DistEnv& env) {
  const auto timeout = std::chrono::milliseconds(1000LL * env.timeout_seconds);
  try {
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<std::uint16_t>(env.master_port);
    store_options.isServer = env.rank == 0;
    store_options.numWorkers = static_cast<size_t>(env.world_size);
    store_options.timeout = timeout;
    auto store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, store_options);
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    // Local runs talk over loopback; across machines, the interface GLOO_SOCKET_IFNAME names (as in
    // PyTorch) or the one the host name resolves to.
    const bool local = env.master_addr == "localhost" || env.master_addr.rfind("127.", 0) == 0;
    const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
    options->devices.push_back(local ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                               : interface != nullptr && *interface != '\0'
                                   ? c10d::ProcessGroupGloo::createDeviceForInterface(interface)
                                   : c10d::ProcessGroupGloo::createDefaultDevice());
    options->threads = 2;
    auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.world_size, options);
    log::info("rank {} of {} joined the process group at {}:{}", env.rank, env.world_size, env.master_addr,
              env.master_port);
    return std::make_shared<GlooCommunicator>(env, std::move(group));
  } catch (const std::exception& e) {
    throw DistError(fmt::format("rank {} of {}: cannot join the process group at {}:{} within {} s: {}", env.rank,
                                env.world_size, env.master_addr, env.master_port, env.timeout_seconds, e.what()));
  }
}

}  // namespace segkit::dist
