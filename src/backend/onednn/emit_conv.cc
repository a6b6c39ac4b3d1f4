// conv2d and convTranspose2d on oneDNN (de)convolution primitives.
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-conv2d
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-convtranspose2d
#include <algorithm>
#include <cmath>
#include <cstring>

#include "backend/onednn/emit.h"

namespace webnn::onednn {

namespace {

using dnnl::memory;

uint32_t At(const std::optional<UintList>& v, size_t i, uint32_t fallback) {
  return v && i < v->size() ? (*v)[i] : fallback;
}

// NHWC operands are seen by oneDNN as NCHW logical dims: permutation from WebNN axes to
// logical ones (permute_axes convention: p[i] is the new position of axis i), and back.
std::vector<int> ToLogical(InputOperandLayout layout) {
  return layout == InputOperandLayout::kNhwc ? std::vector<int>{0, 2, 3, 1}
                                             : std::vector<int>{0, 1, 2, 3};
}
std::vector<int> FromLogical(InputOperandLayout layout) {
  return layout == InputOperandLayout::kNhwc ? std::vector<int>{0, 3, 1, 2}
                                             : std::vector<int>{0, 1, 2, 3};
}

// A batchNormalization with constant statistics reading `result` along the channel axis,
// folded into the convolution's filter (OIHW floats) and bias: W' = W * s, b' = (b - mean) * s
// + beta with s = scale / sqrt(variance + epsilon).
const Operation* FoldableBatchNorm(Compiler& c, OperandId result, size_t channel_axis) {
  // float16: the reference rounds the convolution's result before normalizing it (compiler.h).
  if (c.IsFloat16(result)) return nullptr;
  const Operation* bn = c.SoleConsumer(result);
  if (!bn || bn->kind != OpKind::kBatchNormalization || bn->inputs[0] != result) return nullptr;
  if (std::get<BatchNormalizationAttrs>(bn->attrs).axis != channel_axis) return nullptr;
  for (size_t i = 1; i < bn->inputs.size(); ++i) {
    if (bn->inputs[i] != kNoOperand && !c.IsConstant(bn->inputs[i])) return nullptr;
  }
  return bn;
}

// An addition of a constant that varies at most along the channel axis, reading `result` and
// nothing else: a bias an exporter left as its own node (PaddlePaddle's ConvTranspose + Add).
// Returns the operation with the per-channel values in `per_channel` (out_channels of them).
const Operation* FoldableChannelAdd(Compiler& c, OperandId result, size_t channel_axis,
                                    size_t out_channels, std::vector<float>& per_channel) {
  if (c.IsFloat16(result)) return nullptr;  // rounded before the addition, as above
  const Operation* add = c.SoleConsumer(result);
  if (!add || add->kind != OpKind::kAdd || add->inputs.size() != 2) return nullptr;
  const OperandId other = add->inputs[0] == result ? add->inputs[1] : add->inputs[0];
  if (other == result || !c.IsConstant(other)) return nullptr;
  const OperandDescriptor& od = c.desc(other);
  const auto& rs = c.desc(result).shape;
  if (od.dataType != DataType::kFloat32 || od.rank() > rs.size() ||
      c.desc(add->outputs[0]).shape != rs) {
    return nullptr;
  }
  // Right-aligned broadcasting: every axis of `other` is 1 but the channel axis's.
  const size_t offset = rs.size() - od.rank();
  size_t channels = 1;
  for (size_t i = 0; i < od.rank(); ++i) {
    if (i + offset == channel_axis) {
      channels = od.shape[i];
    } else if (od.shape[i] != 1) {
      return nullptr;
    }
  }
  if (channels != 1 && channels != out_channels) return nullptr;
  std::vector<float> values = c.ConstantFloats(other);
  per_channel.assign(out_channels, values.empty() ? 0.f : values[0]);
  if (channels == out_channels) per_channel = std::move(values);
  return add;
}

void FoldBatchNorm(Compiler& c, const Operation& bn, std::vector<float>& oihw,
                   std::vector<float>& bias, size_t out_channels) {
  const auto& a = std::get<BatchNormalizationAttrs>(bn.attrs);
  auto mean = c.ConstantFloats(bn.inputs[1]);
  auto var = c.ConstantFloats(bn.inputs[2]);
  std::vector<float> scale(out_channels, 1.f), beta(out_channels, 0.f);
  if (bn.inputs[3] != kNoOperand) scale = c.ConstantFloats(bn.inputs[3]);
  if (bn.inputs[4] != kNoOperand) beta = c.ConstantFloats(bn.inputs[4]);
  const size_t per_channel = oihw.size() / out_channels;
  for (size_t o = 0; o < out_channels; ++o) {
    const double s = scale[o] / std::sqrt(static_cast<double>(var[o]) + a.epsilon);
    for (size_t k = 0; k < per_channel; ++k) {
      oihw[o * per_channel + k] = ToFloat(oihw[o * per_channel + k] * s);
    }
    bias[o] = ToFloat((bias[o] - mean[o]) * s + beta[o]);
  }
}

// Whether some output position along one spatial dimension reads no input: its dilated window
// lies wholly in the padding (`dilate` counts from 0, as oneDNN's does).
bool WindowInPadding(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t dilate,
                     int64_t pad_l) {
  for (int64_t o = 0; o < out; ++o) {
    bool reads = false;
    for (int64_t k = 0; k < kernel && !reads; ++k) {
      const int64_t i = o * stride + k * (dilate + 1) - pad_l;
      reads = i >= 0 && i < in;
    }
    if (!reads) return true;
  }
  return false;
}

struct ConvGeometry {
  memory::dims strides, dilates, pad_l, pad_r;
};

// A transposed convolution whose stride equals its kernel, without padding or dilation (the
// 2x2 stride-2 upsampling of segmentation heads such as DBNet's): every input pixel writes its
// own KH x KW patch, so it is one matmul [N*H*W, C] x [C, O*KH*KW] followed by a reorder of
// the patches into place. oneDNN 2.6's deconvolution kernels take ~0.5 GFLOP/s on this shape
// (PP-OCRv4's detector: 90 ms for 59 M multiply-adds); its matmul is at full speed.
bool IsPatchDeconvolution(const ConvGeometry& geo, const memory::dims& weights_dims) {
  return weights_dims.size() == 4 && geo.strides[0] == weights_dims[2] &&
         geo.strides[1] == weights_dims[3] && geo.dilates[0] == 0 && geo.dilates[1] == 0 &&
         geo.pad_l[0] == 0 && geo.pad_l[1] == 0 && geo.pad_r[0] == 0 && geo.pad_r[1] == 0;
}

// `oihw` and `bias` are the (folded) constant weights in logical [O, C, KH, KW] order and the
// per-output-channel bias; `result` is the operand the deconvolution (and folded ops) produce.
// Post-ops: the leading run of eltwise operations after `result` (they commute with moving
// patches around; binary ones would need the patch layout).
bool EmitPatchDeconvolution(Compiler& c, OperandId x, OperandId result,
                            const std::vector<int>& to_logical, const memory::dims& x_dims,
                            const memory::dims& weights_dims, const std::vector<float>& oihw,
                            const std::vector<float>& bias, std::vector<const Operation*> folded) {
  const int64_t n = x_dims[0], ch = x_dims[1], h = x_dims[2], w = x_dims[3];
  const int64_t o = weights_dims[0], kh = weights_dims[2], kw = weights_dims[3];
  const int64_t cols = o * kh * kw;
  // B[c, (o, kh, kw)] and the bias repeated over each patch.
  std::vector<float> b_mat(static_cast<size_t>(ch * cols)), b_bias(static_cast<size_t>(cols));
  for (int64_t oc = 0; oc < o; ++oc) {
    for (int64_t ic = 0; ic < ch; ++ic) {
      for (int64_t k = 0; k < kh * kw; ++k) {
        b_mat[ic * cols + oc * kh * kw + k] = oihw[(oc * ch + ic) * kh * kw + k];
      }
    }
    for (int64_t k = 0; k < kh * kw; ++k) b_bias[oc * kh * kw + k] = bias[oc];
  }
  // The longest eltwise-only chain.
  size_t eltwise_len = 0;
  for (;; ++eltwise_len) {
    PostOpChain probe = FusePostOps(c, result, to_logical, eltwise_len + 1);
    if (probe.fused.size() != eltwise_len + 1 || !probe.binary_args.empty()) break;
  }
  const PostOpChain chain = FusePostOps(c, result, to_logical, eltwise_len);
  dnnl::primitive_attr attr = c.Attr();
  attr.set_post_ops(chain.ops);
  const md_t a_md = PlainMd({n * h * w, ch}, dt::f32);
  const md_t b_md = PlainMd({ch, cols}, dt::f32);
  const md_t bias_md = PlainMd({1, cols}, dt::f32);
  const md_t m_md = PlainMd({n * h * w, cols}, dt::f32);
  dnnl::matmul::primitive_desc pd;
  try {
    pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(a_md, b_md, bias_md, m_md), attr,
                                      c.engine());
  } catch (const dnnl::error&) {
    return false;
  }
  // The input as NHWC rows: [N*H*W, C].
  const md_t x_nhwc(x_dims, dt::f32, memory::format_tag::nhwc);
  ValueId xv = c.View(c.Reordered(Permuted(c, c.Value(x), to_logical), x_nhwc), a_md);
  ValueId bv = c.Prepack(b_md, b_mat.data(), b_md);
  ValueId biasv = c.Prepack(bias_md, b_bias.data(), bias_md);
  ValueId mv = c.NewValue(m_md);
  c.AddPrimitive(
      dnnl::matmul(pd), pd,
      {{DNNL_ARG_SRC, xv}, {DNNL_ARG_WEIGHTS, bv}, {DNNL_ARG_BIAS, biasv}, {DNNL_ARG_DST, mv}},
      "convTranspose2d as matmul" + chain.what + " [" + pd.impl_info_str() + "]");
  // Patches into place: [N, H, W, O, KH, KW] -> the destination seen as [N, O, H, KH, W, KW].
  const memory::dims dims6 = {n, o, h, kh, w, kw};
  const md_t src6(dims6, dt::f32, memory::dims{h * w * cols, kh * kw, w * cols, kw, cols, 1});
  ValueId yv = c.Destination(chain.result, c.ValueMd(chain.result));
  const md_t y_logical = c.Md(yv).permute_axes(to_logical);
  const auto& st = y_logical.data.format_desc.blocking.strides;
  const md_t dst6(dims6, dt::f32, memory::dims{st[0], st[1], kh * st[2], st[2], kw * st[3], st[3]});
  c.AddReorder(c.View(mv, src6), c.View(yv, dst6));
  c.BindResult(chain.result, yv);
  for (const Operation* op : folded) c.MarkFused(*op);
  CommitChain(c, chain);
  return true;
}

// Emits a convolution or deconvolution. `filter_perm` maps the filter's WebNN axes to logical
// [O, I, KH, KW]; `groups` splits O and I; `deconv` picks the primitive.
Result<bool> EmitConvLike(Compiler& c, const Operation& op, InputOperandLayout layout,
                          const std::vector<int>& filter_perm, uint32_t groups,
                          const ConvGeometry& geo, bool deconv) {
  const OperandId x = op.inputs[0], w = op.inputs[1];
  const OperandId b = op.inputs.size() > 2 ? op.inputs[2] : kNoOperand;
  const OperandId y = op.outputs[0];
  if (!ComputesInFloat32(c, x)) return false;
  const std::vector<int> to_logical = ToLogical(layout), from_logical = FromLogical(layout);

  // Logical shapes.
  const auto& ws = c.desc(w).shape;
  memory::dims w_logical(4);
  for (size_t i = 0; i < 4; ++i) w_logical[filter_perm[i]] = ws[i];
  const md_t y_webnn = c.ValueMd(y);
  const md_t y_logical_plain = y_webnn.permute_axes(to_logical);
  const memory::dims y_dims = y_logical_plain.dims();
  const md_t x_logical = c.Md(c.Value(x)).permute_axes(to_logical);
  const memory::dims x_dims = x_logical.dims();
  memory::dims weights_dims;
  if (groups == 1) {
    weights_dims = {y_dims[1], x_dims[1], w_logical[2], w_logical[3]};
  } else {
    weights_dims = {groups, y_dims[1] / groups, x_dims[1] / groups, w_logical[2], w_logical[3]};
  }

  // Weights (and bias) as constants, with a following constant per-channel addition and
  // batchNormalization folded in. The logical filter is [O, I(/G), KH, KW] for both primitives
  // (a deconvolution only when ungrouped), so scaling output channel o scales one O slice.
  const bool const_weights = c.IsConstant(w) && (b == kNoOperand || c.IsConstant(b));
  const size_t channel_axis = layout == InputOperandLayout::kNhwc ? 3 : 1;
  std::vector<float> added;
  const Operation* add =
      const_weights ? FoldableChannelAdd(c, y, channel_axis, y_dims[1], added) : nullptr;
  const OperandId pre_bn = add ? add->outputs[0] : y;
  const Operation* bn = const_weights ? FoldableBatchNorm(c, pre_bn, channel_axis) : nullptr;
  std::vector<float> oihw, bias;
  if (const_weights) {
    // The filter in logical [O, I, KH, KW] order (per group for deconv: [I, O/G, ...] is
    // handled by the permutation given), dense.
    // (float16 weights are widened once, here, and prepacked as float32.)
    std::vector<float> w_floats = c.ConstantFloats(w);
    md_t w_perm = c.ValueMd(w).permute_axes(filter_perm);
    md_t w_plain = PlainMd(w_perm.dims(), dt::f32);
    oihw.resize(w_plain.get_size() / sizeof(float));
    {
      dnnl::memory src(w_perm, c.engine(), w_floats.data());
      dnnl::memory dst(w_plain, c.engine(), oihw.data());
      dnnl::stream s(c.engine());
      dnnl::reorder(src, dst).execute(s, src, dst);
      s.wait();
    }
    bias.assign(y_dims[1], 0.f);
    if (b != kNoOperand) bias = c.ConstantFloats(b);
    for (size_t o = 0; add && o < bias.size(); ++o) bias[o] += added[o];
    if (bn) FoldBatchNorm(c, *bn, oihw, bias, y_dims[1]);
  }
  const OperandId conv_result = bn ? bn->outputs[0] : pre_bn;
  const bool has_bias = const_weights ? true : b != kNoOperand;

  // Try the longest post-op chain oneDNN has a fast kernel for.
  const PostOpChain longest = FusePostOps(c, conv_result, to_logical);
  size_t max_chain = longest.fused.size();
  // oneDNN 2.6's brgconv adds a per-channel binary post-op operand at the wrong channels when an
  // output lies wholly in the padding (seen: 1x1 output, batch 1, more than 16 channels; the
  // differential test's edge cases): such a convolution takes only the eltwise post-ops before
  // the first binary one, and no in-place sum.
  const bool window_in_padding =
      !deconv && (WindowInPadding(x_dims[2], y_dims[2], w_logical[2], geo.strides[0],
                                  geo.dilates[0], geo.pad_l[0]) ||
                  WindowInPadding(x_dims[3], y_dims[3], w_logical[3], geo.strides[1],
                                  geo.dilates[1], geo.pad_l[1]));
  if (window_in_padding) {
    max_chain = 0;
    while (max_chain < longest.fused.size() && !BinaryAlgorithm(longest.fused[max_chain]->kind)) {
      ++max_chain;
    }
  }
  // Candidates, best first: the whole chain with a residual addition accumulated in place
  // (a sum post-op), then ever shorter chains of ordinary post-ops.
  // (Not when the convolution itself reads that operand: it would overwrite its own input.)
  const PostOpChain with_sum = FusePostOps(c, conv_result, to_logical, SIZE_MAX, true);
  const bool try_sum =
      !deconv && !window_in_padding && with_sum.sum &&
      std::find(op.inputs.begin(), op.inputs.end(), with_sum.sum_operand) == op.inputs.end();
  if (deconv && const_weights && groups == 1 && IsPatchDeconvolution(geo, weights_dims)) {
    std::vector<const Operation*> folded;
    if (add) folded.push_back(add);
    if (bn) folded.push_back(bn);
    if (EmitPatchDeconvolution(c, x, conv_result, to_logical, x_dims, weights_dims, oihw, bias,
                               folded)) {
      return true;
    }
  }
  const size_t candidates = max_chain + 1 + (try_sum ? 1 : 0);
  for (size_t k = 0; k < candidates; ++k) {
    const bool last = k + 1 == candidates;
    PostOpChain chain = try_sum && k == 0
                            ? FusePostOps(c, conv_result, to_logical, SIZE_MAX, /*allow_sum=*/true)
                            : FusePostOps(c, conv_result, to_logical, candidates - 1 - k);
    dnnl::primitive_attr attr = c.Attr();
    attr.set_post_ops(chain.ops);
    const bool dst_is_output = c.WritesOutputBuffer(chain.result);
    const md_t y_want = chain.sum       ? c.Md(*chain.sum).permute_axes(to_logical)
                        : dst_is_output ? y_logical_plain
                                        : md_t(y_dims, dt::f32, memory::format_tag::any);
    const md_t x_any(x_dims, dt::f32, memory::format_tag::any);
    const md_t w_any(weights_dims, dt::f32, memory::format_tag::any);
    const md_t b_md = PlainMd({y_dims[1]}, dt::f32);
    // The primitive descriptor of either kind; everything after it is shared.
    dnnl::primitive_desc pd;
    dnnl::primitive prim;
    try {
      if (!deconv) {
        auto d = has_bias
                     ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                       dnnl::algorithm::convolution_direct, x_any,
                                                       w_any, b_md, y_want, geo.strides,
                                                       geo.dilates, geo.pad_l, geo.pad_r)
                     : dnnl::convolution_forward::desc(
                           dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                           x_any, w_any, y_want, geo.strides, geo.dilates, geo.pad_l, geo.pad_r);
        dnnl::convolution_forward::primitive_desc conv_pd(d, attr, c.engine());
        prim = dnnl::convolution_forward(conv_pd);
        pd = conv_pd;
      } else {
        auto d =
            has_bias
                ? dnnl::deconvolution_forward::desc(
                      dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct,
                      x_any, w_any, b_md, y_want, geo.strides, geo.dilates, geo.pad_l, geo.pad_r)
                : dnnl::deconvolution_forward::desc(
                      dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct,
                      x_any, w_any, y_want, geo.strides, geo.dilates, geo.pad_l, geo.pad_r);
        dnnl::deconvolution_forward::primitive_desc deconv_pd(d, attr, c.engine());
        prim = dnnl::deconvolution_forward(deconv_pd);
        pd = deconv_pd;
      }
    } catch (const dnnl::error&) {
      if (last) throw;
      continue;
    }
    const std::string impl = pd.impl_info_str();
    // A fused chain that only oneDNN's reference (or, for convolutions, gemm-based) kernels
    // take costs more than the unfused post-operations it saves.
    if (!chain.fused.empty() && (impl.find("ref") != std::string::npos ||
                                 (!deconv && impl.find("gemm") != std::string::npos))) {
      continue;
    }
    const md_t src_md = pd.src_desc(0), weights_md = pd.weights_desc(0), dst_md = pd.dst_desc(0);
    ValueId xv = c.Reordered(Permuted(c, c.Value(x), to_logical), src_md);
    ValueId wv;
    if (const_weights) {
      wv = c.Prepack(PlainMd(weights_dims, dt::f32), oihw.data(), weights_md);
    } else {
      ValueId raw = Permuted(c, c.Dense(c.Value(w)), filter_perm);
      if (groups != 1) raw = c.View(raw, c.Md(raw).reshape(weights_dims));
      wv = c.Reordered(raw, weights_md);
    }
    std::vector<std::pair<int, ValueId>> args = {{DNNL_ARG_SRC, xv}, {DNNL_ARG_WEIGHTS, wv}};
    if (has_bias) {
      ValueId bv = const_weights ? c.Prepack(b_md, bias.data(), b_md) : c.Dense(c.Value(b));
      args.push_back({DNNL_ARG_BIAS, bv});
    }
    const md_t y_value_md = dst_md.permute_axes(from_logical);
    ValueId yv = chain.sum ? *chain.sum : c.Destination(chain.result, y_value_md);
    args.push_back({DNNL_ARG_DST, Permuted(c, yv, to_logical)});
    for (const auto& a : chain.binary_args) args.push_back(a);
    c.AddPrimitive(prim, pd, std::move(args),
                   std::string(deconv ? "convTranspose2d" : "conv2d") + (add ? "+add" : "") +
                       (bn ? "+batchNorm" : "") + chain.what + " [" + impl + "]");
    c.BindResult(chain.result, yv);
    if (add) c.MarkFused(*add);
    if (bn) c.MarkFused(*bn);
    CommitChain(c, chain);
    return true;
  }
  return false;
}

}  // namespace

