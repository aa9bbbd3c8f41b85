#pragma once
// Umbrella header of the export room: trained models as ONNX files (docs/export.md), and running
// them in OpenCV's DNN module to check them.

#include "segkit/export/onnx_export.h"
#include "segkit/export/opencv_dnn_check.h"
