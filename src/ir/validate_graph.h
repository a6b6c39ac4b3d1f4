// Validation of a whole GraphInfo that came from outside the builder (a file, a message).
#pragma once

#include "ir/graph_info.h"
#include "ops/validate.h"
#include "webnn/error.h"

namespace webnn {

// Checks everything the builder would have guaranteed, so an untrusted graph is safe to
// compile and run: operand ids in range; every input operand named, names unique; constants
// have exactly ByteLength() bytes; each result operand produced by exactly one operation; the
// operations in topological order (an operation only reads operands defined before it);
// every operation re-validated with ValidateOperation, and its declared output descriptors
// equal to the inferred ones; at least one output, each a result operand (not an input or
// constant), output names unique; every descriptor within `limits`.
// Errors say where: "operations[12] (conv2d 'stem'): ...".
Status ValidateGraph(const GraphInfo& graph, const ContextLimits& limits);

// The operand slots of an operation as descriptor pointers (nullptr for absent optional
// operands), for ValidateOperation. Operand ids must already be in range.
std::vector<const OperandDescriptor*> SlotDescriptors(const GraphInfo& graph,
                                                      const Operation& op);

}  // namespace webnn
