#include "runtime/compute_budget.h"
#include "util/cores.h"

#include <algorithm>
#include <thread>

namespace webnn::runtime {

ComputeBudget::ComputeBudget(uint32_t cores) : size_(ThreadsOrCores(cores)), free_(size_) {}

// A thread that leads an OpenMP team: runs one job at a time, handed over by Run().
struct ComputeBudget::TeamThread {
  std::mutex mu;
  std::condition_variable cv;
  const std::function<Status()>* job = nullptr;
  Status result;
  bool done = false;
  bool stop = false;
  std::thread thread;
};

ComputeBudget::~ComputeBudget() {
  for (auto& t : team_) {
    {
      std::lock_guard lock(t->mu);
      t->stop = true;
    }
    t->cv.notify_all();
    t->thread.join();
  }
}

Status ComputeBudget::Run(uint32_t threads, const std::function<Status()>& work) {
  if (threads <= 1) {
    Grant grant = Acquire(1);
    return work();
  }
  // The cores first, then the team thread: the job that held them has put its thread back on
  // top of the idle stack by then, so back-to-back multi-threaded jobs all run on one team.
  Grant grant = Acquire(threads);
  TeamThread* t = nullptr;
  {
    std::unique_lock lock(team_mu_);
    if (idle_.empty() && team_.size() < size_) {
      auto owned = std::make_unique<TeamThread>();
      TeamThread* raw = owned.get();
      raw->thread = std::thread([raw] {
        std::unique_lock job_lock(raw->mu);
        for (;;) {
          raw->cv.wait(job_lock, [raw] { return raw->stop || (raw->job && !raw->done); });
          if (raw->stop) return;
          const std::function<Status()>& job = *raw->job;
          job_lock.unlock();
          Status s = job();
          job_lock.lock();
          raw->result = std::move(s);
          raw->done = true;
          raw->cv.notify_all();
        }
      });
      team_.push_back(std::move(owned));
      idle_.push_back(raw);
    }
    team_cv_.wait(lock, [this] { return !idle_.empty(); });
    t = idle_.back();
    idle_.pop_back();
  }
  Status result;
  {
    std::unique_lock lock(t->mu);
    t->job = &work;
    t->done = false;
    t->cv.notify_all();
    t->cv.wait(lock, [t] { return t->done; });
    result = std::move(t->result);
    t->job = nullptr;
  }
  {
    std::lock_guard lock(team_mu_);
    idle_.push_back(t);
  }
  team_cv_.notify_one();
  return result;
}

ComputeBudget::Grant::~Grant() {
  if (budget_) budget_->Release(cores_);
}

ComputeBudget::Grant ComputeBudget::Acquire(uint32_t cores) {
  cores = std::clamp<uint32_t>(cores, 1, size_);
  std::unique_lock lock(mu_);
  if (line_.empty() && free_ >= cores) {
    free_ -= cores;
    return Grant(this, cores);
  }
  Waiter waiter;
  waiter.cores = cores;
  line_.push_back(&waiter);
  waiter.cv.wait(lock, [&] { return waiter.granted; });
  return Grant(this, cores);
}

void ComputeBudget::GrantWaiting() {
  while (!line_.empty() && free_ >= line_.front()->cores) {
    Waiter* w = line_.front();
    line_.pop_front();
    free_ -= w->cores;
    w->granted = true;
    // Notified with mu_ held: once it sees `granted`, the waiter may return and its condition
    // variable be gone.
    w->cv.notify_one();
  }
}

uint64_t ComputeBudget::waiting() {
  std::lock_guard lock(mu_);
  return line_.size();
}

void ComputeBudget::Release(uint32_t cores) {
  std::lock_guard lock(mu_);
  free_ += cores;
  GrantWaiting();
}

}  // namespace webnn::runtime
