#include "format/capnp/codec.h"

#include <capnp/any.h>
#include <capnp/dynamic.h>
#include <capnp/message.h>
#include <capnp/schema.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <random>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>

#include "format/capnp/wire_codec.h"
#include "format/json/graph_json.h"
#include "ir/graph_builder.h"
#include "ir/validate_graph.h"

// Designated initializers below leave the other options at their defaults on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace webnn {
namespace {

// ---- Helpers ---------------------------------------------------------------------------------

std::string Normalize(std::string_view name) {
  std::string s;
  for (char c : name) {
    if (c != '-' && c != '_') s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

ByteBuffer Pattern(size_t n, uint8_t seed = 11) {
  std::vector<std::byte> bytes(n);
  for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::byte>((i * 37 + seed) & 0xff);
  return ByteBuffer::FromVector(std::move(bytes));
}

// Where two graphs first differ, for readable failures.
std::string FirstDifference(const GraphInfo& a, const GraphInfo& b) {
  if (a.name != b.name) return "name";
  if (a.operands.size() != b.operands.size()) return "operand count";
  for (size_t i = 0; i < a.operands.size(); ++i) {
    if (!(a.operands[i] == b.operands[i])) return "operands[" + std::to_string(i) + "]";
  }
  if (a.inputs != b.inputs) return "inputs";
  if (!(a.outputs == b.outputs)) return "outputs";
  if (a.operations.size() != b.operations.size()) return "operation count";
  for (size_t i = 0; i < a.operations.size(); ++i) {
    const Operation& x = a.operations[i];
    const Operation& y = b.operations[i];
    const std::string where =
        "operations[" + std::to_string(i) + "] (" + std::string(OpName(x.kind)) + ")";
    if (x.kind != y.kind) return where + ".kind";
    if (x.inputs != y.inputs) return where + ".inputs";
    if (x.outputs != y.outputs) return where + ".outputs";
    if (x.label != y.label) return where + ".label";
    if (!(x.attrs == y.attrs)) return where + ".attrs";
  }
  if (!(a.constants == b.constants)) return "constants";
  return "";
}

std::vector<std::byte> ToBytes(capnp::MessageBuilder& message) {
  kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  std::vector<std::byte> out(bytes.size());
  std::memcpy(out.data(), bytes.begin(), bytes.size());
  return out;
}

// Encodes `graph` into a File message, lets `mutate` edit the message, and returns the bytes.
template <typename F>
std::vector<std::byte> EncodeMutated(const GraphInfo& graph, F&& mutate,
                                     capnp::uint first_segment_words = 1024) {
  capnp::MallocMessageBuilder message(first_segment_words);
  auto file = message.initRoot<wire::File>();
  file.setMagic(wire::FILE_MAGIC);
  file.setFormatVersion(wire::CURRENT_FORMAT_VERSION);
  Status status = EncodeGraphInto(graph, file.initGraph());
  EXPECT_TRUE(status.ok()) << status.error().ToString();
  mutate(file);
  return ToBytes(message);
}

// Builds a graph through GraphBuilderCore; every result of every operation becomes an output.
class TestGraph {
 public:
  OperandId Input(const std::string& name, DataType type, std::vector<uint32_t> shape) {
    auto id = builder_.AddInput(name, {type, std::move(shape)});
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : kNoOperand;
  }
  OperandId Const(DataType type, std::vector<uint32_t> shape, std::string name = "") {
    OperandDescriptor desc{type, std::move(shape)};
    const size_t n = desc.ByteLength();
    auto id = builder_.AddConstant(desc, Pattern(n, static_cast<uint8_t>(++seed_)), name);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : kNoOperand;
  }
  std::vector<OperandId> Op(OpKind kind, std::vector<OperandId> inputs, Attrs attrs,
                            std::string label = "") {
    auto outs = builder_.AddOperation(kind, std::move(inputs), std::move(attrs), label);
    EXPECT_TRUE(outs.ok()) << OpName(kind) << ": " << outs.error().ToString();
    if (!outs.ok()) return {};
    for (OperandId id : *outs) outputs_.emplace_back("out" + std::to_string(outputs_.size()), id);
    return *outs;
  }
  GraphInfo Build() {
    auto graph = builder_.Build(outputs_);
    EXPECT_TRUE(graph.ok()) << graph.error().ToString();
    return graph.ok() ? std::move(*graph) : GraphInfo{};
  }

 private:
  GraphBuilderCore builder_;
  std::vector<std::pair<std::string, OperandId>> outputs_;
  int seed_ = 0;
};

constexpr DataType f32 = DataType::kFloat32;
constexpr DataType f16 = DataType::kFloat16;

// One operation or more per attribute type, with non-default values, optional options both set
// and unset, every MLNumber kind, both SplitSpec forms, and multi-output operations.
GraphInfo EveryAttrsGraph() {
  TestGraph g;
  const OperandId x4 = g.Input("x4", f32, {1, 2, 4, 4});
  const OperandId x2 = g.Input("x2", f32, {2, 3});
  const OperandId i64 = g.Input("i64", DataType::kInt64, {2, 3});
  const OperandId i32 = g.Input("i32", DataType::kInt32, {2, 3});
  const OperandId cond = g.Input("cond", DataType::kUint8, {2, 3});
  const OperandId xh = g.Input("xh", f16, {1, 5, 5, 2});
  const OperandId xn = g.Input("xn", f32, {1, 4, 4, 2});
  const OperandId seq = g.Input("seq", f32, {2, 1, 3});
  const OperandId cell = g.Input("cell", f32, {1, 3});
  const OperandId p = g.Input("p", f32, {1, 2, 5, 5});
  const OperandId s = g.Input("s", f32, {1, 2, 4, 6});
  const OperandId sq = g.Input("sq", f32, {3, 3});
  const OperandId c2 = g.Const(f32, {2, 3}, "c2");

  // NoAttrs (+ a constant, a 3-input op and packed 4-bit constants).
  g.Op(OpKind::kAdd, {x2, c2}, NoAttrs{}, "sum");
  g.Op(OpKind::kWhere, {cond, x2, c2}, NoAttrs{});
  g.Op(OpKind::kDequantizeLinear,
       {g.Const(DataType::kUint4, {2, 3}), g.Const(f32, {2, 3}), g.Const(DataType::kUint4, {2, 3})},
       NoAttrs{});
  // AxisAttrs, GatherAttrs, ArgMinMaxAttrs.
  g.Op(OpKind::kSoftmax, {x2}, AxisAttrs{.axis = 1});
  g.Op(OpKind::kConcat, {x2, c2, x2}, AxisAttrs{.axis = 0});
  g.Op(OpKind::kGather, {x2, g.Const(DataType::kInt32, {2})}, GatherAttrs{.axis = 1});
  g.Op(OpKind::kArgMax, {x4},
       ArgMinMaxAttrs{.axis = 1, .keepDimensions = true, .outputDataType = DataType::kInt64});
  // BatchNormalizationAttrs with an absent optional operand (scale).
  g.Op(OpKind::kBatchNormalization,
       {xn, g.Const(f32, {2}), g.Const(f32, {2}), kNoOperand, g.Const(f32, {2})},
       BatchNormalizationAttrs{.axis = 3, .epsilon = 1e-3});
  g.Op(OpKind::kCast, {x2}, CastAttrs{.dataType = DataType::kInt8});
  // ClampAttrs: int64 and uint64 MLNumbers, then a double with the minimum absent.
  g.Op(OpKind::kClamp, {i64},
       ClampAttrs{.minValue = MLNumber::Int(-5), .maxValue = MLNumber::Uint(7)});
  g.Op(OpKind::kClamp, {x2}, ClampAttrs{.minValue = std::nullopt, .maxValue = MLNumber(6.0)});
  g.Op(OpKind::kConv2d, {xh, g.Const(f16, {4, 3, 3, 1}), g.Const(f16, {4})},
       Conv2dAttrs{.padding = UintList{1, 1, 1, 1},
                   .strides = UintList{2, 2},
                   .dilations = std::nullopt,
                   .groups = 2,
                   .inputLayout = InputOperandLayout::kNhwc,
                   .filterLayout = Conv2dFilterOperandLayout::kOhwi},
       "stem");
  g.Op(OpKind::kConvTranspose2d, {x4, g.Const(f32, {3, 3, 3, 2}), kNoOperand},
       ConvTranspose2dAttrs{.padding = std::nullopt,
                            .strides = UintList{2, 2},
                            .dilations = UintList{1, 1},
                            .outputPadding = UintList{1, 1},
                            .outputSizes = std::nullopt,
                            .groups = 1,
                            .inputLayout = InputOperandLayout::kNchw,
                            .filterLayout = ConvTranspose2dFilterOperandLayout::kHwoi});
  g.Op(OpKind::kCumulativeSum, {x2},
       CumulativeSumAttrs{.axis = 1, .exclusive = true, .reversed = true});
  g.Op(OpKind::kElu, {x2}, EluAttrs{.alpha = 0.5});
  g.Op(OpKind::kLeakyRelu, {x2}, LeakyReluAttrs{.alpha = 0.2});
  g.Op(OpKind::kHardSigmoid, {x2}, HardSigmoidAttrs{.alpha = 0.3, .beta = 0.6});
  g.Op(OpKind::kLinear, {x2}, LinearAttrs{.alpha = 2.0, .beta = -1.0});
  g.Op(OpKind::kReshape, {x4}, NewShapeAttrs{.newShape = {2, 16}});
  g.Op(OpKind::kExpand, {x2}, NewShapeAttrs{.newShape = {4, 2, 3}});
  g.Op(OpKind::kGemm, {x2, g.Const(f32, {4, 3}), g.Const(f32, {4})},
       GemmAttrs{.alpha = 0.5, .beta = 2.0, .aTranspose = false, .bTranspose = true});
  // Recurrent ops: two and three outputs.
  g.Op(OpKind::kGru,
       {seq, g.Const(f32, {2, 12, 3}), g.Const(f32, {2, 12, 4}), g.Const(f32, {2, 12}), kNoOperand,
        g.Const(f32, {2, 1, 4})},
       GruAttrs{.steps = 2,
                .hiddenSize = 4,
                .resetAfter = false,
                .returnSequence = true,
                .direction = RecurrentNetworkDirection::kBoth,
                .layout = GruWeightLayout::kRzn,
                .activations = ActivationList{RecurrentNetworkActivation::kRelu,
                                              RecurrentNetworkActivation::kTanh}});
  g.Op(OpKind::kGruCell,
       {cell, g.Const(f32, {12, 3}), g.Const(f32, {12, 4}), g.Const(f32, {1, 4}), kNoOperand,
        g.Const(f32, {12})},
       GruCellAttrs{.hiddenSize = 4, .resetAfter = false, .layout = GruWeightLayout::kRzn});
  g.Op(OpKind::kInstanceNormalization, {xn, g.Const(f32, {2}), kNoOperand},
       InstanceNormalizationAttrs{.epsilon = 1e-3, .layout = InputOperandLayout::kNhwc});
  g.Op(OpKind::kLayerNormalization, {x4, g.Const(f32, {4, 4}), g.Const(f32, {4, 4})},
       LayerNormalizationAttrs{.axes = UintList{2, 3}, .epsilon = 1e-4});
  g.Op(OpKind::kLstm,
       {seq, g.Const(f32, {1, 16, 3}), g.Const(f32, {1, 16, 4}), g.Const(f32, {1, 16}), kNoOperand,
        g.Const(f32, {1, 12}), kNoOperand, kNoOperand},
       LstmAttrs{.steps = 2,
                 .hiddenSize = 4,
                 .returnSequence = true,
                 .direction = RecurrentNetworkDirection::kBackward,
                 .layout = LstmWeightLayout::kIfgo,
                 .activations = ActivationList{RecurrentNetworkActivation::kSigmoid,
                                               RecurrentNetworkActivation::kRelu,
                                               RecurrentNetworkActivation::kTanh}});
  g.Op(OpKind::kLstmCell,
       {cell, g.Const(f32, {16, 3}), g.Const(f32, {16, 4}), g.Const(f32, {1, 4}),
        g.Const(f32, {1, 4}), kNoOperand, kNoOperand, kNoOperand},
       LstmCellAttrs{.hiddenSize = 4, .layout = LstmWeightLayout::kIfgo});
  g.Op(OpKind::kPad, {i32},
       PadAttrs{.beginningPadding = {1, 0},
                .endingPadding = {0, 2},
                .mode = PaddingMode::kConstant,
                .value = MLNumber::Int(-7)});
  g.Op(OpKind::kPad, {x4},
       PadAttrs{.beginningPadding = {0, 0, 1, 2},
                .endingPadding = {0, 0, 2, 1},
                .mode = PaddingMode::kReflection});
  g.Op(OpKind::kAveragePool2d, {p},
       Pool2dAttrs{.windowDimensions = UintList{3, 3},
                   .padding = UintList{1, 1, 1, 1},
                   .strides = UintList{2, 2},
                   .outputShapeRounding = RoundingType::kCeil});
  g.Op(OpKind::kMaxPool2d, {p},
       Pool2dAttrs{.windowDimensions = UintList{2, 2},
                   .strides = UintList{2, 2},
                   .outputSizes = UintList{3, 3}});
  g.Op(OpKind::kL2Pool2d, {p}, Pool2dAttrs{});
  g.Op(OpKind::kReduceSum, {x4}, ReduceAttrs{.axes = UintList{1, 3}, .keepDimensions = true});
  g.Op(OpKind::kReduceMean, {x4}, ReduceAttrs{});
  g.Op(OpKind::kResample2d, {x4},
       Resample2dAttrs{.mode = InterpolationMode::kLinear,
                       .scales = std::vector<float>{2.0f, 1.5f},
                       .axes = UintList{2, 3}});
  g.Op(OpKind::kResample2d, {x4}, Resample2dAttrs{.sizes = UintList{3, 5}, .axes = UintList{1, 2}});
  g.Op(OpKind::kReverse, {x4}, ReverseAttrs{.axes = UintList{0, 2}});
  g.Op(OpKind::kReverse, {x2}, ReverseAttrs{});
  g.Op(OpKind::kSlice, {x4},
       SliceAttrs{.starts = {0, 1, 0, 1}, .sizes = {1, 1, 2, 3}, .strides = UintList{1, 1, 2, 1}});
  g.Op(OpKind::kSplit, {s}, SplitAttrs{.splits = uint32_t{3}, .axis = 3});
  g.Op(OpKind::kSplit, {s}, SplitAttrs{.splits = UintList{1, 3}, .axis = 2});
  g.Op(OpKind::kTile, {x2}, TileAttrs{.repetitions = {2, 1}});
  g.Op(OpKind::kTranspose, {x4}, TransposeAttrs{.permutation = UintList{0, 2, 3, 1}});
  g.Op(OpKind::kTranspose, {x2}, TransposeAttrs{});
  g.Op(OpKind::kTriangular, {sq}, TriangularAttrs{.upper = false, .diagonal = -1});
  GraphInfo graph = g.Build();
  graph.name = "every attribute type";
  return graph;
}

// conv2d + relu + reshape: small enough to flip every byte of its message.
GraphInfo SmallGraph() {
  TestGraph g;
  const OperandId x = g.Input("x", f32, {1, 2, 3, 3});
  const auto conv =
      g.Op(OpKind::kConv2d, {x, g.Const(f32, {2, 2, 2, 2}, "w"), g.Const(f32, {2}, "b")},
           Conv2dAttrs{.padding = UintList{0, 1, 0, 1}}, "conv");
  if (conv.empty()) return {};
  const auto relu = g.Op(OpKind::kRelu, {conv[0]}, NoAttrs{});
  if (relu.empty()) return {};
  g.Op(OpKind::kReshape, {relu[0]}, NewShapeAttrs{.newShape = {2, 9}});
  return g.Build();
}

// 16 KiB and 12 KiB + 4 constants: above the encoder's reference threshold, one of them not a
// whole number of words (copied), plus a small one.
GraphInfo GraphWithLargeConstants() {
  TestGraph g;
  const OperandId x = g.Input("x", f32, {64, 64});
  g.Op(OpKind::kAdd, {x, g.Const(f32, {64, 64}, "big")}, NoAttrs{});
  g.Op(OpKind::kSub, {g.Input("y", f32, {3073}), g.Const(f32, {3073}, "odd")}, NoAttrs{});
  g.Op(OpKind::kMul, {x, g.Const(f32, {1, 1}, "tiny")}, NoAttrs{});
  return g.Build();
}

Result<GraphInfo> RoundTrip(const GraphInfo& graph, const DecodeOptions& options = {}) {
  WEBNN_ASSIGN_OR_RETURN(std::vector<std::byte> bytes, EncodeGraph(graph));
  return DecodeGraph(bytes, options);
}

void ExpectRoundTrip(const GraphInfo& graph) {
  auto decoded = RoundTrip(graph);
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_TRUE(*decoded == graph) << "first difference: " << FirstDifference(graph, *decoded);
}

void ExpectDataError(const Result<GraphInfo>& result, std::string_view needle) {
  ASSERT_FALSE(result.ok()) << "decoded a graph that should be rejected (" << needle << ")";
  EXPECT_EQ(result.error().code(), ErrorCode::kDataError) << result.error().ToString();
  EXPECT_NE(result.error().message().find(needle), std::string::npos)
      << "expected \"" << needle << "\" in: " << result.error().ToString();
}

// ---- The schema follows the tables -------------------------------------------------------------

TEST(CapnpSchema, OpKindFollowsTheOpTable) {
  const auto enumerants = capnp::Schema::from<wire::OpKind>().getEnumerants();
  ASSERT_EQ(enumerants.size(), kOpCount)
      << "schema/webnn.capnp OpKind and src/ops/op_table.inc have different lengths";
  for (OpKind kind : AllOpKinds()) {
    const auto index = static_cast<size_t>(kind);
    EXPECT_EQ(enumerants[static_cast<capnp::uint>(index)].getProto().getName().cStr(), OpName(kind))
        << "OpKind enumerant " << index;
    EXPECT_EQ(enumerants[static_cast<capnp::uint>(index)].getOrdinal(), index);
  }
}

TEST(CapnpSchema, DataTypeFollowsDataTypesInc) {
  const auto enumerants = capnp::Schema::from<wire::DataType>().getEnumerants();
  ASSERT_EQ(enumerants.size(), static_cast<capnp::uint>(kDataTypeCount));
  for (int i = 0; i < kDataTypeCount; ++i) {
    EXPECT_EQ(enumerants[static_cast<capnp::uint>(i)].getProto().getName().cStr(),
              DataTypeName(static_cast<DataType>(i)));
  }
}

TEST(CapnpSchema, OperandKindMatches) {
  const auto enumerants = capnp::Schema::from<wire::OperandKind>().getEnumerants();
  ASSERT_EQ(enumerants.size(), 3u);
  EXPECT_EQ(static_cast<int>(wire::OperandKind::INPUT), static_cast<int>(OperandKind::kInput));
  EXPECT_EQ(static_cast<int>(wire::OperandKind::CONSTANT),
            static_cast<int>(OperandKind::kConstant));
  EXPECT_EQ(static_cast<int>(wire::OperandKind::OUTPUT), static_cast<int>(OperandKind::kOutput));
}

template <typename E, typename W>
void ExpectEnumMatches() {
  const auto enumerants = capnp::Schema::from<W>().getEnumerants();
  const auto& names = EnumTraits<E>::kNames;
  ASSERT_EQ(enumerants.size(), names.size()) << EnumTraits<E>::kTypeName;
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(Normalize(enumerants[static_cast<capnp::uint>(i)].getProto().getName().cStr()),
              Normalize(names[i]))
        << EnumTraits<E>::kTypeName << " enumerant " << i;
  }
}

TEST(CapnpSchema, AttributeEnumsFollowEnumTraits) {
  ExpectEnumMatches<InputOperandLayout, wire::InputOperandLayout>();
  ExpectEnumMatches<Conv2dFilterOperandLayout, wire::Conv2dFilterOperandLayout>();
  ExpectEnumMatches<ConvTranspose2dFilterOperandLayout, wire::ConvTranspose2dFilterOperandLayout>();
  ExpectEnumMatches<RoundingType, wire::RoundingType>();
  ExpectEnumMatches<PaddingMode, wire::PaddingMode>();
  ExpectEnumMatches<InterpolationMode, wire::InterpolationMode>();
  ExpectEnumMatches<RecurrentNetworkActivation, wire::RecurrentNetworkActivation>();
  ExpectEnumMatches<RecurrentNetworkDirection, wire::RecurrentNetworkDirection>();
  ExpectEnumMatches<GruWeightLayout, wire::GruWeightLayout>();
  ExpectEnumMatches<LstmWeightLayout, wire::LstmWeightLayout>();
}

bool Retired(std::string_view name) { return name.substr(0, 8) == "obsolete"; }

template <typename T>
void ExpectFieldsMatch(capnp::StructSchema schema) {
  std::set<std::string> cpp_fields;
  T value;
  T::VisitFields(value, [&](std::string_view name, auto&, FieldKind) {
    cpp_fields.insert(std::string(name));
  });
  std::set<std::string> schema_fields;
  for (auto field : schema.getFields()) {
    std::string_view name = field.getProto().getName().cStr();
    if (!Retired(name)) schema_fields.insert(std::string(name));
  }
  EXPECT_EQ(cpp_fields, schema_fields) << schema.getShortDisplayName().cStr();
}

TEST(CapnpSchema, EveryAttributeTypeHasItsUnionMemberAndFields) {
  const capnp::StructSchema attrs = capnp::Schema::from<wire::Operation::Attrs>();
  size_t live_members = 0;
  for (auto field : attrs.getUnionFields()) {
    if (!Retired(field.getProto().getName().cStr())) ++live_members;
  }
  EXPECT_EQ(live_members, std::variant_size_v<Attrs> - 1)
      << "Operation.attrs and WEBNN_ATTRS_TYPES differ in length";
  size_t index = 0;
#define WEBNN_CHECK_MEMBER(T)                                                                     \
  {                                                                                               \
    ++index;                                                                                      \
    const std::string member = AttrsMemberName(index);                                            \
    KJ_IF_MAYBE (field, attrs.findFieldByName(member)) {                                          \
      EXPECT_TRUE(field->getType().isStruct()) << member;                                         \
      if (field->getType().isStruct()) {                                                          \
        EXPECT_EQ(field->getType().asStruct(), capnp::Schema::from<wire::T>()) << member;         \
      }                                                                                           \
    } else {                                                                                      \
      ADD_FAILURE() << "Operation.attrs has no member " << member << " for " #T;                  \
    }                                                                                             \
    ExpectFieldsMatch<T>(capnp::Schema::from<wire::T>());                                         \
    EXPECT_EQ(std::string_view(capnp::Schema::from<wire::T>().getShortDisplayName().cStr()), #T); \
  }
  WEBNN_ATTRS_TYPES(WEBNN_CHECK_MEMBER)
#undef WEBNN_CHECK_MEMBER
}

// attrs_fields.inc (the names the codec reads and writes through the generated accessors) lists
// every field of every attribute struct, in VisitFields order.
TEST(CapnpSchema, AttrsFieldsIncFollowsVisitFields) {
  size_t index = 0;
#define WEBNN_CHECK_INC(T)                                                                     \
  {                                                                                            \
    ++index;                                                                                   \
    std::vector<std::string_view> visited;                                                     \
    T value;                                                                                   \
    T::VisitFields(value,                                                                      \
                   [&](std::string_view name, auto&, FieldKind) { visited.push_back(name); }); \
    EXPECT_EQ(AttrsWireFieldNames(index), visited) << #T;                                      \
  }
  WEBNN_ATTRS_TYPES(WEBNN_CHECK_INC)
#undef WEBNN_CHECK_INC
  EXPECT_TRUE(AttrsWireFieldNames(0).empty());
  EXPECT_TRUE(AttrsWireFieldNames(std::variant_size_v<Attrs>).empty());
}

// Every pointer field of every attribute struct, nulled: a required one (FieldKind::kRequired)
// is an error naming it, an optional one decodes (to absent, or to the schema default).
TEST(CapnpSchema, NullPointerFieldsAreRequiredOnlyWhenVisitFieldsSaysSo) {
  size_t checked = 0;
#define WEBNN_CHECK_NULLS(T)                                                                     \
  {                                                                                              \
    T value;                                                                                     \
    T::VisitFields(value, [&](std::string_view name, auto&, FieldKind kind) {                    \
      capnp::MallocMessageBuilder message;                                                       \
      auto op = message.initRoot<wire::Operation>();                                             \
      capnp::DynamicStruct::Builder s = capnp::toDynamic(op.getAttrs().init##T());               \
      const auto target = s.getSchema().getFieldByName(kj::StringPtr(name.data(), name.size())); \
      if (!target.getType().isList() && !target.getType().isStruct()) return;                    \
      if (!target.getProto().isSlot()) return;                                                   \
      /* Every other required list present, the target null. */                                  \
      T::VisitFields(value, [&](std::string_view other, auto&, FieldKind other_kind) {           \
        auto f = s.getSchema().getFieldByName(kj::StringPtr(other.data(), other.size()));        \
        if (other != name && other_kind == FieldKind::kRequired && f.getType().isList()) {       \
          s.init(f, 0);                                                                          \
        }                                                                                        \
      });                                                                                        \
      ++checked;                                                                                 \
      auto decoded = DecodeAttrs(op.getAttrs().asReader());                                      \
      if (kind == FieldKind::kRequired) {                                                        \
        ASSERT_FALSE(decoded.ok()) << #T "." << name << " decoded without its required list";    \
        EXPECT_NE(decoded.error().message().find(std::string(name) + ": required, but missing"), \
                  std::string::npos)                                                             \
            << decoded.error().ToString();                                                       \
      } else {                                                                                   \
        EXPECT_TRUE(decoded.ok()) << #T "." << name << ": " << decoded.error().ToString();       \
      }                                                                                          \
    });                                                                                          \
  }
  WEBNN_ATTRS_TYPES(WEBNN_CHECK_NULLS)
#undef WEBNN_CHECK_NULLS
  EXPECT_GT(checked, 0u) << "no pointer field was checked";
}

// An attribute struct left empty in a message (required lists present but empty) decodes to
// the C++ defaults: the schema's defaults are the spec's.
TEST(CapnpSchema, SchemaDefaultsAreTheCppDefaults){
#define WEBNN_CHECK_DEFAULTS(T)                                                           \
  {                                                                                       \
    capnp::MallocMessageBuilder message;                                                  \
    auto op = message.initRoot<wire::Operation>();                                        \
    capnp::DynamicStruct::Builder s = capnp::toDynamic(op.getAttrs().init##T());          \
    T value;                                                                              \
    T::VisitFields(value, [&](std::string_view name, auto&, FieldKind kind) {             \
      auto field = s.getSchema().getFieldByName(kj::StringPtr(name.data(), name.size())); \
      if (kind == FieldKind::kRequired && field.getType().isList()) s.init(field, 0);     \
    });                                                                                   \
    auto decoded = DecodeAttrs(op.getAttrs().asReader());                                 \
    ASSERT_TRUE(decoded.ok()) << #T ": " << decoded.error().ToString();                   \
    EXPECT_TRUE(*decoded == Attrs(T{})) << #T " schema defaults differ from attrs.h";     \
  }
    WEBNN_ATTRS_TYPES(WEBNN_CHECK_DEFAULTS)
#undef WEBNN_CHECK_DEFAULTS
}

// ---- Attributes alone (no validation): values the validators would reject too -----------------

Attrs AttrsRoundTrip(const Attrs& attrs) {
  capnp::MallocMessageBuilder message;
  auto op = message.initRoot<wire::Operation>();
  Status status = EncodeAttrs(attrs, op.getAttrs());
  EXPECT_TRUE(status.ok()) << status.error().ToString();
  auto bytes = ToBytes(message);
  kj::Array<capnp::word> words = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), bytes.data(), bytes.size());
  capnp::FlatArrayMessageReader reader(words);
  auto decoded = DecodeAttrs(reader.getRoot<wire::Operation>().getAttrs());
  EXPECT_TRUE(decoded.ok()) << decoded.error().ToString();
  return decoded.ok() ? *decoded : Attrs{};
}

TEST(CapnpAttrs, RoundTripEdgeValues) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<Attrs> cases = {
      NoAttrs{},
      AxisAttrs{.axis = 0xFFFFFFFFu},
      GatherAttrs{.axis = 7},
      ArgMinMaxAttrs{.axis = 3, .keepDimensions = true, .outputDataType = DataType::kInt32},
      BatchNormalizationAttrs{.axis = 0, .epsilon = 0.0},
      CastAttrs{.dataType = DataType::kUint4},
      ClampAttrs{.minValue = MLNumber::Int(std::numeric_limits<int64_t>::min()),
                 .maxValue = MLNumber::Uint(std::numeric_limits<uint64_t>::max())},
      ClampAttrs{.minValue = MLNumber(-inf), .maxValue = MLNumber(-0.0)},
      ClampAttrs{.minValue = MLNumber(std::nan(""))},
      ClampAttrs{},
      // Present-but-empty lists stay present; absent ones stay absent.
      Conv2dAttrs{.padding = UintList{}, .strides = std::nullopt, .dilations = UintList{3, 4}},
      ConvTranspose2dAttrs{.outputSizes = UintList{9, 9},
                           .groups = 0,
                           .filterLayout = ConvTranspose2dFilterOperandLayout::kOhwi},
      EluAttrs{.alpha = 1e-300},
      LeakyReluAttrs{.alpha = -inf},
      HardSigmoidAttrs{.alpha = 0, .beta = 0},
      LinearAttrs{.alpha = 1.0, .beta = 0.0},
      NewShapeAttrs{.newShape = {}},
      GruAttrs{.activations = ActivationList{}},
      LstmAttrs{.steps = 1,
                .activations = ActivationList{RecurrentNetworkActivation::kTanh,
                                              RecurrentNetworkActivation::kTanh,
                                              RecurrentNetworkActivation::kRelu}},
      LayerNormalizationAttrs{.axes = UintList{}},
      PadAttrs{.beginningPadding = {}, .endingPadding = {5}, .value = MLNumber::Uint(1)},
      PadAttrs{.beginningPadding = {1},
               .endingPadding = {1},
               .mode = PaddingMode::kEdge,
               .value = MLNumber(2.5)},
      Pool2dAttrs{.dilations = UintList{2, 2}, .layout = InputOperandLayout::kNhwc},
      ReduceAttrs{.axes = UintList{}, .keepDimensions = true},
      Resample2dAttrs{.scales = std::vector<float>{0.5f, std::numeric_limits<float>::max()}},
      SliceAttrs{.starts = {}, .sizes = {}, .strides = UintList{}},
      SplitAttrs{.splits = uint32_t{0}, .axis = 9},
      SplitAttrs{.splits = UintList{}, .axis = 0},
      TileAttrs{.repetitions = {1, 2, 3, 4, 5, 6, 7, 8}},
      TransposeAttrs{.permutation = UintList{}},
      TriangularAttrs{.upper = true, .diagonal = std::numeric_limits<int32_t>::min()},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_TRUE(AttrsRoundTrip(cases[i]) == cases[i])
        << "case " << i << " (" << AttrsMemberName(cases[i].index()) << ")";
  }
}

TEST(CapnpAttrs, MonostateCannotBeEncoded) {
  capnp::MallocMessageBuilder message;
  auto op = message.initRoot<wire::Operation>();
  Status status = EncodeAttrs(Attrs{}, op.getAttrs());
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kDataError);
}

// ---- Whole graphs ------------------------------------------------------------------------------

TEST(CapnpCodec, RoundTripEveryAttributeType) {
  const GraphInfo graph = EveryAttrsGraph();
  ASSERT_FALSE(graph.operations.empty());
  std::set<size_t> covered;
  size_t multi_output = 0;
  for (const Operation& op : graph.operations) {
    covered.insert(op.attrs.index());
    multi_output += op.outputs.size() > 1 ? 1 : 0;
  }
  EXPECT_EQ(covered.size(), std::variant_size_v<Attrs> - 1) << "an attribute type is missing";
  EXPECT_GE(multi_output, 5u);
  ExpectRoundTrip(graph);
}

TEST(CapnpCodec, EncodingIsDeterministic) {
  const GraphInfo graph = EveryAttrsGraph();
  auto a = EncodeGraph(graph);
  auto b = EncodeGraph(graph);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  auto decoded = DecodeGraph(*a);
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  auto c = EncodeGraph(*decoded);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*a, *c);
}

