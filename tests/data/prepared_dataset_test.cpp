#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "segkit/core/error.h"
#include "segkit/data/concat_dataset.h"
#include "segkit/data/mask_folder_dataset.h"
#include "segkit/data/prepared_dataset.h"
#include "tests/support/test_support.h"

namespace segkit::data {
namespace {

// Ten classes (so the packed mask needs 16 bits), random overlapping boxes, one unlabelled sample.
class ManyClasses : public Dataset {
 public:
  size_t size() const override { return 3; }
  Sample get(size_t index) const override {
    cv::RNG rng(static_cast<uint64_t>(index) + 1);
    Sample sample{id(index), cv::Mat(20, 30, CV_8UC3), cv::Mat()};
    rng.fill(sample.image, cv::RNG::UNIFORM, 0, 256);
    if (index == 2) return sample;
    std::vector<cv::Mat> planes;
    for (size_t k = 0; k < names_.size(); ++k) {
      cv::Mat plane = cv::Mat::zeros(20, 30, CV_8U);
      plane(cv::Rect(rng.uniform(0, 15), rng.uniform(0, 10), rng.uniform(1, 15), rng.uniform(1, 10))) = 1;
      planes.push_back(plane);
    }
    cv::merge(planes, sample.mask);
    return sample;
  }
  const std::vector<std::string>& class_names() const override { return names_; }
  std::string id(size_t index) const override { return "img" + std::to_string(index) + ".jpg"; }

 private:
  std::vector<std::string> names_{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
};

double max_difference(const cv::Mat& a, const cv::Mat& b) {
  return cv::norm(a.reshape(1), b.reshape(1), cv::NORM_INF);
}

TEST(PreparedDataset, KeepsImagesAndSixteenClassBitsExactlyAtTheSourceSize) {
  test::TempDir dir;
  ManyClasses source;
  EXPECT_EQ(prepare_dataset(source, dir.path(), {}), 3u);
  PreparedDataset prepared(dir.path());
  ASSERT_EQ(prepared.size(), 3u);
  EXPECT_EQ(prepared.class_names(), source.class_names());
  for (size_t i = 0; i < 3; ++i) {
    const Sample original = source.get(i);
    const Sample cached = prepared.get(i);
    EXPECT_EQ(cached.id, original.id);
    EXPECT_EQ(max_difference(cached.image, original.image), 0.0);
    ASSERT_EQ(cached.has_mask(), original.has_mask());
    if (original.has_mask()) {
      ASSERT_EQ(cached.mask.channels(), 10);
      EXPECT_EQ(max_difference(cached.mask, original.mask), 0.0);
    }
  }
}

TEST(PreparedDataset, ResizesImagesWithAreaAndMasksWithNearest) {
  test::TempDir dir;
  ManyClasses source;
  PrepareOptions options;
  options.height = 10;
  options.width = 12;
  options.threads = 2;
  prepare_dataset(source, dir.path(), options);
  PreparedDataset prepared(dir.path());
  const Sample original = source.get(1);
  const Sample cached = prepared.get(1);
  cv::Mat image;
  cv::resize(original.image, image, {12, 10}, 0, 0, cv::INTER_AREA);
  EXPECT_EQ(max_difference(cached.image, image), 0.0);
  std::vector<cv::Mat> planes;
  cv::split(original.mask, planes);
  for (auto& plane : planes) cv::resize(plane, plane, {12, 10}, 0, 0, cv::INTER_NEAREST);
  cv::Mat mask;
  cv::merge(planes, mask);
  EXPECT_EQ(max_difference(cached.mask, mask), 0.0);
}

TEST(PreparedDataset, ShrinksRealPolypsOnce) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto root = shared / "data/kvasir_seg_sample";
  MaskFolderDataset source({root / "images", root / "masks", "", {"polyp"}});
  test::TempDir dir;
  PrepareOptions options;
  options.height = 64;
  options.width = 80;
  prepare_dataset(source, dir.path(), options);
  PreparedDataset prepared(dir.path());
  ASSERT_EQ(prepared.size(), 5u);
  for (size_t i = 0; i < prepared.size(); ++i) {
    const Sample sample = prepared.get(i);
    EXPECT_EQ(sample.image.size(), cv::Size(80, 64));
    EXPECT_GT(cv::countNonZero(sample.mask), 0) << sample.id;
    EXPECT_EQ(sample.id, source.id(i));
  }
}

// Soft labels: a horizontal ramp of probabilities in 3 classes (class k scaled by 1 / (2k + 1)).
class SoftLabels : public Dataset {
 public:
  size_t size() const override { return 2; }
  Sample get(size_t index) const override {
    Sample sample{id(index), cv::Mat(8, 12, CV_8UC3, cv::Scalar(10, 20, 30 + static_cast<int>(index))), cv::Mat()};
    std::vector<cv::Mat> planes;
    for (int k = 0; k < 3; ++k) {
      cv::Mat plane(8, 12, CV_32F);
      for (int x = 0; x < 12; ++x) plane.col(x).setTo(x / 11.0 / (2 * k + 1));
      planes.push_back(plane);
    }
    cv::merge(planes, sample.mask);
    return sample;
  }
  const std::vector<std::string>& class_names() const override { return names_; }
  std::string id(size_t index) const override { return "soft" + std::to_string(index) + ".png"; }

