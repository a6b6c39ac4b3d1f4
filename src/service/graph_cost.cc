#include "service/graph_cost.h"

#include <limits>

namespace webnn::service {

namespace {

uint64_t AddSat(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

uint64_t MulSat(uint64_t a, uint64_t b) {
  if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a) {
    return std::numeric_limits<uint64_t>::max();
  }
  return a * b;
}

// How many products sum into one output element of a contraction (1 for other ops).
uint64_t ReductionLength(const GraphInfo& graph, const Operation& op) {
  auto desc = [&](size_t slot) -> const OperandDescriptor* {
    if (slot >= op.inputs.size() || op.inputs[slot] == kNoOperand) return nullptr;
    return &graph.operands[op.inputs[slot]].desc;
  };
  switch (op.kind) {
    case OpKind::kMatmul:
    case OpKind::kGemm: {
      // a's last dimension for matmul; gemm may transpose a, so take its larger one.
      const OperandDescriptor* a = desc(0);
      if (a == nullptr || a->shape.empty()) return 1;
      uint64_t k = a->shape.back();
      if (op.kind == OpKind::kGemm && a->shape.size() == 2) k = std::max<uint64_t>(k, a->shape[0]);
      return k;
    }
    case OpKind::kConv2d:
    case OpKind::kConvTranspose2d: {
      // Each output element sums filter elements / output channels products (at most the
      // filter's size over its largest dimension, whatever the layout).
      const OperandDescriptor* f = desc(1);
      if (f == nullptr || f->shape.empty()) return 1;
      uint64_t largest = 1;
      for (uint32_t d : f->shape) largest = std::max<uint64_t>(largest, d);
      return std::max<uint64_t>(1, f->ElementCount() / largest);
    }
    default:
      return 1;
  }
}

}  // namespace

GraphCost EstimateGraphCost(const GraphInfo& graph) {
  GraphCost cost;
  for (const Operand& operand : graph.operands) {
    if (operand.kind == OperandKind::kOutput) {
      cost.run_bytes = AddSat(cost.run_bytes, operand.desc.ByteLength());
    }
  }
  for (const Operation& op : graph.operations) {
    uint64_t elements = 0, produced = 0;
    for (OperandId id : op.inputs) {
      if (id != kNoOperand) elements = AddSat(elements, graph.operands[id].desc.ElementCount());
    }
    for (OperandId id : op.outputs) {
      produced = AddSat(produced, graph.operands[id].desc.ElementCount());
    }
    elements = AddSat(elements, produced);
    cost.work = AddSat(cost.work, AddSat(elements, MulSat(produced, ReductionLength(graph, op))));
  }
  return cost;
}

}  // namespace webnn::service
