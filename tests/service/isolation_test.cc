// Isolation between principals in the real webnnd: each principal's connections are served by a
// worker process of its own, so a worker that crashes mid-dispatch takes only its principal's
// sessions: they see "lost", the broker logs the crash, a reconnect gets a fresh worker, and
// another principal's client keeps dispatching without an error.
//
// Principals: this process's uid (Unix socket) and the TCP token holders; as root, also two
// otherwise unused uids, whose clients are this binary re-executed under them (main()).
// Usage: webnn_isolation_tests [gtest flags].
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "service/client.h"
#include "service/spawn.h"
#include "test_daemon.h"
#include "webnn/webnn.h"

extern char** environ;

namespace webnn {
namespace {

using service_test::ExpectThrows;
using service_test::FreePort;
using service_test::ReadFile;
using service_test::WaitUntil;
using Clock = std::chrono::steady_clock;

std::shared_ptr<MLContext> Connect(const std::string& endpoint, const std::string& token = "") {
  MLContextOptions o;
  o.executor = "service";
  o.endpoint = endpoint;
  o.tokenFile = token;
  o.backend = "reference";
  o.threads = 1;
  return ML().createContext(o);
}

// out = a x b, float32 [n, n].
MLGraph MatMul(const std::shared_ptr<MLContext>& ctx, uint32_t n) {
  MLGraphBuilder b(ctx);
  auto a = b.input("a", {DataType::kFloat32, {n, n}});
  auto c = b.input("b", {DataType::kFloat32, {n, n}});
  return b.build({{"out", b.matmul(a, c)}});
}

HostTensors Inputs(uint32_t n) {
  std::vector<float> a(n * n), b(n * n);
  for (uint32_t i = 0; i < n * n; ++i) {
    a[i] = static_cast<float>(i % 7) - 3;
    b[i] = static_cast<float>(i % 5) - 2;
  }
  HostTensors in;
  in["a"] = HostTensor::FromFloats({n, n}, a);
  in["b"] = HostTensor::FromFloats({n, n}, b);
  return in;
}

// MatMul(n) of Inputs(n) computed in this process on the reference backend: what every result
// of the service must equal.
std::vector<std::byte> InProcessProduct(uint32_t n) {
  MLContextOptions direct_options;
  direct_options.backend = "reference";
  auto direct = ML().createContext(direct_options);
  return direct->compute(MatMul(direct, n), Inputs(n)).at("out").bytes;
}

// A client that dispatches a small graph until told to stop, checking every result against
// the direct executor's.
class SteadyClient {
 public:
  explicit SteadyClient(std::function<std::shared_ptr<MLContext>()> connect)
      : thread_([this, connect] { Run(connect); }) {}
  ~SteadyClient() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  uint64_t ok() const { return ok_.load(); }
  uint64_t errors() const { return errors_.load(); }
  std::string first_error() const {
    std::lock_guard lock(mu_);
    return first_error_;
  }