Result<bool> EmitConv2d(Compiler& c, const Operation& op) {
  const auto& a = std::get<Conv2dAttrs>(op.attrs);
  std::vector<int> filter_perm;  // WebNN filter axes -> logical [O, I, KH, KW]
  switch (a.filterLayout) {
    case Conv2dFilterOperandLayout::kOihw:
      filter_perm = {0, 1, 2, 3};
      break;
    case Conv2dFilterOperandLayout::kHwio:
      filter_perm = {2, 3, 1, 0};
      break;
    case Conv2dFilterOperandLayout::kOhwi:
      filter_perm = {0, 2, 3, 1};
      break;
    case Conv2dFilterOperandLayout::kIhwo:
      filter_perm = {1, 2, 3, 0};
      break;
  }
  ConvGeometry geo;
  geo.strides = {At(a.strides, 0, 1), At(a.strides, 1, 1)};
  // oneDNN counts dilation from 0 (no gaps).
  geo.dilates = {At(a.dilations, 0, 1) - 1, At(a.dilations, 1, 1) - 1};
  geo.pad_l = {At(a.padding, 0, 0), At(a.padding, 2, 0)};
  geo.pad_r = {At(a.padding, 1, 0), At(a.padding, 3, 0)};
  return EmitConvLike(c, op, a.inputLayout, filter_perm, a.groups, geo, /*deconv=*/false);
}

