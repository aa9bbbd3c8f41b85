#pragma once
// Umbrella header of the submit room: prediction directories, Kaggle submission CSVs (write, read,
// self-check) and scoring predictions against a ground-truth dataset. Torch-free.

#include "segkit/submit/evaluate.h"
#include "segkit/submit/prediction_dir.h"
#include "segkit/submit/submission_format.h"
#include "segkit/submit/submission_writer.h"
