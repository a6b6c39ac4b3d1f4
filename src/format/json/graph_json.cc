#include "format/json/graph_json.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "format/json/attrs_json.h"
#include "format/json/json_util.h"
#include "ir/graph_builder.h"

namespace webnn {
namespace {

using json_util::Describe;
using json_util::Index;
using json_util::Json;
using json_util::Member;
using json_util::PathError;
using json_util::Quote;

constexpr std::string_view kFormatName = "webnn-graph-json";
constexpr int kWriteVersion = 1;

// ---- Reading ---------------------------------------------------------------------------------

Status CheckKeys(const Json& obj, std::string_view path,
                 std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (std::string_view k : known) {
      if (!list.empty()) list += ", ";
      list += k;
    }
    return PathError(Member(path, key), "unknown key (known: ", list, ")");
  }
  return {};
}

Status ExpectObject(const Json& v, std::string_view path) {
  if (!v.is_object()) return PathError(path, "expected an object, got ", Describe(v));
  return {};
}

// The member `key` of an object, or nullptr when absent.
const Json* Find(const Json& obj, std::string_view key) {
  auto it = obj.find(std::string(key));
  return it == obj.end() ? nullptr : &*it;
}

Result<const Json*> Require(const Json& obj, std::string_view path, std::string_view key) {
  const Json* v = Find(obj, key);
  if (!v) return PathError(path, "missing '", key, "'");
  return v;
}

Result<std::string> ParseString(const Json& v, std::string_view path, std::string_view noun) {
  if (!v.is_string()) return PathError(path, "expected ", noun, ", got ", Describe(v));
  return v.get<std::string>();
}

std::string AllDataTypeNames() {
  std::string s;
  for (int i = 0; i < kDataTypeCount; ++i) {
    if (i) s += ", ";
    s += DataTypeName(static_cast<DataType>(i));
  }
  return s;
}

Result<OperandDescriptor> ParseDescriptor(const Json& v, std::string_view path,
                                          std::initializer_list<std::string_view> keys) {
  WEBNN_RETURN_IF_ERROR(ExpectObject(v, path));
  WEBNN_RETURN_IF_ERROR(CheckKeys(v, path, keys));
  OperandDescriptor desc;
  {
    const std::string p = Member(path, "dataType");
    WEBNN_ASSIGN_OR_RETURN(const Json* t, Require(v, path, "dataType"));
    std::optional<DataType> type;
    if (t->is_string()) type = DataTypeFromName(t->get_ref<const std::string&>());
    if (!type) {
      return PathError(p, "expected a data type (", AllDataTypeNames(), "), got ", Describe(*t));
    }
    desc.dataType = *type;
  }
  const std::string p = Member(path, "shape");
  WEBNN_ASSIGN_OR_RETURN(const Json* shape, Require(v, path, "shape"));
  if (!shape->is_array()) {
    return PathError(p, "expected an array of dimensions, got ", Describe(*shape));
  }
  for (size_t i = 0; i < shape->size(); ++i) {
    const Json& d = (*shape)[i];
    const std::string dp = Index(p, i);
    if (d.is_object() && d.contains("maxSize")) {
      // rustnn's dynamic dimension {"name": ..., "maxSize": ...}.
      return MakeError(ErrorCode::kNotSupportedError, dp, ": dynamic dimension ", Describe(d),
                       " is not supported; give a static size");
    }
    uint64_t dim = 0;
    WEBNN_RETURN_IF_ERROR(
        json_util::ParseUnsigned(d, dp, std::numeric_limits<uint32_t>::max(), dim));
    desc.shape.push_back(static_cast<uint32_t>(dim));
  }
  return desc;
}

// A scalar initializer's value: JSON integers keep their exact 64-bit value.
Result<MLNumber> ParseScalar(const Json& v, std::string_view path) {
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return MLNumber::Int(static_cast<int64_t>(u));
    }
    return MLNumber::Uint(u);
  }
  if (v.is_number_integer()) return MLNumber::Int(v.get<int64_t>());
  return MLNumberFromJson(v, path);
}

