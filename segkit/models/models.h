#pragma once
// Umbrella header of the models room: SegmentationModel, the architectures and the registry.

#include "segkit/models/fpn/fpn.h"
#include "segkit/models/linknet/linknet.h"
#include "segkit/models/model_registry.h"
#include "segkit/models/parity.h"
#include "segkit/models/pspnet/pspnet.h"
#include "segkit/models/segmentation_model.h"
#include "segkit/models/unet/unet.h"
