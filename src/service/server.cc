#include "service/server.h"

#include <capnp/message.h>
#include <capnp/rpc-twoparty.h>
#include <kj/async-unix.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netdb.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <sstream>
#include <thread>

#include "runtime/executor.h"
#include "service/common.h"
#include "service/gate.h"
#include "service/sandbox.h"
#include "service/systemd.h"
#include "util/cores.h"

namespace webnn::service {

struct Server::Connection {
  std::shared_ptr<ClientState> client;
  std::string address;         // the pending pool's key
  bool authenticated = false;  // counted in connections_ (else in pending_)
  kj::Own<kj::AsyncIoStream> stream;
  GatedMessageStream* messages = nullptr;  // owned by network
  kj::Own<capnp::TwoPartyVatNetwork> network;
  kj::Own<capnp::RpcSystem<capnp::rpc::twoparty::VatId>> rpc;
  ~Connection() { client->on_authenticated = nullptr; }
};

void Server::ErrorHandler::taskFailed(kj::Exception&& e) { log_.Error("internal: ", Describe(e)); }

Server::Server(const ServerConfig& config, const Logger& log, kj::AsyncIoContext& io,
               std::string token)
    : config_(config),
      limits_(config.limits),
      log_(log),
      io_(io),
      accounts_(config.limits),
      handler_(log),
      tasks_(kj::heap<kj::TaskSet>(handler_)),
      acceptor_(io, log) {
  shared_.compute = std::make_shared<const Compute>(
      Compute{std::make_shared<runtime::ThreadPool>(config.threads),
              std::make_shared<runtime::ComputeBudget>(config.threads), config.backends,
              config.intra_op_threads});
  shared_.token = std::move(token);
}

Server::~Server() {
  metrics_endpoint_ = nullptr;
  // A sandboxed process may not unlink: its socket files stay (the next webnnd replaces them).
  acceptor_.Close(/*remove_files=*/!SandboxActive());
  tasks_ = nullptr;         // every connection, before what they use
  shared_.reaper->Drain();  // the contexts they held end before the compute does
}

Result<Endpoint> Server::Adopt(int fd) { return acceptor_.Adopt(fd); }

void Server::BeginDrain() {
  draining_ = true;
  acceptor_.Close(/*remove_files=*/!SandboxActive());
}

Status Server::ServeMetrics(const Endpoint& endpoint) {
  auto m = MetricsEndpoint::Start(
      io_, endpoint,
      [this] { return kj::Promise<std::string>(metrics_.Render(Live(), draining_.load())); }, log_);
  if (!m.ok()) return std::move(m.error());
  metrics_endpoint_ = std::move(m).value();
  return {};
}

std::map<std::string, LiveObjects> Server::Live() const {
  std::map<std::string, LiveObjects> live;
  std::set<const Account*> seen;
  for (const auto& weak : *shared_.registry) {
    auto client = weak.lock();
    if (!client) continue;
    LiveObjects& l = live[client->account->principal];
    ++l.connections;
    if (!seen.insert(client->account.get()).second) continue;
    l.contexts = client->contexts;
    l.graphs = client->graphs;
    l.tensors = client->tensors;
    l.tensor_bytes = client->tensor_bytes;
    l.constant_bytes = client->constant_bytes;
    l.inflight_dispatches = client->inflight.load();
  }
  return live;
}

runtime::JobActivity Server::Background() const {
  return shared_.compute->pool->activity() + shared_.reaper->activity();
}

runtime::JobActivity Server::WaitForBackground() {
  for (;;) {
    // Either may give the other work (a pool job may drop the last reference to a context,
    // whose end the reaper runs): done when both are idle at once.
    shared_.compute->pool->WaitIdle();
    shared_.reaper->Drain();
    const runtime::JobActivity a = Background();
    if (a.unfinished == 0) return a;
  }
}

uint64_t Server::InflightDispatches() const {
  std::set<const Account*> seen;
  uint64_t n = 0;
  for (const auto& weak : *shared_.registry) {
    auto client = weak.lock();
    if (!client || !seen.insert(client->account.get()).second) continue;
    n += client->inflight.load();
  }
  return n;
}

void Server::ApplyLimits(const ClientLimits& limits) {
  limits_ = limits;
  for (const auto& weak : *shared_.registry) {
    auto client = weak.lock();
    if (!client) continue;
    // The channel threads read the limits (Admit, StartDispatch) under the bucket lock.
    std::lock_guard lock(client->account->bucket_mu);
    client->limits = limits;
  }
}

Status Server::Listen(const Endpoint& endpoint) {
  return acceptor_.Listen(endpoint, config_.allowed_uids, own_uid_);
}

void Server::Start() {
  acceptor_.Start([this](int fd, bool unix_peer) { Accept(fd, unix_peer); });
}

void Server::Accept(int fd, bool unix_peer) {
  auto identified = IdentifyPeer(fd, unix_peer, config_.allowed_uids, own_uid_, next_client_++);
  if (!identified.ok()) {
    log_.Error(identified.error().message());
    close(fd);
    return;
  }
  Peer peer = std::move(identified).value();
  Admit(fd, peer);
}

void Server::ConnectionsChanged() {
  if (connections_changed_) connections_changed_(connections());
}

void Server::Admit(int fd, const Peer& peer) {
  if (draining_) {
    metrics_.Refused(peer.principal, "shutting down");
    log_.Info(peer.id, ": refused: the service is shutting down");
    close(fd);
    return;
  }
  // A Unix peer of an allowed uid is authenticated by the kernel and takes an authenticated
  // slot now; any other peer waits in the small pending pool until it presents its token.
  if (peer.unix_peer && peer.uid_allowed) {
    if (connections_ >= config_.max_connections) {
      metrics_.Refused(peer.principal, "max connections");
      log_.Warning(peer.id, ": refused: ", connections_, " connections open (maxConnections)");
      close(fd);
      return;
    }
  } else if (pending_ >= config_.max_pending_connections) {
    metrics_.Refused(peer.principal, "max pending connections");
    log_.Warning(peer.id, ": refused: ", pending_,
                 " connections waiting to authenticate (maxPendingConnections)");
    close(fd);
    return;
  } else if (pending_by_address_[peer.address] >= config_.max_pending_per_address) {
    metrics_.Refused(peer.principal, "max pending per address");
    log_.Warning(peer.id, ": refused: ", pending_by_address_[peer.address], " connections from ",
                 peer.address, " waiting to authenticate (maxPendingPerAddress)");
    close(fd);
    return;
  }
  ServeConnection(fd, peer);
}

Status Server::Authenticated(Connection& conn) {
  if (conn.authenticated) return {};
  if (connections_ >= config_.max_connections) {
    return MakeError(ErrorCode::kNotSupportedError, "the service has ", connections_,
                     " connections open, its limit (maxConnections); try again later");
  }
  Release(conn);
  conn.authenticated = true;
  ++connections_;
  ConnectionsChanged();
  return {};
}

void Server::Release(Connection& conn) {
  if (conn.authenticated) {
    --connections_;
  } else {
    --pending_;
    auto it = pending_by_address_.find(conn.address);
    if (it != pending_by_address_.end() && --it->second == 0) pending_by_address_.erase(it);
  }
  ConnectionsChanged();
}

kj::Promise<void> Server::Watch(Connection& conn) {
  return io_.provider->getTimer()
      .afterDelay(config_.auth_timeout_ms * kj::MILLISECONDS)
      .then([this, &conn]() -> kj::Promise<void> {
        if (!conn.client->authenticated) {
          log_.Warning(conn.client->id, ": dropped: no authentication within ",
                       config_.auth_timeout_ms, " ms (authTimeoutMs)");
          return kj::READY_NOW;
        }
        return WatchIdle(conn);
      });
}

kj::Promise<void> Server::WatchIdle(Connection& conn) {
  if (config_.idle_timeout_seconds == 0) return kj::NEVER_DONE;
  const kj::Duration limit = config_.idle_timeout_seconds * kj::SECONDS;
  auto& timer = io_.provider->getTimer();
  const kj::TimePoint due = conn.messages->last_activity() + limit;
  return timer.atTime(due).then([this, &conn, limit, &timer]() -> kj::Promise<void> {
    // A connection holding a context is a live session (its dispatches may all go through the
    // shared-memory channel); a peer that dies closes its socket, which ends it anyway.
    const bool quiet = timer.now() - conn.messages->last_activity() >= limit;
    if (quiet && conn.client->connection_contexts.load() == 0) {
      log_.Info(conn.client->id, ": dropped: idle for ", config_.idle_timeout_seconds,
                " s (idleTimeoutSeconds)");
      return kj::READY_NOW;
    }
    return timer.afterDelay(quiet ? limit : 0 * kj::SECONDS).then([this, &conn] {
      return WatchIdle(conn);
    });
  });
}

void Server::ServeConnection(int fd, const Peer& peer) {
  auto client = std::make_shared<ClientState>(accounts_.For(peer.principal), log_);
  client->id = peer.id;
  client->unix_peer = peer.unix_peer;
  client->uid_allowed = peer.uid_allowed;
  client->limits = limits_;
  client->draining = &draining_;
  client->metrics = &metrics_;
  Track(*shared_.registry, client);
  log_.Debug(client->id, ": accepted");

  auto conn = kj::heap<Connection>();
  conn->client = client;
  conn->address = peer.address;
  if (peer.unix_peer && peer.uid_allowed) {
    conn->authenticated = true;
    ++connections_;
  } else {
    ++pending_;
    ++pending_by_address_[peer.address];
  }
  ConnectionsChanged();
  client->on_authenticated = [this, c = conn.get()] { return Authenticated(*c); };
  capnp::ReaderOptions options;
  options.traversalLimitInWords = std::min<uint64_t>(
      kMaxRpcMessageWords,
      (config_.max_message_bytes + sizeof(capnp::word) - 1) / sizeof(capnp::word));
  options.nestingLimit = 32;
  const uint64_t unauthenticated_words =
      (config_.max_unauthenticated_message_bytes + sizeof(capnp::word) - 1) / sizeof(capnp::word);
  try {
    kj::Own<capnp::MessageStream> inner;
    if (peer.unix_peer) {
      auto stream =
          io_.lowLevelProvider->wrapUnixSocketFd(fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
      inner = kj::heap<capnp::AsyncCapabilityMessageStream>(*stream);
      conn->stream = kj::mv(stream);
    } else {
      conn->stream =
          io_.lowLevelProvider->wrapSocketFd(fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
      inner = kj::heap<capnp::AsyncIoMessageStream>(*conn->stream);
    }
    auto gated = kj::heap<GatedMessageStream>(kj::mv(inner), client, io_.provider->getTimer(),
                                              unauthenticated_words);
    conn->messages = gated.get();
    // Two descriptors at most per message (a call carries one memfd); none over TCP.
    conn->network = kj::heap<capnp::TwoPartyVatNetwork>(
        *gated, peer.unix_peer ? 2 : 0, capnp::rpc::twoparty::Side::SERVER, options);
    conn->network = conn->network.attach(kj::mv(gated));
    conn->rpc =
        kj::heap(capnp::makeRpcServer(*conn->network, MakeServiceCapability(client, shared_)));
  } catch (const kj::Exception& e) {
    log_.Error(client->id, ": cannot set up the connection: ", Describe(e));
    Release(*conn);
    return;
  }
  auto& network = *conn->network;
  Connection& c = *conn;
  const Logger& log = log_;
  tasks_->add(network.onDisconnect()
                  .then([client, &log] { log.Info(client->id, ": disconnected"); },
                        [client, &log](kj::Exception&& e) {
                          log.Warning(client->id, ": connection dropped: ", Describe(e));
                        })
                  .exclusiveJoin(Watch(c))
                  .then([this, &c] {
                    // Calls in progress outlive the connection; what its contexts queued and
                    // did not start is not run.
                    size_t cancelled = 0;
                    for (auto& cancel : c.client->cancel_queued) cancelled += cancel();
                    c.client->cancel_queued.clear();
                    if (cancelled != 0) {
                      log_.Info(c.client->id, ": cancelled ", cancelled, " queued tasks");
                    }
                    Release(c);
                  })
                  .attach(kj::mv(conn)));
}

std::string StartupLine(const ServerConfig& config, const std::string& sandbox, bool activated,
                        const std::string& processes) {
  const unsigned threads = ThreadsOrCores(config.threads);
  std::ostringstream out;
  out << kServerVersion << " starting: backends";
  for (size_t i = 0; i < config.backends.size(); ++i) {
    out << (i ? "," : " ") << config.backends[i];
  }
  out << " (default " << config.backends.front() << "); " << threads << " worker threads";
  if (config.intra_op_threads) out << ", at most " << config.intra_op_threads << " per dispatch";
  const ClientLimits& l = config.limits;
  out << "; limits per client uid (or token): " << l.max_contexts << " contexts, " << l.max_graphs
      << " graphs, " << l.max_tensors << " tensors, " << l.max_tensor_bytes << " tensor bytes, "
      << l.max_constant_bytes << " constant bytes, " << l.max_inflight_dispatches
      << " dispatches in flight, " << l.requests_per_second << " requests/s; "
      << config.max_connections << " connections; processes: " << processes
      << "; sandbox: " << sandbox << "; socket activation: " << (activated ? "yes" : "no")
      << "; metrics: " << (config.metrics.empty() ? "off" : config.metrics)
      << "; log level: " << LogLevelName(config.log_level);
  return out.str();
}

std::string ReloadedLine(const ServerConfig& config) {
  const ClientLimits& l = config.limits;
  std::ostringstream out;
  out << "SIGHUP: reloaded: log level " << LogLevelName(config.log_level)
      << "; limits per client: " << l.max_contexts << " contexts, " << l.max_graphs << " graphs, "
      << l.max_tensors << " tensors, " << l.max_tensor_bytes << " tensor bytes, "
      << l.max_inflight_dispatches << " dispatches in flight, " << l.requests_per_second
      << " requests/s";
  return out.str();
}

int PrepareStartup(const ServerConfig& config, const Logger& log, Startup& out) {
  auto activated = ActivatedSockets();
  if (!activated.ok()) {
    log.Error(activated.error().message());
    return 1;
  }
  out.activated = std::move(activated).value();
  const std::vector<std::string> listen =
      config.listen.empty() ? std::vector<std::string>{"unix:" + DefaultSocketPath()}
                            : config.listen;
  bool tcp = false;
  for (const std::string& text : listen) {
    auto e = ParseEndpoint(text);
    if (!e.ok()) {
      log.Error(e.error().message());
      return 2;
    }
    if (out.activated.empty()) tcp |= e.value().kind == Endpoint::Kind::kTcp;
    out.endpoints.push_back(e.value());
  }
  for (int fd : out.activated) {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      tcp |= addr.ss_family != AF_UNIX;
    }
  }
  if (tcp) {
    if (config.token_file.empty()) {
      log.Error("listening on TCP needs --token-file (or \"tokenFile\" in the config)");
      return 2;
    }
    auto t = ReadTokenFile(config.token_file);
    if (!t.ok()) {
      log.Error(t.error().message());
      return 2;
    }
    out.token = std::move(t).value();
  }
  return 0;
}

int BindEndpoints(const Startup& startup, const std::function<Status(const Endpoint&)>& listen,
                  const std::function<Result<Endpoint>(int)>& adopt, const Logger& log) {
  if (!startup.activated.empty()) {
    // Socket activation: the service manager bound the sockets; --listen is not used.
    for (int fd : startup.activated) {
      auto e = adopt(fd);
      if (!e.ok()) {
        log.Error(e.error().message());
        return 1;
      }
      log.Info("listening on ", e.value().ToString(), " (socket activation)");
    }
    return 0;
  }
  for (const Endpoint& e : startup.endpoints) {
    if (Status s = listen(e); !s.ok()) {
      log.Error(s.error().message());
      return 1;
    }
    log.Info("listening on ", e.ToString());
  }
  return 0;
}

void WaitForDispatches(Server& server, kj::AsyncIoContext& io, uint32_t timeout_seconds,
                       const bool* cut_short, const Logger& log) {
  auto& timer = io.provider->getTimer();
  const kj::TimePoint deadline = timer.now() + timeout_seconds * kj::SECONDS;
  while (server.InflightDispatches() > 0 && !*cut_short && timer.now() < deadline) {
    timer.afterDelay(20 * kj::MILLISECONDS).wait(io.waitScope);
  }
  if (const uint64_t left = server.InflightDispatches(); left > 0) {
    log.Warning("exiting with ", left, " dispatches still in flight (",
                *cut_short ? "a second signal" : "the drain timeout", ")");
  } else {
    // The last replies are queued on their connections: let the loop write them out.
    timer.afterDelay(100 * kj::MILLISECONDS).wait(io.waitScope);
    log.Info("drained: every dispatch finished");
  }
}

int ServeUntilStopSignal(kj::AsyncIoContext& io, const ServiceManagerNotifier& notifier,
                         const std::function<void()>& reload) {
  for (;;) {
    auto term = io.unixEventPort.onSignal(SIGTERM);
    auto intr = io.unixEventPort.onSignal(SIGINT);
    auto hup = io.unixEventPort.onSignal(SIGHUP);
    const int signo =
        term.exclusiveJoin(kj::mv(intr)).exclusiveJoin(kj::mv(hup)).wait(io.waitScope).si_signo;
    if (signo != SIGHUP) return signo;
    notifier.Notify("RELOADING=1\nSTATUS=reloading the configuration");
    reload();
    notifier.Notify("READY=1\nSTATUS=serving");
  }
}

int RunServer(const ServerConfig& config, Logger& log, const RunOptions& options) {
  const ServiceManagerNotifier notifier;  // before the sandbox, which forbids new sockets
  Startup startup;
  if (int rc = PrepareStartup(config, log, startup); rc != 0) return rc;
  if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
    log.Error("cannot ignore SIGPIPE: ", std::strerror(errno));
    return 1;
  }
  kj::UnixEventPort::captureSignal(SIGTERM);
  kj::UnixEventPort::captureSignal(SIGINT);
  kj::UnixEventPort::captureSignal(SIGHUP);
  auto io = kj::setupAsyncIo();
  Server server(config, log, io, startup.token);
  log.Warning(
      "--single-process: clients share one process; a crash reached by one client ends "
      "every client's session (use it for debugging only)");
  if (int rc = BindEndpoints(
          startup, [&](const Endpoint& e) { return server.Listen(e); },
          [&](int fd) { return server.Adopt(fd); }, log);
      rc != 0) {
    return rc;
  }
  if (!config.metrics.empty()) {
    auto e = ParseEndpoint(config.metrics);
    Status s = e.ok() ? server.ServeMetrics(e.value()) : Status(std::move(e.error()));
    if (!s.ok()) {
      log.Error(s.error().message());
      return 1;
    }
    log.Info("metrics on http://", e.value().ToString().substr(4), "/metrics");
  }
  if (options.after_startup) {
    if (Status s = options.after_startup(); !s.ok()) {
      log.Error("start-up: ", s.error().message());
      return 1;
    }
  }
  server.Start();
  log.Info(StartupLine(config, options.sandbox, !startup.activated.empty(), "single process"));
  notifier.Notify("READY=1\nSTATUS=serving");

  const int signo = ServeUntilStopSignal(io, notifier, [&] {
    if (!options.reload) {
      log.Warning("SIGHUP: nothing to reload (no config source)");
    } else if (auto next = options.reload(); !next.ok()) {
      log.Error("SIGHUP: the configuration is kept: ", next.error().message());
    } else {
      server.ApplyLimits(next.value().limits);
      log.SetLevel(next.value().log_level);
      log.Info(ReloadedLine(next.value()));
    }
  });

  // Drain: no new connections or work; what is in flight finishes, up to the timeout.
  notifier.Notify("STOPPING=1\nSTATUS=draining");
  server.BeginDrain();
  log.Info("signal ", signo, ": shutting down; ", server.InflightDispatches(),
           " dispatches in flight (waiting up to ", config.drain_timeout_seconds, " s)");
  bool cut_short = false;
  auto again = io.unixEventPort.onSignal(SIGTERM)
                   .exclusiveJoin(io.unixEventPort.onSignal(SIGINT))
                   .then([&cut_short](siginfo_t) { cut_short = true; })
                   .eagerlyEvaluate(nullptr);
  WaitForDispatches(server, io, config.drain_timeout_seconds, &cut_short, log);
  return 0;
}

}  // namespace webnn::service
