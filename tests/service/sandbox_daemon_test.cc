// The sandbox in the real webnnd: applied by default at start-up, reported by `ping` and by
// /proc/<pid>/status, off (and loudly logged) with --no-sandbox, the user switch as root.
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "service/client.h"
#include "service/spawn.h"
#include "test_daemon.h"
#include "webnn/webnn.h"

namespace webnn::service {
namespace {

using service_test::ReadFile;

// The value of a /proc/<pid>/status line ("Seccomp" -> "2").
std::string StatusField(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) == 0) {
      const size_t v = line.find_first_not_of(" \t", key.size() + 1);
      return v == std::string::npos ? "" : line.substr(v);
    }
  }
  return "<missing>";
}

struct Daemon : service_test::DaemonProcess {
  explicit Daemon(const std::vector<std::string>& extra = {}) : DaemonProcess(Args(extra)) {}
  static std::vector<std::string> Args(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"--log-level", "info", "--threads", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

// A graph through the service on the oneDNN backend with two threads: relu(x) @ w.
std::vector<float> Compute(const std::string& endpoint) {
  MLContextOptions o;
  o.executor = "service";
  o.endpoint = endpoint;
  o.backend = "onednn";
  o.threads = 2;
  auto context = ML().createContext(o);
  MLGraphBuilder b(context);
  auto x = b.input("x", {DataType::kFloat32, {4, 64}});
  std::vector<float> w(64 * 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i % 7) - 3;
  auto c = b.constant({DataType::kFloat32, {64, 3}}, std::as_bytes(std::span<const float>(w)));
  MLGraph g = b.build({{"y", b.matmul(b.relu(x), c)}});
  std::vector<float> in(4 * 64);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<float>(i % 5) - 2;
  return context->compute(g, {{"x", HostTensor::FromFloats({4, 64}, in)}}).at("y").ToFloats();
}

TEST(SandboxedWebnnd, IsOnByDefaultAndPingAndProcAgree) {
  Daemon d;
  ASSERT_TRUE(d.process);
  // A ping is answered once start-up, the sandbox included, is over.
  auto ping = Ping(d.endpoint(), "", 1);
  ASSERT_TRUE(ping.ok()) << ping.error().ToString();
  EXPECT_TRUE(ping->sandboxed);
  // The broker and the worker that answered are each under a filter of their own.
  const pid_t worker = static_cast<pid_t>(ping->worker_pid);
  ASSERT_GT(worker, 0);
  EXPECT_NE(worker, d.process->pid());
  EXPECT_NE(ping->isolation.find("worker pid " + std::to_string(worker)), std::string::npos)
      << ping->isolation;
  for (const pid_t pid : {d.process->pid(), worker}) {
    EXPECT_EQ(StatusField(pid, "NoNewPrivs"), "1") << pid;
    EXPECT_EQ(StatusField(pid, "Seccomp"), "2") << pid;
    if (getuid() == 0) {
      EXPECT_EQ(StatusField(pid, "CapEff"), "0000000000000000") << pid;
    }
  }
  // It computes under the filter, and nothing it needed was refused.
  const std::vector<float> y = Compute(d.endpoint());
  ASSERT_EQ(y.size(), 12u);
  const std::string log = ReadFile(d.log);
  EXPECT_NE(log.find("sandbox: active (broker policy"), std::string::npos) << log;
  EXPECT_NE(log.find("sandbox: active (worker policy"), std::string::npos) << log;
  EXPECT_EQ(log.find("sandbox: system call"), std::string::npos) << log;
  // A normal shutdown asks nothing of the file system the policies refuse (the socket file
  // stays, as --help says).
  EXPECT_EQ(d.process->Stop(), 0);
  const std::string after = ReadFile(d.log);
  EXPECT_EQ(after.find("sandbox: system call"), std::string::npos) << after;
  EXPECT_NE(after.find("drained: every worker ended"), std::string::npos) << after;
}

TEST(SandboxedWebnnd, NoSandboxIsReportedOffAndLoggedLoudly) {
  Daemon d({"--no-sandbox"});
  ASSERT_TRUE(d.process);
  auto ping = Ping(d.endpoint(), "", 1);  // answered once start-up is over
  ASSERT_TRUE(ping.ok()) << ping.error().ToString();
  EXPECT_FALSE(ping->sandboxed);
  EXPECT_EQ(StatusField(d.process->pid(), "Seccomp"), "0");
  const std::string log = ReadFile(d.log);
  EXPECT_NE(log.find("warning: sandbox: DISABLED (--no-sandbox)"), std::string::npos) << log;
}

// Root without --user, a "webnnd" user or --allow-root is refused at start; anyone else starts.
TEST(SandboxedWebnnd, RootNeedsAUserOrAllowRoot) {
  if (getuid() != 0 || getpwnam("webnnd") != nullptr) {
    // Not root, or root with a service user to switch to: it starts and serves.
    Daemon d({"--allow-uid", std::to_string(getuid())});
    ASSERT_TRUE(d.process);
    auto ping = Ping(d.endpoint(), "", 1);
    EXPECT_TRUE(ping.ok()) << ping.error().ToString() << "\n" << ReadFile(d.log);
    return;
  }
  TempDir dir;
  const std::string log = dir.path() + "/webnnd.log";
  const std::string endpoint = "unix:" + dir.path() + "/s.sock";
  const pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(log.c_str(), "w", stderr)) _exit(126);
    execl(WEBNND, WEBNND, "--listen", endpoint.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 1000 && !exited; ++i) {  // up to 10 s to give up
    exited = waitpid(pid, &status, WNOHANG) == pid;
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  EXPECT_TRUE(exited && WIFEXITED(status) && WEXITSTATUS(status) == 1) << ReadFile(log);
  EXPECT_NE(ReadFile(log).find("refusing to run as root"), std::string::npos) << ReadFile(log);
}

// Started as root with --user, the service runs as that user for good and still serves the
// uids it allows.
TEST(SandboxedWebnnd, RootSwitchesToTheNamedUser) {
  const passwd* nobody = getpwnam("nobody");
  ASSERT_NE(nobody, nullptr) << "the test needs the user 'nobody'";
  const uid_t expected = getuid() == 0 ? nobody->pw_uid : getuid();
  const std::string user = getuid() == 0 ? "nobody" : getpwuid(getuid())->pw_name;
  Daemon d({"--user", user, "--allow-uid", std::to_string(getuid())});
  ASSERT_TRUE(d.process);
  // A ping is answered once start-up, the sandbox included, is over.
  auto ping = Ping(d.endpoint(), "", 1);
  ASSERT_TRUE(ping.ok()) << ping.error().ToString() << "\n" << ReadFile(d.log);
  const std::string id = std::to_string(expected);
  EXPECT_EQ(StatusField(d.process->pid(), "Uid"), id + "\t" + id + "\t" + id + "\t" + id);
  EXPECT_EQ(StatusField(static_cast<pid_t>(ping->worker_pid), "Uid"),
            id + "\t" + id + "\t" + id + "\t" + id);
  EXPECT_TRUE(ping->sandboxed);
  EXPECT_EQ(Compute(d.endpoint()).size(), 12u);
}

// Without --allow-uid, the uid that started the service stays its client after the switch to
// --user (a root-started webnnd that switched to its own user used to refuse root).
TEST(SandboxedWebnnd, TheStartingUidStaysAllowedAfterTheSwitch) {
  const passwd* nobody = getpwnam("nobody");
  ASSERT_NE(nobody, nullptr) << "the test needs the user 'nobody'";
  const std::string user = getuid() == 0 ? "nobody" : getpwuid(getuid())->pw_name;
  Daemon d({"--user", user});
  ASSERT_TRUE(d.process);
  auto ping = Ping(d.endpoint(), "", 1);
  ASSERT_TRUE(ping.ok()) << ping.error().ToString() << "\n" << ReadFile(d.log);
  EXPECT_EQ(Compute(d.endpoint()).size(), 12u);
}

}  // namespace
}  // namespace webnn::service
