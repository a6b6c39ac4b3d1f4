// Runs a validated GraphInfo on the reference kernels, one operation after another.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "backend/cpu/kernels.h"
#include "ir/graph_info.h"

namespace webnn::cpu {

class ReferenceGraph {
 public:
  // `graph` must have passed ValidateGraph (or come from GraphBuilderCore::Build).
  explicit ReferenceGraph(GraphInfo graph);

  const GraphInfo& graph() const { return graph_; }
  // inputs[i] is graph().inputs[i]; outputs[i] is graph().outputs[i]; sizes must match the
  // descriptors (checked by the caller). Output buffers must not overlap the inputs.
  Status Execute(std::span<const std::byte* const> inputs,
                 std::span<std::byte* const> outputs) const;

 private:
  GraphInfo graph_;
  // last_use_[operand]: index of the last operation reading it (to free intermediates early).
  std::vector<size_t> last_use_;
};

}  // namespace webnn::cpu