TEST(CapnpCodec, LargeConstantsAreReferencedWhenEncodingAndSharedWhenDecoding) {
  const GraphInfo graph = GraphWithLargeConstants();
  auto bytes = EncodeGraph(graph);
  ASSERT_TRUE(bytes.ok()) << bytes.error().ToString();

  // Zero-copy: the constants point into the caller's (aligned) buffer and keep it alive.
  auto owner = std::make_shared<std::vector<std::byte>>(*bytes);
  ASSERT_EQ(reinterpret_cast<uintptr_t>(owner->data()) % 8, 0u);
  const std::byte* begin = owner->data();
  const std::byte* end = begin + owner->size();
  auto shared = DecodeGraphShared(owner, *owner);
  ASSERT_TRUE(shared.ok()) << shared.error().ToString();
  EXPECT_TRUE(*shared == graph);
  for (const auto& [id, buffer] : shared->constants) {
    EXPECT_GE(buffer.data(), begin);
    EXPECT_LE(buffer.data() + buffer.size(), end);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer.data()) % 8, 0u) << "blobs are word-aligned";
  }
  const long uses = owner.use_count();
  EXPECT_GE(uses, 3) << "each constant shares the owner";
  GraphInfo kept = std::move(*shared);
  owner.reset();  // the graph still owns the bytes
  EXPECT_TRUE(kept == graph);

  // Copying variant: nothing points into the caller's bytes, which may go away.
  auto temp = std::make_unique<std::vector<std::byte>>(*bytes);
  auto copied = DecodeGraph(*temp);
  ASSERT_TRUE(copied.ok()) << copied.error().ToString();
  for (const auto& [id, buffer] : copied->constants) {
    EXPECT_TRUE(buffer.data() < temp->data() || buffer.data() >= temp->data() + temp->size());
  }
  temp.reset();
  EXPECT_TRUE(*copied == graph);
}

