// What a built MLGraph keeps: its io signature always; its IR (and so the constants' bytes) only
// with MLGraphOptions::keepGraph, or where the backend computes from the IR (reference).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "api/internal.h"
#include "ir/graph_builder.h"

namespace webnn {
namespace {

// y = x * w + b over float32 [2, 3] with constants whose bytes the test can watch.
struct WatchedGraph {
  GraphInfo graph;
  std::weak_ptr<const void> weights;  // expires when nothing holds w's and b's bytes
  std::vector<float> x, want;
};

WatchedGraph MakeGraph() {
  const std::vector<float> w = {1.5f, -2.f, 0.25f, 3.f, -1.f, 0.5f};
  const std::vector<float> b = {0.5f, 1.f, -1.f, 2.f, 0.f, -0.5f};
  // One owner for both constants' bytes.
  auto owner = std::make_shared<std::vector<float>>(w);
  owner->insert(owner->end(), b.begin(), b.end());
  const auto* bytes = reinterpret_cast<const std::byte*>(owner->data());
  const size_t n = w.size() * sizeof(float);
  GraphBuilderCore core;
  const OperandDescriptor desc{DataType::kFloat32, {2, 3}};
  const OperandId x = *core.AddInput("x", desc);
  const OperandId wc = *core.AddConstant(desc, ByteBuffer(owner, bytes, n));
  const OperandId bc = *core.AddConstant(desc, ByteBuffer(owner, bytes + n, n));
  const OperandId m = core.AddOperation(OpKind::kMul, {x, wc}, NoAttrs{})->front();
  const OperandId y = core.AddOperation(OpKind::kAdd, {m, bc}, NoAttrs{})->front();
  WatchedGraph g{*core.Build({{"y", y}}), owner, {1.f, 2.f, 3.f, -1.f, -2.f, -3.f}, {}};
  for (size_t i = 0; i < w.size(); ++i) g.want.push_back(g.x[i] * w[i] + b[i]);
  return g;
}

// Runs `graph` on g.x and compares with g.want (one multiply and one add per element: within
// an ulp or two, whatever the backend fuses).
void ExpectComputes(MLContext& context, const MLGraph& graph, const WatchedGraph& g) {
  const HostTensors out = context.compute(graph, {{"x", HostTensor::FromFloats({2, 3}, g.x)}});
  const std::vector<float> got = out.at("y").ToFloats();
  ASSERT_EQ(got.size(), g.want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], g.want[i], 1e-6) << "element " << i;
}

std::shared_ptr<MLContext> Context(const std::string& backend) {
  MLContextOptions options;
  options.backend = backend;
  return ML().createContext(options);
}

TEST(GraphIr, OneDnnBuildReleasesTheConstantBytes) {
  auto context = Context("onednn");
  WatchedGraph g = MakeGraph();
  MLGraph graph = CompileGraph(*context, std::move(g.graph), {});
  // The backend has prepacked copies; neither the MLGraph nor the executor pins the originals.
  EXPECT_TRUE(g.weights.expired()) << "the constants' bytes outlived build()";
  ExpectComputes(*context, graph, g);
  // The io signature is all the graph kept, and all dispatch needs.
  EXPECT_EQ(graph.inputDescriptors().at("x"), (OperandDescriptor{DataType::kFloat32, {2, 3}}));
  EXPECT_EQ(graph.outputDescriptors().size(), 1u);
  try {
    graph.save((std::filesystem::temp_directory_path() / "graph_ir_test_never.json").string());
    ADD_FAILURE() << "save() of a graph without its IR did not throw";
  } catch (const Exception& e) {
    EXPECT_EQ(e.error().code(), ErrorCode::kInvalidStateError);
    EXPECT_NE(e.error().ToString().find("keepGraph"), std::string::npos) << e.error().ToString();
  }
}

TEST(GraphIr, KeepGraphKeepsTheIrForSaveAndReleasesItWithTheGraph) {
  auto context = Context("onednn");
  WatchedGraph g = MakeGraph();
  MLGraphOptions options;
  options.keepGraph = true;
  {
    MLGraph graph = CompileGraph(*context, std::move(g.graph), options);
    EXPECT_FALSE(g.weights.expired()) << "keepGraph must keep the IR with its constants";
    const auto path = std::filesystem::temp_directory_path() /
                      ("graph_ir_test_" + std::to_string(::getpid()) + ".webnn");
    graph.save(path.string());
    MLGraph loaded = context->loadGraph(path.string());
    std::filesystem::remove(path);
    ExpectComputes(*context, loaded, g);
    ExpectComputes(*context, graph, g);
  }
  EXPECT_TRUE(g.weights.expired()) << "the kept IR outlived its graph";
}

TEST(GraphIr, ReferenceBackendKeepsItsConstantsForAsLongAsTheGraph) {
  auto context = Context("reference");
  WatchedGraph g = MakeGraph();
  {
    MLGraph graph = CompileGraph(*context, std::move(g.graph), {});
    EXPECT_FALSE(g.weights.expired()) << "the reference kernels read the original constants";
    ExpectComputes(*context, graph, g);
    graph.destroy();  // releases the compiled graph
    EXPECT_TRUE(g.weights.expired()) << "destroy() left the constants pinned";
  }
}

}  // namespace
}  // namespace webnn
