#include "proto_convert.h"

#include <google/protobuf/arena.h>

#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "ops/op_info.h"

namespace webnn::bench {

namespace {

namespace pb = benchpb;

// "WEBNNCP\0" little-endian, as wire::FILE_MAGIC in schema/webnn.capnp.
constexpr uint64_t kMagic = 0x0050434e4e424557;
constexpr uint32_t kFormatVersion = 1;

template <typename... Args>
Error DataError(const Args&... args) {
  return MakeError(ErrorCode::kDataError, args...);
}

// ---- Encoding --------------------------------------------------------------------------------

void SetList(pb::UintList* out, const UintList& v) {
  out->mutable_values()->Add(v.begin(), v.end());
}

void SetNumber(pb::MLNumber* out, const MLNumber& n) {
  switch (n.kind) {
    case MLNumber::Kind::kDouble:
      out->set_float64(n.d);
      break;
    case MLNumber::Kind::kInt64:
      out->set_int64(n.i);
      break;
    case MLNumber::Kind::kUint64:
      out->set_uint64(n.u);
      break;
  }
}

Status EncodeAttrs(const Attrs& attrs, pb::Operation& out) {
  return std::visit(
      [&](const auto& a) -> Status {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, NoAttrs>) {
          out.mutable_no_attrs();
        } else if constexpr (std::is_same_v<T, AxisAttrs>) {
          out.mutable_axis_attrs()->set_axis(a.axis);
        } else if constexpr (std::is_same_v<T, BatchNormalizationAttrs>) {
          auto* m = out.mutable_batch_normalization_attrs();
          m->set_axis(a.axis);
          m->set_epsilon(a.epsilon);
        } else if constexpr (std::is_same_v<T, ClampAttrs>) {
          auto* m = out.mutable_clamp_attrs();
          if (a.minValue) SetNumber(m->mutable_min_value(), *a.minValue);
          if (a.maxValue) SetNumber(m->mutable_max_value(), *a.maxValue);
        } else if constexpr (std::is_same_v<T, Conv2dAttrs>) {
          auto* m = out.mutable_conv2d_attrs();
          if (a.padding) SetList(m->mutable_padding(), *a.padding);
          if (a.strides) SetList(m->mutable_strides(), *a.strides);
          if (a.dilations) SetList(m->mutable_dilations(), *a.dilations);
          if (a.groups != 1) m->set_groups(a.groups);
          if (a.inputLayout != InputOperandLayout::kNchw) {
            m->set_input_layout(static_cast<pb::InputOperandLayout>(a.inputLayout));
          }
          if (a.filterLayout != Conv2dFilterOperandLayout::kOihw) {
            m->set_filter_layout(static_cast<pb::Conv2dFilterOperandLayout>(a.filterLayout));
          }
        } else if constexpr (std::is_same_v<T, EluAttrs>) {
          out.mutable_elu_attrs()->set_alpha(a.alpha);
        } else if constexpr (std::is_same_v<T, LeakyReluAttrs>) {
          out.mutable_leaky_relu_attrs()->set_alpha(a.alpha);
        } else if constexpr (std::is_same_v<T, HardSigmoidAttrs>) {
          auto* m = out.mutable_hard_sigmoid_attrs();
          m->set_alpha(a.alpha);
          m->set_beta(a.beta);
        } else if constexpr (std::is_same_v<T, LinearAttrs>) {
          auto* m = out.mutable_linear_attrs();
          m->set_alpha(a.alpha);
          m->set_beta(a.beta);
        } else if constexpr (std::is_same_v<T, NewShapeAttrs>) {
          out.mutable_new_shape_attrs()->mutable_new_shape()->Add(a.newShape.begin(),
                                                                  a.newShape.end());
        } else if constexpr (std::is_same_v<T, GemmAttrs>) {
          auto* m = out.mutable_gemm_attrs();
          if (a.alpha != 1.0) m->set_alpha(a.alpha);
          if (a.beta != 1.0) m->set_beta(a.beta);
          if (a.aTranspose) m->set_a_transpose(true);
          if (a.bTranspose) m->set_b_transpose(true);
        } else if constexpr (std::is_same_v<T, Pool2dAttrs>) {
          auto* m = out.mutable_pool2d_attrs();
          if (a.windowDimensions) SetList(m->mutable_window_dimensions(), *a.windowDimensions);
          if (a.padding) SetList(m->mutable_padding(), *a.padding);
          if (a.strides) SetList(m->mutable_strides(), *a.strides);
          if (a.dilations) SetList(m->mutable_dilations(), *a.dilations);
          if (a.layout != InputOperandLayout::kNchw) {
            m->set_layout(static_cast<pb::InputOperandLayout>(a.layout));
          }
          if (a.outputShapeRounding != RoundingType::kFloor) {
            m->set_output_shape_rounding(static_cast<pb::RoundingType>(a.outputShapeRounding));
          }
          if (a.outputSizes) SetList(m->mutable_output_sizes(), *a.outputSizes);
        } else if constexpr (std::is_same_v<T, ReduceAttrs>) {
          auto* m = out.mutable_reduce_attrs();
          if (a.axes) SetList(m->mutable_axes(), *a.axes);
          if (a.keepDimensions) m->set_keep_dimensions(true);
        } else if constexpr (std::is_same_v<T, TransposeAttrs>) {
          auto* m = out.mutable_transpose_attrs();
          if (a.permutation) SetList(m->mutable_permutation(), *a.permutation);
        } else {
          return DataError("attributes of operator kind ", static_cast<int>(attrs.index()),
                           " are not in bench/webnn_bench.proto");
        }
        return {};
      },
      attrs);
}

// ---- Decoding --------------------------------------------------------------------------------

std::optional<UintList> GetList(bool has, const pb::UintList& list) {
  if (!has) return std::nullopt;
  return UintList(list.values().begin(), list.values().end());
}

MLNumber GetNumber(const pb::MLNumber& n) {
  switch (n.value_case()) {
    case pb::MLNumber::kInt64:
      return MLNumber::Int(n.int64());
    case pb::MLNumber::kUint64:
      return MLNumber::Uint(n.uint64());
    case pb::MLNumber::kFloat64:
    case pb::MLNumber::VALUE_NOT_SET:
      break;
  }
  return MLNumber(n.float64());  // unset reads as the default, float64 0, as in the capnp schema
}

Result<Attrs> DecodeAttrs(const pb::Operation& in) {
  switch (in.attrs_case()) {
    case pb::Operation::kNoAttrs:
      return Attrs(NoAttrs{});
    case pb::Operation::kAxisAttrs:
      return Attrs(AxisAttrs{in.axis_attrs().axis()});
    case pb::Operation::kBatchNormalizationAttrs: {
      const auto& m = in.batch_normalization_attrs();
      BatchNormalizationAttrs a;
      a.axis = m.axis();
      a.epsilon = m.epsilon();
      return Attrs(a);
    }
    case pb::Operation::kClampAttrs: {
      const auto& m = in.clamp_attrs();
      ClampAttrs a;
      if (m.has_min_value()) a.minValue = GetNumber(m.min_value());
      if (m.has_max_value()) a.maxValue = GetNumber(m.max_value());
      return Attrs(a);
    }
    case pb::Operation::kConv2DAttrs: {
      const auto& m = in.conv2d_attrs();
      Conv2dAttrs a;
      a.padding = GetList(m.has_padding(), m.padding());
      a.strides = GetList(m.has_strides(), m.strides());
      a.dilations = GetList(m.has_dilations(), m.dilations());
      a.groups = m.groups();
      // proto2 enums are closed: an unknown value was left in the unknown fields, so these are
      // always in range.
      a.inputLayout = static_cast<InputOperandLayout>(m.input_layout());
      a.filterLayout = static_cast<Conv2dFilterOperandLayout>(m.filter_layout());
      return Attrs(a);
    }
    case pb::Operation::kEluAttrs:
      return Attrs(EluAttrs{in.elu_attrs().alpha()});
    case pb::Operation::kLeakyReluAttrs:
      return Attrs(LeakyReluAttrs{in.leaky_relu_attrs().alpha()});
    case pb::Operation::kHardSigmoidAttrs:
      return Attrs(
          HardSigmoidAttrs{in.hard_sigmoid_attrs().alpha(), in.hard_sigmoid_attrs().beta()});
    case pb::Operation::kLinearAttrs:
      return Attrs(LinearAttrs{in.linear_attrs().alpha(), in.linear_attrs().beta()});
    case pb::Operation::kNewShapeAttrs: {
      const auto& shape = in.new_shape_attrs().new_shape();
      return Attrs(NewShapeAttrs{UintList(shape.begin(), shape.end())});
    }
    case pb::Operation::kGemmAttrs: {
      const auto& m = in.gemm_attrs();
      GemmAttrs a;
      a.alpha = m.alpha();
      a.beta = m.beta();
      a.aTranspose = m.a_transpose();
      a.bTranspose = m.b_transpose();
      return Attrs(a);
    }
    case pb::Operation::kPool2DAttrs: {
      const auto& m = in.pool2d_attrs();
      Pool2dAttrs a;
      a.windowDimensions = GetList(m.has_window_dimensions(), m.window_dimensions());
      a.padding = GetList(m.has_padding(), m.padding());
      a.strides = GetList(m.has_strides(), m.strides());
      a.dilations = GetList(m.has_dilations(), m.dilations());
      a.layout = static_cast<InputOperandLayout>(m.layout());
      a.outputShapeRounding = static_cast<RoundingType>(m.output_shape_rounding());
      a.outputSizes = GetList(m.has_output_sizes(), m.output_sizes());
      return Attrs(a);
    }
    case pb::Operation::kReduceAttrs: {
      const auto& m = in.reduce_attrs();
      ReduceAttrs a;
      a.axes = GetList(m.has_axes(), m.axes());
      a.keepDimensions = m.keep_dimensions();
      return Attrs(a);
    }
    case pb::Operation::kTransposeAttrs: {
      const auto& m = in.transpose_attrs();
      return Attrs(TransposeAttrs{GetList(m.has_permutation(), m.permutation())});
    }
    case pb::Operation::ATTRS_NOT_SET:
      break;
  }
  return DataError("no attributes (or an attributes type this reader does not know)");
}

}  // namespace

