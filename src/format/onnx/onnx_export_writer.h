// The node-level writer of the ONNX export: an ONNX ModelProto under construction and the
// helpers that add nodes, attributes and constants to its graph under fresh names ("t<N>" for
// intermediate values, "k<N>" for constants, "n<N>" for nodes). The op mapping
// (onnx_export.cc, onnx_export_recurrent.cc) is written with it.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ir/graph_info.h"
#include "webnn/error.h"

namespace webnn::format::onnx_export {

// The ONNX element type of a WebNN data type. int4/uint4 become INT8/UINT8 (ONNX has 4-bit
// types from opset 21 on): their values are written one per byte.
Result<int> ToOnnxType(DataType t);
std::vector<int64_t> I64(const std::vector<uint32_t>& v);
// The permutation that undoes `perm`.
std::vector<int64_t> Inverse(const std::vector<int64_t>& perm);

class GraphWriter {
 public:
  GraphWriter() : graph_(model_.mutable_graph()) {}
  GraphWriter(const GraphWriter&) = delete;
  GraphWriter& operator=(const GraphWriter&) = delete;

  onnx::ModelProto& model() { return model_; }
  onnx::GraphProto& graph() { return *graph_; }

  // A graph input/output's declaration, and a constant's initializer (int4/uint4 unpacked).
  Status AddValueInfo(onnx::ValueInfoProto* info, const std::string& name,
                      const OperandDescriptor& d);
  Status AddInitializer(const std::string& name, const OperandDescriptor& d,
                        std::span<const std::byte> bytes);

  // A fresh name for an intermediate value.
  std::string Temp();
  // A node of `type` reading `inputs` ("" for an absent optional input), writing `outputs`.
  onnx::NodeProto* Node(const std::string& type, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs);
  static void Attr(onnx::NodeProto* n, const std::string& name, int64_t v);
  static void Attr(onnx::NodeProto* n, const std::string& name, double v);
  static void Attr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v);
  static void Attr(onnx::NodeProto* n, const std::string& name, const std::string& v);
  static void Attr(onnx::NodeProto* n, const std::string& name, const std::vector<std::string>& v);

  // New constants; each returns its name. ConstI64 is 1-D unless `scalar`; ConstScalar is of
  // a WebNN data type; Filled is a float32/float16 tensor of `d`'s shape.
  std::string ConstI64(const std::vector<int64_t>& v, bool scalar = false);
  Result<std::string> ConstScalar(double v, DataType type);
  std::string ConstDouble(double v);
  std::string Filled(const OperandDescriptor& d, float value);

  // One node of `type` on `inputs` with a fresh output; returns the output's name.
  std::string Apply(const std::string& type, const std::vector<std::string>& inputs);
  std::string CastTo(const std::string& x, int onnx_type);
  std::string ReshapedTo(const std::string& x, const std::vector<int64_t>& shape);
  std::string Transposed(const std::string& x, const std::vector<int64_t>& perm);
  // Elements [begin, end) of x along axis.
  std::string SliceAxis(const std::string& x, int64_t axis, int64_t begin, int64_t end);

 private:
  onnx::ModelProto model_;
  onnx::GraphProto* graph_;
  uint64_t counter_ = 0;
};

// One WebNN operation's operands under their ONNX value names.
struct OpValues {
  const GraphInfo& graph;
  const Operation& op;
  const std::vector<std::string>& names;  // by OperandId

  const std::string& In(size_t i) const { return names[op.inputs[i]]; }
  const std::string& Out(size_t i = 0) const { return names[op.outputs[i]]; }
  const OperandDescriptor& InDesc(size_t i) const { return graph.operands[op.inputs[i]].desc; }
  const OperandDescriptor& OutDesc(size_t i = 0) const {
    return graph.operands[op.outputs[i]].desc;
  }
  // Whether optional input i is given.
  bool Has(size_t i) const { return i < op.inputs.size() && op.inputs[i] != kNoOperand; }
};

}  // namespace webnn::format::onnx_export
