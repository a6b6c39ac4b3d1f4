#include "format/onnx/onnx_export.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <variant>

namespace webnn::format {

namespace {

constexpr int64_t kOpset = 17;

Result<int> ToOnnxType(DataType t) {
  switch (t) {
    case DataType::kFloat32:
      return onnx::TensorProto::FLOAT;
    case DataType::kFloat16:
      return onnx::TensorProto::FLOAT16;
    case DataType::kInt32:
      return onnx::TensorProto::INT32;
    case DataType::kUint32:
      return onnx::TensorProto::UINT32;
    case DataType::kInt64:
      return onnx::TensorProto::INT64;
    case DataType::kUint64:
      return onnx::TensorProto::UINT64;
    case DataType::kInt8:
      return onnx::TensorProto::INT8;
    case DataType::kUint8:
      return onnx::TensorProto::UINT8;
    // ONNX has 4-bit types from opset 21 on: int4/uint4 operands are written as int8/uint8
    // holding the same values (constants unpacked, quantizeLinear clamped to the 4-bit range).
    case DataType::kInt4:
      return onnx::TensorProto::INT8;
    case DataType::kUint4:
      return onnx::TensorProto::UINT8;
  }
  return MakeError(ErrorCode::kNotSupportedError, "ONNX export: data type ", DataTypeName(t),
                   " has no ONNX type");
}

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

std::vector<int64_t> I64(const std::vector<uint32_t>& v) { return {v.begin(), v.end()}; }

// The given axes, or every axis of a rank-`rank` operand.
std::vector<int64_t> AxesOrAll(const std::optional<UintList>& axes, size_t rank) {
  if (axes) return I64(*axes);
  std::vector<int64_t> all(rank);
  std::iota(all.begin(), all.end(), 0);
  return all;
}

uint32_t At(const std::optional<UintList>& v, size_t i, uint32_t fallback) {
  return v && i < v->size() ? (*v)[i] : fallback;
}

class Exporter {
 public:
  explicit Exporter(const GraphInfo& g) : g_(g) {}

  Result<std::string> Run() {
    model_.set_ir_version(8);  // ONNX 1.12's IR version, for opset 17
    model_.set_producer_name("webnn-cpp");
    auto* opset = model_.add_opset_import();
    opset->set_domain("");
    opset->set_version(kOpset);
    graph_ = model_.mutable_graph();
    graph_->set_name(g_.name.empty() ? "webnn" : g_.name);
    names_.resize(g_.operands.size());
    for (OperandId id = 0; id < g_.operands.size(); ++id) {
      const Operand& o = g_.operands[id];
      names_[id] = o.kind == OperandKind::kInput ? o.name : "v" + std::to_string(id);
    }
    for (const GraphOutput& out : g_.outputs) {
      // A graph output is written under its own name, unless that operand is an input or
      // constant or a second output: an Identity node then gives the name.
      const Operand& o = g_.operands[out.operand];
      if (o.kind == OperandKind::kOutput && !renamed_[out.operand]) {
        names_[out.operand] = out.name;
        renamed_[out.operand] = true;
      }
    }
    for (OperandId id : g_.inputs) {
      WEBNN_RETURN_IF_ERROR(AddValueInfo(graph_->add_input(), names_[id], g_.operands[id].desc));
    }
    for (const auto& [id, bytes] : g_.constants) {
      WEBNN_RETURN_IF_ERROR(AddInitializer(names_[id], g_.operands[id].desc, bytes.span()));
    }
    for (const Operation& op : g_.operations) {
      Status s = Emit(op);
      if (!s.ok()) {
        return std::move(s.error().Prefix("ONNX export of " + std::string(OpName(op.kind)) +
                                          (op.label.empty() ? "" : " '" + op.label + "'")));
      }
    }
    for (const GraphOutput& out : g_.outputs) {
      if (names_[out.operand] != out.name) Node("Identity", {names_[out.operand]}, {out.name});
      WEBNN_RETURN_IF_ERROR(
          AddValueInfo(graph_->add_output(), out.name, g_.operands[out.operand].desc));
    }
    std::string bytes;
    if (!model_.SerializeToString(&bytes)) {
      return MakeError(ErrorCode::kOperationError, "ONNX export: the model does not serialize");
    }
    return bytes;
  }

 private:
  Status AddValueInfo(onnx::ValueInfoProto* info, const std::string& name,
                      const OperandDescriptor& d) {
    WEBNN_ASSIGN_OR_RETURN(int type, ToOnnxType(d.dataType));
    info->set_name(name);
    auto* t = info->mutable_type()->mutable_tensor_type();
    t->set_elem_type(type);
    auto* shape = t->mutable_shape();
    for (uint32_t dim : d.shape) shape->add_dim()->set_dim_value(dim);
    return {};
  }

