// webnnd's serving core: the connections of a worker process (one principal's, handed over by
// the broker: broker.h, worker.h), or of every client with --single-process, where it also
// listens and authenticates (RunServer). It runs graphs for its clients on one worker pool. Every
// graph it receives is decoded and validated with the builder's validators; per-client quotas and a
// request rate limit bound what one client can take; a client's resources are freed when it
// disconnects.
//
// The parts: config.h (settings), log.h (the log), listener.h (sockets, peer identity, auth
// policies), acceptor.h (listening sockets), accounting.h (per-principal quotas and rate limit),
// session.h (contexts, graphs, tensors, the dispatch channel), rpc.h (the Cap'n Proto servers).
// This file wires them.
#pragma once

#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <kj/async-io.h>

#include "runtime/job_activity.h"
#include "service/acceptor.h"
#include "service/accounting.h"
#include "service/config.h"
#include "service/listener.h"
#include "service/log.h"
#include "service/metrics.h"
#include "service/metrics_endpoint.h"
#include "service/rpc.h"
#include "service/systemd.h"
#include "webnn/error.h"

namespace webnn::service {

// One service instance on an event loop: its compute, its listeners and its connections.
class Server {
 public:
  Server(const ServerConfig& config, const Logger& log, kj::AsyncIoContext& io, std::string token);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds an endpoint (accepting starts with Start).
  Status Listen(const Endpoint& endpoint);
  // Takes a listening socket bound by someone else (systemd's socket activation); returns the
  // endpoint it is bound to. The socket file, if any, is left in place at exit.
  Result<Endpoint> Adopt(int fd);
  // Starts accepting on every bound endpoint.
  void Start();

  // Graceful stop, first step: closes the listening sockets and refuses new work on the open
  // connections (reads and writes still go through) while what is in flight finishes.
  void BeginDrain();
  bool draining() const { return draining_.load(); }
  // Dispatches queued or running, over every client (both dispatch paths).
  uint64_t InflightDispatches() const;

  // Serves GET /metrics on `endpoint` (TCP).
  Status ServeMetrics(const Endpoint& endpoint);
  // What each principal holds now, over its live connections.
  std::map<std::string, LiveObjects> Live() const;
  // The metrics page of this process (what ServeMetrics serves; a worker sends it to its broker).
  std::string RenderMetrics() const { return metrics_.Render(Live(), draining_.load()); }

  // Applies a reloaded config's limits to new and open connections alike (SIGHUP). Endpoints,
  // threads and backends need a restart.
  void ApplyLimits(const ClientLimits& limits);

  // Serves one already-connected socket whose peer the transport has identified (a Unix peer's
  // uid check is in `peer.uid_allowed`; a TCP peer still presents the token at connect). Takes
  // ownership of `fd`. Admit calls this; so can a test feeding bytes through a socketpair.
  void ServeConnection(int fd, const Peer& peer);
  // Admits an identified connection: refused (closed, logged, counted) while draining or when
  // its pool is full (maxConnections for allowed Unix peers, the pending pool for the others),
  // else served. The accept loops call this; so does a worker for each connection the broker
  // hands it (SCM_RIGHTS). Takes ownership of `fd`.
  void Admit(int fd, const Peer& peer);

  // Connections open: authenticated and pending.
  uint32_t connections() const { return connections_ + pending_; }

  // The work this service has handed to its other threads: the compute pool's jobs (tensor
  // reads and writes, dispatches) and the reaper's (contexts ending).
  runtime::JobActivity Background() const;
  // Blocks until none of that work is queued or running; returns Background() then. For tests
  // that check what a connection leaves behind (fuzz_service_rpc): it blocks the event loop,
  // so the service itself never calls it.
  runtime::JobActivity WaitForBackground();
  // Called with connections() whenever it changes (a worker tells its broker).
  void OnConnectionsChanged(std::function<void(uint32_t)> observer) {
    connections_changed_ = std::move(observer);
  }
  // What `ping` reports about the process model ("worker pid 42", "single process").
  void SetIsolation(std::string text) { shared_.isolation = std::move(text); }

 private:
  struct Connection;
  class ErrorHandler final : public kj::TaskSet::ErrorHandler {
   public:
    explicit ErrorHandler(const Logger& log) : log_(log) {}
    void taskFailed(kj::Exception&& e) override;

   private:
    const Logger& log_;
  };

