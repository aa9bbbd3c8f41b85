#pragma once
// Umbrella header of the infer room: test-time augmentation, sliding-window tiling, the Predictor.

#include "segkit/infer/predictor.h"
#include "segkit/infer/tiling.h"
#include "segkit/infer/tta.h"