 private:
  void Run(const std::function<std::shared_ptr<MLContext>()>& connect) {
    try {
      auto ctx = connect();
      MLGraph g = MatMul(ctx, 8);
      const HostTensors in = Inputs(8);
      const auto want = InProcessProduct(8);
      while (!stop_) {
        try {
          if (ctx->compute(g, in).at("out").bytes == want) {
            ++ok_;
          } else {
            Fail("a result differs from the direct executor's");
          }
        } catch (const Exception& e) {
          Fail(e.what());
        }
      }
    } catch (const Exception& e) {
      Fail(std::string("setting up: ") + e.what());
    }
  }
  void Fail(const std::string& m) {
    std::lock_guard lock(mu_);
    if (errors_++ == 0) first_error_ = m;
  }
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> ok_{0}, errors_{0};
  mutable std::mutex mu_;
  std::string first_error_;
  std::thread thread_;
};

TEST(Isolation, WorkerCrashMidDispatchLeavesTheOtherPrincipalUntouched) {
  service::TempDir tmp;
  const std::string token = tmp.path() + "/token";
  std::ofstream(token) << "isolation-token\n";
  ASSERT_EQ(chmod(token.c_str(), 0600), 0);
  const std::string tcp = "tcp:127.0.0.1:" + std::to_string(FreePort());
  service_test::DaemonProcess d(
      {"--log-level", "info", "--threads", "1", "--listen", tcp, "--token-file", token});
  ASSERT_TRUE(d.process);
  const std::string unix_endpoint = d.endpoint();

  // The token principal dispatches all along.
  SteadyClient steady([&] { return Connect(tcp, token); });
  ASSERT_TRUE(WaitUntil([&] { return steady.ok() > 0 || steady.errors() > 0; }));
  auto token_ping = service::Ping(tcp, token, 1);
  ASSERT_TRUE(token_ping.ok()) << token_ping.error().ToString();

  // This uid's client has a long dispatch in flight in its own worker (one: the channel sends
  // the next only after it, so more would add time before the kill, not work in flight).
  auto ctx = Connect(unix_endpoint);
  const uint32_t n = 640;
  MLGraph g = MatMul(ctx, n);
  MLTensor a = ctx->createTensor({DataType::kFloat32, {n, n}, false, true});
  MLTensor b = ctx->createTensor({DataType::kFloat32, {n, n}, false, true});
  MLTensor out = ctx->createTensor({DataType::kFloat32, {n, n}, true, true});
  const HostTensors in = Inputs(n);
  ctx->writeTensor(a, in.at("a").bytes);
  ctx->writeTensor(b, in.at("b").bytes);
  ctx->dispatch(g, {{"a", a}, {"b", b}}, {{"out", out}});
  uint32_t victim = 0;
  ASSERT_TRUE(WaitUntil([&] {
    auto p = service::Ping(unix_endpoint, "", 1);
    if (p.ok() && p->inflight_dispatches > 0) victim = p->worker_pid;
    return victim != 0;
  })) << ReadFile(d.log);
  ASSERT_NE(victim, token_ping->worker_pid) << "one worker per principal";
  ASSERT_NE(static_cast<pid_t>(victim), d.process->pid()) << "the broker computes nothing";

  const auto killed = Clock::now();
  ASSERT_EQ(kill(static_cast<pid_t>(victim), SIGSEGV), 0);
  const uint64_t ok_at_kill = steady.ok();
  // The crashed principal's client sees its connection lost.
  const std::string m = ExpectThrows([&] { (void)ctx->readTensor(out); });
  EXPECT_NE(m.find("lost"), std::string::npos) << m;
  std::printf("the crashed worker's client saw its connection lost %.1f ms after the SIGSEGV\n",
              std::chrono::duration<double, std::milli>(Clock::now() - killed).count());
  // The broker names the crash.
  const std::string crash = "worker for uid " + std::to_string(getuid()) + " (pid " +
                            std::to_string(victim) + ") ended by SIGSEGV";
  EXPECT_TRUE(WaitUntil([&] { return ReadFile(d.log).find(crash) != std::string::npos; }))
      << ReadFile(d.log);

  // A reconnect gets a fresh worker that works.
  auto again = Connect(unix_endpoint);
  EXPECT_EQ(again->compute(MatMul(again, 8), Inputs(8)).at("out").bytes, InProcessProduct(8));
  auto fresh = service::Ping(unix_endpoint, "", 1);
  ASSERT_TRUE(fresh.ok()) << fresh.error().ToString();
  EXPECT_NE(fresh->worker_pid, victim);
  EXPECT_NE(fresh->worker_pid, 0u);

  // The other principal never noticed: same worker, dispatches on, not one error.
  EXPECT_TRUE(WaitUntil([&] { return steady.ok() > ok_at_kill + 20 || steady.errors() > 0; }));
  steady.Stop();
  EXPECT_EQ(steady.errors(), 0u) << steady.first_error();
  auto token_after = service::Ping(tcp, token, 1);
  ASSERT_TRUE(token_after.ok()) << token_after.error().ToString();
  EXPECT_EQ(token_after->worker_pid, token_ping->worker_pid);
  EXPECT_EQ(d.process->Stop(), 0) << ReadFile(d.log);
}

// A worker that crashes again and again is restarted with a growing back-off, logged; the
// principal is served again once the back-off has passed.
TEST(Isolation, RepeatedCrashesAreRestartedWithBackoff) {
  service_test::DaemonProcess d({"--log-level", "info", "--threads", "1"});
  ASSERT_TRUE(d.process);
  std::vector<uint32_t> pids;
  for (int crash = 0; crash < 3; ++crash) {
    auto p = service::Ping(d.endpoint(), "", 1, 60);
    ASSERT_TRUE(p.ok()) << p.error().ToString() << "\n" << ReadFile(d.log);
    ASSERT_NE(p->worker_pid, 0u);
    for (uint32_t earlier : pids) EXPECT_NE(p->worker_pid, earlier) << "a fresh worker each time";
    pids.push_back(p->worker_pid);
    ASSERT_EQ(kill(static_cast<pid_t>(p->worker_pid), SIGSEGV), 0);
    const std::string crashed = "(pid " + std::to_string(p->worker_pid) + ") ended by SIGSEGV";
    ASSERT_TRUE(WaitUntil([&] { return ReadFile(d.log).find(crashed) != std::string::npos; }))
        << ReadFile(d.log);
  }
  // The fourth start waits, and says so; then the principal is served again.
  auto p = service::Ping(d.endpoint(), "", 1, 60);
  ASSERT_TRUE(p.ok()) << p.error().ToString() << "\n" << ReadFile(d.log);
  const std::string log = ReadFile(d.log);
  EXPECT_NE(log.find("crashed 3 times in a minute: starting the next one in"), std::string::npos)
      << log;
  EXPECT_EQ(d.process->Stop(), 0) << ReadFile(d.log);
}

// maxWorkers bounds the worker processes: an idle worker gives its slot to a new principal; a
// busy one keeps it, and the new principal is refused with the reason.
TEST(Isolation, MaxWorkersRetiresIdleWorkersAndRefusesWhenAllAreBusy) {
  service::TempDir tmp;
  const std::string token = tmp.path() + "/token";
  std::ofstream(token) << "isolation-token\n";
  ASSERT_EQ(chmod(token.c_str(), 0600), 0);
  const std::string tcp = "tcp:127.0.0.1:" + std::to_string(FreePort());
  service_test::DaemonProcess d({"--log-level", "info", "--threads", "1", "--max-workers", "1",
                                 "--listen", tcp, "--token-file", token});
  ASSERT_TRUE(d.process);
  auto first = service::Ping(d.endpoint(), "", 1);  // this uid's worker; idle once it is done
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  // The token principal gets the one slot once the uid's worker is seen idle.
  Result<service::PingResult> second = first;
  ASSERT_TRUE(WaitUntil([&] {
    second = service::Ping(tcp, token, 1);
    return second.ok();
  })) << ReadFile(d.log);
  EXPECT_NE(second->worker_pid, first->worker_pid);
  EXPECT_TRUE(WaitUntil([&] {
    return ReadFile(d.log).find("is idle and its slot is needed (maxWorkers): retiring it") !=
           std::string::npos;
  })) << ReadFile(d.log);
  // Busy now (a context held): this uid is refused, and told why.
  auto held = Connect(tcp, token);
  auto refused = service::Ping(d.endpoint(), "", 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().ToString().find("maxWorkers"), std::string::npos)
      << refused.error().ToString();
  // The token principal is served on.
  EXPECT_EQ(held->compute(MatMul(held, 8), Inputs(8)).size(), 1u);
  EXPECT_EQ(d.process->Stop(), 0) << ReadFile(d.log);
}

// --single-process: one process serves everyone, and says so loudly.
TEST(Isolation, SingleProcessModeIsOneProcessAndLoggedLoudly) {
  service_test::DaemonProcess d({"--log-level", "info", "--threads", "1", "--single-process"});
  ASSERT_TRUE(d.process);
  auto p = service::Ping(d.endpoint(), "", 1);
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(static_cast<pid_t>(p->worker_pid), d.process->pid());
  EXPECT_EQ(p->isolation, "single process");
  const std::string log = ReadFile(d.log);
  EXPECT_NE(log.find("warning: --single-process: clients share one process"), std::string::npos)
      << log;
  EXPECT_NE(log.find("processes: single process"), std::string::npos) << log;
  EXPECT_EQ(d.process->Stop(), 0) << ReadFile(d.log);
}

// ---- Two uids (as root) -----------------------------------------------------------------

// The clients of the two-uid test: this binary, re-executed under the uid.
//   --isolation-client steady ENDPOINT: dispatches until stdin closes, then prints
//       "done OK ERRORS FIRST-ERROR".
//   --isolation-client victim ENDPOINT: sends a long dispatch, prints "pid WORKER-PID" once it
//       is in flight, then waits for the result and prints "error MESSAGE" (or "no error").
//   --isolation-client fresh ENDPOINT: computes a small product, prints "pid WORKER-PID" of the
//       worker that computed it, then "no error" when the result is right (else "error ...").
int ClientMain(const std::string& mode, const std::string& endpoint) {
  std::cout.setf(std::ios::unitbuf);
  if (mode == "fresh") {
    auto ctx = Connect(endpoint);
    const bool right =
        ctx->compute(MatMul(ctx, 8), Inputs(8)).at("out").bytes == InProcessProduct(8);
    // The worker of this uid serves the ping too, while `ctx` holds it.
    auto r = service::Ping(endpoint, "", 1);
    std::cout << "pid " << (r.ok() ? r->worker_pid : 0) << "\n";
    std::cout << (right ? "no error" : "error: wrong result") << "\n";
    return 0;
  }
  if (mode == "steady") {
    SteadyClient steady([&] { return Connect(endpoint); });
    pollfd p{STDIN_FILENO, POLLIN, 0};
    while (poll(&p, 1, -1) < 0) {
    }
    steady.Stop();
    std::cout << "done " << steady.ok() << " " << steady.errors() << " " << steady.first_error()
              << "\n";
    return 0;
  }
  auto ctx = Connect(endpoint);
  const uint32_t n = 640;
  MLGraph g = MatMul(ctx, n);
  MLTensor a = ctx->createTensor({DataType::kFloat32, {n, n}, false, true});
  MLTensor out = ctx->createTensor({DataType::kFloat32, {n, n}, true, true});
  ctx->writeTensor(a, Inputs(n).at("a").bytes);
  // One dispatch: the channel carries one at a time (a second would wait for the first to
  // finish before it is sent), so this one is what is in flight when the worker is killed.
  ctx->dispatch(g, {{"a", a}, {"b", a}}, {{"out", out}});
  uint32_t pid = 0;
  WaitUntil([&] {
    auto r = service::Ping(endpoint, "", 1);
    if (r.ok() && r->inflight_dispatches > 0) pid = r->worker_pid;
    return pid != 0;
  });
  std::cout << "pid " << pid << "\n";
  try {
    (void)ctx->readTensor(out);
    std::cout << "no error\n";
  } catch (const Exception& e) {
    std::cout << "error " << e.what() << "\n";
  }
  return 0;
}

// A client process under `uid`: its stdin and stdout are pipes to this process.
struct ClientProcess {
  pid_t pid = -1;
  int to = -1, from = -1;
  std::string buffered;

