#pragma once
// Umbrella header of the io room: file formats, torch-free (safetensors, RLE, CSV, images).

#include "segkit/io/csv.h"
#include "segkit/io/image_io.h"
#include "segkit/io/rle.h"
#include "segkit/io/safetensors.h"
