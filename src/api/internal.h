// The objects behind the API handles.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend/cpu/reference_graph.h"
#include "ir/graph_builder.h"
#include "webnn/webnn.h"

namespace webnn {

struct BuilderState {
  explicit BuilderState(ContextLimits limits) : core(limits) {}
  GraphBuilderCore core;
};

struct GraphState {
  const MLContext* context = nullptr;
  std::unique_ptr<cpu::ReferenceGraph> compiled;
  std::map<std::string, size_t> input_index;   // name -> position in graph().inputs
  std::map<std::string, size_t> output_index;  // name -> position in graph().outputs
  bool destroyed = false;
  const GraphInfo& graph() const { return compiled->graph(); }
};

struct TensorState {
  const MLContext* context = nullptr;
  MLTensorDescriptor desc;
  OperandDescriptor operand_desc;
  bool is_constant = false;
  bool destroyed = false;
  std::vector<std::byte> data;
};

// Compiles a validated graph for `context` (the executor chosen in its options).
MLGraph CompileGraph(const MLContext& context, GraphInfo graph);
ContextLimits LimitsOf(const MLContextOptions& options);

}  // namespace webnn
