// Reference kernels of concat, expand, pad, reshape, reverse, slice, split, tile, transpose and
// triangular: hand-checked inputs, cases copied from the wpt conformance JSON
// (../shared/conformance, wpt commit 0556bbc4, 3-Clause BSD), several data types.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "testing/op_runner.h"

namespace webnn {
namespace {

using testing::TestTensor;

// Runs the op; on an error records a failure and returns no outputs.
std::vector<TestTensor> RunOrFail(OpKind kind, const Attrs& attrs,
                                  const std::vector<std::optional<TestTensor>>& inputs) {
  auto r = testing::RunOp(kind, attrs, inputs);
  if (!r.ok()) {
    ADD_FAILURE() << r.error().ToString();
    return {};
  }
  return std::move(r).value();
}

// `values` as stored in a tensor of type t (float32/float16 rounding), read back as doubles.
std::vector<double> As(DataType t, const std::vector<double>& values) {
  return TestTensor::Make(t, {static_cast<uint32_t>(values.size())}, values).ToDoubles();
}

size_t ElementCountOf(const std::vector<uint32_t>& shape) {
  size_t n = 1;
  for (uint32_t d : shape) n *= d;
  return n;
}

TestTensor Iota(DataType t, std::vector<uint32_t> shape, double first = 0) {
  std::vector<double> v(ElementCountOf(shape));
  for (size_t i = 0; i < v.size(); ++i) v[i] = first + static_cast<double>(i);
  return TestTensor::Make(t, std::move(shape), v);
}

// ---- concat ---------------------------------------------------------------------------------

TEST(ShapeKernels, ConcatAxis1Int8) {
  auto a = TestTensor::Make(DataType::kInt8, {2, 1}, {1, 2});
  auto b = TestTensor::Make(DataType::kInt8, {2, 3}, {3, 4, 5, 6, 7, 8});
  auto out = RunOrFail(OpKind::kConcat, AxisAttrs{1}, {a, b});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc, (OperandDescriptor{DataType::kInt8, {2, 4}}));
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{1, 3, 4, 5, 2, 6, 7, 8}));
}

TEST(ShapeKernels, ConcatWptFloat16Axis2) {
  // wpt: concat three float16 4D tensors of same others dimensions except different 3rd
  // dimension along axis 2
  TestTensor in1 = TestTensor::Make(
      DataType::kFloat16, {1, 2, 2, 1},
      {-0.3944413363933563, 0.861982524394989, 0.337996244430542, -0.990639865398407});
  TestTensor in2 = TestTensor::Make(
      DataType::kFloat16, {1, 2, 8, 1},
      {0.576785683631897, 0.32276400923728943, -0.44735023379325867, 0.11028251051902771,
       -0.5945112705230713, -0.402848482131958, -0.9531654119491577, -0.6731740236282349,
       0.49189892411231995, -0.15864109992980957, -0.3418811559677124, -0.9158143401145935,
       -0.7206121683120728, -0.7993468642234802, 0.6653800010681152, 0.03886038810014725});
  TestTensor in3 = TestTensor::Make(
      DataType::kFloat16, {1, 2, 2, 1},
      {0.5182055234909058, -0.8742017149925232, -0.4790218770503998, 0.1211843192577362});
  const std::vector<double> expected = {
      -0.39453125,      0.86181640625,     0.57666015625,  0.32275390625,   -0.447265625,
      0.11029052734375, -0.5947265625,     -0.40283203125, -0.953125,       -0.67333984375,
      0.51806640625,    -0.8740234375,     0.337890625,    -0.99072265625,  0.491943359375,
      -0.15869140625,   -0.341796875,      -0.916015625,   -0.720703125,    -0.79931640625,
      0.66552734375,    0.038848876953125, -0.47900390625, 0.12115478515625};
  auto out = RunOrFail(OpKind::kConcat, AxisAttrs{2}, {in1, in2, in3});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc, (OperandDescriptor{DataType::kFloat16, {1, 2, 12, 1}}));
  EXPECT_EQ(out[0].ToDoubles(), As(DataType::kFloat16, expected));
}

