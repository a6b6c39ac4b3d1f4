// ONNX export: a GraphInfo as an ONNX ModelProto (opset 17, the newest Debian's libonnx-dev
// knows with LayerNormalization), so that any WebNN graph can be run by a second runtime
// (ONNX Runtime) and compared. Each WebNN operation becomes one ONNX node or a short fixed
// sequence (layouts and axes ONNX lacks through Transpose nodes, WebNN's uint8 logical values
// through bool casts, linear as Mul + Add, reverse as Slice, lstm with peepholes unrolled, ...);
// int4/uint4 operands become int8/uint8 holding the same values. An operation that cannot be
// written is a NotSupportedError naming the operation, its label and the reason.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "ir/graph_info.h"
#include "webnn/error.h"

namespace webnn::format {

// The serialized ModelProto. Constants become initializers (their bytes copied once).
Result<std::string> ExportOnnxModel(const GraphInfo& graph);

// ExportOnnxModel written to `path`.
Status SaveGraphOnnx(const GraphInfo& graph, const std::filesystem::path& path);

}  // namespace webnn::format
