#include "ir/validate_graph.h"

#include <set>
#include <string>

namespace webnn {

std::vector<const OperandDescriptor*> SlotDescriptors(const GraphInfo& graph, const Operation& op) {
  std::vector<const OperandDescriptor*> descs;
  descs.reserve(op.inputs.size());
  for (OperandId id : op.inputs) {
    descs.push_back(id == kNoOperand ? nullptr : &graph.operands[id].desc);
  }
  return descs;
}

namespace {

std::string OpWhere(size_t index, const Operation& op) {
  std::string s = "operations[" + std::to_string(index) + "] (";
  s += static_cast<size_t>(op.kind) < kOpCount ? std::string(OpName(op.kind)) : "unknown";
  if (!op.label.empty()) s += " '" + op.label + "'";
  return s + ")";
}

}  // namespace

Status ValidateGraph(const GraphInfo& graph, const ContextLimits& limits) {
  const size_t n = graph.operands.size();
  if (n >= kNoOperand) return MakeError(ErrorCode::kDataError, "too many operands");
  for (size_t i = 0; i < n; ++i) {
    const Operand& operand = graph.operands[i];
    std::string what = "operands[" + std::to_string(i) + "]";
    if (!operand.name.empty()) what += " '" + operand.name + "'";
    WEBNN_RETURN_IF_ERROR(CheckDescriptor(limits, operand.desc, what));
  }

  // defined[id]: the operand can be read by an operation at this point of the order.
  std::vector<bool> defined(n, false);
  std::set<std::string> input_names;
  std::vector<bool> is_input(n, false);
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    const OperandId id = graph.inputs[i];
    if (id >= n || graph.operands[id].kind != OperandKind::kInput) {
      return MakeError(ErrorCode::kDataError, "inputs[", i, "]: operand ", id,
                       " is not an input operand");
    }
    const std::string& name = graph.operands[id].name;
    if (name.empty()) return MakeError(ErrorCode::kDataError, "inputs[", i, "]: empty name");
    if (!input_names.insert(name).second) {
      return MakeError(ErrorCode::kDataError, "inputs[", i, "]: duplicate input name '", name, "'");
    }
    is_input[id] = true;
    defined[id] = true;
  }
  for (size_t id = 0; id < n; ++id) {
    const Operand& operand = graph.operands[id];
    if (operand.kind == OperandKind::kInput && !is_input[id]) {
      return MakeError(ErrorCode::kDataError, "operands[", id, "] '", operand.name,
                       "': input operand missing from the graph's inputs");
    }
    if (operand.kind == OperandKind::kConstant) {
      auto it = graph.constants.find(static_cast<OperandId>(id));
      if (it == graph.constants.end()) {
        return MakeError(ErrorCode::kDataError, "operands[", id, "]: constant without data");
      }
      if (it->second.size() != operand.desc.ByteLength()) {
        return MakeError(ErrorCode::kDataError, "operands[", id, "] '", operand.name,
                         "': constant has ", it->second.size(), " bytes, its descriptor ",
                         DescriptorToString(operand.desc), " needs ", operand.desc.ByteLength());
      }
      defined[id] = true;
    }
  }
  for (const auto& [id, bytes] : graph.constants) {
    if (id >= n || graph.operands[id].kind != OperandKind::kConstant) {
      return MakeError(ErrorCode::kDataError, "constants: operand ", id, " is not a constant");
    }
  }

  std::vector<bool> produced(n, false);
  for (size_t i = 0; i < graph.operations.size(); ++i) {
    const Operation& op = graph.operations[i];
    if (static_cast<size_t>(op.kind) >= kOpCount) {
      return MakeError(ErrorCode::kDataError, "operations[", i, "]: unknown operator kind ",
                       static_cast<int>(op.kind));
    }
    // The location is built only for an error: most operations never need it.
    const auto where = [&] { return OpWhere(i, op); };
    for (size_t s = 0; s < op.inputs.size(); ++s) {
      const OperandId id = op.inputs[s];
      if (id == kNoOperand) continue;
      if (id >= n) {
        return MakeError(ErrorCode::kDataError, where(), ": input ", s, " refers to operand ", id,
                         " of ", n);
      }
      if (!defined[id]) {
        return MakeError(ErrorCode::kDataError, where(), ": input ", s, " (operand ", id,
                         ") is used before it is defined (operations must be in topological "
                         "order)");
      }
    }
    for (size_t s = 0; s < op.outputs.size(); ++s) {
      const OperandId id = op.outputs[s];
      if (id >= n || graph.operands[id].kind != OperandKind::kOutput) {
        return MakeError(ErrorCode::kDataError, where(), ": output ", s, " (operand ", id,
                         ") is not a result operand");
      }
      if (produced[id]) {
        return MakeError(ErrorCode::kDataError, where(), ": output ", s, " (operand ", id,
                         ") is produced twice");
      }
      produced[id] = true;
    }
    auto inferred =
        ValidateOperation(op.kind, op.attrs, op.label, SlotDescriptors(graph, op), limits);
    if (!inferred.ok()) return std::move(inferred.error().Prefix(where()));
    if (inferred->size() != op.outputs.size()) {
      return MakeError(ErrorCode::kDataError, where(), ": declares ", op.outputs.size(),
                       " outputs, the operator produces ", inferred->size());
    }
    for (size_t s = 0; s < op.outputs.size(); ++s) {
      const OperandDescriptor& declared = graph.operands[op.outputs[s]].desc;
      if (!(declared == (*inferred)[s])) {
        return MakeError(ErrorCode::kDataError, where(), ": output ", s, " is declared as ",
                         DescriptorToString(declared), " but the operator produces ",
                         DescriptorToString((*inferred)[s]));
      }
      defined[op.outputs[s]] = true;
    }
  }
  for (size_t id = 0; id < n; ++id) {
    if (graph.operands[id].kind == OperandKind::kOutput && !produced[id]) {
      return MakeError(ErrorCode::kDataError, "operands[", id,
                       "]: result operand not produced by any operation");
    }
  }

  if (graph.outputs.empty()) return MakeError(ErrorCode::kDataError, "the graph has no outputs");
  std::set<std::string> output_names;
  for (size_t i = 0; i < graph.outputs.size(); ++i) {
    const GraphOutput& out = graph.outputs[i];
    if (out.name.empty()) return MakeError(ErrorCode::kDataError, "outputs[", i, "]: empty name");
    if (!output_names.insert(out.name).second) {
      return MakeError(ErrorCode::kDataError, "outputs[", i, "]: duplicate output name '", out.name,
                       "'");
    }
    if (out.operand >= n || graph.operands[out.operand].kind != OperandKind::kOutput) {
      return MakeError(ErrorCode::kDataError, "outputs[", i, "] '", out.name,
                       "': must be the result of an operation (not an input or a constant)");
    }
  }
  return {};
}

}  // namespace webnn
