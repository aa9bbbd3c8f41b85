#pragma once
// Umbrella header of the loader room: Mat <-> tensor conversion, epoch orders and sampling, collation
// and the threaded DataLoader that turns a Dataset plus a transform pipeline into training batches.

#include "segkit/loader/batch.h"
#include "segkit/loader/collate.h"
#include "segkit/loader/data_loader.h"
#include "segkit/loader/mat_tensor.h"
#include "segkit/loader/sampler.h"
