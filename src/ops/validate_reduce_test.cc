// Validator tests of the reductions, argMin/argMax, softmax and cumulativeSum: output shapes and
// each error the spec's method steps raise.
#include <gtest/gtest.h>

#include "testing/op_runner.h"

namespace webnn {
namespace {

using testing::InferOp;

OperandDescriptor F32(std::vector<uint32_t> shape) {
  return {DataType::kFloat32, std::move(shape)};
}

// The single output descriptor, or a failed expectation.
OperandDescriptor InferOne(OpKind kind, const Attrs& attrs, const OperandDescriptor& input) {
  auto r = InferOp(kind, attrs, {input});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
  if (!r.ok() || r->size() != 1) return {};
  return (*r)[0];
}

// Expects a TypeError whose message contains every one of `parts`.
void ExpectTypeError(OpKind kind, const Attrs& attrs, const OperandDescriptor& input,
                     std::initializer_list<std::string_view> parts) {
  auto r = InferOp(kind, attrs, {input});
  ASSERT_FALSE(r.ok()) << OpName(kind) << " accepted " << DescriptorToString(input);
  EXPECT_EQ(r.error().code(), ErrorCode::kTypeError) << r.error().ToString();
  for (std::string_view part : parts) {
    EXPECT_NE(r.error().message().find(part), std::string::npos)
        << "'" << part << "' not in: " << r.error().message();
  }
}

ReduceAttrs Reduce(std::optional<std::vector<uint32_t>> axes, bool keep = false) {
  ReduceAttrs a;
  a.axes = std::move(axes);
  a.keepDimensions = keep;
  return a;
}

const OpKind kReduceOps[] = {
    OpKind::kReduceL1,  OpKind::kReduceL2,       OpKind::kReduceLogSum, OpKind::kReduceLogSumExp,
    OpKind::kReduceMax, OpKind::kReduceMean,     OpKind::kReduceMin,    OpKind::kReduceProduct,
    OpKind::kReduceSum, OpKind::kReduceSumSquare};

TEST(ReduceValidate, OutputShapes) {
  const OperandDescriptor x = F32({2, 3, 4});
  for (OpKind kind : kReduceOps) {
    SCOPED_TRACE(OpName(kind));
    // Absent axes: every axis.
    EXPECT_EQ(InferOne(kind, Reduce(std::nullopt), x), F32({}));
    EXPECT_EQ(InferOne(kind, Reduce(std::nullopt, true), x), F32({1, 1, 1}));
    // Present and empty: nothing is reduced.
    EXPECT_EQ(InferOne(kind, Reduce(std::vector<uint32_t>{}), x), F32({2, 3, 4}));
    EXPECT_EQ(InferOne(kind, Reduce(std::vector<uint32_t>{}, true), x), F32({2, 3, 4}));
    // Order of the axes does not matter.
    EXPECT_EQ(InferOne(kind, Reduce(std::vector<uint32_t>{2, 0}), x), F32({3}));
    EXPECT_EQ(InferOne(kind, Reduce(std::vector<uint32_t>{2, 0}, true), x), F32({1, 3, 1}));
    // A scalar reduces to a scalar.
    EXPECT_EQ(InferOne(kind, Reduce(std::nullopt, true), F32({})), F32({}));
  }
}

TEST(ReduceValidate, OutputKeepsTheInputType) {
  const OperandDescriptor x{DataType::kInt64, {5, 2}};
  EXPECT_EQ(InferOne(OpKind::kReduceSum, Reduce(std::vector<uint32_t>{1}), x),
            (OperandDescriptor{DataType::kInt64, {5}}));
  const OperandDescriptor h{DataType::kFloat16, {5, 2}};
  EXPECT_EQ(InferOne(OpKind::kReduceMean, Reduce(std::vector<uint32_t>{0}, true), h),
            (OperandDescriptor{DataType::kFloat16, {1, 2}}));
}

TEST(ReduceValidate, BadAxes) {
  for (OpKind kind : kReduceOps) {
    SCOPED_TRACE(OpName(kind));
    ExpectTypeError(kind, Reduce(std::vector<uint32_t>{3}), F32({2, 3, 4}),
                    {"axes", "axis 3", "rank 3"});
    ExpectTypeError(kind, Reduce(std::vector<uint32_t>{1, 1}), F32({2, 3, 4}),
                    {"axes", "axis 1", "repeated"});
    ExpectTypeError(kind, Reduce(std::vector<uint32_t>{0}), F32({}), {"axes", "rank 0"});
  }
}

TEST(ReduceValidate, DataTypesFromTheOpTable) {
  // reduceMean/L2/LogSum/LogSumExp are float-only; reduceSum takes no int8; reduceMax takes any.
  ExpectTypeError(OpKind::kReduceMean, Reduce(std::nullopt), {DataType::kInt32, {2}},
                  {"reduceMean", "int32"});
  ExpectTypeError(OpKind::kReduceSum, Reduce(std::nullopt), {DataType::kInt8, {2}},
                  {"reduceSum", "int8"});
  EXPECT_EQ(InferOne(OpKind::kReduceMax, Reduce(std::nullopt), {DataType::kUint8, {2}}),
            (OperandDescriptor{DataType::kUint8, {}}));
}

ArgMinMaxAttrs Arg(uint32_t axis, bool keep = false, DataType type = DataType::kInt32) {
  ArgMinMaxAttrs a;
  a.axis = axis;
  a.keepDimensions = keep;
  a.outputDataType = type;
  return a;
}

TEST(ReduceValidate, ArgMinMaxShapesAndTypes) {
  const OperandDescriptor x = F32({2, 3, 4});
  for (OpKind kind : {OpKind::kArgMin, OpKind::kArgMax}) {
    SCOPED_TRACE(OpName(kind));
    EXPECT_EQ(InferOne(kind, Arg(1), x), (OperandDescriptor{DataType::kInt32, {2, 4}}));
    EXPECT_EQ(InferOne(kind, Arg(2, true, DataType::kInt64), x),
              (OperandDescriptor{DataType::kInt64, {2, 3, 1}}));
    EXPECT_EQ(InferOne(kind, Arg(0), F32({7})), (OperandDescriptor{DataType::kInt32, {}}));
    EXPECT_EQ(InferOne(kind, Arg(0), {DataType::kInt8, {7}}),
              (OperandDescriptor{DataType::kInt32, {}}));
  }
}

TEST(ReduceValidate, ArgMinMaxErrors) {
  for (OpKind kind : {OpKind::kArgMin, OpKind::kArgMax}) {
    SCOPED_TRACE(OpName(kind));
    ExpectTypeError(kind, Arg(3), F32({2, 3, 4}), {"axis: 3", "rank 3"});
    ExpectTypeError(kind, Arg(0, false, DataType::kFloat32), F32({2}),
                    {"outputDataType", "float32", "int32, int64"});
    ExpectTypeError(kind, Arg(0, false, DataType::kUint32), F32({2}), {"outputDataType", "uint32"});
    ExpectTypeError(kind, Arg(0), F32({}), {"input", "rank 0"});  // op table: rank 1 to N
  }
}

TEST(ReduceValidate, Softmax) {
  EXPECT_EQ(InferOne(OpKind::kSoftmax, AxisAttrs{2}, F32({2, 3, 4})), F32({2, 3, 4}));
  EXPECT_EQ(InferOne(OpKind::kSoftmax, AxisAttrs{0}, {DataType::kFloat16, {5}}),
            (OperandDescriptor{DataType::kFloat16, {5}}));
  ExpectTypeError(OpKind::kSoftmax, AxisAttrs{3}, F32({2, 3, 4}), {"softmax", "axis: 3"});
  ExpectTypeError(OpKind::kSoftmax, AxisAttrs{0}, {DataType::kInt32, {2}}, {"int32"});
}

TEST(ReduceValidate, CumulativeSum) {
  CumulativeSumAttrs a;
  a.axis = 1;
  a.exclusive = true;
  EXPECT_EQ(InferOne(OpKind::kCumulativeSum, a, F32({2, 3})), F32({2, 3}));
  EXPECT_EQ(InferOne(OpKind::kCumulativeSum, a, {DataType::kUint64, {2, 3}}),
            (OperandDescriptor{DataType::kUint64, {2, 3}}));
  a.axis = 2;
  ExpectTypeError(OpKind::kCumulativeSum, a, F32({2, 3}), {"cumulativeSum", "axis: 2", "rank 2"});
  a.axis = 0;
  ExpectTypeError(OpKind::kCumulativeSum, a, {DataType::kInt8, {2}}, {"int8"});
}

}  // namespace
}  // namespace webnn
