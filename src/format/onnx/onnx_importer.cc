#include "format/onnx/onnx_importer.h"

#include <algorithm>
#include <limits>

#include "format/onnx/onnx_model.h"

namespace webnn::format::onnx_import {

// ---- NodeAttrs ----------------------------------------------------------------------------------

const onnx::AttributeProto* NodeAttrs::Find(std::string_view name) const {
  for (const auto& a : node_.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

int64_t NodeAttrs::Int(std::string_view name, int64_t fallback) const {
  const auto* a = Find(name);
  return a ? a->i() : fallback;
}

float NodeAttrs::Float(std::string_view name, float fallback) const {
  const auto* a = Find(name);
  return a ? a->f() : fallback;
}

std::string NodeAttrs::String(std::string_view name, std::string fallback) const {
  const auto* a = Find(name);
  return a ? a->s() : fallback;
}

std::optional<std::vector<int64_t>> NodeAttrs::Ints(std::string_view name) const {
  const auto* a = Find(name);
  if (!a) return std::nullopt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

std::optional<std::vector<float>> NodeAttrs::Floats(std::string_view name) const {
  const auto* a = Find(name);
  if (!a) return std::nullopt;
  return std::vector<float>(a->floats().begin(), a->floats().end());
}

std::vector<std::string> NodeAttrs::Strings(std::string_view name) const {
  const auto* a = Find(name);
  if (!a) return {};
  return std::vector<std::string>(a->strings().begin(), a->strings().end());
}

// ---- Importer ---------------------------------------------------------------------------------

Importer::Importer(std::shared_ptr<const onnx::ModelProto> model, std::filesystem::path base_dir,
                   const OnnxImportOptions& options, std::vector<OnnxNodeProblem>* problems)
    : model_(std::move(model)),
      base_dir_(std::move(base_dir)),
      options_(options),
      problems_(problems),
      builder_(options.limits) {
  RegisterOps();
}

std::vector<std::string> Importer::SupportedOps() const {
  std::vector<std::string> ops;
  for (const auto& [name, handler] : handlers_) ops.push_back(name);
  std::sort(ops.begin(), ops.end());
  return ops;
}

Result<GraphInfo> Importer::Run() {
  bool have_default = false;
  for (const auto& o : model_->opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") {
      opset_ = static_cast<int>(o.version());
      have_default = true;
    }
  }
  // IR version 3 models without opset_import use opset 1; ops are read per their newest rules
  // for the few attributes that changed, which covers what such models use.
  if (!have_default) opset_ = 1;
  const auto& graph = model_->graph();
  for (const auto& node : graph.node()) {
    for (const auto& in : node.input()) consumed_.insert(in);
  }
  for (const auto& out : graph.output()) consumed_.insert(out.name());
  WEBNN_RETURN_IF_ERROR(LoadInputsAndInitializers());
  for (int i = 0; i < graph.node_size(); ++i) {
    Status s = ConvertNode(graph.node(i), static_cast<size_t>(i));
    if (s.ok()) continue;
    const auto& node = graph.node(i);
    const std::string who = node.name().empty() ? "#" + std::to_string(i) : node.name();
    if (!problems_) {
      Error e = std::move(s.error());
      return std::move(
          e.Prefix("node " +
                   (node.name().empty() ? "#" + std::to_string(i)
                                        : "'" + node.name() + "' (#" + std::to_string(i) + ")") +
                   " " + node.op_type()));
    }
    problems_->push_back({who, node.op_type(), s.error().message()});
    for (const auto& out : node.output()) blocked_.insert(out);
  }
  if (problems_ && !problems_->empty()) {
    return Unsupported(problems_->size(), " node(s) cannot be imported");
  }
  return Finish();
}

Status Importer::LoadInputsAndInitializers() {
  const auto& graph = model_->graph();
  for (const auto& init : graph.initializer()) {
    auto t = ReadTensorProto(init, model_, base_dir_);
    if (!t.ok()) return std::move(t.error().Prefix("initializer '" + init.name() + "'"));
    Value v;
    v.desc = t->desc;
    v.data = std::move(*t);
    values_[init.name()] = std::move(v);
  }
  if (graph.sparse_initializer_size() > 0) {
    return Unsupported("sparse initializers are not supported");
  }
  for (const auto& in : graph.input()) {
    // Before IR version 4, initializers were also listed as inputs (with a default value).
    if (values_.count(in.name())) continue;
    const std::string what = "input '" + in.name() + "'";
    if (!in.type().has_tensor_type()) {
      const char* kind = in.type().has_sequence_type()   ? "a sequence"
                         : in.type().has_optional_type() ? "an optional"
                         : in.type().has_map_type()      ? "a map"
                                                         : "not a tensor";
      return Unsupported(what, " is ", kind, "; WebNN graph inputs are tensors");
    }
    const auto& tt = in.type().tensor_type();
    auto type = FromOnnxType(tt.elem_type());
    if (!type.ok()) return std::move(type.error().Prefix(what));
    OperandDescriptor desc{*type, {}};
    if (!tt.has_shape()) {
      return Unsupported(what, " has no shape; WebNN graph inputs need a static shape");
    }
    for (int d = 0; d < tt.shape().dim_size(); ++d) {
      const auto& dim = tt.shape().dim(d);
      if (dim.has_dim_value()) {
        if (dim.dim_value() <= 0 || dim.dim_value() > std::numeric_limits<int32_t>::max()) {
          return Unsupported(what, " dimension ", d, " is ", dim.dim_value(),
                             " (WebNN tensors have no empty dimensions)");
        }
        desc.shape.push_back(static_cast<uint32_t>(dim.dim_value()));
      } else if (dim.has_dim_param() && !dim.dim_param().empty()) {
        auto it = options_.dims.find(dim.dim_param());
        if (it == options_.dims.end()) {
          return MakeError(ErrorCode::kTypeError, what, " dimension ", d,
                           " is the free dimension '", dim.dim_param(), "': give its size (--dim ",
                           dim.dim_param(), "=VALUE, or the dims import option)");
        }
        if (it->second == 0) {
          return Unsupported(what, " dimension ", d, " ('", dim.dim_param(),
                             "') is 0 (WebNN tensors have no empty dimensions)");
        }
        desc.shape.push_back(it->second);
      } else {
        return MakeError(ErrorCode::kTypeError, what, " dimension ", d,
                         " has neither a size nor a name; the model needs a static shape there");
      }
    }
    auto id = builder_.AddInput(in.name(), desc);
    if (!id.ok()) return std::move(id.error());
    values_[in.name()] = Value{desc, *id, std::nullopt};
  }
  return {};
}

Status Importer::ConvertNode(const onnx::NodeProto& node, size_t index) {
  node_ = &node;
  attrs_.emplace(node);
  label_ = node.name().empty() ? node.op_type() + "#" + std::to_string(index) : node.name();
  for (const auto& in : node.input()) {
    if (in.empty()) continue;
    if (blocked_.count(in)) {
      // Report mode: this node depends on a blocked one and cannot be checked; its results are
      // blocked too, silently (the cause is already listed).
      for (const auto& out : node.output()) blocked_.insert(out);
      return {};
    }
    if (!values_.count(in)) return MakeError(ErrorCode::kDataError, "unknown input '", in, "'");
  }
  if (!node.domain().empty() && node.domain() != "ai.onnx") {
    return Unsupported("operators of domain '", node.domain(), "' have no WebNN equivalent");
  }
  auto it = handlers_.find(node.op_type());
  if (it == handlers_.end()) {
    return Unsupported("no WebNN equivalent or decomposition for ONNX op ", node.op_type());
  }
  WEBNN_RETURN_IF_ERROR(it->second());
  for (size_t i = 0; i < OutputCount(); ++i) {
    if (HasOutput(i) && OutputUsed(i) && !values_.count(node.output(static_cast<int>(i)))) {
      return Unsupported("output ", i, " ('", node.output(static_cast<int>(i)),
                         "') is not supported");
    }
  }
  return {};
}

Result<GraphInfo> Importer::Finish() {
  std::vector<std::pair<std::string, OperandId>> outputs;
  for (const auto& out : model_->graph().output()) {
    auto it = values_.find(out.name());
    if (it == values_.end()) {
      return MakeError(ErrorCode::kDataError, "graph output '", out.name(), "' is never computed");
    }
    Value& v = it->second;
    OperandId id = v.id;
    if (id == kNoOperand) {
      WEBNN_ASSIGN_OR_RETURN(id, Constant(*v.data));
      v.id = id;
    }
    // WebNN graph outputs are results of operations: a constant or an input passes through
    // identity, and so does an operand already given another output name.
    bool taken = false;
    for (const auto& [name, other] : outputs) taken = taken || other == id;
    if (builder_.operand(id).kind != OperandKind::kOutput || taken) {
      label_ = "output " + out.name();
      WEBNN_ASSIGN_OR_RETURN(id, Unary(OpKind::kIdentity, id));
    }
    outputs.emplace_back(out.name(), id);
  }
  auto graph = builder_.Build(outputs);
  if (!graph.ok()) return std::move(graph.error());
  graph->name = model_->graph().name();
  return graph;
}

// ---- Helpers ----------------------------------------------------------------------------------

bool Importer::OutputUsed(size_t i) const {
  return HasOutput(i) && consumed_.count(node_->output(static_cast<int>(i))) > 0;
}

const Value& Importer::In(size_t i) const {
  // An absent input reads as an unknown scalar: converters check HasInput where it is optional,
  // and X() rejects it, so a node missing a required input is an error, never a bad access.
  static const Value kMissing;
  if (!HasInput(i)) return kMissing;
  return values_.at(node_->input(static_cast<int>(i)));
}

Status Importer::CheckFoldSize(const std::vector<uint32_t>& shape, DataType type) const {
  uint64_t elements = 1;
  for (uint32_t d : shape) {
    if (d != 0 && elements > std::numeric_limits<uint64_t>::max() / d) {
      elements = std::numeric_limits<uint64_t>::max();
      break;
    }
    elements *= d;
  }
  const uint64_t bytes_per = std::max<uint64_t>(1, DataTypeBits(type) / 8);
  if (elements > options_.limits.max_tensor_byte_length / bytes_per) {
    return Unsupported("a value of shape ", ShapeToString(shape),
                       " is too large to evaluate at import");
  }
  return {};
}

bool Importer::AllKnown() const {
  if (InputCount() == 0) return false;
  for (size_t i = 0; i < InputCount(); ++i) {
    if (!HasInput(i) || !In(i).data) return false;
  }
  return true;
}

Result<Tensor> Importer::NeedKnown(size_t i, std::string_view what) const {
  if (!HasInput(i)) return Unsupported("input ", i, " (", what, ") is missing");
  if (!In(i).data) {
    return Unsupported("input ", i, " (", what, ", '", node_->input(static_cast<int>(i)),
                       "') must be known at import; it is computed at run time");
  }
  return *In(i).data;
}

Result<std::vector<int64_t>> Importer::NeedInts(size_t i, std::string_view what) const {
  WEBNN_ASSIGN_OR_RETURN(Tensor t, NeedKnown(i, what));
  if (IsFloatingPoint(t.desc.dataType)) {
    return MakeError(ErrorCode::kTypeError, "input ", i, " (", what, ") must be integers");
  }
  return t.Ints();
}

Result<OperandId> Importer::X(size_t i) {
  if (!HasInput(i)) return MakeError(ErrorCode::kTypeError, "input ", i, " is missing");
  Value& v = values_.at(node_->input(static_cast<int>(i)));
  if (v.id == kNoOperand) {
    auto id = builder_.AddConstant(v.desc, v.data->bytes, node_->input(static_cast<int>(i)));
    if (!id.ok()) {
      if (ElementCountOf(v.desc.shape) == 0) {
        return Unsupported("input ", i, " ('", node_->input(static_cast<int>(i)),
                           "') is an empty tensor ", ShapeToString(v.desc.shape),
                           "; WebNN tensors have no empty dimensions");
      }
      return std::move(id.error());
    }
    v.id = *id;
  }
  return v.id;
}

Result<uint32_t> Importer::Axis(int64_t axis, size_t rank) const {
  const auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) {
    return MakeError(ErrorCode::kTypeError, "axis ", axis, " is out of range for rank ", rank);
  }
  return static_cast<uint32_t>(axis < 0 ? axis + r : axis);
}

Result<std::vector<uint32_t>> Importer::Axes(const std::vector<int64_t>& axes, size_t rank) const {
  std::vector<uint32_t> out;
  for (int64_t a : axes) {
    WEBNN_ASSIGN_OR_RETURN(uint32_t x, Axis(a, rank));
    out.push_back(x);
  }
  return out;
}

Status Importer::SetOutput(size_t i, OperandId id) {
  if (!HasOutput(i)) return {};
  values_[node_->output(static_cast<int>(i))] = Value{D(id), id, std::nullopt};
  builder_.SetOperandName(id, node_->output(static_cast<int>(i)));
  return {};
}

Status Importer::SetOutput(size_t i, Tensor t) {
  if (!HasOutput(i)) return {};
  Value v;
  v.desc = t.desc;
  v.data = std::move(t);
  values_[node_->output(static_cast<int>(i))] = std::move(v);
  return {};
}

Status Importer::SetOutputValue(size_t i, const Value& v) {
  if (!HasOutput(i)) return {};
  values_[node_->output(static_cast<int>(i))] = v;
  return {};
}

Result<std::vector<OperandId>> Importer::OpN(OpKind kind, std::vector<OperandId> inputs,
                                             webnn::Attrs attrs) {
  return builder_.AddOperation(kind, std::move(inputs), std::move(attrs), label_);
}

Result<OperandId> Importer::Op(OpKind kind, std::vector<OperandId> inputs, webnn::Attrs attrs) {
  WEBNN_ASSIGN_OR_RETURN(std::vector<OperandId> out,
                         OpN(kind, std::move(inputs), std::move(attrs)));
  return out.at(0);
}

Result<OperandId> Importer::Constant(const Tensor& t) {
  if (t.count() == 0) {
    return Unsupported("an empty tensor ", ShapeToString(t.desc.shape),
                       " cannot be a WebNN operand");
  }
  return builder_.AddConstant(t.desc, t.bytes);
}

Result<OperandId> Importer::Scalar(DataType type, double value) {
  const double v[] = {value};
  return Constant(Tensor::FromDoubles(type, {}, v));
}

Result<OperandId> Importer::Reshape(OperandId x, std::vector<uint32_t> shape) {
  if (D(x).shape == shape) return x;
  return Op(OpKind::kReshape, {x}, NewShapeAttrs{std::move(shape)});
}

Result<OperandId> Importer::Transpose(OperandId x, std::vector<uint32_t> perm) {
  bool identity = true;
  for (uint32_t i = 0; i < perm.size(); ++i) identity = identity && perm[i] == i;
  if (identity) return x;
  return Op(OpKind::kTranspose, {x}, TransposeAttrs{std::move(perm)});
}

Result<OperandId> Importer::Cast(OperandId x, DataType type) {
  if (D(x).dataType == type) return x;
  return Op(OpKind::kCast, {x}, CastAttrs{type});
}

Result<OperandId> Importer::NormalizeIndices(size_t input, uint32_t dim) {
  if (const Tensor* t = Known(input)) {
    std::vector<int64_t> v = t->Ints();
    bool negative = false;
    for (int64_t& x : v) {
      if (x < 0) {
        x += dim;
        negative = true;
      }
      if (x < 0 || x >= static_cast<int64_t>(dim)) {
        return MakeError(ErrorCode::kTypeError, "index ", x, " is out of range for size ", dim);
      }
    }
    if (negative) return Constant(Tensor::FromInts(t->desc.dataType, t->desc.shape, v));
    return X(input);
  }
  WEBNN_ASSIGN_OR_RETURN(OperandId idx, X(input));
  const DataType type = D(idx).dataType;
  if (type == DataType::kUint32 || type == DataType::kUint64) return idx;
  // where(idx < 0, idx + dim, idx)
  WEBNN_ASSIGN_OR_RETURN(OperandId zero, Scalar(type, 0));
  WEBNN_ASSIGN_OR_RETURN(OperandId size, Scalar(type, dim));
  WEBNN_ASSIGN_OR_RETURN(OperandId neg, Binary(OpKind::kLesser, idx, zero));
  WEBNN_ASSIGN_OR_RETURN(OperandId wrapped, Binary(OpKind::kAdd, idx, size));
  return Op(OpKind::kWhere, {neg, wrapped, idx}, NoAttrs{});
}

}  // namespace webnn::format::onnx_import
