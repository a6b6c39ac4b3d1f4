// Load and faults of webnnd, on a private socket:
//   1. N clients x D dispatches each of a small graph: errors, and webnnd's RSS after warm-up
//      vs at the end (drift);
//   2. kill -9 of the service while N clients dispatch: the time from the kill to each client
//      seeing its context lost;
//   3. kill -9 of a client process in the middle of uploading a large tensor: the time until
//      webnnd's counts (`webnn ping`) are back to zero.
//
//   webnn_service_faults [--clients N] [--dispatches D] [--upload-mib M]
//
// Prints the numbers as Markdown (docs/service-load.md). Exit status 1 if a goal is missed:
// zero errors, RSS drift < 5 %, every client lost within 100 ms, everything freed.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "service/client.h"
#include "service/spawn.h"
#include "util/flags.h"
#include "webnn/webnn.h"

namespace webnn {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  uint32_t clients = 16;
  uint32_t dispatches = 10000;
  uint32_t upload_mib = 256;
};

// Resident set of a process in KiB (VmRSS of /proc/PID/status), 0 if unknown.
long RssKib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

std::shared_ptr<MLContext> Context(const std::string& endpoint) {
  MLContextOptions o;
  o.executor = "service";
  o.endpoint = endpoint;
  return ML().createContext(o);
}

// out = relu(a) over float32 [n].
MLGraph ReluGraph(const std::shared_ptr<MLContext>& ctx, uint32_t n) {
  MLGraphBuilder b(ctx);
  return b.build({{"out", b.relu(b.input("a", {DataType::kFloat32, {n}}))}});
}

std::optional<service::SpawnedService> StartService(const service::TempDir& dir) {
  auto p = service::SpawnedService::Start({WEBNND, "--log-level", "warning"},
                                          dir.path() + "/s.sock", dir.path() + "/webnnd.log");
  if (!p.ok()) {
    std::fprintf(stderr, "cannot start webnnd: %s\n", p.error().ToString().c_str());
    return std::nullopt;
  }
  return std::move(p).value();
}

// The process that serves this uid's clients: its worker (ping reports the pid), or the service
// itself when it runs as one process.
pid_t ServingPid(const std::string& endpoint, pid_t service_pid) {
  auto p = service::Ping(endpoint, "", 1);
  return p.ok() && p->worker_pid != 0 ? static_cast<pid_t>(p->worker_pid) : service_pid;
}

// 1. Many clients dispatching.
bool Load(const Options& o) {
  service::TempDir dir;
  auto service = StartService(dir);
  if (!service) return false;
  const std::string endpoint = service->endpoint();
  const pid_t served = ServingPid(endpoint, service->pid());
  std::atomic<uint32_t> errors{0}, warmed{0}, done{0};
  std::atomic<long> rss_warm{0};
  std::vector<std::thread> threads;
  const auto t0 = Clock::now();
  for (uint32_t c = 0; c < o.clients; ++c) {
    threads.emplace_back([&] {
      try {
        auto ctx = Context(endpoint);
        MLGraph g = ReluGraph(ctx, 1024);
        MLTensor in = ctx->createTensor({DataType::kFloat32, {1024}, false, true});
        MLTensor out = ctx->createTensor({DataType::kFloat32, {1024}, true, false});
        std::vector<float> x(1024, -1.0f);
        ctx->writeTensor(in, std::as_bytes(std::span(x)));
        for (uint32_t d = 0; d < o.dispatches; ++d) {
          try {
            ctx->dispatch(g, {{"a", in}}, {{"out", out}});
            if (d % 100 == 99) (void)ctx->readTensor(out);
          } catch (const Exception& e) {
            if (errors++ == 0) std::fprintf(stderr, "dispatch: %s\n", e.what());
          }
          // RSS after warm-up: every client has dispatched 10 % of its share.
          if (d == o.dispatches / 10 && ++warmed == o.clients) rss_warm = RssKib(served);
        }
        (void)ctx->readTensor(out);
      } catch (const Exception& e) {
        ++errors;
        std::fprintf(stderr, "client: %s\n", e.what());
      }
      ++done;
    });
  }
  // The end point is sampled while the clients are still connected (their last reads).
  long rss_end = 0;
  for (auto& t : threads) t.join();
  rss_end = RssKib(served);
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const double drift =
      rss_warm.load() > 0 ? 100.0 * double(rss_end - rss_warm.load()) / double(rss_warm.load()) : 0;
  std::printf(
      "| %d clients x %d dispatches | %d errors | %.1f s (%.0f dispatches/s) | RSS "
      "after warm-up %ld KiB, at the end %ld KiB: drift %+.2f %% |\n",
      o.clients, o.dispatches, errors.load(), seconds, double(o.clients) * o.dispatches / seconds,
      rss_warm.load(), rss_end, drift);
  return errors.load() == 0 && rss_warm.load() > 0 && drift < 5.0;
}

