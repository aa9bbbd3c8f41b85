#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/io/csv.h"
#include "segkit/submit/submission_writer.h"
#include "tests/submit/submit_test_util.h"
#include "tests/support/test_support.h"

namespace segkit::submit {
namespace {

using data::SynthKind;

struct Written {
  data::SynthSummary summary;
  PredictionIndex index;
  SubmissionSummary rows;
};

Written write_from_synth(SynthKind kind, SubmissionFormat format, const test::TempDir& dir,
                         const std::filesystem::path& sample = {}, int count = 6) {
  Written w;
  w.summary = testing::synth(kind, dir / "data", count);
  w.index = testing::index_of(w.summary);
  SubmissionOptions options;
  options.format = format;
  options.sample_submission = sample;
  w.rows = write_submission(dir / "submission.csv", w.index,
                            [&](size_t i) { return w.summary.samples[i].mask; }, options);
  return w;
}

void expect_decodes_to_masks(const Written& w, const std::filesystem::path& csv, SubmissionFormat format) {
  const SubmissionFile file = read_submission(csv, format, w.index.classes);
  for (const auto& sample : w.summary.samples) {
    const cv::Mat decoded = file.decode(submission_image_key(format, sample.id), sample.mask.rows, sample.mask.cols);
    EXPECT_TRUE(testing::same_mask(decoded, sample.mask)) << csv << " " << sample.id;
  }
}

TEST(SubmitWriter, SeverstalRoundTripsSynthSteel) {
  test::TempDir dir;
  const Written w = write_from_synth(SynthKind::kSteel, SubmissionFormat::kSeverstal, dir);
  expect_decodes_to_masks(w, dir / "submission.csv", SubmissionFormat::kSeverstal);
  EXPECT_EQ(w.rows.rows, w.summary.samples.size() * 4);
  const std::string text = read_file(dir / "submission.csv");
  EXPECT_EQ(text.rfind("ImageId_ClassId,EncodedPixels\n" + w.summary.samples[0].id + "_1,", 0), 0u) << text;
  // The synthesizer's own CSV (the re-release layout) decodes to the same masks.
  expect_decodes_to_masks(w, dir / "data/train.csv", SubmissionFormat::kGeneric);
}

TEST(SubmitWriter, GenericReproducesSynthSteelCsv) {
  test::TempDir dir;
  const Written w = write_from_synth(SynthKind::kSteel, SubmissionFormat::kGeneric, dir);
  expect_decodes_to_masks(w, dir / "submission.csv", SubmissionFormat::kGeneric);
  EXPECT_EQ(read_file(dir / "submission.csv"), read_file(dir / "data/train.csv"));
  EXPECT_EQ(w.rows.rows, w.rows.non_empty_rows);
}

TEST(SubmitWriter, CloudsReproducesSynthCloudsCsv) {
  test::TempDir dir;
  const Written w = write_from_synth(SynthKind::kClouds, SubmissionFormat::kClouds, dir);
  expect_decodes_to_masks(w, dir / "submission.csv", SubmissionFormat::kClouds);
  EXPECT_EQ(read_file(dir / "submission.csv"), read_file(dir / "data/train.csv"));
}

TEST(SubmitWriter, SiimRoundTripsSynthPneumo) {
  test::TempDir dir;
  const Written w = write_from_synth(SynthKind::kPneumo, SubmissionFormat::kSiim, dir);
  expect_decodes_to_masks(w, dir / "submission.csv", SubmissionFormat::kSiim);
  // SIIM's train-rle.csv lists one row per region; it unites to the same masks.
  expect_decodes_to_masks(w, dir / "data/train-rle.csv", SubmissionFormat::kSiim);
  const std::string text = read_file(dir / "submission.csv");
  EXPECT_EQ(text.rfind("ImageId,EncodedPixels\n", 0), 0u);
  if (w.summary.empty_images > 0) {
    EXPECT_NE(text.find(",-1\n"), std::string::npos) << text;
  }
  EXPECT_THROW(write_from_synth(SynthKind::kSteel, SubmissionFormat::kSiim, dir), ConfigError);
}

// SIIM pipelines post-processed at 256x256 and submitted 1024x1024: the masks are resized (nearest)
// before encoding, and the self-check decodes at the new size.
TEST(SubmitWriter, ResizesPredictionDirMasksToTheSubmissionSize) {
  test::TempDir dir;
  const auto summary = testing::synth(SynthKind::kPneumo, dir / "data", 4);
  PredictionIndex index{summary.classes, {}};
  for (const auto& sample : summary.samples) {
    index.images.push_back(write_prediction_masks(dir / "pred", sample.id, sample.mask, summary.classes));
  }
  write_prediction_index(dir / "pred", index);
  SubmissionOptions options;
  options.format = SubmissionFormat::kSiim;
  options.size = cv::Size(2 * summary.samples[0].mask.cols, 2 * summary.samples[0].mask.rows);
  write_submission_from_dir(dir / "pred", dir / "big.csv", options);
  const SubmissionFile file = read_submission(dir / "big.csv", SubmissionFormat::kSiim, summary.classes);
  for (const auto& sample : summary.samples) {
    cv::Mat expected;
    cv::resize(sample.mask, expected, options.size, 0, 0, cv::INTER_NEAREST);
    const cv::Mat decoded = file.decode(submission_image_key(SubmissionFormat::kSiim, sample.id), options.size.height,
                                        options.size.width);
    EXPECT_TRUE(testing::same_mask(decoded, expected)) << sample.id;
  }
}

TEST(SubmitWriter, FollowsTheSampleSubmissionOrder) {
  test::TempDir dir;
  const auto summary = testing::synth(SynthKind::kClouds, dir / "data", 3);
  std::string sample = "Image_Label,EncodedPixels\n";
  for (auto it = summary.samples.rbegin(); it != summary.samples.rend(); ++it)
    for (const auto& name : {"Sugar", "Fish", "Flower", "Gravel"}) sample += it->id + "_" + name + ",1 1\n";
  const auto sample_path = test::write_text(dir / "sample_submission.csv", sample);
  const Written w = write_from_synth(SynthKind::kClouds, SubmissionFormat::kClouds, dir, sample_path, 3);
  const io::CsvTable table = io::read_csv(dir / "submission.csv");
  ASSERT_EQ(table.rows.size(), 12u);
  EXPECT_EQ(table.rows[0].fields[0], summary.samples[2].id + "_Sugar");
  EXPECT_EQ(table.rows[11].fields[0], summary.samples[0].id + "_Gravel");
  expect_decodes_to_masks(w, dir / "submission.csv", SubmissionFormat::kClouds);
}

TEST(SubmitWriter, SampleIdsMustAllBePredictedAndNoOthers) {
  test::TempDir dir;
  const auto summary = testing::synth(SynthKind::kSteel, dir / "data", 2);
  const auto index = testing::index_of(summary);
  const auto masks = [&](size_t i) { return summary.samples[i].mask; };
  SubmissionOptions options;
  options.sample_submission = test::write_text(
      dir / "sample.csv", "ImageId_ClassId,EncodedPixels\n" + summary.samples[0].id + "_1,1 1\nmissing.jpg_1,1 1\n");
  try {
    write_submission(dir / "out.csv", index, masks, options);
    FAIL() << "a sample id without prediction must fail";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.jpg"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("sample.csv:3"), std::string::npos) << e.what();
  }
  options.sample_submission =
      test::write_text(dir / "sample.csv", "ImageId_ClassId,EncodedPixels\n" + summary.samples[0].id + "_1,1 1\n");
  try {
    write_submission(dir / "out.csv", index, masks, options);
    FAIL() << "a prediction the sample does not list must fail";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(summary.samples[1].id), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "out.csv"));
}

TEST(SubmitWriter, SelfCheckCatchesACorruptedFile) {
  test::TempDir dir;
  const Written w = write_from_synth(SynthKind::kClouds, SubmissionFormat::kClouds, dir);
  SubmissionCheck check;
  for (const auto& sample : w.summary.samples) check.masks.push_back(mask_fingerprints(sample.mask));
  check.rows = w.rows.rows;
  const auto csv = dir / "submission.csv";
  EXPECT_NO_THROW(verify_submission(csv, SubmissionFormat::kClouds, w.index, check));

  std::string text = read_file(csv);
  size_t field = text.find(',', text.find('\n'));
  while (field != std::string::npos && text[field + 1] == '\n') field = text.find(',', field + 1);
  ASSERT_NE(field, std::string::npos) << "no non-empty row";
  const size_t end = text.find('\n', field);
  text.replace(field + 1, end - field - 1, "1 1");  // still valid RLE, another mask
  write_file_atomic(csv, text);
  try {
    verify_submission(csv, SubmissionFormat::kClouds, w.index, check);
    FAIL() << "the corrupted row must be caught";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("self-check failed"), std::string::npos) << e.what();
  }
  check.rows += 1;
  EXPECT_THROW(verify_submission(dir / "data/train.csv", SubmissionFormat::kClouds, w.index, check), Error);
}

// The real Severstal label excerpt (header, 4 rows per image, bare comma when empty) is exactly
// what the severstal writer produces from its decoded masks.
TEST(SubmitWriter, SeverstalReproducesTheRealKaggleFile) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto real = shared / "data/kaggle_rle_label_samples/severstal_steel_defect/test.head.csv";
  if (!std::filesystem::exists(real)) GTEST_SKIP() << real << " not found";
  const std::vector<std::string> classes{"1", "2", "3", "4"};
  const SubmissionFile file = read_submission(real, SubmissionFormat::kSeverstal, classes);
  PredictionIndex index{classes, {}};
  for (const auto& key : file.image_keys) index.images.push_back({key, image_stem(key), 256, 1600});
  test::TempDir dir;
  SubmissionOptions options;
  write_submission(dir / "out.csv", index, [&](size_t i) { return file.decode(index.images[i].id, 256, 1600); },
                   options);
  EXPECT_EQ(read_file(dir / "out.csv"), read_file(real));
}

TEST(SubmitWriter, FormatNamesSuggestTheClosest) {
  EXPECT_EQ(parse_submission_format("siim"), SubmissionFormat::kSiim);
  try {
    parse_submission_format("severstall");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'severstal'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segkit::submit
