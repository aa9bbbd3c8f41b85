#include "segkit/io/geotiff.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <mutex>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"

namespace segkit::io {
namespace {

void register_drivers() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

// GDAL prints its errors to stderr by default; segkit reports them in the exception instead. The
// handler stack is per thread, so loader workers do not interfere.
class QuietGdal {
 public:
  QuietGdal() {
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
  }
  ~QuietGdal() { CPLPopErrorHandler(); }
  QuietGdal(const QuietGdal&) = delete;
  QuietGdal& operator=(const QuietGdal&) = delete;

  static std::string last_error() {
    const std::string message = CPLGetLastErrorMsg();
    return message.empty() ? "GDAL gave no reason" : message;
  }
};

// Rasters come back at their own depth where OpenCV has one; UInt32 and 64-bit integers as doubles.
GDALDataType read_type(GDALDataType stored, int& depth) {
  switch (stored) {
    case GDT_Byte: depth = CV_8U; return GDT_Byte;
    case GDT_UInt16: depth = CV_16U; return GDT_UInt16;
    case GDT_Int16: depth = CV_16S; return GDT_Int16;
    case GDT_Int32: depth = CV_32S; return GDT_Int32;
    case GDT_Float32: depth = CV_32F; return GDT_Float32;
    default: depth = CV_64F; return GDT_Float64;
  }
}

std::string crs_label(const OGRSpatialReference& srs) {
  const char* name = srs.GetName();
  const char* authority = srs.GetAuthorityName(nullptr);
  const char* code = srs.GetAuthorityCode(nullptr);
  std::string label = name ? name : "unnamed CRS";
  if (authority && code) label += std::string(" (") + authority + ":" + code + ")";
  return label;
}

OGRSpatialReference parse_crs(const std::string& text) {
  OGRSpatialReference srs;
  // The limitations keep a label file from making GDAL read files or the network.
  if (srs.SetFromUserInput(text.c_str(), OGRSpatialReference::SET_FROM_USER_INPUT_LIMITATIONS_get()) != OGRERR_NONE) {
    throw DataError("unrecognised CRS '" + text + "'");
  }
  return srs;
}

GDALDatasetUniquePtr open_raster(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) throw IoError("GeoTIFF not found: " + path.string());
  register_drivers();
  GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!dataset) throw DataError("cannot read raster " + path.string() + ": " + QuietGdal::last_error());
  return dataset;
}

GeoReference georeference_of(GDALDataset& dataset) {
  GeoReference georef;
  double transform[6];
  if (dataset.GetGeoTransform(transform) == CE_None) std::copy(transform, transform + 6, georef.transform.begin());
  if (const char* wkt = dataset.GetProjectionRef()) georef.crs_wkt = wkt;
  return georef;
}

}  // namespace

GeoReference read_georeference(const std::filesystem::path& path) {
  QuietGdal quiet;
  return georeference_of(*open_raster(path));
}

GeoRaster read_geotiff(const std::filesystem::path& path) {
  QuietGdal quiet;
  GDALDatasetUniquePtr dataset = open_raster(path);
  const std::string where = "cannot read raster " + path.string() + ": ";
  const int bands = dataset->GetRasterCount();
  if (bands < 1 || bands > CV_CN_MAX) {
    throw DataError(where + std::to_string(bands) + " bands (segkit reads 1 to " + std::to_string(CV_CN_MAX) + ")");
  }
  GDALDataType stored = dataset->GetRasterBand(1)->GetRasterDataType();
  for (int b = 2; b <= bands; ++b) stored = GDALDataTypeUnion(stored, dataset->GetRasterBand(b)->GetRasterDataType());
  if (GDALDataTypeIsComplex(stored)) throw DataError(where + "complex pixels are not supported");
  int depth = CV_8U;
  const GDALDataType type = read_type(stored, depth);
  GeoRaster raster;
  raster.pixels.create(dataset->GetRasterYSize(), dataset->GetRasterXSize(), CV_MAKETYPE(depth, bands));
  const auto element = static_cast<GSpacing>(raster.pixels.elemSize1());
  if (dataset->RasterIO(GF_Read, 0, 0, raster.pixels.cols, raster.pixels.rows, raster.pixels.data, raster.pixels.cols,
                        raster.pixels.rows, type, bands, nullptr, element * bands,
                        static_cast<GSpacing>(raster.pixels.step[0]), element, nullptr) != CE_None) {
    throw DataError(where + QuietGdal::last_error());
  }
  raster.georef = georeference_of(*dataset);
  int has_nodata = 0;
  const double nodata = dataset->GetRasterBand(1)->GetNoDataValue(&has_nodata);
  if (has_nodata) raster.nodata = nodata;
  return raster;
}

