#pragma once
// GeoTIFF (and any raster GDAL opens) in and out, keeping the georeference so predictions can be
// written back onto the map. Built only when CMake finds GDAL: SEGKIT_WITH_GDAL is then 1, and
// without it these functions are not in the library.
//
//   io::GeoRaster chip = io::read_geotiff("AOI_11_Rotterdam_img1.tif");    // CV_16UC4, UTM 31N
//   cv::Mat rgb = io::to_rgb8(chip);                                        // raster.h
//   io::write_geotiff("pred/img1.tif", probabilities, chip.georef);         // Float32, same grid
//
// GeoReference, GeoRaster and to_rgb8 live in raster.h (no GDAL needed).

#include <filesystem>
#include <string>

#include "segkit/io/geojson.h"
#include "segkit/io/raster.h"

namespace segkit::io {

/// All bands at their native depth, the geotransform, the CRS as WKT and the no-data value.
/// IoError when the file is missing, DataError naming it when GDAL cannot read it (not a raster,
/// truncated, complex pixels, more than 512 bands). UInt32 bands come back CV_64F (OpenCV has no
/// unsigned 32-bit depth; doubles hold them exactly).
GeoRaster read_geotiff(const std::filesystem::path& path);

/// Only the geotransform and CRS (the header; no pixels are read). Errors as read_geotiff.
GeoReference read_georeference(const std::filesystem::path& path);

/// Writes a GeoTIFF (DEFLATE-compressed): CV_8U bands as Byte, CV_32F as Float32, one band per
/// channel; the geotransform and CRS unless `georef` is the identity without CRS. Atomic (temp file
/// beside the target, then rename). DataError for any other depth.
void write_geotiff(const std::filesystem::path& path, const cv::Mat& image, const GeoReference& georef);

/// Whether two CRS descriptions (WKT, "EPSG:32616", OGC URNs such as GeoJSON's legacy crs name)
/// name the same CRS. DataError when one cannot be parsed.
bool same_crs(const std::string& a, const std::string& b);

/// The WKT of a CRS given as "EPSG:32616", an OGC URN or WKT (for GeoReference::crs_wkt). DataError
/// when it cannot be parsed.
std::string crs_to_wkt(const std::string& crs);

/// The 0/1 CV_8U mask of a GeoJSON file's polygons on a raster's grid (rasterize_polygons). The
/// labels' legacy crs member, when present and the raster has a CRS, must name the raster's CRS:
/// otherwise a DataError says to reproject them (ogr2ogr -t_srs). Labels without a crs member are
/// taken to be in the raster's CRS.
cv::Mat rasterize_geojson(const std::filesystem::path& geojson, const GeoReference& georef, int rows, int cols);

}  // namespace segkit::io
