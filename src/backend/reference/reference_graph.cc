#include "backend/reference/reference_graph.h"

#include <cstring>

namespace webnn::reference {

ReferenceGraph::ReferenceGraph(GraphInfo graph, bool profile)
    : graph_(std::move(graph)), last_use_(graph_.operands.size(), 0) {
  if (profile) {
    std::vector<std::string> names;
    for (const Operation& op : graph_.operations) {
      names.push_back(std::string(OpName(op.kind)) +
                      (op.label.empty() ? "" : " '" + op.label + "'"));
    }
    profiler_ = std::make_unique<backend::StepProfiler>(std::move(names));
  }
  for (size_t i = 0; i < graph_.operations.size(); ++i) {
    for (OperandId id : graph_.operations[i].inputs) {
      if (id != kNoOperand) last_use_[id] = i;
    }
  }
  // Graph outputs live in caller buffers and are never freed.
  for (const GraphOutput& out : graph_.outputs) last_use_[out.operand] = SIZE_MAX;
}

Status ReferenceGraph::Execute(std::span<const std::byte* const> inputs,
                               std::span<std::byte* const> outputs) const {
  const size_t n = graph_.operands.size();
  std::vector<const std::byte*> data(n, nullptr);
  std::vector<std::vector<std::byte>> owned(n);
  for (size_t i = 0; i < graph_.inputs.size(); ++i) data[graph_.inputs[i]] = inputs[i];
  for (const auto& [id, bytes] : graph_.constants) data[id] = bytes.data();
  std::vector<std::byte*> output_data(n, nullptr);
  for (size_t i = 0; i < graph_.outputs.size(); ++i) {
    output_data[graph_.outputs[i].operand] = outputs[i];
  }

  std::vector<ConstTensor> ins;
  std::vector<MutableTensor> outs;
  for (size_t i = 0; i < graph_.operations.size(); ++i) {
    const Operation& op = graph_.operations[i];
    ins.clear();
    outs.clear();
    for (OperandId id : op.inputs) {
      ins.push_back(id == kNoOperand ? ConstTensor{}
                                     : ConstTensor{&graph_.operands[id].desc, data[id]});
    }
    for (OperandId id : op.outputs) {
      std::byte* out = output_data[id];
      if (!out) {
        // Value-initialized so a kernel bug cannot leak stale memory.
        owned[id].assign(graph_.operands[id].desc.ByteLength(), std::byte{0});
        out = owned[id].data();
      }
      data[id] = out;
      outs.push_back({&graph_.operands[id].desc, out});
    }
    const auto begin = profiler_ ? backend::StepProfiler::Clock::now()
                                 : backend::StepProfiler::Clock::time_point{};
    Status s = ComputeOperation(op.kind, op.attrs, {ins, outs});
    if (profiler_) {
      profiler_->Record(static_cast<uint32_t>(i), begin, backend::StepProfiler::Clock::now());
    }
    if (!s.ok()) {
      return std::move(s.error().Prefix("operations[" + std::to_string(i) + "]"));
    }
    for (OperandId id : op.inputs) {
      if (id != kNoOperand && last_use_[id] == i && !owned[id].empty()) {
        owned[id] = {};
        data[id] = nullptr;
      }
    }
  }
  // An operand named by several outputs was written to the last one's buffer: copy it to the
  // others.
  for (size_t i = 0; i < graph_.outputs.size(); ++i) {
    const OperandId id = graph_.outputs[i].operand;
    if (outputs[i] != output_data[id]) {
      std::memcpy(outputs[i], output_data[id], graph_.operands[id].desc.ByteLength());
    }
  }
  return {};
}

backend::CompiledGraphStats ReferenceGraph::stats() const {
  backend::CompiledGraphStats st;
  st.backend = backend::kReferenceBackend;
  for (const auto& [id, bytes] : graph_.constants) st.weight_bytes += bytes.size();
  st.steps = static_cast<uint32_t>(graph_.operations.size());
  st.fallback_steps = st.steps;
  return st;
}

backend::StepProfile ReferenceGraph::profile() const {
  return profiler_ ? profiler_->Snapshot() : backend::StepProfile{};
}

Result<std::unique_ptr<backend::CompiledGraph>> ReferenceBackend::Compile(
    GraphInfo graph, const backend::CompileOptions& options) const {
  return std::unique_ptr<backend::CompiledGraph>(
      new ReferenceGraph(std::move(graph), options.profile));
}

}  // namespace webnn::reference
