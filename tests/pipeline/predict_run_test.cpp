#include <gtest/gtest.h>

#include <torch/torch.h>

#include <opencv2/core.hpp>

#include "segkit/config/config.h"
#include "segkit/core/atomic_file.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/data/synth.h"
#include "segkit/models/hub_format.h"
#include "segkit/models/model_registry.h"
#include "segkit/io/image_io.h"
#include "segkit/pipeline/ensemble_run.h"
#include "segkit/pipeline/predict_run.h"
#include "segkit/submit/prediction_dir.h"
#include "tests/support/test_support.h"
#ifdef SEGKIT_WITH_GDAL
#include "segkit/data/geotiff_dataset.h"
#include "segkit/io/geotiff.h"
#endif

namespace segkit::pipeline {
namespace {

namespace fs = std::filesystem;

void write_model(const fs::path& dir, const std::string& class_name) {
  torch::manual_seed(3);
  auto model = models::create_model({{"arch", "unet"}, {"encoder_name", "resnet18"}, {"encoder_depth", 3},
                                     {"decoder_channels", {16, 8, 4}}, {"classes", 1}});
  models::save_pretrained(*model, dir);
  write_file_atomic(dir / "segkit.json", R"({"classes": [")" + class_name + R"("], "preprocess": ["Normalize"]})");
}

TEST(PredictRun, GeoTiffInputsGetGeoreferencedMasks) {
#ifndef SEGKIT_WITH_GDAL
  GTEST_SKIP() << "built without GDAL (libgdal-dev)";
#else
  test::TempDir dir;
  data::SynthOptions synth;
  synth.kind = data::SynthKind::kBuildings;
  synth.count = 2;
  synth.height = 64;
  synth.width = 64;
  data::synthesize(synth, dir / "chips");
  test::write_text(dir / "chips/run.yaml", "include: data.yaml\n");
  write_model(dir / "model", "building");

  // On the heap: GCC 12 reports a false -Wmaybe-uninitialized for this aggregate on the stack.
  auto request = std::make_unique<PredictRequest>();
  request->runs = {dir / "model"};
  request->input = dir / "chips/run.yaml";
  request->out_dir = dir / "pred";
  request->predictor.device = "cpu";
  request->predictor.workers = 0;
  const auto summary = predict_to_directory(*request);
  ASSERT_EQ(summary.images, 2u);

  const auto config = config::load_config(dir / "chips/run.yaml", {}, config::segkit_schema());
  const auto dataset = data::build_dataset(config.at("data"), dir / "chips");
  const auto& chips = dynamic_cast<const data::GeoTiffDataset&>(*dataset);
  const auto index = submit::read_prediction_index(dir / "pred");
  for (size_t i = 0; i < index.images.size(); ++i) {
    const auto written = io::read_geotiff(dir / "pred/geotiff" / (index.images[i].stem + ".tif"));
    EXPECT_TRUE(written.georef == chips.georeference(i)) << index.images[i].id;
    const cv::Mat masks = submit::read_prediction_masks(dir / "pred", index.images[i], index.classes);
    EXPECT_EQ(cv::norm(written.pixels, masks, cv::NORM_INF), 0.0) << index.images[i].id;
  }
#endif
}

}  // namespace
}  // namespace segkit::pipeline

namespace segkit::pipeline {
namespace {

// A classifier's prediction directory: class probabilities per image (CSV and labels-only files),
// "masks": false in the index; it gates an ensemble predicted at another size, and is refused
// where masks are needed.
TEST(PredictRun, ClassifiersWriteClassProbabilitiesThatGateAnEnsemble) {
  test::TempDir dir;
  torch::manual_seed(4);
  auto classifier = models::create_model({{"arch", "classifier"}, {"encoder_name", "resnet18"}, {"classes", 1}});
  models::save_pretrained(*classifier, dir / "cls");
  write_file_atomic(dir / "cls/segkit.json", R"({"classes": ["b"], "preprocess": ["Normalize"]})");
  write_model(dir / "seg", "b");
  fs::create_directories(dir / "images");
  for (int i = 0; i < 3; ++i) {
    cv::Mat image(64, 96, CV_8UC3);
    cv::randu(image, 0, 255);
    io::write_image(dir / "images" / ("img" + std::to_string(i) + ".png"), image);
  }
  PredictRequest request;
  request.runs = {dir / "cls"};
  request.input = dir / "images";
  request.out_dir = dir / "pred_cls";
  request.predictor.device = "cpu";
  request.predictor.tta.name = "hflip";
  const auto summary = predict_to_directory(request);
  EXPECT_FALSE(summary.masks);
  const auto index = submit::read_prediction_index(dir / "pred_cls");
  EXPECT_FALSE(index.has_masks);
  ASSERT_EQ(index.images.size(), 3u);
  const auto csv = read_file(dir / "pred_cls/class_probabilities.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "id,b");
  EXPECT_NE(csv.find("img2.png,"), std::string::npos) << csv;
  EXPECT_FALSE(fs::exists(dir / "pred_cls/masks"));

  request.runs = {dir / "seg"};
  request.out_dir = dir / "pred_seg";
  request.predictor.output_size = cv::Size(48, 32);  // the classifier's are at 64x96
  predict_to_directory(request);
  const auto gate = test::write_text(dir / "gate.yaml", "classes:\n  b: {cls_threshold: 1.0}\n");
  EnsembleRequest ensemble;
  ensemble.members = {{dir / "pred_seg", 1.0}};
  ensemble.method = "vote";
  ensemble.classifier = dir / "pred_cls";
  ensemble.postprocess = gate;
  ensemble.out_dir = dir / "gated";
  EXPECT_EQ(ensemble_predictions(ensemble), 3u);
  const auto ungated = submit::read_prediction_index(dir / "pred_seg");
  int ungated_pixels = 0;
  for (const auto& image : ungated.images) {
    ungated_pixels += cv::countNonZero(submit::read_prediction_masks(dir / "pred_seg", image, ungated.classes));
  }
  ASSERT_GT(ungated_pixels, 0) << "the gate must have something to remove";
  const auto gated = submit::read_prediction_index(dir / "gated");
  for (const auto& image : gated.images) {
    EXPECT_EQ(cv::countNonZero(submit::read_prediction_masks(dir / "gated", image, gated.classes)), 0) << image.id;
  }
  ensemble.members = {{dir / "pred_cls", 1.0}};
  ensemble.out_dir = dir / "wrong";
  try {
    ensemble_predictions(ensemble);
    FAIL() << "a classifier's directory was taken as a member";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("no masks; an ensemble member needs masks"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace segkit::pipeline
