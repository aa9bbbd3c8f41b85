#pragma once
// Umbrella header of the nn room: the lowest room that uses LibTorch (runtime settings, tensor files,
// state dicts) and SMP's small building blocks (Conv2dReLU, SCSE attention, activations, heads).

#include "segkit/nn/activation.h"
#include "segkit/nn/attention.h"
#include "segkit/nn/conv2d_relu.h"
#include "segkit/nn/heads.h"
#include "segkit/nn/runtime.h"
#include "segkit/nn/state_dict.h"
#include "segkit/nn/task_outputs.h"
#include "segkit/nn/tensor_io.h"
