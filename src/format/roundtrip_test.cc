// The two file formats carry the same graphs: for every conformance graph (the vendored WPT
// vectors, built as the conformance runner builds them) and both real models,
//   JSON -> IR -> Cap'n Proto -> IR -> JSON
// gives the same JSON text and the same constant bytes, and the decoded graph computes
// bit-identical outputs on the reference backend.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backend/reference/reference_graph.h"
#include "conformance/conformance.h"
#include "format/capnp/codec.h"
#include "format/graph_file.h"
#include "format/json/graph_json.h"
#include "format/json/weights.h"
#include "ir/validate_graph.h"
#include "util/npy.h"

namespace webnn {
namespace {

namespace fs = std::filesystem;

const fs::path kSource(WEBNN_SOURCE_DIR);

// Outputs of `graph` on the reference kernels, one byte vector per graph output, in order.
// `inputs` are by input name and must match the input descriptors.
std::vector<std::vector<std::byte>> Compute(const GraphInfo& graph, const HostTensors& inputs) {
  std::vector<const std::byte*> in;
  for (OperandId id : graph.inputs) {
    const Operand& operand = graph.operands[id];
    auto it = inputs.find(operand.name);
    EXPECT_NE(it, inputs.end()) << "no value for input " << operand.name;
    if (it == inputs.end()) return {};
    EXPECT_EQ(it->second.bytes.size(), operand.desc.ByteLength()) << operand.name;
    in.push_back(it->second.bytes.data());
  }
  std::vector<std::vector<std::byte>> out;
  std::vector<std::byte*> out_ptrs;
  for (const GraphOutput& o : graph.outputs) {
    out.emplace_back(graph.operands[o.operand].desc.ByteLength());
  }
  for (auto& o : out) out_ptrs.push_back(o.data());
  reference::ReferenceGraph compiled(graph);
  Status s = compiled.Execute(in, out_ptrs);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return out;
}

// The constants of a graph by their JSON value name (operand ids may be renumbered between two
// equal documents; names are what the documents share).
std::map<std::string, std::vector<std::byte>> ConstantsByName(const GraphInfo& g) {
  std::map<std::string, std::vector<std::byte>> out;
  for (const auto& [id, bytes] : g.constants) {
    out[g.operands[id].name].assign(bytes.data(), bytes.data() + bytes.size());
  }
  return out;
}

// The whole chain for one graph, JSON in the layout SaveGraphJson writes (constants over 1 KiB
// in a WGWT weights blob, the others inline; a conformance graph has constants of up to 144 MB,
// which as inline JSON numbers would take minutes to write and parse):
//   original -> JSON files -> IR -> Cap'n Proto message -> IR -> JSON files again.
struct Chain {
  JsonFiles json;                  // GraphToJsonFiles(original)
  GraphInfo from_json;             // the JSON files loaded (ParseGraphJson with the weights blob)
  std::vector<std::byte> message;  // EncodeGraph(from_json)
  GraphInfo from_capnp;            // DecodeGraph(message)
  JsonFiles json_again;            // GraphToJsonFiles(from_capnp)
};

::testing::AssertionResult RunChain(const GraphInfo& original, Chain& c) {
  auto fail = [](const std::string& what, const Error& e) {
    return ::testing::AssertionFailure() << what << ": " << e.ToString();
  };
  auto json = GraphToJsonFiles(original);
  if (!json.ok()) return fail("GraphToJsonFiles(original)", json.error());
  c.json = std::move(*json);
  std::unique_ptr<WeightSource> weights;
  if (!c.json.weights.blob.empty()) {
    auto blob = std::make_shared<const std::string>(c.json.weights.blob);
    ByteBuffer buffer(blob, reinterpret_cast<const std::byte*>(blob->data()), blob->size());
    auto source = WgwtWeightsFromBuffer(buffer, c.json.weights.manifest, "roundtrip.weights");
    if (!source.ok()) return fail("WgwtWeightsFromBuffer", source.error());
    weights = std::move(*source);
  }
  auto from_json = ParseGraphJson(c.json.graph, weights.get());
  if (!from_json.ok()) return fail("ParseGraphJson", from_json.error());
  c.from_json = std::move(*from_json);
  auto message = EncodeGraph(c.from_json);
  if (!message.ok()) return fail("EncodeGraph", message.error());
  c.message = std::move(*message);
  auto from_capnp = DecodeGraph(c.message);
  if (!from_capnp.ok()) return fail("DecodeGraph", from_capnp.error());
  c.from_capnp = std::move(*from_capnp);
  auto again = GraphToJsonFiles(c.from_capnp);
  if (!again.ok()) return fail("GraphToJsonFiles(decoded)", again.error());
  c.json_again = std::move(*again);
  return ::testing::AssertionSuccess();
}

// What every graph must satisfy after the chain.
void ExpectSameGraph(const Chain& c) {
  // The JSON document's text, and the constants: inline ones are in the text, the others in the
  // weights blob (compared byte for byte) at the offsets the manifest gives.
  EXPECT_EQ(c.json_again.graph, c.json.graph);
  EXPECT_EQ(c.json_again.weights.manifest, c.json.weights.manifest);
  EXPECT_TRUE(c.json_again.weights.blob == c.json.weights.blob) << "the weights blobs differ";
  // The IR itself: Cap'n Proto keeps every operand (names included), operation, attribute and
  // constant byte of the graph it was given.
  EXPECT_TRUE(c.from_capnp == c.from_json) << "the Cap'n Proto round trip changed the IR";
  EXPECT_EQ(ConstantsByName(c.from_capnp), ConstantsByName(c.from_json));
  // Encoding the decoded graph gives the same message (nothing was lost or reordered).
  auto again = EncodeGraph(c.from_capnp);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_TRUE(*again == c.message) << "re-encoding the decoded graph gives another message";
  // Small graphs also as one self-contained document (every constant inline).
  uint64_t constant_bytes = 0;
  for (const auto& [id, bytes] : c.from_json.constants) constant_bytes += bytes.size();
  if (constant_bytes <= (uint64_t{1} << 16)) {
    auto a = GraphToJsonText(c.from_json);
    auto b = GraphToJsonText(c.from_capnp);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(*b, *a);
  }
}

TEST(FormatRoundTrip, EveryConformanceGraph) {
  std::vector<conformance::CaseResult> not_built;
  auto cases = conformance::BuildCaseGraphs({kSource / "tests" / "conformance" / "data"},
                                            /*filter=*/"", &not_built);
  ASSERT_TRUE(cases.ok()) << cases.error().ToString();
  // The vendored vectors hold well over a thousand cases; all but a handful build (the others
  // are expected failures or unsupported data types, each with its reason).
  ASSERT_GT(cases->size(), 1000u);
  for (const conformance::CaseResult& r : not_built) {
    std::cout << "not built (skipped here): " << r.Key() << ": " << r.reason << "\n";
  }
  EXPECT_LT(not_built.size(), cases->size() / 20) << "too many conformance cases did not build";
  size_t ran = 0;
  for (const conformance::CaseGraph& k : *cases) {
    SCOPED_TRACE(k.Key());
    Chain c;
    ASSERT_TRUE(RunChain(k.graph, c));
    ExpectSameGraph(c);
    // Same outputs, bit for bit: the builder's graph and the one that went through both codecs.
    const auto want = Compute(k.graph, k.inputs);
    const auto got = Compute(c.from_capnp, k.inputs);
    ASSERT_EQ(got.size(), k.graph.outputs.size());
    ASSERT_EQ(want.size(), got.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_TRUE(want[i] == got[i]) << "output " << k.graph.outputs[i].name << " differs";
    }
    ++ran;
    if (HasFatalFailure()) return;
  }
  EXPECT_EQ(ran, cases->size());
}

// Deterministic float32 values in [lo, hi) (a 32-bit LCG; the same on every machine).
std::vector<std::byte> DeterministicFloats(size_t count, float lo, float hi) {
  std::vector<std::byte> bytes(count * sizeof(float));
  uint32_t state = 12345;
  for (size_t i = 0; i < count; ++i) {
    state = state * 1664525u + 1013904223u;
    const float v = lo + (hi - lo) * static_cast<float>(state >> 8) / static_cast<float>(1 << 24);
    std::memcpy(bytes.data() + i * sizeof(float), &v, sizeof(float));
  }
  return bytes;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A real model: its file -> IR -> both codecs, the files written again equal the originals, and
// the .webnn file loads (told apart by content) to the same graph and the same outputs.
void CheckModel(const fs::path& dir, const std::string& stem, const HostTensors& inputs) {
  const fs::path json_path = dir / (stem + ".json");
  auto loaded = format::LoadGraphFile(json_path, ContextLimits{});
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  Chain c;
  ASSERT_TRUE(RunChain(*loaded, c));
  ExpectSameGraph(c);

  // Through files, as `webnn convert` does: the model's .json -> .webnn -> .json gives the same
  // three files (graph, manifest, weights) as saving the model's .json directly. (Not the
  // model's own files: models/ were written by models/wgjson.py, which puts every constant in
  // the weights file.)
  const fs::path tmp = fs::path(::testing::TempDir()) / ("roundtrip_" + stem);
  fs::remove_all(tmp);
  fs::create_directories(tmp / "direct");
  fs::create_directories(tmp / "via_capnp");
  const fs::path webnn_path = tmp / (stem + ".webnn");
  Status saved = format::SaveGraphFile(*loaded, webnn_path);
  ASSERT_TRUE(saved.ok()) << saved.error().ToString();
  auto from_file = format::LoadGraphFile(webnn_path, ContextLimits{});
  ASSERT_TRUE(from_file.ok()) << from_file.error().ToString();
  EXPECT_TRUE(*from_file == *loaded) << "the .webnn file does not hold the model's graph";
  saved = format::SaveGraphFile(*from_file, tmp / "via_capnp" / (stem + ".json"));
  ASSERT_TRUE(saved.ok()) << saved.error().ToString();
  saved = format::SaveGraphFile(*loaded, tmp / "direct" / (stem + ".json"));
  ASSERT_TRUE(saved.ok()) << saved.error().ToString();
  for (const std::string suffix : {".json", ".manifest.json", ".weights"}) {
    const std::string direct = ReadText(tmp / "direct" / (stem + suffix));
    EXPECT_FALSE(direct.empty()) << stem << suffix;
    EXPECT_TRUE(ReadText(tmp / "via_capnp" / (stem + suffix)) == direct)
        << stem << suffix << " written from the .webnn graph differs";
  }

  // Same outputs, bit for bit: the model as loaded from JSON, the graph decoded from the
  // in-memory message (checked equal to the file's above) — one run each.
  const auto want = Compute(*loaded, inputs);
  const auto got = Compute(c.from_capnp, inputs);
  ASSERT_EQ(want.size(), loaded->outputs.size());
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_FALSE(want[i].empty());
    EXPECT_TRUE(want[i] == got[i]) << "output " << loaded->outputs[i].name << " differs";
  }
  fs::remove_all(tmp);
}

TEST(FormatRoundTrip, LeNet) {
  HostTensors inputs;
  inputs["input"] = {{DataType::kFloat32, {1, 1, 28, 28}},
                     DeterministicFloats(28 * 28, /*lo=*/0.0f, /*hi=*/255.0f)};
  CheckModel(kSource / "models" / "lenet", "lenet", inputs);
}

// One run of the original and one of the decoded graph: MobileNetV2 takes about a second a run
// in a release build (longer under the sanitizers, like Models.MobileNetV2MatchesOnnxRuntime).
TEST(FormatRoundTrip, MobileNetV2) {
  const fs::path dir = kSource / "models" / "mobilenetv2";
  auto input = npy::Load(dir / "input.npy");
  ASSERT_TRUE(input.ok()) << input.error().ToString();
  auto graph = format::LoadGraphFile(dir / "mobilenetv2.json", ContextLimits{});
  ASSERT_TRUE(graph.ok()) << graph.error().ToString();
  ASSERT_EQ(graph->inputs.size(), 1u);
  HostTensors inputs;
  inputs[graph->operands[graph->inputs[0]].name] = {input->desc, input->bytes};
  CheckModel(dir, "mobilenetv2", inputs);
}

}  // namespace
}  // namespace webnn