Status GraphToProto(const GraphInfo& graph, pb::File& out) {
  out.set_magic(kMagic);
  out.set_format_version(kFormatVersion);
  pb::GraphInfo& g = *out.mutable_graph();
  if (!graph.name.empty()) g.set_name(graph.name);
  g.mutable_operands()->Reserve(static_cast<int>(graph.operands.size()));
  for (const Operand& operand : graph.operands) {
    pb::Operand* o = g.add_operands();
    o->set_kind(static_cast<pb::OperandKind>(operand.kind));
    pb::OperandDescriptor* d = o->mutable_desc();
    d->set_data_type(static_cast<pb::DataType>(operand.desc.dataType));
    d->mutable_shape()->Add(operand.desc.shape.begin(), operand.desc.shape.end());
    if (!operand.name.empty()) o->set_name(operand.name);
  }
  g.mutable_inputs()->Add(graph.inputs.begin(), graph.inputs.end());
  for (const GraphOutput& output : graph.outputs) {
    pb::GraphOutput* o = g.add_outputs();
    o->set_name(output.name);
    o->set_operand(output.operand);
  }
  g.mutable_operations()->Reserve(static_cast<int>(graph.operations.size()));
  for (size_t i = 0; i < graph.operations.size(); ++i) {
    const Operation& op = graph.operations[i];
    pb::Operation* o = g.add_operations();
    o->set_kind(static_cast<pb::OpKind>(op.kind));
    o->mutable_inputs()->Add(op.inputs.begin(), op.inputs.end());
    o->mutable_outputs()->Add(op.outputs.begin(), op.outputs.end());
    if (!op.label.empty()) o->set_label(op.label);
    Status s = EncodeAttrs(op.attrs, *o);
    if (!s.ok()) return std::move(s.error().Prefix("operations[" + std::to_string(i) + "]"));
  }
  g.mutable_constants()->Reserve(static_cast<int>(graph.constants.size()));
  for (const auto& [id, bytes] : graph.constants) {
    pb::Constant* c = g.add_constants();
    c->set_operand(id);
    c->set_data(bytes.data(), bytes.size());
  }
  return {};
}

