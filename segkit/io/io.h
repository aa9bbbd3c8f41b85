#pragma once
// Umbrella header of the io room: file formats, torch-free (safetensors now; images and RLE later).

#include "segkit/io/rle.h"
#include "segkit/io/safetensors.h"
