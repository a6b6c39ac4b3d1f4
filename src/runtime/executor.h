// Executors: where an MLContext's graphs run. The public API (src/api) validates every
// argument and then hands the executor well-formed requests; the executor owns tensor storage
// and runs graphs.
//
//  - DirectExecutor: in the calling thread; dispatch returns when the outputs are written.
//  - WorkerExecutor: a pool of threads. Dispatch queues a task and returns; tasks run as soon as
//    no earlier task of the same context conflicts with them (one writes a tensor the other
//    reads or writes), so dispatches are observed in order while independent ones overlap.
//    Reads and writes wait for the conflicting tasks before them.
//  - ServiceExecutor (src/service/client.h): the graphs run in webnnd.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend.h"
#include "ir/graph_info.h"
#include "runtime/compute_budget.h"
#include "runtime/job_activity.h"
#include "webnn/error.h"

namespace webnn::runtime {

// Bytes a tensor lives in: heap memory or a shared-memory mapping; `owner` keeps them alive.
struct Storage {
  std::byte* data = nullptr;
  size_t size = 0;
  std::shared_ptr<void> owner;
  std::span<std::byte> span() const { return {data, size}; }
  // Zero-filled, 64-byte aligned heap memory.
  static Storage Allocate(size_t size);
};

// An executor's tensor. The executor decides the storage; it remembers whether the dispatch
// that last wrote it failed (a read reports it; a later successful write clears it).
class ExecTensor {
 public:
  ExecTensor(OperandDescriptor desc, Storage storage)
      : desc_(std::move(desc)), storage_(std::move(storage)) {}
  virtual ~ExecTensor() = default;
  const OperandDescriptor& desc() const { return desc_; }
  const Storage& storage() const { return storage_; }
  // What the last write of the tensor left: a dispatch that failed marks its outputs with its
  // error, a successful dispatch or writeTensor clears it. Only touched by whoever writes the
  // tensor (the executor's ordering makes that exclusive).
  void RecordWrite(const Status& status) {
    if (status.ok()) {
      error_.reset();
    } else {
      error_ = status.error();
    }
  }
  // OK, or the error of the failed dispatch that wrote the tensor last.
  Status LastWrite() const {
    if (!error_) return {};
    Error e = *error_;
    return std::move(e.Prefix("the dispatch that wrote this tensor failed"));
  }

 private:
  OperandDescriptor desc_;
  Storage storage_;
  std::optional<Error> error_;
};

// An executor's graph: the io signature every dispatch is checked against and, for the
// executors of this process, the backend's compiled graph (the IR itself is not kept here: once
// a backend has prepacked the weights, nothing pins the original constant bytes).
class ExecGraph {
 public:
  ExecGraph(GraphSignature signature, std::shared_ptr<const backend::CompiledGraph> compiled)
      : signature_(std::move(signature)),
        compiled_(std::move(compiled)),
        threads_(compiled_ ? compiled_->stats().threads : 1) {}
  virtual ~ExecGraph() = default;
  const GraphSignature& signature() const { return signature_; }
  // Runs the compiled graph: inputs/outputs in signature order. Only for graphs with a compiled
  // graph in this process.
  Status Run(std::span<const std::shared_ptr<ExecTensor>> inputs,
             std::span<const std::shared_ptr<ExecTensor>> outputs) const;
  const backend::CompiledGraph* compiled() const { return compiled_.get(); }
  // Intra-op threads a run takes (1 for graphs not compiled in this process).
  uint32_t threads() const { return threads_; }

 private:
  GraphSignature signature_;
  std::shared_ptr<const backend::CompiledGraph> compiled_;
  uint32_t threads_ = 1;
};

using TensorRef = std::shared_ptr<ExecTensor>;
using GraphRef = std::shared_ptr<ExecGraph>;

class Executor {
 public:
  virtual ~Executor() = default;
  // `graph` passed ValidateGraph.
  virtual Result<GraphRef> Compile(GraphInfo graph) = 0;
  virtual Result<TensorRef> CreateTensor(const OperandDescriptor& desc, bool readable,
                                         bool writable) = 0;
  // Sizes were checked by the caller (data.size() == the tensor's byte length).
  virtual Status Write(const TensorRef& tensor, std::span<const std::byte> data) = 0;
  virtual Status Read(const TensorRef& tensor, std::span<std::byte> out) = 0;
  // inputs/outputs in the graph's input/output order, descriptors checked by the caller, no
  // tensor both read and written. May return before the outputs are written.
  virtual Status Dispatch(const GraphRef& graph, std::vector<TensorRef> inputs,
                          std::vector<TensorRef> outputs) = 0;
  // Waits until every dispatch so far has finished.
  virtual Status Flush() { return {}; }
  // Set when the executor can no longer run anything (the service died); the reason.
  virtual std::optional<std::string> Lost() const { return std::nullopt; }
};

// The executors of this process: graphs run on a backend (src/backend), tensors live in heap
// memory.
class HostExecutor : public Executor {
 public:
  // `budget`, when given, bounds the compute threads of concurrent dispatches (shared by every
  // context of a webnnd, or the worker pool of one context).
  HostExecutor(std::shared_ptr<const backend::Backend> backend, backend::CompileOptions options,
               std::shared_ptr<ComputeBudget> budget = nullptr)
      : backend_(std::move(backend)), options_(options), budget_(std::move(budget)) {}
  Result<GraphRef> Compile(GraphInfo graph) override;
  Result<TensorRef> CreateTensor(const OperandDescriptor& desc, bool readable,
                                 bool writable) override;
  const backend::Backend& backend() const { return *backend_; }
  // Runs `graph` now, in the calling thread, within the compute budget, and records the
  // outcome on the outputs. The caller orders it against other work on the same tensors.
  Status Execute(const GraphRef& graph, const std::vector<TensorRef>& inputs,
                 const std::vector<TensorRef>& outputs);

