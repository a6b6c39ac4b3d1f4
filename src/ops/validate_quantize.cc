// Validators of quantizeLinear and dequantizeLinear. The op table has already checked the data
// types (input/scale/zeroPoint per the spec's tensor limits plus int4/uint4) and that scale and
// zeroPoint have the input's rank.
#include "ops/validate.h"

namespace webnn {
namespace {

// https://www.w3.org/TR/webnn/#blockwise-broadcasting: same rank, and every dimension of
// `from` divides the corresponding dimension of `to`.
bool IsBlockwiseBroadcastable(const std::vector<uint32_t>& from, const std::vector<uint32_t>& to) {
  if (from.size() != to.size()) return false;
  for (size_t i = 0; i < to.size(); ++i) {
    if (from[i] == 0 || to[i] % from[i] != 0) return false;
  }
  return true;
}

// The steps shared by both methods: scale and zeroPoint have one shape, blockwise broadcastable
// to the input's. The output has the input's shape and `output_type`.
Result<OutputDescriptors> ValidateQuantizeFamily(const OpValidationContext& ctx,
                                                 DataType output_type) {
  const OperandDescriptor& input = ctx.input(0);
  const OperandDescriptor& scale = ctx.input(1);
  const OperandDescriptor& zero_point = ctx.input(2);
  if (scale.rank() != input.rank() || zero_point.rank() != input.rank()) {
    return ctx.TypeError("scale (rank ", scale.rank(), ") and zeroPoint (rank ", zero_point.rank(),
                         ") must have the input's rank (", input.rank(), ")");
  }
  if (scale.shape != zero_point.shape) {
    return ctx.TypeError("zeroPoint: shape ", ShapeToString(zero_point.shape),
                         " must equal the scale's shape ", ShapeToString(scale.shape));
  }
  if (!IsBlockwiseBroadcastable(scale.shape, input.shape)) {
    return ctx.TypeError("scale: shape ", ShapeToString(scale.shape),
                         " is not blockwise broadcastable to the input shape ",
                         ShapeToString(input.shape),
                         " (each input dimension must be a multiple of the scale's)");
  }
  return OutputDescriptors{{output_type, input.shape}};
}

}  // namespace

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-quantizelinear
Result<OutputDescriptors> ValidateQuantizeLinear(const OpValidationContext& ctx, const NoAttrs&) {
  return ValidateQuantizeFamily(ctx, /*output_type=*/ctx.input(2).dataType);
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-dequantizelinear
Result<OutputDescriptors> ValidateDequantizeLinear(const OpValidationContext& ctx, const NoAttrs&) {
  return ValidateQuantizeFamily(ctx, /*output_type=*/ctx.input(1).dataType);
}

}  // namespace webnn
