// webnn convert IN OUT: between webnn-graph-json, Cap'n Proto and ONNX; --report lists what
// blocks an ONNX import.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "common.h"
#include "format/capnp/codec.h"
#include "format/json/graph_json.h"
#include "format/onnx/onnx_export.h"
#include "onnx_commands.h"

namespace fs = std::filesystem;

namespace webnn::cli {

int CmdConvert(const std::vector<std::string>& args) {
  std::vector<std::string> paths;
  std::string to;
  format::GraphFileOptions file_options;
  bool report = false;
  Flags flags("convert",
              "IN OUT [--to json|capnp|onnx] [--dim NAME=VALUE]...\n"
              "       webnn convert IN.onnx --report [--dim NAME=VALUE]...",
              "Converts graph file IN to OUT. IN may be webnn-graph-json, Cap'n Proto or an ONNX "
              "model (told by\nits content) and is loaded and validated as `webnn validate` "
              "does, so a graph that does not\nvalidate is never written.");
  flags.Choice("--to", &to, {"json", "capnp", "onnx"}, "OUT's format (default: from its extension)")
      .Bool("--report", &report,
            "import what can be imported and list every node that blocks the ONNX model (name "
            "or index, op type, reason); exit 1 if there is any");
  AddDimFlag(flags, file_options.dims);
  flags.Positionals(&paths, 1, 2).Epilog(R"(OUT's format is --to if given, else OUT's extension:
  json   (.json)   webnn-graph-json; constants over 1 KiB go to <stem>.weights and
                   <stem>.manifest.json next to OUT (WGWT), smaller ones inline
  capnp  (.webnn)  one self-contained Cap'n Proto message (schema/webnn.capnp), constants inline
  onnx   (.onnx)   an ONNX model (opset 17), constants as initializers, for a second runtime;
                   an operator without an ONNX form yet is an error naming it

Exit status 0 on success, 1 with the reason on stderr if IN cannot be loaded or OUT written.
)");
  if (int rc = HandleParse(flags, flags.Parse(args)); rc >= 0) return rc;
  if (report && paths.size() == 1) return OnnxReport(paths[0], file_options.dims);
  if (paths.size() != 2) {
    std::cerr << flags.Help();
    return 2;
  }
  const fs::path in = paths[0], out = paths[1];
  if (to.empty()) {
    if (out.extension() == ".json") {
      to = "json";
    } else if (out.extension() == ".webnn") {
      to = "capnp";
    } else if (out.extension() == ".onnx") {
      to = "onnx";
    } else {
      return Fail("cannot tell the output format from '" + out.string() +
                  "': name it .json, .webnn or .onnx, or pass --to json|capnp|onnx");
    }
  }
  auto graph = format::LoadGraphFile(in, ContextLimits{}, file_options);
  if (!graph.ok()) {
    Fail(graph.error().ToString());
    if (report) OnnxReport(in, file_options.dims);
    return 1;
  }
  Status s = to == "json"   ? SaveGraphJson(*graph, out)
             : to == "onnx" ? format::SaveGraphOnnx(*graph, out)
                            : SaveGraphCapnp(*graph, out);
  if (!s.ok()) return Fail(s.error().ToString());
  std::error_code ec;
  const uintmax_t bytes = fs::file_size(out, ec);
  std::cout << in.string() << " -> " << out.string() << " ("
            << (to == "json"   ? "webnn-graph-json"
                : to == "onnx" ? "ONNX"
                               : "Cap'n Proto")
            << ", " << graph->operations.size() << " operations, " << (ec ? 0 : bytes) << " bytes";
  const size_t inline_threshold = JsonSaveOptions{}.inline_threshold;
  const bool sidecar = to == "json" && std::any_of(graph->constants.begin(), graph->constants.end(),
                                                   [&](const auto& c) {
                                                     return c.second.size() > inline_threshold;
                                                   });
  if (sidecar) {
    fs::path weights = out, manifest = out;
    weights.replace_extension(".weights");
    manifest.replace_extension(".manifest.json");
    std::cout << " + " << weights.filename().string() << " + " << manifest.filename().string();
  }
  std::cout << ")\n";
  return 0;
}

}  // namespace webnn::cli
