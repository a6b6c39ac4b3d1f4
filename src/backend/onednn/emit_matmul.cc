// matmul and gemm on the oneDNN matmul primitive, with bias, scaling, activations and residual
// additions as post-ops. Transposed operands arrive as strided views (emit_data.cc), which the
// primitive reads directly.
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-matmul
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-gemm
#include <cstring>

#include "backend/onednn/emit.h"

namespace webnn::onednn {

namespace {

using dnnl::memory;

// `v` with leading 1s up to `rank` dims (a view).
ValueId Ranked(Compiler& c, ValueId v, size_t rank) {
  const md_t& md = c.Md(v);
  if (static_cast<size_t>(md.data.ndims) == rank) return v;
  memory::dims dims(rank - md.data.ndims, 1);
  for (int i = 0; i < md.data.ndims; ++i) dims.push_back(md.data.dims[i]);
  return c.View(v, md.reshape(dims));
}

// Emits dst = a x b (+ extra post-ops) where a, b are values over `rank` dims. `scale` is the
// output scale (gemm's alpha); `c_operand`, when given, is added as the first post-op.
Result<bool> EmitProduct(Compiler& c, const Operation& op, ValueId a, ValueId b, float scale,
                         OperandId bias_operand, const char* name) {
  const OperandId y = op.outputs[0];
  const size_t rank = c.desc(y).rank();
  const md_t y_plain = c.ValueMd(y);
  // A constant, dense right-hand side is prepacked once into the layout the kernel wants.
  const bool const_b = c.IsConstant(op.inputs[1]) && IsPlain(c.Md(b));
  const size_t max_chain = FusePostOps(c, y, IdentityPerm(rank)).fused.size();
  for (size_t chain_len = max_chain + 1; chain_len-- > 0;) {
    dnnl::post_ops ops;
    std::vector<std::pair<int, ValueId>> extra;
    if (bias_operand != kNoOperand) {
      auto src1 = BroadcastOperand(c, bias_operand, rank, IdentityPerm(rank));
      if (!src1) return false;
      ops.append_binary(dnnl::algorithm::binary_add, c.Md(*src1));
      extra.push_back({DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, *src1});
    }
    PostOpChain chain = FusePostOps(c, y, IdentityPerm(rank), chain_len);
    if (!AppendChain(chain, ops, extra)) return false;
    dnnl::primitive_attr attr = c.Attr();
    if (scale != 1.f) attr.set_output_scales(0, {scale});
    attr.set_post_ops(ops);
    const md_t b_md = const_b ? md_t(c.Md(b).dims(), dt::f32, memory::format_tag::any) : c.Md(b);
    dnnl::matmul::desc d(c.Md(a), b_md, y_plain);
    dnnl::matmul::primitive_desc pd;
    try {
      pd = dnnl::matmul::primitive_desc(d, attr, c.engine());
    } catch (const dnnl::error&) {
      if (chain_len == 0) throw;
      continue;
    }
    const std::string impl = std::string(pd.impl_info_str());
    if (chain_len > 0 && impl.find("ref") != std::string::npos) continue;
    ValueId bv = b;
    if (const_b) bv = c.Prepack(c.Md(b), c.ConstantData(b), pd.weights_desc());
    ValueId yv = c.Destination(chain.result, y_plain);
    std::vector<std::pair<int, ValueId>> args = {
        {DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, bv}, {DNNL_ARG_DST, yv}};
    for (const auto& e : extra) args.push_back(e);
    c.AddPrimitive(dnnl::matmul(pd), pd, std::move(args),
                   std::string(name) + chain.what + " [" + impl + "]");
    c.BindResult(chain.result, yv);
    CommitChain(c, chain);
    return true;
  }
  return false;
}

}  // namespace

Result<bool> EmitMatmul(Compiler& c, const Operation& op) {
  if (!ComputesInFloat32(c, op.outputs[0])) return false;
  const size_t rank = c.desc(op.outputs[0]).rank();
  ValueId a = Ranked(c, c.Value(op.inputs[0]), rank);
  ValueId b = Ranked(c, c.Value(op.inputs[1]), rank);
  return EmitProduct(c, op, a, b, 1.f, kNoOperand, "matmul");
}

Result<bool> EmitGemm(Compiler& c, const Operation& op) {
  if (!ComputesInFloat32(c, op.outputs[0])) return false;
  const auto& g = std::get<GemmAttrs>(op.attrs);
  // alpha and beta are cast to the operands' type first (a float16 beta of 1.0001 is 1).
  const DataType type = c.desc(op.outputs[0]).dataType;
  const float alpha = CastToType(g.alpha, type), beta = CastToType(g.beta, type);
  const OperandId cop = op.inputs.size() > 2 ? op.inputs[2] : kNoOperand;
  // beta * c: only beta = 1 is a plain post-op addition (or no c at all).
  if (cop != kNoOperand && beta != 1.f && beta != 0.f) return false;
  ValueId a = c.Value(op.inputs[0]);
  ValueId b = c.Value(op.inputs[1]);
  if (g.aTranspose) a = Permuted(c, a, {1, 0});
  if (g.bTranspose) b = Permuted(c, b, {1, 0});
  return EmitProduct(c, op, a, b, alpha, beta == 0.f ? kNoOperand : cop, "gemm");
}

}  // namespace webnn::onednn
