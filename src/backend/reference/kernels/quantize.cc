// Reference kernels of quantizeLinear and dequantizeLinear.
//
// scale and zeroPoint are blockwise broadcast to the input: along each dimension d, a block of
// input.shape[d] / scale.shape[d] consecutive input elements shares one scale/zeroPoint element
// (https://www.w3.org/TR/webnn/#blockwise-broadcasting). int4/uint4 tensors are packed two per
// byte, low nibble first, and go through LoadAsInt64/StoreFromInt64.
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "backend/reference/kernels.h"
#include "backend/reference/tensor_util.h"

namespace webnn::reference {
namespace {

// Maps an input element index to the index of its scale/zeroPoint element. A scale of lower
// rank is aligned to the input's trailing dimensions (validation requires equal ranks today;
// this keeps the kernel right if the op table ever allows the older rank-broadcast form).
class BlockwiseIndexer {
 public:
  BlockwiseIndexer(const std::vector<uint32_t>& input_shape,
                   const std::vector<uint32_t>& scale_shape)
      : input_strides_(Strides(input_shape)),
        block_(input_shape.size(), 1),
        scale_strides_(input_shape.size(), 0) {
    const size_t offset = input_shape.size() - scale_shape.size();
    const std::vector<size_t> strides = Strides(scale_shape);
    for (size_t d = 0; d < scale_shape.size(); ++d) {
      block_[offset + d] = input_shape[offset + d] / scale_shape[d];
      scale_strides_[offset + d] = strides[d];
    }
  }

  size_t operator()(size_t input_index) const {
    size_t scale_index = 0;
    for (size_t d = 0; d < input_strides_.size(); ++d) {
      const size_t coord = input_index / input_strides_[d];
      input_index -= coord * input_strides_[d];
      scale_index += coord / block_[d] * scale_strides_[d];
    }
    return scale_index;
  }

 private:
  std::vector<size_t> input_strides_;
  std::vector<size_t> block_;          // input elements per scale element, per dimension
  std::vector<size_t> scale_strides_;  // 0 for dimensions the scale does not have
};

// The integer range of a quantized type.
std::pair<int64_t, int64_t> QuantizedRange(DataType t) {
  switch (t) {
    case DataType::kInt4:
      return {-8, 7};
    case DataType::kUint4:
      return {0, 15};
    case DataType::kInt8:
      return {std::numeric_limits<int8_t>::min(), std::numeric_limits<int8_t>::max()};
    case DataType::kUint8:
      return {0, std::numeric_limits<uint8_t>::max()};
    case DataType::kInt32:
      return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
    case DataType::kUint32:
      return {0, std::numeric_limits<uint32_t>::max()};
    default:  // not a quantized type (the op table excludes it); the int64 range is harmless
      return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  }
}

// Round half to even (the spec's roundEven), independent of the FPU rounding mode.
double RoundHalfToEven(double x) {
  const double floor = std::floor(x);
  const double diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return std::fmod(floor, 2.0) == 0 ? floor : floor + 1;
}

}  // namespace

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-quantizelinear
// output = saturate(roundEven(input / scale) + zeroPoint) to the zeroPoint's type's range.
// The division is done in the input's type, as the spec's emulation does (float16: a float
// division rounded to float16, which equals the correctly rounded float16 quotient). A NaN
// quotient counts as 0 (implementation-defined in the spec), so the output is the zeroPoint.
Status ComputeQuantizeLinear(const KernelArgs& args, const NoAttrs&) {
  const ConstTensor& in = args.inputs[0];
  const ConstTensor& scale = args.inputs[1];
  const ConstTensor& zero_point = args.inputs[2];
  const MutableTensor& out = args.outputs[0];
  const DataType in_type = in.desc->dataType;
  const DataType out_type = out.desc->dataType;
  const auto [lo, hi] = QuantizedRange(out_type);
  const BlockwiseIndexer block(in.desc->shape, scale.desc->shape);
  // Packed int4/uint4 outputs: zero the whole buffer so an odd count's unused nibble is 0.
  if (DataTypeBits(out_type) < 8) std::memset(out.data, 0, out.desc->ByteLength());
  const size_t count = in.desc->ElementCount();
  for (size_t i = 0; i < count; ++i) {
    const size_t b = block(i);
    const float x = static_cast<float>(LoadAsDouble(in_type, in.data, i));
    const float s = static_cast<float>(LoadAsDouble(scale.desc->dataType, scale.data, b));
    float q = x / s;
    if (in_type == DataType::kFloat16) q = HalfToFloat(FloatToHalf(q));
    const double rounded = std::isnan(q) ? 0.0 : RoundHalfToEven(q);
    // Exact: |zeroPoint| < 2^32 and the sum is clamped before any precision matters.
    const double v =
        rounded + static_cast<double>(LoadAsInt64(zero_point.desc->dataType, zero_point.data, b));
    int64_t result;
    if (v <= static_cast<double>(lo)) {
      result = lo;
    } else if (v >= static_cast<double>(hi)) {
      result = hi;
    } else {
      result = static_cast<int64_t>(v);
    }
    StoreFromInt64(out_type, out.data, i, result);
  }
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-dequantizelinear
// output = (input - zeroPoint) * scale: the difference is exact in int64, the product is
// computed in double and rounded once to the output type.
Status ComputeDequantizeLinear(const KernelArgs& args, const NoAttrs&) {
  const ConstTensor& in = args.inputs[0];
  const ConstTensor& scale = args.inputs[1];
  const ConstTensor& zero_point = args.inputs[2];
  const MutableTensor& out = args.outputs[0];
  const BlockwiseIndexer block(in.desc->shape, scale.desc->shape);
  const size_t count = in.desc->ElementCount();
  for (size_t i = 0; i < count; ++i) {
    const size_t b = block(i);
    const int64_t diff = LoadAsInt64(in.desc->dataType, in.data, i) -
                         LoadAsInt64(zero_point.desc->dataType, zero_point.data, b);
    const double s = LoadAsDouble(scale.desc->dataType, scale.data, b);
    StoreFromDouble(out.desc->dataType, out.data, i, static_cast<double>(diff) * s);
  }
  return {};
}

}  // namespace webnn::reference
