// The emitters: one function per operator family turns an operation into oneDNN steps on the
// Compiler, or returns false to leave it to its reference kernel. An emitter creates every
// primitive descriptor before it adds a step, and a oneDNN error it throws undoes its partial
// work (the compiler restores its state and falls back), so declining is always safe.
#pragma once

#include "backend/onednn/compiler.h"

namespace webnn::onednn {

// Dispatches on op.kind.
Result<bool> EmitOperation(Compiler& c, const Operation& op);

// emit_conv.cc: conv2d, convTranspose2d (+ bias, activations, residual add, folded batchNorm).
Result<bool> EmitConv2d(Compiler& c, const Operation& op);
Result<bool> EmitConvTranspose2d(Compiler& c, const Operation& op);
// emit_matmul.cc: matmul, gemm (+ bias, activations, residual add).
Result<bool> EmitMatmul(Compiler& c, const Operation& op);
Result<bool> EmitGemm(Compiler& c, const Operation& op);
// emit_elementwise.cc: unary activations and math, binary arithmetic, pow(x, 2), prelu, cast,
// clamp.
Result<bool> EmitUnary(Compiler& c, const Operation& op);
Result<bool> EmitBinary(Compiler& c, const Operation& op);
Result<bool> EmitPow(Compiler& c, const Operation& op);
Result<bool> EmitPrelu(Compiler& c, const Operation& op);
Result<bool> EmitCast(Compiler& c, const Operation& op);
// emit_data.cc: reshape (a view), transpose (a view), concat, identity.
Result<bool> EmitReshape(Compiler& c, const Operation& op);
Result<bool> EmitTranspose(Compiler& c, const Operation& op);
Result<bool> EmitConcat(Compiler& c, const Operation& op);
// emit_pool_norm.cc: pooling, softmax, normalizations, reductions, resample2d.
Result<bool> EmitPool2d(Compiler& c, const Operation& op);
Result<bool> EmitSoftmax(Compiler& c, const Operation& op);
Result<bool> EmitBatchNormalization(Compiler& c, const Operation& op);
Result<bool> EmitInstanceNormalization(Compiler& c, const Operation& op);
Result<bool> EmitLayerNormalization(Compiler& c, const Operation& op);
Result<bool> EmitReduce(Compiler& c, const Operation& op);
Result<bool> EmitResample2d(Compiler& c, const Operation& op);

// Post-ops (fusion.cc): appends to `ops` every operation that can follow `result` as a post-op
// of a primitive writing `result` (activations; binary operations with an operand that
// broadcasts to it), marks them fused, and returns the operand the fused chain finally
// produces. `to_dst` maps a WebNN-shaped descriptor of a binary post-op operand to the
// primitive's logical destination dims (identity but for NHWC convolutions). Binary operands
// are added to `binary_args` as (DNNL_ARG_ATTR_MULTIPLE_POST_OP(i) | DNNL_ARG_SRC_1, value).
struct PostOpChain {
  dnnl::post_ops ops;
  std::vector<const Operation*> fused;  // the operations the chain folds in
  std::vector<std::pair<int, ValueId>> binary_args;
  OperandId result = kNoOperand;  // the operand the primitive's destination finally holds
  // With a sum post-op: the value the primitive accumulates into and must write (its layout is
  // the destination's).
  std::optional<ValueId> sum;
  OperandId sum_operand = kNoOperand;
  std::string what;  // "+relu+add" for the step's description
};
// At most `max_ops` operations are folded; nothing is marked fused until CommitChain, so an
// emitter can retry with a shorter chain when oneDNN lacks a fused kernel for the longer one.
// `allow_sum`: the emitter can write its destination into a given value (a residual operand
// that dies at the addition becomes a sum post-op, accumulated in place).
PostOpChain FusePostOps(Compiler& c, OperandId result, const std::vector<int>& dst_perm,
                        size_t max_ops = SIZE_MAX, bool allow_sum = false);
void CommitChain(Compiler& c, const PostOpChain& chain);
// Appends `chain`'s eltwise and binary post-ops after those already in `ops`, with its binary
// operands renumbered to their new positions in `args`; false for a post-op kind it cannot
// move (a sum).
bool AppendChain(const PostOpChain& chain, dnnl::post_ops& ops,
                 std::vector<std::pair<int, ValueId>>& args);
// The oneDNN eltwise algorithms (with alpha, beta) a unary float32 operation is, or empty.
struct EltwiseOp {
  dnnl::algorithm alg;
  float alpha = 0, beta = 0;
};
// Operators with the "fusable" trait (op_table.inc) and only those are taken as post-ops.
// `type` is the operand's: a float16 operation's parameters are float16 numbers.
std::vector<EltwiseOp> EltwiseOf(const Operation& op, DataType type = DataType::kFloat32);
// Whether the primitives compute an operand in float32: float32, and float16 (compiler.h).
bool ComputesInFloat32(const Compiler& c, OperandId id);
// Whether `op` applied to float16 values gives the same float16 result fused after a primitive
// (on its unrounded float32 result) as after the rounding: round(op(v)) == op(round(v)).
bool CommutesWithFloat16Rounding(const Operation& op);
// An attribute cast to an operand's data type as MLNumber's cast does (through float): clamp
// bounds, gemm's alpha and beta, normalization epsilons, as the reference kernels cast them.
float CastToType(double d, DataType type);
// An activation's parameter (alpha, beta) in the operand's type, rounded once from double as the
// reference kernels round it.
float ParameterOf(double d, DataType type);
// Whether oneDNN's vectorized kernels approximate `alg` too loosely for WebNN (log): it then
// runs only as its own primitive, on the implementation that calls the C library.
bool ExactEltwise(dnnl::algorithm alg);
std::optional<dnnl::algorithm> BinaryAlgorithm(OpKind kind);
bool IsCommutative(OpKind kind);
// `other` (a float32 operand, WebNN shape) as a binary src1 over `dst_rank` logical dims:
// leading 1s, then permuted by `dst_perm`; nullopt for another type or a larger rank.
std::optional<ValueId> BroadcastOperand(Compiler& c, OperandId other, size_t dst_rank,
                                        const std::vector<int>& dst_perm);
// A double attribute as a float parameter, saturating to infinities (a direct conversion of an
// out-of-range value is undefined behaviour, and graphs are untrusted).
float ToFloat(double d);
// Identity permutation of `rank` axes.
std::vector<int> IdentityPerm(size_t rank);
// The value of `v` under a permuted descriptor (a view), or `v` for the identity.
ValueId Permuted(Compiler& c, ValueId v, const std::vector<int>& perm);

}  // namespace webnn::onednn
