#include "format/json/attrs_json.h"

#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

namespace webnn {
namespace {

using Json = nlohmann::ordered_json;

Result<Attrs> FromText(OpKind kind, const std::string& text, AttrsJsonOptions opts = {}) {
  return AttrsFromJson(kind, Json::parse(text), "nodes[12].options", opts);
}

// Parses `text`, expects success and returns the typed attributes.
template <typename T>
T Parsed(OpKind kind, const std::string& text) {
  auto r = FromText(kind, text);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  if (!r.ok()) return T{};
  const T* a = std::get_if<T>(&*r);
  EXPECT_NE(a, nullptr);
  return a ? *a : T{};
}

void ExpectRoundTrip(OpKind kind, const Attrs& attrs) {
  const Json j = AttrsToJson(attrs);
  auto back = AttrsFromJson(kind, j, "options");
  ASSERT_TRUE(back.ok()) << OpName(kind) << ": " << back.error().ToString() << " for " << j.dump();
  EXPECT_TRUE(*back == attrs) << OpName(kind) << ": " << j.dump();
  // Writing again gives the same JSON (a stable round trip).
  EXPECT_EQ(AttrsToJson(*back).dump(), j.dump());
}

TEST(AttrsJsonTest, EveryOpDefaultAttrsRoundTrip) {
  for (OpKind kind : AllOpKinds()) {
    SCOPED_TRACE(std::string(OpName(kind)));
    ExpectRoundTrip(kind, DefaultAttrs(kind));
  }
}

// A node's options hold both attributes and operand-valued options (and "label"), so their
// names must not collide.
TEST(AttrsJsonTest, AttributeNamesDoNotCollideWithOperandOptions) {
  for (OpKind kind : AllOpKinds()) {
    std::vector<std::string> fields;
    Attrs attrs = DefaultAttrs(kind);
    std::visit(
        [&](auto& a) {
          using T = std::decay_t<decltype(a)>;
          if constexpr (!std::is_same_v<T, std::monostate>) {
            T::VisitFields(a, [&](const char* name, auto&, FieldKind) { fields.push_back(name); });
          }
        },
        attrs);
    for (const std::string& f : fields) {
      EXPECT_NE(f, "label") << OpName(kind);
      for (const SlotConstraint& slot : GetOpInfo(kind).inputs) {
        EXPECT_NE(f, slot.name) << OpName(kind);
      }
    }
  }
}

TEST(AttrsJsonTest, DefaultsAreOmittedAndRequiredFieldsWritten) {
  EXPECT_EQ(AttrsToJson(Conv2dAttrs{}).dump(), "{}");
  EXPECT_EQ(AttrsToJson(NoAttrs{}).dump(), "{}");
  EXPECT_EQ(AttrsToJson(AxisAttrs{}).dump(), R"({"axis":0})");
  EXPECT_EQ(AttrsToJson(BatchNormalizationAttrs{}).dump(), "{}");
  BatchNormalizationAttrs bn;
  bn.axis = 3;
  EXPECT_EQ(AttrsToJson(bn).dump(), R"({"axis":3})");
  Conv2dAttrs conv;
  conv.groups = 32;
  conv.padding = UintList{0, 0, 0, 0};  // explicit zeros are a given value, not the default
  conv.filterLayout = Conv2dFilterOperandLayout::kOhwi;
  EXPECT_EQ(AttrsToJson(conv).dump(), R"({"padding":[0,0,0,0],"groups":32,"filterLayout":"ohwi"})");
  EXPECT_EQ(AttrsToJson(SliceAttrs{{1, 2}, {3, 4}, std::nullopt}).dump(),
            R"({"starts":[1,2],"sizes":[3,4]})");
  EXPECT_EQ(AttrsToJson(SplitAttrs{}).dump(), R"({"splits":1})");
  EXPECT_EQ(AttrsToJson(CastAttrs{DataType::kInt64}).dump(), R"({"dataType":"int64"})");
}

TEST(AttrsJsonTest, NonDefaultValuesRoundTrip) {
  Conv2dAttrs conv;
  conv.padding = UintList{1, 2, 3, 4};
  conv.strides = UintList{2, 2};
  conv.dilations = UintList{1, 4294967295u};
  conv.groups = 3;
  conv.inputLayout = InputOperandLayout::kNhwc;
  conv.filterLayout = Conv2dFilterOperandLayout::kIhwo;
  ExpectRoundTrip(OpKind::kConv2d, conv);

  GruAttrs gru;
  gru.steps = 3;
  gru.hiddenSize = 5;
  gru.resetAfter = false;
  gru.direction = RecurrentNetworkDirection::kBoth;
  gru.activations =
      ActivationList{RecurrentNetworkActivation::kRelu, RecurrentNetworkActivation::kTanh};
  ExpectRoundTrip(OpKind::kGru, gru);

  Resample2dAttrs resample;
  resample.mode = InterpolationMode::kLinear;
  resample.scales = std::vector<float>{0.1f, 3.3333333f};
  resample.axes = UintList{1, 2};
  ExpectRoundTrip(OpKind::kResample2d, resample);
  // Floats are written as their shortest decimal form.
  EXPECT_EQ(AttrsToJson(resample)["scales"].dump(), "[0.1,3.3333333]");

  ClampAttrs clamp;
  clamp.minValue = MLNumber::Int(std::numeric_limits<int64_t>::min());
  clamp.maxValue = MLNumber::Uint(std::numeric_limits<uint64_t>::max());
  ExpectRoundTrip(OpKind::kClamp, clamp);
  EXPECT_EQ(AttrsToJson(clamp).dump(),
            R"({"minValue":"-9223372036854775808","maxValue":"18446744073709551615"})");
  clamp.minValue = MLNumber(-std::numeric_limits<double>::infinity());
  clamp.maxValue = MLNumber(std::numeric_limits<double>::quiet_NaN());
  ExpectRoundTrip(OpKind::kClamp, clamp);
  EXPECT_EQ(AttrsToJson(clamp).dump(), R"({"minValue":"-Infinity","maxValue":"NaN"})");

  PadAttrs pad{{1, 0}, {0, 2}, PaddingMode::kReflection, MLNumber(0.25)};
  ExpectRoundTrip(OpKind::kPad, pad);
  ExpectRoundTrip(OpKind::kSplit, SplitAttrs{UintList{2, 3, 5}, 1});
  ExpectRoundTrip(OpKind::kSplit, SplitAttrs{uint32_t{4}, 2});
  ExpectRoundTrip(OpKind::kTriangular, TriangularAttrs{false, -2147483647 - 1});
  ExpectRoundTrip(OpKind::kLinear, LinearAttrs{1e-300, -0.0});
  ExpectRoundTrip(OpKind::kBatchNormalization, BatchNormalizationAttrs{0, 1e-3});
  ExpectRoundTrip(OpKind::kArgMax, ArgMinMaxAttrs{2, true, DataType::kInt64});
  ExpectRoundTrip(OpKind::kCast, CastAttrs{DataType::kUint4});
}

TEST(AttrsJsonTest, ReadsValues) {
  auto conv = Parsed<Conv2dAttrs>(
      OpKind::kConv2d,
      R"({"padding":[1,1,1,1],"strides":[2,2],"groups":2.0,"inputLayout":"nhwc"})");
  EXPECT_EQ(conv.padding, (UintList{1, 1, 1, 1}));
  EXPECT_EQ(conv.strides, (UintList{2, 2}));
  EXPECT_FALSE(conv.dilations.has_value());
  EXPECT_EQ(conv.groups, 2u);  // an integral float is an integer
  EXPECT_EQ(conv.inputLayout, InputOperandLayout::kNhwc);

  // null means "not given".
  auto reduce = Parsed<ReduceAttrs>(OpKind::kReduceSum, R"({"axes":null,"keepDimensions":true})");
  EXPECT_FALSE(reduce.axes.has_value());
  EXPECT_TRUE(reduce.keepDimensions);

  auto clamp = Parsed<ClampAttrs>(OpKind::kClamp, R"({"minValue":0,"maxValue":"Infinity"})");
  ASSERT_TRUE(clamp.minValue && clamp.maxValue);
  EXPECT_EQ(*clamp.minValue, MLNumber(0.0));
  EXPECT_TRUE(std::isinf(clamp.maxValue->d) && clamp.maxValue->d > 0);

  auto split = Parsed<SplitAttrs>(OpKind::kSplit, R"({"splits":3})");
  EXPECT_EQ(split.splits, SplitSpec(uint32_t{3}));
  split = Parsed<SplitAttrs>(OpKind::kSplit, R"({"splits":[1,2],"axis":1})");
  EXPECT_EQ(split.splits, SplitSpec(UintList{1, 2}));
  EXPECT_EQ(split.axis, 1u);

  auto tri = Parsed<TriangularAttrs>(OpKind::kTriangular, R"({"diagonal":-3})");
  EXPECT_EQ(tri.diagonal, -3);

  // Operand-valued options and the label are skipped when the caller says so.
  auto r = FromText(OpKind::kConv2d, R"({"bias":"b","label":"x"})", {{"bias", "label"}});
  EXPECT_TRUE(r.ok());
  // No options at all.
  EXPECT_TRUE(AttrsFromJson(OpKind::kRelu, Json(), "options").ok());
}

TEST(AttrsJsonTest, MLNumberForms) {
  auto parse = [](const Json& j) { return MLNumberFromJson(j, "v"); };
  EXPECT_EQ(*parse(Json(2.5)), MLNumber(2.5));
  EXPECT_EQ(*parse(Json(7)), MLNumber(7.0));
  EXPECT_TRUE(std::isnan(parse(Json("NaN"))->d));
  EXPECT_EQ(*parse(Json("-Infinity")), MLNumber(-std::numeric_limits<double>::infinity()));
  EXPECT_EQ(*parse(Json("-9223372036854775808")),
            MLNumber::Int(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(*parse(Json("9007199254740993")), MLNumber::Int(9007199254740993));
  EXPECT_EQ(*parse(Json("18446744073709551615")),
            MLNumber::Uint(std::numeric_limits<uint64_t>::max()));
  for (const char* bad :
       {"18446744073709551616", "-9223372036854775809", "1e3", "", "-", "0x10", "nan", " 1"}) {
    auto r = parse(Json(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kDataError);
    EXPECT_EQ(r.error().message().rfind("v: ", 0), 0u) << r.error().message();
  }
  EXPECT_FALSE(parse(Json(true)).ok());
  EXPECT_FALSE(parse(Json::array()).ok());
}

struct BadCase {
  OpKind kind;
  const char* options;
  const char* message;  // the whole expected message
};

TEST(AttrsJsonTest, ErrorsNameThePathAndTheProblem) {
  const BadCase cases[] = {
      {OpKind::kConv2d, R"({"strides":"2"})",
       R"(nodes[12].options.strides: expected an array of unsigned integers, got "2")"},
      {OpKind::kConv2d, R"({"strides":[1,-1]})",
       "nodes[12].options.strides[1]: expected an unsigned integer, got -1"},
      {OpKind::kConv2d, R"({"strides":[1,2.5]})",
       "nodes[12].options.strides[1]: expected an unsigned integer, got 2.5"},
      {OpKind::kConv2d, R"({"groups":4294967296})",
       "nodes[12].options.groups: 4294967296 is out of range (0 to 4294967295)"},
      {OpKind::kConv2d, R"({"groups":1e20})",
       "nodes[12].options.groups: 1e+20 is out of range (0 to 4294967295)"},
      {OpKind::kConv2d, R"({"groups":true})",
       "nodes[12].options.groups: expected an unsigned integer, got true"},
      {OpKind::kConv2d, R"({"inputLayout":"nhcw"})",
       R"(nodes[12].options.inputLayout: unknown value "nhcw" (allowed: "nchw", "nhwc"))"},
      {OpKind::kConv2d, R"({"inputLayout":1})",
       "nodes[12].options.inputLayout: expected a string, got 1"},
      {OpKind::kConv2d, R"({"autoPad":"same-upper"})",
       "nodes[12].options.autoPad: unknown option of conv2d (known: padding, strides, "
       "dilations, groups, inputLayout, filterLayout)"},
      {OpKind::kConv2d, R"({"bias":"b"})",
       "nodes[12].options.bias: unknown option of conv2d (known: padding, strides, dilations, "
       "groups, inputLayout, filterLayout)"},
      {OpKind::kRelu, R"({"alpha":1})",
       "nodes[12].options.alpha: unknown option of relu (it has no options)"},
      {OpKind::kSoftmax, "{}", "nodes[12].options: missing required option 'axis' of softmax"},
      {OpKind::kReshape, R"({"newShape":null})",
       "nodes[12].options: missing required option 'newShape' of reshape"},
      {OpKind::kConv2d, "[]", "nodes[12].options: expected an object, got []"},
      {OpKind::kCast, R"({"dataType":"float64"})",
       R"(nodes[12].options.dataType: unknown data type "float64" (allowed: float32, float16, )"
       "int32, uint32, int64, uint64, int8, uint8, int4, uint4)"},
      {OpKind::kTriangular, R"({"diagonal":3000000000})",
       "nodes[12].options.diagonal: 3000000000 is out of range (-2147483648 to 2147483647)"},
      {OpKind::kTriangular, R"({"diagonal":-3000000000})",
       "nodes[12].options.diagonal: -3000000000 is out of range (-2147483648 to 2147483647)"},
      {OpKind::kReduceSum, R"({"keepDimensions":1})",
       "nodes[12].options.keepDimensions: expected a boolean, got 1"},
      {OpKind::kGru, R"({"steps":1,"hiddenSize":2,"activations":["relu","gelu"]})",
       R"(nodes[12].options.activations[1]: unknown value "gelu" (allowed: "relu", "sigmoid", )"
       R"("tanh"))"},
      {OpKind::kGru, R"({"steps":1})",
       "nodes[12].options: missing required option 'hiddenSize' of gru"},
      {OpKind::kSplit, R"({"splits":"3"})",
       R"(nodes[12].options.splits: expected an unsigned integer or an array of unsigned )"
       R"(integers, got "3")"},
      {OpKind::kSplit, R"({"splits":[1,"2"]})",
       R"(nodes[12].options.splits[1]: expected an unsigned integer, got "2")"},
      {OpKind::kClamp, R"({"minValue":"abc"})",
       R"(nodes[12].options.minValue: expected a number (or "NaN", "Infinity", a decimal )"
       R"(integer string), got "abc")"},
      {OpKind::kClamp, R"({"maxValue":"99999999999999999999"})",
       R"(nodes[12].options.maxValue: the integer "99999999999999999999" is out of range )"
       "(int64 or uint64)"},
      {OpKind::kResample2d, R"({"scales":[1e300]})",
       "nodes[12].options.scales[0]: 1e+300 is out of range for float32"},
      {OpKind::kLeakyRelu, R"({"alpha":"1"})",
       R"(nodes[12].options.alpha: expected a number, got "1")"},
      {OpKind::kPad, R"({"beginningPadding":[1],"endingPadding":{"a":[1,2]}})",
       R"(nodes[12].options.endingPadding: expected an array of unsigned integers, got )"
       R"({"a": [1, 2]})"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.options);
    auto r = FromText(c.kind, c.options);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kDataError);
    EXPECT_EQ(r.error().message(), c.message);
  }
}

TEST(AttrsJsonTest, UnknownKeyListsSkippedKeysToo) {
  auto r = FromText(OpKind::kGemm, R"({"C":"bias"})", {{"c", "label"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(),
            "nodes[12].options.C: unknown option of gemm (known: alpha, beta, aTranspose, "
            "bTranspose, c, label)");
}

TEST(AttrsJsonTest, LongValuesAreShortenedInMessages) {
  Json big = Json::array();
  for (int i = 0; i < 10000; ++i) big.push_back("x");
  Json options = {{"axis", big}};
  auto r = AttrsFromJson(OpKind::kSoftmax, options, "o");
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.error().message().size(), 200u) << r.error().message();
  EXPECT_NE(r.error().message().find("...]"), std::string::npos) << r.error().message();
}

}  // namespace
}  // namespace webnn
