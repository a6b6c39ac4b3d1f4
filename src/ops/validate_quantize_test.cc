// Shape inference and validation errors of quantizeLinear / dequantizeLinear.
#include <gtest/gtest.h>

#include <string>

#include "ops/validate.h"
#include "testing/op_runner.h"

namespace webnn {
namespace {

using testing::InferOp;

OperandDescriptor D(DataType t, std::vector<uint32_t> shape) { return {t, std::move(shape)}; }

::testing::AssertionResult IsTypeError(const Result<OutputDescriptors>& r,
                                       std::initializer_list<std::string_view> needles) {
  if (r.ok()) return ::testing::AssertionFailure() << "validation passed";
  if (r.error().code() != ErrorCode::kTypeError) {
    return ::testing::AssertionFailure() << "not a TypeError: " << r.error().ToString();
  }
  for (std::string_view needle : needles) {
    if (r.error().message().find(needle) == std::string::npos) {
      return ::testing::AssertionFailure()
             << "message lacks '" << needle << "': " << r.error().message();
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(ValidateQuantize, QuantizeOutputHasZeroPointTypeAndInputShape) {
  for (DataType zp : {DataType::kUint8, DataType::kInt8, DataType::kInt32, DataType::kUint32,
                      DataType::kInt4, DataType::kUint4}) {
    auto r = InferOp(OpKind::kQuantizeLinear, NoAttrs{},
                     {D(DataType::kFloat16, {6, 4}), D(DataType::kFloat16, {2, 2}), D(zp, {2, 2})});
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ((*r)[0], D(zp, {6, 4})) << DataTypeName(zp);
  }
  auto r = InferOp(OpKind::kQuantizeLinear, NoAttrs{},
                   {D(DataType::kFloat32, {}), D(DataType::kFloat32, {}), D(DataType::kInt8, {})});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ((*r)[0], D(DataType::kInt8, {}));
}

TEST(ValidateQuantize, DequantizeOutputHasScaleTypeAndInputShape) {
  auto r = InferOp(OpKind::kDequantizeLinear, NoAttrs{},
                   {D(DataType::kInt4, {1, 1, 2, 2}), D(DataType::kFloat16, {1, 1, 2, 1}),
                    D(DataType::kInt4, {1, 1, 2, 1})});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ((*r)[0], D(DataType::kFloat16, {1, 1, 2, 2}));
}

TEST(ValidateQuantize, BlockwiseBroadcastErrors) {
  // 4 is not a multiple of 3.
  EXPECT_TRUE(IsTypeError(
      InferOp(OpKind::kDequantizeLinear, NoAttrs{},
              {D(DataType::kUint8, {6, 4}), D(DataType::kFloat32, {2, 3}),
               D(DataType::kUint8, {2, 3})}),
      {"dequantizeLinear", "scale", "[2, 3]", "not blockwise broadcastable", "[6, 4]"}));
  // A scale larger than the input does not divide it either.
  EXPECT_TRUE(IsTypeError(
      InferOp(OpKind::kQuantizeLinear, NoAttrs{},
              {D(DataType::kFloat32, {2}), D(DataType::kFloat32, {4}), D(DataType::kUint8, {4})}),
      {"not blockwise broadcastable"}));
}

TEST(ValidateQuantize, ScaleAndZeroPointShapesMustMatch) {
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kQuantizeLinear, NoAttrs{},
                                  {D(DataType::kFloat32, {6, 4}), D(DataType::kFloat32, {2, 2}),
                                   D(DataType::kInt8, {2, 1})}),
                          {"zeroPoint", "[2, 1]", "[2, 2]"}));
}

TEST(ValidateQuantize, GenericTypeAndRankRules) {
  // Rank: scale must have the input's rank (the spec; older wpt cases broadcast a lower rank).
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kQuantizeLinear, NoAttrs{},
                                  {D(DataType::kFloat32, {2, 2}), D(DataType::kFloat32, {1}),
                                   D(DataType::kUint8, {1})}),
                          {"scale", "rank 1"}));
  // quantize: scale has the input's type.
  EXPECT_TRUE(IsTypeError(
      InferOp(OpKind::kQuantizeLinear, NoAttrs{},
              {D(DataType::kFloat32, {2}), D(DataType::kFloat16, {2}), D(DataType::kUint8, {2})}),
      {"scale", "float16"}));
  // quantize: zeroPoint type is one of the quantized types.
  EXPECT_TRUE(IsTypeError(
      InferOp(OpKind::kQuantizeLinear, NoAttrs{},
              {D(DataType::kFloat32, {2}), D(DataType::kFloat32, {2}), D(DataType::kInt64, {2})}),
      {"zeroPoint", "int64"}));
  // dequantize: zeroPoint has the input's type.
  EXPECT_TRUE(IsTypeError(
      InferOp(OpKind::kDequantizeLinear, NoAttrs{},
              {D(DataType::kInt8, {2}), D(DataType::kFloat32, {2}), D(DataType::kUint8, {2})}),
      {"zeroPoint", "uint8"}));
  // dequantize: the input is a quantized type.
  EXPECT_TRUE(IsTypeError(
      InferOp(OpKind::kDequantizeLinear, NoAttrs{},
              {D(DataType::kFloat32, {2}), D(DataType::kFloat32, {2}), D(DataType::kFloat32, {2})}),
      {"input", "float32"}));
}

}  // namespace
}  // namespace webnn
