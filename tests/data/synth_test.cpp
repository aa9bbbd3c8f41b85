#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include <cmath>
#include <map>

#include "segkit/config/yaml_loader.h"
#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/data/synth.h"
#include "segkit/io/csv.h"
#include "tests/support/test_support.h"

namespace segkit::data {
namespace {

struct Case {
  SynthKind kind;
  int count, height, width, channels;
  double empty_fraction;
};

std::string case_name(const testing::TestParamInfo<Case>& info) { return to_string(info.param.kind); }

SynthSummary make(const Case& c, const std::filesystem::path& dir, uint64_t seed = 7) {
  SynthOptions options;
  options.kind = c.kind;
  options.count = c.count;
  options.height = c.height;
  options.width = c.width;
  options.seed = seed;
  options.empty_fraction = c.empty_fraction;
  options.keep_samples = true;
  return synthesize(options, dir);
}

DatasetPtr load(const std::filesystem::path& dir) {
  const auto doc = config::load_yaml_file(dir / "data.yaml");
  return build_dataset(doc.value.at("data"), dir);
}

bool equal(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size() || a.type() != b.type()) return false;
  const cv::Mat differ = a != b;
  return cv::countNonZero(differ.reshape(1)) == 0;
}

// Relative path -> bytes of every file under `dir`.
std::map<std::string, std::string> files(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) out[entry.path().lexically_relative(dir).string()] = read_file(entry.path());
  }
  return out;
}

class Synth : public testing::TestWithParam<Case> {};

TEST_P(Synth, DatasetYamlLoadsTheMasksTheGeneratorDrew) {
  const Case c = GetParam();
  test::TempDir dir;
  const SynthSummary summary = make(c, dir.path());
  EXPECT_EQ(summary.config, dir / "data.yaml");
  ASSERT_EQ(summary.samples.size(), static_cast<size_t>(c.count));
  const auto dataset = load(dir.path());
  ASSERT_EQ(dataset->size(), static_cast<size_t>(c.count));
  EXPECT_EQ(dataset->class_names(), summary.classes);
  std::map<std::string, const Sample*> drawn;
  for (const auto& sample : summary.samples) drawn[sample.id] = &sample;
  size_t empty = 0;
  std::vector<size_t> positives(summary.classes.size(), 0);
  for (size_t i = 0; i < dataset->size(); ++i) {
    const Sample loaded = dataset->get(i);
    ASSERT_EQ(drawn.count(loaded.id), 1u) << loaded.id;
    const Sample& expected = *drawn[loaded.id];
    EXPECT_EQ(loaded.image.rows, c.height);
    EXPECT_EQ(loaded.image.cols, c.width);
    EXPECT_EQ(loaded.image.channels(), c.channels);
    ASSERT_EQ(loaded.mask.channels(), static_cast<int>(summary.classes.size()));
    EXPECT_TRUE(equal(loaded.mask, expected.mask)) << loaded.id;
    if (c.kind == SynthKind::kPneumo) {
      EXPECT_TRUE(equal(loaded.image, expected.image)) << "PNG is lossless: " << loaded.id;
    } else {
      EXPECT_LT(cv::norm(loaded.image, expected.image, cv::NORM_L1) / loaded.image.total() / c.channels, 4.0);
    }
    std::vector<cv::Mat> planes;
    cv::split(loaded.mask, planes);
    bool any = false;
    for (size_t k = 0; k < planes.size(); ++k) {
      const bool present = cv::countNonZero(planes[k]) > 0;
      positives[k] += present;
      any |= present;
      EXPECT_EQ(static_cast<bool>(dataset->classes_present(i)[k]), present);
    }
    empty += !any;
  }
  EXPECT_EQ(empty, static_cast<size_t>(std::lround(c.count * c.empty_fraction)));
  EXPECT_EQ(summary.empty_images, empty);
  EXPECT_EQ(summary.positives, positives);
  for (size_t k = 0; k < positives.size(); ++k) EXPECT_GT(positives[k], 0u) << summary.classes[k];
}

// A model can only learn what it can see: every class differs from the unlabelled pixels by a
// clear margin of grey level, after JPEG.
TEST_P(Synth, LabelledPixelsStandOutFromTheBackground) {
  const Case c = GetParam();
  test::TempDir dir;
  const SynthSummary summary = make(c, dir.path());
  const auto dataset = load(dir.path());
  std::vector<double> sum(summary.classes.size(), 0.0), count(summary.classes.size(), 0.0);
  double background = 0.0, background_count = 0.0;
  for (size_t i = 0; i < dataset->size(); ++i) {
    const Sample s = dataset->get(i);
    cv::Mat grey;
    cv::Mat(s.image.reshape(1, s.image.rows * s.image.cols)).convertTo(grey, CV_64F);
    cv::reduce(grey, grey, 1, cv::REDUCE_AVG);
    const cv::Mat labels = s.mask.reshape(1, s.image.rows * s.image.cols);
    for (int p = 0; p < grey.rows; ++p) {
      bool any = false;
      for (int k = 0; k < labels.cols; ++k) {
        if (!labels.at<uint8_t>(p, k)) continue;
        any = true;
        sum[k] += grey.at<double>(p);
        count[k] += 1;
      }
      if (!any) {
        background += grey.at<double>(p);
        background_count += 1;
      }
    }
  }
  for (size_t k = 0; k < sum.size(); ++k) {
    EXPECT_GT(std::abs(sum[k] / count[k] - background / background_count), 20.0) << summary.classes[k];
  }
}

