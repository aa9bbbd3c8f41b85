#pragma once
// Umbrella header of the io room: file formats, torch-free (safetensors, RLE, CSV, images).

#include "segkit/io/csv.h"
#include "segkit/io/dicom.h"
#include "segkit/io/geojson.h"
#include "segkit/io/geotiff.h"  // declarations only; defined when SEGKIT_WITH_GDAL
#include "segkit/io/image_io.h"
#include "segkit/io/raster.h"
#include "segkit/io/rle.h"
#include "segkit/io/safetensors.h"