  void Accept(int fd, bool unix_peer);
  void ConnectionsChanged();
  // A slot among the authenticated connections for `conn` (pending until now), or an error.
  Status Authenticated(Connection& conn);
  void Release(Connection& conn);
  // Drops `conn` if it has not authenticated by the deadline; then watches it for idleness.
  kj::Promise<void> Watch(Connection& conn);
  kj::Promise<void> WatchIdle(Connection& conn);

  const ServerConfig& config_;
  ClientLimits limits_;  // config_.limits, or a reload's
  // The uid that started the service, read before a sandbox switches to an unprivileged user:
  // its own clients stay allowed after the switch.
  const uint32_t own_uid_ = getuid();
  std::atomic<bool> draining_{false};
  Metrics metrics_;  // outlives the connections (their channel threads record into it)
  const Logger& log_;
  kj::AsyncIoContext& io_;
  ServiceShared shared_;
  Accounts accounts_;
  ErrorHandler handler_;
  kj::Own<kj::TaskSet> tasks_;  // the connections
  Acceptor acceptor_;
  kj::Own<MetricsEndpoint> metrics_endpoint_;
  std::function<void(uint32_t)> connections_changed_;
  uint64_t next_client_ = 1;
  uint32_t connections_ = 0;  // authenticated
  uint32_t pending_ = 0;      // not yet authenticated
  std::map<std::string, uint32_t> pending_by_address_;
};

// Called once start-up is done (config read, token read, every socket bound, the worker pool
// and compute set up) and before the first connection is accepted: the place to drop
// privileges or apply a sandbox. An error stops the service (exit status 1).
using AfterStartup = std::function<Status()>;

// Re-reads the configuration (the same command line and config file) for SIGHUP.
using ReloadConfig = std::function<Result<ServerConfig>()>;

// What the start-up log line says about the sandbox (the hook that applies it knows).
struct RunOptions {
  AfterStartup after_startup;
  ReloadConfig reload;
  std::string sandbox = "none";
};

// What start-up reads before binding: the sockets systemd passed (socket activation), else the
// endpoints to bind, and the TCP token when there is TCP.
struct Startup {
  std::vector<int> activated;
  std::vector<Endpoint> endpoints;
  std::string token;
};
// Fills `out`; on error logs it and returns the exit status (2: bad settings, 1: otherwise).
int PrepareStartup(const ServerConfig& config, const Logger& log, Startup& out);
// Adopts the activated sockets or binds the endpoints, logging "listening on ..." for each;
// returns 0 or, logged, exit status 1.
int BindEndpoints(const Startup& startup, const std::function<Status(const Endpoint&)>& listen,
                  const std::function<Result<Endpoint>(int)>& adopt, const Logger& log);
// The start-up line: what this instance is and what it enforces; `processes` the process model.
std::string StartupLine(const ServerConfig& config, const std::string& sandbox, bool activated,
                        const std::string& processes);
// After BeginDrain: waits until the dispatches in flight finish, up to `timeout_seconds` or
// until `*cut_short` is set (a second signal), turning the event loop; logs the outcome.
void WaitForDispatches(Server& server, kj::AsyncIoContext& io, uint32_t timeout_seconds,
                       const bool* cut_short, const Logger& log);
// The limits line of a reload ("SIGHUP: reloaded: ...").
std::string ReloadedLine(const ServerConfig& config);
// Turns the event loop until SIGTERM or SIGINT and returns that signal. Each SIGHUP before it
// runs `reload` between RELOADING=1 and READY=1 to the service manager. The caller captured the
// three signals (kj::UnixEventPort::captureSignal) before starting any thread.
int ServeUntilStopSignal(kj::AsyncIoContext& io, const ServiceManagerNotifier& notifier,
                         const std::function<void()>& reload);

// Runs the service in one process (--single-process); returns the process exit status. Listens on
// the sockets systemd passes (socket activation) if any, else on config.listen (default:
// DefaultSocketPath()). Logs "listening on ..." once every endpoint is bound (tests wait for it)
// and tells a service manager READY=1. SIGHUP reloads the limits and the log level; SIGTERM or
// SIGINT drains: no new work, dispatches in flight finish (up to config.drain_timeout_seconds; a
// second signal cuts it short), then exit status 0.
int RunServer(const ServerConfig& config, Logger& log, const RunOptions& options = {});

}  // namespace webnn::service
