#pragma once
// Umbrella header of the postprocess room: probabilities -> masks (threshold, small components, holes,
// shapes, classifier gating), postprocess.yaml, out-of-fold reading and the parameter search (torch-free).

#include "segkit/postprocess/class_postprocess.h"
#include "segkit/postprocess/oof_reader.h"
#include "segkit/postprocess/postprocess_config.h"
#include "segkit/postprocess/threshold_search.h"
#include "segkit/postprocess/two_stage_oof.h"
