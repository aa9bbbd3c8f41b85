#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "segkit/core/error.h"
#include "segkit/data/data.h"
#include "segkit/io/csv.h"
#include "segkit/io/image_io.h"
#include "tests/support/dicom_writer.h"
#include "tests/support/gif_writer.h"
#include "tests/support/test_support.h"

namespace segkit::data {
namespace {

int64_t foreground(const cv::Mat& mask) {
  std::vector<cv::Mat> planes;
  cv::split(mask, planes);
  int64_t total = 0;
  for (const auto& plane : planes) total += cv::countNonZero(plane);
  return total;
}

// Sum of the run lengths of a Kaggle RLE field.
int64_t run_pixels(const std::string& rle) {
  std::istringstream in(rle);
  int64_t start = 0, length = 0, total = 0;
  while (in >> start >> length) total += length;
  return total;
}

void write_blank_images(const std::filesystem::path& dir, const std::vector<std::string>& names, int height, int width) {
  std::filesystem::create_directories(dir);
  for (const auto& name : names) cv::imwrite((dir / name).string(), cv::Mat::zeros(height, width, CV_8UC3));
}

TEST(RleCsvDataset, KvasirRleEqualsTheThresholdedJpegMasks) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto root = shared / "data/kvasir_seg_sample";
  RleCsvDataset from_rle({root / "masks_rle.csv", root / "images", {"polyp"}});
  MaskFolderDataset from_masks({root / "images", root / "masks", "", {"polyp"}});
  ASSERT_EQ(from_rle.size(), 5u);
  ASSERT_EQ(from_masks.size(), 5u);
  for (size_t i = 0; i < from_rle.size(); ++i) {
    const Sample a = from_rle.get(i);
    size_t j = 0;
    while (from_masks.id(j) != a.id) ++j;
    const Sample b = from_masks.get(j);
    EXPECT_EQ(a.image.channels(), 3);
    EXPECT_EQ(a.mask.size(), a.image.size());
    EXPECT_GT(foreground(a.mask), 1000) << a.id;
    // The derived CSV thresholded PIL's luma at 128; OpenCV's greyscale decode gives the same mask.
    EXPECT_EQ(cv::countNonZero(a.mask != b.mask), 0) << a.id;
  }
}

TEST(RleCsvDataset, IsbiMembranesMatchInvertedLabels) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto root = shared / "data/isbi2012_em_membranes";
  RleCsvDataset from_rle({root / "membrane_rle.csv", root / "images", {"membrane"}});
  MaskFolderOptions options{root / "images", root / "labels", "", {"membrane"}};
  options.invert = true;  // the label PNG is white where there is no membrane
  MaskFolderDataset from_labels(options);
  ASSERT_EQ(from_rle.size(), 22u);
  const Sample a = from_rle.get(3);
  size_t j = 0;
  while (from_labels.id(j) != a.id) ++j;
  const Sample b = from_labels.get(j);
  EXPECT_EQ(a.image.channels(), 1);
  EXPECT_EQ(cv::countNonZero(a.mask != b.mask), 0);
  EXPECT_GT(foreground(a.mask), 10000);
}

TEST(RleCsvDataset, SeverstalCombinedIdLayoutWithFourClasses) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto csv = shared / "data/kaggle_rle_label_samples/severstal_steel_defect/test.head.csv";
  const auto table = io::read_csv(csv);
  std::vector<std::string> names;
  for (const auto& row : table.rows) {
    const std::string id = row.fields[0].substr(0, row.fields[0].rfind('_'));
    if (names.empty() || names.back() != id) names.push_back(id);
  }
  test::TempDir dir;
  write_blank_images(dir / "train_images", names, 256, 1600);
  RleCsvDataset dataset({csv, dir / "train_images", {"1", "2", "3", "4"}});
  ASSERT_EQ(dataset.size(), 41u);
  size_t non_empty = 0;
  for (size_t i = 0; i < dataset.size(); ++i) {
    for (bool present : dataset.classes_present(i)) non_empty += present;
  }
  EXPECT_EQ(non_empty, 12u);
  for (const auto& row : table.rows) {
    if (row.fields[1].empty()) continue;
    const std::string id = row.fields[0].substr(0, row.fields[0].rfind('_'));
    const int channel = std::stoi(row.fields[0].substr(row.fields[0].rfind('_') + 1)) - 1;
    size_t index = 0;
    while (dataset.id(index) != id) ++index;
    const Sample sample = dataset.get(index);
    ASSERT_EQ(sample.mask.channels(), 4);
    std::vector<cv::Mat> planes;
    cv::split(sample.mask, planes);
    EXPECT_EQ(cv::countNonZero(planes[channel]), run_pixels(row.fields[1])) << table.where(row);
    break;
  }
  // The same file with three classes: class 4 is unknown, and the error names the line.
  try {
    RleCsvDataset({csv, dir / "train_images", {"1", "2", "3"}});
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("test.head.csv:5: unknown class '4'"), std::string::npos) << e.what();
  }
}

