#include "ir/validate_graph.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "ir/graph_builder.h"

namespace webnn {
namespace {

OperandDescriptor F32(std::vector<uint32_t> shape) {
  return {DataType::kFloat32, std::move(shape)};
}

// `names.size()` inputs of shape [2], each relu'd; relu i is output "out<i>".
GraphInfo ReluPerInput(const std::vector<std::string>& names) {
  GraphBuilderCore b;
  std::vector<std::pair<std::string, OperandId>> outputs;
  for (size_t i = 0; i < names.size(); ++i) {
    // Unique names for the builder; the test renames them afterwards.
    OperandId x = b.AddInput("in" + std::to_string(i), F32({2})).value();
    outputs.emplace_back("out" + std::to_string(i),
                         b.AddOperation(OpKind::kRelu, {x}, NoAttrs{}).value().at(0));
  }
  GraphInfo g = b.Build(outputs).value();
  for (size_t i = 0; i < names.size(); ++i) g.operands[g.inputs[i]].name = names[i];
  return g;
}

std::string ErrorOf(const GraphInfo& g, const ContextLimits& limits = {}) {
  Status s = ValidateGraph(g, limits);
  return s.ok() ? "ok" : s.error().message();
}

TEST(ValidateGraph, AcceptsWhatTheBuilderBuilds) {
  EXPECT_EQ(ErrorOf(ReluPerInput({"a", "b", "c"})), "ok");
}

TEST(ValidateGraph, ReportsTheFirstRepeatedInputName) {
  EXPECT_EQ(ErrorOf(ReluPerInput({"x", "y", "x"})), "inputs[2]: duplicate input name 'x'");
  // Two names repeat: the first repetition in input order is reported, not the first in
  // sorted order.
  EXPECT_EQ(ErrorOf(ReluPerInput({"b", "a", "a", "b"})), "inputs[2]: duplicate input name 'a'");
  EXPECT_EQ(ErrorOf(ReluPerInput({"b", "a", "b", "a"})), "inputs[2]: duplicate input name 'b'");
  // An earlier error comes first.
  EXPECT_EQ(ErrorOf(ReluPerInput({"a", "", "a"})), "inputs[1]: empty name");
}

TEST(ValidateGraph, ReportsTheFirstRepeatedOutputName) {
  GraphInfo g = ReluPerInput({"a", "b", "c"});
  g.outputs[2].name = "out0";
  EXPECT_EQ(ErrorOf(g), "outputs[2]: duplicate output name 'out0'");
  g.outputs[1].name = "";
  EXPECT_EQ(ErrorOf(g), "outputs[1]: empty name");
}

TEST(ValidateGraph, NamesTheOperandOverTheLimits) {
  GraphInfo g = ReluPerInput({"a", "big"});
  for (OperandId id : {g.inputs[1], g.outputs[1].operand}) g.operands[id].desc = F32({1024});
  ContextLimits limits;
  limits.max_tensor_byte_length = 1024;
  const std::string error = ErrorOf(g, limits);
  EXPECT_NE(error.find("operands[" + std::to_string(g.inputs[1]) + "] 'big'"), std::string::npos)
      << error;
  EXPECT_NE(error.find("4096 bytes exceeds the maximum tensor byte length 1024"), std::string::npos)
      << error;
}

// Concat of more operands than ValidateGraph keeps on the stack, and of few.
GraphInfo ConcatOf(size_t n) {
  GraphBuilderCore b;
  std::vector<OperandId> inputs;
  for (size_t i = 0; i < n; ++i)
    inputs.push_back(b.AddInput("x" + std::to_string(i), F32({1, 3})).value());
  OperandId out = b.AddOperation(OpKind::kConcat, inputs, AxisAttrs{0}).value().at(0);
  return b.Build({{"y", out}}).value();
}

TEST(ValidateGraph, ChecksOperationsWithManyOperands) {
  for (size_t n : {1u, 8u, 9u, 20u}) {
    GraphInfo g = ConcatOf(n);
    EXPECT_EQ(ErrorOf(g), "ok") << n;
    // The declared output must still equal the inferred one, whichever path holds the slots.
    g.operands[g.outputs[0].operand].desc = F32({static_cast<uint32_t>(n) + 1, 3});
    const std::string error = ErrorOf(g);
    EXPECT_NE(error.find("output 0 is declared as float32 [" + std::to_string(n + 1) +
                         ", 3] but the operator produces float32 [" + std::to_string(n) + ", 3]"),
              std::string::npos)
        << error;
  }
}

TEST(ValidateOperation, NamesTheOutputOverTheLimits) {
  const OperandDescriptor a = F32({64, 1});
  const OperandDescriptor b = F32({1, 64});
  const std::vector<const OperandDescriptor*> inputs = {&a, &b};
  ContextLimits limits;
  limits.max_tensor_byte_length = 1024;  // the inputs fit, the 64x64 product does not
  auto r = ValidateOperation(OpKind::kMatmul, NoAttrs{}, "mm", inputs, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(),
            "matmul 'mm': output: 16384 bytes exceeds the maximum tensor byte length 1024");
}

TEST(OutputDescriptors, OneInPlaceMoreInAVector) {
  OutputDescriptors none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.begin(), none.end());

  OutputDescriptors one{F32({2, 3})};
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0], F32({2, 3}));
  EXPECT_EQ(one.back(), F32({2, 3}));

  OutputDescriptors grown = one;
  grown.push_back(F32({4}));
  grown.push_back(F32({5}));
  ASSERT_EQ(grown.size(), 3u);
  EXPECT_EQ(grown.front(), F32({2, 3}));
  EXPECT_EQ(grown[1], F32({4}));
  EXPECT_EQ(grown.back(), F32({5}));
  EXPECT_EQ(grown.end() - grown.begin(), 3);
  EXPECT_EQ(one.size(), 1u);  // the copy grew, not the original

  OutputDescriptors two{F32({1}), F32({2})};
  EXPECT_EQ(two.size(), 2u);
  OutputDescriptors pushed;
  pushed.reserve(2);
  pushed.push_back(F32({1}));
  pushed.push_back(F32({2}));
  EXPECT_EQ(two, pushed);
  EXPECT_FALSE(two == one);

  OutputDescriptors empty_then_one;
  empty_then_one.push_back(F32({2, 3}));
  EXPECT_EQ(empty_then_one, one);
}

}  // namespace
}  // namespace webnn
