// Rng draws and the Transform base: the p draw, force(), sample checks.
#include "segkit/transforms/transform.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "segkit/core/error.h"
#include "segkit/transforms/flips_rotations.h"
#include "tests/transforms/transform_test_util.h"

namespace segkit::transforms {
namespace {

// Counts how often it is applied.
class Counter : public Transform {
 public:
  explicit Counter(double p) : Transform(p) {}
  std::string name() const override { return "Counter"; }
  mutable int applied = 0;

 protected:
  void apply(data::Sample&, Rng&) const override { ++applied; }
};

TEST(Rng, SameSeedSameStreamDifferentSeedDifferentStream) {
  Rng a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    const uint64_t va = a.next_u64();
    EXPECT_EQ(va, b.next_u64());
    EXPECT_NE(va, c.next_u64());
  }
}

TEST(Rng, ForSampleDependsOnSeedEpochAndIndex) {
  std::set<uint64_t> firsts;
  for (uint64_t seed : {0, 1}) {
    for (uint64_t epoch : {0, 1, 2}) {
      for (uint64_t index = 0; index < 50; ++index) {
        Rng rng = Rng::for_sample(seed, epoch, index);
        firsts.insert(rng.next_u64());
        EXPECT_EQ(Rng::for_sample(seed, epoch, index).next_u64(),
                  Rng::for_sample(seed, epoch, index).next_u64());
      }
    }
  }
  EXPECT_EQ(firsts.size(), 2u * 3u * 50u);
  // Swapping epoch and index must not give the same stream.
  EXPECT_NE(Rng::for_sample(0, 1, 2).next_u64(), Rng::for_sample(0, 2, 1).next_u64());
}

TEST(Rng, PortableValuesForAFixedSeed) {
  // std::mt19937_64's output is fixed by the standard; our draws are computed from it, so these
  // values hold on every platform and standard library.
  Rng rng(5489);
  EXPECT_EQ(rng.next_u64(), 14514284786278117030ULL);
  Rng a(1), b(1);
  EXPECT_DOUBLE_EQ(a.uniform(), static_cast<double>(b.next_u64() >> 11) / 9007199254740992.0);
}

TEST(Rng, UniformStaysInRangeAndCoversIt) {
  Rng rng(1);
  double lo = 1e9, hi = -1e9, sum = 0;
  for (int i = 0; i < 20000; ++i) {
    const double v = rng.uniform(-2.0, 3.0);
    ASSERT_GE(v, -2.0);
    ASSERT_LT(v, 3.0);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
  }
  EXPECT_LT(lo, -1.99);
  EXPECT_GT(hi, 2.99);
  EXPECT_NEAR(sum / 20000, 0.5, 0.05);
  EXPECT_EQ(rng.uniform(4.0, 4.0), 4.0);
}

TEST(Rng, UniformIntIsInclusiveAndUnbiased) {
  Rng rng(2);
  int counts[4] = {};
  for (int i = 0; i < 40000; ++i) {
    const int64_t v = rng.uniform_int(0, 3);
    ASSERT_GE(v, 0);
    ASSERT_LE(v, 3);
    ++counts[v];
  }
  for (int count : counts) EXPECT_NEAR(count, 10000, 500);
  EXPECT_EQ(rng.uniform_int(7, 7), 7);
  EXPECT_THROW(rng.uniform_int(3, 2), Error);
}

TEST(Rng, NormalHasTheRequestedMeanAndDeviation) {
  Rng rng(3);
  double sum = 0, sum_sq = 0;
  const int n = 40000;
  for (int i = 0; i < n; ++i) {
    const double v = rng.normal(2.0, 3.0);
    sum += v;
    sum_sq += v * v;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 2.0, 0.1);
  EXPECT_NEAR(std::sqrt(sum_sq / n - mean * mean), 3.0, 0.1);
}

TEST(Transform, AppliesWithProbabilityP) {
  Counter never(0.0), always(1.0), sometimes(0.3);
  data::Sample sample = test::rgb_sample();
  Rng rng(4);
  for (int i = 0; i < 10000; ++i) {
    never(sample, rng);
    always(sample, rng);
    sometimes(sample, rng);
  }
  EXPECT_EQ(never.applied, 0);
  EXPECT_EQ(always.applied, 10000);
  EXPECT_NEAR(sometimes.applied, 3000, 200);
  never.force(sample, rng);
  EXPECT_EQ(never.applied, 1);
}

TEST(Transform, RejectsPOutsideZeroOne) {
  EXPECT_THROW(HorizontalFlip(-0.1), ConfigError);
  EXPECT_THROW(HorizontalFlip(1.5), ConfigError);
  EXPECT_THROW(HorizontalFlip(std::nan("")), ConfigError);
}

TEST(Transform, RejectsMismatchedMaskAndEmptyImageWhateverP) {
  data::Sample sample = test::rgb_sample();
  sample.mask = cv::Mat::zeros(10, 10, CV_8UC1);
  Rng rng(0);
  try {
    HorizontalFlip(0.0)(sample, rng);
    FAIL() << "accepted a 10x10 mask for a 48x64 image";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("HorizontalFlip"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("10x10 mask"), std::string::npos) << e.what();
  }
  data::Sample empty;
  EXPECT_THROW(HorizontalFlip(1.0)(empty, rng), DataError);
}

TEST(Transform, DescribeNamesTheTransformAndP) {
  EXPECT_EQ(HorizontalFlip(0.25).describe(), "HorizontalFlip(p=0.25)");
}

}  // namespace
}  // namespace segkit::transforms
