// Tests of the gemm and matmul validators: output shapes (transposes, broadcasting) and each
// validation error of the spec's steps.
#include <gtest/gtest.h>

#include <limits>
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
  return (*r)[0].shape;
}

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

TEST(GemmValidation, OutputShape) {
  EXPECT_EQ(InferShape(OpKind::kGemm, GemmAttrs{}, {F32({3, 4}), F32({4, 5}), std::nullopt}),
            (Shape{3, 5}));
  GemmAttrs t;
  t.aTranspose = true;
  t.bTranspose = true;
  EXPECT_EQ(InferShape(OpKind::kGemm, t, {F32({4, 3}), F32({5, 4}), F32({3, 5})}), (Shape{3, 5}));
  // c: any shape unidirectionally broadcastable to [3, 5], scalar included.
  for (const Shape& c : {Shape{}, Shape{1}, Shape{5}, Shape{1, 5}, Shape{3, 1}, Shape{1, 1}}) {
    EXPECT_EQ(InferShape(OpKind::kGemm, GemmAttrs{}, {F32({3, 4}), F32({4, 5}), F32(c)}),
              (Shape{3, 5}))
        << ShapeToString(c);
  }
  auto r = InferOp(OpKind::kGemm, GemmAttrs{},
                   {OperandDescriptor{DataType::kFloat16, {3, 4}},
                    OperandDescriptor{DataType::kFloat16, {4, 5}}, std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0].dataType, DataType::kFloat16);
}

TEST(GemmValidation, AlphaAndBetaMustBeFinite) {
  for (double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    GemmAttrs t;
    t.alpha = bad;
    ExpectTypeError(OpKind::kGemm, t, {F32({3, 4}), F32({4, 5}), std::nullopt},
                    {"gemm", "alpha", "finite"});
    t = GemmAttrs{};
    t.beta = -bad;
    ExpectTypeError(OpKind::kGemm, t, {F32({3, 4}), F32({4, 5}), std::nullopt},
                    {"gemm", "beta", "finite"});
  }
}

TEST(GemmValidation, Errors) {
  ExpectTypeError(OpKind::kGemm, GemmAttrs{}, {F32({3, 4}), F32({5, 4}), std::nullopt},
                  {"a's columns (4", "b's rows (5"});
  GemmAttrs t;
  t.aTranspose = true;
  ExpectTypeError(OpKind::kGemm, t, {F32({3, 4}), F32({4, 5}), std::nullopt},
                  {"a's columns (3", "transposed"});
  for (const Shape& c : {Shape{3}, Shape{5, 3}, Shape{2, 5}}) {
    ExpectTypeError(OpKind::kGemm, GemmAttrs{}, {F32({3, 4}), F32({4, 5}), F32(c)},
                    {"c", ShapeToString(c), "[3, 5]"});
  }
  ExpectTypeError(OpKind::kGemm, GemmAttrs{}, {F32({3, 4}), F32({4, 5}), F32({1, 3, 5})},
                  {"c", "rank 3"});
  ExpectTypeError(OpKind::kGemm, GemmAttrs{}, {F32({3, 4, 1}), F32({4, 5}), std::nullopt},
                  {"a", "rank 3"});
  ExpectTypeError(OpKind::kGemm, GemmAttrs{},
                  {OperandDescriptor{DataType::kInt32, {3, 4}},
                   OperandDescriptor{DataType::kInt32, {4, 5}}, std::nullopt},
                  {"a", "int32"});
}

TEST(MatmulValidation, OutputShape) {
  struct Case {
    Shape a, b, out;
  };
  for (const Case& c :
       {Case{{3, 4}, {4, 5}, {3, 5}}, Case{{2, 3, 4}, {2, 4, 5}, {2, 3, 5}},
        Case{{2, 3, 4}, {1, 4, 1}, {2, 3, 1}}, Case{{2, 3, 4}, {4, 1}, {2, 3, 1}},
        Case{{2, 2, 3, 4}, {2, 4, 5}, {2, 2, 3, 5}}, Case{{4, 1, 3, 4}, {5, 4, 2}, {4, 5, 3, 2}},
        Case{{3, 4}, {6, 1, 4, 2}, {6, 1, 3, 2}}}) {
    EXPECT_EQ(InferShape(OpKind::kMatmul, NoAttrs{}, {F32(c.a), F32(c.b)}), c.out)
        << ShapeToString(c.a) << " x " << ShapeToString(c.b);
  }
}

TEST(MatmulValidation, Errors) {
  ExpectTypeError(OpKind::kMatmul, NoAttrs{}, {F32({3, 4}), F32({5, 4})},
                  {"a's columns (4", "b's rows (5"});
  ExpectTypeError(OpKind::kMatmul, NoAttrs{}, {F32({2, 3, 4}), F32({3, 4, 5})},
                  {"batch", "[2]", "[3]"});
  ExpectTypeError(OpKind::kMatmul, NoAttrs{}, {F32({4}), F32({4, 5})}, {"a", "rank 1"});
  ExpectTypeError(OpKind::kMatmul, NoAttrs{},
                  {F32({3, 4}), OperandDescriptor{DataType::kFloat16, {4, 5}}}, {"b", "float16"});
}

}  // namespace
}  // namespace webnn
