#include "service/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "service/common.h"

namespace webnn::service {

Result<SpawnedService> SpawnedService::Start(std::vector<std::string> command,
                                             const std::string& socket, const std::string& log_file,
                                             int timeout_ms) {
  if (command.empty()) return MakeError(ErrorCode::kTypeError, "spawn: no command");
  // A private instance started by root (tests, the demo, benchmarks in a container) stays root:
  // the sandbox would refuse that otherwise, and there is no service user to switch to.
  if (geteuid() == 0) command.push_back("--allow-root");
  command.push_back("--listen");
  command.push_back("unix:" + socket);
  std::vector<char*> argv;
  for (std::string& a : command) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return MakeError(ErrorCode::kUnknownError, "fork: ", std::strerror(errno));
  if (pid == 0) {
    // The service goes when its starter does, even if the starter crashes.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (!log_file.empty()) {
      int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (fd >= 0) dup2(fd, 2);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  SpawnedService s;
  s.pid_ = pid;
  s.socket_ = socket;
  Endpoint e;
  e.path = socket;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto fd = ConnectSocket(e);
    if (fd.ok()) {
      close(fd.value());
      return s;
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      s.pid_ = -1;
      return MakeError(ErrorCode::kUnknownError, "the service exited at start (status ",
                       WIFEXITED(status) ? WEXITSTATUS(status) : -1, ")",
                       log_file.empty() ? "" : "; see " + log_file);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return MakeError(ErrorCode::kUnknownError, "the service did not listen on ", socket,
                       " within ", timeout_ms, " ms");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

SpawnedService::SpawnedService(SpawnedService&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)), socket_(std::move(o.socket_)) {}

SpawnedService& SpawnedService::operator=(SpawnedService&& o) noexcept {
  if (this != &o) {
    Stop();
    pid_ = std::exchange(o.pid_, -1);
    socket_ = std::move(o.socket_);
  }
  return *this;
}

SpawnedService::~SpawnedService() { Stop(); }

int SpawnedService::Stop() {
  if (pid_ <= 0) return 0;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 500; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

void SpawnedService::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "webnn-XXXXXX").string();
  if (mkdtemp(tmpl.data())) path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

std::string ExecutableDir() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : p.parent_path().string();
}

}  // namespace webnn::service
