// GraphInfo <-> bench/webnn_bench.proto, the protobuf peer of the serialization benchmark.
// Written for the benchmark only, with the same care as the Cap'n Proto codec: constants are
// not copied when decoding (they point into the parsed message, which the graph keeps alive)
// and whatever the bytes, decoding returns a graph or an error (ValidateGraph is left to the
// caller, so the benchmark can time it separately).
#pragma once

#include <memory>
#include <span>
#include <string>

#include "ir/graph_info.h"
#include "ops/validate.h"
#include "webnn/error.h"
#include "webnn_bench.pb.h"

namespace webnn::bench {

// Fills `out` (a message on any arena). Errors: DataError for an attribute type the benchmark
// schema does not have (see webnn_bench.proto).
Status GraphToProto(const GraphInfo& graph, benchpb::File& out);

// Serializes `graph` to `bytes` (reusing its capacity). The message is built on an arena.
Status EncodeGraphProto(const GraphInfo& graph, std::string& bytes);

// Parses `bytes` into a message on a fresh arena and converts it; the constants point into the
// message's `bytes` fields and share the arena. Not validated: call ValidateGraph.
Result<GraphInfo> DecodeGraphProto(std::span<const std::byte> bytes, const ContextLimits& limits);

}  // namespace webnn::bench