ByteBuffer FillScalar(const OperandDescriptor& desc, const MLNumber& value) {
  const uint64_t elements = desc.ElementCount();
  std::vector<std::byte> bytes(static_cast<size_t>(desc.ByteLength()));
  std::byte element[8] = {};
  value.CastTo(desc.dataType, element);
  if (DataTypeBits(desc.dataType) == 4) {
    // Two elements per byte, low nibble first.
    const auto nibble = static_cast<uint8_t>(std::to_integer<uint8_t>(element[0]) & 0x0F);
    for (uint64_t i = 0; i < elements; ++i) {
      auto& b = bytes[static_cast<size_t>(i / 2)];
      b |= std::byte(i % 2 == 0 ? nibble : static_cast<uint8_t>(nibble << 4));
    }
  } else {
    const size_t size = DataTypeBits(desc.dataType) / 8;
    for (uint64_t i = 0; i < elements; ++i) {
      std::memcpy(bytes.data() + i * size, element, size);
    }
  }
  return ByteBuffer::FromVector(std::move(bytes));
}

class Loader {
 public:
  Loader(const WeightSource* weights, const ContextLimits& limits)
      : weights_(weights), limits_(limits), builder_(limits) {}

  Result<GraphInfo> Load(const Json& doc) {
    WEBNN_RETURN_IF_ERROR(ExpectObject(doc, ""));
    WEBNN_RETURN_IF_ERROR(CheckKeys(
        doc, "",
        {"format", "version", "name", "quantized", "inputs", "consts", "nodes", "outputs"}));
    WEBNN_ASSIGN_OR_RETURN(const Json* format, Require(doc, "", "format"));
    if (*format != kFormatName) {
      return PathError("format", "expected \"", kFormatName, "\", got ", Describe(*format));
    }
    WEBNN_ASSIGN_OR_RETURN(const Json* version, Require(doc, "", "version"));
    uint64_t v = 0;
    WEBNN_RETURN_IF_ERROR(json_util::ParseUnsigned(*version, "version", 1000, v));
    if (v != 1 && v != 2) return PathError("version", "unsupported version ", v, " (1 or 2)");
    std::string name;
    if (const Json* n = Find(doc, "name"); n && !n->is_null()) {
      WEBNN_ASSIGN_OR_RETURN(name, ParseString(*n, "name", "a string"));
    }
    if (const Json* q = Find(doc, "quantized"); q && !q->is_boolean()) {
      return PathError("quantized", "expected a boolean, got ", Describe(*q));
    }
    if (const Json* inputs = Find(doc, "inputs")) WEBNN_RETURN_IF_ERROR(LoadInputs(*inputs));
    if (const Json* consts = Find(doc, "consts")) WEBNN_RETURN_IF_ERROR(LoadConsts(*consts));
    WEBNN_ASSIGN_OR_RETURN(const Json* nodes, Require(doc, "", "nodes"));
    if (!nodes->is_array()) {
      return PathError("nodes", "expected an array, got ", Describe(*nodes));
    }
    IndexNodeNames(*nodes);
    for (size_t i = 0; i < nodes->size(); ++i) {
      WEBNN_RETURN_IF_ERROR(LoadNode((*nodes)[i], i));
    }
    WEBNN_ASSIGN_OR_RETURN(const Json* outputs, Require(doc, "", "outputs"));
    WEBNN_ASSIGN_OR_RETURN(GraphInfo graph, LoadOutputs(*outputs));
    graph.name = std::move(name);
    return graph;
  }

 private:
  struct Value {
    OperandId id;
    std::string where;  // "inputs.x", "consts.w", "nodes[3]"
  };

  Status CheckNameFree(const std::string& name, std::string_view path) const {
    if (name.empty()) return PathError(path, "a value name must not be empty");
    if (auto it = values_.find(name); it != values_.end()) {
      return PathError(path, "the name ", Quote(name), " is already used by ", it->second.where);
    }
    return {};
  }

  Status Define(const std::string& name, OperandId id, std::string_view path,
                std::string_view where) {
    WEBNN_RETURN_IF_ERROR(CheckNameFree(name, path));
    values_.emplace(name, Value{id, std::string(where)});
    return {};
  }

  Status LoadInputs(const Json& inputs) {
    if (inputs.is_null()) return {};
    WEBNN_RETURN_IF_ERROR(ExpectObject(inputs, "inputs"));
    for (const auto& [name, decl] : inputs.items()) {
      const std::string path = Member("inputs", name);
      WEBNN_RETURN_IF_ERROR(CheckNameFree(name, path));
      WEBNN_ASSIGN_OR_RETURN(OperandDescriptor desc,
                             ParseDescriptor(decl, path, {"dataType", "shape"}));
      WEBNN_RETURN_IF_ERROR(CheckDescriptor(limits_, desc, path));
      auto id = builder_.AddInput(name, std::move(desc));
      if (!id.ok()) return std::move(id.error().Prefix(path));
      WEBNN_RETURN_IF_ERROR(Define(name, *id, path, path));
    }
    return {};
  }

