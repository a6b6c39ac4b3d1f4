// ONNX import: an ONNX model (ModelProto, opsets 7 to the newest libonnx knows) as a GraphInfo,
// built op by op through GraphBuilderCore so every imported operation is validated exactly as
// a hand-built one. ONNX ops map to WebNN ops directly or by a decomposition; subgraphs that
// compute shapes (Shape, Gather, Concat, ConstantOfShape, Range, arithmetic on small int64
// tensors, ...) are evaluated at import so the graph is static. This header has no protobuf
// types; src/format/onnx/onnx_model.h has the proto-level entry points.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "ir/graph_info.h"
#include "ops/validate.h"
#include "webnn/error.h"

namespace webnn::format {

struct OnnxImportOptions {
  ContextLimits limits;
  // Values of the models' free (symbolic) input dimensions, by dim_param name ("batch" -> 1).
  std::map<std::string, uint32_t> dims;
};

// A node that blocks the import: its name (or "#<index>" when it has none), op type, reason.
struct OnnxNodeProblem {
  std::string node;
  std::string op_type;
  std::string reason;
};

// Whether the first bytes of a file look like a serialized ModelProto: field 1 (ir_version,
// varint, tag 0x08) with a plausible version, followed by another ModelProto field's tag.
bool LooksLikeOnnx(std::span<const std::byte> head);

// Imports an ONNX model file. External-data tensors are read from files in the model's folder
// (and below it) only. Errors name the node (name or index), its op type and the reason.
Result<GraphInfo> ImportOnnxFile(const std::filesystem::path& path,
                                 const OnnxImportOptions& options);

// Imports what can be imported and lists every node that blocks the model (empty: it imports).
// Nodes that only consume the results of a blocked node cannot be checked and are not listed.
Result<std::vector<OnnxNodeProblem>> ReportOnnxFile(const std::filesystem::path& path,
                                                    const OnnxImportOptions& options);

// The ONNX op types (default domain) the importer converts, sorted.
std::vector<std::string> OnnxSupportedOps();

}  // namespace webnn::format
