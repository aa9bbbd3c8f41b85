#pragma once
// The process's place in a distributed run, from torchrun's environment variables, so torchrun-style
// launchers and Slurm (`srun` with these exported) start segkit like a PyTorch script:
//
//   RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR (default 127.0.0.1), MASTER_PORT (default 29500),
//   SEGKIT_DIST_TIMEOUT (seconds a collective may wait for a peer, default 300).

#include <optional>
#include <string>

namespace segkit::dist {

struct DistEnv {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  int timeout_seconds = 300;
};

/// nullopt when WORLD_SIZE is unset or 1 (a single process). Throws ConfigError naming the variable
/// when one is malformed or RANK is outside 0..WORLD_SIZE-1.
std::optional<DistEnv> dist_env_from_environment();

}  // namespace segkit::dist
