// Validators of the element-wise family: binary arithmetic, comparisons, logical ops, unary
// math, the simple activations, prelu, clamp, cast and where. The generic checks (operand
// count, data types and ranks from op_table.inc) have already run; these add the broadcasting,
// the output descriptor and the few option checks the spec's method steps make.
#include <cstring>
#include <sstream>

#include "ops/validate.h"

namespace webnn {
namespace {

std::string_view SlotName(const OpValidationContext& ctx, size_t slot) {
  return ctx.info().inputs[slot].name;
}

// The bidirectionally broadcast shape of the inputs in slots a and b.
Result<std::vector<uint32_t>> Broadcast(const OpValidationContext& ctx, size_t a, size_t b) {
  std::optional<std::vector<uint32_t>> shape =
      BroadcastShapes(ctx.input(a).shape, ctx.input(b).shape);
  if (!shape) {
    return ctx.TypeError(SlotName(ctx, a), " shape ", ShapeToString(ctx.input(a).shape), " and ",
                         SlotName(ctx, b), " shape ", ShapeToString(ctx.input(b).shape),
                         " are not broadcastable");
  }
  return std::move(*shape);
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-binary (and the two-input logical ops):
// the output has the broadcast shape of a and b and the given data type.
Result<OutputDescriptors> ValidateBroadcastBinary(const OpValidationContext& ctx,
                                                  DataType output_type) {
  WEBNN_ASSIGN_OR_RETURN(std::vector<uint32_t> shape, Broadcast(ctx, 0, 1));
  return OutputDescriptors{{output_type, std::move(shape)}};
}

Result<OutputDescriptors> ValidateArithmetic(const OpValidationContext& ctx) {
  return ValidateBroadcastBinary(ctx, ctx.input(0).dataType);
}

Result<OutputDescriptors> ValidateLogicalBinary(const OpValidationContext& ctx) {
  return ValidateBroadcastBinary(ctx, DataType::kUint8);
}

// One input, output of the same descriptor.
Result<OutputDescriptors> SameAsInput(const OpValidationContext& ctx) {
  return OutputDescriptors{ctx.input(0)};
}

// isNaN / isInfinite. The method steps require a float type (the tensor-limits table says
// "any"; the steps are stricter and are what we follow).
Result<OutputDescriptors> ValidateFloatPredicate(const OpValidationContext& ctx) {
  const OperandDescriptor& a = ctx.input(0);
  if (!IsFloatingPoint(a.dataType)) {
    return ctx.TypeError("a: data type ", DataTypeName(a.dataType),
                         " is not allowed (allowed: float32, float16)");
  }
  return OutputDescriptors{{DataType::kUint8, a.shape}};
}

std::string NumberToString(const MLNumber& n) {
  std::ostringstream os;
  switch (n.kind) {
    case MLNumber::Kind::kDouble:
      os << n.d;
      break;
    case MLNumber::Kind::kInt64:
      os << n.i;
      break;
    case MLNumber::Kind::kUint64:
      os << n.u;
      break;
  }
  return os.str();
}

// A clamp bound after the spec's "cast" to data type t, in a form that compares correctly for
// t: a double for float types, int64 for signed and uint64 for unsigned integer types.
struct CastNumber {
  double f = 0;
  int64_t s = 0;
  uint64_t u = 0;
};
CastNumber CastForCompare(const MLNumber& n, DataType t) {
  unsigned char buf[8] = {};
  n.CastTo(t, buf);
  CastNumber c;
  auto read = [&buf](auto v) {
    std::memcpy(&v, buf, sizeof v);
    return v;
  };
  switch (t) {
    case DataType::kFloat32:
      c.f = read(float{});
      break;
    case DataType::kFloat16:
      c.f = HalfToFloat(read(uint16_t{}));
      break;
    case DataType::kInt32:
      c.s = read(int32_t{});
      break;
    case DataType::kInt64:
      c.s = read(int64_t{});
      break;
    case DataType::kInt8:
    case DataType::kInt4:  // CastTo stores the 4-bit types as one whole byte
      c.s = read(int8_t{});
      break;
    case DataType::kUint32:
      c.u = read(uint32_t{});
      break;
    case DataType::kUint64:
      c.u = read(uint64_t{});
      break;
    case DataType::kUint8:
    case DataType::kUint4:
      c.u = read(uint8_t{});
      break;
  }
  return c;
}

bool Greater(const CastNumber& a, const CastNumber& b, DataType t) {
  if (IsFloatingPoint(t)) return a.f > b.f;  // NaN compares false: no error
  if (IsSigned(t)) return a.s > b.s;
  return a.u > b.u;
}

}  // namespace

// ---- Binary -------------------------------------------------------------------------------------
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-binary
#define WEBNN_ARITHMETIC(Kind)                                                               \
  Result<OutputDescriptors> Validate##Kind(const OpValidationContext& ctx, const NoAttrs&) { \
    return ValidateArithmetic(ctx);                                                          \
  }
WEBNN_ARITHMETIC(Add)
WEBNN_ARITHMETIC(Sub)
WEBNN_ARITHMETIC(Mul)
WEBNN_ARITHMETIC(Div)
WEBNN_ARITHMETIC(Max)
WEBNN_ARITHMETIC(Min)
WEBNN_ARITHMETIC(Pow)
#undef WEBNN_ARITHMETIC

// ---- Logical ------------------------------------------------------------------------------------
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-logical
#define WEBNN_LOGICAL_BINARY(Kind)                                                           \
  Result<OutputDescriptors> Validate##Kind(const OpValidationContext& ctx, const NoAttrs&) { \
    return ValidateLogicalBinary(ctx);                                                       \
  }
