// Shape inference and validation errors of the data-movement operators (validate_shape.cc).
#include <gtest/gtest.h>

#include <string>

#include "ops/validate.h"
#include "testing/op_runner.h"

namespace webnn {
namespace {

using testing::InferOp;
using Inputs = std::vector<std::optional<OperandDescriptor>>;

OperandDescriptor F32(std::vector<uint32_t> shape) { return {DataType::kFloat32, shape}; }
OperandDescriptor I32(std::vector<uint32_t> shape) { return {DataType::kInt32, shape}; }

// The single output's shape, or a failure naming the error.
::testing::AssertionResult HasShape(const Result<OutputDescriptors>& r,
                                    const std::vector<uint32_t>& shape) {
  if (!r.ok()) return ::testing::AssertionFailure() << r.error().ToString();
  if (r->size() != 1) return ::testing::AssertionFailure() << r->size() << " outputs";
  if ((*r)[0].shape != shape) {
    return ::testing::AssertionFailure() << "shape " << ShapeToString((*r)[0].shape);
  }
  return ::testing::AssertionSuccess();
}

// A TypeError whose message contains every one of `needles`.
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

// ---- concat ---------------------------------------------------------------------------------

TEST(ValidateShape, ConcatSumsTheAxis) {
  auto r = InferOp(OpKind::kConcat, AxisAttrs{1}, {F32({2, 3}), F32({2, 5}), F32({2, 1})});
  EXPECT_TRUE(HasShape(r, {2, 9}));
  EXPECT_EQ((*r)[0].dataType, DataType::kFloat32);
  EXPECT_TRUE(HasShape(InferOp(OpKind::kConcat, AxisAttrs{0}, {I32({4})}), {4}));
}

TEST(ValidateShape, ConcatErrors) {
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kConcat, AxisAttrs{2}, {F32({2, 3}), F32({2, 3})}),
                          {"concat", "axis: 2", "rank 2"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kConcat, AxisAttrs{1}, {F32({2, 3}), F32({3, 3})}),
                          {"inputs[1]", "[3, 3]", "dimension 0"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kConcat, AxisAttrs{0}, {F32({2, 3}), F32({2, 3, 1})}),
                          {"inputs[1]", "rank 3"}));
  // Generic: data types must match.
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kConcat, AxisAttrs{0}, {F32({2}), I32({2})}),
                          {"inputs[1]", "int32"}));
  // The summed dimension must stay a valid dimension (no uint32 wrap-around).
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kConcat, AxisAttrs{0},
                                  {OperandDescriptor{DataType::kUint8, {0x7FFFFFFFu}},
                                   OperandDescriptor{DataType::kUint8, {1}}}),
                          {"concatenated size", "2147483648"}));
  Inputs many(8193, OperandDescriptor{DataType::kFloat32, {1}});
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kConcat, AxisAttrs{0}, many), {"8193", "8192"}));
}

// ---- expand ---------------------------------------------------------------------------------

TEST(ValidateShape, ExpandBroadcastsUnidirectionally) {
  EXPECT_TRUE(
      HasShape(InferOp(OpKind::kExpand, NewShapeAttrs{{2, 4, 3}}, {F32({4, 1})}), {2, 4, 3}));
  EXPECT_TRUE(HasShape(InferOp(OpKind::kExpand, NewShapeAttrs{{2, 3}}, {F32({})}), {2, 3}));
  EXPECT_TRUE(HasShape(InferOp(OpKind::kExpand, NewShapeAttrs{{}}, {F32({})}), {}));
  auto r = InferOp(OpKind::kExpand, NewShapeAttrs{{3}}, {I32({1})});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].dataType, DataType::kInt32);
}

TEST(ValidateShape, ExpandErrors) {
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kExpand, NewShapeAttrs{{4, 6}}, {F32({2, 6})}),
                          {"[2, 6]", "not unidirectionally broadcastable", "[4, 6]"}));
  // newShape shorter than the input, or smaller dims: not unidirectional.
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kExpand, NewShapeAttrs{{3}}, {F32({2, 3})}),
                          {"not unidirectionally broadcastable"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kExpand, NewShapeAttrs{{1}}, {F32({3})}),
                          {"not unidirectionally broadcastable"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kExpand, NewShapeAttrs{{2, 0}}, {F32({1})}),
                          {"newShape[1]", "not a valid dimension"}));
  // Output rank above the context's limit (checked on the output descriptor).
  EXPECT_TRUE(
      IsTypeError(InferOp(OpKind::kExpand, NewShapeAttrs{std::vector<uint32_t>(9, 1)}, {F32({1})}),
                  {"rank 9"}));
}

