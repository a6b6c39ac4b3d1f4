// Validators of the sliding-window operators: conv2d, convTranspose2d and the pooling family
// (averagePool2d, l2Pool2d, maxPool2d). Each follows the "method steps" of its spec section;
// the generic checks (slot data types and ranks, output limits) have already run.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "ops/validate.h"

namespace webnn {
namespace {

// https://www.w3.org/TR/webnn/#valid-dimension: > 0 and in the range of long (int32).
constexpr int64_t kMaxDimension = std::numeric_limits<int32_t>::max();
bool IsValidDimension(int64_t d) { return d > 0 && d <= kMaxDimension; }

// A list option of a fixed size: its value, or `fallback` when absent.
template <size_t N>
Result<std::array<uint32_t, N>> ListOption(const OpValidationContext& ctx,
                                           const std::optional<UintList>& list,
                                           std::array<uint32_t, N> fallback, std::string_view what,
                                           bool nonzero) {
  if (!list) return fallback;
  if (list->size() != N) {
    return ctx.TypeError(what, ": expected ", N, " values, got ", list->size());
  }
  std::array<uint32_t, N> out;
  for (size_t i = 0; i < N; ++i) {
    if (nonzero && (*list)[i] == 0) {
      return ctx.TypeError(what, "[", i, "]: must be greater than 0");
    }
    out[i] = (*list)[i];
  }
  return out;
}

// ( filterSize - 1 ) * dilation + 1. Both factors are below 2^32, so the product fits in
// uint64; it is reported as not fitting int64 when it is beyond any valid input size anyway.
int64_t EffectiveFilterSize(uint32_t filter_size, uint32_t dilation) {
  const uint64_t size = uint64_t{filter_size - 1} * dilation + 1;
  return size > uint64_t{1} << 40 ? int64_t{1} << 40 : static_cast<int64_t>(size);
}

// floor(a / b) and ceil(a / b) for b > 0 and any sign of a.
int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t CeilDiv(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -(-a / b); }

// https://www.w3.org/TR/webnn/#mlgraphbuilder-calculate-conv-output-size, as the exact
// rational 1 + numerator / stride: only the numerator is returned (it may be negative).
int64_t ConvOutputNumerator(uint32_t input_size, uint32_t filter_size, uint32_t begin_padding,
                            uint32_t end_padding, uint32_t dilation) {
  return int64_t{input_size} + begin_padding + end_padding -
         EffectiveFilterSize(filter_size, dilation);
}

// The spatial names used in messages, indexed by dimension 0 (height) / 1 (width).
constexpr std::array<std::string_view, 2> kSpatialNames = {"height", "width"};

struct Spatial {
  uint32_t batches = 0, channels = 0, height = 0, width = 0;
};

Spatial SplitInputShape(const OperandDescriptor& input, InputOperandLayout layout) {
  const auto& s = input.shape;
  if (layout == InputOperandLayout::kNchw) return {s[0], s[1], s[2], s[3]};
  return {s[0], s[3], s[1], s[2]};
}

std::vector<uint32_t> MakeOutputShape(InputOperandLayout layout, uint32_t batches,
                                      uint32_t channels, uint32_t height, uint32_t width) {
  if (layout == InputOperandLayout::kNchw) return {batches, channels, height, width};
  return {batches, height, width, channels};
}

Status CheckBias(const OpValidationContext& ctx, uint32_t output_channels) {
  const OperandDescriptor* bias = ctx.optional_input("bias");
  if (bias && bias->shape != std::vector<uint32_t>{output_channels}) {
    return ctx.TypeError("bias: shape ", ShapeToString(bias->shape), " must be [", output_channels,
                         "] (the output channels)");
  }
  return {};
}

// padding, strides and dilations, shared by conv2d, convTranspose2d and pooling.
struct WindowOptions {
  std::array<uint32_t, 4> padding;
  std::array<uint32_t, 2> strides;
  std::array<uint32_t, 2> dilations;
};

Result<WindowOptions> ParseWindowOptions(const OpValidationContext& ctx,
                                         const std::optional<UintList>& padding,
                                         const std::optional<UintList>& strides,
                                         const std::optional<UintList>& dilations) {
  WindowOptions w;
  WEBNN_ASSIGN_OR_RETURN(w.padding, ListOption<4>(ctx, padding, {0, 0, 0, 0}, "padding",
                                                  /*nonzero=*/false));
  WEBNN_ASSIGN_OR_RETURN(w.strides, ListOption<2>(ctx, strides, {1, 1}, "strides",
                                                  /*nonzero=*/true));
  WEBNN_ASSIGN_OR_RETURN(w.dilations, ListOption<2>(ctx, dilations, {1, 1}, "dilations",
                                                    /*nonzero=*/true));
  return w;
}

}  // namespace

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-conv2d
Result<OutputDescriptors> ValidateConv2d(const OpValidationContext& ctx, const Conv2dAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  const OperandDescriptor& filter = ctx.input(1);
  WEBNN_ASSIGN_OR_RETURN(WindowOptions w,
                         ParseWindowOptions(ctx, a.padding, a.strides, a.dilations));
  if (a.groups == 0) return ctx.TypeError("groups: must be greater than 0");

  const Spatial in = SplitInputShape(input, a.inputLayout);
  const auto& f = filter.shape;
  uint32_t output_channels = 0, filter_input_channels = 0, filter_height = 0, filter_width = 0;
  switch (a.filterLayout) {
    case Conv2dFilterOperandLayout::kOihw:
      output_channels = f[0], filter_input_channels = f[1], filter_height = f[2],
      filter_width = f[3];
      break;
    case Conv2dFilterOperandLayout::kHwio:
      filter_height = f[0], filter_width = f[1], filter_input_channels = f[2],
      output_channels = f[3];
      break;
    case Conv2dFilterOperandLayout::kOhwi:
      output_channels = f[0], filter_height = f[1], filter_width = f[2],
      filter_input_channels = f[3];
      break;
    case Conv2dFilterOperandLayout::kIhwo:
      filter_input_channels = f[0], filter_height = f[1], filter_width = f[2],
      output_channels = f[3];
      break;
  }
  if (in.channels % a.groups != 0) {
    return ctx.TypeError("input channels (", in.channels, ") must be divisible by groups (",
                         a.groups, ")");
  }
  if (in.channels / a.groups != filter_input_channels) {
    return ctx.TypeError("filter: input channels (", filter_input_channels, ", layout ",
                         EnumName(a.filterLayout), ") must be input channels / groups (",
                         in.channels, " / ", a.groups, " = ", in.channels / a.groups, ")");
  }
  if (output_channels % a.groups != 0) {
    return ctx.TypeError("filter: output channels (", output_channels,
                         ") must be divisible by groups (", a.groups, ")");
  }
  WEBNN_RETURN_IF_ERROR(CheckBias(ctx, output_channels));

  const std::array<uint32_t, 2> in_sizes = {in.height, in.width};
  const std::array<uint32_t, 2> filter_sizes = {filter_height, filter_width};
  std::array<uint32_t, 2> out_sizes{};
  for (size_t d = 0; d < 2; ++d) {
    const int64_t numerator = ConvOutputNumerator(in_sizes[d], filter_sizes[d], w.padding[2 * d],
                                                  w.padding[2 * d + 1], w.dilations[d]);
    if (numerator < 0) {
      return ctx.TypeError("the dilated filter ", kSpatialNames[d], " (",
                           EffectiveFilterSize(filter_sizes[d], w.dilations[d]),
                           ") exceeds the padded input ", kSpatialNames[d], " (",
                           int64_t{in_sizes[d]} + w.padding[2 * d] + w.padding[2 * d + 1], ")");
    }
    const int64_t size = numerator / w.strides[d] + 1;
    if (!IsValidDimension(size)) {
      return ctx.TypeError("output ", kSpatialNames[d], " (", size, ") is not a valid dimension");
    }
    out_sizes[d] = static_cast<uint32_t>(size);
  }
  return OutputDescriptors{
      {input.dataType,
       MakeOutputShape(a.inputLayout, in.batches, output_channels, out_sizes[0], out_sizes[1])}};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-convtranspose2d
Result<OutputDescriptors> ValidateConvTranspose2d(const OpValidationContext& ctx,
                                                  const ConvTranspose2dAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  const OperandDescriptor& filter = ctx.input(1);
  WEBNN_ASSIGN_OR_RETURN(WindowOptions w,
                         ParseWindowOptions(ctx, a.padding, a.strides, a.dilations));
  WEBNN_ASSIGN_OR_RETURN(auto output_padding,
                         ListOption<2>(ctx, a.outputPadding, {0, 0}, "outputPadding",
                                       /*nonzero=*/false));
  if (a.outputSizes) {
    if (a.outputSizes->size() != 2) {
      return ctx.TypeError("outputSizes: expected 2 values, got ", a.outputSizes->size());
    }
  } else {
    for (size_t d = 0; d < 2; ++d) {
      if (output_padding[d] >= w.strides[d]) {
        return ctx.TypeError("outputPadding[", d, "]: ", output_padding[d],
                             " must be less than strides[", d, "] (", w.strides[d], ")");
      }
    }
  }
  if (a.groups == 0) return ctx.TypeError("groups: must be greater than 0");

  const Spatial in = SplitInputShape(input, a.inputLayout);
  const auto& f = filter.shape;
  uint32_t filter_input_channels = 0, filter_output_channels = 0, filter_height = 0,
           filter_width = 0;
  switch (a.filterLayout) {
    case ConvTranspose2dFilterOperandLayout::kIohw:
      filter_input_channels = f[0], filter_output_channels = f[1], filter_height = f[2],
      filter_width = f[3];
      break;
    case ConvTranspose2dFilterOperandLayout::kHwoi:
      filter_height = f[0], filter_width = f[1], filter_output_channels = f[2],
      filter_input_channels = f[3];
      break;
    case ConvTranspose2dFilterOperandLayout::kOhwi:
      filter_output_channels = f[0], filter_height = f[1], filter_width = f[2],
      filter_input_channels = f[3];
      break;
  }
  if (in.channels != filter_input_channels) {
    return ctx.TypeError("filter: input channels (", filter_input_channels, ", layout ",
                         EnumName(a.filterLayout), ") must equal the input channels (", in.channels,
                         ")");
  }
  // Not a step of the spec, but each group reads inputChannels / groups channels: without this
  // the operation is undefined (Chromium checks it too).
  if (in.channels % a.groups != 0) {
    return ctx.TypeError("input channels (", in.channels, ") must be divisible by groups (",
                         a.groups, ")");
  }
  const int64_t output_channels = int64_t{filter_output_channels} * a.groups;
  if (!IsValidDimension(output_channels)) {
    return ctx.TypeError("output channels (filter output channels ", filter_output_channels,
                         " * groups ", a.groups, " = ", output_channels,
                         ") is not a valid dimension");
  }
  WEBNN_RETURN_IF_ERROR(CheckBias(ctx, static_cast<uint32_t>(output_channels)));

  const std::array<uint32_t, 2> in_sizes = {in.height, in.width};
  const std::array<uint32_t, 2> filter_sizes = {filter_height, filter_width};
  std::array<uint32_t, 2> out_sizes{};
  for (size_t d = 0; d < 2; ++d) {
    // https://www.w3.org/TR/webnn/#mlgraphbuilder-calculate-convtranspose-output-size
    const int64_t calculated = (int64_t{in_sizes[d]} - 1) * w.strides[d] +
                               EffectiveFilterSize(filter_sizes[d], w.dilations[d]) -
                               w.padding[2 * d] - w.padding[2 * d + 1];
    int64_t size = 0;
    if (a.outputSizes) {
      size = (*a.outputSizes)[d];
      if (size < calculated || size >= calculated + w.strides[d]) {
        return ctx.TypeError("outputSizes[", d, "]: ", size, " must be in [", calculated, ", ",
                             calculated + w.strides[d], ") (the calculated output ",
                             kSpatialNames[d], " plus less than one stride)");
      }
    } else {
      size = calculated + output_padding[d];
    }
    if (!IsValidDimension(size)) {
      return ctx.TypeError("output ", kSpatialNames[d], " (", size, ") is not a valid dimension");
    }
    out_sizes[d] = static_cast<uint32_t>(size);
  }
  return OutputDescriptors{{input.dataType, MakeOutputShape(a.inputLayout, in.batches,
                                                            static_cast<uint32_t>(output_channels),
                                                            out_sizes[0], out_sizes[1])}};
}

namespace {

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-pool2d
// Two steps of the spec's "create a pooling operation" are not followed, as wpt and Chromium
// do not: "if outputSizes exists, set padding to « 0, 0, 0, 0 »" and "outputSizes items must
// be smaller than strides" (wpt's "outputSizes ignores roundingType" cases use padding
// [1, 0, 0, 1], strides [2, 2] and outputSizes [3, 3], which both steps would reject).
Result<OutputDescriptors> ValidatePool2d(const OpValidationContext& ctx, const Pool2dAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  const Spatial in = SplitInputShape(input, a.layout);
  WEBNN_ASSIGN_OR_RETURN(auto window, ListOption<2>(ctx, a.windowDimensions, {in.height, in.width},
                                                    "windowDimensions", /*nonzero=*/true));
  WEBNN_ASSIGN_OR_RETURN(WindowOptions w,
                         ParseWindowOptions(ctx, a.padding, a.strides, a.dilations));
  if (a.outputSizes && a.outputSizes->size() != 2) {
    return ctx.TypeError("outputSizes: expected 2 values, got ", a.outputSizes->size());
  }
  const std::array<uint32_t, 2> in_sizes = {in.height, in.width};
  std::array<int64_t, 2> floor_sizes{}, ceil_sizes{};
  for (size_t d = 0; d < 2; ++d) {
    const int64_t numerator = ConvOutputNumerator(in_sizes[d], window[d], w.padding[2 * d],
                                                  w.padding[2 * d + 1], w.dilations[d]);
    floor_sizes[d] = FloorDiv(numerator, w.strides[d]) + 1;
    ceil_sizes[d] = CeilDiv(numerator, w.strides[d]) + 1;
  }
  std::array<int64_t, 2> out_sizes{};
  if (a.outputSizes) {
    const int64_t oh = (*a.outputSizes)[0], ow = (*a.outputSizes)[1];
    const bool is_floor = oh == floor_sizes[0] && ow == floor_sizes[1];
    const bool is_ceil = oh == ceil_sizes[0] && ow == ceil_sizes[1];
    if (!is_floor && !is_ceil) {
      return ctx.TypeError("outputSizes: [", oh, ", ", ow, "] must be [", floor_sizes[0], ", ",
                           floor_sizes[1], "] (rounded down) or [", ceil_sizes[0], ", ",
                           ceil_sizes[1], "] (rounded up)");
    }
    out_sizes = {oh, ow};
  } else {
    out_sizes = a.outputShapeRounding == RoundingType::kFloor ? floor_sizes : ceil_sizes;
  }
  for (size_t d = 0; d < 2; ++d) {
    if (!IsValidDimension(out_sizes[d])) {
      return ctx.TypeError("output ", kSpatialNames[d], " (", out_sizes[d],
                           ") is not a valid dimension (window ", kSpatialNames[d], " ", window[d],
                           ", dilation ", w.dilations[d], ", input ", kSpatialNames[d], " ",
                           in_sizes[d], ", padding ", w.padding[2 * d], " + ", w.padding[2 * d + 1],
                           ")");
    }
  }
  return OutputDescriptors{{input.dataType, MakeOutputShape(a.layout, in.batches, in.channels,
                                                            static_cast<uint32_t>(out_sizes[0]),
                                                            static_cast<uint32_t>(out_sizes[1]))}};
}

}  // namespace

Result<OutputDescriptors> ValidateAveragePool2d(const OpValidationContext& ctx,
                                                const Pool2dAttrs& a) {
  return ValidatePool2d(ctx, a);
}
Result<OutputDescriptors> ValidateL2Pool2d(const OpValidationContext& ctx, const Pool2dAttrs& a) {
  return ValidatePool2d(ctx, a);
}
Result<OutputDescriptors> ValidateMaxPool2d(const OpValidationContext& ctx, const Pool2dAttrs& a) {
  return ValidatePool2d(ctx, a);
}

}  // namespace webnn
