// Reference kernels of conv2d and convTranspose2d (float32, float16).
//
// Both convert the input to nchw and the filter to one canonical layout once, accumulate in
// double over the filter window one output plane at a time (so the innermost loop walks a
// row of the input and of the output with precomputed bounds), then add the bias, round once
// to the output type and write the output in the requested layout.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "backend/reference/kernels.h"
#include "backend/reference/tensor_util.h"

namespace webnn::reference {
namespace {

using Perm = std::array<size_t, 4>;

// The elements of a float32/float16 tensor as floats (exact for both).
std::vector<float> LoadFloats(const ConstTensor& t) {
  const size_t n = t.desc->ElementCount();
  std::vector<float> v(n);
  if (t.desc->dataType == DataType::kFloat32) {
    if (n > 0) std::memcpy(v.data(), t.data, n * sizeof(float));
  } else {
    for (size_t i = 0; i < n; ++i) v[i] = HalfToFloat(LoadRaw<uint16_t>(t.data, i));
  }
  return v;
}

// Transposes a 4-D row-major tensor: dimension i of the result is dimension perm[i] of src.
template <typename T>
std::vector<T> Permute4d(const std::vector<T>& src, const std::array<size_t, 4>& shape,
                         const Perm& perm) {
  if (perm == Perm{0, 1, 2, 3}) return src;
  const std::array<size_t, 4> src_strides = {shape[1] * shape[2] * shape[3], shape[2] * shape[3],
                                             shape[3], 1};
  const std::array<size_t, 4> d = {shape[perm[0]], shape[perm[1]], shape[perm[2]], shape[perm[3]]};
  const std::array<size_t, 4> s = {src_strides[perm[0]], src_strides[perm[1]], src_strides[perm[2]],
                                   src_strides[perm[3]]};
  std::vector<T> dst(src.size());
  size_t o = 0;
  for (size_t i0 = 0; i0 < d[0]; ++i0) {
    for (size_t i1 = 0; i1 < d[1]; ++i1) {
      for (size_t i2 = 0; i2 < d[2]; ++i2) {
        const size_t base = i0 * s[0] + i1 * s[1] + i2 * s[2];
        for (size_t i3 = 0; i3 < d[3]; ++i3) dst[o++] = src[base + i3 * s[3]];
      }
    }
  }
  return dst;
}

std::array<size_t, 4> Shape4(const OperandDescriptor& desc) {
  return {desc.shape[0], desc.shape[1], desc.shape[2], desc.shape[3]};
}

// The dims of a tensor after Permute4d(shape, perm).
std::array<size_t, 4> Permuted(const std::array<size_t, 4>& shape, const Perm& perm) {
  return {shape[perm[0]], shape[perm[1]], shape[perm[2]], shape[perm[3]]};
}

// nhwc -> nchw and back.
constexpr Perm kNhwcToNchw = {0, 3, 1, 2};
constexpr Perm kNchwToNhwc = {0, 2, 3, 1};

// floor(a / b) and ceil(a / b) for b > 0 and any sign of a.
int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t CeilDiv(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -(-a / b); }

// The range [lo, hi) of i in [0, count) for which i * stride + offset lies in [0, size).
struct Range {
  int64_t lo, hi;
};
Range ValidRange(int64_t count, int64_t stride, int64_t offset, int64_t size) {
  const int64_t lo = std::max<int64_t>(0, CeilDiv(-offset, stride));
  const int64_t hi = std::min<int64_t>(count, FloorDiv(size - 1 - offset, stride) + 1);
  return {lo, std::max(lo, hi)};
}

uint32_t OptionAt(const std::optional<UintList>& list, size_t i, uint32_t fallback) {
  return list ? (*list)[i] : fallback;
}

struct Window {
  int64_t pad_top, pad_left, stride_h, stride_w, dilation_h, dilation_w;
};

Window MakeWindow(const std::optional<UintList>& padding, const std::optional<UintList>& strides,
                  const std::optional<UintList>& dilations) {
  return {OptionAt(padding, 0, 0), OptionAt(padding, 2, 0),   OptionAt(strides, 0, 1),
          OptionAt(strides, 1, 1), OptionAt(dilations, 0, 1), OptionAt(dilations, 1, 1)};
}

// Adds the bias (per channel of the nchw result), then writes `y` (nchw, dims `dims`) to the
// output in `layout`, rounding once to the output type.
void StoreResult(std::vector<double>& y, const std::array<size_t, 4>& dims, const ConstTensor* bias,
                 InputOperandLayout layout, const MutableTensor& output) {
  if (bias && bias->present()) {
    const std::vector<float> b = LoadFloats(*bias);
    const size_t plane = dims[2] * dims[3];
    for (size_t n = 0; n < dims[0]; ++n) {
      for (size_t c = 0; c < dims[1]; ++c) {
        double* p = y.data() + (n * dims[1] + c) * plane;
        for (size_t i = 0; i < plane; ++i) p[i] += b[c];
      }
    }
  }
  if (layout == InputOperandLayout::kNhwc) y = Permute4d(y, dims, kNchwToNhwc);
  const DataType type = output.desc->dataType;
  for (size_t i = 0; i < y.size(); ++i) StoreFromDouble(type, output.data, i, y[i]);
}

const ConstTensor* OptionalInput(const KernelArgs& args, size_t slot) {
  return slot < args.inputs.size() && args.inputs[slot].present() ? &args.inputs[slot] : nullptr;
}

}  // namespace

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-conv2d
// y[n, o, oh, ow] = bias[o] + sum over i in o's group, kh, kw of
//   x[n, i, oh * strideH + kh * dilationH - padTop, ow * strideW + kw * dilationW - padLeft]
//   * filter[o, i - groupStart, kh, kw]       (out-of-range input positions are the padding, 0)
Status ComputeConv2d(const KernelArgs& args, const Conv2dAttrs& a) {
  const ConstTensor& input = args.inputs[0];
  const ConstTensor& filter = args.inputs[1];
  const MutableTensor& output = args.outputs[0];

  const Perm input_perm =
      a.inputLayout == InputOperandLayout::kNhwc ? kNhwcToNchw : Perm{0, 1, 2, 3};
  Perm filter_perm = {0, 1, 2, 3};  // to oihw
  switch (a.filterLayout) {
    case Conv2dFilterOperandLayout::kOihw:
      break;
    case Conv2dFilterOperandLayout::kHwio:
      filter_perm = {3, 2, 0, 1};
      break;
    case Conv2dFilterOperandLayout::kOhwi:
      filter_perm = {0, 3, 1, 2};
      break;
    case Conv2dFilterOperandLayout::kIhwo:
      filter_perm = {3, 0, 1, 2};
      break;
  }
  const std::vector<float> x = Permute4d(LoadFloats(input), Shape4(*input.desc), input_perm);
  const std::vector<float> w = Permute4d(LoadFloats(filter), Shape4(*filter.desc), filter_perm);
  const auto [batches, in_channels, in_h, in_w] = Permuted(Shape4(*input.desc), input_perm);
  const auto [out_channels, group_in_channels, kernel_h, kernel_w] =
      Permuted(Shape4(*filter.desc), filter_perm);
  const std::array<size_t, 4> out_dims = Permuted(Shape4(*output.desc), input_perm);
  const size_t out_h = out_dims[2], out_w = out_dims[3];
  const size_t groups = a.groups;
  const size_t group_out_channels = out_channels / groups;
  const Window win = MakeWindow(a.padding, a.strides, a.dilations);

  // Valid output rows/columns of each filter row/column (the rest read padding).
  std::vector<Range> rows(kernel_h), cols(kernel_w);
  for (size_t kh = 0; kh < kernel_h; ++kh) {
    rows[kh] = ValidRange(static_cast<int64_t>(out_h), win.stride_h,
                          static_cast<int64_t>(kh) * win.dilation_h - win.pad_top,
                          static_cast<int64_t>(in_h));
  }
  for (size_t kw = 0; kw < kernel_w; ++kw) {
    cols[kw] = ValidRange(static_cast<int64_t>(out_w), win.stride_w,
                          static_cast<int64_t>(kw) * win.dilation_w - win.pad_left,
                          static_cast<int64_t>(in_w));
  }

  std::vector<double> y(batches * out_channels * out_h * out_w, 0.0);
  const size_t in_plane = in_h * in_w, out_plane = out_h * out_w;
  for (size_t n = 0; n < batches; ++n) {
    for (size_t o = 0; o < out_channels; ++o) {
      const size_t group = o / group_out_channels;
      double* y_plane = y.data() + (n * out_channels + o) * out_plane;
      for (size_t gi = 0; gi < group_in_channels; ++gi) {
        const size_t i = group * group_in_channels + gi;
        const float* x_plane = x.data() + (n * in_channels + i) * in_plane;
        const float* w_kernel = w.data() + (o * group_in_channels + gi) * kernel_h * kernel_w;
        for (size_t kh = 0; kh < kernel_h; ++kh) {
          const int64_t row_offset = static_cast<int64_t>(kh) * win.dilation_h - win.pad_top;
          for (size_t kw = 0; kw < kernel_w; ++kw) {
            const double weight = w_kernel[kh * kernel_w + kw];
            const int64_t col_offset = static_cast<int64_t>(kw) * win.dilation_w - win.pad_left;
            for (int64_t oh = rows[kh].lo; oh < rows[kh].hi; ++oh) {
              const float* x_row = x_plane + (oh * win.stride_h + row_offset) * in_w;
              double* y_row = y_plane + oh * out_w;
              for (int64_t ow = cols[kw].lo; ow < cols[kw].hi; ++ow) {
                y_row[ow] += weight * x_row[ow * win.stride_w + col_offset];
              }
            }
          }
        }
      }
    }
  }
  StoreResult(y, out_dims, OptionalInput(args, 2), a.inputLayout, output);
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-convtranspose2d
// Every input element scatters into the output through the filter:
// y[n, o, ih * strideH + kh * dilationH - padTop, iw * strideW + kw * dilationW - padLeft]
//   += x[n, i, ih, iw] * filter[i, o - groupStart, kh, kw]    for i in o's group,
// positions outside the output (cropped by padding, or not reached) are dropped; the output
// rows/columns added by outputPadding/outputSizes that no input reaches hold only the bias.
Status ComputeConvTranspose2d(const KernelArgs& args, const ConvTranspose2dAttrs& a) {
  const ConstTensor& input = args.inputs[0];
  const ConstTensor& filter = args.inputs[1];
  const MutableTensor& output = args.outputs[0];

  const Perm input_perm =
      a.inputLayout == InputOperandLayout::kNhwc ? kNhwcToNchw : Perm{0, 1, 2, 3};
  Perm filter_perm = {0, 1, 2, 3};  // to iohw
  switch (a.filterLayout) {
    case ConvTranspose2dFilterOperandLayout::kIohw:
      break;
    case ConvTranspose2dFilterOperandLayout::kHwoi:
      filter_perm = {3, 2, 0, 1};
      break;
    case ConvTranspose2dFilterOperandLayout::kOhwi:
      filter_perm = {3, 0, 1, 2};
      break;
  }
  const std::vector<float> x = Permute4d(LoadFloats(input), Shape4(*input.desc), input_perm);
  const std::vector<float> w = Permute4d(LoadFloats(filter), Shape4(*filter.desc), filter_perm);
  const auto [batches, in_channels, in_h, in_w] = Permuted(Shape4(*input.desc), input_perm);
  // The filter's input channels equal the input's (validated).
  [[maybe_unused]] const auto [filter_in_channels, group_out_channels, kernel_h, kernel_w] =
      Permuted(Shape4(*filter.desc), filter_perm);
  const std::array<size_t, 4> out_dims = Permuted(Shape4(*output.desc), input_perm);
  const size_t out_channels = out_dims[1], out_h = out_dims[2], out_w = out_dims[3];
  const size_t groups = a.groups;
  const size_t group_in_channels = in_channels / groups;
  const Window win = MakeWindow(a.padding, a.strides, a.dilations);

  // Input rows/columns that land inside the output for each filter row/column.
  std::vector<Range> rows(kernel_h), cols(kernel_w);
  for (size_t kh = 0; kh < kernel_h; ++kh) {
    rows[kh] = ValidRange(static_cast<int64_t>(in_h), win.stride_h,
                          static_cast<int64_t>(kh) * win.dilation_h - win.pad_top,
                          static_cast<int64_t>(out_h));
  }
  for (size_t kw = 0; kw < kernel_w; ++kw) {
    cols[kw] = ValidRange(static_cast<int64_t>(in_w), win.stride_w,
                          static_cast<int64_t>(kw) * win.dilation_w - win.pad_left,
                          static_cast<int64_t>(out_w));
  }

  std::vector<double> y(batches * out_channels * out_h * out_w, 0.0);
  const size_t in_plane = in_h * in_w, out_plane = out_h * out_w;
  for (size_t n = 0; n < batches; ++n) {
    for (size_t o = 0; o < out_channels; ++o) {
      const size_t group = o / group_out_channels;
      const size_t go = o % group_out_channels;
      double* y_plane = y.data() + (n * out_channels + o) * out_plane;
      for (size_t gi = 0; gi < group_in_channels; ++gi) {
        const size_t i = group * group_in_channels + gi;
        const float* x_plane = x.data() + (n * in_channels + i) * in_plane;
        const float* w_kernel = w.data() + (i * group_out_channels + go) * kernel_h * kernel_w;
        for (size_t kh = 0; kh < kernel_h; ++kh) {
          const int64_t row_offset = static_cast<int64_t>(kh) * win.dilation_h - win.pad_top;
          for (size_t kw = 0; kw < kernel_w; ++kw) {
            const double weight = w_kernel[kh * kernel_w + kw];
            const int64_t col_offset = static_cast<int64_t>(kw) * win.dilation_w - win.pad_left;
            for (int64_t ih = rows[kh].lo; ih < rows[kh].hi; ++ih) {
              const float* x_row = x_plane + ih * in_w;
              double* y_row = y_plane + (ih * win.stride_h + row_offset) * out_w;
              for (int64_t iw = cols[kw].lo; iw < cols[kw].hi; ++iw) {
                y_row[iw * win.stride_w + col_offset] += weight * x_row[iw];
              }
            }
          }
        }
      }
    }
  }
  StoreResult(y, out_dims, OptionalInput(args, 2), a.inputLayout, output);
  return {};
}

}  // namespace webnn::reference
