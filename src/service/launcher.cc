#include "service/launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>

#include "service/control.h"

extern char** environ;

namespace webnn::service {

namespace {

// Where the launcher keeps its two descriptors: above 3, the number a worker's control socket
// takes, so that placing it there never overwrites them.
constexpr int kFirstKeptFd = 10;

void OnSigchld(int) {}  // only interrupts ppoll

// The worker child, between fork and exec: it dies with the launcher, starts with default
// signal handling, and finds its control socket on descriptor 3.
[[noreturn]] void ExecWorker(pid_t launcher, int exe_fd, int control_fd,
                             const std::vector<std::string>& worker_argv) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != launcher) _exit(126);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (control_fd == 3) {
    if (fcntl(3, F_SETFD, 0) != 0) _exit(126);
  } else if (dup2(control_fd, 3) != 3) {
    _exit(126);
  }
  std::vector<std::string> args = worker_argv;
  args.push_back("3");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  fexecve(exe_fd, argv.data(), environ);
  const std::string line = std::string("webnnd launcher: cannot start a worker: fexecve: ") +
                           std::strerror(errno) + "\n";
  (void)!write(STDERR_FILENO, line.data(), line.size());
  _exit(127);
}

void Send(int socket, const ControlMessage& m, const Logger& log) {
  if (Status s = SendControl(socket, m); !s.ok()) {
    log.Error("launcher: ", s.error().message());
  }
}

[[noreturn]] void LauncherMain(pid_t broker, int socket, int exe_fd, const LauncherOptions& options,
                               const Logger& log) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != broker) _exit(0);
  // The broker handles signals and tells the launcher what to do; a terminal's Ctrl-C or a
  // service manager's SIGTERM to the whole group leaves the launcher to end with the broker.
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  // Only the channel, the binary and the standard streams stay open.
  const int sock = fcntl(socket, F_DUPFD_CLOEXEC, kFirstKeptFd);
  const int exe = fcntl(exe_fd, F_DUPFD_CLOEXEC, sock + 1);
  if (sock < 0 || exe < 0) _exit(1);
  close_range(3, static_cast<unsigned>(sock) - 1, 0);
  close_range(static_cast<unsigned>(exe) + 1, ~0u, 0);
  // What systemd passed is the broker's: a worker must not take it for its own.
  for (const char* v : {"LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "NOTIFY_SOCKET"}) unsetenv(v);
  if (options.sandbox.enabled) {
    // The same user as the broker (the workers inherit it), no core dumps, and nothing the
    // workers execute can gain privileges. No seccomp filter: the workers would inherit it.
    const SandboxLog quiet = [](int, const std::string&) {};
    if (!DropPrivileges(options.sandbox, quiet).ok()) _exit(1);  // the broker says why
    if (Status s = SetResourceLimits(options.sandbox.max_open_files); !s.ok()) {
      log.Error("launcher: ", s.error().message());
      _exit(1);
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(1);
  }
  struct sigaction sa {};
  sa.sa_handler = OnSigchld;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGCHLD, &sa, nullptr);
  sigset_t block, wait_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, &wait_mask);
  sigdelset(&wait_mask, SIGCHLD);
  const pid_t self = getpid();
  std::set<pid_t> children;
  for (;;) {
    int status = 0;
    for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;) {
      children.erase(pid);
      Send(sock, {"ended", {std::to_string(pid), std::to_string(status)}}, log);
    }
    pollfd p{sock, POLLIN, 0};
    const int ready = ppoll(&p, 1, nullptr, &wait_mask);
    if (ready < 0) continue;  // SIGCHLD: reap above
    bool closed = false;
    auto m = ReceiveControl(sock, &closed);
    if (closed) break;
    if (!m.ok()) {
      log.Error("launcher: ", m.error().message());
      continue;
    }
    ControlMessage& request = m.value();
    if (request.kind != "spawn" || request.fd < 0 || request.fields.size() != 1) {
      log.Error("launcher: unexpected request '", request.kind, "'");
      if (request.fd >= 0) close(request.fd);
      continue;
    }
    const pid_t pid = fork();
    if (pid == 0) ExecWorker(self, exe, request.fd, options.worker_argv);
    const int err = errno;
    close(request.fd);
    if (pid < 0) {
      Send(sock, {"failed", {request.field(0), std::string("fork: ") + std::strerror(err)}}, log);
      continue;
    }
    children.insert(pid);
    Send(sock, {"started", {request.field(0), std::to_string(pid)}}, log);
  }
  // The broker is gone: so is the service. The workers die with the launcher (their
  // PR_SET_PDEATHSIG), after the broker, which waited for them unless it was killed.
  _exit(0);
}

}  // namespace

Result<LauncherProcess> StartLauncher(const LauncherOptions& options, const Logger& log) {
  auto pair = ControlSocketPair();
  if (!pair.ok()) return std::move(pair.error());
  const auto [broker_end, launcher_end] = pair.value();
  const pid_t broker = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const int err = errno;
    close(broker_end);
    close(launcher_end);
    return MakeError(ErrorCode::kUnknownError, "fork (the worker launcher): ", std::strerror(err));
  }
  if (pid == 0) {
    close(broker_end);
    LauncherMain(broker, launcher_end, options.exe_fd, options, log);
  }
  close(launcher_end);
  // The broker reads it on its event loop.
  if (fcntl(broker_end, F_SETFL, fcntl(broker_end, F_GETFL) | O_NONBLOCK) != 0) {
    const int err = errno;
    close(broker_end);
    return MakeError(ErrorCode::kUnknownError, "launcher channel: ", std::strerror(err));
  }
  return LauncherProcess{broker_end, pid};
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const char* name = sigabbrev_np(WTERMSIG(status));
    std::string text =
        name ? std::string("SIG") + name : "signal " + std::to_string(WTERMSIG(status));
    if (WCOREDUMP(status)) text += " (core dumped)";
    return text;
  }
  return "wait status " + std::to_string(status);
}

}  // namespace webnn::service
