#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <set>

#include "segkit/config/yaml_loader.h"
#include "segkit/core/error.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/loader/loader.h"
#include "segkit/transforms/transform_registry.h"
#include "tests/support/test_support.h"

namespace segkit::loader {
namespace {

// Samples drawn from their index: a gradient image with a filled rectangle and the rectangle as the
// mask of class 0 (every third sample is empty), so augmentation changes them visibly.
class GeneratedDataset : public data::Dataset {
 public:
  GeneratedDataset(size_t n, int rows, int cols, size_t failing = SIZE_MAX)
      : n_(n), rows_(rows), cols_(cols), failing_(failing) {}
  size_t size() const override { return n_; }
  data::Sample get(size_t index) const override {
    if (index == failing_) throw DataError(fmt::format("sample {}.png is corrupt", index));
    data::Sample sample;
    sample.id = std::to_string(index) + ".png";
    sample.image = cv::Mat(rows_, cols_, CV_8UC3);
    for (int y = 0; y < rows_; ++y) {
      for (int x = 0; x < cols_; ++x) {
        sample.image.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uint8_t>(x * 7 + index),
                                                     static_cast<uint8_t>(y * 5), static_cast<uint8_t>(index * 13));
      }
    }
    sample.mask = cv::Mat::zeros(rows_, cols_, CV_8UC2);
    if (index % 3 != 0) {
      const cv::Rect box(static_cast<int>(index % 5), 2, cols_ / 2, rows_ / 2);
      sample.mask(box).setTo(cv::Scalar(1, 0));
      sample.image(box).setTo(cv::Scalar(250, 20, 20));
    }
    return sample;
  }
  const std::vector<std::string>& class_names() const override { return names_; }
  std::string id(size_t index) const override { return std::to_string(index) + ".png"; }

 private:
  size_t n_;
  int rows_, cols_;
  size_t failing_;
  std::vector<std::string> names_{"rect", "never"};
};

transforms::TransformPtr augmentation() {
  auto doc = config::parse_yaml(
      "- HorizontalFlip: {p: 0.5}\n"
      "- ShiftScaleRotate: {shift_limit: 0.1, scale_limit: 0.1, rotate_limit: 20, p: 0.8}\n"
      "- RandomBrightnessContrast: {p: 0.5}\n"
      "- Normalize\n",
      "aug.yaml");
  return transforms::build_pipeline(doc.value);
}

std::vector<Batch> run_epoch(DataLoader& loader, uint64_t epoch) {
  loader.start_epoch(epoch);
  std::vector<Batch> batches;
  while (auto batch = loader.next()) batches.push_back(std::move(*batch));
  return batches;
}

TEST(MatTensor, RoundTripsManyChannelsAndDepths) {
  cv::Mat mat(5, 7, CV_32FC(6));
  cv::randu(mat, -3.0, 3.0);
  const auto chw = mat_to_chw(mat);
  ASSERT_EQ(chw.sizes(), (std::vector<int64_t>{6, 5, 7}));
  EXPECT_FLOAT_EQ(chw[4][3][2].item<float>(), mat.ptr<float>(3)[2 * 6 + 4]);
  EXPECT_EQ(cv::norm(chw_to_mat(chw), mat, cv::NORM_INF), 0.0);

  cv::Mat bytes(4, 3, CV_8UC3, cv::Scalar(1, 2, 250));
  const auto planes = mat_to_chw(bytes);
  EXPECT_EQ(planes[2].sum().item<float>(), 250.0f * 12);
  EXPECT_EQ(cv::norm(chw_to_mat(planes.to(torch::kUInt8)), bytes, cv::NORM_INF), 0.0);
}

TEST(MatTensor, WriteChwRejectsAWrongShape) {
  cv::Mat mat(4, 4, CV_8UC3);
  EXPECT_THROW(write_chw(mat, torch::empty({3, 4, 5})), ShapeError);
}

TEST(Sampler, EpochOrderIsAPermutationFixedBySeedAndEpoch) {
  const auto a = epoch_order(100, true, 7, 1);
  auto sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) ASSERT_EQ(sorted[i], i);
  EXPECT_EQ(a, epoch_order(100, true, 7, 1));
  EXPECT_NE(a, epoch_order(100, true, 7, 2));
  EXPECT_NE(a, epoch_order(100, true, 8, 1));
  EXPECT_EQ(epoch_order(3, false, 7, 1), (std::vector<size_t>{0, 1, 2}));
}

