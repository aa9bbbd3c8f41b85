// SpaceNet-like building chips: 0.3 m pan-sharpened RGB GeoTIFFs in UTM 16N (Atlanta) with one
// GeoJSON of footprints each, in SpaceNet 2's folder and file naming. Roofs are rectangles, L-shapes
// and courtyard blocks (a hole), aligned along the street grid as suburbs are, casting a shadow to the
// south-east. The mask is io::rasterize_polygons of the very polygons the GeoJSON stores, so it is
// what format: geotiff reads back.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "segkit/core/atomic_file.h"
#include "segkit/data/synth_internal.h"
#include "segkit/io/geojson.h"
#include "segkit/io/geotiff.h"

namespace segkit::data {
namespace {

using synth::SynthRng;
using Ring = std::vector<cv::Point2d>;
using json = nlohmann::ordered_json;  // GeoJSON members in the usual order: type first

constexpr double kPixelMetres = 0.3;  // WorldView-3 pan-sharpened, as SpaceNet 2-4
constexpr const char* kImagePrefix = "RGB-PanSharpen_";
constexpr const char* kLabelPrefix = "buildings_";
// Terracotta, grey and white sheet, brown shingle: all well apart from the ground's grey-green.
const cv::Scalar kRoofColours[] = {{172, 92, 72}, {182, 182, 176}, {222, 220, 212}, {150, 120, 100}};

// Shoelace area; positive for counter-clockwise in a y-up (world) frame.
double signed_area(const Ring& ring) {
  double area = 0;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    area += ring[j].x * ring[i].y - ring[i].x * ring[j].y;
  }
  return area / 2;
}

// RFC 7946: exterior rings counter-clockwise, holes clockwise.
Ring oriented(Ring ring, bool exterior) {
  if ((signed_area(ring) > 0) != exterior) std::reverse(ring.begin(), ring.end());
  return ring;
}

// One roof in the lot centred at `center` (pixels), `cell` pixels wide, as world-coordinate rings.
io::GeoPolygon draw_roof(cv::Point2d center, double cell, double angle, const io::GeoReference& georef, SynthRng& rng) {
  const double w = rng.uniform(0.35, 0.6) * cell, h = rng.uniform(0.35, 0.6) * cell;
  const double shape = rng.uniform();
  std::vector<Ring> local;  // in the lot's frame, centred, before rotation
  if (shape < 0.6) {
    local.push_back({{-w / 2, -h / 2}, {w / 2, -h / 2}, {w / 2, h / 2}, {-w / 2, h / 2}});
  } else if (shape < 0.9) {
    const double a = rng.uniform(0.3, 0.6) * w, b = rng.uniform(0.3, 0.6) * h;  // the missing corner
    local.push_back({{-w / 2, -h / 2}, {w / 2, -h / 2}, {w / 2, h / 2 - b}, {w / 2 - a, h / 2 - b}, {w / 2 - a, h / 2},
                     {-w / 2, h / 2}});
  } else {
    const double iw = rng.uniform(0.35, 0.5) * w, ih = rng.uniform(0.35, 0.5) * h;  // the courtyard
    local.push_back({{-w / 2, -h / 2}, {w / 2, -h / 2}, {w / 2, h / 2}, {-w / 2, h / 2}});
    local.push_back({{-iw / 2, -ih / 2}, {iw / 2, -ih / 2}, {iw / 2, ih / 2}, {-iw / 2, ih / 2}});
  }
  const double c = std::cos(angle), s = std::sin(angle);
  io::GeoPolygon polygon;
  for (size_t r = 0; r < local.size(); ++r) {
    Ring world;
    for (const auto& p : local[r]) {
      world.push_back(georef.pixel_to_world(center.x + c * p.x - s * p.y, center.y + s * p.x + c * p.y));
    }
    polygon.rings.push_back(oriented(std::move(world), r == 0));
  }
  return polygon;
}

json to_feature(const io::GeoPolygon& polygon) {
  json rings = json::array();
  for (const auto& ring : polygon.rings) {
    json positions = json::array();
    for (const auto& p : ring) positions.push_back({p.x, p.y});
    positions.push_back({ring.front().x, ring.front().y});  // GeoJSON rings are closed
    rings.push_back(std::move(positions));
  }
  return {{"type", "Feature"},
          {"properties", {{"building", "yes"}}},
          {"geometry", {{"type", "Polygon"}, {"coordinates", std::move(rings)}}}};
}

struct Chip {
  cv::Mat image;  // CV_8UC3
  cv::Mat mask;   // union of the roofs
  std::vector<io::GeoPolygon> roofs;
};

Chip draw_chip(int height, int width, bool empty, const io::GeoReference& georef, SynthRng& rng) {
  cv::Mat image(height, width, CV_32FC3, cv::Scalar(112, 118, 92));  // dry grass and soil
  synth::shade(image, cv::Mat::ones(height, width, CV_8U), 35, synth::value_noise(height, width, 24, 24, rng) - 0.5);
  const double cell = rng.uniform(36, 48);
  const double angle = rng.uniform(-0.5, 0.5);  // the street grid's orientation, radians
  const cv::Point2d along(std::cos(angle), std::sin(angle)), across(-along.y, along.x);  // lot rows, columns
  const cv::Point2d middle(width / 2.0, height / 2.0);
  const int reach = static_cast<int>(std::hypot(width, height) / cell) + 1;  // lots from the middle to a corner
  // A street along every other lot boundary; roofs stay within 0.32 cell of their lot's centre.
  cv::Mat streets = cv::Mat::zeros(height, width, CV_8U);
  for (int j = -reach; j <= reach; j += 2) {
    const cv::Point2d on_street = middle + across * ((j + 0.5) * cell);
    synth::draw_streak(streets, on_street - along * (2.0 * reach * cell), on_street + along * (2.0 * reach * cell),
                       std::max(3, static_cast<int>(cell / 7)));
  }
  synth::shade(image, streets, 35);

  Chip chip{cv::Mat(), cv::Mat::zeros(height, width, CV_8U), {}};
  if (!empty) {
    for (int i = -reach; i <= reach; ++i) {
      for (int j = -reach; j <= reach; ++j) {
        if (!rng.chance(0.55)) continue;
        const cv::Point2d center = middle + along * (i * cell) + across * (j * cell);
        const io::GeoPolygon roof = draw_roof(center, cell, angle + rng.uniform(-0.05, 0.05), georef, rng);
        const cv::Mat footprint = io::rasterize_polygons({roof}, georef, height, width);
        if (!synth::any(footprint)) continue;
        image.setTo(kRoofColours[rng.uniform_int(0, 3)], footprint);
        chip.roofs.push_back(roof);
        chip.mask |= footprint;
      }
    }
    // The sun in the north-west: each roof darkens the ground a few pixels south-east of it.
    const int offset = std::max(2, height / 80);
    cv::Mat shadow = cv::Mat::zeros(height, width, CV_8U);
    const cv::Size shifted(width - offset, height - offset);
    chip.mask(cv::Rect({0, 0}, shifted)).copyTo(shadow(cv::Rect({offset, offset}, shifted)));
    synth::shade(image, shadow & ~chip.mask, -50);
  }
  synth::shade(image, cv::Mat::ones(height, width, CV_8U), 1.0, synth::grain(height, width, 5, rng));
  chip.image = synth::to_u8(image);
  return chip;
}

}  // namespace

