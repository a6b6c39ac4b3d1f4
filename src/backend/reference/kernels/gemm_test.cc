// Tests of the gemm and matmul reference kernels: hand-checked results, broadcasting, the cast
// of alpha/beta, and cases from the W3C web-platform-tests conformance data (wpt commit
// 0556bbc4, 3-Clause BSD license).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "testing/op_runner.h"

namespace webnn {
namespace {

using testing::RunOp;
using testing::TestTensor;

// Distance in ULPs as wpt measures it (float32: sign-magnitude bit patterns; float16: raw bits).
int64_t UlpDistance(DataType type, double actual, double expected) {
  if (actual == expected) return 0;
  if (type == DataType::kFloat16) {
    return std::abs(int64_t{FloatToHalf(static_cast<float>(actual))} -
                    int64_t{FloatToHalf(static_cast<float>(expected))});
  }
  auto bits = [](double v) {
    const float f = std::fabs(static_cast<float>(v));
    int32_t b;
    std::memcpy(&b, &f, sizeof(b));
    return v < 0 ? -int64_t{b} : int64_t{b};
  };
  return std::abs(bits(actual) - bits(expected));
}

void ExpectUlpNear(const TestTensor& out, const std::vector<double>& expected, int64_t ulp) {
  const std::vector<double> got = out.ToDoubles();
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_LE(UlpDistance(out.desc.dataType, got[i], expected[i]), ulp)
        << "element " << i << ": got " << got[i] << ", expected " << expected[i];
  }
}

TestTensor F32(std::vector<uint32_t> shape, const std::vector<double>& values) {
  return TestTensor::Make(DataType::kFloat32, std::move(shape), values);
}
TestTensor F16(std::vector<uint32_t> shape, const std::vector<double>& values) {
  return TestTensor::Make(DataType::kFloat16, std::move(shape), values);
}

// ---- gemm ------------------------------------------------------------------------------------

// a = [[1, 2, 3], [4, 5, 6]], b = [[1, 0], [0, 1], [1, 1]]: a * b = [[4, 5], [10, 11]].
const std::vector<double> kA = {1, 2, 3, 4, 5, 6};
const std::vector<double> kAt = {1, 4, 2, 5, 3, 6};  // a transposed, [3, 2]
const std::vector<double> kB = {1, 0, 0, 1, 1, 1};
const std::vector<double> kBt = {1, 0, 1, 0, 1, 1};  // b transposed, [2, 3]

TEST(GemmKernel, HandChecked) {
  for (DataType type : {DataType::kFloat32, DataType::kFloat16}) {
    SCOPED_TRACE(DataTypeName(type));
    auto r = RunOp(
        OpKind::kGemm, GemmAttrs{},
        {TestTensor::Make(type, {2, 3}, kA), TestTensor::Make(type, {3, 2}, kB), std::nullopt});
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{2, 2}));
    EXPECT_EQ((*r)[0].desc.dataType, type);
    EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{4, 5, 10, 11}));
  }
}

TEST(GemmKernel, TransposesAlphaBetaAndBroadcastC) {
  GemmAttrs a;
  a.aTranspose = true;
  a.bTranspose = true;
  a.alpha = 2;
  a.beta = -1;
  // c [2, 1] broadcasts along the columns.
  auto r = RunOp(OpKind::kGemm, a, {F32({3, 2}, kAt), F32({2, 3}, kBt), F32({2, 1}, {1, 100})});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{7, 9, -80, -78}));
  // A scalar c, and c [2] broadcasting along the rows.
  a.aTranspose = a.bTranspose = false;
  r = RunOp(OpKind::kGemm, a, {F32({2, 3}, kA), F32({3, 2}, kB), F32({}, {0.5})});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{7.5, 9.5, 19.5, 21.5}));
  r = RunOp(OpKind::kGemm, a, {F32({2, 3}, kA), F32({3, 2}, kB), F32({2}, {1, 2})});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{7, 8, 19, 20}));
}

