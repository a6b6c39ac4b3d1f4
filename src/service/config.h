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
  // Working memory of live graphs: what their runs allocate besides inputs and constants
  // (intermediates, outputs, the compiled graph's arena: graph_cost.h) plus prepacked weights
  // beyond the constant bytes. 0: max_tensor_bytes + max_constant_bytes (a client's graphs
  // may hold as much as its tensors and constants together).
  uint64_t max_graph_memory_bytes = 0;
  // The estimated work of one run of a graph, in element operations (graph_cost.h); a graph
  // above it is refused at build.
  uint64_t max_graph_work = uint64_t{1} << 43;
  uint64_t GraphMemoryLimit() const {
    if (max_graph_memory_bytes != 0) return max_graph_memory_bytes;
    return max_tensor_bytes > UINT64_MAX - max_constant_bytes
               ? UINT64_MAX
               : max_tensor_bytes + max_constant_bytes;
  }
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
  uint32_t intra_op_threads = 0;   // threads one dispatch may use; 0: one per core
  uint32_t max_connections = 256;  // authenticated connections (per worker: per principal)
  // Worker processes, one per principal with connections (the broker's cap). A principal whose
  // worker would pass it waits for an idle worker to be retired, or is refused.
  uint32_t max_workers = 64;
  // --single-process: one process accepts, serves and computes for every principal (debugging;
  // a crash reached by one client ends everyone's sessions).
  bool single_process = false;
  // On SIGTERM: how long dispatches in flight may take to finish before the service exits.
  uint32_t drain_timeout_seconds = 30;
  // "tcp:HOST:PORT" serving GET /metrics (Prometheus text format); empty: no metrics endpoint.
  std::string metrics;
  // Peers that have not authenticated yet (a TCP peer before its token, a Unix peer whose uid
  // is not allowed) wait in a separate, small pool, so they cannot take the slots of
  // authenticated principals: at most this many in all, and this many per TCP source address
  // (per uid for Unix peers).
  uint32_t max_pending_connections = 64;
  uint32_t max_pending_per_address = 8;
  // A peer that has not authenticated within this time is dropped.
  uint32_t auth_timeout_ms = 5000;
  // The largest message before authentication (the connect call is a few hundred bytes).
  uint64_t max_unauthenticated_message_bytes = 64 * 1024;
  // The largest message after it, checked on the size a message announces, before Cap'n Proto
  // allocates room for it. TCP clients move large tensors and constants in 16 MiB chunks
  // (kTransferChunkBytes), so a limit below that refuses them.
  uint64_t max_message_bytes = uint64_t{1} << 30;
  // A connection that sent nothing for this long and holds no context is dropped (a peer that
  // vanished without closing, or one that only holds a slot); 0: never.
  uint32_t idle_timeout_seconds = 300;
  LogLevel log_level = LogLevel::kInfo;
  ClientLimits limits;
  SandboxOptions sandbox;  // --no-sandbox, --user, --allow-root (src/service/sandbox.h)
};

// The ranges the settings take (the config keys and the flags alike).
inline constexpr uint64_t kMaxThreads = 1024;
inline constexpr uint64_t kMaxUid = 4294967294u;  // (uid_t)-1 is "no uid"
inline constexpr uint64_t kMaxConnections = 1000000;
inline constexpr uint64_t kMaxWorkers = 4096;
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