  Status AddInitializer(const std::string& name, const OperandDescriptor& d,
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
  std::string ConstI64(const std::vector<int64_t>& v, bool scalar = false) {
    const std::string name = "k" + std::to_string(counter_++);
    auto* t = graph_->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    if (!scalar) t->add_dims(static_cast<int64_t>(v.size()));
    for (int64_t x : v) t->add_int64_data(x);
    return name;
  }
  // A scalar of the operand's data type.
  Result<std::string> ConstScalar(double v, DataType type) {
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
  std::string Temp() { return "t" + std::to_string(counter_++); }

  onnx::NodeProto* Node(const std::string& type, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs) {
    auto* n = graph_->add_node();
    n->set_op_type(type);
    n->set_name("n" + std::to_string(graph_->node_size() - 1));
    for (const auto& i : inputs) n->add_input(i);
    for (const auto& o : outputs) n->add_output(o);
    return n;
  }
  static void Attr(onnx::NodeProto* n, const std::string& name, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void Attr(onnx::NodeProto* n, const std::string& name, double v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(static_cast<float>(v));
  }
  static void Attr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  }
  static void Attr(onnx::NodeProto* n, const std::string& name, const std::string& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
  }

  const std::string& In(const Operation& op, size_t i) const { return names_[op.inputs[i]]; }
  const std::string& Out(const Operation& op, size_t i = 0) const { return names_[op.outputs[i]]; }
  const OperandDescriptor& InDesc(const Operation& op, size_t i) const {
    return g_.operands[op.inputs[i]].desc;
  }
  const OperandDescriptor& OutDesc(const Operation& op) const {
    return g_.operands[op.outputs[0]].desc;
  }
  bool Has(const Operation& op, size_t i) const {
    return i < op.inputs.size() && op.inputs[i] != kNoOperand;
  }

  static std::vector<int64_t> Inverse(const std::vector<int64_t>& perm) {
    std::vector<int64_t> inverse(perm.size());
    for (size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = static_cast<int64_t>(i);
    return inverse;
  }

  std::string Transposed(const std::string& x, const std::vector<int64_t>& perm) {
    const std::string t = Temp();
    Attr(Node("Transpose", {x}, {t}), "perm", perm);
    return t;
  }

  // WebNN's uint8 0/1 results from ONNX's bool.
  void ToUint8(const std::string& bool_value, const std::string& out) {
    Attr(Node("Cast", {bool_value}, {out}), "to", int64_t{onnx::TensorProto::UINT8});
  }
  std::string CastTo(const std::string& x, int onnx_type) {
    const std::string y = Temp();
    Attr(Node("Cast", {x}, {y}), "to", int64_t{onnx_type});
    return y;
  }
  // Input i as int64 indices (ONNX's GatherND/ScatterND take int64 only, and uint32 is no ONNX
  // index type).
  std::string Indices(const Operation& op, size_t i) {
    return InDesc(op, i).dataType == DataType::kInt64 ? In(op, i)
                                                      : CastTo(In(op, i), onnx::TensorProto::INT64);
  }
  // ONNX Slice of input 0 into output 0.
  Status StridedSlice(const Operation& op, const std::vector<int64_t>& starts,
                      const std::vector<int64_t>& ends, const std::vector<int64_t>& axes,
                      const std::vector<int64_t>& steps) {
    Node("Slice", {In(op, 0), ConstI64(starts), ConstI64(ends), ConstI64(axes), ConstI64(steps)},
         {Out(op)});
    return {};
  }
  // One ONNX node of the given inputs and a new output; returns the output.
  std::string Apply(const std::string& type, const std::vector<std::string>& inputs) {
    const std::string y = Temp();
    Node(type, inputs, {y});
    return y;
  }
  std::string ReshapedTo(const std::string& x, const std::vector<int64_t>& shape) {
    return Apply("Reshape", {x, ConstI64(shape)});
  }
  // Elements [begin, end) of x along axis.
  std::string SliceAxis(const std::string& x, int64_t axis, int64_t begin, int64_t end) {
    return Apply("Slice", {x, ConstI64({begin}), ConstI64({end}), ConstI64({axis})});
  }
  // A double scalar constant.
  std::string ConstDouble(double v) {
    const std::string name = "k" + std::to_string(counter_++);
    auto* t = graph_->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::DOUBLE);
    t->add_double_data(v);
    return name;
  }

  // `x` of shape `from` blockwise broadcast to `to` (the spec's blockwise broadcasting of
  // quantization parameters: along each dimension, to[d] / from[d] consecutive elements share
  // one element): [f0, 1, f1, 1, ...] expanded to [f0, b0, f1, b1, ...], then reshaped.
  std::string Blockwise(const std::string& x, const std::vector<uint32_t>& from,
                        const std::vector<uint32_t>& to) {
    if (from == to) return x;
    std::vector<int64_t> pairs, blocks;
    const size_t offset = to.size() - from.size();
    for (size_t d = 0; d < to.size(); ++d) {
      const int64_t f = d < offset ? 1 : from[d - offset];
      pairs.insert(pairs.end(), {f, 1});
      blocks.insert(blocks.end(), {f, f == 0 ? 0 : int64_t{to[d]} / f});
    }
    const std::string expanded = Apply("Expand", {ReshapedTo(x, pairs), ConstI64(blocks)});
    return ReshapedTo(expanded, I64(to));
  }

  // saturate(roundEven(input / scale) + zeroPoint): the quotient in the input's type as WebNN
  // computes it (a NaN counts as 0), the sum and the clamp in double (exact), then the cast.
  Status QuantizeLinear(const Operation& op) {
    const auto& xs = InDesc(op, 0).shape;
    const DataType out_type = OutDesc(op).dataType;
    WEBNN_ASSIGN_OR_RETURN(int to, ToOnnxType(out_type));
    const std::string scale = Blockwise(In(op, 1), InDesc(op, 1).shape, xs);
    const std::string zero_point = Blockwise(In(op, 2), InDesc(op, 2).shape, xs);
    const std::string q =
        CastTo(Apply("Round", {Apply("Div", {In(op, 0), scale})}), onnx::TensorProto::DOUBLE);
    const std::string q0 = Apply("Where", {Apply("IsNaN", {q}), ConstDouble(0), q});
    const std::string sum = Apply("Add", {q0, CastTo(zero_point, onnx::TensorProto::DOUBLE)});
    // The quantized types' ranges.
    const std::map<DataType, std::pair<double, double>> ranges = {
        {DataType::kInt4, {-8.0, 7.0}},
        {DataType::kUint4, {0.0, 15.0}},
        {DataType::kInt8, {-128.0, 127.0}},
        {DataType::kUint8, {0.0, 255.0}},
        {DataType::kInt32, {-2147483648.0, 2147483647.0}},
        {DataType::kUint32, {0.0, 4294967295.0}}};
    const auto range = ranges.find(out_type);
    if (range == ranges.end()) {
      return MakeError(ErrorCode::kNotSupportedError, "a ", DataTypeName(out_type),
                       " output is not exported");
    }
    const auto [lo, hi] = range->second;
    const std::string clamped = Apply("Clip", {sum, ConstDouble(lo), ConstDouble(hi)});
    Attr(Node("Cast", {clamped}, {Out(op)}), "to", int64_t{to});
    return {};
  }

  // (input - zeroPoint) * scale: the difference exact in int64, the product in double, rounded
  // once to the output type.
  Status DequantizeLinear(const Operation& op) {
    const auto& xs = InDesc(op, 0).shape;
    WEBNN_ASSIGN_OR_RETURN(int to, ToOnnxType(OutDesc(op).dataType));
    const std::string scale = Blockwise(In(op, 1), InDesc(op, 1).shape, xs);
    const std::string zero_point = Blockwise(In(op, 2), InDesc(op, 2).shape, xs);
    const std::string diff = Apply("Sub", {CastTo(In(op, 0), onnx::TensorProto::INT64),
                                           CastTo(zero_point, onnx::TensorProto::INT64)});
    const std::string product = Apply(
        "Mul", {CastTo(diff, onnx::TensorProto::DOUBLE), CastTo(scale, onnx::TensorProto::DOUBLE)});
    Attr(Node("Cast", {product}, {Out(op)}), "to", int64_t{to});
    return {};
  }

  Status Conv(const Operation& op) {
    const auto& a = std::get<Conv2dAttrs>(op.attrs);
    const bool nhwc = a.inputLayout == InputOperandLayout::kNhwc;
    std::string x = nhwc ? Transposed(In(op, 0), {0, 3, 1, 2}) : In(op, 0);
    std::string w = In(op, 1);
    switch (a.filterLayout) {
      case Conv2dFilterOperandLayout::kOihw:
        break;
      case Conv2dFilterOperandLayout::kHwio:
        w = Transposed(w, {3, 2, 0, 1});
        break;
      case Conv2dFilterOperandLayout::kOhwi:
        w = Transposed(w, {0, 3, 1, 2});
        break;
      case Conv2dFilterOperandLayout::kIhwo:
        w = Transposed(w, {3, 0, 1, 2});
        break;
    }
    std::vector<std::string> inputs = {x, w};
    if (Has(op, 2)) inputs.push_back(In(op, 2));
    const std::string y = nhwc ? Temp() : Out(op);
    auto* n = Node("Conv", inputs, {y});
    Attr(n, "strides", std::vector<int64_t>{At(a.strides, 0, 1), At(a.strides, 1, 1)});
    Attr(n, "dilations", std::vector<int64_t>{At(a.dilations, 0, 1), At(a.dilations, 1, 1)});
    // WebNN [beginH, endH, beginW, endW] -> ONNX [beginH, beginW, endH, endW].
    Attr(n, "pads",
         std::vector<int64_t>{At(a.padding, 0, 0), At(a.padding, 2, 0), At(a.padding, 1, 0),
                              At(a.padding, 3, 0)});
    Attr(n, "group", int64_t{a.groups});
    if (nhwc) Attr(Node("Transpose", {y}, {Out(op)}), "perm", std::vector<int64_t>{0, 2, 3, 1});
    return {};
  }

  Status ConvTranspose(const Operation& op) {
    const auto& a = std::get<ConvTranspose2dAttrs>(op.attrs);
    const bool nhwc = a.inputLayout == InputOperandLayout::kNhwc;
    std::string x = nhwc ? Transposed(In(op, 0), {0, 3, 1, 2}) : In(op, 0);
    std::string w = In(op, 1);  // ONNX: [C_in, C_out / groups, kH, kW] = iohw
    switch (a.filterLayout) {
      case ConvTranspose2dFilterOperandLayout::kIohw:
        break;
      case ConvTranspose2dFilterOperandLayout::kHwoi:
        w = Transposed(w, {3, 2, 0, 1});
        break;
      case ConvTranspose2dFilterOperandLayout::kOhwi:
        w = Transposed(w, {3, 0, 1, 2});
        break;
    }
    const auto& xs = InDesc(op, 0).shape;
    const auto& ys = OutDesc(op).shape;
    const auto& ws = InDesc(op, 1).shape;
    // Kernel size from the filter in its layout.
    uint32_t kh = 0, kw = 0;
    switch (a.filterLayout) {
      case ConvTranspose2dFilterOperandLayout::kIohw:
        kh = ws[2], kw = ws[3];
        break;
      case ConvTranspose2dFilterOperandLayout::kHwoi:
        kh = ws[0], kw = ws[1];
        break;
      case ConvTranspose2dFilterOperandLayout::kOhwi:
        kh = ws[1], kw = ws[2];
        break;
    }
    const int64_t in_h = xs[nhwc ? 1 : 2], in_w = xs[nhwc ? 2 : 3];
    const int64_t out_h = ys[nhwc ? 1 : 2], out_w = ys[nhwc ? 2 : 3];
    const int64_t sh = At(a.strides, 0, 1), sw = At(a.strides, 1, 1);
    const int64_t dh = At(a.dilations, 0, 1), dw = At(a.dilations, 1, 1);
    const std::vector<int64_t> pads = {At(a.padding, 0, 0), At(a.padding, 2, 0),
                                       At(a.padding, 1, 0), At(a.padding, 3, 0)};
    // The output padding that gives WebNN's output size (outputSizes included).
    const int64_t oph = out_h - ((in_h - 1) * sh + (kh - 1) * dh + 1 - pads[0] - pads[2]);
    const int64_t opw = out_w - ((in_w - 1) * sw + (kw - 1) * dw + 1 - pads[1] - pads[3]);
    std::vector<std::string> inputs = {x, w};
    if (Has(op, 2)) inputs.push_back(In(op, 2));
    const std::string y = nhwc ? Temp() : Out(op);
    auto* n = Node("ConvTranspose", inputs, {y});
    Attr(n, "strides", std::vector<int64_t>{sh, sw});
    Attr(n, "dilations", std::vector<int64_t>{dh, dw});
    Attr(n, "pads", pads);
    Attr(n, "output_padding", std::vector<int64_t>{oph, opw});
    Attr(n, "group", int64_t{a.groups});
    if (nhwc) Attr(Node("Transpose", {y}, {Out(op)}), "perm", std::vector<int64_t>{0, 2, 3, 1});
    return {};
  }

  Status Pool(const Operation& op, const std::string& type) {
    const auto& a = std::get<Pool2dAttrs>(op.attrs);
    const bool nhwc = a.layout == InputOperandLayout::kNhwc;
    const auto& xs = InDesc(op, 0).shape;
    const auto& ys = OutDesc(op).shape;
    const int64_t in_h = xs[nhwc ? 1 : 2], in_w = xs[nhwc ? 2 : 3];
    const int64_t out_h = ys[nhwc ? 1 : 2], out_w = ys[nhwc ? 2 : 3];
    const int64_t kh = At(a.windowDimensions, 0, static_cast<uint32_t>(in_h));
    const int64_t kw = At(a.windowDimensions, 1, static_cast<uint32_t>(in_w));
    const int64_t sh = At(a.strides, 0, 1), sw = At(a.strides, 1, 1);
    const int64_t dh = At(a.dilations, 0, 1), dw = At(a.dilations, 1, 1);
    const std::vector<int64_t> pads = {At(a.padding, 0, 0), At(a.padding, 2, 0),
                                       At(a.padding, 1, 0), At(a.padding, 3, 0)};
    // Floor or ceiling rounding: whichever gives WebNN's output size (outputSizes included).
    const int64_t floor_h = (in_h + pads[0] + pads[2] - ((kh - 1) * dh + 1)) / sh + 1;
    const int64_t floor_w = (in_w + pads[1] + pads[3] - ((kw - 1) * dw + 1)) / sw + 1;
    const bool ceil = out_h != floor_h || out_w != floor_w;
    if (ceil && (out_h > floor_h + 1 || out_w > floor_w + 1)) {
      return MakeError(ErrorCode::kNotSupportedError, "output sizes [", out_h, ", ", out_w,
                       "] are neither floor nor ceiling rounding");
    }
    const std::string x = nhwc ? Transposed(In(op, 0), {0, 3, 1, 2}) : In(op, 0);
    const std::string y = nhwc ? Temp() : Out(op);
    const bool dilated = dh != 1 || dw != 1;
    if (dilated && type != "MaxPool") {
      // ONNX's AveragePool and LpPool take no dilations before opset 19: window sums as a
      // depthwise Conv with a dilated kernel of ones, padded at the end for ceiling rounding
      // (the padding adds zeros). average = sum / count of the window's elements inside the
      // input (a Conv of ones over the input's extent); l2 = sqrt(sum of squares).
      const OperandDescriptor& xd = InDesc(op, 0);
      const int64_t channels = xd.shape[nhwc ? 3 : 1];
      std::vector<int64_t> conv_pads = pads;
      conv_pads[2] +=
          std::max<int64_t>(0, (out_h - 1) * sh + (kh - 1) * dh + 1 - in_h - pads[0] - pads[2]);
      conv_pads[3] +=
          std::max<int64_t>(0, (out_w - 1) * sw + (kw - 1) * dw + 1 - in_w - pads[1] - pads[3]);
      auto window_sum = [&](const std::string& in, int64_t c) {
        const OperandDescriptor kernel{
            xd.dataType,
            {static_cast<uint32_t>(c), 1, static_cast<uint32_t>(kh), static_cast<uint32_t>(kw)}};
        auto* conv = Node("Conv", {in, Filled(kernel, 1.f)}, {Temp()});
        Attr(conv, "strides", std::vector<int64_t>{sh, sw});
        Attr(conv, "dilations", std::vector<int64_t>{dh, dw});
        Attr(conv, "pads", conv_pads);
        Attr(conv, "group", c);
        return conv->output(0);
      };
      if (type == "AveragePool") {
        const OperandDescriptor extent{
            xd.dataType, {1, 1, static_cast<uint32_t>(in_h), static_cast<uint32_t>(in_w)}};
        Node("Div", {window_sum(x, channels), window_sum(Filled(extent, 1.f), 1)}, {y});
      } else {
        Node("Sqrt", {window_sum(Apply("Mul", {x, x}), channels)}, {y});
      }
    } else {
      auto* n = Node(type, {x}, {y});
      Attr(n, "kernel_shape", std::vector<int64_t>{kh, kw});
      Attr(n, "strides", std::vector<int64_t>{sh, sw});
      Attr(n, "pads", pads);
      if (ceil) Attr(n, "ceil_mode", int64_t{1});
      // AveragePool's default count_include_pad = 0 is WebNN's average over the window's
      // elements inside the input.
      if (type == "LpPool") Attr(n, "p", int64_t{2});
      if (type == "MaxPool") Attr(n, "dilations", std::vector<int64_t>{dh, dw});
    }
    if (nhwc) Attr(Node("Transpose", {y}, {Out(op)}), "perm", std::vector<int64_t>{0, 2, 3, 1});
    return {};
  }

  Status Reduce(const Operation& op, const std::string& type) {
    const auto& a = std::get<ReduceAttrs>(op.attrs);
    const std::vector<int64_t> axes = AxesOrAll(a.axes, InDesc(op, 0).rank());
    if (axes.empty()) {
      // No axes reduces nothing but still applies the reduction to each element alone:
      // |x| (L1, L2), log(x), x * x, or x itself.
      if (type == "ReduceL1" || type == "ReduceL2") {
        Node("Abs", {In(op, 0)}, {Out(op)});
      } else if (type == "ReduceLogSum") {
        Node("Log", {In(op, 0)}, {Out(op)});
      } else if (type == "ReduceSumSquare") {
        Node("Mul", {In(op, 0), In(op, 0)}, {Out(op)});
      } else {
        Node("Identity", {In(op, 0)}, {Out(op)});
      }
      return {};
    }
    onnx::NodeProto* n;
    if (type == "ReduceSum") {  // opset 13+: axes as an input
      n = Node(type, {In(op, 0), ConstI64(axes)}, {Out(op)});
    } else {
      n = Node(type, {In(op, 0)}, {Out(op)});
      Attr(n, "axes", axes);
    }
    Attr(n, "keepdims", int64_t{a.keepDimensions ? 1 : 0});
    return {};
  }

  Status Emit(const Operation& op) {
    auto same = [&](const std::string& type) -> Status {
      std::vector<std::string> inputs;
      for (size_t i = 0; i < op.inputs.size(); ++i) inputs.push_back(Has(op, i) ? In(op, i) : "");
      Node(type, inputs, {Out(op)});
      return {};
    };
    // An ONNX predicate (bool result) as WebNN's uint8 0/1.
    auto compare = [&](const std::string& type) -> Status {
      const std::string t = Temp();
      std::vector<std::string> inputs;
      for (size_t i = 0; i < op.inputs.size(); ++i) inputs.push_back(In(op, i));
      Node(type, inputs, {t});
      ToUint8(t, Out(op));
      return {};
    };
    // WebNN's logical ops read any nonzero uint8 as true: ONNX's on bool casts of the inputs.
    auto logical = [&](const std::string& type) -> Status {
      const std::string t = Temp();
      std::vector<std::string> inputs;
      for (size_t i = 0; i < op.inputs.size(); ++i) {
        inputs.push_back(CastTo(In(op, i), onnx::TensorProto::BOOL));
      }
      Node(type, inputs, {t});
      ToUint8(t, Out(op));
      return {};
    };
    switch (op.kind) {
      case OpKind::kAdd:
        return same("Add");
      case OpKind::kSub:
        return same("Sub");
      case OpKind::kMul:
        return same("Mul");
      case OpKind::kDiv:
        return same("Div");
      case OpKind::kMax:
        return same("Max");
      case OpKind::kMin:
        return same("Min");
      case OpKind::kPow:
        return same("Pow");
      case OpKind::kEqual:
        return compare("Equal");
      case OpKind::kGreater:
        return compare("Greater");
      case OpKind::kGreaterOrEqual:
        return compare("GreaterOrEqual");
      case OpKind::kLesser:
        return compare("Less");
      case OpKind::kLesserOrEqual:
        return compare("LessOrEqual");
      case OpKind::kAbs:
        return same("Abs");
      case OpKind::kCeil:
        return same("Ceil");
      case OpKind::kCos:
        return same("Cos");
      case OpKind::kErf:
        return same("Erf");
      case OpKind::kExp:
        return same("Exp");
      case OpKind::kFloor:
        return same("Floor");
      case OpKind::kIdentity:
        return same("Identity");
      case OpKind::kLog:
        return same("Log");
      case OpKind::kNeg:
        return same("Neg");
      case OpKind::kReciprocal:
        return same("Reciprocal");
      case OpKind::kRoundEven:
        return same("Round");  // ONNX Round rounds halves to even
      case OpKind::kSin:
        return same("Sin");
      case OpKind::kSign:
        return same("Sign");
      case OpKind::kSqrt:
        return same("Sqrt");
      case OpKind::kTan:
        return same("Tan");
      case OpKind::kRelu:
        return same("Relu");
      case OpKind::kSigmoid:
        return same("Sigmoid");
      case OpKind::kTanh:
        return same("Tanh");
      case OpKind::kSoftplus:
        return same("Softplus");
      case OpKind::kSoftsign:
        return same("Softsign");
      case OpKind::kHardSwish:
        return same("HardSwish");
      case OpKind::kPrelu:
        return same("PRelu");
      case OpKind::kMatmul:
        return same("MatMul");
      case OpKind::kWhere:
        Node("Where", {CastTo(In(op, 0), onnx::TensorProto::BOOL), In(op, 1), In(op, 2)},
             {Out(op)});
        return {};
      case OpKind::kLogicalNot:
        return logical("Not");
      case OpKind::kLogicalAnd:
        return logical("And");
      case OpKind::kLogicalOr:
        return logical("Or");
      case OpKind::kLogicalXor:
        return logical("Xor");
      case OpKind::kElu:
        Attr(Node("Elu", {In(op, 0)}, {Out(op)}), "alpha", std::get<EluAttrs>(op.attrs).alpha);
        return {};
      case OpKind::kLeakyRelu:
        Attr(Node("LeakyRelu", {In(op, 0)}, {Out(op)}), "alpha",
             std::get<LeakyReluAttrs>(op.attrs).alpha);
        return {};
      case OpKind::kHardSigmoid: {
        const auto& a = std::get<HardSigmoidAttrs>(op.attrs);
        auto* n = Node("HardSigmoid", {In(op, 0)}, {Out(op)});
        Attr(n, "alpha", a.alpha);
        Attr(n, "beta", a.beta);
        return {};
      }
      case OpKind::kLinear: {
        const auto& a = std::get<LinearAttrs>(op.attrs);
        const DataType t = OutDesc(op).dataType;
        WEBNN_ASSIGN_OR_RETURN(std::string alpha, ConstScalar(a.alpha, t));
        WEBNN_ASSIGN_OR_RETURN(std::string beta, ConstScalar(a.beta, t));
        const std::string m = Temp();
        Node("Mul", {In(op, 0), alpha}, {m});
        Node("Add", {m, beta}, {Out(op)});
        return {};
      }
      case OpKind::kGelu: {
        // gelu(x) = x * 0.5 * (1 + erf(x / sqrt(2))) (ONNX Gelu is opset 20).
        const DataType t = OutDesc(op).dataType;
        WEBNN_ASSIGN_OR_RETURN(std::string rsqrt2, ConstScalar(1.0 / std::sqrt(2.0), t));
        WEBNN_ASSIGN_OR_RETURN(std::string one, ConstScalar(1.0, t));
        WEBNN_ASSIGN_OR_RETURN(std::string half, ConstScalar(0.5, t));
        const std::string a = Temp(), e = Temp(), p = Temp(), h = Temp();
        Node("Mul", {In(op, 0), rsqrt2}, {a});
        Node("Erf", {a}, {e});
        Node("Add", {e, one}, {p});
        Node("Mul", {In(op, 0), half}, {h});
        Node("Mul", {h, p}, {Out(op)});
        return {};
      }
      case OpKind::kClamp: {
        const auto& a = std::get<ClampAttrs>(op.attrs);
        const DataType t = InDesc(op, 0).dataType;
        std::string lo, hi;
        if (a.minValue) {
          WEBNN_ASSIGN_OR_RETURN(lo, ConstScalar(a.minValue->AsDouble(), t));
        }
        if (a.maxValue) {
          WEBNN_ASSIGN_OR_RETURN(hi, ConstScalar(a.maxValue->AsDouble(), t));
        }
        Node("Clip", {In(op, 0), lo, hi}, {Out(op)});
        return {};
      }
      case OpKind::kCast: {
        WEBNN_ASSIGN_OR_RETURN(int to, ToOnnxType(std::get<CastAttrs>(op.attrs).dataType));
        Attr(Node("Cast", {In(op, 0)}, {Out(op)}), "to", int64_t{to});
        return {};
      }
      case OpKind::kConv2d:
        return Conv(op);
      case OpKind::kConvTranspose2d:
        return ConvTranspose(op);
      case OpKind::kAveragePool2d:
        return Pool(op, "AveragePool");
      case OpKind::kMaxPool2d:
        return Pool(op, "MaxPool");
      case OpKind::kL2Pool2d:
        return Pool(op, "LpPool");
      case OpKind::kReshape:
        Node("Reshape", {In(op, 0), ConstI64(I64(OutDesc(op).shape))}, {Out(op)});
        return {};
      case OpKind::kExpand:
        Node("Expand", {In(op, 0), ConstI64(I64(OutDesc(op).shape))}, {Out(op)});
        return {};
      case OpKind::kTile:
        Node("Tile", {In(op, 0), ConstI64(I64(std::get<TileAttrs>(op.attrs).repetitions))},
             {Out(op)});
        return {};
      case OpKind::kTranspose: {
        const auto& a = std::get<TransposeAttrs>(op.attrs);
        std::vector<int64_t> perm;
        if (a.permutation) {
          perm = I64(*a.permutation);
        } else {
          for (int64_t i = InDesc(op, 0).rank(); i-- > 0;) perm.push_back(i);
        }
        Attr(Node("Transpose", {In(op, 0)}, {Out(op)}), "perm", perm);
        return {};
      }
      case OpKind::kConcat: {
        std::vector<std::string> inputs;
        for (size_t i = 0; i < op.inputs.size(); ++i) inputs.push_back(In(op, i));
        Attr(Node("Concat", inputs, {Out(op)}), "axis",
             int64_t{std::get<AxisAttrs>(op.attrs).axis});
        return {};
      }
      case OpKind::kSoftmax:
        Attr(Node("Softmax", {In(op, 0)}, {Out(op)}), "axis",
             int64_t{std::get<AxisAttrs>(op.attrs).axis});
        return {};
      case OpKind::kGather:
        Attr(Node("Gather", {In(op, 0), Indices(op, 1)}, {Out(op)}), "axis",
             int64_t{std::get<GatherAttrs>(op.attrs).axis});
        return {};
      case OpKind::kSlice: {
        // WebNN takes sizes[i] input elements from starts[i] on, every strides[i]-th of them.
        const auto& a = std::get<SliceAttrs>(op.attrs);
        std::vector<int64_t> starts = I64(a.starts), ends, axes, steps;
        for (size_t i = 0; i < a.starts.size(); ++i) {
          ends.push_back(starts[i] + int64_t{a.sizes[i]});
          axes.push_back(static_cast<int64_t>(i));
          steps.push_back(At(a.strides, i, 1));
        }
        return StridedSlice(op, starts, ends, axes, steps);
      }
      case OpKind::kGemm: {
        const auto& a = std::get<GemmAttrs>(op.attrs);
        std::vector<std::string> inputs = {In(op, 0), In(op, 1)};
        if (Has(op, 2)) inputs.push_back(In(op, 2));
        auto* n = Node("Gemm", inputs, {Out(op)});
        Attr(n, "alpha", a.alpha);
        Attr(n, "beta", a.beta);
        Attr(n, "transA", int64_t{a.aTranspose ? 1 : 0});
        Attr(n, "transB", int64_t{a.bTranspose ? 1 : 0});
        return {};
      }
      case OpKind::kBatchNormalization: {
        // ONNX normalizes axis 1: another axis is transposed there and back, a rank-1 input
        // reshaped to [1, C].
        const auto& a = std::get<BatchNormalizationAttrs>(op.attrs);
        const OperandDescriptor& x = InDesc(op, 0);
        const uint32_t c = x.shape[a.axis];
        const OperandDescriptor per_channel{x.dataType, {c}};
        std::string scale = Has(op, 3) ? In(op, 3) : "", bias = Has(op, 4) ? In(op, 4) : "";
        if (scale.empty()) scale = Filled(per_channel, 1.f);
        if (bias.empty()) bias = Filled(per_channel, 0.f);
        std::vector<int64_t> perm;  // the input's axes with `axis` at position 1
        for (int64_t d = 0; d < static_cast<int64_t>(x.rank()); ++d) {
          if (d != a.axis) perm.push_back(d);
        }
        perm.insert(perm.begin() + std::min<size_t>(1, perm.size()), a.axis);
        std::vector<int64_t> identity(perm.size());
        std::iota(identity.begin(), identity.end(), 0);
        std::string in = In(op, 0);
        if (x.rank() == 1) {
          in = ReshapedTo(in, {1, c});
        } else if (perm != identity) {
          in = Transposed(in, perm);
        }
        const bool restore = x.rank() == 1 || perm != identity;
        const std::string y = restore ? Temp() : Out(op);
        Attr(Node("BatchNormalization", {in, scale, bias, In(op, 1), In(op, 2)}, {y}), "epsilon",
             a.epsilon);
        if (x.rank() == 1) {
          Node("Reshape", {y, ConstI64({c})}, {Out(op)});
        } else if (restore) {
          Attr(Node("Transpose", {y}, {Out(op)}), "perm", Inverse(perm));
        }
        return {};
      }
      case OpKind::kLayerNormalization: {
        // ONNX normalizes the trailing axes from `axis` on, in order: other axes are
        // transposed to the end (in the given order, which is the scale's and bias's) and back.
        const auto& a = std::get<LayerNormalizationAttrs>(op.attrs);
        const OperandDescriptor& x = InDesc(op, 0);
        std::vector<int64_t> axes;
        if (a.axes) {
          axes = I64(*a.axes);
        } else {
          for (int64_t i = 1; i < static_cast<int64_t>(x.rank()); ++i) axes.push_back(i);
        }
        if (axes.empty()) {
          // Each element normalized alone: scale * (x - x) / sqrt(epsilon) + bias (NaN where x
          // is not finite).
          WEBNN_ASSIGN_OR_RETURN(std::string inv_std,
                                 ConstScalar(1.0 / std::sqrt(a.epsilon), x.dataType));
          std::string y = Apply("Mul", {Apply("Sub", {In(op, 0), In(op, 0)}), inv_std});
          if (Has(op, 1)) y = Apply("Mul", {y, In(op, 1)});
          Node(Has(op, 2) ? "Add" : "Identity",
               Has(op, 2) ? std::vector<std::string>{y, In(op, 2)} : std::vector<std::string>{y},
               {Out(op)});
          return {};
        }
        std::vector<int64_t> perm;
        for (int64_t d = 0; d < static_cast<int64_t>(x.rank()); ++d) {
          if (std::find(axes.begin(), axes.end(), d) == axes.end()) perm.push_back(d);
        }
        const int64_t first = static_cast<int64_t>(perm.size());
        perm.insert(perm.end(), axes.begin(), axes.end());
        std::vector<int64_t> identity(perm.size());
        std::iota(identity.begin(), identity.end(), 0);
        const bool transpose = perm != identity;
        OperandDescriptor norm{x.dataType, {}};
        for (int64_t axis : axes) norm.shape.push_back(x.shape[axis]);
        const std::string scale = Has(op, 1) ? In(op, 1) : Filled(norm, 1.f);
        std::vector<std::string> inputs = {transpose ? Transposed(In(op, 0), perm) : In(op, 0),
                                           scale};
        if (Has(op, 2)) inputs.push_back(In(op, 2));
        const std::string y = transpose ? Temp() : Out(op);
        auto* n = Node("LayerNormalization", inputs, {y});
        Attr(n, "axis", first);
        Attr(n, "epsilon", a.epsilon);
        if (transpose) Attr(Node("Transpose", {y}, {Out(op)}), "perm", Inverse(perm));
        return {};
      }
      case OpKind::kInstanceNormalization: {
        const auto& a = std::get<InstanceNormalizationAttrs>(op.attrs);
        const bool nhwc = a.layout == InputOperandLayout::kNhwc;
        const OperandDescriptor& x = InDesc(op, 0);
        const OperandDescriptor per_channel{x.dataType, {x.shape[nhwc ? 3 : 1]}};
        const std::string scale = Has(op, 1) ? In(op, 1) : Filled(per_channel, 1.f);
        const std::string bias = Has(op, 2) ? In(op, 2) : Filled(per_channel, 0.f);
        const std::string in = nhwc ? Transposed(In(op, 0), {0, 3, 1, 2}) : In(op, 0);
        const std::string y = nhwc ? Temp() : Out(op);
        Attr(Node("InstanceNormalization", {in, scale, bias}, {y}), "epsilon", a.epsilon);
        if (nhwc) Attr(Node("Transpose", {y}, {Out(op)}), "perm", std::vector<int64_t>{0, 2, 3, 1});
        return {};
      }
      case OpKind::kReduceL1:
        return Reduce(op, "ReduceL1");
      case OpKind::kReduceL2:
        return Reduce(op, "ReduceL2");
      case OpKind::kReduceLogSum:
        return Reduce(op, "ReduceLogSum");
      case OpKind::kReduceLogSumExp:
        return Reduce(op, "ReduceLogSumExp");
      case OpKind::kReduceMax:
        return Reduce(op, "ReduceMax");
      case OpKind::kReduceMean:
        return Reduce(op, "ReduceMean");
      case OpKind::kReduceMin:
        return Reduce(op, "ReduceMin");
      case OpKind::kReduceProduct:
        return Reduce(op, "ReduceProd");
      case OpKind::kReduceSum:
        return Reduce(op, "ReduceSum");
      case OpKind::kReduceSumSquare:
        return Reduce(op, "ReduceSumSquare");
      case OpKind::kPad: {
        const auto& a = std::get<PadAttrs>(op.attrs);
        std::vector<int64_t> pads = I64(a.beginningPadding);
        for (uint32_t e : a.endingPadding) pads.push_back(e);
        std::vector<std::string> inputs = {In(op, 0), ConstI64(pads)};
        if (a.mode == PaddingMode::kConstant) {
          WEBNN_ASSIGN_OR_RETURN(std::string v,
                                 ConstScalar(a.value.AsDouble(), OutDesc(op).dataType));
          inputs.push_back(v);
        }
        auto* n = Node("Pad", inputs, {Out(op)});
        switch (a.mode) {
          case PaddingMode::kConstant:
            Attr(n, "mode", std::string("constant"));
            break;
          case PaddingMode::kEdge:
            Attr(n, "mode", std::string("edge"));
            break;
          case PaddingMode::kReflection:
            Attr(n, "mode", std::string("reflect"));
            break;
        }
        return {};
      }
      case OpKind::kArgMin:
      case OpKind::kArgMax: {
        const auto& a = std::get<ArgMinMaxAttrs>(op.attrs);
        const bool i64 = a.outputDataType == DataType::kInt64;
        const std::string t = i64 ? Out(op) : Temp();
        auto* n = Node(op.kind == OpKind::kArgMin ? "ArgMin" : "ArgMax", {In(op, 0)}, {t});
        Attr(n, "axis", int64_t{a.axis});
        Attr(n, "keepdims", int64_t{a.keepDimensions ? 1 : 0});
        if (!i64) Attr(Node("Cast", {t}, {Out(op)}), "to", int64_t{onnx::TensorProto::INT32});
        return {};
      }
      case OpKind::kNotEqual: {
        const std::string eq = Temp(), ne = Temp();
        Node("Equal", {In(op, 0), In(op, 1)}, {eq});
        Node("Not", {eq}, {ne});
        ToUint8(ne, Out(op));
        return {};
      }
      case OpKind::kIsNaN:
        return compare("IsNaN");
      case OpKind::kIsInfinite:
        return compare("IsInf");
      case OpKind::kCumulativeSum: {
        const auto& a = std::get<CumulativeSumAttrs>(op.attrs);
        auto* n = Node("CumSum", {In(op, 0), ConstI64({a.axis}, /*scalar=*/true)}, {Out(op)});
        Attr(n, "exclusive", int64_t{a.exclusive ? 1 : 0});
        Attr(n, "reverse", int64_t{a.reversed ? 1 : 0});
        return {};
      }
      case OpKind::kQuantizeLinear:
        return QuantizeLinear(op);
      case OpKind::kDequantizeLinear:
        return DequantizeLinear(op);
      case OpKind::kGatherElements:
        Attr(Node("GatherElements", {In(op, 0), Indices(op, 1)}, {Out(op)}), "axis",
             int64_t{std::get<GatherAttrs>(op.attrs).axis});
        return {};
      case OpKind::kScatterElements:
        Attr(Node("ScatterElements", {In(op, 0), Indices(op, 1), In(op, 2)}, {Out(op)}), "axis",
             int64_t{std::get<GatherAttrs>(op.attrs).axis});
        return {};
      case OpKind::kGatherND:
        Node("GatherND", {In(op, 0), Indices(op, 1)}, {Out(op)});
        return {};
      case OpKind::kScatterND:
        Node("ScatterND", {In(op, 0), Indices(op, 1), In(op, 2)}, {Out(op)});
        return {};
      case OpKind::kResample2d: {
        // WebNN resamples with scale = outputSize / inputSize and half-pixel centres; nearest
        // rounds halves down: ONNX Resize with `sizes`, half_pixel, round_prefer_floor.
        const bool linear = std::get<Resample2dAttrs>(op.attrs).mode == InterpolationMode::kLinear;
        auto* n = Node("Resize", {In(op, 0), "", "", ConstI64(I64(OutDesc(op).shape))}, {Out(op)});
        Attr(n, "mode", std::string(linear ? "linear" : "nearest"));
        Attr(n, "coordinate_transformation_mode", std::string("half_pixel"));
        if (!linear) Attr(n, "nearest_mode", std::string("round_prefer_floor"));
        return {};
      }
      case OpKind::kReverse: {
        // Slice with step -1 from the last element past the first, on each reversed axis.
        const auto& a = std::get<ReverseAttrs>(op.attrs);
        const std::vector<int64_t> axes = AxesOrAll(a.axes, InDesc(op, 0).rank());
        if (axes.empty()) return same("Identity");
        const std::vector<int64_t> starts(axes.size(), -1), steps(axes.size(), -1);
        const std::vector<int64_t> ends(axes.size(), std::numeric_limits<int64_t>::min());
        return StridedSlice(op, starts, ends, axes, steps);
      }
      case OpKind::kSplit: {
        const auto& a = std::get<SplitAttrs>(op.attrs);
        std::vector<int64_t> sizes;
        for (OperandId out : op.outputs) sizes.push_back(g_.operands[out].desc.shape[a.axis]);
        std::vector<std::string> outs;
        for (size_t i = 0; i < op.outputs.size(); ++i) outs.push_back(Out(op, i));
        Attr(Node("Split", {In(op, 0), ConstI64(sizes)}, outs), "axis", int64_t{a.axis});
        return {};
      }
      case OpKind::kTriangular: {
        const auto& a = std::get<TriangularAttrs>(op.attrs);
        Attr(Node("Trilu", {In(op, 0), ConstI64({a.diagonal}, /*scalar=*/true)}, {Out(op)}),
             "upper", int64_t{a.upper ? 1 : 0});
        return {};
      }
      case OpKind::kGru:
      case OpKind::kGruCell:
      case OpKind::kLstm:
      case OpKind::kLstmCell:
        return Recurrent(op);
    }
    return MakeError(ErrorCode::kNotSupportedError, "no ONNX export for this operator yet");
  }

  // ---- gru, gruCell, lstm, lstmCell: unrolled into the spec's cell emulation --------------
  // ONNX's GRU/LSTM differ from WebNN's in places no attribute bridges (LSTM's output-gate
  // peephole reads the new cell state in ONNX, the incoming one in WebNN; GRU's gate order is
  // zrh in ONNX, zrn/rzn in WebNN), so every step is written as MatMul/Add/activation nodes.

  // One direction's parameters: weights transposed for x W^T as MatMul(x, Wt).
  struct CellParams {
    std::string wt, rt;  // [inputSize, gates * hidden], [hidden, gates * hidden]
    std::string bias, recurrent_bias, peephole;  // [gates * hidden], [3 * hidden]; "" if absent
  };
  struct CellState {
    std::string h, c;  // [batch, hidden]; c for LSTM only
  };

  std::string Activation(RecurrentNetworkActivation f, const std::string& x) {
    switch (f) {
      case RecurrentNetworkActivation::kRelu:
        return Apply("Relu", {x});
      case RecurrentNetworkActivation::kSigmoid:
        return Apply("Sigmoid", {x});
      case RecurrentNetworkActivation::kTanh:
        break;
    }
    return Apply("Tanh", {x});
  }

  // x W^T + bias and h R^T + recurrentBias for all gates at once: [batch, gates * hidden].
  std::pair<std::string, std::string> GateProducts(const CellParams& p, const std::string& x,
                                                   const std::string& h) {
    std::string xw = Apply("MatMul", {x, p.wt}), hr = Apply("MatMul", {h, p.rt});
    if (!p.bias.empty()) xw = Apply("Add", {xw, p.bias});
    if (!p.recurrent_bias.empty()) hr = Apply("Add", {hr, p.recurrent_bias});
    return {xw, hr};
  }

  // https://www.w3.org/TR/webnn/#api-mlgraphbuilder-grucell (the emulation's steps).
  std::string GruStep(const CellParams& p, const GruCellAttrs& a, const ActivationList& act,
                      DataType type, const std::string& x, const std::string& h) {
    const int64_t hs = a.hiddenSize;
    const auto [xw, hr] = GateProducts(p, x, h);
    const int64_t z_off = a.layout == GruWeightLayout::kZrn ? 0 : hs;
    const int64_t r_off = a.layout == GruWeightLayout::kZrn ? hs : 0;
    const int64_t n_off = 2 * hs;
    auto gate = [&](int64_t off) {
      return Apply("Add", {SliceAxis(xw, 1, off, off + hs), SliceAxis(hr, 1, off, off + hs)});
    };
    const std::string z = Activation(act[0], gate(z_off));
    const std::string r = Activation(act[0], gate(r_off));
    std::string recurrent_n;
    if (a.resetAfter) {
      recurrent_n = Apply("Mul", {r, SliceAxis(hr, 1, n_off, n_off + hs)});
    } else {
      recurrent_n = Apply("MatMul", {Apply("Mul", {r, h}), SliceAxis(p.rt, 1, n_off, n_off + hs)});
      if (!p.recurrent_bias.empty()) {
        recurrent_n =
            Apply("Add", {recurrent_n, SliceAxis(p.recurrent_bias, 0, n_off, n_off + hs)});
      }
    }
    const std::string n =
        Activation(act[1], Apply("Add", {SliceAxis(xw, 1, n_off, n_off + hs), recurrent_n}));
    // h' = z * h + (1 - z) * n
    const std::string one = Filled({type, {}}, 1.f);
    return Apply("Add", {Apply("Mul", {z, h}), Apply("Mul", {Apply("Sub", {one, z}), n})});
  }

  // https://www.w3.org/TR/webnn/#api-mlgraphbuilder-lstmcell (the emulation's steps; the
  // peepholes (i, o, f) multiply the incoming cell state).
  CellState LstmStep(const CellParams& p, const LstmCellAttrs& a, const ActivationList& act,
                     const std::string& x, const CellState& s) {
    const int64_t hs = a.hiddenSize;
    const auto [xw, hr] = GateProducts(p, x, s.h);
    const bool iofg = a.layout == LstmWeightLayout::kIofg;
    const int64_t i_off = 0, o_off = iofg ? hs : 3 * hs, f_off = iofg ? 2 * hs : hs,
                  g_off = iofg ? 3 * hs : 2 * hs;
    auto gate = [&](int64_t off, int peephole) {
      std::string v =
          Apply("Add", {SliceAxis(xw, 1, off, off + hs), SliceAxis(hr, 1, off, off + hs)});
      if (peephole >= 0 && !p.peephole.empty()) {
        const std::string w = SliceAxis(p.peephole, 0, peephole * hs, (peephole + 1) * hs);
        v = Apply("Add", {v, Apply("Mul", {w, s.c})});
      }
      return v;
    };
    const std::string i = Activation(act[0], gate(i_off, 0));
    const std::string f = Activation(act[0], gate(f_off, 2));
    const std::string g = Activation(act[1], gate(g_off, -1));
    const std::string o = Activation(act[0], gate(o_off, 1));
    CellState next;
    next.c = Apply("Add", {Apply("Mul", {f, s.c}), Apply("Mul", {i, g})});
    next.h = Apply("Mul", {o, Activation(act[2], next.c)});
    return next;
  }

  // Operand `slot` of op for direction `dir`: the [dir] slice of a sequence op's
  // [numDirections, ...] operand, or a cell op's operand itself; "" when absent.
  std::string PerDirection(const Operation& op, int slot, bool cell, int64_t dir) {
    if (slot < 0 || !Has(op, static_cast<size_t>(slot))) return "";
    if (cell) return In(op, slot);
    auto* n = Node("Gather", {In(op, slot), ConstI64({dir}, /*scalar=*/true)}, {Temp()});
    Attr(n, "axis", int64_t{0});
    return n->output(0);
  }

  Status Recurrent(const Operation& op) {
    const bool lstm = op.kind == OpKind::kLstm || op.kind == OpKind::kLstmCell;
    const bool cell = op.kind == OpKind::kGruCell || op.kind == OpKind::kLstmCell;
    const DataType type = InDesc(op, 0).dataType;
    // Slots: weight 1, recurrentWeight 2, then per op kind.
    struct Slots {
      int bias, recurrent_bias, peephole, hidden, cell_state;
    };
    Slots slots{};
    uint32_t steps = 1, hidden = 0;
    bool return_sequence = false;
    RecurrentNetworkDirection direction = RecurrentNetworkDirection::kForward;
    GruCellAttrs gru;
    LstmCellAttrs lstm_attrs;
    ActivationList act;
    const ActivationList gru_default = {RecurrentNetworkActivation::kSigmoid,
                                        RecurrentNetworkActivation::kTanh};
    const ActivationList lstm_default = {RecurrentNetworkActivation::kSigmoid,
                                         RecurrentNetworkActivation::kTanh,
                                         RecurrentNetworkActivation::kTanh};
    switch (op.kind) {
      case OpKind::kGru: {
        const auto& a = std::get<GruAttrs>(op.attrs);
        slots = {3, 4, -1, 5, -1};
        steps = a.steps, hidden = a.hiddenSize, return_sequence = a.returnSequence;
        direction = a.direction;
        gru = {a.hiddenSize, a.resetAfter, a.layout, a.activations};
        act = a.activations.value_or(gru_default);
        break;
      }
      case OpKind::kGruCell: {
        gru = std::get<GruCellAttrs>(op.attrs);
        slots = {4, 5, -1, 3, -1};
        hidden = gru.hiddenSize;
        act = gru.activations.value_or(gru_default);
        break;
      }
      case OpKind::kLstm: {
        const auto& a = std::get<LstmAttrs>(op.attrs);
        slots = {3, 4, 5, 6, 7};
        steps = a.steps, hidden = a.hiddenSize, return_sequence = a.returnSequence;
        direction = a.direction;
        lstm_attrs = {a.hiddenSize, a.layout, a.activations};
        act = a.activations.value_or(lstm_default);
        break;
      }
      default: {
        lstm_attrs = std::get<LstmCellAttrs>(op.attrs);
        slots = {5, 6, 7, 3, 4};
        hidden = lstm_attrs.hiddenSize;
        act = lstm_attrs.activations.value_or(lstm_default);
        break;
      }
    }
    if (act.size() != (lstm ? 3u : 2u)) {
      return MakeError(ErrorCode::kNotSupportedError, "expected ", lstm ? 3 : 2,
                       " activations, got ", act.size());
    }
    const auto& xs = InDesc(op, 0).shape;  // [steps, batch, input] or [batch, input]
    const int64_t batch = cell ? xs[0] : xs[1];
    const int64_t dirs = direction == RecurrentNetworkDirection::kBoth ? 2 : 1;
    const OperandDescriptor state_desc{type, {static_cast<uint32_t>(batch), hidden}};
    std::vector<std::string> final_h, final_c;
    // sequence[t][dir]: the hidden state written at input time t.
    std::vector<std::vector<std::string>> sequence(steps, std::vector<std::string>(dirs));
    for (int64_t dir = 0; dir < dirs; ++dir) {
      CellParams p;
      p.wt = Transposed(PerDirection(op, 1, cell, dir), {1, 0});
      p.rt = Transposed(PerDirection(op, 2, cell, dir), {1, 0});
      p.bias = PerDirection(op, slots.bias, cell, dir);
      p.recurrent_bias = PerDirection(op, slots.recurrent_bias, cell, dir);
      p.peephole = PerDirection(op, slots.peephole, cell, dir);
      CellState s;
      s.h = PerDirection(op, slots.hidden, cell, dir);
      if (s.h.empty()) s.h = Filled(state_desc, 0.f);
      if (lstm) {
        s.c = PerDirection(op, slots.cell_state, cell, dir);
        if (s.c.empty()) s.c = Filled(state_desc, 0.f);
      }
      const bool backward = dir == 1 || direction == RecurrentNetworkDirection::kBackward;
      for (uint32_t step = 0; step < steps; ++step) {
        const uint32_t t = backward ? steps - step - 1 : step;
        std::string x = In(op, 0);
        if (!cell) {
          auto* n = Node("Gather", {x, ConstI64({t}, /*scalar=*/true)}, {Temp()});
          Attr(n, "axis", int64_t{0});
          x = n->output(0);
        }
        if (lstm) {
          s = LstmStep(p, lstm_attrs, act, x, s);
        } else {
          s.h = GruStep(p, gru, act, type, x, s.h);
        }
        sequence[t][dir] = s.h;
      }
      final_h.push_back(s.h);
      final_c.push_back(s.c);
    }
    if (cell) {
      Node("Identity", {final_h[0]}, {Out(op, 0)});
      if (lstm) Node("Identity", {final_c[0]}, {Out(op, 1)});
      return {};
    }
    // [numDirections, batch, hidden] from the directions' [batch, hidden].
    auto stack_directions = [&](const std::vector<std::string>& parts, const std::string& out,
                                std::vector<int64_t> prefix) {
      std::vector<std::string> shaped;
      prefix.insert(prefix.end(), {1, batch, int64_t{hidden}});
      for (const std::string& part : parts) shaped.push_back(ReshapedTo(part, prefix));
      Attr(Node("Concat", shaped, {out}), "axis", static_cast<int64_t>(prefix.size() - 3));
    };
    stack_directions(final_h, Out(op, 0), {});
    if (lstm) stack_directions(final_c, Out(op, 1), {});
    if (return_sequence) {
      std::vector<std::string> per_step;
      for (const auto& dirs_at_t : sequence) {
        per_step.push_back(Temp());
        stack_directions(dirs_at_t, per_step.back(), {1});
      }
      Attr(Node("Concat", per_step, {Out(op, lstm ? 2 : 1)}), "axis", int64_t{0});
    }
    return {};
  }

  // A constant of `d` filled with `value` (float32 or float16 per-channel defaults).
  std::string Filled(const OperandDescriptor& d, float value) {
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

  const GraphInfo& g_;
  onnx::ModelProto model_;
  onnx::GraphProto* graph_ = nullptr;
  std::vector<std::string> names_;
  std::map<OperandId, bool> renamed_;
  uint64_t counter_ = 0;
};

}  // namespace

Result<std::string> ExportOnnxModel(const GraphInfo& graph) { return Exporter(graph).Run(); }

Status SaveGraphOnnx(const GraphInfo& graph, const std::filesystem::path& path) {
  WEBNN_ASSIGN_OR_RETURN(std::string bytes, ExportOnnxModel(graph));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return MakeError(ErrorCode::kOperationError, "cannot write ", path.string());
  return {};
}

}  // namespace webnn::format
