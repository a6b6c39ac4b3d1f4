#include "ir/validate_graph.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

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

// The index of the first name that repeats an earlier one (in order), or names.size(). Sorts
// (name, index) pairs: one allocation, O(k log k), instead of a set of copied strings.
size_t FirstDuplicate(std::vector<std::pair<std::string_view, size_t>> names) {
  const size_t none = names.size();
  std::sort(names.begin(), names.end());
  size_t first = none;
  for (size_t i = 1; i < names.size(); ++i) {
    // Within a run of equal names the indices are ascending: the run's second entry is that
    // name's first repetition.
    if (names[i].first == names[i - 1].first && (i < 2 || names[i - 2].first != names[i].first)) {
      first = std::min(first, names[i].second);
    }
  }
  return first;
}

// Per-operand state while the operations are walked.
enum OperandFlags : uint8_t {
  kDefined = 1,   // can be read by an operation at this point of the order
  kIsInput = 2,   // listed in graph.inputs
  kProduced = 4,  // the output of an operation already seen
};

// Operand slots of an operation as descriptor pointers, on the stack for the usual few.
constexpr size_t kInlineSlots = 8;

}  // namespace

Status ValidateGraph(const GraphInfo& graph, const ContextLimits& limits) {
  const size_t n = graph.operands.size();
  if (n >= kNoOperand) return MakeError(ErrorCode::kDataError, "too many operands");
  for (size_t i = 0; i < n; ++i) {
    const Operand& operand = graph.operands[i];
    if (WithinLimits(limits, operand.desc)) continue;
    // The location is built only for an error.
    std::string what = "operands[" + std::to_string(i) + "]";
    if (!operand.name.empty()) what += " '" + operand.name + "'";
    WEBNN_RETURN_IF_ERROR(CheckDescriptor(limits, operand.desc, what));
  }

  std::vector<uint8_t> flags(n, 0);
  std::vector<std::pair<std::string_view, size_t>> input_names;
  input_names.reserve(graph.inputs.size());
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    const OperandId id = graph.inputs[i];
    if (id < n) input_names.emplace_back(graph.operands[id].name, i);
  }
  const size_t duplicate_input = FirstDuplicate(std::move(input_names));
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    const OperandId id = graph.inputs[i];
    if (id >= n || graph.operands[id].kind != OperandKind::kInput) {
      return MakeError(ErrorCode::kDataError, "inputs[", i, "]: operand ", id,
                       " is not an input operand");
    }
    const std::string& name = graph.operands[id].name;
    if (name.empty()) return MakeError(ErrorCode::kDataError, "inputs[", i, "]: empty name");
    if (i == duplicate_input) {
      return MakeError(ErrorCode::kDataError, "inputs[", i, "]: duplicate input name '", name, "'");
    }
    flags[id] |= kIsInput | kDefined;
  }
  for (size_t id = 0; id < n; ++id) {
    const Operand& operand = graph.operands[id];
    if (operand.kind == OperandKind::kInput && !(flags[id] & kIsInput)) {
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
      flags[id] |= kDefined;
    }
  }
  for (const auto& [id, bytes] : graph.constants) {
    if (id >= n || graph.operands[id].kind != OperandKind::kConstant) {
      return MakeError(ErrorCode::kDataError, "constants: operand ", id, " is not a constant");
    }
  }

  std::array<const OperandDescriptor*, kInlineSlots> inline_slots;
  std::vector<const OperandDescriptor*> heap_slots;
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
      if (!(flags[id] & kDefined)) {
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
      if (flags[id] & kProduced) {
        return MakeError(ErrorCode::kDataError, where(), ": output ", s, " (operand ", id,
                         ") is produced twice");
      }
      flags[id] |= kProduced;
    }
    std::span<const OperandDescriptor*> slots;
    if (op.inputs.size() <= kInlineSlots) {
      slots = std::span(inline_slots.data(), op.inputs.size());
    } else {
      heap_slots.resize(op.inputs.size());
      slots = heap_slots;
    }
    for (size_t s = 0; s < op.inputs.size(); ++s) {
      const OperandId id = op.inputs[s];
      slots[s] = id == kNoOperand ? nullptr : &graph.operands[id].desc;
    }
    auto inferred = ValidateOperation(op.kind, op.attrs, op.label, slots, limits);
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
      flags[op.outputs[s]] |= kDefined;
    }
  }
  for (size_t id = 0; id < n; ++id) {
    if (graph.operands[id].kind == OperandKind::kOutput && !(flags[id] & kProduced)) {
      return MakeError(ErrorCode::kDataError, "operands[", id,
                       "]: result operand not produced by any operation");
    }
  }

  if (graph.outputs.empty()) return MakeError(ErrorCode::kDataError, "the graph has no outputs");
  std::vector<std::pair<std::string_view, size_t>> output_names;
  output_names.reserve(graph.outputs.size());
  for (size_t i = 0; i < graph.outputs.size(); ++i) {
    output_names.emplace_back(graph.outputs[i].name, i);
  }
  const size_t duplicate_output = FirstDuplicate(std::move(output_names));
  for (size_t i = 0; i < graph.outputs.size(); ++i) {
    const GraphOutput& out = graph.outputs[i];
    if (out.name.empty()) return MakeError(ErrorCode::kDataError, "outputs[", i, "]: empty name");
    if (i == duplicate_output) {
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
