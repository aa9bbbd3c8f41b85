#pragma once
// Umbrella header of the infer room: test-time augmentation and sliding-window tiling.

#include "segkit/infer/tiling.h"
#include "segkit/infer/tta.h"
