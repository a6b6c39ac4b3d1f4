#include "service/rpc.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <type_traits>

#include "service/graph_cost.h"
#include "service/graph_runs.h"
#include "service/listener.h"
#include "service/sandbox.h"

namespace webnn::service {

namespace {

void SetError(rpc::ServiceError::Builder out, const Error& e) { ToWire(e, out); }

// A completion callback for the worker pool that resolves a promise of the event loop.
// (std::function needs a copyable target; the fulfiller is shared.)
template <typename T>
std::function<void(T)> Fulfill(kj::Own<kj::CrossThreadPromiseFulfiller<T>> fulfiller) {
  auto f = std::make_shared<kj::Own<kj::CrossThreadPromiseFulfiller<T>>>(kj::mv(fulfiller));
  return [f](T value) { (*f)->fulfill(std::move(value)); };
}

// A tensor's charge (its count and bytes) while it is being created: undone when it is dropped
// before Keep, whether the creation failed or was cancelled.
class TensorCharge {
 public:
  TensorCharge(std::shared_ptr<ContextCore> core, uint64_t bytes)
      : core_(std::move(core)), bytes_(bytes) {}
  ~TensorCharge() {
    if (!core_) return;
    core_->client->tensor_bytes -= bytes_;
    --core_->client->tensors;
  }
  TensorCharge(const TensorCharge&) = delete;
  TensorCharge& operator=(const TensorCharge&) = delete;
  void Keep() { core_ = nullptr; }

 private:
  std::shared_ptr<ContextCore> core_;
  uint64_t bytes_;
};

class TensorImpl final : public rpc::Tensor::Server {
 public:
  TensorImpl(std::shared_ptr<ContextCore> core, uint64_t id) : core_(std::move(core)), id_(id) {}
  ~TensorImpl() {
    std::lock_guard lock(core_->mu);
    auto it = core_->tensors.find(id_);
    if (it == core_->tensors.end()) return;
    core_->client->tensor_bytes -= it->second.tensor->desc().ByteLength();
    --core_->client->tensors;
    core_->tensors.erase(it);  // in-flight work keeps the bytes until it finishes
  }

 private:
  std::shared_ptr<ContextCore> core_;
  uint64_t id_;
};

class GraphImpl final : public rpc::Graph::Server {
 public:
  GraphImpl(std::shared_ptr<ContextCore> core, uint64_t id) : core_(std::move(core)), id_(id) {}
  ~GraphImpl() {
    std::lock_guard lock(core_->mu);
    auto it = core_->graphs.find(id_);
    if (it == core_->graphs.end()) return;
    core_->client->constant_bytes -= it->second.constant_bytes;
    // The build's charge and the arenas concurrent runs added (the runs still in flight keep
    // theirs until they finish, but charge no more).
    const uint64_t runs = it->second.runs ? it->second.runs->Close() : 0;
    core_->client->graph_memory_bytes -= it->second.graph_memory_bytes + runs;
    --core_->client->graphs;
    core_->graphs.erase(it);
  }

 private:
  std::shared_ptr<ContextCore> core_;
  uint64_t id_;
};

class UploadImpl final : public rpc::Upload::Server {
 public:
  UploadImpl(std::shared_ptr<ContextCore> core, uint64_t id) : core_(std::move(core)), id_(id) {}
  ~UploadImpl() {
    std::lock_guard lock(core_->mu);
    auto it = core_->uploads.find(id_);
    if (it == core_->uploads.end()) return;  // a graph took it (and its charge)
    core_->client->constant_bytes -= it->second.storage.size;
    core_->uploads.erase(it);
  }

