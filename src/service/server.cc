#include "service/server.h"

#include <capnp/message.h>
#include <capnp/rpc-twoparty.h>
#include <fcntl.h>
#include <kj/async-io.h>
#include <kj/async-unix.h>
#include <netdb.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <list>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "format/capnp/codec.h"
#include "runtime/executor.h"
#include "service/channel.h"
#include "service/common.h"
#include "service/shm.h"

namespace webnn::service {

namespace {

constexpr const char* kServerVersion = "webnnd 0.1 (protocol 1)";

// ---- Logging -----------------------------------------------------------------------------------

int g_log_level = 2;
// Log levels by number: --log-level and "logLevel" take these names.
constexpr const char* kLogLevelNames[] = {"error", "warning", "info", "debug"};

std::optional<int> ParseLogLevel(std::string_view name) {
  for (int i = 0; i < 4; ++i) {
    if (name == kLogLevelNames[i]) return i;
  }
  return std::nullopt;
}

template <typename... Args>
void Log(int level, const Args&... args) {
  if (level > g_log_level) return;
  char when[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::ostringstream line;
  line << when << " webnnd " << kLogLevelNames[level] << ": ";
  (line << ... << args);
  line << '\n';
  std::cerr << line.str() << std::flush;
}

// ---- Per-client accounting
// -----------------------------------------------------------------------

// What one principal (a uid on the Unix socket, the token holder on TCP) holds across all its
// connections: quotas apply here, so opening more connections does not buy more resources.
struct Account {
  std::string principal;
  uint64_t tensor_bytes = 0;
  uint64_t constant_bytes = 0;
  uint32_t graphs = 0;
  uint32_t tensors = 0;
  uint32_t contexts = 0;
  std::atomic<uint32_t> inflight{0};  // also counted by the dispatch channel threads
  double tokens = 0;
  std::chrono::steady_clock::time_point last_refill = std::chrono::steady_clock::now();
  std::mutex bucket_mu;  // tokens and last_refill: the event loop and channel threads admit
};

// One connection. The counters are its account's.
struct ClientState {
  explicit ClientState(std::shared_ptr<Account> a)
      : account(std::move(a)),
        tensor_bytes(account->tensor_bytes),
        constant_bytes(account->constant_bytes),
        graphs(account->graphs),
        tensors(account->tensors),
        contexts(account->contexts),
        inflight(account->inflight),
        tokens(account->tokens),
        last_refill(account->last_refill) {}
  std::string id;  // "uid 1000 pid 4242 #3" or "tcp 127.0.0.1:40000 #4"
  bool unix_peer = true;
  bool uid_allowed = false;
  bool authenticated = false;
  ClientLimits limits;
  std::shared_ptr<Account> account;
  uint64_t& tensor_bytes;
  uint64_t& constant_bytes;
  uint32_t& graphs;
  uint32_t& tensors;
  uint32_t& contexts;
  std::atomic<uint32_t>& inflight;
  double& tokens;
  std::chrono::steady_clock::time_point& last_refill;

  // The rate limit: every request takes a token from a bucket refilled at
  // requests_per_second, holding at most request_burst.
  Status Admit(std::string_view method) {
    std::lock_guard lock(account->bucket_mu);
    const auto now = std::chrono::steady_clock::now();
    const double dt = std::chrono::duration<double>(now - last_refill).count();
    last_refill = now;
    tokens = std::min(limits.request_burst, tokens + dt * limits.requests_per_second);
    if (tokens < 1) {
      Log(1, id, ": ", method, ": rate limit exceeded");
      return MakeError(ErrorCode::kNotSupportedError, method,
                       ": rate limit exceeded (the service allows ", limits.requests_per_second,
                       " requests per second, bursts of ", limits.request_burst, ")");
    }
    tokens -= 1;
    return {};
  }

  // Counts a dispatch in flight (the caller decrements `inflight` when it has finished), or
  // refuses it over the limit. Both dispatch paths, on any thread.
  Status StartDispatch() {
    if (inflight.fetch_add(1) >= limits.max_inflight_dispatches) {
      --inflight;
      return MakeError(ErrorCode::kNotSupportedError,
                       "quota exceeded: in-flight dispatches: the limit is ",
                       limits.max_inflight_dispatches);
    }
    return {};
  }

  template <typename T>
  Status Charge(T& used, uint64_t amount, uint64_t limit, std::string_view what) {
    if (amount > limit || used > limit - amount) {
      Log(1, id, ": quota exceeded: ", what, " (", used, " used + ", amount, " > ", limit, ")");
      return MakeError(ErrorCode::kNotSupportedError, "quota exceeded: ", what, ": ", used,
                       " in use + ", amount, " requested > the limit of ", limit);
    }
    used += static_cast<T>(amount);
    return {};
  }
};

// Every live client, for the service-wide statistics.
using Registry = std::list<std::weak_ptr<ClientState>>;

void SetError(rpc::ServiceError::Builder out, const Error& e) { ToWire(e, out); }

// A completion callback for the worker pool that resolves a promise of the event loop.
// (std::function needs a copyable target; the fulfiller is shared.)
template <typename T>
std::function<void(T)> Fulfill(kj::Own<kj::CrossThreadPromiseFulfiller<T>> fulfiller) {
  auto f = std::make_shared<kj::Own<kj::CrossThreadPromiseFulfiller<T>>>(kj::mv(fulfiller));
  return [f](T value) { (*f)->fulfill(std::move(value)); };
}

// ---- Context -----------------------------------------------------------------------------------

struct TensorEntry {
  runtime::TensorRef tensor;
  bool readable = false;
  bool writable = false;
};

struct GraphEntry {
  runtime::GraphRef graph;
  uint64_t constant_bytes = 0;
};

// A dispatch whose graph and tensors were looked up and checked (ContextCore::Bind).
struct BoundDispatch {
  runtime::GraphRef graph;
  std::vector<runtime::TensorRef> inputs, outputs;
};

// What the service computes with: one worker pool for every client's dispatches and the
// backends its config allows (the first is the default).
struct Compute {
  std::shared_ptr<runtime::ThreadPool> pool;
  // Cores every client's dispatches share (RPC and channel alike), granted in arrival order.
  std::shared_ptr<runtime::ComputeBudget> budget;
  std::vector<std::string> backends;
  uint32_t max_threads = 0;  // intra-op threads one dispatch may use; 0: one per core

  // The executor of a new context: `backend` empty picks the default; `threads` 0 picks the cap.
  Result<std::shared_ptr<runtime::WorkerExecutor>> MakeExecutor(std::string_view backend,
                                                                uint32_t threads) const {
    if (backend.empty()) backend = backends.front();
    if (std::find(backends.begin(), backends.end(), backend) == backends.end()) {
      std::string allowed;
      for (const std::string& b : backends) allowed += (allowed.empty() ? "" : ", ") + b;
      return MakeError(ErrorCode::kNotSupportedError, "createContext: backend '", backend,
                       "' is not allowed by this service (allowed: ", allowed, ")");
    }
    WEBNN_ASSIGN_OR_RETURN(auto b, backend::MakeBackend(backend));
    backend::CompileOptions options;
    options.threads = threads == 0 ? max_threads
                      : max_threads == 0 ? threads
                                         : std::min(threads, max_threads);
    return std::make_shared<runtime::WorkerExecutor>(pool, std::move(b), options, budget);
  }
};

// A context's state; shared by its capability and the Graph/Tensor capabilities it handed out
// (which may outlive the Context capability).
struct ContextCore {
  ContextCore(std::shared_ptr<ClientState> client,
              std::shared_ptr<runtime::WorkerExecutor> executor, ContextLimits limits)
      : client(std::move(client)), executor(std::move(executor)), limits(limits) {}
  ~ContextCore() {
    StopChannel();
    // The executor's destructor waits for this context's running tasks.
    --client->contexts;
  }
  std::shared_ptr<ClientState> client;
  std::shared_ptr<runtime::WorkerExecutor> executor;
  ContextLimits limits;
  // Guards next_id, tensors and graphs: the event loop and the channel thread both use them.
  std::mutex mu;
  uint64_t next_id = 1;
  std::map<uint64_t, TensorEntry> tensors;
  std::map<uint64_t, GraphEntry> graphs;

  // The dispatch fast path (channel.h): a thread serving the channel the client mapped.
  void StartChannel(std::shared_ptr<SharedRegion> region);
  void StopChannel();
  Result<BoundDispatch> Bind(uint64_t graph_id, std::span<const uint64_t> ids, size_t num_inputs);

 private:
  void ChannelLoop();
  Status ChannelDispatch(uint64_t graph_id, std::span<const uint64_t> ids, uint32_t num_inputs);
  std::shared_ptr<SharedRegion> channel_region_;
  DispatchChannel* channel_ = nullptr;
  std::atomic<bool> stop_{false};
  std::thread channel_thread_;
};

void ContextCore::StartChannel(std::shared_ptr<SharedRegion> region) {
  channel_region_ = std::move(region);
  channel_ = reinterpret_cast<DispatchChannel*>(channel_region_->data());
  channel_thread_ = std::thread([this] { ChannelLoop(); });
}

void ContextCore::StopChannel() {
  if (!channel_thread_.joinable()) return;
  stop_.store(true);
  FutexWake(&channel_->request);
  channel_thread_.join();
}

void ContextCore::ChannelLoop() {
  using std::chrono::microseconds;
  DispatchChannel& ch = *channel_;
  // Requests are numbered from 1: start from 0, not from what the word holds now, or a
  // request the client wrote before this thread first ran would be taken as already served.
  uint32_t seen = 0;
  while (!stop_.load()) {
    if (!SpinWhileEqual(ch.request, seen, microseconds(200))) {
      ch.server_sleeping.store(1);
      if (ch.request.load() == seen && !stop_.load()) {
        FutexWait(&ch.request, seen, microseconds(100000));
      }
      ch.server_sleeping.store(0);
      continue;
    }
    if (stop_.load()) break;
    const uint32_t seq = ch.request.load(std::memory_order_acquire);
    seen = seq;
    // Copy the request out before looking at it: the client may still be writing.
    const uint64_t graph = ch.graph;
    const uint32_t ni = ch.num_inputs, no = ch.num_outputs;
    Status s;
    if (ni > DispatchChannel::kMaxTensors || no > DispatchChannel::kMaxTensors - ni) {
      s = MakeError(ErrorCode::kTypeError, "dispatch: ", ni, " inputs and ", no,
                    " outputs exceed the channel's ", DispatchChannel::kMaxTensors);
    } else {
      std::vector<uint64_t> ids(ch.tensors, ch.tensors + ni + no);
      s = ChannelDispatch(graph, ids, ni);
    }
    if (s.ok()) {
      ch.error_code = 0;
      ch.message_length = 0;
    } else {
      const std::string& m = s.error().message();
      const size_t n = std::min<size_t>(m.size(), DispatchChannel::kMaxMessage);
      std::memcpy(ch.message, m.data(), n);
      ch.message_length = static_cast<uint32_t>(n);
      ch.error_code = static_cast<uint32_t>(s.error().code()) + 1;
      Log(3, client->id, ": dispatch failed: ", m);
    }
    ch.response.store(seq);
    if (ch.client_sleeping.load()) FutexWake(&ch.response);
  }
}

// The dispatch checks both paths share (MLContext::dispatch makes the same ones in the
// client): the graph and every tensor exist in this context, each tensor has the graph's
// descriptor, and no tensor is written twice or both read and written. `ids` are tensor ids,
// the inputs then the outputs, in the graph's declaration order.
Result<BoundDispatch> ContextCore::Bind(uint64_t graph_id, std::span<const uint64_t> ids,
                                        size_t num_inputs) {
  std::lock_guard lock(mu);
  auto g = graphs.find(graph_id);
  if (g == graphs.end()) {
    return MakeError(ErrorCode::kTypeError, "dispatch: no graph with id ", graph_id,
                     " in this context (destroyed, or never created)");
  }
  BoundDispatch bound;
  bound.graph = g->second.graph;
  const GraphSignature& io = bound.graph->signature();
  if (num_inputs != io.inputs.size() || ids.size() - num_inputs != io.outputs.size()) {
    return MakeError(ErrorCode::kTypeError, "dispatch: ", num_inputs, " inputs and ",
                     ids.size() - num_inputs, " outputs given, the graph has ", io.inputs.size(),
                     " and ", io.outputs.size());
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    const bool is_input = i < num_inputs;
    // Named only for an error: this runs on every dispatch.
    auto what = [&] {
      return is_input ? "input '" + io.inputs[i].name + "'"
                      : "output '" + io.outputs[i - num_inputs].name + "'";
    };
    auto t = tensors.find(ids[i]);
    if (t == tensors.end()) {
      return MakeError(ErrorCode::kTypeError, "dispatch: ", what(), ": no tensor with id ", ids[i],
                       " in this context (destroyed, or never created)");
    }
    const OperandDescriptor& want =
        is_input ? io.inputs[i].desc : io.outputs[i - num_inputs].desc;
    const runtime::TensorRef& tensor = t->second.tensor;
    if (!(tensor->desc() == want)) {
      return MakeError(ErrorCode::kTypeError, "dispatch: ", what(), " is ",
                       DescriptorToString(tensor->desc()), ", the graph has ",
                       DescriptorToString(want));
    }
    if (!is_input) {
      for (size_t j = 0; j < i; ++j) {
        if (ids[j] == ids[i]) {
          return MakeError(ErrorCode::kTypeError, "dispatch: ", what(),
                           " is also used as another input or output");
        }
      }
    }
    (is_input ? bound.inputs : bound.outputs).push_back(tensor);
  }
  return bound;
}

Status ContextCore::ChannelDispatch(uint64_t graph_id, std::span<const uint64_t> ids,
                                    uint32_t num_inputs) {
  if (Status s = client->Admit("dispatch"); !s.ok()) return s;
  auto bound = Bind(graph_id, ids, num_inputs);
  if (!bound.ok()) return std::move(bound.error());
  WEBNN_RETURN_IF_ERROR(client->StartDispatch());
  Status s = executor->Execute(bound->graph, bound->inputs, bound->outputs);
  --client->inflight;
  return s;
}

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
      Log(3, core_->client->id, ": tensor ", id, " (", bytes, " bytes)");
    };
    auto undo = [core = core_, bytes] {
      core->client->tensor_bytes -= bytes;
      --core->client->tensors;
    };
    if (params.hasShared()) {
      return MapShared(params.getShared(), bytes)
          .then([call, desc = desc.value(), entry, finish,
                 undo](Result<std::shared_ptr<SharedRegion>> region) mutable {
            if (!region.ok()) {
              undo();
              ToWire(region.error(), call.getResults().initError());
              return;
            }
            auto r = std::move(region).value();
            runtime::Storage storage{r->data(), static_cast<size_t>(desc.ByteLength()), r};
            entry.tensor = std::make_shared<runtime::ExecTensor>(desc, std::move(storage));
            finish(std::move(entry));
          });
    }
    auto tensor = core_->executor->CreateTensor(desc.value(), entry.readable, entry.writable);
    if (!tensor.ok()) {
      undo();
      return Fail(call, tensor.error());
    }
    entry.tensor = std::move(tensor).value();
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
    auto ids = OrderByName(params.getGraph(), params.getInputs(), params.getOutputs());
    if (!ids.ok()) return Fail(call, ids.error());
    auto bound = core_->Bind(params.getGraph(), ids.value(), params.getInputs().size());
    if (!bound.ok()) return Fail(call, bound.error());
    if (Status s = client.StartDispatch(); !s.ok()) return Fail(call, s.error());
    auto paf = kj::newPromiseAndCrossThreadFulfiller<Status>();
    core_->executor->DispatchAsync(bound->graph, std::move(bound->inputs),
                                   std::move(bound->outputs), Fulfill(kj::mv(paf.fulfiller)));
    return paf.promise.then([call, core = core_](Status s) mutable {
      --core->client->inflight;
      if (!s.ok()) {
        Log(3, core->client->id, ": dispatch failed: ", s.error().message());
        SetError(call.getResults().initError(), s.error());
      }
    });
  }

