// The sandbox policy (src/service/sandbox.h), applied in forked children: what a compromised
// service would try is refused (EPERM, or the process ends with SIGSYS and a log line), and
// what the service needs — threads, shared memory, oneDNN's JIT kernels on a thread team, the
// reference kernels — keeps working. Each child reports through its exit status; stderr goes
// to a pipe the parent reads.
//
// This binary must not start OpenMP before forking (a child of a process with a live OpenMP
// team cannot start its own), so it computes nothing in the parent.
#include "service/sandbox.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <omp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "webnn/webnn.h"

namespace webnn::service {
namespace {

// Exit codes of the children.
constexpr int kOk = 0;              // the operation behaved as the test expects
constexpr int kSetupFailed = 90;    // the sandbox could not be applied
constexpr int kNotRefused = 91;     // the operation succeeded although it must not
constexpr int kWrongErrno = 92;     // refused, but not with EPERM
constexpr int kComputeFailed = 93;  // a graph failed or gave a wrong result

struct ChildResult {
  int status = 0;      // waitpid status
  std::string stderr;  // what the child wrote to stderr
  bool Exited(int code) const { return WIFEXITED(status) && WEXITSTATUS(status) == code; }
  bool KilledBySigsys() const { return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS; }
  std::string Describe() const {
    std::string s = WIFEXITED(status)     ? "exit " + std::to_string(WEXITSTATUS(status))
                    : WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                          : "status " + std::to_string(status);
    return s + "; stderr: " + stderr;
  }
};

// Forks; the child applies the sandbox's limits and syscall policy (when `sandboxed`) and
// exits with body()'s result.
ChildResult RunChild(bool sandboxed, const std::function<int()>& body) {
  int err[2];
  if (pipe2(err, O_CLOEXEC) != 0) ADD_FAILURE() << "pipe2: " << std::strerror(errno);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(err[1], STDERR_FILENO);
    if (sandboxed) {
      if (!SetResourceLimits(1024).ok() || !ApplySyscallPolicy().ok()) _exit(kSetupFailed);
    }
    _exit(body());
  }
  close(err[1]);
  ChildResult r;
  char buf[4096];
  for (ssize_t n; (n = read(err[0], buf, sizeof(buf))) > 0;) r.stderr.append(buf, n);
  close(err[0]);
  waitpid(pid, &r.status, 0);
  return r;
}

// 0 if the call failed with EPERM, a code saying what happened otherwise.
int ExpectEperm(int rc) {
  if (rc >= 0) return kNotRefused;
  return errno == EPERM ? kOk : kWrongErrno;
}

std::string TempFile() {
  char path[] = "/tmp/webnn-sandbox-XXXXXX";
  const int fd = mkstemp(path);
  if (fd >= 0) {
    (void)!write(fd, "x", 1);
    close(fd);
  }
  return path;
}

TEST(Sandbox, OpeningAFileIsRefusedWithEperm) {
  const std::string file = TempFile();
  auto open_it = [&] { return open(file.c_str(), O_RDONLY | O_CLOEXEC); };
  // Without the policy the same child opens it: the refusal is the policy's doing.
  EXPECT_TRUE(RunChild(false, [&] { return open_it() >= 0 ? kOk : kNotRefused; }).Exited(kOk));
  auto r = RunChild(true, [&] { return ExpectEperm(open_it()); });
  EXPECT_TRUE(r.Exited(kOk)) << r.Describe();
  EXPECT_NE(r.stderr.find("system call openat (" + std::to_string(__NR_openat) +
                          ") refused (EPERM): " + file),
            std::string::npos)
      << r.stderr;
  r = RunChild(true, [&] { return ExpectEperm(unlink(file.c_str())); });
  EXPECT_TRUE(r.Exited(kOk)) << r.Describe();
  unlink(file.c_str());
}

// Calls allowed with some arguments only: other arguments fail with EPERM, logged, and the
// process goes on.
TEST(Sandbox, UnexpectedArgumentsAreRefusedWithEpermAndLogged) {
  auto r = RunChild(true, [] {
    char c = 'x';
    if (int rc = ExpectEperm(ioctl(STDIN_FILENO, TIOCSTI, &c)); rc != kOk) return rc;
    return ExpectEperm(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0));
  });
  EXPECT_TRUE(r.Exited(kOk)) << r.Describe();
  EXPECT_NE(r.stderr.find("system call ioctl"), std::string::npos) << r.stderr;
  EXPECT_NE(r.stderr.find("system call prctl"), std::string::npos) << r.stderr;
  EXPECT_NE(r.stderr.find("refused (EPERM)"), std::string::npos) << r.stderr;
}

