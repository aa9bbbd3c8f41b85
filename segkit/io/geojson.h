#pragma once
// GeoJSON building footprints (SpaceNet, solaris, OSM extracts) as polygons in world coordinates, and
// their rasterisation onto a raster's pixel grid. No GDAL needed.
//
//   io::GeoJson labels = io::read_geojson("chip.geojson");
//   cv::Mat mask = io::rasterize_polygons(labels.polygons, chip.georef, 900, 900);   // CV_8U 0/1
//
// Accepted: a FeatureCollection, a Feature or a bare geometry; Polygon, MultiPolygon and
// GeometryCollection geometries (a MultiPolygon becomes one Polygon per part); features with a null
// geometry are skipped; properties are ignored. Points and lines have no area and are DataErrors.
// Coordinates are taken as-is in the raster's CRS: RFC 7946 says lon/lat, but building pipelines
// write labels in the image's CRS (SpaceNet's metres in UTM) and say so with the legacy `crs` member,
// which is returned for the caller to compare (geotiff.h: same_crs).

#include <opencv2/core/mat.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "segkit/io/raster.h"

namespace segkit::io {

/// rings[0] is the outer boundary, the others holes; rings need not repeat their first position.
struct GeoPolygon {
  std::vector<std::vector<cv::Point2d>> rings{};
};

struct GeoJson {
  std::vector<GeoPolygon> polygons{};
  std::string crs{};  ///< the legacy `crs` member's name ("urn:ogc:def:crs:EPSG::32616"), empty if absent
};

/// DataError naming `source` and the feature (`features[3]`) for malformed input: invalid JSON,
/// missing or non-numeric coordinates, rings with fewer than 3 positions, unsupported types.
GeoJson parse_geojson(std::string_view text, const std::string& source);
/// IoError when the file is missing.
GeoJson read_geojson(const std::filesystem::path& path);

/// CV_8U rows x cols mask, 1 where a pixel's centre lies inside a polygon (GDAL's default rule, as
/// gdal_rasterize without -at): scanlines at row + 0.5, even-odd over the rings of each polygon (so
/// holes are off), polygons united. A centre exactly on an edge follows GDAL's half-open spans (in on
/// a shape's top and right edges, out on its left and bottom ones), so shapes sharing an edge never
/// both take a pixel; GDAL's extra burn of some horizontal edges that lie exactly on a row of centres,
/// which depends on the ring's direction, is not copied.
cv::Mat rasterize_polygons(const std::vector<GeoPolygon>& polygons, const GeoReference& georef, int rows, int cols);

}  // namespace segkit::io
