// Reference kernels of the element-wise family on small hand-checked inputs and on cases
// copied from the W3C conformance files (../shared/conformance, wpt 2025-03-31).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <iomanip>
#include <limits>

#include "backend/reference/tensor_util.h"
#include "testing/op_runner.h"
#include "testing/ulp.h"

namespace webnn {
namespace {

using testing::RunOp;
using testing::TestTensor;
using testing::UlpDistance;

constexpr DataType kF32 = DataType::kFloat32;
constexpr DataType kF16 = DataType::kFloat16;
constexpr DataType kI32 = DataType::kInt32;
constexpr DataType kU32 = DataType::kUint32;
constexpr DataType kI64 = DataType::kInt64;
constexpr DataType kU64 = DataType::kUint64;
constexpr DataType kI8 = DataType::kInt8;
constexpr DataType kU8 = DataType::kUint8;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();

TestTensor F(DataType t, std::vector<uint32_t> shape, std::vector<double> v) {
  return TestTensor::Make(t, std::move(shape), v);
}
TestTensor I(DataType t, std::vector<uint32_t> shape, std::vector<int64_t> v) {
  return TestTensor::MakeInt(t, std::move(shape), v);
}

// Runs a one-output op and returns the output (a failed run fails the test).
TestTensor Exec(OpKind kind, const Attrs& attrs, std::vector<std::optional<TestTensor>> inputs) {
  auto r = RunOp(kind, attrs, inputs);
  EXPECT_TRUE(r.ok()) << OpName(kind) << ": " << r.error().ToString();
  if (!r.ok() || r->empty()) {
    TestTensor empty;
    empty.desc.shape = {0};  // no elements: the caller's comparisons fail on the size
    return empty;
  }
  return std::move(r->at(0));
}

// Compares doubles exactly, NaN equal to NaN, and the sign of zero.
void ExpectSame(const std::vector<double>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const bool same =
        std::isnan(expected[i])
            ? std::isnan(actual[i])
            : actual[i] == expected[i] && std::signbit(actual[i]) == std::signbit(expected[i]);
    EXPECT_TRUE(same) << std::setprecision(17) << "at " << i << ": got " << actual[i]
                      << ", expected " << expected[i];
  }
}

void ExpectUlp(const TestTensor& t, const std::vector<double>& expected, int64_t ulp) {
  const std::vector<double> actual = t.ToDoubles();
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const int64_t d = UlpDistance(t.desc.dataType, actual[i], expected[i]);
    EXPECT_LE(d, ulp) << "at " << i << ": got " << actual[i] << ", expected " << expected[i];
  }
}

void ExpectNear(const TestTensor& t, const std::vector<double>& expected, double atol) {
  const std::vector<double> actual = t.ToDoubles();
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], atol) << "at " << i;
  }
}

// ---- Binary arithmetic --------------------------------------------------------------------------

TEST(ElementwiseKernel, AddBroadcastsFloat32) {
  // [2, 1] + [3] -> [2, 3]
  TestTensor out =
      Exec(OpKind::kAdd, NoAttrs{}, {F(kF32, {2, 1}, {10, 20}), F(kF32, {3}, {1, 2, 3})});
  EXPECT_EQ(out.desc, (OperandDescriptor{kF32, {2, 3}}));
  ExpectSame(out.ToDoubles(), {11, 12, 13, 21, 22, 23});
}

TEST(ElementwiseKernel, AddConformanceBroadcast2DTo4D) {
  // From add.json "add float32 broadcast 2D to 4D": the first 6 elements of the [2, 2, 2, 3]
  // input plus the [2, 3] input (tolerance 1 ULP).
  TestTensor a = F(kF32, {1, 1, 2, 3},
                   {-43.333316802978516, -67.89795684814453, 26.462739944458008, 36.74276351928711,
                    -65.1773910522461, -87.70664978027344});
  TestTensor b = F(kF32, {2, 3},
                   {-17.981124877929688, -70.45854187011719, -12.762019157409668,
                    24.254032135009766, -68.12599182128906, 30.62627410888672});
  ExpectUlp(Exec(OpKind::kAdd, NoAttrs{}, {a, b}),
            {-61.3144416809082, -138.35650634765625, 13.70072078704834, 60.996795654296875,
             -133.30337524414062, -57.08037567138672},
            1);
}

TEST(ElementwiseKernel, SubMulDivFloat16) {
  // 0.1 is stored as the half 0.0999755859375 (1638 * 2^-14).
  TestTensor a = F(kF16, {4}, {1.5, -2, 1024, 0.1});
  TestTensor b = F(kF16, {4}, {0.25, 3, 1, 3});
  ExpectSame(Exec(OpKind::kSub, NoAttrs{}, {a, b}).ToDoubles(), {1.25, -5, 1023, -2.900390625});
  // 1638 * 3 * 2^-14 is exactly halfway between two halves: ties to even (0.2998046875).
  ExpectSame(Exec(OpKind::kMul, NoAttrs{}, {a, b}).ToDoubles(), {0.375, -6, 1024, 0.2998046875});
  ExpectSame(Exec(OpKind::kDiv, NoAttrs{}, {a, b}).ToDoubles(),
             {6, -0.66650390625, 1024, 0.0333251953125});
}

TEST(ElementwiseKernel, FloatDivisionFollowsIeee) {
  ExpectSame(
      Exec(OpKind::kDiv, NoAttrs{}, {F(kF32, {4}, {1, -1, 0, 6}), F(kF32, {4}, {0, 0, 0, -3})})
          .ToDoubles(),
      {kInf, -kInf, kNaN, -2});
}