 private:
  // The tensor ids of a dispatch by name, in the graph's input then output order: every input
  // and output named exactly once.
  Result<std::vector<uint64_t>> OrderByName(uint64_t graph_id,
                                            capnp::List<rpc::NamedTensor>::Reader inputs,
                                            capnp::List<rpc::NamedTensor>::Reader outputs) {
    std::lock_guard lock(core_->mu);
    auto graph = Lookup(core_->graphs, graph_id, "dispatch");
    if (!graph.ok()) return std::move(graph.error());
    const GraphSignature& io = graph.value()->graph->signature();
    std::vector<uint64_t> ids(io.inputs.size() + io.outputs.size());
    std::vector<bool> given(ids.size(), false);
    auto order = [&](capnp::List<rpc::NamedTensor>::Reader list, bool is_input) -> Status {
      const size_t count = is_input ? io.inputs.size() : io.outputs.size();
      const size_t base = is_input ? 0 : io.inputs.size();
      const char* kind = is_input ? "input" : "output";
      if (list.size() != count) {
        return MakeError(ErrorCode::kTypeError, "dispatch: ", list.size(), " ", kind,
                         "s given, the graph has ", count);
      }
      for (auto named : list) {
        const std::string_view name = named.getName().cStr();
        size_t index = count;
        for (size_t i = 0; i < count && index == count; ++i) {
          if ((is_input ? io.inputs[i].name : io.outputs[i].name) == name) {
            index = i;
          }
        }
        if (index == count) {
          return MakeError(ErrorCode::kTypeError, "dispatch: the graph has no ", kind, " named '",
                           name, "'");
        }
        if (given[base + index]) {
          return MakeError(ErrorCode::kTypeError, "dispatch: ", kind, " '", name, "' given twice");
        }
        given[base + index] = true;
        ids[base + index] = named.getTensor();
      }
      return {};
    };
    WEBNN_RETURN_IF_ERROR(order(inputs, true));
    WEBNN_RETURN_IF_ERROR(order(outputs, false));
    return ids;
  }

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
    Log(3, core_->client->id, ": ", e.message());
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
      Log(1, client.id, ": rejected a graph: ", graph.error().message());
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
    const size_t ops = graph.value().operations.size();
    auto compiled = core_->executor->Compile(std::move(graph).value());
    if (!compiled.ok()) {
      client.constant_bytes -= constant_bytes;
      FailNow(call, compiled.error());
      return;
    }
    ++client.graphs;
    std::unique_lock lock(core_->mu);
    const uint64_t id = core_->next_id++;
    core_->graphs.emplace(id, GraphEntry{std::move(compiled).value(), constant_bytes});
    lock.unlock();
    auto results = call.getResults();
    results.setId(id);
    results.setGraph(kj::heap<GraphImpl>(core_, id));
    Log(3, client.id, ": graph ", id, " (", ops, " operations, ", constant_bytes,
        " constant bytes)");
  }

  std::shared_ptr<ContextCore> core_;
  uint64_t max_message_bytes_;
};

