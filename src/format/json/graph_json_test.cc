#include "format/json/graph_json.h"

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ir/graph_builder.h"
#include "ir/validate_graph.h"

namespace webnn {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

const fs::path kModels = fs::path(WEBNN_SOURCE_DIR) / "models";

// A temporary folder removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("webnn_json_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string FloatBytes(std::initializer_list<float> values) {
  std::string s;
  for (float f : values) s.append(reinterpret_cast<const char*>(&f), 4);
  return s;
}

std::vector<float> AsFloats(const ByteBuffer& b) {
  std::vector<float> v(b.size() / 4);
  std::memcpy(v.data(), b.data(), v.size() * 4);
  return v;
}

const Operand* FindOperand(const GraphInfo& g, const std::string& name) {
  for (const Operand& o : g.operands) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

OperandId FindId(const GraphInfo& g, const std::string& name) {
  for (size_t i = 0; i < g.operands.size(); ++i) {
    if (g.operands[i].name == name) return static_cast<OperandId>(i);
  }
  return kNoOperand;
}

// A small graph using an operand-valued option, a label, a multi-output op and concat.
constexpr const char* kBaseDoc = R"({
  "format": "webnn-graph-json",
  "version": 1,
  "name": "tiny",
  "inputs": {"x": {"dataType": "float32", "shape": [1, 2, 4, 4]}},
  "consts": {
    "w": {"dataType": "float32", "shape": [3, 2, 1, 1], "init": {"kind": "scalar", "value": 0.5}},
    "b": {"dataType": "float32", "shape": [3],
          "init": {"kind": "inlineBytes", "bytes": [0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64]}}
  },
  "nodes": [
    {"id": "conv", "op": "conv2d", "inputs": ["x", "w"], "options": {"bias": "b", "strides": [1, 1]}},
    {"id": "r", "op": "relu", "inputs": ["conv"]},
    {"id": "s", "op": "split", "inputs": ["r"], "options": {"splits": [1, 2], "axis": 1},
     "outputs": ["s0", "s1"]},
    {"id": "cat", "op": "concat", "inputs": ["s1", "s0"], "options": {"axis": 1, "label": "join"}}
  ],
  "outputs": {"y": "cat", "first": "s0"}
})";

TEST(GraphJsonTest, ParsesTheBaseDocument) {
  auto g = ParseGraphJson(kBaseDoc, nullptr);
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_TRUE(ValidateGraph(*g, {}).ok());
  EXPECT_EQ(g->name, "tiny");
  ASSERT_EQ(g->operations.size(), 4u);
  EXPECT_EQ(g->operations[0].kind, OpKind::kConv2d);
  EXPECT_EQ(g->operations[3].label, "join");
  // conv2d slots: input, filter, bias (from options).
  ASSERT_EQ(g->operations[0].inputs.size(), 3u);
  EXPECT_EQ(g->operations[0].inputs[2], FindId(*g, "b"));
  // concat's inputs in order.
  EXPECT_EQ(g->operations[3].inputs, (std::vector<OperandId>{FindId(*g, "s1"), FindId(*g, "s0")}));
  ASSERT_EQ(g->outputs.size(), 2u);
  EXPECT_EQ(g->outputs[0].name, "y");
  EXPECT_EQ(g->operands[g->outputs[0].operand].desc.shape, (std::vector<uint32_t>{1, 3, 4, 4}));
  EXPECT_EQ(g->outputs[1].name, "first");
  EXPECT_EQ(g->operands[g->outputs[1].operand].name, "s0");
  EXPECT_EQ(g->operands[g->outputs[1].operand].desc.shape, (std::vector<uint32_t>{1, 1, 4, 4}));
  EXPECT_EQ(AsFloats(g->constants.at(FindId(*g, "w"))), std::vector<float>(6, 0.5f));
  EXPECT_EQ(AsFloats(g->constants.at(FindId(*g, "b"))), (std::vector<float>{1, 2, 3}));
  const Conv2dAttrs& conv = std::get<Conv2dAttrs>(g->operations[0].attrs);
  EXPECT_EQ(conv.strides, (UintList{1, 1}));
  // Operands: 1 input, 2 constants, 5 results (conv, r, s0, s1, cat).
  EXPECT_EQ(g->operands.size(), 8u);
}

TEST(GraphJsonTest, PositionalOptionalOperandsAsRustnnWritesThem) {
  Json doc = Json::parse(kBaseDoc);
  doc["nodes"][0]["inputs"] = {"x", "w", "b"};
  doc["nodes"][0]["options"].erase("bias");
  auto positional = ParseGraphJson(doc.dump(), nullptr);
  auto named = ParseGraphJson(kBaseDoc, nullptr);
  ASSERT_TRUE(positional.ok()) << positional.error().ToString();
  ASSERT_TRUE(named.ok());
  EXPECT_TRUE(*positional == *named);
}

TEST(GraphJsonTest, MultiOutputWithoutOutputsNamesResultsByIndex) {
  Json doc = Json::parse(kBaseDoc);
  doc["nodes"][2].erase("outputs");
  doc["nodes"][3]["inputs"] = {"s:1", "s:0"};
  doc["outputs"] = {{"y", "cat"}};
  auto g = ParseGraphJson(doc.dump(), nullptr);
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_NE(FindOperand(*g, "s:0"), nullptr);
  EXPECT_NE(FindOperand(*g, "s:1"), nullptr);
  // Saved, the results are listed explicitly and the node id is the first result's name.
  auto text = GraphToJsonText(*g);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find(R"({"id": "s:0", "op": "split", "inputs": ["r"], )"
                       R"("options": {"splits": [1, 2], "axis": 1}, "outputs": ["s:0", "s:1"]})"),
            std::string::npos)
      << *text;
  auto again = ParseGraphJson(*text, nullptr);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_TRUE(*again == *g);
}

