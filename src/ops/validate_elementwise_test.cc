// Shape inference and validation errors of the element-wise family.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ops/validate.h"
#include "testing/op_runner.h"

namespace webnn {
namespace {

using testing::InferOp;

constexpr DataType kF32 = DataType::kFloat32;
constexpr DataType kF16 = DataType::kFloat16;
constexpr DataType kI32 = DataType::kInt32;
constexpr DataType kU32 = DataType::kUint32;
constexpr DataType kI64 = DataType::kInt64;
constexpr DataType kU64 = DataType::kUint64;
constexpr DataType kU8 = DataType::kUint8;
constexpr DataType kI8 = DataType::kInt8;
constexpr DataType kI4 = DataType::kInt4;

OperandDescriptor D(DataType t, std::vector<uint32_t> shape) { return {t, std::move(shape)}; }

// Expects a TypeError whose message contains every one of `parts`.
void ExpectTypeError(const Result<OutputDescriptors>& r, std::initializer_list<std::string> parts) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kTypeError) << r.error().ToString();
  for (const std::string& p : parts) {
    EXPECT_NE(r.error().message().find(p), std::string::npos)
        << "missing '" << p << "' in: " << r.error().message();
  }
}

OperandDescriptor Single(const Result<OutputDescriptors>& r) {
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  if (!r.ok()) return {};
  EXPECT_EQ(r->size(), 1u);
  if (r->empty()) return {};
  return (*r)[0];
}

// ---- Binary -------------------------------------------------------------------------------------

TEST(ElementwiseValidate, BinaryBroadcastsBothWays) {
  EXPECT_EQ(Single(InferOp(OpKind::kAdd, NoAttrs{}, {D(kF32, {2, 1, 3}), D(kF32, {4, 1})})),
            D(kF32, {2, 4, 3}));
  EXPECT_EQ(Single(InferOp(OpKind::kSub, NoAttrs{}, {D(kI32, {}), D(kI32, {2, 3})})),
            D(kI32, {2, 3}));
  EXPECT_EQ(Single(InferOp(OpKind::kPow, NoAttrs{}, {D(kF16, {5, 1, 1}), D(kF16, {})})),
            D(kF16, {5, 1, 1}));
  EXPECT_EQ(Single(InferOp(OpKind::kDiv, NoAttrs{}, {D(kU64, {1}), D(kU64, {1, 1})})),
            D(kU64, {1, 1}));
}

TEST(ElementwiseValidate, BinaryRejectsIncompatibleShapes) {
  ExpectTypeError(InferOp(OpKind::kMul, NoAttrs{}, {D(kF32, {2, 3}), D(kF32, {4})}),
                  {"mul", "a shape [2, 3]", "b shape [4]", "not broadcastable"});
  ExpectTypeError(InferOp(OpKind::kMin, NoAttrs{}, {D(kF32, {2, 3, 4}), D(kF32, {3, 1, 4})}),
                  {"min", "not broadcastable"});
}

TEST(ElementwiseValidate, Int4IsNotAnElementwiseType) {
  ExpectTypeError(InferOp(OpKind::kMax, NoAttrs{}, {D(kI4, {3}), D(kI4, {3})}),
                  {"a: data type int4"});
  ExpectTypeError(InferOp(OpKind::kIdentity, NoAttrs{}, {D(kI4, {3})}), {"input: data type int4"});
  ExpectTypeError(InferOp(OpKind::kCast, CastAttrs{.dataType = kF32}, {D(kI4, {3})}),
                  {"input: data type int4"});
}

TEST(ElementwiseValidate, BinaryRejectsMixedDataTypes) {
  ExpectTypeError(InferOp(OpKind::kAdd, NoAttrs{}, {D(kF32, {2}), D(kF16, {2})}),
                  {"b: data type float16"});
}