// ---- Provider and the bootstrap ----------------------------------------------------------------

class ProviderImpl final : public rpc::ContextProvider::Server {
 public:
  ProviderImpl(std::shared_ptr<ClientState> client, std::shared_ptr<const Compute> pool,
               std::shared_ptr<Registry> registry)
      : client_(std::move(client)), pool_(std::move(pool)), registry_(std::move(registry)) {}

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
    auto executor = pool_->MakeExecutor(call.getParams().getBackend().cStr(),
                                        call.getParams().getThreads());
    if (!executor.ok()) {
      SetError(results.initError(), executor.error());
      return kj::READY_NOW;
    }
    ++client.contexts;
    auto core = std::make_shared<ContextCore>(client_, std::move(executor).value(), limits);
    // The largest graph message: its constants plus the operations around them.
    const uint64_t max_message = client.limits.max_constant_bytes + (uint64_t{64} << 20);
    results.setContext(kj::heap<ContextImpl>(core, max_message));
    if (!call.getParams().hasChannel()) {
      Log(3, client.id, ": context created");
      return kj::READY_NOW;
    }
    return MapShared(call.getParams().getChannel(), sizeof(DispatchChannel))
        .then([call, core, id = client.id](Result<std::shared_ptr<SharedRegion>> region) mutable {
          if (!region.ok()) {
            Log(1, id, ": no dispatch channel: ", region.error().message());
            return;
          }
          core->StartChannel(std::move(region).value());
          call.getResults().setFastDispatch(true);
          Log(3, id, ": context created (dispatch channel)");
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
    auto stats = results.initStats();
    uint32_t clients = 0, contexts = 0, graphs = 0, tensors = 0, inflight = 0;
    uint64_t tensor_bytes = 0, constant_bytes = 0;
    std::set<const Account*> counted;
    for (auto it = registry_->begin(); it != registry_->end();) {
      auto c = it->lock();
      if (!c) {
        it = registry_->erase(it);
        continue;
      }
      ++clients;
      ++it;
      if (!counted.insert(c->account.get()).second) continue;
      contexts += c->contexts;
      graphs += c->graphs;
      tensors += c->tensors;
      inflight += c->inflight;
      tensor_bytes += c->tensor_bytes;
      constant_bytes += c->constant_bytes;
    }
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
};

class ServiceImpl final : public rpc::Service::Server {
 public:
  ServiceImpl(std::shared_ptr<ClientState> client, std::shared_ptr<const Compute> pool,
              std::string token, std::shared_ptr<Registry> registry)
      : client_(std::move(client)),
        pool_(std::move(pool)),
        token_(std::move(token)),
        registry_(std::move(registry)) {}

  kj::Promise<void> connect(ConnectContext call) override {
    auto params = call.getParams();
    ClientState& client = *client_;
    if (params.getProtocolVersion() != rpc::PROTOCOL_VERSION) {
      Log(1, client.id, ": protocol version ", params.getProtocolVersion(), " refused");
      return kj::Promise<void>(
          KJ_EXCEPTION(FAILED, kj::str("webnnd speaks protocol version ", rpc::PROTOCOL_VERSION,
                                       ", the client ", params.getProtocolVersion())));
    }
    if (client.unix_peer) {
      if (!client.uid_allowed) {
        Log(1, client.id, ": refused: uid not allowed");
        return kj::Promise<void>(
            KJ_EXCEPTION(FAILED, kj::str("permission denied: ", client.id.c_str(),
                                         " is not allowed to use this service")));
      }
    } else {
      auto token = params.getToken();
      // Constant-time comparison: the time taken does not depend on where they differ.
      unsigned diff = token.size() == token_.size() ? 0 : 1;
      for (size_t i = 0; i < token.size() && i < token_.size(); ++i) {
        diff |= static_cast<unsigned>(token[i] ^ static_cast<kj::byte>(token_[i]));
      }
      if (diff != 0 || token_.empty()) {
        Log(1, client.id, ": refused: bad token");
        return kj::Promise<void>(KJ_EXCEPTION(FAILED, "permission denied: bad token"));
      }
    }
    client.authenticated = true;
    Log(2, client.id, ": connected");
    call.getResults().setProvider(kj::heap<ProviderImpl>(client_, pool_, registry_));
    return kj::READY_NOW;
  }

 private:
  std::shared_ptr<ClientState> client_;
  std::shared_ptr<const Compute> pool_;
  std::string token_;
  std::shared_ptr<Registry> registry_;
};

// ---- Listening ---------------------------------------------------------------------------------

struct Listener {
  Endpoint endpoint;
  int fd = -1;
  kj::Own<kj::UnixEventPort::FdObserver> observer;
};

Result<int> ListenUnix(const std::string& path, bool only_owner) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return MakeError(ErrorCode::kTypeError, "socket path too long: ", path);
  }
  // The default directory is created private (0700). An existing directory is left as it is.
  const std::string dir = path.substr(0, path.rfind('/'));
  if (!dir.empty() && mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return MakeError(ErrorCode::kUnknownError, "cannot create ", dir, ": ", std::strerror(errno));
  }
  // A socket file left by a webnnd that died is removed; a live one is not stolen.
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return MakeError(ErrorCode::kUnknownError, path, " exists and is not a socket");
    }
    Endpoint e;
    e.path = path;
    auto probe = ConnectSocket(e);
    if (probe.ok()) {
      close(probe.value());
      return MakeError(ErrorCode::kUnknownError, "another webnnd is listening on ", path);
    }
    unlink(path.c_str());
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return MakeError(ErrorCode::kUnknownError, "socket: ", std::strerror(errno));
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 128) != 0) {
    Error e =
        MakeError(ErrorCode::kUnknownError, "cannot listen on ", path, ": ", std::strerror(errno));
    close(fd);
    return e;
  }
  chmod(path.c_str(), only_owner ? 0600 : 0666);
  return fd;
}

