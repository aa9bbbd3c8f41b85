// Compose, OneOf, Sometimes, and the determinism rule for whole pipelines.
#include "segkit/transforms/compose.h"

#include <gtest/gtest.h>

#include <thread>

#include "segkit/core/error.h"
#include "segkit/transforms/transforms.h"
#include "tests/transforms/transform_test_util.h"

namespace segkit::transforms {
namespace {

// Appends its tag to the sample id when applied.
class Tag : public Transform {
 public:
  Tag(std::string tag, double p) : Transform(p), tag_(std::move(tag)) {}
  std::string name() const override { return "Tag"; }

 protected:
  void apply(data::Sample& sample, Rng&) const override { sample.id += tag_; }

 private:
  std::string tag_;
};

TransformPtr tag(const std::string& t, double p) {
  return std::make_shared<Tag>(t, p);
}

data::Sample blank() {
  data::Sample sample = test::rgb_sample();
  sample.id.clear();
  return sample;
}

TEST(Compose, RunsChildrenInOrderEachWithItsOwnP) {
  Compose pipeline({tag("a", 1.0), tag("b", 0.0), tag("c", 1.0)});
  data::Sample sample = blank();
  Rng rng(0);
  pipeline(sample, rng);
  EXPECT_EQ(sample.id, "ac");
  EXPECT_THROW(Compose({tag("a", 1.0), nullptr}), ConfigError);
}

TEST(OneOf, PicksOneChildWithChildPAsWeightsAndForcesIt) {
  OneOf one({tag("a", 0.1), tag("b", 0.3), tag("z", 0.0)}, 1.0);
  int a = 0, b = 0;
  Rng rng(1);
  for (int i = 0; i < 8000; ++i) {
    data::Sample sample = blank();
    one(sample, rng);
    ASSERT_EQ(sample.id.size(), 1u);  // exactly one, forced although its p is 0.1 / 0.3
    (sample.id == "a" ? a : b) += 1;
    ASSERT_NE(sample.id, "z");
  }
  EXPECT_NEAR(static_cast<double>(a) / (a + b), 0.25, 0.02);
}

TEST(OneOf, OwnPGatesTheChoiceAndZeroWeightsAreRejected) {
  OneOf one({tag("a", 1.0)}, 0.2);
  int applied = 0;
  Rng rng(2);
  for (int i = 0; i < 5000; ++i) {
    data::Sample sample = blank();
    one(sample, rng);
    applied += sample.id == "a";
  }
  EXPECT_NEAR(applied, 1000, 100);
  EXPECT_THROW(OneOf({tag("a", 0.0)}), ConfigError);
  data::Sample sample = blank();
  OneOf({}, 1.0)(sample, rng);  // no children: nothing happens
  EXPECT_EQ(sample.id, "");
}

TEST(Sometimes, AppliesItsChildForcedWithItsOwnP) {
  Sometimes sometimes(0.25, tag("a", 0.0));
  int applied = 0;
  Rng rng(3);
  for (int i = 0; i < 8000; ++i) {
    data::Sample sample = blank();
    sometimes(sample, rng);
    applied += sample.id == "a";
  }
  EXPECT_NEAR(applied, 2000, 150);
  EXPECT_THROW(Sometimes(0.5, nullptr), ConfigError);
  EXPECT_EQ(sometimes.describe(), "Sometimes(p=0.25, Tag(p=0))");
}

std::shared_ptr<Compose> augmentations() {
  ShiftScaleRotateOptions ssr;
  ssr.p = 0.9;
  return std::make_shared<Compose>(std::vector<TransformPtr>{
      std::make_shared<HorizontalFlip>(), std::make_shared<RandomRotate90>(),
      std::make_shared<ShiftScaleRotate>(ssr),
      std::make_shared<OneOf>(std::vector<TransformPtr>{std::make_shared<GaussNoise>(),
                                                        std::make_shared<GaussianBlur>()},
                              0.9),
      std::make_shared<RandomBrightnessContrast>(), std::make_shared<Normalize>()});
}

TEST(Determinism, SameSeedEpochIndexGivesTheSameSampleOtherIndicesDiffer) {
  const auto pipeline = augmentations();
  auto run = [&](uint64_t epoch, uint64_t index) {
    data::Sample sample = test::rgb_sample();
    Rng rng = Rng::for_sample(123, epoch, index);
    (*pipeline)(sample, rng);
    return sample;
  };
  const data::Sample a = run(0, 5), b = run(0, 5);
  EXPECT_TRUE(test::same(a.image, b.image));
  EXPECT_TRUE(test::same(a.mask, b.mask));
  EXPECT_FALSE(test::same(a.image, run(0, 6).image));
  EXPECT_FALSE(test::same(a.image, run(1, 5).image));
}

TEST(Determinism, ABatchIsTheSameWhateverTheThreadCount) {
  const auto pipeline = augmentations();
  const size_t n = 24;
  auto batch = [&](size_t threads) {
    std::vector<data::Sample> out(n);
    std::vector<std::thread> workers;
    for (size_t t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        // Workers take interleaved indices in reverse order, unlike the single-thread run.
        for (size_t i = n - 1 - t; i < n; i -= threads) {
          data::Sample sample = test::rgb_sample();
          Rng rng = Rng::for_sample(7, 2, i);
          (*pipeline)(sample, rng);
          out[i] = sample;
          if (i < threads) break;
        }
      });
    }
    for (auto& worker : workers) worker.join();
    return out;
  };
  const auto serial = batch(1);
  const auto parallel = batch(4);
  for (size_t i = 0; i < n; ++i) {
    EXPECT_TRUE(test::same(serial[i].image, parallel[i].image)) << i;
    EXPECT_TRUE(test::same(serial[i].mask, parallel[i].mask)) << i;
  }
}

}  // namespace
}  // namespace segkit::transforms