  Result<ByteBuffer> LoadInit(const Json& init, const std::string& path,
                              const OperandDescriptor& desc) {
    WEBNN_RETURN_IF_ERROR(ExpectObject(init, path));
    WEBNN_ASSIGN_OR_RETURN(const Json* kind_json, Require(init, path, "kind"));
    WEBNN_ASSIGN_OR_RETURN(std::string kind,
                           ParseString(*kind_json, Member(path, "kind"), "a string"));
    if (kind == "inlineBytes") {
      WEBNN_RETURN_IF_ERROR(CheckKeys(init, path, {"kind", "bytes"}));
      const std::string p = Member(path, "bytes");
      WEBNN_ASSIGN_OR_RETURN(const Json* bytes, Require(init, path, "bytes"));
      if (!bytes->is_array()) {
        return PathError(p, "expected an array of byte values, got ", Describe(*bytes));
      }
      if (bytes->size() != desc.ByteLength()) {
        return PathError(p, "expected ", desc.ByteLength(), " bytes (", DescriptorToString(desc),
                         "), got ", bytes->size());
      }
      std::vector<std::byte> data(bytes->size());
      for (size_t i = 0; i < data.size(); ++i) {
        const Json& b = (*bytes)[i];
        if (!b.is_number_unsigned() || b.get<uint64_t>() > 255) {
          return PathError(Index(p, i), "expected a byte value (0 to 255), got ", Describe(b));
        }
        data[i] = static_cast<std::byte>(b.get<uint64_t>());
      }
      return ByteBuffer::FromVector(std::move(data));
    }
    if (kind == "scalar") {
      WEBNN_RETURN_IF_ERROR(CheckKeys(init, path, {"kind", "value"}));
      WEBNN_ASSIGN_OR_RETURN(const Json* value, Require(init, path, "value"));
      WEBNN_ASSIGN_OR_RETURN(MLNumber n, ParseScalar(*value, Member(path, "value")));
      return FillScalar(desc, n);
    }
    if (kind == "weights") {
      WEBNN_RETURN_IF_ERROR(CheckKeys(init, path, {"kind", "ref"}));
      WEBNN_ASSIGN_OR_RETURN(const Json* ref_json, Require(init, path, "ref"));
      WEBNN_ASSIGN_OR_RETURN(std::string ref,
                             ParseString(*ref_json, Member(path, "ref"), "a string"));
      if (!weights_) {
        return PathError(path, "refers to weights ", Quote(ref), " but no weights file was given");
      }
      auto bytes = weights_->Read(ref, desc);
      if (!bytes.ok()) {
        Error e = std::move(bytes.error());
        return std::move(e.Prefix(path));
      }
      return bytes;
    }
    return PathError(Member(path, "kind"), "unknown kind ", Describe(*kind_json),
                     " (known: \"inlineBytes\", \"scalar\", \"weights\")");
  }

  Status LoadConsts(const Json& consts) {
    if (consts.is_null()) return {};
    WEBNN_RETURN_IF_ERROR(ExpectObject(consts, "consts"));
    for (const auto& [name, decl] : consts.items()) {
      const std::string path = Member("consts", name);
      WEBNN_RETURN_IF_ERROR(CheckNameFree(name, path));
      WEBNN_ASSIGN_OR_RETURN(OperandDescriptor desc,
                             ParseDescriptor(decl, path, {"dataType", "shape", "init"}));
      WEBNN_RETURN_IF_ERROR(CheckDescriptor(limits_, desc, path));
      WEBNN_ASSIGN_OR_RETURN(const Json* init, Require(decl, path, "init"));
      WEBNN_ASSIGN_OR_RETURN(ByteBuffer bytes, LoadInit(*init, Member(path, "init"), desc));
      auto id = builder_.AddConstant(std::move(desc), std::move(bytes), name);
      if (!id.ok()) return std::move(id.error().Prefix(path));
      WEBNN_RETURN_IF_ERROR(Define(name, *id, path, path));
    }
    return {};
  }