Result<int> ListenTcp(const Endpoint& endpoint) {
  return OpenTcpSocket(endpoint, /*listening=*/true, [](int fd, const addrinfo& a) {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    return bind(fd, a.ai_addr, a.ai_addrlen) == 0 && listen(fd, 128) == 0;
  });
}

class Server {
 public:
  Server(const ServerConfig& config, kj::AsyncIoContext& io, std::string token)
      : config_(config),
        io_(io),
        token_(std::move(token)),
        pool_(std::make_shared<const Compute>(
            Compute{std::make_shared<runtime::ThreadPool>(config.threads),
                    std::make_shared<runtime::ComputeBudget>(config.threads), config.backends,
                    config.intra_op_threads})),
        tasks_(kj::heap<kj::TaskSet>(handler_)) {}

  Status Listen(const Endpoint& endpoint) {
    Listener l;
    l.endpoint = endpoint;
    if (endpoint.kind == Endpoint::Kind::kUnix) {
      const bool only_owner = config_.allowed_uids.empty() || (config_.allowed_uids.size() == 1 &&
                                                               config_.allowed_uids[0] == getuid());
      auto fd = ListenUnix(endpoint.path, only_owner);
      if (!fd.ok()) return std::move(fd.error());
      l.fd = fd.value();
      unix_paths_.push_back(endpoint.path);
    } else {
      auto fd = ListenTcp(endpoint);
      if (!fd.ok()) return std::move(fd.error().Prefix(endpoint.ToString()));
      l.fd = fd.value();
    }
    l.observer = kj::heap<kj::UnixEventPort::FdObserver>(
        io_.unixEventPort, l.fd, kj::UnixEventPort::FdObserver::OBSERVE_READ);
    listeners_.push_back(kj::mv(l));
    return {};
  }