// ---- gather family --------------------------------------------------------------------------

TEST(ValidateShape, GatherShape) {
  // input[:axis] + indices + input[axis+1:]
  EXPECT_TRUE(HasShape(InferOp(OpKind::kGather, GatherAttrs{1}, {F32({3, 4, 2}), I32({2, 2})}),
                       {3, 2, 2, 2}));
  EXPECT_TRUE(HasShape(InferOp(OpKind::kGather, GatherAttrs{0}, {F32({24}), I32({})}), {}));
  EXPECT_TRUE(HasShape(InferOp(OpKind::kGather, GatherAttrs{4},
                               {F32({4, 2, 1, 1, 3}), OperandDescriptor{DataType::kInt64, {}}}),
                       {4, 2, 1, 1}));
}

TEST(ValidateShape, GatherErrors) {
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kGather, GatherAttrs{2}, {F32({3, 4}), I32({2})}),
                          {"gather", "axis: 2", "rank 2"}));
  // Generic: indices type.
  EXPECT_TRUE(IsTypeError(
      InferOp(OpKind::kGather, GatherAttrs{0}, {F32({3}), OperandDescriptor{DataType::kInt8, {2}}}),
      {"indices", "int8"}));
  // Output rank input + indices - 1 above the limit.
  EXPECT_TRUE(IsTypeError(
      InferOp(OpKind::kGather, GatherAttrs{0}, {F32({2, 2, 2, 2, 2}), I32({2, 2, 2, 2, 2})}),
      {"output", "rank 9"}));
}

TEST(ValidateShape, GatherElementsShapeIsTheIndicesShape) {
  EXPECT_TRUE(HasShape(InferOp(OpKind::kGatherElements, GatherAttrs{1}, {F32({3, 3}), I32({3, 2})}),
                       {3, 2}));
  EXPECT_TRUE(
      HasShape(InferOp(OpKind::kGatherElements, GatherAttrs{0}, {F32({4, 2, 2}), I32({1, 2, 2})}),
               {1, 2, 2}));
}

TEST(ValidateShape, GatherElementsErrors) {
  EXPECT_TRUE(
      IsTypeError(InferOp(OpKind::kGatherElements, GatherAttrs{0}, {F32({3, 3}), I32({2, 2})}),
                  {"indices", "[2, 2]", "[2, 3]"}));
  EXPECT_TRUE(IsTypeError(
      InferOp(OpKind::kGatherElements, GatherAttrs{2}, {F32({3, 3}), I32({3, 3})}), {"axis: 2"}));
  // Generic: same rank.
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kGatherElements, GatherAttrs{0}, {F32({3, 3}), I32({3})}),
                          {"indices", "rank 1"}));
}

TEST(ValidateShape, GatherNDShape) {
  // indices [..., k]: indices.shape[:-1] + input.shape[k:]
  EXPECT_TRUE(
      HasShape(InferOp(OpKind::kGatherND, NoAttrs{}, {F32({2, 2, 4}), I32({3, 2})}), {3, 4}));
  EXPECT_TRUE(HasShape(InferOp(OpKind::kGatherND, NoAttrs{}, {F32({2, 2}), I32({2})}), {}));
  EXPECT_TRUE(
      HasShape(InferOp(OpKind::kGatherND, NoAttrs{}, {F32({2, 2, 2}), I32({3, 1})}), {3, 2, 2}));
}

TEST(ValidateShape, GatherNDErrors) {
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kGatherND, NoAttrs{}, {F32({2, 2}), I32({4, 3})}),
                          {"indices", "coordinate size", "3", "rank 2"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kGatherND, NoAttrs{}, {F32({2, 2}), I32({})}),
                          {"indices", "rank 0"}));
}

// ---- scatter family -------------------------------------------------------------------------

