// Tests of the resample2d reference kernel: the spec's worked example, hand-checked
// nearest-neighbor and integer cases, and cases from the W3C web-platform-tests conformance
// data (wpt commit 0556bbc4, 3-Clause BSD license).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "testing/op_runner.h"
#include "testing/ulp.h"

namespace webnn {
namespace {

using testing::ExpectUlpNear;
using testing::F32;
using testing::RunOp;
using testing::TestTensor;

Result<std::vector<TestTensor>> Resample(const Resample2dAttrs& a, const TestTensor& x) {
  return RunOp(OpKind::kResample2d, a, {x});
}

// The note under https://www.w3.org/TR/webnn/#api-mlgraphbuilder-resample2d-method: a 4x4
// input resampled linearly to 8x8 (float32 and float16; every value is exact in both).
TEST(Resample2dKernel, SpecLinearExample) {
  const std::vector<double> input = {0, 1, 2, 3, 0, 1, 2, 3, 12, 13, 14, 15, 12, 13, 14, 15};
  const std::vector<double> row = {0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3};
  const std::vector<double> row_offsets = {0, 0, 0, 3, 9, 12, 12, 12};
  std::vector<double> expected;
  for (double offset : row_offsets) {
    for (double v : row) expected.push_back(v + offset);
  }
  Resample2dAttrs a;
  a.mode = InterpolationMode::kLinear;
  a.sizes = UintList{8, 8};
  for (DataType type : {DataType::kFloat32, DataType::kFloat16}) {
    auto r = Resample(a, TestTensor::Make(type, {1, 1, 4, 4}, input));
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{1, 1, 8, 8}));
    EXPECT_EQ((*r)[0].desc.dataType, type);
    EXPECT_EQ((*r)[0].ToDoubles(), expected) << DataTypeName(type);
  }
}

TEST(Resample2dKernel, NearestNeighbor) {
  // Upsampling by 2 repeats each element in a 2x2 block.
  Resample2dAttrs up;
  up.scales = std::vector<float>{2, 2};
  auto r = Resample(up, F32({1, 1, 2, 2}, {1, 2, 3, 4}));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].ToDoubles(),
            (std::vector<double>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}));

  // Downsampling 4 -> 2 samples input coordinates 0.5 and 2.5: halves round down (0 and 2).
  Resample2dAttrs down;
  down.sizes = UintList{1, 2};
  r = Resample(down, F32({1, 1, 1, 4}, {1, 2, 3, 4}));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{1, 3}));
}

TEST(Resample2dKernel, IntegerTypes) {
  // Nearest-neighbor copies the values exactly.
  Resample2dAttrs nearest;
  nearest.sizes = UintList{1, 4};
  auto r = Resample(nearest, TestTensor::MakeInt(DataType::kInt8, {1, 1, 1, 2}, {-128, 127}));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].ToInt64s(), (std::vector<int64_t>{-128, -128, 127, 127}));

  // Linear: input coordinates 0, 0.25, 0.75, 1; results round to the nearest integer.
  Resample2dAttrs linear = nearest;
  linear.mode = InterpolationMode::kLinear;
  r = Resample(linear, TestTensor::MakeInt(DataType::kUint8, {1, 1, 1, 2}, {0, 255}));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].ToInt64s(), (std::vector<int64_t>{0, 64, 191, 255}));  // 63.75, 191.25
  r = Resample(linear, TestTensor::MakeInt(DataType::kInt8, {1, 1, 1, 2}, {-128, 127}));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].ToInt64s(), (std::vector<int64_t>{-128, -64, 63, 127}));  // -64.25, 63.25
}

TEST(Resample2dKernel, LinearKeepsInfinityAtExactPositions) {
  // Output coordinates that land exactly on an input element take it alone: the infinite
  // neighbour is not multiplied by a zero weight.
  Resample2dAttrs a;
  a.mode = InterpolationMode::kLinear;
  a.sizes = UintList{1, 3};
  auto r = Resample(a, F32({1, 1, 1, 3}, {1, 2, INFINITY}));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{1, 2, INFINITY}));
}

const std::vector<double> kWptInput = {59.92947006225586, 41.98918914794922, 66.39534759521484,
                                       90.7006607055664,  86.95105743408203, 79.10005187988281};

// wpt: "resample2d(upsample) float32 4D tensor options.scales options.mode='linear'"
TEST(Resample2dKernel, WptLinearScales) {
  Resample2dAttrs a;
  a.mode = InterpolationMode::kLinear;
  a.scales = std::vector<float>{2, 2};
  auto r = Resample(a, F32({1, 1, 2, 3}, kWptInput));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{1, 1, 4, 6}));
  ExpectUlpNear((*r)[0],
                {59.92947006225586, 55.444400787353516, 46.47425842285156, 48.090728759765625,
                 60.29380798339844, 66.39534759521484,  67.62226867675781, 64.02411651611328,
                 56.82780838012695, 57.31512451171875,  65.48605346679688, 69.57152557373047,
                 83.00786590576172, 81.18354797363281,  77.534912109375,   75.76390838623047,
                 75.87055206298828, 75.92387390136719,  90.7006607055664,  89.76325988769531,
                 87.88845825195312, 84.9883041381836,   81.06280517578125, 79.10005187988281},
                84);
}

// wpt: "resample2d(upsample) float32 4D tensor options.axes=[0, 1]" and "axes=[1, 2]"
TEST(Resample2dKernel, WptAxes) {
  const double a = kWptInput[0], b = kWptInput[1], c = kWptInput[2];
  const double d = kWptInput[3], e = kWptInput[4], f = kWptInput[5];
  Resample2dAttrs batch_axes;
  batch_axes.sizes = UintList{6, 4};
  batch_axes.axes = UintList{0, 1};
  auto r = Resample(batch_axes, F32({3, 2, 1, 1}, kWptInput));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{6, 4, 1, 1}));
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{a, a, b, b, a, a, b, b, c, c, d, d,
                                                      c, c, d, d, e, e, f, f, e, e, f, f}));
  // The same sizes given for the axes in the other order.
  Resample2dAttrs reversed;
  reversed.sizes = UintList{4, 6};
  reversed.axes = UintList{1, 0};
  r = Resample(reversed, F32({3, 2, 1, 1}, kWptInput));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{6, 4, 1, 1}));
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{a, a, b, b, a, a, b, b, c, c, d, d,
                                                      c, c, d, d, e, e, f, f, e, e, f, f}));

  Resample2dAttrs middle_axes;
  middle_axes.sizes = UintList{4, 6};
  middle_axes.axes = UintList{1, 2};
  r = Resample(middle_axes, F32({1, 2, 3, 1}, kWptInput));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{1, 4, 6, 1}));
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{a, a, b, b, c, c, a, a, b, b, c, c,
                                                      d, d, e, e, f, f, d, d, e, e, f, f}));
}

}  // namespace
}  // namespace webnn