WEBNN_LOGICAL_BINARY(Equal)
WEBNN_LOGICAL_BINARY(NotEqual)
WEBNN_LOGICAL_BINARY(Greater)
WEBNN_LOGICAL_BINARY(GreaterOrEqual)
WEBNN_LOGICAL_BINARY(Lesser)
WEBNN_LOGICAL_BINARY(LesserOrEqual)
WEBNN_LOGICAL_BINARY(LogicalAnd)
WEBNN_LOGICAL_BINARY(LogicalOr)
WEBNN_LOGICAL_BINARY(LogicalXor)
#undef WEBNN_LOGICAL_BINARY

Result<OutputDescriptors> ValidateLogicalNot(const OpValidationContext& ctx, const NoAttrs&) {
  return OutputDescriptors{{DataType::kUint8, ctx.input(0).shape}};
}
Result<OutputDescriptors> ValidateIsNaN(const OpValidationContext& ctx, const NoAttrs&) {
  return ValidateFloatPredicate(ctx);
}
Result<OutputDescriptors> ValidateIsInfinite(const OpValidationContext& ctx, const NoAttrs&) {
  return ValidateFloatPredicate(ctx);
}

// ---- Unary and single-input activations
// ----------------------------------------------------------- The allowed data types are the op
// table's; the output copies the input's descriptor.
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-unary
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-elu (and gelu, hardSigmoid, hardSwish,
// leakyRelu, linear, relu, sigmoid, softplus, softsign, tanh: their options are plain doubles,
// cast to the input type by the kernel; the spec checks nothing else)
#define WEBNN_SAME_AS_INPUT(Kind, AttrsType)                                                   \
  Result<OutputDescriptors> Validate##Kind(const OpValidationContext& ctx, const AttrsType&) { \
    return SameAsInput(ctx);                                                                   \
  }
WEBNN_SAME_AS_INPUT(Abs, NoAttrs)
WEBNN_SAME_AS_INPUT(Ceil, NoAttrs)
WEBNN_SAME_AS_INPUT(Cos, NoAttrs)
WEBNN_SAME_AS_INPUT(Erf, NoAttrs)
WEBNN_SAME_AS_INPUT(Exp, NoAttrs)
WEBNN_SAME_AS_INPUT(Floor, NoAttrs)
WEBNN_SAME_AS_INPUT(Identity, NoAttrs)
WEBNN_SAME_AS_INPUT(Log, NoAttrs)
WEBNN_SAME_AS_INPUT(Neg, NoAttrs)
WEBNN_SAME_AS_INPUT(Reciprocal, NoAttrs)
WEBNN_SAME_AS_INPUT(RoundEven, NoAttrs)
WEBNN_SAME_AS_INPUT(Sin, NoAttrs)
WEBNN_SAME_AS_INPUT(Sign, NoAttrs)
WEBNN_SAME_AS_INPUT(Sqrt, NoAttrs)
WEBNN_SAME_AS_INPUT(Tan, NoAttrs)
WEBNN_SAME_AS_INPUT(Gelu, NoAttrs)
WEBNN_SAME_AS_INPUT(HardSwish, NoAttrs)
WEBNN_SAME_AS_INPUT(Relu, NoAttrs)
WEBNN_SAME_AS_INPUT(Sigmoid, NoAttrs)
WEBNN_SAME_AS_INPUT(Softplus, NoAttrs)
WEBNN_SAME_AS_INPUT(Softsign, NoAttrs)
WEBNN_SAME_AS_INPUT(Tanh, NoAttrs)
#undef WEBNN_SAME_AS_INPUT

