// Per-principal accounting: what one client (a uid on a Unix socket, the token holder on TCP)
// holds across all its connections, the quotas on it and the request rate limit.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "service/config.h"
#include "service/log.h"
#include "service/metrics.h"
#include "webnn/error.h"

namespace webnn::service {

// What one principal (a uid on the Unix socket, the token holder on TCP) holds across all its
// connections: quotas apply here, so opening more connections does not buy more resources.
struct Account {
  std::string principal;
  uint64_t tensor_bytes = 0;
  uint64_t constant_bytes = 0;
  // Atomic: the runs of a graph charge extra arenas from compute threads (graph_runs.h).
  std::atomic<uint64_t> graph_memory_bytes{0};
  uint32_t graphs = 0;
  uint32_t tensors = 0;
  uint32_t contexts = 0;
  std::atomic<uint32_t> inflight{0};  // also counted by the dispatch channel threads
  double tokens = 0;
  std::chrono::steady_clock::time_point last_refill = std::chrono::steady_clock::now();
  std::mutex bucket_mu;  // tokens and last_refill: the event loop and channel threads admit
};

// One connection. The counters are its account's.
struct ClientState {
  ClientState(std::shared_ptr<Account> a, const Logger& logger)
      : log(logger),
        account(std::move(a)),
        tensor_bytes(account->tensor_bytes),
        constant_bytes(account->constant_bytes),
        graph_memory_bytes(account->graph_memory_bytes),
        graphs(account->graphs),
        tensors(account->tensors),
        contexts(account->contexts),
        inflight(account->inflight),
        tokens(account->tokens),
        last_refill(account->last_refill) {}
  const Logger& log;
  std::string id;  // "uid 1000 pid 4242 #3" or "tcp 127.0.0.1:40000 #4"
  bool unix_peer = true;
  bool uid_allowed = false;
  bool authenticated = false;
  // Set by the server while it drains (SIGTERM): new work is refused, reads and writes of
  // what is already there still go through. Null: never draining.
  const std::atomic<bool>* draining = nullptr;
  Metrics* metrics = nullptr;  // the counters of the metrics endpoint; null: none
  ClientLimits limits;         // a reload writes them under account->bucket_mu
  // Called (on the event loop) when the peer has authenticated: takes a slot among the
  // authenticated connections, or returns an error to refuse it. Empty: always admitted.
  std::function<Status()> on_authenticated;
  // Called on the event loop when the connection has gone: each ends the work its context
  // queued but did not start, and returns how many tasks it ended.
  std::vector<std::function<size_t()>> cancel_queued;
  // Live contexts this connection created (a connection holding one is never idle-dropped).
  std::atomic<uint32_t> connection_contexts{0};
  std::shared_ptr<Account> account;
  uint64_t& tensor_bytes;
  uint64_t& constant_bytes;
  std::atomic<uint64_t>& graph_memory_bytes;
  uint32_t& graphs;
  uint32_t& tensors;
  uint32_t& contexts;
  std::atomic<uint32_t>& inflight;
  double& tokens;
  std::chrono::steady_clock::time_point& last_refill;

  // The rate limit: every request takes a token from a bucket refilled at
  // requests_per_second, holding at most request_burst. While the service drains, requests
  // that start new work (contexts, graphs, tensors, dispatches) are refused.
  Status Admit(std::string_view method);

  // Counts a dispatch in flight (the caller decrements `inflight` when it has finished), or
  // refuses it over the limit. Both dispatch paths, on any thread.
  Status StartDispatch();
  // Ends a dispatch StartDispatch counted (`started` is when it was admitted): the in-flight
  // count goes down and the metrics record it.
  void FinishDispatch(std::chrono::steady_clock::time_point started, uint64_t bytes_in,
                      uint64_t bytes_out, bool ok);
  // Counts a refusal under `reason` for the metrics.
  void Refused(std::string_view reason) const;

  template <typename T>
  Status Charge(T& used, uint64_t amount, uint64_t limit, std::string_view what) {
    if (amount > limit || used > limit - amount) {
      Refused(what);
      log.Warning(id, ": quota exceeded: ", what, " (", used, " used + ", amount, " > ", limit,
                  ")");
      return MakeError(ErrorCode::kNotSupportedError, "quota exceeded: ", what, ": ", used,
                       " in use + ", amount, " requested > the limit of ", limit);
    }
    used += static_cast<T>(amount);
    return {};
  }
  // Charge for graph_memory_bytes, which other threads charge too.
  Status Charge(std::atomic<uint64_t>& used, uint64_t amount, uint64_t limit,
                std::string_view what);
};

// Adds `amount` to `used` unless that would pass `limit`; safe against concurrent callers (a
// compare-and-swap, so two of them never pass the limit together). False: nothing charged.
bool ChargeAtomic(std::atomic<uint64_t>& used, uint64_t amount, uint64_t limit);

// Every live client, for the service-wide statistics.
using Registry = std::list<std::weak_ptr<ClientState>>;

// Adds `client` to `registry`, first dropping the entries of clients that have gone: an entry
// left behind keeps its list node and, as a weak reference to a make_shared object, the whole
// ClientState's memory, so a service that served many connections would grow without bound.
void Track(Registry& registry, const std::shared_ptr<ClientState>& client);

// The accounts of the principals with a live connection: a principal's connections share one.
class Accounts {
 public:
  explicit Accounts(ClientLimits limits) : limits_(limits) {}
  std::shared_ptr<Account> For(const std::string& principal);

 private:
  ClientLimits limits_;
  std::map<std::string, std::weak_ptr<Account>> accounts_;
};

}  // namespace webnn::service
