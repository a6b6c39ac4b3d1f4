// webnn bench G: latency percentiles and throughput of a graph, after a warm-up, for N runs or a
// duration, from one or several threads dispatching at once (in the spirit of
// onnxruntime_perf_test and OpenVINO's benchmark_app).
#include <atomic>
#include <barrier>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "common.h"

namespace webnn::cli {

namespace {

// Inputs without a file get deterministic data: floats uniform in [0, 1), integers 0 (a valid
// index for gather-like operators).
HostTensor SyntheticInput(const OperandDescriptor& desc, uint32_t seed) {
  HostTensor t{desc, std::vector<std::byte>(desc.ByteLength())};
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  const size_t n = desc.ElementCount();
  if (desc.dataType == DataType::kFloat32) {
    for (size_t i = 0; i < n; ++i) {
      const float x = uniform(rng);
      std::memcpy(t.bytes.data() + 4 * i, &x, 4);
    }
  } else if (desc.dataType == DataType::kFloat16) {
    for (size_t i = 0; i < n; ++i) {
      const uint16_t h = FloatToHalf(uniform(rng));
      std::memcpy(t.bytes.data() + 2 * i, &h, 2);
    }
  }
  return t;
}

// One request thread's tensors: its inputs written once, its outputs read after every run.
struct Slot {
  MLNamedTensors inputs, outputs;
  std::vector<std::vector<std::byte>> host_outputs;
};

}  // namespace

int CmdBench(const std::vector<std::string>& args) {
  std::vector<std::string> paths;
  std::map<std::string, std::string> input_files;
  std::map<std::string, uint32_t> dims;
  std::string normalize = "none";
  uint32_t runs = 0, warmup = 5, concurrency = 1;
  double duration_s = 0;
  bool json = false;
  MLContextOptions context_options;
  Flags flags("bench", "G [--input NAME=FILE]... [options]",
              "Measures graph G: loads and compiles it once, runs --warmup untimed runs per "
              "request thread,\nthen --runs timed runs in all (default 100) or as many as fit "
              "in --duration seconds, from\n-c threads each dispatching its own tensors on one "
              "context. A run is a dispatch and the read\nof every output. Prints latency "
              "percentiles (nearest rank) and throughput, or --json.\nInputs without --input "
              "get deterministic data (floats in [0, 1), integers 0).");
  flags
      .Repeated(
          "--input", [&](const std::string& v) { return ParseInputFlag(v, input_files); },
          "NAME=FILE", "an input (.npy or image)")
      .Choice("--normalize", &normalize, {"none", "imagenet"}, "image normalization")
      .UInt("--runs", &runs, "timed runs in all (default 100 without --duration)", 1, 100000000)
      .Double("--duration", &duration_s, "run for this many seconds instead of --runs", 0.001,
              86400)
      .UInt("--warmup", &warmup, "untimed runs per request thread first", 0, 1000000)
      .UInt("--concurrency", &concurrency, "request threads dispatching at once", 1, 1024)
      .Alias("-c", "--concurrency")
      .Alias("-n", "--runs")
      .Alias("-t", "--duration")
      .Bool("--json", &json, "print the results as one JSON object");
  AddDimFlag(flags, dims);
  AddContextFlags(flags, context_options);
  flags.Positionals(&paths, 1, 1);
  if (int rc = HandleParse(flags, flags.Parse(args)); rc >= 0) return rc;
  if (runs != 0 && duration_s > 0) return Fail("give --runs or --duration, not both");
  if (runs == 0 && duration_s == 0) runs = 100;

  auto context = ML().createContext(context_options);
  auto t0 = std::chrono::steady_clock::now();
  MLGraph graph = context->loadGraph(paths[0], dims);
  const double load_ms = MsSince(t0);
  const auto wanted = graph.inputDescriptors();
  std::map<std::string, std::string> given;
  std::map<std::string, OperandDescriptor> from_files;
  for (const auto& [name, file] : input_files) {
    if (!wanted.count(name)) {
      // ReadInputs names the graph's inputs.
      ReadInputs(wanted, input_files, normalize);
    }
    from_files[name] = wanted.at(name);
  }
  HostTensors inputs = ReadInputs(from_files, input_files, normalize);
  uint32_t seed = 1;
  for (const auto& [name, desc] : wanted) {
    if (!inputs.count(name)) inputs[name] = SyntheticInput(desc, seed++);
  }
  std::vector<Slot> slots(concurrency);
  for (Slot& slot : slots) {
    for (const auto& [name, t] : inputs) {
      MLTensor tensor = context->createTensor({t.desc.dataType, t.desc.shape, false, true});
      context->writeTensor(tensor, t.bytes);
      slot.inputs[name] = tensor;
    }
    for (const auto& [name, desc] : graph.outputDescriptors()) {
      slot.outputs[name] = context->createTensor({desc.dataType, desc.shape, true, false});
      slot.host_outputs.emplace_back(desc.ByteLength());
    }
  }
  auto run_once = [&](Slot& slot) {
    context->dispatch(graph, slot.inputs, slot.outputs);
    size_t i = 0;
    for (const auto& [name, tensor] : slot.outputs) {
      context->readTensor(tensor, slot.host_outputs[i++]);
    }
  };

  std::atomic<uint64_t> started{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<double> latencies;
  std::string failure;
  std::chrono::steady_clock::time_point begin;
  // The clock starts when every thread has finished its warm-up.
  std::barrier warmed_up(static_cast<std::ptrdiff_t>(concurrency),
                         [&]() noexcept { begin = std::chrono::steady_clock::now(); });
  auto worker = [&](Slot& slot) {
    std::vector<double> mine;
    bool warmed = false;
    try {
      for (uint32_t i = 0; i < warmup && !stop.load(); ++i) run_once(slot);
      warmed = true;
      warmed_up.arrive_and_wait();
      while (!stop.load()) {
        if (runs != 0 && started.fetch_add(1) >= runs) break;
        if (duration_s > 0 &&
            std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count() >=
                duration_s) {
          break;
        }
        const auto s = std::chrono::steady_clock::now();
        run_once(slot);
        mine.push_back(MsSince(s));
      }
    } catch (const std::exception& e) {
      stop = true;
      if (!warmed) warmed_up.arrive_and_drop();
      std::lock_guard lock(mu);
      if (failure.empty()) failure = e.what();
      if (const auto* we = dynamic_cast<const Exception*>(&e)) failure = we->error().ToString();
    }
    std::lock_guard lock(mu);
    latencies.insert(latencies.end(), mine.begin(), mine.end());
  };
  std::vector<std::thread> threads;
  for (Slot& slot : slots) threads.emplace_back(worker, std::ref(slot));
  for (std::thread& th : threads) th.join();
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  if (!failure.empty()) return Fail(failure);
  if (latencies.empty()) return Fail("no run finished in the time given");
  const Timing t = Summarize(latencies);
  const double throughput = static_cast<double>(latencies.size()) / wall_s;
  const MLGraphCompilation comp = graph.compilation();
  const std::string backend =
      comp.backend.empty()
          ? (context_options.backend.empty() ? "the service's default" : context_options.backend)
          : comp.backend;
  if (json) {
    const nlohmann::ordered_json out = {{"graph", paths[0]},
                                        {"executor", context_options.executor},
                                        {"backend", backend},
                                        {"concurrency", concurrency},
                                        {"warmup", warmup},
                                        {"runs", latencies.size()},
                                        {"wall_s", wall_s},
                                        {"throughput_per_s", throughput},
                                        {"load_compile_ms", load_ms},
                                        {"latency_ms",
                                         {{"min", t.min_ms},
                                          {"mean", t.mean_ms},
                                          {"p50", t.median_ms},
                                          {"p90", t.p90_ms},
                                          {"p99", t.p99_ms},
                                          {"max", t.max_ms}}}};
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << std::fixed << std::setprecision(3) << paths[0] << ": " << context_options.executor
            << "/" << backend << ", " << concurrency << " request thread(s), " << warmup
            << " warm-up run(s) each\n"
            << "load+compile: " << load_ms << " ms\n"
            << "runs: " << latencies.size() << " in " << wall_s << " s\n"
            << "throughput: " << std::setprecision(2) << throughput << " runs/s\n"
            << std::setprecision(3) << "latency (ms): min " << t.min_ms << ", mean " << t.mean_ms
            << ", p50 " << t.median_ms << ", p90 " << t.p90_ms << ", p99 " << t.p99_ms << ", max "
            << t.max_ms << "\n";
  return 0;
}

}  // namespace webnn::cli
