// Tests of the gru, gruCell, lstm and lstmCell validators: output shapes and each error.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "ops/validate.h"
#include "testing/op_runner.h"

namespace webnn {
namespace {

using testing::InferOp;
using Act = RecurrentNetworkActivation;
using Dir = RecurrentNetworkDirection;
using Inputs = std::vector<std::optional<OperandDescriptor>>;

OperandDescriptor F32(std::vector<uint32_t> shape) { return {DataType::kFloat32, shape}; }
OperandDescriptor F16(std::vector<uint32_t> shape) { return {DataType::kFloat16, shape}; }

// Expects a TypeError whose message contains every one of `parts`.
void ExpectTypeError(const Result<OutputDescriptors>& r, const std::vector<std::string>& parts) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kTypeError) << r.error().message();
  for (const std::string& part : parts) {
    EXPECT_NE(r.error().message().find(part), std::string::npos)
        << "missing '" << part << "' in: " << r.error().message();
  }
}

// ---- gru ---------------------------------------------------------------------------------
// steps 2, batch 3, inputSize 5, hiddenSize 4.
GruAttrs Gru(Dir direction = Dir::kForward, bool return_sequence = false) {
  GruAttrs a;
  a.steps = 2;
  a.hiddenSize = 4;
  a.direction = direction;
  a.returnSequence = return_sequence;
  return a;
}
Inputs GruInputs(uint32_t dirs = 1) {
  return {F32({2, 3, 5}),  F32({dirs, 12, 5}), F32({dirs, 12, 4}),
          F32({dirs, 12}), F32({dirs, 12}),    F32({dirs, 3, 4})};
}

TEST(RecurrentValidate, GruOutputShapes) {
  auto r = InferOp(OpKind::kGru, Gru(), GruInputs());
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0], F32({1, 3, 4}));

  r = InferOp(OpKind::kGru, Gru(Dir::kBackward, /*return_sequence=*/true), GruInputs());
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0], F32({1, 3, 4}));
  EXPECT_EQ((*r)[1], F32({2, 1, 3, 4}));

  r = InferOp(OpKind::kGru, Gru(Dir::kBoth, /*return_sequence=*/true), GruInputs(2));
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0], F32({2, 3, 4}));
  EXPECT_EQ((*r)[1], F32({2, 2, 3, 4}));

  // Only the required operands, float16.
  r = InferOp(
      OpKind::kGru, Gru(),
      {F16({2, 3, 5}), F16({1, 12, 5}), F16({1, 12, 4}), std::nullopt, std::nullopt, std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0], F16({1, 3, 4}));

  GruAttrs a = Gru();
  a.activations = ActivationList{Act::kRelu, Act::kSigmoid};
  a.layout = GruWeightLayout::kRzn;
  a.resetAfter = false;
  EXPECT_TRUE(InferOp(OpKind::kGru, a, GruInputs()).ok());
}