TEST(ShapeKernels, ConcatWptFloat32Axis1) {
  // wpt: concat four float32 3D tensors of same others dimensions except different 2nd
  // dimension along axis 1
  TestTensor in1 = TestTensor::Make(DataType::kFloat32, {3, 1, 1},
                                    {-0.3944413363933563, 0.861982524394989, 0.337996244430542});
  TestTensor in2 =
      TestTensor::Make(DataType::kFloat32, {3, 2, 1},
                       {-0.990639865398407, 0.576785683631897, 0.32276400923728943,
                        -0.44735023379325867, 0.11028251051902771, -0.5945112705230713});
  TestTensor in3 =
      TestTensor::Make(DataType::kFloat32, {3, 2, 1},
                       {-0.402848482131958, -0.9531654119491577, -0.6731740236282349,
                        0.49189892411231995, -0.15864109992980957, -0.3418811559677124});
  TestTensor in4 = TestTensor::Make(DataType::kFloat32, {3, 3, 1},
                                    {-0.9158143401145935, -0.7206121683120728, -0.7993468642234802,
                                     0.6653800010681152, 0.03886038810014725, 0.5182055234909058,
                                     -0.8742017149925232, -0.4790218770503998, 0.1211843192577362});
  const std::vector<double> expected = {
      -0.3944413363933563, -0.990639865398407,  0.576785683631897,    -0.402848482131958,
      -0.9531654119491577, -0.9158143401145935, -0.7206121683120728,  -0.7993468642234802,
      0.861982524394989,   0.32276400923728943, -0.44735023379325867, -0.6731740236282349,
      0.49189892411231995, 0.6653800010681152,  0.03886038810014725,  0.5182055234909058,
      0.337996244430542,   0.11028251051902771, -0.5945112705230713,  -0.15864109992980957,
      -0.3418811559677124, -0.8742017149925232, -0.4790218770503998,  0.1211843192577362};
  auto out = RunOrFail(OpKind::kConcat, AxisAttrs{1}, {in1, in2, in3, in4});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc.shape, (std::vector<uint32_t>{3, 8, 1}));
  EXPECT_EQ(out[0].ToDoubles(), As(DataType::kFloat32, expected));
}

TEST(ShapeKernels, ConcatInt64IsBitExact) {
  constexpr int64_t kBig = (int64_t{1} << 53) + 1;  // not representable as a double
  auto a = TestTensor::MakeInt(DataType::kInt64, {1}, {kBig});
  auto b = TestTensor::MakeInt(DataType::kInt64, {2}, {std::numeric_limits<int64_t>::min(), -kBig});
  auto out = RunOrFail(OpKind::kConcat, AxisAttrs{0}, {a, b});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(),
            (std::vector<int64_t>{kBig, std::numeric_limits<int64_t>::min(), -kBig}));
}

// ---- expand ---------------------------------------------------------------------------------

TEST(ShapeKernels, ExpandWpt3DTo5D) {
  // wpt: expand float32 3D tensor to 5D
  TestTensor in =
      TestTensor::Make(DataType::kFloat32, {1, 2, 1}, {21.694129943847656, -72.82571411132812});
  const double a = 21.694129943847656, b = -72.82571411132812;
  std::vector<double> expected;
  for (int rep = 0; rep < 4; ++rep) expected.insert(expected.end(), {a, a, a, b, b, b});
  auto out = RunOrFail(OpKind::kExpand, NewShapeAttrs{{2, 1, 2, 2, 3}}, {in});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc.shape, (std::vector<uint32_t>{2, 1, 2, 2, 3}));
  EXPECT_EQ(out[0].ToDoubles(), As(DataType::kFloat32, expected));
}

TEST(ShapeKernels, ExpandScalarAndRowInt32) {
  auto out = RunOrFail(OpKind::kExpand, NewShapeAttrs{{2, 2, 3, 1, 2}},
                       {TestTensor::Make(DataType::kFloat32, {}, {-6.461850643157959})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), std::vector<double>(24, static_cast<float>(-6.461850643157959)));
  // [3] -> [2, 3]: rows repeat; [2, 1] -> [2, 3]: columns repeat.
  out = RunOrFail(OpKind::kExpand, NewShapeAttrs{{2, 3}},
                  {TestTensor::Make(DataType::kInt32, {3}, {1, -2, 3})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{1, -2, 3, 1, -2, 3}));
  out = RunOrFail(OpKind::kExpand, NewShapeAttrs{{2, 3}},
                  {TestTensor::Make(DataType::kUint8, {2, 1}, {7, 200})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{7, 7, 7, 200, 200, 200}));
}

