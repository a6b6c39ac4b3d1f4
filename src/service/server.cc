#include "service/server.h"

#include <capnp/message.h>
#include <capnp/rpc-twoparty.h>
#include <kj/async-unix.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/executor.h"
#include "service/common.h"
#include "service/gate.h"

namespace webnn::service {

struct Server::Listener {
  Endpoint endpoint;
  int fd = -1;
  kj::Own<kj::UnixEventPort::FdObserver> observer;
};

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
      log_(log),
      io_(io),
      accounts_(config.limits),
      handler_(log),
      tasks_(kj::heap<kj::TaskSet>(handler_)) {
  shared_.compute = std::make_shared<const Compute>(
      Compute{std::make_shared<runtime::ThreadPool>(config.threads),
              std::make_shared<runtime::ComputeBudget>(config.threads), config.backends,
              config.intra_op_threads});
  shared_.token = std::move(token);
}

Server::~Server() {
  tasks_ = nullptr;         // the accept loops and every connection, before what they use
  shared_.reaper->Drain();  // the contexts they held end before the compute does
  for (auto& l : listeners_) {
    l->observer = nullptr;
    close(l->fd);
  }
  for (const std::string& p : unix_paths_) unlink(p.c_str());
}

Status Server::Listen(const Endpoint& endpoint) {
  auto l = kj::heap<Listener>();
  l->endpoint = endpoint;
  if (endpoint.kind == Endpoint::Kind::kUnix) {
    auto fd = ListenUnix(endpoint.path, UnixSocketOwnerOnly(config_.allowed_uids, getuid()));
    if (!fd.ok()) return std::move(fd.error());
    l->fd = fd.value();
    unix_paths_.push_back(endpoint.path);
  } else {
    auto fd = ListenTcp(endpoint);
    if (!fd.ok()) return std::move(fd.error().Prefix(endpoint.ToString()));
    l->fd = fd.value();
  }
  l->observer = kj::heap<kj::UnixEventPort::FdObserver>(
      io_.unixEventPort, l->fd, kj::UnixEventPort::FdObserver::OBSERVE_READ);
  listeners_.push_back(kj::mv(l));
  return {};
}

void Server::Start() {
  for (auto& l : listeners_) tasks_->add(AcceptLoop(*l));
}

kj::Promise<void> Server::AcceptLoop(Listener& l) {
  return l.observer->whenBecomesReadable().then([this, &l]() -> kj::Promise<void> {
    for (;;) {
      int fd = accept4(l.fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        if (errno == EINTR || errno == ECONNABORTED) continue;
        log_.Error("accept on ", l.endpoint.ToString(), ": ", std::strerror(errno));
        break;
      }
      Accept(fd, l.endpoint.kind == Endpoint::Kind::kUnix);
    }
    return AcceptLoop(l);
  });
}

void Server::Accept(int fd, bool unix_peer) {
  const uint64_t serial = next_client_++;
  Peer peer;
  if (unix_peer) {
    auto p = IdentifyUnixPeer(fd, config_.allowed_uids, serial);
    if (!p.ok()) {
      log_.Error(p.error().message());
      close(fd);
      return;
    }
    peer = std::move(p).value();
  } else {
    peer = IdentifyTcpPeer(fd, serial);
  }
  // A Unix peer of an allowed uid is authenticated by the kernel and takes an authenticated
  // slot now; any other peer waits in the small pending pool until it presents its token.
  if (peer.unix_peer && peer.uid_allowed) {
    if (connections_ >= config_.max_connections) {
      log_.Warning(peer.id, ": refused: ", connections_, " connections open (maxConnections)");
      close(fd);
      return;
    }
  } else if (pending_ >= config_.max_pending_connections) {
    log_.Warning(peer.id, ": refused: ", pending_,
                 " connections waiting to authenticate (maxPendingConnections)");
    close(fd);
    return;
  } else if (pending_by_address_[peer.address] >= config_.max_pending_per_address) {
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
  return {};
}

void Server::Release(Connection& conn) {
  if (conn.authenticated) {
    --connections_;
    return;
  }
  --pending_;
  auto it = pending_by_address_.find(conn.address);
  if (it != pending_by_address_.end() && --it->second == 0) pending_by_address_.erase(it);
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
  client->limits = config_.limits;
  shared_.registry->push_back(client);
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
  client->on_authenticated = [this, c = conn.get()] { return Authenticated(*c); };
  capnp::ReaderOptions options;
  options.traversalLimitInWords = kMaxRpcMessageWords;
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

int RunServer(const ServerConfig& config, const Logger& log, const AfterStartup& after_startup) {
  std::vector<Endpoint> endpoints;
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
    tcp |= e.value().kind == Endpoint::Kind::kTcp;
    endpoints.push_back(e.value());
  }
  std::string token;
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
    token = std::move(t).value();
  }
  if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
    log.Error("cannot ignore SIGPIPE: ", std::strerror(errno));
    return 1;
  }
  kj::UnixEventPort::captureSignal(SIGTERM);
  kj::UnixEventPort::captureSignal(SIGINT);
  auto io = kj::setupAsyncIo();
  Server server(config, log, io, token);
  for (const Endpoint& e : endpoints) {
    if (Status s = server.Listen(e); !s.ok()) {
      log.Error(s.error().message());
      return 1;
    }
    log.Info("listening on ", e.ToString());
  }
  if (after_startup) {
    if (Status s = after_startup(); !s.ok()) {
      log.Error("start-up: ", s.error().message());
      return 1;
    }
  }
  server.Start();
  auto term = io.unixEventPort.onSignal(SIGTERM);
  auto intr = io.unixEventPort.onSignal(SIGINT);
  auto sig = term.exclusiveJoin(kj::mv(intr)).wait(io.waitScope);
  log.Info("signal ", sig.si_signo, ": shutting down");
  return 0;
}

}  // namespace webnn::service