TEST(ElementwiseValidate, BroadcastOutputMustFitTheLimits) {
  // 65536 x 65536 elements do not fit in int32.
  ExpectTypeError(InferOp(OpKind::kAdd, NoAttrs{}, {D(kU8, {65536, 1}), D(kU8, {1, 65536})}),
                  {"output", "does not fit in int32"});
}

// ---- Logical ------------------------------------------------------------------------------------

TEST(ElementwiseValidate, ComparisonsOutputUint8WithTheBroadcastShape) {
  for (OpKind k : {OpKind::kEqual, OpKind::kNotEqual, OpKind::kGreater, OpKind::kGreaterOrEqual,
                   OpKind::kLesser, OpKind::kLesserOrEqual}) {
    EXPECT_EQ(Single(InferOp(k, NoAttrs{}, {D(kF32, {3, 1}), D(kF32, {1, 4})})), D(kU8, {3, 4}))
        << OpName(k);
    EXPECT_EQ(Single(InferOp(k, NoAttrs{}, {D(kI64, {}), D(kI64, {})})), D(kU8, {})) << OpName(k);
  }
  ExpectTypeError(InferOp(OpKind::kGreater, NoAttrs{}, {D(kF32, {3}), D(kF32, {2})}),
                  {"greater", "a shape [3]", "b shape [2]"});
  ExpectTypeError(InferOp(OpKind::kEqual, NoAttrs{}, {D(kF32, {3}), D(kI32, {3})}),
                  {"b: data type int32"});
}

TEST(ElementwiseValidate, LogicalOpsTakeUint8) {
  EXPECT_EQ(Single(InferOp(OpKind::kLogicalAnd, NoAttrs{}, {D(kU8, {2, 1}), D(kU8, {3})})),
            D(kU8, {2, 3}));
  EXPECT_EQ(Single(InferOp(OpKind::kLogicalXor, NoAttrs{}, {D(kU8, {}), D(kU8, {4})})),
            D(kU8, {4}));
  EXPECT_EQ(Single(InferOp(OpKind::kLogicalNot, NoAttrs{}, {D(kU8, {2, 2})})), D(kU8, {2, 2}));
  ExpectTypeError(InferOp(OpKind::kLogicalOr, NoAttrs{}, {D(kF32, {2}), D(kF32, {2})}),
                  {"a: data type float32"});
  ExpectTypeError(InferOp(OpKind::kLogicalNot, NoAttrs{}, {D(kI8, {2})}), {"a: data type int8"});
  ExpectTypeError(InferOp(OpKind::kLogicalAnd, NoAttrs{}, {D(kU8, {2}), D(kU8, {3})}),
                  {"not broadcastable"});
}

TEST(ElementwiseValidate, IsNaNAndIsInfiniteNeedFloats) {
  EXPECT_EQ(Single(InferOp(OpKind::kIsNaN, NoAttrs{}, {D(kF16, {2, 3})})), D(kU8, {2, 3}));
  EXPECT_EQ(Single(InferOp(OpKind::kIsInfinite, NoAttrs{}, {D(kF32, {})})), D(kU8, {}));
  ExpectTypeError(InferOp(OpKind::kIsNaN, NoAttrs{}, {D(kI32, {2})}),
                  {"isNaN", "int32", "float32, float16"});
  ExpectTypeError(InferOp(OpKind::kIsInfinite, NoAttrs{}, {D(kU8, {2})}), {"isInfinite", "uint8"});
}

// ---- Unary and activations ----------------------------------------------------------------------

TEST(ElementwiseValidate, UnaryCopiesTheInputDescriptor) {
  EXPECT_EQ(Single(InferOp(OpKind::kAbs, NoAttrs{}, {D(kI8, {2, 3})})), D(kI8, {2, 3}));
  EXPECT_EQ(Single(InferOp(OpKind::kNeg, NoAttrs{}, {D(kI64, {})})), D(kI64, {}));
  EXPECT_EQ(Single(InferOp(OpKind::kSqrt, NoAttrs{}, {D(kF16, {7})})), D(kF16, {7}));
  EXPECT_EQ(Single(InferOp(OpKind::kIdentity, NoAttrs{}, {D(kU64, {3, 3})})), D(kU64, {3, 3}));
  EXPECT_EQ(Single(InferOp(OpKind::kRoundEven, NoAttrs{}, {D(kF32, {1, 2, 3, 4, 5})})),
            D(kF32, {1, 2, 3, 4, 5}));
}

