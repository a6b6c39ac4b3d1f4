#include "service/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "webnn/webnn.h"

namespace webnn::service {

namespace {

Error SysError(std::string_view what, int err = errno) {
  return MakeError(ErrorCode::kUnknownError, "sandbox: ", what, ": ", std::strerror(err));
}

// ---- The SIGSYS handler ---------------------------------------------------------------------
// Every system call outside the allow-list traps (SCMP_ACT_TRAP) to this handler, on the
// offending thread, which decides by the call's number:
//  - kRefused / kRefusedWithSomeArguments (the file system, harmless queries, unexpected
//    arguments of fcntl/ioctl/prctl/prlimit64/fstat): the call fails with EPERM, one log line
//    names it (and the path of an open), and the process goes on;
//  - anything else: one log line names the call and the process ends with SIGSYS, so its exit
//    status says why.
// It uses only async-signal-safe calls (write, rt_sigaction, rt_sigprocmask, tgkill, all on the
// allow-list) and reads only constant tables. The line goes straight to stderr, the service log.

struct SyscallName {
  long number;
  const char* name;
};

// Names of the calls a compromised process would try first, for the log line; any other call
// is logged by number.
// clang-format off
constexpr SyscallName kKnownNames[] = {
#ifdef __NR_fork
    {__NR_fork, "fork"},
#endif
#ifdef __NR_vfork
    {__NR_vfork, "vfork"},
#endif
    {__NR_clone, "clone"},
    {__NR_execve, "execve"},
    {__NR_execveat, "execveat"},
    {__NR_ptrace, "ptrace"},
    {__NR_process_vm_readv, "process_vm_readv"},
    {__NR_process_vm_writev, "process_vm_writev"},
    {__NR_socket, "socket"},
    {__NR_socketpair, "socketpair"},
    {__NR_connect, "connect"},
    {__NR_bind, "bind"},
    {__NR_listen, "listen"},
    {__NR_kill, "kill"},
    {__NR_tgkill, "tgkill"},
    {__NR_setuid, "setuid"},
    {__NR_setgid, "setgid"},
    {__NR_mount, "mount"},
    {__NR_unshare, "unshare"},
    {__NR_setns, "setns"},
    {__NR_bpf, "bpf"},
    {__NR_perf_event_open, "perf_event_open"},
    {__NR_io_uring_setup, "io_uring_setup"},
    {__NR_userfaultfd, "userfaultfd"},
    {__NR_seccomp, "seccomp"},
};

// The file system and harmless queries: refused with EPERM, logged, and the process goes on,
// so a library that probes a file lazily keeps working (glibc's CPU count reads
// /sys/devices/system/cpu/online, then falls back to sched_getaffinity).
// clang-format off
constexpr SyscallName kRefused[] = {
#ifdef __NR_open
    {__NR_open, "open"},
#endif
#ifdef __NR_openat
    {__NR_openat, "openat"},
#endif
#ifdef __NR_openat2
    {__NR_openat2, "openat2"},
#endif
#ifdef __NR_creat
    {__NR_creat, "creat"},
#endif
#ifdef __NR_access
    {__NR_access, "access"},
#endif
#ifdef __NR_faccessat
    {__NR_faccessat, "faccessat"},
#endif
#ifdef __NR_faccessat2
    {__NR_faccessat2, "faccessat2"},
#endif
#ifdef __NR_stat
    {__NR_stat, "stat"},
#endif
#ifdef __NR_lstat
    {__NR_lstat, "lstat"},
#endif
#ifdef __NR_statfs
    {__NR_statfs, "statfs"},
#endif
#ifdef __NR_fstatfs
    {__NR_fstatfs, "fstatfs"},
#endif
#ifdef __NR_readlink
    {__NR_readlink, "readlink"},
#endif
#ifdef __NR_readlinkat
    {__NR_readlinkat, "readlinkat"},
#endif
#ifdef __NR_getdents64
    {__NR_getdents64, "getdents64"},
#endif
#ifdef __NR_unlink
    {__NR_unlink, "unlink"},
#endif
#ifdef __NR_unlinkat
    {__NR_unlinkat, "unlinkat"},
#endif
#ifdef __NR_rename
    {__NR_rename, "rename"},
#endif
#ifdef __NR_renameat
    {__NR_renameat, "renameat"},
#endif
#ifdef __NR_renameat2
    {__NR_renameat2, "renameat2"},
#endif
#ifdef __NR_mkdir
    {__NR_mkdir, "mkdir"},
#endif
#ifdef __NR_mkdirat
    {__NR_mkdirat, "mkdirat"},
#endif
#ifdef __NR_rmdir
    {__NR_rmdir, "rmdir"},
#endif
#ifdef __NR_chmod
    {__NR_chmod, "chmod"},
#endif
#ifdef __NR_fchmod
    {__NR_fchmod, "fchmod"},
#endif
#ifdef __NR_fchmodat
    {__NR_fchmodat, "fchmodat"},
#endif
#ifdef __NR_chown
    {__NR_chown, "chown"},
#endif
#ifdef __NR_fchown
    {__NR_fchown, "fchown"},
#endif
#ifdef __NR_lchown
    {__NR_lchown, "lchown"},
#endif
#ifdef __NR_fchownat
    {__NR_fchownat, "fchownat"},
#endif
#ifdef __NR_truncate
    {__NR_truncate, "truncate"},
#endif
#ifdef __NR_link
    {__NR_link, "link"},
#endif
#ifdef __NR_linkat
    {__NR_linkat, "linkat"},
#endif
#ifdef __NR_symlink
    {__NR_symlink, "symlink"},
#endif
#ifdef __NR_symlinkat
    {__NR_symlinkat, "symlinkat"},
#endif
#ifdef __NR_mknod
    {__NR_mknod, "mknod"},
#endif
#ifdef __NR_mknodat
    {__NR_mknodat, "mknodat"},
#endif
#ifdef __NR_utimensat
    {__NR_utimensat, "utimensat"},
#endif
#ifdef __NR_chdir
    {__NR_chdir, "chdir"},
#endif
#ifdef __NR_fchdir
    {__NR_fchdir, "fchdir"},
#endif
#ifdef __NR_getcwd
    {__NR_getcwd, "getcwd"},
#endif
#ifdef __NR_uname
    {__NR_uname, "uname"},
#endif
#ifdef __NR_sysinfo
    {__NR_sysinfo, "sysinfo"},
#endif
#ifdef __NR_getrusage
    {__NR_getrusage, "getrusage"},
#endif
#ifdef __NR_times
    {__NR_times, "times"},
#endif
#ifdef __NR_getppid
    {__NR_getppid, "getppid"},
#endif
#ifdef __NR_setpriority
    {__NR_setpriority, "setpriority"},
#endif
#ifdef __NR_getpriority
    {__NR_getpriority, "getpriority"},
#endif
#ifdef __NR_sched_setscheduler
    {__NR_sched_setscheduler, "sched_setscheduler"},
#endif
#ifdef __NR_sched_setparam
    {__NR_sched_setparam, "sched_setparam"},
#endif
#ifdef __NR_mlock
    {__NR_mlock, "mlock"},
#endif
#ifdef __NR_munlock
    {__NR_munlock, "munlock"},
#endif
#ifdef __NR_mlockall
    {__NR_mlockall, "mlockall"},
#endif
#ifdef __NR_munlockall
    {__NR_munlockall, "munlockall"},
#endif
#ifdef __NR_mincore
    {__NR_mincore, "mincore"},
#endif
#ifdef __NR_msync
    {__NR_msync, "msync"},
#endif
#ifdef __NR_fsync
    {__NR_fsync, "fsync"},
#endif
#ifdef __NR_fdatasync
    {__NR_fdatasync, "fdatasync"},
#endif
#ifdef __NR_fadvise64
    {__NR_fadvise64, "fadvise64"},
#endif
#ifdef __NR_fallocate
    {__NR_fallocate, "fallocate"},
#endif
#ifdef __NR_inotify_init1
    {__NR_inotify_init1, "inotify_init1"},
#endif
#ifdef __NR_name_to_handle_at
    {__NR_name_to_handle_at, "name_to_handle_at"},
#endif
#ifdef __NR_setrlimit
    {__NR_setrlimit, "setrlimit"},
#endif
};
// Calls allowed with some arguments only (fcntl commands, ioctl requests, prctl options,
// reading limits, fstat of a descriptor): other arguments are refused the same way. (A filter
// rule cannot say "any other value", hence the trap for these too.)
constexpr SyscallName kRefusedWithSomeArguments[] = {
#ifdef __NR_fcntl
    {__NR_fcntl, "fcntl"},
#endif
#ifdef __NR_ioctl
    {__NR_ioctl, "ioctl"},
#endif
#ifdef __NR_prctl
    {__NR_prctl, "prctl"},
#endif
#ifdef __NR_prlimit64
    {__NR_prlimit64, "prlimit64"},
#endif
#ifdef __NR_newfstatat
    {__NR_newfstatat, "newfstatat"},
#endif
#ifdef __NR_statx
    {__NR_statx, "statx"},
#endif
};
// clang-format on

// Paths glibc probes to count processors (std::thread::hardware_concurrency), each time it is
// asked: refused without a log line.
constexpr const char* kQuietPaths[] = {"/sys/devices/system/cpu/online", "/proc/stat"};

// Appends the decimal digits of `v` to `out` (async-signal-safe).
char* AppendNumber(char* out, long v) {
  char digits[24];
  int n = 0;
  unsigned long u = v < 0 ? static_cast<unsigned long>(-v) : static_cast<unsigned long>(v);
  do {
    digits[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) *out++ = '-';
  while (n > 0) *out++ = digits[--n];
  return out;
}

char* AppendText(char* out, const char* text) {
  while (*text) *out++ = *text++;
  return out;
}

const char* FindName(std::span<const SyscallName> table, long nr) {
  for (const SyscallName& s : table) {
    if (s.number == nr) return s.name;
  }
  return nullptr;
}

bool SameText(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

#if defined(__x86_64__)
// The path argument of open/openat, or null for any other call.
const char* PathArgument(long nr, const ucontext_t& uc) {
  if (nr == __NR_open) return reinterpret_cast<const char*>(uc.uc_mcontext.gregs[REG_RDI]);
  if (nr == __NR_openat) return reinterpret_cast<const char*>(uc.uc_mcontext.gregs[REG_RSI]);
  return nullptr;
}
void SetResult(ucontext_t& uc, long value) { uc.uc_mcontext.gregs[REG_RAX] = value; }
constexpr bool kCanRefuse = true;
#elif defined(__aarch64__)
const char* PathArgument(long nr, const ucontext_t& uc) {
  if (nr == __NR_openat) return reinterpret_cast<const char*>(uc.uc_mcontext.regs[1]);
  return nullptr;
}
void SetResult(ucontext_t& uc, long value) {
  uc.uc_mcontext.regs[0] = static_cast<unsigned long long>(value);
}
constexpr bool kCanRefuse = true;
#else
const char* PathArgument(long, const ucontext_t&) { return nullptr; }
void SetResult(ucontext_t&, long) {}
constexpr bool kCanRefuse = false;  // unknown register layout: every trapped call ends
#endif

void OnSigsys(int, siginfo_t* info, void* context) {
  const int saved = errno;
  const long nr = info->si_syscall;
  auto& uc = *static_cast<ucontext_t*>(context);
  const char* refused = FindName(kRefused, nr);
  if (!refused) refused = FindName(kRefusedWithSomeArguments, nr);
  const char* name = refused ? refused : FindName(kKnownNames, nr);
  const char* path = refused ? PathArgument(nr, uc) : nullptr;
  bool quiet = false;
  for (const char* q : kQuietPaths) quiet |= path != nullptr && SameText(path, q);
  char line[512];
  char* end = line + sizeof(line) - 64;  // room for the fixed text after a path
  char* p = AppendText(line, "webnnd: sandbox: system call ");
  if (name) {
    p = AppendText(p, name);
    p = AppendText(p, " (");
    p = AppendNumber(p, nr);
    p = AppendText(p, ")");
  } else {
    p = AppendNumber(p, nr);
  }
  if (refused && kCanRefuse) {
    SetResult(uc, -EPERM);
    if (!quiet) {
      p = AppendText(p, " refused (EPERM)");
      if (path) {
        p = AppendText(p, ": ");
        while (*path && p < end) *p++ = *path++;
      }
      *p++ = '\n';
      (void)!write(STDERR_FILENO, line, static_cast<size_t>(p - line));
    }
    errno = saved;
    return;
  }
  p = AppendText(p, " is not allowed: ending the process\n");
  (void)!write(STDERR_FILENO, line, static_cast<size_t>(p - line));
  // Die of SIGSYS: default action, unblocked, sent to this thread.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGSYS, &dfl, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGSYS);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGSYS);
  errno = saved;
}

// ---- The allow-list -------------------------------------------------------------------------

// A filter context freed on every path.
struct FilterDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Filter = std::unique_ptr<void, FilterDeleter>;

// The filter's default: the SIGSYS handler refuses the call with EPERM or ends the process.
constexpr uint32_t kTrap = SCMP_ACT_TRAP;
// A system call argument equal to `value`; one with every bit of `bits` set. (Spelled out
// instead of SCMP_CMP, whose two-datum form leaves a field to the compiler's warning.)
scmp_arg_cmp ArgEq(unsigned arg, uint64_t value) {
  return scmp_arg_cmp{arg, SCMP_CMP_EQ, value, 0};
}
scmp_arg_cmp ArgHasBits(unsigned arg, uint64_t bits) {
  return scmp_arg_cmp{arg, SCMP_CMP_MASKED_EQ, bits, bits};
}

class PolicyBuilder {
 public:
  explicit PolicyBuilder(scmp_filter_ctx ctx) : ctx_(ctx) {}

  // `action` for every call of `name` whose arguments match `args` (all of them).
  void Add(uint32_t action, const char* name, std::initializer_list<scmp_arg_cmp> args = {}) {
    if (!status_.ok()) return;
    const int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR || nr < 0) return;  // not a call of this architecture
    const std::vector<scmp_arg_cmp> a(args);
    const int rc = seccomp_rule_add_array(ctx_, action, nr, static_cast<unsigned>(a.size()),
                                          a.empty() ? nullptr : a.data());
    if (rc != 0) status_ = SysError(std::string("rule for ") + name, -rc);
  }
  void Allow(std::initializer_list<const char*> names) {
    for (const char* n : names) Add(SCMP_ACT_ALLOW, n);
  }
  // Allowed when argument `arg` is one of `values`; other values trap (kRefusedWithEperm).
  void AllowValues(const char* name, unsigned arg, std::initializer_list<uint64_t> values) {
    for (uint64_t v : values) Add(SCMP_ACT_ALLOW, name, {ArgEq(arg, v)});
  }
  Status status() const { return status_; }

 private:
  scmp_filter_ctx ctx_;
  Status status_;
};

// The allow-list; docs/SECURITY.md gives the reason for each entry.
Status BuildPolicy(scmp_filter_ctx ctx, SandboxRole role) {
  PolicyBuilder p(ctx);
  const bool broker = role == SandboxRole::kBroker;
  // The event loop (kj on epoll): connections, descriptor passing, wake-ups, signals.
  p.Allow({"epoll_wait", "epoll_pwait", "epoll_pwait2", "epoll_ctl", "epoll_create1",
           "eventfd2",   "signalfd4",   "poll",         "ppoll",     "recvmsg",
           "sendmsg",    "recvfrom",    "sendto",       "shutdown",  "getsockopt",
           "setsockopt", "getpeername", "getsockname",  "read",      "write",
           "readv",      "writev",      "pread64",      "pwrite64",  "lseek",
           "close",      "dup",         "dup3",         "pipe2"});
  // Accepting: the listening sockets are the broker's (or the single process's); a worker is
  // handed its connections.
  if (role != SandboxRole::kWorker) p.Allow({"accept4", "accept"});
  if (broker) {
    // The control channel of a new worker (src/service/control.h): a Unix SOCK_SEQPACKET pair.
    p.Add(SCMP_ACT_ALLOW, "socketpair",
          {ArgEq(0, AF_UNIX), ArgEq(1, SOCK_SEQPACKET | SOCK_CLOEXEC)});
    // The heap, without executable memory: the broker runs no JIT code.
    const scmp_arg_cmp no_exec{2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0};
    p.Add(SCMP_ACT_ALLOW, "mmap", {no_exec});
    p.Add(SCMP_ACT_ALLOW, "mprotect", {no_exec});
    p.Allow({"munmap", "mremap", "madvise", "brk", "fstat"});
  } else {
    // Shared memory and the heap: memfd tensors and channels, mappings, JIT code (oneDNN writes
    // kernels into memory it then makes executable).
    p.Allow({"memfd_create", "ftruncate", "mmap", "munmap", "mremap", "mprotect", "madvise", "brk",
             "fstat"});
  }
  // fstat of a descriptor: glibc's fstat is newfstatat(fd, "", AT_EMPTY_PATH); a path is refused.
  p.Add(SCMP_ACT_ALLOW, "newfstatat", {ArgHasBits(3, AT_EMPTY_PATH)});
  p.Add(SCMP_ACT_ALLOW, "statx", {ArgHasBits(2, AT_EMPTY_PATH)});
  // Descriptor flags and memfd seals.
  p.AllowValues("fcntl", 1,
                {F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC, F_GET_SEALS, F_ADD_SEALS});
  p.AllowValues("ioctl", 1, {FIONBIO, FIOCLEX, FIONCLEX});
  // Threads: the worker pool, channel threads and the OpenMP teams. clone only for a thread
  // (CLONE_THREAD); clone3 passes its flags in memory the filter cannot read, so it answers
  // ENOSYS and glibc falls back to clone.
  // The broker starts no thread (it has no compute); a clone there ends it.
  if (!broker) p.Add(SCMP_ACT_ALLOW, "clone", {ArgHasBits(0, CLONE_THREAD)});
  p.Add(SCMP_ACT_ERRNO(ENOSYS), "clone3");
  p.Allow({"futex",
           "set_robust_list",
           "get_robust_list",
           "rseq",
           "set_tid_address",
           "exit",
           "exit_group",
           "sched_yield",
           "sched_getaffinity",
           "sched_setaffinity",
           "sched_getparam",
           "sched_getscheduler",
           "sched_get_priority_max",
           "sched_get_priority_min",
           "membarrier",
           "gettid",
           "getpid",
           "getuid",
           "geteuid",
           "getgid",
           "getegid",
           "getrlimit"});
  // Limits may be read (glibc reads RLIMIT_STACK for a thread), not changed.
  p.Add(SCMP_ACT_ALLOW, "prlimit64", {ArgEq(0, 0), ArgEq(2, 0)});
  p.AllowValues("prctl", 0, {PR_SET_NAME, PR_GET_NAME, PR_GET_SECCOMP, PR_GET_NO_NEW_PRIVS});
  // Signals: handlers and masks of this process; signals only to this process's own threads.
  p.Allow({"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "rt_sigtimedwait"});
  const uint64_t self = static_cast<uint64_t>(getpid());
  p.Add(SCMP_ACT_ALLOW, "tgkill", {ArgEq(0, self)});
  p.Add(SCMP_ACT_ALLOW, "kill", {ArgEq(0, self)});
  // Time and timers, randomness (hash seeds).
  p.Allow({"clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep",
           "timerfd_create", "timerfd_settime", "timerfd_gettime", "getrandom"});
  // Everything else traps, the filter's default: the file system and harmless queries
  // (kRefused) fail with EPERM, the rest ends the process; among it what a compromised process
  // would try first: running a program, another process, reaching the network or another
  // process's memory, changing identity.
  return p.status();
}

// Drops every capability of the process (a root process that stays root keeps its uid only).
Status DropCapabilities() {
  for (int cap = 0; cap <= 63; ++cap) {
    // A worker started by a launcher that already dropped them finds them gone (and no longer
    // holds CAP_SETPCAP to drop any).
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
      return SysError("PR_CAPBSET_DROP");
    }
  }
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capset, &header, data) != 0) return SysError("capset");
  return {};
}

}  // namespace

Status WarmUpBackends(const std::vector<std::string>& backends, uint32_t threads) {
  // On a thread of its own: the OpenMP team it starts belongs to that thread and ends with it,
  // so the event loop's thread does not keep a second team that competes with the workers'.
  Status status;
  std::thread worker([&] {
    try {
      for (const std::string& name : backends) {
        MLContextOptions options;
        options.backend = name;
        options.threads = threads;
        auto context = ML().createContext(options);
        MLGraphBuilder builder(context);
        // A convolution, matrix products and element-wise ops: kernels that JIT-compile and,
        // at this size, run on the thread team.
        auto x = builder.input("x", {DataType::kFloat32, {1, 16, 64, 64}});
        std::vector<float> w(32 * 16 * 3 * 3, 0.25f);
        auto filter = builder.constant({DataType::kFloat32, {32, 16, 3, 3}},
                                       std::as_bytes(std::span<const float>(w)));
        auto conv = builder.relu(builder.conv2d(x, filter));
        auto flat = builder.reshape(conv, {32, 62 * 62});
        std::vector<float> m(62 * 62 * 8, 0.5f);
        auto mat = builder.constant({DataType::kFloat32, {62 * 62, 8}},
                                    std::as_bytes(std::span<const float>(m)));
        auto product = builder.matmul(flat, mat);
        auto y = builder.add(product, builder.sigmoid(product));
        MLGraph graph = builder.build({{"y", y}});
        std::vector<float> in(16 * 64 * 64, 1.0f);
        context->compute(graph, {{"x", HostTensor::FromFloats({1, 16, 64, 64}, in)}});
      }
    } catch (const std::exception& e) {
      status = MakeError(ErrorCode::kOperationError, "warming up the backends: ", e.what());
    }
  });
  worker.join();
  return status;
}

Status DropPrivileges(const SandboxOptions& options, const SandboxLog& log) {
  const bool root = geteuid() == 0 || getuid() == 0;
  std::string user = options.user;
  if (!root) {
    if (!user.empty()) {
      const passwd* pw = getpwnam(user.c_str());
      if (!pw || pw->pw_uid != getuid()) {
        return MakeError(ErrorCode::kTypeError, "sandbox: --user ", user,
                         ": only a process started as root can switch users (running as uid ",
                         getuid(), ")");
      }
    }
    return {};
  }
  if (user.empty() && getpwnam("webnnd") != nullptr) user = "webnnd";
  if (user.empty()) {
    if (!options.allow_root) {
      return MakeError(ErrorCode::kNotSupportedError,
                       "sandbox: refusing to run as root: create a user 'webnnd', pass --user "
                       "NAME, or pass --allow-root to run as root without capabilities");
    }
    if (Status s = DropCapabilities(); !s.ok()) return s;
    log(1, "sandbox: running as root (--allow-root), every capability dropped");
    return {};
  }
  const passwd* pw = getpwnam(user.c_str());
  if (!pw) return MakeError(ErrorCode::kTypeError, "sandbox: --user ", user, ": no such user");
  const uid_t uid = pw->pw_uid;
  const gid_t gid = pw->pw_gid;
  if (uid == 0) {
    return MakeError(ErrorCode::kTypeError, "sandbox: --user ", user,
                     " is root; use --allow-root to stay root");
  }
  if (setgroups(0, nullptr) != 0) return SysError("setgroups");
  if (setresgid(gid, gid, gid) != 0) return SysError("setresgid");
  if (setresuid(uid, uid, uid) != 0) return SysError("setresuid");
  // The switch is final: root cannot be regained.
  if (setuid(0) == 0 || seteuid(0) == 0) {
    return MakeError(ErrorCode::kUnknownError, "sandbox: root could be regained after switching");
  }
  log(2, "sandbox: switched to user " + user + " (uid " + std::to_string(uid) + ", gid " +
             std::to_string(gid) + ")");
  return {};
}

Status SetResourceLimits(uint64_t max_open_files) {
  const rlimit no_core{0, 0};
  if (setrlimit(RLIMIT_CORE, &no_core) != 0) return SysError("RLIMIT_CORE");
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0) return SysError("RLIMIT_NOFILE");
  const rlim_t limit = std::min<rlim_t>(max_open_files, files.rlim_max);
  files.rlim_cur = limit;
  files.rlim_max = limit;
  if (setrlimit(RLIMIT_NOFILE, &files) != 0) return SysError("RLIMIT_NOFILE");
  // Not dumpable: no core file, and other processes of the same user cannot ptrace it or read
  // its memory through /proc.
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return SysError("PR_SET_DUMPABLE");
  return {};
}

