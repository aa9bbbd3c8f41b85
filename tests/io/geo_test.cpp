#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "segkit/core/error.h"
#include "segkit/io/geojson.h"
#include "segkit/io/geotiff.h"
#include "segkit/io/image_io.h"
#include "tests/support/test_support.h"

namespace segkit::io {
namespace {

// sample_geotiff.tif's grid (the chip's README): origin (733601, 3725139), 0.5 m pixels.
GeoReference spacenet_grid() {
  GeoReference georef;
  georef.transform = {733601.0, 0.5, 0.0, 3725139.0, 0.0, -0.5};
  return georef;
}

std::string square(double x0, double y0, double x1, double y1) {
  return "[[" + std::to_string(x0) + "," + std::to_string(y0) + "],[" + std::to_string(x1) + "," + std::to_string(y0) +
         "],[" + std::to_string(x1) + "," + std::to_string(y1) + "],[" + std::to_string(x0) + "," + std::to_string(y1) +
         "],[" + std::to_string(x0) + "," + std::to_string(y0) + "]]";
}

template <typename Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const DataError& e) {
    return e.what();
  }
  return "no DataError";
}

TEST(GeoJson, SpaceNetLabelsRasteriseExactlyAsGdalRasterize) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto root = shared / "data/spacenet4_atlanta_chip";
  const GeoJson labels = read_geojson(root / "geotiff_labels.geojson");
  EXPECT_EQ(labels.polygons.size(), 43u);
  EXPECT_EQ(labels.crs, "urn:ogc:def:crs:EPSG::32616");
  const cv::Mat mask = rasterize_polygons(labels.polygons, spacenet_grid(), 900, 900);
  const cv::Mat reference = read_image(root / "sample_fp_mask_from_geojson.tif", ImageMode::kGray);
  ASSERT_EQ(reference.size(), mask.size());
  EXPECT_EQ(cv::countNonZero(mask), 33818);
  EXPECT_EQ(cv::countNonZero(reference), 33818);
  EXPECT_EQ(cv::countNonZero(mask * 255 != reference), 0);
}

TEST(GeoJson, HolesAreOffByEvenOdd) {
  const std::string text = R"({"type": "Polygon", "coordinates": [)" + square(0, 0, 10, 10) + "," +
                           square(3, 3, 7, 7) + "]}";
  const cv::Mat mask = rasterize_polygons(parse_geojson(text, "hole").polygons, GeoReference{}, 12, 12);
  EXPECT_EQ(cv::countNonZero(mask), 100 - 16);
  EXPECT_EQ(mask.at<uint8_t>(1, 1), 1);
  EXPECT_EQ(mask.at<uint8_t>(5, 5), 0);
  EXPECT_EQ(mask.at<uint8_t>(10, 10), 0);
}

TEST(GeoJson, MultiPolygonPartsAreUnited) {
  const std::string text = R"({"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon",
      "coordinates": [[)" + square(0, 0, 2, 2) + "], [" + square(4, 4, 7, 6) + "]]}}";
  const GeoJson parsed = parse_geojson(text, "multi");
  ASSERT_EQ(parsed.polygons.size(), 2u);
  EXPECT_TRUE(parsed.crs.empty());
  EXPECT_EQ(cv::countNonZero(rasterize_polygons(parsed.polygons, GeoReference{}, 8, 8)), 4 + 6);
}

TEST(GeoJson, PixelIsOnWhenItsCentreIsInside) {
  const auto count = [](double a, double b) {
    const std::string text = R"({"type": "Polygon", "coordinates": [)" + square(a, a, b, b) + "]}";
    return cv::countNonZero(rasterize_polygons(parse_geojson(text, "t").polygons, GeoReference{}, 5, 5));
  };
  EXPECT_EQ(count(0.4, 2.6), 9);  // centres 0.5, 1.5, 2.5 inside on both axes
  EXPECT_EQ(count(0.6, 2.4), 1);  // only 1.5
  EXPECT_EQ(count(0.6, 1.4), 0);  // covers most of a pixel, but not its centre
  EXPECT_EQ(count(-9, 99), 25);   // clipped to the grid
}

TEST(GeoJson, CentresOnAnEdgeFollowGdalsSpans) {
  // Every edge passes through pixel centres: GDAL's spans take the top and right edges only.
  const std::string text = R"({"type": "Polygon", "coordinates": [)" + square(0.5, 0.5, 2.5, 2.5) + "]}";
  const cv::Mat mask = rasterize_polygons(parse_geojson(text, "t").polygons, GeoReference{}, 4, 4);
  EXPECT_EQ(cv::countNonZero(mask), 4);
  EXPECT_EQ(cv::countNonZero(mask(cv::Rect(1, 0, 2, 2))), 4);  // columns 1-2, rows 0-1
}