TEST(ElementwiseValidate, UnaryRejectsTypesOutsideTheTable) {
  ExpectTypeError(InferOp(OpKind::kAbs, NoAttrs{}, {D(kU32, {2})}), {"abs", "uint32"});
  ExpectTypeError(InferOp(OpKind::kSign, NoAttrs{}, {D(kU8, {2})}), {"sign", "uint8"});
  ExpectTypeError(InferOp(OpKind::kCeil, NoAttrs{}, {D(kI32, {2})}), {"ceil", "int32"});
  ExpectTypeError(InferOp(OpKind::kExp, NoAttrs{}, {D(kI64, {2})}), {"exp", "int64"});
}

TEST(ElementwiseValidate, ActivationsCopyTheInputDescriptor) {
  EXPECT_EQ(Single(InferOp(OpKind::kElu, EluAttrs{.alpha = 2}, {D(kF16, {2, 2})})),
            D(kF16, {2, 2}));
  EXPECT_EQ(Single(InferOp(OpKind::kHardSigmoid, HardSigmoidAttrs{}, {D(kF32, {})})), D(kF32, {}));
  EXPECT_EQ(Single(InferOp(OpKind::kLinear, LinearAttrs{.alpha = -1, .beta = 3}, {D(kF32, {4})})),
            D(kF32, {4}));
  EXPECT_EQ(Single(InferOp(OpKind::kRelu, NoAttrs{}, {D(kI8, {3})})), D(kI8, {3}));
  ExpectTypeError(InferOp(OpKind::kGelu, NoAttrs{}, {D(kI32, {2})}), {"gelu", "int32"});
  ExpectTypeError(InferOp(OpKind::kLeakyRelu, LeakyReluAttrs{}, {D(kI8, {2})}),
                  {"leakyRelu", "int8"});
  ExpectTypeError(InferOp(OpKind::kRelu, NoAttrs{}, {D(kU8, {2})}), {"relu", "uint8"});
}

// alpha and beta are WebIDL `double`s: NaN and the infinities are TypeErrors (a NaN attribute
// would also make a graph unequal to itself).
TEST(ElementwiseValidate, ActivationOptionsMustBeFinite) {
  const OperandDescriptor x = D(kF32, {2});
  for (double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()}) {
    ExpectTypeError(InferOp(OpKind::kElu, EluAttrs{.alpha = bad}, {x}), {"elu", "alpha", "finite"});
    ExpectTypeError(InferOp(OpKind::kLeakyRelu, LeakyReluAttrs{.alpha = bad}, {x}),
                    {"leakyRelu", "alpha", "finite"});
    ExpectTypeError(InferOp(OpKind::kHardSigmoid, HardSigmoidAttrs{.alpha = bad}, {x}),
                    {"hardSigmoid", "alpha"});
    ExpectTypeError(InferOp(OpKind::kHardSigmoid, HardSigmoidAttrs{.beta = bad}, {x}),
                    {"hardSigmoid", "beta"});
    ExpectTypeError(InferOp(OpKind::kLinear, LinearAttrs{.alpha = bad}, {x}), {"linear", "alpha"});
    ExpectTypeError(InferOp(OpKind::kLinear, LinearAttrs{.beta = bad}, {x}), {"linear", "beta"});
  }
  // The largest finite values are fine.
  EXPECT_EQ(Single(InferOp(OpKind::kLinear,
                           LinearAttrs{.alpha = std::numeric_limits<double>::max(),
                                       .beta = -std::numeric_limits<double>::max()},
                           {x})),
            x);
}