TEST(Sampler, PositiveShareWeightsDrawTheRequestedShare) {
  std::vector<bool> positive(100, false);
  for (size_t i = 0; i < 10; ++i) positive[i] = true;  // 10 % positives, as in SIIM
  const auto drawn = weighted_order(positive_share_weights(positive, 0.5), 20000, 3, 0);
  const auto positives = std::count_if(drawn.begin(), drawn.end(), [](size_t i) { return i < 10; });
  EXPECT_NEAR(static_cast<double>(positives) / 20000.0, 0.5, 0.02);
  EXPECT_THROW(positive_share_weights(positive, 1.0), ConfigError);
  EXPECT_THROW(positive_share_weights(std::vector<bool>(5, true), 0.5), ConfigError);
  EXPECT_THROW(weighted_order({1.0, -1.0}, 3, 0, 0), ConfigError);
}

TEST(Sampler, ShardsCoverEveryPositionOnceWithEqualSizes) {
  for (size_t total : {0u, 1u, 7u, 10u, 101u}) {
    for (int world : {1, 2, 3, 4}) {
      std::vector<int> visits(total, 0);
      size_t size = 0;
      for (int rank = 0; rank < world; ++rank) {
        const auto positions = shard_positions(total, rank, world);
        if (rank == 0) size = positions.size();
        ASSERT_EQ(positions.size(), size) << total << " over " << world;
        for (size_t p : positions) ++visits.at(p);
      }
      // Padded cyclically, as DistributedSampler: position p is visited once per full cycle.
      const size_t padded = size * static_cast<size_t>(world);
      for (size_t p = 0; p < total; ++p) {
        const int expected = static_cast<int>(padded / total + (p < padded % total ? 1 : 0));
        EXPECT_EQ(visits[p], expected) << "position " << p << " of " << total << " over " << world;
      }
    }
  }
  // Batch j of the ranks together is batch j of one process with world_size x the batch.
  EXPECT_EQ(shard_positions(8, 0, 2), (std::vector<size_t>{0, 2, 4, 6}));
  EXPECT_EQ(shard_positions(8, 1, 2), (std::vector<size_t>{1, 3, 5, 7}));
  EXPECT_THROW(shard_positions(8, 2, 2), ConfigError);
}

TEST(Sampler, MixedShareWeightsGiveTheAddedSamplesTheirShare) {
  // 90 training images (10 of them weighted 5x by an earlier rule) and 30 pseudo-labelled ones at 25 %.
  std::vector<double> base(90, 1.0);
  for (size_t i = 0; i < 10; ++i) base[i] = 5.0;
  const auto weights = mixed_share_weights(base, 30, 0.25);
  ASSERT_EQ(weights.size(), 120u);
  EXPECT_DOUBLE_EQ(weights[0] / weights[10], 5.0);  // the training set's own proportions stay
  const auto drawn = weighted_order(weights, 40000, 5, 1);
  const auto added = std::count_if(drawn.begin(), drawn.end(), [](size_t i) { return i >= 90; });
  EXPECT_NEAR(static_cast<double>(added) / 40000.0, 0.25, 0.01);
  EXPECT_THROW(mixed_share_weights(base, 30, 1.0), ConfigError);
  EXPECT_THROW(mixed_share_weights(base, 0, 0.25), ConfigError);
  EXPECT_THROW(mixed_share_weights({}, 30, 0.25), ConfigError);
}

