// A shared budget of cores for compute: a dispatch whose compiled graph runs an intra-op team
// of T threads takes T cores for its duration, so concurrent dispatches (a worker pool, many
// webnnd clients) never run more compute threads than the machine has. Grants are first come,
// first served: a large request is not starved by a stream of small ones.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace webnn::runtime {

class ComputeBudget {
 public:
  explicit ComputeBudget(uint32_t cores);  // 0: hardware concurrency
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

 private:
  void Release(uint32_t cores);

  const uint32_t size_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint32_t free_;
  uint64_t next_ticket_ = 0;
  uint64_t serving_ = 0;
};

}  // namespace webnn::runtime