TEST(CapnpCodec, UnalignedInputIsCopied) {
  const GraphInfo graph = SmallGraph();
  auto bytes = EncodeGraph(graph);
  ASSERT_TRUE(bytes.ok());
  auto storage = std::make_shared<std::vector<std::byte>>(bytes->size() + 1);
  std::memcpy(storage->data() + 1, bytes->data(), bytes->size());
  std::span<const std::byte> unaligned(storage->data() + 1, bytes->size());
  auto shared = DecodeGraphShared(storage, unaligned);
  ASSERT_TRUE(shared.ok()) << shared.error().ToString();
  EXPECT_TRUE(*shared == graph);
  auto copied = DecodeGraph(unaligned);
  ASSERT_TRUE(copied.ok()) << copied.error().ToString();
  EXPECT_TRUE(*copied == graph);
}

TEST(CapnpCodec, SaveAndLoadFile) {
  for (const GraphInfo& graph : {EveryAttrsGraph(), GraphWithLargeConstants()}) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("webnn_codec_test_" + std::to_string(::getpid()) + ".webnn");
    Status saved = SaveGraphCapnp(graph, path);
    ASSERT_TRUE(saved.ok()) << saved.error().ToString();
    // The file is exactly the message EncodeGraph produces.
    std::ifstream in(path, std::ios::binary);
    std::vector<char> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto encoded = EncodeGraph(graph);
    ASSERT_TRUE(encoded.ok());
    ASSERT_EQ(file.size(), encoded->size());
    EXPECT_EQ(std::memcmp(file.data(), encoded->data(), file.size()), 0);

    auto loaded = LoadGraphCapnp(path);
    std::filesystem::remove(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
    EXPECT_TRUE(*loaded == graph) << FirstDifference(graph, *loaded);
    auto missing = LoadGraphCapnp(path);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code(), ErrorCode::kUnknownError);
  }
}