  // Remembers which node defines each name, to explain a reference to a later node.
  void IndexNodeNames(const Json& nodes) {
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Json& node = nodes[i];
      if (!node.is_object()) continue;
      if (const Json* id = Find(node, "id"); id && id->is_string()) {
        later_.emplace(id->get<std::string>(), i);
      }
      if (const Json* outs = Find(node, "outputs"); outs && outs->is_array()) {
        for (const Json& o : *outs) {
          if (o.is_string()) later_.emplace(o.get<std::string>(), i);
        }
      }
    }
  }

  Result<OperandId> Resolve(const Json& v, std::string_view path, size_t node_index) const {
    if (!v.is_string()) return PathError(path, "expected a value name, got ", Describe(v));
    const std::string& name = v.get_ref<const std::string&>();
    if (auto it = values_.find(name); it != values_.end()) return it->second.id;
    if (auto it = later_.find(name); it != later_.end()) {
      if (it->second == node_index) {
        return PathError(path, "operand ", Quote(name), " is a result of this node");
      }
      if (it->second > node_index) {
        return PathError(path, "operand ", Quote(name), " is defined later, by ",
                         Index("nodes", it->second), " (nodes must be in topological order)");
      }
      // An earlier node's id that is not a value: the node has several results.
      return PathError(path, "unknown operand ", Quote(name), " (", Index("nodes", it->second),
                       " has several results; refer to them by their names)");
    }
    return PathError(path, "unknown operand ", Quote(name));
  }

  Status LoadNode(const Json& node, size_t index) {
    const std::string path = Index("nodes", index);
    WEBNN_RETURN_IF_ERROR(ExpectObject(node, path));
    WEBNN_RETURN_IF_ERROR(CheckKeys(node, path, {"id", "op", "inputs", "options", "outputs"}));
    WEBNN_ASSIGN_OR_RETURN(const Json* id_json, Require(node, path, "id"));
    const std::string id_path = Member(path, "id");
    WEBNN_ASSIGN_OR_RETURN(std::string id, ParseString(*id_json, id_path, "a string"));
    if (id.empty()) return PathError(id_path, "must not be empty");
    WEBNN_ASSIGN_OR_RETURN(const Json* op_json, Require(node, path, "op"));
    const std::string op_path = Member(path, "op");
    WEBNN_ASSIGN_OR_RETURN(std::string op_name, ParseString(*op_json, op_path, "a string"));
    const std::optional<OpKind> kind = OpKindFromName(op_name);
    if (!kind) return PathError(op_path, "unknown operator ", Describe(*op_json));
    const OpInfo& info = GetOpInfo(*kind);

    static const Json kNoOptions;  // null
    const Json* options = Find(node, "options");
    if (!options) options = &kNoOptions;
    const std::string options_path = Member(path, "options");
    if (!options->is_null()) WEBNN_RETURN_IF_ERROR(ExpectObject(*options, options_path));

    // Operand slots: positional inputs, then operand-valued options.
    WEBNN_ASSIGN_OR_RETURN(const Json* inputs, Require(node, path, "inputs"));
    const std::string inputs_path = Member(path, "inputs");
    if (!inputs->is_array()) {
      return PathError(inputs_path, "expected an array of value names, got ", Describe(*inputs));
    }
    std::vector<OperandId> slots;
    AttrsJsonOptions attrs_options;
    if (info.IsVariadic()) {
      for (size_t k = 0; k < inputs->size(); ++k) {
        WEBNN_ASSIGN_OR_RETURN(OperandId operand,
                               Resolve((*inputs)[k], Index(inputs_path, k), index));
        slots.push_back(operand);
      }
    } else {
      const size_t required = info.RequiredInputCount();
      if (inputs->size() < required || inputs->size() > info.inputs.size()) {
        std::string names;
        for (const SlotConstraint& s : info.inputs) {
          if (!names.empty()) names += ", ";
          names += s.name;
          if (s.optional) names += "?";
        }
        return PathError(inputs_path, op_name, " takes ", required,
                         required == info.inputs.size()
                             ? std::string()
                             : " to " + std::to_string(info.inputs.size()),
                         " operands (", names, "), got ", inputs->size());
      }
      slots.assign(info.inputs.size(), kNoOperand);
      for (size_t k = 0; k < inputs->size(); ++k) {
        WEBNN_ASSIGN_OR_RETURN(slots[k], Resolve((*inputs)[k], Index(inputs_path, k), index));
      }
      for (size_t s = 0; s < info.inputs.size(); ++s) {
        if (!info.inputs[s].optional) continue;
        const std::string slot_name(info.inputs[s].name);
        attrs_options.skip_keys.push_back(slot_name);
        if (!options->is_object()) continue;
        const Json* v = Find(*options, slot_name);
        if (!v || v->is_null()) continue;
        const std::string p = Member(options_path, slot_name);
        if (slots[s] != kNoOperand) {
          return PathError(p, "'", slot_name, "' is also given as ", Index(inputs_path, s));
        }
        WEBNN_ASSIGN_OR_RETURN(slots[s], Resolve(*v, p, index));
      }
    }
    attrs_options.skip_keys.push_back("label");
    std::string label;
    if (options->is_object()) {
      if (const Json* l = Find(*options, "label"); l && !l->is_null()) {
        WEBNN_ASSIGN_OR_RETURN(label, ParseString(*l, Member(options_path, "label"), "a string"));
      }
    }
    WEBNN_ASSIGN_OR_RETURN(Attrs attrs,
                           AttrsFromJson(*kind, *options, options_path, attrs_options));

    // Result names, checked before building so a clash is reported at its place.
    const Json* outputs = Find(node, "outputs");
    const std::string outputs_path = Member(path, "outputs");
    if (outputs && !outputs->is_null()) {
      if (!outputs->is_array()) {
        return PathError(outputs_path, "expected an array of value names, got ",
                         Describe(*outputs));
      }
      for (size_t j = 0; j < outputs->size(); ++j) {
        WEBNN_ASSIGN_OR_RETURN(std::string n,
                               ParseString((*outputs)[j], Index(outputs_path, j), "a value name"));
        WEBNN_RETURN_IF_ERROR(CheckNameFree(n, Index(outputs_path, j)));
      }
    } else {
      outputs = nullptr;
    }

    auto results = builder_.AddOperation(*kind, std::move(slots), std::move(attrs), label);
    if (!results.ok()) {
      Error e = std::move(results.error());
      return std::move(e.Prefix(path + ": node " + Quote(id)));
    }
    const size_t n = results->size();
    std::vector<std::pair<std::string, std::string>> names;  // name, its path
    if (outputs) {
      if (outputs->size() != n) {
        return PathError(outputs_path, op_name, " produces ", n, n == 1 ? " result" : " results",
                         ", ", outputs->size(), " names given");
      }
      for (size_t j = 0; j < n; ++j) {
        names.emplace_back((*outputs)[j].get<std::string>(), Index(outputs_path, j));
      }
    } else if (n == 1) {
      names.emplace_back(id, id_path);
    } else {
      for (size_t j = 0; j < n; ++j) names.emplace_back(id + ":" + std::to_string(j), id_path);
    }
    for (size_t j = 0; j < n; ++j) {
      WEBNN_RETURN_IF_ERROR(Define(names[j].first, (*results)[j], names[j].second, path));
      builder_.SetOperandName((*results)[j], names[j].first);
    }
    return {};
  }

  Result<GraphInfo> LoadOutputs(const Json& outputs) {
    WEBNN_RETURN_IF_ERROR(ExpectObject(outputs, "outputs"));
    if (outputs.empty()) return PathError("outputs", "a graph needs at least one output");
    std::vector<std::pair<std::string, OperandId>> named;
    for (const auto& [name, value] : outputs.items()) {
      const std::string path = Member("outputs", name);
      if (name.empty()) return PathError(path, "an output name must not be empty");
      if (!value.is_string()) {
        return PathError(path, "expected a value name, got ", Describe(value));
      }
      const std::string& value_name = value.get_ref<const std::string&>();
      auto it = values_.find(value_name);
      if (it == values_.end()) return PathError(path, "unknown value ", Quote(value_name));
      const OperandKind k = builder_.operand(it->second.id).kind;
      if (k != OperandKind::kOutput) {
        return PathError(path, "value ", Quote(value_name), " is ",
                         k == OperandKind::kInput ? "a graph input" : "a constant",
                         "; an output must be computed by an operation");
      }
      named.emplace_back(name, it->second.id);
    }
    auto graph = builder_.Build(named);
    if (!graph.ok()) return std::move(graph.error().Prefix("outputs"));
    return graph;
  }

  const WeightSource* weights_;
  ContextLimits limits_;
  GraphBuilderCore builder_;
  std::unordered_map<std::string, Value> values_;
  std::unordered_map<std::string, size_t> later_;
};

