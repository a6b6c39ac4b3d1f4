#include "service/accounting.h"

#include <algorithm>

namespace webnn::service {

namespace {
// The requests that start new work, refused while the service drains.
bool StartsWork(std::string_view method) {
  return method == "dispatch" || method == "buildGraph" || method == "createContext" ||
         method == "createTensor";
}
}  // namespace

Status ClientState::Admit(std::string_view method) {
  if (draining && draining->load(std::memory_order_relaxed) && StartsWork(method)) {
    Refused("shutting down");
    log.Debug(id, ": ", method, ": refused, the service is shutting down");
    return MakeError(ErrorCode::kInvalidStateError, method,
                     ": the service is shutting down (it finishes the dispatches in flight "
                     "and takes no new work; reconnect to another instance)");
  }
  std::lock_guard lock(account->bucket_mu);
  const auto now = std::chrono::steady_clock::now();
  const double dt = std::chrono::duration<double>(now - last_refill).count();
  last_refill = now;
  tokens = std::min(limits.request_burst, tokens + dt * limits.requests_per_second);
  if (tokens < 1) {
    Refused("rate limit");
    log.Warning(id, ": ", method, ": rate limit exceeded");
    return MakeError(ErrorCode::kNotSupportedError, method,
                     ": rate limit exceeded (the service allows ", limits.requests_per_second,
                     " requests per second, bursts of ", limits.request_burst, ")");
  }
  tokens -= 1;
  return {};
}

Status ClientState::StartDispatch() {
  uint32_t max_inflight = 0;
  {
    // A reload (SIGHUP) writes the limits on the event loop under this lock; the channel
    // threads read them here.
    std::lock_guard lock(account->bucket_mu);
    max_inflight = limits.max_inflight_dispatches;
  }
  if (inflight.fetch_add(1) >= max_inflight) {
    --inflight;
    Refused("in-flight dispatches");
    return MakeError(ErrorCode::kNotSupportedError,
                     "quota exceeded: in-flight dispatches: the limit is ", max_inflight);
  }
  return {};
}

void ClientState::FinishDispatch(std::chrono::steady_clock::time_point started, uint64_t bytes_in,
                                 uint64_t bytes_out, bool ok) {
  --inflight;
  if (!metrics) return;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics->Dispatched(account->principal, seconds, bytes_in, bytes_out, ok);
}

void ClientState::Refused(std::string_view reason) const {
  if (metrics) metrics->Refused(account->principal, reason);
}

void Track(Registry& registry, const std::shared_ptr<ClientState>& client) {
  std::erase_if(registry, [](const std::weak_ptr<ClientState>& w) { return w.expired(); });
  registry.push_back(client);
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

bool ChargeAtomic(std::atomic<uint64_t>& used, uint64_t amount, uint64_t limit) {
  uint64_t now = used.load();
  do {
    if (amount > limit || now > limit - amount) return false;
  } while (!used.compare_exchange_weak(now, now + amount));
  return true;
}

Status ClientState::Charge(std::atomic<uint64_t>& used, uint64_t amount, uint64_t limit,
                           std::string_view what) {
  if (ChargeAtomic(used, amount, limit)) return {};
  const uint64_t now = used.load();
  Refused(what);
  log.Warning(id, ": quota exceeded: ", what, " (", now, " used + ", amount, " > ", limit, ")");
  return MakeError(ErrorCode::kNotSupportedError, "quota exceeded: ", what, ": ", now, " in use + ",
                   amount, " requested > the limit of ", limit);
}

}  // namespace webnn::service
