// Tests of the resample2d validator: output shapes from scales and sizes on any two axes, and
// each validation error of the spec's steps.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "testing/op_runner.h"

namespace webnn {
namespace {

using testing::InferOp;
using Shape = std::vector<uint32_t>;

OperandDescriptor F32(Shape shape) { return {DataType::kFloat32, std::move(shape)}; }

Shape InferShape(const Resample2dAttrs& a, const OperandDescriptor& input) {
  auto r = InferOp(OpKind::kResample2d, a, {input});
  EXPECT_TRUE(r.ok()) << r.error().message();
  if (!r.ok()) return {};
  EXPECT_EQ((*r)[0].dataType, input.dataType);
  return (*r)[0].shape;
}

void ExpectTypeError(const Resample2dAttrs& a, const OperandDescriptor& input,
                     std::vector<std::string> fragments) {
  auto r = InferOp(OpKind::kResample2d, a, {input});
  ASSERT_FALSE(r.ok()) << "expected an error mentioning " << fragments[0];
  EXPECT_EQ(r.error().code(), ErrorCode::kTypeError) << r.error().message();
  for (const std::string& f : fragments) {
    EXPECT_NE(r.error().message().find(f), std::string::npos)
        << "'" << r.error().message() << "' does not mention '" << f << "'";
  }
}

TEST(Resample2dValidation, OutputShape) {
  const OperandDescriptor x = F32({1, 2, 3, 4});
  EXPECT_EQ(InferShape({}, x), (Shape{1, 2, 3, 4}));  // scales default to [1, 1]
  Resample2dAttrs a;
  a.scales = std::vector<float>{2, 1.5f};
  EXPECT_EQ(InferShape(a, x), (Shape{1, 2, 6, 6}));
  a.scales = std::vector<float>{0.5f, 0.6f};  // floor(1.5) = 1, floor(2.4) = 2
  EXPECT_EQ(InferShape(a, x), (Shape{1, 2, 1, 2}));
  // sizes win over scales.
  a.sizes = UintList{7, 9};
  EXPECT_EQ(InferShape(a, x), (Shape{1, 2, 7, 9}));
  // Any two distinct axes, in either order.
  for (const auto& [axes, expected] :
       std::vector<std::pair<UintList, Shape>>{{{0, 1}, {7, 9, 3, 4}},
                                               {{1, 0}, {9, 7, 3, 4}},
                                               {{1, 2}, {1, 7, 9, 4}},
                                               {{3, 2}, {1, 2, 9, 7}},
                                               {{0, 3}, {7, 2, 3, 9}}}) {
    Resample2dAttrs b;
    b.sizes = UintList{7, 9};
    b.axes = axes;
    EXPECT_EQ(InferShape(b, x), expected);
  }
}

TEST(Resample2dValidation, DataTypes) {
  for (DataType type : {DataType::kFloat16, DataType::kUint8, DataType::kInt8}) {
    EXPECT_EQ(InferShape({}, {type, {1, 1, 2, 2}}), (Shape{1, 1, 2, 2}));
  }
  ExpectTypeError({}, {DataType::kInt32, {1, 1, 2, 2}}, {"input", "int32"});
  ExpectTypeError({}, F32({1, 2, 2}), {"input", "rank 3"});
}

TEST(Resample2dValidation, Errors) {
  const OperandDescriptor x = F32({1, 2, 3, 4});
  Resample2dAttrs a;
  a.scales = std::vector<float>{2};
  ExpectTypeError(a, x, {"scales", "got 1"});
  a.scales = std::vector<float>{2, 0};
  ExpectTypeError(a, x, {"scales[1]"});
  a.scales = std::vector<float>{-1, 2};
  ExpectTypeError(a, x, {"scales[0]"});
  a.scales = std::vector<float>{NAN, 2};
  ExpectTypeError(a, x, {"scales[0]"});
  // A scale that rounds the size down to 0, or up beyond int32.
  a.scales = std::vector<float>{0.25f, 1};
  ExpectTypeError(a, x, {"axis 2", "not a valid dimension"});
  a.scales = std::vector<float>{1e9f, 1};
  ExpectTypeError(a, x, {"axis 2", "not a valid dimension"});
  a = {};
  a.sizes = UintList{2, 2, 2};
  ExpectTypeError(a, x, {"sizes", "got 3"});
  a.sizes = UintList{0, 2};
  ExpectTypeError(a, x, {"sizes[0]"});
  a = {};
  a.axes = UintList{2};
  ExpectTypeError(a, x, {"axes", "got 1"});
  a.axes = UintList{1, 1};
  ExpectTypeError(a, x, {"axes", "repeated"});
  a.axes = UintList{2, 4};
  ExpectTypeError(a, x, {"axes", "4", "out of range"});
}

}  // namespace
}  // namespace webnn