// ---- Writing ---------------------------------------------------------------------------------

// Unique value names for every operand: the operand's own name when it has one (and it is not
// taken), otherwise a generated one.
Result<std::vector<std::string>> NameOperands(const GraphInfo& g) {
  std::vector<std::string> names(g.operands.size());
  std::unordered_set<std::string> used;
  for (OperandId id : g.inputs) {
    const std::string& n = g.operands[id].name;
    if (n.empty()) return MakeError(ErrorCode::kDataError, "graph input ", id, " has no name");
    if (!used.insert(n).second) {
      return MakeError(ErrorCode::kDataError, "two graph inputs are named ", Quote(n));
    }
    names[id] = n;
  }
  for (size_t id = 0; id < g.operands.size(); ++id) {
    const Operand& o = g.operands[id];
    if (o.kind == OperandKind::kInput || o.name.empty()) continue;
    if (used.insert(o.name).second) names[id] = o.name;
  }
  auto unique = [&](std::string base) {
    std::string name = base;
    for (int k = 2; !used.insert(name).second; ++k) name = base + "_" + std::to_string(k);
    return name;
  };
  for (size_t id = 0; id < g.operands.size(); ++id) {
    if (g.operands[id].kind == OperandKind::kConstant && names[id].empty()) {
      names[id] = unique("const_" + std::to_string(id));
    }
  }
  for (size_t i = 0; i < g.operations.size(); ++i) {
    const Operation& op = g.operations[i];
    for (size_t j = 0; j < op.outputs.size(); ++j) {
      std::string& name = names[op.outputs[j]];
      if (!name.empty()) continue;
      std::string base = std::string(OpName(op.kind)) + "_" + std::to_string(i);
      if (op.outputs.size() > 1) base += ":" + std::to_string(j);
      name = unique(base);
    }
  }
  return names;
}

