#include "runtime/dispatch_binding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace webnn::runtime {
namespace {

const OperandDescriptor kF2{DataType::kFloat32, {2}};
const OperandDescriptor kF3{DataType::kFloat32, {3}};
const OperandDescriptor kI2{DataType::kInt32, {2}};

// a: f32[2], b: i32[2] -> y: f32[2], z: f32[3]
GraphSignature Signature() {
  GraphSignature s;
  s.inputs = {{"a", kF2}, {"b", kI2}};
  s.outputs = {{"y", kF2}, {"z", kF3}};
  return s;
}

std::string Message(const Result<DispatchBinding>& r) {
  return r.ok() ? std::string("(ok)") : r.error().message();
}

void ExpectFails(const Result<DispatchBinding>& r, const std::string& needle) {
  ASSERT_FALSE(r.ok()) << "expected an error containing: " << needle;
  EXPECT_EQ(r.error().code(), ErrorCode::kTypeError);
  EXPECT_NE(r.error().message().find(needle), std::string::npos) << r.error().message();
  EXPECT_EQ(r.error().message().rfind("dispatch: ", 0), 0u) << r.error().message();
}

TEST(BindDispatch, OrdersArgumentsBySignature) {
  // Given in an order unlike the signature's: the binding maps signature slots to arguments.
  std::vector<DispatchArgument> in{{"b", 2, &kI2}, {"a", 1, &kF2}};
  std::vector<DispatchArgument> out{{"z", 4, &kF3}, {"y", 3, &kF2}};
  auto r = BindDispatch(Signature(), in, out);
  ASSERT_TRUE(r.ok()) << Message(r);
  ASSERT_EQ(r->inputs.size(), 2u);
  ASSERT_EQ(r->outputs.size(), 2u);
  EXPECT_EQ(in[r->inputs[0]].name, "a");
  EXPECT_EQ(in[r->inputs[1]].name, "b");
  EXPECT_EQ(out[r->outputs[0]].name, "y");
  EXPECT_EQ(out[r->outputs[1]].name, "z");
}

TEST(BindDispatch, AnInputMayBeGivenToTwoInputs) {
  GraphSignature s;
  s.inputs = {{"a", kF2}, {"b", kF2}};
  s.outputs = {{"y", kF2}};
  std::vector<DispatchArgument> in{{"a", 1, &kF2}, {"b", 1, &kF2}};
  std::vector<DispatchArgument> out{{"y", 2, &kF2}};
  auto r = BindDispatch(s, in, out);
  EXPECT_TRUE(r.ok()) << Message(r);
}

TEST(BindDispatch, RejectsUnknownNames) {
  std::vector<DispatchArgument> in{{"a", 1, &kF2}, {"q", 2, &kI2}};
  std::vector<DispatchArgument> out{{"y", 3, &kF2}, {"z", 4, &kF3}};
  ExpectFails(BindDispatch(Signature(), in, out), "the graph has no input named 'q'");
  in[1].name = "b";
  out[1].name = "w";
  ExpectFails(BindDispatch(Signature(), in, out), "the graph has no output named 'w'");
}

TEST(BindDispatch, RejectsMissingAndRepeatedNames) {
  std::vector<DispatchArgument> in{{"a", 1, &kF2}};
  std::vector<DispatchArgument> out{{"y", 3, &kF2}, {"z", 4, &kF3}};
  ExpectFails(BindDispatch(Signature(), in, out), "input 'b' is missing");
  in = {{"a", 1, &kF2}, {"b", 2, &kI2}};
  out = {{"y", 3, &kF2}};
  ExpectFails(BindDispatch(Signature(), in, out), "output 'z' is missing");
  in = {{"a", 1, &kF2}, {"a", 2, &kF2}};
  out = {{"y", 3, &kF2}, {"z", 4, &kF3}};
  ExpectFails(BindDispatch(Signature(), in, out), "input 'a' given twice");
}

TEST(BindDispatch, RejectsWrongDescriptors) {
  std::vector<DispatchArgument> in{{"a", 1, &kF3}, {"b", 2, &kI2}};
  std::vector<DispatchArgument> out{{"y", 3, &kF2}, {"z", 4, &kF3}};
  ExpectFails(BindDispatch(Signature(), in, out),
              "input 'a' is float32 [3], the graph expects float32 [2]");
  in[0].desc = &kF2;
  out[1].desc = &kI2;
  ExpectFails(BindDispatch(Signature(), in, out),
              "output 'z' is int32 [2], the graph produces float32 [3]");
}

TEST(BindDispatch, RejectsConstantTensors) {
  std::vector<DispatchArgument> in{{"a", 1, &kF2, true}, {"b", 2, &kI2}};
  std::vector<DispatchArgument> out{{"y", 3, &kF2}, {"z", 4, &kF3}};
  ExpectFails(BindDispatch(Signature(), in, out), "input 'a' is a constant tensor");
  in[0].constant = false;
  out[0].constant = true;
  ExpectFails(BindDispatch(Signature(), in, out), "output 'y' is a constant tensor");
}

TEST(BindDispatch, RejectsATensorBothReadAndWrittenOrWrittenTwice) {
  std::vector<DispatchArgument> in{{"a", 1, &kF2}, {"b", 2, &kI2}};
  std::vector<DispatchArgument> out{{"y", 1, &kF2}, {"z", 4, &kF3}};
  ExpectFails(BindDispatch(Signature(), in, out), "output 'y' is also used as another input");
  GraphSignature s;
  s.inputs = {{"a", kF2}};
  s.outputs = {{"y", kF2}, {"z", kF2}};
  std::vector<DispatchArgument> in2{{"a", 1, &kF2}};
  std::vector<DispatchArgument> out2{{"y", 5, &kF2}, {"z", 5, &kF2}};
  ExpectFails(BindDispatch(s, in2, out2), "output 'z' is also used as another input or output");
}

}  // namespace
}  // namespace webnn::runtime