TEST(ValidateShape, ScatterElements) {
  auto r =
      InferOp(OpKind::kScatterElements, GatherAttrs{0}, {F32({3, 3}), I32({2, 3}), F32({2, 3})});
  EXPECT_TRUE(HasShape(r, {3, 3}));
  EXPECT_TRUE(IsTypeError(
      InferOp(OpKind::kScatterElements, GatherAttrs{0}, {F32({3, 3}), I32({2, 3}), F32({2, 2})}),
      {"updates", "[2, 2]", "[2, 3]"}));
  EXPECT_TRUE(IsTypeError(
      InferOp(OpKind::kScatterElements, GatherAttrs{1}, {F32({3, 3}), I32({2, 3}), F32({2, 3})}),
      {"indices", "[2, 3]", "[3, 3]"}));
  EXPECT_TRUE(IsTypeError(
      InferOp(OpKind::kScatterElements, GatherAttrs{3}, {F32({3, 3}), I32({3, 3}), F32({3, 3})}),
      {"axis: 3"}));
  // Generic: updates' type.
  EXPECT_TRUE(IsTypeError(
      InferOp(OpKind::kScatterElements, GatherAttrs{0}, {F32({3, 3}), I32({2, 3}), I32({2, 3})}),
      {"updates", "int32"}));
}

TEST(ValidateShape, ScatterND) {
  EXPECT_TRUE(HasShape(
      InferOp(OpKind::kScatterND, NoAttrs{}, {F32({4, 4, 4}), I32({2, 1}), F32({2, 4, 4})}),
      {4, 4, 4}));
  EXPECT_TRUE(
      HasShape(InferOp(OpKind::kScatterND, NoAttrs{}, {F32({2, 2}), I32({2}), F32({})}), {2, 2}));
  EXPECT_TRUE(IsTypeError(
      InferOp(OpKind::kScatterND, NoAttrs{}, {F32({4, 4, 4}), I32({2, 1}), F32({2, 4})}),
      {"updates", "[2, 4]", "[2, 4, 4]"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kScatterND, NoAttrs{}, {F32({4}), I32({2, 2}), F32({2})}),
                          {"coordinate size"}));
}

// ---- pad ------------------------------------------------------------------------------------

TEST(ValidateShape, PadShape) {
  PadAttrs a{{1, 2}, {3, 0}};
  EXPECT_TRUE(HasShape(InferOp(OpKind::kPad, a, {F32({2, 3})}), {6, 5}));
  EXPECT_TRUE(HasShape(InferOp(OpKind::kPad, PadAttrs{{}, {}}, {F32({})}), {}));
  a.mode = PaddingMode::kReflection;
  a.beginningPadding = {1, 2};
  a.endingPadding = {1, 2};
  EXPECT_TRUE(HasShape(InferOp(OpKind::kPad, a, {F32({2, 3})}), {4, 7}));
}

TEST(ValidateShape, PadErrors) {
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kPad, PadAttrs{{1}, {1, 1}}, {F32({2, 3})}),
                          {"beginningPadding", "expected 2", "got 1"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kPad, PadAttrs{{1, 1}, {1, 1, 1}}, {F32({2, 3})}),
                          {"endingPadding", "expected 2", "got 3"}));
  // Reflection padding must be at most dim - 1 per side.
  PadAttrs a{{2, 0}, {0, 0}, PaddingMode::kReflection};
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kPad, a, {F32({2, 3})}),
                          {"beginningPadding[0]", "2", "reflection"}));
  a = PadAttrs{{0, 0}, {0, 3}, PaddingMode::kReflection};
  EXPECT_TRUE(
      IsTypeError(InferOp(OpKind::kPad, a, {F32({2, 3})}), {"endingPadding[1]", "reflection"}));
  // Edge mode allows any amount.
  a.mode = PaddingMode::kEdge;
  EXPECT_TRUE(HasShape(InferOp(OpKind::kPad, a, {F32({2, 3})}), {2, 6}));
  // Output dimension overflow (no uint32 wrap).
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kPad, PadAttrs{{0xFFFFFFFFu}, {1}}, {F32({2})}),
                          {"padded dimension 0"}));
}

// ---- reshape --------------------------------------------------------------------------------