TEST(DataLoader, BatchesAreIdenticalForAnyNumberOfWorkers) {
  auto dataset = std::make_shared<GeneratedDataset>(23, 24, 32);
  LoaderOptions options;
  options.batch_size = 4;
  options.shuffle = true;
  options.seed = 11;
  options.workers = 0;
  DataLoader serial(dataset, augmentation(), options);
  const auto reference = run_epoch(serial, 2);
  ASSERT_EQ(reference.size(), 6u);
  for (int workers : {1, 2, 4}) {
    options.workers = workers;
    options.prefetch = 2;
    DataLoader threaded(dataset, augmentation(), options);
    const auto batches = run_epoch(threaded, 2);
    ASSERT_EQ(batches.size(), reference.size());
    for (size_t b = 0; b < batches.size(); ++b) {
      EXPECT_EQ(batches[b].ids, reference[b].ids) << workers << " workers, batch " << b;
      EXPECT_TRUE(torch::equal(batches[b].images, reference[b].images)) << workers << " workers";
      EXPECT_TRUE(torch::equal(batches[b].masks, reference[b].masks)) << workers << " workers";
    }
  }
  // Starting mid-epoch (a resumed run) gives the rest of the same epoch.
  options.workers = 2;
  DataLoader resumed(dataset, augmentation(), options);
  resumed.start_epoch(2, /*first_batch=*/4);
  for (size_t b = 4; b < reference.size(); ++b) {
    auto batch = resumed.next();
    ASSERT_TRUE(batch.has_value());
    EXPECT_TRUE(torch::equal(batch->images, reference[b].images)) << "batch " << b;
  }
  EXPECT_FALSE(resumed.next().has_value());
  // A different epoch augments differently.
  const auto other = run_epoch(serial, 3);
  EXPECT_FALSE(torch::equal(other[0].images, reference[0].images));
}

TEST(DataLoader, EpochVisitsEverySampleOnceWithBinaryMasksAndLabels) {
  auto dataset = std::make_shared<GeneratedDataset>(10, 16, 16);
  LoaderOptions options;
  options.batch_size = 4;
  options.shuffle = true;
  options.workers = 2;
  DataLoader loader(dataset, augmentation(), options);
  EXPECT_EQ(loader.batches_per_epoch(), 3u);
  std::multiset<size_t> seen;
  for (const auto& batch : run_epoch(loader, 0)) {
    EXPECT_EQ(batch.images.sizes(), (std::vector<int64_t>{batch.size(), 3, 16, 16}));
    EXPECT_EQ(batch.masks.sizes(), (std::vector<int64_t>{batch.size(), 2, 16, 16}));
    EXPECT_TRUE(torch::equal(batch.masks, batch.masks.gt(0.5).to(torch::kFloat32)));
    EXPECT_TRUE(torch::equal(batch.labels, batch.masks.amax({2, 3})));
    for (int64_t i = 0; i < batch.size(); ++i) {
      EXPECT_EQ(batch.labels[i][1].item<float>(), 0.0f);
      // Class 0 is present exactly when the image is not a multiple of 3 (the shift keeps it in view).
      EXPECT_EQ(batch.labels[i][0].item<float>(), batch.indices[i] % 3 != 0 ? 1.0f : 0.0f);
    }
    seen.insert(batch.indices.begin(), batch.indices.end());
  }
  EXPECT_EQ(seen, (std::multiset<size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));

  options.drop_last = true;
  options.shuffle = false;
  DataLoader dropping(dataset, nullptr, options, {0, 2, 4, 6, 8});
  const auto batches = run_epoch(dropping, 0);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].indices, (std::vector<size_t>{0, 2, 4, 6}));
}

