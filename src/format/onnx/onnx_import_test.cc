#include "format/onnx/onnx_import.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "format/graph_file.h"
#include "format/onnx/onnx_model.h"
#include "webnn/webnn.h"

namespace webnn::format {
namespace {

namespace fs = std::filesystem;

// ---- Building models in memory ----------------------------------------------------------------

onnx::ModelProto NewModel(int opset = 17) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("unit-test");
  auto* o = m.add_opset_import();
  o->set_domain("");
  o->set_version(opset);
  m.mutable_graph()->set_name("g");
  return m;
}

// A tensor value; a negative dimension d is the free dimension "d<-d>" ("batch" for -1).
void SetType(onnx::ValueInfoProto* v, const std::string& name, int type,
             const std::vector<int64_t>& dims) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(type);
  auto* shape = t->mutable_shape();
  for (int64_t d : dims) {
    auto* dim = shape->add_dim();
    if (d < 0) {
      dim->set_dim_param(d == -1 ? "batch" : "d" + std::to_string(-d));
    } else {
      dim->set_dim_value(d);
    }
  }
}

void Input(onnx::ModelProto& m, const std::string& name, const std::vector<int64_t>& dims,
           int type = onnx::TensorProto_DataType_FLOAT) {
  SetType(m.mutable_graph()->add_input(), name, type, dims);
}

void Output(onnx::ModelProto& m, const std::string& name,
            int type = onnx::TensorProto_DataType_FLOAT) {
  auto* v = m.mutable_graph()->add_output();
  v->set_name(name);
  v->mutable_type()->mutable_tensor_type()->set_elem_type(type);
}

onnx::NodeProto* Node(onnx::ModelProto& m, const std::string& op,
                      const std::vector<std::string>& inputs,
                      const std::vector<std::string>& outputs, const std::string& name = "") {
  auto* n = m.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return n;
}

void IntsAttr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_INTS);
  for (int64_t x : v) a->add_ints(x);
}

void IntAttr(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_INT);
  a->set_i(v);
}

onnx::TensorProto* Initializer(onnx::ModelProto& m, const std::string& name,
                               const std::vector<int64_t>& dims, const std::vector<float>& values) {
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto_DataType_FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  for (float v : values) t->add_float_data(v);
  return t;
}

void IntInitializer(onnx::ModelProto& m, const std::string& name, const std::vector<int64_t>& dims,
                    const std::vector<int64_t>& values) {
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto_DataType_INT64);
  for (int64_t d : dims) t->add_dims(d);
  for (int64_t v : values) t->add_int64_data(v);
}

Result<GraphInfo> Import(const onnx::ModelProto& m, const OnnxImportOptions& options = {},
                         const fs::path& dir = "") {
  return ImportOnnxModel(std::make_shared<onnx::ModelProto>(m), dir, options);
}

