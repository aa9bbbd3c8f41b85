#include "segkit/models/classifier/classifier.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "segkit/core/error.h"
#include "segkit/models/hub_format.h"
#include "segkit/models/inference_copy.h"
#include "segkit/models/model_registry.h"
#include "tests/support/test_support.h"

namespace segkit::models {
namespace {

SegmentationModel tiny_classifier(json extra = json::object()) {
  json config = {{"arch", "classifier"}, {"encoder_name", "resnet18"}, {"classes", 3}};
  config.update(extra);
  return create_model(config);
}

TEST(Classifier, StateDictIsEncoderPlusSmpClassificationHead) {
  auto model = tiny_classifier();
  EXPECT_TRUE(model->is_classifier());
  EXPECT_TRUE(model->has_classification_head());
  for (const auto& item : model->named_parameters()) {
    const auto& name = item.key();
    EXPECT_TRUE(name.rfind("encoder.", 0) == 0 || name == "classification_head.3.weight" ||
                name == "classification_head.3.bias")
        << name;
  }
  EXPECT_EQ(model->named_parameters()["classification_head.3.weight"].sizes(), (std::vector<int64_t>{3, 512}));
}

TEST(Classifier, AnyInputSizeGivesOneLogitPerClass) {
  torch::manual_seed(0);
  auto model = tiny_classifier();
  model->eval();
  torch::NoGradGuard no_grad;
  const auto images = torch::randn({2, 3, 70, 90});
  const auto logits = model->forward(images);
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 3}));
  const auto out = model->forward_with_aux(images, /*with_labels=*/false);
  EXPECT_FALSE(out.masks.defined());
  EXPECT_TRUE(torch::equal(out.labels, logits));
}

// The head is SMP's aux_params head: a Unet's encoder and classification head, moved into a
// classifier, give the same class logits.
TEST(Classifier, MatchesTheAuxHeadOfASegmentationModel) {
  torch::manual_seed(1);
  auto unet = create_model({{"arch", "unet"}, {"encoder_name", "resnet18"}, {"classes", 2},
                            {"aux_params", {{"classes", 3}, {"pooling", "max"}}}});
  auto classifier = tiny_classifier({{"pooling", "max"}});
  {
    torch::NoGradGuard no_grad;
    auto target = classifier->named_parameters();
    for (const auto& item : unet->named_parameters()) {
      if (target.contains(item.key())) target[item.key()].copy_(item.value());
    }
    auto buffers = classifier->named_buffers();
    for (const auto& item : unet->named_buffers()) {
      if (buffers.contains(item.key())) buffers[item.key()].copy_(item.value());
    }
  }
  unet->eval();
  classifier->eval();
  torch::NoGradGuard no_grad;
  const auto images = torch::randn({2, 3, 64, 64});
  EXPECT_TRUE(torch::allclose(classifier->forward(images), unet->forward_with_aux(images).labels, 1e-5, 1e-6));
}

TEST(Classifier, SavedAndFastCopiesPredictTheSame) {
  torch::manual_seed(2);
  auto model = tiny_classifier({{"encoder_name", "efficientnet-b0"}});
  model->eval();
  test::TempDir dir;
  save_pretrained(*model, dir.path() / "cls");
  auto loaded = from_pretrained(dir.path() / "cls");
  loaded->eval();
  auto fast = inference_copy(*model);
  torch::NoGradGuard no_grad;
  const auto images = torch::randn({2, 3, 64, 96});
  const auto expected = model->forward(images);
  EXPECT_TRUE(torch::allclose(loaded->forward(images), expected, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(fast->forward(images), expected, 1e-4, 1e-4));
}

TEST(Classifier, RefusesSegmentationArguments) {
  EXPECT_THROW(tiny_classifier({{"aux_params", {{"classes", 3}}}}), ConfigError);
  EXPECT_THROW(tiny_classifier({{"decoder_channels", {1, 2, 3, 4, 5}}}), ConfigError);
  EXPECT_THROW(tiny_classifier({{"pooling", "mean"}}), ConfigError);
}

}  // namespace
}  // namespace segkit::models
