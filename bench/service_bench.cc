// The cost of the process boundary: dispatch round trips per executor next to a raw Unix-socket
// ping-pong between two processes, 64 MiB through the service vs in-process (and over TCP,
// where the bytes travel in messages, next to a raw loopback TCP stream), and 8 clients running
// MobileNetV2 at once. webnnd is started on a private socket (and a loopback TCP port with a
// token) by the benchmark itself.
//
//   webnn_service_bench [--benchmark_filter=...]
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <thread>

#include "service/spawn.h"
#include "webnn/webnn.h"

namespace webnn {
namespace {

// A TCP socket bound to a free port of 127.0.0.1, its address in `addr`; -1 on failure.
int BoundLoopbackSocket(sockaddr_in& addr) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd >= 0 && (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)) {
    close(fd);
    return -1;
  }
  return fd;
}

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort() {
  sockaddr_in addr;
  const int fd = BoundLoopbackSocket(addr);
  if (fd < 0) {
    std::fprintf(stderr, "no free loopback port: %s\n", std::strerror(errno));
    std::exit(1);
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// One daemon for the whole run, on a private Unix socket and a loopback TCP port.
struct Service {
  service::TempDir dir;
  std::string token_file = dir.path() + "/token";
  std::string tcp = "tcp:127.0.0.1:" + std::to_string(FreeLoopbackPort());
  std::optional<service::SpawnedService> process;
  Service() {
    std::ofstream(token_file) << "service-bench-token\n";
    chmod(token_file.c_str(), 0600);
    auto p = service::SpawnedService::Start(
        {WEBNND, "--log-level", "warning", "--listen", tcp, "--token-file", token_file},
        dir.path() + "/s.sock");
    if (!p.ok()) {
      std::fprintf(stderr, "%s\n", p.error().ToString().c_str());
      std::exit(1);
    }
    process.emplace(std::move(p).value());
  }
  std::string endpoint() const { return process->endpoint(); }
};

Service& TheService() {
  static Service s;
  return s;
}

// "service" is webnnd over its Unix socket; "service-tcp" over loopback TCP with the token.
std::shared_ptr<MLContext> Context(const std::string& executor) {
  MLContextOptions o;
  o.executor = executor == "service-tcp" ? "service" : executor;
  if (executor == "service") o.endpoint = TheService().endpoint();
  if (executor == "service-tcp") {
    o.endpoint = TheService().tcp;
    o.tokenFile = TheService().token_file;
  }
  return ML().createContext(o);
}

const char* kExecutors[] = {"direct", "worker", "service", "service-tcp"};

// Dispatch of one add of 4 floats, then a read of the result (the read waits for the dispatch
// to finish): a full round trip.
void BM_DispatchRoundTrip(benchmark::State& state) {
  auto ctx = Context(kExecutors[state.range(0)]);
  state.SetLabel(kExecutors[state.range(0)]);
  MLGraphBuilder b(ctx);
  auto x = b.input("a", {DataType::kFloat32, {4}});
  auto y = b.input("b", {DataType::kFloat32, {4}});
  MLGraph g = b.build({{"out", b.add(x, y)}});
  MLTensor a = ctx->createTensor({DataType::kFloat32, {4}, true, true});
  MLTensor out = ctx->createTensor({DataType::kFloat32, {4}, true, true});
  float result[4];
  for (auto _ : state) {
    ctx->dispatch(g, {{"a", a}, {"b", a}}, {{"out", out}});
    ctx->readTensor(out, std::as_writable_bytes(std::span(result)));
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_DispatchRoundTrip)->DenseRange(0, 2)->UseRealTime();

// The peer: one byte back and forth between two processes over a Unix socket pair.
void BM_UnixSocketPingPong(benchmark::State& state) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
    state.SkipWithError("socketpair");
    return;
  }
  const pid_t child = fork();
  if (child == 0) {
    close(sv[0]);
    char c;
    while (read(sv[1], &c, 1) == 1) {
      if (write(sv[1], &c, 1) != 1) break;
    }
    _exit(0);
  }
  close(sv[1]);
  char c = 'x';
  for (auto _ : state) {
    if (write(sv[0], &c, 1) != 1 || read(sv[0], &c, 1) != 1) {
      state.SkipWithError("ping-pong");
      break;
    }
  }
  close(sv[0]);
  waitpid(child, nullptr, 0);
}
BENCHMARK(BM_UnixSocketPingPong)->UseRealTime();

// 64 MiB in, through an identity graph, 64 MiB out: write + dispatch + read.
void BM_LargeTensors(benchmark::State& state) {
  auto ctx = Context(kExecutors[state.range(0)]);
  state.SetLabel(kExecutors[state.range(0)]);
  const uint32_t n = 16u << 20;  // 16 Mi floats = 64 MiB
  MLGraphBuilder b(ctx);
  auto x = b.input("x", {DataType::kFloat32, {n}});
  MLGraph g = b.build({{"y", b.identity(x)}});
  MLTensor in = ctx->createTensor({DataType::kFloat32, {n}, false, true});
  MLTensor out = ctx->createTensor({DataType::kFloat32, {n}, true, false});
  std::vector<float> host(n, 1.5f), back(n);
  for (auto _ : state) {
    ctx->writeTensor(in, std::as_bytes(std::span(host)));
    ctx->dispatch(g, {{"x", in}}, {{"y", out}});
    ctx->readTensor(out, std::as_writable_bytes(std::span(back)));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * 2 * int64_t{n} * 4);
}
BENCHMARK(BM_LargeTensors)->Arg(0)->Arg(2)->Arg(3)->UseRealTime()->Unit(benchmark::kMillisecond);

// The peer of LargeTensors over TCP: 64 MiB to another process over a loopback TCP connection
// and 64 MiB back (its buffers reused, nothing but the two sockets' copies).
void BM_TcpLoopbackStream(benchmark::State& state) {
  constexpr size_t kBytes = size_t{64} << 20;
  sockaddr_in addr;
  const int listener = BoundLoopbackSocket(addr);
  if (listener < 0 || listen(listener, 1) != 0) {
    state.SkipWithError("loopback listener");
    return;
  }
  // Moves exactly `n` bytes through `io` (read or write) in as many calls as it takes.
  const auto all = [](auto io, int fd, std::byte* p, size_t n) {
    for (size_t done = 0; done < n;) {
      const ssize_t r = io(fd, p + done, n - done);
      if (r <= 0) return false;
      done += static_cast<size_t>(r);
    }
    return true;
  };
  const pid_t child = fork();
  if (child == 0) {  // echoes every 64 MiB it receives
    const int fd = accept(listener, nullptr, nullptr);
    std::vector<std::byte> buffer(kBytes);
    while (all(::read, fd, buffer.data(), kBytes) && all(::write, fd, buffer.data(), kBytes)) {
    }
    _exit(0);
  }
  close(listener);
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    state.SkipWithError("loopback connect");
    return;
  }
  std::vector<std::byte> out(kBytes, std::byte{1}), back(kBytes);
  for (auto _ : state) {
    // The echo reads all 64 MiB before it writes them back, as webnnd takes a whole message.
    if (!all(::write, fd, out.data(), kBytes) || !all(::read, fd, back.data(), kBytes)) {
      state.SkipWithError("loopback stream");
      break;
    }
  }
  close(fd);
  waitpid(child, nullptr, 0);
  state.SetBytesProcessed(int64_t(state.iterations()) * 2 * int64_t{kBytes});
}
BENCHMARK(BM_TcpLoopbackStream)->UseRealTime()->Unit(benchmark::kMillisecond);

