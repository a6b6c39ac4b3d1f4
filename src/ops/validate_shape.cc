// Validators of the data-movement operators: concat, expand, gather*, scatter*, pad, reshape,
// reverse, slice, split, tile, transpose, triangular. Each follows the "method steps" of its
// spec section; the generic checks (slot data types and ranks) have already run.
#include <cstdint>
#include <limits>
#include <variant>

#include "ops/validate.h"

namespace webnn {
namespace {

// https://www.w3.org/TR/webnn/#valid-dimension: > 0 and in the range of long (int32).
constexpr uint64_t kMaxDimension = std::numeric_limits<int32_t>::max();
// https://www.w3.org/TR/webnn/#valid-tensor-count
constexpr uint64_t kMaxTensorCount = 8192;

// Computed sizes are summed/multiplied in uint64 (no uint32 wrap) and checked here before they
// are stored in a shape.
bool IsValidDimension(uint64_t d) { return d > 0 && d <= kMaxDimension; }

Status CheckAxis(const OpValidationContext& ctx, uint32_t axis, uint32_t rank,
                 std::string_view what) {
  if (axis >= rank) {
    return ctx.TypeError(what, ": ", axis, " must be less than the input rank ", rank);
  }
  return {};
}

// Checks a list option that must have one value per input dimension.
Status CheckListSize(const OpValidationContext& ctx, const UintList& list, uint32_t rank,
                     std::string_view what) {
  if (list.size() != rank) {
    return ctx.TypeError(what, ": expected ", rank, " values (the input rank), got ", list.size());
  }
  return {};
}

// The shape of an ND index tensor's coordinates: indices [..., k] address input dims [0, k).
// Returns the "slice" shape indices.shape[:-1] + input.shape[k:] (gatherND's output shape,
// scatterND's updates shape).
Result<std::vector<uint32_t>> NdSliceShape(const OpValidationContext& ctx,
                                           const OperandDescriptor& input,
                                           const OperandDescriptor& indices) {
  // indices has rank >= 1 (op table); its last dimension is the coordinate size.
  const uint32_t coordinate_size = indices.shape.back();
  if (coordinate_size > input.rank()) {
    return ctx.TypeError("indices: the last dimension (", coordinate_size,
                         ", the coordinate size) must not exceed the input rank ", input.rank());
  }
  std::vector<uint32_t> shape(indices.shape.begin(), indices.shape.end() - 1);
  shape.insert(shape.end(), input.shape.begin() + coordinate_size, input.shape.end());
  return shape;
}

// gatherElements / scatterElements: indices has input's shape except along axis.
Status CheckElementsIndicesShape(const OpValidationContext& ctx, const OperandDescriptor& input,
                                 const OperandDescriptor& indices, uint32_t axis) {
  std::vector<uint32_t> expected = input.shape;
  expected[axis] = indices.shape[axis];
  if (indices.shape != expected) {
    return ctx.TypeError("indices: shape ", ShapeToString(indices.shape), " must be ",
                         ShapeToString(expected), " (the input shape except along axis ", axis,
                         ")");
  }
  return {};
}

}  // namespace

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-concat
Result<OutputDescriptors> ValidateConcat(const OpValidationContext& ctx, const AxisAttrs& a) {
  const auto inputs = ctx.inputs();
  if (inputs.size() > kMaxTensorCount) {
    return ctx.TypeError("inputs: ", inputs.size(), " operands exceed the maximum of ",
                         kMaxTensorCount);
  }
  const OperandDescriptor& first = *inputs[0];
  WEBNN_RETURN_IF_ERROR(CheckAxis(ctx, a.axis, first.rank(), "axis"));
  uint64_t axis_size = first.shape[a.axis];
  for (size_t i = 1; i < inputs.size(); ++i) {
    const OperandDescriptor& input = *inputs[i];
    if (input.rank() != first.rank()) {
      return ctx.TypeError("inputs[", i, "]: rank ", input.rank(),
                           " must be the same as inputs[0]'s (", first.rank(), ")");
    }
    for (uint32_t d = 0; d < first.rank(); ++d) {
      if (d != a.axis && input.shape[d] != first.shape[d]) {
        return ctx.TypeError("inputs[", i, "]: shape ", ShapeToString(input.shape),
                             " differs from inputs[0]'s ", ShapeToString(first.shape),
                             " in dimension ", d, " (only axis ", a.axis, " may differ)");
      }
    }
    axis_size += input.shape[a.axis];
    if (!IsValidDimension(axis_size)) {
      return ctx.TypeError("the concatenated size along axis ", a.axis, " (", axis_size,
                           ") is not a valid dimension");
    }
  }
  OperandDescriptor out = first;
  out.shape[a.axis] = static_cast<uint32_t>(axis_size);
  return OutputDescriptors{out};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-expand
// The spec unidirectionally broadcasts the input shape to newShape: newShape has at least the
// input's rank and each input dimension is 1 or equal to newShape's (right-aligned).
Result<OutputDescriptors> ValidateExpand(const OpValidationContext& ctx, const NewShapeAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  for (size_t i = 0; i < a.newShape.size(); ++i) {
    if (!IsValidDimension(a.newShape[i])) {
      return ctx.TypeError("newShape[", i, "]: ", a.newShape[i], " is not a valid dimension");
    }
  }
  if (!IsUnidirectionallyBroadcastable(input.shape, a.newShape)) {
    return ctx.TypeError("input shape ", ShapeToString(input.shape),
                         " is not unidirectionally broadcastable to newShape ",
                         ShapeToString(a.newShape));
  }
  return OutputDescriptors{{input.dataType, a.newShape}};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-gather
// output shape = input.shape[:axis] + indices.shape + input.shape[axis+1:]
Result<OutputDescriptors> ValidateGather(const OpValidationContext& ctx, const GatherAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  const OperandDescriptor& indices = ctx.input(1);
  WEBNN_RETURN_IF_ERROR(CheckAxis(ctx, a.axis, input.rank(), "axis"));
  std::vector<uint32_t> shape(input.shape.begin(), input.shape.begin() + a.axis);
  shape.insert(shape.end(), indices.shape.begin(), indices.shape.end());
  shape.insert(shape.end(), input.shape.begin() + a.axis + 1, input.shape.end());
  return OutputDescriptors{{input.dataType, std::move(shape)}};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-gatherelements
// The output has the indices' shape (the spec's examples and wpt; its "copy of input" step
// would give the input's shape, which differs whenever indices.shape[axis] does).
Result<OutputDescriptors> ValidateGatherElements(const OpValidationContext& ctx,
                                                 const GatherAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  const OperandDescriptor& indices = ctx.input(1);
  WEBNN_RETURN_IF_ERROR(CheckAxis(ctx, a.axis, input.rank(), "axis"));
  WEBNN_RETURN_IF_ERROR(CheckElementsIndicesShape(ctx, input, indices, a.axis));
  return OutputDescriptors{{input.dataType, indices.shape}};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-gathernd
Result<OutputDescriptors> ValidateGatherND(const OpValidationContext& ctx, const NoAttrs&) {
  const OperandDescriptor& input = ctx.input(0);
  WEBNN_ASSIGN_OR_RETURN(std::vector<uint32_t> shape, NdSliceShape(ctx, input, ctx.input(1)));
  return OutputDescriptors{{input.dataType, std::move(shape)}};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-scatterelements
Result<OutputDescriptors> ValidateScatterElements(const OpValidationContext& ctx,
                                                  const GatherAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  const OperandDescriptor& indices = ctx.input(1);
  const OperandDescriptor& updates = ctx.input(2);
  WEBNN_RETURN_IF_ERROR(CheckAxis(ctx, a.axis, input.rank(), "axis"));
  WEBNN_RETURN_IF_ERROR(CheckElementsIndicesShape(ctx, input, indices, a.axis));
  if (updates.shape != indices.shape) {
    return ctx.TypeError("updates: shape ", ShapeToString(updates.shape),
                         " must equal the indices' shape ", ShapeToString(indices.shape));
  }
  return OutputDescriptors{input};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-scatternd
// updates.shape must be indices.shape[:-1] + input.shape[k:]; the output is a copy of input.
Result<OutputDescriptors> ValidateScatterND(const OpValidationContext& ctx, const NoAttrs&) {
  const OperandDescriptor& input = ctx.input(0);
  const OperandDescriptor& updates = ctx.input(2);
  WEBNN_ASSIGN_OR_RETURN(std::vector<uint32_t> expected, NdSliceShape(ctx, input, ctx.input(1)));
  if (updates.shape != expected) {
    return ctx.TypeError("updates: shape ", ShapeToString(updates.shape), " must be ",
                         ShapeToString(expected),
                         " (indices.shape[:-1] + input.shape[coordinate size:])");
  }
  return OutputDescriptors{input};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-pad
Result<OutputDescriptors> ValidatePad(const OpValidationContext& ctx, const PadAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  WEBNN_RETURN_IF_ERROR(CheckListSize(ctx, a.beginningPadding, input.rank(), "beginningPadding"));
  WEBNN_RETURN_IF_ERROR(CheckListSize(ctx, a.endingPadding, input.rank(), "endingPadding"));
  OperandDescriptor out = input;
  for (uint32_t d = 0; d < input.rank(); ++d) {
    const uint32_t begin = a.beginningPadding[d];
    const uint32_t end = a.endingPadding[d];
    if (a.mode == PaddingMode::kReflection) {
      // Reflection mirrors without repeating the edge, so at most dim - 1 values per side.
      if (begin >= input.shape[d]) {
        return ctx.TypeError("beginningPadding[", d, "]: ", begin,
                             " must be less than the input dimension (", input.shape[d],
                             ") in reflection mode");
      }
      if (end >= input.shape[d]) {
        return ctx.TypeError("endingPadding[", d, "]: ", end,
                             " must be less than the input dimension (", input.shape[d],
                             ") in reflection mode");
      }
    }
    const uint64_t size = uint64_t{input.shape[d]} + begin + end;
    if (!IsValidDimension(size)) {
      return ctx.TypeError("padded dimension ", d, " (", size, ") is not a valid dimension");
    }
    out.shape[d] = static_cast<uint32_t>(size);
  }
  return OutputDescriptors{out};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-reshape-method
Result<OutputDescriptors> ValidateReshape(const OpValidationContext& ctx, const NewShapeAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  for (size_t i = 0; i < a.newShape.size(); ++i) {
    if (!IsValidDimension(a.newShape[i])) {
      return ctx.TypeError("newShape[", i, "]: ", a.newShape[i], " is not a valid dimension");
    }
  }
  uint64_t count = 1;
  for (uint32_t d : a.newShape) {
    count *= d;  // both factors < 2^31 (the loop stops above that): no overflow
    if (count > kMaxDimension) break;
  }
  if (count != input.ElementCount()) {
    return ctx.TypeError("newShape ", ShapeToString(a.newShape),
                         " must have the input's element count (", input.ElementCount(), ", shape ",
                         ShapeToString(input.shape), ")");
  }
  return OutputDescriptors{{input.dataType, a.newShape}};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-reverse-method
Result<OutputDescriptors> ValidateReverse(const OpValidationContext& ctx, const ReverseAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  if (a.axes) WEBNN_RETURN_IF_ERROR(CheckAxes(ctx, *a.axes, input.rank(), "axes"));
  return OutputDescriptors{input};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-slice
// output size = ceil(sizes[d] / strides[d])
Result<OutputDescriptors> ValidateSlice(const OpValidationContext& ctx, const SliceAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  WEBNN_RETURN_IF_ERROR(CheckListSize(ctx, a.starts, input.rank(), "starts"));
  WEBNN_RETURN_IF_ERROR(CheckListSize(ctx, a.sizes, input.rank(), "sizes"));
  if (a.strides) WEBNN_RETURN_IF_ERROR(CheckListSize(ctx, *a.strides, input.rank(), "strides"));
  OperandDescriptor out = input;
  for (uint32_t d = 0; d < input.rank(); ++d) {
    const uint32_t start = a.starts[d];
    const uint32_t size = a.sizes[d];
    const uint32_t stride = a.strides ? (*a.strides)[d] : 1;
    if (size == 0) return ctx.TypeError("sizes[", d, "]: must not be 0");
    if (stride == 0) return ctx.TypeError("strides[", d, "]: must be at least 1, got 0");
    if (start >= input.shape[d]) {
      return ctx.TypeError("starts[", d, "]: ", start, " must be less than the input dimension (",
                           input.shape[d], ")");
    }
    if (uint64_t{start} + size > input.shape[d]) {
      return ctx.TypeError("starts[", d, "] + sizes[", d, "] (", start, " + ", size,
                           ") exceeds the input dimension (", input.shape[d], ")");
    }
    out.shape[d] = size / stride + (size % stride != 0 ? 1 : 0);
  }
  return OutputDescriptors{out};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-split
Result<OutputDescriptors> ValidateSplit(const OpValidationContext& ctx, const SplitAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  WEBNN_RETURN_IF_ERROR(CheckAxis(ctx, a.axis, input.rank(), "axis"));
  const uint32_t dim = input.shape[a.axis];
  std::vector<uint32_t> sizes;
  if (const uint32_t* count = std::get_if<uint32_t>(&a.splits)) {
    if (*count == 0 || *count > kMaxTensorCount) {
      return ctx.TypeError("splits: ", *count, " is not a valid tensor count (1 to ",
                           kMaxTensorCount, ")");
    }
    if (dim % *count != 0) {
      return ctx.TypeError("splits: ", *count, " does not evenly divide the input dimension ",
                           a.axis, " (", dim, ")");
    }
    sizes.assign(*count, dim / *count);
  } else {
    sizes = std::get<UintList>(a.splits);
    if (sizes.empty() || sizes.size() > kMaxTensorCount) {
      return ctx.TypeError("splits: ", sizes.size(), " sizes is not a valid tensor count (1 to ",
                           kMaxTensorCount, ")");
    }
    uint64_t sum = 0;
    for (size_t i = 0; i < sizes.size(); ++i) {
      if (sizes[i] == 0) return ctx.TypeError("splits[", i, "]: must not be 0");
      sum += sizes[i];
    }
    if (sum != dim) {
      return ctx.TypeError("splits: the sizes sum to ", sum, ", expected the input dimension ",
                           a.axis, " (", dim, ")");
    }
  }
  OutputDescriptors outputs;
  outputs.reserve(sizes.size());
  for (uint32_t size : sizes) {
    OperandDescriptor out = input;
    out.shape[a.axis] = size;
    outputs.push_back(std::move(out));
  }
  return outputs;
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-tile
Result<OutputDescriptors> ValidateTile(const OpValidationContext& ctx, const TileAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  WEBNN_RETURN_IF_ERROR(CheckListSize(ctx, a.repetitions, input.rank(), "repetitions"));
  OperandDescriptor out = input;
  for (uint32_t d = 0; d < input.rank(); ++d) {
    if (a.repetitions[d] == 0) return ctx.TypeError("repetitions[", d, "]: must not be 0");
    const uint64_t size = uint64_t{input.shape[d]} * a.repetitions[d];
    if (!IsValidDimension(size)) {
      return ctx.TypeError("tiled dimension ", d, " (", input.shape[d], " * ", a.repetitions[d],
                           " = ", size, ") is not a valid dimension");
    }
    out.shape[d] = static_cast<uint32_t>(size);
  }
  return OutputDescriptors{out};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-transpose
// output.shape[i] = input.shape[permutation[i]]; default permutation [rank-1, ..., 0].
Result<OutputDescriptors> ValidateTranspose(const OpValidationContext& ctx,
                                            const TransposeAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  OperandDescriptor out = input;
  if (a.permutation) {
    WEBNN_RETURN_IF_ERROR(CheckListSize(ctx, *a.permutation, input.rank(), "permutation"));
    WEBNN_RETURN_IF_ERROR(CheckAxes(ctx, *a.permutation, input.rank(), "permutation"));
    for (uint32_t i = 0; i < input.rank(); ++i) out.shape[i] = input.shape[(*a.permutation)[i]];
  } else {
    for (uint32_t i = 0; i < input.rank(); ++i) out.shape[i] = input.shape[input.rank() - 1 - i];
  }
  return OutputDescriptors{out};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-triangular
// Rank >= 2 is the op table's; any diagonal is valid (large ones keep or zero everything).
Result<OutputDescriptors> ValidateTriangular(const OpValidationContext& ctx,
                                             const TriangularAttrs&) {
  return OutputDescriptors{ctx.input(0)};
}

}  // namespace webnn