// ---- pad ------------------------------------------------------------------------------------

// The spec's example: input [[1,2,3],[4,5,6]], beginningPadding [1,2], endingPadding [1,2].
TEST(ShapeKernels, PadSpecExampleModes) {
  const TestTensor in = TestTensor::Make(DataType::kInt8, {2, 3}, {1, 2, 3, 4, 5, 6});
  PadAttrs a{{1, 2}, {1, 2}};
  auto out = RunOrFail(OpKind::kPad, a, {in});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc, (OperandDescriptor{DataType::kInt8, {4, 7}}));
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{0, 0, 0, 0, 0, 0, 0,  //
                                                     0, 0, 1, 2, 3, 0, 0,  //
                                                     0, 0, 4, 5, 6, 0, 0,  //
                                                     0, 0, 0, 0, 0, 0, 0}));
  a.mode = PaddingMode::kEdge;
  out = RunOrFail(OpKind::kPad, a, {in});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{1, 1, 1, 2, 3, 3, 3,  //
                                                     1, 1, 1, 2, 3, 3, 3,  //
                                                     4, 4, 4, 5, 6, 6, 6,  //
                                                     4, 4, 4, 5, 6, 6, 6}));
  a.mode = PaddingMode::kReflection;
  out = RunOrFail(OpKind::kPad, a, {in});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{6, 5, 4, 5, 6, 5, 4,  //
                                                     3, 2, 1, 2, 3, 2, 1,  //
                                                     6, 5, 4, 5, 6, 5, 4,  //
                                                     3, 2, 1, 2, 3, 2, 1}));
}

TEST(ShapeKernels, PadConstantValueIsCastToTheInputType) {
  PadAttrs a{{1}, {1}};
  a.value = 0.1;
  auto out = RunOrFail(OpKind::kPad, a, {TestTensor::Make(DataType::kFloat16, {1}, {2})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), As(DataType::kFloat16, {0.1, 2, 0.1}));
  // Saturating cast to uint8.
  a.value = 300.0;
  out = RunOrFail(OpKind::kPad, a, {TestTensor::Make(DataType::kUint8, {1}, {9})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{255, 9, 255}));
  // A bigint value keeps all 64 bits.
  constexpr int64_t kBig = std::numeric_limits<int64_t>::max() - 1;
  a.value = MLNumber::Int(kBig);
  out = RunOrFail(OpKind::kPad, a, {TestTensor::MakeInt(DataType::kInt64, {1}, {-3})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{kBig, -3, kBig}));
}