TEST(RleCsvDataset, AirbusRowsOfOneImageAreUnited) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto csv = shared / "data/kaggle_rle_label_samples/airbus_ship_detection/train_ship_segmentations_v2.sample.csv";
  const auto table = io::read_csv(csv);
  std::map<std::string, int64_t> expected;
  for (const auto& row : table.rows) expected[row.fields[0]] += run_pixels(row.fields[1]);
  test::TempDir dir;
  std::vector<std::string> names;
  for (const auto& [name, pixels] : expected) names.push_back(name);
  write_blank_images(dir.path(), names, 768, 768);
  RleCsvDataset dataset({csv, dir.path(), {"ship"}});
  ASSERT_EQ(dataset.size(), 10u);
  for (size_t i = 0; i < dataset.size(); ++i) EXPECT_EQ(foreground(dataset.get(i).mask), expected[dataset.id(i)]);
}

TEST(RleCsvDataset, SiimRelativeRleWithImageExtension) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto csv = shared / "data/kaggle_rle_label_samples/siim_acr_pneumothorax/train-rle-sample.csv";
  const auto table = io::read_csv(csv);
  test::TempDir dir;
  std::vector<std::string> names;
  for (const auto& row : table.rows) names.push_back(row.fields[0] + ".png");
  write_blank_images(dir.path(), names, 1024, 1024);
  RleCsvOptions options{csv, dir.path(), {"pneumothorax"}};
  options.encoding = "siim";
  options.image_extension = ".png";
  RleCsvDataset dataset(options);
  ASSERT_EQ(dataset.size(), 10u);
  std::multiset<int64_t> sizes;
  for (size_t i = 0; i < dataset.size(); ++i) {
    const int64_t pixels = foreground(dataset.get(i).mask);
    if (pixels > 0) sizes.insert(pixels);
  }
  EXPECT_EQ(sizes, (std::multiset<int64_t>{9418, 29079, 2486, 5232, 2071}));
}

TEST(RleCsvDataset, MissingImagesFailOrAreSkippedAndCounted) {
  test::TempDir dir;
  test::write_text(dir / "train.csv", "ImageId,EncodedPixels\na.png,1 3\nb.png,\n");
  write_blank_images(dir / "images", {"a.png"}, 4, 5);
  try {
    RleCsvDataset({dir / "train.csv", dir / "images"});
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("train.csv:3: image 'b.png' not found"), std::string::npos) << e.what();
  }
  RleCsvOptions options{dir / "train.csv", dir / "images"};
  options.skip_missing_images = true;
  RleCsvDataset dataset(options);
  EXPECT_EQ(dataset.size(), 1u);
  EXPECT_EQ(dataset.skipped(), 1u);
  EXPECT_EQ(foreground(dataset.get(0).mask), 3);

  test::write_text(dir / "bad.csv", "ImageId,EncodedPixels\na.png,1 30\n");
  RleCsvDataset too_long({dir / "bad.csv", dir / "images"});
  try {
    too_long.get(0);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:2"), std::string::npos) << e.what();
  }
  test::write_text(dir / "ragged.csv", "ImageId,EncodedPixels\na.png,1 3,extra\n");
  EXPECT_THROW(RleCsvDataset({dir / "ragged.csv", dir / "images"}), DataError);
}

TEST(MaskFolderDataset, SuffixLayoutIndexMasksAndErrors) {
  test::TempDir dir;
  cv::Mat image(6, 8, CV_8UC3, cv::Scalar(10, 20, 30));
  cv::Mat index = cv::Mat::zeros(6, 8, CV_8U);
  index(cv::Rect(0, 0, 2, 2)) = 1;
  index(cv::Rect(4, 4, 3, 2)) = 2;
  io::write_image(dir / "a.jpg", image);
  io::write_image(dir / "a_mask.png", index);
  MaskFolderOptions options{dir.path(), "", "_mask", {"cat", "dog"}, "index"};
  options.class_values = {1, 2};
  MaskFolderDataset dataset(options);
  ASSERT_EQ(dataset.size(), 1u);
  const Sample sample = dataset.get(0);
  EXPECT_EQ(sample.id, "a.jpg");
  std::vector<cv::Mat> planes;
  cv::split(sample.mask, planes);
  EXPECT_EQ(cv::countNonZero(planes[0]), 4);
  EXPECT_EQ(cv::countNonZero(planes[1]), 6);

  io::write_image(dir / "a_mask.png", cv::Mat::zeros(5, 8, CV_8U));
  EXPECT_THROW(dataset.get(0), DataError);
  io::write_image(dir / "b.png", image);
  EXPECT_THROW(MaskFolderDataset{options}, DataError);  // b has no mask
  test::write_text(dir / "b_mask.png", "not a png");
  MaskFolderDataset corrupt(options);
  EXPECT_THROW(corrupt.get(1), DataError);
}

