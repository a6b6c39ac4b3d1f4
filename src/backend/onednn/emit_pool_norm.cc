// Pooling, softmax, normalizations, reductions and resampling on oneDNN primitives.
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-pool2d
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-softmax-method
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-batchnorm
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-layernorm
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-reduce
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-resample2d-method
#include <algorithm>
#include <numeric>

#include "backend/onednn/emit.h"

namespace webnn::onednn {

namespace {

using dnnl::algorithm;
using dnnl::memory;

uint32_t At(const std::optional<UintList>& v, size_t i, uint32_t fallback) {
  return v && i < v->size() ? (*v)[i] : fallback;
}

// float32, and float16 computed in float32 (compiler.h).
bool IsF32(Compiler& c, OperandId id) { return ComputesInFloat32(c, id); }

// epsilon cast to the input's type first, as the spec (and the reference) do.
float Epsilon(Compiler& c, OperandId x, double epsilon) {
  return CastToType(epsilon, c.desc(x).dataType);
}

}  // namespace

Result<bool> EmitPool2d(Compiler& c, const Operation& op) {
  const OperandId x = op.inputs[0], y = op.outputs[0];
  if (!IsF32(c, x)) return false;
  const bool l2 = op.kind == OpKind::kL2Pool2d;
  const auto& a = std::get<Pool2dAttrs>(op.attrs);
  const bool nhwc = a.layout == InputOperandLayout::kNhwc;
  const std::vector<int> to_logical = nhwc ? std::vector<int>{0, 2, 3, 1} : IdentityPerm(4);
  const std::vector<int> from_logical = nhwc ? std::vector<int>{0, 3, 1, 2} : IdentityPerm(4);
  const auto& xs = c.desc(x).shape;
  const auto& ys = c.desc(y).shape;
  const int64_t in[2] = {xs[nhwc ? 1 : 2], xs[nhwc ? 2 : 3]};
  const int64_t out[2] = {ys[nhwc ? 1 : 2], ys[nhwc ? 2 : 3]};
  memory::dims kernel = {At(a.windowDimensions, 0, static_cast<uint32_t>(in[0])),
                         At(a.windowDimensions, 1, static_cast<uint32_t>(in[1]))};
  memory::dims strides = {At(a.strides, 0, 1), At(a.strides, 1, 1)};
  memory::dims dilation = {At(a.dilations, 0, 1) - 1, At(a.dilations, 1, 1) - 1};
  memory::dims pad_l = {At(a.padding, 0, 0), At(a.padding, 2, 0)};
  memory::dims pad_r(2);
  for (int i = 0; i < 2; ++i) {
    // The right padding that yields the validated output size (rounding and outputSizes
    // included); oneDNN checks (in - extent + pad_l + pad_r) / stride + 1 == out.
    const int64_t extent = (kernel[i] - 1) * (dilation[i] + 1) + 1;
    pad_r[i] = std::max<int64_t>(0, (out[i] - 1) * strides[i] + extent - in[i] - pad_l[i]);
    if ((in[i] - extent + pad_l[i] + pad_r[i]) / strides[i] + 1 != out[i]) return false;
    // A window lying wholly in the padding averages nothing in the reference; keep those there.
    // (An l2 window there sums no squares: 0 either way.)
    if (!l2 && (pad_r[i] >= extent || pad_l[i] >= extent)) return false;
  }
  ValueId xv = c.Value(x);
  // l2Pool2d: sqrt of the sum of the squares of the window's input elements (the padding adds
  // nothing). oneDNN has no such pooling: the input is squared, averaged with padding counted
  // as zeros over the whole window (a fixed divisor: kernel height x width, dilated or not),
  // and the post-ops multiply the average back by that count and take its square root.
  dnnl::post_ops post;
  if (l2) {
    dnnl::eltwise_forward::desc sd(dnnl::prop_kind::forward_inference, algorithm::eltwise_square,
                                   c.Md(xv));
    dnnl::eltwise_forward::primitive_desc spd(sd, c.Attr(), c.engine());
    const ValueId squared = c.NewValue(c.Md(xv));
    c.AddPrimitive(dnnl::eltwise_forward(spd), spd, {{DNNL_ARG_SRC, xv}, {DNNL_ARG_DST, squared}},
                   "l2Pool2d square [" + std::string(spd.impl_info_str()) + "]");
    xv = squared;
    post.append_eltwise(1.f, algorithm::eltwise_linear, static_cast<float>(kernel[0] * kernel[1]),
                        0.f);
    post.append_eltwise(1.f, algorithm::eltwise_sqrt, 0.f, 0.f);
  }
  xv = Permuted(c, xv, to_logical);
  const md_t y_logical_plain = c.ValueMd(y).permute_axes(to_logical);
  const md_t dst = c.WritesOutputBuffer(y)
                       ? y_logical_plain
                       : md_t(y_logical_plain.dims(), dt::f32, memory::format_tag::any);
  const algorithm alg = op.kind == OpKind::kMaxPool2d ? algorithm::pooling_max
                        : l2                          ? algorithm::pooling_avg_include_padding
                                                      : algorithm::pooling_avg_exclude_padding;
  dnnl::pooling_v2_forward::desc d(dnnl::prop_kind::forward_inference, alg, c.Md(xv), dst, strides,
                                   kernel, dilation, pad_l, pad_r);
  dnnl::primitive_attr attr = c.Attr();
  attr.set_post_ops(post);
  dnnl::pooling_v2_forward::primitive_desc pd(d, attr, c.engine());
  ValueId src = c.Reordered(xv, pd.src_desc());
  ValueId yv = c.Destination(y, pd.dst_desc().permute_axes(from_logical));
  c.AddPrimitive(dnnl::pooling_v2_forward(pd), pd,
                 {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, c.View(yv, pd.dst_desc())}},
                 std::string(OpName(op.kind)) + " [" + std::string(pd.impl_info_str()) + "]");
  c.BindResult(y, yv, /*exact=*/op.kind == OpKind::kMaxPool2d);
  return true;
}

