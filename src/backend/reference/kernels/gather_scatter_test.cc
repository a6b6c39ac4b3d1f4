// Reference kernels of gather, gatherElements, gatherND, scatterElements and scatterND:
// the spec's examples, wpt conformance cases (../shared/conformance, wpt commit 0556bbc4,
// 3-Clause BSD), every index type, negative and out-of-range indices.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "testing/op_runner.h"

namespace webnn {
namespace {

using testing::TestTensor;

std::vector<TestTensor> RunOrFail(OpKind kind, const Attrs& attrs,
                                  const std::vector<std::optional<TestTensor>>& inputs) {
  auto r = testing::RunOp(kind, attrs, inputs);
  if (!r.ok()) {
    ADD_FAILURE() << r.error().ToString();
    return {};
  }
  return std::move(r).value();
}

std::vector<double> AsF32(const std::vector<double>& values) {
  return TestTensor::Make(DataType::kFloat32, {static_cast<uint32_t>(values.size())}, values)
      .ToDoubles();
}

// The spec's example input [[0,1,2],[10,11,12],[20,21,22],[30,31,32]].
TestTensor SpecInput(DataType t) {
  return TestTensor::Make(t, {4, 3}, {0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32});
}

const std::vector<double> kWptData = {
    -66.05901336669922, -68.9197006225586,   -77.02045440673828,  -26.158037185668945,
    89.0337142944336,   -45.89653396606445,  43.84803771972656,   48.81806945800781,
    51.79948425292969,  41.94132614135742,   -1.1303654909133911, -50.42131042480469,
    90.2870101928711,   55.620765686035156,  44.92119598388672,   56.828636169433594,
    10.829925537109375, -19.693084716796875, -37.696800231933594, 43.11057662963867,
    0.9129875898361206, -7.699817180633545,  25.76774024963379,   73.60064697265625};

// ---- gather ---------------------------------------------------------------------------------

TEST(GatherScatterKernels, GatherSpecExamplesEveryIndexType) {
  for (DataType index_type : {DataType::kInt32, DataType::kUint32, DataType::kInt64}) {
    SCOPED_TRACE(DataTypeName(index_type));
    auto out = RunOrFail(OpKind::kGather, GatherAttrs{0},
                         {SpecInput(DataType::kInt32), TestTensor::Make(index_type, {2}, {3, 1})});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].desc, (OperandDescriptor{DataType::kInt32, {2, 3}}));
    EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{30, 31, 32, 10, 11, 12}));
    out = RunOrFail(OpKind::kGather, GatherAttrs{1},
                    {SpecInput(DataType::kInt32), TestTensor::Make(index_type, {3}, {2, 1, 1})});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].ToInt64s(),
              (std::vector<int64_t>{2, 1, 1, 12, 11, 11, 22, 21, 21, 32, 31, 31}));
    out = RunOrFail(
        OpKind::kGather, GatherAttrs{1},
        {SpecInput(DataType::kFloat16), TestTensor::Make(index_type, {2, 2}, {0, 1, 1, 2})});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].desc, (OperandDescriptor{DataType::kFloat16, {4, 2, 2}}));
    EXPECT_EQ(out[0].ToDoubles(),
              (std::vector<double>{0, 1, 1, 2, 10, 11, 11, 12, 20, 21, 21, 22, 30, 31, 31, 32}));
  }
}

