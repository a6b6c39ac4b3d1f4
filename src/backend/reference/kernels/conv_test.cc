// Tests of the conv2d and convTranspose2d reference kernels: hand-checked results, cases from
// the W3C web-platform-tests conformance data (wpt commit 0556bbc4, 3-Clause BSD license), and
// every layout / groups / padding / stride / dilation combination against a direct evaluation
// of the defining sums.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "backend/reference/tensor_util.h"
#include "testing/op_runner.h"
#include "testing/ulp.h"

namespace webnn {
namespace {

using testing::ExpectUlpNear;
using testing::F32;
using testing::RunOp;
using testing::TestTensor;

// Deterministic values in [-1, 1), exactly representable in float16.
std::vector<double> Pseudorandom(size_t n, uint32_t seed) {
  std::vector<double> v(n);
  uint32_t s = seed;
  for (double& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<double>(static_cast<int32_t>(s >> 22) - 512) / 512.0;
  }
  return v;
}

// Transposes a 4-D row-major array: dimension i of the result is dimension perm[i] of src.
std::vector<double> Transpose(const std::vector<double>& src, const std::vector<uint32_t>& shape,
                              std::array<size_t, 4> perm, std::vector<uint32_t>* out_shape) {
  const std::vector<size_t> strides = reference::Strides(shape);
  std::vector<uint32_t> dims(4);
  for (size_t i = 0; i < 4; ++i) dims[i] = shape[perm[i]];
  std::vector<double> dst;
  for (size_t a = 0; a < dims[0]; ++a) {
    for (size_t b = 0; b < dims[1]; ++b) {
      for (size_t c = 0; c < dims[2]; ++c) {
        for (size_t d = 0; d < dims[3]; ++d) {
          dst.push_back(src[a * strides[perm[0]] + b * strides[perm[1]] + c * strides[perm[2]] +
                            d * strides[perm[3]]]);
        }
      }
    }
  }
  *out_shape = dims;
  return dst;
}

// ---- conv2d ----------------------------------------------------------------------------------

TEST(Conv2dKernel, HandChecked) {
  // 1..9 in a 3x3 image, a 2x2 filter of ones: each output is the sum of a 2x2 block.
  const TestTensor x = F32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  const TestTensor ones = F32({1, 1, 2, 2}, {1, 1, 1, 1});
  auto r = RunOp(OpKind::kConv2d, Conv2dAttrs{}, {x, ones, std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{1, 1, 2, 2}));
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{12, 16, 24, 28}));

  // Dilation 2: the corners 1 + 3 + 7 + 9; with a bias of 0.5.
  Conv2dAttrs dilated;
  dilated.dilations = UintList{2, 2};
  r = RunOp(OpKind::kConv2d, dilated, {x, ones, F32({1}, {0.5})});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{20.5}));

  // Padding 1 on every side and stride 2: windows at rows/cols -1 and 1.
  Conv2dAttrs padded;
  padded.padding = UintList{1, 1, 1, 1};
  padded.strides = UintList{2, 2};
  r = RunOp(OpKind::kConv2d, padded, {x, ones, std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{1, 2 + 3, 4 + 7, 5 + 6 + 8 + 9}));
}

TEST(Conv2dKernel, OutputOnlyInPaddingIsTheBias) {
  // A 1x1 image padded by 1 with asymmetric padding: only one output sees the input.
  Conv2dAttrs a;
  a.padding = UintList{1, 0, 0, 2};
  auto r = RunOp(OpKind::kConv2d, a,
                 {F32({1, 1, 1, 1}, {3}), F32({2, 1, 1, 1}, {2, -1}), F32({2}, {0.25, 10})});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{1, 2, 2, 3}));
  EXPECT_EQ((*r)[0].ToDoubles(),
            (std::vector<double>{0.25, 0.25, 0.25, 6.25, 0.25, 0.25, 10, 10, 10, 7, 10, 10}));
}

