#include "ir/graph_builder.h"

#include <set>

#include "ir/validate_graph.h"

namespace webnn {

Status GraphBuilderCore::CheckUsable() const {
  if (built_) {
    return MakeError(ErrorCode::kInvalidStateError, "the graph builder has already built a graph");
  }
  return {};
}

Result<OperandId> GraphBuilderCore::AddInput(std::string name, OperandDescriptor desc) {
  WEBNN_RETURN_IF_ERROR(CheckUsable());
  if (name.empty()) return MakeError(ErrorCode::kTypeError, "input: the name must not be empty");
  for (OperandId id : graph_.inputs) {
    if (graph_.operands[id].name == name) {
      return MakeError(ErrorCode::kTypeError, "input '", name, "': the name is already used");
    }
  }
  WEBNN_RETURN_IF_ERROR(CheckDescriptor(limits_, desc, "input '" + name + "'"));
  const OperandId id = graph_.AddOperand({OperandKind::kInput, std::move(desc), std::move(name)});
  graph_.inputs.push_back(id);
  return id;
}

Result<OperandId> GraphBuilderCore::AddConstant(OperandDescriptor desc, ByteBuffer bytes,
                                                std::string name) {
  WEBNN_RETURN_IF_ERROR(CheckUsable());
  const std::string what = name.empty() ? std::string("constant") : "constant '" + name + "'";
  WEBNN_RETURN_IF_ERROR(CheckDescriptor(limits_, desc, what));
  if (bytes.size() != desc.ByteLength()) {
    return MakeError(ErrorCode::kTypeError, what, ": ", bytes.size(), " bytes given, ",
                     DescriptorToString(desc), " needs ", desc.ByteLength());
  }
  const OperandId id =
      graph_.AddOperand({OperandKind::kConstant, std::move(desc), std::move(name)});
  graph_.constants.emplace(id, std::move(bytes));
  return id;
}

Result<std::vector<OperandId>> GraphBuilderCore::AddOperation(OpKind kind,
                                                              std::vector<OperandId> inputs,
                                                              Attrs attrs, std::string label) {
  WEBNN_RETURN_IF_ERROR(CheckUsable());
  if (static_cast<size_t>(kind) >= kOpCount) {
    return MakeError(ErrorCode::kTypeError, "unknown operator kind ", static_cast<int>(kind));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i] != kNoOperand && !IsValid(inputs[i])) {
      return MakeError(ErrorCode::kTypeError, OpName(kind), ": operand ", i,
                       " does not belong to this graph builder");
    }
  }
  std::vector<const OperandDescriptor*> descs;
  for (OperandId id : inputs) {
    descs.push_back(id == kNoOperand ? nullptr : &graph_.operands[id].desc);
  }
  WEBNN_ASSIGN_OR_RETURN(OutputDescriptors out_descs,
                         ValidateOperation(kind, attrs, label, descs, limits_));
  Operation op{kind, std::move(inputs), {}, std::move(attrs), std::move(label)};
  for (OperandDescriptor& d : out_descs) {
    op.outputs.push_back(graph_.AddOperand({OperandKind::kOutput, std::move(d), ""}));
  }
  std::vector<OperandId> result = op.outputs;
  graph_.operations.push_back(std::move(op));
  return result;
}

Result<GraphInfo> GraphBuilderCore::Build(
    const std::vector<std::pair<std::string, OperandId>>& outputs) {
  WEBNN_RETURN_IF_ERROR(CheckUsable());
  if (outputs.empty()) return MakeError(ErrorCode::kTypeError, "build: no outputs given");
  std::set<std::string> names;
  for (const auto& [name, id] : outputs) {
    if (name.empty()) return MakeError(ErrorCode::kTypeError, "build: empty output name");
    if (!names.insert(name).second) {
      return MakeError(ErrorCode::kTypeError, "build: duplicate output name '", name, "'");
    }
    if (!IsValid(id)) {
      return MakeError(ErrorCode::kTypeError, "build: output '", name,
                       "' does not belong to this graph builder");
    }
    if (graph_.operands[id].kind == OperandKind::kInput) {
      return MakeError(ErrorCode::kTypeError, "build: output '", name, "' is the graph input '",
                       graph_.operands[id].name, "'; an output must be computed by an operation");
    }
    if (graph_.operands[id].kind == OperandKind::kConstant) {
      return MakeError(ErrorCode::kTypeError, "build: output '", name,
                       "' is a constant; an output must be computed by an operation");
    }
  }

  // Keep what the outputs depend on: walk operations backwards from the outputs.
  const size_t n = graph_.operands.size();
  std::vector<bool> needed(n, false);
  for (const auto& [name, id] : outputs) needed[id] = true;
  std::vector<bool> keep_op(graph_.operations.size(), false);
  for (size_t i = graph_.operations.size(); i-- > 0;) {
    const Operation& op = graph_.operations[i];
    bool any = false;
    for (OperandId out : op.outputs) any = any || needed[out];
    if (!any) continue;
    keep_op[i] = true;
    // All results of a kept operation stay (a multi-output op computes them all).
    for (OperandId out : op.outputs) needed[out] = true;
    for (OperandId in : op.inputs) {
      if (in != kNoOperand) needed[in] = true;
    }
  }

  GraphInfo g;
  g.name = graph_.name;
  std::vector<OperandId> remap(n, kNoOperand);
  for (size_t id = 0; id < n; ++id) {
    if (!needed[id]) continue;
    remap[id] = g.AddOperand(graph_.operands[id]);
    if (graph_.operands[id].kind == OperandKind::kConstant) {
      g.constants.emplace(remap[id], graph_.constants.at(static_cast<OperandId>(id)));
    }
  }
  for (OperandId id : graph_.inputs) {
    if (needed[id]) g.inputs.push_back(remap[id]);
  }
  for (size_t i = 0; i < graph_.operations.size(); ++i) {
    if (!keep_op[i]) continue;
    Operation op = graph_.operations[i];
    for (OperandId& in : op.inputs) {
      if (in != kNoOperand) in = remap[in];
    }
    for (OperandId& out : op.outputs) out = remap[out];
    g.operations.push_back(std::move(op));
  }
  for (const auto& [name, id] : outputs) g.outputs.push_back({name, remap[id]});
  built_ = true;
  // The operands stay: MLOperand::descriptor() of a built graph's operands must keep working.
  // The operations and constant references go (the graph owns its share of the bytes).
  graph_.operations = {};
  graph_.constants = {};
  return g;
}

}  // namespace webnn
