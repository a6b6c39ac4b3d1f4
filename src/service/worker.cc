#include "service/worker.h"

#include <fcntl.h>
#include <kj/async-unix.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "service/control.h"
#include "service/heap.h"
#include "service/sandbox.h"
#include "service/server.h"

namespace webnn::service {

namespace {

class WorkerLoop {
 public:
  WorkerLoop(int control_fd, Server& server, Logger& log, kj::AsyncIoContext& io,
             const ConfigParser& parse, std::vector<std::string> args, std::string principal)
      : fd_(control_fd),
        server_(server),
        log_(log),
        parse_(parse),
        args_(std::move(args)),
        principal_(std::move(principal)),
        observer_(io.unixEventPort, control_fd, kj::UnixEventPort::FdObserver::OBSERVE_READ) {}

  // Reads and handles control messages until a drain or stop is asked or the broker is gone.
  kj::Promise<void> Loop() {
    return observer_.whenBecomesReadable().then([this]() -> kj::Promise<void> {
      for (;;) {
        bool closed = false, would_block = false;
        auto m = ReceiveControl(fd_, &closed, &would_block);
        if (closed) {
          broker_gone = true;
          stop = true;
          Wake();
          return kj::READY_NOW;
        }
        if (!m.ok()) {
          log_.Error("control channel: ", m.error().message());
          continue;
        }
        if (would_block) break;
        Handle(m.value());
      }
      return Loop();
    });
  }

  void Send(const ControlMessage& m) {
    bool would_block = false;
    if (Status s = SendControl(fd_, m, &would_block); !s.ok()) {
      log_.Debug("control channel: ", s.error().message());
    }
  }

  // Resolves once a drain or stop is asked or the broker is gone.
  kj::Promise<void> Done() { return kj::mv(done_.promise); }
  void Wake() {
    if (done_.fulfiller->isWaiting()) done_.fulfiller->fulfill();
  }

  bool drain = false, stop = false, broker_gone = false;

 private:
  void Handle(ControlMessage& m) {
    if (m.kind == "conn" && m.fd >= 0 && m.fields.size() == 4) {
      Peer peer;
      peer.principal = principal_;
      peer.id = m.field(0);
      peer.address = m.field(1);
      peer.unix_peer = m.field(2) == "1";
      peer.uid_allowed = m.field(3) == "1";
      server_.Admit(m.fd, peer);
      return;
    }
    if (m.fd >= 0) close(m.fd);
    if (m.kind == "reload" && m.fields.size() == 1) {
      auto next = parse_(args_, m.field(0));
      if (!next.ok()) {
        log_.Error("reload: the configuration is kept: ", next.error().message());
        return;
      }
      server_.ApplyLimits(next.value().limits);
      log_.SetLevel(next.value().log_level);
      log_.Debug("reload: limits and log level applied");
    } else if (m.kind == "drain") {
      drain = true;
      Wake();
    } else if (m.kind == "stop") {
      drain = true;
      stop = true;
      Wake();
    } else if (m.kind == "metrics" && m.fields.size() == 1) {
      Send({"metrics", {m.field(0), server_.RenderMetrics()}});
    } else {
      log_.Error("control channel: unexpected message '", m.kind, "' with ", m.fields.size(),
                 " fields");
    }
  }

  int fd_;
  Server& server_;
  Logger& log_;
  const ConfigParser& parse_;
  std::vector<std::string> args_;
  std::string principal_;
  kj::UnixEventPort::FdObserver observer_;
  kj::PromiseFulfillerPair<void> done_ = kj::newPromiseAndFulfiller<void>();
};

}  // namespace

int RunWorker(int control_fd, const ConfigParser& parse) {
  Logger log(LogLevel::kInfo);
  log.SetTag("worker " + std::to_string(getpid()));
  // The broker's first message: who this worker serves and with what settings.
  bool closed = false;
  auto init = ReceiveControl(control_fd, &closed);
  if (closed || !init.ok() || init.value().kind != "init" || init.value().fields.size() < 3) {
    log.Error("worker: no start-up message from the broker",
              init.ok() ? "" : ": " + init.error().message());
    return 1;
  }
  ControlMessage& m = init.value();
  if (m.fd >= 0) close(m.fd);
  const std::string principal = m.field(0);
  const std::string token = m.field(1);
  const std::vector<std::string> args(m.fields.begin() + 3, m.fields.end());
  auto parsed = parse(args, m.field(2));
  if (!parsed.ok()) {
    log.Error("worker: ", parsed.error().message());
    return 2;
  }
  const ServerConfig config = std::move(parsed).value();
  log.SetLevel(config.log_level);
  log.SetTag("worker " + std::to_string(getpid()) + " " + principal);
  KeepTransferBuffersMapped(log);
  // The broker handles SIGINT and SIGHUP and forwards what they mean; SIGTERM (a service
  // manager's stop reaches every process of the service) drains like the broker's "drain".
  signal(SIGINT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
    log.Error("cannot ignore SIGPIPE: ", std::strerror(errno));
    return 1;
  }
  if (fcntl(control_fd, F_SETFD, FD_CLOEXEC) != 0 ||
      fcntl(control_fd, F_SETFL, fcntl(control_fd, F_GETFL) | O_NONBLOCK) != 0) {
    log.Error("worker: control socket: ", std::strerror(errno));
    return 1;
  }
  kj::UnixEventPort::captureSignal(SIGTERM);
  auto io = kj::setupAsyncIo();
  Server server(config, log, io, token);
  server.SetIsolation("worker pid " + std::to_string(getpid()) + " for " + principal);
  WorkerLoop loop(control_fd, server, log, io, parse, args, principal);
  server.OnConnectionsChanged([&loop](uint32_t n) { loop.Send({"count", {std::to_string(n)}}); });
  // Warm the backends up while files can still be opened, then the worker's sandbox.
  if (config.sandbox.enabled) {
    if (Status s = WarmUpBackends(config.backends, 2); !s.ok()) {
      log.Error("start-up: ", s.error().message());
      return 1;
    }
  }
  Status sandboxed = ApplySandbox(
      config.sandbox,
      [&log](int level, const std::string& message) {
        log.Log(static_cast<LogLevel>(level), message);
      },
      SandboxRole::kWorker);
  if (!sandboxed.ok()) {
    log.Error("start-up: ", sandboxed.error().message());
    return 1;
  }
  log.Debug("serving ", principal);

  auto control = loop.Loop().eagerlyEvaluate(nullptr);
  auto term = io.unixEventPort.onSignal(SIGTERM)
                  .then([&loop](siginfo_t) {
                    loop.drain = true;
                    loop.Wake();
                  })
                  .eagerlyEvaluate(nullptr);
  loop.Done().wait(io.waitScope);
  if (loop.broker_gone) {
    // The service is gone: so are its sessions, at once (as when webnnd is killed).
    log.Warning("the broker is gone: exiting; ", server.connections(), " connections end");
    std::fflush(nullptr);
    _exit(1);
  }
  server.BeginDrain();
  log.Info("shutting down; ", server.InflightDispatches(), " dispatches in flight (waiting up to ",
           config.drain_timeout_seconds, " s)");
  WaitForDispatches(server, io, config.drain_timeout_seconds, &loop.stop, log);
  return 0;
}

}  // namespace webnn::service