  void Start() {
    for (Listener& l : listeners_) tasks_->add(AcceptLoop(l));
  }

  ~Server() {
    tasks_ = nullptr;  // the accept loops and every connection, before what they use
    for (Listener& l : listeners_) {
      l.observer = nullptr;
      close(l.fd);
    }
    for (const std::string& p : unix_paths_) unlink(p.c_str());
  }

 private:
  struct Connection {
    std::shared_ptr<ClientState> client;
    kj::Own<kj::AsyncIoStream> stream;
    kj::Own<capnp::TwoPartyVatNetwork> network;
    kj::Own<capnp::RpcSystem<capnp::rpc::twoparty::VatId>> rpc;
  };

  class ErrorHandler final : public kj::TaskSet::ErrorHandler {
    void taskFailed(kj::Exception&& e) override { Log(0, "internal: ", Describe(e)); }
  };

  kj::Promise<void> AcceptLoop(Listener& l) {
    return l.observer->whenBecomesReadable().then([this, &l]() -> kj::Promise<void> {
      for (;;) {
        int fd = accept4(l.fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
          if (errno == EAGAIN || errno == EWOULDBLOCK) break;
          if (errno == EINTR || errno == ECONNABORTED) continue;
          Log(0, "accept on ", l.endpoint.ToString(), ": ", std::strerror(errno));
          break;
        }
        Accept(fd, l.endpoint.kind == Endpoint::Kind::kUnix);
      }
      return AcceptLoop(l);
    });
  }

