// Every loss entry of ../shared/vectors/losses_metrics.json against our losses (inputs rebuilt
// from the README's formulas), plus behaviour the vectors do not pin down.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <functional>
#include <map>

#include "segkit/losses/losses.h"
#include "tests/support/test_support.h"
#include "tests/support/vector_inputs.h"

namespace segkit::losses {
namespace {

using LossFn = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>;

LossFn forward_of(const json& config) {
  auto loss = build_loss(config);
  return [loss](const torch::Tensor& x, const torch::Tensor& t) { return loss->forward(x, t); };
}

LossFn per_class_of(const json& config) {
  auto loss = build_loss(config);
  return [loss](const torch::Tensor& x, const torch::Tensor& t) { return loss->per_class(x, t); };
}

// Each vector entry name -> how we compute it. An entry missing here fails the test.
std::map<std::string, LossFn> loss_entries(const json& class_weights) {
  return {
      {"DiceLoss(mode='multilabel', from_logits=True)", forward_of({{"name", "dice"}, {"mode", "multilabel"}})},
      {"JaccardLoss(mode='multilabel', from_logits=True)", forward_of({{"name", "jaccard"}, {"mode", "multilabel"}})},
      {"FocalLoss(mode='multilabel')", forward_of({{"name", "focal"}, {"mode", "multilabel"}})},
      {"LovaszLoss(mode='multilabel', per_image=False)",
       forward_of({{"name", "lovasz"}, {"mode", "multilabel"}, {"per_image", false}})},
      {"SoftBCEWithLogitsLoss(smooth_factor=0.1)", forward_of({{"name", "soft_bce"}, {"smooth_factor", 0.1}})},
      {"TverskyLoss(mode='multilabel', alpha=0.3, beta=0.7)",
       forward_of({{"name", "tversky"}, {"mode", "multilabel"}, {"alpha", 0.3}, {"beta", 0.7}})},
      {"bce_per_class", per_class_of({{"name", "bce"}})},
      {"dice_loss_per_class", per_class_of({{"name", "symmetric_dice"}})},
      {"bcedice_per_class (2.7*bce + 0.7*dice)", per_class_of({{"name", "bce_dice"}, {"weights", {2.7, 0.7}}})},
      {"bcedice_weighted_total (sum_c w_c * bcedice_c)",
       forward_of({{"name", "bce_dice"}, {"weights", {2.7, 0.7}}, {"class_weights", class_weights}})},
      {"focal_per_class (gamma=2)", per_class_of({{"name", "focal"}, {"gamma", 2.0}})},
  };
}

json read_vectors(const std::filesystem::path& shared) {
  std::ifstream in(shared / "vectors" / "losses_metrics.json");
  EXPECT_TRUE(in.good()) << "cannot read losses_metrics.json";
  return json::parse(in);
}

TEST(LossVectors, EveryEntryMatchesReference) {
  SEGKIT_REQUIRE_SHARED(shared);
  const json vectors = read_vectors(shared);
  for (const auto& [key, value] : vectors.items()) {
    EXPECT_TRUE(key == "library" || key == "class_weights" || key == "seed_definitions" || key == "sets")
        << "unknown top-level key " << key;
  }
  const auto entries = loss_entries(vectors.at("class_weights"));
  std::map<std::string, test::VectorTally> tallies;  // per column
  int compared_entries = 0;
  for (const auto& [set_name, set] : vectors.at("sets").items()) {
    const auto inputs = test::vector_inputs(set_name);
    EXPECT_EQ(inputs.target.sum().item<int64_t>(), set.at("inputs").at("target_positive_count").get<int64_t>())
        << "set " << set_name << " inputs differ from the formulas";
    for (const auto& [key, unused] : set.items()) {
      EXPECT_TRUE(key == "inputs" || key == "float32" || key == "float64") << "unknown column " << key;
    }
    for (const auto& [column, dtype] : {std::pair{"float32", torch::kFloat}, std::pair{"float64", torch::kDouble}}) {
      const auto logits = inputs.logits.to(dtype);
      const auto target = inputs.target.to(dtype);
      for (const auto& [section, values] : set.at(column).items()) {
        if (section == "metrics") continue;  // metrics_test.cpp
        ASSERT_TRUE(section == "smp_losses" || section == "seed_losses") << "unknown section " << section;
        for (const auto& [name, expected] : values.items()) {
          auto entry = entries.find(name);
          ASSERT_NE(entry, entries.end()) << "no C++ computation for vector entry '" << name << "'";
          const std::string where = set_name + "/" + column + "/" + name;
          tallies[column].expect_close(entry->second(logits, target), expected, where);
          ++compared_entries;
        }
      }
    }
  }
  // 2 sets x 2 columns x 11 entries: a shrinking file is as suspicious as a growing one.
  EXPECT_EQ(compared_entries, 44);
  for (const auto& [column, tally] : tallies) {
    std::cout << "[ vectors  ] " << column << ": " << tally.values << " values; worst relative error "
              << tally.worst_relative << " (" << tally.worst_where << ")\n";
  }
  std::cout << "[ vectors  ] " << compared_entries << " loss entries compared\n";
}

// --- behaviour beyond the vectors ---

torch::Tensor random_masks(int64_t n, int64_t c, int64_t seed) {
  torch::manual_seed(seed);
  return (torch::rand({n, c, 8, 8}) > 0.6).to(torch::kFloat);
}

TEST(DiceLoss, PositivesOnlyIgnoresEmptyImages) {
  auto masks = random_masks(2, 3, 1);
  auto logits = torch::randn({2, 3, 8, 8});
  auto with_empty_mask = torch::cat({masks, torch::zeros({1, 3, 8, 8})});
  auto with_empty_logits = torch::cat({logits, torch::randn({1, 3, 8, 8})});
  auto dice_pos = build_loss({{"name", "dice_pos"}});
  auto dice = build_loss({{"name", "dice"}});
  const double alone = dice->forward(logits, masks).item<double>();
  EXPECT_NEAR(dice_pos->forward(with_empty_logits, with_empty_mask).item<double>(), alone, 1e-6);
  EXPECT_GT(std::fabs(dice->forward(with_empty_logits, with_empty_mask).item<double>() - alone), 1e-4);
  auto zero = dice_pos->forward(torch::randn({2, 3, 8, 8}, torch::requires_grad()), torch::zeros({2, 3, 8, 8}));
  EXPECT_EQ(zero.item<double>(), 0.0);
}

// The clouds seg2 loss: Dice per (image, class), over the channels with a non-empty truth only.
TEST(DiceLoss, PositiveChannelsOnlyAveragesThePerChannelDiceOfNonEmptyTruths) {
  // Image 0: class 0 all positive and predicted p = sigmoid(0) = 0.5 everywhere; class 1 empty.
  // Image 1: both empty. One positive channel: dice = 2 * 0.5 * 4 / (0.5 * 4 + 4) = 2/3.
  auto logits = torch::zeros({2, 2, 2, 2}, torch::requires_grad());
  auto masks = torch::zeros({2, 2, 2, 2});
  masks[0][0].fill_(1);
  auto loss = build_loss({{"name", "dice_pos_channels"}});
  EXPECT_NEAR(loss->forward(logits, masks).item<double>(), 1.0 - 2.0 / 3.0, 1e-6);
  // dice_pos keeps image 0 whole, so its empty class-1 channel counts too: another value.
  EXPECT_GT(std::fabs(build_loss({{"name", "dice_pos"}})->forward(logits, masks).item<double>() - 1.0 / 3.0), 1e-3);
  // A second positive channel with a perfect prediction halves the loss; class weights 1:3 weight it.
  auto sure = logits.detach().clone();
  sure[1][1].fill_(20.0);
  masks[1][1].fill_(1);
  EXPECT_NEAR(loss->forward(sure, masks).item<double>(), (1.0 / 3.0) / 2.0, 1e-5);
  auto weighted = build_loss({{"name", "dice_pos_channels"}, {"class_weights", {1.0, 3.0}}});
  EXPECT_NEAR(weighted->forward(sure, masks).item<double>(), (1.0 / 3.0) / 4.0, 1e-5);
  // No positive channel: 0, and backward still works.
  auto none = loss->forward(logits, torch::zeros({2, 2, 2, 2}));
  EXPECT_EQ(none.item<double>(), 0.0);
  none.backward();
  EXPECT_THROW(build_loss({{"name", "dice_pos_channels"}, {"mode", "multiclass"}}), ConfigError);
}

TEST(DiceLoss, MulticlassIgnoreIndexDropsPixels) {
  torch::manual_seed(2);
  auto logits = torch::randn({2, 3, 8, 8});
  auto labels = torch::randint(0, 3, {2, 8, 8}, torch::kLong);
  auto loss = build_loss({{"name", "dice"}, {"mode", "multiclass"}, {"ignore_index", 255}});
  const double clean = loss->forward(logits, labels).item<double>();
  // Marking pixels 255 removes them; changing the logits there must not matter.
  auto marked = labels.clone();
  marked.index_put_({0, 0}, 255);
  auto changed = logits.clone();
  changed.index_put_({0, torch::indexing::Slice(), 0}, 40.0);
  EXPECT_NEAR(loss->forward(changed, marked).item<double>(), loss->forward(logits, marked).item<double>(), 1e-6);
  EXPECT_NE(loss->forward(logits, marked).item<double>(), clean);
  EXPECT_THROW(build_loss({{"name", "dice"}, {"mode", "multiclass"}})->forward(logits, marked), DataError);
}

TEST(DiceLoss, PerfectMulticlassPredictionIsZero) {
  auto labels = torch::randint(0, 3, {2, 8, 8}, torch::kLong);
  auto logits = torch::one_hot(labels, 3).permute({0, 3, 1, 2}).to(torch::kFloat) * 50.0;
  EXPECT_NEAR(build_loss({{"name", "dice"}, {"mode", "multiclass"}})->forward(logits, labels).item<double>(), 0, 1e-6);
}

TEST(DiceLoss, ClassesSelectChannelsAndBinaryTakesNhw) {
  auto masks = random_masks(2, 3, 8);
  auto logits = torch::randn({2, 3, 8, 8});
  auto all = build_loss("dice")->per_class(logits, masks);
  auto some = build_loss({{"name", "dice"}, {"classes", {0, 2}}});
  EXPECT_NEAR(some->forward(logits, masks).item<double>(), ((all[0] + all[2]) / 2).item<double>(), 1e-6);
  auto binary = build_loss({{"name", "dice"}, {"mode", "binary"}});
  auto channel = logits.slice(1, 1, 2);
  EXPECT_NEAR(binary->forward(channel, masks.select(1, 1)).item<double>(), all[1].item<double>(), 1e-6);
}

TEST(FocalLoss, BinaryEqualsSingleChannelMultilabel) {
  auto masks = random_masks(2, 1, 3);
  auto logits = torch::randn({2, 1, 8, 8});
  EXPECT_NEAR(build_loss({{"name", "focal"}, {"mode", "binary"}})->forward(logits, masks.squeeze(1)).item<double>(),
              build_loss({{"name", "focal"}})->forward(logits, masks).item<double>(), 1e-6);
}

TEST(LovaszLoss, PerImageIsMeanOfImages) {
  auto masks = random_masks(3, 2, 4);
  auto logits = torch::randn({3, 2, 8, 8});
  auto batch = build_loss({{"name", "lovasz"}});
  double sum = 0;
  for (int64_t i = 0; i < 3; ++i) {
    sum += batch->forward(logits.slice(0, i, i + 1), masks.slice(0, i, i + 1)).item<double>();
  }
  auto per_image = build_loss({{"name", "lovasz"}, {"per_image", true}});
  EXPECT_NEAR(per_image->forward(logits, masks).item<double>(), sum / 3, 1e-5);
}

TEST(SoftCeLoss, WithoutSmoothingEqualsCrossEntropy) {
  torch::manual_seed(5);
  auto logits = torch::randn({2, 4, 8, 8});
  auto labels = torch::randint(0, 4, {2, 8, 8}, torch::kLong);
  EXPECT_NEAR(build_loss("soft_ce")->forward(logits, labels).item<double>(),
              build_loss("cross_entropy")->forward(logits, labels).item<double>(), 1e-5);
}

TEST(KlDivLoss, ZeroAtTheTargetAndBceGradient) {
  torch::manual_seed(6);
  auto logits = torch::randn({2, 3, 8, 8}, torch::requires_grad());
  auto soft = torch::sigmoid(logits.detach());
  EXPECT_NEAR(build_loss("kl_div")->forward(logits, soft).item<double>(), 0, 1e-6);
  auto other = torch::rand({2, 3, 8, 8});
  auto kl_grad = torch::autograd::grad({build_loss("kl_div")->forward(logits, other)}, {logits})[0];
  auto bce_grad = torch::autograd::grad({build_loss("bce")->forward(logits, other)}, {logits})[0];
  EXPECT_TRUE(torch::allclose(kl_grad, bce_grad, 1e-5, 1e-7));
  auto teacher = torch::softmax(logits.detach(), 1);
  EXPECT_NEAR(build_loss({{"name", "kl_div"}, {"mode", "multiclass"}})->forward(logits, teacher).item<double>(), 0,
              1e-6);
}

}  // namespace
}  // namespace segkit::losses
