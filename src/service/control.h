// The control channel between webnnd's processes: the broker, the launcher that starts workers
// and the workers. One message per SOCK_SEQPACKET record: a kind, a few text fields and at most
// one descriptor (SCM_RIGHTS: a client connection, or a new worker's control socket).
//
// The broker reads what a worker sends as it would read a client: a compromised worker is the
// attacker this split is for. Decoding is strict (sizes checked, extra descriptors closed).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "webnn/error.h"

namespace webnn::service {

// The largest record, fields and framing together: a config file travels in one.
inline constexpr size_t kMaxControlMessageBytes = 96 * 1024;

struct ControlMessage {
  std::string kind;                 // "init", "conn", "reload", "drain", "count", "spawn", ...
  std::vector<std::string> fields;  // meaning by kind (broker.h, worker.h, launcher.h)
  int fd = -1;                      // owned by whoever holds the message; -1: none

  ControlMessage() = default;
  ControlMessage(std::string k, std::vector<std::string> f, int d = -1)
      : kind(std::move(k)), fields(std::move(f)), fd(d) {}
  // The field `i`, or an empty string past the end (decoders check counts first).
  std::string field(size_t i) const { return i < fields.size() ? fields[i] : std::string(); }
};

// The bytes of a record: kind and fields, each a 4-byte little-endian length and its bytes.
Result<std::string> EncodeControl(const ControlMessage& message);
// The record's message (without its descriptor); an error for anything malformed.
Result<ControlMessage> DecodeControl(std::string_view bytes);

// Sends `message` (and its descriptor, which stays the caller's to close). Non-blocking sockets
// may answer EAGAIN: `would_block` is set and nothing was sent.
Status SendControl(int socket, const ControlMessage& message, bool* would_block = nullptr);

// Receives one record. `closed` is set at end of stream (the other process is gone); a
// non-blocking socket with nothing to read sets `would_block`. A descriptor that came with the
// record is in the message's fd (the caller's to close).
Result<ControlMessage> ReceiveControl(int socket, bool* closed, bool* would_block = nullptr);

// A SOCK_SEQPACKET socketpair, close-on-exec.
Result<std::pair<int, int>> ControlSocketPair();

}  // namespace webnn::service