TEST(GeoJson, NorthUpGridFlipsWorldY) {
  GeoReference georef;
  georef.transform = {100.0, 2.0, 0.0, 50.0, 0.0, -2.0};  // 2 m pixels, origin at the top-left
  const std::string text = R"({"type": "Polygon", "coordinates": [)" + square(100, 46, 104, 50) + "]}";
  const cv::Mat mask = rasterize_polygons(parse_geojson(text, "t").polygons, georef, 4, 4);
  EXPECT_EQ(cv::countNonZero(mask), 4);
  EXPECT_EQ(cv::countNonZero(mask(cv::Rect(0, 0, 2, 2))), 4);
}

TEST(GeoJson, MalformedInputNamesTheFileAndFeature) {
  const std::string good = R"({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [)" +
                           square(0, 0, 1, 1) + "]}}";
  const auto collection = [&](const std::string& bad) {
    return R"({"type": "FeatureCollection", "features": [)" + good + "," + good + "," + bad + "]}";
  };
  std::string message = error_of([&] {
    parse_geojson(collection(R"({"type": "Feature", "geometry": {"type": "Polygon"}})"), "labels/a.geojson");
  });
  EXPECT_NE(message.find("labels/a.geojson"), std::string::npos) << message;
  EXPECT_NE(message.find("features[2]"), std::string::npos) << message;
  EXPECT_NE(message.find("coordinates"), std::string::npos) << message;

  message = error_of([&] {
    parse_geojson(collection(R"({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,1]]]}})"),
                  "b.geojson");
  });
  EXPECT_NE(message.find("features[2]"), std::string::npos) << message;
  EXPECT_NE(message.find("fewer than 3"), std::string::npos) << message;

  message = error_of([&] {
    parse_geojson(collection(R"({"type": "Feature", "geometry": {"type": "Polygon",
                                  "coordinates": [[[0,0],[1,"x"],[1,0]]]}})"),
                  "c.geojson");
  });
  EXPECT_NE(message.find("position 1"), std::string::npos) << message;

  message = error_of([&] {
    parse_geojson(collection(R"({"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}})"),
                  "d.geojson");
  });
  EXPECT_NE(message.find("Point has no area"), std::string::npos) << message;

  message = error_of([&] { parse_geojson("{\"type\": \"FeatureCollection\", \"features\": [", "e.geojson"); });
  EXPECT_NE(message.find("e.geojson: not valid JSON"), std::string::npos) << message;

  EXPECT_THROW(read_geojson("/nonexistent/labels.geojson"), IoError);
}

TEST(GeoJson, NullGeometriesAndEmptyCollectionsGiveNoPolygons) {
  const auto parsed = parse_geojson(
      R"({"type": "FeatureCollection", "crs": {"type": "EPSG", "properties": {"code": 32616}},
          "features": [{"type": "Feature", "properties": {}, "geometry": null}]})",
      "empty");
  EXPECT_TRUE(parsed.polygons.empty());
  EXPECT_EQ(parsed.crs, "EPSG:32616");
  EXPECT_EQ(cv::countNonZero(rasterize_polygons(parsed.polygons, GeoReference{}, 3, 3)), 0);
}

TEST(GeoRaster, PercentileStretchFollowsNumpyAndSkipsNodata) {
  GeoRaster raster;
  raster.pixels.create(1, 102, CV_16U);
  for (int c = 0; c < 101; ++c) raster.pixels.at<uint16_t>(0, c) = static_cast<uint16_t>(c + 1);  // 1..101
  raster.pixels.at<uint16_t>(0, 101) = 0;
  raster.nodata = 0.0;
  const cv::Mat rgb = to_rgb8(raster);
  ASSERT_EQ(rgb.type(), CV_8UC3);
  // 2nd / 98th percentiles of 1..101 are 3 and 99.
  for (int v : {1, 3, 50, 99, 101}) {
    const int expected = static_cast<int>(std::lround(std::clamp((v - 3) * 255.0 / 96.0, 0.0, 255.0)));
    EXPECT_EQ(rgb.at<cv::Vec3b>(0, v - 1)[0], expected) << v;
    EXPECT_EQ(rgb.at<cv::Vec3b>(0, v - 1)[2], expected) << v;
  }
  EXPECT_EQ(rgb.at<cv::Vec3b>(0, 101), cv::Vec3b(0, 0, 0));
  RgbOptions minmax;
  minmax.stretch = Stretch::kMinMax;
  EXPECT_EQ(to_rgb8(raster, minmax).at<cv::Vec3b>(0, 100)[1], 255);
  RgbOptions bad;
  bad.bands = {2, 1, 1};
  EXPECT_THROW(to_rgb8(raster, bad), DataError);
}

#ifdef SEGKIT_WITH_GDAL