SynthSummary synth_buildings(const SynthOptions& options, const std::filesystem::path& out_dir) {
  const SynthOptions o = resolve_synth_options(options, 256, 256, 0.1, 64);
  SynthRng rng(o.seed);
  const auto keys = distinct_ids(o.count, rng, [](SynthRng& r) {
    return "AOI_0_Synth_img" + std::to_string(r.uniform_int(1, 99999));
  });
  const auto empty = synth::choose_empty(o.count, *o.empty_fraction, rng);
  const auto image_dir = out_dir / "RGB-PanSharpen", label_dir = out_dir / "geojson" / "buildings";
  std::filesystem::create_directories(image_dir);
  std::filesystem::create_directories(label_dir);
  const std::string crs_wkt = io::crs_to_wkt("EPSG:32616");
  SynthRecorder recorder(o, {"building"});
  for (size_t i = 0; i < keys.size(); ++i) {
    SynthRng image_rng = SynthRng::for_image(o.seed, i);
    io::GeoReference georef;
    // Chips tile Atlanta's UTM grid: origins on whole metres.
    georef.transform = {std::round(image_rng.uniform(725000, 745000)), kPixelMetres, 0.0,
                        std::round(image_rng.uniform(3720000, 3740000)), 0.0, -kPixelMetres};
    georef.crs_wkt = crs_wkt;
    const Chip chip = draw_chip(o.height, o.width, empty[i], georef, image_rng);
    const std::string image_name = kImagePrefix + keys[i] + ".tif";
    io::write_geotiff(image_dir / image_name, chip.image, georef);
    json features = json::array();
    for (const auto& roof : chip.roofs) features.push_back(to_feature(roof));
    const json labels = {
        {"type", "FeatureCollection"},
        {"crs", {{"type", "name"}, {"properties", {{"name", "urn:ogc:def:crs:EPSG::32616"}}}}},
        {"features", std::move(features)}};
    write_file_atomic(label_dir / (kLabelPrefix + keys[i] + ".geojson"), labels.dump() + "\n");
    recorder.add(image_name, chip.image, {chip.mask});
  }
  return recorder.finish(out_dir,
                         "# Synthetic SpaceNet-style building chips (segkit synth --kind buildings); paths are "
                         "relative to this folder.\n"
                         "data:\n"
                         "  format: geotiff\n"
                         "  image_dir: RGB-PanSharpen\n"
                         "  label_dir: geojson/buildings\n"
                         "  image_prefix: RGB-PanSharpen_\n"
                         "  label_prefix: buildings_\n"
                         "  classes: [building]\n");
}

}  // namespace segkit::data