TEST(CapnpCodec, SharedMemoryConstantsNeedAResolver) {
  const GraphInfo graph = SmallGraph();
  ASSERT_FALSE(graph.constants.empty());
  const ByteBuffer expected = graph.constants.begin()->second;
  auto bytes = EncodeMutated(graph, [&](wire::File::Builder file) {
    auto shm = file.getGraph().getConstants()[0].getData().initSharedMemory();
    shm.setRegion(2);
    shm.setOffset(128);
    shm.setLength(expected.size());
  });
  ExpectDataError(DecodeGraph(bytes), "only accepted by the service");

  DecodeOptions options;
  int calls = 0;
  options.shared_memory = [&](uint32_t region, uint64_t offset,
                              uint64_t length) -> Result<ByteBuffer> {
    ++calls;
    EXPECT_EQ(region, 2u);
    EXPECT_EQ(offset, 128u);
    EXPECT_EQ(length, expected.size());
    return ByteBuffer::Copy(expected.span());
  };
  auto decoded = DecodeGraph(bytes, options);
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(*decoded == graph);

  options.shared_memory = [](uint32_t, uint64_t, uint64_t) -> Result<ByteBuffer> {
    return MakeError(ErrorCode::kDataError, "region 2 is too small");
  };
  ExpectDataError(DecodeGraph(bytes, options), "region 2 is too small");
}