TEST_P(Synth, SameSeedSameBytesOtherSeedOtherFiles) {
  const Case c = GetParam();
  test::TempDir a, b, other;
  make(c, a.path(), 3);
  make(c, b.path(), 3);
  make(c, other.path(), 4);
  const auto first = files(a.path());
  EXPECT_EQ(first.size(), static_cast<size_t>(c.count) + 2) << "images, the CSV and data.yaml";
  EXPECT_TRUE(first == files(b.path()));
  const auto third = files(other.path());
  for (const auto& [name, bytes] : third) {
    if (name == "data.yaml") continue;
    if (ends_with(name, ".csv")) {
      EXPECT_NE(bytes, first.at(name));
    } else {
      EXPECT_EQ(first.count(name), 0u) << name << ": another seed draws other ids";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, Synth,
                         testing::Values(Case{SynthKind::kSteel, 12, 64, 256, 3, 0.25},
                                         Case{SynthKind::kClouds, 10, 70, 105, 3, 0.2},
                                         Case{SynthKind::kPneumo, 12, 128, 128, 1, 0.5}),
                         case_name);

TEST(SynthSteel, ClassesOverlapAndOnlyDefectsAreListed) {
  test::TempDir dir;
  const auto summary = make({SynthKind::kSteel, 12, 64, 256, 3, 0.25}, dir.path());
  int overlapping = 0;
  for (const auto& sample : summary.samples) {
    std::vector<cv::Mat> planes;
    cv::split(sample.mask, planes);
    cv::Mat layers = cv::Mat::zeros(sample.mask.size(), CV_8U);
    for (const auto& plane : planes) layers += plane;
    overlapping += cv::countNonZero(layers > 1) > 0;
  }
  EXPECT_GT(overlapping, 0);
  const auto table = io::read_csv(dir / "train.csv");
  EXPECT_EQ(table.header, (std::vector<std::string>{"ImageId", "ClassId", "EncodedPixels"}));
  size_t listed = 0;
  for (const auto& p : summary.positives) listed += p;
  EXPECT_EQ(table.rows.size(), listed);
  for (const auto& row : table.rows) EXPECT_FALSE(row.fields[2].empty());
}

TEST(SynthClouds, EveryImageHasFourRows) {
  test::TempDir dir;
  make({SynthKind::kClouds, 5, 70, 105, 3, 0.2}, dir.path());
  const auto table = io::read_csv(dir / "train.csv");
  EXPECT_EQ(table.header, (std::vector<std::string>{"Image_Label", "EncodedPixels"}));
  ASSERT_EQ(table.rows.size(), 20u);
  EXPECT_TRUE(ends_with(table.rows[0].fields[0], ".jpg_Fish"));
  EXPECT_TRUE(ends_with(table.rows[3].fields[0], ".jpg_Sugar"));
}

TEST(SynthPneumo, SiimRowsWithLeadingSpaceMinusOneAndSeveralRegions) {
  test::TempDir dir;
  make({SynthKind::kPneumo, 24, 96, 96, 1, 0.5}, dir.path());
  const std::string text = read_file(dir / "train-rle.csv");
  EXPECT_EQ(text.rfind("ImageId, EncodedPixels\n", 0), 0u);
  const auto table = io::read_csv(dir / "train-rle.csv");
  std::map<std::string, int> rows;
  int empty = 0;
  for (const auto& row : table.rows) {
    EXPECT_EQ(row.fields[1][0], ' ');
    EXPECT_EQ(row.fields[0].rfind("1.2.276.0.7230010.3.1.4.8323329.", 0), 0u);
    empty += row.fields[1] == " -1";
    ++rows[row.fields[0]];
  }
  EXPECT_EQ(empty, 12);
  EXPECT_EQ(rows.size(), 24u);
  EXPECT_GT(table.rows.size(), rows.size()) << "some image has more than one region";
}

TEST(SynthOptions, BadOptionsAreConfigErrors) {
  test::TempDir dir;
  try {
    parse_synth_kind("stel");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'steel'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(parse_synth_kind("pneumo"), SynthKind::kPneumo);
  SynthOptions options;
  options.count = 0;
  EXPECT_THROW(synthesize(options, dir.path()), ConfigError);
  options.count = 2;
  options.empty_fraction = 1.5;
  EXPECT_THROW(synthesize(options, dir.path()), ConfigError);
  options.empty_fraction = 0.5;
  options.height = 8;
  EXPECT_THROW(synthesize(options, dir.path()), ConfigError);
}

}  // namespace
}  // namespace segkit::data
