// The reference backend: runs a validated GraphInfo on the reference kernels, one operation
// after another. Slow and simple on purpose: it is the oracle the other backends are tested
// against.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "backend/backend.h"
#include "backend/reference/kernels.h"
#include "ir/graph_info.h"

namespace webnn::reference {

class ReferenceGraph final : public backend::CompiledGraph {
 public:
  // `graph` must have passed ValidateGraph (or come from GraphBuilderCore::Build).
  explicit ReferenceGraph(GraphInfo graph, bool profile = false);

  const GraphInfo& graph() const { return graph_; }
  // inputs[i] is graph().inputs[i]; outputs[i] is graph().outputs[i]; sizes must match the
  // descriptors (checked by the caller). Output buffers must not overlap the inputs.
  Status Execute(std::span<const std::byte* const> inputs,
                 std::span<std::byte* const> outputs) const override;
  backend::CompiledGraphStats stats() const override;
  backend::StepProfile profile() const override;

 private:
  GraphInfo graph_;
  // last_use_[operand]: index of the last operation reading it (to free intermediates early).
  std::vector<size_t> last_use_;
  std::unique_ptr<backend::StepProfiler> profiler_;  // when compiled with options.profile
};

class ReferenceBackend final : public backend::Backend {
 public:
  std::string_view name() const override { return backend::kReferenceBackend; }
  Result<std::unique_ptr<backend::CompiledGraph>> Compile(
      GraphInfo graph, const backend::CompileOptions& options) const override;
};

}  // namespace webnn::reference