 private:
  std::shared_ptr<ContextCore> core_;
  uint64_t id_;
};

// Bytes of the constant regions a buildGraph names: a sealed memfd mapped read-only, or an
// upload the graph took. Either way nobody can change them any more.
struct ConstantRegionBytes {
  std::shared_ptr<const void> owner;
  const std::byte* data = nullptr;
  size_t size = 0;
};

// The most regions one buildGraph may name (a call carries at most two descriptors: the
// message's and one region's; uploads are not descriptors, but one suffices too).
constexpr unsigned kMaxConstantRegions = 16;

// Gets the memfd behind a SharedMemory capability and maps `size` bytes of it.
kj::Promise<Result<std::shared_ptr<SharedRegion>>> MapShared(rpc::SharedMemory::Client cap,
                                                             uint64_t size) {
  return cap.getFd().then([size](kj::Maybe<int> fd) -> Result<std::shared_ptr<SharedRegion>> {
    KJ_IF_MAYBE (f, fd) {
      return SharedRegion::MapPeer(*f, static_cast<size_t>(size));
    }
    return MakeError(ErrorCode::kDataError,
                     "shared memory: no file descriptor came with the capability (shared "
                     "memory needs a Unix socket)");
  });
}

class ContextImpl final : public rpc::Context::Server {
 public:
  ContextImpl(std::shared_ptr<ContextCore> core, uint64_t max_message_bytes)
      : core_(std::move(core)), max_message_bytes_(max_message_bytes) {}

  kj::Promise<void> buildGraph(BuildGraphContext call) override {
    auto params = call.getParams();
    ClientState& client = *core_->client;
    if (Status s = client.Admit("buildGraph"); !s.ok()) return Fail(call, s.error());
    if (client.graphs >= client.limits.max_graphs) {
      return Fail(call, MakeError(ErrorCode::kNotSupportedError, "quota exceeded: graphs: ",
                                  client.graphs, " live, the limit is ", client.limits.max_graphs));
    }
    // The constant regions first: uploads are taken now (a later writeUpload fails), memfds
    // are checked and mapped when their descriptors arrive.
    auto region_list = params.getConstantRegions();
    if (region_list.size() > kMaxConstantRegions) {
      return Fail(call, MakeError(ErrorCode::kDataError, "buildGraph: ", region_list.size(),
                                  " constant regions (at most ", kMaxConstantRegions, ")"));
    }
    auto regions = std::make_shared<std::vector<ConstantRegionBytes>>(region_list.size());
    kj::Vector<kj::Promise<Status>> mapped;
    for (unsigned i = 0; i < region_list.size(); ++i) {
      auto r = region_list[i];
      if (r.isUpload()) {
        std::lock_guard lock(core_->mu);
        auto it = core_->uploads.find(r.getUpload());
        if (it == core_->uploads.end()) {
          return Fail(call, MakeError(ErrorCode::kTypeError, "buildGraph: constant region ", i,
                                      ": no upload with id ", r.getUpload(),
                                      " in this context (taken by another graph, or never "
                                      "created)"));
        }
        const runtime::Storage storage = std::move(it->second.storage);
        core_->uploads.erase(it);
        // The graph charges the region again (Finish), or drops it.
        client.constant_bytes -= storage.size;
        (*regions)[i] = {storage.owner, storage.data, storage.size};
        continue;
      }
      // Refused before it is mapped when it alone exceeds what the quota leaves.
      const uint64_t room = client.limits.max_constant_bytes > client.constant_bytes
                                ? client.limits.max_constant_bytes - client.constant_bytes
                                : 0;
      mapped.add(r.getShared().getFd().then([regions, i, room](kj::Maybe<int> fd) -> Status {
        KJ_IF_MAYBE (f, fd) {
          auto region = SharedRegion::MapPeerSealed(*f, room);
          if (!region.ok() && region.error().code() == ErrorCode::kNotSupportedError) {
            // Larger than what maxConstantBytes leaves.
            return MakeError(ErrorCode::kNotSupportedError,
                             "quota exceeded: constant bytes: ", region.error().message());
          }
          if (!region.ok()) return std::move(region.error().Prefix("constant region"));
          auto& out = (*regions)[i];
          out.data = region.value()->data();
          out.size = region.value()->size();
          out.owner = std::move(region).value();
          return {};
        }
        return MakeError(ErrorCode::kDataError,
                         "constant region: no file descriptor came with the capability (shared "
                         "memory needs a Unix socket; use an upload)");
      }));
    }
    auto regions_ready = kj::joinPromises(mapped.releaseAsArray()).then([](kj::Array<Status> all) {
      for (Status& s : all) {
        if (!s.ok()) return std::move(s);
      }
      return Status();
    });
    if (params.hasShared()) {
      const uint64_t length = params.getLength();
      if (length == 0 || length > max_message_bytes_) {
        return Fail(call, MakeError(ErrorCode::kDataError, "buildGraph: a message of ", length,
                                    " bytes (the limit is ", max_message_bytes_, ")"));
      }
      return regions_ready.then([this, call, regions, length](Status s) mutable {
        if (!s.ok()) {
          FailNow(call, s.error().Prefix("buildGraph"));
          return kj::Promise<void>(kj::READY_NOW);
        }
        return MapShared(call.getParams().getShared(), length)
            .then([this, call, regions](Result<std::shared_ptr<SharedRegion>> region) mutable {
              if (!region.ok()) return FailNow(call, region.error());
              // Decoding copies the message out of the shared memory once, first: the client
              // can still write the region, so validation must see a private snapshot.
              Finish(call, region.value()->span(), *regions);
            });
      });
    }
    return regions_ready.then([this, call, regions](Status s) mutable {
      if (!s.ok()) return FailNow(call, s.error().Prefix("buildGraph"));
      auto message = call.getParams().getMessage();
      Finish(call, {reinterpret_cast<const std::byte*>(message.begin()), message.size()}, *regions);
    });
  }