Result<bool> EmitSoftmax(Compiler& c, const Operation& op) {
  const OperandId x = op.inputs[0], y = op.outputs[0];
  if (!IsF32(c, x)) return false;
  const auto& a = std::get<AxisAttrs>(op.attrs);
  ValueId xv = c.Dense(c.Value(x));
  dnnl::softmax_forward::desc d(dnnl::prop_kind::forward_inference, c.Md(xv),
                                static_cast<int>(a.axis));
  dnnl::softmax_forward::primitive_desc pd(d, c.Attr(), c.engine());
  ValueId yv = c.Destination(y, c.Md(xv));
  c.AddPrimitive(dnnl::softmax_forward(pd), pd, {{DNNL_ARG_SRC, xv}, {DNNL_ARG_DST, yv}},
                 "softmax [" + std::string(pd.impl_info_str()) + "]");
  c.BindResult(y, yv);
  return true;
}

Result<bool> EmitBatchNormalization(Compiler& c, const Operation& op) {
  const OperandId x = op.inputs[0], y = op.outputs[0];
  const auto& a = std::get<BatchNormalizationAttrs>(op.attrs);
  if (!IsF32(c, x) || a.axis != 1 || c.desc(x).rank() < 2) return false;
  const bool has_scale = op.inputs[3] != kNoOperand, has_bias = op.inputs[4] != kNoOperand;
  auto flags = dnnl::normalization_flags::use_global_stats;
  if (has_scale) flags |= dnnl::normalization_flags::use_scale;
  if (has_bias) flags |= dnnl::normalization_flags::use_shift;
  ValueId xv = c.Value(x);
  dnnl::batch_normalization_forward::desc d(dnnl::prop_kind::forward_inference, c.Md(xv),
                                            Epsilon(c, x, a.epsilon), flags);
  dnnl::batch_normalization_forward::primitive_desc pd(d, c.Attr(), c.engine());
  xv = c.Reordered(xv, pd.src_desc());
  ValueId yv = c.Destination(y, pd.dst_desc());
  std::vector<std::pair<int, ValueId>> args = {{DNNL_ARG_SRC, xv},
                                               {DNNL_ARG_MEAN, c.Dense(c.Value(op.inputs[1]))},
                                               {DNNL_ARG_VARIANCE, c.Dense(c.Value(op.inputs[2]))},
                                               {DNNL_ARG_DST, yv}};
  if (has_scale) args.push_back({DNNL_ARG_SCALE, c.Dense(c.Value(op.inputs[3]))});
  if (has_bias) args.push_back({DNNL_ARG_SHIFT, c.Dense(c.Value(op.inputs[4]))});
  c.AddPrimitive(dnnl::batch_normalization_forward(pd), pd, std::move(args),
                 "batchNormalization [" + std::string(pd.impl_info_str()) + "]");
  c.BindResult(y, yv);
  return true;
}