TEST(RecurrentValidate, GruErrors) {
  GruAttrs a = Gru();
  a.steps = 3;
  ExpectTypeError(InferOp(OpKind::kGru, a, GruInputs()), {"gru", "steps: 3", "shape[0] (2"});
  a.steps = 0;
  ExpectTypeError(InferOp(OpKind::kGru, a, GruInputs()), {"steps", "greater than 0"});

  a = Gru();
  a.hiddenSize = 0;
  ExpectTypeError(InferOp(OpKind::kGru, a, GruInputs()), {"hiddenSize: 0 * 6"});
  a.hiddenSize = 357913942;  // * 6 = 2147483652 > INT32_MAX; * 3 still fits uint32
  ExpectTypeError(InferOp(OpKind::kGru, a, GruInputs()), {"hiddenSize: 357913942 * 6"});

  Inputs in = GruInputs();
  in[1] = F32({1, 12, 6});
  ExpectTypeError(InferOp(OpKind::kGru, Gru(), in),
                  {"weight: shape [1, 12, 6] must be [1, 12, 5]", "3 * hiddenSize"});
  in = GruInputs();
  in[2] = F32({1, 12, 5});
  ExpectTypeError(InferOp(OpKind::kGru, Gru(), in),
                  {"recurrentWeight: shape [1, 12, 5] must be [1, 12, 4]"});
  in = GruInputs();
  in[3] = F32({1, 16});
  ExpectTypeError(InferOp(OpKind::kGru, Gru(), in), {"bias: shape [1, 16] must be [1, 12]"});
  in = GruInputs();
  in[4] = F32({2, 12});
  ExpectTypeError(InferOp(OpKind::kGru, Gru(), in),
                  {"recurrentBias: shape [2, 12] must be [1, 12]"});
  in = GruInputs();
  in[5] = F32({1, 2, 4});
  ExpectTypeError(InferOp(OpKind::kGru, Gru(), in),
                  {"initialHiddenState: shape [1, 2, 4] must be [1, 3, 4]"});

  // direction "both" needs numDirections = 2 in every weight and bias.
  ExpectTypeError(InferOp(OpKind::kGru, Gru(Dir::kBoth), GruInputs(1)),
                  {"weight: shape [1, 12, 5] must be [2, 12, 5]"});
  in = GruInputs(2);
  in[3] = F32({1, 12});
  ExpectTypeError(InferOp(OpKind::kGru, Gru(Dir::kBoth), in),
                  {"bias: shape [1, 12] must be [2, 12]"});
  ExpectTypeError(InferOp(OpKind::kGru, Gru(Dir::kForward), GruInputs(2)),
                  {"weight: shape [2, 12, 5] must be [1, 12, 5]"});

  a = Gru();
  a.activations = ActivationList{Act::kSigmoid, Act::kTanh, Act::kTanh};
  ExpectTypeError(InferOp(OpKind::kGru, a, GruInputs()),
                  {"activations: expected 2 activation functions, got 3"});
  a.activations = ActivationList{};
  ExpectTypeError(InferOp(OpKind::kGru, a, GruInputs()), {"expected 2", "got 0"});

  // Generic checks from the op table: types, ranks.
  in = GruInputs();
  in[3] = F16({1, 12});
  ExpectTypeError(InferOp(OpKind::kGru, Gru(), in), {"bias: data type float16"});
  in = GruInputs();
  in[0] = OperandDescriptor{DataType::kInt32, {2, 3, 5}};
  ExpectTypeError(InferOp(OpKind::kGru, Gru(), in), {"input: data type int32"});
  in = GruInputs();
  in[5] = F32({3, 4});
  ExpectTypeError(InferOp(OpKind::kGru, Gru(), in), {"initialHiddenState: rank 2"});
}

// ---- gruCell -----------------------------------------------------------------------------
// batch 3, inputSize 5, hiddenSize 4.
GruCellAttrs GruCell() {
  GruCellAttrs a;
  a.hiddenSize = 4;
  return a;
}
Inputs GruCellInputs() {
  return {F32({3, 5}), F32({12, 5}), F32({12, 4}), F32({3, 4}), F32({12}), F32({12})};
}

TEST(RecurrentValidate, GruCellOutputShape) {
  auto r = InferOp(OpKind::kGruCell, GruCell(), GruCellInputs());
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0], F32({3, 4}));
  GruCellAttrs a = GruCell();
  a.hiddenSize = 1;
  r = InferOp(OpKind::kGruCell, a,
              {F16({1, 2}), F16({3, 2}), F16({3, 1}), F16({1, 1}), std::nullopt, std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[0], F16({1, 1}));
}

TEST(RecurrentValidate, GruCellErrors) {
  Inputs in = GruCellInputs();
  in[1] = F32({12, 4});
  ExpectTypeError(InferOp(OpKind::kGruCell, GruCell(), in),
                  {"gruCell", "weight: shape [12, 4] must be [12, 5]"});
  in = GruCellInputs();
  in[2] = F32({16, 4});
  ExpectTypeError(InferOp(OpKind::kGruCell, GruCell(), in),
                  {"recurrentWeight: shape [16, 4] must be [12, 4]"});
  in = GruCellInputs();
  in[3] = F32({4, 3});
  ExpectTypeError(InferOp(OpKind::kGruCell, GruCell(), in),
                  {"hiddenState: shape [4, 3] must be [3, 4]"});
  in = GruCellInputs();
  in[4] = F32({4});
  ExpectTypeError(InferOp(OpKind::kGruCell, GruCell(), in), {"bias: shape [4] must be [12]"});
  in = GruCellInputs();
  in[5] = F32({13});
  ExpectTypeError(InferOp(OpKind::kGruCell, GruCell(), in),
                  {"recurrentBias: shape [13] must be [12]"});
  GruCellAttrs a = GruCell();
  a.hiddenSize = 0;
  ExpectTypeError(InferOp(OpKind::kGruCell, a, GruCellInputs()), {"hiddenSize: 0 * 6"});
  a = GruCell();
  a.activations = ActivationList{Act::kSigmoid};
  ExpectTypeError(InferOp(OpKind::kGruCell, a, GruCellInputs()),
                  {"activations: expected 2", "got 1"});
}

