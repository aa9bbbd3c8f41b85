#pragma once
// Umbrella header of the core room: errors, atomic output files, logging, progress, string helpers.
// Core is torch-free and OpenCV-free, so everything can depend on it cheaply.

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/logging.h"
#include "segkit/core/background_consumer.h"
#include "segkit/core/confusion_matrix.h"
#include "segkit/core/parallel.h"
#include "segkit/core/paths.h"
#include "segkit/core/progress.h"
#include "segkit/core/strings.h"
#include "segkit/core/task_mode.h"
