// TEMPORARY while op families are being written: weak fallbacks so partial trees link.
// Removed once every family defines its validators and kernels (then a missing one fails to
// link, as op_table.inc promises).
#include "backend/cpu/kernels.h"
#include "ops/validate.h"

namespace webnn {
#define WEBNN_OP(kind, name, attrs, operands, outputs)                                     \
  __attribute__((weak)) Result<OutputDescriptors> Validate##kind(                          \
      const OpValidationContext& ctx, const attrs&) {                                      \
    return ctx.Fail(ErrorCode::kNotSupportedError, "not implemented yet");                 \
  }
#include "ops/op_table.inc"
#undef WEBNN_OP
namespace cpu {
#define WEBNN_OP(kind, name, attrs, operands, outputs)                                     \
  __attribute__((weak)) Status Compute##kind(const KernelArgs&, const attrs&) {           \
    return MakeError(ErrorCode::kNotSupportedError, name, ": kernel not implemented yet"); \
  }
#include "ops/op_table.inc"
#undef WEBNN_OP
}  // namespace cpu
}  // namespace webnn
