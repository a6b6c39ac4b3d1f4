#include "runtime/executor.h"
#include "util/cores.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <future>
#include <new>
#include <thread>

namespace webnn::runtime {

Storage Storage::Allocate(size_t size) {
  constexpr size_t kAlign = 64;
  const size_t rounded = (std::max<size_t>(size, 1) + kAlign - 1) / kAlign * kAlign;
  void* p = std::aligned_alloc(kAlign, rounded);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, rounded);
  Storage s;
  s.data = static_cast<std::byte*>(p);
  s.size = size;
  s.owner = std::shared_ptr<void>(p, [](void* q) { std::free(q); });
  return s;
}

Status ExecGraph::Run(std::span<const TensorRef> inputs, std::span<const TensorRef> outputs) const {
  std::vector<const std::byte*> in(inputs.size());
  std::vector<std::byte*> out(outputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) in[i] = inputs[i]->storage().data;
  for (size_t i = 0; i < outputs.size(); ++i) out[i] = outputs[i]->storage().data;
  if (!compiled_) {
    return MakeError(ErrorCode::kOperationError,
                     "dispatch: the graph is not compiled in this process");
  }
  return compiled_->Execute(in, out);
}

namespace {

// Outputs of a failed dispatch carry its error; a successful one clears theirs.
void MarkOutputs(const std::vector<TensorRef>& outputs, const Status& s) {
  for (const TensorRef& t : outputs) t->RecordWrite(s);
}

// A write replaces the tensor's bytes (from `offset`) and clears the error of a failed
// dispatch.
Status CopyIn(ExecTensor& t, std::span<const std::byte> data, size_t offset = 0) {
  std::memcpy(t.storage().data + offset, data.data(), data.size());
  t.RecordWrite({});
  return {};
}

Status ReadChecked(const ExecTensor& t, std::span<std::byte> out, size_t offset = 0) {
  WEBNN_RETURN_IF_ERROR(t.LastWrite());
  std::memcpy(out.data(), t.storage().data + offset, out.size());
  return {};
}

}  // namespace

// ---- HostExecutor ------------------------------------------------------------------------------

Result<GraphRef> HostExecutor::Compile(GraphInfo graph) {
  GraphSignature signature = GraphSignature::Of(graph);
  std::unique_ptr<backend::CompiledGraph> compiled;
  auto compile = [&]() -> Status {
    WEBNN_ASSIGN_OR_RETURN(compiled, backend_->Compile(std::move(graph), options_));
    return {};
  };
  // Compilation runs parallel work too (weight reorders, folding). With a budget it runs where
  // the graph's dispatches will: on the budget's team thread. An OpenMP runtime keeps a team of
  // workers per thread that starts parallel work, and libgomp counts every team's workers: once
  // they outnumber the cores it stops spinning between parallel regions, and each of a graph's
  // regions then pays a futex wake-up of its workers. One leading thread keeps one team.
  const uint32_t threads = ThreadsOrCores(options_.threads);
  WEBNN_RETURN_IF_ERROR(budget_ ? budget_->Run(threads, compile) : compile());
  return std::make_shared<ExecGraph>(std::move(signature), std::move(compiled));
}

Status HostExecutor::Execute(const GraphRef& graph, const std::vector<TensorRef>& inputs,
                             const std::vector<TensorRef>& outputs) {
  Status s = budget_ ? budget_->Run(graph->threads(), [&] { return graph->Run(inputs, outputs); })
                     : graph->Run(inputs, outputs);
  MarkOutputs(outputs, s);
  return s;
}

Result<TensorRef> HostExecutor::CreateTensor(const OperandDescriptor& desc, bool, bool) {
  return std::make_shared<ExecTensor>(desc, Storage::Allocate(desc.ByteLength()));
}

// ---- DirectExecutor ----------------------------------------------------------------------------