TEST(ElementwiseKernel, IntegerAddSubMulWrap) {
  const int64_t i32max = std::numeric_limits<int32_t>::max();
  EXPECT_EQ(
      Exec(OpKind::kAdd, NoAttrs{}, {I(kI32, {2}, {i32max, -5}), I(kI32, {2}, {1, 3})}).ToInt64s(),
      (std::vector<int64_t>{std::numeric_limits<int32_t>::min(), -2}));
  EXPECT_EQ(Exec(OpKind::kAdd, NoAttrs{}, {I(kU8, {2}, {250, 1}), I(kU8, {2}, {10, 2})}).ToInt64s(),
            (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(Exec(OpKind::kSub, NoAttrs{}, {I(kU32, {1}, {0}), I(kU32, {1}, {1})}).ToInt64s(),
            (std::vector<int64_t>{4294967295}));
  EXPECT_EQ(Exec(OpKind::kMul, NoAttrs{}, {I(kI8, {2}, {64, -3}), I(kI8, {2}, {2, 5})}).ToInt64s(),
            (std::vector<int64_t>{-128, -15}));
  // int64 is exact beyond 2^53 and wraps at 2^63.
  EXPECT_EQ(
      Exec(OpKind::kAdd, NoAttrs{},
           {I(kI64, {2}, {(int64_t{1} << 62) + 1, kI64Max}), I(kI64, {2}, {int64_t{1} << 62, 1})})
          .ToInt64s(),
      (std::vector<int64_t>{kI64Min + 1, kI64Min}));
  EXPECT_EQ(Exec(OpKind::kMul, NoAttrs{}, {I(kI64, {1}, {3037000499}), I(kI64, {1}, {3037000499})})
                .ToInt64s(),
            (std::vector<int64_t>{9223372030926249001}));
  // uint64 above 2^63.
  TestTensor u = Exec(OpKind::kAdd, NoAttrs{},
                      {I(kU64, {1}, {static_cast<int64_t>(uint64_t{1} << 63)}), I(kU64, {1}, {5})});
  EXPECT_EQ(reference::LoadRaw<uint64_t>(u.bytes.data(), 0), (uint64_t{1} << 63) + 5);
}

TEST(ElementwiseKernel, IntegerDivTruncatesAndDefinesDivisionByZero) {
  const int64_t i32min = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(Exec(OpKind::kDiv, NoAttrs{},
                 {I(kI32, {6}, {7, -7, 7, -7, 5, i32min}), I(kI32, {6}, {2, 2, -2, -2, 0, -1})})
                .ToInt64s(),
            (std::vector<int64_t>{3, -3, -3, 3, 0, i32min}));
  EXPECT_EQ(Exec(OpKind::kDiv, NoAttrs{},
                 {I(kI64, {3}, {kI64Min, kI64Max, -9}), I(kI64, {3}, {-1, 0, 4})})
                .ToInt64s(),
            (std::vector<int64_t>{kI64Min, 0, -2}));
  EXPECT_EQ(
      Exec(OpKind::kDiv, NoAttrs{}, {I(kU32, {3}, {7, 4294967295, 3}), I(kU32, {3}, {2, 2, 0})})
          .ToInt64s(),
      (std::vector<int64_t>{3, 2147483647, 0}));
  TestTensor u = Exec(OpKind::kDiv, NoAttrs{}, {I(kU64, {1}, {-1}), I(kU64, {1}, {2})});
  EXPECT_EQ(reference::LoadRaw<uint64_t>(u.bytes.data(), 0),
            std::numeric_limits<uint64_t>::max() / 2);
  EXPECT_EQ(
      Exec(OpKind::kDiv, NoAttrs{}, {I(kI8, {2}, {-128, 100}), I(kI8, {2}, {-1, 0})}).ToInt64s(),
      (std::vector<int64_t>{-128, 0}));
}

TEST(ElementwiseKernel, MaxMinFloat) {
  TestTensor a = F(kF32, {4}, {1, kNaN, 0.0, -0.0});
  TestTensor b = F(kF32, {4}, {2, 3, -0.0, 0.0});
  ExpectSame(Exec(OpKind::kMax, NoAttrs{}, {a, b}).ToDoubles(), {2, kNaN, 0.0, 0.0});
  ExpectSame(Exec(OpKind::kMin, NoAttrs{}, {a, b}).ToDoubles(), {1, kNaN, -0.0, -0.0});
}

TEST(ElementwiseKernel, MaxMinIntegers) {
  EXPECT_EQ(Exec(OpKind::kMax, NoAttrs{}, {I(kI8, {3}, {-128, 5, 0}), I(kI8, {}, {-1})}).ToInt64s(),
            (std::vector<int64_t>{-1, 5, 0}));
  EXPECT_EQ(Exec(OpKind::kMin, NoAttrs{},
                 {I(kI64, {2}, {kI64Max, kI64Max - 1}), I(kI64, {2}, {kI64Max - 1, kI64Max})})
                .ToInt64s(),
            (std::vector<int64_t>{kI64Max - 1, kI64Max - 1}));
  // uint64 compares unsigned: 2^64-1 is the max, not -1.
  TestTensor u = Exec(OpKind::kMax, NoAttrs{}, {I(kU64, {1}, {-1}), I(kU64, {1}, {7})});
  EXPECT_EQ(reference::LoadRaw<uint64_t>(u.bytes.data(), 0), std::numeric_limits<uint64_t>::max());
}

TEST(ElementwiseKernel, MaxConformanceBroadcast1DTo4D) {
  // From max.json "max float32 broadcast 1D to 4D" (a of shape [1], the first 6 elements of b).
  ExpectSame(Exec(OpKind::kMax, NoAttrs{},
                  {F(kF32, {1}, {48.26115417480469}),
                   F(kF32, {1, 1, 2, 3},
                     {17.72909164428711, 88.1480712890625, -12.794827461242676, 11.817361831665039,
                      19.51302146911621, -62.87843704223633})})
                 .ToDoubles(),
             {48.26115417480469, 88.1480712890625, 48.26115417480469, 48.26115417480469,
              48.26115417480469, 48.26115417480469});
}

TEST(ElementwiseKernel, PowFloat) {
  TestTensor out = Exec(OpKind::kPow, NoAttrs{},
                        {F(kF32, {5}, {2, 4, -2, 0, 10}), F(kF32, {5}, {10, 0.5, 3, -1, -2})});
  ExpectSame(out.ToDoubles(), {1024, 2, -8, kInf, static_cast<float>(0.01)});
  // From pow.json "pow float32 4D base tensor and broadcastable 2D integer exponent tensor":
  // the first 6 bases with the [2, 3] exponent tensor (tolerance 32 ULP).
  ExpectUlp(Exec(OpKind::kPow, NoAttrs{},
                 {F(kF32, {1, 2, 3},
                    {17.846010208129883, -0.0631069764494896, -9.868203163146973, 11.17772102355957,
                     -17.346275329589844, 11.862250328063965}),
                  F(kF32, {2, 3}, {5.0, -10.0, -10.0, 7.0, -7.0, -9.0})}),
            {1810113.0, 998220038144.0, 1.1418765932802444e-10, 21800822.0, -2.11619832768406e-09,
             2.1502860603206386e-10},
            32);
}

TEST(ElementwiseKernel, PowIntegersAreExact) {
  EXPECT_EQ(
      Exec(OpKind::kPow, NoAttrs{},
           {I(kI32, {8}, {3, -2, 2, 1, -1, -1, 0, 0}), I(kI32, {8}, {4, 3, -1, -5, -3, -4, -1, 0})})
          .ToInt64s(),
      (std::vector<int64_t>{81, -8, 0, 1, -1, 1, 0, 1}));
  // 3^39 needs 62 bits: exact in int64 (a double would round it).
  EXPECT_EQ(Exec(OpKind::kPow, NoAttrs{}, {I(kI64, {1}, {3}), I(kI64, {1}, {39})}).ToInt64s(),
            (std::vector<int64_t>{4052555153018976267}));
  TestTensor u = Exec(OpKind::kPow, NoAttrs{}, {I(kU64, {2}, {2, 3}), I(kU64, {2}, {63, 40})});
  EXPECT_EQ(reference::LoadRaw<uint64_t>(u.bytes.data(), 0), uint64_t{1} << 63);
  EXPECT_EQ(reference::LoadRaw<uint64_t>(u.bytes.data(), 1), 12157665459056928801u);
  // Overflow wraps like repeated multiplication: 2^8 in uint8 is 0, 3^5 = 243 -> int8 -13.
  EXPECT_EQ(Exec(OpKind::kPow, NoAttrs{}, {I(kU8, {1}, {2}), I(kU8, {1}, {8})}).ToInt64s(),
            (std::vector<int64_t>{0}));
  EXPECT_EQ(Exec(OpKind::kPow, NoAttrs{}, {I(kI8, {1}, {3}), I(kI8, {1}, {5})}).ToInt64s(),
            (std::vector<int64_t>{-13}));
}

// ---- Comparisons and logical --------------------------------------------------------------------

TEST(ElementwiseKernel, ComparisonsWithNaN) {
  TestTensor a = F(kF32, {4}, {1, kNaN, 2, -0.0});
  TestTensor b = F(kF32, {4}, {1, kNaN, 3, 0.0});
  auto run = [&](OpKind k) { return Exec(k, NoAttrs{}, {a, b}).ToInt64s(); };
  EXPECT_EQ(run(OpKind::kEqual), (std::vector<int64_t>{1, 0, 0, 1}));
  EXPECT_EQ(run(OpKind::kNotEqual), (std::vector<int64_t>{0, 1, 1, 0}));
  EXPECT_EQ(run(OpKind::kGreater), (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(run(OpKind::kGreaterOrEqual), (std::vector<int64_t>{1, 0, 0, 1}));
  EXPECT_EQ(run(OpKind::kLesser), (std::vector<int64_t>{0, 0, 1, 0}));
  EXPECT_EQ(run(OpKind::kLesserOrEqual), (std::vector<int64_t>{1, 0, 1, 1}));
}

TEST(ElementwiseKernel, ComparisonsOnIntegersAreExact) {
  // Differ by one beyond 2^53: equal as doubles, not as int64.
  TestTensor a = I(kI64, {2}, {kI64Max, -5});
  TestTensor b = I(kI64, {2}, {kI64Max - 1, 3});
  EXPECT_EQ(Exec(OpKind::kEqual, NoAttrs{}, {a, b}).ToInt64s(), (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(Exec(OpKind::kGreater, NoAttrs{}, {a, b}).ToInt64s(), (std::vector<int64_t>{1, 0}));
  // uint64: 2^64 - 1 is greater than 1; uint32 4294967295 too.
  EXPECT_EQ(Exec(OpKind::kLesser, NoAttrs{}, {I(kU64, {1}, {-1}), I(kU64, {1}, {1})}).ToInt64s(),
            (std::vector<int64_t>{0}));
  EXPECT_EQ(
      Exec(OpKind::kGreaterOrEqual, NoAttrs{}, {I(kU32, {2}, {4294967295, 0}), I(kU32, {}, {1})})
          .ToInt64s(),
      (std::vector<int64_t>{1, 0}));
}

TEST(ElementwiseKernel, ComparisonConformanceFloat16Broadcast) {
  // From lesser.json "lesser float16 broadcast 0D to 4D" (the first 6 elements of b).
  TestTensor out =
      Exec(OpKind::kLesser, NoAttrs{},
           {F(kF16, {}, {-5.6796875}),
            F(kF16, {1, 2, 3},
              {-1.1474609375, -8.40625, -2.275390625, -0.5771484375, 8.171875, -0.9072265625})});
  EXPECT_EQ(out.desc, (OperandDescriptor{kU8, {1, 2, 3}}));
  EXPECT_EQ(out.ToInt64s(), (std::vector<int64_t>{1, 0, 1, 1, 1, 1}));
}

TEST(ElementwiseKernel, LogicalOpsTreatNonZeroAsTrue) {
  TestTensor a = I(kU8, {4}, {0, 0, 7, 255});
  TestTensor b = I(kU8, {4}, {0, 2, 0, 1});
  EXPECT_EQ(Exec(OpKind::kLogicalAnd, NoAttrs{}, {a, b}).ToInt64s(),
            (std::vector<int64_t>{0, 0, 0, 1}));
  EXPECT_EQ(Exec(OpKind::kLogicalOr, NoAttrs{}, {a, b}).ToInt64s(),
            (std::vector<int64_t>{0, 1, 1, 1}));
  EXPECT_EQ(Exec(OpKind::kLogicalXor, NoAttrs{}, {a, b}).ToInt64s(),
            (std::vector<int64_t>{0, 1, 1, 0}));
  EXPECT_EQ(Exec(OpKind::kLogicalNot, NoAttrs{}, {a}).ToInt64s(),
            (std::vector<int64_t>{1, 1, 0, 0}));
  // Broadcast [2, 1] with [3].
  EXPECT_EQ(Exec(OpKind::kLogicalAnd, NoAttrs{}, {I(kU8, {2, 1}, {0, 9}), I(kU8, {3}, {1, 0, 3})})
                .ToInt64s(),
            (std::vector<int64_t>{0, 0, 0, 1, 0, 1}));
}

TEST(ElementwiseKernel, IsNaNAndIsInfinite) {
  for (DataType t : {kF32, kF16}) {
    TestTensor a = F(t, {5}, {kNaN, kInf, -kInf, 0, 65504});
    EXPECT_EQ(Exec(OpKind::kIsNaN, NoAttrs{}, {a}).ToInt64s(),
              (std::vector<int64_t>{1, 0, 0, 0, 0}));
    EXPECT_EQ(Exec(OpKind::kIsInfinite, NoAttrs{}, {a}).ToInt64s(),
              (std::vector<int64_t>{0, 1, 1, 0, 0}));
  }
}

// ---- Unary --------------------------------------------------------------------------------------

TEST(ElementwiseKernel, AbsNegSignOnSignedIntegers) {
  TestTensor a = I(kI8, {4}, {-128, -3, 0, 127});
  EXPECT_EQ(Exec(OpKind::kAbs, NoAttrs{}, {a}).ToInt64s(), (std::vector<int64_t>{-128, 3, 0, 127}));
  EXPECT_EQ(Exec(OpKind::kNeg, NoAttrs{}, {a}).ToInt64s(),
            (std::vector<int64_t>{-128, 3, 0, -127}));
  EXPECT_EQ(Exec(OpKind::kSign, NoAttrs{}, {a}).ToInt64s(), (std::vector<int64_t>{-1, -1, 0, 1}));
  TestTensor b = I(kI64, {3}, {kI64Min, kI64Max, -1});
  EXPECT_EQ(Exec(OpKind::kAbs, NoAttrs{}, {b}).ToInt64s(),
            (std::vector<int64_t>{kI64Min, kI64Max, 1}));
  EXPECT_EQ(Exec(OpKind::kNeg, NoAttrs{}, {b}).ToInt64s(),
            (std::vector<int64_t>{kI64Min, -kI64Max, 1}));
  EXPECT_EQ(Exec(OpKind::kSign, NoAttrs{}, {I(kI32, {3}, {-7, 0, 9})}).ToInt64s(),
            (std::vector<int64_t>{-1, 0, 1}));
}

TEST(ElementwiseKernel, AbsNegSignOnFloats) {
  TestTensor a = F(kF16, {5}, {-2.5, -0.0, 0.0, kInf, kNaN});
  ExpectSame(Exec(OpKind::kAbs, NoAttrs{}, {a}).ToDoubles(), {2.5, 0.0, 0.0, kInf, kNaN});
  ExpectSame(Exec(OpKind::kNeg, NoAttrs{}, {a}).ToDoubles(), {2.5, 0.0, -0.0, -kInf, kNaN});
  ExpectSame(Exec(OpKind::kSign, NoAttrs{}, {a}).ToDoubles(), {-1, -0.0, 0.0, 1, kNaN});
  // From sign.json "sign float32 1D tensor with -infinity and +infinity".
  ExpectSame(Exec(OpKind::kSign, NoAttrs{},
                  {F(kF32, {4}, {-0.946033775806427, 0.9996118545532227, -kInf, kInf})})
                 .ToDoubles(),
             {-1.0, 1.0, -1.0, 1.0});
}

TEST(ElementwiseKernel, RoundingFunctions) {
  // The spec's roundEven example.
  TestTensor a = F(kF32, {10}, {0.1, 0.9, 1.1, 1.9, -3.5, -2.5, -1.5, 1.5, 2.5, 3.5});
  ExpectSame(Exec(OpKind::kRoundEven, NoAttrs{}, {a}).ToDoubles(),
             {0.0, 1.0, 1.0, 2.0, -4.0, -2.0, -2.0, 2.0, 2.0, 4.0});
  ExpectSame(
      Exec(OpKind::kRoundEven, NoAttrs{}, {F(kF16, {4}, {-0.4, 0.5, -0.5, 1024.5})}).ToDoubles(),
      {-0.0, 0.0, -0.0, 1024});  // 1024.5 is not a half: it rounds to 1024 on input
  ExpectSame(Exec(OpKind::kCeil, NoAttrs{}, {F(kF32, {4}, {1.2, -1.2, -0.5, 3})}).ToDoubles(),
             {2, -1, -0.0, 3});
  ExpectSame(Exec(OpKind::kFloor, NoAttrs{}, {F(kF16, {4}, {1.2, -1.2, 0.5, -3})}).ToDoubles(),
             {1, -2, 0, -3});
}

TEST(ElementwiseKernel, TranscendentalFloat32) {
  TestTensor x = F(kF32, {4}, {0, 1, -2.5, 0.5});
  ExpectUlp(Exec(OpKind::kExp, NoAttrs{}, {x}), {1, std::exp(1.0), std::exp(-2.5), std::exp(0.5)},
            1);
  ExpectNear(Exec(OpKind::kCos, NoAttrs{}, {x}), {1, std::cos(1.0), std::cos(-2.5), std::cos(0.5)},
             1e-7);
  ExpectNear(Exec(OpKind::kSin, NoAttrs{}, {x}), {0, std::sin(1.0), std::sin(-2.5), std::sin(0.5)},
             1e-7);
  ExpectNear(Exec(OpKind::kTan, NoAttrs{}, {x}), {0, std::tan(1.0), std::tan(-2.5), std::tan(0.5)},
             1e-6);
  ExpectNear(Exec(OpKind::kErf, NoAttrs{}, {x}), {0, std::erf(1.0), std::erf(-2.5), std::erf(0.5)},
             1e-7);
  ExpectSame(Exec(OpKind::kLog, NoAttrs{}, {F(kF32, {4}, {1, 0, -1, kInf})}).ToDoubles(),
             {0, -kInf, kNaN, kInf});
  ExpectSame(Exec(OpKind::kSqrt, NoAttrs{}, {F(kF32, {4}, {4, 2.25, -1, -0.0})}).ToDoubles(),
             {2, 1.5, kNaN, -0.0});
  ExpectSame(Exec(OpKind::kReciprocal, NoAttrs{}, {F(kF32, {4}, {4, -0.5, 0, -0.0})}).ToDoubles(),
             {0.25, -2, kInf, -kInf});
}

TEST(ElementwiseKernel, UnaryConformanceFloat16) {
  // From exp.json "exp float16 1D tensor" (first 4 elements, 1 ULP).
  ExpectUlp(Exec(OpKind::kExp, NoAttrs{},
                 {F(kF16, {4}, {0.342041015625, -3.310546875, -3.697265625, -5.10546875})}),
            {1.408203125, 0.0364990234375, 0.0247955322265625, 0.00606536865234375}, 1);
  // From log.json "log float16 positive 1D tensor" (first 3 elements, atol 1/1024).
  ExpectNear(Exec(OpKind::kLog, NoAttrs{}, {F(kF16, {3}, {63.8125, 25.3125, 96.4375})}),
             {4.15625, 3.23046875, 4.5703125}, 1.0 / 1024);
}

// sqrt rounds once: for every positive finite float16 input, no neighbour of the result is
// closer to the exact square root.
TEST(ElementwiseKernel, SqrtFloat16IsCorrectlyRoundedForEveryInput) {
  std::vector<double> inputs;
  for (uint32_t bits = 1; bits < 0x7C00; ++bits) inputs.push_back(HalfToFloat(bits));
  TestTensor in = F(kF16, {static_cast<uint32_t>(inputs.size())}, inputs);
  TestTensor out = Exec(OpKind::kSqrt, NoAttrs{}, {in});
  int failures = 0;
  for (size_t i = 0; i < inputs.size() && failures < 5; ++i) {
    const uint16_t r = reference::LoadRaw<uint16_t>(out.bytes.data(), i);
    const double exact = std::sqrt(inputs[i]);
    const double err = std::fabs(HalfToFloat(r) - exact);
    if (std::fabs(HalfToFloat(r + 1) - exact) < err ||
        (r > 0 && std::fabs(HalfToFloat(r - 1) - exact) < err)) {
      ADD_FAILURE() << "sqrt(" << inputs[i] << ") = " << HalfToFloat(r);
      ++failures;
    }
  }
}

// exp(0.007297515869140625) = 1.00732420762..., just below the midpoint of the halves
// 1.0068359375 and 1.0078125; rounding through float first lands on the midpoint and then
// ties to the wrong neighbour. Same for log(0.005340576171875) = -5.2324217344...
TEST(ElementwiseKernel, Float16ResultsRoundOnce) {
  ExpectSame(
      Exec(OpKind::kExp, NoAttrs{}, {F(kF16, {2}, {0.007297515869140625, 0.0226898193359375})})
          .ToDoubles(),
      {1.0068359375, 1.0224609375});
  ExpectSame(Exec(OpKind::kLog, NoAttrs{}, {F(kF16, {1}, {0.005340576171875})}).ToDoubles(),
             {-5.23046875});
}

TEST(ElementwiseKernel, IdentityCopiesEveryType) {
  EXPECT_EQ(Exec(OpKind::kIdentity, NoAttrs{}, {I(kI8, {3}, {-128, 7, -1})}).ToInt64s(),
            (std::vector<int64_t>{-128, 7, -1}));
  EXPECT_EQ(Exec(OpKind::kIdentity, NoAttrs{}, {I(kU64, {2}, {-1, 3})}).bytes,
            I(kU64, {2}, {-1, 3}).bytes);
  ExpectSame(Exec(OpKind::kIdentity, NoAttrs{}, {F(kF16, {3}, {-0.0, kNaN, 1.5})}).ToDoubles(),
             {-0.0, kNaN, 1.5});
}

// ---- Activations --------------------------------------------------------------------------------

TEST(ElementwiseKernel, Activations) {
  TestTensor x = F(kF32, {5}, {-2, -0.5, 0, 0.5, 3});
  ExpectUlp(Exec(OpKind::kElu, EluAttrs{.alpha = 2}, {x}),
            {2 * std::expm1(-2.0), 2 * std::expm1(-0.5), 0, 0.5, 3}, 1);
  ExpectUlp(
      Exec(OpKind::kGelu, NoAttrs{}, {x}),
      {-0.04550026389635842, -0.15426876936299344, 0, 0.34573123063700656, 2.9959502751994265}, 1);
  // alpha 0.2 is cast to float32 first, so -2 * alpha + 0.5 is 1 ULP below 0.1f.
  ExpectSame(Exec(OpKind::kHardSigmoid, HardSigmoidAttrs{}, {x}).ToDoubles(),
             {0.099999994039535522, 0.40000000596046448, 0.5, 0.60000002384185791, 1});
  ExpectSame(Exec(OpKind::kHardSigmoid, HardSigmoidAttrs{.alpha = 1, .beta = 0}, {x}).ToDoubles(),
             {0, 0, 0, 0.5, 1});
  ExpectSame(
      Exec(OpKind::kHardSwish, NoAttrs{}, {F(kF32, {5}, {-4, -3, -1.5, 1.5, 3})}).ToDoubles(),
      {-0.0, -0.0, -0.375, 1.125, 3});  // x * 0 keeps the sign of x
  ExpectSame(Exec(OpKind::kLeakyRelu, LeakyReluAttrs{}, {x}).ToDoubles(),
             {-0.02f, -0.005f, 0, 0.5, 3});
  ExpectSame(Exec(OpKind::kLinear, LinearAttrs{.alpha = 2, .beta = -1}, {x}).ToDoubles(),
             {-5, -2, -1, 0, 5});
  ExpectSame(Exec(OpKind::kRelu, NoAttrs{}, {F(kF32, {4}, {-1, -0.0, kNaN, 2})}).ToDoubles(),
             {0, 0.0, kNaN, 2});
  ExpectUlp(Exec(OpKind::kSigmoid, NoAttrs{}, {x}),
            {1 / (1 + std::exp(2.0)), 1 / (1 + std::exp(0.5)), 0.5, 1 / (1 + std::exp(-0.5)),
             1 / (1 + std::exp(-3.0))},
            1);
  ExpectUlp(Exec(OpKind::kSoftsign, NoAttrs{}, {x}), {-2.0 / 3, -1.0 / 3, 0, 1.0 / 3, 0.75}, 1);
  ExpectUlp(Exec(OpKind::kTanh, NoAttrs{}, {x}),
            {std::tanh(-2.0), std::tanh(-0.5), 0, std::tanh(0.5), std::tanh(3.0)}, 1);
}

TEST(ElementwiseKernel, SoftplusDoesNotOverflow) {
  ExpectUlp(Exec(OpKind::kSoftplus, NoAttrs{}, {F(kF32, {4}, {-100, 0, 1, 1000})}),
            {std::exp(-100.0), std::log(2.0), std::log1p(std::exp(1.0)), 1000}, 1);
}

TEST(ElementwiseKernel, ReluOnIntegers) {
  EXPECT_EQ(Exec(OpKind::kRelu, NoAttrs{}, {I(kI64, {3}, {kI64Min, 0, kI64Max})}).ToInt64s(),
            (std::vector<int64_t>{0, 0, kI64Max}));
  EXPECT_EQ(Exec(OpKind::kRelu, NoAttrs{}, {I(kI8, {2}, {-5, 5})}).ToInt64s(),
            (std::vector<int64_t>{0, 5}));
}

TEST(ElementwiseKernel, ActivationOptionsAreCastToFloat16) {
  // alpha 0.1 becomes the float16 0.0999755859375 before it multiplies.
  TestTensor out =
      Exec(OpKind::kLinear, LinearAttrs{.alpha = 0.1, .beta = 0}, {F(kF16, {1}, {1024})});
  ExpectSame(out.ToDoubles(), {1024 * 0.0999755859375});
}

TEST(ElementwiseKernel, ActivationConformanceFloat16) {
  // From elu.json "elu float16 4D tensor negative options.alpha" (first 4 elements, 18 ULP).
  ExpectUlp(Exec(OpKind::kElu, EluAttrs{.alpha = -3.468180406374035},
                 {F(kF16, {4}, {4.72265625, 0.376953125, 1.4189453125, -3.8671875})}),
            {4.72265625, 0.376953125, 1.4189453125, 3.396484375}, 18);
  // From leaky_relu.json "leakyRelu float16 1D tensor negative options.alpha" (first 4, 2 ULP).
  ExpectUlp(Exec(OpKind::kLeakyRelu, LeakyReluAttrs{.alpha = -97.70109193608776},
                 {F(kF16, {4}, {-19.046875, 50.78125, -69.5625, -80.5625})}),
            {1861.0, 50.78125, 6796.0, 7872.0}, 2);
  // From hard_swish.json "hardSwish float16 2D tensor" (first 4 elements, 4 ULP).
  ExpectUlp(Exec(OpKind::kHardSwish, NoAttrs{},
                 {F(kF16, {4}, {0.734375, 9.1171875, 3.544921875, 2.62109375})}),
            {0.45703125, 9.1171875, 3.544921875, 2.455078125}, 4);
  // From sigmoid.json "sigmoid float16 0D tensor" (10 ULP).
  ExpectUlp(Exec(OpKind::kSigmoid, NoAttrs{}, {F(kF16, {}, {-0.376953125})}), {0.406982421875}, 10);
}

TEST(ElementwiseKernel, PreluBroadcastsSlope) {
  // [2, 3] input, [3] slope.
  TestTensor out = Exec(OpKind::kPrelu, NoAttrs{},
                        {F(kF32, {2, 3}, {-1, 2, -3, 4, -5, -6}), F(kF32, {3}, {0.5, 10, -1})});
  ExpectSame(out.ToDoubles(), {-0.5, 2, 3, 4, -50, 6});
  EXPECT_EQ(
      Exec(OpKind::kPrelu, NoAttrs{}, {I(kI32, {3}, {-4, 5, -2}), I(kI32, {}, {3})}).ToInt64s(),
      (std::vector<int64_t>{-12, 5, -6}));
  // Slope larger than input: the output takes the broadcast shape [2, 2].
  TestTensor wide =
      Exec(OpKind::kPrelu, NoAttrs{}, {F(kF16, {2}, {-2, 2}), F(kF16, {2, 1}, {1, 3})});
  EXPECT_EQ(wide.desc, (OperandDescriptor{kF16, {2, 2}}));
  ExpectSame(wide.ToDoubles(), {-2, 2, -6, 2});
}

TEST(ElementwiseKernel, PreluConformance4DxSlope) {
  // From prelu.json "prelu float32 broadcast 4D x 1D slope" (first 6 elements, slope [3]).
  ExpectUlp(Exec(OpKind::kPrelu, NoAttrs{},
                 {F(kF32, {1, 1, 2, 3},
                    {-2.549168109893799, -4.794857501983643, 8.413617134094238, 6.108623504638672,
                     -8.492292404174805, 3.3143365383148193}),
                  F(kF32, {3}, {5.073923110961914, 0.480774462223053, -7.091750144958496})}),
            {-12.934283256530762, -2.3052449226379395, 8.413617134094238, 6.108623504638672,
             -4.082877159118652, 3.3143365383148193},
            1);
}

// ---- Clamp --------------------------------------------------------------------------------------

TEST(ElementwiseKernel, ClampFloat) {
  TestTensor x = F(kF32, {5}, {-3, -1, 0.5, 2, kNaN});
  ExpectSame(Exec(OpKind::kClamp, ClampAttrs{.minValue = -1.0, .maxValue = 1.0}, {x}).ToDoubles(),
             {-1, -1, 0.5, 1, kNaN});
  ExpectSame(
      Exec(OpKind::kClamp, ClampAttrs{.minValue = 0.0, .maxValue = std::nullopt}, {x}).ToDoubles(),
      {0, 0, 0.5, 2, kNaN});
  ExpectSame(
      Exec(OpKind::kClamp, ClampAttrs{.minValue = std::nullopt, .maxValue = 0.0}, {x}).ToDoubles(),
      {-3, -1, 0, 0, kNaN});
  ExpectSame(Exec(OpKind::kClamp, ClampAttrs{}, {x}).ToDoubles(), {-3, -1, 0.5, 2, kNaN});
  // From clamp.json "clamp float16 1D tensor" (minValue -2).
  ExpectSame(Exec(OpKind::kClamp, ClampAttrs{.minValue = -2.0, .maxValue = std::nullopt},
                  {F(kF16, {8}, {kNaN, -kInf, kInf, -64000, 64000, -2, 1, 0})})
                 .ToDoubles(),
             {kNaN, -2, kInf, -2, 64000, -2, 1, 0});
}

TEST(ElementwiseKernel, ClampIntegers) {
  // From clamp.json "clamp int8 1D tensor" and "clamp uint32 1D tensor".
  EXPECT_EQ(Exec(OpKind::kClamp, ClampAttrs{.minValue = -2.0, .maxValue = 125.0},
                 {I(kI8, {8}, {-128, 127, -4, -2, 1, 0, 2, 4})})
                .ToInt64s(),
            (std::vector<int64_t>{-2, 125, -2, -2, 1, 0, 2, 4}));
  EXPECT_EQ(Exec(OpKind::kClamp, ClampAttrs{.minValue = 5.0, .maxValue = 4294967290.0},
                 {I(kU32, {4}, {4294967295, 127, 5, 0})})
                .ToInt64s(),
            (std::vector<int64_t>{4294967290, 127, 5, 5}));
  // int64 bounds beyond 2^53 stay exact.
  EXPECT_EQ(Exec(OpKind::kClamp,
                 ClampAttrs{.minValue = MLNumber::Int(kI64Min + 1),
                            .maxValue = MLNumber::Int(kI64Max - 1)},
                 {I(kI64, {3}, {kI64Min, kI64Max, 0})})
                .ToInt64s(),
            (std::vector<int64_t>{kI64Min + 1, kI64Max - 1, 0}));
  TestTensor u =
      Exec(OpKind::kClamp,
           ClampAttrs{.minValue = MLNumber::Uint(uint64_t{1} << 63),
                      .maxValue = MLNumber::Uint(std::numeric_limits<uint64_t>::max() - 1)},
           {I(kU64, {2}, {5, -1})});
  EXPECT_EQ(reference::LoadRaw<uint64_t>(u.bytes.data(), 0), uint64_t{1} << 63);
  EXPECT_EQ(reference::LoadRaw<uint64_t>(u.bytes.data(), 1),
            std::numeric_limits<uint64_t>::max() - 1);
  // Bounds out of the type's range saturate: uint8 with [-10, 1000] leaves values unchanged.
  EXPECT_EQ(Exec(OpKind::kClamp, ClampAttrs{.minValue = -10.0, .maxValue = 1000.0},
                 {I(kU8, {3}, {0, 128, 255})})
                .ToInt64s(),
            (std::vector<int64_t>{0, 128, 255}));
}

// Float bounds beyond every integer range (+-1e30, +-Infinity) on every data type: float inputs
// are clamped to the bound as cast to the input type; integer bounds saturate to the type's range
// (a float bound is never converted out of range, which the float-cast-overflow sanitizer checks).
TEST(ElementwiseKernel, ClampBoundsBeyondInt64) {
  const float big = static_cast<float>(1e30);
  for (DataType t : {kF32, kF16}) {
    TestTensor x = F(t, {5}, {-kInf, -3, 0.5, kInf, kNaN});
    const double lo = t == kF32 ? -double{big} : -kInf;  // float16 has no 1e30: -Infinity
    const double hi = t == kF32 ? double{big} : kInf;
    ExpectSame(
        Exec(OpKind::kClamp, ClampAttrs{.minValue = -1e30, .maxValue = 1e30}, {x}).ToDoubles(),
        {lo, -3, 0.5, hi, kNaN});
    ExpectSame(
        Exec(OpKind::kClamp, ClampAttrs{.minValue = -kInf, .maxValue = kInf}, {x}).ToDoubles(),
        {-kInf, -3, 0.5, kInf, kNaN});
    ExpectSame(Exec(OpKind::kClamp, ClampAttrs{.minValue = 1e30, .maxValue = std::nullopt}, {x})
                   .ToDoubles(),
               {hi, hi, hi, kInf, kNaN});
  }
  struct Case {
    DataType t;
    int64_t lowest;
    int64_t highest;
  };
  for (const Case& c :
       {Case{kI8, -128, 127}, Case{kU8, 0, 255}, Case{kI32, INT32_MIN, INT32_MAX},
        Case{kU32, 0, UINT32_MAX}, Case{kI64, kI64Min, kI64Max}, Case{kU64, 0, -1}}) {
    SCOPED_TRACE(std::string(DataTypeName(c.t)));
    TestTensor x = I(c.t, {3}, {c.lowest, 0, c.highest});
    for (double bound : {1e30, kInf}) {
      EXPECT_EQ(
          Exec(OpKind::kClamp, ClampAttrs{.minValue = -bound, .maxValue = bound}, {x}).ToInt64s(),
          (std::vector<int64_t>{c.lowest, 0, c.highest}));
      // A lower bound above the range saturates to the type's maximum: every element becomes it.
      EXPECT_EQ(Exec(OpKind::kClamp, ClampAttrs{.minValue = bound, .maxValue = std::nullopt}, {x})
                    .ToInt64s(),
                (std::vector<int64_t>{c.highest, c.highest, c.highest}));
      EXPECT_EQ(Exec(OpKind::kClamp, ClampAttrs{.minValue = std::nullopt, .maxValue = -bound}, {x})
                    .ToInt64s(),
                (std::vector<int64_t>{c.lowest, c.lowest, c.lowest}));
    }
  }
}

// ---- Cast ---------------------------------------------------------------------------------------

TestTensor Cast(const TestTensor& in, DataType to) {
  return Exec(OpKind::kCast, CastAttrs{.dataType = to}, {in});
}

TEST(ElementwiseKernel, CastFloatToIntegerTruncates) {
  // From cast.json "cast float32 1D tensor to int32" (first 4 and the halves).
  EXPECT_EQ(Cast(F(kF32, {6},
                   {102.1578369140625, -43.5, 52.84621810913086, -99.9583511352539, -2.5, 83.5}),
                 kI32)
                .ToInt64s(),
            (std::vector<int64_t>{102, -43, 52, -99, -2, 83}));
  // From cast.json "cast float16 4D tensor to uint8" (first 4).
  EXPECT_EQ(Cast(F(kF16, {4}, {3.103515625, 32.40625, 62.15625, 51.75}), kU8).ToInt64s(),
            (std::vector<int64_t>{3, 32, 62, 51}));
}

TEST(ElementwiseKernel, CastFloatToIntegerOutOfRangeSaturatesAndNaNIsZero) {
  TestTensor in = F(kF32, {6}, {1e10, -1e10, kNaN, kInf, -kInf, -0.9});
  EXPECT_EQ(Cast(in, kI32).ToInt64s(),
            (std::vector<int64_t>{2147483647, -2147483648, 0, 2147483647, -2147483648, 0}));
  EXPECT_EQ(Cast(in, kU8).ToInt64s(), (std::vector<int64_t>{255, 0, 0, 255, 0, 0}));
  EXPECT_EQ(Cast(in, kI64).ToInt64s(),
            (std::vector<int64_t>{10000000000, -10000000000, 0, kI64Max, kI64Min, 0}));
  TestTensor u = Cast(F(kF32, {2}, {1e30, -5}), kU64);
  EXPECT_EQ(reference::LoadRaw<uint64_t>(u.bytes.data(), 0), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(reference::LoadRaw<uint64_t>(u.bytes.data(), 1), 0u);
}

TEST(ElementwiseKernel, CastBetweenFloats) {
  // From cast.json "cast float32 4D tensor to float16" (first 4, 1 ULP; these round exactly).
  ExpectSame(Cast(F(kF32, {4},
                    {102.1578369140625, 43.60371780395508, 52.84621810913086, 99.9583511352539}),
                  kF16)
                 .ToDoubles(),
             {102.1875, 43.59375, 52.84375, 99.9375});
  // Out of float16's range: infinity; NaN stays NaN; -0 stays -0.
  ExpectSame(Cast(F(kF32, {5}, {65504, 65520, -1e6, kNaN, -0.0}), kF16).ToDoubles(),
             {65504, kInf, -kInf, kNaN, -0.0});
  ExpectSame(Cast(F(kF16, {3}, {3.103515625, -65504, kInf}), kF32).ToDoubles(),
             {3.103515625, -65504, kInf});
}

TEST(ElementwiseKernel, CastBetweenIntegersKeepsTheLowBits) {
  // The spec's note: int8 -1 -> uint8 255.
  EXPECT_EQ(Cast(I(kI8, {3}, {-1, -128, 127}), kU8).ToInt64s(),
            (std::vector<int64_t>{255, 128, 127}));
  EXPECT_EQ(Cast(I(kI32, {3}, {300, -1, 65536 + 7}), kU8).ToInt64s(),
            (std::vector<int64_t>{44, 255, 7}));
  EXPECT_EQ(Cast(I(kU32, {2}, {4294967295, 2147483648}), kI32).ToInt64s(),
            (std::vector<int64_t>{-1, -2147483648}));
  EXPECT_EQ(Cast(I(kU32, {1}, {4294967295}), kI64).ToInt64s(), (std::vector<int64_t>{4294967295}));
  EXPECT_EQ(Cast(I(kI64, {2}, {kI64Max, (int64_t{1} << 40) + 3}), kI32).ToInt64s(),
            (std::vector<int64_t>{-1, 3}));
  TestTensor u = Cast(I(kI8, {1}, {-2}), kU64);
  EXPECT_EQ(reference::LoadRaw<uint64_t>(u.bytes.data(), 0),
            std::numeric_limits<uint64_t>::max() - 1);
  // From cast.json "cast int64 4D tensor to uint32" and "cast uint8 4D tensor to int8".
  EXPECT_EQ(Cast(I(kI64, {3}, {50, 1, 28}), kU32).ToInt64s(), (std::vector<int64_t>{50, 1, 28}));
  EXPECT_EQ(Cast(I(kU8, {3}, {10, 112, 121}), kI8).ToInt64s(),
            (std::vector<int64_t>{10, 112, 121}));
}

TEST(ElementwiseKernel, CastIntegerToFloatRoundsToNearest) {
  // 2^24 + 1 is not a float32: ties to even gives 2^24. 2^53 + 2^29 + 1 is just above the
  // midpoint of two floats: it rounds up to 2^53 + 2^30 (through double it would round to the
  // midpoint first, then down to 2^53).
  ExpectSame(Cast(I(kI32, {2}, {16777217, -16777219}), kF32).ToDoubles(), {16777216, -16777220});
  ExpectSame(Cast(I(kI64, {1}, {(int64_t{1} << 53) + (int64_t{1} << 29) + 1}), kF32).ToDoubles(),
             {9007200328482816.0});
  ExpectSame(Cast(I(kU64, {1}, {-1}), kF32).ToDoubles(), {18446744073709551616.0});
  ExpectSame(Cast(I(kI32, {3}, {2049, 65519, 65520}), kF16).ToDoubles(), {2048, 65504, kInf});
  ExpectSame(Cast(I(kI64, {1}, {kI64Min}), kF16).ToDoubles(), {-kInf});
  // From cast.json "cast uint32 4D tensor to float16" (first 3).
  ExpectSame(Cast(I(kU32, {3}, {34, 83, 113}), kF16).ToDoubles(), {34, 83, 113});
}

// ---- Where --------------------------------------------------------------------------------------

TEST(ElementwiseKernel, WhereSelectsWithBroadcasting) {
  // condition [2, 1], trueValue [3], falseValue [] -> [2, 3].
  TestTensor out = Exec(OpKind::kWhere, NoAttrs{},
                        {I(kU8, {2, 1}, {0, 7}), F(kF32, {3}, {1, 2, 3}), F(kF32, {}, {-1})});
  EXPECT_EQ(out.desc, (OperandDescriptor{kF32, {2, 3}}));
  ExpectSame(out.ToDoubles(), {-1, -1, -1, 1, 2, 3});
  // int64 values are copied exactly; any non-zero condition is true.
  EXPECT_EQ(Exec(OpKind::kWhere, NoAttrs{},
                 {I(kU8, {2}, {1, 0}), I(kI64, {2}, {kI64Max, 1}), I(kI64, {2}, {0, kI64Min})})
                .ToInt64s(),
            (std::vector<int64_t>{kI64Max, kI64Min}));
  EXPECT_EQ(Exec(OpKind::kWhere, NoAttrs{},
                 {I(kU8, {3}, {1, 0, 255}), I(kI8, {3}, {-8, -7, 7}), I(kI8, {1}, {3})})
                .ToInt64s(),
            (std::vector<int64_t>{-8, 3, 7}));
}

TEST(ElementwiseKernel, WhereConformanceBroadcastCondition) {
  // From where.json "where float32 4D tensors only broadcast condition 0D to 4D" (first 4;
  // the condition is 247, non-zero).
  TestTensor out =
      Exec(OpKind::kWhere, NoAttrs{},
           {I(kU8, {}, {247}),
            F(kF32, {1, 1, 2, 2},
              {70.27151489257812, 89.99047088623047, -1.5351932048797607, -83.77035522460938}),
            F(kF32, {1, 1, 2, 2},
              {90.44255065917969, 66.7642593383789, -39.82423782348633, -21.683168411254883})});
  ExpectSame(out.ToDoubles(),
             {70.27151489257812, 89.99047088623047, -1.5351932048797607, -83.77035522460938});
}

}  // namespace
}  // namespace webnn