// wpt: "conv2d float32 4D input and filter tensors options.padding"
TEST(Conv2dKernel, WptPadding) {
  const TestTensor x =
      F32({1, 1, 5, 5},
          {0.6124474406242371,  0.8857858777046204,   0.13667134940624237, 0.5645291209220886,
           0.8965172171592712,  0.36792829632759094,  0.6811466217041016,  0.0479511022567749,
           0.33355462551116943, 0.19882695376873016,  0.41167140007019043, 0.07934240251779556,
           0.4272463321685791,  0.535800576210022,    0.5910806059837341,  0.28415432572364807,
           0.4147258698940277,  0.026906268671154976, 0.3621256649494171,  0.9945681691169739,
           0.07184549421072006, 0.12204372137784958,  0.8422137498855591,  0.4537501037120819,
           0.21529443562030792});
  const TestTensor w =
      F32({1, 1, 3, 3}, {0.3804761469364166, 0.5280312299728394, 0.21947036683559418,
                         0.36689770221710205, 0.33974137902259827, 0.4200059771537781,
                         0.3805030882358551, 0.19443586468696594, 0.5686976909637451});
  Conv2dAttrs a;
  a.padding = UintList{1, 1, 1, 1};
  auto r = RunOp(OpKind::kConv2d, a, {x, w, std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message();
  ExpectUlpNear((*r)[0],
                {1.0390141010284424, 0.882753312587738,  1.0667248964309692, 0.8146538734436035,
                 0.6772860884666443, 1.0540467500686646, 1.5323282480239868, 1.3573521375656128,
                 1.3641656637191772, 1.1969101428985596, 0.8080586791038513, 1.071682333946228,
                 1.1259644031524658, 1.4713115692138672, 0.960464596748352,  0.5888903141021729,
                 1.078782320022583,  1.155018925666809,  1.656954288482666,  1.2012416124343872,
                 0.3167303800582886, 0.7545653581619263, 0.7729666829109192, 0.9733180403709412,
                 0.9025675058364868},
                18);
}

// wpt: "depthwise conv2d float32 4D input and filter tensors options.groups= input_channels"
TEST(Conv2dKernel, WptDepthwise) {
  const TestTensor x =
      F32({1, 4, 2, 2},
          {0.8444867730140686, 0.9432409405708313, 0.6556113362312317, 0.6982811689376831,
           0.9994443655014038, 0.23663610219955444, 0.36740678548812866, 0.2619246542453766,
           0.6254158616065979, 0.8403863906860352, 0.3783077001571655, 0.4543924033641815,
           0.25327208638191223, 0.5780375599861145, 0.5414554476737976, 0.37846308946609497});
  const TestTensor w =
      F32({4, 1, 2, 2},
          {0.27221617102622986, 0.281202495098114, 0.854483962059021, 0.1796930730342865,
           0.7762278318405151, 0.5140685439109802, 0.6374202966690063, 0.12801742553710938,
           0.8373776078224182, 0.5726001858711243, 0.09855203330516815, 0.5929878950119019,
           0.5900803804397583, 0.9690897464752197, 0.23175589740276337, 0.14805112779140472});
  Conv2dAttrs a;
  a.groups = 4;
  auto r = RunOp(OpKind::kConv2d, a, {x, w, std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{1, 4, 1, 1}));
  ExpectUlpNear((*r)[0],
                {1.1808103322982788, 1.165167212486267, 1.311646819114685, 0.8911385536193848}, 8);
}

const std::vector<double> kWptLayoutInput = {
    0.7529087066650391,  0.7520291805267334, 0.5949527621269226,  0.2163185328245163,
    0.07589349150657654, 0.151067852973938,  0.1212485060095787,  0.5364335179328918,
    0.5937089920043945,  0.991003155708313,  0.3630942404270172,  0.9289674162864685,
    0.22727376222610474, 0.5414124131202698, 0.08445341885089874, 0.6765284538269043,
    0.6193256378173828,  0.3929215967655182};

// wpt: "conv2d float32 4D input and filter tensors options.inputLayout='nhwc' and
// options.filterLayout='ihwo'"
TEST(Conv2dKernel, WptNhwcIhwo) {
  const TestTensor w =
      F32({1, 2, 2, 3},
          {0.14543837308883667, 0.6952692270278931, 0.3072136342525482, 0.9671129584312439,
           0.5070913434028625, 0.43241235613822937, 0.10836050659418106, 0.08139707148075104,
           0.9849002361297607, 0.3202308118343353, 0.5303338766098022, 0.4281076192855835});
  Conv2dAttrs a;
  a.inputLayout = InputOperandLayout::kNhwc;
  a.filterLayout = Conv2dFilterOperandLayout::kIhwo;
  auto r = RunOp(OpKind::kConv2d, a, {F32({2, 3, 3, 1}, kWptLayoutInput), w, std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{2, 2, 2, 3}));
  ExpectUlpNear((*r)[0],
                {0.8845428228378296, 0.9626783132553101,  0.8020333051681519, 0.7413608431816101,
                 0.9108520746231079, 0.6277193427085876,  0.2897796928882599, 0.4832426905632019,
                 0.4483422338962555, 0.4053896367549896,  0.4878997206687927, 0.8711439371109009,
                 0.6932874917984009, 1.1787647008895874,  0.9170808792114258, 1.0369365215301514,
                 0.8123774528503418, 1.082636833190918,   0.8282973766326904, 0.816078782081604,
                 1.2353861331939697, 0.35335418581962585, 0.6780439019203186, 0.9810346961021423},
                8);
}

// wpt: "conv2d float32 4D input and filter tensors 1D options.bias"
TEST(Conv2dKernel, WptBias) {
  const TestTensor w =
      F32({3, 1, 2, 2},
          {0.14543837308883667, 0.9671129584312439, 0.10836050659418106, 0.3202308118343353,
           0.6952692270278931, 0.5070913434028625, 0.08139707148075104, 0.5303338766098022,
           0.3072136342525482, 0.43241235613822937, 0.9849002361297607, 0.4281076192855835});
  const TestTensor bias = F32({3}, {0.8135762214660645, 0.8394582867622375, 0.49444812536239624});
  auto r = RunOp(OpKind::kConv2d, Conv2dAttrs{}, {F32({2, 1, 3, 3}, kWptLayoutInput), w, bias});
  ASSERT_TRUE(r.ok()) << r.error().message();
  ExpectUlpNear((*r)[0],
                {1.698119044303894,  1.5549371242523193, 1.103355884552002,  1.2189658880233765,
                 1.8021366596221924, 1.7503103017807007, 1.3227009773254395, 1.3273580074310303,
                 1.2964813709259033, 1.1221674680709839, 0.9427903890609741, 1.365592122077942,
                 1.5068637132644653, 1.8505127429962158, 1.6418735980987549, 1.1669304370880127,
                 2.0182230472564697, 1.6518357992172241, 1.6555371284484863, 1.5175021886825562,
                 1.4115289449691772, 1.577085018157959,  1.7298341989517212, 1.4754828214645386},
                8);
}

// The defining sum, evaluated directly in double (nchw input, oihw filter).
std::vector<double> DirectConv2d(const std::vector<double>& x, const std::vector<uint32_t>& xs,
                                 const std::vector<double>& w, const std::vector<uint32_t>& ws,
                                 const std::vector<double>& bias, const Conv2dAttrs& a,
                                 const std::vector<uint32_t>& ys) {
  const uint32_t group_in = ws[1], group_out = ws[0] / a.groups;
  std::vector<double> y;
  for (uint32_t n = 0; n < ys[0]; ++n) {
    for (uint32_t o = 0; o < ys[1]; ++o) {
      for (uint32_t oh = 0; oh < ys[2]; ++oh) {
        for (uint32_t ow = 0; ow < ys[3]; ++ow) {
          double sum = 0;
          for (uint32_t gi = 0; gi < group_in; ++gi) {
            const uint32_t i = (o / group_out) * group_in + gi;
            for (uint32_t kh = 0; kh < ws[2]; ++kh) {
              for (uint32_t kw = 0; kw < ws[3]; ++kw) {
                const int64_t ih = int64_t{oh} * (*a.strides)[0] + int64_t{kh} * (*a.dilations)[0] -
                                   (*a.padding)[0];
                const int64_t iw = int64_t{ow} * (*a.strides)[1] + int64_t{kw} * (*a.dilations)[1] -
                                   (*a.padding)[2];
                if (ih < 0 || ih >= xs[2] || iw < 0 || iw >= xs[3]) continue;
                sum += x[((n * xs[1] + i) * xs[2] + ih) * xs[3] + iw] *
                       w[((o * ws[1] + gi) * ws[2] + kh) * ws[3] + kw];
              }
            }
          }
          y.push_back(static_cast<float>(sum + bias[o]));
        }
      }
    }
  }
  return y;
}

TEST(Conv2dKernel, EveryLayoutMatchesTheDefinition) {
  // groups 2, asymmetric padding, unequal strides and dilations, a bias.
  Conv2dAttrs a;
  a.padding = UintList{1, 0, 2, 1};
  a.strides = UintList{2, 1};
  a.dilations = UintList{1, 2};
  a.groups = 2;
  const std::vector<uint32_t> xs = {2, 4, 6, 7}, ws = {6, 2, 3, 2};
  const std::vector<double> x = Pseudorandom(2 * 4 * 6 * 7, 1);
  const std::vector<double> w = Pseudorandom(6 * 2 * 3 * 2, 2);
  const std::vector<double> bias = Pseudorandom(6, 3);
  // Output: height (6 + 1 - 3) / 2 + 1 = 3, width (7 + 3 - 3) / 1 + 1 = 8.
  const std::vector<uint32_t> ys = {2, 6, 3, 8};
  const std::vector<double> expected = DirectConv2d(x, xs, w, ws, bias, a, ys);

  // Filter permutations from oihw to each layout.
  const std::array<std::pair<Conv2dFilterOperandLayout, std::array<size_t, 4>>, 4> filters = {{
      {Conv2dFilterOperandLayout::kOihw, {0, 1, 2, 3}},
      {Conv2dFilterOperandLayout::kHwio, {2, 3, 1, 0}},
      {Conv2dFilterOperandLayout::kOhwi, {0, 2, 3, 1}},
      {Conv2dFilterOperandLayout::kIhwo, {1, 2, 3, 0}},
  }};
  for (InputOperandLayout input_layout : {InputOperandLayout::kNchw, InputOperandLayout::kNhwc}) {
    const bool nhwc = input_layout == InputOperandLayout::kNhwc;
    for (const auto& [filter_layout, filter_perm] : filters) {
      for (DataType type : {DataType::kFloat32, DataType::kFloat16}) {
        SCOPED_TRACE(std::string(EnumName(input_layout)) + " " +
                     std::string(EnumName(filter_layout)) + " " + std::string(DataTypeName(type)));
        std::vector<uint32_t> x_shape, w_shape, y_shape;
        const auto x_data = Transpose(
            x, xs, nhwc ? std::array<size_t, 4>{0, 2, 3, 1} : std::array<size_t, 4>{0, 1, 2, 3},
            &x_shape);
        const auto w_data = Transpose(w, ws, filter_perm, &w_shape);
        const auto y_data = Transpose(
            expected, ys,
            nhwc ? std::array<size_t, 4>{0, 2, 3, 1} : std::array<size_t, 4>{0, 1, 2, 3}, &y_shape);
        Conv2dAttrs b = a;
        b.inputLayout = input_layout;
        b.filterLayout = filter_layout;
        auto r =
            RunOp(OpKind::kConv2d, b,
                  {TestTensor::Make(type, x_shape, x_data), TestTensor::Make(type, w_shape, w_data),
                   TestTensor::Make(type, {6}, bias)});
        ASSERT_TRUE(r.ok()) << r.error().message();
        EXPECT_EQ((*r)[0].desc.shape, y_shape);
        EXPECT_EQ((*r)[0].desc.dataType, type);
        // float16 inputs are the same values (exact in float16); the result rounds once.
        ExpectUlpNear((*r)[0], y_data, 1);
      }
    }
  }
}

// ---- convTranspose2d -------------------------------------------------------------------------

TEST(ConvTranspose2dKernel, HandChecked) {
  const TestTensor x = F32({1, 1, 2, 2}, {1, 2, 3, 4});
  const TestTensor ones = F32({1, 1, 2, 2}, {1, 1, 1, 1});
  // Stride 1: overlapping 2x2 copies.
  auto r = RunOp(OpKind::kConvTranspose2d, ConvTranspose2dAttrs{}, {x, ones, std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{1, 1, 3, 3}));
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{1, 3, 2, 4, 10, 6, 3, 7, 4}));

  // Stride 2 with outputPadding 1: disjoint 2x2 blocks and a last row/column of bias only.
  ConvTranspose2dAttrs a;
  a.strides = UintList{2, 2};
  a.outputPadding = UintList{1, 1};
  r = RunOp(OpKind::kConvTranspose2d, a, {x, ones, F32({1}, {0.5})});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{1, 1, 5, 5}));
  EXPECT_EQ((*r)[0].ToDoubles(),
            (std::vector<double>{1.5, 1.5, 2.5, 2.5, 0.5, 1.5, 1.5, 2.5, 2.5, 0.5, 3.5, 3.5, 4.5,
                                 4.5, 0.5, 3.5, 3.5, 4.5, 4.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}));

  // Padding crops the full 3x3 result to its center.
  ConvTranspose2dAttrs cropped;
  cropped.padding = UintList{1, 1, 1, 1};
  r = RunOp(OpKind::kConvTranspose2d, cropped, {x, ones, std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].ToDoubles(), (std::vector<double>{10}));
}

