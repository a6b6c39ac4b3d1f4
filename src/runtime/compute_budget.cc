#include "runtime/compute_budget.h"

#include <algorithm>
#include <thread>

namespace webnn::runtime {

ComputeBudget::ComputeBudget(uint32_t cores)
    : size_(cores != 0 ? cores : std::max(1u, std::thread::hardware_concurrency())), free_(size_) {}

ComputeBudget::Grant::~Grant() {
  if (budget_) budget_->Release(cores_);
}

ComputeBudget::Grant ComputeBudget::Acquire(uint32_t cores) {
  cores = std::clamp<uint32_t>(cores, 1, size_);
  std::unique_lock lock(mu_);
  const uint64_t ticket = next_ticket_++;
  cv_.wait(lock, [&] { return serving_ == ticket && free_ >= cores; });
  free_ -= cores;
  ++serving_;
  lock.unlock();
  cv_.notify_all();  // the next ticket may fit in what is left
  return Grant(this, cores);
}

uint64_t ComputeBudget::waiting() {
  std::lock_guard lock(mu_);
  return next_ticket_ - serving_;
}

void ComputeBudget::Release(uint32_t cores) {
  {
    std::lock_guard lock(mu_);
    free_ += cores;
  }
  cv_.notify_all();
}

}  // namespace webnn::runtime