  kj::Promise<void> createTensor(CreateTensorContext call) override {
    auto params = call.getParams();
    ClientState& client = *core_->client;
    if (Status s = client.Admit("createTensor"); !s.ok()) return Fail(call, s.error());
    auto desc = FromWire(params.getDescriptor());
    if (!desc.ok()) return Fail(call, desc.error());
    if (Status s = CheckDescriptor(core_->limits, desc.value(), "createTensor"); !s.ok()) {
      return Fail(call, s.error());
    }
    if (client.tensors >= client.limits.max_tensors) {
      return Fail(call, MakeError(ErrorCode::kNotSupportedError,
                                  "quota exceeded: tensors: ", client.tensors,
                                  " live, the limit is ", client.limits.max_tensors));
    }
    const uint64_t bytes = desc.value().ByteLength();
    if (Status s = client.Charge(client.tensor_bytes, bytes, client.limits.max_tensor_bytes,
                                 "tensor bytes");
        !s.ok()) {
      return Fail(call, s.error());
    }
    ++client.tensors;
    TensorEntry entry;
    entry.readable = params.getReadable();
    entry.writable = params.getWritable();
    auto finish = [this, call, bytes](TensorEntry entry) mutable {
      std::unique_lock lock(core_->mu);
      const uint64_t id = core_->next_id++;
      core_->tensors.emplace(id, std::move(entry));
      lock.unlock();
      auto results = call.getResults();
      results.setId(id);
      results.setTensor(kj::heap<TensorImpl>(core_, id));
      core_->client->log.Debug(core_->client->id, ": tensor ", id, " (", bytes, " bytes)");
    };
    // Undone unless the tensor is made: also when the connection ends while the shared
    // memory's descriptor is awaited (the continuation below is then dropped, never run).
    auto charge = kj::heap<TensorCharge>(core_, bytes);
    if (params.hasShared()) {
      return MapShared(params.getShared(), bytes)
          .then([call, desc = desc.value(), entry, finish,
                 charge = kj::mv(charge)](Result<std::shared_ptr<SharedRegion>> region) mutable {
            if (!region.ok()) {
              ToWire(region.error(), call.getResults().initError());
              return;
            }
            auto r = std::move(region).value();
            runtime::Storage storage{r->data(), static_cast<size_t>(desc.ByteLength()), r};
            entry.tensor = std::make_shared<runtime::ExecTensor>(desc, std::move(storage));
            charge->Keep();
            finish(std::move(entry));
          });
    }
    auto tensor = core_->executor->CreateTensor(desc.value(), entry.readable, entry.writable);
    if (!tensor.ok()) return Fail(call, tensor.error());
    entry.tensor = std::move(tensor).value();
    charge->Keep();
    finish(std::move(entry));
    return kj::READY_NOW;
  }

