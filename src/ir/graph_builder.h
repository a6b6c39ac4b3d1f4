// GraphBuilderCore: builds a GraphInfo one operand and one operation at a time, validating each
// operation as it is added (the spec's MLGraphBuilder semantics without the API surface). The
// public MLGraphBuilder, the JSON loader and the conformance runner all build through it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ir/graph_info.h"
#include "ops/validate.h"
#include "webnn/error.h"

namespace webnn {

class GraphBuilderCore {
 public:
  explicit GraphBuilderCore(ContextLimits limits = {}) : limits_(limits) {}

  // https://www.w3.org/TR/webnn/#api-mlgraphbuilder-input
  Result<OperandId> AddInput(std::string name, OperandDescriptor desc);
  // https://www.w3.org/TR/webnn/#api-mlgraphbuilder-constant; bytes.size() must be
  // desc.ByteLength().
  Result<OperandId> AddConstant(OperandDescriptor desc, ByteBuffer bytes, std::string name = "");
  // Validates the operation and adds it with fresh result operands, returned in order.
  // `inputs` has one entry per operand slot (kNoOperand for an absent optional operand).
  Result<std::vector<OperandId>> AddOperation(OpKind kind, std::vector<OperandId> inputs,
                                              Attrs attrs, std::string label = "");
  // https://www.w3.org/TR/webnn/#api-mlgraphbuilder-build: the graph with only what the
  // named outputs depend on (operands renumbered). The builder cannot be used afterwards.
  Result<GraphInfo> Build(const std::vector<std::pair<std::string, OperandId>>& outputs);

  bool built() const { return built_; }
  bool IsValid(OperandId id) const { return id < graph_.operands.size(); }
  const Operand& operand(OperandId id) const { return graph_.operands[id]; }
  const ContextLimits& limits() const { return limits_; }
  // Sets the debug name of a result operand (the JSON loader names values by node id).
  void SetOperandName(OperandId id, std::string name) { graph_.operands[id].name = std::move(name); }

 private:
  Status CheckUsable() const;

  ContextLimits limits_;
  GraphInfo graph_;
  bool built_ = false;
};

}  // namespace webnn
