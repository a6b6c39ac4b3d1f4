// Integration tests of the service client against a hostile or misbehaving world: concurrent
// writers and dispatchers on one context, peers that are silent or are not webnnd, objects
// destroyed while other threads dispatch, and dispatches too wide for the shared-memory channel.
// Each test starts the real daemon on a private socket (or a fake peer) and uses the public API.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <thread>

#include "service/client.h"
#include "service/spawn.h"
#include "test_daemon.h"
#include "webnn/webnn.h"

namespace webnn {
namespace {

using service_test::ExpectThrows;
using service_test::ReadFile;

// A daemon on a private socket, its stderr in a log file.
struct Daemon : service_test::DaemonProcess {
  Daemon() : DaemonProcess({"--log-level", "info", "--threads", "2"}) {}
  std::shared_ptr<MLContext> Context(const std::string& executor = "service") const {
    MLContextOptions o;
    o.executor = executor;
    o.endpoint = endpoint();
    return ML().createContext(o);
  }
};

std::vector<std::byte> Filled(size_t count, float value) {
  std::vector<float> v(count, value);
  std::vector<std::byte> bytes(count * sizeof(float));
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return bytes;
}

// Whether every float in `bytes` is the same one, that value at least `least` (one whole input
// of the test below, never a mix of two). Shifting by one element compares the bytes with
// themselves: all elements are equal exactly when the overlap matches.
bool OneValueAtLeast(const std::vector<std::byte>& bytes, float least) {
  if (bytes.size() < sizeof(float)) return false;
  float first;
  std::memcpy(&first, bytes.data(), sizeof(float));
  return first >= least &&
         std::memcmp(bytes.data(), bytes.data() + sizeof(float), bytes.size() - sizeof(float)) == 0;
}

// Writers overwrite one input tensor with whole buffers (every element the same value) while
// dispatchers run out = a + 0 from it: every result must be one whole input, never a mix of two.
TEST(ServiceClient, ConcurrentWritesAndDispatchesNeverTearAnInput) {
  Daemon d;
  auto ctx = d.Context();
  constexpr uint32_t kN = 1 << 20;  // 4 MiB: a copy takes long enough to be overtaken
  MLGraphBuilder b(ctx);
  auto a = b.input("a", {DataType::kFloat32, {kN}});
  auto z = b.input("z", {DataType::kFloat32, {kN}});
  MLGraph g = b.build({{"out", b.add(a, z)}});
  MLTensor input = ctx->createTensor({DataType::kFloat32, {kN}, false, true});
  MLTensor zeros = ctx->createTensor({DataType::kFloat32, {kN}, false, true});
  ctx->writeTensor(input, Filled(kN, 1.0f));
  ctx->writeTensor(zeros, Filled(kN, 0.0f));

  constexpr int kWriters = 2, kDispatchers = 3, kRounds = 100;
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0}, results{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      // Values 1..: writer w writes 1 + w + kWriters * k, from buffers made beforehand so
      // that it spends its time writing.
      std::vector<std::vector<std::byte>> buffers;
      for (int k = 0; k < 4; ++k)
        buffers.push_back(Filled(kN, static_cast<float>(1 + w + kWriters * k)));
      for (int k = 0; !stop.load(); ++k) ctx->writeTensor(input, buffers[k % buffers.size()]);
    });
  }
  std::vector<std::thread> dispatchers;
  for (int t = 0; t < kDispatchers; ++t) {
    dispatchers.emplace_back([&] {
      MLTensor out = ctx->createTensor({DataType::kFloat32, {kN}, true, false});
      for (int r = 0; r < kRounds; ++r) {
        ctx->dispatch(g, {{"a", input}, {"z", zeros}}, {{"out", out}});
        ++results;
        if (!OneValueAtLeast(ctx->readTensor(out), 1.0f)) ++torn;
      }
    });
  }
  for (auto& t : dispatchers) t.join();
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(results.load(), kDispatchers * kRounds);
  EXPECT_EQ(torn.load(), 0) << "of " << results.load() << " results";
}

// A graph of `n` inputs summed into one output.
MLGraph SumGraph(const std::shared_ptr<MLContext>& ctx, uint32_t n) {
  MLGraphBuilder b(ctx);
  MLOperand sum = b.input("in0", {DataType::kFloat32, {4}});
  for (uint32_t i = 1; i < n; ++i) {
    sum = b.add(sum, b.input("in" + std::to_string(i), {DataType::kFloat32, {4}}));
  }
  return b.build({{"out", sum}});
}

// More tensors than the dispatch channel carries: the dispatch goes over RPC instead, with the
// same result as in the calling process.
TEST(ServiceClient, DispatchWithMoreTensorsThanTheChannelFallsBackToRpc) {
  Daemon d;
  constexpr uint32_t kInputs = 300;
  HostTensors in;
  for (uint32_t i = 0; i < kInputs; ++i) {
    const float v = static_cast<float>(i % 7) - 3.0f;
    in["in" + std::to_string(i)] =
        HostTensor::FromFloats({4}, std::vector<float>{v, v * 0.5f, v + 1, static_cast<float>(i)});
  }
  auto direct = d.Context("direct");
  const auto want = direct->compute(SumGraph(direct, kInputs), in).at("out").bytes;
  auto ctx = d.Context();
  MLGraph g = SumGraph(ctx, kInputs);
  for (int r = 0; r < 3; ++r) EXPECT_EQ(ctx->compute(g, in).at("out").bytes, want);
  // A narrow dispatch after a wide one still takes (and gets) the right answer.
  MLGraph small = SumGraph(ctx, 2);
  HostTensors two{{"in0", in.at("in0")}, {"in1", in.at("in1")}};
  EXPECT_EQ(ctx->compute(small, two).at("out").bytes,
            direct->compute(SumGraph(direct, 2), two).at("out").bytes);
}

