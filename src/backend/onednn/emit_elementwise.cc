// Element-wise operations on oneDNN eltwise, binary, prelu and reorder primitives. Each keeps
// its input's layout (a blocked convolution output stays blocked) and takes the activations
// that follow it as post-ops.
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-unary
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-binary
#include <cstring>

#include "backend/onednn/emit.h"
#include "backend/onednn/float16.h"

namespace webnn::onednn {

namespace {

using dnnl::memory;

// The layout a primitive keeping its source's layout writes `result` in: the source's, or
// dense when the result is a graph output.
md_t ResultMd(Compiler& c, OperandId result, const md_t& src) {
  return c.WritesOutputBuffer(result) ? PlainMd(src.dims(), src.data_type()) : src;
}

// The implementation of `pd`'s primitive that calls the C library (oneDNN's reference
// kernel), for an algorithm its vectorized kernels approximate too loosely (ExactEltwise).
dnnl::eltwise_forward::primitive_desc ReferenceImpl(dnnl::eltwise_forward::primitive_desc pd) {
  while (std::string(pd.impl_info_str()).find("ref") == std::string::npos) {
    if (!pd.next_impl()) throw dnnl::error(dnnl_unimplemented, "no reference eltwise");
  }
  return pd;
}

// op.inputs[0] -> op.outputs[0] through the eltwise algorithms `elts`, with the post-ops that
// follow.
Result<bool> EmitEltwise(Compiler& c, const Operation& op, const std::vector<EltwiseOp>& elts) {
  const OperandId x = op.inputs[0], y = op.outputs[0];
  if (!ComputesInFloat32(c, x) || elts.empty()) return false;
  const EltwiseOp& last = elts.back();
  const bool exact = ExactEltwise(last.alg);
  // The reference kernel reads a dense source on its simple path.
  ValueId xv = exact ? c.Dense(c.Value(x)) : c.Value(x);
  const md_t src = c.Md(xv);
  // An operation of several eltwise algorithms (hardSigmoid: linear, then clip) runs all but
  // the last as primitives of their own: oneDNN 2.6's JIT eltwise takes no post-ops.
  for (size_t i = 0; i + 1 < elts.size(); ++i) {
    dnnl::eltwise_forward::desc d(dnnl::prop_kind::forward_inference, elts[i].alg, src,
                                  elts[i].alpha, elts[i].beta);
    dnnl::eltwise_forward::primitive_desc pd(d, c.Attr(), c.engine());
    const ValueId t = c.NewValue(src);
    c.AddPrimitive(dnnl::eltwise_forward(pd), pd, {{DNNL_ARG_SRC, xv}, {DNNL_ARG_DST, t}},
                   std::string(OpName(op.kind)) + " (1/" + std::to_string(elts.size()) + ") [" +
                       std::string(pd.impl_info_str()) + "]");
    xv = t;
  }
  const size_t rank = std::max<size_t>(c.desc(y).rank(), 1);
  const size_t max_chain = exact ? 0 : FusePostOps(c, y, IdentityPerm(rank)).fused.size();
  for (size_t chain_len = max_chain + 1; chain_len-- > 0;) {
    PostOpChain chain = FusePostOps(c, y, IdentityPerm(rank), chain_len);
    dnnl::post_ops ops;
    std::vector<std::pair<int, ValueId>> extra;
    if (!AppendChain(chain, ops, extra)) return false;
    dnnl::primitive_attr attr = c.Attr();
    attr.set_post_ops(ops);
    dnnl::eltwise_forward::desc d(dnnl::prop_kind::forward_inference, last.alg, src, last.alpha,
                                  last.beta);
    dnnl::eltwise_forward::primitive_desc pd;
    try {
      pd = dnnl::eltwise_forward::primitive_desc(d, attr, c.engine());
    } catch (const dnnl::error&) {
      if (chain_len == 0) throw;
      continue;
    }
    if (exact) pd = ReferenceImpl(pd);
    // With post-ops oneDNN 2.6 has only its reference eltwise kernel, which writes no output for
    // a rank-1 tensor and scatters half of a rank-6 one, partly out of bounds (found by the
    // differential test), and is slower than the unfused JIT steps anyway: such chains run
    // unfused. (2.6's reference eltwise also gave wrong results with binary post-ops:
    // ONNX test_cosh_example.)
    if (ops.len() > 0 && std::string(pd.impl_info_str()).find("ref") != std::string::npos) {
      if (chain_len == 0) return false;
      continue;
    }
    // eltwise writes its source's layout: a graph output in another layout is reordered.
    ValueId yv = c.Destination(chain.result, src);
    std::vector<std::pair<int, ValueId>> args = {{DNNL_ARG_SRC, xv}, {DNNL_ARG_DST, yv}};
    for (const auto& e : extra) args.push_back(e);
    c.AddPrimitive(
        dnnl::eltwise_forward(pd), pd, std::move(args),
        std::string(OpName(op.kind)) + chain.what + " [" + std::string(pd.impl_info_str()) + "]");
    // relu, clamp, neg and abs of float16 numbers are float16 numbers (and so are the fused
    // chains after them, which commute with rounding).
    c.BindResult(chain.result, yv, CommutesWithFloat16Rounding(op));
    if (op.kind == OpKind::kClamp && c.IsFloat16(x) && c.Md(yv) == src) {
      // oneDNN's clip maps NaN to the lower bound (its JIT's max(x, lo) returns lo for a NaN
      // x); WebNN keeps NaN, and wpt checks it for float16: NaN inputs are put back. (A clamp
      // fused after a convolution or product, relu6, is a post-op as in float32.)
      // TODO(spec): a float32 clamp maps NaN the same way; wpt has no float32 case of it.
      c.AddStep(std::make_unique<Float16Step>(Float16Step::Kind::kKeepNaN, xv, yv,
                                              src.get_size() / sizeof(float), c.threads()),
                {xv, yv}, {yv});
    }
    CommitChain(c, chain);
    return true;
  }
  return false;
}

}  // namespace

Result<bool> EmitUnary(Compiler& c, const Operation& op) {
  if (op.inputs.empty() || op.inputs[0] == kNoOperand) return false;
  return EmitEltwise(c, op, EltwiseOf(op, c.desc(op.inputs[0]).dataType));
}

// pow(x, 2) with a constant exponent of 2s that does not broadcast x (the squares of the
// decomposed layer and RMS normalizations of imported models): eltwise square, exact like the
// reference (x * x is one correctly rounded product). Other exponents stay on the reference
// kernel: oneDNN has no binary pow, and its eltwise pow is an approximation.
Result<bool> EmitPow(Compiler& c, const Operation& op) {
  const OperandId x = op.inputs[0], e = op.inputs[1], y = op.outputs[0];
  if (!ComputesInFloat32(c, e) || !c.IsConstant(e) || c.desc(x).shape != c.desc(y).shape) {
    return false;
  }
  for (float v : c.ConstantFloats(e)) {
    if (v != 2.f) return false;
  }
  return EmitEltwise(c, op, {{dnnl::algorithm::eltwise_square}});
}

Result<bool> EmitBinary(Compiler& c, const Operation& op) {
  auto alg = BinaryAlgorithm(op.kind);
  const OperandId y = op.outputs[0];
  if (!alg || !ComputesInFloat32(c, y)) return false;
  OperandId a = op.inputs[0], b = op.inputs[1];
  // oneDNN broadcasts only its second source: the first must have the result's shape.
  if (c.desc(a).shape != c.desc(y).shape) {
    if (!IsCommutative(op.kind) || c.desc(b).shape != c.desc(y).shape) return false;
    std::swap(a, b);
  }
  const size_t rank = std::max<size_t>(c.desc(y).rank(), 1);
  ValueId av = c.Value(a);
  auto bv = BroadcastOperand(c, b, rank, IdentityPerm(rank));
  if (!bv) return false;
  // Both sources in the same layout when they have the same dims (a blocked residual branch
  // against a dense one would take oneDNN's slow generic kernel).
  if (c.Md(*bv).dims() == c.Md(av).dims() && c.Md(*bv) != c.Md(av)) {
    bv = c.Reordered(c.Value(b), c.Md(av));
  }
  const md_t src0 = c.Md(av);
  const size_t max_chain = FusePostOps(c, y, IdentityPerm(rank)).fused.size();
  for (size_t chain_len = max_chain + 1; chain_len-- > 0;) {
    PostOpChain chain = FusePostOps(c, y, IdentityPerm(rank), chain_len);
    dnnl::primitive_attr attr = c.Attr();
    attr.set_post_ops(chain.ops);
    const md_t dst = ResultMd(c, chain.result, src0);
    dnnl::binary::desc d(*alg, src0, c.Md(*bv), dst);
    dnnl::binary::primitive_desc pd;
    try {
      pd = dnnl::binary::primitive_desc(d, attr, c.engine());
    } catch (const dnnl::error&) {
      if (chain_len == 0) throw;
      continue;
    }
    ValueId yv = c.Destination(chain.result, dst);
    std::vector<std::pair<int, ValueId>> args = {
        {DNNL_ARG_SRC_0, av}, {DNNL_ARG_SRC_1, *bv}, {DNNL_ARG_DST, yv}};
    for (const auto& e : chain.binary_args) args.push_back(e);
    c.AddPrimitive(
        dnnl::binary(pd), pd, std::move(args),
        std::string(OpName(op.kind)) + chain.what + " [" + std::string(pd.impl_info_str()) + "]");
    // max and min of float16 numbers are float16 numbers.
    c.BindResult(chain.result, yv, op.kind == OpKind::kMax || op.kind == OpKind::kMin);
    CommitChain(c, chain);
    return true;
  }
  return false;
}

// prelu(x, slope) = x >= 0 ? x : slope * x, slope broadcast to x.
Result<bool> EmitPrelu(Compiler& c, const Operation& op) {
  const OperandId x = op.inputs[0], slope = op.inputs[1], y = op.outputs[0];
  if (!ComputesInFloat32(c, y) || c.desc(x).shape != c.desc(y).shape) {
    return false;
  }
  const size_t rank = std::max<size_t>(c.desc(y).rank(), 1);
  ValueId xv = c.Dense(c.Value(x));
  auto sv = BroadcastOperand(c, slope, rank, IdentityPerm(rank));
  if (!sv) return false;
  dnnl::prelu_forward::desc d(dnnl::prop_kind::forward_inference, c.Md(xv), c.Md(*sv));
  dnnl::prelu_forward::primitive_desc pd(d, c.Attr(), c.engine());
  ValueId yv = c.Destination(y, c.Md(xv));
  c.AddPrimitive(dnnl::prelu_forward(pd), pd,
                 {{DNNL_ARG_SRC, xv}, {DNNL_ARG_WEIGHTS, *sv}, {DNNL_ARG_DST, yv}},
                 "prelu [" + std::string(pd.impl_info_str()) + "]");
  c.BindResult(y, yv);
  return true;
}

// cast between float32 and float16 (round to nearest even) and from small integers to float:
// exact conversions the way the spec does them. Float to integer truncates in WebNN but rounds
// in a reorder, so it stays on the reference kernel.
// A float16 operand's value being float32 (compiler.h), float16 -> float32 is the same value
// (a view) and float32 -> float16 a rounding; an integer becomes float32 in a reorder (exact up
// to 2^24, and any larger integer is beyond float16's range either way, so rounding that float
// to float16 is the single rounding the spec asks for).
Result<bool> EmitCast(Compiler& c, const Operation& op) {
  const OperandId x = op.inputs[0], y = op.outputs[0];
  const DataType from = c.desc(x).dataType, to = c.desc(y).dataType;
  const bool float_to_float = IsFloatingPoint(from) && IsFloatingPoint(to);
  const bool int_to_float = !IsFloatingPoint(from) && IsFloatingPoint(to);
  auto dfrom = ToDnnl(from), dto = ToDnnl(to);
  if (!dfrom || !dto || !(float_to_float || int_to_float)) return false;
  ValueId xv = c.Dense(float_to_float ? c.Value(x) : c.Bound(x));
  if (float_to_float && (from == DataType::kFloat16 || from == to)) {
    c.Bind(y, c.View(xv, c.Md(xv)));  // a view: the bytes are shared, never overwritten in place
    return true;
  }
  ValueId yv = c.Destination(y, c.ValueMd(y));
  c.AddReorder(xv, yv);  // a copy for float32 -> float16, rounded next
  c.BindResult(y, yv, /*exact=*/to == DataType::kFloat32);
  return true;
}

}  // namespace webnn::onednn
