// The reference CPU kernels: plain loops, every op and data type, the oracle every faster
// backend is tested against. A kernel runs on validated shapes (the validators have run), so
// it trusts descriptors; it never trusts data: indices read from tensors are bounds-checked.
#pragma once

#include <cstddef>
#include <span>

#include "ops/op_info.h"
#include "webnn/attrs.h"
#include "webnn/error.h"
#include "webnn/types.h"

namespace webnn::reference {

struct ConstTensor {
  const OperandDescriptor* desc = nullptr;  // nullptr for an absent optional operand
  const std::byte* data = nullptr;
  bool present() const { return desc != nullptr; }
};

struct MutableTensor {
  const OperandDescriptor* desc = nullptr;
  std::byte* data = nullptr;
};

// Inputs by slot (op_table.inc order; concat: one per input), outputs in order.
struct KernelArgs {
  std::span<const ConstTensor> inputs;
  std::span<const MutableTensor> outputs;
};

#define WEBNN_OP(kind, name, attrs, operands, outputs, ...) \
  Status Compute##kind(const KernelArgs& args, const attrs& a);
#include "ops/op_table.inc"
#undef WEBNN_OP

// Runs the reference kernel of `kind`. attrs must hold the op's attribute type.
Status ComputeOperation(OpKind kind, const Attrs& attrs, const KernelArgs& args);

}  // namespace webnn::reference
