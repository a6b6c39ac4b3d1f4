// A webnnd worker: the process that serves one principal's connections (`webnnd --worker FD`,
// started by the launcher, never by hand). The broker sends it, on the control socket FD
// (control.h):
//   "init"   {principal, token, config text, args...}  first, once: what to run with
//   "conn"   {id, address, unix peer "1"/"0", uid allowed "1"/"0"} + the connection's descriptor
//   "reload" {config text}   SIGHUP: new limits and log level
//   "drain"  {}              SIGTERM: no new work, finish what is in flight, exit 0
//   "stop"   {}              a second signal: exit without waiting for what is in flight
//   "metrics" {serial}       asks for its metrics page
// and the worker answers "count" {connections} whenever that changes and "metrics" {serial,
// page}. It builds a Server with no listener, warms the backends up, applies the worker's
// sandbox policy and serves every connection it is handed. When the broker's end closes (the
// broker is gone) it exits at once: its clients see their connections lost.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "service/config.h"
#include "webnn/error.h"

namespace webnn::service {

// Reads the worker's settings: the command line and the config file's text as the broker read
// them (a worker opens no file for them).
using ConfigParser = std::function<Result<ServerConfig>(const std::vector<std::string>& args,
                                                        const std::string& config_text)>;

// Runs a worker on control socket `control_fd`; returns the process exit status.
int RunWorker(int control_fd, const ConfigParser& parse);

}  // namespace webnn::service