TEST(GraphJsonTest, GruResultsAndScalarInitializers) {
  // gru with returnSequence has two results; int4/uint64 scalars are filled exactly.
  const char* doc = R"({
    "format": "webnn-graph-json", "version": 2,
    "inputs": {"x": {"dataType": "float32", "shape": [1, 1, 2]},
               "big": {"dataType": "uint64", "shape": [2]}},
    "consts": {
      "w": {"dataType": "float32", "shape": [1, 6, 2], "init": {"kind": "scalar", "value": "NaN"}},
      "rw": {"dataType": "float32", "shape": [1, 6, 2], "init": {"kind": "scalar", "value": -1}},
      "u": {"dataType": "uint64", "shape": [2],
            "init": {"kind": "scalar", "value": 18446744073709551615}},
      "q": {"dataType": "int4", "shape": [3], "init": {"kind": "scalar", "value": -1}},
      "scale": {"dataType": "float32", "shape": [3], "init": {"kind": "scalar", "value": 2}},
      "zp": {"dataType": "int4", "shape": [3], "init": {"kind": "scalar", "value": "100"}}
    },
    "nodes": [
      {"id": "g", "op": "gru", "inputs": ["x", "w", "rw"],
       "options": {"steps": 1, "hiddenSize": 2, "returnSequence": true}},
      {"id": "sum", "op": "add", "inputs": ["big", "u"]},
      {"id": "dq", "op": "dequantizeLinear", "inputs": ["q", "scale", "zp"]}
    ],
    "outputs": {"h": "g:0", "seq": "g:1", "sum": "sum", "dq": "dq"}
  })";
  auto g = ParseGraphJson(doc, nullptr);
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_EQ(g->operands[g->outputs[0].operand].desc.shape, (std::vector<uint32_t>{1, 1, 2}));
  EXPECT_EQ(g->operands[g->outputs[1].operand].desc.shape, (std::vector<uint32_t>{1, 1, 1, 2}));
  const ByteBuffer& u = g->constants.at(FindId(*g, "u"));
  EXPECT_EQ(std::vector<std::byte>(u.data(), u.data() + u.size()),
            std::vector<std::byte>(16, std::byte{0xFF}));
  const ByteBuffer& q = g->constants.at(FindId(*g, "q"));
  ASSERT_EQ(q.size(), 2u);  // 3 nibbles
  EXPECT_EQ(q.data()[0], std::byte{0xFF});
  EXPECT_EQ(q.data()[1], std::byte{0x0F});
  const ByteBuffer& zp = g->constants.at(FindId(*g, "zp"));  // 100 saturates to 7
  EXPECT_EQ(zp.data()[0], std::byte{0x77});
  EXPECT_EQ(zp.data()[1], std::byte{0x07});
  EXPECT_TRUE(std::isnan(AsFloats(g->constants.at(FindId(*g, "w")))[0]));
  EXPECT_EQ(AsFloats(g->constants.at(FindId(*g, "rw")))[11], -1.0f);

  auto text = GraphToJsonText(*g);
  ASSERT_TRUE(text.ok());
  auto again = ParseGraphJson(*text, nullptr);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_TRUE(*again == *g);
  auto text2 = GraphToJsonText(*again);
  ASSERT_TRUE(text2.ok());
  EXPECT_EQ(*text2, *text);
}