Status EncodeGraphProto(const GraphInfo& graph, std::string& bytes) {
  google::protobuf::Arena arena;
  auto* file = google::protobuf::Arena::CreateMessage<pb::File>(&arena);
  WEBNN_RETURN_IF_ERROR(GraphToProto(graph, *file));
  if (!file->SerializeToString(&bytes)) {
    return DataError("protobuf serialization failed (message over 2 GiB?)");
  }
  return {};
}

Result<GraphInfo> DecodeGraphProto(std::span<const std::byte> bytes, const ContextLimits& limits) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return DataError("message of ", bytes.size(), " bytes is too large for protobuf");
  }
  auto arena = std::make_shared<google::protobuf::Arena>();
  auto* file = google::protobuf::Arena::CreateMessage<pb::File>(arena.get());
  if (!file->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return DataError("malformed protobuf message");
  }
  if (file->magic() != kMagic) return DataError("not a WebNN graph message (bad magic)");
  if (file->format_version() != kFormatVersion) {
    return DataError("unsupported format version ", file->format_version());
  }
  const pb::GraphInfo& in = file->graph();
  GraphInfo graph;
  graph.name = in.name();

  graph.operands.reserve(static_cast<size_t>(in.operands_size()));
  for (int i = 0; i < in.operands_size(); ++i) {
    const pb::Operand& o = in.operands(i);
    Operand operand;
    operand.kind = static_cast<OperandKind>(o.kind());
    operand.desc.dataType = static_cast<DataType>(o.desc().data_type());
    const auto& shape = o.desc().shape();
    if (static_cast<uint32_t>(shape.size()) > limits.max_rank) {
      return DataError("operands[", i, "]: rank ", shape.size(), " exceeds the maximum rank ",
                       limits.max_rank);
    }
    operand.desc.shape.assign(shape.begin(), shape.end());
    operand.name = o.name();
    graph.operands.push_back(std::move(operand));
  }
  graph.inputs.assign(in.inputs().begin(), in.inputs().end());
  graph.outputs.reserve(static_cast<size_t>(in.outputs_size()));
  for (const pb::GraphOutput& o : in.outputs()) {
    graph.outputs.push_back(GraphOutput{o.name(), o.operand()});
  }
  graph.operations.reserve(static_cast<size_t>(in.operations_size()));
  for (int i = 0; i < in.operations_size(); ++i) {
    const pb::Operation& o = in.operations(i);
    Operation op;
    op.kind = static_cast<OpKind>(o.kind());
    op.inputs.assign(o.inputs().begin(), o.inputs().end());
    op.outputs.assign(o.outputs().begin(), o.outputs().end());
    op.label = o.label();
    auto attrs = DecodeAttrs(o);
    if (!attrs.ok())
      return std::move(attrs.error().Prefix("operations[" + std::to_string(i) + "]"));
    op.attrs = std::move(*attrs);
    if (op.attrs.index() != GetOpInfo(op.kind).attrs_index) {
      return DataError("operations[", i, "] (", OpName(op.kind), "): attributes of the wrong type");
    }
    graph.operations.push_back(std::move(op));
  }
  for (int i = 0; i < in.constants_size(); ++i) {
    const pb::Constant& c = in.constants(i);
    const uint32_t id = c.operand();
    if (id >= graph.operands.size() || graph.operands[id].kind != OperandKind::kConstant) {
      return DataError("constants[", i, "]: operand ", id, " is not a constant operand");
    }
    const std::string& data = c.data();
    // No copy: the bytes stay in the message, which the arena (shared by every constant) owns.
    ByteBuffer buffer(arena, reinterpret_cast<const std::byte*>(data.data()), data.size());
    if (!graph.constants.emplace(id, std::move(buffer)).second) {
      return DataError("constants[", i, "]: operand ", id, " has data twice");
    }
  }
  return graph;
}

}  // namespace webnn::bench