std::vector<OpKind> Kinds(const GraphInfo& g) {
  std::vector<OpKind> k;
  for (const Operation& op : g.operations) k.push_back(op.kind);
  return k;
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/webnn_onnx_test_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void WriteModel(const onnx::ModelProto& m, const fs::path& path) {
  std::ofstream out(path, std::ios::binary);
  ASSERT_TRUE(m.SerializeToOstream(&out));
}

// ---- Tests ----------------------------------------------------------------------------------

TEST(OnnxImportTest, DirectOpsWithWeights) {
  onnx::ModelProto m = NewModel();
  Input(m, "x", {1, 2, 5, 5});
  Initializer(m, "w", {3, 2, 3, 3}, std::vector<float>(54, 0.5f));
  Initializer(m, "b", {3}, {1, 2, 3});
  auto* conv = Node(m, "Conv", {"x", "w", "b"}, {"c"}, "conv1");
  IntsAttr(conv, "pads", {1, 1, 1, 1});
  Node(m, "Relu", {"c"}, {"y"});
  Output(m, "y");
  auto g = Import(m);
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_EQ(Kinds(*g), (std::vector<OpKind>{OpKind::kConv2d, OpKind::kRelu}));
  EXPECT_EQ(g->operands[g->outputs[0].operand].desc.shape, (std::vector<uint32_t>{1, 3, 5, 5}));
  const auto& attrs = std::get<Conv2dAttrs>(g->operations[0].attrs);
  EXPECT_EQ(*attrs.padding, (std::vector<uint32_t>{1, 1, 1, 1}));
  EXPECT_EQ(g->operations[0].label, "conv1");
  EXPECT_EQ(g->constants.size(), 2u);
}

TEST(OnnxImportTest, SeluDecomposesToEluTimesGamma) {
  onnx::ModelProto m = NewModel();
  Input(m, "x", {4});
  Node(m, "Selu", {"x"}, {"y"});
  Output(m, "y");
  auto g = Import(m);
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_EQ(Kinds(*g), (std::vector<OpKind>{OpKind::kElu, OpKind::kMul}));
  EXPECT_NEAR(std::get<EluAttrs>(g->operations[0].attrs).alpha, 1.67326, 1e-5);
}

TEST(OnnxImportTest, LogSoftmaxIsStable) {
  onnx::ModelProto m = NewModel();
  Input(m, "x", {2, 3});
  Node(m, "LogSoftmax", {"x"}, {"y"});
  Output(m, "y");
  auto g = Import(m);
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  // x - max - log(sum(exp(x - max))), never log(softmax(x)).
  EXPECT_EQ(Kinds(*g), (std::vector<OpKind>{OpKind::kReduceMax, OpKind::kSub, OpKind::kExp,
                                            OpKind::kReduceSum, OpKind::kLog, OpKind::kSub}));
}

TEST(OnnxImportTest, DepthToSpaceIsReshapeTransposeReshape) {
  onnx::ModelProto m = NewModel();
  Input(m, "x", {1, 8, 2, 3});
  auto* n = Node(m, "DepthToSpace", {"x"}, {"y"});
  IntAttr(n, "blocksize", 2);
  Output(m, "y");
  auto g = Import(m);
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_EQ(Kinds(*g),
            (std::vector<OpKind>{OpKind::kReshape, OpKind::kTranspose, OpKind::kReshape}));
  EXPECT_EQ(g->operands[g->outputs[0].operand].desc.shape, (std::vector<uint32_t>{1, 2, 4, 6}));
}

TEST(OnnxImportTest, EinsumBatchMatmul) {
  onnx::ModelProto m = NewModel();
  Input(m, "a", {2, 3, 4});
  Input(m, "b", {2, 4, 5});
  auto* n = Node(m, "Einsum", {"a", "b"}, {"y"});
  auto* eq = n->add_attribute();
  eq->set_name("equation");
  eq->set_type(onnx::AttributeProto_AttributeType_STRING);
  eq->set_s("bij,bjk->bik");
  Output(m, "y");
  auto g = Import(m);
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_EQ(Kinds(*g), (std::vector<OpKind>{OpKind::kMatmul}));
  EXPECT_EQ(g->operands[g->outputs[0].operand].desc.shape, (std::vector<uint32_t>{2, 3, 5}));
}

// Shape -> Gather -> Unsqueeze -> Concat -> Reshape: evaluated at import, one reshape remains.
TEST(OnnxImportTest, ShapeSubgraphIsFolded) {
  onnx::ModelProto m = NewModel();
  Input(m, "x", {2, 3, 4});
  IntInitializer(m, "zero", {}, {0});
  IntInitializer(m, "minus1", {1}, {-1});
  IntInitializer(m, "axes", {1}, {0});
  Node(m, "Shape", {"x"}, {"s"});
  Node(m, "Gather", {"s", "zero"}, {"n"});
  Node(m, "Unsqueeze", {"n", "axes"}, {"n1"});
  auto* cat = Node(m, "Concat", {"n1", "minus1"}, {"shape"});
  IntAttr(cat, "axis", 0);
  Node(m, "Reshape", {"x", "shape"}, {"y"});
  Output(m, "y");
  auto g = Import(m);
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  ASSERT_EQ(Kinds(*g), (std::vector<OpKind>{OpKind::kReshape}));
  EXPECT_EQ(std::get<NewShapeAttrs>(g->operations[0].attrs).newShape,
            (std::vector<uint32_t>{2, 12}));
}

TEST(OnnxImportTest, FreeDimensionNeedsAValue) {
  onnx::ModelProto m = NewModel();
  Input(m, "x", {-1, 3});
  Node(m, "Relu", {"x"}, {"y"});
  Output(m, "y");
  auto g = Import(m);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message().find("input 'x' dimension 0"), std::string::npos)
      << g.error().message();
  EXPECT_NE(g.error().message().find("--dim batch=VALUE"), std::string::npos);

  OnnxImportOptions options;
  options.dims["batch"] = 5;
  auto bound = Import(m, options);
  ASSERT_TRUE(bound.ok()) << bound.error().ToString();
  EXPECT_EQ(bound->operands[bound->inputs[0]].desc.shape, (std::vector<uint32_t>{5, 3}));
}

