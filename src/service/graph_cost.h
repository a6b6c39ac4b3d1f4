// What a client's graph will make the service spend, estimated from the validated graph before
// it is compiled, so a graph too expensive for its principal's quota is refused at build.
#pragma once

#include <cstdint>

#include "ir/graph_info.h"

namespace webnn::service {

struct GraphCost {
  // Bytes one run may hold besides its inputs and constants: every operand an operation
  // produces (intermediates and outputs), as if all were live at once. An upper bound of what
  // a backend allocates per run (the reference kernels allocate each result; the fast backend
  // plans an arena at most this large).
  uint64_t run_bytes = 0;
  // Work of one run in element operations: every operation reads its inputs and writes its
  // outputs; a contraction (matmul, gemm, conv) also multiplies each output element by its
  // reduction length. Saturates at UINT64_MAX.
  uint64_t work = 0;
};

// `graph` passed ValidateGraph (descriptors are consistent; sums are still saturating).
GraphCost EstimateGraphCost(const GraphInfo& graph);

}  // namespace webnn::service