TEST(ElementwiseValidate, PreluBroadcastsSlopeAndInput) {
  EXPECT_EQ(Single(InferOp(OpKind::kPrelu, NoAttrs{}, {D(kF32, {2, 3, 4}), D(kF32, {4})})),
            D(kF32, {2, 3, 4}));
  EXPECT_EQ(Single(InferOp(OpKind::kPrelu, NoAttrs{}, {D(kI32, {2, 3}), D(kI32, {})})),
            D(kI32, {2, 3}));
  ExpectTypeError(InferOp(OpKind::kPrelu, NoAttrs{}, {D(kF32, {2, 3, 4}), D(kF32, {3})}),
                  {"prelu", "input shape [2, 3, 4]", "slope shape [3]", "not broadcastable"});
  ExpectTypeError(InferOp(OpKind::kPrelu, NoAttrs{}, {D(kF32, {2}), D(kF16, {2})}),
                  {"slope: data type float16"});
  ExpectTypeError(InferOp(OpKind::kPrelu, NoAttrs{}, {D(kU8, {2}), D(kU8, {2})}),
                  {"input: data type uint8"});
}

// ---- Clamp --------------------------------------------------------------------------------------

TEST(ElementwiseValidate, ClampAcceptsOrderedOrMissingBounds) {
  EXPECT_EQ(Single(InferOp(OpKind::kClamp, ClampAttrs{}, {D(kF32, {2, 3})})), D(kF32, {2, 3}));
  EXPECT_EQ(Single(InferOp(OpKind::kClamp, ClampAttrs{.minValue = 5.0, .maxValue = std::nullopt},
                           {D(kU8, {2})})),
            D(kU8, {2}));
  EXPECT_EQ(Single(InferOp(OpKind::kClamp, ClampAttrs{.minValue = std::nullopt, .maxValue = -5.0},
                           {D(kI8, {2})})),
            D(kI8, {2}));
  EXPECT_TRUE(
      InferOp(OpKind::kClamp, ClampAttrs{.minValue = 2.0, .maxValue = 2.0}, {D(kF16, {1})}).ok());
  // A NaN bound compares false: not an error.
  EXPECT_TRUE(
      InferOp(OpKind::kClamp,
              ClampAttrs{.minValue = std::numeric_limits<double>::quiet_NaN(), .maxValue = 0.0},
              {D(kF32, {1})})
          .ok());
}

TEST(ElementwiseValidate, ClampRejectsMinGreaterThanMax) {
  ExpectTypeError(
      InferOp(OpKind::kClamp, ClampAttrs{.minValue = 3.0, .maxValue = 1.0}, {D(kF32, {2})}),
      {"clamp", "minValue (3)", "maxValue (1)", "float32"});
  ExpectTypeError(InferOp(OpKind::kClamp,
                          ClampAttrs{.minValue = MLNumber::Int(10), .maxValue = MLNumber::Int(-10)},
                          {D(kI32, {2})}),
                  {"minValue (10)", "maxValue (-10)", "int32"});
}

TEST(ElementwiseValidate, ClampComparesBoundsAfterCastingToTheInputType) {
  // uint8: -5 and 0 both cast to 0, 300 and 255 both to 255: equal bounds, no error.
  EXPECT_TRUE(
      InferOp(OpKind::kClamp, ClampAttrs{.minValue = 0.0, .maxValue = -5.0}, {D(kU8, {1})}).ok());
  EXPECT_TRUE(
      InferOp(OpKind::kClamp, ClampAttrs{.minValue = 300.0, .maxValue = 255.0}, {D(kU8, {1})})
          .ok());
  // float32 input: the bounds round to the same float.
  EXPECT_TRUE(
      InferOp(OpKind::kClamp, ClampAttrs{.minValue = 1.0 + 1e-12, .maxValue = 1.0}, {D(kF32, {1})})
          .ok());
  // int64 bounds one apart beyond 2^53 (equal as doubles) are still compared exactly.
  const int64_t big = std::numeric_limits<int64_t>::max();
  ExpectTypeError(
      InferOp(OpKind::kClamp,
              ClampAttrs{.minValue = MLNumber::Int(big), .maxValue = MLNumber::Int(big - 1)},
              {D(kI64, {1})}),
      {"minValue (9223372036854775807)", "int64"});
  const uint64_t ubig = std::numeric_limits<uint64_t>::max();
  ExpectTypeError(
      InferOp(OpKind::kClamp,
              ClampAttrs{.minValue = MLNumber::Uint(ubig), .maxValue = MLNumber::Uint(ubig - 1)},
              {D(kU64, {1})}),
      {"uint64"});
  EXPECT_TRUE(
      InferOp(OpKind::kClamp,
              ClampAttrs{.minValue = MLNumber::Uint(ubig - 1), .maxValue = MLNumber::Uint(ubig)},
              {D(kU64, {1})})
          .ok());
}

