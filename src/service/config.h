// webnnd's settings: the limits one client gets, the endpoints, the compute, and the JSON config
// file that sets them. Parsing is strict: unknown keys, wrong types, fractions where a count is
// meant and values out of range are errors that name the key and the value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "service/log.h"
#include "service/sandbox.h"
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
  uint32_t intra_op_threads = 0;  // threads one dispatch may use; 0: one per core
  uint32_t max_connections = 256;
  // On SIGTERM: how long dispatches in flight may take to finish before the service exits.
  uint32_t drain_timeout_seconds = 30;
  // "tcp:HOST:PORT" serving GET /metrics (Prometheus text format); empty: no metrics endpoint.
  std::string metrics;
  LogLevel log_level = LogLevel::kInfo;
  ClientLimits limits;
  SandboxOptions sandbox;  // --no-sandbox, --user, --allow-root (src/service/sandbox.h)
};

// The ranges the settings take (the config keys and the flags alike).
inline constexpr uint64_t kMaxThreads = 1024;
inline constexpr uint64_t kMaxUid = 4294967294u;  // (uid_t)-1 is "no uid"
inline constexpr uint64_t kMaxConnections = 1000000;
inline constexpr uint64_t kMaxDrainTimeoutSeconds = 86400;

// Parses a whole string as a decimal integer in [min, max]: no sign, no spaces, no trailing
// text. Errors name `what` (a flag or a key) and the text.
Result<uint64_t> ParseUnsigned(std::string_view what, std::string_view text, uint64_t min,
                               uint64_t max);

// Reads a JSON config file over `config` (keys it does not set keep their values). Unknown
// keys are errors, so a misspelt limit is not silently ignored.
Status LoadServerConfig(const std::string& path, ServerConfig& config);
// The same, from the text of a config; `source` names it in errors.
Status ParseServerConfig(std::string_view text, const std::string& source, ServerConfig& config);

}  // namespace webnn::service