TEST(GraphJsonTest, UnnamedOperandsGetUniqueGeneratedNames) {
  GraphBuilderCore b;
  const OperandDescriptor desc{DataType::kFloat32, {2}};
  OperandId x = *b.AddInput("x", desc);
  OperandId c = *b.AddConstant(
      desc, ByteBuffer::Copy(std::as_bytes(std::span(std::vector<float>{1, 2}.data(), 2))));
  auto sum = b.AddOperation(OpKind::kAdd, {x, c}, NoAttrs{});
  ASSERT_TRUE(sum.ok());
  auto relu = b.AddOperation(OpKind::kRelu, {(*sum)[0]}, NoAttrs{});
  ASSERT_TRUE(relu.ok());
  // The relu result takes the name the generator would give the add result.
  b.SetOperandName((*relu)[0], "add_0");
  auto g = b.Build({{"out", (*relu)[0]}});
  ASSERT_TRUE(g.ok()) << g.error().ToString();

  auto text = GraphToJsonText(*g);
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  EXPECT_NE(text->find(R"("const_1": {"dataType": "float32", "shape": [2], "init": )"
                       R"({"kind": "inlineBytes", "bytes": [0, 0, 128, 63, 0, 0, 0, 64]}})"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find(R"({"id": "add_0_2", "op": "add", "inputs": ["x", "const_1"]})"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find(R"({"id": "add_0", "op": "relu", "inputs": ["add_0_2"]})"),
            std::string::npos)
      << *text;
  auto loaded = ParseGraphJson(*text, nullptr);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  GraphInfo named = *g;
  named.operands[FindId(named, "x") + 1].name = "const_1";
  named.operands[FindId(named, "x") + 2].name = "add_0_2";
  EXPECT_TRUE(*loaded == named);
}

// ---- Malformed documents ----------------------------------------------------------------------

struct BadDoc {
  const char* pointer;  // JSON pointer into kBaseDoc
  const char* value;    // JSON text, or nullptr to delete the member
  ErrorCode code;
  const char* message;  // the expected start of the message
};

TEST(GraphJsonTest, MalformedDocumentsNameThePath) {
  using enum ErrorCode;
  const BadDoc cases[] = {
      {"/format", R"("onnx")", kDataError, R"(format: expected "webnn-graph-json", got "onnx")"},
      {"/version", "3", kDataError, "version: unsupported version 3 (1 or 2)"},
      {"/version", R"("1")", kDataError, R"(version: expected an unsigned integer, got "1")"},
      {"/version", "1e300", kDataError, "version: 1e+300 is out of range"},
      {"/extra", "1", kDataError,
       "extra: unknown key (known: format, version, name, quantized, inputs, consts, nodes, "
       "outputs)"},
      {"/name", "5", kDataError, "name: expected a string, got 5"},
      {"/quantized", R"("yes")", kDataError, R"(quantized: expected a boolean, got "yes")"},
      {"/inputs", "[]", kDataError, "inputs: expected an object, got []"},
      {"/inputs/x/dataType", R"("float64")", kDataError, "inputs.x.dataType: expected a data type"},
      {"/inputs/x/shape/1", "-2", kDataError,
       "inputs.x.shape[1]: expected an unsigned integer, got -2"},
      {"/inputs/x/shape/1", "4294967296", kDataError,
       "inputs.x.shape[1]: 4294967296 is out of range (0 to 4294967295)"},
      {"/inputs/x/shape/0", R"({"name": "batch", "maxSize": 8})", kNotSupportedError,
       R"(inputs.x.shape[0]: dynamic dimension {"name": "batch", "maxSize": 8} is not supported)"},
      {"/inputs/x/shape/0", "0", kTypeError, "inputs.x: dimension 0 of shape [0, 2, 4, 4] is 0"},
      {"/inputs/x/shape", "[1,1,1,1,1,1,1,1,1]", kTypeError,
       "inputs.x: rank 9 exceeds the maximum rank 8"},
      {"/inputs/x/shape", "[65536,65536]", kTypeError,
       "inputs.x: element count of shape [65536, 65536] does not fit in int32"},
      {"/inputs/x/shape", R"("1,2")", kDataError,
       R"(inputs.x.shape: expected an array of dimensions, got "1,2")"},
      {"/inputs/x/layout", R"("nchw")", kDataError,
       "inputs.x.layout: unknown key (known: dataType, shape)"},
      {"/inputs/x/shape", nullptr, kDataError, "inputs.x: missing 'shape'"},
      {"/inputs/a b", R"({"dataType": "float32", "shape": [1], "x": 1})", kDataError,
       R"(inputs["a b"].x: unknown key)"},
      {"/inputs/", R"({"dataType": "float32", "shape": [1]})", kDataError,
       R"(inputs[""]: a value name must not be empty)"},
      {"/consts/b/init/bytes/11", nullptr, kDataError,
       "consts.b.init.bytes: expected 12 bytes (float32 [3]), got 11"},
      {"/consts/b/init/bytes/2", "256", kDataError,
       "consts.b.init.bytes[2]: expected a byte value (0 to 255), got 256"},
      {"/consts/b/init/bytes/2", "-1", kDataError,
       "consts.b.init.bytes[2]: expected a byte value (0 to 255), got -1"},
      {"/consts/b/init/bytes/2", "1.5", kDataError,
       "consts.b.init.bytes[2]: expected a byte value (0 to 255), got 1.5"},
      {"/consts/b/init/bytes", R"("AAAA")", kDataError,
       R"(consts.b.init.bytes: expected an array of byte values, got "AAAA")"},
      {"/consts/b/shape", "[4]", kDataError,
       "consts.b.init.bytes: expected 16 bytes (float32 [4]), got 12"},
      {"/consts/b/init/kind", R"("base64")", kDataError,
       R"(consts.b.init.kind: unknown kind "base64" (known: "inlineBytes", "scalar", "weights"))"},
      {"/consts/b/init/kind", nullptr, kDataError, "consts.b.init: missing 'kind'"},
      {"/consts/b/init/value", "1", kDataError,
       "consts.b.init.value: unknown key (known: kind, bytes)"},
      {"/consts/w/init", R"({"kind": "weights", "ref": "w"})", kDataError,
       "consts.w.init: refers to weights 'w' but no weights file was given"},
      {"/consts/w/init", R"({"kind": "weights", "ref": 3})", kDataError,
       "consts.w.init.ref: expected a string, got 3"},
      {"/consts/w/init/value", R"("abc")", kDataError,
       R"(consts.w.init.value: expected a number (or "NaN", "Infinity", a decimal integer )"
       R"(string), got "abc")"},
      {"/consts/w/init/value", "true", kDataError, "consts.w.init.value: expected a number"},
      {"/consts/w/init", nullptr, kDataError, "consts.w: missing 'init'"},
      {"/consts/x",
       R"({"dataType": "float32", "shape": [1], "init": {"kind": "scalar", "value": 1}})",
       kDataError, "consts.x: the name 'x' is already used by inputs.x"},
      {"/consts", "[]", kDataError, "consts: expected an object, got []"},
      {"/nodes", "{}", kDataError, "nodes: expected an array, got {}"},
      {"/nodes", nullptr, kDataError, "document: missing 'nodes'"},
      {"/nodes/0", R"("conv")", kDataError, R"(nodes[0]: expected an object, got "conv")"},
      {"/nodes/0/op", R"("conv3d")", kDataError, R"(nodes[0].op: unknown operator "conv3d")"},
      {"/nodes/0/op", "null", kDataError, "nodes[0].op: expected a string, got null"},
      {"/nodes/0/inputs/1", R"("foo")", kDataError, "nodes[0].inputs[1]: unknown operand 'foo'"},
      {"/nodes/0/inputs/1", "7", kDataError, "nodes[0].inputs[1]: expected a value name, got 7"},
      {"/nodes/0/inputs", R"(["x"])", kDataError,
       "nodes[0].inputs: conv2d takes 2 to 3 operands (input, filter, bias?), got 1"},
      {"/nodes/0/inputs", R"(["x", "w", "b", "b"])", kDataError,
       "nodes[0].inputs: conv2d takes 2 to 3 operands (input, filter, bias?), got 4"},
      {"/nodes/0/inputs", R"(["x", "w", "b"])", kDataError,
       "nodes[0].options.bias: 'bias' is also given as nodes[0].inputs[2]"},
      {"/nodes/0/inputs", nullptr, kDataError, "nodes[0]: missing 'inputs'"},
      {"/nodes/0/options/strides", R"("2")", kDataError,
       R"(nodes[0].options.strides: expected an array of unsigned integers, got "2")"},
      {"/nodes/0/options/strides", "[0, 1]", kTypeError, "nodes[0]: node 'conv': conv2d"},
      {"/nodes/0/options/bias", R"("nope")", kDataError,
       "nodes[0].options.bias: unknown operand 'nope'"},
      {"/nodes/0/options/bias", R"("r")", kDataError,
       "nodes[0].options.bias: operand 'r' is defined later, by nodes[1] (nodes must be in "
       "topological order)"},
      {"/nodes/0/options/bias", R"("x")", kTypeError, "nodes[0]: node 'conv': conv2d"},
      {"/nodes/0/options/autoPad", R"("same-upper")", kDataError,
       "nodes[0].options.autoPad: unknown option of conv2d (known: padding, strides, dilations, "
       "groups, inputLayout, filterLayout, bias, label)"},
      {"/nodes/1/inputs/0", R"("cat")", kDataError,
       "nodes[1].inputs[0]: operand 'cat' is defined later, by nodes[3] (nodes must be in "
       "topological order)"},
      {"/nodes/1/inputs/0", R"("r")", kDataError,
       "nodes[1].inputs[0]: operand 'r' is a result of this node"},
      {"/nodes/3/inputs/0", R"("s")", kDataError,
       "nodes[3].inputs[0]: unknown operand 's' (nodes[2] has several results; refer to them by "
       "their names)"},
      {"/nodes/1/id", R"("x")", kDataError,
       "nodes[1].id: the name 'x' is already used by inputs.x"},
      {"/nodes/1/id", R"("conv")", kDataError,
       "nodes[1].id: the name 'conv' is already used by nodes[0]"},
      {"/nodes/1/id", R"("")", kDataError, "nodes[1].id: must not be empty"},
      {"/nodes/1/id", nullptr, kDataError, "nodes[1]: missing 'id'"},
      {"/nodes/1/options", "[1]", kDataError, "nodes[1].options: expected an object, got [1]"},
      {"/nodes/1/outputs", R"(["r1", "r2"])", kDataError,
       "nodes[1].outputs: relu produces 1 result, 2 names given"},
      {"/nodes/2/outputs", R"(["s0"])", kDataError,
       "nodes[2].outputs: split produces 2 results, 1 names given"},
      {"/nodes/2/outputs", R"(["s0", "s0"])", kDataError,
       "nodes[2].outputs[1]: the name 's0' is already used by nodes[2]"},
      {"/nodes/2/outputs", R"(["s0", "w"])", kDataError,
       "nodes[2].outputs[1]: the name 'w' is already used by consts.w"},
      {"/nodes/2/outputs", R"("s0")", kDataError,
       R"(nodes[2].outputs: expected an array of value names, got "s0")"},
      {"/nodes/2/options/splits", "[1, 1]", kTypeError, "nodes[2]: node 's': split"},
      {"/nodes/0/extra", "1", kDataError,
       "nodes[0].extra: unknown key (known: id, op, inputs, options, outputs)"},
      {"/nodes/3/options/label", "5", kDataError,
       "nodes[3].options.label: expected a string, got 5"},
      {"/nodes/3/options/axis", nullptr, kDataError,
       "nodes[3].options: missing required option 'axis' of concat"},
      {"/nodes/3/options/axis", "-1", kDataError,
       "nodes[3].options.axis: expected an unsigned integer, got -1"},
      {"/nodes/3/inputs", "[]", kTypeError, "nodes[3]: node 'cat': concat 'join'"},
      {"/outputs/y", R"("x")", kDataError,
       "outputs.y: value 'x' is a graph input; an output must be computed by an operation"},
      {"/outputs/y", R"("w")", kDataError,
       "outputs.y: value 'w' is a constant; an output must be computed by an operation"},
      {"/outputs/y", R"("nope")", kDataError, "outputs.y: unknown value 'nope'"},
      {"/outputs/y", "3", kDataError, "outputs.y: expected a value name, got 3"},
      {"/outputs", "{}", kDataError, "outputs: a graph needs at least one output"},
      {"/outputs", R"(["cat"])", kDataError, R"(outputs: expected an object, got ["cat"])"},
      {"/outputs", nullptr, kDataError, "document: missing 'outputs'"},
  };
  for (const BadDoc& c : cases) {
    SCOPED_TRACE(std::string(c.pointer) + " = " + (c.value ? c.value : "(deleted)"));
    Json doc = Json::parse(kBaseDoc);
    const Json::json_pointer ptr(c.pointer);
    if (c.value) {
      doc[ptr] = Json::parse(c.value);
    } else {
      Json& parent = doc[ptr.parent_pointer()];
      if (parent.is_array()) {
        parent.erase(std::stoul(ptr.back()));
      } else {
        parent.erase(ptr.back());
      }
    }
    auto r = ParseGraphJson(doc.dump(), nullptr);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), c.code) << r.error().ToString();
    EXPECT_EQ(r.error().message().rfind(c.message, 0), 0u)
        << "got:      " << r.error().message() << "\nexpected: " << c.message;
  }
}

