#include "segkit/dist/local_launcher.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "segkit/core/error.h"
#include "segkit/core/logging.h"

namespace segkit::dist {
namespace {

std::string describe_status(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("was killed by signal {}", WTERMSIG(status));
  return "stopped";
}

// Child side: set the rank's environment and become the program again. Only async-signal-safe
// calls would be strictly allowed after fork in a threaded process; setenv/execv before any other
// work is the usual, working compromise (the parent holds no locks the child needs).
[[noreturn]] void become_rank(const std::vector<std::string>& arguments, int rank, int nproc, int port,
                              int threads) {
  setenv("RANK", std::to_string(rank).c_str(), 1);
  setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
  setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
  setenv("MASTER_ADDR", "127.0.0.1", 1);
  setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
  setenv("OMP_NUM_THREADS", std::to_string(threads).c_str(), 0);
  std::vector<char*> argv;
  for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  execv("/proc/self/exe", argv.data());
  _exit(127);
}

}  // namespace

int free_local_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw DistError("cannot open a socket to find a free port");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  close(fd);
  if (!ok) throw DistError("cannot find a free port on 127.0.0.1");
  return ntohs(address.sin_port);
}

int launch_local(const std::vector<std::string>& arguments, int nproc) {
  if (nproc < 1) throw ConfigError(fmt::format("--nproc must be >= 1, got {}", nproc));
  const int port = free_local_port();
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = std::max(1, cores / nproc);
  log::info("starting {} ranks on 127.0.0.1:{} ({} threads each)", nproc, port, threads);
  std::vector<pid_t> children;
  for (int rank = 0; rank < nproc; ++rank) {
    const pid_t pid = fork();
    if (pid < 0) throw DistError("fork failed while starting rank " + std::to_string(rank));
    if (pid == 0) become_rank(arguments, rank, nproc, port, threads);
    children.push_back(pid);
  }
  int running = nproc;
  std::string failure;
  while (running > 0) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) break;
    --running;
    const auto found = std::find(children.begin(), children.end(), pid);
    const int rank = static_cast<int>(found - children.begin());
    if (found != children.end()) *found = -1;
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok && failure.empty()) {
      failure = fmt::format("rank {} of {} {}", rank, nproc, describe_status(status));
      // The others would wait for it until their timeout: stop them now.
      for (pid_t other : children) {
        if (other > 0) kill(other, SIGTERM);
      }
    }
  }
  if (!failure.empty()) throw DistError(failure + "; the other ranks were stopped");
  return 0;
}

}  // namespace segkit::dist
