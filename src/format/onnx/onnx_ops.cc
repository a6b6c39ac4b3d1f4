// One converter per ONNX op (https://github.com/onnx/onnx/blob/main/docs/Operators.md): the
// WebNN operations that compute it, directly or by a decomposition, and for the ops of
// shape-computing subgraphs a host evaluation when every input is known at import.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "format/onnx/onnx_importer.h"
#include "format/onnx/onnx_model.h"

namespace webnn::format::onnx_import {

namespace {

std::vector<uint32_t> Iota(uint32_t n, uint32_t from = 0) {
  std::vector<uint32_t> v(n);
  std::iota(v.begin(), v.end(), from);
  return v;
}

Result<std::vector<uint32_t>> ToDims(const std::vector<int64_t>& v, std::string_view what) {
  std::vector<uint32_t> out;
  for (int64_t x : v) {
    if (x < 0 || x > std::numeric_limits<int32_t>::max()) {
      return MakeError(ErrorCode::kTypeError, what, ": bad size ", x);
    }
    out.push_back(static_cast<uint32_t>(x));
  }
  return out;
}

MLNumber NumberFor(DataType t, double v) {
  if (IsFloatingPoint(t)) return MLNumber(v);
  return MLNumber::Int(static_cast<int64_t>(v));
}

// SAME_UPPER/SAME_LOWER/VALID/explicit padding of one spatial axis: [begin, end].
struct AutoPad {
  std::string mode;
  std::vector<int64_t> pads;  // ONNX order: all begins, then all ends
};

Result<std::pair<uint32_t, uint32_t>> PadsFor(const AutoPad& p, size_t axis, size_t spatial,
                                              int64_t in, int64_t kernel, int64_t stride,
                                              int64_t dilation) {
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  if (stride <= 0 || dilation <= 0 || kernel <= 0 || stride > kMax || dilation > kMax ||
      kernel > kMax) {
    return MakeError(ErrorCode::kTypeError, "kernel, strides and dilations must be positive");
  }
  if (p.mode == "SAME_UPPER" || p.mode == "SAME_LOWER") {
    const int64_t out = (in + stride - 1) / stride;
    const int64_t total =
        std::max<int64_t>(0, (out - 1) * stride + (kernel - 1) * dilation + 1 - in);
    const int64_t small = total / 2, big = total - small;
    return p.mode == "SAME_UPPER" ? std::pair<uint32_t, uint32_t>(small, big)
                                  : std::pair<uint32_t, uint32_t>(big, small);
  }
  if (p.mode == "VALID" || p.pads.empty()) return std::pair<uint32_t, uint32_t>(0, 0);
  if (p.pads.size() != 2 * spatial) {
    return MakeError(ErrorCode::kTypeError, "pads has ", p.pads.size(), " values, expected ",
                     2 * spatial);
  }
  const int64_t b = p.pads[axis], e = p.pads[axis + spatial];
  if (b < 0 || e < 0) return Unsupported("negative pads");
  return std::pair<uint32_t, uint32_t>(b, e);
}

}  // namespace

// ---- Shared converters --------------------------------------------------------------------------

Status Importer::ReshapeTo(std::vector<uint32_t> shape) {
  if (ElementCountOf(shape) != ElementCountOf(InShape(0))) {
    return MakeError(ErrorCode::kTypeError, "cannot reshape ", ShapeToString(InShape(0)), " to ",
                     ShapeToString(shape));
  }
  if (const Tensor* t = Known(0)) return SetOutput(0, t->Reshaped(std::move(shape)));
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  WEBNN_ASSIGN_OR_RETURN(OperandId y, Reshape(x, std::move(shape)));
  if (y == x) return SetOutputValue(0, In(0));
  return SetOutput(0, y);
}

Status Importer::ElementwiseUnary(OpKind kind) {
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  WEBNN_ASSIGN_OR_RETURN(OperandId y, Unary(kind, x));
  return SetOutput(0, y);
}

Status Importer::ElementwiseBinary(OpKind kind, std::optional<HostBinaryOp> host) {
  if (host && Known(0) && Known(1) && Known(0)->desc.dataType == Known(1)->desc.dataType) {
    if (auto shape = BroadcastShapes(InShape(0), InShape(1))) {
      WEBNN_RETURN_IF_ERROR(CheckFoldSize(*shape, In(0).desc.dataType));
    }
    WEBNN_ASSIGN_OR_RETURN(Tensor t, HostBinary(*host, *Known(0), *Known(1)));
    return SetOutput(0, std::move(t));
  }
  WEBNN_ASSIGN_OR_RETURN(OperandId a, X(0));
  WEBNN_ASSIGN_OR_RETURN(OperandId b, X(1));
  // Pow's exponent may have another type than its base.
  if (kind == OpKind::kPow) {
    WEBNN_ASSIGN_OR_RETURN(b, Cast(b, D(a).dataType));
  }
  WEBNN_ASSIGN_OR_RETURN(OperandId y, Binary(kind, a, b));
  return SetOutput(0, y);
}

Status Importer::Variadic(OpKind kind, std::optional<HostBinaryOp> host, bool mean) {
  if (host && AllKnown() && !mean) {
    Tensor acc = *Known(0);
    for (size_t i = 1; i < InputCount(); ++i) {
      if (auto shape = BroadcastShapes(acc.desc.shape, InShape(i))) {
        WEBNN_RETURN_IF_ERROR(CheckFoldSize(*shape, acc.desc.dataType));
      }
      WEBNN_ASSIGN_OR_RETURN(acc, HostBinary(*host, acc, *Known(i)));
    }
    return SetOutput(0, std::move(acc));
  }
  WEBNN_ASSIGN_OR_RETURN(OperandId acc, X(0));
  for (size_t i = 1; i < InputCount(); ++i) {
    WEBNN_ASSIGN_OR_RETURN(OperandId next, X(i));
    WEBNN_ASSIGN_OR_RETURN(acc, Binary(kind, acc, next));
  }
  if (mean) {
    WEBNN_ASSIGN_OR_RETURN(OperandId n, Scalar(D(acc).dataType, static_cast<double>(InputCount())));
    WEBNN_ASSIGN_OR_RETURN(acc, Binary(OpKind::kDiv, acc, n));
  } else if (InputCount() == 1) {
    WEBNN_ASSIGN_OR_RETURN(acc, Unary(OpKind::kIdentity, acc));
  }
  return SetOutput(0, acc);
}

// ReduceX(data, axes?) with keepdims and noop_with_empty_axes. Axes are an attribute before
// opset 13 (ReduceSum) / 18 (the others), an input after.
Status Importer::Reduce(OpKind kind) {
  std::optional<std::vector<int64_t>> axes = attrs().Ints("axes");
  if (HasInput(1)) {
    WEBNN_ASSIGN_OR_RETURN(std::vector<int64_t> a, NeedInts(1, "axes"));
    axes = a;
  }
  const bool keep = attrs().Int("keepdims", 1) != 0;
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  ReduceAttrs ra;
  ra.keepDimensions = keep;
  if (axes && !axes->empty()) {
    WEBNN_ASSIGN_OR_RETURN(std::vector<uint32_t> a, Axes(*axes, D(x).rank()));
    ra.axes = a;
  } else if (attrs().Int("noop_with_empty_axes", 0) != 0) {
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Unary(OpKind::kIdentity, x));
    return SetOutput(0, y);
  }
  WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(kind, {x}, ra));
  return SetOutput(0, y);
}

// Softmax, LogSoftmax and Hardmax: before opset 13 over the input coerced to 2-D at `axis`
// (default 1), from 13 along `axis` (default -1).
Status Importer::SoftmaxLike(int which) {
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  const std::vector<uint32_t> shape = D(x).shape;
  const bool legacy = opset() < 13;
  WEBNN_ASSIGN_OR_RETURN(
      uint32_t axis, Axis(attrs().Int("axis", legacy ? 1 : -1), std::max<size_t>(1, shape.size())));
  if (shape.empty()) return Unsupported("a scalar input");
  OperandId in = x;
  if (legacy) {
    uint32_t outer = 1, inner = 1;
    for (size_t d = 0; d < axis; ++d) outer *= shape[d];
    for (size_t d = axis; d < shape.size(); ++d) inner *= shape[d];
    WEBNN_ASSIGN_OR_RETURN(in, Reshape(x, {outer, inner}));
    axis = 1;
  }
  OperandId y;
  if (which == 0) {
    WEBNN_ASSIGN_OR_RETURN(y, Op(OpKind::kSoftmax, {in}, AxisAttrs{axis}));
  } else if (which == 1) {
    // x - max - log(sum(exp(x - max))): finite where log(softmax(x)) would underflow.
    ReduceAttrs ra{std::vector<uint32_t>{axis}, true};
    WEBNN_ASSIGN_OR_RETURN(OperandId m, Op(OpKind::kReduceMax, {in}, ra));
    WEBNN_ASSIGN_OR_RETURN(OperandId s, Binary(OpKind::kSub, in, m));
    WEBNN_ASSIGN_OR_RETURN(OperandId e, Unary(OpKind::kExp, s));
    WEBNN_ASSIGN_OR_RETURN(OperandId sum, Op(OpKind::kReduceSum, {e}, ra));
    WEBNN_ASSIGN_OR_RETURN(OperandId l, Unary(OpKind::kLog, sum));
    WEBNN_ASSIGN_OR_RETURN(y, Binary(OpKind::kSub, s, l));
  } else {
    // One-hot of the first maximum: equal(iota along axis, argMax(axis, keep)).
    const std::vector<uint32_t> s = D(in).shape;
    ArgMinMaxAttrs aa{axis, true, DataType::kInt64};
    WEBNN_ASSIGN_OR_RETURN(OperandId am, Op(OpKind::kArgMax, {in}, aa));
    std::vector<uint32_t> ishape(s.size(), 1);
    ishape[axis] = s[axis];
    std::vector<int64_t> iota(s[axis]);
    std::iota(iota.begin(), iota.end(), 0);
    WEBNN_ASSIGN_OR_RETURN(OperandId io,
                           Constant(Tensor::FromInts(DataType::kInt64, ishape, iota)));
    WEBNN_ASSIGN_OR_RETURN(OperandId eq, Binary(OpKind::kEqual, io, am));
    WEBNN_ASSIGN_OR_RETURN(y, Cast(eq, D(x).dataType));
  }
  WEBNN_ASSIGN_OR_RETURN(y, Reshape(y, shape));
  return SetOutput(0, y);
}

Status Importer::ArgMinMax(OpKind kind) {
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  const uint32_t rank = D(x).rank();
  WEBNN_ASSIGN_OR_RETURN(uint32_t axis, Axis(attrs().Int("axis", 0), rank));
  const bool keep = attrs().Int("keepdims", 1) != 0;
  if (attrs().Int("select_last_index", 0) != 0) {
    // The last extreme index: size - 1 - (first index in the reversed input).
    WEBNN_ASSIGN_OR_RETURN(OperandId r,
                           Op(OpKind::kReverse, {x}, ReverseAttrs{std::vector<uint32_t>{axis}}));
    WEBNN_ASSIGN_OR_RETURN(OperandId i,
                           Op(kind, {r}, ArgMinMaxAttrs{axis, keep, DataType::kInt64}));
    WEBNN_ASSIGN_OR_RETURN(OperandId last, Scalar(DataType::kInt64, D(x).shape[axis] - 1.0));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Binary(OpKind::kSub, last, i));
    return SetOutput(0, y);
  }
  WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(kind, {x}, ArgMinMaxAttrs{axis, keep, DataType::kInt64}));
  return SetOutput(0, y);
}

// Conv and ConvTranspose, 2-D natively and 1-D as 2-D with a unit width.
Status Importer::ConvLike(bool transpose) {
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  if (D(x).rank() == 5 && !transpose) return Conv3d();
  WEBNN_ASSIGN_OR_RETURN(OperandId w, X(1));
  OperandId bias = kNoOperand;
  if (HasInput(2)) {
    WEBNN_ASSIGN_OR_RETURN(bias, X(2));
  }
  WEBNN_ASSIGN_OR_RETURN(OperandId y, ConvCore(transpose, x, w, bias));
  return SetOutput(0, y);
}

// Conv/ConvTranspose of given operands with the node's attributes (also ConvInteger and
// QLinearConv, which prepare their operands first).
Result<OperandId> Importer::ConvCore(bool transpose, OperandId x, OperandId w, OperandId bias) {
  const size_t rank = D(x).rank();
  if (rank != 3 && rank != 4) {
    return Unsupported(rank - 2, "-D ", transpose ? "transposed " : "",
                       "convolution (WebNN has 2-D; 1-D is mapped onto it)");
  }
  const bool one_d = rank == 3;
  const size_t spatial = 2;
  std::vector<uint32_t> in_shape = D(x).shape;
  if (one_d) {
    WEBNN_ASSIGN_OR_RETURN(x, Reshape(x, {in_shape[0], in_shape[1], in_shape[2], 1}));
    const auto ws = D(w).shape;
    if (ws.size() != 3) return MakeError(ErrorCode::kTypeError, "the weight must be 3-D");
    WEBNN_ASSIGN_OR_RETURN(w, Reshape(w, {ws[0], ws[1], ws[2], 1}));
  }
  const auto xs = D(x).shape;
  const auto ws = D(w).shape;
  if (ws.size() != 4) return MakeError(ErrorCode::kTypeError, "the weight must be 4-D");
  auto list = [&](std::string_view name, int64_t fallback) -> std::vector<int64_t> {
    std::vector<int64_t> v =
        attrs().Ints(name).value_or(std::vector<int64_t>(one_d ? 1 : 2, fallback));
    if (one_d && v.size() == 1) v.push_back(fallback);
    return v;
  };
  std::vector<int64_t> strides = list("strides", 1), dilations = list("dilations", 1);
  AutoPad ap{attrs().String("auto_pad", "NOTSET"),
             attrs().Ints("pads").value_or(std::vector<int64_t>{})};
  if (one_d && ap.pads.size() == 2) ap.pads = {ap.pads[0], 0, ap.pads[1], 0};
  if (strides.size() != 2 || dilations.size() != 2) {
    return MakeError(ErrorCode::kTypeError, "strides/dilations must have 2 values");
  }
  const int64_t group = attrs().Int("group", 1);
  std::vector<uint32_t> padding(4);
  std::optional<std::vector<uint32_t>> output_sizes;
  std::vector<uint32_t> output_padding = {0, 0};
  if (transpose) {
    std::vector<int64_t> op = list("output_padding", 0);
    if (op.size() == 2)
      output_padding = {static_cast<uint32_t>(op[0]), static_cast<uint32_t>(op[1])};
    std::optional<std::vector<int64_t>> out_shape = attrs().Ints("output_shape");
    if (out_shape && one_d && out_shape->size() == 1) out_shape->push_back(1);
    if (out_shape && out_shape->size() > 2)
      out_shape->erase(out_shape->begin(), out_shape->end() - 2);
    for (size_t a = 0; a < spatial; ++a) {
      const int64_t in = xs[2 + a], k = ws[2 + a], s = strides[a], d = dilations[a];
      const int64_t natural = s * (in - 1) + output_padding[a] + (k - 1) * d + 1;
      // The total padding follows from output_shape or SAME; otherwise pads are explicit.
      std::optional<int64_t> total;
      if (out_shape) {
        total = natural - (*out_shape)[a];
      } else if (ap.mode == "SAME_UPPER" || ap.mode == "SAME_LOWER") {
        total = natural - in * s;
      }
      if (total && *total >= 0) {
        const int64_t half = *total / 2;
        // SAME_UPPER puts the extra padding at the end; NOTSET and SAME_LOWER at the beginning.
        const bool upper = ap.mode == "SAME_UPPER";
        padding[2 * a] = static_cast<uint32_t>(upper ? half : *total - half);
        padding[2 * a + 1] = static_cast<uint32_t>(upper ? *total - half : half);
      } else if (total) {
        // An output larger than the natural size by less than a stride: rows added at the end,
        // which is what WebNN's outputSizes (an output padding) computes.
        if (!out_shape || -*total >= s) {
          return Unsupported("an output ", -*total, " larger than the input allows");
        }
      } else {
        WEBNN_ASSIGN_OR_RETURN(auto pe, PadsFor({ap.mode == "VALID" ? "VALID" : "NOTSET", ap.pads},
                                                a, spatial, in, k, s, d));
        padding[2 * a] = pe.first;
        padding[2 * a + 1] = pe.second;
      }
    }
    if (out_shape)
      output_sizes = std::vector<uint32_t>{static_cast<uint32_t>((*out_shape)[0]),
                                           static_cast<uint32_t>((*out_shape)[1])};
  } else {
    for (size_t a = 0; a < spatial; ++a) {
      WEBNN_ASSIGN_OR_RETURN(
          auto pe, PadsFor(ap, a, spatial, xs[2 + a], ws[2 + a], strides[a], dilations[a]));
      padding[2 * a] = pe.first;
      padding[2 * a + 1] = pe.second;
    }
  }
  const std::vector<uint32_t> s32 = {static_cast<uint32_t>(strides[0]),
                                     static_cast<uint32_t>(strides[1])};
  const std::vector<uint32_t> d32 = {static_cast<uint32_t>(dilations[0]),
                                     static_cast<uint32_t>(dilations[1])};
  OperandId y;
  if (transpose) {
    ConvTranspose2dAttrs ca;
    ca.padding = padding;
    ca.strides = s32;
    ca.dilations = d32;
    ca.groups = static_cast<uint32_t>(group);
    if (output_sizes) {
      ca.outputSizes = output_sizes;
    } else {
      ca.outputPadding = output_padding;
    }
    WEBNN_ASSIGN_OR_RETURN(y, Op(OpKind::kConvTranspose2d, {x, w, bias}, ca));
  } else {
    Conv2dAttrs ca;
    ca.padding = padding;
    ca.strides = s32;
    ca.dilations = d32;
    ca.groups = static_cast<uint32_t>(group);
    WEBNN_ASSIGN_OR_RETURN(y, Op(OpKind::kConv2d, {x, w, bias}, ca));
  }
  if (one_d) {
    const auto ys = D(y).shape;
    WEBNN_ASSIGN_OR_RETURN(y, Reshape(y, {ys[0], ys[1], ys[2]}));
  }
  return y;
}