Result<bool> EmitConvTranspose2d(Compiler& c, const Operation& op) {
  const auto& a = std::get<ConvTranspose2dAttrs>(op.attrs);
  // Only ungrouped: the grouped filter of a transposed convolution splits I, not O, and the
  // logical reshape below assumes [O, I, ...].
  if (a.groups != 1) return false;
  std::vector<int> filter_perm;  // WebNN filter axes -> logical [O, I, KH, KW]
  switch (a.filterLayout) {
    case ConvTranspose2dFilterOperandLayout::kIohw:
      filter_perm = {1, 0, 2, 3};
      break;
    case ConvTranspose2dFilterOperandLayout::kHwoi:
      filter_perm = {2, 3, 0, 1};
      break;
    case ConvTranspose2dFilterOperandLayout::kOhwi:
      filter_perm = {0, 2, 3, 1};
      break;
  }
  const auto& xs = c.desc(op.inputs[0]).shape;
  const auto& ys = c.desc(op.outputs[0]).shape;
  const bool nhwc = a.inputLayout == InputOperandLayout::kNhwc;
  const int64_t in_h = xs[nhwc ? 1 : 2], in_w = xs[nhwc ? 2 : 3];
  const int64_t out_h = ys[nhwc ? 1 : 2], out_w = ys[nhwc ? 2 : 3];
  const auto& ws = c.desc(op.inputs[1]).shape;
  memory::dims w_logical(4);
  for (size_t i = 0; i < 4; ++i) w_logical[filter_perm[i]] = ws[i];
  ConvGeometry geo;
  geo.strides = {At(a.strides, 0, 1), At(a.strides, 1, 1)};
  geo.dilates = {At(a.dilations, 0, 1) - 1, At(a.dilations, 1, 1) - 1};
  geo.pad_l = {At(a.padding, 0, 0), At(a.padding, 2, 0)};
  // out = (in - 1) * stride + (k - 1) * dilation + 1 - pad_l - pad_r: the right padding that
  // gives the validated output size (output padding and sizes included).
  const int64_t kh = (w_logical[2] - 1) * (geo.dilates[0] + 1) + 1;
  const int64_t kw = (w_logical[3] - 1) * (geo.dilates[1] + 1) + 1;
  geo.pad_r = {(in_h - 1) * geo.strides[0] + kh - geo.pad_l[0] - out_h,
               (in_w - 1) * geo.strides[1] + kw - geo.pad_l[1] - out_w};
  if (geo.pad_r[0] < 0 || geo.pad_r[1] < 0) return false;
  return EmitConvLike(c, op, a.inputLayout, filter_perm, 1, geo, /*deconv=*/true);
}

}  // namespace webnn::onednn
