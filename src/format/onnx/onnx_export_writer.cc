// The node-level writer of the ONNX export (onnx_export_writer.h).
#include "format/onnx/onnx_export_writer.h"

#include <map>
#include <string>

namespace webnn::format::onnx_export {

namespace {

// Packed int4/uint4 bytes (two per byte, low nibble first) as one byte per value.
std::string Unpack4Bit(std::span<const std::byte> packed, uint64_t count, bool is_signed) {
  std::string out(count, '\0');
  for (uint64_t i = 0; i < count; ++i) {
    const auto byte = std::to_integer<uint8_t>(packed[i / 2]);
    const uint8_t nibble = i % 2 ? byte >> 4 : byte & 0x0F;
    out[i] = static_cast<char>(is_signed && nibble >= 8 ? nibble - 16 : nibble);
  }
  return out;
}

}  // namespace

Result<int> ToOnnxType(DataType t) {
  // int4/uint4 operands are written as int8/uint8 holding the same values (ONNX has 4-bit
  // types from opset 21 on; constants are unpacked, quantizeLinear clamps to the 4-bit range).
  const std::map<DataType, int> types = {{DataType::kFloat32, onnx::TensorProto::FLOAT},
                                         {DataType::kFloat16, onnx::TensorProto::FLOAT16},
                                         {DataType::kInt32, onnx::TensorProto::INT32},
                                         {DataType::kUint32, onnx::TensorProto::UINT32},
                                         {DataType::kInt64, onnx::TensorProto::INT64},
                                         {DataType::kUint64, onnx::TensorProto::UINT64},
                                         {DataType::kInt8, onnx::TensorProto::INT8},
                                         {DataType::kUint8, onnx::TensorProto::UINT8},
                                         {DataType::kInt4, onnx::TensorProto::INT8},
                                         {DataType::kUint4, onnx::TensorProto::UINT8}};
  const auto it = types.find(t);
  if (it == types.end()) {
    return MakeError(ErrorCode::kNotSupportedError, "ONNX export: data type ", DataTypeName(t),
                     " has no ONNX type");
  }
  return it->second;
}

std::vector<int64_t> I64(const std::vector<uint32_t>& v) { return {v.begin(), v.end()}; }

Status GraphWriter::AddValueInfo(onnx::ValueInfoProto* info, const std::string& name,
                                 const OperandDescriptor& d) {
  WEBNN_ASSIGN_OR_RETURN(int type, ToOnnxType(d.dataType));
  info->set_name(name);
  auto* t = info->mutable_type()->mutable_tensor_type();
  t->set_elem_type(type);
  auto* shape = t->mutable_shape();
  for (uint32_t dim : d.shape) shape->add_dim()->set_dim_value(dim);
  return {};
}

Status GraphWriter::AddInitializer(const std::string& name, const OperandDescriptor& d,
                                   std::span<const std::byte> bytes) {
  WEBNN_ASSIGN_OR_RETURN(int type, ToOnnxType(d.dataType));
  auto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(type);
  for (uint32_t dim : d.shape) t->add_dims(dim);
  if (d.dataType == DataType::kInt4 || d.dataType == DataType::kUint4) {
    t->set_raw_data(Unpack4Bit(bytes, d.ElementCount(), d.dataType == DataType::kInt4));
  } else {
    t->set_raw_data(bytes.data(), bytes.size());  // little-endian, as ONNX's raw_data
  }
  return {};
}

// A new int64 (or float) constant; returns its name.
std::string GraphWriter::ConstI64(const std::vector<int64_t>& v, bool scalar) {
  const std::string name = "k" + std::to_string(counter_++);
  auto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  if (!scalar) t->add_dims(static_cast<int64_t>(v.size()));
  for (int64_t x : v) t->add_int64_data(x);
  return name;
}
// A scalar of the operand's data type.
Result<std::string> GraphWriter::ConstScalar(double v, DataType type) {
  const std::string name = "k" + std::to_string(counter_++);
  WEBNN_ASSIGN_OR_RETURN(int onnx_type, ToOnnxType(type));
  auto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx_type);
  switch (type) {
    case DataType::kFloat32:
      t->add_float_data(static_cast<float>(v));
      break;
    case DataType::kFloat16:  // the half's bits, in int32_data as ONNX stores float16
      t->add_int32_data(FloatToHalf(static_cast<float>(v)));
      break;
    case DataType::kInt32:
    case DataType::kInt8:
    case DataType::kUint8:
      t->add_int32_data(static_cast<int32_t>(v));
      break;
    case DataType::kInt64:
      t->add_int64_data(static_cast<int64_t>(v));
      break;
    case DataType::kUint32:
    case DataType::kUint64:
      t->add_uint64_data(static_cast<uint64_t>(v));
      break;
    default:
      return MakeError(ErrorCode::kNotSupportedError, "a ", DataTypeName(type),
                       " scalar is not exported");
  }
  return name;
}
std::string GraphWriter::Temp() { return "t" + std::to_string(counter_++); }

