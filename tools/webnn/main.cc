// webnn: the command-line tool. `webnn --help` lists the commands.
#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api/internal.h"
#include "conformance/conformance.h"
#include "format/capnp/codec.h"
#include "format/graph_file.h"
#include "format/json/graph_json.h"
#include "format/onnx/onnx_export.h"
#include "onnx_commands.h"
#include "service/client.h"
#include "../webnnd/serve_main.h"
#include "service/spawn.h"
#include "util/image.h"
#include "util/npy.h"
#include "webnn/webnn.h"

namespace fs = std::filesystem;
using namespace webnn;

namespace {

constexpr char kUsage[] = R"(webnn — run and inspect WebNN graphs

Usage: webnn <command> [options]

Commands:
  info G              print a graph file's inputs, outputs, operators and constant size
  validate G          check a graph file; exit 0 if valid, 1 with the reason if not
  run G [options]     run a graph on input files and write/print its outputs
  dot G               print the graph in Graphviz dot syntax
  convert IN OUT      convert a graph file (webnn-graph-json, Cap'n Proto or ONNX) to .json or .webnn
  conformance DIR...  replay WPT conformance vectors (folders or files of JSON cases)
  onnx-conformance DIR...  run the ONNX backend tests (libonnx-testdata) through the importer
  onnx-ops            list the ONNX op types the importer converts
  demo [--models D]   start webnnd on a private socket, classify the LeNet digits and run the
                      MobileNetV2 backbone with the direct, worker and service executors
  serve [options]     run the WebNN service (the same as webnnd; see webnn serve --help)
  ping [--endpoint EP] check that webnnd answers; print its version and round-trip time

`webnn <command> --help` describes a command's options. Graph files are webnn-graph-json
(.json with .weights/.manifest.json or .safetensors beside it), Cap'n Proto (.webnn, one
self-contained file) or ONNX models (imported); the format is told by the file's content, not
its name. info, validate, dot and convert take --dim NAME=VALUE (repeatable) for an ONNX
model's free input dimensions.
)";

constexpr char kRunUsage[] = R"(Usage: webnn run G [--input NAME=FILE]... [options]

Runs graph G. Each graph input needs --input NAME=FILE where FILE is a .npy array of the
input's type and shape, or a PNG/JPEG image for a float32 [1,C,H,W] / [1,H,W,C] input
(C = 1: grey, 3: RGB; resized bilinearly; pixel values 0..255 unless --normalize).

Options:
  --input NAME=FILE   an input (repeatable)
  --dim NAME=VALUE    the size of an ONNX model's free input dimension NAME (repeatable)
  --normalize MODE    image normalization: none (default) or imagenet
  --output-dir D      write each output as D/<output name>.npy
  --repeat N          run N times and report min/median/mean time (default 1)
  --top K             print the K largest values of each output with their indices
  --executor E        direct (default), worker or service
  --endpoint EP       the service for --executor service: unix:PATH or tcp:HOST:PORT
                      (default unix:$XDG_RUNTIME_DIR/webnn/webnnd.sock)
  --token-file F      the access token file for a tcp: endpoint
  --backend B         what computes: onednn (default) or reference (the plain-loop oracle)
  --threads N         intra-op threads one dispatch may use (default: one per core)
  --workers N         worker threads for --executor worker (default: one per core)
With --repeat, the input and output tensors are created and written once; each timed run is a
dispatch and the read of every output.
)";

constexpr char kConvertUsage[] = R"(Usage: webnn convert IN OUT [--to json|capnp|onnx] [--dim NAME=VALUE]...
       webnn convert IN.onnx --report [--dim NAME=VALUE]...

Converts graph file IN to OUT. IN may be webnn-graph-json, Cap'n Proto or an ONNX model (told by
its content) and is loaded and validated as `webnn validate` does, so a graph that does not
validate is never written.

ONNX input:
  --dim NAME=VALUE  the size of the free (symbolic) input dimension NAME (repeatable)
  --report          import what can be imported and list every node that blocks the model
                    (name or index, op type, reason); exit 1 if there is any

OUT's format is --to if given, else OUT's extension:
  json   (.json)   webnn-graph-json; constants over 1 KiB go to <stem>.weights and
                   <stem>.manifest.json next to OUT (WGWT), smaller ones inline
  capnp  (.webnn)  one self-contained Cap'n Proto message (schema/webnn.capnp), constants inline
  onnx   (.onnx)   an ONNX model (opset 17), constants as initializers, for a second runtime;
                   an operator without an ONNX form yet is an error naming it

