// webnnd: the WebNN service. Listens on Unix sockets (and optionally TCP), authenticates each
// peer, and runs graphs for its clients on one worker pool. Every graph it receives is decoded
// and validated with the builder's validators; per-client quotas and a request rate limit bound
// what one client can take; a client's resources are freed when it disconnects.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "webnn/error.h"

namespace webnn::service {

// Per-client limits. A client is a principal: a uid on a Unix socket, the token holder on TCP;
// its connections share the limits (more connections do not buy more resources).
struct ClientLimits {
  uint64_t max_tensor_bytes = uint64_t{4} << 30;        // live tensor bytes, all contexts
  uint64_t max_constant_bytes = uint64_t{2} << 30;      // constant bytes of live graphs
  uint64_t max_tensor_byte_length = uint64_t{1} << 31;  // one tensor / operand
  uint32_t max_graphs = 256;                            // live graphs
  uint32_t max_tensors = 4096;                          // live tensors
  uint32_t max_contexts = 16;                           // live contexts
  uint32_t max_inflight_dispatches = 64;                // dispatches queued or running
  // Sustained request rate (token bucket) and bucket size. Every RPC call and every dispatch
  // through the shared-memory channel takes a token; the channel runs a tiny graph about a
  // million times a second, so the default must stay above that or it would throttle an
  // honest client. Lower it in the config to bound a client.
  double requests_per_second = 5e6;
  double request_burst = 5e5;
};

struct ServerConfig {
  std::vector<std::string> listen;     // "unix:PATH" / "tcp:HOST:PORT"; empty: the default socket
  std::vector<uint32_t> allowed_uids;  // Unix peers allowed; empty: only the service's own uid
  std::string token_file;              // required when listening on TCP
  unsigned threads = 0;                // worker pool; 0: hardware concurrency
  // Backends clients may ask for; the first is the default for a context that names none.
  std::vector<std::string> backends = {"onednn", "reference"};
  uint32_t intra_op_threads = 0;       // threads one dispatch may use; 0: one per core
  uint32_t max_connections = 256;
  int log_level = 2;  // 0 error, 1 warning, 2 info, 3 debug
  ClientLimits limits;
};

// Reads a JSON config file over `config` (keys it does not set keep their values). Unknown
// keys are errors, so a misspelt limit is not silently ignored.
Status LoadServerConfig(const std::string& path, ServerConfig& config);

// Runs until SIGINT or SIGTERM; returns the process exit status. Prints "listening on ..." to
// stderr once every endpoint is bound (tests wait for it).
int RunServer(const ServerConfig& config);

// The `webnnd` / `webnn serve` command line.
int ServeMain(int argc, char** argv);

}  // namespace webnn::service
