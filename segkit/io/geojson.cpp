#include "segkit/io/geojson.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"

namespace segkit::io {
namespace {

using nlohmann::json;

// Reports where a problem is: the file, and the feature when there is one.
struct Where {
  const std::string& source;
  std::string feature;  // "features[3]", or empty for a bare geometry

  [[noreturn]] void fail(const std::string& what) const {
    throw DataError(source + (feature.empty() ? "" : ": " + feature) + ": " + what);
  }
};

const json& member(const json& object, const char* key, const Where& where, const std::string& type) {
  if (!object.is_object() || !object.contains(key)) where.fail(type + " has no \"" + key + "\" member");
  return object[key];
}

std::vector<cv::Point2d> parse_ring(const json& ring, const Where& where, const std::string& what) {
  if (!ring.is_array()) where.fail(what + " is not an array of positions");
  std::vector<cv::Point2d> points;
  for (size_t i = 0; i < ring.size(); ++i) {
    const json& position = ring[i];
    if (!position.is_array() || position.size() < 2 || !position[0].is_number() || !position[1].is_number()) {
      where.fail(what + " position " + std::to_string(i) + " is not [x, y]: " + position.dump());
    }
    points.emplace_back(position[0].get<double>(), position[1].get<double>());
  }
  if (points.size() > 1 && points.front() == points.back()) points.pop_back();  // closing position
  if (points.size() < 3) where.fail(what + " has fewer than 3 distinct positions");
  return points;
}

GeoPolygon parse_polygon(const json& rings, const Where& where, const std::string& what) {
  if (!rings.is_array() || rings.empty()) where.fail(what + " coordinates must be a non-empty array of rings");
  GeoPolygon polygon;
  for (size_t r = 0; r < rings.size(); ++r) {
    polygon.rings.push_back(parse_ring(rings[r], where, what + " ring " + std::to_string(r)));
  }
  return polygon;
}

void parse_geometry(const json& geometry, const Where& where, std::vector<GeoPolygon>& out) {
  if (!geometry.is_object()) where.fail("geometry is not an object");
  const json& type_value = member(geometry, "type", where, "geometry");
  const std::string type = type_value.is_string() ? type_value.get<std::string>() : type_value.dump();
  if (type == "Polygon") {
    out.push_back(parse_polygon(member(geometry, "coordinates", where, type), where, "Polygon"));
  } else if (type == "MultiPolygon") {
    const json& parts = member(geometry, "coordinates", where, type);
    if (!parts.is_array()) where.fail("MultiPolygon coordinates must be an array of polygons");
    for (size_t p = 0; p < parts.size(); ++p) {
      out.push_back(parse_polygon(parts[p], where, "MultiPolygon part " + std::to_string(p)));
    }
  } else if (type == "GeometryCollection") {
    const json& members = member(geometry, "geometries", where, type);
    if (!members.is_array()) where.fail("GeometryCollection geometries must be an array");
    for (const auto& child : members) parse_geometry(child, where, out);
  } else if (type == "Point" || type == "MultiPoint" || type == "LineString" || type == "MultiLineString") {
    where.fail(type + " has no area; footprint labels must be Polygon or MultiPolygon");
  } else {
    where.fail("unknown geometry type " + type + " (Polygon, MultiPolygon, GeometryCollection)");
  }
}

void parse_feature(const json& feature, const Where& where, std::vector<GeoPolygon>& out) {
  if (!feature.is_object() || feature.value("type", json()) != "Feature") where.fail("not a Feature object");
  const json& geometry = member(feature, "geometry", where, "Feature");
  if (!geometry.is_null()) parse_geometry(geometry, where, out);
}

std::string crs_name(const json& document) {
  if (!document.contains("crs") || !document["crs"].is_object()) return "";
  const json properties = document["crs"].value("properties", json::object());
  if (properties.contains("name") && properties["name"].is_string()) return properties["name"].get<std::string>();
  if (properties.contains("code") && properties["code"].is_number_integer()) {  // GeoJSON 2008 "EPSG" type
    return "EPSG:" + std::to_string(properties["code"].get<int>());
  }
  return "";
}

// Even-odd scanline fill of one polygon at pixel centres, in pixel coordinates. An edge counts for
// the scanlines in [top, bottom) and a span covers the centres in (left, right], as GDAL's
// GDALdllImageFilledPolygon (floor(x + 0.5) on both ends), so masks agree with gdal_rasterize.
void fill_polygon(const std::vector<std::vector<cv::Point2d>>& rings, cv::Mat& mask) {
  double top = INFINITY, bottom = -INFINITY;
  for (const auto& ring : rings) {
    for (const auto& p : ring) {
      top = std::min(top, p.y);
      bottom = std::max(bottom, p.y);
    }
  }
  if (!(bottom >= 0.0 && top < mask.rows)) return;
  // Clamped as doubles: far-away coordinates must not overflow an int.
  const int first = static_cast<int>(std::max(0.0, std::floor(top)));
  const int last = static_cast<int>(std::min(mask.rows - 1.0, std::floor(bottom)));
  std::vector<double> crossings;
  for (int row = first; row <= last; ++row) {
    const double y = row + 0.5;
    crossings.clear();
    for (const auto& ring : rings) {
      for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        cv::Point2d a = ring[j], b = ring[i];
        if (a.y == b.y) continue;
        if (a.y > b.y) std::swap(a, b);
        if (y >= a.y && y < b.y) crossings.push_back((y - a.y) * (b.x - a.x) / (b.y - a.y) + a.x);
      }
    }
    std::sort(crossings.begin(), crossings.end());
    uint8_t* out = mask.ptr<uint8_t>(row);
    for (size_t k = 0; k + 1 < crossings.size(); k += 2) {
      const double cols = mask.cols;
      const int begin = static_cast<int>(std::clamp(std::floor(crossings[k] + 0.5), 0.0, cols));
      const int end = static_cast<int>(std::clamp(std::floor(crossings[k + 1] + 0.5), 0.0, cols));
      std::fill(out + begin, out + std::max(begin, end), uint8_t{1});
    }
  }
}

}  // namespace