TEST(GemmKernel, AlphaAndBetaAreCastToTheOperandType) {
  // alpha = 1 + 2^-25 is 1 in float32, so alpha * (1 * 1) - 1 * 1 is exactly 0; without the
  // cast the result would be 2^-25.
  GemmAttrs a;
  a.alpha = 1 + std::ldexp(1.0, -25);
  a.beta = -1;
  auto r = RunOp(OpKind::kGemm, a, {F32({1, 1}, {1}), F32({1, 1}, {1}), F32({1, 1}, {1})});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{0}));
  // In float16, alpha = 1 + 2^-12 is 1.
  a.alpha = 1 + std::ldexp(1.0, -12);
  r = RunOp(OpKind::kGemm, a, {F16({1, 1}, {1}), F16({1, 1}, {1}), F16({1, 1}, {1})});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{0}));
}

// wpt: "gemm two float32 2D tensors all options"
TEST(GemmKernel, WptAllOptions) {
  const TestTensor a =
      F32({4, 3}, {82.98884582519531, 18.9648494720459, 50.51683807373047, 90.51641082763672,
                   43.89479446411133, 40.45679473876953, 59.638519287109375, 98.89488220214844,
                   50.76741409301758, 36.271873474121094, 91.46013641357422, 9.336554527282715});
  const TestTensor b = F32(
      {5, 4}, {25.14739227294922,  0.0037256532814353704, 75.74880981445312, 42.90679168701172,
               66.6923828125,      16.4991455078125,      96.60688018798828, 34.08055114746094,
               63.29909896850586,  3.036668062210083,     99.10041809082031, 87.37654876708984,
               10.629964828491211, 93.14022064208984,     23.2437744140625,  92.34209442138672,
               61.32737731933594,  70.08265686035156,     86.11856842041016, 60.32209014892578});
  const TestTensor c =
      F32({3, 5}, {82.77201843261719, 91.38520812988281, 12.651897430419922, 20.12200355529785,
                   68.51224517822266, 35.202415466308594, 13.33466625213623, 50.78546905517578,
                   88.61195373535156, 30.577470779418945, 69.47061920166016, 7.166217803955078,
                   28.337108612060547, 90.69412231445312, 71.23025512695312});
  GemmAttrs attrs;
  attrs.alpha = 74.43204170482103;
  attrs.beta = 62.01828598608989;
  attrs.aTranspose = true;
  attrs.bTranspose = true;
  auto r = RunOp(OpKind::kGemm, attrs, {a, b, c});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{3, 5}));
  ExpectUlpNear((*r)[0],
                {612584.25, 1049638.375, 1088050.75, 1046908.875, 1400378.125, 887367.0625,
                 1091999.0, 1426718.125, 1124527.625, 1361999.125, 414927.0, 689630.625,
                 684105.1875, 478069.46875, 813389.875},
                11);
}

// wpt: "gemm two float16 2D tensors options.alpha" and "... scalar options.c"
TEST(GemmKernel, WptFloat16) {
  GemmAttrs attrs;
  attrs.alpha = 74.43204170482103;
  auto r = RunOp(OpKind::kGemm, attrs,
                 {F16({3, 4}, {0.455810546875, 0.89501953125, 0.1544189453125, 0.25244140625,
                               0.359130859375, 0.61376953125, 0.2164306640625, 0.347412109375,
                               0.90966796875, 0.91455078125, 0.59765625, 0.409912109375}),
                  F16({4, 5}, {0.084228515625, 0.6025390625,   0.370361328125, 0.474365234375,
                               0.93115234375,  0.72998046875,  0.76806640625,  0.759765625,
                               0.673828125,    0.480224609375, 0.12255859375,  0.71044921875,
                               0.90478515625,  0.1796875,      0.55322265625,  0.0193939208984375,
                               0.290771484375, 0.2197265625,   0.80859375,     0.102783203125}),
                  std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message();
  ExpectUlpNear((*r)[0],
                {53.25, 85.25, 77.6875, 78.25, 71.875, 38.0625, 70.1875, 64.875, 67.25, 58.40625,
                 61.4375, 133.5, 123.75, 110.625, 123.5},
                9);

  r = RunOp(OpKind::kGemm, GemmAttrs{},
            {F16({3, 4}, {0.966796875, 0.87353515625, 0.9384765625, 0.9091796875, 0.81396484375,
                          0.73876953125, 0.1455078125, 0.08917236328125, 0.7900390625, 0.271484375,
                          0.21240234375, 0.393310546875}),
             F16({4, 5},
                 {0.52587890625,    0.219482421875, 0.666015625,   0.5078125,       0.2279052734375,
                  0.12420654296875, 0.890625,       0.6884765625,  0.779296875,     0.7548828125,
                  0.92578125,       0.669921875,    0.60498046875, 0.1966552734375, 0.986328125,
                  0.533203125,      0.62744140625,  0.732421875,   0.5947265625,    0.33837890625}),
             F16({}, {0.95361328125})});
  ASSERT_TRUE(r.ok()) << r.error().message();
  ExpectUlpNear((*r)[0],
                {2.923828125, 3.142578125, 3.431640625, 2.849609375, 3.06640625, 1.6552734375,
                 1.943359375, 2.158203125, 2.0234375, 1.8701171875, 1.8095703125, 1.7578125,
                 2.083984375, 1.841796875, 1.681640625},
                9);
}

// ---- matmul ----------------------------------------------------------------------------------

TEST(MatmulKernel, HandChecked) {
  auto r = RunOp(OpKind::kMatmul, NoAttrs{}, {F32({2, 3}, kA), F32({3, 2}, kB)});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{2, 2}));
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{4, 5, 10, 11}));
}

