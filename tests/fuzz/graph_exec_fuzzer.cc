// Fuzzes graph execution: a Cap'n Proto graph message is decoded and validated (as webnnd does
// with a client's graph), then compiled and run on the reference and the oneDNN backends with
// deterministic inputs. Graphs beyond a small budget (fuzz::ExecBudget: operand sizes, operation
// count) are skipped before compiling, so no single input runs for long. Backends may refuse a
// graph (an error is fine); they must not crash or run into undefined behaviour.
#include <cstdint>
#include <iostream>
#include <memory>
#include <string_view>

#include "backend/backend.h"
#include "format/capnp/codec.h"
#include "fuzz_util.h"

namespace webnn {
namespace {

struct Backends {
  std::shared_ptr<const backend::Backend> reference;
  std::shared_ptr<const backend::Backend> onednn;
};

const Backends& GetBackends() {
  static const Backends* backends = [] {
    auto* b = new Backends;
    auto reference = backend::MakeBackend(backend::kReferenceBackend);
    auto onednn = backend::MakeBackend(backend::kOneDnnBackend);
    if (!reference.ok() || !onednn.ok()) {
      std::cerr << "graph_exec_fuzzer: a backend is missing\n";
      std::abort();
    }
    b->reference = *reference;
    b->onednn = *onednn;
    return b;
  }();
  return *backends;
}

void Run(const backend::Backend& backend, const GraphInfo& graph,
         const std::vector<std::vector<std::byte>>& inputs) {
  auto compiled = backend.Compile(graph, backend::CompileOptions{.threads = 1});
  if (!compiled.ok()) return;
  std::vector<const std::byte*> in;
  for (const auto& bytes : inputs) in.push_back(bytes.data());
  std::vector<std::vector<std::byte>> outputs;
  std::vector<std::byte*> out;
  for (const GraphOutput& output : graph.outputs) {
    outputs.emplace_back(graph.operands[output.operand].desc.ByteLength());
  }
  for (auto& bytes : outputs) out.push_back(bytes.data());
  (void)(*compiled)->Execute(in, out);
}

void FuzzOne(std::span<const std::byte> bytes) {
  DecodeOptions options;
  options.limits.max_tensor_byte_length = uint64_t{64} << 10;
  options.max_message_bytes = uint64_t{256} << 10;
  Result<GraphInfo> graph = DecodeGraph(bytes, options);
  if (!graph.ok() || !fuzz::WithinBudget(*graph, fuzz::ExecBudget{})) return;
  std::vector<std::vector<std::byte>> inputs;
  for (OperandId id : graph->inputs) {
    inputs.push_back(fuzz::DeterministicInput(graph->operands[id].desc));
  }
  const Backends& backends = GetBackends();
  Run(*backends.reference, *graph, inputs);
  Run(*backends.onednn, *graph, inputs);
}

}  // namespace
}  // namespace webnn

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  webnn::FuzzOne(webnn::fuzz::Bytes(data, size));
  return 0;
}
