#pragma once
// Umbrella header of the losses room: the Loss interface and modes, SMP's losses (Dice, Jaccard,
// Tversky, Focal, Lovasz, SoftBCE, SoftCE) on a functional core, BCE / cross-entropy / KL for soft
// labels, the seed pipelines' symmetric Dice, weighted sums, and the config registry.

#include "segkit/losses/bce_loss.h"
#include "segkit/losses/cross_entropy_loss.h"
#include "segkit/losses/dice_loss.h"
#include "segkit/losses/focal_loss.h"
#include "segkit/losses/functional.h"
#include "segkit/losses/jaccard_loss.h"
#include "segkit/losses/kl_div_loss.h"
#include "segkit/losses/loss.h"
#include "segkit/losses/loss_args.h"
#include "segkit/losses/loss_registry.h"
#include "segkit/losses/lovasz_loss.h"
#include "segkit/losses/soft_bce_loss.h"
#include "segkit/losses/soft_ce_loss.h"
#include "segkit/losses/symmetric_dice_loss.h"
#include "segkit/losses/tversky_loss.h"
#include "segkit/losses/weighted_sum_loss.h"
