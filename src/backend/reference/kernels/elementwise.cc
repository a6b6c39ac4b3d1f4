// Reference kernels of the element-wise family: binary arithmetic, comparisons, logical ops,
// unary math, the simple activations, prelu, clamp, cast and where.
//
// Arithmetic is done in one of three number classes chosen by the data type:
//   float    (float32, float16): in double, rounded once on store (see StoreFloat);
//   signed   (int8, int32, int64): in int64, wrapping modulo 2^64 and again to the type's
//            width on store (two's complement), so integer overflow is defined;
//   unsigned (uint8, uint32, uint64): in uint64, wrapping the same way.
// (op_table.inc keeps int4/uint4 out of these ops; the loads and stores used here would still
// handle their packing.)
// Integer results are exact: no integer value goes through a double.
//
// Results this file defines where the spec does not:
//   - integer div by zero gives 0; INT_MIN / -1 wraps (gives INT_MIN of the type);
//   - integer pow with a negative exponent is 1 / a^-b truncated toward zero: 1 for a == 1,
//     +-1 for a == -1, 0 otherwise (0 for a == 0 too, as for division by zero);
//   - float max/min propagate NaN; max(+0, -0) is +0 and min(+0, -0) is -0;
//   - clamp with a NaN bound does not clamp on that side; a NaN input stays NaN;
//   - cast from float to an integer type truncates toward zero, saturates out-of-range values
//     to the type's range and maps NaN to 0 (the spec leaves these implementation-defined);
//   - abs/neg of the most negative integer wrap to itself.
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

#include "backend/reference/kernels.h"
#include "backend/reference/tensor_util.h"

namespace webnn::reference {
namespace {

enum class NumClass : uint8_t { kFloat, kSigned, kUnsigned };

NumClass ClassOf(DataType t) {
  if (IsFloatingPoint(t)) return NumClass::kFloat;
  return IsSigned(t) ? NumClass::kSigned : NumClass::kUnsigned;
}

// double -> float16 with a single rounding: round to float with round-to-odd (so the float
// keeps a sticky bit), then round that to nearest-even half. float has 13 more significand
// bits than half, enough for round-to-odd to make the second rounding exact.
uint16_t DoubleToHalf(double v) {
  float f = static_cast<float>(v);
  if (std::isfinite(v) && static_cast<double>(f) != v) {
    if (std::fabs(static_cast<double>(f)) > std::fabs(v)) f = std::nextafter(f, 0.0f);
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    bits |= 1u;
    std::memcpy(&f, &bits, sizeof bits);
  }
  return FloatToHalf(f);
}

// Stores v into a float32/float16 tensor, rounding once to nearest-even.
void StoreFloat(DataType t, std::byte* base, size_t i, double v) {
  if (t == DataType::kFloat16) {
    StoreRaw<uint16_t>(base, i, DoubleToHalf(v));
  } else {
    StoreRaw<float>(base, i, static_cast<float>(v));
  }
}

// A double scalar (an activation's alpha/beta) cast to the input's float type, as the spec's
// method steps do before the operator runs.
double CastScalar(DataType t, double v) {
  if (t == DataType::kFloat16) return HalfToFloat(DoubleToHalf(v));
  return static_cast<double>(static_cast<float>(v));
}

int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
int64_t WrapSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
int64_t WrapMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

// base^exp modulo 2^64 by repeated squaring (at most 64 steps).
uint64_t WrapPow(uint64_t base, uint64_t exp) {
  uint64_t result = 1;
  while (exp != 0) {
    if (exp & 1u) result *= base;
    base *= base;
    exp >>= 1;
  }
  return result;
}

// Maps an output element index to an input element index under broadcasting; the identity
// when the input already has the output's shape.
class Indexer {
 public:
  Indexer(const std::vector<uint32_t>& in_shape, const std::vector<uint32_t>& out_shape)
      : identity_(in_shape == out_shape), broadcast_(in_shape, out_shape) {}
  size_t operator()(size_t out_index) const {
    return identity_ ? out_index : broadcast_(out_index);
  }

