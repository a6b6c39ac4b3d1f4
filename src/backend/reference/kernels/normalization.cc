// Reference kernels of batchNormalization, instanceNormalization and layerNormalization.
// Computed in double and rounded once on store. epsilon is first cast to the input's data type,
// as the spec's method steps do.
#include <cmath>
#include <cstdint>
#include <vector>

#include "backend/reference/kernels.h"
#include "backend/reference/tensor_util.h"

namespace webnn::reference {
namespace {

// Element offsets of every coordinate over the dimensions `dims` of `shape`, enumerated in
// row-major order of `dims` as listed (the first one varies slowest); the other dimensions are
// held at 0. With no dims: the single offset 0.
// TODO: shared with reference/reduce.cc; move to tensor_util.h.
std::vector<size_t> OffsetsOver(const std::vector<uint32_t>& shape,
                                const std::vector<uint32_t>& dims) {
  const std::vector<size_t> strides = Strides(shape);
  std::vector<size_t> offsets = {0};
  for (uint32_t d : dims) {
    std::vector<size_t> next;
    next.reserve(offsets.size() * shape[d]);
    for (size_t base : offsets) {
      for (uint32_t i = 0; i < shape[d]; ++i) next.push_back(base + i * strides[d]);
    }
    offsets = std::move(next);
  }
  return offsets;
}

// The dimensions of a rank-`rank` shape that are not in `axes`, in increasing order.
std::vector<uint32_t> OtherDims(size_t rank, const std::vector<uint32_t>& axes) {
  std::vector<bool> in_axes(rank, false);
  for (uint32_t axis : axes) in_axes[axis] = true;
  std::vector<uint32_t> others;
  for (uint32_t d = 0; d < rank; ++d) {
    if (!in_axes[d]) others.push_back(d);
  }
  return others;
}

// "Set options.epsilon to the result of casting options.epsilon to input's dataType."
double CastEpsilon(DataType t, double epsilon) {
  if (t == DataType::kFloat16) return HalfToFloat(FloatToHalf(static_cast<float>(epsilon)));
  return static_cast<float>(epsilon);
}

// Element i of an optional operand, or `absent` when it is not given.
double OptionalValue(const ConstTensor& tensor, size_t i, double absent) {
  return tensor.present() ? LoadAsDouble(tensor.desc->dataType, tensor.data, i) : absent;
}

Status CheckAxesInRange(std::string_view op, const std::vector<uint32_t>& axes, size_t rank) {
  for (uint32_t axis : axes) {
    if (axis >= rank) {
      return MakeError(ErrorCode::kOperationError, op, ": axis ", axis,
                       " is out of range for rank ", rank);
    }
  }
  return {};
}

// Normalizes each group of input elements outer[o] + inner[k] (k over the reduced axes) by its
// own mean and variance: out = scale * (x - mean) / sqrt(variance + epsilon) + bias, with the
// population variance. scale/bias element for (o, k) is given by `param_index(o, k)`.
template <typename ParamIndex>
void NormalizeGroups(const ConstTensor& input, const MutableTensor& output,
                     const std::vector<size_t>& outer, const std::vector<size_t>& inner,
                     const ConstTensor& scale, const ConstTensor& bias, double epsilon,
                     ParamIndex param_index) {
  const DataType t = input.desc->dataType;
  const double n = static_cast<double>(inner.size());
  std::vector<double> values(inner.size());
  for (size_t o = 0; o < outer.size(); ++o) {
    double sum = 0;
    for (size_t k = 0; k < inner.size(); ++k) {
      values[k] = LoadAsDouble(t, input.data, outer[o] + inner[k]);
      sum += values[k];
    }
    const double mean = sum / n;
    double squares = 0;
    for (double v : values) squares += (v - mean) * (v - mean);
    const double inv_std = 1.0 / std::sqrt(squares / n + epsilon);
    for (size_t k = 0; k < inner.size(); ++k) {
      const size_t p = param_index(o, k);
      const double y =
          OptionalValue(scale, p, 1.0) * (values[k] - mean) * inv_std + OptionalValue(bias, p, 0.0);
      StoreFromDouble(t, output.data, outer[o] + inner[k], y);
    }
  }
}

}  // namespace

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-batchnorm
// out = scale[c] * (x - mean[c]) / sqrt(variance[c] + epsilon) + bias[c], c = x's index at axis.
Status ComputeBatchNormalization(const KernelArgs& args, const BatchNormalizationAttrs& a) {
  const ConstTensor& input = args.inputs[0];
  const ConstTensor& mean = args.inputs[1];
  const ConstTensor& variance = args.inputs[2];
  const ConstTensor& scale = args.inputs[3];
  const ConstTensor& bias = args.inputs[4];
  const MutableTensor& output = args.outputs[0];
  const DataType t = input.desc->dataType;
  WEBNN_RETURN_IF_ERROR(CheckAxesInRange("batchNormalization", {a.axis}, input.desc->rank()));
  const double epsilon = CastEpsilon(t, a.epsilon);
  const size_t stride = Strides(input.desc->shape)[a.axis];
  const size_t channels = input.desc->shape[a.axis];
  const size_t count = ElementCount(input.desc->shape);
  for (size_t i = 0; i < count; ++i) {
    const size_t c = (i / stride) % channels;
    const double x = LoadAsDouble(t, input.data, i);
    const double m = LoadAsDouble(t, mean.data, c);
    const double v = LoadAsDouble(t, variance.data, c);
    const double y = OptionalValue(scale, c, 1.0) * (x - m) / std::sqrt(v + epsilon) +
                     OptionalValue(bias, c, 0.0);
    StoreFromDouble(t, output.data, i, y);
  }
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-instancenorm
// Mean and variance over the spatial dimensions of each (batch, channel); scale and bias per
// channel.
Status ComputeInstanceNormalization(const KernelArgs& args, const InstanceNormalizationAttrs& a) {
  const ConstTensor& input = args.inputs[0];
  const std::vector<uint32_t>& shape = input.desc->shape;  // 4-D
  const bool nchw = a.layout == InputOperandLayout::kNchw;
  const uint32_t channel_axis = nchw ? 1 : 3;
  const std::vector<uint32_t> spatial =
      nchw ? std::vector<uint32_t>{2, 3} : std::vector<uint32_t>{1, 2};
  WEBNN_RETURN_IF_ERROR(CheckAxesInRange("instanceNormalization", {channel_axis}, shape.size()));
  const std::vector<size_t> outer = OffsetsOver(shape, OtherDims(shape.size(), spatial));
  const std::vector<size_t> inner = OffsetsOver(shape, spatial);
  const size_t channel_stride = Strides(shape)[channel_axis];
  const size_t channels = shape[channel_axis];
  NormalizeGroups(input, args.outputs[0], outer, inner, args.inputs[1], args.inputs[2],
                  CastEpsilon(input.desc->dataType, a.epsilon),
                  [&](size_t o, size_t) { return (outer[o] / channel_stride) % channels; });
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-layernorm
// Mean and variance over `axes` (default [1, rank)); scale and bias have the input's sizes at
// `axes`, in the order of `axes`, so the k-th element of a group (enumerated in that order) uses
// their element k.
Status ComputeLayerNormalization(const KernelArgs& args, const LayerNormalizationAttrs& a) {
  const ConstTensor& input = args.inputs[0];
  const std::vector<uint32_t>& shape = input.desc->shape;
  std::vector<uint32_t> axes;
  if (a.axes) {
    axes = *a.axes;
  } else {
    for (uint32_t d = 1; d < shape.size(); ++d) axes.push_back(d);
  }
  WEBNN_RETURN_IF_ERROR(CheckAxesInRange("layerNormalization", axes, shape.size()));
  const std::vector<size_t> outer = OffsetsOver(shape, OtherDims(shape.size(), axes));
  const std::vector<size_t> inner = OffsetsOver(shape, axes);
  NormalizeGroups(input, args.outputs[0], outer, inner, args.inputs[1], args.inputs[2],
                  CastEpsilon(input.desc->dataType, a.epsilon), [](size_t, size_t k) { return k; });
  return {};
}

}  // namespace webnn::reference
