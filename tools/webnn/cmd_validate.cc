// webnn validate G: loads and validates a graph file; exit 0 if valid, 1 with the reason.
#include <iostream>

#include "commands.h"
#include "common.h"

namespace webnn::cli {

int CmdValidate(const std::vector<std::string>& args) {
  format::GraphFileOptions file_options;
  std::vector<std::string> paths;
  Flags flags("validate", "G [--dim NAME=VALUE]...",
              "Loads and validates a graph file with the same validators as the graph builder.\n"
              "Exit status 0 if valid, 1 (with the reason on stderr) if not.");
  AddDimFlag(flags, file_options.dims);
  flags.Positionals(&paths, 1, 1);
  if (int rc = HandleParse(flags, flags.Parse(args)); rc >= 0) return rc;
  auto g = format::LoadGraphFile(paths[0], ContextLimits{}, file_options);
  if (!g.ok()) {
    // The loaders' errors start with the path already.
    const std::string message = g.error().ToString();
    return Fail(message.find(paths[0]) == std::string::npos ? paths[0] + ": " + message : message);
  }
  std::cout << paths[0] << ": valid (" << g->operations.size() << " operations)\n";
  return 0;
}

}  // namespace webnn::cli
