#pragma once
// Umbrella header of the encoders room: the encoder contract, the families and the registry.

#include "segkit/encoders/densenet.h"
#include "segkit/encoders/efficientnet.h"
#include "segkit/encoders/encoder.h"
#include "segkit/encoders/encoder_registry.h"
#include "segkit/encoders/resnet.h"