// wpt: "convTranspose2d float32 4D input and filter tensors options.groups=2
// options.strides=[2, 2]"
TEST(ConvTranspose2dKernel, WptGroupsStrides) {
  const TestTensor x =
      F32({1, 2, 2, 2},
          {0.8161798119544983, 0.5442776083946228, 0.7910669445991516, 0.36564111709594727,
           0.25429198145866394, 0.20815767347812653, 0.7023073434829712, 0.5734469890594482});
  const TestTensor w =
      F32({2, 1, 2, 2},
          {0.09232201427221298, 0.31896016001701355, 0.5445202589035034, 0.6582807898521423,
           0.9634373188018799, 0.012118860147893429, 0.9230011701583862, 0.4781944155693054});
  ConvTranspose2dAttrs a;
  a.strides = UintList{2, 2};
  a.groups = 2;
  auto r = RunOp(OpKind::kConvTranspose2d, a, {x, w, std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{1, 2, 4, 4}));
  ExpectUlpNear(
      (*r)[0],
      {0.07535136491060257, 0.26032882928848267,   0.050248805433511734, 0.1736028790473938,
       0.44442644715309143, 0.537275493144989,     0.29637017846107483,  0.3582874834537506,
       0.07303289324045181, 0.2523188292980194,    0.03375672549009323,  0.11662495136260986,
       0.4307519793510437,  0.5207441449165344,    0.19909898936748505,  0.24069452285766602,
       0.2449943870306015,  0.0030817289371043444, 0.20054687559604645,  0.002522633643820882,
       0.23471179604530334, 0.12160100787878036,   0.19212977588176727,  0.09953983873128891,
       0.6766291260719299,  0.008511164225637913,  0.5524802207946777,   0.00694952392950654,
       0.6482304930686951,  0.3358394503593445,    0.5292922258377075,   0.2742191553115845},
      8);
}