namespace {

// The spatial parameters of a 3-D Conv or pool: kernel, strides, dilations, begin/end padding.
struct Spatial3d {
  std::vector<int64_t> kernel, strides, dilations;
  std::vector<uint32_t> begin, end;
};

Result<Spatial3d> ReadSpatial3d(const NodeAttrs& attrs, const std::vector<uint32_t>& in,
                                const std::vector<int64_t>& kernel) {
  Spatial3d s;
  s.kernel = kernel;
  s.strides = attrs.Ints("strides").value_or(std::vector<int64_t>(3, 1));
  s.dilations = attrs.Ints("dilations").value_or(std::vector<int64_t>(3, 1));
  if (s.kernel.size() != 3 || s.strides.size() != 3 || s.dilations.size() != 3) {
    return MakeError(ErrorCode::kTypeError, "kernel/strides/dilations must have 3 values");
  }
  AutoPad ap{attrs.String("auto_pad", "NOTSET"),
             attrs.Ints("pads").value_or(std::vector<int64_t>{})};
  for (size_t a = 0; a < 3; ++a) {
    WEBNN_ASSIGN_OR_RETURN(auto pe,
                           PadsFor(ap, a, 3, in[2 + a], s.kernel[a], s.strides[a], s.dilations[a]));
    s.begin.push_back(pe.first);
    s.end.push_back(pe.second);
  }
  return s;
}

std::vector<uint32_t> U32(int64_t a, int64_t b) {
  return {static_cast<uint32_t>(a), static_cast<uint32_t>(b)};
}

}  // namespace

// 3-D pooling as two 2-D poolings: over (H, W) with the depth folded into the channels, then
// over depth. Exact: a window is a box, so its maximum, its sum of squares and (with the
// padding left out of the count, which is a product of per-axis counts) its average separate
// per axis.
Status Importer::Pool3d(OpKind kind) {
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  const auto xs = D(x).shape;
  const std::vector<int64_t> kernel = attrs().Ints("kernel_shape").value_or(std::vector<int64_t>{});
  WEBNN_ASSIGN_OR_RETURN(Spatial3d sp, ReadSpatial3d(attrs(), xs, kernel));
  if (kind == OpKind::kL2Pool2d && attrs().Int("p", 2) != 2) {
    return Unsupported("LpPool with p = ", attrs().Int("p", 2), " (WebNN has p = 2)");
  }
  const bool any_pad =
      std::any_of(sp.begin.begin(), sp.begin.end(), [](uint32_t p) { return p; }) ||
      std::any_of(sp.end.begin(), sp.end.end(), [](uint32_t p) { return p; });
  if (kind == OpKind::kAveragePool2d && attrs().Int("count_include_pad", 0) != 0 && any_pad) {
    PadAttrs pa;
    pa.beginningPadding = {0, 0, sp.begin[0], sp.begin[1], sp.begin[2]};
    pa.endingPadding = {0, 0, sp.end[0], sp.end[1], sp.end[2]};
    WEBNN_ASSIGN_OR_RETURN(x, Op(OpKind::kPad, {x}, pa));
    sp.begin = sp.end = {0, 0, 0};
  }
  const auto ps = D(x).shape;
  const RoundingType rounding =
      attrs().Int("ceil_mode", 0) != 0 ? RoundingType::kCeil : RoundingType::kFloor;
  WEBNN_ASSIGN_OR_RETURN(OperandId hw, Reshape(x, {ps[0], ps[1] * ps[2], ps[3], ps[4]}));
  Pool2dAttrs a1;
  a1.windowDimensions = U32(sp.kernel[1], sp.kernel[2]);
  a1.strides = U32(sp.strides[1], sp.strides[2]);
  a1.dilations = U32(sp.dilations[1], sp.dilations[2]);
  a1.padding = std::vector<uint32_t>{sp.begin[1], sp.end[1], sp.begin[2], sp.end[2]};
  a1.outputShapeRounding = rounding;
  WEBNN_ASSIGN_OR_RETURN(hw, Op(kind, {hw}, a1));
  const auto hs = D(hw).shape;
  WEBNN_ASSIGN_OR_RETURN(OperandId d, Reshape(hw, {ps[0], ps[1], ps[2], hs[2] * hs[3]}));
  Pool2dAttrs a2;
  a2.windowDimensions = U32(sp.kernel[0], 1);
  a2.strides = U32(sp.strides[0], 1);
  a2.dilations = U32(sp.dilations[0], 1);
  a2.padding = std::vector<uint32_t>{sp.begin[0], sp.end[0], 0, 0};
  a2.outputShapeRounding = rounding;
  WEBNN_ASSIGN_OR_RETURN(d, Op(kind, {d}, a2));
  WEBNN_ASSIGN_OR_RETURN(OperandId y, Reshape(d, {ps[0], ps[1], D(d).shape[2], hs[2], hs[3]}));
  return SetOutput(0, y);
}

// 3-D convolution as a sum over the kernel's depth of 2-D convolutions: for kernel plane k the
// input planes k * dilation + o * stride (o = 0 .. D' - 1) are one strided slice, folded into
// the batch ([N * D', C, H, W]) and convolved with filter plane k.
Status Importer::Conv3d() {
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  WEBNN_ASSIGN_OR_RETURN(OperandId w, X(1));
  const auto xs = D(x).shape, ws = D(w).shape;
  if (ws.size() != 5) return MakeError(ErrorCode::kTypeError, "the weight must be 5-D");
  const std::vector<int64_t> kernel = {ws[2], ws[3], ws[4]};
  WEBNN_ASSIGN_OR_RETURN(Spatial3d sp, ReadSpatial3d(attrs(), xs, kernel));
  if (sp.begin[0] > 0 || sp.end[0] > 0) {
    PadAttrs pa;
    pa.beginningPadding = {0, 0, sp.begin[0], 0, 0};
    pa.endingPadding = {0, 0, sp.end[0], 0, 0};
    WEBNN_ASSIGN_OR_RETURN(x, Op(OpKind::kPad, {x}, pa));
  }
  const auto ps = D(x).shape;
  const int64_t span = (kernel[0] - 1) * sp.dilations[0] + 1;
  if (ps[2] < span) return MakeError(ErrorCode::kTypeError, "the kernel is deeper than the input");
  const uint32_t out_d = static_cast<uint32_t>((ps[2] - span) / sp.strides[0] + 1);
  const uint32_t n = ps[0], c = ps[1], h = ps[3], wd = ps[4];
  Conv2dAttrs ca;
  ca.padding = std::vector<uint32_t>{sp.begin[1], sp.end[1], sp.begin[2], sp.end[2]};
  ca.strides = U32(sp.strides[1], sp.strides[2]);
  ca.dilations = U32(sp.dilations[1], sp.dilations[2]);
  ca.groups = static_cast<uint32_t>(attrs().Int("group", 1));
  OperandId bias = kNoOperand;
  if (HasInput(2)) {
    WEBNN_ASSIGN_OR_RETURN(bias, X(2));
  }
  OperandId sum = kNoOperand;
  for (uint32_t k = 0; k < kernel[0]; ++k) {
    SliceAttrs xsl;
    xsl.starts = {0, 0, static_cast<uint32_t>(k * sp.dilations[0]), 0, 0};
    xsl.sizes = {n, c, static_cast<uint32_t>((out_d - 1) * sp.strides[0] + 1), h, wd};
    if (sp.strides[0] != 1) {
      xsl.strides = std::vector<uint32_t>{1, 1, static_cast<uint32_t>(sp.strides[0]), 1, 1};
    }
    OperandId planes = x;
    if (xsl.sizes != ps) {
      WEBNN_ASSIGN_OR_RETURN(planes, Op(OpKind::kSlice, {x}, xsl));
    }
    WEBNN_ASSIGN_OR_RETURN(planes, Transpose(planes, {0, 2, 1, 3, 4}));
    WEBNN_ASSIGN_OR_RETURN(planes, Reshape(planes, {n * out_d, c, h, wd}));
    SliceAttrs wsl;
    wsl.starts = {0, 0, k, 0, 0};
    wsl.sizes = {ws[0], ws[1], 1, ws[3], ws[4]};
    OperandId wk = w;
    if (wsl.sizes != ws) {
      WEBNN_ASSIGN_OR_RETURN(wk, Op(OpKind::kSlice, {w}, wsl));
    }
    WEBNN_ASSIGN_OR_RETURN(wk, Reshape(wk, {ws[0], ws[1], ws[3], ws[4]}));
    WEBNN_ASSIGN_OR_RETURN(OperandId part,
                           Op(OpKind::kConv2d, {planes, wk, k == 0 ? bias : kNoOperand}, ca));
    if (sum == kNoOperand) {
      sum = part;
    } else {
      WEBNN_ASSIGN_OR_RETURN(sum, Binary(OpKind::kAdd, sum, part));
    }
  }
  const auto ss = D(sum).shape;  // [N * D', M, H', W']
  WEBNN_ASSIGN_OR_RETURN(OperandId y, Reshape(sum, {n, out_d, ss[1], ss[2], ss[3]}));
  WEBNN_ASSIGN_OR_RETURN(y, Transpose(y, {0, 2, 1, 3, 4}));
  return SetOutput(0, y);
}

// MaxPool, AveragePool, LpPool (p = 2): 2-D natively, 1-D as 2-D with a unit width.
Status Importer::Pool(OpKind kind) {
  if (OutputUsed(1)) return Unsupported("the Indices output");
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  const size_t rank = D(x).rank();
  if (rank == 5) return Pool3d(kind);
  if (rank != 3 && rank != 4) return Unsupported(rank - 2, "-D pooling (WebNN has 2-D)");
  const bool one_d = rank == 3;
  const std::vector<uint32_t> in_shape = D(x).shape;
  if (one_d) {
    WEBNN_ASSIGN_OR_RETURN(x, Reshape(x, {in_shape[0], in_shape[1], in_shape[2], 1}));
  }
  auto list = [&](std::string_view name, int64_t fallback) -> std::vector<int64_t> {
    std::vector<int64_t> v =
        attrs().Ints(name).value_or(std::vector<int64_t>(one_d ? 1 : 2, fallback));
    if (one_d && v.size() == 1) v.push_back(fallback);
    return v;
  };
  std::vector<int64_t> kernel = list("kernel_shape", 1), strides = list("strides", 1),
                       dilations = list("dilations", 1);
  if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2) {
    return MakeError(ErrorCode::kTypeError, "kernel_shape/strides/dilations must have 2 values");
  }
  AutoPad ap{attrs().String("auto_pad", "NOTSET"),
             attrs().Ints("pads").value_or(std::vector<int64_t>{})};
  if (one_d && ap.pads.size() == 2) ap.pads = {ap.pads[0], 0, ap.pads[1], 0};
  const auto xs = D(x).shape;
  std::vector<uint32_t> padding(4);
  for (size_t a = 0; a < 2; ++a) {
    WEBNN_ASSIGN_OR_RETURN(auto pe,
                           PadsFor(ap, a, 2, xs[2 + a], kernel[a], strides[a], dilations[a]));
    padding[2 * a] = pe.first;
    padding[2 * a + 1] = pe.second;
  }
  if (kind == OpKind::kL2Pool2d && attrs().Int("p", 2) != 2) {
    return Unsupported("LpPool with p = ", attrs().Int("p", 2), " (WebNN has p = 2)");
  }
  const bool any_pad =
      std::any_of(padding.begin(), padding.end(), [](uint32_t p) { return p > 0; });
  if (kind == OpKind::kAveragePool2d && attrs().Int("count_include_pad", 0) != 0 && any_pad) {
    // WebNN's average leaves the padding out: pad with zeros explicitly instead.
    PadAttrs pa;
    pa.beginningPadding = {0, 0, padding[0], padding[2]};
    pa.endingPadding = {0, 0, padding[1], padding[3]};
    WEBNN_ASSIGN_OR_RETURN(x, Op(OpKind::kPad, {x}, pa));
    padding = {0, 0, 0, 0};
  }
  Pool2dAttrs pa;
  pa.windowDimensions =
      std::vector<uint32_t>{static_cast<uint32_t>(kernel[0]), static_cast<uint32_t>(kernel[1])};
  pa.padding = padding;
  pa.strides =
      std::vector<uint32_t>{static_cast<uint32_t>(strides[0]), static_cast<uint32_t>(strides[1])};
  pa.dilations = std::vector<uint32_t>{static_cast<uint32_t>(dilations[0]),
                                       static_cast<uint32_t>(dilations[1])};
  if (attrs().Int("ceil_mode", 0) != 0) pa.outputShapeRounding = RoundingType::kCeil;
  WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(kind, {x}, pa));
  if (one_d) {
    const auto ys = D(y).shape;
    WEBNN_ASSIGN_OR_RETURN(y, Reshape(y, {ys[0], ys[1], ys[2]}));
  }
  return SetOutput(0, y);
}

// GlobalAveragePool/GlobalMaxPool/GlobalLpPool: a reduction over every spatial axis.
Status Importer::GlobalPool(OpKind kind) {
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  const uint32_t rank = D(x).rank();
  if (rank < 3) return MakeError(ErrorCode::kTypeError, "the input must have spatial axes");
  if (kind == OpKind::kReduceL2) {
    const int64_t p = attrs().Int("p", 2);
    if (p == 1) {
      kind = OpKind::kReduceL1;
    } else if (p != 2) {
      return Unsupported("GlobalLpPool with p = ", p);
    }
  }
  WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(kind, {x}, ReduceAttrs{Iota(rank - 2, 2), true}));
  return SetOutput(0, y);
}

Status Importer::Slice() {
  const std::vector<uint32_t> shape = InShape(0);
  const size_t rank = shape.size();
  std::vector<int64_t> starts, ends, axes, steps;
  if (opset() < 10) {
    starts = attrs().Ints("starts").value_or(std::vector<int64_t>{});
    ends = attrs().Ints("ends").value_or(std::vector<int64_t>{});
    axes = attrs().Ints("axes").value_or(std::vector<int64_t>{});
  } else {
    WEBNN_ASSIGN_OR_RETURN(starts, NeedInts(1, "starts"));
    WEBNN_ASSIGN_OR_RETURN(ends, NeedInts(2, "ends"));
    if (HasInput(3)) {
      WEBNN_ASSIGN_OR_RETURN(axes, NeedInts(3, "axes"));
    }
    if (HasInput(4)) {
      WEBNN_ASSIGN_OR_RETURN(steps, NeedInts(4, "steps"));
    }
  }
  if (axes.empty()) {
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    return MakeError(ErrorCode::kTypeError, "starts, ends, axes and steps differ in length");
  }
  std::vector<int64_t> first(rank, 0), step(rank, 1);
  std::vector<uint32_t> out_shape = shape;
  for (size_t i = 0; i < starts.size(); ++i) {
    WEBNN_ASSIGN_OR_RETURN(uint32_t a, Axis(axes[i], rank));
    const int64_t dim = shape[a];
    const int64_t s = steps[i];
    if (s == 0 || s == std::numeric_limits<int64_t>::min()) {
      return MakeError(ErrorCode::kTypeError, "a step of ", s);
    }
    int64_t b = starts[i], e = ends[i];
    if (b < 0) b += dim;
    if (e < 0) e += dim;
    int64_t n;
    if (s > 0) {
      b = std::clamp<int64_t>(b, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      n = e > b ? (e - b + s - 1) / s : 0;
    } else {
      b = std::clamp<int64_t>(b, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      n = b > e ? (b - e + (-s) - 1) / (-s) : 0;
    }
    first[a] = b;
    step[a] = s;
    out_shape[a] = static_cast<uint32_t>(n);
  }
  if (const Tensor* t = Known(0)) return SetOutput(0, HostSlice(*t, first, step, out_shape));
  if (ElementCountOf(out_shape) == 0)
    return Unsupported("the slice is empty ", ShapeToString(out_shape));
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  // A negative step: slice forward from the last element taken, then reverse.
  SliceAttrs sa;
  std::vector<uint32_t> reversed;
  std::vector<uint32_t> strides(rank, 1);
  bool strided = false;
  for (size_t a = 0; a < rank; ++a) {
    int64_t b = first[a];
    if (step[a] < 0) {
      b = first[a] + step[a] * (static_cast<int64_t>(out_shape[a]) - 1);
      reversed.push_back(static_cast<uint32_t>(a));
    }
    sa.starts.push_back(static_cast<uint32_t>(b));
    sa.sizes.push_back(static_cast<uint32_t>((out_shape[a] - 1) * std::abs(step[a]) + 1));
    strides[a] = static_cast<uint32_t>(std::abs(step[a]));
    strided = strided || strides[a] != 1;
  }
  if (strided) sa.strides = strides;
  OperandId y = x;
  if (out_shape != shape) {
    WEBNN_ASSIGN_OR_RETURN(y, Op(OpKind::kSlice, {x}, sa));
  }
  if (!reversed.empty()) {
    WEBNN_ASSIGN_OR_RETURN(y, Op(OpKind::kReverse, {y}, ReverseAttrs{reversed}));
  }
  if (y == x) {
    WEBNN_ASSIGN_OR_RETURN(y, Unary(OpKind::kIdentity, x));
  }
  return SetOutput(0, y);
}

Status Importer::Split() {
  const std::vector<uint32_t> shape = InShape(0);
  WEBNN_ASSIGN_OR_RETURN(uint32_t axis, Axis(attrs().Int("axis", 0), shape.size()));
  std::vector<int64_t> sizes;
  if (HasInput(1)) {
    WEBNN_ASSIGN_OR_RETURN(sizes, NeedInts(1, "split"));
  } else if (auto s = attrs().Ints("split")) {
    sizes = *s;
  }
  const size_t parts = OutputCount();
  if (parts == 0) return MakeError(ErrorCode::kTypeError, "Split without outputs");
  if (sizes.empty()) {
    const int64_t n = attrs().Int("num_outputs", static_cast<int64_t>(parts));
    if (n <= 0) return MakeError(ErrorCode::kTypeError, "num_outputs must be positive");
    const int64_t each = (shape[axis] + n - 1) / n;
    for (int64_t i = 0, left = shape[axis]; i < n; ++i, left -= each) {
      sizes.push_back(std::min(each, left));
    }
  }
  int64_t total = 0;
  for (int64_t v : sizes) {
    if (v < 0) return MakeError(ErrorCode::kTypeError, "a negative split size");
    total += v;
  }
  if (total != shape[axis]) {
    return MakeError(ErrorCode::kTypeError, "split sizes add up to ", total, ", not ", shape[axis]);
  }
  if (sizes.size() != parts) {
    return MakeError(ErrorCode::kTypeError, sizes.size(), " split sizes for ", parts, " outputs");
  }
  if (const Tensor* t = Known(0)) {
    int64_t at = 0;
    for (size_t i = 0; i < parts; ++i) {
      std::vector<int64_t> starts(shape.size(), 0), steps(shape.size(), 1);
      starts[axis] = at;
      std::vector<uint32_t> out = shape;
      out[axis] = static_cast<uint32_t>(sizes[i]);
      WEBNN_RETURN_IF_ERROR(SetOutput(i, HostSlice(*t, starts, steps, out)));
      at += sizes[i];
    }
    return {};
  }
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  WEBNN_ASSIGN_OR_RETURN(std::vector<uint32_t> s32, ToDims(sizes, "split"));
  WEBNN_ASSIGN_OR_RETURN(std::vector<OperandId> ys,
                         OpN(OpKind::kSplit, {x}, SplitAttrs{s32, axis}));
  for (size_t i = 0; i < ys.size(); ++i) WEBNN_RETURN_IF_ERROR(SetOutput(i, ys[i]));
  return {};
}

Status Importer::Gather() {
  const std::vector<uint32_t> shape = InShape(0);
  WEBNN_ASSIGN_OR_RETURN(uint32_t axis, Axis(attrs().Int("axis", 0), shape.size()));
  if (Known(0) && Known(1)) {
    const Tensor& data = *Known(0);
    std::vector<int64_t> idx = Known(1)->Ints();
    for (int64_t& i : idx) {
      if (i < 0) i += shape[axis];
      if (i < 0 || i >= shape[axis]) return MakeError(ErrorCode::kTypeError, "index out of range");
    }
    const std::vector<uint32_t>& ishape = Known(1)->desc.shape;
    std::vector<uint32_t> out(shape.begin(), shape.begin() + axis);
    out.insert(out.end(), ishape.begin(), ishape.end());
    out.insert(out.end(), shape.begin() + axis + 1, shape.end());
    WEBNN_RETURN_IF_ERROR(CheckFoldSize(out, data.desc.dataType));
    const std::vector<size_t> strides = RowMajorStrides(shape);
    const std::vector<size_t> istrides = RowMajorStrides(ishape);
    return SetOutput(0, HostMap(data, out, [&](const std::vector<uint32_t>& o) {
                       size_t flat = 0, ii = 0;
                       for (size_t d = 0; d < axis; ++d) flat += o[d] * strides[d];
                       for (size_t d = 0; d < ishape.size(); ++d) ii += o[axis + d] * istrides[d];
                       flat += static_cast<size_t>(idx[ii]) * strides[axis];
                       for (size_t d = axis + 1; d < shape.size(); ++d)
                         flat += o[d - 1 + ishape.size()] * strides[d];
                       return flat;
                     }));
  }
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  WEBNN_ASSIGN_OR_RETURN(OperandId idx, NormalizeIndices(1, shape[axis]));
  WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kGather, {x, idx}, GatherAttrs{axis}));
  return SetOutput(0, y);
}