TEST(ShapeKernels, PadWptFloat32) {
  const std::vector<double> data = {22.76361846923828,   -21.168529510498047, -91.66168975830078,
                                    16.863798141479492,  60.51472091674805,   -70.56755065917969,
                                    -60.643272399902344, -47.8821907043457,   68.72557830810547};
  const double a = data[0], b = data[1], c = data[2], d = data[3], e = data[4], f = data[5],
               g = data[6], h = data[7], i = data[8];
  // wpt: pad float32 2D tensor default options
  auto out = RunOrFail(OpKind::kPad, PadAttrs{{1, 1}, {1, 1}},
                       {TestTensor::Make(DataType::kFloat32, {3, 3}, data)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), As(DataType::kFloat32, {0, 0, 0, 0, 0, 0, a, b, c, 0, 0, d, e,
                                                        f, 0, 0, g, h, i, 0, 0, 0, 0, 0, 0}));
  // wpt: pad float32 4D tensor options.mode='reflection'
  out = RunOrFail(OpKind::kPad, PadAttrs{{0, 2, 2, 0}, {0, 2, 2, 0}, PaddingMode::kReflection},
                  {TestTensor::Make(DataType::kFloat32, {1, 3, 3, 1}, data)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc.shape, (std::vector<uint32_t>{1, 7, 7, 1}));
  EXPECT_EQ(out[0].ToDoubles(),
            As(DataType::kFloat32,
               {i, h, g, h, i, h, g, f, e, d, e, f, e, d, c, b, a, b, c, b, a, f, e, d, e,
                f, e, d, i, h, g, h, i, h, g, f, e, d, e, f, e, d, c, b, a, b, c, b, a}));
  // wpt: pad float32 4D tensor options.mode='edge'
  out = RunOrFail(OpKind::kPad, PadAttrs{{0, 2, 2, 0}, {0, 2, 2, 0}, PaddingMode::kEdge},
                  {TestTensor::Make(DataType::kFloat32, {1, 3, 3, 1}, data)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(),
            As(DataType::kFloat32,
               {a, a, a, b, c, c, c, a, a, a, b, c, c, c, a, a, a, b, c, c, c, d, d, d, e,
                f, f, f, g, g, g, h, i, i, i, g, g, g, h, i, i, i, g, g, g, h, i, i, i}));
}

TEST(ShapeKernels, PadRank0AndReflectionOnSizeTwo) {
  auto out =
      RunOrFail(OpKind::kPad, PadAttrs{{}, {}}, {TestTensor::Make(DataType::kInt32, {}, {-5})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{-5}));
  out = RunOrFail(OpKind::kPad, PadAttrs{{1}, {1}, PaddingMode::kReflection},
                  {TestTensor::Make(DataType::kUint32, {2}, {10, 20})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{20, 10, 20, 10}));
}

// ---- reshape --------------------------------------------------------------------------------

TEST(ShapeKernels, ReshapeKeepsBytes) {
  auto out =
      RunOrFail(OpKind::kReshape, NewShapeAttrs{{4, 2, 3}}, {Iota(DataType::kFloat32, {2, 3, 4})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc.shape, (std::vector<uint32_t>{4, 2, 3}));
  EXPECT_EQ(out[0].ToDoubles(), Iota(DataType::kFloat32, {24}).ToDoubles());
  out = RunOrFail(OpKind::kReshape, NewShapeAttrs{{}},
                  {TestTensor::MakeInt(DataType::kUint64, {1, 1}, {-1})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc.rank(), 0u);
  EXPECT_EQ(out[0].bytes, std::vector<std::byte>(8, std::byte{0xFF}));
}

// ---- reverse --------------------------------------------------------------------------------

TEST(ShapeKernels, Reverse) {
  const TestTensor in = Iota(DataType::kInt32, {2, 3});  // [[0,1,2],[3,4,5]]
  auto out = RunOrFail(OpKind::kReverse, ReverseAttrs{}, {in});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{5, 4, 3, 2, 1, 0}));
  out = RunOrFail(OpKind::kReverse, ReverseAttrs{UintList{1}}, {in});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{2, 1, 0, 5, 4, 3}));
  out = RunOrFail(OpKind::kReverse, ReverseAttrs{UintList{}}, {in});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
  // wpt: reverse float32 4D input options.axes=[3, 1]
  const TestTensor in4 = TestTensor::Make(
      DataType::kFloat32, {3, 2, 1, 2},
      {-30.0561466217041, 99.56941986083984, 88.04620361328125, -91.87507629394531,
       -23.7972354888916, -91.28665161132812, -63.15204620361328, 12.0669527053833,
       -96.1172866821289, -44.77365493774414, -80.08650970458984, -64.43756866455078});
  out = RunOrFail(OpKind::kReverse, ReverseAttrs{UintList{3, 1}}, {in4});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(),
            As(DataType::kFloat32,
               {-91.87507629394531, 88.04620361328125, 99.56941986083984, -30.0561466217041,
                12.0669527053833, -63.15204620361328, -91.28665161132812, -23.7972354888916,
                -64.43756866455078, -80.08650970458984, -44.77365493774414, -96.1172866821289}));
}

// ---- slice ----------------------------------------------------------------------------------

