#pragma once
// Umbrella header of the transforms room: albumentations-style joint image/mask augmentation,
// torch-free (OpenCV core + imgproc). See transform.h for the contract, docs/transforms.md for the
// YAML syntax and every transform's parameters.

#include "segkit/transforms/affine.h"
#include "segkit/transforms/blur_noise.h"
#include "segkit/transforms/coarse_dropout.h"
#include "segkit/transforms/color.h"
#include "segkit/transforms/compose.h"
#include "segkit/transforms/crops_resize_pad.h"
#include "segkit/transforms/distortions.h"
#include "segkit/transforms/fastai_transforms.h"
#include "segkit/transforms/filters.h"
#include "segkit/transforms/flips_rotations.h"
#include "segkit/transforms/normalize.h"
#include "segkit/transforms/perspective.h"
#include "segkit/transforms/shift_scale_rotate.h"
#include "segkit/transforms/transform.h"
#include "segkit/transforms/transform_registry.h"