Exit status 0 on success, 1 with the reason on stderr if IN cannot be loaded or OUT written.
)";

constexpr char kConformanceUsage[] = R"(Usage: webnn conformance DIR_OR_FILE... [options]

Replays the W3C WebNN conformance vectors (JSON, see tests/conformance/data/README.md) through
the graph builder and compares each output with the case's tolerance. Prints one line per
failing case and ends with `N passed, N failed, N skipped`.

Options:
  --expectations F    known failures (`<file>::<case> | <reason>` per line); exit 1 on any
                      unexpected result (a failure not listed, or a listed case that passes)
  --filter S          run only the cases whose "<file>::<name>" contains S
  --executor E        where the graphs run: direct (default), worker or service
  --endpoint EP       the service for --executor service (unix:PATH or tcp:HOST:PORT)
  --token-file F      the access token file for a tcp: endpoint
  --backend B         onednn (default) or reference
  --threads N         intra-op threads one dispatch may use (default: one per core)
  --workers N         worker threads for --executor worker
  --compare-direct    also run each case in-process and fail it unless the executor's outputs
                      are bit-identical
Without --expectations the exit code is 1 if any case failed.
)";

// A non-negative whole number given to `flag`, or a TypeError naming the flag and the value.
uint32_t ParseCount(std::string_view flag, const std::string& value) {
  uint32_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size()) {
    throw Exception(
        MakeError(ErrorCode::kTypeError, flag, ": expected a whole number, got '", value, "'"));
  }
  return n;
}

// --executor/--endpoint/--token-file/--backend/--threads/--workers, shared by run and
// conformance. Returns true when args[i] was one of them (and consumes its value).
bool ParseExecutorOption(const std::vector<std::string>& args, size_t& i, MLContextOptions& o) {
  const std::string& a = args[i];
  if (a != "--executor" && a != "--endpoint" && a != "--token-file" && a != "--threads" &&
      a != "--backend" && a != "--workers") {
    return false;
  }
  if (i + 1 >= args.size()) throw Exception(MakeError(ErrorCode::kTypeError, a, " needs a value"));
  const std::string& v = args[++i];
  if (a == "--executor") o.executor = v;
  if (a == "--endpoint") o.endpoint = v;
  if (a == "--token-file") o.tokenFile = v;
  if (a == "--threads") o.threads = ParseCount(a, v);
  if (a == "--workers") o.workerThreads = ParseCount(a, v);
  if (a == "--backend") o.backend = v;
  return true;
}

int Fail(const std::string& message) {
  std::cerr << "webnn: " << message << "\n";
  return 1;
}

bool WantsHelp(const std::vector<std::string>& args) {
  return std::find(args.begin(), args.end(), "--help") != args.end() ||
         std::find(args.begin(), args.end(), "-h") != args.end();
}

GraphInfo LoadOrThrow(const std::string& path, const format::GraphFileOptions& options = {}) {
  auto g = format::LoadGraphFile(path, ContextLimits{}, options);
  if (!g.ok()) throw Exception(std::move(g.error()));
  return std::move(g).value();
}

std::string Describe(const OperandDescriptor& d) { return DescriptorToString(d); }

int CmdInfo(const std::vector<std::string>& all_args) {
  // --dim NAME=VALUE sizes an ONNX model's free dimensions.
  format::GraphFileOptions file_options;
  const std::vector<std::string> args = cli::TakeDimOptions(all_args, file_options.dims);
  if (WantsHelp(args) || args.size() != 1) {
    std::cout << "Usage: webnn info G\n\nPrints the graph's name, inputs, outputs, the count of "
                 "each operator and the constant bytes.\n";
    return args.size() == 1 ? 0 : 2;
  }
  GraphInfo g = LoadOrThrow(args[0], file_options);
  std::cout << "graph: " << (g.name.empty() ? fs::path(args[0]).filename().string() : g.name)
            << "\n";
  std::cout << "inputs:\n";
  for (OperandId id : g.inputs) {
    std::cout << "  " << g.operands[id].name << ": " << Describe(g.operands[id].desc) << "\n";
  }
  std::cout << "outputs:\n";
  for (const GraphOutput& o : g.outputs) {
    std::cout << "  " << o.name << ": " << Describe(g.operands[o.operand].desc) << "\n";
  }
  std::map<std::string, int> counts;
  for (const Operation& op : g.operations) ++counts[std::string(OpName(op.kind))];
  std::cout << "operations: " << g.operations.size() << "\n";
  for (const auto& [name, n] : counts) std::cout << "  " << name << ": " << n << "\n";
  uint64_t bytes = 0;
  for (const auto& [id, b] : g.constants) bytes += b.size();
  std::cout << "constants: " << g.constants.size() << " (" << bytes << " bytes)\n";
  return 0;
}