TEST(MatmulKernel, BatchDimensionsBroadcast) {
  // a: [2, 1, 1, 2] (two 1x2 rows), b: [3, 2, 1] (three 2x1 columns) -> [2, 3, 1, 1].
  for (DataType type : {DataType::kFloat32, DataType::kFloat16}) {
    SCOPED_TRACE(DataTypeName(type));
    auto r = RunOp(OpKind::kMatmul, NoAttrs{},
                   {TestTensor::Make(type, {2, 1, 1, 2}, {1, 2, 3, 4}),
                    TestTensor::Make(type, {3, 2, 1}, {1, 0, 0, 1, 1, 1})});
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{2, 3, 1, 1}));
    EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{1, 2, 3, 3, 4, 7}));
  }
}

// wpt: "matmul float32 4D and 3D tensors"
TEST(MatmulKernel, Wpt4dAnd3d) {
  const TestTensor a =
      F32({2, 2, 3, 4},
          {33.75957107543945,  97.24552917480469,  83.7085189819336,   64.53984069824219,
           29.57938003540039,  17.19923973083496,  67.94749450683594,  97.45838165283203,
           54.449283599853516, 29.552200317382812, 51.99970245361328,  36.03101348876953,
           9.701058387756348,  27.04842185974121,  6.020919322967529,  22.940902709960938,
           53.1243896484375,   15.292234420776367, 48.21302795410156,  87.40799713134766,
           51.34442138671875,  21.1557559967041,   27.589487075805664, 58.412384033203125,
           5.963276386260986,  84.74938201904297,  55.45738220214844,  50.858699798583984,
           23.763574600219727, 62.330928802490234, 35.774959564208984, 17.340242385864258,
           29.16901397705078,  23.191360473632812, 27.060928344726562, 1.2828527688980103,
           8.720425605773926,  48.45281219482422,  99.0130386352539,   65.86412048339844,
           92.69683074951172,  85.43540954589844,  37.49127960205078,  51.397132873535156,
           53.19015121459961,  38.33119201660156,  75.20586395263672,  3.8537938594818115});
  const TestTensor b = F32(
      {2, 4, 5}, {70.38780212402344,  25.48917579650879,  28.254196166992188, 84.5148696899414,
                  58.873416900634766, 46.252838134765625, 24.897335052490234, 44.0944938659668,
                  51.86564636230469,  1.123237133026123,  4.187554836273193,  71.24649810791016,
                  16.034526824951172, 23.677297592163086, 61.27727508544922,  65.15946197509766,
                  58.39249801635742,  70.12741088867188,  9.11972713470459,   24.179977416992188,
                  84.4263687133789,   78.55551147460938,  38.48297119140625,  80.6541519165039,
                  57.152122497558594, 46.109710693359375, 28.41227912902832,  90.92566680908203,
                  94.66068267822266,  61.77287673950195,  60.324859619140625, 70.97433471679688,
                  10.631051063537598, 55.61628341674805,  35.052310943603516, 22.12839126586914,
                  38.19757843017578,  78.17564392089844,  62.57684326171875,  88.35256958007812});
  auto r = RunOp(OpKind::kMatmul, NoAttrs{}, {a, b});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{2, 2, 3, 5}));
  ExpectUlpNear(
      (*r)[0],
      {11430.05859375,    13014.2392578125,  11110.080078125,   10467.46484375,   8786.7724609375,
       9512.4111328125,   11714.0283203125,  9518.1435546875,   5889.55419921875, 8280.9365234375,
       7764.95166015625,  7932.3759765625,   6202.0625,         7694.32373046875, 7296.4384765625,
       2937.076416015625, 2834.196533203125, 4690.14990234375,  5113.283203125,   4463.22998046875,
       10032.8623046875,  11368.3623046875,  10780.572265625,   13883.421875,     13393.5166015625,
       8267.212890625,    8823.828125,       8759.2177734375,   11333.4462890625, 10369.25390625,
       7885.7978515625,   9182.943359375,    8361.2900390625,   6676.46533203125, 5074.3115234375,
       5835.33837890625,  5718.96875,        5209.5322265625,   6246.40185546875, 4080.533935546875,
       3322.71826171875,  3323.802490234375, 2370.630615234375, 4320.47900390625, 3432.568115234375,
       10400.7939453125,  11604.9267578125,  10942.7744140625,  14918.220703125,  12781.3603515625,
       15164.451171875,   14333.4267578125,  15752.0966796875,  20865.154296875,  16430.63671875,
       10880.1533203125,  10752.34765625,    6632.99462890625,  12342.2919921875, 8384.3896484375},
      8);
}

