// The Cap'n Proto codec one level down: GraphInfo <-> a wire::GraphInfo inside a message the
// caller owns (an RPC request, a File), and the attribute structs. codec.h wraps these into
// whole messages; the service's RPC layer uses them directly.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "format/capnp/codec.h"
#include "ir/graph_info.h"
#include "schema/webnn.capnp.h"
#include "webnn/attrs.h"
#include "webnn/error.h"

namespace webnn {

struct EncodeOptions {
  // Constants of at least this many bytes whose buffer is word-aligned and a whole number of
  // words long become their own message segments pointing at the graph's buffers
  // (capnp::Orphanage::referenceExternalData) instead of being copied into the message. The
  // graph must then outlive the MessageBuilder. 0 disables it (always copy).
  size_t reference_constants_from_bytes = 0;
};

// Fills `out` (a GraphInfo in a message being built). Errors: DataError for what the format
// cannot hold.
Status EncodeGraphInto(const GraphInfo& graph, wire::GraphInfo::Builder out,
                       const EncodeOptions& options = {});

// Decodes and validates (ValidateGraph with options.limits) a GraphInfo read from a message.
// Constant bytes are not copied: each ByteBuffer points into the message's segments and shares
// `owner`, which must keep those segments alive and unchanged. The message's reader must have
// been opened with the limits of options.reader. Throws nothing: a kj::Exception from a
// malformed message becomes a DataError.
Result<GraphInfo> DecodeGraphFrom(wire::GraphInfo::Reader in, std::shared_ptr<const void> owner,
                                  const DecodeOptions& options);

// DecodeGraphFrom without its final ValidateGraph: only what decoding itself checks (enum
// values, attribute union members, constant operand ids). For bench/, to time the decoder and
// the validator apart; a graph from it must never be compiled or run.
Result<GraphInfo> DecodeGraphFromUnvalidated(wire::GraphInfo::Reader in,
                                             std::shared_ptr<const void> owner,
                                             const DecodeOptions& options);

// One operation's attributes <-> the Operation.attrs union. The union member is the attribute
// type's name with a lower-case first letter (Conv2dAttrs -> conv2dAttrs); fields are mapped by
// name (format/capnp/attrs_fields.inc) and read and written through capnp's generated accessors.
// Decoding rejects unknown union members and enum values and null required lists; errors name the
// field ("conv2dAttrs.inputLayout: ..."), DataError.
Status EncodeAttrs(const Attrs& attrs, wire::Operation::Attrs::Builder out);
Result<Attrs> DecodeAttrs(wire::Operation::Attrs::Reader in);

// The C++ field names the codec maps for the Attrs alternative `index` (1..N), in order (the
// row of attrs_fields.inc; tests compare it with VisitFields). Empty for 0 or out of range.
std::vector<std::string_view> AttrsWireFieldNames(size_t index);

// "conv2dAttrs" for the Attrs alternative `index` (1..N; 0, std::monostate, has no member).
std::string AttrsMemberName(size_t index);

}  // namespace webnn