// ---- Malformed input ---------------------------------------------------------------------------

TEST(CapnpMalformed, EmptyAndOddSizes) {
  ExpectDataError(DecodeGraph({}), "empty");
  std::vector<std::byte> seven(7);
  ExpectDataError(DecodeGraph(seven), "8-byte words");
  DecodeOptions options;
  options.max_message_bytes = 64;
  std::vector<std::byte> big(72);
  ExpectDataError(DecodeGraph(big, options), "exceeds the limit");
}

TEST(CapnpMalformed, TruncatedAtEveryLength) {
  auto bytes = EncodeGraph(SmallGraph());
  ASSERT_TRUE(bytes.ok());
  for (size_t n = 0; n < bytes->size(); ++n) {
    auto result = DecodeGraph(std::span(bytes->data(), n));
    ASSERT_FALSE(result.ok()) << "truncated to " << n << " bytes";
    EXPECT_EQ(result.error().code(), ErrorCode::kDataError) << result.error().ToString();
  }
}

TEST(CapnpMalformed, TrailingBytes) {
  auto bytes = EncodeGraph(SmallGraph());
  ASSERT_TRUE(bytes.ok());
  bytes->resize(bytes->size() + 8);
  ExpectDataError(DecodeGraph(*bytes), "after the end of the message");
}

