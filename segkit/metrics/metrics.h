#pragma once
// Umbrella header of the metrics room: SMP's confusion stats and scores with reductions, the
// Kaggle / seed-pipeline Dice variants, epoch meters, and classification-head metrics.

#include "segkit/metrics/classification.h"
#include "segkit/metrics/confusion_stats.h"
#include "segkit/metrics/kaggle_dice.h"
#include "segkit/metrics/meters.h"
#include "segkit/metrics/scores.h"
