#include "common.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "onnx_commands.h"
#include "util/image.h"
#include "util/npy.h"

namespace fs = std::filesystem;

namespace webnn::cli {

int Fail(const std::string& message) {
  std::cerr << "webnn: " << message << "\n";
  return 1;
}

int HandleParse(const Flags& flags, const Result<Flags::Outcome>& outcome) {
  return flags.Handle(outcome, "webnn");
}

void AddContextFlags(Flags& flags, MLContextOptions& o) {
  if (o.executor.empty()) o.executor = "direct";
  flags.Choice("--executor", &o.executor, {"direct", "worker", "service"}, "where graphs run")
      .String("--endpoint", &o.endpoint, "EP",
              "the service for --executor service: unix:PATH or tcp:HOST:PORT (default "
              "unix:$XDG_RUNTIME_DIR/webnn/webnnd.sock)")
      .String("--token-file", &o.tokenFile, "F", "the access token file for a tcp: endpoint")
      .Choice("--backend", &o.backend, {"onednn", "reference"},
              "what computes: onednn (default) or reference (the plain-loop oracle)")
      .UInt("--threads", &o.threads,
            "intra-op threads one dispatch may use (default 0: one per core)", 0, 4096)
      .UInt("--workers", &o.workerThreads,
            "worker threads for --executor worker (default 0: one per core)", 0, 4096);
}

void AddDimFlag(Flags& flags, std::map<std::string, uint32_t>& dims) {
  flags.Repeated(
      "--dim", [&dims](const std::string& v) { return ParseDimOption(v, dims); }, "NAME=VALUE",
      "the size of an ONNX model's free input dimension NAME");
}

GraphInfo LoadOrThrow(const std::string& path, const format::GraphFileOptions& options) {
  auto g = format::LoadGraphFile(path, ContextLimits{}, options);
  if (!g.ok()) throw Exception(std::move(g.error()));
  return std::move(g).value();
}

HostTensor ReadInput(const std::string& file, const OperandDescriptor& want,
                     const std::string& name, const std::string& normalize) {
  std::string ext = fs::path(file).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  if (ext == ".npy") {
    auto a = npy::Load(file);
    if (!a.ok()) throw Exception(std::move(a.error().Prefix("input '" + name + "'")));
    if (!(a->desc == want)) {
      throw Exception(MakeError(ErrorCode::kTypeError, "input '", name, "': ", file, " is ",
                                DescriptorToString(a->desc), ", the graph expects ",
                                DescriptorToString(want)));
    }
    return HostTensor{a->desc, std::move(a->bytes)};
  }
  const uint32_t channels = want.rank() == 4 && (want.shape[1] == 3 || want.shape[3] == 3) ? 3 : 1;
  auto img = image::Load(file, channels);
  if (!img.ok()) throw Exception(std::move(img.error().Prefix("input '" + name + "'")));
  image::TensorOptions opts;
  if (normalize == "imagenet") opts = image::ImageNetNormalization();
  auto bytes = image::ToTensor(*img, want, opts);
  if (!bytes.ok()) throw Exception(std::move(bytes.error().Prefix("input '" + name + "'")));
  return HostTensor{want, std::move(*bytes)};
}

HostTensors ReadInputs(const std::map<std::string, OperandDescriptor>& wanted,
                       const std::map<std::string, std::string>& files,
                       const std::string& normalize) {
  std::string names;
  for (const auto& [name, desc] : wanted) names += (names.empty() ? "" : ", ") + name;
  for (const auto& [name, file] : files) {
    if (!wanted.count(name)) {
      throw Exception(MakeError(ErrorCode::kTypeError, "--input ", name, "=", file,
                                ": the graph has no input named '", name,
                                "' (its inputs: ", names.empty() ? "none" : names, ")"));
    }
  }
  HostTensors inputs;
  for (const auto& [name, desc] : wanted) {
    auto it = files.find(name);
    if (it == files.end()) {
      throw Exception(MakeError(ErrorCode::kTypeError, "missing --input ", name, "=FILE (",
                                DescriptorToString(desc), ")"));
    }
    inputs[name] = ReadInput(it->second, desc, name, normalize);
  }
  return inputs;
}

Status ParseInputFlag(const std::string& v, std::map<std::string, std::string>& files) {
  const size_t eq = v.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
    return MakeError(ErrorCode::kTypeError, "--input expects NAME=FILE, got '", v, "'");
  }
  files[v.substr(0, eq)] = v.substr(eq + 1);
  return {};
}

double MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

Timing Summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  // Nearest rank: the smallest value with at least p% of the samples at or below it.
  auto rank = [&](double p) {
    const size_t r = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(ms.size())));
    return ms[std::clamp<size_t>(r, 1, ms.size()) - 1];
  };
  Timing t;
  t.min_ms = ms.front();
  t.max_ms = ms.back();
  t.median_ms = rank(50);
  t.p90_ms = rank(90);
  t.p99_ms = rank(99);
  double sum = 0;
  for (double x : ms) sum += x;
  t.mean_ms = sum / static_cast<double>(ms.size());
  return t;
}

}  // namespace webnn::cli
