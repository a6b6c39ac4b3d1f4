// The heap policy of a process that serves clients. Transfers over TCP arrive and leave in
// messages of up to kTransferChunkBytes (src/service/common.h), each in a buffer Cap'n Proto
// allocates and frees per message. glibc's default policy lands those buffers at the top of
// the heap and then returns the top to the kernel when it exceeds twice the largest chunk it
// has seen, so every message faulted its buffer in again, page by page, and the page faults
// took most of a transfer's time (measured: docs/benchmarks.md, "LargeTensors").
#pragma once

#include <cstddef>

#include "service/log.h"

namespace webnn::service {

// The policy: blocks under kMmapThresholdBytes come from the heap (a chunk message and its
// reply fit), and up to kTrimThresholdBytes of free memory at the heap's top stays mapped for
// the next message. Both are glibc's own upper values for its adaptive policy (which can reach
// them by itself after large frees), fixed from the start, so the memory a process keeps is no
// more than glibc may already keep.
inline constexpr size_t kMmapThresholdBytes = size_t{32} << 20;
inline constexpr size_t kTrimThresholdBytes = size_t{64} << 20;

// Applies the policy to this process's allocator: process-wide, so once, in a serving
// process's start-up, never from the client library. The outcome goes to `log` (debug when
// applied; info when not: the allocator is not glibc's or refuses the values, as a sanitizer's
// does, and the process runs on with its defaults, correct but slower for large TCP
// transfers).
void KeepTransferBuffersMapped(const Logger& log);

}  // namespace webnn::service
