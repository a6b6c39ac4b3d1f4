// The broker: webnnd's front door when clients are isolated from each other (the default).
//
// It binds the sockets, reads the config and the token, and initializes no compute backend.
// It accepts a connection, identifies the peer (SO_PEERCRED on a Unix socket: a uid that is not
// allowed is refused at once; on TCP every peer is the principal "token", whose worker checks
// the token), and hands the connected descriptor (SCM_RIGHTS) to the worker process of that
// principal, started on demand through the launcher (launcher.h). It never reads a byte a client
// sends: what parses client bytes runs in a worker, sandboxed, with one principal's sessions.
//
// One worker per principal at most, maxWorkers in all; a worker that ends (crash or exit) is
// logged and forgotten, and the next connection of its principal gets a fresh one; one that
// crashes again and again is restarted with a growing back-off. SIGTERM/SIGINT drain the
// workers and wait for them; SIGHUP re-reads the config and passes it on; the metrics endpoint
// gathers the workers' pages.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "service/config.h"
#include "service/log.h"
#include "service/worker.h"
#include "webnn/error.h"

namespace webnn::service {

struct BrokerOptions {
  std::vector<std::string> args;         // the command line after the program: workers parse it
  std::vector<std::string> worker_argv;  // {"webnnd", "--worker"}: how the binary runs a worker
  // The --config file's text now ("" without one): read at start and on SIGHUP, sent to workers.
  std::function<Result<std::string>()> config_text;
  ConfigParser parse;            // args + config text -> settings (the workers' parser too)
  std::string sandbox = "none";  // what the start-up line says
};

// Runs the broker; returns the process exit status.
int RunBroker(const ServerConfig& config, Logger& log, const BrokerOptions& options);

// Merges Prometheus text pages (the broker's first): each family's HELP and TYPE once, then its
// samples from every page; a sample already given (same name and labels) is not repeated.
std::string MergeMetricsPages(const std::vector<std::string>& pages);

}  // namespace webnn::service
