// Data movement without copies where the layout allows: reshape of a dense value and
// transpose are views (another descriptor over the same bytes); the consumer that needs a
// dense layout gets a reorder, which is where a transpose is finally carried out. concat is
// the oneDNN concat primitive.
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-reshape-method
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-transpose
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-concat
#include "backend/onednn/emit.h"

namespace webnn::onednn {

Result<bool> EmitReshape(Compiler& c, const Operation& op) {
  // reshape and identity: the same bytes under the output's dense descriptor (in the value's
  // type: a float16 operand's value may be float32, compiler.h).
  ValueId xv = c.Dense(c.Bound(op.inputs[0]));
  c.Bind(op.outputs[0], c.View(xv, PlainMd(c.ValueMd(op.outputs[0]).dims(), c.Md(xv).data_type())));
  return true;
}

Result<bool> EmitTranspose(Compiler& c, const Operation& op) {
  const OperandDescriptor& d = c.desc(op.inputs[0]);
  if (!ToDnnl(d.dataType) || d.rank() < 2) return false;
  const auto& a = std::get<TransposeAttrs>(op.attrs);
  // Output axis i is input axis permutation[i]; oneDNN's permute_axes takes, per input axis,
  // its new position.
  std::vector<int> perm(d.rank());
  for (uint32_t i = 0; i < d.rank(); ++i) {
    const uint32_t from = a.permutation ? (*a.permutation)[i] : d.rank() - 1 - i;
    perm[from] = static_cast<int>(i);
  }
  c.Bind(op.outputs[0], Permuted(c, c.Bound(op.inputs[0]), perm));
  return true;
}

Result<bool> EmitConcat(Compiler& c, const Operation& op) {
  const OperandDescriptor& out = c.desc(op.outputs[0]);
  // (float16 operands are concatenated as their float32 values.)
  auto type = out.dataType == DataType::kFloat16 ? dt::f32 : ToDnnl(out.dataType);
  if (!type || out.rank() == 0) return false;
  const auto& a = std::get<AxisAttrs>(op.attrs);
  std::vector<md_t> srcs;
  std::vector<std::pair<int, ValueId>> args;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    if (c.desc(op.inputs[i]).ElementCount() == 0) return false;
    ValueId v = c.Value(op.inputs[i]);
    srcs.push_back(c.Md(v));
    args.push_back({DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i), v});
  }
  const md_t dst = c.WritesOutputBuffer(op.outputs[0])
                       ? c.ValueMd(op.outputs[0])
                       : md_t(PlainMd(out).dims(), *type, dnnl::memory::format_tag::any);
  dnnl::concat::primitive_desc pd(dst, static_cast<int>(a.axis), srcs, c.engine(), c.Attr());
  ValueId yv = c.Destination(op.outputs[0], pd.dst_desc());
  args.push_back({DNNL_ARG_DST, yv});
  c.AddPrimitive(dnnl::concat(pd), pd, std::move(args),
                 "concat [" + std::string(pd.impl_info_str()) + "]");
  c.Bind(op.outputs[0], yv);
  return true;
}

}  // namespace webnn::onednn
