#include "segkit/models/inference_copy.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "segkit/models/model_registry.h"
#include "segkit/models/parity.h"
#include "segkit/nn/batchnorm.h"

namespace segkit::models {
namespace {

struct FuseCase {
  std::string arch;
  std::string encoder;
};

void PrintTo(const FuseCase& param, std::ostream* os) { *os << param.arch << "/" << param.encoder; }

class InferenceCopy : public ::testing::TestWithParam<FuseCase> {};

// The parity tolerance (../shared/parity/README.md): max |d| <= 1e-4 * max(1, std).
void expect_within_parity_tolerance(const torch::Tensor& actual, const torch::Tensor& expected) {
  const double scale = std::max(1.0, expected.std(/*unbiased=*/false).item<double>());
  EXPECT_LE((actual - expected).abs().max().item<double>(), 1e-4 * scale);
  EXPECT_LE((actual - expected).abs().mean().item<double>(), 1e-5 * scale);
}

TEST_P(InferenceCopy, FoldedAndChannelsLastMatchTheOriginal) {
  auto model = create_model({{"arch", GetParam().arch}, {"encoder_name", GetParam().encoder}, {"classes", 2}});
  fill_segkit_v1(*model);  // BatchNorm statistics far from identity, so folding is really exercised
  const torch::Tensor x = parity_image({3, 64, 64}, false).unsqueeze(0);
  const torch::Tensor expected = model->predict(x);

  auto folded = inference_copy(*model, {/*fold_batchnorm=*/true, /*channels_last=*/false});
  int folded_norms = 0, norms = 0;
  for (const auto& module : folded->modules()) {
    if (auto* norm = module->as<nn::BatchNorm2dImpl>()) {
      ++norms;
      folded_norms += norm->folded();
    }
  }
  // Every norm that follows a conv folds; DenseNet's pre-activation norms (BN before conv) cannot.
  EXPECT_GT(folded_norms, 0) << folded_norms << " of " << norms;
  expect_within_parity_tolerance(folded->predict(x), expected);

  auto channels_last = inference_copy(*model);
  const torch::Tensor output = channels_last->predict(x);
  EXPECT_TRUE(output.is_contiguous());
  expect_within_parity_tolerance(output, expected);
  // The original is untouched.
  EXPECT_TRUE(torch::equal(model->predict(x), expected));
}

INSTANTIATE_TEST_SUITE_P(Models, InferenceCopy,
                         ::testing::Values(FuseCase{"unet", "resnet18"}, FuseCase{"fpn", "densenet121"},
                                           FuseCase{"unet", "efficientnet-b0"}, FuseCase{"linknet", "mobilenet_v2"},
                                           FuseCase{"deeplabv3plus", "resnet18"}, FuseCase{"pspnet", "se_resnet50"},
                                           FuseCase{"unetplusplus", "resnet18"}),
                         [](const auto& info) {
                           std::string name = info.param.arch + "_" + info.param.encoder;
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace segkit::models
