#include "service/session.h"

#include <algorithm>
#include <chrono>
#include <cstring>

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
      client->log.Debug(client->id, ": dispatch failed: ", m);
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
    const OperandDescriptor& want = is_input ? io.inputs[i].desc : io.outputs[i - num_inputs].desc;
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

}  // namespace webnn::service
