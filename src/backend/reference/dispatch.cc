#include <variant>

#include "backend/reference/kernels.h"

namespace webnn::reference {

Status ComputeOperation(OpKind kind, const Attrs& attrs, const KernelArgs& args) {
  switch (kind) {
#define WEBNN_OP(kind, name, attrs_type, operands, outputs, ...)                      \
  case OpKind::k##kind: {                                                             \
    const attrs_type* a = std::get_if<attrs_type>(&attrs);                            \
    if (!a) return MakeError(ErrorCode::kOperationError, name, ": wrong attributes"); \
    return Compute##kind(args, *a);                                                   \
  }
#include "ops/op_table.inc"
#undef WEBNN_OP
  }
  return MakeError(ErrorCode::kOperationError, "unknown operator kind");
}

}  // namespace webnn::reference
