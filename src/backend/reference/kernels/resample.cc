// Reference kernel of resample2d (float32, float16, uint8, int8).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "backend/reference/kernels.h"
#include "backend/reference/tensor_util.h"

namespace webnn::reference {
namespace {

// For one output coordinate along one dimension: the two input positions to blend (as element
// offsets) and the weight of the second.
struct Tap {
  size_t offset0 = 0, offset1 = 0;
  double t = 0;
};

// a * (1 - t) + b * t, exactly a when t == 0 (so an infinite b does not make a NaN).
double Lerp(double a, double b, double t) { return t == 0 ? a : a * (1 - t) + b * t; }

}  // namespace

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-resample2d-method
// Along each resampled axis, with scale = outputSize / inputSize (the output size comes from
// `sizes` or from floor(inputSize * scales[i])):
//   inputCoordinate = clamp((outputCoordinate + 0.5) / scale - 0.5, 0, inputSize - 1)
// nearest-neighbor reads input at ceil(inputCoordinate - 0.5) (halves round down); linear
// blends floor() and ceil() of the coordinate on both axes (bilinear). Integer outputs of
// linear interpolation round to the nearest integer (ties to even).
Status ComputeResample2d(const KernelArgs& args, const Resample2dAttrs& a) {
  const ConstTensor& input = args.inputs[0];
  const MutableTensor& output = args.outputs[0];
  const auto& in_shape = input.desc->shape;
  const auto& out_shape = output.desc->shape;
  const std::vector<size_t> in_strides = Strides(in_shape);
  const bool linear = a.mode == InterpolationMode::kLinear;

  // Taps per dimension; a dimension that is not resampled maps each coordinate to itself.
  std::array<std::vector<Tap>, 4> taps;
  for (size_t d = 0; d < 4; ++d) {
    taps[d].resize(out_shape[d]);
    for (size_t o = 0; o < out_shape[d]; ++o) {
      taps[d][o] = {o * in_strides[d], o * in_strides[d], 0.0};
    }
  }
  const UintList axes = a.axes.value_or(UintList{2, 3});
  for (uint32_t d : axes) {
    const double in_size = in_shape[d], out_size = out_shape[d];
    for (size_t o = 0; o < out_shape[d]; ++o) {
      // (o + 0.5) / (out / in) - 0.5, written to divide once.
      const double unclamped = (static_cast<double>(o) + 0.5) * in_size / out_size - 0.5;
      const double coordinate = std::clamp(unclamped, 0.0, in_size - 1);
      Tap& tap = taps[d][o];
      if (linear) {
        const double lo = std::floor(coordinate);
        tap.offset0 = static_cast<size_t>(lo) * in_strides[d];
        tap.offset1 = static_cast<size_t>(std::ceil(coordinate)) * in_strides[d];
        tap.t = coordinate - lo;
      } else {
        tap.offset0 = tap.offset1 =
            static_cast<size_t>(std::ceil(coordinate - 0.5)) * in_strides[d];
      }
    }
  }

  std::vector<double> x(input.desc->ElementCount());
  for (size_t i = 0; i < x.size(); ++i) x[i] = LoadAsDouble(input.desc->dataType, input.data, i);
  const DataType type = output.desc->dataType;
  const bool round = linear && !IsFloatingPoint(type);
  // The two resampled dimensions are blended; the others contribute offset0 (== offset1).
  const size_t da = axes[0], db = axes[1];
  size_t out_index = 0;
  std::array<size_t, 4> o{};
  for (o[0] = 0; o[0] < out_shape[0]; ++o[0]) {
    for (o[1] = 0; o[1] < out_shape[1]; ++o[1]) {
      for (o[2] = 0; o[2] < out_shape[2]; ++o[2]) {
        for (o[3] = 0; o[3] < out_shape[3]; ++o[3]) {
          size_t base = 0;
          for (size_t d = 0; d < 4; ++d) {
            if (d != da && d != db) base += taps[d][o[d]].offset0;
          }
          const Tap& ta = taps[da][o[da]];
          const Tap& tb = taps[db][o[db]];
          double v;
          if (linear) {
            const double v0 =
                Lerp(x[base + ta.offset0 + tb.offset0], x[base + ta.offset0 + tb.offset1], tb.t);
            const double v1 = ta.t == 0 ? v0
                                        : Lerp(x[base + ta.offset1 + tb.offset0],
                                               x[base + ta.offset1 + tb.offset1], tb.t);
            v = Lerp(v0, v1, ta.t);
          } else {
            v = x[base + ta.offset0 + tb.offset0];
          }
          StoreFromDouble(type, output.data, out_index++, round ? std::nearbyint(v) : v);
        }
      }
    }
  }
  return {};
}

}  // namespace webnn::reference
