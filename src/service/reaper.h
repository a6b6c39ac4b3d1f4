// A thread that finishes what the event loop must not wait for: the end of a context (joining
// its dispatch-channel thread, waiting for its queued and running dispatches) happens here, so
// a client that leaves while its graph runs never stalls the other clients.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "runtime/job_activity.h"

namespace webnn::service {

class Reaper {
 public:
  Reaper();
  ~Reaper();  // runs what is queued, then joins
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;

  // Runs `job` on the reaper thread, after the jobs posted before it.
  void Post(std::function<void()> job);
  // Waits until every job posted so far has run.
  void Drain();
  runtime::JobActivity activity() const;

 private:
  void Loop();
  mutable std::mutex mu_;
  std::condition_variable cv_, idle_cv_;
  std::deque<std::function<void()>> jobs_;
  bool running_ = false;
  uint64_t posted_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace webnn::service
