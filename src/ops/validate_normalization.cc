// Validators of batchNormalization, instanceNormalization and layerNormalization. The op table
// has already checked the data types (every operand has the input's float type) and the ranks
// (input 4-D for instanceNormalization; mean, variance, scale and bias 1-D where the spec says).
#include "ops/validate.h"

namespace webnn {
namespace {

// An optional or required 1-D operand whose shape must be « input.shape[axis] ».
Status CheckPerChannel(const OpValidationContext& ctx, const OperandDescriptor* operand,
                       std::string_view name, const OperandDescriptor& input, uint32_t axis) {
  if (!operand) return {};
  const std::vector<uint32_t> expected = {input.shape[axis]};
  if (operand->shape != expected) {
    return ctx.TypeError(name, ": shape ", ShapeToString(operand->shape), " must be ",
                         ShapeToString(expected), " (the size of input dimension ", axis, ")");
  }
  return {};
}

}  // namespace

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-batchnorm
Result<OutputDescriptors> ValidateBatchNormalization(const OpValidationContext& ctx,
                                                     const BatchNormalizationAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  if (a.axis >= input.rank()) {
    return ctx.TypeError("axis: ", a.axis, " is out of range for an input of rank ", input.rank(),
                         " (must be less than ", input.rank(), ")");
  }
  WEBNN_RETURN_IF_ERROR(CheckPerChannel(ctx, &ctx.input(1), "mean", input, a.axis));
  WEBNN_RETURN_IF_ERROR(CheckPerChannel(ctx, &ctx.input(2), "variance", input, a.axis));
  WEBNN_RETURN_IF_ERROR(CheckFinite(ctx, a.epsilon, "epsilon"));
  WEBNN_RETURN_IF_ERROR(CheckPerChannel(ctx, ctx.optional_input("scale"), "scale", input, a.axis));
  WEBNN_RETURN_IF_ERROR(CheckPerChannel(ctx, ctx.optional_input("bias"), "bias", input, a.axis));
  return OutputDescriptors{input};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-instancenorm
Result<OutputDescriptors> ValidateInstanceNormalization(const OpValidationContext& ctx,
                                                        const InstanceNormalizationAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);  // 4-D (op table)
  WEBNN_RETURN_IF_ERROR(CheckFinite(ctx, a.epsilon, "epsilon"));
  const uint32_t channel_axis = a.layout == InputOperandLayout::kNchw ? 1 : 3;
  WEBNN_RETURN_IF_ERROR(
      CheckPerChannel(ctx, ctx.optional_input("scale"), "scale", input, channel_axis));
  WEBNN_RETURN_IF_ERROR(
      CheckPerChannel(ctx, ctx.optional_input("bias"), "bias", input, channel_axis));
  return OutputDescriptors{input};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-layernorm
Result<OutputDescriptors> ValidateLayerNormalization(const OpValidationContext& ctx,
                                                     const LayerNormalizationAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  // Absent axes: [1, rank) (empty for rank 0 and 1). Present and empty: nothing is reduced.
  std::vector<uint32_t> axes;
  if (a.axes) {
    axes = *a.axes;
    WEBNN_RETURN_IF_ERROR(CheckAxes(ctx, axes, input.rank(), "axes"));
  } else {
    for (uint32_t i = 1; i < input.rank(); ++i) axes.push_back(i);
  }
  WEBNN_RETURN_IF_ERROR(CheckFinite(ctx, a.epsilon, "epsilon"));
  // scale and bias have the sizes of the input dimensions at `axes`, in the order of `axes`.
  std::vector<uint32_t> expected;
  for (uint32_t axis : axes) expected.push_back(input.shape[axis]);
  for (std::string_view name : {"scale", "bias"}) {
    const OperandDescriptor* operand = ctx.optional_input(name);
    if (!operand) continue;
    if (operand->rank() != axes.size()) {
      return ctx.TypeError(name, ": rank ", operand->rank(), " must equal the number of axes (",
                           axes.size(), ")");
    }
    if (operand->shape != expected) {
      return ctx.TypeError(name, ": shape ", ShapeToString(operand->shape), " must be ",
                           ShapeToString(expected), " (the input dimensions at axes ",
                           ShapeToString(axes), ")");
    }
  }
  return OutputDescriptors{input};
}

}  // namespace webnn