onnx::NodeProto* GraphWriter::Node(const std::string& type, const std::vector<std::string>& inputs,
                                   const std::vector<std::string>& outputs) {
  auto* n = graph_->add_node();
  n->set_op_type(type);
  n->set_name("n" + std::to_string(graph_->node_size() - 1));
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return n;
}
void GraphWriter::Attr(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}
void GraphWriter::Attr(onnx::NodeProto* n, const std::string& name, double v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(static_cast<float>(v));
}
void GraphWriter::Attr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}
void GraphWriter::Attr(onnx::NodeProto* n, const std::string& name, const std::string& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

void GraphWriter::Attr(onnx::NodeProto* n, const std::string& name,
                       const std::vector<std::string>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRINGS);
  for (const std::string& x : v) a->add_strings(x);
}

std::vector<int64_t> Inverse(const std::vector<int64_t>& perm) {
  std::vector<int64_t> inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = static_cast<int64_t>(i);
  return inverse;
}

std::string GraphWriter::Transposed(const std::string& x, const std::vector<int64_t>& perm) {
  const std::string t = Temp();
  Attr(Node("Transpose", {x}, {t}), "perm", perm);
  return t;
}

std::string GraphWriter::CastTo(const std::string& x, int onnx_type) {
  const std::string y = Temp();
  Attr(Node("Cast", {x}, {y}), "to", int64_t{onnx_type});
  return y;
}

// One ONNX node of the given inputs and a new output; returns the output.
std::string GraphWriter::Apply(const std::string& type, const std::vector<std::string>& inputs) {
  const std::string y = Temp();
  Node(type, inputs, {y});
  return y;
}
std::string GraphWriter::ReshapedTo(const std::string& x, const std::vector<int64_t>& shape) {
  return Apply("Reshape", {x, ConstI64(shape)});
}
// Elements [begin, end) of x along axis.
std::string GraphWriter::SliceAxis(const std::string& x, int64_t axis, int64_t begin, int64_t end) {
  return Apply("Slice", {x, ConstI64({begin}), ConstI64({end}), ConstI64({axis})});
}
// A double scalar constant.
std::string GraphWriter::ConstDouble(double v) {
  const std::string name = "k" + std::to_string(counter_++);
  auto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::DOUBLE);
  t->add_double_data(v);
  return name;
}

// A constant of `d` filled with `value` (float32 or float16 per-channel defaults).
std::string GraphWriter::Filled(const OperandDescriptor& d, float value) {
  const std::string name = "k" + std::to_string(counter_++);
  auto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (uint32_t dim : d.shape) t->add_dims(dim);
  for (uint64_t i = 0; i < d.ElementCount(); ++i) t->add_float_data(value);
  if (d.dataType == DataType::kFloat16) {
    // Cast keeps the graph's float16 type.
    const std::string half = Temp();
    Attr(Node("Cast", {name}, {half}), "to", int64_t{onnx::TensorProto::FLOAT16});
    return half;
  }
  return name;
}

}  // namespace webnn::format::onnx_export
