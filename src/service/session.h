// A client's session state: its contexts, each with the graphs and tensors it created, the
// compute they run on, and the shared-memory dispatch channel a context serves on its own thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ops/validate.h"
#include "runtime/dispatch_binding.h"
#include "runtime/executor.h"
#include "service/accounting.h"
#include "service/channel.h"
#include "service/common.h"
#include "service/graph_runs.h"
#include "service/reaper.h"
#include "service/shm.h"

namespace webnn::service {

struct TensorEntry {
  runtime::TensorRef tensor;
  bool readable = false;
  bool writable = false;
};

struct GraphEntry {
  runtime::GraphRef graph;
  uint64_t constant_bytes = 0;
  uint64_t graph_memory_bytes = 0;  // charged to graph_memory_bytes (config.h) at build
  std::shared_ptr<GraphRuns> runs;  // the arenas its concurrent runs charged since
};

// Service memory a client fills in chunks with the bytes of large constants (TCP), until a
// buildGraph takes it.
struct UploadEntry {
  runtime::Storage storage;
};

// A tensor of a dispatch as a client names it.
struct NamedTensorId {
  std::string_view name;
  uint64_t id;
};

// A dispatch whose graph and tensors were looked up and checked (ContextCore::Bind).
struct BoundDispatch {
  runtime::GraphRef graph;
  std::vector<runtime::TensorRef> inputs, outputs;
  // The bytes of its inputs and of its outputs (for the metrics).
  uint64_t InputBytes() const;
  uint64_t OutputBytes() const;
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
                                                                uint32_t threads) const;
};

// A context's state; shared by its capability and the Graph/Tensor capabilities it handed out
// (which may outlive the Context capability).
struct ContextCore {
  ContextCore(std::shared_ptr<ClientState> client,
              std::shared_ptr<runtime::WorkerExecutor> executor, ContextLimits limits)
      : client(std::move(client)), executor(std::move(executor)), limits(limits) {}
  // Joins the channel thread; the executor's destructor waits for this context's tasks. Not on
  // the event loop: Make hands the last reference's destruction to the reaper.
  ~ContextCore() { StopChannel(); }
  // A context whose end (accounting on the releasing thread, then the blocking part on
  // `reaper`) never blocks the thread that drops the last reference.
  static std::shared_ptr<ContextCore> Make(std::shared_ptr<ClientState> client,
                                           std::shared_ptr<runtime::WorkerExecutor> executor,
                                           ContextLimits limits, std::shared_ptr<Reaper> reaper);
  // Tells the channel thread to stop after the dispatch it runs (does not wait).
  void RequestStop();
  std::shared_ptr<ClientState> client;
  std::shared_ptr<runtime::WorkerExecutor> executor;
  ContextLimits limits;
  // Guards next_id, tensors and graphs: the event loop and the channel thread both use them.
  std::mutex mu;
  uint64_t next_id = 1;
  std::map<uint64_t, TensorEntry> tensors;
  std::map<uint64_t, GraphEntry> graphs;
  std::map<uint64_t, UploadEntry> uploads;  // charged to constant_bytes until a graph takes one

  // The dispatch fast path (channel.h): a thread serving the channel the client mapped.
  void StartChannel(std::shared_ptr<SharedRegion> region);
  void StopChannel();
  // Serves the request in `ch` (the channel thread calls it each time the client bumps
  // `request`; the dispatch-channel fuzzer calls it directly): copies the request out, checks
  // its counts, ids and descriptors, runs it, writes the error code and message, then sets
  // `response` to the request's sequence number and wakes a sleeping client. Returns that
  // number.
  uint32_t ServeChannelRequest(DispatchChannel& ch);
  // Looks up a dispatch's graph and tensors and checks them (runtime::BindDispatch): the RPC
  // path names its tensors; the channel gives them in the graph's order, inputs then outputs.
  Result<BoundDispatch> Bind(uint64_t graph_id, std::span<const NamedTensorId> inputs,
                             std::span<const NamedTensorId> outputs);
  Result<BoundDispatch> BindInOrder(uint64_t graph_id, std::span<const uint64_t> ids,
                                    size_t num_inputs);

 private:
  void ChannelLoop();
  Result<BoundDispatch> BindLocked(uint64_t graph_id, std::span<const NamedTensorId> inputs,
                                   std::span<const NamedTensorId> outputs);
  Status ChannelDispatch(uint64_t graph_id, std::span<const uint64_t> ids, uint32_t num_inputs);
  std::shared_ptr<SharedRegion> channel_region_;
  DispatchChannel* channel_ = nullptr;
  std::atomic<bool> stop_{false};
  std::thread channel_thread_;
};

}  // namespace webnn::service
