#include "service/accounting.h"

#include <algorithm>

namespace webnn::service {

Status ClientState::Admit(std::string_view method) {
  std::lock_guard lock(account->bucket_mu);
  const auto now = std::chrono::steady_clock::now();
  const double dt = std::chrono::duration<double>(now - last_refill).count();
  last_refill = now;
  tokens = std::min(limits.request_burst, tokens + dt * limits.requests_per_second);
  if (tokens < 1) {
    log.Warning(id, ": ", method, ": rate limit exceeded");
    return MakeError(ErrorCode::kNotSupportedError, method,
                     ": rate limit exceeded (the service allows ", limits.requests_per_second,
                     " requests per second, bursts of ", limits.request_burst, ")");
  }
  tokens -= 1;
  return {};
}

Status ClientState::StartDispatch() {
  if (inflight.fetch_add(1) >= limits.max_inflight_dispatches) {
    --inflight;
    return MakeError(ErrorCode::kNotSupportedError,
                     "quota exceeded: in-flight dispatches: the limit is ",
                     limits.max_inflight_dispatches);
  }
  return {};
}

std::shared_ptr<Account> Accounts::For(const std::string& principal) {
  for (auto it = accounts_.begin(); it != accounts_.end();) {
    it = it->second.expired() ? accounts_.erase(it) : std::next(it);
  }
  if (auto a = accounts_[principal].lock()) return a;
  auto a = std::make_shared<Account>();
  a->principal = principal;
  a->tokens = limits_.request_burst;
  accounts_[principal] = a;
  return a;
}

}  // namespace webnn::service
