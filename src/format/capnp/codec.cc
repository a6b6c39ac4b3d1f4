#include "format/capnp/codec.h"

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/orphan.h>
#include <capnp/serialize.h>
#include <fcntl.h>
#include <kj/exception.h>
#include <kj/io.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "format/capnp/wire_codec.h"
#include "ir/validate_graph.h"

namespace webnn {
namespace {

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

// ---- Attribute fields <-> the generated accessors -------------------------------------------
// Each attribute struct is mapped field by field by its row of attrs_fields.inc: the C++ field's
// type picks the conversion below, the generated get/has/set/init accessors of the schema field
// of the same name do the reading and writing (no reflection: every read is a bounds-checked
// load at an offset known at compile time). Encoders throw kj::Exception on a value the format
// cannot hold (caught by the callers); decoders return DataErrors for bad values.

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

template <typename T>
constexpr bool kIsOptional = false;
template <typename T>
constexpr bool kIsOptional<std::optional<T>> = true;
template <typename T>
constexpr bool kIsList = false;
template <typename T>
constexpr bool kIsList<std::vector<T>> = true;

// Decoding: Read(value, what the generated getter returned).

// Scalars: Bool, UInt32, Int32, Float64.
template <Scalar T, Scalar W>
Status Read(T& v, W raw) {
  static_assert(std::is_same_v<T, W>, "the schema field has another scalar type");
  v = raw;
  return {};
}

template <WireEnum E, typename W>
requires std::is_enum_v<W> Status Read(E& v, W raw) {
  WEBNN_ASSIGN_OR_RETURN(v, CheckedEnum<E>(static_cast<uint16_t>(raw)));
  return {};
}

// List(UInt32), List(Float32).
template <Scalar T, typename L>
Status Read(std::vector<T>& v, L list) {
  static_assert(std::is_same_v<L, typename capnp::List<T>::Reader>,
                "the schema field is another list type");
  v.resize(list.size());
  for (capnp::uint i = 0; i < list.size(); ++i) v[i] = list[i];
  return {};
}

// List(an enum), e.g. recurrent activations.
template <WireEnum E, typename L>
Status Read(std::vector<E>& v, L list) {
  v.clear();
  v.reserve(list.size());
  for (capnp::uint i = 0; i < list.size(); ++i) {
    auto e = CheckedEnum<E>(static_cast<uint16_t>(list[i]));
    if (!e.ok()) return std::move(e.error().Prefix(Indexed("", i)));
    v.push_back(*e);
  }
  return {};
}

Status Read(MLNumber& v, wire::MLNumber::Reader n) {
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

// SplitSpec: the `splits` group's union, count (alternative 0) or sizes (alternative 1).
Status Read(SplitSpec& v, wire::SplitAttrs::Splits::Reader group) {
  switch (group.which()) {
    case wire::SplitAttrs::Splits::COUNT:
      v = group.getCount();
      return {};
    case wire::SplitAttrs::Splits::SIZES: {
      UintList sizes;
      WEBNN_RETURN_IF_ERROR(Read(sizes, group.getSizes()));
      v = std::move(sizes);
      return {};
    }
  }
  return DataError("unknown union member (written by a newer version?)");
}

// One field: `get` and `has` call the generated getX()/hasX() of the struct reader `in` (`has`
// only for pointer fields, which are what std::optional and std::vector fields are). An
// optional is absent when its pointer is null; a non-optional list is required (a positional
// argument, FieldKind::kRequired) and must be non-null; a null MLNumber reads as its schema
// default. Each pointer is fetched once: every fetch counts against the traversal limit.
template <typename T, typename R, typename Get, typename Has>
Status ReadField(std::string_view name, T& v, const R& in, const Get& get, const Has& has) {
  Status status;
  if constexpr (kIsOptional<T>) {
    if (!has(in)) {
      v.reset();
      return {};
    }
    typename T::value_type value{};
    status = Read(value, get(in));
    if (status.ok()) v = std::move(value);
  } else if constexpr (kIsList<T>) {
    if (!has(in)) return DataError(name, ": required, but missing");
    status = Read(v, get(in));
  } else {
    status = Read(v, get(in));
  }
  if (!status.ok()) status.error().Prefix(name);
  return status;
}

// Encoding: `set` and `init` call the generated setX()/initX() of the struct builder `out`; W is
// the type the generated getter returns (the schema enum for an enum field).
template <typename T, typename B, typename Set, typename Init, typename W>
void WriteField(const T& v, B& out, const Set& set, const Init& init, std::type_identity<W> w) {
  if constexpr (kIsOptional<T>) {
    if (v) WriteField(*v, out, set, init, w);
  } else if constexpr (Scalar<T>) {
    static_assert(std::is_same_v<T, W>, "the schema field has another scalar type");
    set(out, v);
  } else if constexpr (WireEnum<T>) {
    set(out, static_cast<W>(v));
  } else if constexpr (kIsList<T>) {
    auto list = init(out, ListSize(v.size(), "attribute list"));
    using Element = std::remove_cvref_t<decltype(list[0])>;
    for (capnp::uint i = 0; i < list.size(); ++i) list.set(i, static_cast<Element>(v[i]));
  } else if constexpr (std::is_same_v<T, MLNumber>) {
    auto n = init(out);
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
  } else {
    static_assert(std::is_same_v<T, SplitSpec>, "no wire mapping for this attribute type");
    auto group = init(out);
    if (const uint32_t* count = std::get_if<uint32_t>(&v)) {
      group.setCount(*count);
    } else {
      const UintList& sizes = std::get<UintList>(v);
      auto list = group.initSizes(ListSize(sizes.size(), "attribute list"));
      for (capnp::uint i = 0; i < list.size(); ++i) list.set(i, sizes[i]);
    }
  }
}

// ReadAttrs / WriteAttrs / WireFieldNames for every attribute struct, from attrs_fields.inc.
template <typename A>
std::vector<std::string_view> WireFieldNames();

#define WEBNN_READ_FIELD(cpp, Wire)                                 \
  WEBNN_RETURN_IF_ERROR(ReadField(                                  \
      #cpp, a.cpp, in, [](const auto& r) { return r.get##Wire(); }, \
      [](const auto& r) { return r.has##Wire(); }));
#define WEBNN_WRITE_FIELD(cpp, Wire)                         \
  WriteField(                                                \
      a.cpp, out, [](auto& b, auto x) { b.set##Wire(x); },   \
      [](auto& b, auto... n) { return b.init##Wire(n...); }, \
      std::type_identity<decltype(std::declval<Reader>().get##Wire())>{});
#define WEBNN_FIELD_NAME(cpp, Wire) #cpp,
#define WEBNN_READ_FIELD_PAIR(pair) WEBNN_READ_FIELD pair
#define WEBNN_WRITE_FIELD_PAIR(pair) WEBNN_WRITE_FIELD pair
#define WEBNN_FIELD_NAME_PAIR(pair) WEBNN_FIELD_NAME pair
#define WEBNN_WIRE_ATTRS(T, ...)                                                                  \
  [[maybe_unused]] Status ReadAttrs([[maybe_unused]] wire::T::Reader in, [[maybe_unused]] T& a) { \
    WEBNN_FOR_EACH(WEBNN_READ_FIELD_PAIR __VA_OPT__(, ) __VA_ARGS__)                              \
    return {};                                                                                    \
  }                                                                                               \
  [[maybe_unused]] void WriteAttrs([[maybe_unused]] const T& a,                                   \
                                   [[maybe_unused]] wire::T::Builder out) {                       \
    [[maybe_unused]] typedef wire::T::Reader Reader;                                              \
    WEBNN_FOR_EACH(WEBNN_WRITE_FIELD_PAIR __VA_OPT__(, ) __VA_ARGS__)                             \
  }                                                                                               \
  template <>                                                                                     \
  std::vector<std::string_view> WireFieldNames<T>() {                                             \
    return {WEBNN_FOR_EACH(WEBNN_FIELD_NAME_PAIR __VA_OPT__(, ) __VA_ARGS__)};                    \
  }
#include "format/capnp/attrs_fields.inc"
#undef WEBNN_WIRE_ATTRS
#undef WEBNN_FIELD_NAME_PAIR
#undef WEBNN_WRITE_FIELD_PAIR
#undef WEBNN_READ_FIELD_PAIR
#undef WEBNN_FIELD_NAME
#undef WEBNN_WRITE_FIELD
#undef WEBNN_READ_FIELD

// Decodes the union member into `out` in place (the alternative is emplaced, then read).
Status DecodeAttrsInto(wire::Operation::Attrs::Reader in, Attrs& out) {
  try {
#define WEBNN_DECODE_ATTRS(T)                                                  \
  if (in.is##T()) {                                                            \
    Status status = ReadAttrs(in.get##T(), out.emplace<T>());                  \
    if (!status.ok()) return std::move(status.error().Prefix(LowerFirst(#T))); \
    return {};                                                                 \
  }
    WEBNN_ATTRS_TYPES(WEBNN_DECODE_ATTRS)
#undef WEBNN_DECODE_ATTRS
    return DataError("unknown attributes type (union discriminant ",
                     static_cast<uint16_t>(in.which()), "; written by a newer version?)");
  } catch (const kj::Exception& e) {
    return FromKjException(e, "malformed attributes");
  }
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

template <typename Ids>
void EncodeIds(capnp::List<uint32_t>::Builder list, const Ids& ids) {
  for (capnp::uint i = 0; i < list.size(); ++i) list.set(i, ids[i]);
}

template <typename Ids>
void DecodeIds(capnp::List<uint32_t>::Reader list, Ids& ids) {
  ids.resize(list.size());
  if (ids.empty()) return;
  // A list written as List(UInt32) holds packed little-endian words: one copy. Anything else
  // the reader accepts for it (a struct list from a newer schema) is read element by element.
  const capnp::AnyList::Reader any(list);
  if constexpr (std::endian::native == std::endian::little) {
    const auto raw = any.getRawBytes();
    if (any.getElementSize() == capnp::ElementSize::FOUR_BYTES &&
        raw.size() == ids.size() * sizeof(uint32_t)) {
      std::memcpy(ids.data(), raw.begin(), raw.size());
      return;
    }
  }
  for (capnp::uint i = 0; i < list.size(); ++i) ids[i] = list[i];
}

std::string OperationWhere(size_t index, OpKind kind, const std::string& label) {
  std::string s = Indexed("operations", index) + " (" + std::string(OpName(kind));
  if (!label.empty()) s += " '" + label + "'";
  return s + ")";
}

// Decodes into `op`, an element already in place in the graph (no Operation or Attrs moved).
Status DecodeOperation(wire::Operation::Reader in, size_t index, Operation& op) {
  const uint16_t kind = static_cast<uint16_t>(in.getKind());
  if (kind >= kOpCount) {
    return DataError("operations[", index, "]: unknown operator kind ", kind,
                     " (this reader knows ", kOpCount, " operators; written by a newer version?)");
  }
  op.kind = static_cast<OpKind>(kind);
  op.label = ToString(in.getLabel());
  // The location is built only for an error: most operations never need it.
  const auto where = [&] { return OperationWhere(index, op.kind, op.label); };
  DecodeIds(in.getInputs(), op.inputs);
  DecodeIds(in.getOutputs(), op.outputs);
  Status status = DecodeAttrsInto(in.getAttrs(), op.attrs);
  if (!status.ok()) return std::move(status.error().Prefix(where() + ": attrs"));
  const size_t expected = GetOpInfo(op.kind).attrs_index;
  if (op.attrs.index() != expected) {
    return DataError(where(), ": attrs is ", AttrsMemberName(op.attrs.index()), ", ",
                     OpName(op.kind), " takes ", AttrsMemberName(expected));
  }
  return {};
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
    Operand& operand = graph.operands.emplace_back();
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
    DecodeIds(shape, operand.desc.shape);
    operand.name = ToString(o.getName());
  }

  DecodeIds(in.getInputs(), graph.inputs);

  const auto outputs = in.getOutputs();
  graph.outputs.reserve(outputs.size());
  for (const auto out : outputs) {
    graph.outputs.push_back(GraphOutput{ToString(out.getName()), out.getOperand()});
  }

  const auto operations = in.getOperations();
  graph.operations.reserve(operations.size());
  for (capnp::uint i = 0; i < operations.size(); ++i) {
    WEBNN_RETURN_IF_ERROR(DecodeOperation(operations[i], i, graph.operations.emplace_back()));
  }

  const auto constants = in.getConstants();
  graph.constants.reserve(constants.size());
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
#define WEBNN_ENCODE_ATTRS(T)                \
  if (const T* a = std::get_if<T>(&attrs)) { \
    WriteAttrs(*a, out.init##T());           \
    return {};                               \
  }
    WEBNN_ATTRS_TYPES(WEBNN_ENCODE_ATTRS)
#undef WEBNN_ENCODE_ATTRS
    return DataError("an operation without attributes (std::monostate) cannot be encoded");
  } catch (const kj::Exception& e) {
    return FromKjException(e, "cannot encode attributes");
  }
}

Result<Attrs> DecodeAttrs(wire::Operation::Attrs::Reader in) {
  Attrs attrs;
  WEBNN_RETURN_IF_ERROR(DecodeAttrsInto(in, attrs));
  return attrs;
}

std::vector<std::string_view> AttrsWireFieldNames(size_t index) {
  using NamesFn = std::vector<std::string_view> (*)();
  static constexpr NamesFn kNames[] = {nullptr,
#define WEBNN_ATTRS_NAMES(T) &WireFieldNames<T>,
                                       WEBNN_ATTRS_TYPES(WEBNN_ATTRS_NAMES)
#undef WEBNN_ATTRS_NAMES
  };
  static_assert(std::size(kNames) == std::variant_size_v<Attrs>);
  if (index == 0 || index >= std::size(kNames)) return {};
  return kNames[index]();
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
  // One copy into aligned memory that the constants then share. One allocation for the words
  // and their owner (not zero-filled: the copy overwrites every byte).
  const size_t n = bytes.size() / sizeof(capnp::word);
  std::shared_ptr<capnp::word[]> copy = std::make_shared_for_overwrite<capnp::word[]>(n);
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
