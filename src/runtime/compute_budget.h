// A shared budget of cores for compute: a dispatch whose compiled graph runs an intra-op team
// of T threads takes T cores for its duration, so concurrent dispatches (a worker pool, many
// webnnd clients) never run more compute threads than the machine has. Grants are first come,
// first served: a large request is not starved by a stream of small ones.
//
// Run() also decides which thread runs a multi-threaded dispatch: one of a few team threads,
// the most recently used first. An OpenMP runtime keeps one team of workers per thread that
// starts parallel work, and an idle team spins for a while before it sleeps; if every caller
// (a pool thread, a webnnd channel thread per client) led its own team, the idle teams would
// spin against the busy one. Single-threaded work needs no team and runs on the caller.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "webnn/error.h"

namespace webnn::runtime {

class ComputeBudget {
 public:
  explicit ComputeBudget(uint32_t cores);  // 0: hardware concurrency
  ~ComputeBudget();                        // joins the team threads
  ComputeBudget(const ComputeBudget&) = delete;
  ComputeBudget& operator=(const ComputeBudget&) = delete;

  // Cores held until destroyed.
  class Grant {
   public:
    Grant(Grant&& other) noexcept : budget_(other.budget_), cores_(other.cores_) {
      other.budget_ = nullptr;
    }
    Grant& operator=(Grant&&) = delete;
    ~Grant();
    uint32_t cores() const { return cores_; }

   private:
    friend class ComputeBudget;
    Grant(ComputeBudget* budget, uint32_t cores) : budget_(budget), cores_(cores) {}
    ComputeBudget* budget_;
    uint32_t cores_;
  };

  // Waits for `cores` cores (at most the budget's size) in arrival order.
  Grant Acquire(uint32_t cores);
  uint32_t size() const { return size_; }
  // Requests waiting for their grant.
  uint64_t waiting();
  // Runs `work`, which uses `threads` intra-op threads, once that many cores are granted:
  // in the calling thread when `threads` <= 1, else on a team thread. Returns its status.
  Status Run(uint32_t threads, const std::function<Status()>& work);

 private:
  // A request waiting in line; woken alone when its cores are granted (one condition variable
  // per waiter: a release wakes the head of the line, not every waiting thread).
  struct Waiter {
    uint32_t cores = 1;
    std::condition_variable cv;
    bool granted = false;
  };
  void Release(uint32_t cores);
  // Grants the head of the line while its cores are free. Called with mu_ held.
  void GrantWaiting();

  const uint32_t size_;
  std::mutex mu_;
  uint32_t free_;
  std::deque<Waiter*> line_;

  struct TeamThread;
  std::mutex team_mu_;
  std::condition_variable team_cv_;
  std::vector<std::unique_ptr<TeamThread>> team_;
  std::vector<TeamThread*> idle_;  // most recently used last
};

}  // namespace webnn::runtime