Status Importer::Pad() {
  std::vector<int64_t> pads;
  std::string mode = attrs().String("mode", "constant");
  double value = 0;
  const uint32_t rank = InRank(0);
  if (opset() < 11) {
    pads = attrs().Ints("pads").value_or(attrs().Ints("paddings").value_or(std::vector<int64_t>{}));
    value = attrs().Float("value", 0);
  } else {
    WEBNN_ASSIGN_OR_RETURN(pads, NeedInts(1, "pads"));
    if (HasInput(2)) {
      WEBNN_ASSIGN_OR_RETURN(Tensor v, NeedKnown(2, "constant_value"));
      if (v.count() > 0) value = v.GetDouble(0);
    }
  }
  std::vector<uint32_t> axes = Iota(rank);
  if (HasInput(3)) {
    WEBNN_ASSIGN_OR_RETURN(std::vector<int64_t> a, NeedInts(3, "axes"));
    WEBNN_ASSIGN_OR_RETURN(axes, Axes(a, rank));
  }
  if (pads.size() != 2 * axes.size()) {
    return MakeError(ErrorCode::kTypeError, "pads has ", pads.size(), " values for ", axes.size(),
                     " axes");
  }
  PadAttrs pa;
  pa.beginningPadding.assign(rank, 0);
  pa.endingPadding.assign(rank, 0);
  bool negative = false;
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t b = pads[i], e = pads[i + axes.size()];
    negative = negative || b < 0 || e < 0;
    pa.beginningPadding[axes[i]] = static_cast<uint32_t>(std::max<int64_t>(0, b));
    pa.endingPadding[axes[i]] = static_cast<uint32_t>(std::max<int64_t>(0, e));
  }
  if (mode == "constant") {
    pa.mode = PaddingMode::kConstant;
  } else if (mode == "edge") {
    pa.mode = PaddingMode::kEdge;
  } else if (mode == "reflect") {
    pa.mode = PaddingMode::kReflection;
  } else {
    return Unsupported("pad mode '", mode, "'");
  }
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  pa.value = NumberFor(D(x).dataType, value);
  WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kPad, {x}, pa));
  if (negative) {
    // Negative pads crop: a slice of the padded result.
    SliceAttrs sa;
    const auto ys = D(y).shape;
    for (uint32_t a = 0; a < rank; ++a) {
      int64_t b = 0, e = 0;
      for (size_t i = 0; i < axes.size(); ++i) {
        if (axes[i] == a) {
          b = std::min<int64_t>(0, pads[i]);
          e = std::min<int64_t>(0, pads[i + axes.size()]);
        }
      }
      sa.starts.push_back(static_cast<uint32_t>(-b));
      sa.sizes.push_back(static_cast<uint32_t>(ys[a] + b + e));
    }
    WEBNN_ASSIGN_OR_RETURN(y, Op(OpKind::kSlice, {y}, sa));
  }
  return SetOutput(0, y);
}

// DepthToSpace (DCR/CRD) and SpaceToDepth as reshape -> transpose -> reshape.
Status Importer::DepthSpace(bool to_space) {
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  const auto s = D(x).shape;
  if (s.size() != 4) return MakeError(ErrorCode::kTypeError, "the input must be 4-D");
  const int64_t block = attrs().Int("blocksize", 0);
  if (block <= 0 || block > 4096) return MakeError(ErrorCode::kTypeError, "bad blocksize ", block);
  const uint32_t b = static_cast<uint32_t>(block);
  const uint32_t n = s[0], c = s[1], h = s[2], w = s[3];
  if (b == 0) return MakeError(ErrorCode::kTypeError, "blocksize must be positive");
  OperandId y;
  if (to_space) {
    if (c % (b * b) != 0)
      return MakeError(ErrorCode::kTypeError, "channels not divisible by blocksize^2");
    const bool crd = attrs().String("mode", "DCR") == "CRD";
    if (crd) {
      WEBNN_ASSIGN_OR_RETURN(y, Reshape(x, {n, c / (b * b), b, b, h, w}));
      WEBNN_ASSIGN_OR_RETURN(y, Transpose(y, {0, 1, 4, 2, 5, 3}));
    } else {
      WEBNN_ASSIGN_OR_RETURN(y, Reshape(x, {n, b, b, c / (b * b), h, w}));
      WEBNN_ASSIGN_OR_RETURN(y, Transpose(y, {0, 3, 4, 1, 5, 2}));
    }
    WEBNN_ASSIGN_OR_RETURN(y, Reshape(y, {n, c / (b * b), h * b, w * b}));
  } else {
    if (h % b != 0 || w % b != 0)
      return MakeError(ErrorCode::kTypeError, "spatial size not divisible by blocksize");
    WEBNN_ASSIGN_OR_RETURN(y, Reshape(x, {n, c, h / b, b, w / b, b}));
    WEBNN_ASSIGN_OR_RETURN(y, Transpose(y, {0, 3, 5, 1, 2, 4}));
    WEBNN_ASSIGN_OR_RETURN(y, Reshape(y, {n, c * b * b, h / b, w / b}));
  }
  return SetOutput(0, y);
}

// LRN: x / (bias + alpha / size * sum of x^2 over a window of channels)^beta. The window sum is a
// convolution of x^2 (as [N, 1, C, rest]) with a [1, 1, size, 1] filter of ones.
Status Importer::Lrn() {
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  const auto s = D(x).shape;
  if (s.size() < 3) return MakeError(ErrorCode::kTypeError, "the input must have spatial axes");
  const int64_t size = attrs().Int("size", 1);
  const double alpha = attrs().Float("alpha", 1e-4f), beta = attrs().Float("beta", 0.75f),
               bias = attrs().Float("bias", 1.0f);
  uint32_t rest = 1;
  for (size_t d = 2; d < s.size(); ++d) rest *= s[d];
  const DataType t = D(x).dataType;
  WEBNN_ASSIGN_OR_RETURN(OperandId sq, Binary(OpKind::kMul, x, x));
  WEBNN_ASSIGN_OR_RETURN(sq, Reshape(sq, {s[0], 1, s[1], rest}));
  if (size <= 0 || size > static_cast<int64_t>(s[1]) * 2 + 1) {
    return MakeError(ErrorCode::kTypeError, "bad size ", size);
  }
  std::vector<double> ones(static_cast<size_t>(size), 1.0);
  WEBNN_ASSIGN_OR_RETURN(OperandId filter, Constant(Tensor::FromDoubles(
                                               t, {1, 1, static_cast<uint32_t>(size), 1}, ones)));
  Conv2dAttrs ca;
  ca.padding = std::vector<uint32_t>{static_cast<uint32_t>((size - 1) / 2),
                                     static_cast<uint32_t>(size / 2), 0, 0};
  WEBNN_ASSIGN_OR_RETURN(OperandId sum, Op(OpKind::kConv2d, {sq, filter, kNoOperand}, ca));
  WEBNN_ASSIGN_OR_RETURN(sum, Reshape(sum, s));
  WEBNN_ASSIGN_OR_RETURN(OperandId scale, Scalar(t, alpha / static_cast<double>(size)));
  WEBNN_ASSIGN_OR_RETURN(OperandId bias_c, Scalar(t, bias));
  WEBNN_ASSIGN_OR_RETURN(OperandId beta_c, Scalar(t, beta));
  WEBNN_ASSIGN_OR_RETURN(OperandId d, Binary(OpKind::kMul, sum, scale));
  WEBNN_ASSIGN_OR_RETURN(d, Binary(OpKind::kAdd, d, bias_c));
  WEBNN_ASSIGN_OR_RETURN(d, Binary(OpKind::kPow, d, beta_c));
  WEBNN_ASSIGN_OR_RETURN(OperandId y, Binary(OpKind::kDiv, x, d));
  return SetOutput(0, y);
}

// GRU and LSTM: ONNX's gate orders are WebNN's zrn (GRU) and iofg (LSTM) layouts; B holds the
// input and recurrent biases back to back.
Status Importer::Recurrent(bool lstm) {
  if (HasInput(4)) return Unsupported("sequence_lens (variable sequence lengths)");
  if (attrs().Has("clip")) return Unsupported("the clip attribute");
  if (lstm && attrs().Int("input_forget", 0) != 0) return Unsupported("input_forget");
  const bool batch_first = attrs().Int("layout", 0) != 0;
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  WEBNN_ASSIGN_OR_RETURN(OperandId w, X(1));
  WEBNN_ASSIGN_OR_RETURN(OperandId r, X(2));
  if (D(x).rank() != 3 || D(r).rank() != 3) {
    return MakeError(ErrorCode::kTypeError, "X and R must be 3-D");
  }
  if (batch_first) {
    WEBNN_ASSIGN_OR_RETURN(x, Transpose(x, {1, 0, 2}));
  }
  const auto xs = D(x).shape;
  const uint32_t hidden =
      static_cast<uint32_t>(attrs().Int("hidden_size", D(r).shape.size() == 3 ? D(r).shape[2] : 0));
  const std::string dir = attrs().String("direction", "forward");
  RecurrentNetworkDirection direction;
  if (dir == "forward") {
    direction = RecurrentNetworkDirection::kForward;
  } else if (dir == "reverse") {
    direction = RecurrentNetworkDirection::kBackward;
  } else if (dir == "bidirectional") {
    direction = RecurrentNetworkDirection::kBoth;
  } else {
    return MakeError(ErrorCode::kTypeError, "direction '", dir, "'");
  }
  ActivationList acts;
  for (const std::string& a : attrs().Strings("activations")) {
    if (a == "Sigmoid") {
      acts.push_back(RecurrentNetworkActivation::kSigmoid);
    } else if (a == "Tanh") {
      acts.push_back(RecurrentNetworkActivation::kTanh);
    } else if (a == "Relu") {
      acts.push_back(RecurrentNetworkActivation::kRelu);
    } else {
      return Unsupported("activation ", a, " (WebNN has Sigmoid, Tanh, Relu)");
    }
  }
  // ONNX lists the activations of each direction; WebNN has one list for both.
  const size_t per_dir = lstm ? 3 : 2;
  if (!acts.empty()) {
    if (acts.size() == per_dir * 2) {
      if (!std::equal(acts.begin(), acts.begin() + per_dir, acts.begin() + per_dir)) {
        return Unsupported("different activations per direction");
      }
      acts.resize(per_dir);
    }
    if (acts.size() != per_dir)
      return MakeError(ErrorCode::kTypeError, "expected ", per_dir, " activations");
  }
  if (attrs().Has("activation_alpha") || attrs().Has("activation_beta")) {
    return Unsupported("activation_alpha/activation_beta");
  }
  OperandId bias = kNoOperand, rbias = kNoOperand;
  if (HasInput(3)) {
    WEBNN_ASSIGN_OR_RETURN(OperandId b, X(3));
    WEBNN_ASSIGN_OR_RETURN(std::vector<OperandId> halves,
                           OpN(OpKind::kSplit, {b}, SplitAttrs{uint32_t{2}, 1}));
    bias = halves[0];
    rbias = halves[1];
  }
  auto state = [&](size_t i) -> Result<OperandId> {
    if (!HasInput(i)) return kNoOperand;
    WEBNN_ASSIGN_OR_RETURN(OperandId h, X(i));
    if (batch_first) {
      WEBNN_ASSIGN_OR_RETURN(h, Transpose(h, {1, 0, 2}));
    }
    return h;
  };
  WEBNN_ASSIGN_OR_RETURN(OperandId h0, state(5));
  const bool want_sequence = OutputUsed(0);
  std::vector<OperandId> outs;
  if (lstm) {
    WEBNN_ASSIGN_OR_RETURN(OperandId c0, state(6));
    OperandId peephole = kNoOperand;
    if (HasInput(7)) {
      WEBNN_ASSIGN_OR_RETURN(peephole, X(7));
    }
    LstmAttrs la;
    la.steps = xs[0];
    la.hiddenSize = hidden;
    la.returnSequence = want_sequence;
    la.direction = direction;
    la.layout = LstmWeightLayout::kIofg;
    if (!acts.empty()) la.activations = acts;
    WEBNN_ASSIGN_OR_RETURN(outs, OpN(OpKind::kLstm, {x, w, r, bias, rbias, peephole, h0, c0}, la));
  } else {
    GruAttrs ga;
    ga.steps = xs[0];
    ga.hiddenSize = hidden;
    ga.resetAfter = attrs().Int("linear_before_reset", 0) != 0;
    ga.returnSequence = want_sequence;
    ga.direction = direction;
    ga.layout = GruWeightLayout::kZrn;
    if (!acts.empty()) ga.activations = acts;
    WEBNN_ASSIGN_OR_RETURN(outs, OpN(OpKind::kGru, {x, w, r, bias, rbias, h0}, ga));
  }
  // WebNN: output0 = last hidden [dirs, batch, hidden], (LSTM: output1 = last cell),
  // last = the sequence [steps, dirs, batch, hidden] when returnSequence.
  OperandId y_h = outs[0];
  if (batch_first) {
    WEBNN_ASSIGN_OR_RETURN(y_h, Transpose(y_h, {1, 0, 2}));
  }
  WEBNN_RETURN_IF_ERROR(SetOutput(1, y_h));
  if (lstm) {
    OperandId y_c = outs[1];
    if (batch_first) {
      WEBNN_ASSIGN_OR_RETURN(y_c, Transpose(y_c, {1, 0, 2}));
    }
    WEBNN_RETURN_IF_ERROR(SetOutput(2, y_c));
  }
  if (want_sequence) {
    OperandId seq = outs.back();
    if (batch_first) {
      WEBNN_ASSIGN_OR_RETURN(seq, Transpose(seq, {2, 0, 1, 3}));
    }
    WEBNN_RETURN_IF_ERROR(SetOutput(0, seq));
  }
  return {};
}

// QuantizeLinear/DequantizeLinear: a scalar or per-axis (1-D) scale and zero point, reshaped to
// the input's rank as WebNN requires; an absent zero point is 0 of the output (input) type.
Status Importer::QuantizeLike(bool quantize) {
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  WEBNN_ASSIGN_OR_RETURN(OperandId scale, X(1));
  const auto xs = D(x).shape;
  const uint32_t rank = D(x).rank();
  auto to_rank = [&](OperandId v) -> Result<OperandId> {
    const auto s = D(v).shape;
    if (s.size() == rank) return v;
    std::vector<uint32_t> shape(rank, 1);
    if (s.size() == 1 && s[0] != 1) {
      WEBNN_ASSIGN_OR_RETURN(uint32_t axis, Axis(attrs().Int("axis", 1), rank));
      shape[axis] = s[0];
    } else if (s.size() > 1) {
      return Unsupported("a scale of shape ", ShapeToString(s));
    }
    return Reshape(v, shape);
  };
  if (rank == 0) return Unsupported("a scalar input");
  WEBNN_ASSIGN_OR_RETURN(scale, to_rank(scale));
  OperandId zp;
  if (HasInput(2)) {
    WEBNN_ASSIGN_OR_RETURN(zp, X(2));
  } else {
    const DataType zt = quantize ? DataType::kUint8 : D(x).dataType;
    WEBNN_ASSIGN_OR_RETURN(zp, Scalar(zt, 0));
  }
  WEBNN_ASSIGN_OR_RETURN(zp, to_rank(zp));
  // WebNN needs the scale's and zero point's shape to match each other.
  if (D(zp).shape != D(scale).shape) {
    WEBNN_ASSIGN_OR_RETURN(zp, Op(OpKind::kExpand, {zp}, NewShapeAttrs{D(scale).shape}));
  }
  WEBNN_ASSIGN_OR_RETURN(OperandId y,
                         Op(quantize ? OpKind::kQuantizeLinear : OpKind::kDequantizeLinear,
                            {x, scale, zp}, NoAttrs{}));
  return SetOutput(0, y);
}

