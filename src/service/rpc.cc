#include "service/rpc.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <type_traits>

#include "service/graph_cost.h"
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
    core_->client->graph_memory_bytes -= it->second.graph_memory_bytes;
    --core_->client->graphs;
    core_->graphs.erase(it);
  }

 private:
  std::shared_ptr<ContextCore> core_;
  uint64_t id_;
};

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
    if (params.hasShared()) {
      const uint64_t length = params.getLength();
      if (length == 0 || length > max_message_bytes_) {
        return Fail(call, MakeError(ErrorCode::kDataError, "buildGraph: a message of ", length,
                                    " bytes (the limit is ", max_message_bytes_, ")"));
      }
      return MapShared(params.getShared(), length)
          .then([this, call](Result<std::shared_ptr<SharedRegion>> region) mutable {
            if (!region.ok()) return FailNow(call, region.error());
            // Decoding copies the message out of the shared memory once, first: the client
            // can still write the region, so validation must see a private snapshot.
            Finish(call, region.value()->span());
          });
    }
    auto message = params.getMessage();
    Finish(call, {reinterpret_cast<const std::byte*>(message.begin()), message.size()});
    return kj::READY_NOW;
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
    if (data.size() != tensor->desc().ByteLength()) {
      return Fail(call, MakeError(ErrorCode::kTypeError, "writeTensor: ", data.size(),
                                  " bytes given, the tensor has ", tensor->desc().ByteLength()));
    }
    std::vector<std::byte> bytes(reinterpret_cast<const std::byte*>(data.begin()),
                                 reinterpret_cast<const std::byte*>(data.end()));
    auto paf = kj::newPromiseAndCrossThreadFulfiller<Status>();
    core_->executor->WriteAsync(tensor, std::move(bytes), Fulfill(kj::mv(paf.fulfiller)));
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
    auto paf = kj::newPromiseAndCrossThreadFulfiller<Result<std::vector<std::byte>>>();
    core_->executor->ReadAsync(entry.value()->tensor, Fulfill(kj::mv(paf.fulfiller)));
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

  void Finish(BuildGraphContext call, std::span<const std::byte> message) {
    ClientState& client = *core_->client;
    DecodeOptions options;
    options.limits = core_->limits;
    options.max_message_bytes = max_message_bytes_;
    auto graph = DecodeGraph(message, options);
    if (!graph.ok()) {
      client.log.Warning(client.id, ": rejected a graph: ", graph.error().message());
      FailNow(call, graph.error().Prefix("buildGraph"));
      return;
    }
    uint64_t constant_bytes = 0;
    for (const auto& [id, bytes] : graph.value().constants) constant_bytes += bytes.size();
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
    ++client.graphs;
    std::unique_lock lock(core_->mu);
    const uint64_t id = core_->next_id++;
    core_->graphs.emplace(id,
                          GraphEntry{std::move(compiled).value(), constant_bytes, graph_memory});
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
               std::shared_ptr<Registry> registry, std::shared_ptr<Reaper> reaper)
      : client_(std::move(client)),
        pool_(std::move(pool)),
        registry_(std::move(registry)),
        reaper_(std::move(reaper)) {}

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
    return kj::READY_NOW;
  }

 private:
  std::shared_ptr<ClientState> client_;
  std::shared_ptr<const Compute> pool_;
  std::shared_ptr<Registry> registry_;
  std::shared_ptr<Reaper> reaper_;
};

class ServiceImpl final : public rpc::Service::Server {
 public:
  ServiceImpl(std::shared_ptr<ClientState> client, std::shared_ptr<const Compute> pool,
              std::string token, std::shared_ptr<Registry> registry, std::shared_ptr<Reaper> reaper)
      : client_(std::move(client)),
        pool_(std::move(pool)),
        token_(std::move(token)),
        registry_(std::move(registry)),
        reaper_(std::move(reaper)) {}

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
    call.getResults().setProvider(kj::heap<ProviderImpl>(client_, pool_, registry_, reaper_));
    return kj::READY_NOW;
  }

 private:
  std::shared_ptr<ClientState> client_;
  std::shared_ptr<const Compute> pool_;
  std::string token_;
  std::shared_ptr<Registry> registry_;
  std::shared_ptr<Reaper> reaper_;
};

}  // namespace

rpc::Service::Client MakeServiceCapability(std::shared_ptr<ClientState> client,
                                           const ServiceShared& shared) {
  return kj::heap<ServiceImpl>(std::move(client), shared.compute, shared.token, shared.registry,
                               shared.reaper);
}

}  // namespace webnn::service
