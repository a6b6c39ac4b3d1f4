// Validator tests of batchNormalization, instanceNormalization and layerNormalization.
#include <gtest/gtest.h>

#include <cmath>

#include "testing/op_runner.h"

namespace webnn {
namespace {

using testing::InferOp;
using Inputs = std::vector<std::optional<OperandDescriptor>>;

OperandDescriptor F32(std::vector<uint32_t> shape) {
  return {DataType::kFloat32, std::move(shape)};
}
OperandDescriptor F16(std::vector<uint32_t> shape) {
  return {DataType::kFloat16, std::move(shape)};
}

void ExpectOutput(OpKind kind, const Attrs& attrs, const Inputs& inputs,
                  const OperandDescriptor& expected) {
  auto r = InferOp(kind, attrs, inputs);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0], expected);
}

// Expects a TypeError whose message contains every one of `parts`.
void ExpectTypeError(OpKind kind, const Attrs& attrs, const Inputs& inputs,
                     std::initializer_list<std::string_view> parts) {
  auto r = InferOp(kind, attrs, inputs);
  ASSERT_FALSE(r.ok()) << OpName(kind) << " was accepted";
  EXPECT_EQ(r.error().code(), ErrorCode::kTypeError) << r.error().ToString();
  for (std::string_view part : parts) {
    EXPECT_NE(r.error().message().find(part), std::string::npos)
        << "'" << part << "' not in: " << r.error().message();
  }
}

// ---- batchNormalization -----------------------------------------------------------------------

BatchNormalizationAttrs Bn(uint32_t axis, double epsilon = 1e-5) {
  BatchNormalizationAttrs a;
  a.axis = axis;
  a.epsilon = epsilon;
  return a;
}

TEST(NormalizationValidate, BatchNormalizationShapes) {
  const OperandDescriptor x = F32({2, 3, 4, 5});
  ExpectOutput(OpKind::kBatchNormalization, BatchNormalizationAttrs{},
               {x, F32({3}), F32({3}), std::nullopt, std::nullopt}, x);
  ExpectOutput(OpKind::kBatchNormalization, Bn(3), {x, F32({5}), F32({5}), F32({5}), F32({5})}, x);
  ExpectOutput(OpKind::kBatchNormalization, Bn(0), {F16({7}), F16({7}), F16({7}), {}, {}},
               F16({7}));
}

TEST(NormalizationValidate, BatchNormalizationErrors) {
  const OperandDescriptor x = F32({2, 3, 4});
  ExpectTypeError(OpKind::kBatchNormalization, Bn(3), {x, F32({3}), F32({3}), {}, {}},
                  {"batchNormalization", "axis: 3", "rank 3"});
  ExpectTypeError(OpKind::kBatchNormalization, Bn(1), {x, F32({4}), F32({3}), {}, {}},
                  {"mean", "[4]", "[3]"});
  ExpectTypeError(OpKind::kBatchNormalization, Bn(1), {x, F32({3}), F32({2}), {}, {}},
                  {"variance", "[2]", "[3]"});
  ExpectTypeError(OpKind::kBatchNormalization, Bn(2), {x, F32({4}), F32({4}), F32({3}), {}},
                  {"scale", "[3]", "[4]", "dimension 2"});
  ExpectTypeError(OpKind::kBatchNormalization, Bn(2), {x, F32({4}), F32({4}), {}, F32({5})},
                  {"bias", "[5]", "[4]"});
  ExpectTypeError(OpKind::kBatchNormalization, Bn(1, NAN), {x, F32({3}), F32({3}), {}, {}},
                  {"epsilon", "finite"});
  ExpectTypeError(OpKind::kBatchNormalization, Bn(1, INFINITY), {x, F32({3}), F32({3}), {}, {}},
                  {"epsilon"});
  // From the op table: mean must have the input's type and rank 1.
  ExpectTypeError(OpKind::kBatchNormalization, Bn(1), {x, F16({3}), F32({3}), {}, {}},
                  {"mean", "float16"});
  ExpectTypeError(OpKind::kBatchNormalization, Bn(1), {x, F32({3, 1}), F32({3}), {}, {}},
                  {"mean", "rank 2"});
}

// ---- instanceNormalization --------------------------------------------------------------------

InstanceNormalizationAttrs In(InputOperandLayout layout, double epsilon = 1e-5) {
  InstanceNormalizationAttrs a;
  a.layout = layout;
  a.epsilon = epsilon;
  return a;
}

