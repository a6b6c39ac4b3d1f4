#include "service/client.h"

#include <capnp/message.h>
#include <capnp/orphan.h>
#include <capnp/rpc-twoparty.h>
#include <capnp/serialize.h>
#include <kj/async-io.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "format/capnp/codec.h"
#include "format/capnp/wire_codec.h"
#include "service/channel.h"
#include "service/common.h"
#include "service/shm.h"

namespace webnn::service {

namespace {

// Carries a memfd across the socket as the file descriptor of a capability.
class SharedMemoryServer final : public rpc::SharedMemory::Server {
 public:
  explicit SharedMemoryServer(std::shared_ptr<SharedRegion> region) : region_(std::move(region)) {}
  kj::Maybe<int> getFd() override { return region_->fd(); }

 private:
  std::shared_ptr<SharedRegion> region_;
};

class Connection;

// "0.5", "10": seconds as a person writes them.
std::string FormatSeconds(double seconds) {
  std::ostringstream s;
  s << seconds;
  return s.str();
}

template <typename T>
struct IsPromise : std::false_type {};
template <typename T>
struct IsPromise<kj::Promise<T>> : std::true_type {};
template <typename T>
struct UnwrapPromise {
  using type = T;
};
template <typename T>
struct UnwrapPromise<kj::Promise<T>> {
  using type = T;
};

// What Connection::Run returns for a function whose (unwrapped) result is R: void and Status
// give a Status, Result<X> stays itself, any other R becomes Result<R>.
template <typename R>
struct RunTraits {
  using Out = Result<R>;
};
template <>
struct RunTraits<void> {
  using Out = Status;
};
template <>
struct RunTraits<Status> {
  using Out = Status;
};
template <typename X>
struct RunTraits<Result<X>> {
  using Out = Result<X>;
};

class ServiceTensor final : public runtime::ExecTensor {
 public:
  ServiceTensor(std::shared_ptr<Connection> connection, OperandDescriptor desc,
                runtime::Storage storage, bool shared)
      : ExecTensor(std::move(desc), std::move(storage)),
        connection_(std::move(connection)),
        shared_(shared) {}
  ~ServiceTensor() override;
  uint64_t id = 0;
  int readers = 0;  // dispatches in flight reading it (guarded by the connection's lock)
  int writers = 0;  // dispatches in flight writing it
  bool shared() const { return shared_; }

 private:
  std::shared_ptr<Connection> connection_;
  bool shared_;
};

class ServiceGraph final : public runtime::ExecGraph {
 public:
  ServiceGraph(std::shared_ptr<Connection> connection, GraphSignature signature, uint64_t id)
      : ExecGraph(std::move(signature), nullptr), id(id), connection_(std::move(connection)) {}
  ~ServiceGraph() override;
  const uint64_t id;

 private:
  std::shared_ptr<Connection> connection_;
};

// One connection to webnnd and the thread that runs its event loop. Cap'n Proto objects are
// created, used and destroyed on that thread only.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // Fails after `timeout_seconds` (0: never) without the service's answer to the handshake.
  static Result<std::shared_ptr<Connection>> Open(const Endpoint& endpoint, std::string token,
                                                  double timeout_seconds);
  ~Connection();

  // Runs `f` on the loop thread and returns its result (waiting for a returned promise).
  // kj exceptions become Errors.
  template <typename F>
  auto Run(F&& f) -> typename RunTraits<typename UnwrapPromise<decltype(f())>::type>::Out;

  bool unix_socket() const { return unix_; }
  // Fails `p` with a clear error when it has not settled within the connection's timeout (the
  // one of the handshake; 0: no bound): a service that stopped answering must not hang the
  // caller. T is Status or a Result. Loop thread only.
  template <typename T>
  kj::Promise<T> Bounded(kj::Promise<T> p, const char* what) {
    if (timeout_seconds_ <= 0 || timer_ == nullptr) return p;
    const auto ns = static_cast<int64_t>(timeout_seconds_ * 1e9);
    return p.exclusiveJoin(
        timer_->afterDelay(ns * kj::NANOSECONDS).then([what, s = timeout_seconds_]() -> T {
          return T(MakeError(ErrorCode::kUnknownError, what, ": timed out after ", FormatSeconds(s),
                             " s waiting for the service's answer"));
        }));
  }
  std::optional<std::string> lost() const {
    std::lock_guard lock(mu_);
    return lost_;
  }
  void SetLost(std::string reason);
  const std::optional<std::string>& lost_locked() const { return lost_; }  // mu_ held

  // Loop-thread state.
  rpc::ContextProvider::Client& provider() { return *provider_; }
  std::unordered_map<uint64_t, rpc::Tensor::Client> tensors;
  std::unordered_map<uint64_t, rpc::Graph::Client> graphs;
  std::unordered_map<uint64_t, rpc::Upload::Client> uploads;  // until a buildGraph answers
  kj::TaskSet& tasks() { return *tasks_; }
  kj::Maybe<rpc::Context::Client> context;
  std::string client_id, server_version;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  int in_flight = 0;  // dispatches sent, not yet answered (guarded by mu_)
  // A futex word a channel waiter sleeps on, woken when the connection is lost so that it
  // notices at once (guarded by mu_; cleared by the executor before the channel goes).
  std::atomic<uint32_t>* wake_on_lost = nullptr;

