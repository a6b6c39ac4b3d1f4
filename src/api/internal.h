// The objects behind the API handles.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ir/graph_builder.h"
#include "runtime/executor.h"
#include "webnn/webnn.h"

namespace webnn {

struct BuilderState {
  explicit BuilderState(ContextLimits limits) : core(limits) {}
  GraphBuilderCore core;
};

// A built graph: its io signature and the executor's compiled graph. The IR itself (operations,
// constants) is kept only when the graph was built with MLGraphOptions::keepGraph (for save()):
// otherwise, once the backend has prepacked the weights, nothing here pins the constant bytes.
// `destroyed` and what destroy() releases are guarded by `mu`: destroy() may run on one thread
// while others dispatch. A dispatch takes its own references under the lock, so what it runs
// stays alive until it ends.
struct GraphState {
  const MLContext* context = nullptr;
  mutable std::mutex mu;
  runtime::GraphRef compiled;           // released by destroy()
  GraphSignature signature;             // input and output names and descriptors, in graph order
  std::shared_ptr<const GraphInfo> ir;  // only with MLGraphOptions::keepGraph
  std::map<std::string, size_t> input_index;   // name -> position in signature.inputs
  std::map<std::string, size_t> output_index;  // name -> position in signature.outputs
  bool destroyed = false;
  // The compiled graph; InvalidStateError after destroy().
  runtime::GraphRef Live(std::string_view what) const;
};

struct TensorState {
  const MLContext* context = nullptr;
  mutable std::mutex mu;  // guards destroyed, exec and constant
  MLTensorDescriptor desc;
  OperandDescriptor operand_desc;
  bool is_constant = false;
  bool destroyed = false;
  runtime::TensorRef exec;  // the executor's tensor; empty for constant tensors
  ByteBuffer constant;      // a constant tensor's bytes (only usable as a graph constant)
  // The executor's tensor (empty for a constant); InvalidStateError after destroy().
  runtime::TensorRef Live(std::string_view what) const;
  // A constant tensor's bytes; InvalidStateError after destroy().
  ByteBuffer LiveConstant(std::string_view what) const;
};

// The executor chosen by the context options ("direct", "worker", "service").
std::shared_ptr<runtime::Executor> MakeExecutor(const MLContextOptions& options);

// The API reports errors by throwing them (webnn::Exception).
[[noreturn]] inline void Throw(Error e) { throw Exception(std::move(e)); }
template <typename... Args>
[[noreturn]] void Throw(ErrorCode code, const Args&... args) {
  throw Exception(MakeError(code, args...));
}
template <typename T>
T Unwrap(Result<T> r) {
  if (!r.ok()) Throw(std::move(r.error()));
  return std::move(r).value();
}
inline void Check(Status s) {
  if (!s.ok()) Throw(std::move(s.error()));
}

// Compiles a validated graph for `context` (the executor chosen in its options).
MLGraph CompileGraph(const MLContext& context, GraphInfo graph, const MLGraphOptions& options = {});
ContextLimits LimitsOf(const MLContextOptions& options);

}  // namespace webnn