TEST(GatherScatterKernels, GatherWpt) {
  // wpt: gather float32 3D tensor and 2D indices options.axis=2
  auto out = RunOrFail(OpKind::kGather, GatherAttrs{2},
                       {TestTensor::Make(DataType::kFloat32, {3, 4, 2}, kWptData),
                        TestTensor::Make(DataType::kInt32, {2, 2}, {0, 0, 0, 1})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc.shape, (std::vector<uint32_t>{3, 4, 2, 2}));
  std::vector<double> expected;
  for (size_t row = 0; row < 12; ++row) {
    const double a = kWptData[2 * row], b = kWptData[2 * row + 1];
    expected.insert(expected.end(), {a, a, a, b});
  }
  EXPECT_EQ(out[0].ToDoubles(), AsF32(expected));
  // wpt: gather float32 1D tensor and int64 0D scalar indices default options
  out = RunOrFail(OpKind::kGather, GatherAttrs{},
                  {TestTensor::Make(DataType::kFloat32, {24}, kWptData),
                   TestTensor::MakeInt(DataType::kInt64, {}, {4})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc.rank(), 0u);
  EXPECT_EQ(out[0].ToDoubles(), AsF32({89.0337142944336}));
}

// wpt: gather float32 2D tensor and int32 0D {negative, out-of-bound positive, out-of-bound
// negative} indices: -2 -> row 0, 10 -> row 1 (clamped), -10 -> row 0 (clamped after +2).
TEST(GatherScatterKernels, GatherNegativeAndOutOfRangeIndices) {
  const TestTensor in = TestTensor::Make(DataType::kFloat32, {2, 12}, kWptData);
  const std::vector<double> all = AsF32(kWptData);
  const std::vector<double> row0(all.begin(), all.begin() + 12), row1(all.begin() + 12, all.end());
  const std::pair<int64_t, const std::vector<double>*> cases[] = {
      {-2, &row0}, {10, &row1}, {-10, &row0}, {-1, &row1}, {1, &row1}, {0, &row0}};
  for (const auto& [index, expected] : cases) {
    auto out = RunOrFail(OpKind::kGather, GatherAttrs{},
                         {in, TestTensor::MakeInt(DataType::kInt32, {}, {index})});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].ToDoubles(), *expected) << "index " << index;
  }
  // Extreme values of each index type stay in bounds.
  const TestTensor small = TestTensor::Make(DataType::kInt8, {3}, {5, 6, 7});
  const std::pair<TestTensor, std::vector<int64_t>> extremes[] = {
      {TestTensor::MakeInt(
           DataType::kInt64, {4},
           {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), -3, -4}),
       {5, 7, 5, 5}},
      {TestTensor::MakeInt(DataType::kUint32, {2}, {0xFFFFFFFF, 0x80000000}), {7, 7}},
      {TestTensor::MakeInt(
           DataType::kInt32, {2},
           {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()}),
       {5, 7}},
  };
  for (const auto& [indices, expected] : extremes) {
    auto out = RunOrFail(OpKind::kGather, GatherAttrs{}, {small, indices});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].ToInt64s(), expected) << DataTypeName(indices.desc.dataType);
  }
}

TEST(GatherScatterKernels, GatherInt64DataIsBitExact) {
  constexpr int64_t kBig = (int64_t{1} << 62) + 3;
  auto out = RunOrFail(OpKind::kGather, GatherAttrs{},
                       {TestTensor::MakeInt(DataType::kInt64, {2}, {kBig, -kBig}),
                        TestTensor::Make(DataType::kInt32, {3}, {1, 0, 1})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{-kBig, kBig, -kBig}));
}

// ---- gatherElements -------------------------------------------------------------------------