int CmdValidate(const std::vector<std::string>& all_args) {
  format::GraphFileOptions file_options;
  const std::vector<std::string> args = cli::TakeDimOptions(all_args, file_options.dims);
  if (WantsHelp(args) || args.size() != 1) {
    std::cout << "Usage: webnn validate G\n\nLoads and validates a graph file with the same "
                 "validators as the graph builder.\nExit status 0 if valid, 1 (with the reason "
                 "on stderr) if not.\n";
    return args.size() == 1 ? 0 : 2;
  }
  auto g = format::LoadGraphFile(args[0], ContextLimits{}, file_options);
  if (!g.ok()) return Fail(args[0] + ": " + g.error().ToString());
  std::cout << args[0] << ": valid (" << g->operations.size() << " operations)\n";
  return 0;
}

int CmdConvert(const std::vector<std::string>& args) {
  if (WantsHelp(args)) {
    std::cout << kConvertUsage;
    return 0;
  }
  std::vector<std::string> paths;
  std::string to;
  format::GraphFileOptions file_options;
  bool report = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--dim") {
      if (i + 1 >= args.size()) return Fail("--dim needs a value: NAME=VALUE");
      Status s = cli::ParseDimOption(args[++i], file_options.dims);
      if (!s.ok()) return Fail(s.error().ToString());
    } else if (args[i] == "--report") {
      report = true;
    } else if (args[i] == "--to") {
      if (i + 1 >= args.size()) return Fail("--to needs a value: json or capnp");
      to = args[++i];
      if (to != "json" && to != "capnp" && to != "onnx") {
        return Fail("--to must be json, capnp or onnx, got '" + to + "'");
      }
    } else if (args[i].starts_with("--")) {
      return Fail("unknown option " + args[i] + " (see webnn convert --help)");
    } else {
      paths.push_back(args[i]);
    }
  }
  if (report && paths.size() == 1) return cli::OnnxReport(paths[0], file_options.dims);
  if (paths.size() != 2) {
    std::cerr << kConvertUsage;
    return 2;
  }
  const fs::path in = paths[0], out = paths[1];
  if (to.empty()) {
    if (out.extension() == ".json") {
      to = "json";
    } else if (out.extension() == ".webnn") {
      to = "capnp";
    } else if (out.extension() == ".onnx") {
      to = "onnx";
    } else {
      return Fail("cannot tell the output format from '" + out.string() +
                  "': name it .json, .webnn or .onnx, or pass --to json|capnp|onnx");
    }
  }
  auto graph = format::LoadGraphFile(in, ContextLimits{}, file_options);
  if (!graph.ok()) {
    Fail(graph.error().ToString());
    if (report) cli::OnnxReport(in, file_options.dims);
    return 1;
  }
  Status s = to == "json"    ? SaveGraphJson(*graph, out)
             : to == "onnx" ? format::SaveGraphOnnx(*graph, out)
                            : SaveGraphCapnp(*graph, out);
  if (!s.ok()) return Fail(s.error().ToString());
  std::error_code ec;
  const uintmax_t bytes = fs::file_size(out, ec);
  std::cout << in.string() << " -> " << out.string() << " ("
            << (to == "json" ? "webnn-graph-json" : to == "onnx" ? "ONNX" : "Cap'n Proto") << ", "
            << graph->operations.size() << " operations, " << (ec ? 0 : bytes) << " bytes";
  const size_t inline_threshold = JsonSaveOptions{}.inline_threshold;
  const bool sidecar = to == "json" && std::any_of(graph->constants.begin(), graph->constants.end(),
                                                   [&](const auto& c) {
                                                     return c.second.size() > inline_threshold;
                                                   });
  if (sidecar) {
    fs::path weights = out, manifest = out;
    weights.replace_extension(".weights");
    manifest.replace_extension(".manifest.json");
    std::cout << " + " << weights.filename().string() << " + " << manifest.filename().string();
  }
  std::cout << ")\n";
  return 0;
}