// glibc counts processors by reading /sys/devices/system/cpu/online; refused, it falls back to
// the affinity mask: the count stays right and the refusal is not logged (it happens at every
// context and graph).
TEST(Sandbox, ProcessorCountStillWorksQuietly) {
  const unsigned outside = std::thread::hardware_concurrency();
  auto r = RunChild(true, [outside] {
    return std::thread::hardware_concurrency() == outside ? kOk : kComputeFailed;
  });
  EXPECT_TRUE(r.Exited(kOk)) << r.Describe();
  EXPECT_EQ(r.stderr, "");
}

TEST(Sandbox, ExecveEndsTheProcessAndIsLogged) {
  auto r = RunChild(true, [] {
    char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
    execv("/bin/true", argv);
    return kNotRefused;
  });
  EXPECT_TRUE(r.KilledBySigsys()) << r.Describe();
  EXPECT_NE(r.stderr.find("system call execve"), std::string::npos) << r.stderr;
  EXPECT_TRUE(RunChild(false, [] {
                char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
                execv("/bin/true", argv);
                return kNotRefused;
              }).Exited(kOk));
}

TEST(Sandbox, ForkEndsTheProcess) {
  auto r = RunChild(true, [] {
    const pid_t child = fork();
    if (child == 0) _exit(0);
    return kNotRefused;
  });
  EXPECT_TRUE(r.KilledBySigsys()) << r.Describe();
  EXPECT_NE(r.stderr.find("system call clone"), std::string::npos) << r.stderr;
}

TEST(Sandbox, SocketEndsTheProcess) {
  auto r = RunChild(true, [] { return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? kNotRefused : kOk; });
  EXPECT_TRUE(r.KilledBySigsys()) << r.Describe();
  EXPECT_NE(r.stderr.find("system call socket"), std::string::npos) << r.stderr;
}

TEST(Sandbox, ConnectOnASocketMadeBeforeEndsTheProcess) {
  // The socket exists before the policy (as the service's listening sockets do); connecting it
  // anywhere afterwards is refused.
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  auto r = RunChild(true, [fd] {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(9);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    return kNotRefused;
  });
  close(fd);
  EXPECT_TRUE(r.KilledBySigsys()) << r.Describe();
  EXPECT_NE(r.stderr.find("system call connect"), std::string::npos) << r.stderr;
}

TEST(Sandbox, PtraceEndsTheProcess) {
  const pid_t parent = getpid();
  auto r = RunChild(true, [parent] {
    ptrace(PTRACE_ATTACH, parent, nullptr, nullptr);
    return kNotRefused;
  });
  EXPECT_TRUE(r.KilledBySigsys()) << r.Describe();
  EXPECT_NE(r.stderr.find("system call ptrace"), std::string::npos) << r.stderr;
}

TEST(Sandbox, LimitsCannotBeRaisedAgain) {
  auto r = RunChild(true, [] {
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_max > 1024) return kNotRefused;
    rlimit core{};
    if (getrlimit(RLIMIT_CORE, &core) != 0 || core.rlim_max != 0) return kNotRefused;
    files.rlim_cur = files.rlim_max;
    return ExpectEperm(prlimit(0, RLIMIT_NOFILE, &files, nullptr));
  });
  EXPECT_TRUE(r.Exited(kOk)) << r.Describe();
}

