#include <gtest/gtest.h>
#include <torch/torch.h>

#include "segkit/nn/batchnorm.h"

namespace segkit::nn {
namespace {

// Two "processes" in one: the halves of a batch, whose statistics the sum joins. Each half's
// layer sees only its half, as a rank would; together they must equal one layer on the whole batch.
TEST(SyncBatchNorm, HalvesSummedTogetherNormaliseAsTheWholeBatch) {
  torch::manual_seed(3);
  const auto x = torch::randn({4, 3, 5, 6}) * 2 + 1;

  BatchNorm2d whole(3);
  whole->weight.data().uniform_(0.5, 1.5);
  whole->bias.data().uniform_(-0.5, 0.5);
  const auto y_whole = whole->forward(x).detach();

  // The sum over "processes": the first half's local sums plus those of the second half.
  BatchNorm2d first(3);
  first->weight.data().copy_(whole->weight.data());
  first->bias.data().copy_(whole->bias.data());
  const auto x2 = x.slice(0, 2, 4);
  const auto partner_local = torch::cat({x2.sum({0, 2, 3}), (x2 * x2).sum({0, 2, 3}),
                                         torch::full({1}, static_cast<double>(x2.numel() / 3))});
  int calls = 0;
  auto sum = std::make_shared<SumOverProcesses>([&](torch::Tensor& t) {
    if (calls++ == 0) t.add_(partner_local);  // forward only: backward is tested below
  });
  first->set_sync(sum);
  const auto x1 = x.slice(0, 0, 2).clone().requires_grad_(true);
  const auto y1 = first->forward(x1);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(torch::allclose(y1, y_whole.slice(0, 0, 2), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(first->running_mean, whole->running_mean, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(first->running_var, whole->running_var, 1e-5, 1e-6));
}

// With a single process the synchronised layer is an ordinary BatchNorm, gradients included.
TEST(SyncBatchNorm, OneProcessEqualsBatchNormWithGradients) {
  torch::manual_seed(4);
  const auto x = torch::randn({3, 4, 7, 5});
  const auto upstream = torch::randn({3, 4, 7, 5});
  BatchNorm2d plain(4), synced(4);
  plain->weight.data().uniform_(0.5, 1.5);
  synced->weight.data().copy_(plain->weight.data());
  synced->set_sync(std::make_shared<SumOverProcesses>([](torch::Tensor&) {}));
  const auto a = x.clone().requires_grad_(true);
  const auto b = x.clone().requires_grad_(true);
  (plain->forward(a) * upstream).sum().backward();
  (synced->forward(b) * upstream).sum().backward();
  EXPECT_TRUE(torch::allclose(a.grad(), b.grad(), 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(plain->weight.grad(), synced->weight.grad(), 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(plain->bias.grad(), synced->bias.grad(), 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(plain->running_var, synced->running_var, 1e-5, 1e-6));
}

}  // namespace
}  // namespace segkit::nn