// Checks what the writer relies on, so a malformed GraphInfo is an error, not a crash.
Status CheckWritable(const GraphInfo& g) {
  const size_t n = g.operands.size();
  auto bad = [](auto... args) { return MakeError(ErrorCode::kDataError, args...); };
  for (OperandId id : g.inputs) {
    if (id >= n || g.operands[id].kind != OperandKind::kInput) {
      return bad("graph input operand ", id, " is not an input operand");
    }
  }
  for (size_t id = 0; id < n; ++id) {
    if (g.operands[id].kind != OperandKind::kConstant) continue;
    auto it = g.constants.find(static_cast<OperandId>(id));
    if (it == g.constants.end()) return bad("constant operand ", id, " has no data");
    if (it->second.size() != g.operands[id].desc.ByteLength()) {
      return bad("constant operand ", id, " has ", it->second.size(), " bytes, ",
                 DescriptorToString(g.operands[id].desc), " needs ",
                 g.operands[id].desc.ByteLength());
    }
  }
  std::vector<bool> produced(n, false);
  for (size_t i = 0; i < g.operations.size(); ++i) {
    const Operation& op = g.operations[i];
    if (static_cast<size_t>(op.kind) >= kOpCount) return bad("operations[", i, "]: unknown kind");
    const OpInfo& info = GetOpInfo(op.kind);
    if (op.attrs.index() != info.attrs_index) {
      return bad("operations[", i, "] (", info.name, "): attributes of the wrong type");
    }
    if (!info.IsVariadic() && op.inputs.size() != info.inputs.size()) {
      return bad("operations[", i, "] (", info.name, "): ", op.inputs.size(),
                 " operand slots, expected ", info.inputs.size());
    }
    for (size_t s = 0; s < op.inputs.size(); ++s) {
      const OperandId in = op.inputs[s];
      if (in == kNoOperand && !info.IsVariadic() && info.inputs[s].optional) continue;
      if (in >= n) return bad("operations[", i, "] (", info.name, "): bad operand ", in);
    }
    if (op.outputs.empty()) return bad("operations[", i, "] (", info.name, "): no results");
    for (OperandId out : op.outputs) {
      if (out >= n || g.operands[out].kind != OperandKind::kOutput || produced[out]) {
        return bad("operations[", i, "] (", info.name, "): bad result operand ", out);
      }
      produced[out] = true;
    }
  }
  for (const GraphOutput& o : g.outputs) {
    if (o.operand >= n || !produced[o.operand]) {
      return bad("output ", Quote(o.name), " is not the result of an operation");
    }
  }
  return {};
}

std::string ByteArrayText(const ByteBuffer& bytes) {
  std::string s = "[";
  s.reserve(bytes.size() * 4 + 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(std::to_integer<unsigned>(bytes.data()[i]));
  }
  s += "]";
  return s;
}

Json DescriptorJson(const OperandDescriptor& desc) {
  Json j = Json::object();
  j["dataType"] = std::string(DataTypeName(desc.dataType));
  j["shape"] = desc.shape;
  return j;
}

