// What the concurrent runs of one graph make the service spend, bounded by its principal's quota.
//
// A backend keeps one arena (intermediates and scratch) per concurrent run of a compiled graph,
// pooled for the graph's life (the reference kernels allocate the same per run); buildGraph
// charges the first. A run that would need one more charges it to the principal's graph memory
// first, kept until the graph is destroyed (as the backend keeps the arena). When the quota
// cannot cover it, the run waits for one of the graph's runs in progress and takes its arena:
// the graph's runs are then serialized, never failed, so a client that pipelines dispatches sees
// no error that depends on timing, and what it makes the service spend stays within its quota.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>

#include "backend/backend.h"
#include "runtime/executor.h"
#include "service/accounting.h"

namespace webnn::service {

class GraphRuns {
 public:
  // Each run beyond the first charges `run_bytes` to `account->graph_memory_bytes`, within
  // `limit`.
  GraphRuns(std::shared_ptr<Account> account, uint64_t run_bytes, uint64_t limit)
      : account_(std::move(account)), run_bytes_(run_bytes), limit_(limit) {}

  // Takes a run's arena: a free one, one more the quota pays for, or else waits for a free one.
  void Acquire();
  void Release();
  // The graph is gone: no more charges; returns what the extra runs charged (the caller refunds
  // it with the build's charge).
  uint64_t Close();
  // Arenas charged so far (the build's included).
  uint32_t arenas() const;

 private:
  std::shared_ptr<Account> account_;
  const uint64_t run_bytes_;
  const uint64_t limit_;
  mutable std::mutex mu_;
  std::condition_variable free_;
  uint32_t arenas_ = 1;  // the build charged one
  uint32_t running_ = 0;
  bool closed_ = false;
};

// A compiled graph whose runs go through GraphRuns; everything else is the wrapped graph's.
class QuotaBoundedGraph final : public backend::CompiledGraph {
 public:
  QuotaBoundedGraph(runtime::GraphRef graph, std::shared_ptr<GraphRuns> runs)
      : graph_(std::move(graph)), runs_(std::move(runs)) {}
  Status Execute(std::span<const std::byte* const> inputs,
                 std::span<std::byte* const> outputs) const override;
  backend::CompiledGraphStats stats() const override { return graph_->compiled()->stats(); }
  backend::StepProfile profile() const override { return graph_->compiled()->profile(); }

 private:
  runtime::GraphRef graph_;
  std::shared_ptr<GraphRuns> runs_;
};

// `graph` (compiled in this process) with its runs bounded by `runs`.
runtime::GraphRef BoundRuns(runtime::GraphRef graph, std::shared_ptr<GraphRuns> runs);

}  // namespace webnn::service
