// The importer's internals, shared by onnx_importer.cc (graph level, helpers), onnx_ops.cc (one
// converter per ONNX op) and onnx_fold.cc (host evaluation of values known at import).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <onnx/onnx_pb.h>

#include "format/onnx/onnx_import.h"
#include "format/onnx/onnx_tensor.h"
#include "ir/graph_builder.h"

namespace webnn::format::onnx_import {

// "Cannot be expressed": the error kind the report and the test runner count as a skip.
template <typename... Args>
Error Unsupported(const Args&... args) {
  return MakeError(ErrorCode::kNotSupportedError, args...);
}

// An ONNX value: a graph operand, a tensor known at import, or both (a constant that has been
// used as an operand).
struct Value {
  OperandDescriptor desc;
  OperandId id = kNoOperand;
  std::optional<Tensor> data;
};

// Typed access to a node's attributes.
class NodeAttrs {
 public:
  explicit NodeAttrs(const onnx::NodeProto& node) : node_(node) {}
  const onnx::AttributeProto* Find(std::string_view name) const;
  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  int64_t Int(std::string_view name, int64_t fallback) const;
  float Float(std::string_view name, float fallback) const;
  std::string String(std::string_view name, std::string fallback) const;
  std::optional<std::vector<int64_t>> Ints(std::string_view name) const;
  std::optional<std::vector<float>> Floats(std::string_view name) const;
  std::vector<std::string> Strings(std::string_view name) const;

 private:
  const onnx::NodeProto& node_;
};

// Host evaluation (onnx_fold.cc).
enum class HostBinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMax,
  kMin,
  kPow,
  kMod,
  kEqual,
  kLess,
  kGreater,
  kLessOrEqual,
  kGreaterOrEqual,
  kAnd,
  kOr,
  kXor
};
std::optional<std::vector<uint32_t>> BroadcastShapes(const std::vector<uint32_t>& a,
                                                     const std::vector<uint32_t>& b);
Result<Tensor> HostBinary(HostBinaryOp op, const Tensor& a, const Tensor& b);
Tensor HostCast(const Tensor& t, DataType to, bool to_bool);
// Output element i reads input element index_of(output multi-index).
Tensor HostMap(const Tensor& in, std::vector<uint32_t> out_shape,
               const std::function<size_t(const std::vector<uint32_t>&)>& index_of);
Tensor HostTranspose(const Tensor& in, const std::vector<uint32_t>& perm);
Tensor HostBroadcastTo(const Tensor& in, const std::vector<uint32_t>& shape);
Tensor HostConcat(const std::vector<const Tensor*>& parts, uint32_t axis);
Tensor HostSlice(const Tensor& in, const std::vector<int64_t>& starts,
                 const std::vector<int64_t>& steps, const std::vector<uint32_t>& out_shape);
Tensor HostWhere(const Tensor& cond, const Tensor& x, const Tensor& y);

class Importer {
 public:
  Importer(std::shared_ptr<const onnx::ModelProto> model, std::filesystem::path base_dir,
           const OnnxImportOptions& options, std::vector<OnnxNodeProblem>* problems);
  Result<GraphInfo> Run();
  std::vector<std::string> SupportedOps() const;

 private:
  using Handler = std::function<Status()>;
  void RegisterOps();  // onnx_ops.cc

  Status LoadInputsAndInitializers();
  Status ConvertNode(const onnx::NodeProto& node, size_t index);
  Result<GraphInfo> Finish();

  // ---- Helpers for the converters (the current node's inputs, outputs, attributes) ----
  int opset() const { return opset_; }
  const NodeAttrs& attrs() const { return *attrs_; }
  size_t InputCount() const { return static_cast<size_t>(node_->input_size()); }
  size_t OutputCount() const { return static_cast<size_t>(node_->output_size()); }
  bool HasInput(size_t i) const {
    return i < InputCount() && !node_->input(static_cast<int>(i)).empty();
  }
  bool HasOutput(size_t i) const {
    return i < OutputCount() && !node_->output(static_cast<int>(i)).empty();
  }
  // Whether a later node or the graph's outputs read output i.
  bool OutputUsed(size_t i) const;
  const Value& In(size_t i) const;
  const Tensor* Known(size_t i) const { return In(i).data ? &*In(i).data : nullptr; }
  bool AllKnown() const;
  // Input i's value, which must be known at import (`what` names it in the error).
  Result<Tensor> NeedKnown(size_t i, std::string_view what) const;
  Result<std::vector<int64_t>> NeedInts(size_t i, std::string_view what) const;
  // Input i as an operand (a known tensor becomes a graph constant, once).
  Result<OperandId> X(size_t i);
  const OperandDescriptor& D(OperandId id) const { return builder_.operand(id).desc; }
  const std::vector<uint32_t>& InShape(size_t i) const { return In(i).desc.shape; }
  uint32_t InRank(size_t i) const { return In(i).desc.rank(); }
  Result<uint32_t> Axis(int64_t axis, size_t rank) const;
  // A value evaluated at import must fit the context's tensor byte limit (so a hostile shape
  // cannot make the importer allocate without bound).
  Status CheckFoldSize(const std::vector<uint32_t>& shape, DataType type) const;
  Result<std::vector<uint32_t>> Axes(const std::vector<int64_t>& axes, size_t rank) const;

