# Third-party packages, found once. Debian 12 provides all of them (scripts/install_deps.sh).

find_package(OpenCV 4 REQUIRED COMPONENTS core imgproc imgcodecs calib3d dnn)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(Threads REQUIRED)
# GDCM decodes DICOM (segkit/io/dicom.cpp). Debian's GDCMTargets.cmake prints a screenful per gdcm
# command-line tool that is not installed (libgdcm-tools); segkit links only the libraries, so the
# notes are noise. The block keeps the quieter log level from leaking into the rest of the project.
block(SCOPE_FOR VARIABLES)
  set(CMAKE_MESSAGE_LOG_LEVEL NOTICE)
  find_package(GDCM 3 REQUIRED)
endblock()
# giflib decodes GIF (segkit/io/gif.cpp): OpenCV 4.6 has no GIF codec.
find_package(GIF REQUIRED)

# GDAL reads and writes GeoTIFFs (segkit/io/geotiff.cpp, format: geotiff). Optional: without it the
# geotiff format is a ConfigError saying to install libgdal-dev; -DCMAKE_DISABLE_FIND_PACKAGE_GDAL=ON
# builds that variant on a machine that has GDAL.
find_package(GDAL QUIET)
if(GDAL_FOUND)
  set(SEGKIT_WITH_GDAL ON)
else()
  set(SEGKIT_WITH_GDAL OFF)
endif()

# yaml-cpp 0.7 (Debian 12) exports `yaml-cpp`, 0.8 exports `yaml-cpp::yaml-cpp`.
if(TARGET yaml-cpp::yaml-cpp)
  set(SEGKIT_YAML_TARGET yaml-cpp::yaml-cpp)
else()
  set(SEGKIT_YAML_TARGET yaml-cpp)
endif()

# glibc malloc maps/unmaps every large tensor; tcmalloc linked into the executables makes
# training 1.6x and inference 2.3x faster here (docs/design.md). Optional: absent, we use glibc.
# Sanitizer builds keep glibc's: ASan replaces the allocator itself.
if(SEGKIT_SANITIZE)
  set(SEGKIT_TCMALLOC "")
else()
  find_library(SEGKIT_TCMALLOC NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
endif()
