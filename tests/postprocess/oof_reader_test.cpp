// Out-of-fold files as training writes them, hand-made with io's torch-free safetensors writer.

#include <gtest/gtest.h>

#include "segkit/core/error.h"
#include "segkit/io/safetensors.h"
#include "segkit/postprocess/oof_reader.h"
#include "tests/support/test_support.h"

namespace segkit::postprocess {
namespace {

namespace fs = std::filesystem;

// Two classes of 2 x 3; class c of image `seed` has probability bytes seed*10 + c*100 + pixel.
struct OofWriter {
  std::vector<std::vector<uint8_t>> buffers;
  std::vector<std::vector<float>> labels;
  std::vector<io::TensorRef> tensors;

  void add(const std::string& id, int seed, bool with_labels = false) {
    buffers.emplace_back(12);
    for (int i = 0; i < 12; ++i) buffers.back()[i] = uint8_t(seed * 10 + (i / 6) * 100 + i % 6);
    tensors.push_back({"probabilities/" + id, io::DType::kU8, {2, 2, 3}, buffers.back().data()});
    buffers.emplace_back(12, 0);
    buffers.back()[7] = 1;
    tensors.push_back({"masks/" + id, io::DType::kU8, {2, 2, 3}, buffers.back().data()});
    if (with_labels) {
      labels.push_back({0.25f, 0.75f});
      tensors.push_back({"labels/" + id, io::DType::kF32, {2}, labels.back().data()});
    }
  }
  void write(const fs::path& path, const std::string& format = "segkit-oof-v1") {
    fs::create_directories(path.parent_path());
    io::write_safetensors(path, tensors, {{"format", format}});
  }
};

TEST(OofReader, ReadsPlanesMasksAndLabels) {
  test::TempDir dir;
  OofWriter writer;
  writer.buffers.reserve(8), writer.labels.reserve(4);
  writer.add("img_a", 1, true);
  writer.write(dir / "oof.safetensors");
  const auto oof = read_oof(dir / "oof.safetensors");
  ASSERT_EQ(oof.images.size(), 1u);
  EXPECT_EQ(oof.num_classes, 2);
  const auto& image = oof.images[0];
  EXPECT_EQ(image.id, "img_a");
  EXPECT_EQ(image.probabilities[1].size(), cv::Size(3, 2));
  EXPECT_EQ(image.probabilities[0].at<uint8_t>(1, 2), 15);
  EXPECT_EQ(image.probabilities[1].at<uint8_t>(0, 1), 111);
  EXPECT_EQ(image.masks[1].at<uint8_t>(0, 1), 1);
  EXPECT_EQ(cv::countNonZero(image.masks[0]), 0);
  EXPECT_EQ(image.labels, (std::vector<float>{0.25f, 0.75f}));
  EXPECT_TRUE(oof.has_labels());
}

TEST(OofReader, FindsAllFoldsOfARunDir) {
  test::TempDir dir;
  for (int fold = 0; fold < 2; ++fold) {
    OofWriter writer;
    writer.buffers.reserve(8);
    writer.add("f" + std::to_string(fold) + "_a", fold);
    writer.add("f" + std::to_string(fold) + "_b", fold + 2);
    writer.write(dir / ("fold" + std::to_string(fold)) / "oof.safetensors");
  }
  fs::create_directories(dir / "fold2");  // a fold still training has no file yet
  const auto files = find_oof_files(dir.path());
  ASSERT_EQ(files.size(), 2u);
  const auto oof = read_oof(files);
  EXPECT_EQ(oof.images.size(), 4u);
  EXPECT_FALSE(oof.has_labels());
  // The same image in two folds is an error naming both files.
  try {
    read_oof({files[0], files[0]});
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("also in"), std::string::npos) << e.what();
  }
}

TEST(OofReader, ErrorsNameFileAndTensor) {
  test::TempDir dir;
  EXPECT_THROW(find_oof_files(dir / "missing"), DataError);
  EXPECT_THROW(find_oof_files(dir.path()), DataError);
  OofWriter wrong_format;
  wrong_format.buffers.reserve(8);
  wrong_format.add("a", 0);
  wrong_format.write(dir / "pt.safetensors", "pt");
  EXPECT_THROW(read_oof(dir / "pt.safetensors"), DataError);

  std::vector<float> floats(12, 0.5f);
  std::vector<uint8_t> mask(12, 0);
  io::write_safetensors(dir / "f32.safetensors",
                        {{"probabilities/x", io::DType::kF32, {2, 2, 3}, floats.data()},
                         {"masks/x", io::DType::kU8, {2, 2, 3}, mask.data()}},
                        {{"format", "segkit-oof-v1"}});
  try {
    read_oof(dir / "f32.safetensors");
    FAIL();
  } catch (const DataError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("f32.safetensors"), std::string::npos) << message;
    EXPECT_NE(message.find("probabilities/x"), std::string::npos) << message;
  }
  std::vector<uint8_t> bytes(12, 3);
  io::write_safetensors(dir / "nomask.safetensors", {{"probabilities/y", io::DType::kU8, {2, 2, 3}, bytes.data()}},
                        {{"format", "segkit-oof-v1"}});
  EXPECT_THROW(read_oof(dir / "nomask.safetensors"), DataError);
  io::write_safetensors(dir / "badmask.safetensors",
                        {{"probabilities/z", io::DType::kU8, {2, 2, 3}, bytes.data()},
                         {"masks/z", io::DType::kU8, {2, 2, 3}, bytes.data()}},
                        {{"format", "segkit-oof-v1"}});
  EXPECT_THROW(read_oof(dir / "badmask.safetensors"), DataError);
}

}  // namespace
}  // namespace segkit::postprocess
