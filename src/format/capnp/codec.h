// The Cap'n Proto codec: GraphInfo <-> a `File` message of schema/webnn.capnp, the typed binary
// IR that carries a graph across the process boundary (client -> webnnd) and the `.webnn` file.
//
// Encoding trusts the graph (it comes from the builder or a validated decode). Decoding trusts
// nothing: whatever the bytes, it returns a graph that passed ValidateGraph or a DataError; it
// never crashes, never reads outside the bytes and bounds its work by the message size.
//
// Lower-level entry points (an already-parsed message, the attribute structs) are in
// format/capnp/wire_codec.h.
#pragma once

#include <capnp/message.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "ir/graph_info.h"
#include "ops/validate.h"
#include "webnn/error.h"

namespace webnn {

// Resolves a Constant whose data is `sharedMemory {region, offset, length}` to its bytes. Only
// the service supplies one: it maps `region` to a region received with the message, checks
// offset + length against it (overflow-safe), and returns bytes no other process can change
// (a memfd sealed with F_SEAL_WRITE, or a private copy: validating and running on bytes a
// client can still write would be a TOCTOU bug). An error is returned as is (prefixed with the
// constant).
using SharedMemoryResolver =
    std::function<Result<ByteBuffer>(uint32_t region, uint64_t offset, uint64_t length)>;

// Decoder limits for untrusted messages. Each one names the attack it stops.
struct DecodeOptions {
  // The decoded graph is validated against these (ValidateGraph): rank, dimensions, byte
  // lengths. Stops graphs that would make the service allocate or compute without bound.
  ContextLimits limits;

  // Cap'n Proto's own reader limits.
  //  - traversalLimitInWords: how many words the decoder may read in total, counting a word
  //    again each time a pointer leads to it. Stops amplification: a small message whose many
  //    pointers all point at one large blob (legal-looking to a reader, thousands of times its
  //    size to traverse). 0 (the default) means TraversalLimitWords(message size): the decoder
  //    reads every object once, so twice the message plus a little slack is never reached by
  //    an honest message.
  //  - nestingLimit: how deep pointers may nest. Stops stack exhaustion by deeply nested or
  //    cyclic pointers. The schema's deepest path is 6 levels (File -> graph -> operations ->
  //    Operation -> conv2dAttrs -> padding), so 16 leaves room for growth and still keeps any
  //    recursive walk shallow.
  capnp::ReaderOptions reader{/*traversalLimitInWords=*/0, /*nestingLimit=*/16};

  // Messages longer than this are rejected before parsing. Stops a peer from making the
  // decoder copy (DecodeGraph) or walk an arbitrarily large buffer. Inline constant bytes live
  // in the message, so this is also the largest total of inline constants (bigger graphs use
  // shared memory). Memory: an honest message decodes to about its own size (constants are not
  // copied); a hostile one is bounded by the traversal limit to roughly 70x its size before
  // validation rejects it (a list of one-word operations, each a 264-byte Operation), so a
  // service should size this limit with that factor in mind.
  uint64_t max_message_bytes = uint64_t{4} << 30;  // 4 GiB

  // Resolves sharedMemory constants; empty: such a graph is rejected (DataError).
  SharedMemoryResolver shared_memory;
};

// The traversal limit used when DecodeOptions::reader.traversalLimitInWords is 0:
// 2 * message words + 1024, capped at kMaxTraversalWords (2^30 words = 8 GiB of reads, twice
// the largest message DecodeOptions accepts by default).
inline constexpr uint64_t kMaxTraversalWords = uint64_t{1} << 30;
uint64_t TraversalLimitWords(size_t message_bytes);

// The graph as one flat `File` message (standard unpacked framing: segment table, segments).
// Errors: DataError for what the format cannot hold (an operation without attributes, a
// constant of 512 MiB or more).
Result<std::vector<std::byte>> EncodeGraph(const GraphInfo& graph);

// Decodes and validates a message. Copying variant: the bytes are copied once into an
// 8-byte-aligned buffer that the decoded constants share (no per-constant copy), so `bytes`
// may be freed or reused as soon as this returns. Use it for bytes another process can still
// write (shared memory): the decoder and the graph then see one immutable snapshot.
Result<GraphInfo> DecodeGraph(std::span<const std::byte> bytes, const DecodeOptions& options = {});

// Zero-copy variant: the decoded constants point into `bytes` and share `owner`, which must
// keep `bytes` alive and unchanged (nobody may write them while the graph lives). When `bytes`
// is not 8-byte aligned it is copied as in DecodeGraph (Cap'n Proto reads aligned words).
Result<GraphInfo> DecodeGraphShared(std::shared_ptr<const void> owner,
                                    std::span<const std::byte> bytes,
                                    const DecodeOptions& options = {});

// The `.webnn` file: exactly one EncodeGraph message. Saving writes the message with
// scatter-gather, large constants straight from their buffers (no copy of the weights).
// Loading reads the file into memory (not a mapping: a file truncated while mapped would
// SIGBUS) and decodes it zero-copy. I/O errors are UnknownErrors.
Status SaveGraphCapnp(const GraphInfo& graph, const std::filesystem::path& path);
Result<GraphInfo> LoadGraphCapnp(const std::filesystem::path& path,
                                 const DecodeOptions& options = {});

}  // namespace webnn