// wpt: "convTranspose2d options.padding is the same upper padding" (nhwc, ohwi, outputSizes)
TEST(ConvTranspose2dKernel, WptSameUpperPadding) {
  ConvTranspose2dAttrs a;
  a.outputSizes = UintList{6, 6};
  a.strides = UintList{2, 2};
  a.padding = UintList{0, 1, 0, 1};
  a.filterLayout = ConvTranspose2dFilterOperandLayout::kOhwi;
  a.inputLayout = InputOperandLayout::kNhwc;
  auto r = RunOp(OpKind::kConvTranspose2d, a,
                 {F32({1, 3, 3, 1}, std::vector<double>(9, 0.5)),
                  F32({2, 3, 3, 1}, std::vector<double>(18, 1.0)), std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].desc.shape, (std::vector<uint32_t>{1, 6, 6, 2}));
  ExpectUlpNear((*r)[0], {0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5,
                          0.5, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0,
                          1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 0.5, 0.5, 1.0,
                          1.0, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 2.0, 2.0, 1.0, 1.0,
                          0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0, 0.5, 0.5},
                18);
}

// The defining sum gathered per output element (nchw input, iohw filter): output (oh, ow)
// receives input (ih, iw) through filter tap (kh, kw) when oh = ih * s + kh * d - pad.
std::vector<double> DirectConvTranspose2d(
    const std::vector<double>& x, const std::vector<uint32_t>& xs, const std::vector<double>& w,
    const std::vector<uint32_t>& ws, const std::vector<double>& bias, const ConvTranspose2dAttrs& a,
    const std::vector<uint32_t>& ys) {
  const uint32_t group_in = xs[1] / a.groups, group_out = ws[1];
  std::vector<double> y;
  for (uint32_t n = 0; n < ys[0]; ++n) {
    for (uint32_t o = 0; o < ys[1]; ++o) {
      for (uint32_t oh = 0; oh < ys[2]; ++oh) {
        for (uint32_t ow = 0; ow < ys[3]; ++ow) {
          double sum = 0;
          for (uint32_t gi = 0; gi < group_in; ++gi) {
            const uint32_t i = (o / group_out) * group_in + gi;
            for (uint32_t kh = 0; kh < ws[2]; ++kh) {
              for (uint32_t kw = 0; kw < ws[3]; ++kw) {
                const int64_t th = int64_t{oh} + (*a.padding)[0] - int64_t{kh} * (*a.dilations)[0];
                const int64_t tw = int64_t{ow} + (*a.padding)[2] - int64_t{kw} * (*a.dilations)[1];
                if (th < 0 || tw < 0 || th % (*a.strides)[0] != 0 || tw % (*a.strides)[1] != 0) {
                  continue;
                }
                const int64_t ih = th / (*a.strides)[0], iw = tw / (*a.strides)[1];
                if (ih >= xs[2] || iw >= xs[3]) continue;
                sum += x[((n * xs[1] + i) * xs[2] + ih) * xs[3] + iw] *
                       w[((i * ws[1] + o % group_out) * ws[2] + kh) * ws[3] + kw];
              }
            }
          }
          y.push_back(static_cast<float>(sum + bias[o]));
        }
      }
    }
  }
  return y;
}

