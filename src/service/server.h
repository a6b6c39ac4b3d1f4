// webnnd: the WebNN service. Listens on Unix sockets (and optionally TCP), authenticates each
// peer, and runs graphs for its clients on one worker pool. Every graph it receives is decoded
// and validated with the builder's validators; per-client quotas and a request rate limit bound
// what one client can take; a client's resources are freed when it disconnects.
//
// The parts: config.h (settings), log.h (the log), listener.h (sockets, peer identity, auth
// policies), accounting.h (per-principal quotas and rate limit), session.h (contexts, graphs,
// tensors, the dispatch channel), rpc.h (the Cap'n Proto servers). This file wires them.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <kj/async-io.h>

#include "service/accounting.h"
#include "service/config.h"
#include "service/listener.h"
#include "service/log.h"
#include "service/rpc.h"
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
  // Starts accepting on every bound endpoint.
  void Start();

  // Serves one already-connected socket whose peer the transport has identified (a Unix peer's
  // uid check is in `peer.uid_allowed`; a TCP peer still presents the token at connect). Takes
  // ownership of `fd`. The accept loops call this; so can a process handed connections by
  // another (SCM_RIGHTS) or a test feeding bytes through a socketpair.
  void ServeConnection(int fd, const Peer& peer);

  // Connections open: authenticated and pending.
  uint32_t connections() const { return connections_ + pending_; }

 private:
  struct Listener;
  struct Connection;
  class ErrorHandler final : public kj::TaskSet::ErrorHandler {
   public:
    explicit ErrorHandler(const Logger& log) : log_(log) {}
    void taskFailed(kj::Exception&& e) override;

   private:
    const Logger& log_;
  };

  kj::Promise<void> AcceptLoop(Listener& l);
  void Accept(int fd, bool unix_peer);
  // A slot among the authenticated connections for `conn` (pending until now), or an error.
  Status Authenticated(Connection& conn);
  void Release(Connection& conn);
  // Drops `conn` if it has not authenticated by the deadline; then watches it for idleness.
  kj::Promise<void> Watch(Connection& conn);
  kj::Promise<void> WatchIdle(Connection& conn);

  const ServerConfig& config_;
  const Logger& log_;
  kj::AsyncIoContext& io_;
  ServiceShared shared_;
  Accounts accounts_;
  ErrorHandler handler_;
  kj::Own<kj::TaskSet> tasks_;
  std::vector<kj::Own<Listener>> listeners_;
  std::vector<std::string> unix_paths_;
  uint64_t next_client_ = 1;
  uint32_t connections_ = 0;  // authenticated
  uint32_t pending_ = 0;      // not yet authenticated
  std::map<std::string, uint32_t> pending_by_address_;
};

// Called once start-up is done (config read, token read, every socket bound, the worker pool
// and compute set up) and before the first connection is accepted: the place to drop
// privileges or apply a sandbox. An error stops the service (exit status 1).
using AfterStartup = std::function<Status()>;

// Runs until SIGINT or SIGTERM; returns the process exit status. Logs "listening on ..." once
// every endpoint is bound (tests wait for it).
int RunServer(const ServerConfig& config, const Logger& log,
              const AfterStartup& after_startup = {});

}  // namespace webnn::service
