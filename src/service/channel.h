// The dispatch fast path: a one-slot request/response channel in a shared memfd, per context.
//
// A dispatch over Cap'n Proto RPC crosses several thread hand-offs on each side (each a wake
// of a sleeping thread, ~20 us on a virtual CPU). On a Unix socket the client instead writes
// the dispatch (graph id, tensor ids) into the channel and bumps `request`; a service thread
// of that context, spinning briefly and then sleeping on a futex, runs it and bumps
// `response`. Both sides spin for a short while before sleeping, so back-to-back dispatches
// never sleep. Everything else (graphs, tensors, errors of the RPC calls) stays on RPC.
//
// The client can write the channel at any time: the service copies the request out before
// looking at it, bounds every count, and validates ids and descriptors as the RPC path does.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace webnn::service {

struct DispatchChannel {
  static constexpr uint32_t kMaxTensors = 256;  // inputs + outputs of one dispatch
  static constexpr uint32_t kMaxMessage = 2048;

  alignas(64) std::atomic<uint32_t> request;   // client: sequence number of the last request
  std::atomic<uint32_t> server_sleeping;       // service: set while it waits on the futex
  alignas(64) std::atomic<uint32_t> response;  // service: the last request it finished
  std::atomic<uint32_t> client_sleeping;       // client: set while it waits on the futex

  // Request (valid when request is bumped).
  alignas(64) uint64_t graph;
  uint32_t num_inputs;
  uint32_t num_outputs;
  uint64_t tensors[kMaxTensors];  // inputs then outputs, in the graph's declaration order

  // Response (valid when response is bumped): 0 for success, else ErrorCode + 1.
  uint32_t error_code;
  uint32_t message_length;
  char message[kMaxMessage];
};

static_assert(std::atomic<uint32_t>::is_always_lock_free);

// Shared (not process-private) futex operations on a word of the channel. Wait returns when
// *word != expected, on a wake, or after `timeout`.
void FutexWait(std::atomic<uint32_t>* word, uint32_t expected, std::chrono::microseconds timeout);
void FutexWake(std::atomic<uint32_t>* word);

// Spins until `word` != `expected` or `spin` has passed; true if it changed.
bool SpinWhileEqual(const std::atomic<uint32_t>& word, uint32_t expected,
                    std::chrono::microseconds spin);

}  // namespace webnn::service
