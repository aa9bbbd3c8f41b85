#pragma once
// Umbrella header of the data room (torch-free): Sample, the Dataset interface and the readers.

#include "segkit/data/concat_dataset.h"
#include "segkit/data/dataset.h"
#include "segkit/data/dataset_factory.h"
#include "segkit/data/folds.h"
#include "segkit/data/geotiff_dataset.h"  // defined when SEGKIT_WITH_GDAL
#include "segkit/data/image_folder_dataset.h"
#include "segkit/data/labelme_dataset.h"
#include "segkit/data/mask_folder_dataset.h"
#include "segkit/data/prepared_dataset.h"
#include "segkit/data/rle_csv_dataset.h"
#include "segkit/data/sample.h"
#include "segkit/data/synth.h"