// Resize and Upsample in the cases resample2d computes exactly: 2 resampled axes of a 4-D
// input, nearest (half_pixel with round_prefer_floor/ceil, or asymmetric/floor at integer
// upscales) or linear (half_pixel, pytorch_half_pixel).
Status Importer::Resize(bool upsample) {
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  const auto xs = D(x).shape;
  if (xs.size() != 4) return Unsupported("resizing a ", xs.size(), "-D tensor (resample2d is 4-D)");
  const std::string mode = attrs().String("mode", "nearest");
  std::string coord = attrs().String("coordinate_transformation_mode",
                                     upsample || opset() < 11 ? "asymmetric" : "half_pixel");
  const std::string nearest =
      attrs().String("nearest_mode", upsample || opset() < 11 ? "floor" : "round_prefer_floor");
  std::vector<double> scales;
  std::vector<uint32_t> sizes;
  if (upsample && opset() < 9) {
    for (float f : attrs().Floats("scales").value_or(std::vector<float>{})) scales.push_back(f);
  } else {
    const size_t scales_input = (upsample || opset() < 11) ? 1 : 2;
    if (HasInput(scales_input)) {
      WEBNN_ASSIGN_OR_RETURN(Tensor s, NeedKnown(scales_input, "scales"));
      scales = s.Doubles();
    }
    if (scales.empty() && HasInput(3)) {
      WEBNN_ASSIGN_OR_RETURN(std::vector<int64_t> s, NeedInts(3, "sizes"));
      WEBNN_ASSIGN_OR_RETURN(sizes, ToDims(s, "sizes"));
    }
  }
  if (attrs().Has("axes")) return Unsupported("the axes attribute");
  if (scales.empty() && sizes.empty())
    return MakeError(ErrorCode::kTypeError, "neither scales nor sizes");
  if ((!scales.empty() && scales.size() != 4) || (!sizes.empty() && sizes.size() != 4)) {
    return MakeError(ErrorCode::kTypeError, "scales/sizes must have 4 values");
  }
  std::vector<uint32_t> axes;
  for (uint32_t a = 0; a < 4; ++a) {
    const bool changed = scales.empty() ? sizes[a] != xs[a] : scales[a] != 1.0;
    if (changed) axes.push_back(a);
  }
  if (axes.size() > 2) return Unsupported("resizing ", axes.size(), " axes (resample2d resizes 2)");
  if (axes.size() < 2) {
    // Pad the list with unchanged axes next to the changed one(s).
    for (uint32_t a : {2u, 3u, 1u}) {
      if (axes.size() < 2 && std::find(axes.begin(), axes.end(), a) == axes.end())
        axes.push_back(a);
    }
    std::sort(axes.begin(), axes.end());
    if (axes[1] != axes[0] + 1) return Unsupported("resizing non-adjacent axes");
  }
  if (coord == "pytorch_half_pixel") {
    bool ok = true;
    for (uint32_t a : axes) {
      const double out = scales.empty() ? sizes[a] : std::floor(xs[a] * scales[a]);
      ok = ok && out > 1;
    }
    if (ok) coord = "half_pixel";
  }
  Resample2dAttrs ra;
  if (mode == "linear") {
    if (coord != "half_pixel")
      return Unsupported("linear resize with coordinate_transformation_mode ", coord);
    ra.mode = InterpolationMode::kLinear;
  } else if (mode == "nearest") {
    bool ok = coord == "half_pixel" &&
              (nearest == "round_prefer_floor" || nearest == "round_prefer_ceil");
    if (!ok && coord == "asymmetric" && nearest == "floor") {
      // Equal to half_pixel rounding at integer upscales.
      ok = true;
      for (uint32_t a : axes) {
        const double s = scales.empty() ? static_cast<double>(sizes[a]) / xs[a] : scales[a];
        ok = ok && s >= 1 && s == std::floor(s);
      }
    }
    if (!ok) return Unsupported("nearest resize with ", coord, "/", nearest);
    ra.mode = InterpolationMode::kNearestNeighbor;
  } else {
    return Unsupported("resize mode '", mode, "'");
  }
  ra.axes = axes;
  if (!scales.empty()) {
    ra.scales = std::vector<float>{static_cast<float>(scales[axes[0]]),
                                   static_cast<float>(scales[axes[1]])};
  } else {
    ra.sizes = std::vector<uint32_t>{sizes[axes[0]], sizes[axes[1]]};
  }
  WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kResample2d, {x}, ra));
  return SetOutput(0, y);
}

// Einsum without repeated indices within an operand: one or two operands, as reductions,
// transposes, reshapes and one batched matmul.
Status Importer::Einsum() {
  std::string eq = attrs().String("equation", "");
  eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
  if (eq.find("...") != std::string::npos) return Unsupported("Einsum with an ellipsis");
  const size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> terms;
  for (size_t start = 0;;) {
    const size_t comma = lhs.find(',', start);
    terms.push_back(lhs.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  std::string out;
  if (arrow != std::string::npos) {
    out = eq.substr(arrow + 2);
  } else {
    // Implicit output: the indices that appear once, in alphabetical order.
    std::map<char, int> count;
    for (const auto& t : terms) {
      for (char c : t) ++count[c];
    }
    for (const auto& [c, n] : count) {
      if (n == 1) out += c;
    }
  }
  if (terms.size() != InputCount() || terms.size() > 2) {
    return Unsupported("Einsum with ", terms.size(), " operands (1 or 2 are supported)");
  }
  std::map<char, uint32_t> dim;
  std::vector<OperandId> ops;
  for (size_t i = 0; i < terms.size(); ++i) {
    WEBNN_ASSIGN_OR_RETURN(OperandId v, X(i));
    const auto s = D(v).shape;
    if (s.size() != terms[i].size())
      return MakeError(ErrorCode::kTypeError, "term '", terms[i], "' does not match rank ",
                       s.size());
    for (size_t k = 0; k < s.size(); ++k) {
      const char c = terms[i][k];
      if (terms[i].find(c) != k)
        return Unsupported("Einsum with a repeated index in '", terms[i], "' (a diagonal)");
      if (dim.count(c) && dim[c] != s[k] && dim[c] != 1 && s[k] != 1)
        return MakeError(ErrorCode::kTypeError, "index ", c, " sizes differ");
      dim[c] = std::max(dim.count(c) ? dim[c] : 1u, s[k]);
    }
    ops.push_back(v);
  }
  // Sum out, in each operand, the indices that appear nowhere else.
  auto reduce_private = [&](size_t i) -> Status {
    std::string keep;
    std::vector<uint32_t> axes;
    for (size_t k = 0; k < terms[i].size(); ++k) {
      const char c = terms[i][k];
      bool elsewhere = out.find(c) != std::string::npos;
      for (size_t j = 0; j < terms.size(); ++j) {
        if (j != i && terms[j].find(c) != std::string::npos) elsewhere = true;
      }
      if (elsewhere) {
        keep += c;
      } else {
        axes.push_back(static_cast<uint32_t>(k));
      }
    }
    if (!axes.empty()) {
      WEBNN_ASSIGN_OR_RETURN(ops[i], Op(OpKind::kReduceSum, {ops[i]}, ReduceAttrs{axes, false}));
      terms[i] = keep;
    }
    return {};
  };
  for (size_t i = 0; i < terms.size(); ++i) WEBNN_RETURN_IF_ERROR(reduce_private(i));
  auto perm_to = [](const std::string& from, const std::string& to) {
    std::vector<uint32_t> p;
    for (char c : to) p.push_back(static_cast<uint32_t>(from.find(c)));
    return p;
  };
  OperandId y;
  std::string have;
  if (terms.size() == 1) {
    y = ops[0];
    have = terms[0];
  } else {
    const std::string& a = terms[0];
    const std::string& b = terms[1];
    std::string batch, left, right, contract;
    for (char c : a) {
      const bool in_b = b.find(c) != std::string::npos, in_out = out.find(c) != std::string::npos;
      if (in_b && in_out)
        batch += c;
      else if (in_b)
        contract += c;
      else
        left += c;
    }
    for (char c : b) {
      if (a.find(c) == std::string::npos) right += c;
    }
    auto prod = [&](const std::string& s) {
      uint32_t p = 1;
      for (char c : s) p *= dim[c];
      return p;
    };
    auto shape_of = [&](const std::string& s) {
      std::vector<uint32_t> v;
      for (char c : s) v.push_back(dim[c]);
      return v;
    };
    // Broadcast size-1 dimensions of either operand to the index's size first.
    for (size_t i = 0; i < 2; ++i) {
      std::vector<uint32_t> full = shape_of(terms[i]);
      if (D(ops[i]).shape != full) {
        WEBNN_ASSIGN_OR_RETURN(ops[i], Op(OpKind::kExpand, {ops[i]}, NewShapeAttrs{full}));
      }
    }
    WEBNN_ASSIGN_OR_RETURN(OperandId ta, Transpose(ops[0], perm_to(a, batch + left + contract)));
    WEBNN_ASSIGN_OR_RETURN(OperandId tb, Transpose(ops[1], perm_to(b, batch + contract + right)));
    WEBNN_ASSIGN_OR_RETURN(ta, Reshape(ta, {prod(batch), prod(left), prod(contract)}));
    WEBNN_ASSIGN_OR_RETURN(tb, Reshape(tb, {prod(batch), prod(contract), prod(right)}));
    if (!IsFloatingPoint(D(ta).dataType))
      return Unsupported("integer Einsum (WebNN matmul is float)");
    WEBNN_ASSIGN_OR_RETURN(y, Binary(OpKind::kMatmul, ta, tb));
    have = batch + left + right;
    std::vector<uint32_t> shape = shape_of(have);
    WEBNN_ASSIGN_OR_RETURN(y, Reshape(y, shape));
  }
  // Indices still present but not in the output (single operand only) are summed.
  std::vector<uint32_t> sum_axes;
  std::string kept;
  for (size_t k = 0; k < have.size(); ++k) {
    if (out.find(have[k]) == std::string::npos) {
      sum_axes.push_back(static_cast<uint32_t>(k));
    } else {
      kept += have[k];
    }
  }
  if (!sum_axes.empty()) {
    WEBNN_ASSIGN_OR_RETURN(y, Op(OpKind::kReduceSum, {y}, ReduceAttrs{sum_axes, false}));
  }
  if (kept.size() != out.size())
    return MakeError(ErrorCode::kTypeError, "bad Einsum output '", out, "'");
  WEBNN_ASSIGN_OR_RETURN(y, Transpose(y, perm_to(kept, out)));
  if (y == ops[0] || builder_.operand(y).kind != OperandKind::kOutput) {
    WEBNN_ASSIGN_OR_RETURN(y, Unary(OpKind::kIdentity, y));
  }
  return SetOutput(0, y);
}

// OneHot(indices, depth, values[off, on], axis): where(equal(indices, iota), on, off).
Status Importer::OneHot() {
  WEBNN_ASSIGN_OR_RETURN(Tensor depth_t, NeedKnown(1, "depth"));
  const int64_t depth = static_cast<int64_t>(depth_t.GetDouble(0));
  if (depth <= 0 || depth > std::numeric_limits<int32_t>::max()) {
    return MakeError(ErrorCode::kTypeError, "bad depth ", depth);
  }
  WEBNN_RETURN_IF_ERROR(CheckFoldSize({static_cast<uint32_t>(depth)}, DataType::kInt64));
  WEBNN_ASSIGN_OR_RETURN(OperandId idx, X(0));
  WEBNN_ASSIGN_OR_RETURN(OperandId values, X(2));
  const auto is = D(idx).shape;
  const uint32_t rank = static_cast<uint32_t>(is.size()) + 1;
  WEBNN_ASSIGN_OR_RETURN(uint32_t axis, Axis(attrs().Int("axis", -1), rank));
  WEBNN_ASSIGN_OR_RETURN(idx, Cast(idx, DataType::kInt64));
  // Negative indices count from the end of depth.
  WEBNN_ASSIGN_OR_RETURN(OperandId zero, Scalar(DataType::kInt64, 0));
  WEBNN_ASSIGN_OR_RETURN(OperandId dc, Scalar(DataType::kInt64, static_cast<double>(depth)));
  WEBNN_ASSIGN_OR_RETURN(OperandId neg, Binary(OpKind::kLesser, idx, zero));
  WEBNN_ASSIGN_OR_RETURN(OperandId wrapped, Binary(OpKind::kAdd, idx, dc));
  WEBNN_ASSIGN_OR_RETURN(idx, Op(OpKind::kWhere, {neg, wrapped, idx}, NoAttrs{}));
  std::vector<uint32_t> ishape = is;
  ishape.insert(ishape.begin() + axis, 1);
  WEBNN_ASSIGN_OR_RETURN(idx, Reshape(idx, ishape));
  std::vector<uint32_t> iota_shape(rank, 1);
  iota_shape[axis] = static_cast<uint32_t>(depth);
  std::vector<int64_t> iota(static_cast<size_t>(depth));
  std::iota(iota.begin(), iota.end(), 0);
  WEBNN_ASSIGN_OR_RETURN(OperandId io,
                         Constant(Tensor::FromInts(DataType::kInt64, iota_shape, iota)));
  WEBNN_ASSIGN_OR_RETURN(OperandId eq, Binary(OpKind::kEqual, idx, io));
  WEBNN_ASSIGN_OR_RETURN(std::vector<OperandId> vs,
                         OpN(OpKind::kSplit, {values}, SplitAttrs{uint32_t{2}, 0}));
  WEBNN_ASSIGN_OR_RETURN(OperandId off, Reshape(vs[0], {}));
  WEBNN_ASSIGN_OR_RETURN(OperandId on, Reshape(vs[1], {}));
  WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kWhere, {eq, on, off}, NoAttrs{}));
  return SetOutput(0, y);
}

// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (which is NLL of LogSoftmax over
// axis 1): loss[n, d...] = -input[n, target[n, d...], d...] * weight[target], with
// ignore_index and the reductions none / sum / mean (weighted mean).
Status Importer::Loss(bool softmax_cross_entropy) {
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  WEBNN_ASSIGN_OR_RETURN(OperandId target, X(1));
  const auto xs = D(x).shape;
  if (xs.size() < 2) return MakeError(ErrorCode::kTypeError, "the input must be at least 2-D");
  const DataType t = D(x).dataType;
  OperandId logp = x;
  if (softmax_cross_entropy) {
    ReduceAttrs ra{std::vector<uint32_t>{1}, true};
    WEBNN_ASSIGN_OR_RETURN(OperandId m, Op(OpKind::kReduceMax, {x}, ra));
    WEBNN_ASSIGN_OR_RETURN(OperandId s, Binary(OpKind::kSub, x, m));
    WEBNN_ASSIGN_OR_RETURN(OperandId e, Unary(OpKind::kExp, s));
    WEBNN_ASSIGN_OR_RETURN(OperandId sum, Op(OpKind::kReduceSum, {e}, ra));
    WEBNN_ASSIGN_OR_RETURN(OperandId l, Unary(OpKind::kLog, sum));
    WEBNN_ASSIGN_OR_RETURN(logp, Binary(OpKind::kSub, s, l));
  }
  const std::string reduction = attrs().String("reduction", "mean");
  const bool has_ignore = attrs().Has("ignore_index");
  const int64_t ignore = attrs().Int("ignore_index", 0);
  WEBNN_ASSIGN_OR_RETURN(target, Cast(target, DataType::kInt64));
  // mask = target != ignore_index; the gathered index is 0 where masked out.
  OperandId mask = kNoOperand, safe = target;
  if (has_ignore) {
    WEBNN_ASSIGN_OR_RETURN(OperandId ig, Scalar(DataType::kInt64, static_cast<double>(ignore)));
    WEBNN_ASSIGN_OR_RETURN(mask, Binary(OpKind::kNotEqual, target, ig));
    WEBNN_ASSIGN_OR_RETURN(OperandId zero, Scalar(DataType::kInt64, 0));
    WEBNN_ASSIGN_OR_RETURN(safe, Op(OpKind::kWhere, {mask, target, zero}, NoAttrs{}));
  }
  // input gathered along axis 1 at target: gatherElements with target as [N, 1, d...].
  std::vector<uint32_t> ts = D(safe).shape;
  std::vector<uint32_t> t1 = ts;
  t1.insert(t1.begin() + 1, 1);
  WEBNN_ASSIGN_OR_RETURN(OperandId idx, Reshape(safe, t1));
  WEBNN_ASSIGN_OR_RETURN(OperandId picked,
                         Op(OpKind::kGatherElements, {logp, idx}, GatherAttrs{1}));
  WEBNN_ASSIGN_OR_RETURN(picked, Reshape(picked, ts));
  WEBNN_ASSIGN_OR_RETURN(OperandId loss, Unary(OpKind::kNeg, picked));
  OperandId weight = kNoOperand;  // per element: weight[target] (times the mask)
  if (HasInput(2)) {
    WEBNN_ASSIGN_OR_RETURN(OperandId w, X(2));
    WEBNN_ASSIGN_OR_RETURN(weight, Op(OpKind::kGather, {w, safe}, GatherAttrs{0}));
  }
  if (has_ignore) {
    WEBNN_ASSIGN_OR_RETURN(OperandId m, Cast(mask, t));
    if (weight == kNoOperand) {
      weight = m;
    } else {
      WEBNN_ASSIGN_OR_RETURN(weight, Binary(OpKind::kMul, weight, m));
    }
  }
  if (weight != kNoOperand) {
    WEBNN_ASSIGN_OR_RETURN(loss, Binary(OpKind::kMul, loss, weight));
  }
  OperandId y = loss;
  if (reduction == "sum") {
    WEBNN_ASSIGN_OR_RETURN(y, Op(OpKind::kReduceSum, {loss}, ReduceAttrs{}));
  } else if (reduction == "mean") {
    WEBNN_ASSIGN_OR_RETURN(y, Op(OpKind::kReduceSum, {loss}, ReduceAttrs{}));
    OperandId denom;
    if (weight != kNoOperand) {
      WEBNN_ASSIGN_OR_RETURN(denom, Op(OpKind::kReduceSum, {weight}, ReduceAttrs{}));
    } else {
      WEBNN_ASSIGN_OR_RETURN(denom, Scalar(t, static_cast<double>(ElementCountOf(ts))));
    }
    WEBNN_ASSIGN_OR_RETURN(y, Binary(OpKind::kDiv, y, denom));
  } else if (reduction != "none") {
    return MakeError(ErrorCode::kTypeError, "reduction '", reduction, "'");
  }
  WEBNN_RETURN_IF_ERROR(SetOutput(0, y));
  if (softmax_cross_entropy && OutputUsed(1)) WEBNN_RETURN_IF_ERROR(SetOutput(1, logp));
  return {};
}