int CmdDot(const std::vector<std::string>& all_args) {
  format::GraphFileOptions file_options;
  const std::vector<std::string> args = cli::TakeDimOptions(all_args, file_options.dims);
  if (WantsHelp(args) || args.size() != 1) {
    std::cout << "Usage: webnn dot G\n\nPrints the graph in Graphviz dot syntax "
                 "(webnn dot G | dot -Tsvg > g.svg).\n";
    return args.size() == 1 ? 0 : 2;
  }
  GraphInfo g = LoadOrThrow(args[0], file_options);
  auto quote = [](const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    return q + "\"";
  };
  std::cout << "digraph webnn {\n  rankdir=TB;\n  node [fontname=\"Helvetica\"];\n";
  for (OperandId id : g.inputs) {
    std::cout << "  v" << id << " [shape=ellipse, label="
              << quote(g.operands[id].name + "\n" + Describe(g.operands[id].desc)) << "];\n";
  }
  for (size_t i = 0; i < g.operations.size(); ++i) {
    const Operation& op = g.operations[i];
    std::string label(OpName(op.kind));
    if (!op.label.empty()) label += "\n" + op.label;
    std::cout << "  op" << i << " [shape=box, style=rounded, label=" << quote(label) << "];\n";
    for (OperandId in : op.inputs) {
      if (in == kNoOperand) continue;
      if (g.operands[in].kind == OperandKind::kConstant) continue;
      std::cout << "  v" << in << " -> op" << i << ";\n";
    }
    for (OperandId out : op.outputs) {
      std::cout << "  op" << i << " -> v" << out << " [arrowhead=none];\n";
      std::cout << "  v" << out << " [shape=point, xlabel=" << quote(Describe(g.operands[out].desc))
                << "];\n";
    }
  }
  for (const GraphOutput& o : g.outputs) {
    std::cout << "  out_" << o.operand << " [shape=ellipse, style=bold, label=" << quote(o.name)
              << "];\n  v" << o.operand << " -> out_" << o.operand << ";\n";
  }
  std::cout << "}\n";
  return 0;
}

// Reads --input NAME=FILE into a host tensor matching the graph input's descriptor.
HostTensor ReadInput(const std::string& file, const OperandDescriptor& want,
                     const std::string& name, const std::string& normalize) {
  std::string ext = fs::path(file).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  if (ext == ".npy") {
    auto a = npy::Load(file);
    if (!a.ok()) throw Exception(std::move(a.error()));
    if (!(a->desc == want)) {
      throw Exception(MakeError(ErrorCode::kTypeError, "input '", name, "': ", file, " is ",
                                Describe(a->desc), ", the graph expects ", Describe(want)));
    }
    return HostTensor{a->desc, std::move(a->bytes)};
  }
  const uint32_t channels = want.rank() == 4 && (want.shape[1] == 3 || want.shape[3] == 3) ? 3 : 1;
  auto img = image::Load(file, channels);
  if (!img.ok()) throw Exception(std::move(img.error()));
  image::TensorOptions opts;
  if (normalize == "imagenet") opts = image::ImageNetNormalization();
  auto bytes = image::ToTensor(*img, want, opts);
  if (!bytes.ok()) throw Exception(std::move(bytes.error().Prefix("input '" + name + "'")));
  return HostTensor{want, std::move(*bytes)};
}

void PrintTop(const std::string& name, const HostTensor& t, int k) {
  if (t.desc.dataType != DataType::kFloat32) return;
  std::vector<float> v = t.ToFloats();
  std::vector<size_t> idx(v.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  const size_t n = std::min<size_t>(static_cast<size_t>(k), idx.size());
  std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(n), idx.end(),
                    [&](size_t a, size_t b) { return v[a] > v[b]; });
  std::cout << name << " top " << n << ":";
  for (size_t i = 0; i < n; ++i) {
    std::cout << " [" << idx[i] << "] " << std::setprecision(6) << v[idx[i]];
  }
  std::cout << "\n";
}

struct Timing {
  double min_ms = 0, median_ms = 0, p90_ms = 0, mean_ms = 0;
};

Timing Summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Timing t;
  t.min_ms = ms.front();
  t.median_ms = ms[ms.size() / 2];
  t.p90_ms = ms[std::min(ms.size() - 1, ms.size() * 9 / 10)];
  double sum = 0;
  for (double x : ms) sum += x;
  t.mean_ms = sum / static_cast<double>(ms.size());
  return t;
}

double MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

