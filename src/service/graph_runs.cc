#include "service/graph_runs.h"

namespace webnn::service {

void GraphRuns::Acquire() {
  std::unique_lock lock(mu_);
  while (running_ >= arenas_) {
    if (!closed_ && ChargeAtomic(account_->graph_memory_bytes, run_bytes_, limit_)) {
      ++arenas_;
      break;
    }
    free_.wait(lock);
  }
  ++running_;
}

void GraphRuns::Release() {
  {
    std::lock_guard lock(mu_);
    --running_;
  }
  free_.notify_one();
}

uint64_t GraphRuns::Close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  return uint64_t{arenas_ - 1} * run_bytes_;
}

uint32_t GraphRuns::arenas() const {
  std::lock_guard lock(mu_);
  return arenas_;
}

Status QuotaBoundedGraph::Execute(std::span<const std::byte* const> inputs,
                                  std::span<std::byte* const> outputs) const {
  runs_->Acquire();
  struct Releaser {
    GraphRuns& runs;
    ~Releaser() { runs.Release(); }
  } release{*runs_};
  return graph_->compiled()->Execute(inputs, outputs);
}

runtime::GraphRef BoundRuns(runtime::GraphRef graph, std::shared_ptr<GraphRuns> runs) {
  GraphSignature signature = graph->signature();
  auto bounded = std::make_shared<QuotaBoundedGraph>(std::move(graph), std::move(runs));
  return std::make_shared<runtime::ExecGraph>(std::move(signature), std::move(bounded));
}

}  // namespace webnn::service