// Threads dispatch and read while another destroys the graph, the tensors, then the context:
// each call either works or throws InvalidStateError; nothing crashes or reads freed memory.
void DestroyWhileDispatching(const std::shared_ptr<MLContext>& ctx) {
  constexpr uint32_t kN = 1 << 12;
  MLGraphBuilder b(ctx);
  auto a = b.input("a", {DataType::kFloat32, {kN}});
  MLGraph g = b.build({{"out", b.relu(a)}});
  MLTensor in = ctx->createTensor({DataType::kFloat32, {kN}, false, true});
  ctx->writeTensor(in, Filled(kN, 2.0f));
  std::atomic<int> started{0}, ok{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      MLTensor out = ctx->createTensor({DataType::kFloat32, {kN}, true, false});
      ++started;
      // Until the destroy is seen, and a few calls after it (all refused).
      bool seen = false;
      for (int after = 0; after < 20; after += seen ? 1 : 0) {
        try {
          ctx->dispatch(g, {{"a", in}}, {{"out", out}});
          (void)ctx->readTensor(out);
          ++ok;
        } catch (const Exception& e) {
          if (e.error().code() == ErrorCode::kInvalidStateError) {
            ++refused;
          } else {
            ++other;
            ADD_FAILURE() << e.what();
          }
          seen = true;
        }
      }
    });
  }
  while (started.load() < 3) std::this_thread::yield();
  while (ok.load() < 10 && other.load() == 0) std::this_thread::yield();
  g.destroy();
  in.destroy();
  ctx->destroy();
  for (auto& t : threads) t.join();
  EXPECT_GT(ok.load(), 0);
  EXPECT_GE(refused.load(), 3 * 20);
  EXPECT_EQ(other.load(), 0);
  EXPECT_NE(ExpectThrows([&] {
              ctx->dispatch(g, {{"a", in}}, {});
            }).find("lost"),
            std::string::npos);
}

TEST(ServiceClient, DestroyWhileOtherThreadsDispatchIsSafe) {
  Daemon d;
  DestroyWhileDispatching(d.Context());
}

TEST(ServiceClient, DestroyWhileOtherThreadsDispatchIsSafeInProcess) {
  DestroyWhileDispatching(ML().createContext({}));
  MLContextOptions worker;
  worker.executor = "worker";
  DestroyWhileDispatching(ML().createContext(worker));
}

// A listening socket of a fake peer, and the thread that serves it with `serve(fd)` per
// accepted connection.
struct FakePeer {
  service::TempDir dir;
  int listen_fd = -1;
  std::string endpoint;
  std::thread thread;
  std::atomic<bool> stop{false};
  std::vector<int> accepted;

  FakePeer(bool tcp, std::function<void(int)> serve) {
    if (tcp) {
      listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      EXPECT_EQ(bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
      socklen_t len = sizeof(addr);
      getsockname(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
      endpoint = "tcp:127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    } else {
      listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_un addr{};
      addr.sun_family = AF_UNIX;
      const std::string path = dir.path() + "/fake.sock";
      std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
      EXPECT_EQ(bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
      endpoint = "unix:" + path;
    }
    EXPECT_EQ(listen(listen_fd, 16), 0);
    thread = std::thread([this, serve = std::move(serve)] {
      for (;;) {
        int fd = accept(listen_fd, nullptr, nullptr);
        if (fd < 0 || stop.load()) {
          if (fd >= 0) close(fd);
          return;
        }
        accepted.push_back(fd);  // held open until the end: a silent peer
        serve(fd);
      }
    });
  }
  ~FakePeer() {
    stop = true;
    shutdown(listen_fd, SHUT_RDWR);
    thread.join();
    for (int fd : accepted) close(fd);
    close(listen_fd);
  }
  std::string TokenFile() {
    const std::string path = dir.path() + "/token";
    std::ofstream(path) << "0123456789abcdef0123456789abcdef\n";
    chmod(path.c_str(), 0600);
    return path;
  }
};

TEST(ServiceClient, SilentPeerTimesOutInsteadOfHanging) {
  FakePeer peer(/*tcp=*/false, [](int) {});
  MLContextOptions o;
  o.executor = "service";
  o.endpoint = peer.endpoint;
  o.connectTimeoutSeconds = 0.5;
  const std::string what = ExpectThrows([&] { ML().createContext(o); });
  EXPECT_NE(what.find("timed out after 0.5 s"), std::string::npos) << what;
  auto ping = service::Ping(peer.endpoint, "", 1, 0.5);
  ASSERT_FALSE(ping.ok());
  EXPECT_NE(ping.error().ToString().find("timed out"), std::string::npos)
      << ping.error().ToString();
}

TEST(ServiceClient, PeerThatIsNotWebnndIsNamedSo) {
  FakePeer peer(/*tcp=*/true, [](int fd) {
    const char reply[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    (void)!write(fd, reply, sizeof(reply) - 1);
  });
  MLContextOptions o;
  o.executor = "service";
  o.endpoint = peer.endpoint;
  o.tokenFile = peer.TokenFile();
  const std::string what = ExpectThrows([&] { ML().createContext(o); });
  EXPECT_NE(what.find("not a webnnd service"), std::string::npos) << what;
}

TEST(ServiceClient, TimeoutMustBePositiveOrZero) {
  MLContextOptions o;
  o.executor = "service";
  o.endpoint = "unix:/nonexistent/socket";
  o.connectTimeoutSeconds = -1;
  EXPECT_NE(ExpectThrows([&] { ML().createContext(o); }).find("connectTimeoutSeconds"),
            std::string::npos);
}

}  // namespace
}  // namespace webnn