TEST(CapnpMalformed, RandomBytes) {
  std::mt19937 rng(1234);
  for (int i = 0; i < 2000; ++i) {
    const size_t words = rng() % 64;
    std::vector<std::byte> bytes(words * 8 + (i % 3 == 0 ? rng() % 8 : 0));
    for (auto& b : bytes) b = static_cast<std::byte>(rng());
    // Half of them get a plausible single-segment header, to get past the segment table.
    if (i % 2 == 0 && bytes.size() >= 8) {
      const uint32_t header[2] = {0, static_cast<uint32_t>(words - 1)};
      std::memcpy(bytes.data(), header, sizeof(header));
    }
    auto result = DecodeGraph(bytes);
    EXPECT_FALSE(result.ok()) << "random message " << i << " decoded";
  }
}

// Every byte of a valid message flipped in turn: each decode is a graph that passed validation
// or a clean error, never a crash (run this under ASan/UBSan too).
TEST(CapnpMalformed, EveryByteFlipped) {
  const GraphInfo graph = SmallGraph();
  auto bytes = EncodeGraph(graph);
  ASSERT_TRUE(bytes.ok());
  size_t accepted = 0;
  for (size_t pos = 0; pos < bytes->size(); ++pos) {
    for (uint8_t mask : {uint8_t{0xFF}, uint8_t{0x01}, uint8_t{0x80}, uint8_t{0x10}}) {
      std::vector<std::byte> flipped = *bytes;
      flipped[pos] ^= static_cast<std::byte>(mask);
      auto result = DecodeGraph(flipped);
      if (result.ok()) {
        ++accepted;
        // Whatever was accepted is a valid graph that encodes again.
        EXPECT_TRUE(ValidateGraph(*result, {}).ok());
        EXPECT_TRUE(EncodeGraph(*result).ok());
      } else {
        EXPECT_FALSE(result.error().message().empty());
      }
    }
  }
  // Flips inside constant bytes and names keep the graph valid: some must be accepted.
  EXPECT_GT(accepted, 0u);
}

// The same on the graph with every attribute type (enums, unions, optional lists everywhere).
TEST(CapnpMalformed, EveryByteFlippedInEveryAttrsGraph) {
  auto bytes = EncodeGraph(EveryAttrsGraph());
  ASSERT_TRUE(bytes.ok());
  // Every 7th byte (a whole pass takes seconds), with a mask that changes along the way.
  const uint8_t masks[] = {0x01, 0x80, 0xFF, 0x10, 0x03};
  size_t accepted = 0;
  for (size_t pos = 0; pos < bytes->size(); pos += 7) {
    std::vector<std::byte> flipped = *bytes;
    flipped[pos] ^= static_cast<std::byte>(masks[(pos / 7) % std::size(masks)]);
    auto result = DecodeGraph(flipped);
    if (result.ok()) {
      ++accepted;
      EXPECT_TRUE(ValidateGraph(*result, {}).ok());
    }
  }
  EXPECT_GT(accepted, 0u);
}

TEST(CapnpMalformed, BadMagicAndVersion) {
  const GraphInfo graph = SmallGraph();
  ExpectDataError(DecodeGraph(EncodeMutated(graph, [](wire::File::Builder f) { f.setMagic(1); })),
                  "not a WebNN graph message");
  ExpectDataError(
      DecodeGraph(EncodeMutated(graph, [](wire::File::Builder f) { f.setFormatVersion(2); })),
      "unsupported format version 2");
  ExpectDataError(DecodeGraph(EncodeMutated(graph, [](wire::File::Builder f) { f.disownGraph(); })),
                  "no graph");
}

TEST(CapnpMalformed, OperandIdOutOfRange) {
  GraphInfo graph = SmallGraph();
  graph.operations[0].inputs[0] = 999;
  ExpectDataError(RoundTrip(graph), "refers to operand 999");
  graph = SmallGraph();
  graph.outputs[0].operand = 12345;
  ExpectDataError(RoundTrip(graph), "outputs[0]");
  graph = SmallGraph();
  graph.inputs[0] = 77;
  ExpectDataError(RoundTrip(graph), "inputs[0]: operand 77");
  graph = SmallGraph();
  auto bytes = EncodeMutated(
      graph, [](wire::File::Builder f) { f.getGraph().getConstants()[0].setOperand(4000); });
  ExpectDataError(DecodeGraph(bytes), "operand id out of range");
  bytes = EncodeMutated(graph, [](wire::File::Builder f) {
    f.getGraph().getConstants()[0].setOperand(0);  // the input
  });
  ExpectDataError(DecodeGraph(bytes), "not a constant operand");
}

TEST(CapnpMalformed, WrongListSizes) {
  GraphInfo graph = SmallGraph();  // operations[1] is the relu
  graph.operations[1].inputs.push_back(graph.operations[1].inputs[0]);
  ExpectDataError(RoundTrip(graph), "expected 1 operand slots, got 2");
  graph = SmallGraph();
  // conv2d without its (optional) bias slot
  graph.operations[0].inputs.resize(graph.operations[0].inputs.size() - 1);
  ExpectDataError(RoundTrip(graph), "expected 3 operand slots, got 2");
  graph = SmallGraph();
  graph.operations[2].outputs.push_back(graph.operations[1].outputs[0]);
  ExpectDataError(RoundTrip(graph), "operations[2] (reshape)");
  graph = SmallGraph();
  graph.operands[0].desc.shape.assign(9, 1);
  ExpectDataError(RoundTrip(graph), "operands[0]: rank 9 exceeds the maximum rank 8");
  // An attribute list of the wrong length is the op validator's TypeError, located.
  graph = SmallGraph();
  std::get<Conv2dAttrs>(graph.operations[0].attrs).padding = UintList{1, 1, 1};
  auto result = RoundTrip(graph);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kTypeError) << result.error().ToString();
  EXPECT_NE(result.error().message().find("operations[0] (conv2d 'conv')"), std::string::npos)
      << result.error().ToString();
}