TEST(GraphJsonTest, MalformedJsonText) {
  struct Case {
    std::string text;
    const char* message;  // expected start
  };
  const Case cases[] = {
      {"", "json: invalid JSON at "},
      {"{", "json: invalid JSON at "},
      {R"({"format": "webnn-graph-json",})", "json: invalid JSON at "},
      {R"({"version": 1e999})", "json: invalid JSON"},
      {"{\"name\": \"\xff\"}", "json: invalid JSON at "},
      {R"({"inputs": {"x": {}, "x": {}}})", "json: inputs.x: duplicate key"},
      {R"({"nodes": [], "nodes": []})", "json: nodes: duplicate key"},
      {R"({"nodes": [{"id": 1}, {"op": 1, "op": 2}]})", "json: nodes[1].op: duplicate key"},
      {R"({"a": [[], [{"k": 1, "k": 2}]]})", "json: a[1][0].k: duplicate key"},
      {std::string(100000, '['), "json: [0][0]"},
      {"[1, 2]", "document: expected an object, got [1, 2]"},
      {"null", "document: expected an object, got null"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text.substr(0, 60));
    auto r = ParseGraphJson(c.text, nullptr);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kDataError);
    EXPECT_EQ(r.error().message().rfind(c.message, 0), 0u) << r.error().message();
  }
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += R"({"a": )";
  auto r = ParseGraphJson(deep, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("nesting deeper than 64 levels"), std::string::npos)
      << r.error().message();
}

bool IsDocumentError(const Error& e) {
  return e.code() == ErrorCode::kDataError || e.code() == ErrorCode::kTypeError ||
         e.code() == ErrorCode::kNotSupportedError;
}

void CollectPointers(const Json& v, const Json::json_pointer& at,
                     std::vector<Json::json_pointer>& out) {
  out.push_back(at);
  if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) CollectPointers(v[i], at / i, out);
  } else if (v.is_object()) {
    for (const auto& [k, e] : v.items()) CollectPointers(e, at / k, out);
  }
}

TEST(GraphJsonTest, NeverCrashesOnWrongTypesAnywhere) {
  const Json base = Json::parse(kBaseDoc);
  std::vector<Json::json_pointer> pointers;
  CollectPointers(base, Json::json_pointer(), pointers);
  const Json replacements[] = {nullptr,
                               true,
                               -1,
                               1.5,
                               4294967296.0,
                               "s",
                               "x",
                               Json::array(),
                               Json::object(),
                               Json::array({Json::object()}),
                               18446744073709551615u};
  int errors = 0;
  for (const auto& p : pointers) {
    for (const Json& r : replacements) {
      Json doc = base;
      doc[p] = r;
      auto g = ParseGraphJson(doc.dump(), nullptr);
      if (!g.ok()) {
        ++errors;
        EXPECT_TRUE(IsDocumentError(g.error())) << g.error().ToString();
        EXPECT_FALSE(g.error().message().empty());
      } else {
        EXPECT_TRUE(ValidateGraph(*g, {}).ok());
      }
    }
  }
  EXPECT_GT(errors, 100);
}