  std::shared_ptr<Account> AccountFor(const std::string& principal) {
    for (auto it = accounts_.begin(); it != accounts_.end();) {
      it = it->second.expired() ? accounts_.erase(it) : std::next(it);
    }
    if (auto a = accounts_[principal].lock()) return a;
    auto a = std::make_shared<Account>();
    a->principal = principal;
    a->tokens = config_.limits.request_burst;
    accounts_[principal] = a;
    return a;
  }

  void Accept(int fd, bool unix_peer) {
    std::shared_ptr<ClientState> client;
    const uint64_t serial = next_client_++;
    if (unix_peer) {
      ucred cred{};
      socklen_t len = sizeof(cred);
      if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        Log(0, "SO_PEERCRED: ", std::strerror(errno));
        close(fd);
        return;
      }
      client = std::make_shared<ClientState>(AccountFor("uid " + std::to_string(cred.uid)));
      client->id = "uid " + std::to_string(cred.uid) + " pid " + std::to_string(cred.pid) + " #" +
                   std::to_string(serial);
      // Without an allow list only the service's own uid may connect; with one, exactly the
      // listed uids (a service running as a system user serving some users).
      client->uid_allowed = config_.allowed_uids.empty() && cred.uid == getuid();
      for (uint32_t uid : config_.allowed_uids) client->uid_allowed |= (uid == cred.uid);
    } else {
      sockaddr_storage addr{};
      socklen_t len = sizeof(addr);
      char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "?";
      if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof(host), port, sizeof(port),
                    NI_NUMERICHOST | NI_NUMERICSERV);
      }
      client = std::make_shared<ClientState>(AccountFor("token"));
      client->id = std::string("tcp ") + host + ":" + port + " #" + std::to_string(serial);
    }
    client->unix_peer = unix_peer;
    client->limits = config_.limits;
    if (connections_ >= config_.max_connections) {
      Log(1, client->id, ": refused: ", connections_, " connections open (max_connections)");
      close(fd);
      return;
    }
    ++connections_;
    registry_->push_back(client);
    Log(3, client->id, ": accepted");

    auto conn = kj::heap<Connection>();
    conn->client = client;
    capnp::ReaderOptions options;
    options.traversalLimitInWords = kMaxRpcMessageWords;
    options.nestingLimit = 32;
    try {
      if (unix_peer) {
        auto stream =
            io_.lowLevelProvider->wrapUnixSocketFd(fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
        // Two descriptors at most per message (a call carries one memfd).
        conn->network = kj::heap<capnp::TwoPartyVatNetwork>(
            *stream, 2, capnp::rpc::twoparty::Side::SERVER, options);
        conn->stream = kj::mv(stream);
      } else {
        conn->stream =
            io_.lowLevelProvider->wrapSocketFd(fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
        conn->network = kj::heap<capnp::TwoPartyVatNetwork>(
            *conn->stream, capnp::rpc::twoparty::Side::SERVER, options);
      }
      conn->rpc = kj::heap(capnp::makeRpcServer(
          *conn->network,
          rpc::Service::Client(kj::heap<ServiceImpl>(client, pool_, token_, registry_))));
    } catch (const kj::Exception& e) {
      Log(0, client->id, ": cannot set up the connection: ", Describe(e));
      --connections_;
      return;
    }
    auto& network = *conn->network;
    tasks_->add(network.onDisconnect()
                    .then([client] { Log(2, client->id, ": disconnected"); },
                          [client](kj::Exception&& e) {
                            Log(1, client->id, ": connection dropped: ", Describe(e));
                          })
                    .attach(kj::mv(conn))
                    .then([this] { --connections_; }));
  }

  const ServerConfig& config_;
  kj::AsyncIoContext& io_;
  std::string token_;
  std::shared_ptr<const Compute> pool_;
  ErrorHandler handler_;
  kj::Own<kj::TaskSet> tasks_;
  std::vector<Listener> listeners_;
  std::vector<std::string> unix_paths_;
  uint64_t next_client_ = 1;
  uint32_t connections_ = 0;
  std::shared_ptr<Registry> registry_ = std::make_shared<Registry>();
  std::map<std::string, std::weak_ptr<Account>> accounts_;
};

}  // namespace