// The document text; constants above `threshold` bytes go to `external` when it is not null.
Result<std::string> WriteDocument(const GraphInfo& g, size_t threshold,
                                  std::vector<WgwtTensor>* external) {
  WEBNN_RETURN_IF_ERROR(CheckWritable(g));
  WEBNN_ASSIGN_OR_RETURN(std::vector<std::string> names, NameOperands(g));
  auto str = [](const std::string& s) { return json_util::Compact(Json(s)); };

  std::string out = "{\n";
  out += "  \"format\": " + str(std::string(kFormatName)) + ",\n";
  out += "  \"version\": " + std::to_string(kWriteVersion) + ",\n";
  if (!g.name.empty()) out += "  \"name\": " + str(g.name) + ",\n";

  // A section of one line per item: "key": {...} or {...}.
  auto section = [&](const std::vector<std::string>& lines, char open, char close) {
    if (lines.empty()) return std::string(1, open) + close;
    std::string s(1, open);
    for (size_t i = 0; i < lines.size(); ++i) {
      s += i ? ",\n    " : "\n    ";
      s += lines[i];
    }
    s += "\n  ";
    s += close;
    return s;
  };

  std::vector<std::string> lines;
  for (OperandId id : g.inputs) {
    lines.push_back(str(names[id]) + ": " +
                    json_util::Compact(DescriptorJson(g.operands[id].desc)));
  }
  out += "  \"inputs\": " + section(lines, '{', '}') + ",\n";

  lines.clear();
  for (size_t id = 0; id < g.operands.size(); ++id) {
    const Operand& o = g.operands[id];
    if (o.kind != OperandKind::kConstant) continue;
    const ByteBuffer& bytes = g.constants.at(static_cast<OperandId>(id));
    std::string line = str(names[id]) + ": ";
    Json decl = DescriptorJson(o.desc);
    std::string text = json_util::Compact(decl);
    text.pop_back();  // reopen the object to append "init"
    if (external && bytes.size() > threshold) {
      text += ", \"init\": {\"kind\": \"weights\", \"ref\": " + str(names[id]) + "}}";
      external->push_back({names[id], o.desc, bytes});
    } else {
      text += ", \"init\": {\"kind\": \"inlineBytes\", \"bytes\": " + ByteArrayText(bytes) + "}}";
    }
    lines.push_back(line + text);
  }
  out += "  \"consts\": " + section(lines, '{', '}') + ",\n";

  lines.clear();
  for (const Operation& op : g.operations) {
    const OpInfo& info = GetOpInfo(op.kind);
    Json node = Json::object();
    node["id"] = names[op.outputs[0]];
    node["op"] = std::string(info.name);
    Json inputs = Json::array();
    Json options = AttrsToJson(op.attrs);
    for (size_t s = 0; s < op.inputs.size(); ++s) {
      const bool optional = !info.IsVariadic() && info.inputs[s].optional;
      if (!optional) {
        inputs.push_back(names[op.inputs[s]]);
      } else if (op.inputs[s] != kNoOperand) {
        options[std::string(info.inputs[s].name)] = names[op.inputs[s]];
      }
    }
    if (!op.label.empty()) options["label"] = op.label;
    node["inputs"] = std::move(inputs);
    if (!options.empty()) node["options"] = std::move(options);
    if (op.outputs.size() > 1) {
      Json outs = Json::array();
      for (OperandId o : op.outputs) outs.push_back(names[o]);
      node["outputs"] = std::move(outs);
    }
    lines.push_back(json_util::Compact(node));
  }
  out += "  \"nodes\": " + section(lines, '[', ']') + ",\n";

  Json outputs = Json::object();
  for (const GraphOutput& o : g.outputs) outputs[o.name] = names[o.operand];
  out += "  \"outputs\": " + json_util::Compact(outputs) + "\n}\n";
  return out;
}

bool LooksLikeSafetensors(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".safetensors" || ext == ".safetensor";
}

// The name of the first constant whose init refers to weights, if any.
std::optional<std::string> FirstWeightsConst(const Json& doc) {
  if (!doc.is_object()) return std::nullopt;
  const Json* consts = Find(doc, "consts");
  if (!consts || !consts->is_object()) return std::nullopt;
  for (const auto& [name, decl] : consts->items()) {
    if (!decl.is_object()) continue;
    const Json* init = Find(decl, "init");
    if (!init || !init->is_object()) continue;
    const Json* kind = Find(*init, "kind");
    if (kind && *kind == "weights") return name;
  }
  return std::nullopt;
}

