// webnn run G: runs a graph on input files; prints a summary of each output (or the top values,
// or writes .npy files), the timings, and with --profile the per-step times.
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "common.h"
#include "profile_report.h"
#include "tensor_summary.h"
#include "util/npy.h"

namespace fs = std::filesystem;

namespace webnn::cli {

namespace {

void PrintTop(const std::string& name, const HostTensor& t, uint32_t k) {
  if (t.desc.dataType != DataType::kFloat32) return;
  std::vector<float> v = t.ToFloats();
  std::vector<size_t> idx(v.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  const size_t n = std::min<size_t>(k, idx.size());
  std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(n), idx.end(),
                    [&](size_t a, size_t b) { return v[a] > v[b]; });
  std::cout << name << " top " << n << ":";
  for (size_t i = 0; i < n; ++i) {
    std::cout << " [" << idx[i] << "] " << std::setprecision(6) << v[idx[i]];
  }
  std::cout << "\n";
}

// The --output-dir folder, made if missing; an error naming the flag otherwise.
Status PrepareOutputDir(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    return MakeError(ErrorCode::kTypeError, "--output-dir ", dir.string(),
                     ": exists and is not a directory");
  }
  fs::create_directories(dir, ec);
  if (ec) {
    return MakeError(ErrorCode::kUnknownError, "--output-dir ", dir.string(),
                     ": cannot create it: ", ec.message());
  }
  return {};
}

}  // namespace

int CmdRun(const std::vector<std::string>& args) {
  std::vector<std::string> paths;
  std::map<std::string, std::string> input_files;
  std::map<std::string, uint32_t> dims;
  std::string output_dir, normalize = "none", trace;
  uint32_t repeat = 1, top = 0;
  bool profile = false;
  MLContextOptions context_options;
  Flags flags("run", "G [--input NAME=FILE]... [options]",
              "Runs graph G. Each graph input needs --input NAME=FILE where FILE is a .npy array "
              "of the\ninput's type and shape, or a PNG/JPEG image for a float32 [1,C,H,W] / "
              "[1,H,W,C] input\n(C = 1: grey, 3: RGB; resized bilinearly; pixel values 0..255 "
              "unless --normalize).\nWithout --top or --output-dir, prints each output's shape, "
              "min/max/mean and first values.");
  flags
      .Repeated(
          "--input", [&](const std::string& v) { return ParseInputFlag(v, input_files); },
          "NAME=FILE", "an input")
      .Choice("--normalize", &normalize, {"none", "imagenet"}, "image normalization")
      .String("--output-dir", &output_dir, "D", "write each output as D/<output name>.npy")
      .UInt("--repeat", &repeat, "run N times and report min/median/p90/mean time", 1, 1000000)
      .UInt("--top", &top, "print the N largest values of each output with their indices", 0,
            1000000)
      .Bool("--profile", &profile,
            "time each compiled step and print them, most expensive first (direct or worker "
            "executor)")
      .String("--trace", &trace, "OUT.json",
              "with --profile: write the step runs as a Chrome trace (chrome://tracing, Perfetto)");
  AddDimFlag(flags, dims);
  AddContextFlags(flags, context_options);
  flags.Positionals(&paths, 1, 1)
      .Epilog(
          "With --repeat, the input and output tensors are created and written once; each timed "
          "run is a\ndispatch and the read of every output.\n");
  if (int rc = HandleParse(flags, flags.Parse(args)); rc >= 0) return rc;
  if (!trace.empty()) profile = true;
  if (profile && context_options.executor == "service") {
    return Fail("--profile: graphs in webnnd are not profiled; use --executor direct or worker");
  }
  if (!output_dir.empty()) {
    Status s = PrepareOutputDir(output_dir);
    if (!s.ok()) return Fail(s.error().ToString());
  }
  context_options.profile = profile;
  auto context = ML().createContext(context_options);
  auto t0 = std::chrono::steady_clock::now();
  MLGraph graph = context->loadGraph(paths[0], dims);
  const double load_ms = MsSince(t0);
  const HostTensors inputs = ReadInputs(graph.inputDescriptors(), input_files, normalize);
  // Tensors are created and the inputs written once; a timed run is a dispatch plus the read
  // of every output, the same work through every executor.
  auto tensors_start = std::chrono::steady_clock::now();
  MLNamedTensors input_tensors, output_tensors;
  for (const auto& [name, t] : inputs) {
    MLTensor tensor = context->createTensor({t.desc.dataType, t.desc.shape, false, true});
    context->writeTensor(tensor, t.bytes);
    input_tensors[name] = tensor;
  }
  HostTensors outputs;
  for (const auto& [name, desc] : graph.outputDescriptors()) {
    output_tensors[name] = context->createTensor({desc.dataType, desc.shape, true, false});
    outputs[name] = HostTensor{desc, std::vector<std::byte>(desc.ByteLength())};
  }
  const double tensors_ms = MsSince(tensors_start);
  std::vector<double> times;
  for (uint32_t r = 0; r < repeat; ++r) {
    auto start = std::chrono::steady_clock::now();
    context->dispatch(graph, input_tensors, output_tensors);
    for (auto& [name, t] : outputs) context->readTensor(output_tensors.at(name), t.bytes);
    times.push_back(MsSince(start));
  }
  const bool summary = top == 0 && output_dir.empty();
  for (const auto& [name, t] : outputs) {
    if (summary) {
      PrintTensorSummary(name, t, std::cout);
      continue;
    }
    std::cout << name << ": " << DescriptorToString(t.desc) << "\n";
    if (top > 0) PrintTop(name, t, top);
    if (!output_dir.empty()) {
      Status s = npy::Save(fs::path(output_dir) / (name + ".npy"), {t.desc, t.bytes});
      if (!s.ok()) return Fail(s.error().ToString());
    }
  }
  const Timing t = Summarize(times);
  const MLGraphCompilation comp = graph.compilation();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  if (!comp.backend.empty()) {
    std::cout << std::fixed << std::setprecision(1) << "backend: " << comp.backend << ", "
              << comp.threads << " thread(s) (" << comp.steps << " steps, " << comp.fallbackSteps
              << " on the reference kernels, " << comp.fusedOperations
              << " operations fused or folded; arena " << comp.arenaBytes / 1048576.0
              << " MiB, weights " << comp.weightBytes / 1048576.0 << " MiB)\n";
  }
  std::cout << std::fixed << std::setprecision(1)
            << "peak RSS: " << static_cast<double>(usage.ru_maxrss) / 1024.0 << " MB\n";
  std::cout << std::fixed << std::setprecision(3) << "load+compile: " << load_ms
            << " ms; tensors: " << tensors_ms << " ms; compute x" << repeat << ": min " << t.min_ms
            << " ms, median " << t.median_ms << " ms, p90 " << t.p90_ms << " ms, mean " << t.mean_ms
            << " ms\n";
  if (profile) {
    const MLGraphProfile p = graph.profile();
    PrintProfileTable(p, std::cout);
    if (!trace.empty()) {
      Status s = WriteChromeTrace(p, trace);
      if (!s.ok()) return Fail(s.error().ToString());
      std::cout << "trace: " << trace << " (" << p.events.size()
                << " step runs; open in chrome://tracing or https://ui.perfetto.dev)\n";
    }
  }
  return 0;
}

}  // namespace webnn::cli
