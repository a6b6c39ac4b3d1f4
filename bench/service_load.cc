// MobileNetV2 through webnnd: one client in-process vs through the service (the cost of the
// process boundary on a real network), then N clients at once for a fixed time (throughput
// and fairness under the service's compute budget). Starts webnnd on a private socket.
//
//   webnn_service_load [--clients N] [--seconds S] [--threads T] [--backend B]
//
// Last, the in-process baseline for the N-client figure: one thread dispatching N copies of the
// graph in turn vs one copy (what N working sets cost without the service).
//
// Prints a Markdown table; the goals (docs/benchmarks.md): service median <= 1.05x in-process;
// N clients' total throughput >= 0.9x one client's alone; the slowest client completes at least
// half as many inferences as the average one.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "service/spawn.h"
#include "util/flags.h"
#include "webnn/webnn.h"

namespace webnn {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  uint32_t clients = 8;
  double seconds = 20;
  uint32_t threads = 0;
  std::string backend;
};

// A context with MobileNetV2 built and its tensors created once.
struct Client {
  std::shared_ptr<MLContext> context;
  MLGraph graph;
  MLNamedTensors inputs, outputs;

  Client(const MLContextOptions& o, const std::string& model) : context(ML().createContext(o)) {
    graph = context->loadGraph(model);
    for (const auto& [name, desc] : graph.inputDescriptors()) {
      MLTensor t = context->createTensor({desc.dataType, desc.shape, false, true});
      std::vector<float> pixels(desc.ElementCount(), 0.25f);
      context->writeTensor(t, std::as_bytes(std::span(pixels)));
      inputs[name] = t;
    }
    for (const auto& [name, desc] : graph.outputDescriptors()) {
      outputs[name] = context->createTensor({desc.dataType, desc.shape, true, false});
    }
  }
  // One inference: dispatch and read every output.
  void Run() {
    context->dispatch(graph, inputs, outputs);
    for (auto& [name, t] : outputs) (void)context->readTensor(t);
  }
};

double MedianMs(Client& c, int runs) {
  for (int i = 0; i < 5; ++i) c.Run();  // warm-up
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto t0 = Clock::now();
    c.Run();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

int Main(int argc, char** argv) {
  Options opt;
  cli::Flags flags("", "[--clients N] [--seconds S] [--threads T] [--backend B]",
                   "MobileNetV2 in-process vs through a private webnnd, then N clients at once "
                   "for a fixed time;\nprints a Markdown table with the goals of "
                   "docs/benchmarks.md.");
  flags.Program("webnn_service_load")
      .UInt("--clients", &opt.clients, "clients at once in the second part", 1, 1024)
      .Double("--seconds", &opt.seconds, "how long each part of the throughput test runs", 0.1,
              3600)
      .UInt("--threads", &opt.threads, "intra-op threads per dispatch (0: one per core)", 0, 1024)
      .String("--backend", &opt.backend, "B", "the backend (default: the service's default)");
  if (int rc = flags.ParseMain(argc, argv); rc >= 0) return rc;
  const std::string model = std::string(WEBNN_SOURCE_DIR) + "/models/mobilenetv2/mobilenetv2.json";
  service::TempDir dir;
  auto daemon =
      service::SpawnedService::Start({WEBNND, "--log-level", "warning"}, dir.path() + "/s.sock");
  if (!daemon.ok()) {
    std::fprintf(stderr, "%s\n", daemon.error().ToString().c_str());
    return 1;
  }
  MLContextOptions direct;
  direct.backend = opt.backend;
  direct.threads = opt.threads;
  MLContextOptions remote = direct;
  remote.executor = "service";
  remote.endpoint = daemon->endpoint();

  double in_process = 0, through_service = 0;
  {
    Client a(direct, model), b(remote, model);
    // Interleaved rounds, so machine noise hits both alike.
    std::vector<double> ra, rb;
    for (int round = 0; round < 5; ++round) {
      ra.push_back(MedianMs(a, 20));
      rb.push_back(MedianMs(b, 20));
    }
    std::sort(ra.begin(), ra.end());
    std::sort(rb.begin(), rb.end());
    in_process = ra[ra.size() / 2];
    through_service = rb[rb.size() / 2];
  }

  // One client alone for the duration, then all of them at once.
  auto run_for = [&](int n) {
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < n; ++i) clients.push_back(std::make_unique<Client>(remote, model));
    for (auto& c : clients) c->Run();  // warm-up
    std::vector<int64_t> done(n, 0);
    std::atomic<bool> go{false};
    const auto deadline_after = std::chrono::duration<double>(opt.seconds);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        while (!go.load()) std::this_thread::yield();
        const auto end = Clock::now() + deadline_after;
        while (Clock::now() < end) {
          clients[i]->Run();
          ++done[i];
        }
      });
    }
    go = true;
    for (auto& t : threads) t.join();
    return done;
  };
  // The same work without the service: one thread in this process dispatching n copies of the
  // graph in turn (each its own context, weights and arena, as each webnnd client has). The
  // ratio to one copy is what n working sets cost the caches, with no process boundary.
  auto in_turn = [&](int n) {
    std::vector<std::unique_ptr<Client>> copies;
    for (int i = 0; i < n; ++i) copies.push_back(std::make_unique<Client>(direct, model));
    for (auto& c : copies) c->Run();  // warm-up
    int64_t done = 0;
    const auto end = Clock::now() + std::chrono::duration<double>(opt.seconds);
    while (Clock::now() < end) copies[done++ % n]->Run();
    return done;
  };

  const std::vector<int64_t> alone = run_for(1);
  const std::vector<int64_t> many = run_for(opt.clients);
  int64_t total = 0, slowest = many[0];
  for (int64_t d : many) {
    total += d;
    slowest = std::min(slowest, d);
  }
  const double avg = static_cast<double>(total) / opt.clients;
  const int64_t one_copy = in_turn(1);
  const int64_t n_copies = in_turn(static_cast<int>(opt.clients));
  const double throughput_ratio = static_cast<double>(total) / static_cast<double>(alone[0]);

  std::printf("| measure | value | goal | met? |\n|---|---|---|---|\n");
  std::printf("| MobileNetV2 median, in-process | %.3f ms | | |\n", in_process);
  std::printf("| MobileNetV2 median, through webnnd | %.3f ms (%.3fx) | <= 1.05x | %s |\n",
              through_service, through_service / in_process,
              through_service <= 1.05 * in_process ? "yes" : "no");
  std::printf("| 1 client, %.0f s | %lld inferences | | |\n", opt.seconds,
              static_cast<long long>(alone[0]));
  std::printf("| %d clients, %.0f s | %lld inferences (%.3fx one client's) | >= 0.9x | %s |\n",
              opt.clients, opt.seconds, static_cast<long long>(total), throughput_ratio,
              throughput_ratio >= 0.9 ? "yes" : "no");
  std::printf(
      "| in-process, %u graph copies in turn vs one (no service) | %lld vs %lld (%.3fx) "
      "| | |\n",
      opt.clients, static_cast<long long>(n_copies), static_cast<long long>(one_copy),
      static_cast<double>(n_copies) / static_cast<double>(one_copy));
  std::printf("| slowest / average client | %lld / %.1f (%.3f) | >= 0.5 | %s |\n",
              static_cast<long long>(slowest), avg, slowest / avg,
              slowest >= 0.5 * avg ? "yes" : "no");
  daemon->Stop();
  return 0;
}

}  // namespace
}  // namespace webnn

int main(int argc, char** argv) { return webnn::Main(argc, argv); }