TEST(OnnxImportTest, UnknownOpNamesNodeAndType) {
  onnx::ModelProto m = NewModel();
  Input(m, "x", {2});
  Node(m, "Relu", {"x"}, {"r"});
  Node(m, "FrobnicateX", {"r"}, {"f"}, "frob");
  Node(m, "NonZero", {"x"}, {"a"});  // unnamed: reported by index
  Node(m, "Add", {"f", "a"}, {"y"});
  Output(m, "y");
  auto g = Import(m);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code(), ErrorCode::kNotSupportedError);
  EXPECT_NE(g.error().message().find("node 'frob' (#1) FrobnicateX"), std::string::npos)
      << g.error().message();

  // Report mode: every blocking node, not the Add that only depends on them.
  std::vector<OnnxNodeProblem> problems;
  auto r = ImportOnnxModel(std::make_shared<onnx::ModelProto>(m), "", {}, &problems);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].node, "frob");
  EXPECT_EQ(problems[0].op_type, "FrobnicateX");
  EXPECT_EQ(problems[1].node, "#2");
  EXPECT_EQ(problems[1].op_type, "NonZero");
  EXPECT_NE(problems[1].reason.find("no WebNN equivalent"), std::string::npos);
}

TEST(OnnxImportTest, UnsupportedDataTypeIsNotSupported) {
  onnx::ModelProto m = NewModel();
  Input(m, "x", {2}, onnx::TensorProto_DataType_DOUBLE);
  Node(m, "Relu", {"x"}, {"y"});
  Output(m, "y", onnx::TensorProto_DataType_DOUBLE);
  auto g = Import(m);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code(), ErrorCode::kNotSupportedError);
  EXPECT_NE(g.error().message().find("DOUBLE"), std::string::npos);
}

// y = x + w for x, w of float32 [4]; w's data is left to the caller
// (m.mutable_graph()->mutable_initializer(0)).
onnx::ModelProto AddWeightModel() {
  onnx::ModelProto m = NewModel();
  Input(m, "x", {4});
  auto* w = m.mutable_graph()->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto_DataType_FLOAT);
  w->add_dims(4);
  Node(m, "Add", {"x", "w"}, {"y"});
  Output(m, "y");
  return m;
}

// A model whose weight lives in `location` (relative to the model's folder).
onnx::ModelProto ExternalModel(const std::string& location) {
  onnx::ModelProto m = AddWeightModel();
  auto* w = m.mutable_graph()->mutable_initializer(0);
  w->set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
  auto* loc = w->add_external_data();
  loc->set_key("location");
  loc->set_value(location);
  auto* len = w->add_external_data();
  len->set_key("length");
  len->set_value("16");
  return m;
}

// The file mapped at `address` in this process (/proc/self/maps), or an empty path.
fs::path MappedFileAt(const void* address) {
  const auto a = reinterpret_cast<uintptr_t>(address);
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    std::istringstream fields(line);
    std::string range, perms, offset, device, inode, path;
    fields >> range >> perms >> offset >> device >> inode >> path;
    const size_t dash = range.find('-');
    const uintptr_t begin = std::stoull(range.substr(0, dash), nullptr, 16);
    const uintptr_t end = std::stoull(range.substr(dash + 1), nullptr, 16);
    if (a >= begin && a < end) return path;
  }
  return {};
}

TEST(OnnxImportTest, ExternalDataInsideTheFolder) {
  TempDir dir;
  const float w[4] = {1, 2, 3, 4};
  std::ofstream(dir.path() / "weights.bin", std::ios::binary)
      .write(reinterpret_cast<const char*>(w), sizeof(w));
  WriteModel(ExternalModel("weights.bin"), dir.path() / "m.onnx");
  auto g = ImportOnnxFile(dir.path() / "m.onnx", {});
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  ASSERT_EQ(g->constants.size(), 1u);
  const ByteBuffer& bytes = g->constants.begin()->second;
  ASSERT_EQ(bytes.size(), sizeof(w));
  EXPECT_EQ(std::memcmp(bytes.data(), w, sizeof(w)), 0);
  // The constant is the file's mapping, not a copy of it.
  EXPECT_EQ(MappedFileAt(bytes.data()).filename(), "weights.bin");
}