// ---- Configuration -----------------------------------------------------------------------------

Status LoadServerConfig(const std::string& path, ServerConfig& config) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kUnknownError, "config ", path, ": cannot open it");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kDataError, "config ", path, ": ", e.what());
  }
  if (!j.is_object()) return MakeError(ErrorCode::kDataError, "config ", path, ": not an object");
  auto fail = [&](const std::string& key, const std::string& why) {
    return MakeError(ErrorCode::kDataError, "config ", path, ": ", key, ": ", why);
  };
  auto number = [&](const nlohmann::json& v, const std::string& key, double min,
                    double max) -> Result<double> {
    if (!v.is_number()) return fail(key, "expected a number");
    const double d = v.get<double>();
    if (!(d >= min && d <= max)) return fail(key, "out of range");
    return d;
  };
  try {
    for (const auto& [key, v] : j.items()) {
      if (key == "listen") {
        if (!v.is_array()) return fail(key, "expected a list of endpoints");
        config.listen.clear();
        for (const auto& e : v) {
          if (!e.is_string()) return fail(key, "expected strings");
          auto ep = ParseEndpoint(e.get<std::string>());
          if (!ep.ok()) return fail(key, ep.error().message());
          config.listen.push_back(e.get<std::string>());
        }
      } else if (key == "allowedUids") {
        if (!v.is_array()) return fail(key, "expected a list of uids");
        config.allowed_uids.clear();
        for (const auto& e : v) {
          auto u = number(e, key, 0, 4294967294.0);
          if (!u.ok()) return std::move(u.error());
          config.allowed_uids.push_back(static_cast<uint32_t>(u.value()));
        }
      } else if (key == "tokenFile") {
        if (!v.is_string()) return fail(key, "expected a path");
        config.token_file = v.get<std::string>();
      } else if (key == "threads") {
        auto n = number(v, key, 0, 1024);
        if (!n.ok()) return std::move(n.error());
        config.threads = static_cast<unsigned>(n.value());
      } else if (key == "backends") {
        if (!v.is_array() || v.empty()) return fail(key, "expected a non-empty list of backends");
        config.backends.clear();
        for (const auto& e : v) {
          if (!e.is_string()) return fail(key, "expected backend names");
          if (auto b = backend::MakeBackend(e.get<std::string>()); !b.ok()) {
            return fail(key, b.error().message());
          }
          config.backends.push_back(e.get<std::string>());
        }
      } else if (key == "intraOpThreads") {
        auto n = number(v, key, 0, 1024);
        if (!n.ok()) return std::move(n.error());
        config.intra_op_threads = static_cast<uint32_t>(n.value());
      } else if (key == "maxConnections") {
        auto n = number(v, key, 1, 1e6);
        if (!n.ok()) return std::move(n.error());
        config.max_connections = static_cast<uint32_t>(n.value());
      } else if (key == "logLevel") {
        const auto level = v.is_string() ? ParseLogLevel(v.get<std::string>()) : std::nullopt;
        if (!level) return fail(key, "expected error, warning, info or debug");
        config.log_level = *level;
      } else if (key == "limits") {
        if (!v.is_object()) return fail(key, "expected an object");
        ClientLimits& l = config.limits;
        for (const auto& [name, value] : v.items()) {
          const std::string k = "limits." + name;
          auto n = number(value, k, 0, 1.8e19);
          if (!n.ok()) return std::move(n.error());
          const double d = n.value();
          if (name == "maxTensorBytes")
            l.max_tensor_bytes = static_cast<uint64_t>(d);
          else if (name == "maxConstantBytes")
            l.max_constant_bytes = static_cast<uint64_t>(d);
          else if (name == "maxTensorByteLength")
            l.max_tensor_byte_length = static_cast<uint64_t>(d);
          else if (name == "maxGraphs")
            l.max_graphs = static_cast<uint32_t>(std::min(d, 4e9));
          else if (name == "maxTensors")
            l.max_tensors = static_cast<uint32_t>(std::min(d, 4e9));
          else if (name == "maxContexts")
            l.max_contexts = static_cast<uint32_t>(std::min(d, 4e9));
          else if (name == "maxInflightDispatches")
            l.max_inflight_dispatches = static_cast<uint32_t>(std::min(d, 4e9));
          else if (name == "requestsPerSecond")
            l.requests_per_second = d;
          else if (name == "requestBurst")
            l.request_burst = std::max(1.0, d);
          else
            return fail(k, "unknown limit");
        }
      } else {
        return fail(key, "unknown key");
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kDataError, "config ", path, ": ", e.what());
  }
  return {};
}