 private:
  bool identity_;
  BroadcastIndexer broadcast_;
};

// ---- Binary arithmetic ------------------------------------------------------------------------

enum class BinaryOp : uint8_t { kAdd, kSub, kMul, kDiv, kMax, kMin, kPow };

double FloatBinary(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::kAdd:
      return a + b;
    case BinaryOp::kSub:
      return a - b;
    case BinaryOp::kMul:
      return a * b;
    case BinaryOp::kDiv:
      return a / b;
    case BinaryOp::kMax:
      if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
      if (a == b) return std::signbit(a) ? b : a;  // max(-0, +0) = +0
      return a > b ? a : b;
    case BinaryOp::kMin:
      if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
      if (a == b) return std::signbit(a) ? a : b;  // min(-0, +0) = -0
      return a < b ? a : b;
    case BinaryOp::kPow:
      return std::pow(a, b);
  }
  return 0;
}

int64_t SignedBinary(BinaryOp op, int64_t a, int64_t b) {
  switch (op) {
    case BinaryOp::kAdd:
      return WrapAdd(a, b);
    case BinaryOp::kSub:
      return WrapSub(a, b);
    case BinaryOp::kMul:
      return WrapMul(a, b);
    case BinaryOp::kDiv:
      if (b == 0) return 0;
      if (b == -1) return WrapSub(0, a);  // INT64_MIN / -1 wraps instead of trapping
      return a / b;                       // C++ division truncates toward zero
    case BinaryOp::kMax:
      return a > b ? a : b;
    case BinaryOp::kMin:
      return a < b ? a : b;
    case BinaryOp::kPow:
      if (b < 0) {
        if (a == 1) return 1;
        if (a == -1) return (b & 1) ? -1 : 1;
        return 0;  // |a^b| < 1 truncates to 0; 0^negative is a division by zero: 0
      }
      return static_cast<int64_t>(WrapPow(static_cast<uint64_t>(a), static_cast<uint64_t>(b)));
  }
  return 0;
}

uint64_t UnsignedBinary(BinaryOp op, uint64_t a, uint64_t b) {
  switch (op) {
    case BinaryOp::kAdd:
      return a + b;
    case BinaryOp::kSub:
      return a - b;
    case BinaryOp::kMul:
      return a * b;
    case BinaryOp::kDiv:
      return b == 0 ? 0 : a / b;
    case BinaryOp::kMax:
      return a > b ? a : b;
    case BinaryOp::kMin:
      return a < b ? a : b;
    case BinaryOp::kPow:
      return WrapPow(a, b);
  }
  return 0;
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-binary
Status ComputeBinary(const KernelArgs& args, BinaryOp op) {
  const ConstTensor& a = args.inputs[0];
  const ConstTensor& b = args.inputs[1];
  const MutableTensor& out = args.outputs[0];
  const DataType t = out.desc->dataType;
  const Indexer ia(a.desc->shape, out.desc->shape);
  const Indexer ib(b.desc->shape, out.desc->shape);
  const size_t n = out.desc->ElementCount();
  switch (ClassOf(t)) {
    case NumClass::kFloat:
      for (size_t i = 0; i < n; ++i) {
        StoreFloat(t, out.data, i,
                   FloatBinary(op, LoadAsDouble(t, a.data, ia(i)), LoadAsDouble(t, b.data, ib(i))));
      }
      break;
    case NumClass::kSigned:
      for (size_t i = 0; i < n; ++i) {
        StoreFromInt64(
            t, out.data, i,
            SignedBinary(op, LoadAsInt64(t, a.data, ia(i)), LoadAsInt64(t, b.data, ib(i))));
      }
      break;
    case NumClass::kUnsigned:
      for (size_t i = 0; i < n; ++i) {
        const uint64_t r =
            UnsignedBinary(op, LoadAsUint64(t, a.data, ia(i)), LoadAsUint64(t, b.data, ib(i)));
        StoreFromInt64(t, out.data, i, static_cast<int64_t>(r));
      }
      break;
  }
  return {};
}

// ---- Comparisons and logical ops --------------------------------------------------------------

enum class CompareOp : uint8_t {
  kEqual,
  kNotEqual,
  kGreater,
  kGreaterOrEqual,
  kLesser,
  kLesserOrEqual
};

// Works for double (NaN compares unequal to everything), int64_t and uint64_t.
template <typename T>
bool Compare(CompareOp op, T a, T b) {
  switch (op) {
    case CompareOp::kEqual:
      return a == b;
    case CompareOp::kNotEqual:
      return a != b;
    case CompareOp::kGreater:
      return a > b;
    case CompareOp::kGreaterOrEqual:
      return a >= b;
    case CompareOp::kLesser:
      return a < b;
    case CompareOp::kLesserOrEqual:
      return a <= b;
  }
  return false;
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-logical
Status ComputeCompare(const KernelArgs& args, CompareOp op) {
  const ConstTensor& a = args.inputs[0];
  const ConstTensor& b = args.inputs[1];
  const MutableTensor& out = args.outputs[0];
  const DataType t = a.desc->dataType;
  const Indexer ia(a.desc->shape, out.desc->shape);
  const Indexer ib(b.desc->shape, out.desc->shape);
  const size_t n = out.desc->ElementCount();
  for (size_t i = 0; i < n; ++i) {
    bool r = false;
    switch (ClassOf(t)) {
      case NumClass::kFloat:
        r = Compare(op, LoadAsDouble(t, a.data, ia(i)), LoadAsDouble(t, b.data, ib(i)));
        break;
      case NumClass::kSigned:
        r = Compare(op, LoadAsInt64(t, a.data, ia(i)), LoadAsInt64(t, b.data, ib(i)));
        break;
      case NumClass::kUnsigned:
        r = Compare(op, LoadAsUint64(t, a.data, ia(i)), LoadAsUint64(t, b.data, ib(i)));
        break;
    }
    StoreRaw<uint8_t>(out.data, i, r ? 1 : 0);
  }
  return {};
}

enum class LogicalOp : uint8_t { kAnd, kOr, kXor };

// uint8 inputs; any non-zero value is true.
Status ComputeLogical(const KernelArgs& args, LogicalOp op) {
  const ConstTensor& a = args.inputs[0];
  const ConstTensor& b = args.inputs[1];
  const MutableTensor& out = args.outputs[0];
  const Indexer ia(a.desc->shape, out.desc->shape);
  const Indexer ib(b.desc->shape, out.desc->shape);
  const size_t n = out.desc->ElementCount();
  for (size_t i = 0; i < n; ++i) {
    const bool x = LoadRaw<uint8_t>(a.data, ia(i)) != 0;
    const bool y = LoadRaw<uint8_t>(b.data, ib(i)) != 0;
    bool r = false;
    switch (op) {
      case LogicalOp::kAnd:
        r = x && y;
        break;
      case LogicalOp::kOr:
        r = x || y;
        break;
      case LogicalOp::kXor:
        r = x != y;
        break;
    }
    StoreRaw<uint8_t>(out.data, i, r ? 1 : 0);
  }
  return {};
}

// isNaN / isInfinite: 0 for every integer element (the validator admits only float types).
template <typename Pred>
Status ComputeFloatPredicate(const KernelArgs& args, Pred pred) {
  const ConstTensor& a = args.inputs[0];
  const MutableTensor& out = args.outputs[0];
  const DataType t = a.desc->dataType;
  const size_t n = out.desc->ElementCount();
  for (size_t i = 0; i < n; ++i) {
    const bool r = IsFloatingPoint(t) && pred(LoadAsDouble(t, a.data, i));
    StoreRaw<uint8_t>(out.data, i, r ? 1 : 0);
  }
  return {};
}

// ---- Unary float functions and activations ----------------------------------------------------

// Rounds half to even; keeps the sign of zero (roundEven(-0.4) is -0).
double RoundHalfToEven(double x) {
  if (!std::isfinite(x)) return x;
  const double f = std::floor(x);
  const double diff = x - f;
  double r;
  if (diff < 0.5) {
    r = f;
  } else if (diff > 0.5) {
    r = f + 1;
  } else {
    r = std::fmod(f, 2.0) == 0 ? f : f + 1;
  }
  return r == 0 ? std::copysign(0.0, x) : r;
}

// Applies f (double -> double) to every element of a float tensor.
template <typename F>
Status ComputeFloatUnary(const KernelArgs& args, F f) {
  const ConstTensor& in = args.inputs[0];
  const MutableTensor& out = args.outputs[0];
  const DataType t = in.desc->dataType;
  const size_t n = out.desc->ElementCount();
  for (size_t i = 0; i < n; ++i) StoreFloat(t, out.data, i, f(LoadAsDouble(t, in.data, i)));
  return {};
}

// Ops defined for float and signed integer types (abs, neg, sign, relu): f for the floats,
// g (int64 -> int64, wrapping) for the integers.
template <typename F, typename G>
Status ComputeSignedUnary(const KernelArgs& args, F f, G g) {
  const ConstTensor& in = args.inputs[0];
  const MutableTensor& out = args.outputs[0];
  const DataType t = in.desc->dataType;
  const size_t n = out.desc->ElementCount();
  if (IsFloatingPoint(t)) {
    for (size_t i = 0; i < n; ++i) StoreFloat(t, out.data, i, f(LoadAsDouble(t, in.data, i)));
  } else {
    for (size_t i = 0; i < n; ++i) StoreFromInt64(t, out.data, i, g(LoadAsInt64(t, in.data, i)));
  }
  return {};
}

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// ln(1 + e^x) without overflow for large x.
double Softplus(double x) {
  if (std::isnan(x)) return x;
  return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

// min(max(y, 0), 1) that keeps NaN.
double Saturate01(double y) {
  if (std::isnan(y)) return y;
  return y < 0 ? 0.0 : (y > 1 ? 1.0 : y);
}

// ---- Element copies ---------------------------------------------------------------------------

// Copies element `from` of src to element `to` of dst (same data type, int4/uint4 packed).
void CopyElement(DataType t, const std::byte* src, size_t from, std::byte* dst, size_t to) {
  const uint32_t bits = DataTypeBits(t);
  if (bits % 8 != 0) {
    StoreFromInt64(t, dst, to, LoadAsInt64(t, src, from));
  } else {
    const size_t bytes = bits / 8;
    std::memcpy(dst + to * bytes, src + from * bytes, bytes);
  }
}

// An MLNumber clamp bound cast to data type t (spec "cast"), as a value of the number class.
// Only the member of t's class is set: MLNumber::CastTo saturates into every integer type, and
// a float bound (which may be +-1e30 or +-Infinity) is never converted to an integer.
struct Bound {
  double f = 0;
  int64_t s = 0;
  uint64_t u = 0;
};
Bound CastBound(const MLNumber& n, DataType t) {
  std::byte buf[8] = {};
  n.CastTo(t, buf);
  Bound b;
  switch (t) {
    case DataType::kInt4:  // CastTo stores one whole byte for the 4-bit types
      b.s = LoadRaw<int8_t>(buf, 0);
      return b;
    case DataType::kUint4:
      b.u = LoadRaw<uint8_t>(buf, 0);
      return b;
    default:
      break;
  }
  switch (ClassOf(t)) {
    case NumClass::kFloat:
      b.f = LoadAsDouble(t, buf, 0);
      break;
    case NumClass::kSigned:
      b.s = LoadAsInt64(t, buf, 0);
      break;
    case NumClass::kUnsigned:
      b.u = LoadAsUint64(t, buf, 0);
      break;
  }
  return b;
}

}  // namespace

// ---- Binary -------------------------------------------------------------------------------------
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-binary
Status ComputeAdd(const KernelArgs& args, const NoAttrs&) {
  return ComputeBinary(args, BinaryOp::kAdd);
}
Status ComputeSub(const KernelArgs& args, const NoAttrs&) {
  return ComputeBinary(args, BinaryOp::kSub);
}
Status ComputeMul(const KernelArgs& args, const NoAttrs&) {
  return ComputeBinary(args, BinaryOp::kMul);
}
Status ComputeDiv(const KernelArgs& args, const NoAttrs&) {
  return ComputeBinary(args, BinaryOp::kDiv);
}
Status ComputeMax(const KernelArgs& args, const NoAttrs&) {
  return ComputeBinary(args, BinaryOp::kMax);
}
Status ComputeMin(const KernelArgs& args, const NoAttrs&) {
  return ComputeBinary(args, BinaryOp::kMin);
}
Status ComputePow(const KernelArgs& args, const NoAttrs&) {
  return ComputeBinary(args, BinaryOp::kPow);
}

// ---- Logical ------------------------------------------------------------------------------------
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-logical
Status ComputeEqual(const KernelArgs& args, const NoAttrs&) {
  return ComputeCompare(args, CompareOp::kEqual);
}
Status ComputeNotEqual(const KernelArgs& args, const NoAttrs&) {
  return ComputeCompare(args, CompareOp::kNotEqual);
}
Status ComputeGreater(const KernelArgs& args, const NoAttrs&) {
  return ComputeCompare(args, CompareOp::kGreater);
}
Status ComputeGreaterOrEqual(const KernelArgs& args, const NoAttrs&) {
  return ComputeCompare(args, CompareOp::kGreaterOrEqual);
}
Status ComputeLesser(const KernelArgs& args, const NoAttrs&) {
  return ComputeCompare(args, CompareOp::kLesser);
}
Status ComputeLesserOrEqual(const KernelArgs& args, const NoAttrs&) {
  return ComputeCompare(args, CompareOp::kLesserOrEqual);
}
Status ComputeLogicalAnd(const KernelArgs& args, const NoAttrs&) {
  return ComputeLogical(args, LogicalOp::kAnd);
}
Status ComputeLogicalOr(const KernelArgs& args, const NoAttrs&) {
  return ComputeLogical(args, LogicalOp::kOr);
}
Status ComputeLogicalXor(const KernelArgs& args, const NoAttrs&) {
  return ComputeLogical(args, LogicalOp::kXor);
}
Status ComputeLogicalNot(const KernelArgs& args, const NoAttrs&) {
  const ConstTensor& a = args.inputs[0];
  const MutableTensor& out = args.outputs[0];
  const size_t n = out.desc->ElementCount();
  for (size_t i = 0; i < n; ++i) {
    StoreRaw<uint8_t>(out.data, i, LoadRaw<uint8_t>(a.data, i) == 0 ? 1 : 0);
  }
  return {};
}
Status ComputeIsNaN(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatPredicate(args, [](double x) { return std::isnan(x); });
}
Status ComputeIsInfinite(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatPredicate(args, [](double x) { return std::isinf(x); });
}

// ---- Unary --------------------------------------------------------------------------------------
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-unary
Status ComputeAbs(const KernelArgs& args, const NoAttrs&) {
  return ComputeSignedUnary(
      args, [](double x) { return std::fabs(x); },
      [](int64_t x) { return x < 0 ? WrapSub(0, x) : x; });
}
Status ComputeNeg(const KernelArgs& args, const NoAttrs&) {
  return ComputeSignedUnary(
      args, [](double x) { return -x; }, [](int64_t x) { return WrapSub(0, x); });
}
// sign: 1 if > 0, -1 if < 0, the input otherwise (0, -0 and NaN pass through).
Status ComputeSign(const KernelArgs& args, const NoAttrs&) {
  return ComputeSignedUnary(
      args, [](double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : x); },
      [](int64_t x) -> int64_t { return x > 0 ? 1 : (x < 0 ? -1 : 0); });
}
Status ComputeCeil(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, [](double x) { return std::ceil(x); });
}
Status ComputeFloor(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, [](double x) { return std::floor(x); });
}
Status ComputeRoundEven(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, RoundHalfToEven);
}
Status ComputeCos(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, [](double x) { return std::cos(x); });
}
Status ComputeSin(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, [](double x) { return std::sin(x); });
}
Status ComputeTan(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, [](double x) { return std::tan(x); });
}
Status ComputeErf(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, [](double x) { return std::erf(x); });
}
Status ComputeExp(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, [](double x) { return std::exp(x); });
}
Status ComputeLog(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, [](double x) { return std::log(x); });
}
Status ComputeSqrt(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, [](double x) { return std::sqrt(x); });
}
Status ComputeReciprocal(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, [](double x) { return 1.0 / x; });
}
// identity: a byte copy, any data type (int4/uint4 keep their packing).
Status ComputeIdentity(const KernelArgs& args, const NoAttrs&) {
  std::memcpy(args.outputs[0].data, args.inputs[0].data, args.inputs[0].desc->ByteLength());
  return {};
}