// Instance normalization: each image's channels normalized over its own height and width. A
// batch normalization of one image computes exactly those statistics (per channel, over the
// spatial axes, the variance divided by the element count) when it is not given them, and
// applies the per-channel scale and bias: one primitive, run once per image of the batch on a
// view of that image (either layout: nhwc is a layout oneDNN's normalization reads).
Result<bool> EmitInstanceNormalization(Compiler& c, const Operation& op) {
  const OperandId x = op.inputs[0], y = op.outputs[0];
  if (!IsF32(c, x)) return false;
  const auto& a = std::get<InstanceNormalizationAttrs>(op.attrs);
  const bool nhwc = a.layout == InputOperandLayout::kNhwc;
  const auto& s = c.desc(x).shape;
  const int64_t n = s[0], ch = s[nhwc ? 3 : 1], h = s[nhwc ? 1 : 2], w = s[nhwc ? 2 : 3];
  if (n * ch * h * w == 0) return false;
  // One image as logical [1, C, H, W] over the dense tensor's bytes.
  const md_t image = nhwc ? PlainMd({1, h, w, ch}, dt::f32).permute_axes({0, 2, 3, 1})
                          : PlainMd({1, ch, h, w}, dt::f32);
  const size_t image_bytes = static_cast<size_t>(ch * h * w) * sizeof(float);
  const OperandId scale = op.inputs[1], bias = op.inputs[2];
  auto flags = dnnl::normalization_flags::none;
  if (scale != kNoOperand) flags |= dnnl::normalization_flags::use_scale;
  if (bias != kNoOperand) flags |= dnnl::normalization_flags::use_shift;
  dnnl::batch_normalization_forward::desc d(dnnl::prop_kind::forward_inference, image,
                                            Epsilon(c, x, a.epsilon), flags);
  dnnl::batch_normalization_forward::primitive_desc pd(d, c.Attr(), c.engine());
  const dnnl::batch_normalization_forward primitive(pd);
  const ValueId xv = c.Dense(c.Value(x));
  const ValueId yv = c.Destination(y, c.ValueMd(y));
  std::vector<std::pair<int, ValueId>> common;
  if (scale != kNoOperand) common.push_back({DNNL_ARG_SCALE, c.Dense(c.Value(scale))});
  if (bias != kNoOperand) common.push_back({DNNL_ARG_SHIFT, c.Dense(c.Value(bias))});
  // The statistics it computes, if this implementation hands them out.
  if (pd.mean_desc().get_size() > 0) {
    common.push_back({DNNL_ARG_MEAN, c.NewValue(pd.mean_desc())});
    common.push_back({DNNL_ARG_VARIANCE, c.NewValue(pd.variance_desc())});
  }
  for (int64_t i = 0; i < n; ++i) {
    const size_t offset = static_cast<size_t>(i) * image_bytes;
    std::vector<std::pair<int, ValueId>> args = common;
    args.push_back({DNNL_ARG_SRC, c.View(xv, image, offset)});
    args.push_back({DNNL_ARG_DST, c.View(yv, image, offset)});
    c.AddPrimitive(primitive, pd, std::move(args),
                   "instanceNormalization [" + std::string(pd.impl_info_str()) + "]");
  }
  c.BindResult(y, yv);
  return true;
}