TEST(CapnpMalformed, ConstantOfTheWrongSize) {
  GraphInfo graph = SmallGraph();
  auto& [id, bytes] = *graph.constants.begin();
  bytes = ByteBuffer::Copy(bytes.span().subspan(1));
  ExpectDataError(RoundTrip(graph), "constant has");
}

TEST(CapnpMalformed, DuplicatedAndMissingConstants) {
  const GraphInfo graph = SmallGraph();
  ASSERT_EQ(graph.constants.size(), 2u);
  auto bytes = EncodeMutated(graph, [](wire::File::Builder f) {
    auto constants = f.getGraph().getConstants();
    constants[1].setOperand(constants[0].getOperand());
  });
  ExpectDataError(DecodeGraph(bytes), "has data twice");
  GraphInfo missing = graph;
  missing.constants.erase(missing.constants.begin());
  ExpectDataError(RoundTrip(missing), "constant without data");
}

TEST(CapnpMalformed, DeclaredOutputDiffersFromInference) {
  GraphInfo graph = SmallGraph();
  const OperandId out = graph.operations[0].outputs[0];
  graph.operands[out].desc.shape[3] += 1;
  ExpectDataError(RoundTrip(graph), "is declared as");
  graph = SmallGraph();
  graph.operands[out].desc.dataType = DataType::kFloat16;
  ExpectDataError(RoundTrip(graph), "is declared as");
}

TEST(CapnpMalformed, CycleAndOutOfOrderOperations) {
  TestGraph g;
  const OperandId x = g.Input("x", f32, {2, 2});
  const OperandId a = g.Op(OpKind::kRelu, {x}, NoAttrs{}).at(0);
  g.Op(OpKind::kSigmoid, {a}, NoAttrs{});
  GraphInfo graph = g.Build();
  ASSERT_EQ(graph.operations.size(), 2u);
  // A cycle: relu now reads sigmoid's result, which reads relu's.
  GraphInfo cycle = graph;
  cycle.operations[0].inputs[0] = cycle.operations[1].outputs[0];
  ExpectDataError(RoundTrip(cycle), "used before it is defined");
  // Out of order.
  GraphInfo swapped = graph;
  std::swap(swapped.operations[0], swapped.operations[1]);
  ExpectDataError(RoundTrip(swapped), "used before it is defined");
  // A result produced twice.
  GraphInfo twice = graph;
  twice.operations[1].outputs[0] = twice.operations[0].outputs[0];
  ExpectDataError(RoundTrip(twice), "produced twice");
}

TEST(CapnpMalformed, UnknownEnumValuesAndUnionMembers) {
  const GraphInfo graph = SmallGraph();  // operations[0] is the conv2d
  ExpectDataError(DecodeGraph(EncodeMutated(graph,
                                            [](wire::File::Builder f) {
                                              f.getGraph().getOperations()[0].setKind(
                                                  static_cast<wire::OpKind>(kOpCount));
                                            })),
                  "unknown operator kind 95");
  ExpectDataError(DecodeGraph(EncodeMutated(graph,
                                            [](wire::File::Builder f) {
                                              f.getGraph().getOperations()[0].setKind(
                                                  static_cast<wire::OpKind>(0xFFFF));
                                            })),
                  "unknown operator kind 65535");
  ExpectDataError(
      DecodeGraph(EncodeMutated(graph,
                                [](wire::File::Builder f) {
                                  f.getGraph().getOperands()[0].getDescriptor().setDataType(
                                      static_cast<wire::DataType>(10));
                                })),
      "unknown DataType value 10");
  ExpectDataError(DecodeGraph(EncodeMutated(graph,
                                            [](wire::File::Builder f) {
                                              f.getGraph().getOperands()[0].setKind(
                                                  static_cast<wire::OperandKind>(3));
                                            })),
                  "unknown operand kind 3");
  ExpectDataError(DecodeGraph(EncodeMutated(
                      graph,
                      [](wire::File::Builder f) {
                        f.getGraph().getOperations()[0].getAttrs().getConv2dAttrs().setInputLayout(
                            static_cast<wire::InputOperandLayout>(7));
                      })),
                  "inputLayout: unknown InputOperandLayout value 7");
  // The attrs member of another op type.
  ExpectDataError(
      DecodeGraph(EncodeMutated(
          graph,
          [](wire::File::Builder f) { f.getGraph().getOperations()[0].getAttrs().initNoAttrs(); })),
      "attrs is noAttrs, conv2d takes conv2dAttrs");
  // A null required list.
  TestGraph g;
  g.Op(OpKind::kReshape, {g.Input("x", f32, {2, 3})}, NewShapeAttrs{.newShape = {3, 2}});
  ExpectDataError(
      DecodeGraph(EncodeMutated(
          g.Build(),
          [](wire::File::Builder f) {
            f.getGraph().getOperations()[0].getAttrs().getNewShapeAttrs().disownNewShape();
          })),
      "newShape: required, but missing");
  // An Operation.attrs discriminant from the future: write it into the data section.
  const uint32_t offset =
      capnp::Schema::from<wire::Operation::Attrs>().getProto().getStruct().getDiscriminantOffset();
  ExpectDataError(
      DecodeGraph(EncodeMutated(
          graph,
          [&](wire::File::Builder f) {
            auto data = capnp::AnyStruct::Builder(f.getGraph().getOperations()[0]).getDataSection();
            const uint16_t future = 200;
            ASSERT_LE((offset + 1) * 2, data.size());
            std::memcpy(data.begin() + offset * 2, &future, 2);
          })),
      "unknown attributes type (union discriminant 200");
}

// Decodes `bytes` both ways (copying, and zero-copy from an aligned buffer) and expects the same
// outcome: both fail, or both succeed with graphs equal to each other and to themselves.
Result<GraphInfo> DecodeBothWays(const std::vector<std::byte>& bytes) {
  auto copied = DecodeGraph(bytes);
  const size_t words = (bytes.size() + 7) / 8;
  std::shared_ptr<uint64_t[]> aligned(new uint64_t[words + 1]);
  std::memcpy(aligned.get(), bytes.data(), bytes.size());
  auto shared = DecodeGraphShared(
      aligned, std::span(reinterpret_cast<const std::byte*>(aligned.get()), bytes.size()));
  EXPECT_EQ(copied.ok(), shared.ok());
  if (copied.ok() && shared.ok()) {
    EXPECT_TRUE(*copied == *copied) << "a decoded graph is not equal to itself";
    EXPECT_TRUE(*copied == *shared) << "first difference: " << FirstDifference(*copied, *shared);
  }
  return copied;
}