 private:
  std::vector<std::string> names_{"a", "b", "c"};
};

TEST(PreparedDataset, KeepsSoftLabelsAsProbabilitiesToTheNearest255th) {
  test::TempDir dir;
  SoftLabels source;
  prepare_dataset(source, dir / "same", {});
  const PreparedDataset same(dir / "same");
  const Sample original = source.get(1);
  const Sample kept = same.get(1);
  ASSERT_EQ(kept.mask.type(), CV_32FC3);
  EXPECT_LE(max_difference(kept.mask, original.mask), 0.5 / 255 + 1e-6);
  EXPECT_EQ(max_difference(kept.image, original.image), 0);
  EXPECT_EQ(same.classes_present(0), (std::vector<bool>{true, false, false}));  // peaks 1, 1/3, 1/5

  // Shrunk, the ramp stays a ramp (bilinear) rather than a staircase of 0/1.
  PrepareOptions half;
  half.height = 4;
  half.width = 6;
  prepare_dataset(source, dir / "half", half);
  const Sample shrunk = PreparedDataset(dir / "half").get(0);
  ASSERT_EQ(shrunk.mask.size(), cv::Size(6, 4));
  cv::Mat expected;
  std::vector<cv::Mat> planes;
  cv::split(original.mask, planes);
  for (auto& plane : planes) cv::resize(plane, plane, {6, 4}, 0, 0, cv::INTER_LINEAR);
  cv::merge(planes, expected);
  EXPECT_LE(max_difference(shrunk.mask, expected), 0.5 / 255 + 1e-6);
}

TEST(ConcatDataset, ServesEachPartInTurnAndRefusesOtherClasses) {
  test::TempDir dir;
  ManyClasses first;
  prepare_dataset(first, dir.path(), {});
  const auto a = std::make_shared<PreparedDataset>(dir.path());
  const auto b = std::make_shared<PreparedDataset>(dir.path());
  const ConcatDataset both({a, b});
  ASSERT_EQ(both.size(), 6u);
  EXPECT_EQ(both.class_names(), a->class_names());
  EXPECT_EQ(both.id(4), b->id(1));
  EXPECT_EQ(max_difference(both.get(4).mask, b->get(1).mask), 0);
  EXPECT_EQ(both.classes_present(3), b->classes_present(0));
  EXPECT_THROW(both.get(6), DataError);

  SoftLabels other;
  prepare_dataset(other, dir / "soft", {});
  try {
    ConcatDataset mixed({a, std::make_shared<PreparedDataset>(dir / "soft")});
    FAIL() << "datasets with other classes were mixed";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("[a, b, c]"), std::string::npos) << e.what();
  }
}

TEST(PreparedDataset, RefusesAnInterruptedFolderAndBadOptions) {
  test::TempDir dir;
  ManyClasses source;
  prepare_dataset(source, dir.path(), {});
  std::filesystem::remove(dir / "prepared.json");
  try {
    PreparedDataset prepared(dir.path());
    FAIL() << "an incomplete folder was accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("segkit prepare"), std::string::npos) << e.what();
  }
  PrepareOptions options;
  options.height = 10;
  EXPECT_THROW(prepare_dataset(source, dir.path(), options), ConfigError);
  options.width = 10;
  options.interpolation = "cubik";
  try {
    prepare_dataset(source, dir.path(), options);
    FAIL() << "a bad interpolation was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'cubic'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segkit::data