// Layer normalization over trailing axes: the input seen as [outer, inner], normalized over
// inner, with scale and bias flattened to [inner].
Result<bool> EmitLayerNormalization(Compiler& c, const Operation& op) {
  const OperandId x = op.inputs[0], y = op.outputs[0];
  if (!IsF32(c, x)) return false;
  const auto& a = std::get<LayerNormalizationAttrs>(op.attrs);
  const OperandDescriptor& d = c.desc(x);
  const uint32_t rank = d.rank();
  std::vector<uint32_t> axes;
  if (a.axes) {
    axes = *a.axes;
  } else {
    for (uint32_t i = 1; i < rank; ++i) axes.push_back(i);
  }
  // scale and bias have the input's dimensions in the order of `axes`; read as [inner] they
  // must be in the input's own order.
  if ((op.inputs[1] != kNoOperand || op.inputs[2] != kNoOperand) &&
      !std::is_sorted(axes.begin(), axes.end())) {
    return false;
  }
  std::sort(axes.begin(), axes.end());
  if (axes.empty()) return false;
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] != rank - axes.size() + i) return false;  // trailing axes only
  }
  int64_t inner = 1, outer = 1;
  for (uint32_t i = 0; i < rank; ++i) (i < rank - axes.size() ? outer : inner) *= d.shape[i];
  const md_t flat = PlainMd({outer, inner}, dt::f32);
  ValueId xv = c.View(c.Dense(c.Value(x)), flat);
  auto flags = dnnl::normalization_flags::none;
  const OperandId scale = op.inputs[1], bias = op.inputs[2];
  if (scale != kNoOperand) flags |= dnnl::normalization_flags::use_scale;
  if (bias != kNoOperand) flags |= dnnl::normalization_flags::use_shift;
  dnnl::layer_normalization_forward::desc ld(dnnl::prop_kind::forward_inference, flat,
                                             Epsilon(c, x, a.epsilon), flags);
  dnnl::layer_normalization_forward::primitive_desc pd(ld, c.Attr(), c.engine());
  ValueId yv = c.Destination(y, c.ValueMd(y));
  std::vector<std::pair<int, ValueId>> args = {{DNNL_ARG_SRC, xv},
                                               {DNNL_ARG_DST, c.View(yv, flat)}};
  const md_t vec = PlainMd({inner}, dt::f32);
  if (scale != kNoOperand) args.push_back({DNNL_ARG_SCALE, c.View(c.Dense(c.Value(scale)), vec)});
  if (bias != kNoOperand) args.push_back({DNNL_ARG_SHIFT, c.View(c.Dense(c.Value(bias)), vec)});
  c.AddPrimitive(dnnl::layer_normalization_forward(pd), pd, std::move(args),
                 "layerNormalization [" + std::string(pd.impl_info_str()) + "]");
  c.BindResult(y, yv);
  return true;
}