TEST(GraphJsonTest, NeverCrashesOnTruncatedOrCorruptedText) {
  const std::string text = kBaseDoc;
  for (size_t n = 0; n < text.size(); ++n) {
    auto g = ParseGraphJson(text.substr(0, n), nullptr);
    ASSERT_FALSE(g.ok()) << n;
    EXPECT_EQ(g.error().code(), ErrorCode::kDataError);
  }
  uint32_t seed = 12345;
  auto next = [&] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  const char alphabet[] = "{}[],:\"0123456789-.eE \\ntrufalsxwb";
  for (int i = 0; i < 3000; ++i) {
    std::string t = text;
    const int edits = 1 + static_cast<int>(next() % 3);
    for (int k = 0; k < edits; ++k) {
      t[next() % t.size()] = alphabet[next() % (sizeof alphabet - 1)];
    }
    auto g = ParseGraphJson(t, nullptr);
    if (!g.ok()) {
      EXPECT_TRUE(IsDocumentError(g.error())) << g.error().ToString();
    }
  }
}

// ---- Real models -------------------------------------------------------------------------------

void ExpectSameFiles(const fs::path& a, const fs::path& b) {
  ASSERT_TRUE(fs::exists(a)) << a;
  ASSERT_TRUE(fs::exists(b)) << b;
  EXPECT_TRUE(ReadFile(a) == ReadFile(b)) << a << " differs from " << b;
}

// load -> save -> load gives an equal graph, and saving that again gives identical files.
void ExpectSaveRoundTrip(const GraphInfo& g, const std::string& stem) {
  TempDir d1, d2;
  const fs::path p1 = d1 / (stem + ".json");
  const fs::path p2 = d2 / (stem + ".json");
  Status s = SaveGraphJson(g, p1);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  auto g1 = LoadGraphJson(p1);
  ASSERT_TRUE(g1.ok()) << g1.error().ToString();
  EXPECT_TRUE(*g1 == g);
  s = SaveGraphJson(*g1, p2);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  ExpectSameFiles(p1, p2);
  ExpectSameFiles(d1 / (stem + ".weights"), d2 / (stem + ".weights"));
  ExpectSameFiles(d1 / (stem + ".manifest.json"), d2 / (stem + ".manifest.json"));

  // The manifest places every tensor on a 64-byte boundary, the first at 64.
  const Json manifest = Json::parse(ReadFile(d1 / (stem + ".manifest.json")));
  EXPECT_EQ(manifest["format"], "wg-weights-manifest");
  bool first = true;
  for (const auto& [key, t] : manifest["tensors"].items()) {
    const uint64_t offset = t["byteOffset"].get<uint64_t>();
    EXPECT_EQ(offset % 64, 0u) << key;
    if (first) {
      EXPECT_EQ(offset, 64u);
    }
    first = false;
  }
  EXPECT_FALSE(first);
}

TEST(GraphJsonTest, LoadsLenet) {
  auto g = LoadGraphJson(kModels / "lenet" / "lenet.json");
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_TRUE(ValidateGraph(*g, {}).ok());
  EXPECT_EQ(g->name, "lenet");
  EXPECT_EQ(g->operands.size(), 18u);  // 1 input, 8 constants, 9 results
  EXPECT_EQ(g->operations.size(), 9u);
  EXPECT_EQ(g->constants.size(), 8u);
  ASSERT_EQ(g->inputs.size(), 1u);
  EXPECT_EQ(g->operands[g->inputs[0]].name, "input");
  ASSERT_EQ(g->outputs.size(), 1u);
  EXPECT_EQ(g->outputs[0].name, "probabilities");
  EXPECT_EQ(g->operands[g->outputs[0].operand].desc,
            (OperandDescriptor{DataType::kFloat32, {1, 10}}));
  // The first weights of conv1_filter, from the WGWT file at byte 64.
  const ByteBuffer& filter = g->constants.at(FindId(*g, "conv1_filter"));
  EXPECT_EQ(filter.size(), 20u * 25u * 4u);
  const std::string blob = ReadFile(kModels / "lenet" / "lenet.weights");
  EXPECT_EQ(std::memcmp(filter.data(), blob.data() + 64, filter.size()), 0);
  const Operation& gemm = g->operations[5];
  EXPECT_EQ(gemm.kind, OpKind::kGemm);
  EXPECT_EQ(gemm.inputs[2], FindId(*g, "fc1_bias"));
  EXPECT_TRUE(std::get<GemmAttrs>(gemm.attrs).bTranspose);

  ExpectSaveRoundTrip(*g, "lenet");

  // With every constant external, the weights and manifest are byte for byte those of
  // models/wgjson.py (same order, alignment and layout).
  TempDir dir;
  JsonSaveOptions all_external;
  all_external.inline_threshold = 0;
  ASSERT_TRUE(SaveGraphJson(*g, dir / "lenet.json", all_external).ok());
  ExpectSameFiles(dir / "lenet.weights", kModels / "lenet" / "lenet.weights");
  ExpectSameFiles(dir / "lenet.manifest.json", kModels / "lenet" / "lenet.manifest.json");

  // The self-contained form reads back equal too.
  auto text = GraphToJsonText(*g);
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  auto inline_graph = ParseGraphJson(*text, nullptr);
  ASSERT_TRUE(inline_graph.ok()) << inline_graph.error().ToString();
  EXPECT_TRUE(*inline_graph == *g);
}

TEST(GraphJsonTest, LoadsMobileNetV2) {
  auto g = LoadGraphJson(kModels / "mobilenetv2" / "mobilenetv2.json");
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_TRUE(ValidateGraph(*g, {}).ok());
  EXPECT_EQ(g->operands.size(), 204u);  // 1 input, 104 constants, 99 results
  EXPECT_EQ(g->operations.size(), 99u);
  EXPECT_EQ(g->constants.size(), 104u);
  ASSERT_EQ(g->outputs.size(), 1u);
  EXPECT_EQ(g->outputs[0].name, "features");
  EXPECT_EQ(g->operands[g->outputs[0].operand].desc,
            (OperandDescriptor{DataType::kFloat32, {1, 1280}}));
  size_t convs = 0, clamps = 0;
  for (const Operation& op : g->operations) {
    convs += op.kind == OpKind::kConv2d;
    clamps += op.kind == OpKind::kClamp;
  }
  EXPECT_EQ(convs, 52u);
  EXPECT_EQ(clamps, 35u);
  ExpectSaveRoundTrip(*g, "mobilenetv2");
}

