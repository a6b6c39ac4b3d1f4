// webnn info G: a graph file's inputs, outputs, operators and constant bytes.
#include <filesystem>
#include <iostream>
#include <map>

#include "commands.h"
#include "common.h"

namespace webnn::cli {

int CmdInfo(const std::vector<std::string>& args) {
  format::GraphFileOptions file_options;
  std::vector<std::string> paths;
  Flags flags("info", "G [--dim NAME=VALUE]...",
              "Prints the graph's name, inputs, outputs, the count of each operator and the "
              "constant bytes.");
  AddDimFlag(flags, file_options.dims);
  flags.Positionals(&paths, 1, 1);
  if (int rc = HandleParse(flags, flags.Parse(args)); rc >= 0) return rc;
  const GraphInfo g = LoadOrThrow(paths[0], file_options);
  std::cout << "graph: "
            << (g.name.empty() ? std::filesystem::path(paths[0]).filename().string() : g.name)
            << "\n";
  std::cout << "inputs:\n";
  for (OperandId id : g.inputs) {
    std::cout << "  " << g.operands[id].name << ": " << DescriptorToString(g.operands[id].desc)
              << "\n";
  }
  std::cout << "outputs:\n";
  for (const GraphOutput& o : g.outputs) {
    std::cout << "  " << o.name << ": " << DescriptorToString(g.operands[o.operand].desc) << "\n";
  }
  std::map<std::string, int> counts;
  for (const Operation& op : g.operations) ++counts[std::string(OpName(op.kind))];
  std::cout << "operations: " << g.operations.size() << "\n";
  for (const auto& [name, n] : counts) std::cout << "  " << name << ": " << n << "\n";
  uint64_t bytes = 0;
  for (const auto& [id, b] : g.constants) bytes += b.size();
  std::cout << "constants: " << g.constants.size() << " (" << bytes << " bytes)\n";
  return 0;
}

}  // namespace webnn::cli