TEST(NormalizationValidate, InstanceNormalizationShapes) {
  const OperandDescriptor x = F32({2, 3, 4, 5});
  ExpectOutput(OpKind::kInstanceNormalization, InstanceNormalizationAttrs{},
               {x, F32({3}), F32({3})}, x);
  ExpectOutput(OpKind::kInstanceNormalization, In(InputOperandLayout::kNhwc),
               {x, F32({5}), std::nullopt}, x);
  ExpectOutput(OpKind::kInstanceNormalization, In(InputOperandLayout::kNhwc),
               {F16({1, 2, 2, 8}), std::nullopt, std::nullopt}, F16({1, 2, 2, 8}));
}

TEST(NormalizationValidate, InstanceNormalizationErrors) {
  const OperandDescriptor x = F32({2, 3, 4, 5});
  ExpectTypeError(OpKind::kInstanceNormalization, In(InputOperandLayout::kNchw),
                  {x, F32({5}), std::nullopt}, {"scale", "[5]", "[3]", "dimension 1"});
  ExpectTypeError(OpKind::kInstanceNormalization, In(InputOperandLayout::kNhwc),
                  {x, std::nullopt, F32({3})}, {"bias", "[3]", "[5]", "dimension 3"});
  ExpectTypeError(OpKind::kInstanceNormalization, In(InputOperandLayout::kNchw, -INFINITY),
                  {x, std::nullopt, std::nullopt}, {"epsilon"});
  ExpectTypeError(OpKind::kInstanceNormalization, In(InputOperandLayout::kNchw),
                  {F32({2, 3, 4}), std::nullopt, std::nullopt}, {"input", "rank 3"});
}

// ---- layerNormalization -----------------------------------------------------------------------

LayerNormalizationAttrs Ln(std::optional<std::vector<uint32_t>> axes, double epsilon = 1e-5) {
  LayerNormalizationAttrs a;
  a.axes = std::move(axes);
  a.epsilon = epsilon;
  return a;
}

TEST(NormalizationValidate, LayerNormalizationShapes) {
  const OperandDescriptor x = F32({2, 3, 4});
  // Default axes [1, 2]: scale/bias of shape [3, 4].
  ExpectOutput(OpKind::kLayerNormalization, Ln(std::nullopt), {x, F32({3, 4}), F32({3, 4})}, x);
  // Given axes: scale/bias in the order of the axes.
  ExpectOutput(OpKind::kLayerNormalization, Ln(std::vector<uint32_t>{2, 0}),
               {x, F32({4, 2}), std::nullopt}, x);
  // Empty axes: scalar scale/bias.
  ExpectOutput(OpKind::kLayerNormalization, Ln(std::vector<uint32_t>{}), {x, std::nullopt, F32({})},
               x);
  // Rank 0 and 1 inputs: default axes are empty.
  ExpectOutput(OpKind::kLayerNormalization, Ln(std::nullopt), {F16({}), F16({}), F16({})}, F16({}));
  ExpectOutput(OpKind::kLayerNormalization, Ln(std::nullopt), {F32({6}), F32({}), std::nullopt},
               F32({6}));
}

TEST(NormalizationValidate, LayerNormalizationErrors) {
  const OperandDescriptor x = F32({2, 3, 4});
  ExpectTypeError(OpKind::kLayerNormalization, Ln(std::vector<uint32_t>{3}), {x, {}, {}},
                  {"layerNormalization", "axes", "axis 3", "rank 3"});
  ExpectTypeError(OpKind::kLayerNormalization, Ln(std::vector<uint32_t>{1, 1}), {x, {}, {}},
                  {"axes", "repeated"});
  ExpectTypeError(OpKind::kLayerNormalization, Ln(std::nullopt), {x, F32({12}), {}},
                  {"scale", "rank 1", "number of axes (2)"});
  ExpectTypeError(OpKind::kLayerNormalization, Ln(std::nullopt), {x, {}, F32({4, 3})},
                  {"bias", "[4, 3]", "[3, 4]"});
  ExpectTypeError(OpKind::kLayerNormalization, Ln(std::vector<uint32_t>{2, 0}),
                  {x, F32({2, 4}), {}}, {"scale", "[2, 4]", "[4, 2]"});
  ExpectTypeError(OpKind::kLayerNormalization, Ln(std::nullopt, NAN), {x, {}, {}}, {"epsilon"});
  ExpectTypeError(OpKind::kLayerNormalization, Ln(std::nullopt),
                  {OperandDescriptor{DataType::kInt32, {2, 3}}, {}, {}}, {"input", "int32"});
}

}  // namespace
}  // namespace webnn