// ---- lstm --------------------------------------------------------------------------------
// steps 2, batch 3, inputSize 5, hiddenSize 4.
LstmAttrs Lstm(Dir direction = Dir::kForward, bool return_sequence = false) {
  LstmAttrs a;
  a.steps = 2;
  a.hiddenSize = 4;
  a.direction = direction;
  a.returnSequence = return_sequence;
  return a;
}
Inputs LstmInputs(uint32_t dirs = 1) {
  return {F32({2, 3, 5}),  F32({dirs, 16, 5}), F32({dirs, 16, 4}), F32({dirs, 16}),
          F32({dirs, 16}), F32({dirs, 12}),    F32({dirs, 3, 4}),  F32({dirs, 3, 4})};
}

TEST(RecurrentValidate, LstmOutputShapes) {
  auto r = InferOp(OpKind::kLstm, Lstm(), LstmInputs());
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0], F32({1, 3, 4}));
  EXPECT_EQ((*r)[1], F32({1, 3, 4}));

  r = InferOp(OpKind::kLstm, Lstm(Dir::kBoth, /*return_sequence=*/true), LstmInputs(2));
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0], F32({2, 3, 4}));
  EXPECT_EQ((*r)[1], F32({2, 3, 4}));
  EXPECT_EQ((*r)[2], F32({2, 2, 3, 4}));

  r = InferOp(OpKind::kLstm, Lstm(Dir::kBackward, /*return_sequence=*/true),
              {F16({2, 3, 5}), F16({1, 16, 5}), F16({1, 16, 4}), std::nullopt, std::nullopt,
               std::nullopt, std::nullopt, std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[2], F16({2, 1, 3, 4}));
}

TEST(RecurrentValidate, LstmErrors) {
  LstmAttrs a = Lstm();
  a.steps = 1;
  ExpectTypeError(InferOp(OpKind::kLstm, a, LstmInputs()), {"lstm", "steps: 1"});
  a.steps = 0;
  ExpectTypeError(InferOp(OpKind::kLstm, a, LstmInputs()), {"steps", "greater than 0"});
  a = Lstm();
  a.hiddenSize = 268435456;  // * 8 = 2^31 > INT32_MAX
  ExpectTypeError(InferOp(OpKind::kLstm, a, LstmInputs()), {"hiddenSize: 268435456 * 8"});

  Inputs in = LstmInputs();
  in[1] = F32({1, 12, 5});
  ExpectTypeError(InferOp(OpKind::kLstm, Lstm(), in),
                  {"weight: shape [1, 12, 5] must be [1, 16, 5]", "4 * hiddenSize"});
  in = LstmInputs();
  in[2] = F32({1, 16, 5});
  ExpectTypeError(InferOp(OpKind::kLstm, Lstm(), in),
                  {"recurrentWeight: shape [1, 16, 5] must be [1, 16, 4]"});
  in = LstmInputs();
  in[3] = F32({1, 12});
  ExpectTypeError(InferOp(OpKind::kLstm, Lstm(), in), {"bias: shape [1, 12] must be [1, 16]"});
  in = LstmInputs();
  in[4] = F32({1, 8});
  ExpectTypeError(InferOp(OpKind::kLstm, Lstm(), in),
                  {"recurrentBias: shape [1, 8] must be [1, 16]"});
  in = LstmInputs();
  in[5] = F32({1, 16});
  ExpectTypeError(InferOp(OpKind::kLstm, Lstm(), in),
                  {"peepholeWeight: shape [1, 16] must be [1, 12]"});
  in = LstmInputs();
  in[6] = F32({1, 3, 5});
  ExpectTypeError(InferOp(OpKind::kLstm, Lstm(), in),
                  {"initialHiddenState: shape [1, 3, 5] must be [1, 3, 4]"});
  in = LstmInputs();
  in[7] = F32({2, 3, 4});
  ExpectTypeError(InferOp(OpKind::kLstm, Lstm(), in),
                  {"initialCellState: shape [2, 3, 4] must be [1, 3, 4]"});
  in = LstmInputs(2);
  in[5] = F32({1, 12});
  ExpectTypeError(InferOp(OpKind::kLstm, Lstm(Dir::kBoth), in),
                  {"peepholeWeight: shape [1, 12] must be [2, 12]"});

  a = Lstm();
  a.activations = ActivationList{Act::kSigmoid, Act::kTanh};
  ExpectTypeError(InferOp(OpKind::kLstm, a, LstmInputs()),
                  {"activations: expected 3 activation functions, got 2"});

  in = LstmInputs();
  in[7] = F16({1, 3, 4});
  ExpectTypeError(InferOp(OpKind::kLstm, Lstm(), in), {"initialCellState: data type float16"});
}