  kj::Promise<void> writeTensor(WriteTensorContext call) override {
    auto params = call.getParams();
    if (Status s = core_->client->Admit("writeTensor"); !s.ok()) return Fail(call, s.error());
    std::unique_lock lock(core_->mu);
    auto entry = Lookup(core_->tensors, params.getTensor(), "writeTensor");
    if (!entry.ok()) return Fail(call, entry.error());
    if (!entry.value()->writable) {
      return Fail(call,
                  MakeError(ErrorCode::kTypeError, "writeTensor: the tensor is not writable"));
    }
    auto data = params.getData();
    const runtime::TensorRef& tensor = entry.value()->tensor;
    // A whole tensor, or a chunk of one (`offset`) too large for one message.
    const uint64_t length = tensor->desc().ByteLength(), offset = params.getOffset();
    if (offset > length || data.size() > length - offset || (data.size() == 0 && length != 0)) {
      return Fail(call, MakeError(ErrorCode::kTypeError, "writeTensor: ", data.size(),
                                  " bytes given at offset ", offset, ", the tensor has ", length));
    }
    std::vector<std::byte> bytes(reinterpret_cast<const std::byte*>(data.begin()),
                                 reinterpret_cast<const std::byte*>(data.end()));
    auto paf = kj::newPromiseAndCrossThreadFulfiller<Status>();
    core_->executor->WriteAsync(tensor, std::move(bytes), Fulfill(kj::mv(paf.fulfiller)),
                                static_cast<size_t>(offset));
    return paf.promise.then([call](Status s) mutable {
      if (!s.ok()) SetError(call.getResults().initError(), s.error());
    });
  }

  kj::Promise<void> readTensor(ReadTensorContext call) override {
    auto params = call.getParams();
    if (Status s = core_->client->Admit("readTensor"); !s.ok()) return Fail(call, s.error());
    std::unique_lock lock(core_->mu);
    auto entry = Lookup(core_->tensors, params.getTensor(), "readTensor");
    if (!entry.ok()) return Fail(call, entry.error());
    if (!entry.value()->readable) {
      return Fail(call, MakeError(ErrorCode::kTypeError, "readTensor: the tensor is not readable"));
    }
    // The whole tensor, or a chunk (`offset`, `length`; 0: to the end) when it is larger than
    // a message carries.
    const uint64_t size = entry.value()->tensor->desc().ByteLength();
    const uint64_t offset = params.getOffset();
    if (offset > size || params.getLength() > size - offset) {
      return Fail(call, MakeError(ErrorCode::kTypeError, "readTensor: ", params.getLength(),
                                  " bytes at offset ", offset, ", the tensor has ", size));
    }
    const uint64_t length = params.getLength() != 0 ? params.getLength() : size - offset;
    if (length > kMaxDataBytes) {
      return Fail(call, MakeError(ErrorCode::kNotSupportedError, "readTensor: ", length,
                                  " bytes in one call, a message carries at most ", kMaxDataBytes,
                                  "; read the tensor in chunks (offset, length)"));
    }
    auto paf = kj::newPromiseAndCrossThreadFulfiller<Result<std::vector<std::byte>>>();
    core_->executor->ReadAsync(entry.value()->tensor, Fulfill(kj::mv(paf.fulfiller)),
                               static_cast<size_t>(offset), static_cast<size_t>(length));
    return paf.promise.then([call](Result<std::vector<std::byte>> r) mutable {
      if (!r.ok()) {
        SetError(call.getResults().initError(), r.error());
        return;
      }
      call.getResults().setData(
          kj::arrayPtr(reinterpret_cast<const kj::byte*>(r.value().data()), r.value().size()));
    });
  }

  kj::Promise<void> dispatch(DispatchContext call) override {
    auto params = call.getParams();
    ClientState& client = *core_->client;
    if (Status s = client.Admit("dispatch"); !s.ok()) return Fail(call, s.error());
    std::vector<NamedTensorId> inputs, outputs;
    for (auto named : params.getInputs())
      inputs.push_back({named.getName().cStr(), named.getTensor()});
    for (auto named : params.getOutputs())
      outputs.push_back({named.getName().cStr(), named.getTensor()});
    auto bound = core_->Bind(params.getGraph(), inputs, outputs);
    if (!bound.ok()) return Fail(call, bound.error());
    if (Status s = client.StartDispatch(); !s.ok()) return Fail(call, s.error());
    const auto started = std::chrono::steady_clock::now();
    const uint64_t bytes_in = bound->InputBytes(), bytes_out = bound->OutputBytes();
    auto paf = kj::newPromiseAndCrossThreadFulfiller<Status>();
    // The dispatch stops counting when it ends, on the thread that ends it: the call's
    // continuation below never runs when the client has gone.
    auto fulfill = Fulfill(kj::mv(paf.fulfiller));
    core_->executor->DispatchAsync(
        bound->graph, std::move(bound->inputs), std::move(bound->outputs),
        [client = core_->client, fulfill, started, bytes_in, bytes_out](Status s) {
          // Counted here, not in the continuation below: that one
          // never runs once the client has gone.
          client->FinishDispatch(started, bytes_in, bytes_out, s.ok());
          fulfill(std::move(s));
        });
    return paf.promise.then([call, core = core_](Status s) mutable {
      if (!s.ok()) {
        core->client->log.Debug(core->client->id, ": dispatch failed: ", s.error().message());
        SetError(call.getResults().initError(), s.error());
      }
    });
  }

