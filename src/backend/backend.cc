#include "backend/backend.h"

#include <functional>
#include <thread>

#include "backend/onednn/onednn_backend.h"
#include "backend/reference/reference_graph.h"

namespace webnn::backend {

StepProfiler::StepProfiler(std::vector<std::string> steps) {
  profile_.calls.assign(steps.size(), 0);
  profile_.total_ns.assign(steps.size(), 0);
  profile_.steps = std::move(steps);
}

void StepProfiler::Record(uint32_t step, Clock::time_point begin, Clock::time_point end) {
  const size_t self = std::hash<std::thread::id>{}(std::this_thread::get_id());
  const auto ns = [&](Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t - epoch_).count();
  };
  std::lock_guard lock(mu_);
  if (step >= profile_.steps.size()) return;
  ++profile_.calls[step];
  profile_.total_ns[step] += ns(end) - ns(begin);
  if (profile_.events.size() >= StepProfile::kMaxEvents) {
    ++profile_.dropped_events;
    return;
  }
  uint32_t thread = 0;
  while (thread < threads_.size() && threads_[thread].first != self) ++thread;
  if (thread == threads_.size()) threads_.emplace_back(self, thread);
  profile_.events.push_back({step, thread, ns(begin), ns(end)});
}

StepProfile StepProfiler::Snapshot() const {
  std::lock_guard lock(mu_);
  return profile_;
}

std::vector<std::string_view> BackendNames() { return {kOneDnnBackend, kReferenceBackend}; }

Result<std::shared_ptr<const Backend>> MakeBackend(std::string_view name) {
  if (name == kReferenceBackend) {
    return std::shared_ptr<const Backend>(std::make_shared<const reference::ReferenceBackend>());
  }
  if (name == kOneDnnBackend) {
    return std::shared_ptr<const Backend>(std::make_shared<const onednn::OneDnnBackend>());
  }
  std::string known;
  for (std::string_view n : BackendNames()) known += (known.empty() ? "" : ", ") + std::string(n);
  return MakeError(ErrorCode::kNotSupportedError, "unknown backend '", name, "' (known: ", known,
                   ")");
}

}  // namespace webnn::backend