TEST(GatherScatterKernels, GatherElementsSpecExamples) {
  auto out = RunOrFail(OpKind::kGatherElements, GatherAttrs{0},
                       {SpecInput(DataType::kFloat32),
                        TestTensor::Make(DataType::kUint32, {2, 3}, {3, 1, 1, 2, 0, 3})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc.shape, (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(out[0].ToDoubles(), (std::vector<double>{30, 11, 12, 20, 1, 32}));
  out = RunOrFail(
      OpKind::kGatherElements, GatherAttrs{1},
      {SpecInput(DataType::kInt32), TestTensor::Make(DataType::kInt64, {4, 1}, {2, 1, 0, 2})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{2, 11, 20, 32}));
  const TestTensor in3 =
      TestTensor::Make(DataType::kUint8, {4, 2, 2},
                       {0, 1, 10, 11, 100, 101, 110, 111, 200, 201, 210, 211, 30, 31, 40, 41});
  out = RunOrFail(OpKind::kGatherElements, GatherAttrs{0},
                  {in3, TestTensor::Make(DataType::kInt32, {1, 2, 2}, {0, 2, 1, 3})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{0, 201, 110, 41}));
}

TEST(GatherScatterKernels, GatherElementsWpt) {
  // wpt: gatherElements float32 2D input and int32 indices options.axis=1
  auto out =
      RunOrFail(OpKind::kGatherElements, GatherAttrs{1},
                {TestTensor::Make(DataType::kFloat32, {3, 3},
                                  std::vector<double>(kWptData.begin(), kWptData.begin() + 9)),
                 TestTensor::Make(DataType::kInt32, {3, 2}, {1, 0, 2, 2, 1, 0})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), AsF32({-68.9197006225586, -66.05901336669922, -45.89653396606445,
                                       -45.89653396606445, 48.81806945800781, 43.84803771972656}));
  // wpt: gatherElements float32 3D input and int32 negative indices
  out = RunOrFail(OpKind::kGatherElements, GatherAttrs{},
                  {TestTensor::Make(DataType::kFloat32, {2, 2, 2},
                                    std::vector<double>(kWptData.begin(), kWptData.begin() + 8)),
                   TestTensor::Make(DataType::kInt32, {1, 2, 2}, {-1, 0, 0, -1})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(),
            AsF32({89.0337142944336, -68.9197006225586, -77.02045440673828, 48.81806945800781}));
  // wpt: gatherElements float32 1D input and int32 out-of-bounds indices (7 of 6 -> last)
  out =
      RunOrFail(OpKind::kGatherElements, GatherAttrs{},
                {TestTensor::Make(DataType::kFloat32, {6},
                                  std::vector<double>(kWptData.begin() + 3, kWptData.begin() + 9)),
                 TestTensor::Make(DataType::kInt32, {1}, {7})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), AsF32({51.79948425292969}));
}

// ---- gatherND -------------------------------------------------------------------------------

TEST(GatherScatterKernels, GatherNDSpecExamples) {
  const TestTensor in2 = TestTensor::Make(DataType::kInt32, {2, 2}, {0, 1, 2, 3});
  const TestTensor in3 = TestTensor::Make(DataType::kInt32, {2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7});
  struct Case {
    const TestTensor* input;
    TestTensor indices;
    std::vector<uint32_t> shape;
    std::vector<int64_t> expected;
  };
  const Case cases[] = {
      {&in2, TestTensor::Make(DataType::kUint32, {3, 2}, {0, 0, 1, 1, 1, 0}), {3}, {0, 3, 2}},
      {&in2, TestTensor::Make(DataType::kUint32, {2, 1}, {1, 0}), {2, 2}, {2, 3, 0, 1}},
      {&in3, TestTensor::Make(DataType::kInt32, {2, 2}, {0, 1, 1, 0}), {2, 2}, {2, 3, 4, 5}},
      {&in3,
       TestTensor::Make(DataType::kInt64, {3, 1}, {1, 0, 1}),
       {3, 2, 2},
       {4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7}},
      {&in3,
       TestTensor::Make(DataType::kInt32, {5, 3}, {0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 1}),
       {5},
       {1, 2, 4, 6, 7}},
      // A full coordinate into a 2D input: a scalar.
      {&in2, TestTensor::Make(DataType::kInt32, {2}, {1, -1}), {}, {3}},
  };
  for (const Case& c : cases) {
    auto out = RunOrFail(OpKind::kGatherND, NoAttrs{}, {*c.input, c.indices});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].desc.shape, c.shape);
    EXPECT_EQ(out[0].ToInt64s(), c.expected) << ShapeToString(c.indices.desc.shape);
  }
}

TEST(GatherScatterKernels, GatherNDWpt) {
  const std::vector<double> data(kWptData.begin(), kWptData.begin() + 16);
  // wpt: gatherND float32 3D input and 2D indices
  auto out = RunOrFail(OpKind::kGatherND, NoAttrs{},
                       {TestTensor::Make(DataType::kFloat32, {2, 2, 4}, data),
                        TestTensor::Make(DataType::kInt32, {3, 2}, {1, 0, 0, 1, 1, 1})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(),
            AsF32({51.79948425292969, 41.94132614135742, -1.1303654909133911, -50.42131042480469,
                   89.0337142944336, -45.89653396606445, 43.84803771972656, 48.81806945800781,
                   90.2870101928711, 55.620765686035156, 44.92119598388672, 56.828636169433594}));
  // wpt: gatherND float32 4D input and 1D minimum indices ([-2, -2, -2] -> [0, 0, 0, :])
  out = RunOrFail(OpKind::kGatherND, NoAttrs{},
                  {TestTensor::Make(DataType::kFloat32, {2, 2, 2, 2}, data),
                   TestTensor::Make(DataType::kInt32, {3}, {-2, -2, -2})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), AsF32({-66.05901336669922, -68.9197006225586}));
  // wpt: gatherND float32 1D / 2D input and 2D out-of-bounds indices (16, 20 of 16 -> last)
  for (std::vector<uint32_t> shape : {std::vector<uint32_t>{16}, std::vector<uint32_t>{16, 1}}) {
    out = RunOrFail(OpKind::kGatherND, NoAttrs{},
                    {TestTensor::Make(DataType::kFloat32, shape, data),
                     TestTensor::Make(DataType::kInt32, {2, 1}, {16, 20})});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].ToDoubles(), AsF32({56.828636169433594, 56.828636169433594}));
  }
}

// ---- scatterElements ------------------------------------------------------------------------

TEST(GatherScatterKernels, ScatterElementsSpecExamples) {
  auto out = RunOrFail(OpKind::kScatterElements, GatherAttrs{0},
                       {SpecInput(DataType::kFloat32),
                        TestTensor::Make(DataType::kUint32, {2, 3}, {3, 1, 1, 2, 0, 3}),
                        TestTensor::Make(DataType::kFloat32, {2, 3}, {-1, -2, -3, -4, -5, -6})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(),
            (std::vector<double>{0, -5, 2, 10, -2, -3, -4, 21, 22, -1, 31, -6}));
  out = RunOrFail(
      OpKind::kScatterElements, GatherAttrs{1},
      {SpecInput(DataType::kInt32), TestTensor::Make(DataType::kInt64, {4, 1}, {2, 1, 0, 2}),
       TestTensor::Make(DataType::kInt32, {4, 1}, {-1, -2, -3, -4})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(),
            (std::vector<int64_t>{0, 1, -1, 10, -2, 12, -3, 21, 22, 30, 31, -4}));
}

TEST(GatherScatterKernels, ScatterElementsWpt) {
  // wpt: Scatter elements along axis 0
  auto out = RunOrFail(OpKind::kScatterElements, GatherAttrs{0},
                       {TestTensor::Make(DataType::kFloat32, {3, 3}, std::vector<double>(9, 0)),
                        TestTensor::Make(DataType::kInt32, {2, 3}, {1, 0, 2, 0, 2, 1}),
                        TestTensor::Make(DataType::kFloat32, {2, 3}, {1, 1.1, 1.2, 2, 2.1, 2.2})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), AsF32({2, 1.1, 0, 1, 0, 2.2, 0, 2.1, 1.2}));
  // wpt: Scatter elements along axis 1
  out = RunOrFail(OpKind::kScatterElements, GatherAttrs{1},
                  {TestTensor::Make(DataType::kFloat32, {1, 5}, {1, 2, 3, 4, 5}),
                   TestTensor::Make(DataType::kInt32, {1, 2}, {1, 3}),
                   TestTensor::Make(DataType::kFloat32, {1, 2}, {1.1, 2.1})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), AsF32({1, 1.1, 3, 2.1, 5}));
}

TEST(GatherScatterKernels, ScatterElementsDuplicatesNegativeAndOutOfRange) {
  // Indices 1, -1 (-> 2), 1 again (later wins), 9 (-> clamped to 2, later wins over -1).
  auto out = RunOrFail(OpKind::kScatterElements, GatherAttrs{0},
                       {TestTensor::Make(DataType::kInt8, {3}, {0, 0, 0}),
                        TestTensor::Make(DataType::kInt32, {4}, {1, -1, 1, 9}),
                        TestTensor::Make(DataType::kInt8, {4}, {1, 2, 3, 4})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{0, 3, 4}));
}

// ---- scatterND ------------------------------------------------------------------------------

TEST(GatherScatterKernels, ScatterNDSpecExamples) {
  auto out = RunOrFail(OpKind::kScatterND, NoAttrs{},
                       {TestTensor::Make(DataType::kFloat32, {8}, {0, 1, 2, 3, 4, 5, 6, 7}),
                        TestTensor::Make(DataType::kUint32, {4, 1}, {4, 3, 1, 7}),
                        TestTensor::Make(DataType::kFloat32, {4}, {-1, -2, -3, -4})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), (std::vector<double>{0, -3, 2, -2, -1, 5, 6, -4}));
  out = RunOrFail(OpKind::kScatterND, NoAttrs{},
                  {TestTensor::Make(DataType::kInt32, {2, 2}, {0, 1, 2, 3}),
                   TestTensor::Make(DataType::kUint32, {2, 2}, {0, 0, 1, 1}),
                   TestTensor::Make(DataType::kInt32, {2}, {-1, -2})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{-1, 1, 2, -2}));
  out = RunOrFail(OpKind::kScatterND, NoAttrs{},
                  {TestTensor::Make(DataType::kInt32, {3, 2}, {0, 1, 2, 3, 4, 5}),
                   TestTensor::Make(DataType::kInt64, {2, 1}, {2, 0}),
                   TestTensor::Make(DataType::kInt32, {2, 2}, {-1, -2, -3, -4})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{-3, -4, 2, 3, -1, -2}));
  out = RunOrFail(OpKind::kScatterND, NoAttrs{},
                  {TestTensor::Make(DataType::kFloat16, {2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7}),
                   TestTensor::Make(DataType::kInt32, {2, 2}, {0, 1, 1, 0}),
                   TestTensor::Make(DataType::kFloat16, {2, 2}, {-1, -2, -3, -4})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), (std::vector<double>{0, 1, -1, -2, -3, -4, 6, 7}));
}

TEST(GatherScatterKernels, ScatterNDWpt) {
  // wpt: Insert individual elements in a tensor by index
  auto out = RunOrFail(OpKind::kScatterND, NoAttrs{},
                       {TestTensor::Make(DataType::kFloat32, {8}, {1, 2, 3, 4, 5, 6, 7, 8}),
                        TestTensor::Make(DataType::kInt32, {4, 1}, {4, 3, 1, 7}),
                        TestTensor::Make(DataType::kFloat32, {4}, {9, 10, 11, 12})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), (std::vector<double>{1, 11, 3, 10, 9, 6, 7, 12}));
  // wpt: Insert entire slices of a higher rank tensor
  const std::vector<double> a = {1, 2, 3, 4, 5, 6, 7, 8, 8, 7, 6, 5, 4, 3, 2, 1};
  const std::vector<double> b = {8, 7, 6, 5, 4, 3, 2, 1, 1, 2, 3, 4, 5, 6, 7, 8};
  const std::vector<double> u0 = {5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 8};
  const std::vector<double> u1 = {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4};
  auto cat = [](std::initializer_list<const std::vector<double>*> parts) {
    std::vector<double> v;
    for (const auto* p : parts) v.insert(v.end(), p->begin(), p->end());
    return v;
  };
  out = RunOrFail(OpKind::kScatterND, NoAttrs{},
                  {TestTensor::Make(DataType::kFloat32, {4, 4, 4}, cat({&a, &a, &b, &b})),
                   TestTensor::Make(DataType::kInt32, {2, 1}, {0, 2}),
                   TestTensor::Make(DataType::kFloat32, {2, 4, 4}, cat({&u0, &u1}))});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), cat({&u0, &a, &u1, &b}));
}

TEST(GatherScatterKernels, ScatterNDScalarUpdateAndOutOfRange) {
  // Full coordinates [5, -7] on [2, 3] -> clamped to [1, 0]; a later update to the same
  // element wins.
  auto out = RunOrFail(OpKind::kScatterND, NoAttrs{},
                       {TestTensor::Make(DataType::kUint8, {2, 3}, {0, 0, 0, 0, 0, 0}),
                        TestTensor::MakeInt(DataType::kInt64, {3, 2}, {5, -7, 0, -1, 1, 0}),
                        TestTensor::Make(DataType::kUint8, {3}, {1, 2, 3})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{0, 0, 2, 3, 0, 0}));
  out = RunOrFail(OpKind::kScatterND, NoAttrs{},
                  {TestTensor::Make(DataType::kInt32, {2, 2}, {0, 1, 2, 3}),
                   TestTensor::Make(DataType::kInt32, {2}, {-1, 0}),
                   TestTensor::Make(DataType::kInt32, {}, {9})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToInt64s(), (std::vector<int64_t>{0, 1, 9, 3}));
}

}  // namespace
}  // namespace webnn