// ---- Cast ---------------------------------------------------------------------------------------

TEST(ElementwiseValidate, CastKeepsTheShapeAndTakesTheTargetType) {
  EXPECT_EQ(Single(InferOp(OpKind::kCast, CastAttrs{.dataType = kI64}, {D(kF16, {2, 3})})),
            D(kI64, {2, 3}));
  EXPECT_EQ(Single(InferOp(OpKind::kCast, CastAttrs{.dataType = kU8}, {D(kF32, {})})), D(kU8, {}));
  EXPECT_EQ(Single(InferOp(OpKind::kCast, CastAttrs{.dataType = kF32}, {D(kF32, {5})})),
            D(kF32, {5}));
  ExpectTypeError(
      InferOp(OpKind::kCast, CastAttrs{.dataType = static_cast<DataType>(200)}, {D(kF32, {2})}),
      {"cast", "dataType", "200"});
  // int4/uint4 are for the quantization operators only ("any" in op_table.inc excludes them).
  ExpectTypeError(InferOp(OpKind::kCast, CastAttrs{.dataType = kI4}, {D(kF32, {2})}),
                  {"cast", "dataType: int4 is not allowed"});
}

// ---- Where --------------------------------------------------------------------------------------

TEST(ElementwiseValidate, WhereBroadcastsAllThreeOperands) {
  EXPECT_EQ(Single(InferOp(OpKind::kWhere, NoAttrs{},
                           {D(kU8, {2, 1, 1}), D(kF32, {1, 3}), D(kF32, {4, 1})})),
            D(kF32, {2, 4, 3}));
  EXPECT_EQ(Single(InferOp(OpKind::kWhere, NoAttrs{}, {D(kU8, {}), D(kI64, {}), D(kI64, {})})),
            D(kI64, {}));
  EXPECT_EQ(Single(InferOp(OpKind::kWhere, NoAttrs{}, {D(kU8, {5, 2}), D(kI32, {2}), D(kI32, {})})),
            D(kI32, {5, 2}));
}

TEST(ElementwiseValidate, WhereErrorsNameTheOperand) {
  ExpectTypeError(InferOp(OpKind::kWhere, NoAttrs{}, {D(kU8, {2}), D(kF32, {3}), D(kF32, {2})}),
                  {"where", "trueValue shape [3]", "falseValue shape [2]", "not broadcastable"});
  ExpectTypeError(InferOp(OpKind::kWhere, NoAttrs{}, {D(kU8, {4}), D(kF32, {3}), D(kF32, {3})}),
                  {"condition shape [4]", "[3]", "not broadcastable"});
  ExpectTypeError(InferOp(OpKind::kWhere, NoAttrs{}, {D(kF32, {2}), D(kF32, {2}), D(kF32, {2})}),
                  {"condition: data type float32"});
  ExpectTypeError(InferOp(OpKind::kWhere, NoAttrs{}, {D(kU8, {2}), D(kF32, {2}), D(kF16, {2})}),
                  {"falseValue: data type float16"});
}

}  // namespace
}  // namespace webnn
