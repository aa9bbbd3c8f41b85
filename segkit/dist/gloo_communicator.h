#pragma once
// Communicator on PyTorch's own c10d process group with the Gloo backend (CPU tensors), joined
// through a c10d TCPStore that rank 0 serves at MASTER_ADDR:MASTER_PORT, as torch.distributed's
// env:// rendezvous does. The c10d headers stay inside gloo_communicator.cpp.
//
//   auto env = segkit::dist::dist_env_from_environment();      // RANK, WORLD_SIZE, ...
//   if (env) communicator = segkit::dist::connect_gloo(*env);   // waits for every rank
//
// Tensors travel in buckets of at most 16 MB (flattened per dtype), so a ResNet's hundreds of
// gradients cost a few collectives. A peer that dies or stalls makes the waiting collective throw
// DistError within the timeout instead of hanging.

#include "segkit/dist/communicator.h"
#include "segkit/dist/dist_env.h"

namespace segkit::dist {

/// Throws DistError when the rendezvous fails within env.timeout_seconds.
CommunicatorPtr connect_gloo(const DistEnv& env);

}  // namespace segkit::dist