TEST(GeoTiff, ReadsTheSpaceNetChipAndItsLabelsAgree) {
  SEGKIT_REQUIRE_SHARED(shared);
  const auto root = shared / "data/spacenet4_atlanta_chip";
  const GeoRaster chip = read_geotiff(root / "sample_geotiff.tif");
  EXPECT_EQ(chip.pixels.type(), CV_16UC1);
  EXPECT_EQ(chip.pixels.size(), cv::Size(900, 900));
  EXPECT_EQ(chip.georef.transform, spacenet_grid().transform);
  EXPECT_TRUE(same_crs("EPSG:32616", chip.georef.crs_wkt));
  ASSERT_TRUE(chip.nodata.has_value());
  EXPECT_EQ(*chip.nodata, 0.0);
  double max = 0;
  cv::minMaxLoc(chip.pixels, nullptr, &max);
  EXPECT_EQ(max, 6615.0);
  const cv::Mat mask = rasterize_geojson(root / "geotiff_labels.geojson", chip.georef, 900, 900);
  const GeoRaster reference = read_geotiff(root / "sample_fp_mask_from_geojson.tif");
  EXPECT_TRUE(reference.georef.is_identity());
  EXPECT_EQ(cv::countNonZero(mask * 255 != reference.pixels), 0);
  const cv::Mat rgb = to_rgb8(chip);
  EXPECT_EQ(rgb.type(), CV_8UC3);
  cv::minMaxLoc(rgb, nullptr, &max);
  EXPECT_EQ(max, 255.0);
}

TEST(GeoTiff, WriteReadRoundTripKeepsPixelsAndGeoreference) {
  test::TempDir dir;
  GeoReference georef;
  georef.transform = {733601.25, 0.3, 0.01, 3725139.75, 0.02, -0.3};  // rotated, as orthorectified chips can be
  georef.crs_wkt =
      R"(PROJCS["WGS 84 / UTM zone 16N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],)"
      R"(PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],)"
      R"(PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",-87],PARAMETER["scale_factor",0.9996],)"
      R"(PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1],AUTHORITY["EPSG","32616"]])";
  cv::Mat bytes(37, 53, CV_8UC3), floats(37, 53, CV_32FC1);
  cv::randu(bytes, 0, 256);
  cv::randu(floats, -1e6, 1e6);
  for (const cv::Mat& image : {bytes, floats}) {
    write_geotiff(dir / "pred.tif", image, georef);
    const GeoRaster back = read_geotiff(dir / "pred.tif");
    ASSERT_EQ(back.pixels.type(), image.type());
    EXPECT_EQ(cv::norm(back.pixels, image, cv::NORM_INF), 0.0);
    EXPECT_EQ(back.georef.transform, georef.transform);
    EXPECT_TRUE(same_crs(back.georef.crs_wkt, georef.crs_wkt));
    // GDAL may normalise the WKT once; after that it is a fixed point.
    write_geotiff(dir / "again.tif", back.pixels, back.georef);
    EXPECT_EQ(read_georeference(dir / "again.tif"), back.georef);
  }
  write_geotiff(dir / "plain.tif", bytes, GeoReference{});
  EXPECT_EQ(read_georeference(dir / "plain.tif"), GeoReference{});
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 3u);  // no temp file or .aux.xml left behind
}

TEST(GeoTiff, ErrorsNameTheFile) {
  test::TempDir dir;
  EXPECT_THROW(read_geotiff(dir / "missing.tif"), IoError);
  test::write_text(dir / "broken.tif", "II*\0 not a tiff");
  const std::string message = error_of([&] { read_geotiff(dir / "broken.tif"); });
  EXPECT_NE(message.find("broken.tif"), std::string::npos) << message;
  EXPECT_THROW(write_geotiff(dir / "x.tif", cv::Mat(4, 4, CV_16U, cv::Scalar(1)), GeoReference{}), DataError);
  EXPECT_FALSE(std::filesystem::exists(dir / "x.tif"));
}

TEST(GeoTiff, LabelsInAnotherCrsAreRejected) {
  test::TempDir dir;
  const auto labels = test::write_text(dir / "lonlat.geojson", R"({"type": "FeatureCollection",
      "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}, "features": []})");
  GeoReference georef = spacenet_grid();
  georef.crs_wkt = "EPSG:32616";
  const std::string message = error_of([&] { rasterize_geojson(labels, georef, 4, 4); });
  EXPECT_NE(message.find("lonlat.geojson"), std::string::npos) << message;
  EXPECT_NE(message.find("reproject"), std::string::npos) << message;
  EXPECT_TRUE(same_crs("urn:ogc:def:crs:EPSG::4326", "urn:ogc:def:crs:OGC:1.3:CRS84"));
}

#else

TEST(GeoTiff, SkippedWithoutGdal) { GTEST_SKIP() << "segkit was built without GDAL (install libgdal-dev)"; }

#endif

}  // namespace
}  // namespace segkit::io
