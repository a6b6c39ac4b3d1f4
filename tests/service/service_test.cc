// Integration tests of webnnd: each test starts the real daemon as a separate process on a
// private socket and talks to it through the public API (the "service" executor), raw sockets
// or a child process. Usage: webnn_service_tests [gtest flags]; the binary re-executes itself
// with --hold-resources for the killed-client test.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "api/internal.h"
#include "service/client.h"
#include "service/common.h"
#include "service/server.h"
#include "service/spawn.h"
#include "test_daemon.h"
#include "webnn/webnn.h"

namespace webnn {
namespace {

using service_test::ExpectThrows;
using service_test::FreePort;
using service_test::kAddressSanitizer;
using service_test::ReadFile;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string g_self;  // this binary, for child processes

std::string Models() { return std::string(WEBNN_SOURCE_DIR) + "/models"; }

// A daemon on a private socket, its stderr in a log file.
struct Daemon : service_test::DaemonProcess {
  explicit Daemon(std::vector<std::string> extra = {}) { Start(extra); }
  void Start(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--log-level", "debug", "--threads", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    DaemonProcess::Start(args);
  }
  std::string Config(const std::string& json) const {
    const std::string path = dir.path() + "/config.json";
    std::ofstream(path) << json;
    return path;
  }
  std::shared_ptr<MLContext> Context(const std::string& executor = "service") const {
    MLContextOptions o;
    o.executor = executor;
    o.endpoint = endpoint();
    return ML().createContext(o);
  }
};

// A graph: out = a + b over float32 [n].
MLGraph AddGraph(const std::shared_ptr<MLContext>& context, uint32_t n) {
  MLGraphBuilder b(context);
  auto a = b.input("a", {DataType::kFloat32, {n}});
  auto c = b.input("b", {DataType::kFloat32, {n}});
  return b.build({{"out", b.add(a, c)}});
}

HostTensors LeNetInput(int digit) {
  // The digit images come through the CLI's decoder; here a deterministic pattern stands in,
  // the comparison is between executors.
  HostTensors in;
  std::vector<float> v(28 * 28);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>((i * (digit + 3)) % 256);
  in["input"] = HostTensor::FromFloats({1, 1, 28, 28}, v);
  return in;
}

TEST(Service, SameResultsAsDirectAndWorker) {
  Daemon d;
  auto service = d.Context();
  auto direct = d.Context("direct");
  auto worker = d.Context("worker");
  const std::string lenet = Models() + "/lenet/lenet.json";
  MLGraph gs = service->loadGraph(lenet), gd = direct->loadGraph(lenet),
          gw = worker->loadGraph(lenet);
  for (int digit = 0; digit < 3; ++digit) {
    auto in = LeNetInput(digit);
    auto rd = direct->compute(gd, in);
    EXPECT_EQ(service->compute(gs, in).at("probabilities").bytes, rd.at("probabilities").bytes);
    EXPECT_EQ(worker->compute(gw, in).at("probabilities").bytes, rd.at("probabilities").bytes);
  }
}

TEST(Service, DispatchIsOrderedWithReadsAndWrites) {
  Daemon d;
  auto ctx = d.Context();
  const uint32_t n = 1 << 16;
  MLGraph g = AddGraph(ctx, n);
  MLTensor a = ctx->createTensor({DataType::kFloat32, {n}, false, true});
  MLTensor acc = ctx->createTensor({DataType::kFloat32, {n}, true, true});
  MLTensor tmp = ctx->createTensor({DataType::kFloat32, {n}, true, true});
  std::vector<float> ones(n, 1.0f), zeros(n, 0.0f);
  ctx->writeTensor(a, std::as_bytes(std::span(ones)));
  ctx->writeTensor(acc, std::as_bytes(std::span(zeros)));
  // acc += 1 ten times, ping-ponging through tmp: each dispatch reads what the previous wrote.
  for (int i = 0; i < 5; ++i) {
    ctx->dispatch(g, {{"a", a}, {"b", acc}}, {{"out", tmp}});
    ctx->dispatch(g, {{"a", a}, {"b", tmp}}, {{"out", acc}});
  }
  std::vector<float> out(n);
  ctx->readTensor(acc, std::as_writable_bytes(std::span(out)));
  EXPECT_EQ(out.front(), 10.0f);
  EXPECT_EQ(out.back(), 10.0f);
  // A write after dispatches lands after them.
  ctx->dispatch(g, {{"a", a}, {"b", acc}}, {{"out", tmp}});
  ctx->writeTensor(acc, std::as_bytes(std::span(zeros)));
  ctx->readTensor(tmp, std::as_writable_bytes(std::span(out)));
  EXPECT_EQ(out[7], 11.0f);
  ctx->readTensor(acc, std::as_writable_bytes(std::span(out)));
  EXPECT_EQ(out[7], 0.0f);
}

// The default request rate must not throttle an honest client: back-to-back dispatches of a
// tiny graph through the shared-memory channel, well beyond the burst a small default would
// allow, all succeed.
TEST(Service, DefaultRateLimitAllowsBackToBackDispatches) {
  Daemon d;
  auto ctx = d.Context();
  MLGraph g = AddGraph(ctx, 4);
  MLTensor a = ctx->createTensor({DataType::kFloat32, {4}, true, true});
  MLTensor out = ctx->createTensor({DataType::kFloat32, {4}, true, true});
  for (int i = 0; i < 30000; ++i) {
    ctx->dispatch(g, {{"a", a}, {"b", a}}, {{"out", out}});
    (void)ctx->readTensor(out);
  }
  EXPECT_EQ(ReadFile(d.log).find("rate limit exceeded"), std::string::npos) << ReadFile(d.log);
}

TEST(Service, ManyClientsAtOnce) {
  Daemon d;
  const std::string lenet = Models() + "/lenet/lenet.json";
  auto direct = d.Context("direct");
  MLGraph gd = direct->loadGraph(lenet);
  std::vector<std::vector<std::byte>> want;
  for (int i = 0; i < 4; ++i)
    want.push_back(direct->compute(gd, LeNetInput(i)).at("probabilities").bytes);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto ctx = d.Context();
      MLGraph g = ctx->loadGraph(lenet);
      for (int r = 0; r < 3; ++r) {
        if (ctx->compute(g, LeNetInput(t)).at("probabilities").bytes == want[t]) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 12);
  auto ping = service::Ping(d.endpoint(), "", 1);
  ASSERT_TRUE(ping.ok()) << ping.error().ToString();
  EXPECT_NE(ping->client_id.find("uid " + std::to_string(getuid())), std::string::npos);
}

// The child of KilledClientIsCleanedUp: takes resources, reports, and waits to be killed.
int HoldResources(const std::string& endpoint, int ready_fd) {
  MLContextOptions o;
  o.executor = "service";
  o.endpoint = endpoint;
  auto ctx = ML().createContext(o);
  MLGraph g = ctx->loadGraph(Models() + "/lenet/lenet.json");
  MLTensor t = ctx->createTensor({DataType::kFloat32, {1 << 20}, true, true});
  (void)!write(ready_fd, "r", 1);
  for (;;) pause();
}

service::PingResult WaitForStats(const Daemon& d,
                                 const std::function<bool(const service::PingResult&)>& ok) {
  service::PingResult last;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    auto p = service::Ping(d.endpoint(), "", 1);
    if (p.ok()) {
      last = p.value();
      if (ok(last)) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return last;
}

TEST(Service, KilledClientIsCleanedUp) {
  Daemon d;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    const std::string fd = std::to_string(fds[1]);
    execl(g_self.c_str(), g_self.c_str(), "--hold-resources", d.endpoint().c_str(), fd.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  char c = 0;
  ASSERT_EQ(read(fds[0], &c, 1), 1) << "the child did not get its resources";
  close(fds[0]);
  auto held = service::Ping(d.endpoint(), "", 1);
  ASSERT_TRUE(held.ok());
  EXPECT_GE(held->tensors, 1u);
  EXPECT_GE(held->graphs, 1u);
  EXPECT_GE(held->tensor_bytes, 4u << 20);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  // Everything the child held is freed (the pinging client itself holds nothing).
  auto after = WaitForStats(d, [](const auto& p) { return p.tensors == 0 && p.graphs == 0; });
  EXPECT_EQ(after.tensors, 0u);
  EXPECT_EQ(after.graphs, 0u);
  EXPECT_EQ(after.tensor_bytes, 0u);
  EXPECT_EQ(after.constant_bytes, 0u);
  EXPECT_EQ(after.contexts, 0u);
  EXPECT_NE(ReadFile(d.log).find("disconnected"), std::string::npos);
}

TEST(Service, KilledServiceLosesTheContextPromptlyAndANewOneReconnects) {
  Daemon d;
  auto ctx = d.Context();
  const uint32_t n = 1024;
  MLGraph g = AddGraph(ctx, n);
  MLTensor a = ctx->createTensor({DataType::kFloat32, {n}, true, true});
  MLTensor out = ctx->createTensor({DataType::kFloat32, {n}, true, true});
  ctx->dispatch(g, {{"a", a}, {"b", a}}, {{"out", out}});
  (void)ctx->readTensor(out);
  d.process->Kill();
  const auto start = Clock::now();
  std::string message = ExpectThrows([&] {
    // The first calls after the kill may still be answered from local state; within a
    // moment every call fails.
    for (int i = 0; i < 1000; ++i) {
      ctx->dispatch(g, {{"a", a}, {"b", a}}, {{"out", out}});
      (void)ctx->readTensor(out);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 5.0);
  EXPECT_NE(message.find("lost"), std::string::npos) << message;
  ASSERT_TRUE(ctx->lost().has_value());
  EXPECT_FALSE(ctx->lost()->message.empty());
  // Calls on a lost context fail at once with InvalidStateError.
  try {
    ctx->createTensor({DataType::kFloat32, {4}, true, true});
    ADD_FAILURE() << "createTensor on a lost context succeeded";
  } catch (const Exception& e) {
    EXPECT_EQ(e.error().code(), ErrorCode::kInvalidStateError);
  }
  // A new service on the same socket; a new context reconnects.
  d.Start();
  auto again = d.Context();
  MLGraph g2 = AddGraph(again, 4);
  HostTensors in{{"a", HostTensor::FromFloats({4}, std::vector<float>{1, 2, 3, 4})},
                 {"b", HostTensor::FromFloats({4}, std::vector<float>{1, 1, 1, 1})}};
  EXPECT_EQ(again->compute(g2, in).at("out").ToFloats(), (std::vector<float>{2, 3, 4, 5}));
}

// Runs webnnd with `args` to completion; returns its exit status and what it wrote to stderr.
// `xdg_runtime_dir`: the child's XDG_RUNTIME_DIR (empty: inherited).
std::pair<int, std::string> RunWebnnd(const std::vector<std::string>& args,
                                      const std::string& xdg_runtime_dir = "") {
  service::TempDir dir;
  const std::string err = dir.path() + "/stderr";
  const pid_t child = fork();
  if (child == 0) {
    if (!xdg_runtime_dir.empty()) setenv("XDG_RUNTIME_DIR", xdg_runtime_dir.c_str(), 1);
    const int fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || dup2(fd, 2) < 0) _exit(126);
    std::vector<char*> argv{const_cast<char*>(WEBNND)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(WEBNND, argv.data());
    _exit(127);
  }
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child) return {-1, "fork/waitpid failed"};
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(err)};
}

// The socket's directory decides who can replace the socket: webnnd creates it 0700 and refuses
// one that another uid owns, that group or others can write, or that is a symbolic link.
TEST(Service, SocketDirectoryMustBePrivateToTheService) {
  service::TempDir tmp;
  auto refused = [&](const std::string& dir, const std::string& needle) {
    auto [status, err] = RunWebnnd({"--listen", "unix:" + dir + "/s.sock"});
    EXPECT_EQ(status, 1) << dir << ": " << err;
    EXPECT_NE(err.find(needle), std::string::npos) << err;
    EXPECT_FALSE(fs::exists(dir + "/s.sock")) << dir;
  };
  // Pre-created world-writable, as another local user would to swap in its own socket.
  const std::string open_dir = tmp.path() + "/open";
  ASSERT_EQ(mkdir(open_dir.c_str(), 0700), 0);
  ASSERT_EQ(chmod(open_dir.c_str(), 0777), 0);
  refused(open_dir, "writable by group or others");
  const std::string group_dir = tmp.path() + "/group";
  ASSERT_EQ(mkdir(group_dir.c_str(), 0700), 0);
  ASSERT_EQ(chmod(group_dir.c_str(), 0770), 0);
  refused(group_dir, "writable by group or others");
  // Owned by another uid (as root, hand a private directory to another uid; otherwise "/" is
  // root's).
  if (geteuid() == 0) {
    const std::string theirs = tmp.path() + "/theirs";
    ASSERT_EQ(mkdir(theirs.c_str(), 0700), 0);
    ASSERT_EQ(chown(theirs.c_str(), 12345, 12345), 0);
    refused(theirs, "is owned by uid 12345");
  } else {
    refused("", "is owned by uid 0");
  }
  // A symbolic link to a private directory is not followed.
  const std::string real = tmp.path() + "/real", link = tmp.path() + "/link";
  ASSERT_EQ(mkdir(real.c_str(), 0700), 0);
  ASSERT_EQ(symlink(real.c_str(), link.c_str()), 0);
  refused(link, "is a symbolic link");
  // The default under XDG_RUNTIME_DIR: a hijacked webnn/ directory is refused...
  const std::string xdg = tmp.path() + "/xdg";
  ASSERT_EQ(mkdir(xdg.c_str(), 0700), 0);
  ASSERT_EQ(mkdir((xdg + "/webnn").c_str(), 0700), 0);
  ASSERT_EQ(chmod((xdg + "/webnn").c_str(), 0777), 0);
  auto [status, err] = RunWebnnd({}, xdg);
  EXPECT_EQ(status, 1) << err;
  EXPECT_NE(err.find(xdg + "/webnn has mode 0777"), std::string::npos) << err;
  // ... and a missing one is created 0700, owned by the service.
  ASSERT_EQ(rmdir((xdg + "/webnn").c_str()), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    setenv("XDG_RUNTIME_DIR", xdg.c_str(), 1);
    const int null = open("/dev/null", O_WRONLY);
    if (null < 0 || dup2(null, 2) < 0) _exit(126);
    // As root, --allow-root keeps it running (without a 'webnnd' user it would refuse to run
    // as root, right after binding, and remove the socket again).
    if (getuid() == 0) {
      execl(WEBNND, WEBNND, "--allow-root", static_cast<char*>(nullptr));
    } else {
      execl(WEBNND, WEBNND, static_cast<char*>(nullptr));
    }
    _exit(127);
  }
  const std::string sock = xdg + "/webnn/webnnd.sock";
  for (int i = 0; i < 500 && !fs::exists(sock); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  struct stat st {};
  EXPECT_EQ(lstat((xdg + "/webnn").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_EQ(st.st_uid, geteuid());
  EXPECT_TRUE(fs::exists(sock));
  kill(child, SIGTERM);
  int wstatus = 0;
  waitpid(child, &wstatus, 0);
}

// `webnn ping` tells a client what its own principal holds, never another tenant's usage.
TEST(Service, PingShowsOnlyTheCallersOwnPrincipal) {
  service::TempDir tmp;
  const std::string token = tmp.path() + "/token";
  std::ofstream(token) << "t0ken";
  chmod(token.c_str(), 0600);
  const std::string tcp = "tcp:127.0.0.1:" + std::to_string(FreePort());
  Daemon d({"--listen", tcp, "--token-file", token});
  auto ctx = d.Context();  // this uid, over the Unix socket
  MLGraph g = AddGraph(ctx, 4);
  MLTensor t = ctx->createTensor({DataType::kFloat32, {1024}, true, true});
  auto own = service::Ping(d.endpoint(), "", 1);
  ASSERT_TRUE(own.ok()) << own.error().ToString();
  EXPECT_GE(own->tensors, 1u);
  EXPECT_GE(own->graphs, 1u);
  EXPECT_GE(own->contexts, 1u);
  EXPECT_GE(own->tensor_bytes, 4096u);
  // The token holder is another principal: it sees none of that.
  auto other = service::Ping(tcp, token, 1);
  ASSERT_TRUE(other.ok()) << other.error().ToString();
  EXPECT_EQ(other->tensors, 0u);
  EXPECT_EQ(other->graphs, 0u);
  EXPECT_EQ(other->contexts, 0u);
  EXPECT_EQ(other->tensor_bytes, 0u);
  EXPECT_EQ(other->constant_bytes, 0u);
  EXPECT_EQ(other->clients, 1u);  // only its own connection
}

// A TCP connection to 127.0.0.1:port from `source` (another loopback address stands for
// another host); -1 if it fails.
int ConnectTcp(int port, const char* source = "127.0.0.1") {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, source, &from.sin_addr);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Waits (up to `seconds`) until the peer closes `fd`: true on end of stream or a reset.
bool ClosedByPeer(int fd, int seconds) {
  timeval tv{seconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char buf[256];
  ssize_t r;
  while ((r = read(fd, buf, sizeof(buf))) > 0) {
  }
  return r == 0 || (r < 0 && errno == ECONNRESET);
}

// A field of /proc/PID/status in KiB (VmRSS, VmHWM).
uint64_t StatusKiB(pid_t pid, const std::string& field) {
  std::istringstream in(ReadFile("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1));
  }
  return 0;
}

std::string TokenFile(const service::TempDir& tmp) {
  const std::string token = tmp.path() + "/token";
  std::ofstream(token) << "t0ken";
  chmod(token.c_str(), 0600);
  return token;
}

// 300 TCP connections that never authenticate (once enough to refuse every client) lock out
// neither Unix clients nor an authenticated TCP client from another address: they wait in a
// small pool of their own, a few per address, and are dropped at the authentication deadline.
TEST(Service, UnauthenticatedPeersDoNotTakeTheSlotsOfAuthenticatedOnes) {
  service::TempDir tmp;
  const std::string token = TokenFile(tmp), config = tmp.path() + "/c.json";
  std::ofstream(config) << R"({"maxConnections": 256, "authTimeoutMs": 3000})";
  const int port = FreePort();
  const std::string tcp = "tcp:127.0.0.1:" + std::to_string(port);
  Daemon d({"--listen", tcp, "--token-file", token, "--config", config});
  std::vector<int> idle;
  for (int i = 0; i < 300; ++i) {
    const int fd = ConnectTcp(port, "127.0.0.2");
    if (fd >= 0) idle.push_back(fd);
  }
  ASSERT_GE(idle.size(), 256u);
  // Let the service accept (and refuse) them before the real clients come.
  auto ping = WaitForStats(d, [](const auto&) { return true; });
  auto ctx = d.Context();  // Unix
  MLGraph g = AddGraph(ctx, 2);
  HostTensors in{{"a", HostTensor::FromFloats({2}, std::vector<float>{1, 2})},
                 {"b", HostTensor::FromFloats({2}, std::vector<float>{3, 4})}};
  EXPECT_EQ(ctx->compute(g, in).at("out").ToFloats(), (std::vector<float>{4, 6}));
  MLContextOptions o;
  o.executor = "service";
  o.endpoint = tcp;
  o.tokenFile = token;
  auto remote = ML().createContext(o);  // TCP from 127.0.0.1, with the token
  MLGraph gr = AddGraph(remote, 2);
  EXPECT_EQ(remote->compute(gr, in).at("out").ToFloats(), (std::vector<float>{4, 6}));
  // Every idle connection is closed: most at once, the few kept at the deadline.
  int closed = 0;
  for (int fd : idle) {
    closed += ClosedByPeer(fd, 30) ? 1 : 0;
    close(fd);
  }
  EXPECT_EQ(closed, static_cast<int>(idle.size()));
  const std::string log = ReadFile(d.log);
  EXPECT_NE(log.find("(maxPendingPerAddress)"), std::string::npos);
  EXPECT_NE(log.find("no authentication within 3000 ms"), std::string::npos);
}

// A peer without a token that announces a 1 GiB message is dropped after the segment table,
// before the service allocates or reads it.
TEST(Service, UnauthenticatedPeerCannotMakeTheServiceAllocate) {
  service::TempDir tmp;
  const std::string token = TokenFile(tmp);
  const int port = FreePort();
  Daemon d({"--listen", "tcp:127.0.0.1:" + std::to_string(port), "--token-file", token});
  ASSERT_TRUE(d.process.has_value());
  // Unauthenticated TCP peers are handed to the token principal's worker (the broker reads
  // nothing): that worker's memory is what they could grow.
  auto worker = service::Ping("tcp:127.0.0.1:" + std::to_string(port), token, 1);
  ASSERT_TRUE(worker.ok()) << worker.error().ToString();
  const pid_t pid = static_cast<pid_t>(worker->worker_pid);
  ASSERT_GT(pid, 0);
  const uint64_t hwm_before = StatusKiB(pid, "VmHWM");
  const uint64_t broker_hwm_before = StatusKiB(d.process->pid(), "VmHWM");
  std::vector<char> chunk(1 << 20, '\x11');
  for (int peer = 0; peer < 2; ++peer) {
    const int fd = ConnectTcp(port);
    ASSERT_GE(fd, 0);
    const uint32_t header[2] = {0, uint32_t{1} << 27};  // one segment of 2^27 words: 1 GiB
    ASSERT_EQ(send(fd, header, sizeof(header), MSG_NOSIGNAL), static_cast<ssize_t>(sizeof(header)));
    for (int mib = 0; mib < 128; ++mib) {  // as much of it as the service takes
      if (send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) < 0) break;
    }
    EXPECT_TRUE(ClosedByPeer(fd, 10)) << "the service kept the connection";
    close(fd);
  }
  const uint64_t hwm_after = StatusKiB(pid, "VmHWM");
  std::printf("webnnd worker peak RSS: %llu KiB before, %llu KiB after two 1 GiB announcements\n",
              static_cast<unsigned long long>(hwm_before),
              static_cast<unsigned long long>(hwm_after));
  EXPECT_LT(hwm_after, hwm_before + 64 * 1024) << "the service buffered the announced message";
  EXPECT_LT(StatusKiB(d.process->pid(), "VmHWM"), broker_hwm_before + 64 * 1024)
      << "the broker read what the peer sent";
  EXPECT_NE(ReadFile(d.log).find("dropped before authentication"), std::string::npos)
      << ReadFile(d.log);
}

// A connection that authenticates, then holds its slot without a word, is dropped after the
// idle timeout; one holding a context is a live session and stays.
TEST(Service, IdleConnectionsAreDropped) {
  service::TempDir tmp;
  const std::string config = tmp.path() + "/c.json";
  std::ofstream(config) << R"({"idleTimeoutSeconds": 1})";
  Daemon d({"--config", config});
  auto ctx = d.Context();
  MLGraph g = AddGraph(ctx, 2);
  auto io = kj::setupAsyncIo();
  auto address = io.provider->getNetwork()
                     .parseAddress(kj::str("unix:", d.dir.path().c_str(), "/s.sock"))
                     .wait(io.waitScope);
  auto stream = address->connect().wait(io.waitScope);
  capnp::TwoPartyClient client(*stream);
  auto connect = client.bootstrap().castAs<rpc::Service>().connectRequest();
  connect.setProtocolVersion(rpc::PROTOCOL_VERSION);
  (void)connect.send().wait(io.waitScope).getProvider();
  bool dropped = false;
  client.onDisconnect()
      .then([&] { dropped = true; })
      .exclusiveJoin(io.provider->getTimer().afterDelay(30 * kj::SECONDS))
      .wait(io.waitScope);
  EXPECT_TRUE(dropped) << "the idle connection was kept";
  EXPECT_NE(ReadFile(d.log).find("idle for 1 s"), std::string::npos) << ReadFile(d.log);
  // The context's connection has been as quiet, but holds a context: it still works.
  HostTensors in{{"a", HostTensor::FromFloats({2}, std::vector<float>{1, 2})},
                 {"b", HostTensor::FromFloats({2}, std::vector<float>{3, 4})}};
  EXPECT_EQ(ctx->compute(g, in).at("out").ToFloats(), (std::vector<float>{4, 6}));
}

// The child of ClientLeavingMidDispatchDoesNotStallTheService: queues a long dispatch on the
// shared-memory channel, reports, and exits while the service runs it.
int DispatchAndLeave(const std::string& endpoint, int ready_fd, const std::string& token = "",
                     int dispatches = 1) {
  MLContextOptions o;
  o.executor = "service";
  o.endpoint = endpoint;
  o.tokenFile = token;
  auto ctx = ML().createContext(o);
  const uint32_t n = 1024;
  MLGraphBuilder b(ctx);
  auto x = b.input("x", {DataType::kFloat32, {n, n}});
  auto y = x;
  // ~100 GFLOP: over a second even on two fast cores, so it still runs when the child has gone.
  for (int i = 0; i < 48; ++i) y = b.matmul(y, x);
  MLGraph g = b.build({{"y", y}});
  MLTensor in = ctx->createTensor({DataType::kFloat32, {n, n}, true, true});
  MLTensor out = ctx->createTensor({DataType::kFloat32, {n, n}, true, true});
  for (int i = 0; i < dispatches; ++i) ctx->dispatch(g, {{"x", in}}, {{"y", out}});
  // A call answered at once: the dispatches before it on the connection have been delivered.
  (void)ctx->createTensor({DataType::kFloat32, {1}, true, true});
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the service has taken them
  (void)!write(ready_fd, "r", 1);
  _exit(0);
}

// A client that leaves while its graph runs: the service drops its context at once (the
// channel thread is joined and the executor waited for off the event loop), answers the others
// meanwhile, and the running kernel keeps its memory until it finishes.
TEST(Service, ClientLeavingMidDispatchDoesNotStallTheService) {
  Daemon d;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    const std::string fd = std::to_string(fds[1]);
    execl(g_self.c_str(), g_self.c_str(), "--dispatch-and-leave", d.endpoint().c_str(), fd.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  char c = 0;
  ASSERT_EQ(read(fds[0], &c, 1), 1) << "the child did not dispatch";
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  // Its context is gone while its dispatch still runs: the event loop did not wait for it.
  // (Before, the context ended only after the join, with the dispatch finished.)
  auto gone = WaitForStats(d, [](const auto& p) { return p.contexts == 0; });
  EXPECT_EQ(gone.contexts, 0u);
  EXPECT_GE(gone.inflight_dispatches, 1u) << "the event loop waited for the running dispatch";
  // Another client is served meanwhile.
  {
    auto again = d.Context();
    MLGraph g2 = AddGraph(again, 2);
    HostTensors in{{"a", HostTensor::FromFloats({2}, std::vector<float>{1, 2})},
                   {"b", HostTensor::FromFloats({2}, std::vector<float>{3, 4})}};
    EXPECT_EQ(again->compute(g2, in).at("out").ToFloats(), (std::vector<float>{4, 6}));
  }
  // The dispatch finishes and everything is freed.
  auto done = WaitForStats(d, [](const auto& p) {
    return p.inflight_dispatches == 0 && p.contexts == 0 && p.tensors == 0;
  });
  EXPECT_EQ(done.tensors, 0u);
  EXPECT_EQ(done.graphs, 0u);
}

// A client that leaves with dispatches queued (over TCP they are pipelined RPC calls): what has
// not started is cancelled, and its principal's in-flight count returns to zero.
TEST(Service, LeavingClientsQueuedWorkIsCancelled) {
  service::TempDir tmp;
  const std::string token = TokenFile(tmp);
  const std::string tcp = "tcp:127.0.0.1:" + std::to_string(FreePort());
  Daemon d({"--listen", tcp, "--token-file", token});
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    const std::string fd = std::to_string(fds[1]);
    execl(g_self.c_str(), g_self.c_str(), "--dispatch-and-leave", tcp.c_str(), fd.c_str(),
          token.c_str(), "8", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  char c = 0;
  ASSERT_EQ(read(fds[0], &c, 1), 1) << "the child did not dispatch";
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  service::PingResult last;
  for (int i = 0; i < 500; ++i) {  // up to ~10 s
    auto p = service::Ping(tcp, token, 1);
    if (p.ok()) {
      last = p.value();
      if (last.contexts == 0 && last.inflight_dispatches == 0 && last.tensors == 0) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(last.contexts, 0u);
  EXPECT_EQ(last.inflight_dispatches, 0u) << "the left client's dispatches are still counted";
  EXPECT_EQ(last.tensors, 0u);
  EXPECT_NE(ReadFile(d.log).find("queued tasks"), std::string::npos) << ReadFile(d.log);
}

// Memory a graph makes the service spend is charged before the graph is accepted: a 4-byte
// input expanded to 2^28 elements (1 GiB) and reduced, under 1 MiB quotas, is refused at
// build, not run; so is a graph above the work budget.
TEST(Service, GraphWorkingMemoryAndWorkAreChargedAtBuild) {
  service::TempDir tmp;
  const std::string config = tmp.path() + "/c.json";
  std::ofstream(config) << R"({"limits": {"maxTensorBytes": 1048576,
      "maxConstantBytes": 1048576, "maxGraphWork": 100000000}})";
  Daemon d({"--config", config});
  ASSERT_TRUE(d.process.has_value());
  auto ctx = d.Context();
  std::string m = ExpectThrows([&] {
    MLGraphBuilder b(ctx);
    auto x = b.input("x", {DataType::kFloat32, {1}});
    (void)b.build({{"y", b.reduceSum(b.expand(x, {1u << 28}))}});
  });
  EXPECT_NE(m.find("quota exceeded: graph memory"), std::string::npos) << m;
  auto worker = service::Ping(d.endpoint(), "", 1);  // this uid's worker holds the context
  ASSERT_TRUE(worker.ok()) << worker.error().ToString();
  EXPECT_LT(StatusKiB(static_cast<pid_t>(worker->worker_pid), "VmHWM"), 512u * 1024)
      << "the graph ran or was compiled";
  // Small graphs still fit, and their memory is released with them.
  {
    MLGraph g = AddGraph(ctx, 1024);
    auto held = service::Ping(d.endpoint(), "", 1);
    ASSERT_TRUE(held.ok());
    EXPECT_EQ(held->graphs, 1u);
  }
  // Work: a 512x512 matmul is ~1.3e8 multiply-adds, above the budget of 1e8.
  m = ExpectThrows([&] {
    MLGraphBuilder b(ctx);
    auto x = b.input("x", {DataType::kFloat32, {512, 512}});
    (void)b.build({{"y", b.matmul(x, x)}});
  });
  EXPECT_NE(m.find("quota exceeded: graph work"), std::string::npos) << m;
  EXPECT_NE(m.find("maxGraphWork"), std::string::npos) << m;
}

// Everything a client held is freed when it leaves: 1,000 connect / build / dispatch /
// disconnect cycles (200 under AddressSanitizer) leave the counts at zero (RSS is reported,
// with a generous bound).
TEST(Service, ThousandClientCyclesLeaveNothingBehind) {
  Daemon d;
  ASSERT_TRUE(d.process.has_value());
  HostTensors in{{"a", HostTensor::FromFloats({16}, std::vector<float>(16, 1.0f))},
                 {"b", HostTensor::FromFloats({16}, std::vector<float>(16, 2.0f))}};
  auto cycle = [&] {
    auto ctx = d.Context();
    MLGraph g = AddGraph(ctx, 16);
    return ctx->compute(g, in).at("out").ToFloats() == std::vector<float>(16, 3.0f);
  };
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(cycle());  // warm-up: pools, allocator arenas
  WaitForStats(d, [](const auto& p) { return p.contexts == 0; });
  auto worker = service::Ping(d.endpoint(), "", 1);  // every cycle is served by this worker
  ASSERT_TRUE(worker.ok()) << worker.error().ToString();
  const pid_t pid = static_cast<pid_t>(worker->worker_pid);
  const uint64_t rss_before = StatusKiB(pid, "VmRSS");
  // Under AddressSanitizer only the counts are checked (see below), and 200 cycles leave them
  // as surely at zero as 1,000 do, in a fifth of the time.
  const int cycles = kAddressSanitizer ? 200 : 1000;
  int ok = 0;
  for (int i = 0; i < cycles; ++i) ok += cycle() ? 1 : 0;
  EXPECT_EQ(ok, cycles);
  auto after = WaitForStats(d, [](const auto& p) {
    return p.contexts == 0 && p.graphs == 0 && p.tensors == 0 && p.clients == 1;
  });
  EXPECT_EQ(after.contexts, 0u);
  EXPECT_EQ(after.graphs, 0u);
  EXPECT_EQ(after.tensors, 0u);
  EXPECT_EQ(after.tensor_bytes, 0u);
  EXPECT_EQ(after.constant_bytes, 0u);
  EXPECT_EQ(after.inflight_dispatches, 0u);
  EXPECT_EQ(after.clients, 1u);  // the pinging connection
  const uint64_t rss_after = StatusKiB(pid, "VmRSS");
  std::printf("webnnd worker RSS: %llu KiB before, %llu KiB after %d client cycles (%+.1f %%)\n",
              static_cast<unsigned long long>(rss_before),
              static_cast<unsigned long long>(rss_after), cycles,
              100.0 * (static_cast<double>(rss_after) - static_cast<double>(rss_before)) /
                  static_cast<double>(rss_before));
  // Under AddressSanitizer freed memory waits in its quarantine (256 MiB), so webnnd's RSS says
  // nothing there; the counts above are the check in that build.
  if (!kAddressSanitizer) {
    EXPECT_LT(rss_after, rss_before + rss_before / 2 + 16 * 1024) << "memory grows per client";
  }
}

TEST(Service, BadFlagValuesAreRefusedNamingTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string needle;
  };
  const Case cases[] = {
      {{"--allow-uid", "abc"}, "--allow-uid: 'abc' is not a whole number"},
      {{"--allow-uid", "-1"}, "--allow-uid: '-1' is not a whole number"},
      {{"--allow-uid", "4294967295"}, "--allow-uid: 4294967295 is out of range"},
      {{"--threads", "-1"}, "--threads: '-1' is not a whole number"},
      {{"--threads", "4x"}, "--threads: '4x' is not a whole number"},
      {{"--threads", "100000"}, "--threads: 100000 is out of range"},
      {{"--log-level", "loud"}, "--log-level: 'loud'"},
      {{"--listen", "udp:x"}, "--listen"},
      {{"--threads"}, "--threads needs a value"},
      {{"--bogus"}, "unknown argument '--bogus'"},
  };
  for (const Case& c : cases) {
    auto [status, err] = RunWebnnd(c.args);
    EXPECT_EQ(status, 2) << c.args[0] << ": " << err;
    EXPECT_NE(err.find(c.needle), std::string::npos) << err;
  }
}

TEST(Service, BadConfigValuesAreRefusedNamingTheKey) {
  service::TempDir dir;
  const std::string path = dir.path() + "/config.json";
  const std::pair<const char*, const char*> cases[] = {
      {R"({"threads": -1})", "threads: -1 is out of range"},
      {R"({"allowedUids": ["abc"]})", "allowedUids: expected a whole number"},
      {R"({"limits": {"maxGraphs": 1.5}})", "limits.maxGraphs: expected a whole number, got 1.5"},
  };
  for (const auto& [json, needle] : cases) {
    std::ofstream(path) << json;
    auto [status, err] = RunWebnnd({"--config", path});
    EXPECT_EQ(status, 2) << json << ": " << err;
    EXPECT_NE(err.find(needle), std::string::npos) << err;
    EXPECT_NE(err.find(path), std::string::npos) << err;
  }
}

// Server::ServeConnection serves a socket it did not accept: here one end of a socketpair, the
// client on the other end in the same event loop.
TEST(Service, ServesAnAlreadyConnectedSocket) {
  service::ServerConfig config;
  config.threads = 1;
  config.backends = {"reference"};
  std::ostringstream log_text;
  service::Logger log(service::LogLevel::kDebug, log_text);
  auto io = kj::setupAsyncIo();
  service::Server server(config, log, io, /*token=*/"");
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  service::Peer peer;
  peer.principal = "uid " + std::to_string(getuid());
  peer.id = "socketpair #1";
  peer.unix_peer = true;
  peer.uid_allowed = true;
  server.ServeConnection(fds[0], peer);
  EXPECT_EQ(server.connections(), 1u);
  {
    auto stream =
        io.lowLevelProvider->wrapUnixSocketFd(fds[1], kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
    capnp::TwoPartyClient client(*stream);
    auto bootstrap = client.bootstrap().castAs<rpc::Service>();
    auto connect = bootstrap.connectRequest();
    connect.setProtocolVersion(rpc::PROTOCOL_VERSION);
    auto provider = connect.send().wait(io.waitScope).getProvider();
    auto ping = provider.pingRequest();
    auto reply = ping.send().wait(io.waitScope);
    EXPECT_EQ(std::string(reply.getClientId().cStr()), "socketpair #1");
    EXPECT_EQ(reply.getStats().getClients(), 1u);
  }
  // The client end is closed: the server notices and frees the connection.
  for (int i = 0; i < 1000 && server.connections() != 0; ++i) {
    io.provider->getTimer().afterDelay(1 * kj::MILLISECONDS).wait(io.waitScope);
  }
  EXPECT_EQ(server.connections(), 0u);
  EXPECT_NE(log_text.str().find("socketpair #1: connected"), std::string::npos) << log_text.str();
}

TEST(Service, WrongUidIsRefused) {
  Daemon d({"--allow-uid", std::to_string(getuid() + 12345)});
  const std::string m = ExpectThrows([&] { d.Context(); });
  EXPECT_NE(m.find("not allowed"), std::string::npos) << m;
  EXPECT_NE(ReadFile(d.log).find("refused: uid not allowed"), std::string::npos);
}

TEST(Service, TcpNeedsTheToken) {
  service::TempDir tokens;
  const std::string good = tokens.path() + "/good", bad = tokens.path() + "/bad",
                    open_file = tokens.path() + "/open";
  std::ofstream(good) << "s3cret-token\n";
  std::ofstream(bad) << "wrong-token\n";
  std::ofstream(open_file) << "s3cret-token\n";
  chmod(good.c_str(), 0600);
  chmod(bad.c_str(), 0600);
  chmod(open_file.c_str(), 0644);
  const std::string tcp = "tcp:127.0.0.1:" + std::to_string(FreePort());
  Daemon d({"--listen", tcp, "--token-file", good});
  MLContextOptions o;
  o.executor = "service";
  o.endpoint = tcp;
  o.tokenFile = bad;
  std::string m = ExpectThrows([&] { ML().createContext(o); });
  EXPECT_NE(m.find("bad token"), std::string::npos) << m;
  o.tokenFile = open_file;
  m = ExpectThrows([&] { ML().createContext(o); });
  EXPECT_NE(m.find("chmod 600"), std::string::npos) << m;
  // The right token works, and tensors go inline (no shared memory over TCP).
  o.tokenFile = good;
  auto ctx = ML().createContext(o);
  MLGraph g = AddGraph(ctx, 3);
  HostTensors in{{"a", HostTensor::FromFloats({3}, std::vector<float>{1, 2, 3})},
                 {"b", HostTensor::FromFloats({3}, std::vector<float>{10, 20, 30})}};
  EXPECT_EQ(ctx->compute(g, in).at("out").ToFloats(), (std::vector<float>{11, 22, 33}));
  EXPECT_NE(ReadFile(d.log).find("refused: bad token"), std::string::npos);
}

TEST(Service, LimitsAreEnforced) {
  service::TempDir tmp;
  const std::string config = tmp.path() + "/limits.json";
  std::ofstream(config) << R"({"limits": {"maxTensorBytes": 1048576, "maxGraphs": 2,
      "maxConstantBytes": 100000, "maxContexts": 2}})";
  Daemon d({"--config", config});
  auto ctx = d.Context();
  // Tensor bytes: 1 MiB in all.
  MLTensor t1 = ctx->createTensor({DataType::kFloat32, {200000}, true, true});  // 800 KB
  std::string m = ExpectThrows([&] {
    ctx->createTensor({DataType::kFloat32, {100000}, true, true});
  });
  EXPECT_NE(m.find("quota exceeded: tensor bytes"), std::string::npos) << m;
  t1.destroy();  // freed on the service: the same request now fits
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_NO_THROW(ctx->createTensor({DataType::kFloat32, {100000}, true, true}));
  // Constant bytes: LeNet's weights are over 100 KB.
  m = ExpectThrows([&] { ctx->loadGraph(Models() + "/lenet/lenet.json"); });
  EXPECT_NE(m.find("quota exceeded: constant bytes"), std::string::npos) << m;
  // Graphs: two at most.
  MLGraph g1 = AddGraph(ctx, 4), g2 = AddGraph(ctx, 4);
  m = ExpectThrows([&] { AddGraph(ctx, 4); });
  EXPECT_NE(m.find("quota exceeded: graphs"), std::string::npos) << m;
  // Contexts: two per client (uid), across connections.
  auto second = d.Context();
  m = ExpectThrows([&] { d.Context(); });
  EXPECT_NE(m.find("quota exceeded: contexts"), std::string::npos) << m;
}

std::string fast_config(const service::TempDir& tmp) {
  const std::string path = tmp.path() + "/rate.json";
  std::ofstream(path) << R"({"limits": {"requestsPerSecond": 2, "requestBurst": 12}})";
  return path;
}

TEST(Service, InflightAndRateLimits) {
  service::TempDir tmp;
  const std::string config = tmp.path() + "/limits.json";
  std::ofstream(config) << R"({"limits": {"maxInflightDispatches": 1}})";
  // Over TCP dispatches are RPC calls, pipelined without waiting (on a Unix socket each
  // context has one dispatch in flight on its channel, see channel.h).
  const std::string token = tmp.path() + "/token";
  std::ofstream(token) << "t0ken";
  chmod(token.c_str(), 0600);
  const std::string tcp = "tcp:127.0.0.1:" + std::to_string(FreePort());
  Daemon d({"--config", config, "--listen", tcp, "--token-file", token});
  MLContextOptions o;
  o.executor = "service";
  o.endpoint = tcp;
  o.tokenFile = token;
  auto ctx = ML().createContext(o);
  // A slow graph: a 256x256 matmul chain; many dispatches queued at once exceed the limit,
  // and the failure shows when the outputs are read.
  MLGraphBuilder b(ctx);
  auto x = b.input("x", {DataType::kFloat32, {256, 256}});
  auto y = x;
  for (int i = 0; i < 8; ++i) y = b.matmul(y, x);
  MLGraph g = b.build({{"y", y}});
  MLTensor in = ctx->createTensor({DataType::kFloat32, {256, 256}, true, true});
  std::vector<MLTensor> outs;
  for (int i = 0; i < 8; ++i)
    outs.push_back(ctx->createTensor({DataType::kFloat32, {256, 256}, true, true}));
  for (auto& o : outs) ctx->dispatch(g, {{"x", in}}, {{"y", o}});
  int refused = 0;
  for (auto& o : outs) {
    try {
      (void)ctx->readTensor(o);
    } catch (const Exception& e) {
      EXPECT_NE(std::string(e.what()).find("in-flight dispatches"), std::string::npos) << e.what();
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_LT(refused, 8);

  Daemon slow({"--config", d.Config(R"({"limits": {"requestsPerSecond": 2, "requestBurst": 5}})")});
  auto c2 = slow.Context();  // connect + createContext take two tokens
  std::string m = ExpectThrows([&] {
    for (int i = 0; i < 20; ++i) c2->createTensor({DataType::kFloat32, {4}, true, true});
  });
  EXPECT_NE(m.find("rate limit exceeded"), std::string::npos) << m;

  // Dispatches through the shared-memory channel count against the same rate.
  Daemon fast({"--config", fast_config(tmp)});
  auto c3 = fast.Context();
  MLGraph g3 = AddGraph(c3, 4);
  MLTensor t3 = c3->createTensor({DataType::kFloat32, {4}, true, true});
  MLTensor o3 = c3->createTensor({DataType::kFloat32, {4}, true, true});
  m = ExpectThrows([&] {
    for (int i = 0; i < 40; ++i) {
      c3->dispatch(g3, {{"a", t3}, {"b", t3}}, {{"out", o3}});
      (void)c3->readTensor(o3);
    }
  });
  EXPECT_NE(m.find("rate limit exceeded"), std::string::npos) << m;
}

TEST(Service, CorruptMessageDropsOnlyThatConnection) {
  Daemon d;
  auto ctx = d.Context();
  MLGraph g = AddGraph(ctx, 2);
  // A raw peer sends a message whose segment table claims a huge segment, then garbage.
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = d.dir.path() + "/s.sock";
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  const uint32_t header[2] = {0, 0x7fffffff};
  ASSERT_EQ(write(fd, header, sizeof(header)), static_cast<ssize_t>(sizeof(header)));
  std::vector<char> junk(4096, '\x5a');
  (void)!write(fd, junk.data(), junk.size());
  // The service closes the connection.
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char buf[256];
  ssize_t r;
  while ((r = read(fd, buf, sizeof(buf))) > 0) {
  }
  // End of stream, or a reset because the service closed with our junk still unread; a
  // timeout (EAGAIN) would mean it kept the connection.
  const int err = errno;
  EXPECT_TRUE(r == 0 || (r < 0 && err == ECONNRESET))
      << "the service kept the corrupt connection open: " << std::strerror(err);
  close(fd);
  // Garbage that is not even a message: a second raw peer.
  fd = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  std::vector<char> noise(65536);
  for (size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>(i * 131 + 7);
  (void)!write(fd, noise.data(), noise.size());
  close(fd);
  // The other client did not notice.
  HostTensors in{{"a", HostTensor::FromFloats({2}, std::vector<float>{1, 2})},
                 {"b", HostTensor::FromFloats({2}, std::vector<float>{3, 4})}};
  EXPECT_EQ(ctx->compute(g, in).at("out").ToFloats(), (std::vector<float>{4, 6}));
  EXPECT_NE(ReadFile(d.log).find("#3: disconnected"), std::string::npos) << ReadFile(d.log);
}

TEST(Service, InvalidGraphIsRejectedByTheService) {
  Daemon d;
  MLContextOptions o;
  o.executor = "service";
  o.endpoint = d.endpoint();
  auto executor = service::Connect(o);
  ASSERT_TRUE(executor.ok()) << executor.error().ToString();
  // A graph whose declared output descriptor disagrees with inference (relu keeps [2, 2]).
  GraphInfo g;
  g.operands.push_back({OperandKind::kInput, {DataType::kFloat32, {2, 2}}, "x"});
  g.operands.push_back({OperandKind::kOutput, {DataType::kFloat32, {4}}, ""});
  g.inputs = {0};
  Operation relu;
  relu.kind = OpKind::kRelu;
  relu.inputs = {0};
  relu.outputs = {1};
  relu.attrs = NoAttrs{};
  g.operations.push_back(relu);
  g.outputs.push_back({"y", 1});
  auto compiled = executor.value()->Compile(g);
  ASSERT_FALSE(compiled.ok());
  EXPECT_NE(compiled.error().message().find("buildGraph"), std::string::npos)
      << compiled.error().message();
  EXPECT_NE(ReadFile(d.log).find("rejected a graph"), std::string::npos) << ReadFile(d.log);
}

}  // namespace
}  // namespace webnn

int main(int argc, char** argv) {
  webnn::g_self = std::filesystem::canonical("/proc/self/exe").string();
  if (argc == 4 && std::string(argv[1]) == "--hold-resources") {
    return webnn::HoldResources(argv[2], std::atoi(argv[3]));
  }
  if (argc == 4 && std::string(argv[1]) == "--dispatch-and-leave") {
    return webnn::DispatchAndLeave(argv[2], std::atoi(argv[3]));
  }
  if (argc == 6 && std::string(argv[1]) == "--dispatch-and-leave") {
    return webnn::DispatchAndLeave(argv[2], std::atoi(argv[3]), argv[4], std::atoi(argv[5]));
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