Status DirectExecutor::Write(const TensorRef& tensor, std::span<const std::byte> data) {
  return CopyIn(*tensor, data);
}

Status DirectExecutor::Read(const TensorRef& tensor, std::span<std::byte> out) {
  return ReadChecked(*tensor, out);
}

Status DirectExecutor::Dispatch(const GraphRef& graph, std::vector<TensorRef> inputs,
                                std::vector<TensorRef> outputs) {
  return Execute(graph, inputs, outputs);
}

// ---- ThreadPool --------------------------------------------------------------------------------

ThreadPool::ThreadPool(unsigned threads) {
  threads = ThreadsOrCores(threads);
  for (unsigned i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      std::unique_lock lock(mu_);
      for (;;) {
        cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stop_ and nothing left
        std::function<void()> job = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        job();
        job = nullptr;  // what it captured goes before the job counts as finished
        lock.lock();
        if (--activity_.unfinished == 0) idle_cv_.notify_all();
      }
    });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void ThreadPool::Post(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
    ++activity_.posted;
    ++activity_.unfinished;
  }
  cv_.notify_one();
}

JobActivity ThreadPool::activity() const {
  std::lock_guard lock(mu_);
  return activity_;
}

void ThreadPool::WaitIdle() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [this] { return activity_.unfinished == 0; });
}

// ---- WorkerExecutor ----------------------------------------------------------------------------

WorkerExecutor::WorkerExecutor(std::shared_ptr<ThreadPool> pool,
                               std::shared_ptr<const backend::Backend> backend,
                               backend::CompileOptions options,
                               std::shared_ptr<ComputeBudget> budget)
    : HostExecutor(std::move(backend), options, std::move(budget)), pool_(std::move(pool)) {}

WorkerExecutor::~WorkerExecutor() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [this] { return tasks_.empty() && callbacks_running_ == 0; });
}

