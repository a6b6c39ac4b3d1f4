// Reading and writing graph files, whatever their format (told apart by content).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "ir/graph_info.h"
#include "ops/validate.h"
#include "webnn/error.h"

namespace webnn::format {

// Options of formats with free dimensions (ONNX): the size of each by name.
struct GraphFileOptions {
  std::map<std::string, uint32_t> dims;
};

// Loads a graph file: webnn-graph-json (with sidecar weights), a `.webnn` Cap'n Proto file or an
// ONNX model, told apart by the first bytes (not the name). The result has passed ValidateGraph
// with `limits`. Errors start with the path.
Result<GraphInfo> LoadGraphFile(const std::filesystem::path& path, const ContextLimits& limits,
                                const GraphFileOptions& options = {});
// Saves by extension: ".json" writes webnn-graph-json with external weights beside it,
// ".webnn" one self-contained Cap'n Proto file; any other extension is a NotSupportedError.
Status SaveGraphFile(const GraphInfo& graph, const std::filesystem::path& path);

}  // namespace webnn::format
