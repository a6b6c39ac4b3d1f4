// The `webnnd` / `webnn serve` command line.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "service/config.h"
#include "webnn/error.h"

namespace webnn::service {

// Applies command-line flags (after the program name) over `config`, reading --config first
// so that the other flags override it. Sets `help` for --help. Numbers are parsed strictly:
// errors name the flag and the value.
// `read_config` reads the --config file over `config`; by default LoadServerConfig (opens it).
using ConfigReader = std::function<Status(const std::string& path, ServerConfig& config)>;
Status ParseServeArgs(const std::vector<std::string>& args, ServerConfig& config, bool& help,
                      const ConfigReader& read_config = nullptr);

// Parses the command line and runs the service; returns the exit status. `worker_command` is
// how this binary runs a worker (default: argv[0]; "webnn serve" passes {"webnn", "serve"}).
int ServeMain(int argc, char** argv, std::vector<std::string> worker_command = {});

}  // namespace webnn::service
