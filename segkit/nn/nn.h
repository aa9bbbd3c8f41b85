#pragma once
// Umbrella header of the nn room: the lowest room that uses LibTorch (runtime settings, tensor files;
// the building blocks of models follow).

#include "segkit/nn/runtime.h"
#include "segkit/nn/tensor_io.h"