// wpt: "matmul float16 5D and 2D tensors"
TEST(MatmulKernel, WptFloat16With2dB) {
  const TestTensor a =
      F16({2, 2, 1, 3, 4},
          {33.75,       97.25,    83.6875,   64.5625,    29.578125, 17.203125,  67.9375,
           97.4375,     54.4375,  29.546875, 52.0,       36.03125,  9.703125,   27.046875,
           6.01953125,  22.9375,  53.125,    15.2890625, 48.21875,  87.4375,    51.34375,
           21.15625,    27.59375, 58.40625,  5.96484375, 84.75,     55.46875,   50.84375,
           23.765625,   62.34375, 35.78125,  17.34375,   29.171875, 23.1875,    27.0625,
           1.283203125, 8.71875,  48.4375,   99.0,       65.875,    92.6875,    85.4375,
           37.5,        51.40625, 53.1875,   38.34375,   75.1875,   3.853515625});
  const TestTensor b =
      F16({4, 5}, {88.1875, 78.375,    14.8203125, 3.69140625, 45.90625,   43.09375,   47.1875,
                   60.9375, 8.1640625, 20.328125,  20.4375,    27.015625,  15.6015625, 87.5,
                   65.8125, 69.3125,   31.984375,  12.2890625, 13.3046875, 85.25});
  auto r = RunOp(OpKind::kMatmul, NoAttrs{}, {a, b});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{2, 2, 1, 3, 5}));
  ExpectUlpNear(
      (*r)[0], {13352.0, 11560.0, 8528.0, 9104.0, 14536.0, 11488.0, 8080.0, 3744.0, 7492.0, 14488.0,
                9632.0,  8216.0,  3862.0, 5472.0, 9592.0,  3734.0,  2934.0, 2168.0, 1089.0, 3346.0,
                12392.0, 8984.0,  3546.0, 5704.0, 13376.0, 10048.0, 7636.0, 3198.0, 3554.0, 9584.0,
                8832.0,  7592.0,  6744.0, 6244.0, 9984.0,  6716.0,  6324.0, 4924.0, 3958.0, 6192.0,
                4212.0,  4152.0,  2284.0, 2682.0, 3700.0,  9448.0,  7752.0, 5436.0, 9968.0, 13520.0,
                16184.0, 13952.0, 7796.0, 5004.0, 12840.0, 8148.0,  8132.0, 4344.0, 7140.0, 8496.0},
      8);
}

}  // namespace
}  // namespace webnn