int CmdRun(const std::vector<std::string>& args) {
  if (WantsHelp(args) || args.empty()) {
    std::cout << kRunUsage;
    return args.empty() ? 2 : 0;
  }
  std::string graph_path;
  std::map<std::string, std::string> input_files;
  std::string output_dir, normalize = "none";
  int repeat = 1, top = 0;
  MLContextOptions context_options;
  std::map<std::string, uint32_t> dims;  // --dim NAME=VALUE: an ONNX model's free dimensions
  for (size_t i = 0; i < args.size(); ++i) {
    if (ParseExecutorOption(args, i, context_options)) continue;
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size())
        throw Exception(MakeError(ErrorCode::kTypeError, a, " needs a value"));
      return args[++i];
    };
    if (a == "--dim") {
      Status s = cli::ParseDimOption(value(), dims);
      if (!s.ok()) return Fail(s.error().ToString());
    } else if (a == "--input") {
      std::string v = value();
      const size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0)
        return Fail("--input expects NAME=FILE, got '" + v + "'");
      input_files[v.substr(0, eq)] = v.substr(eq + 1);
    } else if (a == "--output-dir") {
      output_dir = value();
    } else if (a == "--repeat") {
      repeat = static_cast<int>(ParseCount(a, value()));
      if (repeat < 1) return Fail("--repeat must be at least 1");
    } else if (a == "--top") {
      top = static_cast<int>(ParseCount(a, value()));
    } else if (a == "--normalize") {
      normalize = value();
      if (normalize != "none" && normalize != "imagenet") {
        return Fail("--normalize must be none or imagenet");
      }
    } else if (a.starts_with("--")) {
      return Fail("unknown option " + a + " (see webnn run --help)");
    } else if (graph_path.empty()) {
      graph_path = a;
    } else {
      return Fail("unexpected argument " + a);
    }
  }
  auto context = ML().createContext(context_options);
  auto t0 = std::chrono::steady_clock::now();
  MLGraph graph = context->loadGraph(graph_path, dims);
  const double load_ms = MsSince(t0);
  HostTensors inputs;
  for (const auto& [name, desc] : graph.inputDescriptors()) {
    auto it = input_files.find(name);
    if (it == input_files.end())
      return Fail("missing --input " + name + "=FILE (" + Describe(desc) + ")");
    inputs[name] = ReadInput(it->second, desc, name, normalize);
  }
  for (const auto& [name, file] : input_files) {
    if (!inputs.count(name)) return Fail("the graph has no input named '" + name + "'");
  }
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
  for (int r = 0; r < repeat; ++r) {
    auto start = std::chrono::steady_clock::now();
    context->dispatch(graph, input_tensors, output_tensors);
    for (auto& [name, t] : outputs) context->readTensor(output_tensors.at(name), t.bytes);
    times.push_back(MsSince(start));
  }
  for (const auto& [name, t] : outputs) {
    std::cout << name << ": " << Describe(t.desc) << "\n";
    if (top > 0) PrintTop(name, t, top);
    if (!output_dir.empty()) {
      fs::create_directories(output_dir);
      Status s = npy::Save(fs::path(output_dir) / (name + ".npy"), {t.desc, t.bytes});
      if (!s.ok()) return Fail(s.error().ToString());
    }
  }
  Timing t = Summarize(times);
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
  return 0;
}

int CmdConformance(const std::vector<std::string>& args) {
  if (WantsHelp(args) || args.empty()) {
    std::cout << kConformanceUsage;
    return args.empty() ? 2 : 0;
  }
  std::vector<fs::path> paths;
  conformance::RunOptions options;
  std::string expectations_path;
  for (size_t i = 0; i < args.size(); ++i) {
    if (ParseExecutorOption(args, i, options.context)) continue;
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size())
        throw Exception(MakeError(ErrorCode::kTypeError, a, " needs a value"));
      return args[++i];
    };
    if (a == "--expectations") {
      expectations_path = value();
    } else if (a == "--filter") {
      options.filter = value();
    } else if (a == "--compare-direct") {
      options.compare_with_direct = true;
    } else if (a.starts_with("--")) {
      return Fail("unknown option " + a + " (see webnn conformance --help)");
    } else {
      paths.emplace_back(a);
    }
  }
  auto summary = conformance::Run(paths, options, std::cout);
  if (!summary.ok()) return Fail(summary.error().ToString());
  int status = summary->failed > 0 ? 1 : 0;
  if (!expectations_path.empty()) {
    auto expectations = conformance::LoadExpectations(expectations_path);
    if (!expectations.ok()) return Fail(expectations.error().ToString());
    if (!options.filter.empty()) {
      // Only the expectations of the cases that ran are checked.
      conformance::Expectations subset;
      for (const auto& r : summary->results) {
        if (expectations->count(r.Key())) subset[r.Key()] = expectations->at(r.Key());
      }
      *expectations = subset;
    }
    std::vector<std::string> problems = conformance::CheckExpectations(*summary, *expectations);
    for (const std::string& p : problems) std::cout << "UNEXPECTED " << p << "\n";
    std::cout << "expectations: " << expectations->size() << " known failures, " << problems.size()
              << " unexpected results\n";
    status = problems.empty() ? 0 : 1;
  }
  std::cout << summary->passed << " passed, " << summary->failed << " failed, " << summary->skipped
            << " skipped\n";
  return status;
}

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
            << Describe(o_tensor.desc) << ", L2 norm " << std::setprecision(6) << std::sqrt(norm)
            << "\n";
  r.outputs.push_back(o_tensor.bytes);
  return r;
}

