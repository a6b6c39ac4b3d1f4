#include "format/onnx/onnx_export.h"

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

#include "format/onnx/onnx_export_recurrent.h"
#include "format/onnx/onnx_export_writer.h"

namespace webnn::format {

namespace {

using namespace onnx_export;  // NOLINT: the writer and its helpers

constexpr int64_t kOpset = 17;

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

class Exporter : GraphWriter {
 public:
  explicit Exporter(const GraphInfo& g) : g_(g) {}

  Result<std::string> Run() {
    model().set_ir_version(8);  // ONNX 1.12's IR version, for opset 17
    model().set_producer_name("webnn-cpp");
    auto* opset = model().add_opset_import();
    opset->set_domain("");
    opset->set_version(kOpset);
    graph().set_name(g_.name.empty() ? "webnn" : g_.name);
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
      WEBNN_RETURN_IF_ERROR(AddValueInfo(graph().add_input(), names_[id], g_.operands[id].desc));
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
          AddValueInfo(graph().add_output(), out.name, g_.operands[out.operand].desc));
    }
    std::string bytes;
    if (!model().SerializeToString(&bytes)) {
      return MakeError(ErrorCode::kOperationError, "ONNX export: the model does not serialize");
    }
    return bytes;
  }

 private:
  OpValues Values(const Operation& op) const { return {g_, op, names_}; }
  const std::string& In(const Operation& op, size_t i) const { return Values(op).In(i); }
  const std::string& Out(const Operation& op, size_t i = 0) const { return Values(op).Out(i); }
  const OperandDescriptor& InDesc(const Operation& op, size_t i) const {
    return Values(op).InDesc(i);
  }
  const OperandDescriptor& OutDesc(const Operation& op) const { return Values(op).OutDesc(); }
  bool Has(const Operation& op, size_t i) const { return Values(op).Has(i); }

  // WebNN's uint8 0/1 results from ONNX's bool.
  void ToUint8(const std::string& bool_value, const std::string& out) {
    Attr(Node("Cast", {bool_value}, {out}), "to", int64_t{onnx::TensorProto::UINT8});
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
        return ExportRecurrent(*this, Values(op));
    }
    return MakeError(ErrorCode::kNotSupportedError, "no ONNX export for this operator yet");
  }

  const GraphInfo& g_;
  std::vector<std::string> names_;
  std::map<OperandId, bool> renamed_;
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
