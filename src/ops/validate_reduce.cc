// Validators of the reductions along axes: reduceL1 ... reduceSumSquare, argMin/argMax, softmax
// and cumulativeSum. The op table has already checked the input's data type and rank.
#include <limits>

#include "ops/validate.h"

namespace webnn {
namespace {

// https://www.w3.org/TR/webnn/#mlgraphbuilder-calculate-reduction-output-sizes, once the axes
// are known to be unique and in range.
std::vector<uint32_t> ReductionOutputShape(const std::vector<uint32_t>& input_shape,
                                           const std::vector<uint32_t>& axes,
                                           bool keep_dimensions) {
  std::vector<bool> reduced(input_shape.size(), false);
  for (uint32_t axis : axes) reduced[axis] = true;
  std::vector<uint32_t> output_shape;
  for (size_t i = 0; i < input_shape.size(); ++i) {
    if (!reduced[i]) {
      output_shape.push_back(input_shape[i]);
    } else if (keep_dimensions) {
      output_shape.push_back(1);
    }
  }
  return output_shape;
}

// The positional `axis` argument of argMin/argMax, softmax and cumulativeSum.
Status CheckAxis(const OpValidationContext& ctx, uint32_t axis, uint32_t rank) {
  if (axis >= rank) {
    return ctx.TypeError("axis: ", axis, " is out of range for an input of rank ", rank,
                         " (must be less than ", rank, ")");
  }
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-reduce ("create reduction operation")
Result<OutputDescriptors> ValidateReduceFamily(const OpValidationContext& ctx,
                                               const ReduceAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  // Absent axes: all of them. Present and empty: no dimension is reduced.
  const std::vector<uint32_t> axes = a.axes ? *a.axes : AllAxes(input.rank());
  WEBNN_RETURN_IF_ERROR(CheckAxes(ctx, axes, input.rank(), "axes"));
  return OutputDescriptors{
      {input.dataType, ReductionOutputShape(input.shape, axes, a.keepDimensions)}};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-argminmax ("create an argMin/argMax operation")
Result<OutputDescriptors> ValidateArgMinMaxFamily(const OpValidationContext& ctx,
                                                  const ArgMinMaxAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  WEBNN_RETURN_IF_ERROR(CheckAxis(ctx, a.axis, input.rank()));
  const DataTypeSet allowed = ctx.info().outputs[0].types;  // int32, int64
  if (!allowed.Has(a.outputDataType)) {
    return ctx.TypeError("outputDataType: ", DataTypeName(a.outputDataType),
                         " is not allowed (allowed: ", allowed.ToString(), ")");
  }
  // Every index along the axis must be representable in the output type.
  const uint64_t max_index = a.outputDataType == DataType::kInt32
                                 ? uint64_t{std::numeric_limits<int32_t>::max()}
                                 : uint64_t{std::numeric_limits<int64_t>::max()};
  if (input.shape[a.axis] > max_index) {
    return ctx.TypeError("input: dimension ", a.axis, " (", input.shape[a.axis],
                         ") exceeds the maximum value of outputDataType ",
                         DataTypeName(a.outputDataType));
  }
  return OutputDescriptors{
      {a.outputDataType, ReductionOutputShape(input.shape, {a.axis}, a.keepDimensions)}};
}

}  // namespace

Result<OutputDescriptors> ValidateReduceL1(const OpValidationContext& ctx, const ReduceAttrs& a) {
  return ValidateReduceFamily(ctx, a);
}
Result<OutputDescriptors> ValidateReduceL2(const OpValidationContext& ctx, const ReduceAttrs& a) {
  return ValidateReduceFamily(ctx, a);
}
Result<OutputDescriptors> ValidateReduceLogSum(const OpValidationContext& ctx,
                                               const ReduceAttrs& a) {
  return ValidateReduceFamily(ctx, a);
}
Result<OutputDescriptors> ValidateReduceLogSumExp(const OpValidationContext& ctx,
                                                  const ReduceAttrs& a) {
  return ValidateReduceFamily(ctx, a);
}
Result<OutputDescriptors> ValidateReduceMax(const OpValidationContext& ctx, const ReduceAttrs& a) {
  return ValidateReduceFamily(ctx, a);
}
Result<OutputDescriptors> ValidateReduceMean(const OpValidationContext& ctx, const ReduceAttrs& a) {
  return ValidateReduceFamily(ctx, a);
}
Result<OutputDescriptors> ValidateReduceMin(const OpValidationContext& ctx, const ReduceAttrs& a) {
  return ValidateReduceFamily(ctx, a);
}
Result<OutputDescriptors> ValidateReduceProduct(const OpValidationContext& ctx,
                                                const ReduceAttrs& a) {
  return ValidateReduceFamily(ctx, a);
}
Result<OutputDescriptors> ValidateReduceSum(const OpValidationContext& ctx, const ReduceAttrs& a) {
  return ValidateReduceFamily(ctx, a);
}
Result<OutputDescriptors> ValidateReduceSumSquare(const OpValidationContext& ctx,
                                                  const ReduceAttrs& a) {
  return ValidateReduceFamily(ctx, a);
}

Result<OutputDescriptors> ValidateArgMin(const OpValidationContext& ctx, const ArgMinMaxAttrs& a) {
  return ValidateArgMinMaxFamily(ctx, a);
}
Result<OutputDescriptors> ValidateArgMax(const OpValidationContext& ctx, const ArgMinMaxAttrs& a) {
  return ValidateArgMinMaxFamily(ctx, a);
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-softmax-method
Result<OutputDescriptors> ValidateSoftmax(const OpValidationContext& ctx, const AxisAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  WEBNN_RETURN_IF_ERROR(CheckAxis(ctx, a.axis, input.rank()));
  return OutputDescriptors{input};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-cumulativesum
Result<OutputDescriptors> ValidateCumulativeSum(const OpValidationContext& ctx,
                                                const CumulativeSumAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  WEBNN_RETURN_IF_ERROR(CheckAxis(ctx, a.axis, input.rank()));
  return OutputDescriptors{input};
}

}  // namespace webnn
