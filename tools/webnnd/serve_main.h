// The `webnnd` / `webnn serve` command line.
#pragma once

#include <string>
#include <vector>

#include "service/config.h"
#include "webnn/error.h"

namespace webnn::service {

// Applies command-line flags (after the program name) over `config`, reading --config first
// so that the other flags override it. Sets `help` for --help. Numbers are parsed strictly:
// errors name the flag and the value.
Status ParseServeArgs(const std::vector<std::string>& args, ServerConfig& config, bool& help);

// Parses the command line and runs the service; returns the exit status.
int ServeMain(int argc, char** argv);

}  // namespace webnn::service