 private:
  class ErrorHandler final : public kj::TaskSet::ErrorHandler {
   public:
    explicit ErrorHandler(Connection* c) : c_(c) {}
    void taskFailed(kj::Exception&& e) override { c_->SetLost(Describe(e)); }

   private:
    Connection* c_;
  };

  void ThreadMain(int fd, std::string token, double timeout_seconds, std::promise<Status>* ready);
  void TearDown();

  bool unix_ = true;
  double timeout_seconds_ = 0;
  kj::Timer* timer_ = nullptr;  // the loop's
  std::thread thread_;
  std::thread::id loop_thread_id_;
  const kj::Executor* executor_ = nullptr;
  kj::Own<kj::CrossThreadPromiseFulfiller<void>> stop_;
  std::optional<std::string> lost_;  // guarded by mu_

  // Loop-thread objects.
  kj::Own<kj::AsyncIoStream> stream_;
  kj::Own<capnp::TwoPartyVatNetwork> network_;
  kj::Own<capnp::RpcSystem<capnp::rpc::twoparty::VatId>> rpc_;
  kj::Maybe<rpc::ContextProvider::Client> provider_storage_;
  rpc::ContextProvider::Client* provider_ = nullptr;
  ErrorHandler error_handler_{this};
  kj::Own<kj::TaskSet> tasks_;
};

// Constants of at least this many bytes leave the graph message: on a Unix socket in one memfd
// sealed against writes, which the service maps without a copy; on TCP in an upload sent in
// chunks. From 1 MiB on, the copies a message would cost (into the message, into its memfd,
// out of it in the service) outweigh a region's few system calls and page faults many times;
// it also keeps the graph message small whatever the weights, well under the 512 MiB a
// constant may have inline and the 1 GiB a message may have.
constexpr size_t kOutOfLineConstantBytes = size_t{1} << 20;

// Sets a request's `data` to `bytes`: when they are whole, aligned words, the message refers to
// them (written to the socket straight from the caller's memory) instead of a zeroed copy. The
// caller keeps `bytes` alive until the call has been answered.
template <typename Request>
void SetDataWithoutCopy(Request& req, std::span<const std::byte> bytes) {
  const auto* p = reinterpret_cast<const kj::byte*>(bytes.data());
  if (bytes.size() % sizeof(capnp::word) == 0 && !bytes.empty() &&
      reinterpret_cast<uintptr_t>(p) % alignof(capnp::word) == 0) {
    auto orphanage = capnp::Orphanage::getForMessageContaining(
        static_cast<typename Request::Builds::Builder&>(req));
    req.adoptData(orphanage.referenceExternalData(capnp::Data::Reader(p, bytes.size())));
  } else {
    req.setData(kj::arrayPtr(p, bytes.size()));
  }
}

Error LostError(const std::string& reason) {
  return MakeError(ErrorCode::kInvalidStateError, "the service connection is lost: ", reason);
}

template <typename F>
auto Connection::Run(F&& f) ->
    typename RunTraits<typename UnwrapPromise<decltype(f())>::type>::Out {
  using R = typename UnwrapPromise<decltype(f())>::type;
  if (auto reason = lost()) return LostError(*reason);
  try {
    if (std::this_thread::get_id() == loop_thread_id_) {
      // Only fire-and-forget work may come from the loop thread itself (it cannot wait).
      if constexpr (std::is_void_v<R> && !IsPromise<decltype(f())>::value) {
        f();
        return {};
      } else {
        return MakeError(ErrorCode::kUnknownError, "service: a blocking call on the I/O thread");
      }
    } else if constexpr (std::is_void_v<R>) {
      executor_->executeSync(std::forward<F>(f));
      return {};
    } else {
      return executor_->executeSync(std::forward<F>(f));
    }
  } catch (const kj::Exception& e) {
    if (e.getType() == kj::Exception::Type::DISCONNECTED) {
      SetLost(Describe(e));
      return LostError(Describe(e));
    }
    return MakeError(ErrorCode::kUnknownError, "service: ", Describe(e));
  }
}

void Connection::SetLost(std::string reason) {
  {
    std::lock_guard lock(mu_);
    if (!lost_) lost_ = std::move(reason);
    if (wake_on_lost) FutexWake(wake_on_lost);
  }
  cv_.notify_all();
}

Result<std::shared_ptr<Connection>> Connection::Open(const Endpoint& endpoint, std::string token,
                                                     double timeout_seconds) {
  auto fd = ConnectSocket(endpoint, timeout_seconds);
  if (!fd.ok()) return std::move(fd.error());
  auto c = std::shared_ptr<Connection>(new Connection());
  c->unix_ = endpoint.kind == Endpoint::Kind::kUnix;
  c->timeout_seconds_ = timeout_seconds;
  std::promise<Status> ready;
  auto ready_future = ready.get_future();
  c->thread_ = std::thread([c = c.get(), fd = fd.value(), token = std::move(token), timeout_seconds,
                            &ready] { c->ThreadMain(fd, token, timeout_seconds, &ready); });
  Status s = ready_future.get();
  if (!s.ok()) return std::move(s.error());  // the destructor joins the thread
  return c;
}

void Connection::ThreadMain(int fd, std::string token, double timeout_seconds,
                            std::promise<Status>* ready) {
  loop_thread_id_ = std::this_thread::get_id();
  // A write to a connection the service closed must fail with EPIPE, not raise SIGPIPE and
  // kill the application: SIGPIPE goes to the writing thread, so blocking it here suffices.
  sigset_t pipe_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, nullptr);
  kj::Maybe<kj::AsyncIoContext> io_storage;
  try {
    io_storage = kj::setupAsyncIo();
  } catch (const kj::Exception& e) {
    close(fd);
    ready->set_value(MakeError(ErrorCode::kUnknownError, "service: ", Describe(e)));
    return;
  }
  kj::AsyncIoContext& io = KJ_ASSERT_NONNULL(io_storage);
  auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
  stop_ = kj::mv(paf.fulfiller);
  executor_ = &kj::getCurrentThreadExecutor();
  timer_ = &io.provider->getTimer();
  capnp::ReaderOptions options;
  options.traversalLimitInWords = kMaxRpcMessageWords;
  try {
    if (unix_) {
      auto stream =
          io.lowLevelProvider->wrapUnixSocketFd(fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
      network_ = kj::heap<capnp::TwoPartyVatNetwork>(*stream, 2, capnp::rpc::twoparty::Side::CLIENT,
                                                     options);
      stream_ = kj::mv(stream);
    } else {
      stream_ = io.lowLevelProvider->wrapSocketFd(fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
      network_ = kj::heap<capnp::TwoPartyVatNetwork>(*stream_, capnp::rpc::twoparty::Side::CLIENT,
                                                     options);
    }
    rpc_ = kj::heap(capnp::makeRpcClient(*network_));
    tasks_ = kj::heap<kj::TaskSet>(error_handler_);
    capnp::MallocMessageBuilder vat;
    auto server_id = vat.initRoot<capnp::rpc::twoparty::VatId>();
    server_id.setSide(capnp::rpc::twoparty::Side::SERVER);
    auto service = rpc_->bootstrap(server_id).castAs<rpc::Service>();
    auto req = service.connectRequest();
    req.setProtocolVersion(rpc::PROTOCOL_VERSION);
    req.setToken(kj::arrayPtr(reinterpret_cast<const kj::byte*>(token.data()), token.size()));
    provider_storage_ = req.send().getProvider();
    provider_ = &KJ_ASSERT_NONNULL(provider_storage_);
    // A ping proves the connection is accepted (authentication happens in connect()). A peer
    // that never answers it fails the connection after the timeout.
    kj::Promise<bool> answered = provider_->pingRequest().send().then([this](auto ping) {
      client_id = ping.getClientId().cStr();
      server_version = ping.getServerVersion().cStr();
      return true;
    });
    if (timeout_seconds > 0) {
      const auto ns = static_cast<int64_t>(timeout_seconds * 1e9);
      answered = answered.exclusiveJoin(
          io.provider->getTimer().afterDelay(ns * kj::NANOSECONDS).then([] { return false; }));
    }
    if (!answered.wait(io.waitScope)) {
      TearDown();
      ready->set_value(MakeError(ErrorCode::kUnknownError, "timed out after ",
                                 FormatSeconds(timeout_seconds),
                                 " s waiting for the service's answer to the handshake (is the "
                                 "peer a webnnd service?)"));
      return;
    }
    tasks_->add(
        network_->onDisconnect().then([this] { SetLost("the service closed the connection"); }));
  } catch (const kj::Exception& e) {
    TearDown();
    // An exception raised here, not sent by the service, means the peer's bytes are not
    // Cap'n Proto RPC (e.g. "Message has too many segments" from an HTTP server's answer).
    // A peer that closes the connection is reported as such (webnnd closes a refused one).
    const std::string_view d = e.getDescription().cStr();
    const bool remote = d.starts_with("remote exception: ");
    const bool closed = d.find("disconnected") != d.npos || d.find("EOF") != d.npos ||
                        d.find("ECONNRESET") != d.npos || d.find("EPIPE") != d.npos;
    if (!remote && !closed) {
      ready->set_value(MakeError(ErrorCode::kDataError,
                                 "the peer is not a webnnd service (its answer to the handshake "
                                 "is not Cap'n Proto RPC: ",
                                 Describe(e), ")"));
      return;
    }
    ready->set_value(
        MakeError(ErrorCode::kUnknownError, "cannot connect to the service: ", Describe(e)));
    return;
  }
  ready->set_value(Status());
  paf.promise.wait(io.waitScope);
  TearDown();
}

// Destroys the Cap'n Proto objects on the loop thread, users before what they use.
void Connection::TearDown() {
  tensors.clear();
  graphs.clear();
  uploads.clear();
  context = nullptr;
  provider_ = nullptr;
  provider_storage_ = nullptr;
  tasks_ = nullptr;
  rpc_ = nullptr;
  network_ = nullptr;
  stream_ = nullptr;
}

Connection::~Connection() {
  if (stop_) stop_->fulfill();
  if (thread_.joinable()) thread_.join();
}

ServiceTensor::~ServiceTensor() {
  const uint64_t tid = id;
  (void)connection_->Run([c = connection_.get(), tid] { c->tensors.erase(tid); });
}

ServiceGraph::~ServiceGraph() {
  const uint64_t gid = id;
  (void)connection_->Run([c = connection_.get(), gid] { c->graphs.erase(gid); });
}

// ---- The executor ----------------------------------------------------------------------------

class ServiceExecutor final : public runtime::Executor {
 public:
  ServiceExecutor(std::shared_ptr<Connection> c, std::shared_ptr<SharedRegion> channel)
      : c_(std::move(c)), channel_region_(std::move(channel)) {
    if (channel_region_) {
      channel_ = reinterpret_cast<DispatchChannel*>(channel_region_->data());
      std::lock_guard lock(c_->mu_);
      c_->wake_on_lost = &channel_->response;
    }
  }
  ~ServiceExecutor() override {
    (void)Flush();
    {
      std::lock_guard lock(c_->mu_);
      c_->wake_on_lost = nullptr;
    }
    (void)c_->Run([c = c_.get()] { c->context = nullptr; });
  }

  Result<runtime::GraphRef> Compile(GraphInfo graph) override {
    WEBNN_ASSIGN_OR_RETURN(EncodedGraph encoded, Encode(graph));
    std::shared_ptr<SharedRegion> region, constants;
    const std::vector<std::byte>& message = encoded.message;
    if (c_->unix_socket()) {
      auto r = SharedRegion::Create(message.size(), "webnn-graph");
      if (!r.ok()) return std::move(r.error());
      region = std::move(r).value();
      std::memcpy(region->data(), message.data(), message.size());
      if (encoded.region_size != 0) {
        auto sealed =
            SharedRegion::CreateSealed(encoded.region_size, "webnn-constants", encoded.pieces);
        if (!sealed.ok()) return std::move(sealed.error().Prefix("buildGraph"));
        constants = std::move(sealed).value();
      }
    }
    // Without shared memory the large constants go first, in chunks, into an upload.
    std::optional<uint64_t> upload;
    if (!c_->unix_socket() && encoded.region_size != 0) {
      auto u = Upload(encoded);
      if (!u.ok()) return std::move(u.error());
      upload = u.value();
    }
    auto id = c_->Run([&]() -> kj::Promise<Result<uint64_t>> {
      auto req = Context().buildGraphRequest();
      if (region) {
        req.setShared(kj::heap<SharedMemoryServer>(region));
        req.setLength(region->size());
      } else {
        req.setMessage(
            kj::arrayPtr(reinterpret_cast<const kj::byte*>(message.data()), message.size()));
      }
      if (constants) {
        req.initConstantRegions(1)[0].setShared(kj::heap<SharedMemoryServer>(constants));
      } else if (upload) {
        req.initConstantRegions(1)[0].setUpload(*upload);
      }
      return req.send().then([c = c_.get()](auto response) -> Result<uint64_t> {
        if (response.hasError()) return FromWire(response.getError());
        c->graphs.emplace(response.getId(), response.getGraph());
        return response.getId();
      });
    });
    if (upload) {
      // The service took it (or the graph failed): the capability has served its purpose.
      (void)c_->Run([c = c_.get(), u = *upload] { c->uploads.erase(u); });
    }
    if (!id.ok()) return std::move(id.error());
    return runtime::GraphRef(
        std::make_shared<ServiceGraph>(c_, GraphSignature::Of(graph), id.value()));
  }

  Result<runtime::TensorRef> CreateTensor(const OperandDescriptor& desc, bool readable,
                                          bool writable) override {
    std::shared_ptr<SharedRegion> region;
    runtime::Storage storage;
    if (c_->unix_socket()) {
      auto r = SharedRegion::Create(desc.ByteLength(), "webnn-tensor");
      if (!r.ok()) return std::move(r.error());
      region = std::move(r).value();
      storage = {region->data(), desc.ByteLength(), region};
    }
    auto tensor = std::make_shared<ServiceTensor>(c_, desc, storage, region != nullptr);
    auto id = c_->Run([&]() -> kj::Promise<Result<uint64_t>> {
      auto req = Context().createTensorRequest();
      ToWire(desc, req.initDescriptor());
      req.setReadable(readable);
      req.setWritable(writable);
      if (region) req.setShared(kj::heap<SharedMemoryServer>(region));
      return req.send().then([c = c_.get()](auto response) -> Result<uint64_t> {
        if (response.hasError()) return FromWire(response.getError());
        c->tensors.emplace(response.getId(), response.getTensor());
        return response.getId();
      });
    });
    if (!id.ok()) return std::move(id.error());
    tensor->id = id.value();
    return runtime::TensorRef(std::move(tensor));
  }

  Status Write(const runtime::TensorRef& tensor, std::span<const std::byte> data) override {
    auto& t = static_cast<ServiceTensor&>(*tensor);
    // The channel stays locked through the copy: a dispatch from another thread cannot start
    // (and read the tensor half-written) before it ends.
    auto [channel_lock, collected] = QuiesceChannel();
    if (!collected.ok()) return collected;
    if (t.shared()) {
      std::unique_lock lock(c_->mu_);
      Status s = WaitLocked(lock, [&] { return t.readers == 0 && t.writers == 0; });
      if (!s.ok()) return s;
      std::memcpy(t.storage().data, data.data(), data.size());
      t.RecordWrite({});
      return {};
    }
    // In chunks (a message holds less than 512 MiB), with no dispatch or other transfer of
    // this context between them: none may see the tensor half-written.
    std::lock_guard transfer(transfer_mu_);
    Status r;
    size_t offset = 0;
    do {
      const size_t n = std::min<size_t>(data.size() - offset, kTransferChunkBytes);
      r = c_->Run([&]() -> kj::Promise<Status> {
        auto req = Context().writeTensorRequest();
        req.setTensor(t.id);
        req.setOffset(offset);
        SetDataWithoutCopy(req, data.subspan(offset, n));
        return req.send().then([](auto response) -> Status {
          if (response.hasError()) return FromWire(response.getError());
          return {};
        });
      });
      offset += n;
    } while (r.ok() && offset < data.size());
    if (r.ok()) {
      std::lock_guard lock(c_->mu_);
      t.RecordWrite({});
    }
    return r;
  }

  Status Read(const runtime::TensorRef& tensor, std::span<std::byte> out) override {
    auto& t = static_cast<ServiceTensor&>(*tensor);
    // As in Write: no dispatch may overwrite the tensor while it is copied out.
    auto [channel_lock, collected] = QuiesceChannel();
    if (!collected.ok()) return collected;
    {
      // Wait for the dispatches writing it; a failed one's error is the read's.
      std::unique_lock lock(c_->mu_);
      Status s = WaitLocked(lock, [&] { return t.writers == 0; });
      if (!s.ok()) return s;
      WEBNN_RETURN_IF_ERROR(t.LastWrite());
    }
    if (t.shared()) {
      std::memcpy(out.data(), t.storage().data, out.size());
      return {};
    }
    // In chunks, as in Write.
    std::lock_guard transfer(transfer_mu_);
    Status r;
    size_t offset = 0;
    do {
      const std::span<std::byte> chunk =
          out.subspan(offset, std::min<size_t>(out.size() - offset, kTransferChunkBytes));
      r = c_->Run([&]() -> kj::Promise<Status> {
        auto req = Context().readTensorRequest();
        req.setTensor(t.id);
        req.setOffset(offset);
        req.setLength(chunk.size());
        return req.send().then([chunk](auto response) -> Status {
          if (response.hasError()) return FromWire(response.getError());
          auto data = response.getData();
          if (data.size() != chunk.size()) {
            return MakeError(ErrorCode::kDataError, "readTensor: the service sent ", data.size(),
                             " bytes, ", chunk.size(), " expected");
          }
          if (!chunk.empty()) std::memcpy(chunk.data(), data.begin(), data.size());
          return {};
        });
      });
      offset += chunk.size();
    } while (r.ok() && offset < out.size());
    return r;
  }

  Status Dispatch(const runtime::GraphRef& graph, std::vector<runtime::TensorRef> inputs,
                  std::vector<runtime::TensorRef> outputs) override {
    auto& g = static_cast<ServiceGraph&>(*graph);
    // The channel carries up to kMaxTensors ids; a wider dispatch goes over RPC, after the
    // channel's dispatch in flight (the service runs the two paths on different threads).
    std::unique_lock<std::mutex> channel_lock;
    if (channel_) {
      if (inputs.size() + outputs.size() <= DispatchChannel::kMaxTensors) {
        return ChannelDispatch(graph, std::move(inputs), std::move(outputs));
      }
      channel_lock = std::unique_lock(channel_mu_);
      if (Status s = CompleteLocked(); !s.ok()) return s;
    }
    {
      std::lock_guard lock(c_->mu_);
      for (auto& t : inputs) ++static_cast<ServiceTensor&>(*t).readers;
      for (auto& t : outputs) ++static_cast<ServiceTensor&>(*t).writers;
      ++c_->in_flight;
    }
    // Completion runs on the loop thread: releases the in-flight marks, records a failure on
    // the outputs (a later read reports it) and wakes waiting reads and writes.
    auto complete = [c = c_.get(), graph = runtime::GraphRef(graph), inputs,
                     outputs](Status s) mutable {
      {
        std::lock_guard lock(c->mu_);
        for (auto& t : inputs) --static_cast<ServiceTensor&>(*t).readers;
        for (auto& t : outputs) {
          --static_cast<ServiceTensor&>(*t).writers;
          t->RecordWrite(s);
        }
        --c->in_flight;
      }
      c->cv_.notify_all();
      inputs.clear();  // tensor destructors may call back into the connection: no lock held
      outputs.clear();
      graph.reset();
    };
    // Not between the chunks of a transfer (transfer_mu_).
    std::unique_lock transfer(transfer_mu_);
    auto sent = c_->Run([&] {
      auto req = Context().dispatchRequest();
      req.setGraph(g.id);
      const GraphSignature& io = g.signature();
      auto ins = req.initInputs(static_cast<unsigned>(inputs.size()));
      for (size_t i = 0; i < inputs.size(); ++i) {
        ins[i].setName(io.inputs[i].name);
        ins[i].setTensor(static_cast<ServiceTensor&>(*inputs[i]).id);
      }
      auto outs = req.initOutputs(static_cast<unsigned>(outputs.size()));
      for (size_t i = 0; i < outputs.size(); ++i) {
        outs[i].setName(io.outputs[i].name);
        outs[i].setTensor(static_cast<ServiceTensor&>(*outputs[i]).id);
      }
      c_->tasks().add(req.send()
                          .then(
                              [](auto response) -> Status {
                                if (response.hasError()) return FromWire(response.getError());
                                return {};
                              },
                              [c = c_.get()](kj::Exception&& e) -> Status {
                                if (e.getType() == kj::Exception::Type::DISCONNECTED) {
                                  c->SetLost(Describe(e));
                                }
                                return MakeError(ErrorCode::kOperationError,
                                                 "dispatch: ", Describe(e));
                              })
                          .then([complete](Status s) mutable { complete(std::move(s)); }));
    });
    transfer.unlock();
    if (!sent.ok()) {
      // Never sent: undo the marks here (the loop did not take `complete`).
      complete(sent.error());
      return std::move(sent.error());
    }
    return {};
  }

  Status Flush() override {
    (void)CompleteChannelDispatch();
    std::unique_lock lock(c_->mu_);
    c_->cv_.wait(lock, [&] { return c_->in_flight == 0; });
    return {};
  }

  std::optional<std::string> Lost() const override { return c_->lost(); }

 private:
  // The fast path (channel.h): one dispatch in flight; the next one, and any read or write,
  // first collects its response.
  Status ChannelDispatch(const runtime::GraphRef& graph, std::vector<runtime::TensorRef> inputs,
                         std::vector<runtime::TensorRef> outputs) {
    std::lock_guard lock(channel_mu_);
    if (Status s = CompleteLocked(); !s.ok()) return s;
    {
      // Dispatches that went over RPC (too wide for the channel) finish first.
      std::unique_lock l(c_->mu_);
      c_->cv_.wait(l, [&] { return c_->in_flight == 0 || c_->lost_locked().has_value(); });
      if (c_->lost_locked()) return LostError(*c_->lost_locked());
    }
    DispatchChannel& ch = *channel_;
    ch.graph = static_cast<ServiceGraph&>(*graph).id;
    ch.num_inputs = static_cast<uint32_t>(inputs.size());
    ch.num_outputs = static_cast<uint32_t>(outputs.size());
    size_t k = 0;
    for (auto& t : inputs) ch.tensors[k++] = static_cast<ServiceTensor&>(*t).id;
    for (auto& t : outputs) ch.tensors[k++] = static_cast<ServiceTensor&>(*t).id;
    dispatch_start_ = std::chrono::steady_clock::now();
    ch.request.store(++seq_);
    if (ch.server_sleeping.load()) FutexWake(&ch.request);
    pending_graph_ = graph;
    pending_inputs_ = std::move(inputs);
    pending_outputs_ = std::move(outputs);
    return {};
  }

  Status CompleteChannelDispatch() {
    if (!channel_) return {};
    std::lock_guard lock(channel_mu_);
    return CompleteLocked();
  }

  // Collects the channel's dispatch in flight and keeps the channel locked (no new dispatch)
  // while the caller holds the returned lock; without a channel, no lock.
  std::pair<std::unique_lock<std::mutex>, Status> QuiesceChannel() {
    if (!channel_) return {};
    std::unique_lock lock(channel_mu_);
    Status s = CompleteLocked();
    return {std::move(lock), std::move(s)};
  }

  // Waits for the response of the dispatch in flight, if any; records its outcome on its
  // outputs. Spins briefly, then sleeps on the futex, waking every 50 ms to notice a lost
  // connection. The spin is adaptive: after a dispatch that took longer than a millisecond the
  // next wait sleeps at once, so a client waiting for a large graph does not take a core from
  // the service's compute team (on 2 cores that spin cost MobileNetV2 ~40 %).
  Status CompleteLocked() {
    if (!pending_graph_) return {};
    DispatchChannel& ch = *channel_;
    using std::chrono::microseconds;
    while (ch.response.load(std::memory_order_acquire) != seq_) {
      if (spin_ > microseconds(0) && SpinWhileEqual(ch.response, seq_ - 1, spin_)) continue;
      if (auto reason = c_->lost()) {
        Error e = LostError(*reason);
        for (auto& t : pending_outputs_) t->RecordWrite(e);
        Release();
        return e;
      }
      ch.client_sleeping.store(1);
      if (ch.response.load() == seq_ - 1) FutexWait(&ch.response, seq_ - 1, microseconds(50000));
      ch.client_sleeping.store(0);
    }
    spin_ = std::chrono::steady_clock::now() - dispatch_start_ > std::chrono::milliseconds(1)
                ? microseconds(0)
                : microseconds(200);
    Status outcome;
    if (ch.error_code != 0) {
      const uint32_t code = std::min<uint32_t>(ch.error_code - 1, 5);
      const size_t n = std::min<size_t>(ch.message_length, DispatchChannel::kMaxMessage);
      outcome = Error(static_cast<ErrorCode>(code), std::string(ch.message, n));
    }
    for (auto& t : pending_outputs_) t->RecordWrite(outcome);
    Release();
    return {};
  }

  void Release() {
    pending_graph_.reset();
    pending_inputs_.clear();
    pending_outputs_.clear();
  }

  rpc::Context::Client Context() { return KJ_ASSERT_NONNULL(c_->context); }

  // A graph message, its large constants out of line: `pieces` (the constants' bytes, at
  // 64-byte aligned offsets of one region of `region_size` bytes) are what its
  // Constant.sharedMemory entries name as region 0.
  struct EncodedGraph {
    std::vector<std::byte> message;
    std::vector<SharedRegion::Piece> pieces;  // pointing into the graph's constants
    size_t region_size = 0;
  };

  static Result<EncodedGraph> Encode(const GraphInfo& graph) {
    EncodedGraph out;
    GraphInfo inline_graph = graph;  // shares the constants' bytes
    std::map<OperandId, size_t> offsets;
    for (auto& [id, bytes] : inline_graph.constants) {
      if (bytes.size() < kOutOfLineConstantBytes) continue;
      const size_t offset = (out.region_size + 63) / 64 * 64;
      out.pieces.push_back({offset, graph.constants.at(id).span()});
      offsets.emplace(id, offset);
      out.region_size = offset + bytes.size();
      bytes = ByteBuffer();  // encoded empty, then turned into a reference below
    }
    try {
      capnp::MallocMessageBuilder builder;
      auto file = builder.initRoot<wire::File>();
      file.setMagic(wire::FILE_MAGIC);
      file.setFormatVersion(wire::CURRENT_FORMAT_VERSION);
      WEBNN_RETURN_IF_ERROR(EncodeGraphInto(inline_graph, file.initGraph()));
      for (auto c : file.getGraph().getConstants()) {
        auto it = offsets.find(c.getOperand());
        if (it == offsets.end()) continue;
        auto shm = c.getData().initSharedMemory();
        shm.setRegion(0);
        shm.setOffset(it->second);
        shm.setLength(graph.constants.at(it->first).size());
      }
      const size_t words = capnp::computeSerializedSizeInWords(builder);
      out.message.resize(words * sizeof(capnp::word));
      kj::ArrayOutputStream stream(
          kj::arrayPtr(reinterpret_cast<kj::byte*>(out.message.data()), out.message.size()));
      capnp::writeMessage(stream, builder);
    } catch (const kj::Exception& e) {
      return MakeError(ErrorCode::kDataError, "cannot encode the graph: ", Describe(e));
    }
    return out;
  }

  // Sends the out-of-line constants of `encoded` to an upload (TCP), in chunks; its id. The
  // connection holds its capability (released once buildGraph has answered).
  Result<uint64_t> Upload(const EncodedGraph& encoded) {
    auto id = c_->Run([&]() -> kj::Promise<Result<uint64_t>> {
      auto req = Context().createUploadRequest();
      req.setLength(encoded.region_size);
      return req.send().then([c = c_.get()](auto response) -> Result<uint64_t> {
        if (response.hasError()) return FromWire(response.getError());
        c->uploads.emplace(response.getId(), response.getUpload());
        return response.getId();
      });
    });
    if (!id.ok()) return std::move(id.error().Prefix("buildGraph"));
    for (const SharedRegion::Piece& piece : encoded.pieces) {
      for (size_t done = 0; done < piece.bytes.size();) {
        const size_t n = std::min<size_t>(piece.bytes.size() - done, kTransferChunkBytes);
        Status s = c_->Run([&]() -> kj::Promise<Status> {
          auto req = Context().writeUploadRequest();
          req.setUpload(id.value());
          req.setOffset(piece.offset + done);
          SetDataWithoutCopy(req, piece.bytes.subspan(done, n));
          return req.send().then([](auto response) -> Status {
            if (response.hasError()) return FromWire(response.getError());
            return {};
          });
        });
        if (!s.ok()) {
          (void)c_->Run([c = c_.get(), u = id.value()] { c->uploads.erase(u); });
          return std::move(s.error().Prefix("buildGraph"));
        }
        done += n;
      }
    }
    return id;
  }

  // Waits for `ready` (under c_->mu_); fails at once when the connection is lost and the
  // condition cannot become true.
  template <typename Pred>
  Status WaitLocked(std::unique_lock<std::mutex>& lock, Pred ready) {
    c_->cv_.wait(lock, [&] { return ready() || c_->lost_locked().has_value(); });
    if (!ready()) return LostError(*c_->lost_locked());
    return {};
  }

  std::shared_ptr<Connection> c_;
  std::shared_ptr<SharedRegion> channel_region_;
  DispatchChannel* channel_ = nullptr;
  std::mutex channel_mu_;
  // Held through a chunked transfer (TCP) and while a dispatch is sent: a dispatch never runs
  // between the chunks of a write or read.
  std::mutex transfer_mu_;
  uint32_t seq_ = 0;
  runtime::GraphRef pending_graph_;
  std::chrono::steady_clock::time_point dispatch_start_;
  std::chrono::microseconds spin_{200};  // how long the next wait spins before sleeping
  std::vector<runtime::TensorRef> pending_inputs_, pending_outputs_;
};

// Connects to `endpoint_text` (empty: the default socket) with the token from `token_file`,
// which a tcp: endpoint needs.
Result<std::shared_ptr<Connection>> OpenEndpoint(const std::string& endpoint_text,
                                                 const std::string& token_file,
                                                 double timeout_seconds) {
  if (!(timeout_seconds >= 0) || timeout_seconds > 1e6) {
    return MakeError(ErrorCode::kTypeError,
                     "connectTimeoutSeconds must be between 0 (no "
                     "timeout) and 1e6, not ",
                     timeout_seconds);
  }
  auto endpoint =
      ParseEndpoint(endpoint_text.empty() ? "unix:" + DefaultSocketPath() : endpoint_text);
  if (!endpoint.ok()) return std::move(endpoint.error());
  std::string token;
  if (endpoint->kind == Endpoint::Kind::kTcp) {
    if (token_file.empty()) {
      return MakeError(ErrorCode::kTypeError, "a tcp: endpoint needs a token file (tokenFile)");
    }
    WEBNN_ASSIGN_OR_RETURN(token, ReadTokenFile(token_file));
  }
  auto c = Connection::Open(endpoint.value(), std::move(token), timeout_seconds);
  if (!c.ok()) return std::move(c.error().Prefix(endpoint->ToString()));
  return c;
}

}  // namespace

namespace {

// Opens a context at one endpoint.
Result<std::shared_ptr<runtime::Executor>> ConnectOne(const std::string& endpoint,
                                                      const MLContextOptions& options) {
  WEBNN_ASSIGN_OR_RETURN(std::shared_ptr<Connection> conn,
                         OpenEndpoint(endpoint, options.tokenFile, options.connectTimeoutSeconds));
  std::shared_ptr<SharedRegion> channel;
  if (conn->unix_socket()) {
    auto r = SharedRegion::Create(sizeof(DispatchChannel), "webnn-channel");
    if (!r.ok()) return std::move(r.error());
    channel = std::move(r).value();
  }
  bool fast = false;
  auto created = conn->Run([&]() -> kj::Promise<Status> {
    auto req = conn->provider().createContextRequest();
    req.setMaxTensorByteLength(options.maxTensorByteLength);
    req.setBackend(options.backend);
    req.setThreads(options.threads);
    if (channel) req.setChannel(kj::heap<SharedMemoryServer>(channel));
    return conn->Bounded(req.send().then([c = conn.get(), &fast](auto response) -> Status {
      if (response.hasError()) return FromWire(response.getError());
      c->context = response.getContext();
      fast = response.getFastDispatch();
      return {};
    }),
                         "createContext");
  });
  if (!created.ok()) return std::move(created.error());
  if (!fast) channel = nullptr;
  return std::shared_ptr<runtime::Executor>(
      std::make_shared<ServiceExecutor>(std::move(conn), std::move(channel)));
}

// The endpoints to try in order: the comma-separated list, or without one the default socket
// and then the system instance's.
std::vector<std::string> EndpointList(const std::string& text) {
  std::vector<std::string> list;
  for (size_t begin = 0; begin <= text.size();) {
    const size_t end = std::min(text.find(',', begin), text.size());
    if (end > begin) list.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  if (list.empty()) {
    list.push_back("unix:" + DefaultSocketPath());
    if (DefaultSocketPath() != kSystemSocketPath)
      list.push_back(std::string("unix:") + kSystemSocketPath);
  }
  return list;
}

// Tries each endpoint in turn (failover: one that is down, draining or refusing passes the
// client to the next); the error names what each one said.
template <typename T>
Result<T> FirstThatWorks(const std::string& endpoints,
                         const std::function<Result<T>(const std::string&)>& attempt) {
  const std::vector<std::string> list = EndpointList(endpoints);
  std::string why;
  std::optional<Error> last;
  for (const std::string& endpoint : list) {
    auto r = attempt(endpoint);
    if (r.ok()) return r;
    const std::string& message = r.error().message();
    why += (why.empty() ? "" : "; ") +
           (message.starts_with(endpoint) ? message : endpoint + ": " + message);
    last = std::move(r.error());
  }
  if (list.size() == 1) return std::move(*last);
  return Error(last->code(), "no service endpoint was usable: " + why);
}

}  // namespace

Result<std::shared_ptr<runtime::Executor>> Connect(const MLContextOptions& options) {
  return FirstThatWorks<std::shared_ptr<runtime::Executor>>(
      options.endpoint, [&](const std::string& endpoint) { return ConnectOne(endpoint, options); });
}

Result<PingResult> Ping(const std::string& endpoint_text, const std::string& token_file, int count,
                        double timeout_seconds) {
  const auto t0 = std::chrono::steady_clock::now();
  auto c =
      FirstThatWorks<std::shared_ptr<Connection>>(endpoint_text, [&](const std::string& endpoint) {
        return OpenEndpoint(endpoint, token_file, timeout_seconds);
      });
  if (!c.ok()) return std::move(c.error());
  PingResult result;
  result.connect_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  result.client_id = c.value()->client_id;
  result.server_version = c.value()->server_version;
  std::vector<double> times;
  for (int i = 0; i < std::max(1, count); ++i) {
    const auto s = std::chrono::steady_clock::now();
    // Each answer carries the service's statistics; the last one is reported.
    auto r = c.value()->Run([&]() -> kj::Promise<Status> {
      return c.value()->Bounded(
          c.value()->provider().pingRequest().send().then([&result](auto response) -> Status {
            auto stats = response.getStats();
            result.clients = stats.getClients();
            result.contexts = stats.getContexts();
            result.graphs = stats.getGraphs();
            result.tensors = stats.getTensors();
            result.inflight_dispatches = stats.getInflightDispatches();
            result.tensor_bytes = stats.getTensorBytes();
            result.constant_bytes = stats.getConstantBytes();
            result.sandboxed = response.getSandboxed();
            result.graph_memory_bytes = stats.getGraphMemoryBytes();
            result.isolation = response.getIsolation().cStr();
            result.worker_pid = response.getWorkerPid();
            return {};
          }),
          "ping");
    });
    if (!r.ok()) return std::move(r.error());
    times.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - s).count());
  }
  std::sort(times.begin(), times.end());
  result.round_trip_us = times[times.size() / 2];
  return result;
}

}  // namespace webnn::service