// RNN (ONNX's simple recurrent network), unrolled over the steps: per direction
// H = f(X_t W^T + H R^T + Wb + Rb), as gemm, add and the activation.
Status Importer::SimpleRnn() {
  if (HasInput(4)) return Unsupported("sequence_lens (variable sequence lengths)");
  if (attrs().Has("clip")) return Unsupported("the clip attribute");
  if (attrs().Has("activation_alpha") || attrs().Has("activation_beta")) {
    return Unsupported("activation_alpha/activation_beta");
  }
  const bool batch_first = attrs().Int("layout", 0) != 0;
  WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
  WEBNN_ASSIGN_OR_RETURN(OperandId w, X(1));
  WEBNN_ASSIGN_OR_RETURN(OperandId r, X(2));
  if (batch_first) {
    WEBNN_ASSIGN_OR_RETURN(x, Transpose(x, {1, 0, 2}));
  }
  const auto xs = D(x).shape, ws = D(w).shape;
  if (xs.size() != 3 || ws.size() != 3)
    return MakeError(ErrorCode::kTypeError, "X and W must be 3-D");
  const uint32_t steps = xs[0], batch = xs[1], input = xs[2], dirs = ws[0], hidden = ws[1];
  const std::string dir = attrs().String("direction", "forward");
  if ((dir == "bidirectional") != (dirs == 2))
    return MakeError(ErrorCode::kTypeError, "W does not match the direction");
  std::vector<std::string> acts = attrs().Strings("activations");
  // Per-direction slices of a [dirs, ...] operand as 2-D.
  auto part = [&](OperandId v, uint32_t d, std::vector<uint32_t> shape) -> Result<OperandId> {
    std::vector<uint32_t> starts(D(v).rank(), 0), sizes = D(v).shape;
    starts[0] = d;
    sizes[0] = 1;
    OperandId s = v;
    if (D(v).shape[0] != 1) {
      WEBNN_ASSIGN_OR_RETURN(s, Op(OpKind::kSlice, {v}, SliceAttrs{starts, sizes, std::nullopt}));
    }
    return Reshape(s, std::move(shape));
  };
  std::vector<OperandId> steps_x(steps);
  for (uint32_t i = 0; i < steps; ++i) {
    WEBNN_ASSIGN_OR_RETURN(steps_x[i], part(x, i, {batch, input}));
  }
  std::vector<std::vector<OperandId>> seq(dirs, std::vector<OperandId>(steps));
  std::vector<OperandId> last(dirs);
  for (uint32_t d = 0; d < dirs; ++d) {
    WEBNN_ASSIGN_OR_RETURN(OperandId wd, part(w, d, {hidden, input}));
    WEBNN_ASSIGN_OR_RETURN(OperandId rd, part(r, d, {hidden, hidden}));
    OperandId bias = kNoOperand;
    if (HasInput(3)) {
      WEBNN_ASSIGN_OR_RETURN(OperandId b, X(3));
      WEBNN_ASSIGN_OR_RETURN(OperandId bd, part(b, d, {2 * hidden}));
      WEBNN_ASSIGN_OR_RETURN(std::vector<OperandId> halves,
                             OpN(OpKind::kSplit, {bd}, SplitAttrs{uint32_t{2}, 0}));
      WEBNN_ASSIGN_OR_RETURN(bias, Binary(OpKind::kAdd, halves[0], halves[1]));
    }
    OperandId h = kNoOperand;
    if (HasInput(5)) {
      WEBNN_ASSIGN_OR_RETURN(OperandId h0, X(5));
      if (batch_first) {
        WEBNN_ASSIGN_OR_RETURN(h0, Transpose(h0, {1, 0, 2}));
      }
      WEBNN_ASSIGN_OR_RETURN(h, part(h0, d, {batch, hidden}));
    }
    const std::string act = acts.size() > d ? acts[d] : "Tanh";
    OpKind act_kind;
    if (act == "Tanh") {
      act_kind = OpKind::kTanh;
    } else if (act == "Relu") {
      act_kind = OpKind::kRelu;
    } else if (act == "Sigmoid") {
      act_kind = OpKind::kSigmoid;
    } else {
      return Unsupported("activation ", act);
    }
    const bool backward = dir == "reverse" || d == 1;
    for (uint32_t i = 0; i < steps; ++i) {
      const uint32_t step = backward ? steps - 1 - i : i;
      GemmAttrs ga;
      ga.bTranspose = true;
      WEBNN_ASSIGN_OR_RETURN(OperandId z, Op(OpKind::kGemm, {steps_x[step], wd, bias}, ga));
      if (h != kNoOperand) {
        WEBNN_ASSIGN_OR_RETURN(OperandId hr, Op(OpKind::kGemm, {h, rd, kNoOperand}, ga));
        WEBNN_ASSIGN_OR_RETURN(z, Binary(OpKind::kAdd, z, hr));
      }
      WEBNN_ASSIGN_OR_RETURN(h, Unary(act_kind, z));
      WEBNN_ASSIGN_OR_RETURN(seq[d][step], Reshape(h, {1, 1, batch, hidden}));
    }
    WEBNN_ASSIGN_OR_RETURN(last[d], Reshape(h, {1, batch, hidden}));
  }
  OperandId y_h = last[0];
  if (dirs == 2) {
    WEBNN_ASSIGN_OR_RETURN(y_h, Op(OpKind::kConcat, last, AxisAttrs{0}));
  }
  if (batch_first) {
    WEBNN_ASSIGN_OR_RETURN(y_h, Transpose(y_h, {1, 0, 2}));
  }
  WEBNN_RETURN_IF_ERROR(SetOutput(1, y_h));
  if (OutputUsed(0)) {
    std::vector<OperandId> per_step;
    for (uint32_t i = 0; i < steps; ++i) {
      OperandId s = seq[0][i];
      if (dirs == 2) {
        WEBNN_ASSIGN_OR_RETURN(s, Op(OpKind::kConcat, {seq[0][i], seq[1][i]}, AxisAttrs{1}));
      }
      per_step.push_back(s);
    }
    OperandId y = per_step[0];
    if (steps > 1) {
      WEBNN_ASSIGN_OR_RETURN(y, Op(OpKind::kConcat, per_step, AxisAttrs{0}));
    } else {
      WEBNN_ASSIGN_OR_RETURN(y, Unary(OpKind::kIdentity, y));
    }
    if (batch_first) {
      WEBNN_ASSIGN_OR_RETURN(y, Transpose(y, {2, 0, 1, 3}));
    }
    WEBNN_RETURN_IF_ERROR(SetOutput(0, y));
  }
  return {};
}

// (float(x) - float(zero point)) * scale, the zero point and scale per tensor or per `axis`
// (a 1-D one is reshaped to broadcast along that axis). `scale` may be absent (integer ops).
Result<OperandId> Importer::Dequantized(OperandId x, OperandId scale, OperandId zp, int64_t axis) {
  const DataType f = DataType::kFloat32;
  const uint32_t rank = D(x).rank();
  auto along = [&](OperandId v) -> Result<OperandId> {
    const auto vs = D(v).shape;
    if (vs.size() != 1 || vs[0] == 1 || rank == 0) return v;
    WEBNN_ASSIGN_OR_RETURN(uint32_t a, Axis(axis, rank));
    std::vector<uint32_t> shape(rank - a, 1);
    shape[0] = vs[0];
    return Reshape(v, shape);
  };
  WEBNN_ASSIGN_OR_RETURN(OperandId y, Cast(x, f));
  if (zp != kNoOperand) {
    WEBNN_ASSIGN_OR_RETURN(OperandId z, Cast(zp, f));
    WEBNN_ASSIGN_OR_RETURN(z, along(z));
    WEBNN_ASSIGN_OR_RETURN(y, Binary(OpKind::kSub, y, z));
  }
  if (scale != kNoOperand) {
    WEBNN_ASSIGN_OR_RETURN(OperandId sc, along(scale));
    WEBNN_ASSIGN_OR_RETURN(y, Binary(OpKind::kMul, y, sc));
  }
  return y;
}

// saturate(roundEven(y / scale) + zero point) in the zero point's type (uint8 or int8).
Result<OperandId> Importer::Quantized(OperandId y, OperandId scale, OperandId zp) {
  const DataType t = D(zp).dataType;
  if (t != DataType::kUint8 && t != DataType::kInt8) {
    return Unsupported("quantizing to ", DataTypeName(t));
  }
  WEBNN_ASSIGN_OR_RETURN(OperandId q, Binary(OpKind::kDiv, y, scale));
  WEBNN_ASSIGN_OR_RETURN(q, Unary(OpKind::kRoundEven, q));
  WEBNN_ASSIGN_OR_RETURN(OperandId z, Cast(zp, D(y).dataType));
  WEBNN_ASSIGN_OR_RETURN(q, Binary(OpKind::kAdd, q, z));
  ClampAttrs ca{MLNumber(t == DataType::kUint8 ? 0.0 : -128.0),
                MLNumber(t == DataType::kUint8 ? 255.0 : 127.0)};
  WEBNN_ASSIGN_OR_RETURN(q, Op(OpKind::kClamp, {q}, ca));
  return Cast(q, t);
}

// MatMulInteger, ConvInteger, QLinearMatMul and QLinearConv in float32: the integer operands
// (uint8/int8 less their zero points) and their int32 sums are exact there while they stay
// under 2^24.
Status Importer::IntegerOp(bool conv, bool qlinear) {
  // Operand positions: integer ops (a, b, a_zp, b_zp); QLinear ops (a, a_scale, a_zp, b,
  // b_scale, b_zp, y_scale, y_zp[, bias]).
  const size_t a_i = 0, b_i = qlinear ? 3 : 1;
  const size_t a_zp_i = 2, b_zp_i = qlinear ? 5 : 3;
  WEBNN_ASSIGN_OR_RETURN(OperandId a, X(a_i));
  WEBNN_ASSIGN_OR_RETURN(OperandId b, X(b_i));
  OperandId a_scale = kNoOperand, b_scale = kNoOperand, a_zp = kNoOperand, b_zp = kNoOperand;
  if (qlinear) {
    WEBNN_ASSIGN_OR_RETURN(a_scale, X(1));
    WEBNN_ASSIGN_OR_RETURN(b_scale, X(4));
  }
  if (HasInput(a_zp_i)) {
    WEBNN_ASSIGN_OR_RETURN(a_zp, X(a_zp_i));
  }
  if (HasInput(b_zp_i)) {
    WEBNN_ASSIGN_OR_RETURN(b_zp, X(b_zp_i));
  }
  // Per-axis parameters: A's rows (MatMul) / none (Conv input); B's columns (MatMul, the
  // last axis) / output channels (Conv weight, axis 0).
  WEBNN_ASSIGN_OR_RETURN(OperandId af, Dequantized(a, a_scale, a_zp, conv ? 1 : -2));
  WEBNN_ASSIGN_OR_RETURN(OperandId bf, Dequantized(b, b_scale, b_zp, conv ? 0 : -1));
  OperandId y;
  if (conv) {
    OperandId bias = kNoOperand;
    if (qlinear && HasInput(8)) {
      // The int32 bias is in units of a_scale * w_scale.
      WEBNN_ASSIGN_OR_RETURN(OperandId bi, X(8));
      WEBNN_ASSIGN_OR_RETURN(OperandId s, Binary(OpKind::kMul, a_scale, b_scale));
      WEBNN_ASSIGN_OR_RETURN(s, Reshape(s, {ElementCountOf(D(s).shape) == 1 ? 1u : D(s).shape[0]}));
      WEBNN_ASSIGN_OR_RETURN(bias, Dequantized(bi, s, kNoOperand, 0));
      if (D(bias).shape != D(bi).shape) {
        WEBNN_ASSIGN_OR_RETURN(bias, Op(OpKind::kExpand, {bias}, NewShapeAttrs{D(bi).shape}));
      }
    }
    WEBNN_ASSIGN_OR_RETURN(y, ConvCore(false, af, bf, bias));
  } else {
    const auto as = D(af).shape, bs = D(bf).shape;
    if (as.size() < 2 || bs.size() < 2) return Unsupported("a 1-D integer matmul");
    WEBNN_ASSIGN_OR_RETURN(y, Binary(OpKind::kMatmul, af, bf));
  }
  if (!qlinear) {
    WEBNN_ASSIGN_OR_RETURN(y, Cast(y, DataType::kInt32));
    return SetOutput(0, y);
  }
  WEBNN_ASSIGN_OR_RETURN(OperandId y_scale, X(6));
  WEBNN_ASSIGN_OR_RETURN(OperandId y_zp, X(7));
  WEBNN_ASSIGN_OR_RETURN(y, Quantized(y, y_scale, y_zp));
  return SetOutput(0, y);
}

// ---- The table ----------------------------------------------------------------------------------

