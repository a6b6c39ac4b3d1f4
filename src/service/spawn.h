// Starts webnnd as a child process on a private socket and stops it again: for the demo, the
// benchmarks and the integration tests, which need a real service without any system set-up.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "webnn/error.h"

namespace webnn::service {

class SpawnedService {
 public:
  // Runs `command` (argv[0] is the program path, e.g. the webnnd binary, or the webnn binary
  // with "serve") with `--listen unix:<socket>` appended, stderr to `log_file` (or inherited
  // when empty), and waits up to `timeout_ms` until the socket accepts connections.
  static Result<SpawnedService> Start(std::vector<std::string> command, const std::string& socket,
                                      const std::string& log_file = "", int timeout_ms = 10000);
  SpawnedService(SpawnedService&& o) noexcept;
  SpawnedService& operator=(SpawnedService&& o) noexcept;
  ~SpawnedService();  // Stop()

  std::string endpoint() const { return "unix:" + socket_; }
  pid_t pid() const { return pid_; }
  // SIGTERM, then waits for the process (SIGKILL after 5 s). Returns its exit status (-1 if
  // it was killed by a signal).
  int Stop();
  // SIGKILL without cleanup, as when the service crashes or is killed.
  void Kill();

 private:
  SpawnedService() = default;
  pid_t pid_ = -1;
  std::string socket_;
};

// A private temporary directory (mode 0700) for sockets, removed with its content at exit of
// the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The path of the running executable's directory (for finding webnnd beside webnn).
std::string ExecutableDir();

}  // namespace webnn::service
