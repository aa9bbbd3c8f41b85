// The bad-input catalogue (tests/bad_inputs/ and the cases generated below): every entry makes a
// segkit command exit non-zero with a message naming the culprit, and leaves no output behind.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <opencv2/core.hpp>

#include "segkit/core/atomic_file.h"
#include "segkit/io/image_io.h"
#include "segkit/models/hub_format.h"
#include "segkit/models/model_registry.h"
#include "tests/support/test_support.h"

namespace segkit {
namespace {

namespace fs = std::filesystem;
using test::run_segkit;

fs::path catalogue(const std::string& name) { return test::source_dir() / "tests/bad_inputs" / name; }

struct Refusal {
  int exit_code;
  std::string message;
};

// `segkit prepare` over a config: it decodes every image and mask, so every data error surfaces,
// and a refused run must leave no prepared.json.
Refusal prepare(const test::TempDir& dir, const std::string& data_section) {
  const auto config = test::write_text(dir / "run.yaml", "data: " + data_section + "\n");
  auto result = run_segkit("prepare '" + config.string() + "' -o '" + (dir / "out").string() + "'");
  EXPECT_FALSE(fs::exists(dir / "out/prepared.json")) << data_section;
  return {result.exit_code, result.err};
}

void write_image(const fs::path& path, int rows, int cols) {
  fs::create_directories(path.parent_path());
  io::write_image(path, cv::Mat(rows, cols, CV_8UC3, cv::Scalar::all(100)));
}

void expect_refused(const Refusal& refusal, const std::string& culprit, const std::string& reason) {
  EXPECT_NE(refusal.exit_code, 0) << refusal.message;
  EXPECT_NE(refusal.message.find(culprit), std::string::npos) << "the message should name " << culprit << ":\n"
                                                                << refusal.message;
  EXPECT_NE(refusal.message.find(reason), std::string::npos) << "the message should say " << reason << ":\n"
                                                               << refusal.message;
}

TEST(BadInputs, CsvRowsAndRleOfEveryKindNameTheFileAndLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"traversal.csv", "'..' leaving the dataset folder are refused"},
      {"absolute.csv", "absolute paths"},
      {"rle_odd.csv", "an odd count"},
      {"rle_text.csv", "is not a non-negative integer"},
      {"rle_past_end.csv", "ends past the last pixel"},
      {"rle_unsorted.csv", "runs must be sorted"},
      {"missing_image.csv", "not found"},
  };
  for (const auto& [file, reason] : cases) {
    test::TempDir dir;
    write_image(dir / "images/a.png", 8, 8);
    const auto csv = catalogue(file).string();
    expect_refused(prepare(dir, "{format: rle_csv, csv: '" + csv + "', image_dir: images, classes: ['1']}"),
                   csv + ":2", reason);
  }
  test::TempDir dir;
  write_image(dir / "images/a.png", 8, 8);
  expect_refused(prepare(dir, "{format: rle_csv, csv: '" + catalogue("missing_column.csv").string() +
                                  "', image_dir: images, classes: ['1']}"),
                 "missing_column.csv", "no RLE column");
  // A BOM, CRLF line ends and quoted fields are fine.
  const auto config = test::write_text(dir / "good.yaml", "data: {format: rle_csv, csv: '" +
                                                             catalogue("bom_crlf_quoted.csv").string() +
                                                             "', image_dir: images, classes: ['1']}\n");
  EXPECT_EQ(run_segkit("prepare '" + config.string() + "' -o '" + (dir / "good").string() + "'").exit_code, 0);
}

TEST(BadInputs, CorruptEmptyMislabelledAndBombImagesAreRefusedBeforeDecoding) {
  // A PNG header announcing 100000 x 100000 pixels in a few dozen bytes.
  std::string bomb("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\x01\x86\xa0\0\x01\x86\xa0\x08\x02\0\0\0", 29);
  bomb += std::string(4, '\0');
  std::string jpeg;
  {
    test::TempDir scratch;
    write_image(scratch / "x.jpg", 32, 32);
    jpeg = read_file(scratch / "x.jpg");
  }
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"zero_bytes.png", "", "corrupt, truncated or not an image"},
      {"text_named.png", "not an image\n", "corrupt, truncated or not an image"},
      {"truncated.jpg", jpeg.substr(0, jpeg.size() / 3), "corrupt, truncated or not an image"},
      {"bomb.png", bomb, "announces a 100000 x 100000 image"},
  };
  for (const auto& [name, bytes, reason] : cases) {
    test::TempDir dir;
    fs::create_directories(dir / "imgs");
    std::ofstream(dir / "imgs" / name, std::ios::binary) << bytes;
    expect_refused(prepare(dir, "{format: image_folder, image_dir: imgs}"), name, reason);
  }
}

