#include "runtime/dispatch_binding.h"

#include <algorithm>

namespace webnn::runtime {

namespace {

constexpr size_t kUnset = static_cast<size_t>(-1);

// One side (inputs or outputs): fills `order` (one slot per graph entry) and checks each
// argument against its entry. `earlier` are the tensors of the arguments checked before,
// which an output may not repeat.
Status BindSide(const std::vector<GraphSignature::Entry>& entries,
                std::span<const DispatchArgument> args, bool is_input, std::vector<size_t>& order,
                std::vector<uint64_t>& earlier) {
  const char* kind = is_input ? "input" : "output";
  order.assign(entries.size(), kUnset);
  for (size_t a = 0; a < args.size(); ++a) {
    const DispatchArgument& arg = args[a];
    size_t index = entries.size();
    for (size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].name == arg.name) {
        index = i;
        break;
      }
    }
    if (index == entries.size()) {
      return MakeError(ErrorCode::kTypeError, "dispatch: the graph has no ", kind, " named '",
                       arg.name, "'");
    }
    if (order[index] != kUnset) {
      return MakeError(ErrorCode::kTypeError, "dispatch: ", kind, " '", arg.name, "' given twice");
    }
    const OperandDescriptor& want = entries[index].desc;
    if (!(*arg.desc == want)) {
      return MakeError(ErrorCode::kTypeError, "dispatch: ", kind, " '", arg.name, "' is ",
                       DescriptorToString(*arg.desc),
                       is_input ? ", the graph expects " : ", the graph produces ",
                       DescriptorToString(want));
    }
    if (arg.constant) {
      return MakeError(ErrorCode::kTypeError, "dispatch: ", kind, " '", arg.name,
                       "' is a constant tensor (usable only as a graph constant)");
    }
    // The spec forbids one tensor as both an input and an output, or as two outputs.
    if (!is_input && std::find(earlier.begin(), earlier.end(), arg.tensor) != earlier.end()) {
      return MakeError(ErrorCode::kTypeError, "dispatch: output '", arg.name,
                       "' is also used as another input or output of this dispatch");
    }
    earlier.push_back(arg.tensor);
    order[index] = a;
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    if (order[i] == kUnset) {
      return MakeError(ErrorCode::kTypeError, "dispatch: ", kind, " '", entries[i].name,
                       "' is missing");
    }
  }
  return {};
}

}  // namespace

Result<DispatchBinding> BindDispatch(const GraphSignature& graph,
                                     std::span<const DispatchArgument> inputs,
                                     std::span<const DispatchArgument> outputs) {
  DispatchBinding binding;
  std::vector<uint64_t> seen;
  seen.reserve(inputs.size() + outputs.size());
  WEBNN_RETURN_IF_ERROR(BindSide(graph.inputs, inputs, true, binding.inputs, seen));
  WEBNN_RETURN_IF_ERROR(BindSide(graph.outputs, outputs, false, binding.outputs, seen));
  return binding;
}

}  // namespace webnn::runtime
