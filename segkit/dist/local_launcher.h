#pragma once
// `segkit train --nproc N`: N copies of this program on this machine, ranks 0..N-1, joined through
// a TCPStore on a free loopback port, with the environment torchrun would give them (RANK,
// WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT) and OMP_NUM_THREADS = cores / N unless set.
// The launcher waits; when a rank fails, it stops the others and reports which rank failed.

#include <string>
#include <vector>

namespace segkit::dist {

/// `arguments` is the full command line (arguments[0] the program) without --nproc. Returns 0 when
/// every rank succeeded; throws DistError naming the first rank that failed and how.
int launch_local(const std::vector<std::string>& arguments, int nproc);

/// A TCP port on 127.0.0.1 that was free a moment ago.
int free_local_port();

}  // namespace segkit::dist
