// webnnd's process-level behaviour, on the real daemon: the graceful drain on SIGTERM, the
// SIGHUP reload, the socket directory for other uids, endpoint failover and the metrics
// endpoint. Usage: webnn_daemon_tests [gtest flags].
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "service/client.h"
#include "service/spawn.h"
#include "test_daemon.h"
#include "webnn/webnn.h"

namespace webnn {
namespace {

using service_test::ExpectThrows;
using service_test::FreePort;
using service_test::ReadFile;
using service_test::WaitUntil;

using Clock = std::chrono::steady_clock;

struct Daemon : service_test::DaemonProcess {
  explicit Daemon(const std::vector<std::string>& extra = {}, std::string socket_path = "")
      : DaemonProcess(Args(extra), std::move(socket_path)) {}
  static std::vector<std::string> Args(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"--log-level", "debug", "--threads", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  std::shared_ptr<MLContext> Context(const std::string& backend = "") const {
    MLContextOptions o;
    o.executor = "service";
    o.endpoint = endpoint();
    o.backend = backend;
    o.threads = 1;
    return ML().createContext(o);
  }
  bool LogHas(const std::string& text) const {
    return WaitUntil([&] { return ReadFile(log).find(text) != std::string::npos; });
  }
};

// out = a x b, float32 [n, n]: slow enough on the reference kernels to be in flight a while.
MLGraph MatMul(const std::shared_ptr<MLContext>& ctx, uint32_t n) {
  MLGraphBuilder b(ctx);
  auto a = b.input("a", {DataType::kFloat32, {n, n}});
  auto c = b.input("b", {DataType::kFloat32, {n, n}});
  return b.build({{"out", b.matmul(a, c)}});
}

std::vector<float> Pattern(uint32_t count, int seed) {
  std::vector<float> v(count);
  for (uint32_t i = 0; i < count; ++i) v[i] = static_cast<float>((i * 7 + seed) % 13) - 6.0f;
  return v;
}

TEST(Daemon, DispatchInFlightDuringSigtermCompletesAndNewWorkIsRefused) {
  Daemon d({"--drain-timeout", "600"});
  ASSERT_TRUE(d.process);
  const uint32_t n = 640;
  auto busy = d.Context("reference");
  auto idle = d.Context("reference");
  MLGraph g = MatMul(busy, n);
  MLGraph idle_graph = MatMul(idle, 4);
  MLTensor a = busy->createTensor({DataType::kFloat32, {n, n}, false, true});
  MLTensor b = busy->createTensor({DataType::kFloat32, {n, n}, false, true});
  MLTensor out = busy->createTensor({DataType::kFloat32, {n, n}, true, true});
  const auto va = Pattern(n * n, 1), vb = Pattern(n * n, 5);
  busy->writeTensor(a, std::as_bytes(std::span(va)));
  busy->writeTensor(b, std::as_bytes(std::span(vb)));
  // Three dispatches queued: the service is busy for a while on its one thread.
  for (int i = 0; i < 3; ++i) busy->dispatch(g, {{"a", a}, {"b", b}}, {{"out", out}});
  ASSERT_TRUE(WaitUntil([&] {
    auto p = service::Ping(d.endpoint(), "", 1);
    return p.ok() && p->inflight_dispatches > 0;
  })) << ReadFile(d.log);

  ASSERT_EQ(kill(d.process->pid(), SIGTERM), 0);
  ASSERT_TRUE(d.LogHas("shutting down")) << ReadFile(d.log);

  // New work on an open connection is refused, saying why.
  std::string m = ExpectThrows([&] {
    MLTensor t = idle->createTensor({DataType::kFloat32, {4, 4}, true, true});
    idle->dispatch(idle_graph, {{"a", t}, {"b", t}}, {{"out", t}});
    (void)idle->readTensor(t);
  });
  EXPECT_NE(m.find("shutting down"), std::string::npos) << m;
  // New connections are not taken.
  EXPECT_FALSE(service::Ping(d.endpoint(), "", 1).ok());

  // The dispatches in flight finish, with the numbers the direct executor computes.
  std::vector<float> served(n * n);
  busy->readTensor(out, std::as_writable_bytes(std::span(served)));
  MLContextOptions direct_options;
  direct_options.backend = "reference";
  auto direct = ML().createContext(direct_options);
  MLGraph gd = MatMul(direct, n);
  HostTensors in;
  in["a"] = HostTensor::FromFloats({n, n}, va);
  in["b"] = HostTensor::FromFloats({n, n}, vb);
  const auto want = direct->compute(gd, in).at("out").bytes;
  ASSERT_EQ(want.size(), served.size() * sizeof(float));
  EXPECT_EQ(std::memcmp(want.data(), served.data(), want.size()), 0);

  EXPECT_EQ(d.process->Stop(), 0) << ReadFile(d.log);
  EXPECT_NE(ReadFile(d.log).find("drained: every dispatch finished"), std::string::npos)
      << ReadFile(d.log);
}

TEST(Daemon, SighupReloadsLimitsWithoutDroppingClients) {
  service::TempDir tmp;
  const std::string config = tmp.path() + "/webnnd.json";
  std::ofstream(config) << R"({"limits": {"maxGraphs": 8}, "logLevel": "info"})";
  Daemon d({"--config", config});
  ASSERT_TRUE(d.process);
  auto ctx = d.Context();
  MLGraph g1 = MatMul(ctx, 4), g2 = MatMul(ctx, 4);

  std::ofstream(config) << R"({"limits": {"maxGraphs": 2}, "logLevel": "debug"})";
  ASSERT_EQ(kill(d.process->pid(), SIGHUP), 0);
  ASSERT_TRUE(d.LogHas("SIGHUP: reloaded")) << ReadFile(d.log);

  // The connection from before the reload still works, and sees the new limit.
  HostTensors in;
  in["a"] = HostTensor::FromFloats({4, 4}, Pattern(16, 0));
  in["b"] = HostTensor::FromFloats({4, 4}, Pattern(16, 3));
  EXPECT_NO_THROW(ctx->compute(g1, in));
  const std::string m = ExpectThrows([&] { MatMul(ctx, 4); });
  EXPECT_NE(m.find("quota exceeded: graphs"), std::string::npos) << m;
  EXPECT_NE(m.find("the limit is 2"), std::string::npos) << m;
  // A bad config on the next SIGHUP keeps the running one.
  std::ofstream(config) << R"({"limits": {"maxGraphs": "many"}})";
  ASSERT_EQ(kill(d.process->pid(), SIGHUP), 0);
  ASSERT_TRUE(d.LogHas("SIGHUP: the configuration is kept")) << ReadFile(d.log);
  EXPECT_NO_THROW(ctx->compute(g2, in));
  EXPECT_EQ(d.process->Stop(), 0);
}

TEST(Daemon, StartupLineSaysWhatRuns) {
  Daemon d;
  ASSERT_TRUE(d.LogHas("starting: backends ")) << ReadFile(d.log);
  const std::string log = ReadFile(d.log);
  EXPECT_NE(log.find("1 worker threads"), std::string::npos) << log;
  EXPECT_NE(log.find("limits per client uid"), std::string::npos) << log;
  EXPECT_NE(log.find("sandbox: "), std::string::npos) << log;
}

TEST(Daemon, HelpSaysLimitsArePerClientUid) {
  service::TempDir tmp;
  const std::string out = tmp.path() + "/help";
  const std::string cmd = std::string(WEBNND) + " --help > " + out;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_NE(ReadFile(out).find("per client\n                    uid"), std::string::npos)
      << ReadFile(out);
}

// Runs `body` in a child process under `uid`; returns its exit status.
int AsUid(uid_t uid, const std::function<int()>& body) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (setgid(uid) != 0 || setuid(uid) != 0) _exit(99);
    _exit(body());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(Daemon, AllowedUidReachesTheSocketInTheDirectoryWebnndCreates) {
  constexpr uid_t kOther = 65534;  // nobody
  service::TempDir tmp;
  ASSERT_EQ(chmod(tmp.path().c_str(), 0755), 0);
  const std::string dir = tmp.path() + "/webnn";
  Daemon d({"--allow-uid", std::to_string(getuid()), "--allow-uid", std::to_string(kOther)},
           dir + "/webnnd.sock");
  ASSERT_TRUE(d.process);
  struct stat st {};
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0711u);  // others may reach the socket, not list the directory
  if (getuid() != 0) {
    ADD_FAILURE() << "the other-uid half needs root (setuid)";
    return;
  }
  const std::string endpoint = d.endpoint();
  EXPECT_EQ(AsUid(kOther, [&] { return service::Ping(endpoint, "", 1).ok() ? 0 : 1; }), 0)
      << ReadFile(d.log);
}

TEST(Daemon, UidLockedOutIsToldPermissionDeniedNotNotRunning) {
  if (getuid() != 0) {
    ADD_FAILURE() << "needs root (setuid to another uid)";
    return;
  }
  service::TempDir tmp;
  ASSERT_EQ(chmod(tmp.path().c_str(), 0755), 0);
  Daemon d({}, tmp.path() + "/webnn/webnnd.sock");  // only root: the directory is 0700
  ASSERT_TRUE(d.process);
  const std::string endpoint = d.endpoint(), out = tmp.path() + "/message";
  ASSERT_EQ(chmod(tmp.path().c_str(), 0777), 0);
  AsUid(65534, [&] {
    auto p = service::Ping(endpoint, "", 1);
    std::ofstream(out) << (p.ok() ? "ok" : p.error().message());
    return 0;
  });
  const std::string m = ReadFile(out);
  EXPECT_NE(m.find("permission denied"), std::string::npos) << m;
  EXPECT_EQ(m.find("is webnnd running"), std::string::npos) << m;
}

TEST(Daemon, EndpointListFailsOverToTheNextService) {
  Daemon d;
  ASSERT_TRUE(d.process);
  service::TempDir tmp;
  MLContextOptions o;
  o.executor = "service";
  o.endpoint = "unix:" + tmp.path() + "/nobody-here.sock," + d.endpoint();
  auto ctx = ML().createContext(o);
  HostTensors in;
  in["a"] = HostTensor::FromFloats({4, 4}, Pattern(16, 0));
  in["b"] = HostTensor::FromFloats({4, 4}, Pattern(16, 3));
  EXPECT_NO_THROW(ctx->compute(MatMul(ctx, 4), in));
  // With none usable, the error names each endpoint's reason.
  o.endpoint = "unix:" + tmp.path() + "/a.sock,unix:" + tmp.path() + "/b.sock";
  const std::string m = ExpectThrows([&] { ML().createContext(o); });
  EXPECT_NE(m.find("a.sock"), std::string::npos) << m;
  EXPECT_NE(m.find("b.sock"), std::string::npos) << m;
}

// A plain HTTP/1.0 GET; returns the whole response.
std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return {};
  }
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
  (void)!write(fd, request.data(), request.size());
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) response.append(buf, n);
  close(fd);
  return response;
}

