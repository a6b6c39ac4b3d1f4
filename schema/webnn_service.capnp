# webnn_service.capnp: the RPC interfaces between a client (the service executor of an
# MLContext, src/service/client.cc) and webnnd (src/service/server.cc), Cap'n Proto RPC over a
# Unix socket (or TCP). Modelled on the WebNN service interfaces of browsers: a context provider
# hands out contexts; a context builds graphs and creates tensors; graphs and tensors are
# capabilities, and releasing one destroys it on the service.
#
# Versioning: the rules of webnn.capnp apply (ordinals only appended, removed fields retired,
# never reused). `protocolVersion` changes only for an incompatible change; the service rejects
# a client that asks for another version with a clear error.
#
# Bytes: on a Unix socket, tensor storage and the graph message travel as shared memory (a
# memfd sealed against shrinking and growing, passed as the file descriptor of a SharedMemory
# capability), so dispatch copies nothing between the processes. On TCP (no descriptor passing)
# the same calls carry the bytes inline (`data`, `message`).
#
# Errors the client can act on (a bad argument, a limit, an invalid graph) come back as a
# `ServiceError` in the results, with the error kind of the WebNN API; Cap'n Proto exceptions
# are reserved for a broken connection or a message that is not even well formed.

@0xe746310bb4903056;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("webnn::rpc");

using Wire = import "webnn.capnp";

const protocolVersion :UInt32 = 1;

struct ServiceError {
  # The ErrorCode of include/webnn/error.h (0 TypeError, 1 InvalidStateError,
  # 2 NotSupportedError, 3 DataError, 4 OperationError, 5 UnknownError) and the message.
  code @0 :UInt8;
  message @1 :Text;
}

interface SharedMemory {
  # No methods: the capability carries a memfd (Capability::Server::getFd). The service maps it
  # only if it is sealed (F_SEAL_SHRINK | F_SEAL_GROW) and large enough, so the client cannot
  # shrink it under the service's mapping.
}

interface Service {
  # The bootstrap capability of every connection.
  connect @0 (protocolVersion :UInt32, token :Data) -> (provider :ContextProvider);
  # `token`: for TCP connections, the contents of the token file (Unix socket peers are
  # authenticated by their uid and may leave it empty). Fails (exception) when the peer is not
  # allowed; the service then closes the connection.
}

interface ContextProvider {
  createContext @0 (maxTensorByteLength :UInt64, channel :SharedMemory, backend :Text,
                    threads :UInt32)
      -> (context :Context, error :ServiceError, fastDispatch :Bool);
  # `backend`: what computes the context's graphs ("onednn", "reference"); empty picks the
  # service's default; one outside the service's allow-list is refused. `threads`: intra-op
  # threads a dispatch may use, 0 for the service's default; capped by the service.
  # `channel` (Unix sockets): a memfd holding a DispatchChannel (src/service/channel.h), the
  # dispatch fast path. `fastDispatch` says whether the service serves it; then the client
  # sends every dispatch of this context through the channel, the others over RPC.
  ping @1 (payload :Data) -> (payload :Data, serverVersion :Text, clientId :Text,
                              stats :ServiceStats, sandboxed :Bool, isolation :Text,
                              workerPid :UInt32);
  # `sandboxed`: the service runs under its seccomp sandbox with no_new_privs (docs/SECURITY.md);
  # false from a service that predates the field. `isolation`: the process that serves this
  # client ("worker pid 42 for uid 1000", or "single process"); `workerPid` its pid (0 when
  # unknown). Empty and 0 from a service that predates the fields.
}

struct ServiceStats {
  # What the calling principal (its uid, or the token holder) holds right now over all its
  # connections; nothing about other principals (for monitoring and tests).
  clients @0 :UInt32;
  contexts @1 :UInt32;
  graphs @2 :UInt32;
  tensors @3 :UInt32;
  tensorBytes @4 :UInt64;
  constantBytes @5 :UInt64;
  inflightDispatches @6 :UInt32;
  graphMemoryBytes @7 :UInt64;
  # Working memory charged for live graphs: intermediates, arenas (one per concurrent run) and
  # prepacked weights.
}

struct NamedTensor {
  name @0 :Text;
  tensor @1 :UInt64;  # the id returned by createTensor
}

interface Context {
  buildGraph @0 (message :Data, shared :SharedMemory, length :UInt64,
                 constantRegions :List(ConstantRegion))
      -> (graph :Graph, id :UInt64, error :ServiceError);
  # The graph as a webnn.capnp `File` message: the first `length` bytes of `shared`, or, when
  # `shared` is null, `message`. The service copies the bytes out once, then decodes and
  # validates them with the builder's validators.
  # `constantRegions`: where the message's `Constant.sharedMemory` constants are (`region` is an
  # index in this list); large constants travel this way instead of inline (an inline Data blob
  # holds less than 512 MiB, and a message at most 1 GiB). The whole of every region is charged
  # to maxConstantBytes while the graph lives, before it is accepted.

  createTensor @1 (descriptor :Wire.OperandDescriptor, readable :Bool, writable :Bool,
                   shared :SharedMemory) -> (tensor :Tensor, id :UInt64, error :ServiceError);
  # With `shared`, the tensor's bytes are the first byte-length bytes of that memory (client
  # reads and writes need no call); without it the service allocates them and writeTensor /
  # readTensor carry the bytes.

  writeTensor @2 (tensor :UInt64, data :Data, offset :UInt64) -> (error :ServiceError);
  readTensor @3 (tensor :UInt64, offset :UInt64, length :UInt64)
      -> (data :Data, error :ServiceError);
  # Only for tensors without shared memory. Ordered with the dispatches of this context: a read
  # returns what the dispatches before it wrote. A tensor larger than a message can carry goes
  # in chunks: a write stores `data` at byte `offset`; a read returns `length` bytes from
  # `offset` (`length` 0: up to the end). The client keeps its other calls on the tensor
  # (dispatches included) out of the middle of a chunked transfer.

  dispatch @4 (graph :UInt64, inputs :List(NamedTensor), outputs :List(NamedTensor))
      -> (error :ServiceError);
  # Returns when the outputs are written. Dispatches are ordered with each other and with
  # writeTensor / readTensor of this context (a dispatch that writes a tensor another reads
  # waits for it). A client with shared tensors waits for the dispatches that use a tensor
  # before it touches the memory itself.

  createUpload @5 (length :UInt64) -> (upload :Upload, id :UInt64, error :ServiceError);
  writeUpload @6 (upload :UInt64, offset :UInt64, data :Data) -> (error :ServiceError);
  # Large constants without shared memory (TCP): service memory of `length` bytes, charged to
  # maxConstantBytes from its creation, filled in chunks by writeUpload and named by a
  # ConstantRegion of buildGraph, which takes it (later writes fail: the bytes a graph was
  # validated with never change).
}

struct ConstantRegion {
  union {
    shared @0 :SharedMemory;
    # Unix sockets: a memfd sealed against shrinking, growing and writing (F_SEAL_WRITE), so
    # the service maps it read-only and uses the bytes without a copy.
    upload @1 :UInt64;
    # The id of an upload of this context (createUpload).
  }
}

interface Upload {
  # Releasing the capability frees an upload no graph has taken.
}

interface Graph {
  # Releasing the capability destroys the graph on the service.
}

interface Tensor {
  # Releasing the capability destroys the tensor on the service (in-flight dispatches keep
  # its bytes until they finish).
}