  kj::Promise<void> createUpload(CreateUploadContext call) override {
    ClientState& client = *core_->client;
    if (Status s = client.Admit("createUpload"); !s.ok()) return Fail(call, s.error());
    const uint64_t length = call.getParams().getLength();
    if (length == 0) {
      return Fail(call, MakeError(ErrorCode::kTypeError, "createUpload: an empty upload"));
    }
    // Charged before anything is allocated; the memory is zero-filled and committed only as
    // the client writes it.
    if (Status s = client.Charge(client.constant_bytes, length, client.limits.max_constant_bytes,
                                 "constant bytes (upload)");
        !s.ok()) {
      return Fail(call, s.error().Prefix("createUpload"));
    }
    runtime::Storage storage;
    try {
      storage = runtime::Storage::Allocate(static_cast<size_t>(length));
    } catch (const std::bad_alloc&) {
      client.constant_bytes -= length;
      return Fail(call, MakeError(ErrorCode::kOperationError, "createUpload: out of memory (",
                                  length, " bytes)"));
    }
    std::unique_lock lock(core_->mu);
    const uint64_t id = core_->next_id++;
    core_->uploads.emplace(id, UploadEntry{std::move(storage)});
    lock.unlock();
    auto results = call.getResults();
    results.setId(id);
    results.setUpload(kj::heap<UploadImpl>(core_, id));
    client.log.Debug(client.id, ": upload ", id, " (", length, " bytes)");
    return kj::READY_NOW;
  }

  kj::Promise<void> writeUpload(WriteUploadContext call) override {
    auto params = call.getParams();
    if (Status s = core_->client->Admit("writeUpload"); !s.ok()) return Fail(call, s.error());
    std::lock_guard lock(core_->mu);
    auto it = core_->uploads.find(params.getUpload());
    if (it == core_->uploads.end()) {
      return Fail(call, MakeError(ErrorCode::kTypeError, "writeUpload: no upload with id ",
                                  params.getUpload(),
                                  " in this context (a graph took it, or never created)"));
    }
    const runtime::Storage& storage = it->second.storage;
    auto data = params.getData();
    const uint64_t offset = params.getOffset();
    if (offset > storage.size || data.size() > storage.size - offset) {
      return Fail(call, MakeError(ErrorCode::kTypeError, "writeUpload: ", data.size(),
                                  " bytes at offset ", offset, ", the upload has ", storage.size));
    }
    if (data.size() != 0) std::memcpy(storage.data + offset, data.begin(), data.size());
    return kj::READY_NOW;
  }

 private:
  template <typename Map>
  static Result<typename Map::mapped_type*> Lookup(Map& map, uint64_t id, std::string_view what) {
    auto it = map.find(id);
    if (it == map.end()) {
      return MakeError(ErrorCode::kTypeError, what, ": no ",
                       std::is_same_v<typename Map::mapped_type, TensorEntry> ? "tensor" : "graph",
                       " with id ", id, " in this context (destroyed, or never created)");
    }
    return &it->second;
  }

  template <typename Call>
  kj::Promise<void> Fail(Call& call, const Error& e) {
    core_->client->log.Debug(core_->client->id, ": ", e.message());
    SetError(call.getResults().initError(), e);
    return kj::READY_NOW;
  }
  template <typename Call>
  void FailNow(Call& call, const Error& e) {
    (void)Fail(call, e);
  }

