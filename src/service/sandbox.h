// The sandbox of a webnnd process: once start-up is over (config read, sockets bound, backends
// initialized), the process gives up what serving clients does not need.
//
//  1. When started as root, it becomes an unprivileged user (--user, default "webnnd" if that
//     user exists) or, with --allow-root only, stays root without any capability.
//  2. Resource limits: no core dumps (a dump would hold clients' tensors), open files bounded.
//  3. PR_SET_NO_NEW_PRIVS, then a seccomp-bpf allow-list (libseccomp) on every thread: the event
//     loop, shared memory, futexes, the compute threads (OpenMP/oneDNN, JIT code) and logging.
//     Everything else is refused: file-system calls return EPERM, anything that could leave
//     the process (exec, fork, sockets, ptrace, ...) or is unknown ends it. Every refusal is
//     written to stderr (the log) by a SIGSYS handler, naming the system call.
//
// docs/SECURITY.md lists the allow-list with the reason for each entry.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "webnn/error.h"

namespace webnn::service {

struct SandboxOptions {
  bool enabled = true;      // --no-sandbox clears it (debugging only)
  std::string user;         // --user NAME; empty: "webnnd" when started as root and it exists
  bool allow_root = false;  // --allow-root: stay root (without capabilities) if no user is found
  uint64_t max_open_files = 16384;  // RLIMIT_NOFILE (lowered to the hard limit if above it)
};

// Which webnnd process a policy is for (docs/SECURITY.md gives the differences and why):
//  - kService: the single process of --single-process: accepts, serves and computes.
//  - kBroker: accepts and hands connections to workers; no threads, no executable memory, no
//    shared memory; may make the socketpair of a new worker's control channel.
//  - kWorker: serves and computes the connections it is handed; accepts none.
enum class SandboxRole { kService, kBroker, kWorker };
const char* SandboxRoleName(SandboxRole role);

// Where the sandbox logs: level 0 error, 1 warning, 2 info, 3 debug.
using SandboxLog = std::function<void(int level, const std::string& message)>;

// Runs a small graph on each backend with `threads` intra-op threads, so that what the
// backends load lazily (the OpenMP thread team, CPU topology from /sys and /proc, oneDNN's JIT
// kernels) is loaded before the file system is closed.
Status WarmUpBackends(const std::vector<std::string>& backends, uint32_t threads);

// Switches a root process to the user of `options` (or keeps root without capabilities when
// allowed); refuses to run as root otherwise. A process that is not root is left as it is,
// but a --user naming another user is an error. Logs what it did.
Status DropPrivileges(const SandboxOptions& options, const SandboxLog& log);

// Core dumps off and at most `max_open_files` descriptors.
Status SetResourceLimits(uint64_t max_open_files);

// PR_SET_NO_NEW_PRIVS, the SIGSYS handler that logs refusals, and the seccomp allow-list on
// every thread of the process. Irreversible.
Status ApplySyscallPolicy(SandboxRole role = SandboxRole::kService);

// All of the above in order, or, when `options.enabled` is false, nothing but a loud warning.
Status ApplySandbox(const SandboxOptions& options, const SandboxLog& log,
                    SandboxRole role = SandboxRole::kService);

// Whether this process runs under a seccomp filter with no_new_privs (what `webnn ping` shows).
bool SandboxActive();

}  // namespace webnn::service