// ---- Weights files -----------------------------------------------------------------------------

constexpr const char* kWeightsGraph = R"({
  "format": "webnn-graph-json", "version": 1,
  "inputs": {"x": {"dataType": "float32", "shape": [2, 2]}},
  "consts": {"w": {"dataType": "float32", "shape": [2, 2], "init": {"kind": "weights", "ref": "w"}}},
  "nodes": [{"id": "y", "op": "add", "inputs": ["x", "w"]}],
  "outputs": {"y": "y"}
})";

std::string WgwtBlob(const std::string& tensor_bytes, uint32_t version = 1) {
  std::string blob = "WGWT";
  blob.append(reinterpret_cast<const char*>(&version), 4);
  blob.resize(64, '\0');
  return blob + tensor_bytes;
}

std::string Manifest(const std::string& entry) {
  return R"({"format": "wg-weights-manifest", "version": 1, "endianness": "little", )"
         R"("tensors": {)" +
         entry + "}}";
}

const std::string kGoodEntry =
    R"("w": {"dataType": "float32", "shape": [2, 2], "byteOffset": 64, "byteLength": 16})";

Result<GraphInfo> LoadWithWgwt(const TempDir& dir, const std::string& blob,
                               const std::string& manifest, const char* graph = kWeightsGraph) {
  WriteFile(dir / "m.json", graph);
  WriteFile(dir / "m.weights", blob);
  WriteFile(dir / "m.manifest.json", manifest);
  return LoadGraphJson(dir / "m.json");
}

TEST(GraphJsonTest, WgwtWeights) {
  TempDir dir;
  auto g = LoadWithWgwt(dir, WgwtBlob(FloatBytes({1, 2, 3, 4})), Manifest(kGoodEntry));
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_EQ(AsFloats(g->constants.at(FindId(*g, "w"))), (std::vector<float>{1, 2, 3, 4}));

  // rustnn's sanitized refs find the original key; entries may carry a layout.
  g = LoadWithWgwt(dir, WgwtBlob(FloatBytes({1, 2, 3, 4})),
                   Manifest(R"("layer.0::w": {"byteOffset": 64, "byteLength": 16, )"
                            R"("layout": "row-major"})"),
                   R"({"format": "webnn-graph-json", "version": 1,
                       "inputs": {"x": {"dataType": "float32", "shape": [2, 2]}},
                       "consts": {"w": {"dataType": "float32", "shape": [2, 2],
                                        "init": {"kind": "weights", "ref": "layer_0__w"}}},
                       "nodes": [{"id": "y", "op": "add", "inputs": ["x", "w"]}],
                       "outputs": {"y": "y"}})");
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_EQ(AsFloats(g->constants.at(FindId(*g, "w"))), (std::vector<float>{1, 2, 3, 4}));
}

TEST(GraphJsonTest, WgwtWeightsErrors) {
  struct Case {
    std::string blob;
    std::string manifest;
    const char* message;  // expected substring
  };
  const std::string data = FloatBytes({1, 2, 3, 4});
  const Case cases[] = {
      {"WGWT\x01", Manifest(kGoodEntry), "m.weights: truncated WGWT header (5 bytes)"},
      {"WGWX" + WgwtBlob(data).substr(4), Manifest(kGoodEntry),
       "m.weights: not a WGWT weights file"},
      {WgwtBlob(data, 2), Manifest(kGoodEntry), "m.weights: unsupported WGWT version 2"},
      {WgwtBlob(data).substr(0, 75), Manifest(kGoodEntry),
       "m.weights manifest: tensors.w: bytes at offset 64 with length 16 exceed the weights "
       "file (75 bytes)"},
      {WgwtBlob(data), Manifest(R"("w": {"byteOffset": 18446744073709551615, "byteLength": 16})"),
       "tensors.w: bytes at offset 18446744073709551615 with length 16 exceed the weights file"},
      {WgwtBlob(data), Manifest(R"("w": {"byteOffset": 72, "byteLength": 18446744073709551615})"),
       "exceed the weights file (80 bytes)"},
      {WgwtBlob(data), Manifest(R"("w": {"byteOffset": 4, "byteLength": 16})"),
       "tensors.w.byteOffset: 4 overlaps the 8-byte WGWT header"},
      {WgwtBlob(data), Manifest(R"("w": {"byteOffset": -64, "byteLength": 16})"),
       "tensors.w.byteOffset: expected an unsigned integer, got -64"},
      {WgwtBlob(data), Manifest(R"("w": {"byteLength": 16})"), "tensors.w: missing byteOffset"},
      {WgwtBlob(data),
       Manifest(R"("w": {"dataType": "float32", "shape": [2, 2], "byteOffset": 64, )"
                R"("byteLength": 12})"),
       "tensors.w.byteLength: 12 does not match float32 [2, 2] (16 bytes)"},
      {WgwtBlob(data),
       Manifest(R"("w": {"dataType": "float32", "shape": [4294967296, 4294967296, 4294967296], )"
                R"("byteOffset": 64, "byteLength": 16})"),
       "tensors.w.shape: [4294967296, 4294967296, 4294967296] is too large"},
      {WgwtBlob(data),
       Manifest(R"("w": {"dataType": "int32", "shape": [2, 2], "byteOffset": 64, )"
                R"("byteLength": 16})"),
       "consts.w.init: weights 'w' in m.weights: the manifest says int32, the constant is "
       "float32"},
      {WgwtBlob(data),
       Manifest(R"("w": {"dataType": "float32", "shape": [4], "byteOffset": 64, )"
                R"("byteLength": 16})"),
       "consts.w.init: weights 'w' in m.weights: the manifest says shape [4], the constant is "
       "[2, 2]"},
      {WgwtBlob(data), Manifest(R"("w": {"byteOffset": 64, "byteLength": 8})"),
       "consts.w.init: weights 'w' in m.weights: byteLength 8 does not match float32 [2, 2] "
       "(16 bytes)"},
      {WgwtBlob(data), Manifest(R"("v": {"byteOffset": 64, "byteLength": 16})"),
       "consts.w.init: no tensor 'w' in m.weights"},
      {WgwtBlob(data), "{", "m.weights manifest: invalid JSON at "},
      {WgwtBlob(data), R"({"tensors": {}, "endianness": "big"})",
       R"(m.weights manifest: endianness: only "little" is supported, got "big")"},
      {WgwtBlob(data), R"({"format": "x", "tensors": {}})",
       R"(m.weights manifest: format: expected "wg-weights-manifest", got "x")"},
      {WgwtBlob(data), R"({"version": 1})", "m.weights manifest: document: missing tensors"},
      {WgwtBlob(data), Manifest(R"("w": 3)"), "m.weights manifest: tensors.w: expected an object"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.manifest);
    TempDir dir;
    auto g = LoadWithWgwt(dir, c.blob, c.manifest);
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().code(), ErrorCode::kDataError) << g.error().ToString();
    EXPECT_NE(g.error().message().find(c.message), std::string::npos)
        << "got:      " << g.error().message() << "\nexpected: " << c.message;
  }
}