// Found by fuzz_labelme: valid JSON that is not an object used to escape as a JSON type_error.
TEST(BadInputs, LabelMeJsonOfTheWrongShapeIsRefused) {
  test::TempDir dir;
  fs::create_directories(dir / "lm");
  fs::copy_file(catalogue("labelme_number.json"), dir / "lm/sample.json");
  expect_refused(prepare(dir, "{format: labelme, dir: lm, classes: [a]}"), "sample.json", "not a LabelMe document");
}

TEST(BadInputs, MasksOfTheWrongSizeAreRefused) {
  test::TempDir dir;
  write_image(dir / "images/a.png", 8, 8);
  fs::create_directories(dir / "masks");
  io::write_image(dir / "masks/a.png", cv::Mat(4, 4, CV_8UC1, cv::Scalar(255)));
  expect_refused(prepare(dir, "{format: mask_folder, image_dir: images, mask_dir: masks}"), "masks/a.png", "is 4x4 but image");
}

TEST(BadInputs, ConfigsWithUnknownKeysWrongTypesAndIncludeCyclesNameTheLocation) {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"unknown_key.yaml", "unknown_key.yaml:5:1", "did you mean 'threads'"},
      {"wrong_type.yaml", "wrong_type.yaml:1:1", "expected integer"},
      {"cycle_a.yaml", "cycle_b.yaml", "include cycle"},
      {"billion_laughs.yaml", "billion_laughs.yaml", "more than 100000 values"},
      // Found by fuzz_config: a stray byte used to escape as a JSON type_error when printed.
      {"invalid_utf8.yaml", "invalid_utf8.yaml:1:13", "not valid UTF-8"},
      {"recursive_alias.yaml", "recursive_alias.yaml:2", "nested deeper than 64 levels"},  // fuzz_config: stack overflow
      {"huge_number.yaml", "huge_number.yaml:1:1", "'seed' expected integer, got number inf"},  // fuzz_config
      {"escaped_non_utf8.yaml", "escaped_non_utf8.yaml:1:1", "value is not valid UTF-8"},  // fuzz_config too
  };
  for (const auto& [file, culprit, reason] : cases) {
    const auto result = run_segkit("config show '" + catalogue(file).string() + "'");
    expect_refused({result.exit_code, result.err}, culprit, reason);
  }
}

TEST(BadInputs, SafetensorsWithALyingHeaderAndCheckpointsOfAnotherArchitecture) {
  test::TempDir dir;
  // The header says 400 bytes of data; the file has 8.
  const std::string header = R"({"w":{"dtype":"F32","shape":[10,10],"data_offsets":[0,400]}})";
  std::string file(8, '\0');
  file[0] = static_cast<char>(header.size());
  file += header + std::string(8, '\0');
  std::ofstream(dir / "lying.safetensors", std::ios::binary) << file;
  auto inspected = run_segkit("inspect '" + (dir / "lying.safetensors").string() + "'");
  expect_refused({inspected.exit_code, inspected.err}, "lying.safetensors", "tensors cover 400 bytes but the data section has 8");

  // A model directory whose config says resnet34 while its weights are resnet18's.
  auto model = models::create_model({{"arch", "unet"}, {"encoder_name", "resnet18"}, {"encoder_depth", 3},
                                     {"decoder_channels", {16, 8, 4}}});
  models::save_pretrained(*model, dir / "model");
  std::string config = read_file(dir / "model/config.json");
  config.replace(config.find("resnet18"), 8, "resnet34");
  write_file_atomic(dir / "model/config.json", config);
  write_image(dir / "images/a.png", 32, 32);
  auto predicted = run_segkit("predict --run '" + (dir / "model").string() + "' --input '" + (dir / "images").string() +
                              "' --out '" + (dir / "pred").string() + "'");
  expect_refused({predicted.exit_code, predicted.err}, "model.safetensors", "encoder.layer");
  EXPECT_FALSE(fs::exists(dir / "pred/index.json"));
}

}  // namespace
}  // namespace segkit
