#include "ops/op_info.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "ops/validate.h"

namespace webnn {
namespace {

TEST(OpInfo, EveryRowParsesAndNamesAreUnique) {
  std::set<std::string_view> names;
  for (OpKind kind : AllOpKinds()) {
    const OpInfo& info = GetOpInfo(kind);
    EXPECT_EQ(info.kind, kind);
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_FALSE(info.inputs.empty()) << info.name;
    EXPECT_FALSE(info.outputs.empty()) << info.name;
    EXPECT_EQ(OpKindFromName(info.name), kind);
    EXPECT_EQ(DefaultAttrs(kind).index(), info.attrs_index) << info.name;
  }
  EXPECT_EQ(kOpCount, 95u);  // the spec's operator list (issue #2)
  EXPECT_FALSE(OpKindFromName("conv3d").has_value());
}

TEST(OpInfo, Conv2dSlots) {
  const OpInfo& info = GetOpInfo(OpKind::kConv2d);
  ASSERT_EQ(info.inputs.size(), 3u);
  EXPECT_EQ(info.inputs[0].name, "input");
  EXPECT_TRUE(info.inputs[0].types.Has(DataType::kFloat16));
  EXPECT_FALSE(info.inputs[0].types.Has(DataType::kInt32));
  EXPECT_EQ(info.inputs[0].min_rank, 4u);
  EXPECT_EQ(info.inputs[1].same_type_as, 0);
  EXPECT_TRUE(info.inputs[2].optional);
  EXPECT_EQ(info.InputSlot("bias"), 2);
  EXPECT_EQ(info.RequiredInputCount(), 2u);
}

TEST(Validate, GenericSlotChecksNameTheProblem) {
  OperandDescriptor x{DataType::kInt32, {1, 2, 3, 4}};
  OperandDescriptor w{DataType::kFloat32, {1, 2, 3, 4}};
  const OperandDescriptor* inputs[] = {&x, &w, nullptr};
  auto r = ValidateOperation(OpKind::kConv2d, Conv2dAttrs{}, "stem", inputs, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kTypeError);
  EXPECT_NE(r.error().message().find("conv2d 'stem': input: data type int32"), std::string::npos)
      << r.error().message();
}

TEST(Validate, CheckDescriptorLimits) {
  ContextLimits limits;
  EXPECT_TRUE(CheckDescriptor(limits, {DataType::kFloat32, {2, 3}}, "x").ok());
  EXPECT_FALSE(CheckDescriptor(limits, {DataType::kFloat32, {2, 0}}, "x").ok());
  EXPECT_FALSE(CheckDescriptor(limits, {DataType::kFloat32, std::vector<uint32_t>(9, 1)}, "x").ok());
  EXPECT_FALSE(CheckDescriptor(limits, {DataType::kFloat32, {65536, 65536}}, "x").ok());
  limits.max_tensor_byte_length = 16;
  EXPECT_FALSE(CheckDescriptor(limits, {DataType::kFloat32, {5}}, "x").ok());
  EXPECT_TRUE(CheckDescriptor(limits, {DataType::kFloat32, {4}}, "x").ok());
}

TEST(Float16, RoundTripAndRounding) {
  for (float f : {0.0f, -0.0f, 1.0f, -2.5f, 65504.0f, 6.103515625e-05f, 5.9604645e-08f}) {
    EXPECT_EQ(HalfToFloat(FloatToHalf(f)), f) << f;
  }
  EXPECT_EQ(FloatToHalf(65520.0f), 0x7C00);      // rounds up to infinity
  EXPECT_EQ(FloatToHalf(1.0f + 1.0f / 2048), 0x3C00);  // tie rounds to even
  EXPECT_TRUE(std::isnan(HalfToFloat(FloatToHalf(NAN))));
}

}  // namespace
}  // namespace webnn