  void Finish(BuildGraphContext call, std::span<const std::byte> message,
              const std::vector<ConstantRegionBytes>& regions) {
    ClientState& client = *core_->client;
    DecodeOptions options;
    options.limits = core_->limits;
    options.max_message_bytes = max_message_bytes_;
    // Constants in a region share its bytes: they can no longer change (sealed, or taken from
    // the client), so they need no private copy.
    uint64_t in_regions = 0;
    options.shared_memory = [&regions, &in_regions](uint32_t region, uint64_t offset,
                                                    uint64_t length) -> Result<ByteBuffer> {
      if (region >= regions.size()) {
        return MakeError(ErrorCode::kDataError, "shared memory region ", region, " out of range (",
                         regions.size(), " sent)");
      }
      const ConstantRegionBytes& r = regions[region];
      if (offset > r.size || length > r.size - offset) {
        return MakeError(ErrorCode::kDataError, length, " bytes at offset ", offset,
                         " are outside region ", region, " (", r.size, " bytes)");
      }
      in_regions += length;
      return ByteBuffer(r.owner, r.data + offset, static_cast<size_t>(length));
    };
    auto graph = DecodeGraph(message, options);
    if (!graph.ok()) {
      client.log.Warning(client.id, ": rejected a graph: ", graph.error().message());
      FailNow(call, graph.error().Prefix("buildGraph"));
      return;
    }
    // The inline constants and the whole of each region (what the graph keeps alive).
    uint64_t constant_bytes = 0;
    for (const auto& [id, bytes] : graph.value().constants) constant_bytes += bytes.size();
    constant_bytes -= std::min(constant_bytes, in_regions);
    for (const ConstantRegionBytes& r : regions) constant_bytes += r.size;
    if (Status s = client.Charge(client.constant_bytes, constant_bytes,
                                 client.limits.max_constant_bytes, "constant bytes");
        !s.ok()) {
      FailNow(call, s.error());
      return;
    }
    // What its runs will take, charged before anything is compiled or run.
    const GraphCost cost = EstimateGraphCost(graph.value());
    const uint64_t memory_limit = client.limits.GraphMemoryLimit();
    if (Status s = client.Charge(client.graph_memory_bytes, cost.run_bytes, memory_limit,
                                 "graph memory (intermediates and outputs of a run)");
        !s.ok()) {
      client.constant_bytes -= constant_bytes;
      FailNow(call, s.error().Prefix("buildGraph"));
      return;
    }
    if (cost.work > client.limits.max_graph_work) {
      client.constant_bytes -= constant_bytes;
      client.graph_memory_bytes -= cost.run_bytes;
      client.log.Warning(client.id, ": refused a graph: estimated work ", cost.work,
                         " > maxGraphWork ", client.limits.max_graph_work);
      FailNow(call, MakeError(ErrorCode::kNotSupportedError,
                              "buildGraph: quota exceeded: graph work: an estimated ", cost.work,
                              " element operations a run > the limit of ",
                              client.limits.max_graph_work, " (maxGraphWork)"));
      return;
    }
    uint64_t graph_memory = cost.run_bytes;
    auto undo = [&client, constant_bytes, &graph_memory] {
      client.constant_bytes -= constant_bytes;
      client.graph_memory_bytes -= graph_memory;
    };
    const size_t ops = graph.value().operations.size();
    Result<runtime::GraphRef> compiled = MakeError(ErrorCode::kOperationError, "not compiled");
    try {
      compiled = core_->executor->Compile(std::move(graph).value());
    } catch (const std::bad_alloc&) {
      compiled = MakeError(ErrorCode::kOperationError, "buildGraph: out of memory compiling it");
    }
    if (!compiled.ok()) {
      undo();
      FailNow(call, compiled.error());
      return;
    }
    // Prepacked weights beyond the constants already charged, and an arena beyond the
    // estimate (a backend may pad), are charged too.
    if (const backend::CompiledGraph* c = compiled.value()->compiled()) {
      const backend::CompiledGraphStats stats = c->stats();
      const uint64_t extra =
          (stats.weight_bytes > constant_bytes ? stats.weight_bytes - constant_bytes : 0) +
          (stats.arena_bytes > cost.run_bytes ? stats.arena_bytes - cost.run_bytes : 0);
      if (Status s = client.Charge(client.graph_memory_bytes, extra, memory_limit,
                                   "graph memory (prepacked weights and arena)");
          !s.ok()) {
        undo();
        FailNow(call, s.error().Prefix("buildGraph"));
        return;
      }
      graph_memory += extra;
    }
    // A run's arena (or, on the reference kernels, its results): each concurrent run beyond the
    // first charges another before it starts (graph_runs.h).
    runtime::GraphRef runnable = std::move(compiled).value();
    std::shared_ptr<GraphRuns> runs;
    if (const backend::CompiledGraph* c = runnable->compiled()) {
      runs = std::make_shared<GraphRuns>(
          client.account, std::max(cost.run_bytes, c->stats().arena_bytes), memory_limit);
      runnable = BoundRuns(std::move(runnable), runs);
    }
    ++client.graphs;
    std::unique_lock lock(core_->mu);
    const uint64_t id = core_->next_id++;
    core_->graphs.emplace(
        id, GraphEntry{std::move(runnable), constant_bytes, graph_memory, std::move(runs)});
    lock.unlock();
    auto results = call.getResults();
    results.setId(id);
    results.setGraph(kj::heap<GraphImpl>(core_, id));
    client.log.Debug(client.id, ": graph ", id, " (", ops, " operations, ", constant_bytes,
                     " constant bytes)");
  }