Result<std::unique_ptr<WeightSource>> OpenWeightsFor(const std::filesystem::path& graph_path,
                                                     const JsonLoadOptions& options,
                                                     const std::string& first_const) {
  namespace fs = std::filesystem;
  const fs::path dir = graph_path.parent_path();
  const std::string stem = graph_path.stem().string();
  auto resolve = [&](const fs::path& p) { return p.is_relative() ? dir / p : p; };
  auto exists = [](const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
  };
  const std::string what = Member("consts", first_const) + ".init";
  fs::path weights;
  if (!options.weights_path.empty()) {
    weights = resolve(options.weights_path);
    if (!exists(weights)) {
      return MakeError(ErrorCode::kDataError, "weights file ", weights.string(), " does not exist");
    }
  } else {
    for (const fs::path& candidate : {dir / (stem + ".safetensors"), dir / (stem + ".weights"),
                                      dir / "model.safetensors", dir / "model.weights"}) {
      if (exists(candidate)) {
        weights = candidate;
        break;
      }
    }
    if (weights.empty()) {
      return PathError(what, "refers to weights, but none of ", stem, ".safetensors, ", stem,
                       ".weights, model.safetensors, model.weights is next to ",
                       graph_path.string());
    }
  }
  if (LooksLikeSafetensors(weights)) return OpenSafetensors(weights);
  fs::path manifest;
  if (!options.manifest_path.empty()) {
    manifest = resolve(options.manifest_path);
    if (!exists(manifest)) {
      return MakeError(ErrorCode::kDataError, "manifest ", manifest.string(), " does not exist");
    }
  } else {
    for (const fs::path& candidate : {dir / (stem + ".manifest.json"), dir / "manifest.json"}) {
      if (exists(candidate)) {
        manifest = candidate;
        break;
      }
    }
    if (manifest.empty()) {
      return MakeError(ErrorCode::kDataError, "weights file ", weights.string(),
                       " needs a manifest: neither ", stem,
                       ".manifest.json nor manifest.json is next to ", graph_path.string());
    }
  }
  return OpenWgwtWeights(weights, manifest);
}

Result<GraphInfo> LoadDocument(const Json& doc, const WeightSource* weights,
                               const ContextLimits& limits) {
  Loader loader(weights, limits);
  return loader.Load(doc);
}

}  // namespace

Result<GraphInfo> ParseGraphJson(std::string_view text, const WeightSource* weights,
                                 const ContextLimits& limits) {
  WEBNN_ASSIGN_OR_RETURN(Json doc, json_util::ParseStrict(text, "json"));
  return LoadDocument(doc, weights, limits);
}

Result<GraphInfo> LoadGraphJson(const std::filesystem::path& path, const JsonLoadOptions& options) {
  WEBNN_ASSIGN_OR_RETURN(ByteBuffer file, ReadFileBytes(path));
  const std::string_view text(reinterpret_cast<const char*>(file.data()), file.size());
  WEBNN_ASSIGN_OR_RETURN(Json doc, json_util::ParseStrict(text, path.filename().string()));
  std::unique_ptr<WeightSource> weights;
  if (std::optional<std::string> first = FirstWeightsConst(doc)) {
    WEBNN_ASSIGN_OR_RETURN(weights, OpenWeightsFor(path, options, *first));
  }
  return LoadDocument(doc, weights.get(), options.limits);
}

Result<JsonFiles> GraphToJsonFiles(const GraphInfo& graph, const JsonSaveOptions& options) {
  std::vector<WgwtTensor> external;
  JsonFiles files;
  WEBNN_ASSIGN_OR_RETURN(files.graph, WriteDocument(graph, options.inline_threshold, &external));
  if (!external.empty()) files.weights = WriteWgwt(external);
  return files;
}

Status SaveGraphJson(const GraphInfo& graph, const std::filesystem::path& path,
                     const JsonSaveOptions& options) {
  WEBNN_ASSIGN_OR_RETURN(JsonFiles files, GraphToJsonFiles(graph, options));
  if (!files.weights.blob.empty()) {
    std::filesystem::path blob = path;
    blob.replace_extension(".weights");
    std::filesystem::path manifest = path;
    manifest.replace_extension(".manifest.json");
    WEBNN_RETURN_IF_ERROR(WriteFileBytes(blob, files.weights.blob));
    WEBNN_RETURN_IF_ERROR(WriteFileBytes(manifest, files.weights.manifest));
  }
  return WriteFileBytes(path, files.graph);
}

Result<std::string> GraphToJsonText(const GraphInfo& graph) {
  return WriteDocument(graph, 0, nullptr);
}

}  // namespace webnn