// 8 clients, each with its own context (and, for the service, its own connection), run
// MobileNetV2 once per iteration, all at the same time.
void BM_MobileNetV2EightClients(benchmark::State& state) {
  const std::string executor = kExecutors[state.range(0)];
  state.SetLabel(executor);
  const std::string model = std::string(WEBNN_SOURCE_DIR) + "/models/mobilenetv2/mobilenetv2.json";
  constexpr int kClients = 8;
  std::vector<std::shared_ptr<MLContext>> contexts;
  std::vector<MLGraph> graphs;
  for (int i = 0; i < kClients; ++i) {
    contexts.push_back(Context(executor));
    graphs.push_back(contexts.back()->loadGraph(model));
  }
  const auto [name, desc] = *graphs[0].inputDescriptors().begin();
  std::vector<float> pixels(desc.ElementCount(), 0.25f);
  HostTensors inputs{{name, HostTensor::FromFloats(desc.shape, pixels)}};
  for (auto _ : state) {
    std::vector<std::thread> threads;
    for (int i = 0; i < kClients; ++i) {
      threads.emplace_back(
          [&, i] { benchmark::DoNotOptimize(contexts[i]->compute(graphs[i], inputs)); });
    }
    for (auto& t : threads) t.join();
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * kClients);
}
BENCHMARK(BM_MobileNetV2EightClients)
    ->DenseRange(0, 2, 2)
    ->UseRealTime()
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace webnn

BENCHMARK_MAIN();
