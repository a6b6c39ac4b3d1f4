// Reference kernels of the pooling operators (averagePool2d, l2Pool2d: float32, float16;
// maxPool2d: every data type).
//
// The input is read once into a vector of the computation type (double for floating point,
// exact int64/uint64 for integers); the layout is handled with per-dimension strides, and the
// window of each output row/column is precomputed as the list of input rows/columns it
// covers. Padding positions are left out: the average divides by the number of input
// elements inside the window (as wpt expects), l2 sums their squares, max ignores them.
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

#include "backend/reference/kernels.h"
#include "backend/reference/tensor_util.h"

namespace webnn::reference {
namespace {

uint32_t OptionAt(const std::optional<UintList>& list, size_t i, uint32_t fallback) {
  return list ? (*list)[i] : fallback;
}

// The offsets (in elements) of the input rows or columns inside the window of each output
// row or column: window position k of output o is o * stride + k * dilation - padding.
std::vector<std::vector<size_t>> WindowOffsets(size_t out_size, size_t in_size, size_t window,
                                               int64_t padding, int64_t stride, int64_t dilation,
                                               size_t element_stride) {
  std::vector<std::vector<size_t>> offsets(out_size);
  for (size_t o = 0; o < out_size; ++o) {
    for (size_t k = 0; k < window; ++k) {
      const int64_t i =
          static_cast<int64_t>(o) * stride + static_cast<int64_t>(k) * dilation - padding;
      if (i >= 0 && i < static_cast<int64_t>(in_size)) {
        offsets[o].push_back(static_cast<size_t>(i) * element_stride);
      }
    }
  }
  return offsets;
}

// Calls fn(out_index, in_base, rows, cols) for every output element: the window's input
// elements are in[in_base + r + c] for r in rows, c in cols (only those inside the input).
template <typename Fn>
void ForEachWindow(const KernelArgs& args, const Pool2dAttrs& a, Fn&& fn) {
  const auto& in_shape = args.inputs[0].desc->shape;
  const auto& out_shape = args.outputs[0].desc->shape;
  const bool nhwc = a.layout == InputOperandLayout::kNhwc;
  // Dimension indices of the logical n, c, h, w in the shapes.
  const size_t dc = nhwc ? 3 : 1, dh = nhwc ? 1 : 2, dw = nhwc ? 2 : 3;
  const std::vector<size_t> in_strides = Strides(in_shape);
  const std::vector<size_t> out_strides = Strides(out_shape);
  const size_t batches = in_shape[0], channels = in_shape[dc];
  const size_t in_h = in_shape[dh], in_w = in_shape[dw];
  const size_t out_h = out_shape[dh], out_w = out_shape[dw];
  const size_t window_h = OptionAt(a.windowDimensions, 0, static_cast<uint32_t>(in_h));
  const size_t window_w = OptionAt(a.windowDimensions, 1, static_cast<uint32_t>(in_w));
  const auto rows =
      WindowOffsets(out_h, in_h, window_h, OptionAt(a.padding, 0, 0), OptionAt(a.strides, 0, 1),
                    OptionAt(a.dilations, 0, 1), in_strides[dh]);
  const auto cols =
      WindowOffsets(out_w, in_w, window_w, OptionAt(a.padding, 2, 0), OptionAt(a.strides, 1, 1),
                    OptionAt(a.dilations, 1, 1), in_strides[dw]);
  for (size_t n = 0; n < batches; ++n) {
    for (size_t c = 0; c < channels; ++c) {
      const size_t in_base = n * in_strides[0] + c * in_strides[dc];
      const size_t out_base = n * out_strides[0] + c * out_strides[dc];
      for (size_t oh = 0; oh < out_h; ++oh) {
        for (size_t ow = 0; ow < out_w; ++ow) {
          fn(out_base + oh * out_strides[dh] + ow * out_strides[dw], in_base, rows[oh], cols[ow]);
        }
      }
    }
  }
}

std::vector<double> LoadDoubles(const ConstTensor& t) {
  std::vector<double> v(t.desc->ElementCount());
  for (size_t i = 0; i < v.size(); ++i) v[i] = LoadAsDouble(t.desc->dataType, t.data, i);
  return v;
}

// averagePool2d (kL2 = false) and l2Pool2d (kL2 = true).
template <bool kL2>
Status SumPool(const KernelArgs& args, const Pool2dAttrs& a) {
  const std::vector<double> x = LoadDoubles(args.inputs[0]);
  const MutableTensor& output = args.outputs[0];
  ForEachWindow(args, a,
                [&](size_t out_index, size_t base, const std::vector<size_t>& rows,
                    const std::vector<size_t>& cols) {
                  double sum = 0;
                  for (size_t r : rows) {
                    for (size_t c : cols) {
                      const double v = x[base + r + c];
                      sum += kL2 ? v * v : v;
                    }
                  }
                  // A window entirely in the padding (possible with large padding or "ceil"
                  // rounding) has no elements: its sum, 0, is the result. TODO(spec): the spec does
                  // not say.
                  const size_t count = rows.size() * cols.size();
                  const double result = kL2 ? std::sqrt(sum) : (count == 0 ? 0.0 : sum / count);
                  StoreFromDouble(output.desc->dataType, output.data, out_index, result);
                });
  return {};
}

template <typename V>
bool IsNan(V v) {
  if constexpr (std::is_floating_point_v<V>) {
    return std::isnan(v);
  } else {
    return false;
  }
}

// maxPool2d over values of type V (double, int64_t or uint64_t); `empty` is the result of a
// window entirely in the padding (the lowest value of the type). NaN propagates.
template <typename V, typename Store>
void MaxPool(const KernelArgs& args, const Pool2dAttrs& a, const std::vector<V>& x, V empty,
             Store&& store) {
  ForEachWindow(args, a,
                [&](size_t out_index, size_t base, const std::vector<size_t>& rows,
                    const std::vector<size_t>& cols) {
                  V result = empty;
                  bool first = true;
                  for (size_t r : rows) {
                    for (size_t c : cols) {
                      const V v = x[base + r + c];
                      // Once the result is NaN, v > NaN is false: it stays NaN.
                      if (first || v > result || IsNan(v)) result = v;
                      first = false;
                    }
                  }
                  store(out_index, result);
                });
}

// The smallest value of an integer data type, as an int64.
int64_t IntTypeMin(DataType t) {
  switch (t) {
    case DataType::kInt32:
      return std::numeric_limits<int32_t>::min();
    case DataType::kInt64:
      return std::numeric_limits<int64_t>::min();
    case DataType::kInt8:
      return std::numeric_limits<int8_t>::min();
    case DataType::kInt4:
      return -8;
    default:  // unsigned types
      return 0;
  }
}

}  // namespace

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-pool2d-average
Status ComputeAveragePool2d(const KernelArgs& args, const Pool2dAttrs& a) {
  return SumPool</*kL2=*/false>(args, a);
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-pool2d-l2
Status ComputeL2Pool2d(const KernelArgs& args, const Pool2dAttrs& a) {
  return SumPool</*kL2=*/true>(args, a);
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-pool2d-max
Status ComputeMaxPool2d(const KernelArgs& args, const Pool2dAttrs& a) {
  const ConstTensor& input = args.inputs[0];
  const MutableTensor& output = args.outputs[0];
  const DataType type = input.desc->dataType;
  const size_t n = input.desc->ElementCount();
  if (IsFloatingPoint(type)) {
    MaxPool<double>(args, a, LoadDoubles(input), -std::numeric_limits<double>::infinity(),
                    [&](size_t i, double v) { StoreFromDouble(type, output.data, i, v); });
  } else if (type == DataType::kUint64) {
    std::vector<uint64_t> x(n);
    for (size_t i = 0; i < n; ++i) x[i] = LoadAsUint64(type, input.data, i);
    MaxPool<uint64_t>(args, a, x, 0, [&](size_t i, uint64_t v) {
      StoreFromInt64(type, output.data, i, static_cast<int64_t>(v));  // same bits
    });
  } else {
    std::vector<int64_t> x(n);
    for (size_t i = 0; i < n; ++i) x[i] = LoadAsInt64(type, input.data, i);
    MaxPool<int64_t>(args, a, x, IntTypeMin(type),
                     [&](size_t i, int64_t v) { StoreFromInt64(type, output.data, i, v); });
  }
  return {};
}

}  // namespace webnn::reference