// Weights in the model's raw_data or float_data (and the other typed fields whose elements are
// the operand's) are shared with the parsed proto, not copied; the graph keeps the proto alive.
TEST(OnnxImportTest, WeightsAliasTheProto) {
  const float values[4] = {1, 2, 3, 4};
  for (const bool raw : {true, false}) {
    onnx::ModelProto m = AddWeightModel();
    auto* w = m.mutable_graph()->mutable_initializer(0);
    if (raw) {
      w->set_raw_data(values, sizeof(values));
    } else {
      for (float v : values) w->add_float_data(v);
    }
    auto model = std::make_shared<onnx::ModelProto>(std::move(m));
    const auto& init = model->graph().initializer(0);
    const void* data = raw ? static_cast<const void*>(init.raw_data().data())
                           : static_cast<const void*>(init.float_data().data());
    auto g = ImportOnnxModel(model, "", {});
    ASSERT_TRUE(g.ok()) << g.error().ToString();
    ASSERT_EQ(g->constants.size(), 1u);
    const ByteBuffer& bytes = g->constants.begin()->second;
    EXPECT_EQ(static_cast<const void*>(bytes.data()), data) << (raw ? "raw_data" : "float_data");
    model.reset();  // the caller lets go: the bytes stay valid
    EXPECT_EQ(std::memcmp(bytes.data(), values, sizeof(values)), 0);
  }
}

TEST(OnnxImportTest, ExternalDataCannotLeaveTheFolder) {
  TempDir outer;
  fs::create_directory(outer.path() / "model");
  const float w[4] = {1, 2, 3, 4};
  std::ofstream(outer.path() / "secret.bin", std::ios::binary)
      .write(reinterpret_cast<const char*>(w), sizeof(w));
  fs::create_symlink(outer.path() / "secret.bin", outer.path() / "model" / "link.bin");
  const fs::path model = outer.path() / "model" / "m.onnx";
  for (const std::string& location : std::vector<std::string>{
           "../secret.bin", (outer.path() / "secret.bin").string(), "link.bin"}) {
    WriteModel(ExternalModel(location), model);
    auto g = ImportOnnxFile(model, {});
    ASSERT_FALSE(g.ok()) << location;
    EXPECT_EQ(g.error().code(), ErrorCode::kDataError) << g.error().ToString();
    EXPECT_NE(g.error().message().find(location), std::string::npos) << g.error().message();
  }
}

TEST(OnnxImportTest, HeaderSniffing) {
  auto bytes = [](std::initializer_list<int> v) {
    std::vector<std::byte> b;
    for (int x : v) b.push_back(static_cast<std::byte>(x));
    return b;
  };
  // ir_version 8, then an empty producer_name ("12 00": a NUL in the first four bytes).
  EXPECT_TRUE(LooksLikeOnnx(bytes({0x08, 0x08, 0x12, 0x00})));
  EXPECT_TRUE(LooksLikeOnnx(bytes({0x08, 0x07, 0x3A, 0x10})));
  // A Cap'n Proto message of 9 segments starts 08 00 00 00: version 0 is no ONNX model.
  EXPECT_FALSE(LooksLikeOnnx(bytes({0x08, 0x00, 0x00, 0x00})));
  EXPECT_FALSE(LooksLikeOnnx(bytes({0x00, 0x00, 0x00, 0x00})));
  EXPECT_FALSE(LooksLikeOnnx(bytes({'{', '"', 'f', 'o'})));
}

// A model with an empty producer name has a NUL in its first four bytes (as Cap'n Proto files
// do): LoadGraphFile must still read it as ONNX, and the result must compute through the API.
TEST(OnnxImportTest, LoadGraphFileAndComputeWithANulInTheHeader) {
  TempDir dir;
  onnx::ModelProto m = NewModel();
  m.set_producer_name("");  // serialized as "12 00" right after ir_version
  Input(m, "a", {4}, onnx::TensorProto_DataType_INT32);
  Input(m, "b", {4}, onnx::TensorProto_DataType_INT32);
  Node(m, "Mod", {"a", "b"}, {"y"});
  Output(m, "y", onnx::TensorProto_DataType_INT32);
  const fs::path path = dir.path() / "mod.onnx";
  WriteModel(m, path);
  std::string head(4, '\0');
  std::ifstream(path, std::ios::binary).read(head.data(), 4);
  ASSERT_NE(head.find('\0'), std::string::npos) << "the test needs a NUL in the header";

  auto g = LoadGraphFile(path, ContextLimits{});
  ASSERT_TRUE(g.ok()) << g.error().ToString();

  // Mod follows the divisor's sign (Python's %): 7 % -3 = -2, -7 % 3 = 2.
  auto context = ML().createContext();
  MLGraph graph = context->loadGraph(path.string());
  auto tensor = [](std::vector<int32_t> v) {
    HostTensor t;
    t.desc = {DataType::kInt32, {4}};
    t.bytes.resize(16);
    std::memcpy(t.bytes.data(), v.data(), 16);
    return t;
  };
  HostTensors out =
      context->compute(graph, {{"a", tensor({7, -7, 7, -7})}, {"b", tensor({3, 3, -3, -3})}});
  std::vector<int32_t> y(4);
  std::memcpy(y.data(), out.at("y").bytes.data(), 16);
  EXPECT_EQ(y, (std::vector<int32_t>{1, 2, -2, -1}));
}

