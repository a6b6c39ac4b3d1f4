#include "format/graph_file.h"

#include <fstream>

#include "format/capnp/codec.h"
#include "format/json/graph_json.h"
#include "format/onnx/onnx_import.h"
#include "ir/validate_graph.h"
#include "util/file_check.h"

namespace webnn::format {

namespace {

enum class FileKind { kJson, kCapnp, kOnnx, kUnknown };

// Tells the format from the first bytes, never from the name. An ONNX model (protobuf) starts
// with ir_version's tag 0x08 and a small nonzero version, then another ModelProto field's tag
// (LooksLikeOnnx); it is checked first because protobuf bytes may hold a NUL (an empty
// producer_name is "12 00"). A Cap'n Proto message starts with its segment count - 1 as a
// little-endian u32, so its first four bytes hold a NUL for any sane count, which JSON text
// never contains; even a count of 9 segments (08 00 00 00) is no ONNX header, since version 0
// is rejected. JSON starts with '{' after white space.
Result<FileKind> Sniff(const std::filesystem::path& path) {
  WEBNN_RETURN_IF_ERROR(util::CheckReadableFile(path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kUnknownError, path.string(), ": cannot open the file");
  char head[4] = {};
  in.read(head, 4);
  const std::streamsize got = in.gcount();
  if (LooksLikeOnnx({reinterpret_cast<const std::byte*>(head), static_cast<size_t>(got)})) {
    return FileKind::kOnnx;
  }
  for (std::streamsize i = 0; i < got; ++i) {
    if (head[i] == '\0') return FileKind::kCapnp;
  }
  in.clear();
  in.seekg(0);
  char c;
  while (in.get(c)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '{' ? FileKind::kJson : FileKind::kUnknown;
  }
  return MakeError(ErrorCode::kDataError, path.string(), ": the file is empty");
}

}  // namespace

Result<GraphInfo> LoadGraphFile(const std::filesystem::path& path, const ContextLimits& limits,
                                const GraphFileOptions& file_options) {
  WEBNN_ASSIGN_OR_RETURN(FileKind kind, Sniff(path));
  switch (kind) {
    case FileKind::kJson: {
      JsonLoadOptions options;
      options.limits = limits;
      auto graph = LoadGraphJson(path, options);
      if (!graph.ok()) {
        // The JSON loader names the file by its base name; the full path replaces it.
        Error e = std::move(graph.error());
        const std::string base = path.filename().string() + ": ";
        std::string message = e.message();
        if (message.starts_with(base)) message.erase(0, base.size());
        return Error(e.code(), path.string() + ": " + message);
      }
      // The loader builds through GraphBuilderCore; the whole-graph check is cheap insurance
      // that what reaches a backend satisfies every invariant.
      Status s = ValidateGraph(*graph, limits);
      if (!s.ok()) return std::move(s.error().Prefix(path.string()));
      return graph;
    }
    case FileKind::kCapnp: {
      DecodeOptions options;
      options.limits = limits;
      // LoadGraphCapnp's errors already start with the path.
      return LoadGraphCapnp(path, options);
    }
    case FileKind::kOnnx: {
      OnnxImportOptions options;
      options.limits = limits;
      options.dims = file_options.dims;
      // ImportOnnxFile's errors already start with the path.
      WEBNN_ASSIGN_OR_RETURN(GraphInfo graph, ImportOnnxFile(path, options));
      Status s = ValidateGraph(graph, limits);
      if (!s.ok()) return std::move(s.error().Prefix(path.string()));
      return graph;
    }
    case FileKind::kUnknown:
      break;
  }
  return MakeError(ErrorCode::kDataError, path.string(),
                   ": not a graph file (expected webnn-graph-json, a .webnn Cap'n Proto file or "
                   "an ONNX model)");
}

Status SaveGraphFile(const GraphInfo& graph, const std::filesystem::path& path) {
  if (path.extension() == ".json") return SaveGraphJson(graph, path);
  if (path.extension() == ".webnn") return SaveGraphCapnp(graph, path);
  return MakeError(ErrorCode::kNotSupportedError, path.string(),
                   ": unknown graph file extension (use .json or .webnn)");
}

}  // namespace webnn::format