const std::vector<double> kSliceData = {
    28.846250534057617, 97.95414733886719,   -68.15961456298828,  14.978987693786621,
    90.23090362548828,  76.59095764160156,   -24.556316375732422, 79.58749389648438,
    65.21376037597656,  57.4397087097168,    74.41775512695312,   -4.513182163238525,
    0.5424534678459167, 80.44634246826172,   28.32765007019043,   74.02619171142578,
    -74.54559326171875, -27.306041717529297, -70.42774200439453,  59.82632064819336,
    -58.46095275878906, 79.80570983886719,   -9.857853889465332,  42.665199279785156};

TEST(ShapeKernels, SliceWpt) {
  // wpt: slice float32 3D tensor with strides
  auto out = RunOrFail(OpKind::kSlice, SliceAttrs{{0, 0, 1}, {4, 3, 1}, UintList{3, 2, 1}},
                       {TestTensor::Make(DataType::kFloat32, {4, 3, 2}, kSliceData)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc.shape, (std::vector<uint32_t>{2, 2, 1}));
  EXPECT_EQ(out[0].ToDoubles(), As(DataType::kFloat32, {97.95414733886719, 76.59095764160156,
                                                        59.82632064819336, 42.665199279785156}));
  // wpt: slice float32 4D tensor
  out = RunOrFail(OpKind::kSlice, SliceAttrs{{1, 0, 2, 1}, {1, 2, 1, 1}, std::nullopt},
                  {TestTensor::Make(DataType::kFloat32, {2, 2, 3, 2}, kSliceData)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), As(DataType::kFloat32, {-27.306041717529297, 42.665199279785156}));
}

TEST(ShapeKernels, SliceWithStridesInt64) {
  // [[0..5],[6..11],[12..17]] rows 1..2, columns 1, 3, 5.
  std::vector<int64_t> data(18);
  for (size_t i = 0; i < data.size(); ++i) data[i] = (int64_t{1} << 60) + static_cast<int64_t>(i);
  auto out = RunOrFail(OpKind::kSlice, SliceAttrs{{1, 1}, {2, 5}, UintList{1, 2}},
                       {TestTensor::MakeInt(DataType::kInt64, {3, 6}, data)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc.shape, (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(out[0].ToInt64s(),
            (std::vector<int64_t>{data[7], data[9], data[11], data[13], data[15], data[17]}));
}

// ---- split ----------------------------------------------------------------------------------

TEST(ShapeKernels, SplitAlongInnerAxis) {
  // [[0,1,2,3,4,5],[6,...,11]] split [1, 2, 3] along axis 1.
  auto out = RunOrFail(OpKind::kSplit, SplitAttrs{UintList{1, 2, 3}, 1},
                       {Iota(DataType::kFloat16, {2, 6})});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].desc, (OperandDescriptor{DataType::kFloat16, {2, 1}}));
  EXPECT_EQ(out[0].ToDoubles(), (std::vector<double>{0, 6}));
  EXPECT_EQ(out[1].ToDoubles(), (std::vector<double>{1, 2, 7, 8}));
  EXPECT_EQ(out[2].ToDoubles(), (std::vector<double>{3, 4, 5, 9, 10, 11}));
  out = RunOrFail(OpKind::kSplit, SplitAttrs{uint32_t{2}, 0}, {Iota(DataType::kUint8, {4, 2})});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(out[1].ToInt64s(), (std::vector<int64_t>{4, 5, 6, 7}));
}

TEST(ShapeKernels, SplitWpt5DAxis0) {
  // wpt: split float32 5D tensor array splits=[2, 4] options.axis=0
  const std::vector<double> data = {
      -64.52056884765625, -84.60513305664062, -67.99282836914062,  -23.446075439453125,
      -85.64382934570312, 46.87752151489258,  -68.11224365234375,  75.99607849121094,
      -61.05668640136719, -90.92643737792969, 53.916622161865234,  84.16268920898438,
      -95.57494354248047, -52.40757751464844, -29.007186889648438, 71.65496063232422,
      50.66357421875,     21.364582061767578, -27.127241134643555, 65.1489486694336,
      -30.40681266784668, -6.818390369415283, 46.673622131347656,  -21.12453842163086};
  auto out = RunOrFail(OpKind::kSplit, SplitAttrs{UintList{2, 4}, 0},
                       {TestTensor::Make(DataType::kFloat32, {6, 1, 1, 2, 2}, data)});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].desc.shape, (std::vector<uint32_t>{2, 1, 1, 2, 2}));
  EXPECT_EQ(out[1].desc.shape, (std::vector<uint32_t>{4, 1, 1, 2, 2}));
  const std::vector<double> all = As(DataType::kFloat32, data);
  EXPECT_EQ(out[0].ToDoubles(), std::vector<double>(all.begin(), all.begin() + 8));
  EXPECT_EQ(out[1].ToDoubles(), std::vector<double>(all.begin() + 8, all.end()));
}

