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

namespace webnn::service {

struct Server::Listener {
  Endpoint endpoint;
  int fd = -1;
  kj::Own<kj::UnixEventPort::FdObserver> observer;
};

struct Server::Connection {
  std::shared_ptr<ClientState> client;
  kj::Own<kj::AsyncIoStream> stream;
  kj::Own<capnp::TwoPartyVatNetwork> network;
  kj::Own<capnp::RpcSystem<capnp::rpc::twoparty::VatId>> rpc;
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
  tasks_ = nullptr;  // the accept loops and every connection, before what they use
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
  if (connections_ >= config_.max_connections) {
    log_.Warning(peer.id, ": refused: ", connections_, " connections open (max_connections)");
    close(fd);
    return;
  }
  ServeConnection(fd, peer);
}

void Server::ServeConnection(int fd, const Peer& peer) {
  auto client = std::make_shared<ClientState>(accounts_.For(peer.principal), log_);
  client->id = peer.id;
  client->unix_peer = peer.unix_peer;
  client->uid_allowed = peer.uid_allowed;
  client->limits = config_.limits;
  ++connections_;
  shared_.registry->push_back(client);
  log_.Debug(client->id, ": accepted");

  auto conn = kj::heap<Connection>();
  conn->client = client;
  capnp::ReaderOptions options;
  options.traversalLimitInWords = kMaxRpcMessageWords;
  options.nestingLimit = 32;
  try {
    if (peer.unix_peer) {
      auto stream =
          io_.lowLevelProvider->wrapUnixSocketFd(fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
      // Two descriptors at most per message (a call carries one memfd).
      conn->network = kj::heap<capnp::TwoPartyVatNetwork>(
          *stream, 2, capnp::rpc::twoparty::Side::SERVER, options);
      conn->stream = kj::mv(stream);
    } else {
      conn->stream =
          io_.lowLevelProvider->wrapSocketFd(fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
      conn->network = kj::heap<capnp::TwoPartyVatNetwork>(
          *conn->stream, capnp::rpc::twoparty::Side::SERVER, options);
    }
    conn->rpc =
        kj::heap(capnp::makeRpcServer(*conn->network, MakeServiceCapability(client, shared_)));
  } catch (const kj::Exception& e) {
    log_.Error(client->id, ": cannot set up the connection: ", Describe(e));
    --connections_;
    return;
  }
  auto& network = *conn->network;
  const Logger& log = log_;
  tasks_->add(network.onDisconnect()
                  .then([client, &log] { log.Info(client->id, ": disconnected"); },
                        [client, &log](kj::Exception&& e) {
                          log.Warning(client->id, ": connection dropped: ", Describe(e));
                        })
                  .attach(kj::mv(conn))
                  .then([this] { --connections_; }));
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
