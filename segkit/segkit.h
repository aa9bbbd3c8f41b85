#pragma once
// segkit: Kaggle-style segmentation pipelines in C++ on LibTorch. One include per room.

#include "segkit/config/config.h"
#include "segkit/core/core.h"
#include "segkit/data/data.h"
#include "segkit/encoders/encoders.h"
#include "segkit/infer/infer.h"
#include "segkit/io/io.h"
#include "segkit/loader/loader.h"
#include "segkit/losses/losses.h"
#include "segkit/metrics/metrics.h"
#include "segkit/models/models.h"
#include "segkit/nn/nn.h"
#include "segkit/report/report.h"
#include "segkit/train/train.h"
#include "segkit/transforms/transforms.h"
