// The command table `webnn` dispatches on and lists in --help.
#include "commands.h"

#include "../webnnd/serve_main.h"
#include "common.h"
#include "onnx_commands.h"

namespace webnn::cli {

int CmdServe(const std::vector<std::string>& args) {
  std::vector<std::string> argv_s = {"webnn serve"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  return service::ServeMain(static_cast<int>(argv_s.size()), argv.data(), {"webnn", "serve"});
}

std::vector<Command> Commands() {
  return {
      {"info", "info G", "print a graph file's inputs, outputs, operators and constant size",
       CmdInfo},
      {"validate", "validate G", "check a graph file; exit 0 if valid, 1 with the reason if not",
       CmdValidate},
      {"run", "run G [options]",
       "run a graph on input files; print a summary of each output, or write them (--profile: "
       "per-step times)",
       CmdRun},
      {"bench", "bench G [options]",
       "latency percentiles and throughput: warm-up, N runs or a duration, -c parallel "
       "requests, --json",
       CmdBench},
      {"dot", "dot G [--svg OUT]", "the graph in Graphviz dot syntax, or rendered to SVG", CmdDot},
      {"convert", "convert IN OUT",
       "convert a graph file (webnn-graph-json, Cap'n Proto or ONNX) to .json, .webnn or .onnx",
       CmdConvert},
      {"conformance", "conformance DIR...",
       "replay WPT conformance vectors (folders or files of JSON cases)", CmdConformance},
      {"onnx-conformance", "onnx-conformance DIR...",
       "run the ONNX backend tests (libonnx-testdata) through the importer", CmdOnnxConformance},
      {"onnx-ops", "onnx-ops", "list the ONNX op types the importer converts", CmdOnnxOps},
      {"demo", "demo [--models D]",
       "start webnnd on a private socket, classify the LeNet digits and run the MobileNetV2 "
       "backbone with the direct, worker and service executors",
       CmdDemo},
      {"serve", "serve [options]",
       "run the WebNN service (the same as webnnd; see webnn serve "
       "--help)",
       CmdServe},
      {"ping", "ping [--endpoint EP]",
       "check that webnnd answers; print its version and round-trip time", CmdPing},
  };
}

}  // namespace webnn::cli
