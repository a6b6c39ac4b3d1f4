// Tests of the conv2d, convTranspose2d and pooling validators: output shape inference for every
// layout and option, and each validation error of the spec's steps.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "testing/op_runner.h"

namespace webnn {
namespace {

using testing::InferOp;
using Shape = std::vector<uint32_t>;

OperandDescriptor F32(Shape shape) { return {DataType::kFloat32, std::move(shape)}; }

Shape InferShape(OpKind kind, const Attrs& attrs,
                 const std::vector<std::optional<OperandDescriptor>>& inputs) {
  auto r = InferOp(kind, attrs, inputs);
  EXPECT_TRUE(r.ok()) << r.error().message();
  if (!r.ok()) return {};
  EXPECT_EQ(r->size(), 1u);
  return (*r)[0].shape;
}

// Expects a TypeError whose message contains every fragment.
void ExpectTypeError(OpKind kind, const Attrs& attrs,
                     const std::vector<std::optional<OperandDescriptor>>& inputs,
                     std::vector<std::string> fragments) {
  auto r = InferOp(kind, attrs, inputs);
  ASSERT_FALSE(r.ok()) << "expected an error mentioning " << fragments[0];
  EXPECT_EQ(r.error().code(), ErrorCode::kTypeError) << r.error().message();
  for (const std::string& f : fragments) {
    EXPECT_NE(r.error().message().find(f), std::string::npos)
        << "'" << r.error().message() << "' does not mention '" << f << "'";
  }
}

// ---- conv2d ----------------------------------------------------------------------------------

TEST(Conv2dValidation, OutputShape) {
  // 1 + (5 - 3) / 1 = 3.
  EXPECT_EQ(InferShape(OpKind::kConv2d, Conv2dAttrs{},
                       {F32({1, 1, 5, 5}), F32({1, 1, 3, 3}), std::nullopt}),
            (Shape{1, 1, 3, 3}));
  Conv2dAttrs a;
  a.padding = UintList{1, 0, 2, 1};
  a.strides = UintList{2, 3};
  a.dilations = UintList{2, 1};
  // height: 1 + (10 + 1 - 5) / 2 = 4; width: 1 + (11 + 3 - 3) / 3 = 4 (floor of 4.67).
  EXPECT_EQ(InferShape(OpKind::kConv2d, a, {F32({2, 4, 10, 11}), F32({6, 4, 3, 3}), F32({6})}),
            (Shape{2, 6, 4, 4}));
}

TEST(Conv2dValidation, LayoutsAndGroups) {
  // Depthwise: groups = input channels, filter [groups, 1, h, w] in oihw.
  Conv2dAttrs depthwise;
  depthwise.groups = 8;
  EXPECT_EQ(
      InferShape(OpKind::kConv2d, depthwise, {F32({1, 8, 7, 7}), F32({8, 1, 3, 3}), std::nullopt}),
      (Shape{1, 8, 5, 5}));
  // nhwc input with each filter layout: input channels 6, groups 2, 4 output channels,
  // a 3x2 filter.
  struct Case {
    Conv2dFilterOperandLayout layout;
    Shape filter;
  };
  for (const Case& c : {Case{Conv2dFilterOperandLayout::kOihw, {4, 3, 3, 2}},
                        Case{Conv2dFilterOperandLayout::kHwio, {3, 2, 3, 4}},
                        Case{Conv2dFilterOperandLayout::kOhwi, {4, 3, 2, 3}},
                        Case{Conv2dFilterOperandLayout::kIhwo, {3, 3, 2, 4}}}) {
    Conv2dAttrs a;
    a.groups = 2;
    a.inputLayout = InputOperandLayout::kNhwc;
    a.filterLayout = c.layout;
    EXPECT_EQ(InferShape(OpKind::kConv2d, a, {F32({1, 9, 8, 6}), F32(c.filter), F32({4})}),
              (Shape{1, 7, 7, 4}))
        << EnumName(c.layout);
  }
}

TEST(Conv2dValidation, OptionErrors) {
  const OperandDescriptor x = F32({1, 1, 5, 5}), w = F32({1, 1, 3, 3});
  Conv2dAttrs a;
  a.padding = UintList{1, 1};
  ExpectTypeError(OpKind::kConv2d, a, {x, w, std::nullopt}, {"padding", "4", "got 2"});
  a = {};
  a.strides = UintList{1, 1, 1};
  ExpectTypeError(OpKind::kConv2d, a, {x, w, std::nullopt}, {"strides", "2", "got 3"});
  a = {};
  a.strides = UintList{1, 0};
  ExpectTypeError(OpKind::kConv2d, a, {x, w, std::nullopt}, {"strides[1]"});
  a = {};
  a.dilations = UintList{0, 1};
  ExpectTypeError(OpKind::kConv2d, a, {x, w, std::nullopt}, {"dilations[0]"});
  a = {};
  a.dilations = UintList{1};
  ExpectTypeError(OpKind::kConv2d, a, {x, w, std::nullopt}, {"dilations", "got 1"});
  a = {};
  a.groups = 0;
  ExpectTypeError(OpKind::kConv2d, a, {x, w, std::nullopt}, {"groups"});
}

TEST(Conv2dValidation, ShapeErrors) {
  Conv2dAttrs a;
  a.groups = 3;
  ExpectTypeError(OpKind::kConv2d, a, {F32({1, 4, 5, 5}), F32({3, 1, 3, 3}), std::nullopt},
                  {"input channels (4)", "groups (3)"});
  a.groups = 2;
  ExpectTypeError(OpKind::kConv2d, a, {F32({1, 4, 5, 5}), F32({2, 1, 3, 3}), std::nullopt},
                  {"filter", "input channels (1", "4 / 2 = 2"});
  ExpectTypeError(OpKind::kConv2d, a, {F32({1, 4, 5, 5}), F32({3, 2, 3, 3}), std::nullopt},
                  {"output channels (3)", "groups (2)"});
  ExpectTypeError(OpKind::kConv2d, Conv2dAttrs{}, {F32({1, 1, 5, 5}), F32({2, 1, 3, 3}), F32({3})},
                  {"bias", "[3]", "[2]"});
  ExpectTypeError(OpKind::kConv2d, Conv2dAttrs{},
                  {F32({1, 1, 5, 5}), F32({2, 1, 3, 3}), F32({1, 2})}, {"bias"});
  // The (dilated) filter must fit in the padded input.
  ExpectTypeError(OpKind::kConv2d, Conv2dAttrs{},
                  {F32({1, 1, 2, 5}), F32({1, 1, 3, 3}), std::nullopt}, {"height", "3", "2"});
  Conv2dAttrs dilated;
  dilated.dilations = UintList{1, 3};
  ExpectTypeError(OpKind::kConv2d, dilated, {F32({1, 1, 5, 5}), F32({1, 1, 3, 3}), std::nullopt},
                  {"width", "(7)", "(5)"});
  dilated.padding = UintList{0, 0, 1, 1};
  EXPECT_EQ(
      InferShape(OpKind::kConv2d, dilated, {F32({1, 1, 5, 5}), F32({1, 1, 3, 3}), std::nullopt}),
      (Shape{1, 1, 3, 1}));
}

TEST(Conv2dValidation, GenericChecksStillApply) {
  // The op table's slot rules: filter type must match the input's.
  ExpectTypeError(
      OpKind::kConv2d, Conv2dAttrs{},
      {F32({1, 1, 5, 5}), OperandDescriptor{DataType::kFloat16, {1, 1, 3, 3}}, std::nullopt},
      {"filter", "float16"});
}

// ---- convTranspose2d -------------------------------------------------------------------------

TEST(ConvTranspose2dValidation, OutputShape) {
  // (2 - 1) * 1 + 2 = 3.
  EXPECT_EQ(InferShape(OpKind::kConvTranspose2d, ConvTranspose2dAttrs{},
                       {F32({1, 1, 2, 2}), F32({1, 1, 2, 2}), std::nullopt}),
            (Shape{1, 1, 3, 3}));
  // wpt: strides [3, 2], outputPadding [1, 1]: (3 - 1) * 3 + 3 + 1 = 10, (3 - 1) * 2 + 3 + 1 = 8.
  ConvTranspose2dAttrs a;
  a.strides = UintList{3, 2};
  a.outputPadding = UintList{1, 1};
  EXPECT_EQ(
      InferShape(OpKind::kConvTranspose2d, a, {F32({1, 1, 3, 3}), F32({1, 2, 3, 3}), std::nullopt}),
      (Shape{1, 2, 10, 8}));
  // Groups multiply the filter's output channels; dilations and padding.
  ConvTranspose2dAttrs b;
  b.groups = 2;
  b.dilations = UintList{2, 1};
  b.padding = UintList{1, 2, 0, 1};
  // height (4 - 1) * 1 + 5 - 3 = 5; width (4 - 1) + 3 - 1 = 5.
  EXPECT_EQ(
      InferShape(OpKind::kConvTranspose2d, b, {F32({1, 4, 4, 4}), F32({4, 3, 3, 3}), F32({6})}),
      (Shape{1, 6, 5, 5}));
}

TEST(ConvTranspose2dValidation, LayoutsAndOutputSizes) {
  struct Case {
    ConvTranspose2dFilterOperandLayout layout;
    Shape filter;  // input channels 2, output channels per group 3, 3x2 filter
  };
  for (const Case& c : {Case{ConvTranspose2dFilterOperandLayout::kIohw, {2, 3, 3, 2}},
                        Case{ConvTranspose2dFilterOperandLayout::kHwoi, {3, 2, 3, 2}},
                        Case{ConvTranspose2dFilterOperandLayout::kOhwi, {3, 3, 2, 2}}}) {
    ConvTranspose2dAttrs a;
    a.inputLayout = InputOperandLayout::kNhwc;
    a.filterLayout = c.layout;
    a.strides = UintList{2, 2};
    // calculated: (4 - 1) * 2 + 3 = 9, (5 - 1) * 2 + 2 = 10; outputSizes within a stride.
    a.outputSizes = UintList{10, 11};
    EXPECT_EQ(
        InferShape(OpKind::kConvTranspose2d, a, {F32({1, 4, 5, 2}), F32(c.filter), std::nullopt}),
        (Shape{1, 10, 11, 3}))
        << EnumName(c.layout);
  }
  // wpt "options.padding is the same upper padding": outputSizes [6, 6] with padding.
  ConvTranspose2dAttrs a;
  a.outputSizes = UintList{6, 6};
  a.strides = UintList{2, 2};
  a.padding = UintList{0, 1, 0, 1};
  a.filterLayout = ConvTranspose2dFilterOperandLayout::kOhwi;
  a.inputLayout = InputOperandLayout::kNhwc;
  EXPECT_EQ(
      InferShape(OpKind::kConvTranspose2d, a, {F32({1, 3, 3, 1}), F32({2, 3, 3, 1}), std::nullopt}),
      (Shape{1, 6, 6, 2}));
}

TEST(ConvTranspose2dValidation, OptionErrors) {
  const OperandDescriptor x = F32({1, 1, 3, 3}), w = F32({1, 1, 2, 2});
  ConvTranspose2dAttrs a;
  a.padding = UintList{0, 0, 0};
  ExpectTypeError(OpKind::kConvTranspose2d, a, {x, w, std::nullopt}, {"padding", "got 3"});
  a = {};
  a.strides = UintList{0, 1};
  ExpectTypeError(OpKind::kConvTranspose2d, a, {x, w, std::nullopt}, {"strides[0]"});
  a = {};
  a.dilations = UintList{1, 0};
  ExpectTypeError(OpKind::kConvTranspose2d, a, {x, w, std::nullopt}, {"dilations[1]"});
  a = {};
  a.outputPadding = UintList{0};
  ExpectTypeError(OpKind::kConvTranspose2d, a, {x, w, std::nullopt}, {"outputPadding", "got 1"});
  a = {};
  a.strides = UintList{2, 2};
  a.outputPadding = UintList{1, 2};
  ExpectTypeError(OpKind::kConvTranspose2d, a, {x, w, std::nullopt},
                  {"outputPadding[1]", "strides[1]"});
  // With outputSizes, outputPadding is ignored (not checked against the strides).
  a.outputSizes = UintList{7, 7};
  EXPECT_EQ(InferShape(OpKind::kConvTranspose2d, a, {x, w, std::nullopt}), (Shape{1, 1, 7, 7}));
  a.outputSizes = UintList{7};
  ExpectTypeError(OpKind::kConvTranspose2d, a, {x, w, std::nullopt}, {"outputSizes", "got 1"});
  // calculated 6: outputSizes must be in [6, 8).
  a.outputSizes = UintList{5, 6};
  ExpectTypeError(OpKind::kConvTranspose2d, a, {x, w, std::nullopt}, {"outputSizes[0]", "[6, 8)"});
  a.outputSizes = UintList{6, 8};
  ExpectTypeError(OpKind::kConvTranspose2d, a, {x, w, std::nullopt}, {"outputSizes[1]", "[6, 8)"});
  a = {};
  a.groups = 0;
  ExpectTypeError(OpKind::kConvTranspose2d, a, {x, w, std::nullopt}, {"groups"});
}

TEST(ConvTranspose2dValidation, ShapeErrors) {
  ExpectTypeError(OpKind::kConvTranspose2d, ConvTranspose2dAttrs{},
                  {F32({1, 2, 3, 3}), F32({3, 1, 2, 2}), std::nullopt},
                  {"filter", "input channels (3", "(2)"});
  ConvTranspose2dAttrs a;
  a.groups = 2;
  ExpectTypeError(OpKind::kConvTranspose2d, a, {F32({1, 3, 3, 3}), F32({3, 1, 2, 2}), std::nullopt},
                  {"input channels (3)", "groups (2)"});
  ExpectTypeError(OpKind::kConvTranspose2d, a, {F32({1, 2, 3, 3}), F32({2, 3, 2, 2}), F32({3})},
                  {"bias", "[6]"});
  // Padding larger than the full output leaves nothing.
  ConvTranspose2dAttrs cropped;
  cropped.padding = UintList{2, 2, 0, 0};
  ExpectTypeError(OpKind::kConvTranspose2d, cropped,
                  {F32({1, 1, 2, 2}), F32({1, 1, 2, 2}), std::nullopt}, {"output height", "-1"});
}

// ---- pooling ---------------------------------------------------------------------------------

TEST(Pool2dValidation, OutputShape) {
  for (OpKind kind : {OpKind::kAveragePool2d, OpKind::kL2Pool2d, OpKind::kMaxPool2d}) {
    SCOPED_TRACE(OpName(kind));
    // The window defaults to the spatial size: global pooling.
    EXPECT_EQ(InferShape(kind, Pool2dAttrs{}, {F32({2, 3, 5, 7})}), (Shape{2, 3, 1, 1}));
    Pool2dAttrs nhwc;
    nhwc.layout = InputOperandLayout::kNhwc;
    EXPECT_EQ(InferShape(kind, nhwc, {F32({2, 5, 7, 3})}), (Shape{2, 1, 1, 3}));
    // (5 - 3 + 1) / 2 + 1: 2.5 -> floor 2, ceil 3.
    Pool2dAttrs a;
    a.windowDimensions = UintList{3, 3};
    a.padding = UintList{1, 0, 0, 1};
    a.strides = UintList{2, 2};
    EXPECT_EQ(InferShape(kind, a, {F32({1, 2, 5, 5})}), (Shape{1, 2, 2, 2}));
    a.outputShapeRounding = RoundingType::kCeil;
    EXPECT_EQ(InferShape(kind, a, {F32({1, 2, 5, 5})}), (Shape{1, 2, 3, 3}));
    // outputSizes overrides the rounding: either the floor or the ceil sizes.
    a.outputSizes = UintList{2, 2};
    EXPECT_EQ(InferShape(kind, a, {F32({1, 2, 5, 5})}), (Shape{1, 2, 2, 2}));
    a.outputShapeRounding = RoundingType::kFloor;
    a.outputSizes = UintList{3, 3};
    EXPECT_EQ(InferShape(kind, a, {F32({1, 2, 5, 5})}), (Shape{1, 2, 3, 3}));
    // Dilations widen the window: (3 - 1) * 2 + 1 = 5.
    Pool2dAttrs dilated;
    dilated.windowDimensions = UintList{3, 2};
    dilated.dilations = UintList{2, 1};
    EXPECT_EQ(InferShape(kind, dilated, {F32({1, 1, 5, 5})}), (Shape{1, 1, 1, 4}));
  }
}

TEST(Pool2dValidation, CeilAllowsAWindowLargerThanTheInput) {
  // (2 - 3) / 2 + 1 = 0.5: floor gives 0 (an error), ceil gives 1.
  Pool2dAttrs a;
  a.windowDimensions = UintList{3, 3};
  a.strides = UintList{2, 2};
  ExpectTypeError(OpKind::kMaxPool2d, a, {F32({1, 1, 2, 2})}, {"output height (0)"});
  a.outputShapeRounding = RoundingType::kCeil;
  EXPECT_EQ(InferShape(OpKind::kMaxPool2d, a, {F32({1, 1, 2, 2})}), (Shape{1, 1, 1, 1}));
}

TEST(Pool2dValidation, Errors) {
  const OperandDescriptor x = F32({1, 2, 5, 5});
  Pool2dAttrs a;
  a.windowDimensions = UintList{3};
  ExpectTypeError(OpKind::kAveragePool2d, a, {x}, {"windowDimensions", "got 1"});
  a.windowDimensions = UintList{3, 0};
  ExpectTypeError(OpKind::kAveragePool2d, a, {x}, {"windowDimensions[1]"});
  a = {};
  a.padding = UintList{1, 1, 1, 1, 1};
  ExpectTypeError(OpKind::kL2Pool2d, a, {x}, {"padding", "got 5"});
  a = {};
  a.strides = UintList{0, 1};
  ExpectTypeError(OpKind::kL2Pool2d, a, {x}, {"strides[0]"});
  a = {};
  a.dilations = UintList{1, 1, 1};
  ExpectTypeError(OpKind::kMaxPool2d, a, {x}, {"dilations", "got 3"});
  a.dilations = UintList{1, 0};
  ExpectTypeError(OpKind::kMaxPool2d, a, {x}, {"dilations[1]"});
  a = {};
  a.windowDimensions = UintList{3, 3};
  a.outputSizes = UintList{3};
  ExpectTypeError(OpKind::kMaxPool2d, a, {x}, {"outputSizes", "got 1"});
  // Calculated 2.5 x 2.5 with strides 2: [2, 2] or [3, 3] only, not a mix.
  a.padding = UintList{1, 0, 0, 1};
  a.strides = UintList{2, 2};
  a.outputSizes = UintList{2, 3};
  ExpectTypeError(OpKind::kMaxPool2d, a, {x}, {"outputSizes", "[2, 2]", "[3, 3]"});
  a.outputSizes = UintList{4, 4};
  ExpectTypeError(OpKind::kMaxPool2d, a, {x}, {"outputSizes", "[4, 4]"});
  // The window must fit (floor rounding).
  a = {};
  a.windowDimensions = UintList{6, 2};
  ExpectTypeError(OpKind::kAveragePool2d, a, {x}, {"output height"});
}

TEST(Pool2dValidation, DataTypes) {
  // maxPool2d allows any data type; average and l2 only float32 and float16.
  for (DataType type : {DataType::kInt8, DataType::kUint8, DataType::kInt32, DataType::kUint32,
                        DataType::kInt64, DataType::kUint64, DataType::kFloat16}) {
    auto r = InferOp(OpKind::kMaxPool2d, Pool2dAttrs{}, {OperandDescriptor{type, {1, 1, 2, 2}}});
    ASSERT_TRUE(r.ok()) << DataTypeName(type) << ": " << r.error().message();
    EXPECT_EQ((*r)[0].dataType, type);
  }
  ExpectTypeError(OpKind::kAveragePool2d, Pool2dAttrs{},
                  {OperandDescriptor{DataType::kInt32, {1, 1, 2, 2}}}, {"input", "int32"});
  ExpectTypeError(OpKind::kL2Pool2d, Pool2dAttrs{},
                  {OperandDescriptor{DataType::kUint8, {1, 1, 2, 2}}}, {"input", "uint8"});
  ExpectTypeError(OpKind::kMaxPool2d, Pool2dAttrs{}, {F32({1, 2, 2})}, {"input", "rank 3"});
}

}  // namespace
}  // namespace webnn