// ---- Activations --------------------------------------------------------------------------------
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-elu
// max(0, x) + alpha * (exp(min(0, x)) - 1)
Status ComputeElu(const KernelArgs& args, const EluAttrs& a) {
  const double alpha = CastScalar(args.inputs[0].desc->dataType, a.alpha);
  return ComputeFloatUnary(args, [alpha](double x) { return x > 0 ? x : alpha * std::expm1(x); });
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-gelu-method
// 0.5 * x * (1 + erf(x / sqrt(2)))
Status ComputeGelu(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args,
                           [](double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); });
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-hard-sigmoid
// max(0, min(1, alpha * x + beta))
Status ComputeHardSigmoid(const KernelArgs& args, const HardSigmoidAttrs& a) {
  const DataType t = args.inputs[0].desc->dataType;
  const double alpha = CastScalar(t, a.alpha);
  const double beta = CastScalar(t, a.beta);
  return ComputeFloatUnary(args, [=](double x) { return Saturate01(alpha * x + beta); });
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-hard-swish
// x * max(0, min(6, x + 3)) / 6
Status ComputeHardSwish(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, [](double x) { return x * Saturate01((x + 3.0) / 6.0); });
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-leakyrelu
// max(0, x) + alpha * min(0, x)
Status ComputeLeakyRelu(const KernelArgs& args, const LeakyReluAttrs& a) {
  const double alpha = CastScalar(args.inputs[0].desc->dataType, a.alpha);
  return ComputeFloatUnary(args, [alpha](double x) { return x < 0 ? alpha * x : x; });
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-linear
// alpha * x + beta
Status ComputeLinear(const KernelArgs& args, const LinearAttrs& a) {
  const DataType t = args.inputs[0].desc->dataType;
  const double alpha = CastScalar(t, a.alpha);
  const double beta = CastScalar(t, a.beta);
  return ComputeFloatUnary(args, [=](double x) { return alpha * x + beta; });
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-relu-method
// max(0, x); NaN stays NaN, -0 becomes +0.
Status ComputeRelu(const KernelArgs& args, const NoAttrs&) {
  return ComputeSignedUnary(
      args, [](double x) { return (x > 0 || std::isnan(x)) ? x : 0.0; },
      [](int64_t x) -> int64_t { return x > 0 ? x : 0; });
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-sigmoid-method
Status ComputeSigmoid(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, Sigmoid);
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-softplus-method
Status ComputeSoftplus(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, Softplus);
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-softsign-method
// x / (1 + |x|)
Status ComputeSoftsign(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, [](double x) { return x / (1.0 + std::fabs(x)); });
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-tanh-method
Status ComputeTanh(const KernelArgs& args, const NoAttrs&) {
  return ComputeFloatUnary(args, [](double x) { return std::tanh(x); });
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-prelu
// max(0, x) + slope * min(0, x), input and slope broadcast together.
Status ComputePrelu(const KernelArgs& args, const NoAttrs&) {
  const ConstTensor& in = args.inputs[0];
  const ConstTensor& slope = args.inputs[1];
  const MutableTensor& out = args.outputs[0];
  const DataType t = out.desc->dataType;
  const Indexer ix(in.desc->shape, out.desc->shape);
  const Indexer is(slope.desc->shape, out.desc->shape);
  const size_t n = out.desc->ElementCount();
  for (size_t i = 0; i < n; ++i) {
    if (IsFloatingPoint(t)) {
      const double x = LoadAsDouble(t, in.data, ix(i));
      const double s = LoadAsDouble(t, slope.data, is(i));
      StoreFloat(t, out.data, i, x < 0 ? s * x : x);
    } else {
      const int64_t x = LoadAsInt64(t, in.data, ix(i));
      const int64_t s = LoadAsInt64(t, slope.data, is(i));
      StoreFromInt64(t, out.data, i, x < 0 ? WrapMul(s, x) : x);
    }
  }
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-clamp
// The bounds are cast to the input's data type first (the validator has checked that
// minValue <= maxValue after that cast). An absent bound does not clamp.
Status ComputeClamp(const KernelArgs& args, const ClampAttrs& a) {
  const ConstTensor& in = args.inputs[0];
  const MutableTensor& out = args.outputs[0];
  const DataType t = in.desc->dataType;
  const std::optional<Bound> lo =
      a.minValue ? std::optional<Bound>(CastBound(*a.minValue, t)) : std::nullopt;
  const std::optional<Bound> hi =
      a.maxValue ? std::optional<Bound>(CastBound(*a.maxValue, t)) : std::nullopt;
  const size_t n = out.desc->ElementCount();
  for (size_t i = 0; i < n; ++i) {
    switch (ClassOf(t)) {
      case NumClass::kFloat: {
        double x = LoadAsDouble(t, in.data, i);
        if (lo && x < lo->f) x = lo->f;  // comparisons with NaN are false: NaN stays NaN
        if (hi && x > hi->f) x = hi->f;
        StoreFloat(t, out.data, i, x);
        break;
      }
      case NumClass::kSigned: {
        int64_t x = LoadAsInt64(t, in.data, i);
        if (lo && x < lo->s) x = lo->s;
        if (hi && x > hi->s) x = hi->s;
        StoreFromInt64(t, out.data, i, x);
        break;
      }
      case NumClass::kUnsigned: {
        uint64_t x = LoadAsUint64(t, in.data, i);
        if (lo && x < lo->u) x = lo->u;
        if (hi && x > hi->u) x = hi->u;
        StoreFromInt64(t, out.data, i, static_cast<int64_t>(x));
        break;
      }
    }
  }
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-cast
// float -> float: nearest (out of range: +-Infinity); float -> integer: truncated toward zero,
// saturated, NaN -> 0; integer -> float: nearest; integer -> integer: the low bits of the
// two's complement value (int8 -1 -> uint8 255).
Status ComputeCast(const KernelArgs& args, const CastAttrs&) {
  const ConstTensor& in = args.inputs[0];
  const MutableTensor& out = args.outputs[0];
  const DataType from = in.desc->dataType;
  const DataType to = out.desc->dataType;
  const size_t n = out.desc->ElementCount();
  for (size_t i = 0; i < n; ++i) {
    if (IsFloatingPoint(from)) {
      const double v = LoadAsDouble(from, in.data, i);
      if (IsFloatingPoint(to)) {
        StoreFloat(to, out.data, i, v);
      } else {
        StoreFromDouble(to, out.data, i, v);  // truncates, saturates, NaN -> 0
      }
      continue;
    }
    // Integer source: the signed value, or the unsigned one for unsigned types (both exact).
    const bool is_signed = IsSigned(from);
    const int64_t s = LoadAsInt64(from, in.data, i);
    const uint64_t u = LoadAsUint64(from, in.data, i);
    switch (to) {
      case DataType::kFloat32:
        // Converted directly (not through double) so int64 values round only once.
        StoreRaw<float>(out.data, i, is_signed ? static_cast<float>(s) : static_cast<float>(u));
        break;
      case DataType::kFloat16:
        // Through double: any integer that double would round is far beyond float16's range.
        StoreRaw<uint16_t>(
            out.data, i, DoubleToHalf(is_signed ? static_cast<double>(s) : static_cast<double>(u)));
        break;
      default:
        // LoadAsInt64 keeps the bit pattern (uint64) or sign/zero-extends; the store keeps the
        // low bits of the target width.
        StoreFromInt64(to, out.data, i, s);
        break;
    }
  }
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-where
// condition (uint8, non-zero = true), trueValue and falseValue broadcast to the output.
Status ComputeWhere(const KernelArgs& args, const NoAttrs&) {
  const ConstTensor& cond = args.inputs[0];
  const ConstTensor& tv = args.inputs[1];
  const ConstTensor& fv = args.inputs[2];
  const MutableTensor& out = args.outputs[0];
  const DataType t = out.desc->dataType;
  const Indexer ic(cond.desc->shape, out.desc->shape);
  const Indexer it(tv.desc->shape, out.desc->shape);
  const Indexer iff(fv.desc->shape, out.desc->shape);
  const size_t n = out.desc->ElementCount();
  for (size_t i = 0; i < n; ++i) {
    if (LoadRaw<uint8_t>(cond.data, ic(i)) != 0) {
      CopyElement(t, tv.data, it(i), out.data, i);
    } else {
      CopyElement(t, fv.data, iff(i), out.data, i);
    }
  }
  return {};
}

}  // namespace webnn::reference
