// webnn demo: starts webnnd on a private socket and runs LeNet and the MobileNetV2 backbone
// through each executor, side by side.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "common.h"
#include "service/spawn.h"

namespace fs = std::filesystem;

namespace webnn::cli {

namespace {

struct DemoResult {
  double lenet_load_ms = 0, lenet_median_ms = 0, mnet_load_ms = 0, mnet_median_ms = 0;
  int correct = 0;
  std::vector<std::vector<std::byte>> outputs;  // every output, to compare executors
};

DemoResult RunDemo(MLContext& context, const std::string& models, const std::string& label) {
  DemoResult r;
  auto t0 = std::chrono::steady_clock::now();
  MLGraph lenet = context.loadGraph((fs::path(models) / "lenet" / "lenet.json").string());
  r.lenet_load_ms = MsSince(t0);
  const auto [in_name, in_desc] = *lenet.inputDescriptors().begin();
  std::vector<double> times;
  std::cout << "[" << label << "] LeNet:";
  for (int digit = 0; digit < 10; ++digit) {
    const fs::path png = fs::path(models) / "lenet" / ("digit_" + std::to_string(digit) + ".png");
    HostTensors inputs{{in_name, ReadInput(png.string(), in_desc, in_name, "none")}};
    auto start = std::chrono::steady_clock::now();
    HostTensors out = context.compute(lenet, inputs);
    times.push_back(MsSince(start));
    std::vector<float> p = out.begin()->second.ToFloats();
    const size_t best = static_cast<size_t>(std::max_element(p.begin(), p.end()) - p.begin());
    r.correct += static_cast<int>(best) == digit;
    std::cout << " " << digit << "->" << best << (static_cast<int>(best) == digit ? "" : "(WRONG)");
    r.outputs.push_back(out.begin()->second.bytes);
  }
  r.lenet_median_ms = Summarize(times).median_ms;
  std::cout << "  (" << r.correct << "/10 correct)\n";

  const fs::path mnet = fs::path(models) / "mobilenetv2" / "mobilenetv2.json";
  t0 = std::chrono::steady_clock::now();
  MLGraph backbone = context.loadGraph(mnet.string());
  r.mnet_load_ms = MsSince(t0);
  const auto [m_name, m_desc] = *backbone.inputDescriptors().begin();
  HostTensors inputs{{m_name, ReadInput((fs::path(models) / "mobilenetv2" / "test.jpg").string(),
                                        m_desc, m_name, "imagenet")}};
  times.clear();
  HostTensors out;
  for (int rep = 0; rep < 5; ++rep) {
    auto start = std::chrono::steady_clock::now();
    out = context.compute(backbone, inputs);
    times.push_back(MsSince(start));
  }
  r.mnet_median_ms = Summarize(times).median_ms;
  const auto& [o_name, o_tensor] = *out.begin();
  double norm = 0;
  for (float x : o_tensor.ToFloats()) norm += double{x} * x;
  std::cout << "[" << label << "] MobileNetV2 backbone: " << o_name << " "
            << DescriptorToString(o_tensor.desc) << ", L2 norm " << std::setprecision(6)
            << std::sqrt(norm) << "\n";
  r.outputs.push_back(o_tensor.bytes);
  return r;
}

}  // namespace

int CmdDemo(const std::vector<std::string>& args) {
  std::string models = "models";
  Flags flags("demo", "[--models DIR]",
              "Starts webnnd on a private socket, then classifies the ten LeNet digit images "
              "(DIR/lenet) and\nruns the MobileNetV2 backbone (DIR/mobilenetv2) with each "
              "executor (direct, worker, service),\nand prints results and timings side by side.");
  flags.String("--models", &models, "DIR", "the models folder");
  if (int rc = HandleParse(flags, flags.Parse(args)); rc >= 0) return rc;
  service::TempDir dir;
  const std::string socket = dir.path() + "/webnnd.sock";
  const std::string webnnd = service::ExecutableDir() + "/webnnd";
  std::vector<std::string> command =
      fs::exists(webnnd)
          ? std::vector<std::string>{webnnd, "--log-level", "warning"}
          : std::vector<std::string>{"/proc/self/exe", "serve", "--log-level", "warning"};
  auto t0 = std::chrono::steady_clock::now();
  auto daemon = service::SpawnedService::Start(command, socket);
  if (!daemon.ok()) return Fail(daemon.error().ToString());
  std::cout << std::fixed << std::setprecision(3) << "webnnd started on " << daemon->endpoint()
            << " (pid " << daemon->pid() << ", " << MsSince(t0) << " ms)\n";

  // The reference kernels in-process, then the default backend through each executor.
  struct Column {
    std::string executor, backend;
  };
  const std::vector<Column> columns = {
      {"direct", "reference"}, {"direct", "onednn"}, {"worker", "onednn"}, {"service", "onednn"}};
  std::vector<DemoResult> results;
  for (const Column& col : columns) {
    MLContextOptions o;
    o.executor = col.executor;
    o.backend = col.backend;
    o.endpoint = daemon->endpoint();
    auto context = ML().createContext(o);
    results.push_back(RunDemo(*context, models, col.executor + "/" + col.backend));
  }
  std::cout << "\n" << std::left << std::setw(28) << "timings (ms, median)";
  for (const Column& col : columns) {
    std::cout << std::right << std::setw(18) << (col.executor + "/" + col.backend);
  }
  std::cout << "\n";
  auto row = [&](const char* name, double DemoResult::*field) {
    std::cout << std::left << std::setw(28) << name;
    for (const DemoResult& r : results) {
      std::cout << std::right << std::setw(18) << std::setprecision(3) << r.*field;
    }
    std::cout << "\n";
  };
  row("LeNet load+compile", &DemoResult::lenet_load_ms);
  row("LeNet one digit", &DemoResult::lenet_median_ms);
  row("MobileNetV2 load+compile", &DemoResult::mnet_load_ms);
  row("MobileNetV2 inference", &DemoResult::mnet_median_ms);
  // One backend gives bit-identical results through every executor.
  bool identical = true;
  for (size_t i = 2; i < results.size(); ++i) {
    identical = identical && results[i].outputs == results[1].outputs;
  }
  std::cout << "onednn outputs bit-identical across executors: " << (identical ? "yes" : "NO")
            << "\n";
  bool all_correct = true;
  for (const DemoResult& r : results) all_correct = all_correct && r.correct == 10;
  daemon->Stop();
  return all_correct && identical ? 0 : 1;
}

}  // namespace webnn::cli