int RunServer(const ServerConfig& config) {
  g_log_level = config.log_level;
  std::vector<Endpoint> endpoints;
  const std::vector<std::string> listen =
      config.listen.empty() ? std::vector<std::string>{"unix:" + DefaultSocketPath()}
                            : config.listen;
  bool tcp = false;
  for (const std::string& text : listen) {
    auto e = ParseEndpoint(text);
    if (!e.ok()) {
      Log(0, e.error().message());
      return 2;
    }
    tcp |= e.value().kind == Endpoint::Kind::kTcp;
    endpoints.push_back(e.value());
  }
  std::string token;
  if (tcp) {
    if (config.token_file.empty()) {
      Log(0, "listening on TCP needs --token-file (or \"tokenFile\" in the config)");
      return 2;
    }
    auto t = ReadTokenFile(config.token_file);
    if (!t.ok()) {
      Log(0, t.error().message());
      return 2;
    }
    token = std::move(t).value();
  }
  signal(SIGPIPE, SIG_IGN);
  kj::UnixEventPort::captureSignal(SIGTERM);
  kj::UnixEventPort::captureSignal(SIGINT);
  auto io = kj::setupAsyncIo();
  Server server(config, io, token);
  for (const Endpoint& e : endpoints) {
    if (Status s = server.Listen(e); !s.ok()) {
      Log(0, s.error().message());
      return 1;
    }
    Log(2, "listening on ", e.ToString());
  }
  server.Start();
  auto term = io.unixEventPort.onSignal(SIGTERM);
  auto intr = io.unixEventPort.onSignal(SIGINT);
  auto sig = term.exclusiveJoin(kj::mv(intr)).wait(io.waitScope);
  Log(2, "signal ", sig.si_signo, ": shutting down");
  return 0;
}

int ServeMain(int argc, char** argv) {
  ServerConfig config;
  std::vector<std::string> listen;
  bool have_listen = false;
  auto usage = [](std::ostream& out) {
    out << "usage: webnnd [--listen unix:PATH | --listen tcp:HOST:PORT]... [--config FILE]\n"
           "              [--token-file FILE] [--threads N] [--log-level LEVEL]\n"
           "\n"
           "The WebNN service: runs WebNN graphs for clients that connect over a Unix socket\n"
           "(or TCP) with Cap'n Proto RPC; tensors travel through shared memory.\n"
           "\n"
           "  --listen EP       an endpoint (repeatable). Default: unix:"
        << DefaultSocketPath()
        << "\n"
           "                    (its directory is created with mode 0700). TCP binds the given\n"
           "                    host: use 127.0.0.1 unless remote clients are meant to connect.\n"
           "  --config FILE     JSON settings; command-line flags override them. Keys:\n"
           "                    listen [..], allowedUids [..], tokenFile, threads, logLevel,\n"
           "                    backends [..] (the backends clients may ask for, first = the\n"
           "                    default; default [\"onednn\", \"reference\"]), intraOpThreads\n"
           "                    (the most threads one dispatch may use; 0 = one per core),\n"
           "                    maxConnections, limits {maxTensorBytes, maxConstantBytes,\n"
           "                    maxTensorByteLength, maxGraphs, maxTensors, maxContexts,\n"
           "                    maxInflightDispatches, requestsPerSecond, requestBurst}\n"
           "                    (limits are per client connection).\n"
           "  --token-file FILE the access token TCP clients must present (mode 0600)\n"
           "  --allow-uid UID   accept Unix peers with this uid (repeatable). Without any,\n"
           "                    only the service's own uid is accepted; with some, only those\n"
           "  --threads N       worker threads and compute cores for all clients (default: one\n"
           "                    per core); dispatches share the cores first come, first served\n"
           "  --log-level L     error, warning, info (default) or debug; logs go to stderr,\n"
           "                    one line per event, naming the client (uid/pid or address)\n"
           "\n"
           "Stops on SIGTERM or SIGINT and removes its socket files.\n";
  };
  std::vector<std::pair<std::string, std::string>> flags;
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      usage(std::cout);
      return 0;
    }
    if (a == "--listen" || a == "--config" || a == "--token-file" || a == "--threads" ||
        a == "--log-level" || a == "--allow-uid") {
      if (i + 1 >= argc) {
        std::cerr << "webnnd: " << a << " needs a value\n";
        return 2;
      }
      if (a == "--config") {
        config_path = argv[++i];
      } else {
        flags.emplace_back(a, argv[++i]);
      }
      continue;
    }
    std::cerr << "webnnd: unknown argument '" << a << "' (see --help)\n";
    return 2;
  }
  if (!config_path.empty()) {
    if (Status s = LoadServerConfig(config_path, config); !s.ok()) {
      std::cerr << "webnnd: " << s.error().message() << "\n";
      return 2;
    }
  }
  for (const auto& [flag, value] : flags) {
    if (flag == "--listen") {
      if (!have_listen) config.listen.clear();
      have_listen = true;
      config.listen.push_back(value);
    } else if (flag == "--token-file") {
      config.token_file = value;
    } else if (flag == "--threads") {
      config.threads = static_cast<unsigned>(std::strtoul(value.c_str(), nullptr, 10));
    } else if (flag == "--allow-uid") {
      config.allowed_uids.push_back(
          static_cast<uint32_t>(std::strtoul(value.c_str(), nullptr, 10)));
    } else if (flag == "--log-level") {
      const auto level = ParseLogLevel(value);
      if (!level) {
        std::cerr << "webnnd: --log-level: expected error, warning, info or debug\n";
        return 2;
      }
      config.log_level = *level;
    }
  }
  try {
    return RunServer(config);
  } catch (const kj::Exception& e) {
    Log(0, "fatal: ", Describe(e));
    return 1;
  }
}

}  // namespace webnn::service