// Option values a WebIDL `double` cannot hold (NaN, the infinities) are rejected. The fuzzer
// found a linear with beta = NaN that decoded: the graph compared unequal to itself (NaN != NaN),
// so the zero-copy and copying decodes "differed" (tests/fuzz/corpus/capnp_decode/regress-*).
TEST(CapnpMalformed, NonFiniteDoubleOptions) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  TestGraph g;
  const OperandId x = g.Input("x", f32, {2, 2});
  g.Op(OpKind::kLinear, {x}, LinearAttrs{});
  g.Op(OpKind::kElu, {x}, EluAttrs{});
  g.Op(OpKind::kLeakyRelu, {x}, LeakyReluAttrs{});
  g.Op(OpKind::kHardSigmoid, {x}, HardSigmoidAttrs{});
  g.Op(OpKind::kGemm, {x, x, kNoOperand}, GemmAttrs{});
  const GraphInfo graph = g.Build();
  ASSERT_EQ(graph.operations.size(), 5u);
  auto valid = DecodeBothWays(EncodeMutated(graph, [](wire::File::Builder) {}));
  ASSERT_TRUE(valid.ok()) << valid.error().ToString();

  using Mutation = std::function<void(wire::Operation::Attrs::Builder, double)>;
  const std::vector<std::tuple<size_t, std::string, Mutation>> cases = {
      {0, "linear", [](auto a, double v) { a.getLinearAttrs().setBeta(v); }},
      {0, "linear", [](auto a, double v) { a.getLinearAttrs().setAlpha(v); }},
      {1, "elu", [](auto a, double v) { a.getEluAttrs().setAlpha(v); }},
      {2, "leakyRelu", [](auto a, double v) { a.getLeakyReluAttrs().setAlpha(v); }},
      {3, "hardSigmoid", [](auto a, double v) { a.getHardSigmoidAttrs().setAlpha(v); }},
      {3, "hardSigmoid", [](auto a, double v) { a.getHardSigmoidAttrs().setBeta(v); }},
      {4, "gemm", [](auto a, double v) { a.getGemmAttrs().setAlpha(v); }},
      {4, "gemm", [](auto a, double v) { a.getGemmAttrs().setBeta(v); }},
  };
  for (const auto& c : cases) {
    // Named variables, not a structured binding: clang 14 cannot capture bindings in a lambda.
    const size_t index = std::get<0>(c);
    const std::string& op = std::get<1>(c);
    const Mutation& mutate = std::get<2>(c);
    for (double bad : {nan, inf, -inf}) {
      SCOPED_TRACE(op + " " + std::to_string(bad));
      auto bytes = EncodeMutated(graph, [&](wire::File::Builder f) {
        mutate(f.getGraph().getOperations()[static_cast<capnp::uint>(index)].getAttrs(), bad);
      });
      // The op validator's TypeError, with the operation's location.
      auto decoded = DecodeBothWays(bytes);
      ASSERT_FALSE(decoded.ok()) << "decoded a non-finite " << op << " option";
      EXPECT_EQ(decoded.error().code(), ErrorCode::kTypeError) << decoded.error().ToString();
      for (const std::string& part :
           {"operations[" + std::to_string(index) + "] (" + op, std::string("finite number")}) {
        EXPECT_NE(decoded.error().message().find(part), std::string::npos)
            << "expected \"" << part << "\" in: " << decoded.error().ToString();
      }
    }
  }
}

// Every regression input of the decoder's fuzz corpus decodes the same way both ways.
TEST(CapnpMalformed, FuzzRegressionInputsDecodeTheSameBothWays) {
  const auto corpus =
      std::filesystem::path(WEBNN_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / "capnp_decode";
  size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    if (entry.path().filename().string().rfind("regress-", 0) != 0) continue;
    SCOPED_TRACE(entry.path().filename().string());
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> bytes(chars.size());
    std::memcpy(bytes.data(), chars.data(), chars.size());
    (void)DecodeBothWays(bytes);
    ++count;
  }
  EXPECT_GE(count, 1u) << "no regress-* input in " << corpus;
}

// A message whose constants all point at one 64 KiB blob: tiny to send, a thousand times its
// size to walk. The traversal limit stops it.
TEST(CapnpMalformed, TraversalLimitBomb) {
  GraphInfo graph;
  const OperandId x = graph.AddOperand({OperandKind::kInput, {f32, {2}}, "x"});
  graph.inputs.push_back(x);
  const OperandId y = graph.AddOperand({OperandKind::kOutput, {f32, {2}}, ""});
  graph.operations.push_back(Operation{OpKind::kRelu, {x}, {y}, NoAttrs{}, ""});
  graph.outputs.push_back({"y", y});
  constexpr size_t kBig = 65536;
  constexpr int kSmall = 1000;
  const OperandId big = graph.AddOperand({OperandKind::kConstant, {DataType::kUint8, {kBig}}, ""});
  graph.constants.emplace(big, Pattern(kBig));
  for (int i = 0; i < kSmall; ++i) {
    const OperandId c = graph.AddOperand({OperandKind::kConstant, {DataType::kUint8, {1}}, ""});
    graph.constants.emplace(c, Pattern(1));
  }
  // The honest message decodes.
  auto honest = RoundTrip(graph);
  ASSERT_TRUE(honest.ok()) << honest.error().ToString();

  auto bomb = EncodeMutated(
      graph,
      [&](wire::File::Builder f) {
        auto constants = f.getGraph().getConstants();
        const auto* target = constants[0].getData().getBytes().begin();
        ASSERT_EQ(constants[0].getData().getBytes().size(), kBig);
        for (capnp::uint i = 1; i < constants.size(); ++i) {
          // The Constant's only pointer (data.bytes) follows its data section.
          auto data = capnp::AnyStruct::Builder(constants[i]).getDataSection();
          auto* pointer = reinterpret_cast<uint64_t*>(data.end());
          const int64_t offset = (reinterpret_cast<const uint64_t*>(target) - (pointer + 1));
          const uint32_t lo = static_cast<uint32_t>(offset << 2) | 1u;  // a list
          const uint32_t hi = 2u | (static_cast<uint32_t>(kBig) << 3);  // of bytes
          *pointer = uint64_t{lo} | (uint64_t{hi} << 32);
        }
      },
      /*first_segment_words=*/1 << 16);
  // Walking it means reading 1000 x 64 KiB: hundreds of times the message.
  EXPECT_GT(kSmall * kBig, 100 * bomb.size());
  ExpectDataError(DecodeGraph(bomb), "traversal limit");

  // With the limit lifted, the reader walks it all and validation catches the sizes instead.
  DecodeOptions lifted;
  lifted.reader.traversalLimitInWords = uint64_t{1} << 40;
  ExpectDataError(DecodeGraph(bomb, lifted), "constant has 65536 bytes");
}

TEST(CapnpMalformed, NestingLimitApplies) {
  DecodeOptions options;
  options.reader.nestingLimit = 3;
  ExpectDataError(RoundTrip(SmallGraph(), options), "too deeply-nested");
}

TEST(CapnpMalformed, ErrorsFromValidationKeepTheirLocation) {
  // An attribute the op validator rejects: conv2d strides of 0.
  const GraphInfo graph = SmallGraph();
  auto bytes = EncodeMutated(graph, [](wire::File::Builder f) {
    auto strides = f.getGraph().getOperations()[0].getAttrs().getConv2dAttrs().initStrides(2);
    strides.set(0, 0);
    strides.set(1, 1);
  });
  auto result = DecodeGraph(bytes);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message().find("operations[0] (conv2d 'conv')"), std::string::npos)
      << result.error().ToString();
}

// ---- Real models
// ---------------------------------------------------------------------------------

const std::filesystem::path kModels = std::filesystem::path(WEBNN_SOURCE_DIR) / "models";

TEST(CapnpModels, LeNetRoundTrip) {
  auto graph = LoadGraphJson(kModels / "lenet" / "lenet.json");
  ASSERT_TRUE(graph.ok()) << graph.error().ToString();
  ExpectRoundTrip(*graph);
}

TEST(CapnpModels, MobileNetV2RoundTrip) {
  auto graph = LoadGraphJson(kModels / "mobilenetv2" / "mobilenetv2.json");
  ASSERT_TRUE(graph.ok()) << graph.error().ToString();
  ExpectRoundTrip(*graph);
}

}  // namespace
}  // namespace webnn
