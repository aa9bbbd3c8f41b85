#include <gtest/gtest.h>

#include <torch/torch.h>

#include <opencv2/core.hpp>

#include "segkit/config/config.h"
#include "segkit/core/atomic_file.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/data/synth.h"
#include "segkit/models/hub_format.h"
#include "segkit/models/model_registry.h"
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
