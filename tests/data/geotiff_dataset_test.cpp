#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "segkit/config/yaml_loader.h"
#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/data/geotiff_dataset.h"
#include "segkit/data/synth.h"
#include "segkit/io/geotiff.h"
#include "tests/support/test_support.h"

namespace segkit::data {
namespace {

#ifdef SEGKIT_WITH_GDAL

// The chip's image and labels differ in name (sample_geotiff.tif, geotiff_labels.geojson): a folder
// with only the image, labels read from the shared folder through image_prefix / label_suffix.
struct SpaceNetChip {
  test::TempDir dir;
  std::filesystem::path labels;

  explicit SpaceNetChip(const std::filesystem::path& shared) : labels(shared / "data/spacenet4_atlanta_chip") {
    std::filesystem::create_directories(dir / "images");
    std::filesystem::create_symlink(labels / "sample_geotiff.tif", dir / "images/sample_geotiff.tif");
  }
  nlohmann::ordered_json config() const {
    return {{"format", "geotiff"},       {"image_dir", "images"},      {"label_dir", labels.string()},
            {"image_prefix", "sample_"}, {"label_suffix", "_labels"}};
  }
};

TEST(GeoTiffDataset, LoadsTheSpaceNetChip) {
  SEGKIT_REQUIRE_SHARED(shared);
  SpaceNetChip chip(shared);
  const DatasetPtr dataset = build_dataset(chip.config(), chip.dir.path());
  ASSERT_EQ(dataset->size(), 1u);
  EXPECT_EQ(dataset->id(0), "sample_geotiff.tif");
  EXPECT_EQ(dataset->class_names(), std::vector<std::string>{"building"});
  const Sample sample = dataset->get(0);
  EXPECT_EQ(sample.image.type(), CV_8UC3);
  EXPECT_EQ(sample.image.size(), cv::Size(900, 900));
  ASSERT_EQ(sample.mask.type(), CV_8UC1);
  EXPECT_EQ(cv::countNonZero(sample.mask), 33818);
  double max = 0;
  cv::minMaxLoc(sample.mask, nullptr, &max);
  EXPECT_EQ(max, 1.0);

  const auto& geotiff = dynamic_cast<const GeoTiffDataset&>(*dataset);
  const io::GeoReference georef = geotiff.georeference(0);
  EXPECT_EQ(georef.transform, (std::array<double, 6>{733601.0, 0.5, 0.0, 3725139.0, 0.0, -0.5}));
  // A prediction written back lands on the same grid.
  io::write_geotiff(chip.dir / "pred.tif", sample.mask, georef);
  const io::GeoRaster back = io::read_geotiff(chip.dir / "pred.tif");
  EXPECT_EQ(back.georef, georef);
  EXPECT_EQ(cv::countNonZero(back.pixels != sample.mask), 0);
}

TEST(GeoTiffDataset, RawKeepsTheSixteenBitBand) {
  SEGKIT_REQUIRE_SHARED(shared);
  SpaceNetChip chip(shared);
  auto config = chip.config();
  config["stretch"] = "none";
  const Sample sample = build_dataset(config, chip.dir.path())->get(0);
  EXPECT_EQ(sample.image.type(), CV_16UC1);
  EXPECT_EQ(cv::countNonZero(sample.mask), 33818);
}

TEST(GeoTiffDataset, ConfigAndLabelErrors) {
  SEGKIT_REQUIRE_SHARED(shared);
  SpaceNetChip chip(shared);
  auto config = chip.config();
  config.erase("label_suffix");
  try {
    build_dataset(config, chip.dir.path());
    ADD_FAILURE() << "no DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("geotiff.geojson"), std::string::npos) << e.what();
  }
  config = chip.config();
  config["classes"] = {"building", "road"};
  EXPECT_THROW(build_dataset(config, chip.dir.path()), ConfigError);
  config = chip.config();
  config["stretch"] = "gamma";
  EXPECT_THROW(build_dataset(config, chip.dir.path()), ConfigError);
  config = chip.config();
  config["label_sufix"] = "_labels";
  EXPECT_THROW(build_dataset(config, chip.dir.path()), ConfigError);
}

SynthSummary make_buildings(const std::filesystem::path& dir, uint64_t seed) {
  SynthOptions options;
  options.kind = SynthKind::kBuildings;
  options.count = 6;
  options.height = 96;
  options.width = 128;
  options.seed = seed;
  options.keep_samples = true;
  return synthesize(options, dir);
}

TEST(SynthBuildings, GeoTiffDatasetReadsBackTheRasterisedShapes) {
  test::TempDir dir;
  const SynthSummary summary = make_buildings(dir.path(), 5);
  EXPECT_EQ(summary.classes, std::vector<std::string>{"building"});
  EXPECT_EQ(summary.empty_images, 1u);  // round(6 * 0.1)
  const auto section = config::load_yaml_file(dir / "data.yaml").value.at("data");
  const DatasetPtr dataset = build_dataset(section, dir.path());
  const auto& chips = dynamic_cast<const GeoTiffDataset&>(*dataset);
  ASSERT_EQ(chips.size(), summary.samples.size());
  size_t holes = 0;
  double roof = 0, ground = 0;
  for (size_t i = 0; i < chips.size(); ++i) {
    const Sample& drawn = summary.samples[i];
    const Sample loaded = chips.get(i);
    ASSERT_EQ(loaded.id, drawn.id);
    EXPECT_EQ(loaded.image.size(), cv::Size(128, 96));
    EXPECT_EQ(cv::countNonZero(loaded.mask != drawn.mask), 0) << loaded.id;
    const io::GeoReference georef = chips.georeference(i);
    EXPECT_TRUE(io::same_crs("EPSG:32616", georef.crs_wkt));
    EXPECT_EQ(georef.transform[1], 0.3);
    // The labels are polygons in metres; rasterised on the chip's grid they are the drawn mask.
    const io::GeoJson labels = io::read_geojson(chips.label_path(i));
    for (const auto& polygon : labels.polygons) holes += polygon.rings.size() > 1;
    EXPECT_EQ(cv::countNonZero(io::rasterize_polygons(labels.polygons, georef, 96, 128) != drawn.mask), 0);
    const io::GeoRaster raster = io::read_geotiff(chips.image_path(i));
    EXPECT_EQ(cv::norm(raster.pixels, drawn.image, cv::NORM_INF), 0.0) << "GeoTIFF is lossless";
    if (cv::countNonZero(drawn.mask) == 0) continue;
    cv::Mat grey;
    cv::cvtColor(drawn.image, grey, cv::COLOR_RGB2GRAY);
    roof += cv::mean(grey, drawn.mask)[0];
    ground += cv::mean(grey, drawn.mask == 0)[0];
  }
  EXPECT_GT(holes, 0u) << "some roof has a courtyard";
  EXPECT_GT(std::abs(roof - ground) / (chips.size() - summary.empty_images), 20.0);
}

TEST(SynthBuildings, SameSeedSameBytes) {
  test::TempDir a, b;
  make_buildings(a.path(), 3);
  make_buildings(b.path(), 3);
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(a.path())) {
    if (!entry.is_regular_file()) continue;
    ++files;
    EXPECT_EQ(read_file(entry.path()), read_file(b / entry.path().lexically_relative(a.path()).string()))
        << entry.path();
  }
  EXPECT_EQ(files, 6u * 2 + 1) << "chips, GeoJSONs and data.yaml";
}

#else

TEST(SynthBuildings, NeedsGdal) {
  test::TempDir dir;
  SynthOptions options;
  options.kind = SynthKind::kBuildings;
  EXPECT_THROW(synthesize(options, dir.path()), ConfigError);
}

TEST(GeoTiffDataset, FormatSaysToInstallGdal) {
  try {
    build_dataset({{"format", "geotiff"}, {"image_dir", "chips"}});
    ADD_FAILURE() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("libgdal-dev"), std::string::npos) << e.what();
  }
}

#endif

}  // namespace
}  // namespace segkit::data