 private:
  std::shared_ptr<const backend::Backend> backend_;
  backend::CompileOptions options_;
  std::shared_ptr<ComputeBudget> budget_;
};

class DirectExecutor final : public HostExecutor {
 public:
  using HostExecutor::HostExecutor;
  Status Write(const TensorRef& tensor, std::span<const std::byte> data) override;
  Status Read(const TensorRef& tensor, std::span<std::byte> out) override;
  Status Dispatch(const GraphRef& graph, std::vector<TensorRef> inputs,
                  std::vector<TensorRef> outputs) override;
};

// A fixed set of threads running posted jobs in FIFO order. Shared by the worker executors
// of a process (webnnd runs every client's work on one pool).
class ThreadPool {
 public:
  explicit ThreadPool(unsigned threads);  // 0: hardware concurrency
  ~ThreadPool();                          // finishes the queued jobs, then joins
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  void Post(std::function<void()> job);
  unsigned size() const { return static_cast<unsigned>(threads_.size()); }

  JobActivity activity() const;
  // Blocks until no job is queued or running (jobs posted meanwhile included).
  void WaitIdle();

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_, idle_cv_;
  std::list<std::function<void()>> jobs_;
  JobActivity activity_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

class WorkerExecutor final : public HostExecutor {
 public:
  WorkerExecutor(std::shared_ptr<ThreadPool> pool, std::shared_ptr<const backend::Backend> backend,
                 backend::CompileOptions options, std::shared_ptr<ComputeBudget> budget);
  ~WorkerExecutor() override;  // waits for this context's tasks

  Status Write(const TensorRef& tensor, std::span<const std::byte> data) override;
  Status Read(const TensorRef& tensor, std::span<std::byte> out) override;
  Status Dispatch(const GraphRef& graph, std::vector<TensorRef> inputs,
                  std::vector<TensorRef> outputs) override;
  Status Flush() override;

  // Asynchronous forms for an event loop that must not block (webnnd): `done` runs on a pool
  // thread when the work has finished. Ordering is the same as for the blocking forms.
  void DispatchAsync(const GraphRef& graph, std::vector<TensorRef> inputs,
                     std::vector<TensorRef> outputs, std::function<void(Status)> done);
  // `offset`: where `data` goes in the tensor (a chunk of a transfer too large for one message);
  // the caller checked offset + data.size() against the tensor's size.
  void WriteAsync(const TensorRef& tensor, std::vector<std::byte> data,
                  std::function<void(Status)> done, size_t offset = 0);
  // `length` bytes from `offset` (checked by the caller); SIZE_MAX: to the end.
  void ReadAsync(const TensorRef& tensor, std::function<void(Result<std::vector<std::byte>>)> done,
                 size_t offset = 0, size_t length = SIZE_MAX);

  // Tasks queued or running (for in-flight limits).
  size_t pending() const;

  // Ends every task that has not started with `error` (its `done` runs, on this thread); the
  // running ones finish. For a service whose client has left. Returns how many it ended.
  size_t CancelQueued(const Error& error);

 private:
  struct Task {
    std::vector<TensorRef> reads;
    std::vector<TensorRef> writes;
    std::function<Status()> run;
    std::function<void(Status)> done;
    bool started = false;
  };
  void Submit(std::vector<TensorRef> reads, std::vector<TensorRef> writes,
              std::function<Status()> run, std::function<void(Status)> done);
  Status SubmitAndWait(std::vector<TensorRef> reads, std::vector<TensorRef> writes,
                       std::function<Status()> run);
  void ScheduleLocked();
  void Finish(std::list<Task>::iterator task, Status status);

  std::shared_ptr<ThreadPool> pool_;
  mutable std::mutex mu_;
  std::condition_variable idle_cv_;
  std::list<Task> tasks_;  // submission order; a task leaves the list when it has finished
  int callbacks_running_ = 0;
};

}  // namespace webnn::runtime