// ---- tile -----------------------------------------------------------------------------------

TEST(ShapeKernels, TileWpt) {
  // wpt: tile uint32 2D tensor
  auto out = RunOrFail(OpKind::kTile, TileAttrs{{2, 3}},
                       {TestTensor::Make(DataType::kUint32, {2, 2}, {1, 2, 3, 4})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc.shape, (std::vector<uint32_t>{4, 6}));
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4,
                                                     1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}));
  // wpt: tile int32 4D tensor
  out = RunOrFail(OpKind::kTile, TileAttrs{{1, 1, 2, 2}},
                  {TestTensor::Make(DataType::kInt32, {1, 1, 2, 2}, {1, 2, 3, 4})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(),
            (std::vector<int64_t>{1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4}));
}

// ---- transpose ------------------------------------------------------------------------------

TEST(ShapeKernels, TransposeDefaultReversesAxes) {
  // [2, 3, 4] -> [4, 3, 2]: output[k][j][i] = input[i][j][k] = 12i + 4j + k.
  auto out = RunOrFail(OpKind::kTranspose, TransposeAttrs{}, {Iota(DataType::kInt8, {2, 3, 4})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc.shape, (std::vector<uint32_t>{4, 3, 2}));
  std::vector<int64_t> expected;
  for (int k = 0; k < 4; ++k) {
    for (int j = 0; j < 3; ++j) {
      for (int i = 0; i < 2; ++i) expected.push_back(12 * i + 4 * j + k);
    }
  }
  EXPECT_EQ(out[0].ToInt64s(), expected);
}

TEST(ShapeKernels, TransposePermutation) {
  // wpt: transpose float32 5D tensor options.permutation (the moved axes have size 1 or keep
  // their order, so the data is unchanged).
  const TestTensor in = Iota(DataType::kFloat32, {1, 2, 1, 3, 4}, -10);
  auto out = RunOrFail(OpKind::kTranspose, TransposeAttrs{UintList{1, 3, 0, 4, 2}}, {in});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc.shape, (std::vector<uint32_t>{2, 3, 1, 4, 1}));
  EXPECT_EQ(out[0].ToDoubles(), in.ToDoubles());
  // [2, 3] with permutation [1, 0] on uint64 keeps every bit.
  auto in64 = TestTensor::MakeInt(DataType::kUint64, {2, 3}, {-1, 1, 2, 3, 4, -2});
  out = RunOrFail(OpKind::kTranspose, TransposeAttrs{UintList{1, 0}}, {in64});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{-1, 3, 1, 4, 2, -2}));
  // Rank 0.
  out = RunOrFail(OpKind::kTranspose, TransposeAttrs{},
                  {TestTensor::Make(DataType::kFloat32, {}, {3})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), (std::vector<double>{3}));
}

// ---- triangular -----------------------------------------------------------------------------

