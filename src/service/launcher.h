// The launcher: the small process that starts webnnd's workers for the broker.
//
// A seccomp filter is inherited across fork and execve, so a process under the broker's policy
// could only start workers under that same policy: no file could be opened, not even the
// libraries the dynamic loader maps, and the workers need their own, different policy. So the
// broker forks the launcher at start-up, before it binds a socket, reads a token or applies its
// sandbox; the launcher gives up root like the other processes, keeps no_new_privs and no
// seccomp filter, and reads nothing but the broker's requests on its control channel. For each
// request it forks and re-executes the webnnd binary (execveat on the descriptor opened at
// start-up) in worker mode, handing it the worker's control socket as descriptor 3.
//
// The channel (control.h), broker to launcher: "spawn" {serial} with the worker's end of a
// control socketpair. Launcher to broker: "started" {serial, pid}, "failed" {serial, reason},
// "ended" {pid, wait status}. The launcher exits when the broker's end closes; it and the
// workers die with the broker (PR_SET_PDEATHSIG), so a killed broker leaves no process behind.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "service/log.h"
#include "service/sandbox.h"
#include "webnn/error.h"

namespace webnn::service {

struct LauncherOptions {
  int exe_fd = -1;  // the webnnd binary, opened at start-up (close-on-exec)
  // argv of a worker before its descriptor number: {"webnnd", "--worker"} or
  // {"webnn serve", "--worker"}.
  std::vector<std::string> worker_argv;
  SandboxOptions sandbox;  // the user to become (the workers inherit it) and the rlimits
};

// Forks the launcher. Returns the broker's end of its channel (close-on-exec, non-blocking)
// and its pid.
struct LauncherProcess {
  int socket = -1;
  pid_t pid = -1;
};
Result<LauncherProcess> StartLauncher(const LauncherOptions& options, const Logger& log);

// Describes a wait status: "exit status 0", "SIGSEGV".
std::string DescribeWaitStatus(int status);

}  // namespace webnn::service