// Hostile or malformed nodes are errors naming the node, never a crash or an unbounded
// allocation.
TEST(OnnxImportTest, MalformedNodesAreErrors) {
  {
    onnx::ModelProto m = NewModel();
    Input(m, "x", {2});
    Node(m, "Where", {"x", "x"}, {"y"}, "two_inputs");  // needs three
    Output(m, "y");
    auto g = Import(m);
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.error().message().find("two_inputs"), std::string::npos) << g.error().message();
  }
  {
    // A constant shape of 2^31 x 2^31 elements is not evaluated at import.
    onnx::ModelProto m = NewModel();
    IntInitializer(m, "shape", {2}, {int64_t{1} << 30, int64_t{1} << 30});
    Node(m, "ConstantOfShape", {"shape"}, {"y"});
    Output(m, "y");
    auto g = Import(m);
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.error().message().find("too large"), std::string::npos) << g.error().message();
  }
  {
    // Split sizes that do not add up would read past the end of a folded constant.
    onnx::ModelProto m = NewModel();
    Initializer(m, "c", {6}, {1, 2, 3, 4, 5, 6});
    IntInitializer(m, "sizes", {2}, {5, 5});
    Node(m, "Split", {"c", "sizes"}, {"a", "b"});
    Output(m, "a");
    auto g = Import(m);
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.error().message().find("add up"), std::string::npos) << g.error().message();
  }
  {
    onnx::ModelProto m = NewModel();
    Input(m, "x", {2, 3});
    IntInitializer(m, "axes", {2}, {0, 0});
    Node(m, "Unsqueeze", {"x", "axes"}, {"y"});
    Output(m, "y");
    EXPECT_FALSE(Import(m).ok());
  }
  {
    onnx::ModelProto m = NewModel();
    Input(m, "x", {1, 1, 4, 4});
    auto* pool = Node(m, "MaxPool", {"x"}, {"y"});
    IntsAttr(pool, "kernel_shape", {2, 2});
    IntsAttr(pool, "strides", {0, 0});
    auto* pad = pool->add_attribute();
    pad->set_name("auto_pad");
    pad->set_type(onnx::AttributeProto_AttributeType_STRING);
    pad->set_s("SAME_UPPER");
    Output(m, "y");
    EXPECT_FALSE(Import(m).ok());  // a stride of 0 is an error, not a division by zero
  }
}

// The polynomial decompositions of Atan/Asin/Acos against the C library, through the public
// API (MLContext::loadGraph of an .onnx file, with a free dimension bound by name).
TEST(OnnxImportTest, InverseTrigonometryMatchesTheCLibrary) {
  const std::vector<float> x = {-1.0f, -0.999f, -0.7f, -0.3f, 0.0f, 0.2f, 0.5f, 0.9f, 1.0f};
  const std::vector<float> wide = {-1e6f, -30.0f, -2.0f, -1.01f, 0.0f, 0.99f, 3.0f, 77.0f, 1e8f};
  TempDir dir;
  auto context = ML().createContext();
  for (const std::string op : {"Atan", "Asin", "Acos"}) {
    onnx::ModelProto m = NewModel();
    Input(m, "x", {-1});
    Node(m, op, {"x"}, {"y"});
    Output(m, "y");
    const fs::path path = dir.path() / (op + ".onnx");
    WriteModel(m, path);
    const std::vector<float>& in = op == "Atan" ? wide : x;
    MLGraph graph =
        context->loadGraph(path.string(), {{"batch", static_cast<uint32_t>(in.size())}});
    HostTensors out = context->compute(
        graph, {{"x", HostTensor::FromFloats({static_cast<uint32_t>(in.size())}, in)}});
    const std::vector<float> y = out.at("y").ToFloats();
    for (size_t i = 0; i < in.size(); ++i) {
      const double expected = op == "Atan"   ? std::atan(double{in[i]})
                              : op == "Asin" ? std::asin(double{in[i]})
                                             : std::acos(double{in[i]});
      EXPECT_NEAR(y[i], expected, 1e-6) << op << "(" << in[i] << ")";
    }
  }
}

}  // namespace
}  // namespace webnn::format
