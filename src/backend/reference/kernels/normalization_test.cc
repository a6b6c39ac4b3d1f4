// Kernel tests of batchNormalization, instanceNormalization and layerNormalization: small
// hand-checked inputs, and cases copied from the W3C conformance vectors
// (/work/shared/conformance/*.json, wpt 0556bbc4, BSD-3-Clause).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "testing/op_runner.h"
#include "testing/ulp.h"

namespace webnn {
namespace {

using testing::F32;
using testing::RunOp;
using testing::TestTensor;
using testing::UlpDistance;

void ExpectUlp(const Result<std::vector<TestTensor>>& result, const std::vector<double>& expected,
               int64_t ulp) {
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  ASSERT_EQ(result->size(), 1u);
  const TestTensor& actual = (*result)[0];
  ASSERT_EQ(actual.desc.ElementCount(), expected.size());
  const std::vector<double> got = actual.ToDoubles();
  for (size_t i = 0; i < expected.size(); ++i) {
    if (got[i] == expected[i]) continue;
    EXPECT_LE(UlpDistance(actual.desc.dataType, got[i], expected[i]), ulp)
        << "element " << i << ": got " << got[i] << ", expected " << expected[i];
  }
}

TestTensor F16(std::vector<uint32_t> shape, const std::vector<double>& values) {
  return TestTensor::Make(DataType::kFloat16, std::move(shape), values);
}

// ---- batchNormalization -----------------------------------------------------------------------

BatchNormalizationAttrs Bn(uint32_t axis, double epsilon) {
  BatchNormalizationAttrs a;
  a.axis = axis;
  a.epsilon = epsilon;
  return a;
}

TEST(NormalizationKernel, BatchNormalizationPerChannel) {
  // Channels on axis 1: column 0 has mean 2, variance 4; column 1 mean 15, variance 25.
  const TestTensor x = F32({2, 2}, {1, 10, 3, 20});
  const TestTensor mean = F32({2}, {2, 15});
  const TestTensor variance = F32({2}, {4, 25});
  ExpectUlp(RunOp(OpKind::kBatchNormalization, Bn(1, 0), {x, mean, variance, {}, {}}),
            {-0.5, -1, 0.5, 1}, 0);
  // scale [2, 3], bias [1, -1].
  ExpectUlp(RunOp(OpKind::kBatchNormalization, Bn(1, 0),
                  {x, mean, variance, F32({2}, {2, 3}), F32({2}, {1, -1})}),
            {0, -4, 2, 2}, 0);
  // Only a bias.
  ExpectUlp(RunOp(OpKind::kBatchNormalization, Bn(1, 0),
                  {x, mean, variance, std::nullopt, F32({2}, {1, -1})}),
            {0.5, -2, 1.5, 0}, 0);
  // Channels on axis 0 of a [2, 3] input.
  ExpectUlp(RunOp(OpKind::kBatchNormalization, Bn(0, 0),
                  {F32({2, 3}, {1, 2, 3, 4, 5, 6}), F32({2}, {1, 2}), F32({2}, {1, 1}), {}, {}}),
            {0, 1, 2, 2, 3, 4}, 0);
}

TEST(NormalizationKernel, BatchNormalizationEpsilonIsCastToFloat16) {
  // With variance 0 the output is x / sqrt(epsilon), epsilon rounded to float16 first
  // (1e-5 -> 168 * 2^-24 = 1.00136e-5): 1 / sqrt(that) = 316.01, not 316.23.
  const double eps16 = HalfToFloat(FloatToHalf(1e-5f));
  ASSERT_NE(eps16, 1e-5);
  ExpectUlp(RunOp(OpKind::kBatchNormalization, Bn(0, 1e-5),
                  {F16({1}, {1}), F16({1}, {0}), F16({1}, {0}), {}, {}}),
            {1 / std::sqrt(eps16)}, 0);
}

TEST(NormalizationKernel, ConformanceBatchNormalizationFloat32NhwcAllOptions) {
  // "batchNormalization float32 4D NHWC tensor all options", ULP 6
  const TestTensor x =
      F32({2, 2, 2, 3},
          {-41.30733108520508, 83.02227020263672,   -40.90216064453125,   64.08863830566406,
           -80.08049011230469, 56.96306228637695,   -63.376670837402344,  -62.144378662109375,
           37.37249755859375,  -46.790367126464844, -0.10012771934270859, 57.046478271484375,
           82.05680084228516,  -21.35103988647461,  -85.36802673339844,   -86.1164321899414,
           -96.93824005126953, 62.35185241699219,   76.8831787109375,     -9.359310150146484,
           -68.4724349975586,  97.03362274169922,   80.20824432373047,    -12.10716724395752});
  const TestTensor mean = F32({3}, {51.629150390625, 99.36075592041016, -96.1473617553711});
  const TestTensor variance = F32({3}, {30.448015213012695, 86.36219024658203, 73.88455200195312});
  const TestTensor scale = F32({3}, {65.50171661376953, -71.007568359375, -5.569730758666992});
  const TestTensor bias = F32({3}, {64.2044677734375, 75.28591918945312, -84.57243347167969});
  ExpectUlp(RunOp(OpKind::kBatchNormalization, Bn(3, 1e-6), {x, mean, variance, scale, bias}),
            {-1039.0085734071204, 200.12613597546277,  -120.36987167541395, 212.10626540432202,
             1446.3732126569944,  -183.78396479879416, -1300.9852072279227, 1309.3257094058545,
             -171.08979404258523, -1104.0956031373803, 835.2536189871761,   -183.83801576309426,
             425.3993215144054,   997.6290832897452,   -91.55716013805052,  -1570.920072497096,
             1575.1810627320297,  -187.2757593197739,  363.98524710447384,  906.0018322105,
             -102.5050592863526,  603.1834043179756,   221.6277675074517,   -139.02827100419768},
            6);
}

TEST(NormalizationKernel, ConformanceBatchNormalizationFloat16) {
  // "batchNormalization float16 2D tensor default options", ULP 6
  const TestTensor x =
      F16({4, 6},
          {-41.3125,  64.0625,  -63.375,   -46.78125, 83,      -80.0625, -62.15625, -0.10009765625,
           -40.90625, 56.96875, 37.375,    57.03125,  82.0625, -86.125,  76.875,    97.0625,
           -21.34375, -96.9375, -9.359375, 80.1875,   -85.375, 62.34375, -68.5,     -12.109375});
  const TestTensor mean = F16({6}, {-7.8125, -95.625, 38.15625, -55.9375, -87.875, -41.625});
  const TestTensor variance = F16({6}, {60.3125, 26.4375, 53.28125, 40.15625, 59.40625, 36});
  ExpectUlp(
      RunOp(OpKind::kBatchNormalization, BatchNormalizationAttrs{}, {x, mean, variance, {}, {}}),
      {-4.3125,     31.0625,    -13.90625,  1.4453125, 22.171875,   -6.40625,
       -6.99609375, 18.578125,  -10.828125, 17.8125,   16.25,       16.4375,
       11.5703125,  1.84765625, 5.3046875,  24.140625, 8.6328125,   -9.21875,
       -0.19921875, 34.1875,    -16.921875, 18.671875, 2.513671875, 4.91796875},
      6);
}

// ---- instanceNormalization --------------------------------------------------------------------

InstanceNormalizationAttrs In(InputOperandLayout layout, double epsilon) {
  InstanceNormalizationAttrs a;
  a.layout = layout;
  a.epsilon = epsilon;
  return a;
}

TEST(NormalizationKernel, InstanceNormalizationLayouts) {
  // Channel 0 holds [1, 3] (mean 2, variance 1), channel 1 [0, 4] (mean 2, variance 4); both
  // normalize to [-1, 1]. scale [2, 3], bias [0, 1] give [-2, 2] and [-2, 4].
  const TestTensor scale = F32({2}, {2, 3});
  const TestTensor bias = F32({2}, {0, 1});
  ExpectUlp(RunOp(OpKind::kInstanceNormalization, In(InputOperandLayout::kNchw, 0),
                  {F32({1, 2, 1, 2}, {1, 3, 0, 4}), scale, bias}),
            {-2, 2, -2, 4}, 0);
  ExpectUlp(RunOp(OpKind::kInstanceNormalization, In(InputOperandLayout::kNhwc, 0),
                  {F32({1, 1, 2, 2}, {1, 0, 3, 4}), scale, bias}),
            {-2, -2, 2, 4}, 0);
  // Without scale and bias; two batches are normalized separately.
  ExpectUlp(RunOp(OpKind::kInstanceNormalization, In(InputOperandLayout::kNchw, 0),
                  {F32({2, 1, 1, 2}, {1, 3, 10, 30}), {}, {}}),
            {-1, 1, -1, 1}, 0);
}

TEST(NormalizationKernel, ConformanceInstanceNormalizationFloat32NhwcAllOptions) {
  // "instanceNormalization float32 4D tensor all options", ULP 840
  const TestTensor x =
      F32({2, 2, 2, 3},
          {-97.949951171875,   41.33772659301758,  35.82481384277344,  29.44037628173828,
           -59.77853012084961, -6.948329448699951, -73.92131042480469, -74.66901397705078,
           54.42462158203125,  -38.11185836791992, -68.16508483886719, 47.53074645996094,
           66.93562316894531,  37.37651062011719,  73.8739242553711,   76.74034881591797,
           56.252689361572266, -99.00035095214844, 5.6758809089660645, -16.574905395507812,
           -33.11322784423828, 25.68659210205078,  42.949893951416016, -17.380685806274414});
  const TestTensor scale = F32({3}, {-94.42772674560547, 66.69620513916016, -98.56572723388672});
  const TestTensor bias = F32({3}, {-33.048641204833984, 4.511423587799072, -37.93617248535156});
  ExpectUlp(
      RunOp(OpKind::kInstanceNormalization, In(InputOperandLayout::kNhwc, 1e-6), {x, scale, bias}),
      {70.77738189697266,   119.31526184082031, -50.821895599365234, -179.65554809570312,
       -22.847837448120117, 126.01134490966797, 23.540178298950195,  -43.782920837402344,
       -127.71744537353516, -46.8565788269043,  -34.6388053894043,   -99.2166976928711,
       -108.09159851074219, 22.237276077270508, -186.15142822265625, -139.83889770507812,
       67.60342407226562,   90.01669311523438,  90.26488494873047,   -107.4271011352539,
       -15.238543510437012, 25.471038818359375, 35.6320915222168,    -40.37141418457031},
      840);
}

TEST(NormalizationKernel, ConformanceInstanceNormalizationFloat16) {
  // "instanceNormalization float16 4D tensor options.epsilon"; wpt allows 8400 ULP, we hold the
  // double-precision kernel to 2.
  const TestTensor x =
      F16({2, 3, 2, 2},
          {-97.9375, 29.4375,     -73.9375,   -38.125,  41.34375, -59.78125, -74.6875,   -68.1875,
           35.8125,  -6.94921875, 54.4375,    47.53125, 66.9375,  76.75,     5.67578125, 25.6875,
           37.375,   56.25,       -16.578125, 42.9375,  73.875,   -99,       -33.125,    -17.375});
  ExpectUlp(RunOp(OpKind::kInstanceNormalization, In(InputOperandLayout::kNchw, 1e-6), {x, {}, {}}),
            {-1.099609375,    1.552734375,    -0.599609375,  0.1461181640625,  1.7216796875,
             -0.409912109375, -0.72412109375, -0.5869140625, 0.1302490234375,  -1.6630859375,
             0.9111328125,    0.62158203125,  0.79443359375, 1.130859375,      -1.3056640625,
             -0.61962890625,  0.265869140625, 0.9462890625,  -1.6787109375,    0.46630859375,
             1.50390625,      -1.2978515625,  -0.23046875,   0.024810791015625},
            2);
}

// ---- layerNormalization -----------------------------------------------------------------------

LayerNormalizationAttrs Ln(std::optional<std::vector<uint32_t>> axes, double epsilon) {
  LayerNormalizationAttrs a;
  a.axes = std::move(axes);
  a.epsilon = epsilon;
  return a;
}

TEST(NormalizationKernel, LayerNormalizationAxes) {
  const TestTensor x = F32({2, 2}, {1, 3, 0, 4});
  // Default axes [1]: rows [1, 3] and [0, 4] both normalize to [-1, 1].
  ExpectUlp(RunOp(OpKind::kLayerNormalization, Ln(std::nullopt, 0), {x, {}, {}}), {-1, 1, -1, 1},
            0);
  // Axes [0]: columns [1, 0] and [3, 4] normalize to [1, -1] and [-1, 1].
  ExpectUlp(RunOp(OpKind::kLayerNormalization, Ln(std::vector<uint32_t>{0}, 0), {x, {}, {}}),
            {1, -1, -1, 1}, 0);
  // Empty axes: every element is its own group: (x - x) / sqrt(epsilon) + bias = bias.
  ExpectUlp(RunOp(OpKind::kLayerNormalization, Ln(std::vector<uint32_t>{}, 1e-5),
                  {x, std::nullopt, F32({}, {7})}),
            {7, 7, 7, 7}, 0);
}

TEST(NormalizationKernel, LayerNormalizationScaleFollowsTheOrderOfAxes) {
  // Over all of [[0, 0, 0], [6, 6, 6]] (mean 3, variance 9) row 0 normalizes to -1, row 1 to 1.
  // With axes [1, 0] the scale has shape [3, 2]: element (i, j) uses scale[j][i].
  const TestTensor x = F32({2, 3}, {0, 0, 0, 6, 6, 6});
  const TestTensor scale = F32({3, 2}, {1, 2, 3, 4, 5, 6});
  ExpectUlp(RunOp(OpKind::kLayerNormalization, Ln(std::vector<uint32_t>{1, 0}, 0),
                  {x, scale, std::nullopt}),
            {-1, -3, -5, 2, 4, 6}, 0);
}

TEST(NormalizationKernel, ConformanceLayerNormalizationScalar) {
  // "layerNormalization float32 0D tensor default options": nothing to reduce over, output 0.
  ExpectUlp(RunOp(OpKind::kLayerNormalization, LayerNormalizationAttrs{},
                  {F32({}, {-35.51446533203125}), {}, {}}),
            {0}, 14);
}

TEST(NormalizationKernel, ConformanceLayerNormalizationFloat32AllOptions) {
  // "layerNormalization float32 4D tensor all options", ULP 14
  const TestTensor x =
      F32({2, 1, 4, 3},
          {-35.51446533203125,  54.735408782958984, 19.659019470214844, -15.882678031921387,
           65.48657989501953,   25.818492889404297, 97.55302429199219,  -8.057161331176758,
           62.9412956237793,    -48.91555404663086, 91.90644073486328,  46.67098617553711,
           -74.85331726074219,  30.126361846923828, 26.13089370727539,  59.30270767211914,
           -60.361995697021484, 18.55615234375,     -88.03730773925781, -26.5667724609375,
           70.81292724609375,   9.105611801147461,  56.66746139526367,  21.78444480895996});
  const TestTensor scale =
      F32({2, 3, 1}, {7.715926647186279, 1.7371079921722412, 9.13965129852295, 5.758823394775391,
                      -2.8198351860046387, -0.6866958141326904});
  const TestTensor bias =
      F32({2, 3, 1}, {-8.710672378540039, -7.642981052398682, 4.937538146972656,
                      -2.1876745223999023, -4.067612648010254, -6.836254596710205});
  ExpectUlp(RunOp(OpKind::kLayerNormalization, Ln(std::vector<uint32_t>{0, 3, 1}, 1e-4),
                  {x, scale, bias}),
            {-15.487034797668457, -5.628695964813232,  8.29687786102295,    -14.294686317443848,
             -5.639192581176758,  7.11608362197876,    0.7769554257392883,  -8.346451759338379,
             11.279659271240234,  -22.506288528442383, -5.173816204071045,  8.506545066833496,
             -12.360523223876953, -5.77052116394043,   -7.18900203704834,   3.6336634159088135,
             0.8666883707046509,  -6.884884357452393,  -11.648612976074219, -2.117840528488159,
             -7.396423816680908,  -4.869131088256836,  -5.8111701011657715, -6.714934349060059},
            14);
}

TEST(NormalizationKernel, ConformanceLayerNormalizationFloat16BiasAxes312) {
  // "layerNormalization float16 4D tensor options.bias and options.axes=[3, 1, 2]", ULP 14
  const TestTensor x =
      F16({2, 1, 4, 3},
          {-35.5,   54.75,     19.65625, -15.8828125, 65.5,    25.8125,  97.5625,  -8.0546875,
           62.9375, -48.90625, 91.9375,  46.65625,    -74.875, 30.125,   26.125,   59.3125,
           -60.375, 18.5625,   -88.0625, -26.5625,    70.8125, 9.109375, 56.65625, 21.78125});
  const TestTensor bias =
      F16({3, 1, 4}, {-0.1396484375, -6.15625, 4.36328125, 8.859375, 9.7734375, -3.462890625,
                      9.7421875, -0.39599609375, -8.5, 6.171875, -2.892578125, 1.7216796875});
  ExpectUlp(RunOp(OpKind::kLayerNormalization, Ln(std::vector<uint32_t>{3, 1, 2}, 1e-5),
                  {x, std::nullopt, bias}),
            {-1.544921875,  10.3125,    -8.71875,    -7.140625,   -2.69140625,  6.08984375,
             5.82421875,    8.9296875,  -2.17578125, 7.1640625,   0.9453125,    2.087890625,
             -1.6630859375, 10.2890625, -8.0625,     -5.07421875, -4.703125,    6.46484375,
             2.583984375,   9.15625,    -1.5859375,  8.96875,     0.6357421875, 2.076171875},
            14);
}

}  // namespace
}  // namespace webnn
