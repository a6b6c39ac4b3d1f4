#include "format/capnp/codec.h"

#include <capnp/dynamic.h>
#include <capnp/message.h>
#include <capnp/orphan.h>
#include <capnp/schema.h>
#include <capnp/serialize.h>
#include <fcntl.h>
#include <kj/exception.h>
#include <kj/io.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "format/capnp/wire_codec.h"
#include "ir/validate_graph.h"

namespace webnn {
namespace {

using capnp::DynamicStruct;
using Field = capnp::StructSchema::Field;

// A Cap'n Proto list holds fewer than 2^29 elements (and a Data blob fewer than 2^29 bytes).
constexpr size_t kMaxListElements = (size_t{1} << 29) - 1;
// Constants at least this large are referenced, not copied, when the encoder owns the message.
constexpr size_t kReferenceConstantsFromBytes = 4096;

template <typename... Args>
Error DataError(const Args&... args) {
  return MakeError(ErrorCode::kDataError, args...);
}

Error FromKjException(const kj::Exception& e, std::string_view what) {
  return DataError(what, ": ", e.getDescription().cStr());
}

std::string LowerFirst(std::string_view s) {
  std::string r(s);
  if (!r.empty()) r[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(r[0])));
  return r;
}

capnp::uint ListSize(size_t n, const char* what) {
  KJ_REQUIRE(n <= kMaxListElements, "list too long for the format", what, n);
  return static_cast<capnp::uint>(n);
}

// "operands[3]". (Built by appending: GCC 12 at -O3 reports a false -Wrestrict for
// "[" + std::to_string(i) + "]".)
std::string Indexed(std::string_view name, size_t i) {
  std::string s(name);
  s += '[';
  s += std::to_string(i);
  s += ']';
  return s;
}

capnp::Text::Reader AsText(const std::string& s) { return {s.c_str(), s.size()}; }
std::string ToString(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

// ---- Attribute fields <-> schema fields, generically -----------------------------------------
// Each attribute struct is mapped field by field through its VisitFields: the schema field of
// the same name is read and written with the dynamic API, the C++ field's type picking the
// conversion below. Encoders throw kj::Exception on a schema/code mismatch (a bug, caught by
// the callers and by codec_test.cc); decoders return DataErrors for bad values.

// Enums carried as schema enums: the attribute enums and DataType. The C++ enumerator values
// are 0..N-1 and equal the schema ordinals (codec_test.cc checks the names).
template <typename E>
struct EnumInfo;
template <SpecEnum E>
struct EnumInfo<E> {
  static constexpr size_t kCount = EnumTraits<E>::kNames.size();
  static constexpr std::string_view kName = EnumTraits<E>::kTypeName;
};
template <>
struct EnumInfo<DataType> {
  static constexpr size_t kCount = kDataTypeCount;
  static constexpr std::string_view kName = "DataType";
};
template <typename E>
concept WireEnum = requires {
  EnumInfo<E>::kCount;
};

template <WireEnum E>
Result<E> CheckedEnum(uint16_t raw) {
  if (raw >= EnumInfo<E>::kCount) {
    return DataError("unknown ", EnumInfo<E>::kName, " value ", raw, " (this reader knows ",
                     EnumInfo<E>::kCount, "; written by a newer version?)");
  }
  return static_cast<E>(raw);
}

template <typename T>
concept Scalar = std::is_arithmetic_v<T>;

// Scalars: Bool, UInt32, Int32, Float64.
template <Scalar T>
void EncodeField(DynamicStruct::Builder s, Field f, const T& v) {
  s.set(f, v);
}
template <Scalar T>
Status DecodeField(DynamicStruct::Reader s, Field f, T& v) {
  v = s.get(f).as<T>();
  return {};
}

template <WireEnum E>
void EncodeField(DynamicStruct::Builder s, Field f, const E& v) {
  s.set(f, capnp::DynamicEnum(f.getType().asEnum(), static_cast<uint16_t>(v)));
}
template <WireEnum E>
Status DecodeField(DynamicStruct::Reader s, Field f, E& v) {
  WEBNN_ASSIGN_OR_RETURN(v, CheckedEnum<E>(s.get(f).as<capnp::DynamicEnum>().getRaw()));
  return {};
}

// List(UInt32), List(Float32).
template <Scalar T>
void EncodeField(DynamicStruct::Builder s, Field f, const std::vector<T>& v) {
  auto list = s.init(f, ListSize(v.size(), "attribute list")).template as<capnp::List<T>>();
  for (capnp::uint i = 0; i < list.size(); ++i) list.set(i, v[i]);
}
template <Scalar T>
Status DecodeField(DynamicStruct::Reader s, Field f, std::vector<T>& v) {
  auto list = s.get(f).as<capnp::List<T>>();
  v.clear();
  v.reserve(list.size());
  for (T x : list) v.push_back(x);
  return {};
}

// List(an enum), e.g. recurrent activations.
template <WireEnum E>
void EncodeField(DynamicStruct::Builder s, Field f, const std::vector<E>& v) {
  auto list = s.init(f, ListSize(v.size(), "attribute list")).template as<capnp::DynamicList>();
  const capnp::EnumSchema schema = list.getSchema().getEnumElementType();
  for (capnp::uint i = 0; i < list.size(); ++i) {
    list.set(i, capnp::DynamicEnum(schema, static_cast<uint16_t>(v[i])));
  }
}
template <WireEnum E>
Status DecodeField(DynamicStruct::Reader s, Field f, std::vector<E>& v) {
  auto list = s.get(f).as<capnp::DynamicList>();
  v.clear();
  v.reserve(list.size());
  for (capnp::uint i = 0; i < list.size(); ++i) {
    auto e = CheckedEnum<E>(list[i].as<capnp::DynamicEnum>().getRaw());
    if (!e.ok()) return std::move(e.error().Prefix(Indexed("", i)));
    v.push_back(*e);
  }
  return {};
}

void EncodeField(DynamicStruct::Builder s, Field f, const MLNumber& v) {
  auto n = s.init(f).as<wire::MLNumber>();
  switch (v.kind) {
    case MLNumber::Kind::kDouble:
      n.setFloat64(v.d);
      return;
    case MLNumber::Kind::kInt64:
      n.setInt64(v.i);
      return;
    case MLNumber::Kind::kUint64:
      n.setUint64(v.u);
      return;
  }
  KJ_FAIL_REQUIRE("MLNumber with an invalid kind", static_cast<int>(v.kind));
}
Status DecodeField(DynamicStruct::Reader s, Field f, MLNumber& v) {
  auto n = s.get(f).as<wire::MLNumber>();
  switch (n.which()) {
    case wire::MLNumber::FLOAT64:
      v = MLNumber(n.getFloat64());
      return {};
    case wire::MLNumber::INT64:
      v = MLNumber::Int(n.getInt64());
      return {};
    case wire::MLNumber::UINT64:
      v = MLNumber::Uint(n.getUint64());
      return {};
  }
  return DataError("unknown MLNumber kind ", static_cast<uint16_t>(n.which()),
                   " (written by a newer version?)");
}

// std::variant (SplitSpec): the schema field is a group holding a union whose member with
// discriminant i is the variant's alternative i.
Field UnionMember(capnp::StructSchema group, size_t discriminant) {
  for (Field m : group.getUnionFields()) {
    if (m.getProto().getDiscriminantValue() == discriminant) return m;
  }
  KJ_FAIL_REQUIRE("union has no member for the variant alternative", discriminant);
}
template <typename... Ts>
void EncodeField(DynamicStruct::Builder s, Field f, const std::variant<Ts...>& v) {
  auto group = s.get(f).as<DynamicStruct>();
  const Field member = UnionMember(group.getSchema(), v.index());
  std::visit([&](const auto& alt) { EncodeField(group, member, alt); }, v);
}
template <size_t I = 0, typename V>
Status DecodeAlternative(DynamicStruct::Reader group, Field member, size_t index, V& v) {
  if constexpr (I < std::variant_size_v<V>) {
    if (index != I) return DecodeAlternative<I + 1>(group, member, index, v);
    std::variant_alternative_t<I, V> alt{};
    WEBNN_RETURN_IF_ERROR(DecodeField(group, member, alt));
    v = std::move(alt);
    return {};
  } else {
    return DataError("union member ", index, " has no meaning here");
  }
}
template <typename... Ts>
Status DecodeField(DynamicStruct::Reader s, Field f, std::variant<Ts...>& v) {
  auto group = s.get(f).as<DynamicStruct>();
  KJ_IF_MAYBE (member, group.which()) {
    return DecodeAlternative(group, *member, member->getProto().getDiscriminantValue(), v);
  }
  return DataError("unknown union member (written by a newer version?)");
}

// std::optional: the schema field is a pointer (a list or MLNumber), absent when null.
template <typename T>
constexpr bool kIsPointerValue = std::is_same_v<T, MLNumber>;
template <typename T>
constexpr bool kIsPointerValue<std::vector<T>> = true;

template <typename T>
void EncodeField(DynamicStruct::Builder s, Field f, const std::optional<T>& v) {
  static_assert(kIsPointerValue<T>, "an optional scalar needs a union with Void in the schema");
  if (v) EncodeField(s, f, *v);
}
template <typename T>
Status DecodeField(DynamicStruct::Reader s, Field f, std::optional<T>& v) {
  static_assert(kIsPointerValue<T>, "an optional scalar needs a union with Void in the schema");
  if (!s.has(f)) {
    v.reset();
    return {};
  }
  T value{};
  WEBNN_RETURN_IF_ERROR(DecodeField(s, f, value));
  v = std::move(value);
  return {};
}

bool IsPointerField(Field f) {
  if (!f.getProto().isSlot()) return false;
  const capnp::Type t = f.getType();
  return t.isList() || t.isStruct() || t.isText() || t.isData() || t.isAnyPointer();
}

Field FieldByName(capnp::StructSchema schema, std::string_view name) {
  // `name` is a VisitFields name: a string literal, so NUL-terminated.
  KJ_IF_MAYBE (f, schema.findFieldByName(kj::StringPtr(name.data(), name.size()))) {
    return *f;
  }
  KJ_FAIL_REQUIRE("the schema struct has no field for this attribute", schema.getShortDisplayName(),
                  name.data());
}

template <typename A>
void EncodeStruct(const A& a, DynamicStruct::Builder s) {
  const capnp::StructSchema schema = s.getSchema();
  A::VisitFields(a, [&](std::string_view name, const auto& value, FieldKind) {
    EncodeField(s, FieldByName(schema, name), value);
  });
}

// The schema fields of attribute struct A in VisitFields order, looked up by name once (the
// first time A is decoded) instead of once per field per operation. `schema` is always
// capnp::Schema::from<wire::A>(), so one table per A serves every message.
struct CachedField {
  Field field;
  bool required_pointer;  // FieldKind::kRequired and a pointer field: must be present
};
template <typename A>
const std::vector<CachedField>& DecodeFieldTable(capnp::StructSchema schema) {
  static const std::vector<CachedField> table = [schema] {
    std::vector<CachedField> fields;
    const A a{};
    A::VisitFields(a, [&](std::string_view name, const auto&, FieldKind kind) {
      const Field f = FieldByName(schema, name);
      fields.push_back(CachedField{f, kind == FieldKind::kRequired && IsPointerField(f)});
    });
    return fields;
  }();
  return table;
}

template <typename A>
Status DecodeStruct(DynamicStruct::Reader s, A& a) {
  const std::vector<CachedField>& fields = DecodeFieldTable<A>(s.getSchema());
  Status status;
  size_t i = 0;
  A::VisitFields(a, [&](std::string_view name, auto& value, FieldKind) {
    if (!status.ok()) return;
    const CachedField& cached = fields[i++];
    if (cached.required_pointer && !s.has(cached.field)) {
      status = DataError(name, ": required, but missing");
      return;
    }
    status = DecodeField(s, cached.field, value);
    if (!status.ok()) status.error().Prefix(name);
  });
  return status;
}

// ---- Graph -----------------------------------------------------------------------------------

wire::OperandKind ToWire(OperandKind k) {
  switch (k) {
    case OperandKind::kInput:
      return wire::OperandKind::INPUT;
    case OperandKind::kConstant:
      return wire::OperandKind::CONSTANT;
    case OperandKind::kOutput:
      return wire::OperandKind::OUTPUT;
  }
  KJ_FAIL_REQUIRE("invalid OperandKind", static_cast<int>(k));
}

Result<OperandKind> FromWire(wire::OperandKind k) {
  switch (k) {
    case wire::OperandKind::INPUT:
      return OperandKind::kInput;
    case wire::OperandKind::CONSTANT:
      return OperandKind::kConstant;
    case wire::OperandKind::OUTPUT:
      return OperandKind::kOutput;
  }
  return DataError("unknown operand kind ", static_cast<uint16_t>(k),
                   " (written by a newer version?)");
}

void EncodeIds(capnp::List<uint32_t>::Builder list, const std::vector<OperandId>& ids) {
  for (capnp::uint i = 0; i < list.size(); ++i) list.set(i, ids[i]);
}

std::vector<uint32_t> DecodeIds(capnp::List<uint32_t>::Reader list) {
  std::vector<uint32_t> ids;
  ids.reserve(list.size());
  for (uint32_t id : list) ids.push_back(id);
  return ids;
}

std::string OperationWhere(size_t index, OpKind kind, const std::string& label) {
  std::string s = Indexed("operations", index) + " (" + std::string(OpName(kind));
  if (!label.empty()) s += " '" + label + "'";
  return s + ")";
}

Result<Operation> DecodeOperation(wire::Operation::Reader in, size_t index) {
  Operation op;
  const uint16_t kind = static_cast<uint16_t>(in.getKind());
  if (kind >= kOpCount) {
    return DataError("operations[", index, "]: unknown operator kind ", kind,
                     " (this reader knows ", kOpCount, " operators; written by a newer version?)");
  }
  op.kind = static_cast<OpKind>(kind);
  op.label = ToString(in.getLabel());
  // The location is built only for an error: most operations never need it.
  const auto where = [&] { return OperationWhere(index, op.kind, op.label); };
  op.inputs = DecodeIds(in.getInputs());
  op.outputs = DecodeIds(in.getOutputs());
  auto attrs = DecodeAttrs(in.getAttrs());
  if (!attrs.ok()) return std::move(attrs.error().Prefix(where() + ": attrs"));
  op.attrs = std::move(*attrs);
  const size_t expected = GetOpInfo(op.kind).attrs_index;
  if (op.attrs.index() != expected) {
    return DataError(where(), ": attrs is ", AttrsMemberName(op.attrs.index()), ", ",
                     OpName(op.kind), " takes ", AttrsMemberName(expected));
  }
  return op;
}

Result<GraphInfo> DecodeGraphFields(wire::GraphInfo::Reader in,
                                    const std::shared_ptr<const void>& owner,
                                    const DecodeOptions& options) {
  // Each list is fetched once: every fetch counts against the traversal limit.
  GraphInfo graph;
  graph.name = ToString(in.getName());

  const auto operands = in.getOperands();
  graph.operands.reserve(operands.size());
  for (capnp::uint i = 0; i < operands.size(); ++i) {
    const auto o = operands[i];
    Operand operand;
    auto kind = FromWire(o.getKind());
    if (!kind.ok()) return std::move(kind.error().Prefix(Indexed("operands", i)));
    operand.kind = *kind;
    const auto desc = o.getDescriptor();
    auto type = CheckedEnum<DataType>(static_cast<uint16_t>(desc.getDataType()));
    if (!type.ok()) return std::move(type.error().Prefix(Indexed("operands", i)));
    operand.desc.dataType = *type;
    const auto shape = desc.getShape();
    if (shape.size() > options.limits.max_rank) {
      return DataError("operands[", i, "]: rank ", shape.size(), " exceeds the maximum rank ",
                       options.limits.max_rank);
    }
    operand.desc.shape = DecodeIds(shape);
    operand.name = ToString(o.getName());
    graph.operands.push_back(std::move(operand));
  }

  graph.inputs = DecodeIds(in.getInputs());

  const auto outputs = in.getOutputs();
  graph.outputs.reserve(outputs.size());
  for (const auto out : outputs) {
    graph.outputs.push_back(GraphOutput{ToString(out.getName()), out.getOperand()});
  }

  const auto operations = in.getOperations();
  graph.operations.reserve(operations.size());
  for (capnp::uint i = 0; i < operations.size(); ++i) {
    WEBNN_ASSIGN_OR_RETURN(Operation op, DecodeOperation(operations[i], i));
    graph.operations.push_back(std::move(op));
  }

  const auto constants = in.getConstants();
  for (capnp::uint i = 0; i < constants.size(); ++i) {
    const auto c = constants[i];
    const uint32_t id = c.getOperand();
    // The location is built only for an error.
    const auto where = [&] {
      return Indexed("constants", i) + " (operand " + std::to_string(id) + ")";
    };
    if (id >= graph.operands.size()) {
      return DataError(where(), ": operand id out of range (the graph has ", graph.operands.size(),
                       " operands)");
    }
    if (graph.operands[id].kind != OperandKind::kConstant) {
      return DataError(where(), ": not a constant operand");
    }
    ByteBuffer bytes;
    const auto data = c.getData();
    switch (data.which()) {
      case wire::Constant::Data::BYTES: {
        const capnp::Data::Reader blob = data.getBytes();
        bytes = ByteBuffer(owner, reinterpret_cast<const std::byte*>(blob.begin()), blob.size());
        break;
      }
      case wire::Constant::Data::SHARED_MEMORY: {
        if (!options.shared_memory) {
          return DataError(where(),
                           ": shared-memory constants are only accepted by the service (no "
                           "resolver given)");
        }
        const auto shm = data.getSharedMemory();
        auto resolved = options.shared_memory(shm.getRegion(), shm.getOffset(), shm.getLength());
        if (!resolved.ok()) return std::move(resolved.error().Prefix(where()));
        bytes = std::move(*resolved);
        break;
      }
      default:
        return DataError(where(), ": unknown constant data kind ",
                         static_cast<uint16_t>(data.which()), " (written by a newer version?)");
    }
    if (!graph.constants.emplace(id, std::move(bytes)).second) {
      return DataError(where(), ": the operand has data twice");
    }
  }
  return graph;
}

size_t EstimateFirstSegmentWords(const GraphInfo& graph, const EncodeOptions& options) {
  size_t words = 64 + graph.operands.size() * 8 + graph.operations.size() * 24;
  for (const auto& [id, bytes] : graph.constants) {
    if (options.reference_constants_from_bytes == 0 ||
        bytes.size() < options.reference_constants_from_bytes) {
      words += 2 + (bytes.size() + 7) / 8;
    }
  }
  return std::min<size_t>(words, size_t{1} << 26);
}

Status BuildFileMessage(const GraphInfo& graph, capnp::MessageBuilder& message,
                        const EncodeOptions& options) {
  try {
    auto file = message.initRoot<wire::File>();
    file.setMagic(wire::FILE_MAGIC);
    file.setFormatVersion(wire::CURRENT_FORMAT_VERSION);
    return EncodeGraphInto(graph, file.initGraph(), options);
  } catch (const kj::Exception& e) {
    return FromKjException(e, "cannot encode the graph");
  }
}

Result<GraphInfo> DecodeWords(kj::ArrayPtr<const capnp::word> words,
                              const std::shared_ptr<const void>& owner,
                              const DecodeOptions& options) {
  capnp::ReaderOptions reader_options = options.reader;
  if (reader_options.traversalLimitInWords == 0) {
    reader_options.traversalLimitInWords = TraversalLimitWords(words.size() * sizeof(capnp::word));
  }
  try {
    capnp::FlatArrayMessageReader reader(words, reader_options);
    if (reader.getEnd() != words.end()) {
      return DataError("malformed message: ", (words.end() - reader.getEnd()) * sizeof(capnp::word),
                       " bytes after the end of the message");
    }
    const auto file = reader.getRoot<wire::File>();
    if (file.getMagic() != wire::FILE_MAGIC) {
      return DataError("not a WebNN graph message (magic 0x", std::hex, file.getMagic(),
                       ", expected 0x", wire::FILE_MAGIC, ")");
    }
    if (file.getFormatVersion() != wire::CURRENT_FORMAT_VERSION) {
      return DataError("unsupported format version ", file.getFormatVersion(),
                       " (this reader reads version ", wire::CURRENT_FORMAT_VERSION, ")");
    }
    if (!file.hasGraph()) return DataError("the message has no graph");
    return DecodeGraphFrom(file.getGraph(), owner, options);
  } catch (const kj::Exception& e) {
    return FromKjException(e, "malformed message");
  }
}

Status CheckMessageSize(size_t size, const DecodeOptions& options) {
  if (size == 0) return DataError("empty message");
  if (size > options.max_message_bytes) {
    return DataError("message of ", size, " bytes exceeds the limit of ", options.max_message_bytes,
                     " bytes");
  }
  if (size % sizeof(capnp::word) != 0) {
    return DataError("message of ", size,
                     " bytes is not a whole number of 8-byte words (truncated?)");
  }
  return {};
}

}  // namespace

uint64_t TraversalLimitWords(size_t message_bytes) {
  const uint64_t words = message_bytes / sizeof(capnp::word);
  return std::min<uint64_t>(kMaxTraversalWords, 2 * words + 1024);
}

std::string AttrsMemberName(size_t index) {
  static constexpr std::string_view kNames[] = {"(none)",
#define WEBNN_ATTRS_NAME(T) #T,
                                                WEBNN_ATTRS_TYPES(WEBNN_ATTRS_NAME)
#undef WEBNN_ATTRS_NAME
  };
  static_assert(std::size(kNames) == std::variant_size_v<Attrs>);
  if (index == 0 || index >= std::size(kNames)) return std::string(kNames[0]);
  return LowerFirst(kNames[index]);
}

Status EncodeAttrs(const Attrs& attrs, wire::Operation::Attrs::Builder out) {
  try {
#define WEBNN_ENCODE_ATTRS(T)                          \
  if (const T* a = std::get_if<T>(&attrs)) {           \
    EncodeStruct(*a, capnp::toDynamic(out.init##T())); \
    return {};                                         \
  }
    WEBNN_ATTRS_TYPES(WEBNN_ENCODE_ATTRS)
#undef WEBNN_ENCODE_ATTRS
    return DataError("an operation without attributes (std::monostate) cannot be encoded");
  } catch (const kj::Exception& e) {
    return FromKjException(e, "cannot encode attributes");
  }
}

Result<Attrs> DecodeAttrs(wire::Operation::Attrs::Reader in) {
  try {
#define WEBNN_DECODE_ATTRS(T)                                                  \
  if (in.is##T()) {                                                            \
    T a;                                                                       \
    Status status = DecodeStruct(capnp::toDynamic(in.get##T()), a);            \
    if (!status.ok()) return std::move(status.error().Prefix(LowerFirst(#T))); \
    return Attrs(std::move(a));                                                \
  }
    WEBNN_ATTRS_TYPES(WEBNN_DECODE_ATTRS)
#undef WEBNN_DECODE_ATTRS
    return DataError("unknown attributes type (union discriminant ",
                     static_cast<uint16_t>(in.which()), "; written by a newer version?)");
  } catch (const kj::Exception& e) {
    return FromKjException(e, "malformed attributes");
  }
}

Status EncodeGraphInto(const GraphInfo& graph, wire::GraphInfo::Builder out,
                       const EncodeOptions& options) {
  try {
    if (!graph.name.empty()) out.setName(AsText(graph.name));

    auto operands = out.initOperands(ListSize(graph.operands.size(), "operands"));
    for (capnp::uint i = 0; i < operands.size(); ++i) {
      const Operand& operand = graph.operands[i];
      auto o = operands[i];
      o.setKind(ToWire(operand.kind));
      auto desc = o.initDescriptor();
      desc.setDataType(static_cast<wire::DataType>(operand.desc.dataType));
      EncodeIds(desc.initShape(ListSize(operand.desc.shape.size(), "shape")), operand.desc.shape);
      if (!operand.name.empty()) o.setName(AsText(operand.name));
    }

    EncodeIds(out.initInputs(ListSize(graph.inputs.size(), "inputs")), graph.inputs);

    auto outputs = out.initOutputs(ListSize(graph.outputs.size(), "outputs"));
    for (capnp::uint i = 0; i < outputs.size(); ++i) {
      outputs[i].setName(AsText(graph.outputs[i].name));
      outputs[i].setOperand(graph.outputs[i].operand);
    }

    auto operations = out.initOperations(ListSize(graph.operations.size(), "operations"));
    for (capnp::uint i = 0; i < operations.size(); ++i) {
      const Operation& op = graph.operations[i];
      auto o = operations[i];
      o.setKind(static_cast<wire::OpKind>(op.kind));
      EncodeIds(o.initInputs(ListSize(op.inputs.size(), "operation inputs")), op.inputs);
      EncodeIds(o.initOutputs(ListSize(op.outputs.size(), "operation outputs")), op.outputs);
      if (!op.label.empty()) o.setLabel(AsText(op.label));
      Status status = EncodeAttrs(op.attrs, o.getAttrs());
      if (!status.ok()) {
        return std::move(status.error().Prefix(Indexed("operations", i)));
      }
    }

    auto constants = out.initConstants(ListSize(graph.constants.size(), "constants"));
    auto orphanage = capnp::Orphanage::getForMessageContaining(out);
    capnp::uint i = 0;
    for (const auto& [id, bytes] : graph.constants) {
      if (bytes.size() > kMaxListElements) {
        return DataError("constant operand ", id, " has ", bytes.size(),
                         " bytes; inline constants are limited to ", kMaxListElements,
                         " bytes (larger ones go through shared memory)");
      }
      auto c = constants[i++];
      c.setOperand(id);
      const auto* data = reinterpret_cast<const kj::byte*>(bytes.data());
      const bool reference = options.reference_constants_from_bytes != 0 &&
                             bytes.size() >= options.reference_constants_from_bytes &&
                             bytes.size() % sizeof(capnp::word) == 0 &&
                             reinterpret_cast<uintptr_t>(data) % sizeof(capnp::word) == 0;
      if (reference) {
        c.getData().adoptBytes(
            orphanage.referenceExternalData(capnp::Data::Reader(data, bytes.size())));
      } else {
        auto blob = c.getData().initBytes(static_cast<capnp::uint>(bytes.size()));
        if (bytes.size() != 0) std::memcpy(blob.begin(), data, bytes.size());
      }
    }
    return {};
  } catch (const kj::Exception& e) {
    return FromKjException(e, "cannot encode the graph");
  }
}

Result<GraphInfo> DecodeGraphFrom(wire::GraphInfo::Reader in, std::shared_ptr<const void> owner,
                                  const DecodeOptions& options) {
  try {
    WEBNN_ASSIGN_OR_RETURN(GraphInfo graph, DecodeGraphFields(in, owner, options));
    WEBNN_RETURN_IF_ERROR(ValidateGraph(graph, options.limits));
    return graph;
  } catch (const kj::Exception& e) {
    return FromKjException(e, "malformed message");
  }
}

Result<GraphInfo> DecodeGraphFromUnvalidated(wire::GraphInfo::Reader in,
                                             std::shared_ptr<const void> owner,
                                             const DecodeOptions& options) {
  try {
    return DecodeGraphFields(in, owner, options);
  } catch (const kj::Exception& e) {
    return FromKjException(e, "malformed message");
  }
}

Result<std::vector<std::byte>> EncodeGraph(const GraphInfo& graph) {
  EncodeOptions options;
  options.reference_constants_from_bytes = kReferenceConstantsFromBytes;
  capnp::MallocMessageBuilder message(
      static_cast<capnp::uint>(EstimateFirstSegmentWords(graph, options)));
  WEBNN_RETURN_IF_ERROR(BuildFileMessage(graph, message, options));
  try {
    const size_t words = capnp::computeSerializedSizeInWords(message);
    std::vector<std::byte> out(words * sizeof(capnp::word));
    kj::ArrayOutputStream stream(kj::arrayPtr(reinterpret_cast<kj::byte*>(out.data()), out.size()));
    capnp::writeMessage(stream, message);
    KJ_ASSERT(stream.getArray().size() == out.size());
    return out;
  } catch (const kj::Exception& e) {
    return FromKjException(e, "cannot encode the graph");
  }
}

Result<GraphInfo> DecodeGraph(std::span<const std::byte> bytes, const DecodeOptions& options) {
  WEBNN_RETURN_IF_ERROR(CheckMessageSize(bytes.size(), options));
  // One copy into aligned memory that the constants then share.
  const size_t n = bytes.size() / sizeof(capnp::word);
  std::shared_ptr<capnp::word[]> copy(new capnp::word[n]);
  std::memcpy(copy.get(), bytes.data(), bytes.size());
  return DecodeWords(kj::arrayPtr(copy.get(), n), copy, options);
}

Result<GraphInfo> DecodeGraphShared(std::shared_ptr<const void> owner,
                                    std::span<const std::byte> bytes,
                                    const DecodeOptions& options) {
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(capnp::word) != 0) {
    return DecodeGraph(bytes, options);
  }
  WEBNN_RETURN_IF_ERROR(CheckMessageSize(bytes.size(), options));
  const auto* words = reinterpret_cast<const capnp::word*>(bytes.data());
  return DecodeWords(kj::arrayPtr(words, bytes.size() / sizeof(capnp::word)), owner, options);
}

Status SaveGraphCapnp(const GraphInfo& graph, const std::filesystem::path& path) {
  EncodeOptions options;
  options.reference_constants_from_bytes = kReferenceConstantsFromBytes;
  capnp::MallocMessageBuilder message(
      static_cast<capnp::uint>(EstimateFirstSegmentWords(graph, options)));
  WEBNN_RETURN_IF_ERROR(BuildFileMessage(graph, message, options));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return MakeError(ErrorCode::kUnknownError, "cannot create ", path.string(), ": ",
                     std::strerror(errno));
  }
  try {
    kj::AutoCloseFd closer(fd);
    capnp::writeMessageToFd(fd, message);
  } catch (const kj::Exception& e) {
    return MakeError(ErrorCode::kUnknownError, "cannot write ", path.string(), ": ",
                     e.getDescription().cStr());
  }
  return {};
}

Result<GraphInfo> LoadGraphCapnp(const std::filesystem::path& path, const DecodeOptions& options) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return MakeError(ErrorCode::kUnknownError, "cannot read ", path.string(), ": ", ec.message());
  }
  Status status = CheckMessageSize(static_cast<size_t>(size), options);
  if (!status.ok()) return std::move(status.error().Prefix(path.string()));
  const size_t n = static_cast<size_t>(size) / sizeof(capnp::word);
  std::shared_ptr<capnp::word[]> buffer(new capnp::word[n]);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(buffer.get()), static_cast<std::streamsize>(size));
  if (!in || static_cast<uintmax_t>(in.gcount()) != size) {
    return MakeError(ErrorCode::kUnknownError, "cannot read ", path.string());
  }
  auto graph = DecodeGraphShared(
      buffer, std::span(reinterpret_cast<const std::byte*>(buffer.get()), size), options);
  if (!graph.ok()) return std::move(graph.error().Prefix(path.string()));
  return graph;
}

}  // namespace webnn