void write_geotiff(const std::filesystem::path& path, const cv::Mat& image, const GeoReference& georef) {
  const std::string where = "cannot write GeoTIFF " + path.string() + ": ";
  if (image.empty()) throw DataError(where + "empty image");
  if (image.depth() != CV_8U && image.depth() != CV_32F) {
    throw DataError(where + "pixels must be CV_8U (Byte) or CV_32F (Float32); convert them with convertTo");
  }
  const GDALDataType type = image.depth() == CV_8U ? GDT_Byte : GDT_Float32;
  register_drivers();
  write_atomic_with(path, [&](const std::filesystem::path& temp) {
    QuietGdal quiet;
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (!driver) throw DataError(where + "this GDAL has no GTiff driver");
    // Without PAM, GDAL never writes a .aux.xml sidecar named after the temp file.
    const std::string pam = CPLGetThreadLocalConfigOption("GDAL_PAM_ENABLED", "");
    CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", "NO");
    const char* const options[] = {"COMPRESS=DEFLATE", nullptr};
    GDALDatasetUniquePtr dataset(
        driver->Create(temp.c_str(), image.cols, image.rows, image.channels(), type, const_cast<char**>(options)));
    CPLErr status = dataset ? CE_None : CE_Failure;
    if (dataset && !georef.is_identity()) {
      status = dataset->SetGeoTransform(const_cast<double*>(georef.transform.data()));
    }
    if (status == CE_None && !georef.crs_wkt.empty()) status = dataset->SetProjection(georef.crs_wkt.c_str());
    const auto element = static_cast<GSpacing>(image.elemSize1());
    if (status == CE_None) {
      status = dataset->RasterIO(GF_Write, 0, 0, image.cols, image.rows, const_cast<uint8_t*>(image.data), image.cols,
                                 image.rows, type, image.channels(), nullptr, element * image.channels(),
                                 static_cast<GSpacing>(image.step[0]), element, nullptr);
    }
    dataset.reset();  // closing flushes the strips; failures surface as the last error
    CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", pam.empty() ? nullptr : pam.c_str());
    if (status != CE_None || CPLGetLastErrorType() == CE_Failure) throw DataError(where + QuietGdal::last_error());
  });
}

bool same_crs(const std::string& a, const std::string& b) {
  register_drivers();
  QuietGdal quiet;
  const OGRSpatialReference first = parse_crs(a);
  const OGRSpatialReference second = parse_crs(b);
  // Axis order differs between EPSG:4326 and CRS84 but not the meaning of GeoJSON's [x, y].
  const char* const options[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                                 "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", nullptr};
  return first.IsSame(&second, options);
}

std::string crs_to_wkt(const std::string& crs) {
  register_drivers();
  QuietGdal quiet;
  char* wkt = nullptr;
  if (parse_crs(crs).exportToWkt(&wkt) != OGRERR_NONE || !wkt) {
    CPLFree(wkt);
    throw DataError("cannot express CRS '" + crs + "' as WKT");
  }
  std::string text = wkt;
  CPLFree(wkt);
  return text;
}

cv::Mat rasterize_geojson(const std::filesystem::path& geojson, const GeoReference& georef, int rows, int cols) {
  const GeoJson labels = read_geojson(geojson);
  if (!labels.crs.empty() && !georef.crs_wkt.empty()) {
    bool same = false;
    std::string raster_crs;
    try {
      same = same_crs(labels.crs, georef.crs_wkt);
      raster_crs = crs_label(parse_crs(georef.crs_wkt));
    } catch (const DataError& e) {
      throw DataError(geojson.string() + ": " + e.what());
    }
    if (!same) {
      throw DataError(geojson.string() + ": labels are in " + labels.crs + " but the raster is in " + raster_crs +
                      "; reproject the labels to the raster's CRS (ogr2ogr -t_srs)");
    }
  }
  return rasterize_polygons(labels.polygons, georef, rows, cols);
}

}  // namespace segkit::io
