// Post-op fusion: the activations and binary operations that follow a primitive's result.
#include <cmath>
#include <cstring>
#include <limits>

#include "backend/onednn/emit.h"

namespace webnn::onednn {

namespace {

using dnnl::algorithm;

}  // namespace

bool ComputesInFloat32(const Compiler& c, OperandId id) {
  return c.desc(id).dataType == DataType::kFloat32 || c.desc(id).dataType == DataType::kFloat16;
}

bool CommutesWithFloat16Rounding(const Operation& op) {
  switch (op.kind) {
    case OpKind::kRelu:
    case OpKind::kClamp:
    case OpKind::kNeg:
    case OpKind::kAbs:
    case OpKind::kMax:
    case OpKind::kMin:
      return true;
    default:
      return false;
  }
}

float ToFloat(double d) {
  constexpr double kMax = std::numeric_limits<float>::max();
  if (d > kMax) return std::numeric_limits<float>::infinity();
  if (d < -kMax) return -std::numeric_limits<float>::infinity();
  return static_cast<float>(d);  // NaN stays NaN
}

float CastToType(double d, DataType type) {
  const float f = ToFloat(d);
  return type == DataType::kFloat16 ? HalfToFloat(FloatToHalf(f)) : f;
}

float ParameterOf(double d, DataType type) {
  if (type != DataType::kFloat16 || !std::isfinite(d)) return CastToType(d, type);
  // Rounded once: to float with round-to-odd (an inexact result keeps an odd last bit, a
  // sticky bit float16's rounding then sees), then to float16.
  float f = ToFloat(d);
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  if (static_cast<double>(f) != d && std::isfinite(f) && (bits & 1u) == 0) {
    f = std::nextafter(f, d > f ? std::numeric_limits<float>::infinity()
                                : -std::numeric_limits<float>::infinity());
  }
  return HalfToFloat(FloatToHalf(f));
}

namespace {

float Bound(const std::optional<MLNumber>& n, float fallback, DataType type) {
  return n ? CastToType(n->AsDouble(), type) : fallback;
}

}  // namespace

// The oneDNN mapping of the unary operations: every operator with the "fusable" trait of
// op_table.inc (a test checks that each has one), and log, which runs as a primitive of its own.
std::vector<EltwiseOp> EltwiseOf(const Operation& op, DataType type) {
  switch (op.kind) {
    case OpKind::kRelu:
      return {{algorithm::eltwise_relu}};
    case OpKind::kSigmoid:
      return {{algorithm::eltwise_logistic}};
    case OpKind::kTanh:
      return {{algorithm::eltwise_tanh}};
    case OpKind::kGelu:
      return {{algorithm::eltwise_gelu_erf}};
    case OpKind::kHardSwish:
      return {{algorithm::eltwise_hardswish}};
    case OpKind::kExp:
      return {{algorithm::eltwise_exp}};
    case OpKind::kLog:
      // Not fusable: the JIT kernels' log is an approximation (log(1) = -1.4e-6 with AVX-512),
      // so EmitUnary runs it on the implementation that calls the C library (ExactEltwise).
      return {{algorithm::eltwise_log}};
    case OpKind::kSqrt:
      return {{algorithm::eltwise_sqrt}};
    case OpKind::kAbs:
      return {{algorithm::eltwise_abs}};
    case OpKind::kNeg:
      return {{algorithm::eltwise_linear, -1.f, 0.f}};
    case OpKind::kElu:
      return {{algorithm::eltwise_elu, ParameterOf(std::get<EluAttrs>(op.attrs).alpha, type)}};
    case OpKind::kLeakyRelu:
      return {
          {algorithm::eltwise_relu, ParameterOf(std::get<LeakyReluAttrs>(op.attrs).alpha, type)}};
    case OpKind::kLinear: {
      const auto& a = std::get<LinearAttrs>(op.attrs);
      return {{algorithm::eltwise_linear, ParameterOf(a.alpha, type), ParameterOf(a.beta, type)}};
    }
    case OpKind::kHardSigmoid: {
      // max(0, min(1, alpha * x + beta)): oneDNN 2.6 has no hardsigmoid algorithm.
      const auto& a = std::get<HardSigmoidAttrs>(op.attrs);
      return {{algorithm::eltwise_linear, ParameterOf(a.alpha, type), ParameterOf(a.beta, type)},
              {algorithm::eltwise_clip_v2, 0.f, 1.f}};
    }
    case OpKind::kClamp: {
      const auto& a = std::get<ClampAttrs>(op.attrs);
      const float lo = Bound(a.minValue, -std::numeric_limits<float>::infinity(), type);
      const float hi = Bound(a.maxValue, std::numeric_limits<float>::infinity(), type);
      return {{algorithm::eltwise_clip_v2, lo, hi}};
    }
    default:
      return {};
  }
}

bool ExactEltwise(algorithm alg) { return alg == algorithm::eltwise_log; }

std::optional<algorithm> BinaryAlgorithm(OpKind kind) {
  switch (kind) {
    case OpKind::kAdd:
      return algorithm::binary_add;
    case OpKind::kSub:
      return algorithm::binary_sub;
    case OpKind::kMul:
      return algorithm::binary_mul;
    case OpKind::kDiv:
      return algorithm::binary_div;
    case OpKind::kMax:
      return algorithm::binary_max;
    case OpKind::kMin:
      return algorithm::binary_min;
    default:
      return std::nullopt;
  }
}

bool IsCommutative(OpKind kind) {
  return kind == OpKind::kAdd || kind == OpKind::kMul || kind == OpKind::kMax ||
         kind == OpKind::kMin;
}

// `other` (WebNN shape) as a binary src1 over `dst_rank` logical dims: leading 1s, then the
// destination's axis order.
std::optional<ValueId> BroadcastOperand(Compiler& c, OperandId other, size_t dst_rank,
                                        const std::vector<int>& dst_perm) {
  const OperandDescriptor& d = c.desc(other);
  if (!ComputesInFloat32(c, other) || d.rank() > dst_rank || !c.HasValue(other)) {
    return std::nullopt;
  }
  ValueId v = c.Value(other);
  if (d.rank() == dst_rank && !IsPlain(c.Md(v))) {
    // A full-size operand keeps its layout (a blocked residual branch meets a blocked
    // destination, which oneDNN's fast kernels need).
    return dst_perm == IdentityPerm(dst_rank) ? v : c.View(v, c.Md(v).permute_axes(dst_perm));
  }
  v = c.Dense(v);
  dnnl::memory::dims dims(dst_rank - d.rank(), 1);
  dims.insert(dims.end(), d.shape.begin(), d.shape.end());
  md_t md = PlainMd(dims, dt::f32);
  if (dst_perm != IdentityPerm(dst_rank)) md = md.permute_axes(dst_perm);
  return c.View(v, md);
}

std::vector<int> IdentityPerm(size_t rank) {
  std::vector<int> p(rank);
  for (size_t i = 0; i < rank; ++i) p[i] = static_cast<int>(i);
  return p;
}

ValueId Permuted(Compiler& c, ValueId v, const std::vector<int>& perm) {
  if (perm == IdentityPerm(perm.size())) return v;
  return c.View(v, c.Md(v).permute_axes(perm));
}

namespace {

// Whether one of `elts` has an algorithm an eltwise post-op of `ops` already has, with other
// parameters. oneDNN 2.6's JIT post-op injector keeps one eltwise injector per algorithm, so a
// second clip_v2 (clamp after hardSigmoid, clamp after clamp) or linear ran with the first one's
// parameters (found by the differential test: mul + clamp + clamp); such an operation ends the
// chain and runs as a primitive of its own.
bool RepeatsAlgorithm(const dnnl::post_ops& ops, const std::vector<EltwiseOp>& elts) {
  for (int i = 0; i < ops.len(); ++i) {
    if (ops.kind(i) != dnnl::primitive::kind::eltwise) continue;
    float scale, alpha, beta;
    algorithm alg;
    ops.get_params_eltwise(i, scale, alg, alpha, beta);
    for (const EltwiseOp& e : elts) {
      if (e.alg == alg && (e.alpha != alpha || e.beta != beta)) return true;
    }
  }
  return false;
}

}  // namespace

PostOpChain FusePostOps(Compiler& c, OperandId result, const std::vector<int>& dst_perm,
                        size_t max_ops, bool allow_sum) {
  PostOpChain chain;
  chain.result = result;
  const size_t rank = c.desc(result).rank();
  int index = 0;
  while (chain.fused.size() < max_ops && ComputesInFloat32(c, chain.result)) {
    const Operation* next = c.SoleConsumer(chain.result);
    if (!next || next->outputs.size() != 1) break;
    // float16: only what cannot change a rounded result (compiler.h).
    if (c.IsFloat16(chain.result) && !CommutesWithFloat16Rounding(*next)) break;
    if (GetOpInfo(next->kind).fusable) {
      const std::vector<EltwiseOp> elts = EltwiseOf(*next, c.desc(chain.result).dataType);
      if (elts.empty() || RepeatsAlgorithm(chain.ops, elts)) break;
      for (const EltwiseOp& e : elts) {
        chain.ops.append_eltwise(1.f, e.alg, e.alpha, e.beta);
        ++index;
      }
    } else if (auto alg = BinaryAlgorithm(next->kind)) {
      const bool first = next->inputs[0] == chain.result;
      if (!first && !IsCommutative(next->kind)) break;
      const OperandId other = first ? next->inputs[1] : next->inputs[0];
      // The result keeps its shape: the other operand only broadcasts into it.
      if (c.desc(next->outputs[0]).shape != c.desc(chain.result).shape) break;
      // The other operand may come from a branch emitted later (add(conv_a(x), conv_b(x))):
      // then the operation is fused into that branch's producer instead, or runs on its own.
      if (!c.HasValue(other)) break;
      if (allow_sum && index == 0 && next->kind == OpKind::kAdd &&
          c.desc(other).shape == c.desc(chain.result).shape &&
          c.desc(other).dataType == DataType::kFloat32 && c.CanOverwrite(other, *next)) {
        // A residual addition whose other operand dies here: the primitive accumulates into
        // that operand's own buffer (oneDNN's sum post-op) instead of reading it separately.
        chain.ops.append_sum(1.f);
        chain.sum = c.Value(other);
        chain.sum_operand = other;
        ++index;
        chain.what += "+add(in place)";
        chain.fused.push_back(next);
        chain.result = next->outputs[0];
        continue;
      }
      auto src1 = BroadcastOperand(c, other, rank, dst_perm);
      if (!src1) break;
      chain.ops.append_binary(*alg, c.Md(*src1));
      chain.binary_args.push_back({DNNL_ARG_ATTR_MULTIPLE_POST_OP(index) | DNNL_ARG_SRC_1, *src1});
      ++index;
    } else {
      break;
    }
    chain.what += std::string("+") + std::string(OpName(next->kind));
    chain.fused.push_back(next);
    chain.result = next->outputs[0];
  }
  return chain;
}

bool AppendChain(const PostOpChain& chain, dnnl::post_ops& ops,
                 std::vector<std::pair<int, ValueId>>& args) {
  for (int i = 0; i < chain.ops.len(); ++i) {
    const int index = ops.len();
    switch (chain.ops.kind(i)) {
      case dnnl::primitive::kind::eltwise: {
        float scale, alpha, beta;
        algorithm alg;
        chain.ops.get_params_eltwise(i, scale, alg, alpha, beta);
        ops.append_eltwise(scale, alg, alpha, beta);
        break;
      }
      case dnnl::primitive::kind::binary: {
        algorithm alg;
        md_t md;
        chain.ops.get_params_binary(i, alg, md);
        ops.append_binary(alg, md);
        for (const auto& [arg, v] : chain.binary_args) {
          if (arg == (DNNL_ARG_ATTR_MULTIPLE_POST_OP(i) | DNNL_ARG_SRC_1)) {
            args.push_back({DNNL_ARG_ATTR_MULTIPLE_POST_OP(index) | DNNL_ARG_SRC_1, v});
          }
        }
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

void CommitChain(Compiler& c, const PostOpChain& chain) {
  for (const Operation* op : chain.fused) c.MarkFused(*op);
}

}  // namespace webnn::onednn