TEST(ValidateShape, Reshape) {
  EXPECT_TRUE(
      HasShape(InferOp(OpKind::kReshape, NewShapeAttrs{{4, 2, 3}}, {F32({2, 3, 4})}), {4, 2, 3}));
  EXPECT_TRUE(HasShape(InferOp(OpKind::kReshape, NewShapeAttrs{{}}, {F32({1, 1})}), {}));
  EXPECT_TRUE(
      HasShape(InferOp(OpKind::kReshape, NewShapeAttrs{{1, 1, 1, 1}}, {F32({})}), {1, 1, 1, 1}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kReshape, NewShapeAttrs{{5}}, {F32({2, 3})}),
                          {"newShape [5]", "element count (6"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kReshape, NewShapeAttrs{{6, 0}}, {F32({2, 3})}),
                          {"newShape[1]", "not a valid dimension"}));
  EXPECT_TRUE(
      IsTypeError(InferOp(OpKind::kReshape, NewShapeAttrs{{}}, {F32({2})}), {"element count (2"}));
  // A product that would overflow 64 bits is still rejected.
  EXPECT_TRUE(IsTypeError(
      InferOp(OpKind::kReshape, NewShapeAttrs{{0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, 4}}, {F32({4})}),
      {"element count"}));
  EXPECT_TRUE(
      IsTypeError(InferOp(OpKind::kReshape, NewShapeAttrs{std::vector<uint32_t>(9, 1)}, {F32({1})}),
                  {"rank 9"}));
}

// ---- reverse --------------------------------------------------------------------------------

TEST(ValidateShape, Reverse) {
  EXPECT_TRUE(HasShape(InferOp(OpKind::kReverse, ReverseAttrs{}, {F32({3, 4})}), {3, 4}));
  EXPECT_TRUE(HasShape(InferOp(OpKind::kReverse, ReverseAttrs{UintList{}}, {F32({3, 4})}), {3, 4}));
  EXPECT_TRUE(HasShape(InferOp(OpKind::kReverse, ReverseAttrs{}, {F32({})}), {}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kReverse, ReverseAttrs{UintList{0, 2}}, {F32({3, 4})}),
                          {"axes", "2"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kReverse, ReverseAttrs{UintList{1, 1}}, {F32({3, 4})}),
                          {"axes", "repeated"}));
}

// ---- slice ----------------------------------------------------------------------------------

TEST(ValidateShape, SliceShape) {
  EXPECT_TRUE(HasShape(
      InferOp(OpKind::kSlice, SliceAttrs{{2, 2}, {2, 4}, std::nullopt}, {F32({4, 6})}), {2, 4}));
  // ceil(size / stride)
  EXPECT_TRUE(
      HasShape(InferOp(OpKind::kSlice, SliceAttrs{{0, 2}, {2, 10}, UintList{1, 4}}, {F32({2, 12})}),
               {2, 3}));
  EXPECT_TRUE(HasShape(InferOp(OpKind::kSlice, SliceAttrs{{0, 0, 1}, {4, 3, 1}, UintList{3, 2, 1}},
                               {F32({4, 3, 2})}),
                       {2, 2, 1}));
  EXPECT_TRUE(HasShape(InferOp(OpKind::kSlice, SliceAttrs{{}, {}, std::nullopt}, {F32({})}), {}));
}

TEST(ValidateShape, SliceErrors) {
  const OperandDescriptor in = F32({4, 6});
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kSlice, SliceAttrs{{0}, {1, 1}, std::nullopt}, {in}),
                          {"starts", "expected 2", "got 1"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kSlice, SliceAttrs{{0, 0}, {1}, std::nullopt}, {in}),
                          {"sizes", "got 1"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kSlice, SliceAttrs{{0, 0}, {1, 1}, UintList{1}}, {in}),
                          {"strides", "got 1"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kSlice, SliceAttrs{{0, 0}, {1, 0}, std::nullopt}, {in}),
                          {"sizes[1]", "0"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kSlice, SliceAttrs{{0, 0}, {1, 1}, UintList{1, 0}}, {in}),
                          {"strides[1]"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kSlice, SliceAttrs{{4, 0}, {1, 1}, std::nullopt}, {in}),
                          {"starts[0]", "4"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kSlice, SliceAttrs{{0, 3}, {1, 4}, std::nullopt}, {in}),
                          {"starts[1] + sizes[1]", "3 + 4", "(6)"}));
  // No uint32 wrap-around in start + size.
  EXPECT_TRUE(
      IsTypeError(InferOp(OpKind::kSlice, SliceAttrs{{0, 1}, {1, 0xFFFFFFFFu}, std::nullopt}, {in}),
                  {"starts[1] + sizes[1]"}));
}