// ---- lstmCell ----------------------------------------------------------------------------
// batch 3, inputSize 5, hiddenSize 4.
LstmCellAttrs LstmCell() {
  LstmCellAttrs a;
  a.hiddenSize = 4;
  return a;
}
Inputs LstmCellInputs() {
  return {F32({3, 5}), F32({16, 5}), F32({16, 4}), F32({3, 4}),
          F32({3, 4}), F32({16}),    F32({16}),    F32({12})};
}

TEST(RecurrentValidate, LstmCellOutputShapes) {
  auto r = InferOp(OpKind::kLstmCell, LstmCell(), LstmCellInputs());
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0], F32({3, 4}));
  EXPECT_EQ((*r)[1], F32({3, 4}));
  r = InferOp(OpKind::kLstmCell, LstmCell(),
              {F16({3, 5}), F16({16, 5}), F16({16, 4}), F16({3, 4}), F16({3, 4}), std::nullopt,
               std::nullopt, std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)[1], F16({3, 4}));
}

TEST(RecurrentValidate, LstmCellErrors) {
  Inputs in = LstmCellInputs();
  in[1] = F32({16, 4});
  ExpectTypeError(InferOp(OpKind::kLstmCell, LstmCell(), in),
                  {"lstmCell", "weight: shape [16, 4] must be [16, 5]"});
  in = LstmCellInputs();
  in[2] = F32({12, 4});
  ExpectTypeError(InferOp(OpKind::kLstmCell, LstmCell(), in),
                  {"recurrentWeight: shape [12, 4] must be [16, 4]"});
  in = LstmCellInputs();
  in[3] = F32({1, 4});
  ExpectTypeError(InferOp(OpKind::kLstmCell, LstmCell(), in),
                  {"hiddenState: shape [1, 4] must be [3, 4]"});
  in = LstmCellInputs();
  in[4] = F32({3, 5});
  ExpectTypeError(InferOp(OpKind::kLstmCell, LstmCell(), in),
                  {"cellState: shape [3, 5] must be [3, 4]"});
  in = LstmCellInputs();
  in[5] = F32({12});
  ExpectTypeError(InferOp(OpKind::kLstmCell, LstmCell(), in), {"bias: shape [12] must be [16]"});
  in = LstmCellInputs();
  in[6] = F32({17});
  ExpectTypeError(InferOp(OpKind::kLstmCell, LstmCell(), in),
                  {"recurrentBias: shape [17] must be [16]"});
  in = LstmCellInputs();
  in[7] = F32({16});
  ExpectTypeError(InferOp(OpKind::kLstmCell, LstmCell(), in),
                  {"peepholeWeight: shape [16] must be [12]"});
  LstmCellAttrs a = LstmCell();
  a.hiddenSize = 0;
  ExpectTypeError(InferOp(OpKind::kLstmCell, a, LstmCellInputs()), {"hiddenSize: 0 * 8"});
  a = LstmCell();
  a.activations = ActivationList{Act::kSigmoid, Act::kTanh, Act::kTanh, Act::kRelu};
  ExpectTypeError(InferOp(OpKind::kLstmCell, a, LstmCellInputs()),
                  {"activations: expected 3", "got 4"});
  in = LstmCellInputs();
  in[4] = std::nullopt;
  ExpectTypeError(InferOp(OpKind::kLstmCell, LstmCell(), in), {"cellState: missing operand"});
}

// The output limits are applied to the inferred shapes (here: the sequence output's bytes).
TEST(RecurrentValidate, OutputsAreCheckedAgainstLimits) {
  ContextLimits limits;
  limits.max_tensor_byte_length = 2 * 1 * 3 * 4 * 4 - 1;  // the sequence output needs 96 bytes
  EXPECT_TRUE(InferOp(OpKind::kGru, Gru(), GruInputs(), limits).ok());
  auto r = InferOp(OpKind::kGru, Gru(Dir::kForward, /*return_sequence=*/true), GruInputs(), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("output 1"), std::string::npos) << r.error().message();
}

}  // namespace
}  // namespace webnn