// DRIVE ships its vessel masks as GIF beside TIFF images; other sets store class indices in 16 bits.
TEST(MaskFolderDataset, GifMasksAndSixteenBitIndexMasks) {
  test::TempDir dir;
  cv::Mat image(6, 8, CV_8UC3, cv::Scalar(10, 20, 30));
  for (const char* sub : {"images", "masks", "wide"}) std::filesystem::create_directories(dir / sub);
  io::write_image(dir / "images/21_training.tif", image);
  cv::Mat vessels = cv::Mat::zeros(6, 8, CV_8U);
  vessels(cv::Rect(1, 1, 3, 2)) = 1;
  test::write_gif(dir / "masks/21_training.gif", {vessels}, {{0, 0, 0}, {255, 255, 255}});
  MaskFolderDataset drive({dir / "images", dir / "masks", "", {"vessel"}});
  ASSERT_EQ(drive.size(), 1u);
  EXPECT_EQ(cv::countNonZero(drive.get(0).mask), 6);

  cv::Mat index = cv::Mat::zeros(6, 8, CV_16U);
  index(cv::Rect(0, 0, 2, 2)) = 300;
  index(cv::Rect(4, 4, 3, 2)) = 2;
  io::write_image(dir / "wide/a.png", image);
  ASSERT_TRUE(cv::imwrite((dir / "wide/a_mask.png").string(), index));
  MaskFolderOptions options{dir / "wide", "", "_mask", {"road", "car"}, "index"};
  options.class_values = {300, 2};
  std::vector<cv::Mat> planes;
  cv::split(MaskFolderDataset(options).get(0).mask, planes);
  EXPECT_EQ(cv::countNonZero(planes[0]), 4);
  EXPECT_EQ(cv::countNonZero(planes[1]), 6);
}

TEST(LabelMeDataset, VocPersonPolygonsFillTheirArea) {
  SEGKIT_REQUIRE_SHARED(shared);
  LabelMeDataset dataset({shared / "data/voc2007_person_labelme/train", {"person"}});
  ASSERT_EQ(dataset.size(), 32u);
  for (size_t i = 0; i < dataset.size(); i += 8) {
    const Sample sample = dataset.get(i);
    EXPECT_EQ(sample.image.channels(), 3);
    EXPECT_EQ(sample.mask.size(), sample.image.size());
    const double share = double(foreground(sample.mask)) / sample.mask.total();
    EXPECT_GT(share, 0.01) << sample.id;
    EXPECT_LT(share, 0.95) << sample.id;
  }
  try {
    LabelMeDataset({shared / "data/voc2007_person_labelme/train", {"persn"}}).get(0);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean"), std::string::npos) << e.what();
  }
  LabelMeOptions ignoring{shared / "data/voc2007_person_labelme/train", {"car"}};
  ignoring.ignore_labels = {"person"};
  EXPECT_EQ(foreground(LabelMeDataset(ignoring).get(0).mask), 0);
}

TEST(LabelMeDataset, Base64AndShapes) {
  EXPECT_EQ(decode_base64("aGVsbG8gd29ybGQ="), "hello world");
  EXPECT_THROW(decode_base64("aGVs*G8"), DataError);
  test::TempDir dir;
  cv::Mat image = cv::Mat::zeros(10, 12, CV_8UC3);
  io::write_image(dir / "x.png", image);
  test::write_text(dir / "x.json", R"({"imagePath": "x.png", "shapes": [
    {"label": "box", "shape_type": "rectangle", "points": [[1, 2], [4, 5]]}]})");
  const Sample sample = LabelMeDataset({dir.path(), {"box"}}).get(0);
  EXPECT_EQ(foreground(sample.mask), 16);  // 4x4, outline included
  EXPECT_EQ(sample.id, "x.png");
}