// The activations whose options are WebIDL `double`s (alpha, beta): finite, or a TypeError.
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-elu
Result<OutputDescriptors> ValidateElu(const OpValidationContext& ctx, const EluAttrs& a) {
  WEBNN_RETURN_IF_ERROR(CheckFinite(ctx, a.alpha, "alpha"));
  return SameAsInput(ctx);
}
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-hard-sigmoid
Result<OutputDescriptors> ValidateHardSigmoid(const OpValidationContext& ctx,
                                              const HardSigmoidAttrs& a) {
  WEBNN_RETURN_IF_ERROR(CheckFinite(ctx, a.alpha, "alpha"));
  WEBNN_RETURN_IF_ERROR(CheckFinite(ctx, a.beta, "beta"));
  return SameAsInput(ctx);
}
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-leakyrelu
Result<OutputDescriptors> ValidateLeakyRelu(const OpValidationContext& ctx,
                                            const LeakyReluAttrs& a) {
  WEBNN_RETURN_IF_ERROR(CheckFinite(ctx, a.alpha, "alpha"));
  return SameAsInput(ctx);
}
// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-linear
Result<OutputDescriptors> ValidateLinear(const OpValidationContext& ctx, const LinearAttrs& a) {
  WEBNN_RETURN_IF_ERROR(CheckFinite(ctx, a.alpha, "alpha"));
  WEBNN_RETURN_IF_ERROR(CheckFinite(ctx, a.beta, "beta"));
  return SameAsInput(ctx);
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-prelu
// The output shape is the bidirectional broadcast of slope's and input's shapes.
Result<OutputDescriptors> ValidatePrelu(const OpValidationContext& ctx, const NoAttrs&) {
  return ValidateArithmetic(ctx);
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-clamp
// Both bounds are cast to the input's data type; minValue > maxValue after that cast is a
// TypeError. (The spec's step defaults an absent minValue to Infinity and an absent maxValue to
// -Infinity, which would reject clamp() with no options; we read an absent bound as "no bound",
// as the member descriptions and the emulation say.)
Result<OutputDescriptors> ValidateClamp(const OpValidationContext& ctx, const ClampAttrs& a) {
  const DataType t = ctx.input(0).dataType;
  if (a.minValue && a.maxValue) {
    const CastNumber lo = CastForCompare(*a.minValue, t);
    const CastNumber hi = CastForCompare(*a.maxValue, t);
    if (Greater(lo, hi, t)) {
      return ctx.TypeError("minValue (", NumberToString(*a.minValue),
                           ") is greater than maxValue (", NumberToString(*a.maxValue),
                           ") after casting to ", DataTypeName(t));
    }
  }
  return SameAsInput(ctx);
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-cast
// Every data type casts to every data type; the output keeps the input's shape.
Result<OutputDescriptors> ValidateCast(const OpValidationContext& ctx, const CastAttrs& a) {
  if (static_cast<int>(a.dataType) >= kDataTypeCount) {
    return ctx.TypeError("dataType: unknown data type ", static_cast<int>(a.dataType));
  }
  // The output slot's allowed types (op_table.inc: "any", which leaves out int4/uint4).
  const DataTypeSet allowed = ctx.info().outputs[0].types;
  if (!allowed.Has(a.dataType)) {
    return ctx.TypeError("dataType: ", DataTypeName(a.dataType),
                         " is not allowed (allowed: ", allowed.ToString(), ")");
  }
  return OutputDescriptors{{a.dataType, ctx.input(0).shape}};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-where
// The output shape broadcasts trueValue, falseValue and then condition together.
Result<OutputDescriptors> ValidateWhere(const OpValidationContext& ctx, const NoAttrs&) {
  WEBNN_ASSIGN_OR_RETURN(std::vector<uint32_t> values_shape, Broadcast(ctx, 1, 2));
  std::optional<std::vector<uint32_t>> shape = BroadcastShapes(ctx.input(0).shape, values_shape);
  if (!shape) {
    return ctx.TypeError("condition shape ", ShapeToString(ctx.input(0).shape),
                         " is not broadcastable with the shape of trueValue and falseValue ",
                         ShapeToString(values_shape));
  }
  return OutputDescriptors{{ctx.input(1).dataType, std::move(*shape)}};
}

}  // namespace webnn