TEST(GraphJsonTest, WeightsDiscoveryAndExplicitPaths) {
  const std::string blob = WgwtBlob(FloatBytes({1, 2, 3, 4}));
  {
    // No weights file at all.
    TempDir dir;
    WriteFile(dir / "m.json", kWeightsGraph);
    auto g = LoadGraphJson(dir / "m.json");
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().message().rfind("consts.w.init: refers to weights, but none of "
                                        "m.safetensors, m.weights, model.safetensors, "
                                        "model.weights is next to ",
                                        0),
              0u)
        << g.error().message();
  }
  {
    // A blob without a manifest.
    TempDir dir;
    WriteFile(dir / "m.json", kWeightsGraph);
    WriteFile(dir / "m.weights", blob);
    auto g = LoadGraphJson(dir / "m.json");
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.error().message().find("needs a manifest"), std::string::npos);
  }
  {
    // rustnn's generic names.
    TempDir dir;
    WriteFile(dir / "m.json", kWeightsGraph);
    WriteFile(dir / "model.weights", blob);
    WriteFile(dir / "manifest.json", Manifest(kGoodEntry));
    auto g = LoadGraphJson(dir / "m.json");
    ASSERT_TRUE(g.ok()) << g.error().ToString();
  }
  {
    // Explicit paths, relative to the graph's folder.
    TempDir dir;
    WriteFile(dir / "m.json", kWeightsGraph);
    WriteFile(dir / "blob.bin", blob);
    WriteFile(dir / "custom.json", Manifest(kGoodEntry));
    JsonLoadOptions options;
    options.weights_path = "blob.bin";
    options.manifest_path = "custom.json";
    auto g = LoadGraphJson(dir / "m.json", options);
    ASSERT_TRUE(g.ok()) << g.error().ToString();
    options.weights_path = "missing.bin";
    g = LoadGraphJson(dir / "m.json", options);
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.error().message().find("does not exist"), std::string::npos);
  }
  {
    // A graph file that does not exist.
    TempDir dir;
    auto g = LoadGraphJson(dir / "none.json");
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().code(), ErrorCode::kUnknownError);
  }
}

// ---- safetensors -------------------------------------------------------------------------------

std::string Safetensors(std::string header, const std::string& data) {
  while ((8 + header.size()) % 8 != 0) header += ' ';
  const uint64_t n = header.size();
  std::string out(reinterpret_cast<const char*>(&n), 8);
  return out + header + data;
}

constexpr const char* kSafetensorsGraph = R"({
  "format": "webnn-graph-json", "version": 1,
  "inputs": {"x": {"dataType": "float32", "shape": [2, 2]},
             "xi": {"dataType": "int64", "shape": [3]},
             "xf": {"dataType": "float32", "shape": [2]}},
  "consts": {
    "a": {"dataType": "float32", "shape": [2, 2], "init": {"kind": "weights", "ref": "a"}},
    "k": {"dataType": "int64", "shape": [3], "init": {"kind": "weights", "ref": "k"}},
    "h": {"dataType": "float32", "shape": [2], "init": {"kind": "weights", "ref": "h"}}
  },
  "nodes": [{"id": "y", "op": "add", "inputs": ["x", "a"]},
            {"id": "z", "op": "add", "inputs": ["xi", "k"]},
            {"id": "u", "op": "add", "inputs": ["xf", "h"]}],
  "outputs": {"y": "y", "z": "z", "u": "u"}
})";

std::string SafetensorsData() {
  std::string data = FloatBytes({1, 2, 3, 4});                     // a: F32 [2, 2], bytes 0..16
  for (int64_t v : {int64_t{-1}, int64_t{1} << 40, int64_t{5}}) {  // k: I64 [3], 16..40
    data.append(reinterpret_cast<const char*>(&v), 8);
  }
  for (uint16_t v : {uint16_t{0x3F80}, uint16_t{0xC000}}) {  // h: BF16 [2] = 1, -2; 40..44
    data.append(reinterpret_cast<const char*>(&v), 2);
  }
  data.append(8, '\0');  // unused: F64 [1], 44..52
  return data;
}

const std::string kSafetensorsHeader =
    R"({"__metadata__": {"format": "pt"},
        "a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
        "k": {"dtype": "I64", "shape": [3], "data_offsets": [16, 40]},
        "h": {"dtype": "BF16", "shape": [2], "data_offsets": [40, 44]},
        "unused": {"dtype": "F64", "shape": [1], "data_offsets": [44, 52]}})";