int CmdDemo(const std::vector<std::string>& args) {
  std::string models = "models";
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::cout << "Usage: webnn demo [--models DIR]\n\nStarts webnnd on a private socket, then "
                   "classifies the ten LeNet digit images (DIR/lenet) and runs the MobileNetV2 "
                   "backbone (DIR/mobilenetv2) with each executor (direct, worker, service), and "
                   "prints results and timings side by side. DIR defaults to ./models.\n";
      return 0;
    }
    if (args[i] == "--models" && i + 1 < args.size()) {
      models = args[++i];
    } else {
      return Fail("unknown argument " + args[i]);
    }
  }
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

int CmdPing(const std::vector<std::string>& args) {
  std::string endpoint, token_file;
  int count = 10;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << "Usage: webnn ping [--endpoint EP] [--token-file F] [--count N]\n\n"
                   "Connects to webnnd (default unix:$XDG_RUNTIME_DIR/webnn/webnnd.sock), sends N "
                   "pings (default 10) and prints the service's version, how it identifies this "
                   "client, the median round trip and what the service holds. Exit 1 if it does "
                   "not answer.\n";
      return 0;
    }
    if (i + 1 >= args.size()) return Fail(a + " needs a value");
    if (a == "--endpoint") {
      endpoint = args[++i];
    } else if (a == "--token-file") {
      token_file = args[++i];
    } else if (a == "--count") {
      count = static_cast<int>(ParseCount(a, args[++i]));
    } else {
      return Fail("unknown argument " + a + " (see webnn ping --help)");
    }
  }
  auto r = service::Ping(endpoint, token_file, count);
  if (!r.ok()) return Fail(r.error().ToString());
  std::cout << std::fixed << std::setprecision(1) << r->server_version
            << "; this client: " << r->client_id << "\nconnect " << r->connect_ms
            << " ms, round trip (median of " << count << ") " << r->round_trip_us
            << " us\nservice holds: " << r->clients << " clients, " << r->contexts << " contexts, "
            << r->graphs << " graphs, " << r->tensors << " tensors (" << r->tensor_bytes
            << " bytes), " << r->constant_bytes << " constant bytes, " << r->inflight_dispatches
            << " dispatches in flight\nsandbox: "
            << (r->sandboxed ? "active" : "OFF (the service runs without its seccomp sandbox)")
            << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  try {
    if (cmd == "info") return CmdInfo(args);
    if (cmd == "validate") return CmdValidate(args);
    if (cmd == "run") return CmdRun(args);
    if (cmd == "dot") return CmdDot(args);
    if (cmd == "convert") return CmdConvert(args);
    if (cmd == "conformance") return CmdConformance(args);
    if (cmd == "onnx-conformance") return cli::CmdOnnxConformance(args);
    if (cmd == "onnx-ops") return cli::CmdOnnxOps(args);
    if (cmd == "serve") {
      std::vector<char*> serve_argv{argv[0]};
      for (int i = 2; i < argc; ++i) serve_argv.push_back(argv[i]);
      return service::ServeMain(static_cast<int>(serve_argv.size()), serve_argv.data());
    }
    if (cmd == "ping") return CmdPing(args);
    if (cmd == "demo") return CmdDemo(args);
    return Fail("unknown command '" + cmd + "' (see webnn --help)");
  } catch (const Exception& e) {
    return Fail(e.error().ToString());
  } catch (const std::exception& e) {
    return Fail(e.what());
  }
}