  std::shared_ptr<ContextCore> core_;
  uint64_t max_message_bytes_;
};

class ProviderImpl final : public rpc::ContextProvider::Server {
 public:
  ProviderImpl(std::shared_ptr<ClientState> client, std::shared_ptr<const Compute> pool,
               std::shared_ptr<Registry> registry, std::shared_ptr<Reaper> reaper,
               std::string isolation)
      : client_(std::move(client)),
        pool_(std::move(pool)),
        registry_(std::move(registry)),
        reaper_(std::move(reaper)),
        isolation_(std::move(isolation)) {}

  kj::Promise<void> createContext(CreateContextContext call) override {
    ClientState& client = *client_;
    auto results = call.getResults();
    if (Status s = client.Admit("createContext"); !s.ok()) {
      SetError(results.initError(), s.error());
      return kj::READY_NOW;
    }
    if (client.contexts >= client.limits.max_contexts) {
      SetError(results.initError(), MakeError(ErrorCode::kNotSupportedError,
                                              "quota exceeded: contexts: ", client.contexts,
                                              " live, the limit is ", client.limits.max_contexts));
      return kj::READY_NOW;
    }
    ContextLimits limits;
    limits.max_tensor_byte_length = std::min<uint64_t>(call.getParams().getMaxTensorByteLength(),
                                                       client.limits.max_tensor_byte_length);
    auto executor =
        pool_->MakeExecutor(call.getParams().getBackend().cStr(), call.getParams().getThreads());
    if (!executor.ok()) {
      SetError(results.initError(), executor.error());
      return kj::READY_NOW;
    }
    ++client.contexts;
    ++client.connection_contexts;
    auto core = ContextCore::Make(client_, std::move(executor).value(), limits, reaper_);
    // The largest graph message: its constants plus the operations around them.
    const uint64_t max_message = client.limits.max_constant_bytes + (uint64_t{64} << 20);
    client.cancel_queued.push_back([executor = std::weak_ptr(core->executor)]() -> size_t {
      auto e = executor.lock();
      return e ? e->CancelQueued(
                     MakeError(ErrorCode::kInvalidStateError, "the client disconnected"))
               : 0;
    });
    results.setContext(kj::heap<ContextImpl>(core, max_message));
    if (!call.getParams().hasChannel()) {
      client.log.Debug(client.id, ": context created");
      return kj::READY_NOW;
    }
    return MapShared(call.getParams().getChannel(), sizeof(DispatchChannel))
        .then([call, core, id = client.id](Result<std::shared_ptr<SharedRegion>> region) mutable {
          if (!region.ok()) {
            core->client->log.Warning(id, ": no dispatch channel: ", region.error().message());
            return;
          }
          core->StartChannel(std::move(region).value());
          call.getResults().setFastDispatch(true);
          core->client->log.Debug(id, ": context created (dispatch channel)");
        });
  }