// 2. kill -9 of the service while clients dispatch.
bool KillService(const Options& o) {
  service::TempDir dir;
  auto service = StartService(dir);
  if (!service) return false;
  const std::string endpoint = service->endpoint();
  std::atomic<uint32_t> ready{0};
  std::atomic<int64_t> kill_ns{0};
  std::vector<double> latency_ms(o.clients, -1);
  std::vector<std::thread> threads;
  for (uint32_t c = 0; c < o.clients; ++c) {
    threads.emplace_back([&, c] {
      try {
        auto ctx = Context(endpoint);
        constexpr uint32_t kN = 1 << 18;  // a dispatch of some length: the kill lands mid-way
        MLGraph g = ReluGraph(ctx, kN);
        MLTensor in = ctx->createTensor({DataType::kFloat32, {kN}, false, true});
        MLTensor out = ctx->createTensor({DataType::kFloat32, {kN}, true, false});
        ++ready;
        for (;;) {
          try {
            ctx->dispatch(g, {{"a", in}}, {{"out", out}});
            (void)ctx->readTensor(out);
          } catch (const Exception&) {
            if (ctx->lost()) break;
          }
        }
        const int64_t now = Clock::now().time_since_epoch().count();
        latency_ms[c] = double(now - kill_ns.load()) / 1e6;
      } catch (const Exception& e) {
        std::fprintf(stderr, "client: %s\n", e.what());
      }
    });
  }
  while (ready.load() < o.clients) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill_ns = Clock::now().time_since_epoch().count();
  service->Kill();
  for (auto& t : threads) t.join();
  const double worst = *std::max_element(latency_ms.begin(), latency_ms.end());
  const double best = *std::min_element(latency_ms.begin(), latency_ms.end());
  std::printf(
      "| kill -9 of webnnd under %d dispatching clients | every client lost after "
      "%.1f–%.1f ms |\n",
      o.clients, best, worst);
  return best >= 0 && worst < 100;
}

// The child of KillUploadingClient: uploads a large tensor over and over until killed.
int UploadChild(const std::string& endpoint, uint32_t mib, int ready_fd) {
  auto ctx = Context(endpoint);
  const uint32_t n = mib * (1u << 20) / 4;
  MLTensor t = ctx->createTensor({DataType::kFloat32, {n}, true, true});
  std::vector<float> data(n, 1.5f);
  MLGraph g = ReluGraph(ctx, 1024);
  (void)!write(ready_fd, "r", 1);
  for (;;) ctx->writeTensor(t, std::as_bytes(std::span(data)));
}

// 3. kill -9 of a client in the middle of an upload.
bool KillUploadingClient(const Options& o, const std::string& self) {
  service::TempDir dir;
  auto service = StartService(dir);
  if (!service) return false;
  const std::string endpoint = service->endpoint();
  const pid_t served = ServingPid(endpoint, service->pid());
  const long rss_before = RssKib(served);
  int fds[2];
  if (pipe(fds) != 0) return false;
  const pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    const std::string mib = std::to_string(o.upload_mib), fd = std::to_string(fds[1]);
    execl(self.c_str(), self.c_str(), "--upload-child", endpoint.c_str(), mib.c_str(), fd.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  char c;
  const bool started = read(fds[0], &c, 1) == 1;
  close(fds[0]);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // inside a write
  auto held = service::Ping(endpoint, "", 1);
  const long rss_held = RssKib(served);
  const auto killed = Clock::now();
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  service::PingResult last;
  bool freed = false;
  while (Clock::now() - killed < std::chrono::seconds(10)) {
    auto p = service::Ping(endpoint, "", 1);
    if (p.ok()) {
      last = p.value();
      // The ping's own connection is the one client left.
      if (last.clients == 1 && last.contexts == 0 && last.graphs == 0 && last.tensors == 0 &&
          last.tensor_bytes == 0 && last.inflight_dispatches == 0) {
        freed = true;
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - killed).count();
  std::printf(
      "| kill -9 of a client uploading %u MiB | held: %u contexts, %u graphs, %u tensors, "
      "%llu tensor bytes | %s after %.0f ms: %u contexts, %u graphs, %u tensors, %llu "
      "tensor bytes | webnnd RSS %ld KiB before, %ld KiB held, %ld KiB after |\n",
      o.upload_mib, held.ok() ? held->contexts : 0, held.ok() ? held->graphs : 0,
      held.ok() ? held->tensors : 0,
      static_cast<unsigned long long>(held.ok() ? held->tensor_bytes : 0),
      freed ? "all freed" : "NOT freed", ms, last.contexts, last.graphs, last.tensors,
      static_cast<unsigned long long>(last.tensor_bytes), rss_before, rss_held, RssKib(served));
  return started && held.ok() && held->tensors > 0 && freed;
}

}  // namespace
}  // namespace webnn

int main(int argc, char** argv) {
  using namespace webnn;
  if (argc == 5 && std::string(argv[1]) == "--upload-child") {
    return UploadChild(argv[2], static_cast<uint32_t>(std::stoul(argv[3])), std::atoi(argv[4]));
  }
  Options o;
  cli::Flags flags("", "[--clients N] [--dispatches D] [--upload-mib M]",
                   "webnnd under load and faults: N clients x D dispatches (errors, RSS drift), "
                   "kill -9 of the\nservice mid-dispatch, kill -9 of a client mid-upload "
                   "(docs/service-load.md).");
  flags.Program("webnn_service_faults")
      .UInt("--clients", &o.clients, "clients dispatching at once", 1, 1024)
      .UInt("--dispatches", &o.dispatches, "dispatches per client", 10, 100000000)
      .UInt("--upload-mib", &o.upload_mib, "the killed client's upload, MiB", 1, 1024);
  if (int rc = flags.ParseMain(argc, argv); rc >= 0) return rc;
  const std::string self = "/proc/self/exe";
  bool ok = Load(o);
  ok = KillService(o) && ok;
  ok = KillUploadingClient(o, self) && ok;
  return ok ? 0 : 1;
}