size_t WorkerExecutor::pending() const {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

size_t WorkerExecutor::CancelQueued(const Error& error) {
  std::vector<std::function<void(Status)>> dones;
  {
    std::lock_guard lock(mu_);
    for (auto it = tasks_.begin(); it != tasks_.end();) {
      if (it->started) {
        ++it;
        continue;
      }
      dones.push_back(std::move(it->done));
      it = tasks_.erase(it);
    }
    callbacks_running_ += 1;
  }
  for (auto& done : dones) {
    if (done) done(Error(error));
  }
  std::lock_guard lock(mu_);
  --callbacks_running_;
  idle_cv_.notify_all();
  return dones.size();
}

void WorkerExecutor::Submit(std::vector<TensorRef> reads, std::vector<TensorRef> writes,
                            std::function<Status()> run, std::function<void(Status)> done) {
  std::lock_guard lock(mu_);
  tasks_.push_back({std::move(reads), std::move(writes), std::move(run), std::move(done), false});
  ScheduleLocked();
}

// Starts every task that no earlier unfinished task conflicts with: a task may not write what
// an earlier one reads or writes, nor read what an earlier one writes.
void WorkerExecutor::ScheduleLocked() {
  std::vector<const ExecTensor*> earlier_reads, earlier_writes;
  auto in = [](const std::vector<const ExecTensor*>& v, const ExecTensor* t) {
    for (const ExecTensor* x : v) {
      if (x == t) return true;
    }
    return false;
  };
  for (auto it = tasks_.begin(); it != tasks_.end(); ++it) {
    if (!it->started) {
      bool ready = true;
      for (const TensorRef& t : it->writes) {
        ready = ready && !in(earlier_reads, t.get()) && !in(earlier_writes, t.get());
      }
      for (const TensorRef& t : it->reads) ready = ready && !in(earlier_writes, t.get());
      if (ready) {
        it->started = true;
        pool_->Post([this, it] {
          Status s;
          try {
            s = it->run();
          } catch (const std::bad_alloc&) {
            // An allocation failure fails this task, not the process (webnnd runs every
            // client's work on this pool).
            s = MakeError(ErrorCode::kOperationError, "out of memory");
          }
          Finish(it, std::move(s));
        });
      }
    }
    for (const TensorRef& t : it->reads) earlier_reads.push_back(t.get());
    for (const TensorRef& t : it->writes) earlier_writes.push_back(t.get());
  }
}

void WorkerExecutor::Finish(std::list<Task>::iterator task, Status status) {
  std::function<void(Status)> done;
  {
    std::lock_guard lock(mu_);
    done = std::move(task->done);
    tasks_.erase(task);
    ++callbacks_running_;
    ScheduleLocked();
  }
  // Outside the lock: `done` may call back into this executor. The destructor waits for
  // callbacks_running_ to drop to zero, so `this` outlives the notify below (made under the
  // lock, after which `this` is not touched).
  if (done) done(std::move(status));
  std::lock_guard lock(mu_);
  --callbacks_running_;
  idle_cv_.notify_all();
}

void WorkerExecutor::DispatchAsync(const GraphRef& graph, std::vector<TensorRef> inputs,
                                   std::vector<TensorRef> outputs,
                                   std::function<void(Status)> done) {
  // No lock around the outputs: the ordering gives this task the outputs alone.
  auto run = [this, graph, inputs, outputs]() -> Status { return Execute(graph, inputs, outputs); };
  Submit(inputs, outputs, std::move(run), std::move(done));
}

void WorkerExecutor::WriteAsync(const TensorRef& tensor, std::vector<std::byte> data,
                                std::function<void(Status)> done, size_t offset) {
  auto bytes = std::make_shared<std::vector<std::byte>>(std::move(data));
  auto run = [tensor, bytes, offset]() -> Status { return CopyIn(*tensor, *bytes, offset); };
  Submit({}, {tensor}, std::move(run), std::move(done));
}

void WorkerExecutor::ReadAsync(const TensorRef& tensor,
                               std::function<void(Result<std::vector<std::byte>>)> done,
                               size_t offset, size_t length) {
  auto out = std::make_shared<std::vector<std::byte>>();
  auto run = [tensor, out, offset, length]() -> Status {
    out->resize(std::min(length, tensor->storage().size - offset));
    return ReadChecked(*tensor, *out, offset);
  };
  Submit({tensor}, {}, std::move(run), [out, done = std::move(done)](Status s) {
    if (!s.ok()) {
      done(std::move(s.error()));
    } else {
      done(std::move(*out));
    }
  });
}

Status WorkerExecutor::Dispatch(const GraphRef& graph, std::vector<TensorRef> inputs,
                                std::vector<TensorRef> outputs) {
  // Returns at once; a failure shows when an output is read.
  DispatchAsync(graph, std::move(inputs), std::move(outputs), nullptr);
  return {};
}

Status WorkerExecutor::SubmitAndWait(std::vector<TensorRef> reads, std::vector<TensorRef> writes,
                                     std::function<Status()> run) {
  std::promise<Status> p;
  auto f = p.get_future();
  Submit(std::move(reads), std::move(writes), std::move(run),
         [&p](Status s) { p.set_value(std::move(s)); });
  return f.get();
}

// The copy runs as a task once the conflicting tasks before it have finished; the caller's
// bytes stay valid because the caller waits.
Status WorkerExecutor::Write(const TensorRef& tensor, std::span<const std::byte> data) {
  return SubmitAndWait({}, {tensor}, [tensor, data] { return CopyIn(*tensor, data); });
}

Status WorkerExecutor::Read(const TensorRef& tensor, std::span<std::byte> out) {
  return SubmitAndWait({tensor}, {}, [tensor, out] { return ReadChecked(*tensor, out); });
}

Status WorkerExecutor::Flush() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [this] { return tasks_.empty() && callbacks_running_ == 0; });
  return {};
}

}  // namespace webnn::runtime