TEST(ConvTranspose2dKernel, EveryLayoutMatchesTheDefinition) {
  ConvTranspose2dAttrs a;
  a.padding = UintList{1, 0, 0, 2};
  a.strides = UintList{3, 2};
  a.dilations = UintList{2, 1};
  a.groups = 2;
  const std::vector<uint32_t> xs = {2, 4, 4, 5}, ws = {4, 3, 3, 2};  // iohw: 3 outputs/group
  // Calculated sizes: height (4 - 1) * 3 + (3 - 1) * 2 + 1 - 1 - 0 = 13,
  //                   width (5 - 1) * 2 + (2 - 1) * 1 + 1 - 0 - 2 = 8.
  a.outputSizes = UintList{15, 9};  // less than one stride above: extra rows/columns
  const std::vector<uint32_t> ys = {2, 6, 15, 9};
  const std::vector<double> x = Pseudorandom(2 * 4 * 4 * 5, 4);
  const std::vector<double> w = Pseudorandom(4 * 3 * 3 * 2, 5);
  const std::vector<double> bias = Pseudorandom(6, 6);
  const std::vector<double> expected = DirectConvTranspose2d(x, xs, w, ws, bias, a, ys);

  const std::array<std::pair<ConvTranspose2dFilterOperandLayout, std::array<size_t, 4>>, 3>
      filters = {{
          {ConvTranspose2dFilterOperandLayout::kIohw, {0, 1, 2, 3}},
          {ConvTranspose2dFilterOperandLayout::kHwoi, {2, 3, 1, 0}},
          {ConvTranspose2dFilterOperandLayout::kOhwi, {1, 2, 3, 0}},
      }};
  for (InputOperandLayout input_layout : {InputOperandLayout::kNchw, InputOperandLayout::kNhwc}) {
    const bool nhwc = input_layout == InputOperandLayout::kNhwc;
    const std::array<size_t, 4> io_perm =
        nhwc ? std::array<size_t, 4>{0, 2, 3, 1} : std::array<size_t, 4>{0, 1, 2, 3};
    for (const auto& [filter_layout, filter_perm] : filters) {
      for (DataType type : {DataType::kFloat32, DataType::kFloat16}) {
        SCOPED_TRACE(std::string(EnumName(input_layout)) + " " +
                     std::string(EnumName(filter_layout)) + " " + std::string(DataTypeName(type)));
        std::vector<uint32_t> x_shape, w_shape, y_shape;
        const auto x_data = Transpose(x, xs, io_perm, &x_shape);
        const auto w_data = Transpose(w, ws, filter_perm, &w_shape);
        const auto y_data = Transpose(expected, ys, io_perm, &y_shape);
        ConvTranspose2dAttrs b = a;
        b.inputLayout = input_layout;
        b.filterLayout = filter_layout;
        auto r =
            RunOp(OpKind::kConvTranspose2d, b,
                  {TestTensor::Make(type, x_shape, x_data), TestTensor::Make(type, w_shape, w_data),
                   TestTensor::Make(type, {6}, bias)});
        ASSERT_TRUE(r.ok()) << r.error().message();
        EXPECT_EQ((*r)[0].desc.shape, y_shape);
        ExpectUlpNear((*r)[0], y_data, 1);
      }
    }
  }
}

}  // namespace
}  // namespace webnn