// ---- split ----------------------------------------------------------------------------------

TEST(ValidateShape, SplitShapes) {
  auto r = InferOp(OpKind::kSplit, SplitAttrs{uint32_t{3}, 0}, {F32({24})});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->size(), 3u);
  for (const auto& d : *r) EXPECT_EQ(d.shape, (std::vector<uint32_t>{8}));
  r = InferOp(OpKind::kSplit, SplitAttrs{UintList{2, 4}, 2}, {I32({1, 1, 6, 2})});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0], (OperandDescriptor{DataType::kInt32, {1, 1, 2, 2}}));
  EXPECT_EQ((*r)[1], (OperandDescriptor{DataType::kInt32, {1, 1, 4, 2}}));
}

TEST(ValidateShape, SplitErrors) {
  const OperandDescriptor in = F32({6, 4});
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kSplit, SplitAttrs{uint32_t{4}, 0}, {in}),
                          {"splits: 4", "evenly divide", "(6)"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kSplit, SplitAttrs{uint32_t{0}, 0}, {in}),
                          {"splits: 0", "valid tensor count"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kSplit, SplitAttrs{uint32_t{2}, 2}, {in}), {"axis: 2"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kSplit, SplitAttrs{UintList{2, 3}, 0}, {in}),
                          {"sum to 5", "(6)"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kSplit, SplitAttrs{UintList{6, 0}, 0}, {in}),
                          {"splits[1]", "0"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kSplit, SplitAttrs{UintList{}, 0}, {in}),
                          {"valid tensor count"}));
  // A sum that would wrap uint32 does not sneak through.
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kSplit, SplitAttrs{UintList{0xFFFFFFFFu, 7}, 0}, {in}),
                          {"sum to"}));
}

// ---- tile -----------------------------------------------------------------------------------

TEST(ValidateShape, Tile) {
  EXPECT_TRUE(HasShape(InferOp(OpKind::kTile, TileAttrs{{2, 3}}, {F32({2, 2})}), {4, 6}));
  EXPECT_TRUE(HasShape(InferOp(OpKind::kTile, TileAttrs{{}}, {F32({})}), {}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kTile, TileAttrs{{2}}, {F32({2, 2})}),
                          {"repetitions", "expected 2", "got 1"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kTile, TileAttrs{{1, 0}}, {F32({2, 2})}),
                          {"repetitions[1]", "0"}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kTile, TileAttrs{{0x80000000u}}, {F32({2})}),
                          {"tiled dimension 0", "4294967296"}));
}

// ---- transpose ------------------------------------------------------------------------------

TEST(ValidateShape, Transpose) {
  EXPECT_TRUE(HasShape(InferOp(OpKind::kTranspose, TransposeAttrs{}, {F32({2, 3, 4})}), {4, 3, 2}));
  EXPECT_TRUE(HasShape(InferOp(OpKind::kTranspose, TransposeAttrs{}, {F32({})}), {}));
  EXPECT_TRUE(HasShape(
      InferOp(OpKind::kTranspose, TransposeAttrs{UintList{1, 3, 0, 4, 2}}, {F32({1, 2, 1, 3, 4})}),
      {2, 3, 1, 4, 1}));
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kTranspose, TransposeAttrs{UintList{0}}, {F32({2, 3})}),
                          {"permutation", "expected 2", "got 1"}));
  EXPECT_TRUE(
      IsTypeError(InferOp(OpKind::kTranspose, TransposeAttrs{UintList{0, 2}}, {F32({2, 3})}),
                  {"permutation", "2"}));
  EXPECT_TRUE(
      IsTypeError(InferOp(OpKind::kTranspose, TransposeAttrs{UintList{1, 1}}, {F32({2, 3})}),
                  {"permutation", "repeated"}));
}

// ---- triangular -----------------------------------------------------------------------------

TEST(ValidateShape, Triangular) {
  EXPECT_TRUE(HasShape(InferOp(OpKind::kTriangular, TriangularAttrs{false, -100}, {I32({2, 3, 4})}),
                       {2, 3, 4}));
  // Rank >= 2 (generic).
  EXPECT_TRUE(IsTypeError(InferOp(OpKind::kTriangular, TriangularAttrs{}, {F32({3})}), {"rank 1"}));
}

}  // namespace
}  // namespace webnn
