// Pieces the webnnd server and its clients share: endpoints, token files, error and
// descriptor conversion to and from the RPC schema (schema/webnn_service.capnp).
#pragma once

#include <netdb.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "ir/graph_info.h"
#include "schema/webnn_service.capnp.h"
#include "webnn/error.h"

namespace webnn::service {

// "unix:PATH" or "tcp:HOST:PORT" (HOST may be [v6addr]).
struct Endpoint {
  enum class Kind { kUnix, kTcp } kind = Kind::kUnix;
  std::string path;   // kUnix
  std::string host;   // kTcp
  uint16_t port = 0;  // kTcp
  std::string ToString() const;
};
Result<Endpoint> ParseEndpoint(std::string_view text);

// A connected, blocking, close-on-exec stream socket (the caller owns it). A connect that has
// not completed after `timeout_seconds` (0: no bound) fails with an error saying so: a TCP
// address that never answers, a Unix listener whose backlog is full.
Result<int> ConnectSocket(const Endpoint& endpoint, double timeout_seconds = 0);

// A TCP socket for the first address of endpoint's host:port for which `use` (connect, or
// bind + listen) returns true; listening sockets are non-blocking. Close-on-exec.
Result<int> OpenTcpSocket(const Endpoint& endpoint, bool listening,
                          const std::function<bool(int fd, const addrinfo& address)>& use);

// The system instance's socket (systemd's webnnd.socket, or webnnd run as root).
inline constexpr const char* kSystemSocketPath = "/run/webnn/webnnd.sock";

// $XDG_RUNTIME_DIR/webnn/webnnd.sock; without XDG_RUNTIME_DIR, $RUNTIME_DIRECTORY/webnnd.sock
// (systemd's RuntimeDirectory=), kSystemSocketPath for root, else /tmp/webnn-<uid>/webnnd.sock.
std::string DefaultSocketPath();

// Reads an access token: the file must be a regular file without group or other permissions
// (0600 or stricter) and hold a non-empty token (surrounding white space is dropped).
Result<std::string> ReadTokenFile(const std::string& path);

// The largest Cap'n Proto message either side accepts (inline graphs and tensors on TCP).
inline constexpr uint64_t kMaxRpcMessageWords = uint64_t{1} << 27;  // 1 GiB

// The largest Data blob a Cap'n Proto message holds (a list has fewer than 2^29 elements).
inline constexpr uint64_t kMaxDataBytes = (uint64_t{1} << 29) - 1;
// Without shared memory (TCP), tensor reads and writes and large constants (uploads) travel in
// chunks of at most this many bytes: far below the blob and message limits above; large enough
// that a call's overhead (a round trip, a message header) is small next to moving the chunk,
// small enough that the service holds at most a chunk or two per call in transit (not a whole
// 1 GiB tensor) and its event loop copies one for milliseconds, not seconds. Below glibc's
// largest mmap threshold (32 MiB): 64 MiB messages were each a fresh mapping, faulted in page
// by page on both sides, and moved half as fast (webnn_service_bench LargeTensors/3).
inline constexpr uint64_t kTransferChunkBytes = uint64_t{16} << 20;

void ToWire(const Error& error, rpc::ServiceError::Builder out);
Error FromWire(rpc::ServiceError::Reader in);
void ToWire(const OperandDescriptor& desc, wire::OperandDescriptor::Builder out);
// Checks the data type; the caller validates the shape (CheckDescriptor).
Result<OperandDescriptor> FromWire(wire::OperandDescriptor::Reader in);

// A kj::Exception's description without the "remote exception: " prefixes that RPC adds.
std::string Describe(const kj::Exception& e);

}  // namespace webnn::service
