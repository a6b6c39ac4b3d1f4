// The client side of webnnd: the "service" executor of an MLContext, and `ping`.
//
// Each service context owns one connection and one I/O thread running the Cap'n Proto event
// loop; API calls from any thread are handed to it. On a Unix socket every tensor lives in a
// sealed memfd mapped by both processes, so reading and writing a tensor is a memcpy in the
// client and dispatch moves only ids. If the service goes away, the context reports itself
// lost with the reason, calls in flight fail at once, and later calls throw InvalidStateError.
#pragma once

#include <memory>
#include <string>

#include "runtime/executor.h"
#include "webnn/webnn.h"

namespace webnn::service {

// Connects to options.endpoint and opens a context there. A comma-separated list is tried in
// order: an endpoint that is down, draining or refusing passes to the next (failover). Without
// one: DefaultSocketPath(), then the system instance's kSystemSocketPath.
Result<std::shared_ptr<runtime::Executor>> Connect(const MLContextOptions& options);

struct PingResult {
  std::string server_version;
  std::string client_id;  // how the service identifies this client in its logs
  double connect_ms = 0;
  double round_trip_us = 0;  // median over the pings
  // The whole service, as it reported after the pings.
  uint32_t clients = 0, contexts = 0, graphs = 0, tensors = 0, inflight_dispatches = 0;
  uint64_t tensor_bytes = 0, constant_bytes = 0;
  uint64_t graph_memory_bytes = 0;  // intermediates, arenas and prepacked weights of its graphs
  bool sandboxed = false;   // the service runs under its seccomp sandbox (docs/SECURITY.md)
  std::string isolation;    // the process serving this client ("worker pid 42 for uid 1000")
  uint32_t worker_pid = 0;  // its pid (0: not reported)
};
// Fails after `timeout_seconds` (0: never) when the connect, the handshake or a ping does not
// complete (createContext through Connect is bounded the same way by
// MLContextOptions::connectTimeoutSeconds).
Result<PingResult> Ping(const std::string& endpoint, const std::string& token_file, int count,
                        double timeout_seconds = 10);

}  // namespace webnn::service
