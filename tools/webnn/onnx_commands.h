// The CLI's ONNX pieces (tools/webnn/onnx_commands.cc).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "webnn/error.h"

namespace webnn::cli {

// `webnn onnx-ops`: the ONNX op types the importer converts.
int CmdOnnxOps(const std::vector<std::string>& args);
// `webnn onnx-conformance DIR... [options]`.
int CmdOnnxConformance(const std::vector<std::string>& args);
// `webnn convert M.onnx --report`: lists every node that blocks the model; 1 if any.
int OnnxReport(const std::filesystem::path& path, const std::map<std::string, uint32_t>& dims);
// Parses one `--dim NAME=VALUE` into `dims`.
Status ParseDimOption(const std::string& value, std::map<std::string, uint32_t>& dims);

}  // namespace webnn::cli
