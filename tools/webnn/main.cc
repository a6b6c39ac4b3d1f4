// webnn: the command-line tool. `webnn --help` lists the commands (commands.cc); each command
// lives in cmd_<name>.cc and declares its flags with the one parser of flags.h.
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "util/flags.h"
#include "webnn/version.h"

namespace {

using namespace webnn;

std::string Usage(const std::vector<cli::Command>& commands) {
  std::ostringstream o;
  o << "webnn — run and inspect WebNN graphs\n\nUsage: webnn <command> [options]\n\nCommands:\n";
  for (const auto& c : commands) {
    constexpr size_t kColumn = 26;
    o << "  " << c.synopsis;
    if (c.synopsis.size() + 3 > kColumn) {
      o << "\n" << std::string(kColumn, ' ');
    } else {
      o << std::string(kColumn - 2 - c.synopsis.size(), ' ');
    }
    o << cli::WrapText(c.summary, kColumn) << "\n";
  }
  o << R"(
`webnn <command> --help` describes a command's options. Graph files are webnn-graph-json
(.json with .weights/.manifest.json or .safetensors beside it), Cap'n Proto (.webnn, one
self-contained file) or ONNX models (imported); the format is told by the file's content, not
its name. info, validate, dot, convert, run and bench take --dim NAME=VALUE (repeatable) for an
ONNX model's free input dimensions. `webnn --version` prints the version.
)";
  return o.str();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const std::vector<cli::Command> commands = cli::Commands();
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << Usage(commands);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "webnn " << WEBNN_VERSION_STRING << "\n";
    return 0;
  }
  const std::string name = args[0];
  args.erase(args.begin());
  try {
    for (const cli::Command& c : commands) {
      if (c.name == name) return c.run(args);
    }
    return cli::Fail("unknown command '" + name + "' (see webnn --help)");
  } catch (const Exception& e) {
    return cli::Fail(e.error().ToString());
  } catch (const std::exception& e) {
    return cli::Fail(e.what());
  }
}