TEST(Sandbox, ReportsItselfActiveOnlyWhenApplied) {
  EXPECT_FALSE(SandboxActive());
  EXPECT_TRUE(RunChild(false, [] { return SandboxActive() ? kNotRefused : kOk; }).Exited(kOk));
  auto r = RunChild(true, [] { return SandboxActive() ? kOk : kNotRefused; });
  EXPECT_TRUE(r.Exited(kOk)) << r.Describe();
}

TEST(Sandbox, ThreadsAndSealedSharedMemoryKeepWorking) {
  auto r = RunChild(true, [] {
    const int fd = memfd_create("t", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0 || ftruncate(fd, 4096) != 0) return kComputeFailed;
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) != 0) return kComputeFailed;
    if (fcntl(fd, F_GET_SEALS) != (F_SEAL_SHRINK | F_SEAL_GROW)) return kComputeFailed;
    auto* p = static_cast<int*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    if (p == MAP_FAILED) return kComputeFailed;
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) threads.emplace_back([p, i] { p[i] = i + 1; });
    for (auto& t : threads) t.join();
    return p[0] + p[1] + p[2] + p[3] == 10 ? kOk : kComputeFailed;
  });
  EXPECT_TRUE(r.Exited(kOk)) << r.Describe();
}

// y = relu(conv2d(x, w)) then a matmul, on `backend` with `threads` threads; the convolution
// (18 M multiply-adds) is large enough for the oneDNN backend to use a thread team.
std::vector<float> RunGraph(const std::string& backend, uint32_t threads) {
  MLContextOptions options;
  options.backend = backend;
  options.threads = threads;
  auto context = ML().createContext(options);
  MLGraphBuilder builder(context);
  auto x = builder.input("x", {DataType::kFloat32, {1, 16, 64, 64}});
  std::vector<float> w(32 * 16 * 3 * 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = std::sin(0.37f * static_cast<float>(i));
  auto filter = builder.constant({DataType::kFloat32, {32, 16, 3, 3}},
                                 std::as_bytes(std::span<const float>(w)));
  auto conv = builder.relu(builder.conv2d(x, filter));
  auto flat = builder.reshape(conv, {32, 62 * 62});
  std::vector<float> m(62 * 62 * 5);
  for (size_t i = 0; i < m.size(); ++i) m[i] = std::cos(0.11f * static_cast<float>(i));
  auto mat = builder.constant({DataType::kFloat32, {62 * 62, 5}},
                              std::as_bytes(std::span<const float>(m)));
  MLGraph graph = builder.build({{"y", builder.matmul(flat, mat)}});
  std::vector<float> in(16 * 64 * 64);
  for (size_t i = 0; i < in.size(); ++i) in[i] = std::sin(0.05f * static_cast<float>(i));
  auto out = context->compute(graph, {{"x", HostTensor::FromFloats({1, 16, 64, 64}, in)}});
  return out.at("y").ToFloats();
}

// The allow-list covers real compute: oneDNN's JIT kernels on a two-thread team and the
// reference kernels, run for the first time after the policy (nothing warmed up), agree.
TEST(Sandbox, GraphsRunOnBothBackendsUnderThePolicy) {
  auto r = RunChild(true, [] {
    try {
      const std::vector<float> fast = RunGraph("onednn", 2);
      const std::vector<float> ref = RunGraph("reference", 2);
      if (fast.size() != 32 * 5 || fast.size() != ref.size()) return kComputeFailed;
      double nonzero = 0;
      for (size_t i = 0; i < fast.size(); ++i) {
        if (!(std::fabs(fast[i] - ref[i]) <= 1e-3f * (1 + std::fabs(ref[i])))) {
          return kComputeFailed;
        }
        nonzero += std::fabs(ref[i]);
      }
      return nonzero > 0 ? kOk : kComputeFailed;
    } catch (const std::exception& e) {
      (void)!write(STDERR_FILENO, e.what(), std::strlen(e.what()));
      return kComputeFailed;
    }
  });
  EXPECT_TRUE(r.Exited(kOk)) << r.Describe();
}

// An OpenMP team of two started after the policy: libgomp's thread creation is allowed. The team
// is started through libgomp's entry point, the one Debian's oneDNN calls (clang compiles
// `#pragma omp` only for LLVM's runtime, so a pragma would not start a libgomp team there).
extern "C" void GOMP_parallel(void (*fn)(void*), void* data, unsigned num_threads, unsigned flags);

struct TeamProbe {
  std::atomic<int> team{0};
  std::atomic<pid_t> tids[2] = {0, 0};
};

TEST(Sandbox, AnOpenMpTeamStartsUnderThePolicy) {
  auto r = RunChild(true, [] {
    TeamProbe probe;
    GOMP_parallel(
        [](void* data) {
          auto* p = static_cast<TeamProbe*>(data);
          p->team = omp_get_num_threads();
          p->tids[omp_get_thread_num() % 2] = gettid();
        },
        &probe, 2, 0);
    const pid_t a = probe.tids[0], b = probe.tids[1];
    return probe.team == 2 && a != 0 && b != 0 && a != b ? kOk : kComputeFailed;
  });
  EXPECT_TRUE(r.Exited(kOk)) << r.Describe();
}

int CountThreads() {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/task", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

// The warm-up's thread team ends with it: the process keeps no threads from it.
TEST(Sandbox, WarmUpLeavesNoThreadsBehind) {
  auto r = RunChild(false, [] {
    const int before = CountThreads();
    if (before < 1 || !WarmUpBackends({"onednn", "reference"}, 2).ok()) return kComputeFailed;
    // Team threads exit asynchronously after their master thread: give them a moment.
    for (int i = 0; i < 500 && CountThreads() != before; ++i) usleep(10000);
    return CountThreads() == before ? kOk : kNotRefused;
  });
  EXPECT_TRUE(r.Exited(kOk)) << r.Describe();
}

// A process that warms its backends up first (as webnnd does) computes under the policy
// without a single refusal.
TEST(Sandbox, WarmUpThenPolicyThenCompute) {
  auto r = RunChild(false, [] {
    if (!WarmUpBackends({"onednn", "reference"}, 2).ok()) return kComputeFailed;
    if (!SetResourceLimits(1024).ok() || !ApplySyscallPolicy().ok()) return kSetupFailed;
    try {
      return RunGraph("onednn", 2).size() == 32 * 5 ? kOk : kComputeFailed;
    } catch (const std::exception&) {
      return kComputeFailed;
    }
  });
  EXPECT_TRUE(r.Exited(kOk)) << r.Describe();
  // What the backends load lazily was loaded by the warm-up: nothing was refused afterwards.
  EXPECT_EQ(r.stderr.find("sandbox:"), std::string::npos) << r.stderr;
}

TEST(Sandbox, RootMustNameAUserOrAllowRoot) {
  auto quiet = [](int, const std::string&) {};
  auto r = RunChild(false, [&] {
    SandboxOptions options;
    const Status s = DropPrivileges(options, quiet);
    if (getuid() != 0) return s.ok() ? kOk : kNotRefused;  // not root: nothing to drop
    if (getpwnam("webnnd") != nullptr) return s.ok() && getuid() != 0 ? kOk : kNotRefused;
    return !s.ok() && s.error().message().find("--allow-root") != std::string::npos ? kOk
                                                                                    : kNotRefused;
  });
  EXPECT_TRUE(r.Exited(kOk)) << r.Describe();
}

TEST(Sandbox, RootSwitchesToTheNamedUserForGood) {
  auto quiet = [](int, const std::string&) {};
  const passwd* nobody = getpwnam("nobody");
  ASSERT_NE(nobody, nullptr) << "the test needs the user 'nobody'";
  const uid_t expected = getuid() == 0 ? nobody->pw_uid : getuid();
  auto r = RunChild(false, [&] {
    SandboxOptions options;
    options.user = getuid() == 0 ? "nobody" : "";
    if (!DropPrivileges(options, quiet).ok()) return kSetupFailed;
    if (getuid() != expected || geteuid() != expected) return kNotRefused;
    return setuid(0) == 0 ? kNotRefused : kOk;
  });
  EXPECT_TRUE(r.Exited(kOk)) << r.Describe();
}

}  // namespace
}  // namespace webnn::service