// SIIM-ACR's layout: DICOMs named by UID (dots included), a relative-RLE CSV naming them without extension.
TEST(RleCsvDataset, SiimDicomImagesThroughImageExtension) {
  test::TempDir dir;
  const std::string uid = "1.2.276.0.7230010.3.1.4.8323329.1000.1517875165.878027";
  test::DicomSpec spec;
  spec.rows = 4;
  spec.cols = 4;
  spec.type = gdcm::PixelFormat::UINT8;
  std::vector<uint8_t> stored(16);
  for (size_t i = 0; i < stored.size(); ++i) stored[i] = static_cast<uint8_t>(i * 10);  // 0..150
  std::filesystem::create_directories(dir / "dicom");
  test::write_dicom(dir / "dicom" / (uid + ".dcm"), spec, stored);
  test::write_text(dir / "train-rle.csv", "ImageId, EncodedPixels\n" + uid + ", 5 3\n");

  auto dataset = build_dataset({{"format", "rle_csv"}, {"csv", "train-rle.csv"}, {"image_dir", "dicom"},
                                {"classes", {"pneumothorax"}}, {"encoding", "siim"}, {"image_extension", ".dcm"}},
                               dir.path());
  ASSERT_EQ(dataset->size(), 1u);
  const Sample sample = dataset->get(0);
  EXPECT_EQ(sample.id, uid);
  ASSERT_EQ(sample.image.type(), CV_8UC1);  // grey stays grey, as SIIM's PNG conversions do
  // No window tags: 0..150 stretched to 0..255, i.e. 17 per step.
  for (int i = 0; i < 16; ++i) EXPECT_EQ(sample.image.at<uint8_t>(i / 4, i % 4), 17 * i) << i;
  // "5 3" column-major on 4 rows: pixels 5, 6, 7 are column 1, rows 1 to 3.
  EXPECT_EQ(foreground(sample.mask), 3);
  for (int y = 1; y < 4; ++y) EXPECT_EQ(sample.mask.at<uint8_t>(y, 1), 1) << y;

  ImageFolderDataset folder(dir / "dicom");
  ASSERT_EQ(folder.size(), 1u);
  EXPECT_EQ(folder.get(0).image.type(), CV_8UC1);
}

TEST(ImageFolderDataset, ListsImagesWithoutMasks) {
  test::TempDir dir;
  write_blank_images(dir.path(), {"b.png", "a.jpg"}, 3, 4);
  test::write_text(dir / "notes.txt", "ignored");
  ImageFolderDataset dataset(dir.path());
  ASSERT_EQ(dataset.size(), 2u);
  EXPECT_EQ(dataset.id(0), "a.jpg");
  EXPECT_FALSE(dataset.get(1).has_mask());
  EXPECT_THROW(ImageFolderDataset(dir / "absent"), IoError);
  test::write_text(dir / "c.png", "");
  EXPECT_THROW(ImageFolderDataset(dir.path()).get(2), DataError);
}

}  // namespace
}  // namespace segkit::data

namespace segkit::data {
namespace {

TEST(DatasetFactory, BuildsEachFormatFromConfigAndNamesBadKeys) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto base = shared / "data";
  auto rle = build_dataset({{"format", "rle_csv"}, {"csv", "isbi2012_em_membranes/membrane_rle.csv"},
                            {"image_dir", "isbi2012_em_membranes/images"}, {"classes", {"membrane"}}},
                           base);
  EXPECT_EQ(rle->size(), 22u);
  auto folder = build_dataset({{"format", "mask_folder"}, {"image_dir", "kvasir_seg_sample/images"},
                               {"mask_dir", "kvasir_seg_sample/masks"}, {"classes", {"polyp"}}},
                              base);
  EXPECT_EQ(folder->size(), 5u);
  auto labelme = build_dataset({{"format", "labelme"}, {"dir", "voc2007_person_labelme/val"}, {"classes", {"person"}}},
                               base);
  EXPECT_EQ(labelme->size(), 8u);
  auto plain = build_dataset({{"format", "image_folder"}, {"image_dir", "kvasir_seg_sample/images"}}, base);
  EXPECT_EQ(plain->class_names().size(), 0u);
  try {
    build_dataset({{"format", "mask_folder"}, {"image_dir", "x"}, {"mask_sufix", "_m"}});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'mask_suffix'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(build_dataset({{"format", "rle-csv"}}), ConfigError);
  EXPECT_THROW(build_dataset({{"format", "rle_csv"}, {"image_dir", "x"}}), ConfigError);  // csv missing
}

}  // namespace
}  // namespace segkit::data
