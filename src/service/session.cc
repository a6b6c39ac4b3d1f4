#include "service/session.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <new>

namespace webnn::service {

Result<std::shared_ptr<runtime::WorkerExecutor>> Compute::MakeExecutor(std::string_view backend,
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
  options.threads = threads == 0       ? max_threads
                    : max_threads == 0 ? threads
                                       : std::min(threads, max_threads);
  return std::make_shared<runtime::WorkerExecutor>(pool, std::move(b), options, budget);
}

std::shared_ptr<ContextCore> ContextCore::Make(std::shared_ptr<ClientState> client,
                                               std::shared_ptr<runtime::WorkerExecutor> executor,
                                               ContextLimits limits,
                                               std::shared_ptr<Reaper> reaper) {
  return std::shared_ptr<ContextCore>(
      new ContextCore(std::move(client), std::move(executor), limits),
      [reaper = std::move(reaper)](ContextCore* core) {
        --core->client->contexts;
        --core->client->connection_contexts;
        core->RequestStop();
        reaper->Post([core] { delete core; });
      });
}

void ContextCore::RequestStop() {
  if (!channel_thread_.joinable()) return;
  stop_.store(true);
  FutexWake(&channel_->request);
}

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
    seen = ServeChannelRequest(ch);
  }
}

uint32_t ContextCore::ServeChannelRequest(DispatchChannel& ch) {
  const uint32_t seq = ch.request.load(std::memory_order_acquire);
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
    client->log.Debug(client->id, ": dispatch failed: ", m);
  }
  ch.response.store(seq);
  if (ch.client_sleeping.load()) FutexWake(&ch.response);
  return seq;
}

Result<BoundDispatch> ContextCore::Bind(uint64_t graph_id, std::span<const NamedTensorId> inputs,
                                        std::span<const NamedTensorId> outputs) {
  std::lock_guard lock(mu);
  return BindLocked(graph_id, inputs, outputs);
}

Result<BoundDispatch> ContextCore::BindInOrder(uint64_t graph_id, std::span<const uint64_t> ids,
                                               size_t num_inputs) {
  std::lock_guard lock(mu);
  auto g = graphs.find(graph_id);
  if (g == graphs.end()) {
    return MakeError(ErrorCode::kTypeError, "dispatch: no graph with id ", graph_id,
                     " in this context (destroyed, or never created)");
  }
  const GraphSignature& io = g->second.graph->signature();
  if (num_inputs != io.inputs.size() || ids.size() - num_inputs != io.outputs.size()) {
    return MakeError(ErrorCode::kTypeError, "dispatch: ", num_inputs, " inputs and ",
                     ids.size() - num_inputs, " outputs given, the graph has ", io.inputs.size(),
                     " and ", io.outputs.size());
  }
  std::vector<NamedTensorId> named(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    named[i] = {i < num_inputs ? io.inputs[i].name : io.outputs[i - num_inputs].name, ids[i]};
  }
  return BindLocked(graph_id, std::span(named).first(num_inputs),
                    std::span(named).subspan(num_inputs));
}

Result<BoundDispatch> ContextCore::BindLocked(uint64_t graph_id,
                                              std::span<const NamedTensorId> inputs,
                                              std::span<const NamedTensorId> outputs) {
  auto g = graphs.find(graph_id);
  if (g == graphs.end()) {
    return MakeError(ErrorCode::kTypeError, "dispatch: no graph with id ", graph_id,
                     " in this context (destroyed, or never created)");
  }
  BoundDispatch bound;
  bound.graph = g->second.graph;
  // The service's own check (the ids name live tensors of this context), then the ones the
  // in-process API makes too.
  std::vector<const runtime::TensorRef*> tensors;
  auto arguments = [&](std::span<const NamedTensorId> named,
                       const char* kind) -> Result<std::vector<runtime::DispatchArgument>> {
    std::vector<runtime::DispatchArgument> args;
    args.reserve(named.size());
    for (const NamedTensorId& n : named) {
      auto t = this->tensors.find(n.id);
      if (t == this->tensors.end()) {
        return MakeError(ErrorCode::kTypeError, "dispatch: ", kind, " '", n.name,
                         "': no tensor with id ", n.id,
                         " in this context (destroyed, or never created)");
      }
      tensors.push_back(&t->second.tensor);
      args.push_back({n.name, n.id, &t->second.tensor->desc(), false});
    }
    return args;
  };
  WEBNN_ASSIGN_OR_RETURN(auto in_args, arguments(inputs, "input"));
  WEBNN_ASSIGN_OR_RETURN(auto out_args, arguments(outputs, "output"));
  WEBNN_ASSIGN_OR_RETURN(runtime::DispatchBinding binding,
                         runtime::BindDispatch(bound.graph->signature(), in_args, out_args));
  bound.inputs.reserve(binding.inputs.size());
  bound.outputs.reserve(binding.outputs.size());
  for (size_t i : binding.inputs) bound.inputs.push_back(*tensors[i]);
  for (size_t i : binding.outputs) bound.outputs.push_back(*tensors[inputs.size() + i]);
  return bound;
}

Status ContextCore::ChannelDispatch(uint64_t graph_id, std::span<const uint64_t> ids,
                                    uint32_t num_inputs) {
  if (Status s = client->Admit("dispatch"); !s.ok()) return s;
  auto bound = BindInOrder(graph_id, ids, num_inputs);
  if (!bound.ok()) return std::move(bound.error());
  WEBNN_RETURN_IF_ERROR(client->StartDispatch());
  const auto started = std::chrono::steady_clock::now();
  Status s;
  try {
    s = executor->Execute(bound->graph, bound->inputs, bound->outputs);
  } catch (const std::bad_alloc&) {
    // The client's dispatch fails; the service and the other clients go on.
    s = MakeError(ErrorCode::kOperationError, "dispatch: out of memory");
  }
  client->FinishDispatch(started, bound->InputBytes(), bound->OutputBytes(), s.ok());
  return s;
}

namespace {
uint64_t TotalBytes(const std::vector<runtime::TensorRef>& tensors) {
  uint64_t n = 0;
  for (const auto& t : tensors) n += t->desc().ByteLength();
  return n;
}
}  // namespace

uint64_t BoundDispatch::InputBytes() const { return TotalBytes(inputs); }
uint64_t BoundDispatch::OutputBytes() const { return TotalBytes(outputs); }

}  // namespace webnn::service
