#pragma once
// Umbrella header of the pipeline room: the commands' library calls that join inference,
// post-processing and submission files (predict_to_directory).

#include "segkit/pipeline/ensemble_run.h"
#include "segkit/pipeline/predict_run.h"
#include "segkit/pipeline/image_source.h"
#include "segkit/pipeline/probability_file.h"
#include "segkit/pipeline/pseudo_label_run.h"
