// Reading and writing graph files, whatever their format (told apart by content).
#pragma once

#include <filesystem>

#include "ir/graph_info.h"
#include "ops/validate.h"
#include "webnn/error.h"

namespace webnn::format {

// Loads a graph file: webnn-graph-json (with sidecar weights) or a `.webnn` Cap'n Proto file,
// told apart by the first bytes (not the name). The result has passed ValidateGraph with
// `limits`. Errors start with the path.
Result<GraphInfo> LoadGraphFile(const std::filesystem::path& path, const ContextLimits& limits);
// Saves by extension: ".json" writes webnn-graph-json with external weights beside it,
// ".webnn" one self-contained Cap'n Proto file; any other extension is a NotSupportedError.
Status SaveGraphFile(const GraphInfo& graph, const std::filesystem::path& path);

}  // namespace webnn::format
