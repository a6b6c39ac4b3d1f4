// The public API's behaviour: builder, graphs, tensors, dispatch and their error cases.
#include <gtest/gtest.h>

#include <cstring>

#include "ops/op_info.h"
#include "webnn/webnn.h"

namespace webnn {
namespace {

std::vector<std::byte> Floats(std::initializer_list<float> v) {
  std::vector<std::byte> b(v.size() * sizeof(float));
  std::memcpy(b.data(), std::data(v), b.size());
  return b;
}

std::vector<float> AsFloats(const std::vector<std::byte>& b) {
  std::vector<float> v(b.size() / sizeof(float));
  std::memcpy(v.data(), b.data(), b.size());
  return v;
}

// Expects `fn` to throw a webnn::Exception of `code` whose message contains `needle`.
template <typename F>
void ExpectError(F&& fn, ErrorCode code, const std::string& needle) {
  try {
    fn();
    ADD_FAILURE() << "no exception; expected " << ErrorCodeName(code) << " with '" << needle << "'";
  } catch (const Exception& e) {
    EXPECT_EQ(e.error().code(), code) << e.what();
    EXPECT_NE(e.error().message().find(needle), std::string::npos) << e.what();
  }
}

TEST(Api, BuildDispatchAndReadBack) {
  auto context = ML().createContext();
  MLGraphBuilder builder(context);
  OperandDescriptor desc{DataType::kFloat32, {2, 2}};
  MLOperand x = builder.input("x", desc);
  std::vector<std::byte> ones = Floats({1, -2, 3, -4});
  MLOperand c = builder.constant(desc, ones);
  MLOperand y = builder.relu(builder.add(x, c, {.label = "sum"}));
  EXPECT_EQ(y.dataType(), DataType::kFloat32);
  EXPECT_EQ(y.shape(), (std::vector<uint32_t>{2, 2}));
  MLGraph graph = builder.build({{"y", y}});

  MLTensor in = context->createTensor({DataType::kFloat32, {2, 2}, false, true});
  MLTensor out = context->createTensor({DataType::kFloat32, {2, 2}, true, false});
  context->writeTensor(in, Floats({1, 1, 1, 1}));
  context->dispatch(graph, {{"x", in}}, {{"y", out}});
  EXPECT_EQ(AsFloats(context->readTensor(out)), (std::vector<float>{2, 0, 4, 0}));

  // The graph is reusable; a second dispatch with new data gives new results.
  context->writeTensor(in, Floats({-10, 10, -10, 10}));
  context->dispatch(graph, {{"x", in}}, {{"y", out}});
  EXPECT_EQ(AsFloats(context->readTensor(out)), (std::vector<float>{0, 8, 0, 6}));
}

TEST(Api, ConstantBufferIsCopied) {
  auto context = ML().createContext();
  MLGraphBuilder builder(context);
  std::vector<std::byte> data = Floats({5});
  MLOperand x = builder.input("x", {DataType::kFloat32, {1}});
  MLOperand c = builder.constant({DataType::kFloat32, {1}}, data);
  data = Floats({100});  // must not affect the graph
  MLGraph graph = builder.build({{"y", builder.add(x, c)}});
  HostTensors out =
      context->compute(graph, {{"x", HostTensor::FromFloats({1}, std::vector<float>{1})}});
  EXPECT_EQ(out.at("y").ToFloats(), (std::vector<float>{6}));
}

TEST(Api, ScalarConstantAndConstantTensor) {
  auto context = ML().createContext();
  MLGraphBuilder builder(context);
  MLOperand x = builder.input("x", {DataType::kFloat32, {2}});
  MLOperand two = builder.constant(DataType::kFloat32, 2.0);
  EXPECT_TRUE(two.shape().empty());
  MLTensor t = context->createConstantTensor({DataType::kFloat32, {2}}, Floats({1, 2}));
  EXPECT_TRUE(t.constant());
  MLOperand k = builder.constant(t);
  MLGraph graph = builder.build({{"y", builder.add(builder.mul(x, two), k)}});
  HostTensors out =
      context->compute(graph, {{"x", HostTensor::FromFloats({2}, std::vector<float>{3, 4})}});
  EXPECT_EQ(out.at("y").ToFloats(), (std::vector<float>{7, 10}));
}

TEST(Api, BuilderErrorsNameTheProblem) {
  auto context = ML().createContext();
  MLGraphBuilder builder(context);
  MLOperand x = builder.input("x", {DataType::kFloat32, {1, 3, 8, 8}});
  MLOperand w = builder.input("w", {DataType::kInt32, {4, 3, 3, 3}});
  MLConv2dOptions opts;
  opts.label = "stem";
  ExpectError([&] { builder.conv2d(x, w, opts); }, ErrorCode::kTypeError,
              "conv2d 'stem': filter: data type int32 must be the same as input's (float32)");
  ExpectError(
      [&] {
        builder.input("x", {DataType::kFloat32, {1}});
      },
      ErrorCode::kTypeError, "already used");
  ExpectError(
      [&] {
        builder.input("z", {DataType::kFloat32, {0}});
      },
      ErrorCode::kTypeError, "is 0");
  ExpectError(
      [&] {
        builder.constant({DataType::kFloat32, {3}}, Floats({1, 2}));
      },
      ErrorCode::kTypeError, "8 bytes given");
  MLGraphBuilder other(context);
  MLOperand foreign = other.input("x", {DataType::kFloat32, {1, 3, 8, 8}});
  ExpectError([&] { builder.add(x, foreign); }, ErrorCode::kTypeError, "another graph builder");
  ExpectError([&] { builder.add(x, MLOperand()); }, ErrorCode::kTypeError, "not an operand");
  ExpectError([&] { builder.op("conv3d", {x}, NoAttrs{}); }, ErrorCode::kTypeError,
              "unknown operator 'conv3d'");
}

TEST(Api, BuildRules) {
  auto context = ML().createContext();
  MLGraphBuilder builder(context);
  MLOperand x = builder.input("x", {DataType::kFloat32, {2}});
  ExpectError([&] { builder.build({{"y", x}}); }, ErrorCode::kTypeError, "graph input 'x'");
  ExpectError([&] { builder.build({}); }, ErrorCode::kTypeError, "no outputs");
  MLOperand y = builder.abs(x);
  // Unused inputs and operations are dropped from the built graph.
  builder.neg(builder.input("unused", {DataType::kFloat32, {2}}));
  MLGraph graph = builder.build({{"y", y}});
  EXPECT_EQ(graph.inputDescriptors().size(), 1u);
  ExpectError([&] { builder.relu(x); }, ErrorCode::kInvalidStateError, "already built");
  ExpectError([&] { builder.build({{"y", y}}); }, ErrorCode::kInvalidStateError, "already built");
}

TEST(Api, DispatchValidatesTensors) {
  auto context = ML().createContext();
  MLGraphBuilder builder(context);
  MLOperand x = builder.input("x", {DataType::kFloat32, {2}});
  MLGraph graph = builder.build({{"y", builder.abs(x)}});
  MLTensor in = context->createTensor({DataType::kFloat32, {2}, false, true});
  MLTensor out = context->createTensor({DataType::kFloat32, {2}, true, false});
  MLTensor wrong = context->createTensor({DataType::kFloat32, {3}, true, true});
  ExpectError(
      [&] {
        context->dispatch(graph, {{"x", wrong}}, {{"y", out}});
      },
      ErrorCode::kTypeError, "input 'x' is float32 [3], the graph expects float32 [2]");
  ExpectError(
      [&] {
        context->dispatch(graph, {}, {{"y", out}});
      },
      ErrorCode::kTypeError, "input 'x' is missing");
  ExpectError(
      [&] {
        context->dispatch(graph, {{"q", in}}, {{"y", out}});
      },
      ErrorCode::kTypeError, "no input named 'q'");
  ExpectError(
      [&] {
        context->dispatch(graph, {{"x", in}}, {{"y", in}});
      },
      ErrorCode::kTypeError, "also used");
  ExpectError([&] { context->readTensor(in); }, ErrorCode::kTypeError, "not readable");
  ExpectError(
      [&] {
        context->writeTensor(out, Floats({1, 2}));
      },
      ErrorCode::kTypeError, "not writable");
  ExpectError([&] { context->writeTensor(in, Floats({1})); }, ErrorCode::kTypeError,
              "4 bytes given");
  auto other = ML().createContext();
  MLTensor foreign = other->createTensor({DataType::kFloat32, {2}, true, true});
  ExpectError(
      [&] {
        context->dispatch(graph, {{"x", foreign}}, {{"y", out}});
      },
      ErrorCode::kTypeError, "another context");
  in.destroy();
  ExpectError(
      [&] {
        context->dispatch(graph, {{"x", in}}, {{"y", out}});
      },
      ErrorCode::kInvalidStateError, "destroyed");
  graph.destroy();
  MLTensor in2 = context->createTensor({DataType::kFloat32, {2}, false, true});
  ExpectError(
      [&] {
        context->dispatch(graph, {{"x", in2}}, {{"y", out}});
      },
      ErrorCode::kInvalidStateError, "destroyed");
}

TEST(Api, DestroyedContextIsLost) {
  auto context = ML().createContext();
  EXPECT_FALSE(context->lost().has_value());
  context->destroy();
  ASSERT_TRUE(context->lost().has_value());
  ExpectError([&] { MLGraphBuilder b(context); }, ErrorCode::kInvalidStateError, "lost");
  ExpectError(
      [&] {
        context->createTensor({DataType::kFloat32, {1}, true, true});
      },
      ErrorCode::kInvalidStateError, "destroyed");
}

TEST(Api, OpSupportLimitsComeFromTheOpTable) {
  auto context = ML().createContext();
  MLOpSupportLimits limits = context->opSupportLimits();
  EXPECT_EQ(limits.ops.size(), kOpCount);
  const MLTensorLimits& conv_input = limits.ops.at("conv2d").at("input");
  EXPECT_EQ(conv_input.dataTypes, (std::vector<DataType>{DataType::kFloat32, DataType::kFloat16}));
  EXPECT_EQ(conv_input.rankRange.min, 4u);
  EXPECT_EQ(conv_input.rankRange.max, 4u);
  // "same as input" resolves to the input's limits.
  EXPECT_EQ(limits.ops.at("conv2d").at("bias").dataTypes, conv_input.dataTypes);
  EXPECT_EQ(limits.ops.at("equal").at("output").dataTypes,
            (std::vector<DataType>{DataType::kUint8}));
  EXPECT_EQ(limits.ops.at("add").at("a").rankRange.max, 8u);
  EXPECT_TRUE(limits.ops.at("lstm").count("output2"));
  EXPECT_TRUE(limits.ops.at("split").count("outputs"));
  EXPECT_EQ(limits.maxTensorByteLength, uint64_t{1} << 31);
}

TEST(Api, MultiOutputSplit) {
  auto context = ML().createContext();
  MLGraphBuilder builder(context);
  MLOperand x = builder.input("x", {DataType::kFloat32, {4}});
  std::vector<MLOperand> parts = builder.split(x, 2);
  ASSERT_EQ(parts.size(), 2u);
  MLGraph graph = builder.build({{"a", parts[0]}, {"b", parts[1]}});
  HostTensors out =
      context->compute(graph, {{"x", HostTensor::FromFloats({4}, std::vector<float>{1, 2, 3, 4})}});
  EXPECT_EQ(out.at("a").ToFloats(), (std::vector<float>{1, 2}));
  EXPECT_EQ(out.at("b").ToFloats(), (std::vector<float>{3, 4}));
}

}  // namespace
}  // namespace webnn

