#pragma once
// Umbrella header of the models room: SegmentationModel, the architectures, the registry, the hub
// format (save_pretrained/from_pretrained), inference copies and parity.

#include "segkit/models/deeplab/deeplab.h"
#include "segkit/models/fpn/fpn.h"
#include "segkit/models/hub_format.h"
#include "segkit/models/inference_copy.h"
#include "segkit/models/linknet/linknet.h"
#include "segkit/models/model_registry.h"
#include "segkit/models/parity.h"
#include "segkit/models/pspnet/pspnet.h"
#include "segkit/models/segmentation_model.h"
#include "segkit/models/unet/unet.h"
#include "segkit/models/unetplusplus/unetplusplus.h"
