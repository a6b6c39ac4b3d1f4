// The input format of fuzz_service_rpc: what a client sends to webnnd, as records the libFuzzer
// mutator can change one at a time without desynchronizing the rest (docs/fuzzing.md).
//
//   byte 0    the peer: 0 a Unix peer of an allowed uid, 1 a TCP peer (it presents kFuzzToken),
//             2 a Unix peer whose uid is not allowed (the value modulo 3)
//   records   each [kind u8][n u32 little-endian][payload], kind modulo 3:
//     0 message  n payload bytes, sent as one Cap'n Proto message of one segment (the harness
//                writes the segment table and pads to whole words)
//     1 raw      n payload bytes sent as they are (the segment tables are fuzzed too)
//     2 wait     no payload: wait until the service has answered n calls (Return messages),
//                at most the calls sent so far, as a client waits for a result before it goes on;
//                or until the service has settled without answering them (Settle in
//                service_rpc_fuzzer.cc: calls it cannot answer yet end the wait at once)
// A record whose payload runs past the end takes what is left.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "service/config.h"

namespace webnn::fuzz {

// The access token of the TCP peer (the harness's service expects it; recorded seeds carry it).
inline constexpr const char* kFuzzToken = "fuzz-token";

// The configuration of the service the inputs are sent to (the harness's, and the recorder's
// that made the seeds): the reference backend, one worker thread, and limits small enough that
// one input cannot take seconds or much memory. No authentication or idle timeout fires within
// an input, and the rate limit never throttles (both would depend on time).
service::ServerConfig FuzzServiceConfig();

enum class PeerKind : uint8_t { kUnixAllowed = 0, kTcp = 1, kUnixRefused = 2 };

struct ServiceRecord {
  enum class Kind : uint8_t { kMessage = 0, kRaw = 1, kWait = 2 } kind;
  std::span<const uint8_t> payload;  // kMessage, kRaw
  uint32_t count = 0;                // kWait
};

struct ServiceInput {
  PeerKind peer = PeerKind::kUnixAllowed;
  std::vector<ServiceRecord> records;
};

ServiceInput ParseServiceInput(std::span<const uint8_t> data);

// Writers of the same format (for the seed recorder).
void AppendPeer(std::string& out, PeerKind peer);
void AppendMessage(std::string& out, std::span<const uint8_t> message_words);
void AppendRaw(std::string& out, std::span<const uint8_t> bytes);
void AppendWait(std::string& out, uint32_t returns);

}  // namespace webnn::fuzz