void Importer::RegisterOps() {
  auto& h = handlers_;
  for (const auto& [name, kind] :
       std::initializer_list<std::pair<const char*, OpKind>>{{"Abs", OpKind::kAbs},
                                                             {"Ceil", OpKind::kCeil},
                                                             {"Cos", OpKind::kCos},
                                                             {"Erf", OpKind::kErf},
                                                             {"Exp", OpKind::kExp},
                                                             {"Floor", OpKind::kFloor},
                                                             {"Log", OpKind::kLog},
                                                             {"Neg", OpKind::kNeg},
                                                             {"Reciprocal", OpKind::kReciprocal},
                                                             {"Round", OpKind::kRoundEven},
                                                             {"Sin", OpKind::kSin},
                                                             {"Sign", OpKind::kSign},
                                                             {"Sqrt", OpKind::kSqrt},
                                                             {"Tan", OpKind::kTan},
                                                             {"Tanh", OpKind::kTanh},
                                                             {"Sigmoid", OpKind::kSigmoid},
                                                             {"Relu", OpKind::kRelu},
                                                             {"Softplus", OpKind::kSoftplus},
                                                             {"Softsign", OpKind::kSoftsign},
                                                             {"HardSwish", OpKind::kHardSwish},
                                                             {"IsNaN", OpKind::kIsNaN}}) {
    const OpKind k = kind;
    h[name] = [this, k] { return ElementwiseUnary(k); };
  }
  h["Not"] = [this] {
    if (const Tensor* t = Known(0)) {
      std::vector<int64_t> v = t->Ints();
      for (auto& x : v) x = x == 0;
      return SetOutput(0, Tensor::FromInts(DataType::kUint8, t->desc.shape, v));
    }
    return ElementwiseUnary(OpKind::kLogicalNot);
  };
  for (const auto& [name, kind, host] :
       std::initializer_list<std::tuple<const char*, OpKind, std::optional<HostBinaryOp>>>{
           {"Add", OpKind::kAdd, HostBinaryOp::kAdd},
           {"Sub", OpKind::kSub, HostBinaryOp::kSub},
           {"Mul", OpKind::kMul, HostBinaryOp::kMul},
           {"Div", OpKind::kDiv, HostBinaryOp::kDiv},
           {"Pow", OpKind::kPow, std::nullopt},
           {"Equal", OpKind::kEqual, HostBinaryOp::kEqual},
           {"Greater", OpKind::kGreater, HostBinaryOp::kGreater},
           {"Less", OpKind::kLesser, HostBinaryOp::kLess},
           {"GreaterOrEqual", OpKind::kGreaterOrEqual, HostBinaryOp::kGreaterOrEqual},
           {"LessOrEqual", OpKind::kLesserOrEqual, HostBinaryOp::kLessOrEqual},
           {"And", OpKind::kLogicalAnd, HostBinaryOp::kAnd},
           {"Or", OpKind::kLogicalOr, HostBinaryOp::kOr},
           {"Xor", OpKind::kLogicalXor, HostBinaryOp::kXor}}) {
    const OpKind k = kind;
    const std::optional<HostBinaryOp> hb = host;
    h[name] = [this, k, hb] { return ElementwiseBinary(k, hb); };
  }
  h["PRelu"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId slope, X(1));
    const auto xs = D(x).shape, ss = D(slope).shape;
    // Before opset 7 a 1-D slope was per channel (axis 1), which does not broadcast from the
    // right: it becomes [C, 1, ...].
    if (ss.size() == 1 && xs.size() >= 2 && ss[0] == xs[1] && ss[0] != 1 &&
        !BroadcastShapes(xs, ss).has_value()) {
      std::vector<uint32_t> shape(xs.size() - 1, 1);
      shape[0] = ss[0];
      WEBNN_ASSIGN_OR_RETURN(slope, Reshape(slope, shape));
    }
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Binary(OpKind::kPrelu, x, slope));
    return SetOutput(0, y);
  };
  h["Max"] = [this] { return Variadic(OpKind::kMax, HostBinaryOp::kMax, false); };
  h["Min"] = [this] { return Variadic(OpKind::kMin, HostBinaryOp::kMin, false); };
  h["Sum"] = [this] { return Variadic(OpKind::kAdd, HostBinaryOp::kAdd, false); };
  h["Mean"] = [this] { return Variadic(OpKind::kAdd, std::nullopt, true); };
  h["Mod"] = [this]() -> Status {
    if (Known(0) && Known(1) && attrs().Int("fmod", 0) == 0 &&
        !IsFloatingPoint(Known(0)->desc.dataType)) {
      WEBNN_ASSIGN_OR_RETURN(Tensor t, HostBinary(HostBinaryOp::kMod, *Known(0), *Known(1)));
      return SetOutput(0, std::move(t));
    }
    WEBNN_ASSIGN_OR_RETURN(OperandId a, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId b, X(1));
    const DataType t = D(a).dataType;
    const bool fmod = attrs().Int("fmod", 0) != 0;
    if (IsFloatingPoint(t) && !fmod)
      return MakeError(ErrorCode::kTypeError, "a float Mod needs fmod = 1");
    // r = a - trunc(a / b) * b; integer div truncates, floats use sign(q) * floor(|q|).
    WEBNN_ASSIGN_OR_RETURN(OperandId q, Binary(OpKind::kDiv, a, b));
    if (IsFloatingPoint(t)) {
      WEBNN_ASSIGN_OR_RETURN(OperandId mag, Unary(OpKind::kAbs, q));
      WEBNN_ASSIGN_OR_RETURN(mag, Unary(OpKind::kFloor, mag));
      WEBNN_ASSIGN_OR_RETURN(OperandId sign, Unary(OpKind::kSign, q));
      WEBNN_ASSIGN_OR_RETURN(q, Binary(OpKind::kMul, mag, sign));
    }
    WEBNN_ASSIGN_OR_RETURN(OperandId qb, Binary(OpKind::kMul, q, b));
    WEBNN_ASSIGN_OR_RETURN(OperandId r, Binary(OpKind::kSub, a, qb));
    if (!fmod && IsSigned(t)) {
      // Python's %: a nonzero remainder takes the divisor's sign (r + b when the signs differ).
      WEBNN_ASSIGN_OR_RETURN(OperandId zero, Scalar(t, 0));
      WEBNN_ASSIGN_OR_RETURN(OperandId nz, Binary(OpKind::kNotEqual, r, zero));
      WEBNN_ASSIGN_OR_RETURN(OperandId rn, Binary(OpKind::kLesser, r, zero));
      WEBNN_ASSIGN_OR_RETURN(OperandId bn, Binary(OpKind::kLesser, b, zero));
      WEBNN_ASSIGN_OR_RETURN(OperandId differ, Binary(OpKind::kLogicalXor, rn, bn));
      WEBNN_ASSIGN_OR_RETURN(OperandId fix, Binary(OpKind::kLogicalAnd, nz, differ));
      WEBNN_ASSIGN_OR_RETURN(OperandId rb, Binary(OpKind::kAdd, r, b));
      WEBNN_ASSIGN_OR_RETURN(r, Op(OpKind::kWhere, {fix, rb, r}, NoAttrs{}));
    }
    return SetOutput(0, r);
  };

  // Activations with attributes.
  h["Elu"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId y,
                           Op(OpKind::kElu, {x}, EluAttrs{attrs().Float("alpha", 1.0f)}));
    return SetOutput(0, y);
  };
  h["LeakyRelu"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(
        OperandId y, Op(OpKind::kLeakyRelu, {x}, LeakyReluAttrs{attrs().Float("alpha", 0.01f)}));
    return SetOutput(0, y);
  };
  h["HardSigmoid"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kHardSigmoid, {x},
                                           HardSigmoidAttrs{attrs().Float("alpha", 0.2f),
                                                            attrs().Float("beta", 0.5f)}));
    return SetOutput(0, y);
  };
  h["Selu"] = [this]() -> Status {
    // gamma * elu(x, alpha)
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(
        OperandId e,
        Op(OpKind::kElu, {x}, EluAttrs{attrs().Float("alpha", 1.67326319217681884765625f)}));
    WEBNN_ASSIGN_OR_RETURN(
        OperandId g, Scalar(D(x).dataType, attrs().Float("gamma", 1.05070102214813232421875f)));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Binary(OpKind::kMul, e, g));
    return SetOutput(0, y);
  };
  h["Celu"] = [this]() -> Status {
    // alpha * elu(x / alpha)
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId a, Scalar(D(x).dataType, attrs().Float("alpha", 1.0f)));
    WEBNN_ASSIGN_OR_RETURN(OperandId d, Binary(OpKind::kDiv, x, a));
    WEBNN_ASSIGN_OR_RETURN(OperandId e, Op(OpKind::kElu, {d}, EluAttrs{1.0}));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Binary(OpKind::kMul, e, a));
    return SetOutput(0, y);
  };
  h["ThresholdedRelu"] = [this]() -> Status {
    // where(x > alpha, x, 0)
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId a, Scalar(D(x).dataType, attrs().Float("alpha", 1.0f)));
    WEBNN_ASSIGN_OR_RETURN(OperandId z, Scalar(D(x).dataType, 0));
    WEBNN_ASSIGN_OR_RETURN(OperandId c, Binary(OpKind::kGreater, x, a));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kWhere, {c, x, z}, NoAttrs{}));
    return SetOutput(0, y);
  };
  h["Shrink"] = [this]() -> Status {
    // where(x < -lambd, x + bias, where(x > lambd, x - bias, 0))
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    const DataType t = D(x).dataType;
    const double l = attrs().Float("lambd", 0.5f), b = attrs().Float("bias", 0.0f);
    WEBNN_ASSIGN_OR_RETURN(OperandId nl, Scalar(t, -l));
    WEBNN_ASSIGN_OR_RETURN(OperandId pl, Scalar(t, l));
    WEBNN_ASSIGN_OR_RETURN(OperandId bc, Scalar(t, b));
    WEBNN_ASSIGN_OR_RETURN(OperandId z, Scalar(t, 0));
    WEBNN_ASSIGN_OR_RETURN(OperandId lo, Binary(OpKind::kLesser, x, nl));
    WEBNN_ASSIGN_OR_RETURN(OperandId hi, Binary(OpKind::kGreater, x, pl));
    WEBNN_ASSIGN_OR_RETURN(OperandId plus, Binary(OpKind::kAdd, x, bc));
    WEBNN_ASSIGN_OR_RETURN(OperandId minus, Binary(OpKind::kSub, x, bc));
    WEBNN_ASSIGN_OR_RETURN(OperandId inner, Op(OpKind::kWhere, {hi, minus, z}, NoAttrs{}));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kWhere, {lo, plus, inner}, NoAttrs{}));
    return SetOutput(0, y);
  };
  h["Mish"] = [this]() -> Status {
    // x * tanh(softplus(x))
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId s, Unary(OpKind::kSoftplus, x));
    WEBNN_ASSIGN_OR_RETURN(OperandId t, Unary(OpKind::kTanh, s));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Binary(OpKind::kMul, x, t));
    return SetOutput(0, y);
  };
  h["Gelu"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    if (attrs().String("approximate", "none") == "none") {
      WEBNN_ASSIGN_OR_RETURN(OperandId y, Unary(OpKind::kGelu, x));
      return SetOutput(0, y);
    }
    // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
    const DataType t = D(x).dataType;
    WEBNN_ASSIGN_OR_RETURN(OperandId x3, Binary(OpKind::kMul, x, x));
    WEBNN_ASSIGN_OR_RETURN(x3, Binary(OpKind::kMul, x3, x));
    WEBNN_ASSIGN_OR_RETURN(OperandId c, Scalar(t, 0.044715));
    WEBNN_ASSIGN_OR_RETURN(OperandId inner, Binary(OpKind::kMul, x3, c));
    WEBNN_ASSIGN_OR_RETURN(inner, Binary(OpKind::kAdd, inner, x));
    WEBNN_ASSIGN_OR_RETURN(OperandId k, Scalar(t, std::sqrt(2.0 / M_PI)));
    WEBNN_ASSIGN_OR_RETURN(inner, Binary(OpKind::kMul, inner, k));
    WEBNN_ASSIGN_OR_RETURN(OperandId th, Unary(OpKind::kTanh, inner));
    WEBNN_ASSIGN_OR_RETURN(OperandId one, Scalar(t, 1));
    WEBNN_ASSIGN_OR_RETURN(th, Binary(OpKind::kAdd, th, one));
    WEBNN_ASSIGN_OR_RETURN(OperandId half, Scalar(t, 0.5));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Binary(OpKind::kMul, x, half));
    WEBNN_ASSIGN_OR_RETURN(y, Binary(OpKind::kMul, y, th));
    return SetOutput(0, y);
  };
  h["IsInf"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    const bool pos = attrs().Int("detect_positive", 1) != 0,
               neg = attrs().Int("detect_negative", 1) != 0;
    WEBNN_ASSIGN_OR_RETURN(OperandId inf, Unary(OpKind::kIsInfinite, x));
    OperandId y = inf;
    if (pos != neg) {
      WEBNN_ASSIGN_OR_RETURN(OperandId z, Scalar(D(x).dataType, 0));
      WEBNN_ASSIGN_OR_RETURN(OperandId side,
                             Binary(pos ? OpKind::kGreater : OpKind::kLesser, x, z));
      WEBNN_ASSIGN_OR_RETURN(y, Binary(OpKind::kLogicalAnd, inf, side));
    } else if (!pos) {
      WEBNN_ASSIGN_OR_RETURN(OperandId f, Binary(OpKind::kNotEqual, x, x));  // NaN only
      WEBNN_ASSIGN_OR_RETURN(y, Binary(OpKind::kLogicalAnd, inf, f));
    }
    return SetOutput(0, y);
  };
  // Hyperbolic functions from exp and log.
  auto hyperbolic = [this](int which) -> Status {
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    const DataType t = D(x).dataType;
    WEBNN_ASSIGN_OR_RETURN(OperandId one, Scalar(t, 1));
    WEBNN_ASSIGN_OR_RETURN(OperandId half, Scalar(t, 0.5));
    OperandId y;
    if (which <= 1) {  // sinh, cosh: (e^x -/+ e^-x) / 2
      WEBNN_ASSIGN_OR_RETURN(OperandId e, Unary(OpKind::kExp, x));
      WEBNN_ASSIGN_OR_RETURN(OperandId nx, Unary(OpKind::kNeg, x));
      WEBNN_ASSIGN_OR_RETURN(OperandId en, Unary(OpKind::kExp, nx));
      WEBNN_ASSIGN_OR_RETURN(y, Binary(which == 0 ? OpKind::kSub : OpKind::kAdd, e, en));
      WEBNN_ASSIGN_OR_RETURN(y, Binary(OpKind::kMul, y, half));
    } else if (which <= 3) {  // asinh, acosh: log(x + sqrt(x^2 +/- 1))
      WEBNN_ASSIGN_OR_RETURN(OperandId sq, Binary(OpKind::kMul, x, x));
      WEBNN_ASSIGN_OR_RETURN(sq, Binary(which == 2 ? OpKind::kAdd : OpKind::kSub, sq, one));
      WEBNN_ASSIGN_OR_RETURN(sq, Unary(OpKind::kSqrt, sq));
      WEBNN_ASSIGN_OR_RETURN(y, Binary(OpKind::kAdd, x, sq));
      WEBNN_ASSIGN_OR_RETURN(y, Unary(OpKind::kLog, y));
    } else {  // atanh: log((1 + x) / (1 - x)) / 2
      WEBNN_ASSIGN_OR_RETURN(OperandId a, Binary(OpKind::kAdd, one, x));
      WEBNN_ASSIGN_OR_RETURN(OperandId b, Binary(OpKind::kSub, one, x));
      WEBNN_ASSIGN_OR_RETURN(y, Binary(OpKind::kDiv, a, b));
      WEBNN_ASSIGN_OR_RETURN(y, Unary(OpKind::kLog, y));
      WEBNN_ASSIGN_OR_RETURN(y, Binary(OpKind::kMul, y, half));
    }
    return SetOutput(0, y);
  };
  h["Sinh"] = [hyperbolic] { return hyperbolic(0); };
  h["Cosh"] = [hyperbolic] { return hyperbolic(1); };
  h["Asinh"] = [hyperbolic] { return hyperbolic(2); };
  h["Acosh"] = [hyperbolic] { return hyperbolic(3); };
  h["Atanh"] = [hyperbolic] { return hyperbolic(4); };

  // Inverse trigonometric functions from a polynomial: atan(t) on [0, 1] by Abramowitz & Stegun
  // 4.4.49 (|error| <= 2e-8), atan(|x|) = pi/2 - atan(1/|x|) above 1, the sign restored;
  // asin(x) = atan(x / sqrt(1 - x^2)), acos(x) = pi/2 - asin(x).
  auto inverse_trig = [this](int which) -> Status {
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    const DataType t = D(x).dataType;
    WEBNN_ASSIGN_OR_RETURN(OperandId one, Scalar(t, 1));
    WEBNN_ASSIGN_OR_RETURN(OperandId half_pi, Scalar(t, M_PI / 2));
    OperandId arg = x;
    if (which != 0) {
      WEBNN_ASSIGN_OR_RETURN(OperandId sq, Binary(OpKind::kMul, x, x));
      WEBNN_ASSIGN_OR_RETURN(sq, Binary(OpKind::kSub, one, sq));
      WEBNN_ASSIGN_OR_RETURN(sq, Unary(OpKind::kSqrt, sq));
      WEBNN_ASSIGN_OR_RETURN(arg, Binary(OpKind::kDiv, x, sq));
    }
    WEBNN_ASSIGN_OR_RETURN(OperandId a, Unary(OpKind::kAbs, arg));
    WEBNN_ASSIGN_OR_RETURN(OperandId big, Binary(OpKind::kGreater, a, one));
    WEBNN_ASSIGN_OR_RETURN(OperandId inv, Unary(OpKind::kReciprocal, a));
    WEBNN_ASSIGN_OR_RETURN(OperandId u, Op(OpKind::kWhere, {big, inv, a}, NoAttrs{}));
    WEBNN_ASSIGN_OR_RETURN(OperandId u2, Binary(OpKind::kMul, u, u));
    static constexpr double kCoefficients[] = {0.0028662257,  -0.0161657367, 0.0429096138,
                                               -0.0752896400, 0.1065626393,  -0.1420889944,
                                               0.1999355085,  -0.3333314528, 1.0};
    WEBNN_ASSIGN_OR_RETURN(OperandId p, Scalar(t, kCoefficients[0]));
    for (size_t i = 1; i < std::size(kCoefficients); ++i) {  // Horner in u^2
      WEBNN_ASSIGN_OR_RETURN(p, Binary(OpKind::kMul, p, u2));
      WEBNN_ASSIGN_OR_RETURN(OperandId c, Scalar(t, kCoefficients[i]));
      WEBNN_ASSIGN_OR_RETURN(p, Binary(OpKind::kAdd, p, c));
    }
    WEBNN_ASSIGN_OR_RETURN(p, Binary(OpKind::kMul, p, u));
    WEBNN_ASSIGN_OR_RETURN(OperandId flipped, Binary(OpKind::kSub, half_pi, p));
    WEBNN_ASSIGN_OR_RETURN(p, Op(OpKind::kWhere, {big, flipped, p}, NoAttrs{}));
    WEBNN_ASSIGN_OR_RETURN(OperandId sign, Unary(OpKind::kSign, arg));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Binary(OpKind::kMul, p, sign));
    if (which == 2) {
      WEBNN_ASSIGN_OR_RETURN(y, Binary(OpKind::kSub, half_pi, y));
    }
    return SetOutput(0, y);
  };
  h["Atan"] = [inverse_trig] { return inverse_trig(0); };
  h["Asin"] = [inverse_trig] { return inverse_trig(1); };
  h["Acos"] = [inverse_trig] { return inverse_trig(2); };
  h["BitShift"] = [this]() -> Status {
    // Unsigned shifts: x * 2^s (LEFT) or x / 2^s (RIGHT; integer division truncates).
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId sh, X(1));
    const DataType t = D(x).dataType;
    if (IsSigned(t)) return MakeError(ErrorCode::kTypeError, "BitShift takes unsigned integers");
    WEBNN_ASSIGN_OR_RETURN(OperandId two, Scalar(t, 2));
    WEBNN_ASSIGN_OR_RETURN(OperandId p, Binary(OpKind::kPow, two, sh));
    const bool left = attrs().String("direction", "") == "LEFT";
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Binary(left ? OpKind::kMul : OpKind::kDiv, x, p));
    return SetOutput(0, y);
  };
  h["ReverseSequence"] = [this]() -> Status {
    // out[t, b] = in[t < len[b] ? len[b] - 1 - t : t, b] along the time axis: gatherElements
    // with indices computed from the lengths.
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId lens, X(1));
    const auto xs = D(x).shape;
    const uint32_t rank = static_cast<uint32_t>(xs.size());
    WEBNN_ASSIGN_OR_RETURN(uint32_t time, Axis(attrs().Int("time_axis", 0), rank));
    WEBNN_ASSIGN_OR_RETURN(uint32_t batch, Axis(attrs().Int("batch_axis", 1), rank));
    std::vector<uint32_t> tshape(rank, 1), bshape(rank, 1);
    tshape[time] = xs[time];
    bshape[batch] = xs[batch];
    std::vector<int64_t> iota(xs[time]);
    std::iota(iota.begin(), iota.end(), 0);
    WEBNN_ASSIGN_OR_RETURN(OperandId io,
                           Constant(Tensor::FromInts(DataType::kInt64, tshape, iota)));
    WEBNN_ASSIGN_OR_RETURN(lens, Cast(lens, DataType::kInt64));
    WEBNN_ASSIGN_OR_RETURN(lens, Reshape(lens, bshape));
    WEBNN_ASSIGN_OR_RETURN(OperandId inside, Binary(OpKind::kLesser, io, lens));
    WEBNN_ASSIGN_OR_RETURN(OperandId one, Scalar(DataType::kInt64, 1));
    WEBNN_ASSIGN_OR_RETURN(OperandId last, Binary(OpKind::kSub, lens, one));
    WEBNN_ASSIGN_OR_RETURN(OperandId rev, Binary(OpKind::kSub, last, io));
    WEBNN_ASSIGN_OR_RETURN(OperandId idx, Op(OpKind::kWhere, {inside, rev, io}, NoAttrs{}));
    WEBNN_ASSIGN_OR_RETURN(idx, Op(OpKind::kExpand, {idx}, NewShapeAttrs{xs}));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kGatherElements, {x, idx}, GatherAttrs{time}));
    return SetOutput(0, y);
  };
  h["RNN"] = [this] { return SimpleRnn(); };

  h["Clip"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    const DataType t = D(x).dataType;
    ClampAttrs ca;
    if (opset() < 11) {
      if (attrs().Has("min")) ca.minValue = NumberFor(t, attrs().Float("min", 0));
      if (attrs().Has("max")) ca.maxValue = NumberFor(t, attrs().Float("max", 0));
    } else {
      for (size_t i : {1u, 2u}) {
        if (!HasInput(i)) continue;
        if (const Tensor* k = Known(i)) {
          const MLNumber n =
              IsFloatingPoint(t) ? MLNumber(k->GetDouble(0)) : MLNumber::Int(k->GetInt(0));
          (i == 1 ? ca.minValue : ca.maxValue) = n;
          continue;
        }
        // A bound computed at run time: max/min with it.
        WEBNN_ASSIGN_OR_RETURN(OperandId b, X(i));
        WEBNN_ASSIGN_OR_RETURN(x, Binary(i == 1 ? OpKind::kMax : OpKind::kMin, x, b));
      }
    }
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kClamp, {x}, ca));
    return SetOutput(0, y);
  };

  // Shapes and data movement.
  h["Identity"] = [this]() -> Status { return SetOutputValue(0, In(0)); };
  h["Dropout"] = [this]() -> Status {
    if (HasInput(2)) {
      if (!Known(2)) return Unsupported("training_mode computed at run time");
      if (Known(2)->GetInt(0) != 0) return Unsupported("Dropout in training mode");
    }
    WEBNN_RETURN_IF_ERROR(SetOutputValue(0, In(0)));
    if (HasOutput(1)) {
      std::vector<int64_t> ones(ElementCountOf(InShape(0)), 1);
      WEBNN_RETURN_IF_ERROR(SetOutput(1, Tensor::FromInts(DataType::kUint8, InShape(0), ones)));
    }
    return {};
  };
  h["Constant"] = [this]() -> Status {
    const auto& a = attrs();
    if (const auto* v = a.Find("value")) {
      WEBNN_ASSIGN_OR_RETURN(Tensor t, ReadTensorProto(v->t(), model_, base_dir_));
      return SetOutput(0, std::move(t));
    }
    if (const auto* v = a.Find("value_float")) {
      const double d[] = {v->f()};
      return SetOutput(0, Tensor::FromDoubles(DataType::kFloat32, {}, d));
    }
    if (const auto* v = a.Find("value_floats")) {
      std::vector<double> d(v->floats().begin(), v->floats().end());
      return SetOutput(
          0, Tensor::FromDoubles(DataType::kFloat32, {static_cast<uint32_t>(d.size())}, d));
    }
    if (const auto* v = a.Find("value_int")) {
      const int64_t d[] = {v->i()};
      return SetOutput(0, Tensor::FromInts(DataType::kInt64, {}, d));
    }
    if (const auto* v = a.Find("value_ints")) {
      std::vector<int64_t> d(v->ints().begin(), v->ints().end());
      return SetOutput(0, Tensor::FromInts(DataType::kInt64, {static_cast<uint32_t>(d.size())}, d));
    }
    return Unsupported("a Constant of a string or sparse value");
  };
  h["Cast"] = [this]() -> Status {
    const int to = static_cast<int>(attrs().Int("to", 0));
    WEBNN_ASSIGN_OR_RETURN(DataType type, FromOnnxType(to));
    const bool to_bool = to == onnx::TensorProto_DataType_BOOL;
    if (const Tensor* t = Known(0)) return SetOutput(0, HostCast(*t, type, to_bool));
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    OperandId y;
    if (to_bool) {
      WEBNN_ASSIGN_OR_RETURN(OperandId z, Scalar(D(x).dataType, 0));
      WEBNN_ASSIGN_OR_RETURN(y, Binary(OpKind::kNotEqual, x, z));
    } else if (D(x).dataType == type) {
      WEBNN_ASSIGN_OR_RETURN(y, Unary(OpKind::kIdentity, x));
    } else {
      WEBNN_ASSIGN_OR_RETURN(y, Cast(x, type));
    }
    return SetOutput(0, y);
  };
  h["CastLike"] = [this]() -> Status {
    const DataType type = In(1).desc.dataType;
    if (const Tensor* t = Known(0)) return SetOutput(0, HostCast(*t, type, false));
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId y,
                           D(x).dataType == type ? Unary(OpKind::kIdentity, x) : Cast(x, type));
    return SetOutput(0, y);
  };
  h["Shape"] = [this]() -> Status {
    const auto& s = InShape(0);
    const int64_t rank = static_cast<int64_t>(s.size());
    int64_t start = attrs().Int("start", 0), end = attrs().Int("end", rank);
    if (start < 0) start += rank;
    if (end < 0) end += rank;
    start = std::clamp<int64_t>(start, 0, rank);
    end = std::clamp<int64_t>(end, start, rank);
    std::vector<int64_t> v(s.begin() + start, s.begin() + end);
    return SetOutput(0, Tensor::FromInts(DataType::kInt64, {static_cast<uint32_t>(v.size())}, v));
  };
  h["Size"] = [this]() -> Status {
    const int64_t n[] = {static_cast<int64_t>(ElementCountOf(InShape(0)))};
    return SetOutput(0, Tensor::FromInts(DataType::kInt64, {}, n));
  };
  h["Reshape"] = [this]() -> Status {
    std::vector<int64_t> shape;
    if (opset() < 5 || !HasInput(1)) {
      shape = attrs().Ints("shape").value_or(std::vector<int64_t>{});
    } else {
      WEBNN_ASSIGN_OR_RETURN(shape, NeedInts(1, "shape"));
    }
    const auto& in = InShape(0);
    const bool allow_zero = attrs().Int("allowzero", 0) != 0;
    std::vector<uint32_t> out(shape.size());
    int infer = -1;
    size_t known = 1;
    for (size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] == -1) {
        if (infer >= 0) return MakeError(ErrorCode::kTypeError, "more than one -1 in the shape");
        infer = static_cast<int>(i);
        continue;
      }
      if (shape[i] == 0 && !allow_zero) {
        if (i >= in.size())
          return MakeError(ErrorCode::kTypeError, "0 copies a dimension the input does not have");
        out[i] = in[i];
      } else if (shape[i] < 0) {
        return MakeError(ErrorCode::kTypeError, "bad dimension ", shape[i]);
      } else {
        out[i] = static_cast<uint32_t>(shape[i]);
      }
      known *= out[i];
    }
    if (infer >= 0) {
      if (known == 0) return MakeError(ErrorCode::kTypeError, "cannot infer -1 next to a 0");
      out[static_cast<size_t>(infer)] = static_cast<uint32_t>(ElementCountOf(in) / known);
    }
    return ReshapeTo(out);
  };
  h["Flatten"] = [this]() -> Status {
    const auto& in = InShape(0);
    // axis is in [-rank, rank]: rank itself flattens to [n, 1].
    int64_t a_attr = attrs().Int("axis", 1);
    if (a_attr < 0) a_attr += static_cast<int64_t>(in.size());
    WEBNN_ASSIGN_OR_RETURN(uint32_t axis, Axis(a_attr, in.size() + 1));
    uint32_t a = 1, b = 1;
    for (size_t d = 0; d < in.size(); ++d) (d < axis ? a : b) *= in[d];
    return ReshapeTo({a, b});
  };
  h["Squeeze"] = [this]() -> Status {
    std::optional<std::vector<int64_t>> axes = attrs().Ints("axes");
    if (HasInput(1)) {
      WEBNN_ASSIGN_OR_RETURN(std::vector<int64_t> a, NeedInts(1, "axes"));
      axes = a;
    }
    const auto& in = InShape(0);
    std::vector<bool> drop(in.size(), false);
    if (axes) {
      WEBNN_ASSIGN_OR_RETURN(std::vector<uint32_t> a, Axes(*axes, in.size()));
      for (uint32_t x : a) {
        if (in[x] != 1)
          return MakeError(ErrorCode::kTypeError, "axis ", x, " has size ", in[x], ", not 1");
        drop[x] = true;
      }
    } else {
      for (size_t d = 0; d < in.size(); ++d) drop[d] = in[d] == 1;
    }
    std::vector<uint32_t> out;
    for (size_t d = 0; d < in.size(); ++d) {
      if (!drop[d]) out.push_back(in[d]);
    }
    return ReshapeTo(out);
  };
  h["Unsqueeze"] = [this]() -> Status {
    std::vector<int64_t> axes = attrs().Ints("axes").value_or(std::vector<int64_t>{});
    if (HasInput(1)) {
      WEBNN_ASSIGN_OR_RETURN(axes, NeedInts(1, "axes"));
    }
    const auto& in = InShape(0);
    const size_t rank = in.size() + axes.size();
    WEBNN_ASSIGN_OR_RETURN(std::vector<uint32_t> a, Axes(axes, rank));
    std::vector<bool> inserted(rank, false);
    for (uint32_t x : a) {
      if (inserted[x]) return MakeError(ErrorCode::kTypeError, "axis ", x, " is repeated");
      inserted[x] = true;
    }
    std::vector<uint32_t> out;
    size_t next = 0;
    for (size_t d = 0; d < rank; ++d) out.push_back(inserted[d] ? 1 : in[next++]);
    return ReshapeTo(out);
  };
  h["Transpose"] = [this]() -> Status {
    const uint32_t rank = InRank(0);
    std::vector<uint32_t> perm;
    if (auto p = attrs().Ints("perm")) {
      WEBNN_ASSIGN_OR_RETURN(perm, Axes(*p, rank));
    } else {
      for (uint32_t i = rank; i-- > 0;) perm.push_back(i);
    }
    if (const Tensor* t = Known(0)) return SetOutput(0, HostTranspose(*t, perm));
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kTranspose, {x}, TransposeAttrs{perm}));
    return SetOutput(0, y);
  };
  h["Concat"] = [this]() -> Status {
    const size_t rank = InRank(0);
    WEBNN_ASSIGN_OR_RETURN(uint32_t axis, Axis(attrs().Int("axis", 0), rank));
    if (AllKnown()) {
      std::vector<const Tensor*> parts;
      for (size_t i = 0; i < InputCount(); ++i) {
        const Tensor* p = Known(i);
        const auto& first = Known(0)->desc;
        bool same = p->desc.dataType == first.dataType && p->desc.rank() == first.rank();
        for (size_t d = 0; same && d < first.rank(); ++d) {
          same = d == axis || p->desc.shape[d] == first.shape[d];
        }
        if (!same) {
          return MakeError(ErrorCode::kTypeError, "input ", i, " (", DescriptorToString(p->desc),
                           ") does not fit input 0 (", DescriptorToString(first), ")");
        }
        parts.push_back(p);
      }
      return SetOutput(0, HostConcat(parts, axis));
    }
    std::vector<OperandId> parts;
    for (size_t i = 0; i < InputCount(); ++i) {
      if (ElementCountOf(InShape(i)) == 0) continue;  // empty parts add nothing
      WEBNN_ASSIGN_OR_RETURN(OperandId p, X(i));
      parts.push_back(p);
    }
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kConcat, parts, AxisAttrs{axis}));
    return SetOutput(0, y);
  };
  h["Split"] = [this] { return Split(); };
  h["Slice"] = [this] { return Slice(); };
  h["Gather"] = [this] { return Gather(); };
  h["GatherElements"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(uint32_t axis, Axis(attrs().Int("axis", 0), InRank(0)));
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId idx, NormalizeIndices(1, InShape(0)[axis]));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kGatherElements, {x, idx}, GatherAttrs{axis}));
    return SetOutput(0, y);
  };
  h["GatherND"] = [this]() -> Status {
    if (attrs().Int("batch_dims", 0) != 0) return Unsupported("GatherND with batch_dims");
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId idx, X(1));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kGatherND, {x, idx}, NoAttrs{}));
    return SetOutput(0, y);
  };
  h["ScatterElements"] = [this]() -> Status {
    if (attrs().String("reduction", "none") != "none")
      return Unsupported("ScatterElements with a reduction");
    WEBNN_ASSIGN_OR_RETURN(uint32_t axis, Axis(attrs().Int("axis", 0), InRank(0)));
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId idx, NormalizeIndices(1, InShape(0)[axis]));
    WEBNN_ASSIGN_OR_RETURN(OperandId u, X(2));
    WEBNN_ASSIGN_OR_RETURN(OperandId y,
                           Op(OpKind::kScatterElements, {x, idx, u}, GatherAttrs{axis}));
    return SetOutput(0, y);
  };
  h["Scatter"] = h["ScatterElements"];
  h["ScatterND"] = [this]() -> Status {
    if (attrs().String("reduction", "none") != "none")
      return Unsupported("ScatterND with a reduction");
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId idx, X(1));
    WEBNN_ASSIGN_OR_RETURN(OperandId u, X(2));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kScatterND, {x, idx, u}, NoAttrs{}));
    return SetOutput(0, y);
  };
  h["Expand"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(std::vector<int64_t> s, NeedInts(1, "shape"));
    WEBNN_ASSIGN_OR_RETURN(std::vector<uint32_t> target, ToDims(s, "shape"));
    auto shape = BroadcastShapes(InShape(0), target);
    if (!shape)
      return MakeError(ErrorCode::kTypeError, "cannot expand ", ShapeToString(InShape(0)), " to ",
                       ShapeToString(target));
    if (const Tensor* t = Known(0)) {
      WEBNN_RETURN_IF_ERROR(CheckFoldSize(*shape, t->desc.dataType));
      return SetOutput(0, HostBroadcastTo(*t, *shape));
    }
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kExpand, {x}, NewShapeAttrs{*shape}));
    return SetOutput(0, y);
  };
  h["Tile"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(std::vector<int64_t> r, NeedInts(1, "repeats"));
    WEBNN_ASSIGN_OR_RETURN(std::vector<uint32_t> reps, ToDims(r, "repeats"));
    if (const Tensor* t = Known(0)) {
      std::vector<uint32_t> out = t->desc.shape;
      for (size_t d = 0; d < out.size() && d < reps.size(); ++d) {
        const uint64_t dim = uint64_t{out[d]} * reps[d];
        if (dim > std::numeric_limits<int32_t>::max()) {
          return Unsupported("a tile of ", dim, " elements along axis ", d);
        }
        out[d] = static_cast<uint32_t>(dim);
      }
      WEBNN_RETURN_IF_ERROR(CheckFoldSize(out, t->desc.dataType));
      const auto& in = t->desc.shape;
      const std::vector<size_t> strides = RowMajorStrides(in);
      return SetOutput(0, HostMap(*t, out, [&](const std::vector<uint32_t>& o) {
                         size_t flat = 0;
                         for (size_t d = 0; d < o.size(); ++d) flat += (o[d] % in[d]) * strides[d];
                         return flat;
                       }));
    }
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kTile, {x}, TileAttrs{reps}));
    return SetOutput(0, y);
  };
  h["Where"] = [this]() -> Status {
    if (InputCount() != 3) return MakeError(ErrorCode::kTypeError, "Where takes 3 inputs");
    if (AllKnown() && In(1).desc.dataType == In(2).desc.dataType) {
      auto shape = BroadcastShapes(InShape(0), InShape(1));
      if (shape) shape = BroadcastShapes(*shape, InShape(2));
      if (!shape) return MakeError(ErrorCode::kTypeError, "the shapes do not broadcast");
      WEBNN_RETURN_IF_ERROR(CheckFoldSize(*shape, In(1).desc.dataType));
      return SetOutput(0, HostWhere(*Known(0), *Known(1), *Known(2)));
    }
    WEBNN_ASSIGN_OR_RETURN(OperandId c, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId a, X(1));
    WEBNN_ASSIGN_OR_RETURN(OperandId b, X(2));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kWhere, {c, a, b}, NoAttrs{}));
    return SetOutput(0, y);
  };
  h["Range"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(Tensor start, NeedKnown(0, "start"));
    WEBNN_ASSIGN_OR_RETURN(Tensor limit, NeedKnown(1, "limit"));
    WEBNN_ASSIGN_OR_RETURN(Tensor delta, NeedKnown(2, "delta"));
    const DataType t = start.desc.dataType;
    if (IsFloatingPoint(t)) {
      const double s = start.GetDouble(0), l = limit.GetDouble(0), d = delta.GetDouble(0);
      if (d == 0) return MakeError(ErrorCode::kTypeError, "delta is 0");
      const double count = std::max(0.0, std::ceil((l - s) / d));
      if (!(count <= std::numeric_limits<int32_t>::max()))
        return Unsupported("a range of ", count, " values");
      const auto n = static_cast<size_t>(count);
      WEBNN_RETURN_IF_ERROR(CheckFoldSize({static_cast<uint32_t>(n)}, t));
      std::vector<double> v(n);
      for (size_t i = 0; i < n; ++i) v[i] = s + static_cast<double>(i) * d;
      return SetOutput(0, Tensor::FromDoubles(t, {static_cast<uint32_t>(n)}, v));
    }
    const int64_t s = start.GetInt(0), l = limit.GetInt(0), d = delta.GetInt(0);
    if (d == 0) return MakeError(ErrorCode::kTypeError, "delta is 0");
    const double count = std::max(
        0.0, std::ceil((static_cast<double>(l) - static_cast<double>(s)) / static_cast<double>(d)));
    if (!(count <= std::numeric_limits<int32_t>::max()))
      return Unsupported("a range of ", count, " values");
    const auto n = static_cast<int64_t>(count);
    WEBNN_RETURN_IF_ERROR(CheckFoldSize({static_cast<uint32_t>(n)}, t));
    std::vector<int64_t> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {  // wrapping, like the run-time integer ops
      v[static_cast<size_t>(i)] = static_cast<int64_t>(
          static_cast<uint64_t>(s) + static_cast<uint64_t>(i) * static_cast<uint64_t>(d));
    }
    return SetOutput(0, Tensor::FromInts(t, {static_cast<uint32_t>(n)}, v));
  };
  h["ConstantOfShape"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(std::vector<int64_t> s, NeedInts(0, "shape"));
    WEBNN_ASSIGN_OR_RETURN(std::vector<uint32_t> shape, ToDims(s, "shape"));
    Tensor value = Tensor::FromDoubles(DataType::kFloat32, {1}, std::vector<double>{0.0});
    if (const auto* v = attrs().Find("value")) {
      WEBNN_ASSIGN_OR_RETURN(value, ReadTensorProto(v->t(), model_, base_dir_));
    }
    if (value.count() != 1) return MakeError(ErrorCode::kTypeError, "value must have one element");
    WEBNN_RETURN_IF_ERROR(CheckFoldSize(shape, value.desc.dataType));
    return SetOutput(0, HostBroadcastTo(value.Reshaped({}), shape));
  };
  h["EyeLike"] = [this]() -> Status {
    const auto& s = InShape(0);
    if (s.size() != 2) return MakeError(ErrorCode::kTypeError, "the input must be 2-D");
    DataType type = In(0).desc.dataType;
    if (attrs().Has("dtype")) {
      WEBNN_ASSIGN_OR_RETURN(type, FromOnnxType(static_cast<int>(attrs().Int("dtype", 1))));
    }
    const int64_t k = attrs().Int("k", 0);
    std::vector<int64_t> v(ElementCountOf(s), 0);
    for (int64_t r = 0; r < s[0]; ++r) {
      const int64_t c = r + k;
      if (c >= 0 && c < s[1]) v[static_cast<size_t>(r * s[1] + c)] = 1;
    }
    return SetOutput(0, Tensor::FromInts(type, s, v));
  };
  h["Pad"] = [this] { return Pad(); };
  h["Trilu"] = [this]() -> Status {
    int64_t k = 0;
    if (HasInput(1) && !Known(1)) {
      // k known only at run time: keep x where (column - row) >= k (upper) or <= k (lower).
      WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
      WEBNN_ASSIGN_OR_RETURN(OperandId kk, X(1));
      const auto xs = D(x).shape;
      if (xs.size() < 2) return MakeError(ErrorCode::kTypeError, "the input must be at least 2-D");
      const uint32_t rows = xs[xs.size() - 2], cols = xs[xs.size() - 1];
      WEBNN_RETURN_IF_ERROR(CheckFoldSize({rows, cols}, DataType::kInt64));
      std::vector<int64_t> diff(static_cast<size_t>(rows) * cols);
      for (uint32_t r = 0; r < rows; ++r) {
        for (uint32_t c = 0; c < cols; ++c) diff[r * cols + c] = static_cast<int64_t>(c) - r;
      }
      WEBNN_ASSIGN_OR_RETURN(OperandId d,
                             Constant(Tensor::FromInts(DataType::kInt64, {rows, cols}, diff)));
      WEBNN_ASSIGN_OR_RETURN(kk, Cast(kk, DataType::kInt64));
      const bool upper = attrs().Int("upper", 1) != 0;
      WEBNN_ASSIGN_OR_RETURN(
          OperandId keep, Binary(upper ? OpKind::kGreaterOrEqual : OpKind::kLesserOrEqual, d, kk));
      WEBNN_ASSIGN_OR_RETURN(OperandId zero, Scalar(D(x).dataType, 0));
      WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kWhere, {keep, x, zero}, NoAttrs{}));
      return SetOutput(0, y);
    }
    if (HasInput(1)) {
      WEBNN_ASSIGN_OR_RETURN(Tensor kt, NeedKnown(1, "k"));
      k = kt.GetInt(0);
    }
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    const int64_t limit = std::numeric_limits<int32_t>::max();
    TriangularAttrs ta{attrs().Int("upper", 1) != 0,
                       static_cast<int32_t>(std::clamp(k, -limit, limit))};
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kTriangular, {x}, ta));
    return SetOutput(0, y);
  };
  h["CumSum"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(Tensor at, NeedKnown(1, "axis"));
    WEBNN_ASSIGN_OR_RETURN(uint32_t axis, Axis(at.GetInt(0), InRank(0)));
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    CumulativeSumAttrs ca{axis, attrs().Int("exclusive", 0) != 0, attrs().Int("reverse", 0) != 0};
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kCumulativeSum, {x}, ca));
    return SetOutput(0, y);
  };
  h["DepthToSpace"] = [this] { return DepthSpace(true); };
  h["SpaceToDepth"] = [this] { return DepthSpace(false); };
  h["OneHot"] = [this] { return OneHot(); };

  // Linear algebra and convolutions.
  h["MatMul"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(OperandId a, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId b, X(1));
    const auto as = D(a).shape, bs = D(b).shape;
    if (as.size() == 1) {
      WEBNN_ASSIGN_OR_RETURN(a, Reshape(a, {1, as[0]}));
    }
    if (bs.size() == 1) {
      WEBNN_ASSIGN_OR_RETURN(b, Reshape(b, {bs[0], 1}));
    }
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Binary(OpKind::kMatmul, a, b));
    if (as.size() == 1 || bs.size() == 1) {
      std::vector<uint32_t> s = D(y).shape;
      if (bs.size() == 1) s.erase(s.end() - 1);
      if (as.size() == 1) s.erase(s.end() - (bs.size() == 1 ? 1 : 2));
      WEBNN_ASSIGN_OR_RETURN(y, Reshape(y, s));
    }
    return SetOutput(0, y);
  };
  h["Gemm"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(OperandId a, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId b, X(1));
    OperandId c = kNoOperand;
    if (HasInput(2)) {
      WEBNN_ASSIGN_OR_RETURN(c, X(2));
    }
    GemmAttrs ga{attrs().Float("alpha", 1.0f), attrs().Float("beta", 1.0f),
                 attrs().Int("transA", 0) != 0, attrs().Int("transB", 0) != 0};
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kGemm, {a, b, c}, ga));
    return SetOutput(0, y);
  };
  h["Einsum"] = [this] { return Einsum(); };
  h["Conv"] = [this] { return ConvLike(false); };
  h["ConvInteger"] = [this] { return IntegerOp(true, false); };
  h["MatMulInteger"] = [this] { return IntegerOp(false, false); };
  h["QLinearConv"] = [this] { return IntegerOp(true, true); };
  h["QLinearMatMul"] = [this] { return IntegerOp(false, true); };
  h["ConvTranspose"] = [this] { return ConvLike(true); };
  h["MaxPool"] = [this] { return Pool(OpKind::kMaxPool2d); };
  h["AveragePool"] = [this] { return Pool(OpKind::kAveragePool2d); };
  h["LpPool"] = [this] { return Pool(OpKind::kL2Pool2d); };
  h["GlobalAveragePool"] = [this] { return GlobalPool(OpKind::kReduceMean); };
  h["GlobalMaxPool"] = [this] { return GlobalPool(OpKind::kReduceMax); };
  h["GlobalLpPool"] = [this] { return GlobalPool(OpKind::kReduceL2); };

  // Normalization.
  h["BatchNormalization"] = [this]() -> Status {
    const bool training = attrs().Int("training_mode", 0) != 0;
    if (!training && (OutputUsed(1) || OutputUsed(2) || OutputUsed(3) || OutputUsed(4))) {
      return Unsupported("the mean/variance outputs of an older opset's training mode");
    }
    if (opset() < 9 && attrs().Int("spatial", 1) == 0) return Unsupported("spatial = 0");
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId scale, X(1));
    WEBNN_ASSIGN_OR_RETURN(OperandId bias, X(2));
    WEBNN_ASSIGN_OR_RETURN(OperandId mean, X(3));
    WEBNN_ASSIGN_OR_RETURN(OperandId var, X(4));
    BatchNormalizationAttrs ba{1, attrs().Float("epsilon", 1e-5f)};
    if (!training) {
      WEBNN_ASSIGN_OR_RETURN(OperandId y,
                             Op(OpKind::kBatchNormalization, {x, mean, var, scale, bias}, ba));
      return SetOutput(0, y);
    }
    // Training mode (opset 14+): normalize with the batch's own mean and (population)
    // variance over every axis but 1; the running statistics move toward them by
    // (1 - momentum).
    const uint32_t rank = D(x).rank();
    if (rank < 2) return MakeError(ErrorCode::kTypeError, "the input must be at least 2-D");
    std::vector<uint32_t> axes = {0};
    for (uint32_t a = 2; a < rank; ++a) axes.push_back(a);
    const DataType t = D(x).dataType;
    WEBNN_ASSIGN_OR_RETURN(OperandId bmean, Op(OpKind::kReduceMean, {x}, ReduceAttrs{axes, false}));
    std::vector<uint32_t> keep_shape(rank, 1);
    keep_shape[1] = D(x).shape[1];
    WEBNN_ASSIGN_OR_RETURN(OperandId bmean_k, Reshape(bmean, keep_shape));
    WEBNN_ASSIGN_OR_RETURN(OperandId d, Binary(OpKind::kSub, x, bmean_k));
    WEBNN_ASSIGN_OR_RETURN(OperandId d2, Binary(OpKind::kMul, d, d));
    WEBNN_ASSIGN_OR_RETURN(OperandId bvar, Op(OpKind::kReduceMean, {d2}, ReduceAttrs{axes, false}));
    WEBNN_ASSIGN_OR_RETURN(OperandId y,
                           Op(OpKind::kBatchNormalization, {x, bmean, bvar, scale, bias}, ba));
    WEBNN_RETURN_IF_ERROR(SetOutput(0, y));
    const double momentum = attrs().Float("momentum", 0.9f);
    WEBNN_ASSIGN_OR_RETURN(OperandId m, Scalar(t, momentum));
    WEBNN_ASSIGN_OR_RETURN(OperandId m1, Scalar(t, 1.0 - momentum));
    auto running = [&](OperandId old, OperandId batch) -> Result<OperandId> {
      WEBNN_ASSIGN_OR_RETURN(OperandId a, Binary(OpKind::kMul, old, m));
      WEBNN_ASSIGN_OR_RETURN(OperandId b, Binary(OpKind::kMul, batch, m1));
      return Binary(OpKind::kAdd, a, b);
    };
    WEBNN_ASSIGN_OR_RETURN(OperandId rmean, running(mean, bmean));
    WEBNN_ASSIGN_OR_RETURN(OperandId rvar, running(var, bvar));
    WEBNN_RETURN_IF_ERROR(SetOutput(1, rmean));
    return SetOutput(2, rvar);
  };
  h["InstanceNormalization"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    WEBNN_ASSIGN_OR_RETURN(OperandId scale, X(1));
    WEBNN_ASSIGN_OR_RETURN(OperandId bias, X(2));
    const auto s = D(x).shape;
    if (s.size() < 3) return MakeError(ErrorCode::kTypeError, "the input must have spatial axes");
    uint32_t rest = 1;
    for (size_t d = 2; d < s.size(); ++d) rest *= s[d];
    WEBNN_ASSIGN_OR_RETURN(
        OperandId x4, Reshape(x, s.size() == 4 ? s : std::vector<uint32_t>{s[0], s[1], rest, 1}));
    InstanceNormalizationAttrs ia{attrs().Float("epsilon", 1e-5f), InputOperandLayout::kNchw};
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kInstanceNormalization, {x4, scale, bias}, ia));
    WEBNN_ASSIGN_OR_RETURN(y, Reshape(y, s));
    return SetOutput(0, y);
  };
  h["LayerNormalization"] = [this]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    const auto s = D(x).shape;
    WEBNN_ASSIGN_OR_RETURN(uint32_t axis, Axis(attrs().Int("axis", -1), s.size()));
    std::vector<uint32_t> axes = Iota(static_cast<uint32_t>(s.size()) - axis, axis);
    const std::vector<uint32_t> norm_shape(s.begin() + axis, s.end());
    auto param = [&](size_t i) -> Result<OperandId> {
      if (!HasInput(i)) return kNoOperand;
      WEBNN_ASSIGN_OR_RETURN(OperandId p, X(i));
      if (D(p).shape == norm_shape) return p;
      // A broadcastable scale/bias is expanded to the normalized shape.
      std::vector<uint32_t> padded = D(p).shape;
      if (padded.size() > norm_shape.size()) {
        if (ElementCountOf(padded) != ElementCountOf(norm_shape)) {
          return MakeError(ErrorCode::kTypeError, "scale/bias ", ShapeToString(padded),
                           " does not fit ", ShapeToString(norm_shape));
        }
        return Reshape(p, norm_shape);
      }
      return Op(OpKind::kExpand, {p}, NewShapeAttrs{norm_shape});
    };
    WEBNN_ASSIGN_OR_RETURN(OperandId scale, param(1));
    WEBNN_ASSIGN_OR_RETURN(OperandId bias, param(2));
    const double epsilon = attrs().Float("epsilon", 1e-5f);
    LayerNormalizationAttrs la{axes, epsilon};
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kLayerNormalization, {x, scale, bias}, la));
    if (OutputUsed(1) || OutputUsed(2)) {
      // Mean = mean(x), InvStdDev = 1 / sqrt(mean((x - Mean)^2) + epsilon), over the axes.
      ReduceAttrs ra{axes, true};
      WEBNN_ASSIGN_OR_RETURN(OperandId mean, Op(OpKind::kReduceMean, {x}, ra));
      WEBNN_ASSIGN_OR_RETURN(OperandId d, Binary(OpKind::kSub, x, mean));
      WEBNN_ASSIGN_OR_RETURN(OperandId d2, Binary(OpKind::kMul, d, d));
      WEBNN_ASSIGN_OR_RETURN(OperandId var, Op(OpKind::kReduceMean, {d2}, ra));
      WEBNN_ASSIGN_OR_RETURN(OperandId eps, Scalar(D(x).dataType, epsilon));
      WEBNN_ASSIGN_OR_RETURN(var, Binary(OpKind::kAdd, var, eps));
      WEBNN_ASSIGN_OR_RETURN(OperandId sd, Unary(OpKind::kSqrt, var));
      WEBNN_ASSIGN_OR_RETURN(OperandId inv, Unary(OpKind::kReciprocal, sd));
      WEBNN_RETURN_IF_ERROR(SetOutput(1, mean));
      WEBNN_RETURN_IF_ERROR(SetOutput(2, inv));
    }
    return SetOutput(0, y);
  };
  h["MeanVarianceNormalization"] = [this]() -> Status {
    // (x - mean) / (sqrt(mean(x^2) - mean^2) + 1e-9), the function body of the ONNX spec.
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    const DataType t = D(x).dataType;
    std::vector<int64_t> a = attrs().Ints("axes").value_or(std::vector<int64_t>{0, 2, 3});
    WEBNN_ASSIGN_OR_RETURN(std::vector<uint32_t> axes, Axes(a, D(x).rank()));
    ReduceAttrs ra{axes, true};
    WEBNN_ASSIGN_OR_RETURN(OperandId mean, Op(OpKind::kReduceMean, {x}, ra));
    WEBNN_ASSIGN_OR_RETURN(OperandId sq, Binary(OpKind::kMul, x, x));
    WEBNN_ASSIGN_OR_RETURN(OperandId msq, Op(OpKind::kReduceMean, {sq}, ra));
    WEBNN_ASSIGN_OR_RETURN(OperandId mean2, Binary(OpKind::kMul, mean, mean));
    WEBNN_ASSIGN_OR_RETURN(OperandId var, Binary(OpKind::kSub, msq, mean2));
    WEBNN_ASSIGN_OR_RETURN(OperandId sd, Unary(OpKind::kSqrt, var));
    WEBNN_ASSIGN_OR_RETURN(OperandId eps, Scalar(t, 1e-9));
    WEBNN_ASSIGN_OR_RETURN(sd, Binary(OpKind::kAdd, sd, eps));
    WEBNN_ASSIGN_OR_RETURN(OperandId d, Binary(OpKind::kSub, x, mean));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Binary(OpKind::kDiv, d, sd));
    return SetOutput(0, y);
  };
  h["LRN"] = [this] { return Lrn(); };
  h["Softmax"] = [this] { return SoftmaxLike(0); };
  h["LogSoftmax"] = [this] { return SoftmaxLike(1); };
  h["Hardmax"] = [this] { return SoftmaxLike(2); };

  // Reductions.
  for (const auto& [name, kind] : std::initializer_list<std::pair<const char*, OpKind>>{
           {"ReduceL1", OpKind::kReduceL1},
           {"ReduceL2", OpKind::kReduceL2},
           {"ReduceLogSum", OpKind::kReduceLogSum},
           {"ReduceLogSumExp", OpKind::kReduceLogSumExp},
           {"ReduceMax", OpKind::kReduceMax},
           {"ReduceMean", OpKind::kReduceMean},
           {"ReduceMin", OpKind::kReduceMin},
           {"ReduceProd", OpKind::kReduceProduct},
           {"ReduceSum", OpKind::kReduceSum},
           {"ReduceSumSquare", OpKind::kReduceSumSquare}}) {
    const OpKind k = kind;
    h[name] = [this, k] { return Reduce(k); };
  }
  h["ArgMax"] = [this] { return ArgMinMax(OpKind::kArgMax); };
  h["ArgMin"] = [this] { return ArgMinMax(OpKind::kArgMin); };

  // Recurrent networks, quantization, resizing, losses.
  h["GRU"] = [this] { return Recurrent(false); };
  h["LSTM"] = [this] { return Recurrent(true); };
  h["QuantizeLinear"] = [this] { return QuantizeLike(true); };
  h["DynamicQuantizeLinear"] = [this]() -> Status {
    // scale = (max(0, max(x)) - min(0, min(x))) / 255, zero point = saturate(round(-min / scale)),
    // y = quantizeLinear(x, scale, zero point) as uint8 (the ONNX spec's definition).
    WEBNN_ASSIGN_OR_RETURN(OperandId x, X(0));
    const DataType t = D(x).dataType;
    const uint32_t rank = D(x).rank();
    WEBNN_ASSIGN_OR_RETURN(OperandId zero, Scalar(t, 0));
    WEBNN_ASSIGN_OR_RETURN(OperandId hi, Op(OpKind::kReduceMax, {x}, ReduceAttrs{}));
    WEBNN_ASSIGN_OR_RETURN(OperandId lo, Op(OpKind::kReduceMin, {x}, ReduceAttrs{}));
    WEBNN_ASSIGN_OR_RETURN(hi, Binary(OpKind::kMax, hi, zero));
    WEBNN_ASSIGN_OR_RETURN(lo, Binary(OpKind::kMin, lo, zero));
    WEBNN_ASSIGN_OR_RETURN(OperandId range, Binary(OpKind::kSub, hi, lo));
    WEBNN_ASSIGN_OR_RETURN(OperandId q, Scalar(t, 255));
    WEBNN_ASSIGN_OR_RETURN(OperandId scale, Binary(OpKind::kDiv, range, q));
    WEBNN_ASSIGN_OR_RETURN(OperandId nlo, Unary(OpKind::kNeg, lo));
    WEBNN_ASSIGN_OR_RETURN(OperandId zp, Binary(OpKind::kDiv, nlo, scale));
    WEBNN_ASSIGN_OR_RETURN(zp, Unary(OpKind::kRoundEven, zp));
    WEBNN_ASSIGN_OR_RETURN(zp,
                           Op(OpKind::kClamp, {zp}, ClampAttrs{MLNumber(0.0), MLNumber(255.0)}));
    WEBNN_ASSIGN_OR_RETURN(zp, Cast(zp, DataType::kUint8));
    const std::vector<uint32_t> ones(rank, 1);
    WEBNN_ASSIGN_OR_RETURN(OperandId scale_r, Reshape(scale, ones));
    WEBNN_ASSIGN_OR_RETURN(OperandId zp_r, Reshape(zp, ones));
    WEBNN_ASSIGN_OR_RETURN(OperandId y, Op(OpKind::kQuantizeLinear, {x, scale_r, zp_r}, NoAttrs{}));
    WEBNN_RETURN_IF_ERROR(SetOutput(0, y));
    WEBNN_RETURN_IF_ERROR(SetOutput(1, scale));
    return SetOutput(2, zp);
  };
  h["DequantizeLinear"] = [this] { return QuantizeLike(false); };
  h["Resize"] = [this] { return Resize(false); };
  h["Upsample"] = [this] { return Resize(true); };
  h["NegativeLogLikelihoodLoss"] = [this] { return Loss(false); };
  h["SoftmaxCrossEntropyLoss"] = [this] { return Loss(true); };
}

}  // namespace webnn::format::onnx_import