  ClientProcess(uid_t uid, const std::string& mode, const std::string& endpoint) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) return;
    const int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    pid = fork();
    if (pid == 0) {
      if (dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0) _exit(97);
      if (setgroups(0, nullptr) != 0 || setgid(uid) != 0 || setuid(uid) != 0) _exit(98);
      std::vector<std::string> args = {"webnn_isolation_tests", "--isolation-client", mode,
                                       endpoint};
      std::vector<char*> argv;
      for (auto& s : args) argv.push_back(s.data());
      argv.push_back(nullptr);
      fexecve(exe, argv.data(), environ);
      _exit(99);
    }
    close(exe);
    close(in[0]);
    close(out[1]);
    to = in[1];
    from = out[0];
  }
  ~ClientProcess() {
    if (to >= 0) close(to);
    if (from >= 0) close(from);
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
  // The next line it prints, waiting up to a minute (a bound against hanging).
  std::string Line() {
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    for (;;) {
      if (size_t nl = buffered.find('\n'); nl != std::string::npos) {
        std::string line = buffered.substr(0, nl);
        buffered.erase(0, nl + 1);
        return line;
      }
      if (Clock::now() > deadline) return "<no line within a minute>";
      pollfd p{from, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      const ssize_t got = read(from, buf, sizeof buf);
      if (got <= 0) return "<closed: " + buffered + ">";
      buffered.append(buf, static_cast<size_t>(got));
    }
  }
  void CloseInput() {
    close(to);
    to = -1;
  }
};

void TwoUidsCrashIsolation() {
  constexpr uid_t kSteady = 54321, kVictim = 54322;  // no such users: nothing else runs as them
  service::TempDir tmp;
  ASSERT_EQ(chmod(tmp.path().c_str(), 0755), 0);
  service_test::DaemonProcess d({"--log-level", "info", "--threads", "1", "--allow-uid",
                                 std::to_string(kSteady), "--allow-uid", std::to_string(kVictim)},
                                tmp.path() + "/webnn/webnnd.sock");
  ASSERT_TRUE(d.process);
  ClientProcess steady(kSteady, "steady", d.endpoint());
  ASSERT_GT(steady.pid, 0);
  ClientProcess victim(kVictim, "victim", d.endpoint());
  ASSERT_GT(victim.pid, 0);
  const std::string pid_line = victim.Line();
  ASSERT_TRUE(pid_line.starts_with("pid ")) << pid_line << "\n" << ReadFile(d.log);
  const pid_t worker = std::stoi(pid_line.substr(4));
  ASSERT_GT(worker, 0) << ReadFile(d.log);
  ASSERT_EQ(kill(worker, SIGSEGV), 0);
  const std::string victim_says = victim.Line();
  EXPECT_TRUE(victim_says.starts_with("error ")) << victim_says;
  EXPECT_NE(victim_says.find("lost"), std::string::npos) << victim_says;
  const std::string crash = "worker for uid " + std::to_string(kVictim) + " (pid " +
                            std::to_string(worker) + ") ended by SIGSEGV";
  EXPECT_TRUE(WaitUntil([&] { return ReadFile(d.log).find(crash) != std::string::npos; }))
      << ReadFile(d.log);
  // The victim's uid reconnects to a fresh worker that computes.
  ClientProcess again(kVictim, "fresh", d.endpoint());
  const std::string again_pid = again.Line();
  ASSERT_TRUE(again_pid.starts_with("pid ")) << again_pid << "\n" << ReadFile(d.log);
  EXPECT_NE(std::stoi(again_pid.substr(4)), worker);
  EXPECT_EQ(again.Line(), "no error");

  steady.CloseInput();
  const std::string done = steady.Line();
  ASSERT_TRUE(done.starts_with("done ")) << done;
  std::istringstream fields(done.substr(5));
  uint64_t ok = 0, errors = 1;
  fields >> ok >> errors;
  EXPECT_GT(ok, 0u) << done;
  EXPECT_EQ(errors, 0u) << done;
  EXPECT_EQ(d.process->Stop(), 0) << ReadFile(d.log);
}

class TwoUids : public ::testing::Test {
 public:
  void TestBody() override { TwoUidsCrashIsolation(); }
};

}  // namespace
}  // namespace webnn

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--isolation-client") {
    try {
      return webnn::ClientMain(argv[2], argv[3]);
    } catch (const std::exception& e) {
      std::cout << "error " << e.what() << "\n";
      return 1;
    }
  }
  testing::InitGoogleTest(&argc, argv);
  // Under AddressSanitizer the webnnd this test starts would catch the SIGSEGV sent to a worker
  // in ASan's own handler, report it and abort (SIGABRT); the test kills workers with a real
  // SIGSEGV, so its webnnd leaves that signal alone (the test process read its options already).
  if (webnn::service_test::kAddressSanitizer) {
    const char* options = std::getenv("ASAN_OPTIONS");
    const std::string with = std::string(options ? options : "") + ":handle_segv=0";
    setenv("ASAN_OPTIONS", with.c_str(), 1);
  }
  // Clients under two other uids need root (setuid); the test exists only where it can run.
  if (geteuid() == 0) {
    testing::RegisterTest("Isolation", "TwoUidsWorkerCrashMidDispatch", nullptr, nullptr, __FILE__,
                          __LINE__, []() -> ::testing::Test* { return new webnn::TwoUids; });
  }
  return RUN_ALL_TESTS();
}