Result<bool> EmitReduce(Compiler& c, const Operation& op) {
  const OperandId x = op.inputs[0], y = op.outputs[0];
  if (!IsF32(c, x)) return false;
  const auto& a = std::get<ReduceAttrs>(op.attrs);
  const OperandDescriptor& d = c.desc(x);
  std::vector<uint32_t> axes;
  if (a.axes) {
    axes = *a.axes;
  } else {
    for (uint32_t i = 0; i < d.rank(); ++i) axes.push_back(i);
  }
  if (axes.empty() || d.rank() == 0 || d.ElementCount() == 0) return false;
  algorithm alg;
  float p = 0.f;
  switch (op.kind) {
    case OpKind::kReduceSum:
      alg = algorithm::reduction_sum;
      break;
    case OpKind::kReduceMean:
      alg = algorithm::reduction_mean;
      break;
    case OpKind::kReduceMax:
      alg = algorithm::reduction_max;
      break;
    case OpKind::kReduceMin:
      alg = algorithm::reduction_min;
      break;
    case OpKind::kReduceProduct:
      alg = algorithm::reduction_mul;
      break;
    case OpKind::kReduceL1:
      alg = algorithm::reduction_norm_lp_sum, p = 1.f;
      break;
    case OpKind::kReduceL2:
      alg = algorithm::reduction_norm_lp_sum, p = 2.f;
      break;
    case OpKind::kReduceSumSquare:
      alg = algorithm::reduction_norm_lp_power_p_sum, p = 2.f;
      break;
    default:
      return false;
  }
  memory::dims kept(d.shape.begin(), d.shape.end());
  for (uint32_t axis : axes) kept[axis] = 1;
  ValueId xv = c.Dense(c.Value(x));
  const md_t dst = PlainMd(kept, dt::f32);
  const dnnl::primitive_attr attr = c.Attr();
  dnnl::reduction::desc rd(alg, c.Md(xv), dst, p, 0.f);
  dnnl::reduction::primitive_desc pd(rd, attr, c.engine());
  ValueId yv = c.Destination(y, c.ValueMd(y));
  c.AddPrimitive(dnnl::reduction(pd), pd, {{DNNL_ARG_SRC, xv}, {DNNL_ARG_DST, c.View(yv, dst)}},
                 std::string(OpName(op.kind)) + " [" + std::string(pd.impl_info_str()) + "]");
  c.BindResult(y, yv,
               /*exact=*/op.kind == OpKind::kReduceMax || op.kind == OpKind::kReduceMin);
  return true;
}

// Linear resampling only: oneDNN's nearest-neighbour rounds exact halves the other way.
Result<bool> EmitResample2d(Compiler& c, const Operation& op) {
  const OperandId x = op.inputs[0], y = op.outputs[0];
  const auto& a = std::get<Resample2dAttrs>(op.attrs);
  if (!IsF32(c, x)) return false;
  std::vector<uint32_t> axes = a.axes ? *a.axes : std::vector<uint32_t>{2, 3};
  if (a.mode == InterpolationMode::kNearestNeighbor) {
    // WebNN reads input ceil((o + 0.5) * in / out - 1) (halves round down), oneDNN
    // round((o + 0.5) * in / out - 0.5) (halves away from zero): the same index floor(o / f)
    // when out = f * in for a whole f, where no half occurs; other ratios stay on the
    // reference kernel. (The FPN upsampling of detection models is x2, x4, x8.)
    for (uint32_t axis : axes) {
      if (axis >= c.desc(x).rank()) return false;
      const uint32_t in = c.desc(x).shape[axis], out = c.desc(y).shape[axis];
      if (in == 0 || out < in || out % in != 0) return false;
    }
  }
  const algorithm alg = a.mode == InterpolationMode::kLinear ? algorithm::resampling_linear
                                                             : algorithm::resampling_nearest;
  std::vector<int> to_logical;
  if (axes == std::vector<uint32_t>{2, 3}) {
    to_logical = IdentityPerm(4);
  } else if (axes == std::vector<uint32_t>{1, 2}) {
    to_logical = {0, 2, 3, 1};
  } else {
    return false;
  }
  ValueId xv = Permuted(c, c.Dense(c.Value(x)), to_logical);
  ValueId yv = c.Destination(y, c.ValueMd(y));
  ValueId yl = Permuted(c, yv, to_logical);
  dnnl::resampling_forward::desc d(dnnl::prop_kind::forward_inference, alg, c.Md(xv), c.Md(yl));
  dnnl::resampling_forward::primitive_desc pd(d, c.Attr(), c.engine());
  c.AddPrimitive(dnnl::resampling_forward(pd), pd, {{DNNL_ARG_SRC, xv}, {DNNL_ARG_DST, yl}},
                 "resample2d [" + std::string(pd.impl_info_str()) + "]");
  c.BindResult(y, yv, /*exact=*/alg == algorithm::resampling_nearest);
  return true;
}

}  // namespace webnn::onednn
