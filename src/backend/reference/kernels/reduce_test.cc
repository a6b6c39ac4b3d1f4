// Kernel tests of the reductions (reduceL1 ... reduceSumSquare), argMin/argMax, softmax and
// cumulativeSum: small hand-checked inputs for every data type family, and cases copied from the
// W3C conformance vectors (/work/shared/conformance/*.json, wpt 0556bbc4, BSD-3-Clause).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "testing/op_runner.h"
#include "testing/ulp.h"

namespace webnn {
namespace {

using testing::RunOp;
using testing::TestTensor;
using testing::UlpDistance;

void ExpectUlp(const TestTensor& actual, const std::vector<uint32_t>& shape,
               const std::vector<double>& expected, int64_t ulp) {
  ASSERT_EQ(actual.desc.shape, shape);
  ASSERT_EQ(actual.desc.ElementCount(), expected.size());
  const std::vector<double> got = actual.ToDoubles();
  for (size_t i = 0; i < expected.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "element " << i;
      continue;
    }
    if (got[i] == expected[i]) continue;
    EXPECT_LE(UlpDistance(actual.desc.dataType, got[i], expected[i]), ulp)
        << "element " << i << ": got " << got[i] << ", expected " << expected[i];
  }
}

TestTensor Run1(OpKind kind, const Attrs& attrs, const TestTensor& input) {
  auto r = RunOp(kind, attrs, {input});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
  if (!r.ok()) return {};
  EXPECT_EQ(r->size(), 1u);
  return (*r)[0];
}

ReduceAttrs Axes(std::vector<uint32_t> axes, bool keep = false) {
  ReduceAttrs a;
  a.axes = std::move(axes);
  a.keepDimensions = keep;
  return a;
}

// ---- reduce*: floats ----------------------------------------------------------------------

// x = [[1, -2, 3], [-4, 5, -6]]
const std::vector<double> kX23 = {1, -2, 3, -4, 5, -6};

TEST(ReduceKernel, EachReductionAlongAxis1Float32) {
  const TestTensor x = TestTensor::Make(DataType::kFloat32, {2, 3}, kX23);
  const ReduceAttrs a = Axes({1});
  struct Case {
    OpKind kind;
    std::vector<double> expected;
  };
  const Case cases[] = {
      {OpKind::kReduceL1, {6, 15}},
      {OpKind::kReduceL2, {std::sqrt(14.0), std::sqrt(77.0)}},
      {OpKind::kReduceMax, {3, 5}},
      {OpKind::kReduceMin, {-2, -6}},
      {OpKind::kReduceMean, {2.0 / 3, -5.0 / 3}},
      {OpKind::kReduceProduct, {-6, 120}},
      {OpKind::kReduceSum, {2, -5}},
      {OpKind::kReduceSumSquare, {14, 77}},
      {OpKind::kReduceLogSumExp,
       {std::log(std::exp(1.0) + std::exp(-2.0) + std::exp(3.0)),
        std::log(std::exp(-4.0) + std::exp(5.0) + std::exp(-6.0))}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(OpName(c.kind));
    ExpectUlp(Run1(c.kind, a, x), {2}, c.expected, 1);
  }
  // log of a negative sum is NaN.
  ExpectUlp(Run1(OpKind::kReduceLogSum, a, x), {2}, {std::log(2.0), NAN}, 1);
}

TEST(ReduceKernel, AxesAndKeepDimensions) {
  // x[i][j][k] = 100i + 10j + k, shape [2, 3, 2]
  std::vector<double> v;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 2; ++k) v.push_back(100 * i + 10 * j + k);
  const TestTensor x = TestTensor::Make(DataType::kFloat32, {2, 3, 2}, v);
  // Over axes 0 and 2: sum over i, k of 100i + 10j + k = 200 + 40j + 2.
  ExpectUlp(Run1(OpKind::kReduceSum, Axes({0, 2}), x), {3}, {202, 242, 282}, 0);
  ExpectUlp(Run1(OpKind::kReduceSum, Axes({2, 0}, /*keep=*/true), x), {1, 3, 1}, {202, 242, 282},
            0);
  // Over axis 1 only: 3 * (100i + k) + 30.
  ExpectUlp(Run1(OpKind::kReduceSum, Axes({1}, true), x), {2, 1, 2}, {30, 33, 330, 333}, 0);
  // Default axes: everything, to a scalar (or [1, 1, 1] with keepDimensions).
  ExpectUlp(Run1(OpKind::kReduceMax, ReduceAttrs{}, x), {}, {121}, 0);
  ReduceAttrs keep;
  keep.keepDimensions = true;
  ExpectUlp(Run1(OpKind::kReduceMin, keep, x), {1, 1, 1}, {0}, 0);
}

TEST(ReduceKernel, EmptyAxesAppliesTheFunctionToEachElement) {
  const TestTensor x = TestTensor::Make(DataType::kFloat32, {3}, {-2, 0.5, 4});
  ExpectUlp(Run1(OpKind::kReduceL1, Axes({}), x), {3}, {2, 0.5, 4}, 0);
  ExpectUlp(Run1(OpKind::kReduceSumSquare, Axes({}), x), {3}, {4, 0.25, 16}, 0);
  ExpectUlp(Run1(OpKind::kReduceLogSumExp, Axes({}), x), {3}, {-2, 0.5, 4}, 1);
  ExpectUlp(Run1(OpKind::kReduceLogSum, Axes({}), x), {3}, {NAN, std::log(0.5), std::log(4.0)}, 1);
}

TEST(ReduceKernel, ScalarInput) {
  const TestTensor x = TestTensor::Make(DataType::kFloat32, {}, {-3});
  ExpectUlp(Run1(OpKind::kReduceL2, ReduceAttrs{}, x), {}, {3}, 0);
  ExpectUlp(Run1(OpKind::kReduceMean, Axes({}), x), {}, {-3}, 0);
}

TEST(ReduceKernel, LogSumExpDoesNotOverflow) {
  const TestTensor x = TestTensor::Make(DataType::kFloat32, {2}, {1000, 1000});
  ExpectUlp(Run1(OpKind::kReduceLogSumExp, ReduceAttrs{}, x), {}, {1000 + std::log(2.0)}, 1);
  const double inf = std::numeric_limits<double>::infinity();
  const TestTensor y = TestTensor::Make(DataType::kFloat32, {2}, {-inf, -inf});
  ExpectUlp(Run1(OpKind::kReduceLogSumExp, ReduceAttrs{}, y), {}, {-inf}, 0);
}

TEST(ReduceKernel, MaxMinPropagateNaN) {
  const TestTensor x = TestTensor::Make(DataType::kFloat32, {3}, {1, NAN, 3});
  ExpectUlp(Run1(OpKind::kReduceMax, ReduceAttrs{}, x), {}, {NAN}, 0);
  ExpectUlp(Run1(OpKind::kReduceMin, ReduceAttrs{}, x), {}, {NAN}, 0);
}

TEST(ReduceKernel, Float16RoundsOnceOnStore) {
  // 2048 + 1 + 1 is exact in float but 2049 is not representable in float16 (spacing 2 above
  // 2048): summing in float16 step by step would give 2048; computing in double gives 2050.
  const TestTensor x = TestTensor::Make(DataType::kFloat16, {3}, {2048, 1, 1});
  const TestTensor out = Run1(OpKind::kReduceSum, ReduceAttrs{}, x);
  EXPECT_EQ(out.desc.dataType, DataType::kFloat16);
  EXPECT_EQ(out.ToDoubles(), std::vector<double>{2050});
}

// ---- reduce*: integers are exact -----------------------------------------------------------

TEST(ReduceKernel, Int32) {
  const TestTensor x = TestTensor::MakeInt(DataType::kInt32, {2, 3}, {1, -2, 3, -4, 5, -6});
  EXPECT_EQ(Run1(OpKind::kReduceSum, Axes({1}), x).ToInt64s(), (std::vector<int64_t>{2, -5}));
  EXPECT_EQ(Run1(OpKind::kReduceL1, Axes({1}), x).ToInt64s(), (std::vector<int64_t>{6, 15}));
  EXPECT_EQ(Run1(OpKind::kReduceProduct, Axes({0}), x).ToInt64s(),
            (std::vector<int64_t>{-4, -10, -18}));
  EXPECT_EQ(Run1(OpKind::kReduceSumSquare, Axes({1}), x).ToInt64s(),
            (std::vector<int64_t>{14, 77}));
  EXPECT_EQ(Run1(OpKind::kReduceMax, Axes({1}), x).ToInt64s(), (std::vector<int64_t>{3, 5}));
  EXPECT_EQ(Run1(OpKind::kReduceMin, Axes({1}), x).ToInt64s(), (std::vector<int64_t>{-2, -6}));
  // Overflow wraps as int32 arithmetic would.
  const TestTensor big = TestTensor::MakeInt(DataType::kInt32, {2}, {2147483647, 1});
  EXPECT_EQ(Run1(OpKind::kReduceSum, ReduceAttrs{}, big).ToInt64s(),
            (std::vector<int64_t>{-2147483648LL}));
}

TEST(ReduceKernel, Int64BeyondDoublePrecision) {
  // 2^53 + 1 is not a double: a double accumulator would lose the 1.
  const int64_t two53 = int64_t{1} << 53;
  const TestTensor x = TestTensor::MakeInt(DataType::kInt64, {3}, {two53, 1, 0});
  EXPECT_EQ(Run1(OpKind::kReduceSum, ReduceAttrs{}, x).ToInt64s(),
            (std::vector<int64_t>{two53 + 1}));
  const TestTensor y = TestTensor::MakeInt(DataType::kInt64, {2}, {two53 + 1, two53});
  EXPECT_EQ(Run1(OpKind::kReduceMax, ReduceAttrs{}, y).ToInt64s(),
            (std::vector<int64_t>{two53 + 1}));
  EXPECT_EQ(Run1(OpKind::kReduceMin, ReduceAttrs{}, y).ToInt64s(), (std::vector<int64_t>{two53}));
  EXPECT_EQ(Run1(OpKind::kReduceL1, ReduceAttrs{},
                 TestTensor::MakeInt(DataType::kInt64, {2}, {-two53 - 1, 0}))
                .ToInt64s(),
            (std::vector<int64_t>{two53 + 1}));
}

TEST(ReduceKernel, Uint64AndUint32CompareUnsigned) {
  // 2^63 + 1 reads as negative in int64; max/min must use the unsigned order.
  const uint64_t big = (uint64_t{1} << 63) + 1;
  const TestTensor x =
      TestTensor::MakeInt(DataType::kUint64, {3}, {static_cast<int64_t>(big), 7, 2});
  const TestTensor max = Run1(OpKind::kReduceMax, ReduceAttrs{}, x);
  uint64_t got;
  std::memcpy(&got, max.bytes.data(), 8);
  EXPECT_EQ(got, big);
  const TestTensor min = Run1(OpKind::kReduceMin, ReduceAttrs{}, x);
  std::memcpy(&got, min.bytes.data(), 8);
  EXPECT_EQ(got, 2u);
  const TestTensor u32 = TestTensor::MakeInt(DataType::kUint32, {2}, {4000000000LL, 5});
  EXPECT_EQ(Run1(OpKind::kReduceMax, ReduceAttrs{}, u32).ToInt64s(),
            (std::vector<int64_t>{4000000000LL}));
  EXPECT_EQ(Run1(OpKind::kReduceL1, ReduceAttrs{}, u32).ToInt64s(),
            (std::vector<int64_t>{4000000005LL}));
}

TEST(ReduceKernel, MaxMinSmallIntegerTypes) {
  const TestTensor i8 = TestTensor::MakeInt(DataType::kInt8, {4}, {-128, 127, 0, -1});
  EXPECT_EQ(Run1(OpKind::kReduceMax, ReduceAttrs{}, i8).ToInt64s(), (std::vector<int64_t>{127}));
  EXPECT_EQ(Run1(OpKind::kReduceMin, ReduceAttrs{}, i8).ToInt64s(), (std::vector<int64_t>{-128}));
  const TestTensor u8 = TestTensor::MakeInt(DataType::kUint8, {3}, {200, 3, 255});
  EXPECT_EQ(Run1(OpKind::kReduceMin, ReduceAttrs{}, u8).ToInt64s(), (std::vector<int64_t>{3}));
  EXPECT_EQ(Run1(OpKind::kReduceMax, Axes({}), u8).ToInt64s(), (std::vector<int64_t>{200, 3, 255}));
}

// ---- reduce*: conformance cases -------------------------------------------------------------

TEST(ReduceKernel, ConformanceReduceSumFloat32AxesNoKeep) {
  // "reduceSum float32 4D tensor options.axes with options.keepDimensions=false", ULP 6
  const TestTensor x = TestTensor::Make(
      DataType::kFloat32, {2, 2, 2, 3},
      {69.6038589477539,   99.17485809326172, 32.78234100341797,  8.881362915039062,
       16.094295501708984, 11.80689525604248, 32.64223861694336,  43.99836349487305,
       77.01776885986328,  79.79425811767578, 45.00794982910156,  24.397796630859375,
       57.502685546875,    57.60173034667969, 80.26985931396484,  43.65110778808594,
       87.5036849975586,   94.50203704833984, 35.54289627075195,  42.856414794921875,
       88.58631896972656,  98.85772705078125, 25.626853942871094, 60.1761360168457});
  ExpectUlp(Run1(OpKind::kReduceSum, Axes({1, 3}), x), {2, 2},
            {355.21942138671875, 185.98255920410156, 362.3598937988281, 410.3175354003906}, 6);
}

TEST(ReduceKernel, ConformanceReduceSumFloat16Axes) {
  // "reduceSum float16 4D tensor options.axes", ULP 4
  const TestTensor x = TestTensor::Make(
      DataType::kFloat16, {2, 2, 2, 3},
      {69.625, 99.1875, 32.78125, 8.8828125, 16.09375, 11.8046875, 32.65625, 44,
       77,     79.8125, 45,       24.390625, 57.5,     57.59375,   80.25,    43.65625,
       87.5,   94.5,    35.53125, 42.84375,  88.5625,  98.875,     25.625,   60.1875});
  ExpectUlp(Run1(OpKind::kReduceSum, Axes({0, 2}), x), {2, 3},
            {179.625, 260.5, 219.375, 246.875, 157.5, 250.125}, 4);
}

TEST(ReduceKernel, ConformanceReduceL2Float32KeepDims) {
  // "reduceL2 float32 4D tensor options.axes with options.keepDimensions=true", ULP 13
  const TestTensor x = TestTensor::Make(
      DataType::kFloat32, {2, 2, 2, 3},
      {4.860228061676025,  88.23184204101562,  54.489688873291016, 64.75027465820312,
       6.855991363525391,  91.39871215820312,  41.88857650756836,  73.65444946289062,
       35.31573486328125,  48.345428466796875, 82.39190673828125,  77.86200714111328,
       93.31141662597656,  62.48688507080078,  60.29290008544922,  13.230599403381348,
       20.535987854003906, 53.45161819458008,  11.320085525512695, 64.75763702392578,
       43.6589469909668,   0.8374307155609131, 0.6848266124725342, 33.504703521728516});
  ExpectUlp(Run1(OpKind::kReduceL2, Axes({1, 3}, true), x), {2, 1, 2, 1},
            {138.580078125, 166.67791748046875, 149.91552734375, 67.6578598022461}, 13);
}

TEST(ReduceKernel, ConformanceReduceLogSumExpFloat32) {
  // "reduceLogSumExp float32 3D tensor options.axes", ULP 26
  const TestTensor x = TestTensor::Make(
      DataType::kFloat32, {2, 3, 4},
      {0.7974132895469666,  5.046889781951904,  8.520371437072754,  1.4063042402267456,
       0.11882661283016205, 0.2858544886112213, 1.9325640201568604, 3.7939958572387695,
       2.6040232181549072,  4.937509536743164,  4.571482181549072,  0.786512017250061,
       0.21018670499324799, 9.063042640686035,  4.099809646606445,  4.596248626708984,
       0.2549232244491577,  1.159480094909668,  6.802876949310303,  5.234325408935547,
       8.914905548095703,   9.166799545288086,  5.717507362365723,  0.3255050778388977});
  ExpectUlp(Run1(OpKind::kReduceLogSumExp, Axes({2}), x), {2, 3},
            {8.55212688446045, 3.985233783721924, 5.52872896194458, 9.081488609313965,
             6.996237754821777, 9.759706497192383},
            26);
}

TEST(ReduceKernel, ConformanceReduceMeanFloat16KeepDims) {
  // "reduceMean float16 4D tensor options.axes with options.keepDimensions=true", ULP 8
  const TestTensor x = TestTensor::Make(
      DataType::kFloat16, {2, 2, 2, 3},
      {95.875,      75.6875,   1.5419921875, 8.7890625, 70.0625, 13.78125,   20,         94.8125,
       25.828125,   94.125,    67.75,        16.09375,  92.1875, 11.5703125, 52.71875,   22.46875,
       3.662109375, 20.203125, 58.5625,      28.671875, 42.125,  21.640625,  14.1640625, 15.125});
  ExpectUlp(Run1(OpKind::kReduceMean, Axes({1, 3}, true), x), {2, 1, 2, 1},
            {52.28125, 45.09375, 47.625, 16.203125}, 8);
}

TEST(ReduceKernel, ConformanceReduceMaxAndProductFloat32) {
  // "reduceMax float32 4D tensor options.axes with options.keepDimensions=false", ULP 0
  const TestTensor x = TestTensor::Make(
      DataType::kFloat32, {2, 2, 2, 3},
      {32.16658401489258,   90.42288208007812,   -26.341794967651367, -7.147959232330322,
       75.90379333496094,   -48.2042121887207,   -53.09425354003906,  66.66099548339844,
       -96.16854095458984,  -88.30545043945312,  94.99645233154297,   37.28493118286133,
       -42.209861755371094, 96.55397033691406,   0.8807229995727539,  62.504642486572266,
       36.650634765625,     99.77313232421875,   -72.86485290527344,  -46.03200912475586,
       20.253753662109375,  -21.557384490966797, -51.28727340698242,  -42.58832931518555});
  ExpectUlp(Run1(OpKind::kReduceMax, Axes({1, 3}), x), {2, 2},
            {90.42288208007812, 94.99645233154297, 96.55397033691406, 99.77313232421875}, 0);
  // "reduceProduct float32 4D tensor options.axes with options.keepDimensions=true", ULP 6
  const TestTensor y = TestTensor::Make(
      DataType::kFloat32, {2, 2, 2, 3},
      {-68.75911712646484,  99.44961547851562,  24.86055564880371,  -44.23515319824219,
       -22.699743270874023, 79.97555541992188,  14.4650239944458,   49.23109436035156,
       30.058706283569336,  69.45106506347656,  -20.15709686279297, -58.0255126953125,
       51.896610260009766,  -2.020799160003662, 39.392974853515625, 26.78073501586914,
       -97.97651672363281,  48.66154479980469,  -85.19523620605469, -18.16986083984375,
       64.83759307861328,   -14.95883846282959, -74.50932312011719, -11.319679260253906});
  ExpectUlp(Run1(OpKind::kReduceProduct, Axes({1, 3}, true), y), {2, 1, 2, 1},
            {-3638925568, 6523364352, -414643360, 1610916352}, 6);
}

// ---- argMin / argMax ------------------------------------------------------------------------

ArgMinMaxAttrs ArgAttrs(uint32_t axis, bool keep = false, DataType type = DataType::kInt32) {
  ArgMinMaxAttrs a;
  a.axis = axis;
  a.keepDimensions = keep;
  a.outputDataType = type;
  return a;
}

TEST(ReduceKernel, ArgMinMaxTiesPickTheFirstIndex) {
  // [[3, 1, 1], [5, 5, 2]]
  const TestTensor x = TestTensor::Make(DataType::kFloat32, {2, 3}, {3, 1, 1, 5, 5, 2});
  EXPECT_EQ(Run1(OpKind::kArgMin, ArgAttrs(1), x).ToInt64s(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(Run1(OpKind::kArgMax, ArgAttrs(1), x).ToInt64s(), (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(Run1(OpKind::kArgMax, ArgAttrs(0), x).ToInt64s(), (std::vector<int64_t>{1, 1, 1}));
  const TestTensor keep = Run1(OpKind::kArgMin, ArgAttrs(0, true, DataType::kInt64), x);
  EXPECT_EQ(keep.desc, (OperandDescriptor{DataType::kInt64, {1, 3}}));
  EXPECT_EQ(keep.ToInt64s(), (std::vector<int64_t>{0, 0, 0}));
}

TEST(ReduceKernel, ArgMinMaxIntegerTypesAreExact) {
  const int64_t two53 = int64_t{1} << 53;
  const TestTensor x = TestTensor::MakeInt(DataType::kInt64, {3}, {two53, two53 + 1, two53});
  EXPECT_EQ(Run1(OpKind::kArgMax, ArgAttrs(0), x).ToInt64s(), (std::vector<int64_t>{1}));
  const TestTensor u = TestTensor::MakeInt(
      DataType::kUint64, {2}, {static_cast<int64_t>(uint64_t{1} << 63), 1});  // 2^63 > 1
  EXPECT_EQ(Run1(OpKind::kArgMax, ArgAttrs(0), u).ToInt64s(), (std::vector<int64_t>{0}));
  EXPECT_EQ(Run1(OpKind::kArgMin, ArgAttrs(0), u).ToInt64s(), (std::vector<int64_t>{1}));
  const TestTensor i8 = TestTensor::MakeInt(DataType::kInt8, {2, 2}, {-5, 4, 3, -7});
  EXPECT_EQ(Run1(OpKind::kArgMin, ArgAttrs(1), i8).ToInt64s(), (std::vector<int64_t>{0, 1}));
  // Ties pick the first index for integer types too.
  const TestTensor ties = TestTensor::MakeInt(DataType::kInt32, {4}, {2, 2, 1, 1});
  EXPECT_EQ(Run1(OpKind::kArgMax, ArgAttrs(0), ties).ToInt64s(), (std::vector<int64_t>{0}));
  EXPECT_EQ(Run1(OpKind::kArgMin, ArgAttrs(0), ties).ToInt64s(), (std::vector<int64_t>{2}));
  const TestTensor uties = TestTensor::MakeInt(DataType::kUint32, {3}, {7, 9, 9});
  EXPECT_EQ(Run1(OpKind::kArgMax, ArgAttrs(0), uties).ToInt64s(), (std::vector<int64_t>{1}));
}

TEST(ReduceKernel, ArgMinMaxNaNWins) {
  const TestTensor x = TestTensor::Make(DataType::kFloat32, {4}, {1, NAN, 5, NAN});
  EXPECT_EQ(Run1(OpKind::kArgMax, ArgAttrs(0), x).ToInt64s(), (std::vector<int64_t>{1}));
  EXPECT_EQ(Run1(OpKind::kArgMin, ArgAttrs(0), x).ToInt64s(), (std::vector<int64_t>{1}));
}

TEST(ReduceKernel, ConformanceArgMinFloat32Axis2) {
  // "argMin float32 4D tensor, axis=2"
  const TestTensor x = TestTensor::Make(
      DataType::kFloat32, {2, 1, 4, 3},
      {3.8301241397857666, -24.986488342285156, 5.29998254776001,    -48.54866027832031,
       40.308868408203125, 60.184295654296875,  -82.78385925292969,  -96.50904083251953,
       71.87028503417969,  38.86639404296875,   -39.14372634887695,  31.444366455078125,
       -82.78385925292969, -96.50904083251953,  -25.533889770507812, -16.14226531982422,
       66.63677215576172,  82.51197814941406,   -82.78385925292969,  -96.50904083251953,
       39.76872634887695,  42.1504020690918,    82.66864013671875,   85.45269012451172});
  const TestTensor out = Run1(OpKind::kArgMin, ArgAttrs(2), x);
  EXPECT_EQ(out.desc, (OperandDescriptor{DataType::kInt32, {2, 1, 3}}));
  EXPECT_EQ(out.ToInt64s(), (std::vector<int64_t>{2, 2, 0, 0, 0, 0}));
}

TEST(ReduceKernel, ConformanceArgMaxFloat16AllOptions) {
  // "argMax float16 4D tensor, axis=3, all options"
  const TestTensor x = TestTensor::Make(
      DataType::kFloat16, {2, 1, 4, 3},
      {-51.09375,   -6.5390625, 73.8125,  88.4375,  -5.29296875, -79.1875,   -41.6875, 73.8125,
       88.4375,     -84.9375,   -61.5,    -98.3125, -51.09375,   -6.5390625, 73.8125,  88.4375,
       -5.29296875, -79.1875,   -41.6875, 73.8125,  88.4375,     -84.9375,   -61.5,    -98.3125});
  const TestTensor out = Run1(OpKind::kArgMax, ArgAttrs(3, true, DataType::kInt64), x);
  EXPECT_EQ(out.desc, (OperandDescriptor{DataType::kInt64, {2, 1, 4, 1}}));
  EXPECT_EQ(out.ToInt64s(), (std::vector<int64_t>{2, 0, 2, 1, 2, 0, 2, 1}));
}

// ---- softmax ----------------------------------------------------------------------------------

TEST(ReduceKernel, SoftmaxAlongEachAxis) {
  // [[0, ln 3], [ln 3, ln 3]]: rows give [1/4, 3/4] and [1/2, 1/2]; columns [1/4, 3/4] and
  // [1/2, 1/2].
  const double ln3 = std::log(3.0);
  const TestTensor x = TestTensor::Make(DataType::kFloat32, {2, 2}, {0, ln3, ln3, ln3});
  ExpectUlp(Run1(OpKind::kSoftmax, AxisAttrs{1}, x), {2, 2}, {0.25, 0.75, 0.5, 0.5}, 1);
  ExpectUlp(Run1(OpKind::kSoftmax, AxisAttrs{0}, x), {2, 2}, {0.25, 0.5, 0.75, 0.5}, 1);
  // exp(1000) overflows: the max is subtracted first.
  const TestTensor big = TestTensor::Make(DataType::kFloat32, {3}, {1000, 1000, -1000});
  ExpectUlp(Run1(OpKind::kSoftmax, AxisAttrs{0}, big), {3}, {0.5, 0.5, 0}, 0);
}

TEST(ReduceKernel, ConformanceSoftmaxFloat32Axis1) {
  // "softmax float32 4D tensor", ULP 15
  const TestTensor x = TestTensor::Make(
      DataType::kFloat32, {3, 4, 1, 1},
      {0.4301910996437073, 0.5471914410591125, -1.1637765169143677, 0.18390046060085297,
       0.583903968334198, 0.17356790602207184, 0.5397239923477173, -0.9535139799118042,
       -0.5920282602310181, -0.17344485223293304, 0.14395014941692352, -0.37920907139778137});
  ExpectUlp(Run1(OpKind::kSoftmax, AxisAttrs{1}, x), {3, 4, 1, 1},
            {0.3216537833213806, 0.3615773916244507, 0.06533370912075043, 0.25143513083457947,
             0.35271573066711426, 0.23400123417377472, 0.33747196197509766, 0.07581108063459396,
             0.17110128700733185, 0.26004093885421753, 0.3571779429912567, 0.2116798311471939},
            15);
}

TEST(ReduceKernel, ConformanceSoftmaxFloat16) {
  // "softmax float16 2D tensor all negative" (wpt's softmax(input) without axis: axis 1), ULP 21
  const TestTensor x = TestTensor::Make(
      DataType::kFloat16, {4, 6},
      {-3.3125,      -3.33984375, -3.41015625, -6.6953125,   -7.89453125, -3.30859375,
       -3.23046875,  -4.31640625, -9.3125,     -3.923828125, -3.78125,    -6.03515625,
       -3.919921875, -2.22265625, -9.328125,   -1.48828125,  -6.3046875,  -5.53125,
       -1.841796875, -4.99609375, -9.5234375,  -4.984375,    -8.421875,   -6.234375});
  ExpectUlp(
      Run1(OpKind::kSoftmax, AxisAttrs{1}, x), {4, 6},
      {0.254638671875,         0.2476806640625,     0.2308349609375,        0.00864410400390625,
       0.002605438232421875,   0.255615234375,      0.40380859375,          0.1363525390625,
       0.0009222030639648438,  0.2017822265625,     0.2327880859375,        0.024444580078125,
       0.055145263671875,      0.301025390625,      0.00024700164794921875, 0.62744140625,
       0.0050811767578125,     0.01100921630859375, 0.9091796875,           0.038787841796875,
       0.00041937828063964844, 0.03924560546875,    0.0012617111206054688,  0.0112457275390625},
      21);
}

// ---- cumulativeSum --------------------------------------------------------------------------

CumulativeSumAttrs CumAttrs(uint32_t axis, bool exclusive, bool reversed) {
  CumulativeSumAttrs a;
  a.axis = axis;
  a.exclusive = exclusive;
  a.reversed = reversed;
  return a;
}

TEST(ReduceKernel, CumulativeSumOptions) {
  // The spec's examples on [1, 2, 3, 4], along axis 1 of [[1, 2, 3, 4], [10, 20, 30, 40]].
  const TestTensor x = TestTensor::Make(DataType::kFloat32, {2, 4}, {1, 2, 3, 4, 10, 20, 30, 40});
  ExpectUlp(Run1(OpKind::kCumulativeSum, CumAttrs(1, false, false), x), {2, 4},
            {1, 3, 6, 10, 10, 30, 60, 100}, 0);
  ExpectUlp(Run1(OpKind::kCumulativeSum, CumAttrs(1, true, false), x), {2, 4},
            {0, 1, 3, 6, 0, 10, 30, 60}, 0);
  ExpectUlp(Run1(OpKind::kCumulativeSum, CumAttrs(1, false, true), x), {2, 4},
            {10, 9, 7, 4, 100, 90, 70, 40}, 0);
  ExpectUlp(Run1(OpKind::kCumulativeSum, CumAttrs(1, true, true), x), {2, 4},
            {9, 7, 4, 0, 90, 70, 40, 0}, 0);
  ExpectUlp(Run1(OpKind::kCumulativeSum, CumAttrs(0, false, false), x), {2, 4},
            {1, 2, 3, 4, 11, 22, 33, 44}, 0);
}

TEST(ReduceKernel, CumulativeSumIntegersAreExact) {
  const int64_t two53 = int64_t{1} << 53;
  const TestTensor x = TestTensor::MakeInt(DataType::kInt64, {3}, {two53, 1, -2});
  EXPECT_EQ(Run1(OpKind::kCumulativeSum, CumAttrs(0, false, false), x).ToInt64s(),
            (std::vector<int64_t>{two53, two53 + 1, two53 - 1}));
  const TestTensor u = TestTensor::MakeInt(DataType::kUint32, {3}, {4000000000LL, 1, 2});
  EXPECT_EQ(Run1(OpKind::kCumulativeSum, CumAttrs(0, true, true), u).ToInt64s(),
            (std::vector<int64_t>{3, 2, 0}));
}

TEST(ReduceKernel, ConformanceCumulativeSumInt32Axis2) {
  // "cumulativeSum with int32 input and axis = 2."
  const TestTensor x =
      TestTensor::MakeInt(DataType::kInt32, {1, 1, 3, 4}, {2, 1, 3, 5, 3, 8, 7, 3, 9, 6, 2, 4});
  EXPECT_EQ(Run1(OpKind::kCumulativeSum, CumAttrs(2, false, false), x).ToInt64s(),
            (std::vector<int64_t>{2, 1, 3, 5, 5, 9, 10, 8, 14, 15, 12, 12}));
}

TEST(ReduceKernel, ConformanceCumulativeSumFloat32Reversed) {
  // "cumulativeSum with float32 input and set reversed to true.", ULP 3
  const TestTensor x = TestTensor::Make(
      DataType::kFloat32, {1, 1, 3, 4},
      {60.42374038696289, -86.92247772216797, -19.496112823486328, -15.150615692138672,
       13.455190658569336, 45.433597564697266, 61.082862854003906, 70.71882629394531,
       -31.278579711914062, 56.08354187011719, 38.992767333984375, -3.27536940574646});
  ExpectUlp(Run1(OpKind::kCumulativeSum, CumAttrs(3, false, true), x), {1, 1, 3, 4},
            {-61.1454659, -121.5692139, -34.6467285, -15.1506157, 190.6904907, 177.2352905,
             131.8016968, 70.7188263, 60.5223618, 91.8009415, 35.7173996, -3.2753694},
            3);
}

}  // namespace
}  // namespace webnn