  kj::Promise<void> ping(PingContext call) override {
    if (Status s = client_->Admit("ping"); !s.ok()) {
      return kj::Promise<void>(KJ_EXCEPTION(FAILED, s.error().message()));
    }
    auto results = call.getResults();
    results.setPayload(call.getParams().getPayload());
    results.setServerVersion(kServerVersion);
    results.setClientId(client_->id);
    results.setSandboxed(SandboxActive());
    results.setIsolation(isolation_);
    results.setWorkerPid(static_cast<uint32_t>(getpid()));
    // Only the caller's own principal: what other tenants hold is none of its business.
    auto stats = results.initStats();
    uint32_t clients = 0;
    for (auto it = registry_->begin(); it != registry_->end();) {
      auto c = it->lock();
      if (!c) {
        it = registry_->erase(it);
        continue;
      }
      ++it;
      if (c->account == client_->account) ++clients;
    }
    const ClientState& own = *client_;
    const uint32_t contexts = own.contexts, graphs = own.graphs, tensors = own.tensors,
                   inflight = own.inflight;
    const uint64_t tensor_bytes = own.tensor_bytes, constant_bytes = own.constant_bytes;
    stats.setClients(clients);
    stats.setContexts(contexts);
    stats.setGraphs(graphs);
    stats.setTensors(tensors);
    stats.setTensorBytes(tensor_bytes);
    stats.setConstantBytes(constant_bytes);
    stats.setInflightDispatches(inflight);
    stats.setGraphMemoryBytes(own.graph_memory_bytes);
    return kj::READY_NOW;
  }

 private:
  std::shared_ptr<ClientState> client_;
  std::shared_ptr<const Compute> pool_;
  std::shared_ptr<Registry> registry_;
  std::shared_ptr<Reaper> reaper_;
  std::string isolation_;
};

class ServiceImpl final : public rpc::Service::Server {
 public:
  ServiceImpl(std::shared_ptr<ClientState> client, std::shared_ptr<const Compute> pool,
              std::string token, std::shared_ptr<Registry> registry, std::shared_ptr<Reaper> reaper,
              std::string isolation)
      : client_(std::move(client)),
        pool_(std::move(pool)),
        token_(std::move(token)),
        registry_(std::move(registry)),
        reaper_(std::move(reaper)),
        isolation_(std::move(isolation)) {}

  kj::Promise<void> connect(ConnectContext call) override {
    auto params = call.getParams();
    ClientState& client = *client_;
    if (params.getProtocolVersion() != rpc::PROTOCOL_VERSION) {
      client.log.Warning(client.id, ": protocol version ", params.getProtocolVersion(), " refused");
      return kj::Promise<void>(
          KJ_EXCEPTION(FAILED, kj::str("webnnd speaks protocol version ", rpc::PROTOCOL_VERSION,
                                       ", the client ", params.getProtocolVersion())));
    }
    if (client.unix_peer) {
      if (!client.uid_allowed) {
        client.log.Warning(client.id, ": refused: uid not allowed");
        client.Refused("uid not allowed");
        return kj::Promise<void>(
            KJ_EXCEPTION(FAILED, kj::str("permission denied: ", client.id.c_str(),
                                         " is not allowed to use this service")));
      }
    } else {
      auto token = params.getToken();
      if (!TokenMatches({reinterpret_cast<const char*>(token.begin()), token.size()}, token_)) {
        client.log.Warning(client.id, ": refused: bad token");
        client.Refused("bad token");
        return kj::Promise<void>(KJ_EXCEPTION(FAILED, "permission denied: bad token"));
      }
    }
    if (!client.authenticated && client.on_authenticated) {
      if (Status s = client.on_authenticated(); !s.ok()) {
        client.log.Warning(client.id, ": refused: ", s.error().message());
        return kj::Promise<void>(KJ_EXCEPTION(FAILED, s.error().message()));
      }
    }
    client.authenticated = true;
    client.log.Info(client.id, ": connected");
    call.getResults().setProvider(
        kj::heap<ProviderImpl>(client_, pool_, registry_, reaper_, isolation_));
    return kj::READY_NOW;
  }

 private:
  std::shared_ptr<ClientState> client_;
  std::shared_ptr<const Compute> pool_;
  std::string token_;
  std::shared_ptr<Registry> registry_;
  std::shared_ptr<Reaper> reaper_;
  std::string isolation_;
};

}  // namespace

rpc::Service::Client MakeServiceCapability(std::shared_ptr<ClientState> client,
                                           const ServiceShared& shared) {
  return kj::heap<ServiceImpl>(std::move(client), shared.compute, shared.token, shared.registry,
                               shared.reaper, shared.isolation);
}

}  // namespace webnn::service