// The samples of a Prometheus text page: "name{labels}" -> value. Fails the test on a line
// that is neither a comment nor a sample.
std::map<std::string, double> ParseExposition(const std::string& body) {
  std::map<std::string, double> samples;
  static const std::regex kSample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})?) (\S+)$)");
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.starts_with("# HELP ") || line.starts_with("# TYPE ")) continue;
    std::smatch m;
    if (!std::regex_match(line, m, kSample)) {
      ADD_FAILURE() << "not a sample: " << line;
      continue;
    }
    samples[m[1]] = std::stod(m[3]);
  }
  return samples;
}

TEST(Daemon, MetricsEndpointServesPrometheusText) {
  const int port = FreePort();
  service::TempDir tmp;
  const std::string config = tmp.path() + "/webnnd.json";
  std::ofstream(config) << R"({"limits": {"maxGraphs": 1, "maxTensorBytes": 4096}})";
  Daemon d({"--metrics", "tcp:127.0.0.1:" + std::to_string(port), "--config", config});
  ASSERT_TRUE(d.process);
  auto ctx = d.Context();
  MLGraph g = MatMul(ctx, 4);
  (void)ExpectThrows([&] { MatMul(ctx, 4); });  // over maxGraphs: not counted as a refusal here
  HostTensors in;
  in["a"] = HostTensor::FromFloats({4, 4}, Pattern(16, 0));
  in["b"] = HostTensor::FromFloats({4, 4}, Pattern(16, 3));
  constexpr int kDispatches = 5;
  for (int i = 0; i < kDispatches; ++i) ctx->compute(g, in);
  // A tensor over the byte quota: a refusal with its reason.
  (void)ExpectThrows([&] { ctx->createTensor({DataType::kFloat32, {2048}, true, true}); });

  const std::string response = HttpGet(port, "/metrics");
  ASSERT_TRUE(response.starts_with("HTTP/1.1 200 OK\r\n")) << response;
  EXPECT_NE(response.find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
  const std::string body = response.substr(response.find("\r\n\r\n") + 4);
  const auto s = ParseExposition(body);
  const std::string p = "principal=\"uid " + std::to_string(getuid()) + "\"";
  EXPECT_EQ(s.at("webnnd_dispatches_total{" + p + ",outcome=\"ok\"}"), kDispatches) << body;
  EXPECT_EQ(s.at("webnnd_dispatch_duration_seconds_count{" + p + "}"), kDispatches);
  EXPECT_EQ(s.at("webnnd_dispatch_duration_seconds_bucket{" + p + ",le=\"+Inf\"}"), kDispatches);
  // Buckets are cumulative.
  double previous = 0;
  for (const auto& [name, value] : s) {
    if (!name.starts_with("webnnd_dispatch_duration_seconds_bucket{")) continue;
    if (name.find("+Inf") != std::string::npos) continue;
    EXPECT_LE(value, kDispatches) << name;
  }
  for (double le : {0.0001, 0.001, 0.01, 0.1, 1.0, 10.0}) {
    std::ostringstream key;
    key << "webnnd_dispatch_duration_seconds_bucket{" << p << ",le=\"" << le << "\"}";
    ASSERT_TRUE(s.count(key.str())) << key.str() << "\n" << body;
    EXPECT_GE(s.at(key.str()), previous) << key.str();
    previous = s.at(key.str());
  }
  // 5 dispatches of two 4x4 float32 inputs and one output.
  EXPECT_EQ(s.at("webnnd_dispatch_input_bytes_total{" + p + "}"), kDispatches * 2 * 64);
  EXPECT_EQ(s.at("webnnd_dispatch_output_bytes_total{" + p + "}"), kDispatches * 64);
  EXPECT_EQ(s.at("webnnd_live_objects{" + p + ",kind=\"graphs\"}"), 1);
  EXPECT_GE(s.at("webnnd_live_objects{" + p + ",kind=\"contexts\"}"), 1);
  EXPECT_EQ(s.at("webnnd_refusals_total{" + p + ",reason=\"tensor bytes\"}"), 1) << body;
  EXPECT_EQ(s.at("webnnd_draining"), 0);
  EXPECT_TRUE(HttpGet(port, "/other").starts_with("HTTP/1.1 404"));
}

}  // namespace
}  // namespace webnn