TEST(DataLoader, WeightedSamplingDrawsTheRequestedNumberOfSamples) {
  auto dataset = std::make_shared<GeneratedDataset>(6, 8, 8);
  LoaderOptions options;
  options.batch_size = 5;
  options.sample_weights = {0, 0, 1, 0, 0, 0};
  options.samples_per_epoch = 12;
  DataLoader loader(dataset, nullptr, options);
  size_t total = 0;
  for (const auto& batch : run_epoch(loader, 0)) {
    for (size_t index : batch.indices) EXPECT_EQ(index, 2u);
    total += batch.indices.size();
  }
  EXPECT_EQ(total, 12u);
}

TEST(DataLoader, ASampleThatFailsToLoadIsRethrownWithItsName) {
  auto dataset = std::make_shared<GeneratedDataset>(12, 8, 8, /*failing=*/9);
  for (int workers : {0, 2}) {
    LoaderOptions options;
    options.batch_size = 2;
    options.workers = workers;
    DataLoader loader(dataset, nullptr, options);
    loader.start_epoch(0);
    try {
      while (loader.next()) {
      }
      FAIL() << "no error with " << workers << " workers";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("9.png"), std::string::npos) << e.what();
    }
  }
}

TEST(DataLoader, SamplesOfDifferentSizesNameBothInTheError) {
  class Ragged : public GeneratedDataset {
   public:
    Ragged() : GeneratedDataset(2, 8, 8) {}
    data::Sample get(size_t index) const override {
      auto sample = GeneratedDataset::get(index);
      if (index == 1) {
        cv::resize(sample.image, sample.image, cv::Size(9, 8));
        cv::resize(sample.mask, sample.mask, cv::Size(9, 8), 0, 0, cv::INTER_NEAREST);
      }
      return sample;
    }
  };
  LoaderOptions options;
  options.batch_size = 2;
  options.workers = 0;
  DataLoader loader(std::make_shared<Ragged>(), nullptr, options);
  loader.start_epoch(0);
  try {
    loader.next();
    FAIL() << "ragged batch accepted";
  } catch (const ShapeError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'1.png' (8x9x3)"), std::string::npos) << message;
    EXPECT_NE(message.find("'0.png' (8x8x3)"), std::string::npos) << message;
  }
}

TEST(DataLoader, BadOptionsAreConfigErrors) {
  auto dataset = std::make_shared<GeneratedDataset>(3, 8, 8);
  LoaderOptions options;
  options.batch_size = 0;
  EXPECT_THROW(DataLoader(dataset, nullptr, options), ConfigError);
  options.batch_size = 1;
  EXPECT_THROW(DataLoader(dataset, nullptr, options, {0, 3}), ConfigError);
  options.sample_weights = {1.0};
  EXPECT_THROW(DataLoader(dataset, nullptr, options), ConfigError);
}

TEST(DataLoader, LoadsRealPolypsIntoBatches) {
  SEGKIT_REQUIRE_SHARED(shared);
  auto section = config::parse_yaml(
      "format: mask_folder\nimage_dir: images\nmask_dir: masks\nclasses: [polyp]\n", "data.yaml");
  auto dataset = data::build_dataset(section.value, shared / "data/kvasir_seg_sample");
  auto pipeline = transforms::build_pipeline(
      config::parse_yaml("- Resize: {height: 64, width: 96}\n- Normalize\n", "aug.yaml").value);
  LoaderOptions options;
  options.batch_size = 5;
  DataLoader loader(std::move(dataset), pipeline, options);
  const auto batches = run_epoch(loader, 0);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].images.sizes(), (std::vector<int64_t>{5, 3, 64, 96}));
  EXPECT_EQ(batches[0].masks.sizes(), (std::vector<int64_t>{5, 1, 64, 96}));
  EXPECT_TRUE(torch::equal(batches[0].labels, torch::ones({5, 1})));
  // Normalize with ImageNet statistics centres the images near zero.
  EXPECT_LT(std::abs(batches[0].images.mean().item<float>()), 1.5f);
}

}  // namespace
}  // namespace segkit::loader