GeoJson parse_geojson(std::string_view text, const std::string& source) {
  json document;
  try {
    document = json::parse(text);
  } catch (const json::exception& e) {
    throw DataError(source + ": not valid JSON: " + e.what());
  }
  if (!document.is_object() || !document.contains("type") || !document["type"].is_string()) {
    throw DataError(source + ": not a GeoJSON object (no \"type\" member)");
  }
  GeoJson result;
  result.crs = crs_name(document);
  const std::string type = document["type"].get<std::string>();
  if (type == "FeatureCollection") {
    const Where top{source, ""};
    const json& features = member(document, "features", top, "FeatureCollection");
    if (!features.is_array()) top.fail("FeatureCollection \"features\" is not an array");
    for (size_t i = 0; i < features.size(); ++i) {
      parse_feature(features[i], Where{source, "features[" + std::to_string(i) + "]"}, result.polygons);
    }
  } else if (type == "Feature") {
    parse_feature(document, Where{source, "feature"}, result.polygons);
  } else {
    parse_geometry(document, Where{source, ""}, result.polygons);
  }
  return result;
}

GeoJson read_geojson(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) throw IoError("GeoJSON not found: " + path.string());
  return parse_geojson(read_file(path), path.string());
}

cv::Mat rasterize_polygons(const std::vector<GeoPolygon>& polygons, const GeoReference& georef, int rows, int cols) {
  if (rows < 0 || cols < 0) throw ShapeError("rasterize_polygons: negative size");
  cv::Mat mask = cv::Mat::zeros(rows, cols, CV_8U);
  std::vector<std::vector<cv::Point2d>> pixel_rings;
  for (const auto& polygon : polygons) {
    pixel_rings.clear();
    for (const auto& ring : polygon.rings) {
      std::vector<cv::Point2d> pixels;
      pixels.reserve(ring.size());
      for (const auto& world : ring) pixels.push_back(georef.world_to_pixel(world));
      pixel_rings.push_back(std::move(pixels));
    }
    fill_polygon(pixel_rings, mask);
  }
  return mask;
}

}  // namespace segkit::io