  Status SetOutput(size_t i, OperandId id);
  Status SetOutput(size_t i, Tensor t);
  Status SetOutputValue(size_t i, const Value& v);

  Result<OperandId> Op(OpKind kind, std::vector<OperandId> inputs, webnn::Attrs attrs);
  Result<std::vector<OperandId>> OpN(OpKind kind, std::vector<OperandId> inputs,
                                     webnn::Attrs attrs);
  Result<OperandId> Constant(const Tensor& t);
  Result<OperandId> Scalar(DataType type, double value);
  Result<OperandId> Reshape(OperandId x, std::vector<uint32_t> shape);
  Result<OperandId> Transpose(OperandId x, std::vector<uint32_t> perm);
  Result<OperandId> Cast(OperandId x, DataType type);
  Result<OperandId> Binary(OpKind kind, OperandId a, OperandId b) {
    return Op(kind, {a, b}, NoAttrs{});
  }
  Result<OperandId> Unary(OpKind kind, OperandId a) { return Op(kind, {a}, NoAttrs{}); }
  // Indices with ONNX's negative values counted from the end of `dim`.
  Result<OperandId> NormalizeIndices(size_t input, uint32_t dim);

  // ---- Converters shared by several ops (onnx_ops.cc) ----
  Status ReshapeTo(std::vector<uint32_t> shape);  // output 0 = input 0 reshaped
  Status ElementwiseUnary(OpKind kind);
  Status ElementwiseBinary(OpKind kind, std::optional<HostBinaryOp> host);
  Status Variadic(OpKind kind, std::optional<HostBinaryOp> host, bool mean);
  Status Reduce(OpKind kind);
  Status SoftmaxLike(int which);  // 0 softmax, 1 logSoftmax, 2 hardmax
  Status ConvLike(bool transpose);
  Result<OperandId> ConvCore(bool transpose, OperandId x, OperandId w, OperandId bias);
  Result<OperandId> Dequantized(OperandId x, OperandId scale, OperandId zp, int64_t axis);
  Result<OperandId> Quantized(OperandId y, OperandId scale, OperandId zp);
  Status IntegerOp(bool conv, bool qlinear);
  Status Pool(OpKind kind);
  Status Pool3d(OpKind kind);
  Status Conv3d();
  Status GlobalPool(OpKind kind);
  Status ArgMinMax(OpKind kind);
  Status Recurrent(bool lstm);
  Status SimpleRnn();
  Status QuantizeLike(bool quantize);
  Status Resize(bool upsample);
  Status Einsum();
  Status Lrn();
  Status Slice();
  Status Split();
  Status Gather();
  Status Pad();
  Status DepthSpace(bool to_space);
  Status OneHot();
  Status Loss(bool softmax_cross_entropy);

  std::shared_ptr<const onnx::ModelProto> model_;
  std::filesystem::path base_dir_;
  OnnxImportOptions options_;
  std::vector<OnnxNodeProblem>* problems_;
  GraphBuilderCore builder_;
  int opset_ = 1;
  std::unordered_map<std::string, Value> values_;
  std::set<std::string> blocked_;   // results of nodes that could not be imported (report mode)
  std::set<std::string> consumed_;  // names read by a node or listed as a graph output
  std::unordered_map<std::string, Handler> handlers_;
  // The node being converted.
  const onnx::NodeProto* node_ = nullptr;
  std::optional<NodeAttrs> attrs_;
  std::string label_;
};

}  // namespace webnn::format::onnx_import