Status ApplySyscallPolicy(SandboxRole role) {
  struct sigaction sa {};
  sa.sa_sigaction = OnSigsys;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGSYS, &sa, nullptr) != 0) return SysError("sigaction(SIGSYS)");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return SysError("PR_SET_NO_NEW_PRIVS");
  Filter filter(seccomp_init(kTrap));
  if (!filter) return MakeError(ErrorCode::kUnknownError, "sandbox: seccomp_init failed");
  scmp_filter_ctx ctx = filter.get();
  // Every thread (the worker pool and OpenMP teams started before this) gets the filter; a
  // foreign architecture's calls (the 32-bit entry points) end the process.
  if (int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1); rc != 0) {
    return SysError("SCMP_FLTATR_CTL_TSYNC", -rc);
  }
  if (int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS); rc != 0) {
    return SysError("SCMP_FLTATR_ACT_BADARCH", -rc);
  }
  if (Status s = BuildPolicy(ctx, role); !s.ok()) return s;
  if (int rc = seccomp_load(ctx); rc != 0) return SysError("seccomp_load", -rc);
  return {};
}

const char* SandboxRoleName(SandboxRole role) {
  switch (role) {
    case SandboxRole::kService:
      return "single process";
    case SandboxRole::kBroker:
      return "broker";
    case SandboxRole::kWorker:
      return "worker";
  }
  return "?";
}

Status ApplySandbox(const SandboxOptions& options, const SandboxLog& log, SandboxRole role) {
  if (!options.enabled) {
    log(1,
        "sandbox: DISABLED (--no-sandbox): this process keeps every system call, its user and "
        "its limits; use it for debugging only, never to serve untrusted clients");
    return {};
  }
  if (Status s = DropPrivileges(options, log); !s.ok()) return s;
  if (Status s = SetResourceLimits(options.max_open_files); !s.ok()) return s;
  if (Status s = ApplySyscallPolicy(role); !s.ok()) return s;
  log(2, std::string("sandbox: active (") + SandboxRoleName(role) +
             " policy: no_new_privs, seccomp allow-list on every thread, core dumps off, " +
             std::to_string(options.max_open_files) + " open files at most)");
  return {};
}

bool SandboxActive() {
  return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2 && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
}

}  // namespace webnn::service
