// The checks of a dispatch's arguments against the graph (WebNN MLContext.dispatch): every
// input and output named exactly once, each tensor with the descriptor the graph has there, no
// constant tensor, and no tensor written twice or both read and written. A pure function, so the
// in-process API and the service make exactly the same checks with the same messages.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "ir/graph_info.h"
#include "webnn/error.h"

namespace webnn::runtime {

// One named tensor of a dispatch as the caller gave it.
struct DispatchArgument {
  std::string_view name;
  uint64_t tensor = 0;  // the tensor's identity: equal for the same tensor, distinct otherwise
  const OperandDescriptor* desc = nullptr;  // the tensor's descriptor (not null)
  bool constant = false;                    // a constant tensor (not usable in a dispatch)
};

// Where each of the graph's inputs and outputs is among the arguments: inputs[i] is the index in
// the given inputs of the graph's input i (signature order), likewise outputs.
struct DispatchBinding {
  std::vector<size_t> inputs;
  std::vector<size_t> outputs;
};

// Checks `inputs` and `outputs` against `graph` and orders them by the graph's signature.
// Errors are TypeErrors that start "dispatch: " and name the input or output.
Result<DispatchBinding> BindDispatch(const GraphSignature& graph,
                                     std::span<const DispatchArgument> inputs,
                                     std::span<const DispatchArgument> outputs);

}  // namespace webnn::runtime
