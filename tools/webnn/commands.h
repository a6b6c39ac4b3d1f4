// The `webnn` commands, one file each (cmd_<name>.cc). Each takes the arguments after its name
// and returns the exit status (0 ok, 1 failure, 2 usage).
#pragma once

#include <string>
#include <vector>

namespace webnn::cli {

int CmdInfo(const std::vector<std::string>& args);
int CmdValidate(const std::vector<std::string>& args);
int CmdRun(const std::vector<std::string>& args);
int CmdBench(const std::vector<std::string>& args);
int CmdDot(const std::vector<std::string>& args);
int CmdConvert(const std::vector<std::string>& args);
int CmdConformance(const std::vector<std::string>& args);
int CmdDemo(const std::vector<std::string>& args);
int CmdPing(const std::vector<std::string>& args);
int CmdServe(const std::vector<std::string>& args);

}  // namespace webnn::cli
