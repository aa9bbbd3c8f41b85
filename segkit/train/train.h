#pragma once
// Umbrella header of the train room: optimisers with per-part param groups, learning-rate
// schedules, weight EMA, and BatchNorm/freezing control (docs/training.md).

#include "segkit/train/batchnorm_control.h"
#include "segkit/train/ema.h"
#include "segkit/train/lr_schedules.h"
#include "segkit/train/one_cycle.h"
#include "segkit/train/optimizer_factory.h"
#include "segkit/train/optimizer_groups.h"
#include "segkit/train/plateau.h"
#include "segkit/train/schedulers.h"
#include "segkit/train/section_args.h"
#include "segkit/train/checkpoint.h"
#include "segkit/train/epoch_metrics.h"
#include "segkit/train/run_log.h"
#include "segkit/train/train_options.h"
#include "segkit/train/train_run.h"
#include "segkit/train/train_state.h"
#include "segkit/train/trainer.h"