TEST(GraphJsonTest, SafetensorsWeights) {
  TempDir dir;
  WriteFile(dir / "m.json", kSafetensorsGraph);
  WriteFile(dir / "m.safetensors", Safetensors(kSafetensorsHeader, SafetensorsData()));
  auto g = LoadGraphJson(dir / "m.json");
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_EQ(AsFloats(g->constants.at(FindId(*g, "a"))), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(AsFloats(g->constants.at(FindId(*g, "h"))), (std::vector<float>{1, -2}));
  const ByteBuffer& k = g->constants.at(FindId(*g, "k"));
  ASSERT_EQ(k.size(), 24u);
  int64_t values[3];
  std::memcpy(values, k.data(), 24);
  EXPECT_EQ(values[0], -1);
  EXPECT_EQ(values[1], int64_t{1} << 40);
  EXPECT_EQ(values[2], 5);

  // The same through the in-memory API.
  const std::string file = Safetensors(kSafetensorsHeader, SafetensorsData());
  auto source = SafetensorsFromBuffer(
      ByteBuffer::Copy(std::as_bytes(std::span(file.data(), file.size()))), "mem");
  ASSERT_TRUE(source.ok()) << source.error().ToString();
  auto g2 = ParseGraphJson(kSafetensorsGraph, source->get());
  ASSERT_TRUE(g2.ok()) << g2.error().ToString();
  EXPECT_TRUE(*g2 == *g);
}

TEST(GraphJsonTest, SafetensorsErrors) {
  const std::string data = SafetensorsData();
  struct Case {
    std::string file;
    const char* graph;
    const char* message;  // expected substring
  };
  std::string huge_header(8, '\0');
  const uint64_t huge = 1000;
  std::memcpy(huge_header.data(), &huge, 8);
  huge_header += "{}";
  const Case cases[] = {
      {"abc", kSafetensorsGraph, "m.safetensors: truncated safetensors header (3 bytes)"},
      {huge_header, kSafetensorsGraph, "m.safetensors: header length 1000 exceeds the file"},
      {Safetensors("[]", data), kSafetensorsGraph,
       "m.safetensors header: expected an object, got []"},
      {Safetensors("{", data), kSafetensorsGraph, "m.safetensors header: invalid JSON"},
      {Safetensors(R"({"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 100]}})", data),
       kSafetensorsGraph,
       "m.safetensors header: a.data_offsets: [0, 100] is not a range within the data"},
      {Safetensors(R"({"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [16, 0]}})", data),
       kSafetensorsGraph, "a.data_offsets: [16, 0] is not a range within the data"},
      {Safetensors(R"({"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 8]}})", data),
       kSafetensorsGraph,
       "m.safetensors header: a.data_offsets: [0, 8] holds 8 bytes, F32 [2, 2] needs 16"},
      {Safetensors(R"({"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0]}})", data),
       kSafetensorsGraph, "a.data_offsets: expected [begin, end], got [0]"},
      {Safetensors(R"({"a": {"dtype": "F32", "shape": [2, 2]}})", data), kSafetensorsGraph,
       "a: missing data_offsets"},
      {Safetensors(R"({"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16], "x": 1}})",
                   data),
       kSafetensorsGraph, "a.x: unknown key"},
      {Safetensors(R"({"a": {"dtype": "F32", "shape": [4294967296, 4294967296], )"
                   R"("data_offsets": [0, 16]}})",
                   data),
       kSafetensorsGraph, "a.shape: [4294967296, 4294967296] is too large"},
      {Safetensors(R"({"__metadata__": 3})", data), kSafetensorsGraph,
       "m.safetensors header: __metadata__: expected an object"},
      // The graph reads `k` (I64) as `a`, declared float32.
      {Safetensors(R"({"a": {"dtype": "I64", "shape": [2, 2], "data_offsets": [0, 32]}})", data),
       kSafetensorsGraph,
       "consts.a.init: tensor 'a' in m.safetensors: dtype I64 cannot be read as float32"},
      {Safetensors(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}})", data),
       kSafetensorsGraph,
       "consts.a.init: tensor 'a' in m.safetensors: shape [4], the constant is [2, 2]"},
      {Safetensors(R"({"a": {"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 32]}})", data),
       kSafetensorsGraph, "dtype F64 cannot be read as float32"},
      {Safetensors(R"({"b": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}})", data),
       kSafetensorsGraph, "consts.a.init: no tensor 'a' in m.safetensors"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    TempDir dir;
    WriteFile(dir / "m.json", c.graph);
    WriteFile(dir / "m.safetensors", c.file);
    auto g = LoadGraphJson(dir / "m.json");
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().code(), ErrorCode::kDataError) << g.error().ToString();
    EXPECT_NE(g.error().message().find(c.message), std::string::npos)
        << "got:      " << g.error().message() << "\nexpected: " << c.message;
  }
}

TEST(GraphJsonTest, SaveWritesSmallConstantsInline) {
  auto g = ParseGraphJson(kBaseDoc, nullptr);
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  TempDir dir;
  ASSERT_TRUE(SaveGraphJson(*g, dir / "tiny.json").ok());
  EXPECT_FALSE(fs::exists(dir / "tiny.weights"));
  EXPECT_FALSE(fs::exists(dir / "tiny.manifest.json"));
  const std::string text = ReadFile(dir / "tiny.json");
  EXPECT_EQ(text, *GraphToJsonText(*g));
  EXPECT_EQ(text, R"({
  "format": "webnn-graph-json",
  "version": 1,
  "name": "tiny",
  "inputs": {
    "x": {"dataType": "float32", "shape": [1, 2, 4, 4]}
  },
  "consts": {
    "w": {"dataType": "float32", "shape": [3, 2, 1, 1], "init": {"kind": "inlineBytes", "bytes": [0, 0, 0, 63, 0, 0, 0, 63, 0, 0, 0, 63, 0, 0, 0, 63, 0, 0, 0, 63, 0, 0, 0, 63]}},
    "b": {"dataType": "float32", "shape": [3], "init": {"kind": "inlineBytes", "bytes": [0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64]}}
  },
  "nodes": [
    {"id": "conv", "op": "conv2d", "inputs": ["x", "w"], "options": {"strides": [1, 1], "bias": "b"}},
    {"id": "r", "op": "relu", "inputs": ["conv"]},
    {"id": "s0", "op": "split", "inputs": ["r"], "options": {"splits": [1, 2], "axis": 1}, "outputs": ["s0", "s1"]},
    {"id": "cat", "op": "concat", "inputs": ["s1", "s0"], "options": {"axis": 1, "label": "join"}}
  ],
  "outputs": {"y": "cat", "first": "s0"}
}
)");
  // A threshold of 0 sends every constant to the weights file.
  JsonSaveOptions options;
  options.inline_threshold = 0;
  ASSERT_TRUE(SaveGraphJson(*g, dir / "ext.json", options).ok());
  EXPECT_TRUE(fs::exists(dir / "ext.weights"));
  auto back = LoadGraphJson(dir / "ext.json");
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_TRUE(*back == *g);
}

}  // namespace
}  // namespace webnn