namespace webnn {
namespace {
// An operand's descriptor stays readable after the builder built its graph.
TEST(ApiBuilder, OperandDescriptorAfterBuild) {
  auto context = ML().createContext();
  MLGraphBuilder b(context);
  auto x = b.input("x", {DataType::kFloat32, {2, 3}});
  auto y = b.relu(x);
  MLGraph g = b.build({{"y", y}});
  EXPECT_EQ(y.shape(), (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(x.dataType(), DataType::kFloat32);
}
// MLContextOptions::profile: each backend records every step of every dispatch.
TEST(Api, ProfileRecordsEveryStepOfEveryDispatch) {
  for (const char* backend : {"reference", "onednn"}) {
    SCOPED_TRACE(backend);
    MLContextOptions options;
    options.backend = backend;
    options.profile = true;
    auto context = ML().createContext(options);
    MLGraphBuilder builder(context);
    OperandDescriptor desc{DataType::kFloat32, {2, 2}};
    MLOperand x = builder.input("x", desc);
    MLOperand y = builder.tanh(builder.add(x, x));
    MLGraph graph = builder.build({{"y", y}});
    HostTensors inputs{{"x", HostTensor{desc, Floats({1, -2, 3, -4})}}};
    for (int i = 0; i < 3; ++i) context->compute(graph, inputs);
    const MLGraphProfile p = graph.profile();
    ASSERT_FALSE(p.steps.empty());
    size_t events = 0;
    for (const MLStepTiming& s : p.steps) {
      EXPECT_EQ(s.calls, 3u) << s.name;
      EXPECT_GE(s.totalMs, 0.0);
      EXPECT_FALSE(s.name.empty());
      events += s.calls;
    }
    EXPECT_EQ(p.events.size(), events);
    for (const MLStepEvent& e : p.events) {
      EXPECT_LT(e.step, p.steps.size());
      EXPECT_GE(e.durationUs, 0.0);
    }
  }
  // Without the option, asking is an error that says how to turn it on.
  auto plain = ML().createContext();
  MLGraphBuilder builder(plain);
  MLOperand x = builder.input("x", {DataType::kFloat32, {2}});
  MLGraph graph = builder.build({{"y", builder.relu(x)}});
  ExpectError([&] { graph.profile(); }, ErrorCode::kNotSupportedError, "profile enabled");
}

}  // namespace
}  // namespace webnn
