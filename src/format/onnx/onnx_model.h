// Proto-level entry points of the ONNX importer (src/format/onnx/onnx_import.h is the
// file-level one): for the ONNX backend-test runner, which reads TensorProto files, and for
// tests that build models in memory.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "format/onnx/onnx_import.h"
#include "format/onnx/onnx_tensor.h"

namespace webnn::format {

// Parses a serialized ModelProto (any size up to protobuf's 2 GiB message limit).
Result<std::shared_ptr<const onnx::ModelProto>> ParseOnnxModel(std::span<const std::byte> bytes);

// Imports a parsed model. Constants share the model's bytes (`model` is kept alive by them).
// `base_dir` is the folder external data is confined to (empty: external data is an error).
// With `problems`, a node that cannot be imported is recorded there and the import goes on;
// the result is then an error if any was recorded.
Result<GraphInfo> ImportOnnxModel(std::shared_ptr<const onnx::ModelProto> model,
                                  const std::filesystem::path& base_dir,
                                  const OnnxImportOptions& options,
                                  std::vector<OnnxNodeProblem>* problems = nullptr);

// A TensorProto's value. `owner` keeps `proto` alive: raw data is shared, not copied.
// External data is read from below `base_dir` (empty: not allowed).
Result<Tensor> ReadTensorProto(const onnx::TensorProto& proto, std::shared_ptr<const void> owner,
                               const std::filesystem::path& base_dir);

// The WebNN data type of an ONNX TensorProto data type (BOOL is uint8), or a NotSupportedError
// naming the type (DOUBLE, STRING, BFLOAT16, INT16, ...).
Result<DataType> FromOnnxType(int onnx_type);
std::string OnnxTypeName(int onnx_type);

}  // namespace webnn::format
