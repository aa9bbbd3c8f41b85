#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "segkit/core/error.h"
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