// The spec's examples on [[7,1,2],[9,4,8],[2,6,3]].
TEST(ShapeKernels, TriangularSpecExamples) {
  const TestTensor in = TestTensor::Make(DataType::kInt32, {3, 3}, {7, 1, 2, 9, 4, 8, 2, 6, 3});
  struct Case {
    bool upper;
    int32_t diagonal;
    std::vector<int64_t> expected;
  };
  const Case cases[] = {
      {true, 0, {7, 1, 2, 0, 4, 8, 0, 0, 3}},   {true, 1, {0, 1, 2, 0, 0, 8, 0, 0, 0}},
      {true, -1, {7, 1, 2, 9, 4, 8, 0, 6, 3}},  {false, 0, {7, 0, 0, 9, 4, 0, 2, 6, 3}},
      {false, 1, {7, 1, 0, 9, 4, 8, 2, 6, 3}},  {false, -1, {0, 0, 0, 9, 0, 0, 2, 6, 0}},
      {true, 3, {0, 0, 0, 0, 0, 0, 0, 0, 0}},   {false, -3, {0, 0, 0, 0, 0, 0, 0, 0, 0}},
      {true, -100, {7, 1, 2, 9, 4, 8, 2, 6, 3}}};
  for (const Case& c : cases) {
    auto out = RunOrFail(OpKind::kTriangular, TriangularAttrs{c.upper, c.diagonal}, {in});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].ToInt64s(), c.expected) << "upper=" << c.upper << " diagonal=" << c.diagonal;
  }
}

TEST(ShapeKernels, TriangularBatchesWpt) {
  // wpt: triangular float32 4D tensor options.upper=false options.diagonal=1 ([2,2,2,3]: 4
  // matrices of 2x3, each loses element [0][2]).
  const std::vector<double> data = {
      84.9194564819336,    -86.21631622314453, 50.38116455078125,   -98.47772216796875,
      -94.51172637939453,  -21.42218589782715, 24.678754806518555,  -50.355342864990234,
      -37.015724182128906, 97.25071716308594,  73.36241149902344,   -75.12358856201172,
      41.64348602294922,   58.862911224365234, -29.916187286376953, 67.48285675048828,
      42.132598876953125,  -70.27587127685547, 20.88446617126465,   71.37139892578125,
      -84.96932220458984,  -88.97057342529297, 77.58269500732422,   91.03327178955078};
  std::vector<double> expected = data;
  for (size_t m = 0; m < 4; ++m) expected[m * 6 + 2] = 0;
  auto out = RunOrFail(OpKind::kTriangular, TriangularAttrs{false, 1},
                       {TestTensor::Make(DataType::kFloat32, {2, 2, 2, 3}, data)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), As(DataType::kFloat32, expected));
  // float16, zeroed elements are +0.
  out = RunOrFail(OpKind::kTriangular, TriangularAttrs{},
                  {TestTensor::Make(DataType::kFloat16, {2, 2}, {-1, -2, -3, -4})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), (std::vector<double>{-1, -2, 0, -4}));
  EXPECT_EQ(out[0].bytes[4], std::byte{0});
  EXPECT_EQ(out[0].bytes[5], std::byte{0});
}

// Every element of every kernel's output is written (RunOp poisons outputs with 0xA5).
TEST(ShapeKernels, LargerShapesAreFullyWritten) {
  const TestTensor in = Iota(DataType::kFloat32, {3, 4, 5});
  auto out = RunOrFail(OpKind::kTranspose, TransposeAttrs{UintList{2, 0, 1}}, {in});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].desc.shape, (std::vector<uint32_t>{5, 3, 4}));
  const auto v = out[0].ToDoubles();
  ASSERT_EQ(v.size(), ElementCountOf({5, 3, 4}));
  for (uint32_t k = 0; k < 5; ++k) {
    for (uint32_t i = 0; i < 3; ++i) {
      for (uint32_t j = 0; j < 4; ++j) {
        EXPECT_EQ(v[(k * 3 + i) * 4 + j], 20.0 * i + 5.0 * j + k);
      }
    }
  }
  out = RunOrFail(OpKind::kTile, TileAttrs{{2, 1, 3}}, {in});
  ASSERT_EQ(out.size(), 1u);
  const auto t = out[0].ToDoubles();
  ASSERT_EQ(t.size(), 360u);
  for (size_t idx = 0; idx < t.size(); ++idx) {
    const size_t c = idx % 15, b = (idx / 15) % 4, a = idx / 60;
    EXPECT_EQ(t[idx], 20.0 * (a % 3) + 5.0 * b + (c % 5)) << idx;
  }
}

}  // namespace
}  // namespace webnn
