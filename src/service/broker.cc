#include "service/broker.h"

#include <capnp/message.h>
#include <capnp/rpc.capnp.h>
#include <capnp/serialize.h>
#include <fcntl.h>
#include <kj/async-unix.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "service/acceptor.h"
#include "service/control.h"
#include "service/launcher.h"
#include "service/listener.h"
#include "service/metrics.h"
#include "service/metrics_endpoint.h"
#include "service/sandbox.h"
#include "service/server.h"
#include "service/systemd.h"

namespace webnn::service {

namespace {

// Crashes of one principal's workers within this window count towards its back-off.
constexpr kj::Duration kCrashWindow = 60 * kj::SECONDS;
constexpr kj::Duration kMaxBackoff = 30 * kj::SECONDS;
// How long the metrics page waits for a worker's part.
constexpr kj::Duration kMetricsTimeout = 2 * kj::SECONDS;

// How long a refused peer's connection stays open after the answer (for the peer to read it).
constexpr kj::Duration kRefusalLinger = 2 * kj::SECONDS;

// A Cap'n Proto RPC Abort message: the client library reports its reason as the connection's
// error.
std::string AbortMessage(const std::string& reason) {
  capnp::MallocMessageBuilder builder;
  auto abort = builder.initRoot<capnp::rpc::Message>().initAbort();
  abort.setReason(reason);
  abort.setType(capnp::rpc::Exception::Type::FAILED);
  auto words = capnp::messageToFlatArray(builder);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

struct WorkerProc {
  uint64_t serial = 0;
  std::string principal;
  pid_t pid = 0;  // 0 until the launcher has started it
  int fd = -1;    // the broker's end of its control socket; -1 while waiting for a back-off
  kj::Own<kj::UnixEventPort::FdObserver> observer;
  std::deque<std::pair<int, Peer>> queue;  // connections not yet handed over
  bool waiting_writable = false;
  uint32_t connections = 0;  // as the worker last reported
  bool retiring = false;     // told to drain (shutdown, or idle and its slot needed)
  std::map<uint64_t, kj::Own<kj::PromiseFulfiller<std::string>>> metrics;

  ~WorkerProc() {
    for (auto& [fd, peer] : queue) close(fd);
    observer = nullptr;
    if (fd >= 0) close(fd);
  }
};

class Broker {
 public:
  Broker(const ServerConfig& config, Logger& log, kj::AsyncIoContext& io,
         const BrokerOptions& options, LauncherProcess launcher, std::string token,
         std::string config_text)
      : config_(config),
        log_(log),
        io_(io),
        options_(options),
        launcher_(launcher),
        token_(std::move(token)),
        config_text_(std::move(config_text)),
        handler_(log),
        tasks_(kj::heap<kj::TaskSet>(handler_)),
        acceptor_(io, log),
        launcher_observer_(io.unixEventPort, launcher.socket,
                           kj::UnixEventPort::FdObserver::OBSERVE_READ) {}

  ~Broker() {
    metrics_endpoint_ = nullptr;
    acceptor_.Close(/*remove_files=*/!SandboxActive());
    tasks_ = nullptr;
    procs_.clear();
    for (auto& [id, fd] : refusals_) close(fd);
  }

  Acceptor& acceptor() { return acceptor_; }

  void Start() {
    tasks_->add(LauncherLoop());
    acceptor_.Start([this](int fd, bool unix_peer) { Accept(fd, unix_peer); });
  }

  Status ServeMetrics(const Endpoint& endpoint) {
    auto m = MetricsEndpoint::Start(
        io_, endpoint, [this] { return MetricsPage(); }, log_);
    if (!m.ok()) return std::move(m.error());
    metrics_endpoint_ = std::move(m).value();
    return {};
  }

  // SIGHUP: the new config text for the workers that run and those to come.
  void Reload(std::string text) {
    config_text_ = std::move(text);
    for (auto& [serial, w] : procs_) {
      if (w->fd >= 0) Send(*w, {"reload", {config_text_}});
    }
  }

  // Stops accepting and tells every worker to drain.
  void BeginDrain() {
    draining_ = true;
    acceptor_.Close(/*remove_files=*/!SandboxActive());
    std::vector<uint64_t> unstarted;  // waiting for a back-off: nothing to drain
    for (auto& [serial, w] : procs_) {
      for (auto& [fd, peer] : w->queue) close(fd);
      w->queue.clear();
      w->retiring = true;
      if (w->fd >= 0) {
        Send(*w, {"drain", {}});
      } else {
        unstarted.push_back(serial);
      }
    }
    for (uint64_t serial : unstarted) Forget(serial);
  }
  void Stop() {
    for (auto& [serial, w] : procs_) {
      if (w->fd >= 0) Send(*w, {"stop", {}});
    }
  }
  // Workers still running, or ended without their exit status reported yet.
  size_t Running() const { return procs_.size() + awaiting_status_.size(); }

 private:
  class ErrorHandler final : public kj::TaskSet::ErrorHandler {
   public:
    explicit ErrorHandler(const Logger& log) : log_(log) {}
    void taskFailed(kj::Exception&& e) override { log_.Error("internal: ", Describe(e)); }

   private:
    const Logger& log_;
  };

  // A worker whose end is to be logged.
  struct Ended {
    std::string principal;
    uint32_t connections = 0;
    bool retiring = false;
  };

  WorkerProc* Find(uint64_t serial) {
    auto it = procs_.find(serial);
    return it == procs_.end() ? nullptr : it->second.get();
  }

  void Accept(int fd, bool unix_peer) {
    auto identified = IdentifyPeer(fd, unix_peer, config_.allowed_uids, own_uid_, next_client_++);
    if (!identified.ok()) {
      log_.Error(identified.error().message());
      close(fd);
      return;
    }
    Peer peer = std::move(identified).value();
    if (draining_) {
      metrics_.Refused(peer.principal, "shutting down");
      log_.Info(peer.id, ": refused: the service is shutting down");
      close(fd);
      return;
    }
    if (peer.unix_peer && !peer.uid_allowed) {
      metrics_.Refused(peer.principal, "uid not allowed");
      log_.Warning(peer.id, ": refused: uid not allowed");
      Refuse(fd, "permission denied: " + peer.id + " is not allowed to use this service");
      return;
    }
    WorkerProc* w = WorkerFor(peer.principal);
    if (w == nullptr) {
      metrics_.Refused(peer.principal, "max workers");
      log_.Warning(peer.id, ": refused: ", active_.size(),
                   " workers run, each busy with its principal (maxWorkers)");
      Refuse(fd, "the service serves " + std::to_string(active_.size()) +
                     " other principals, its limit (maxWorkers); try again later");
      return;
    }
    if (w->queue.size() >= config_.max_pending_connections) {
      metrics_.Refused(peer.principal, "worker not taking connections");
      log_.Warning(peer.id, ": refused: its worker has ", w->queue.size(),
                   " connections waiting to be handed over");
      Refuse(fd, "too many connections of " + peer.principal +
                     " are waiting for its worker; try again later");
      return;
    }
    log_.Debug(peer.id, ": handed to the worker for ", peer.principal);
    w->queue.emplace_back(fd, std::move(peer));
    Flush(*w);
  }

  // Tells a peer refused before any worker sees it why, without reading what it sent: an RPC
  // Abort with the reason, written at once, and the write side shut. The connection stays open
  // a little (the peer's first messages land in its buffer, unread, instead of failing with
  // EPIPE and hiding the reason), then is closed. At most maxPendingConnections linger; beyond,
  // the oldest is closed.
  void Refuse(int fd, const std::string& reason) {
    const std::string message = AbortMessage(reason);
    (void)!send(fd, message.data(), message.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    shutdown(fd, SHUT_WR);
    if (refusals_.size() >= config_.max_pending_connections) {
      close(refusals_.begin()->second);
      refusals_.erase(refusals_.begin());
    }
    const uint64_t id = next_refusal_++;
    refusals_[id] = fd;
    tasks_->add(io_.provider->getTimer().afterDelay(kRefusalLinger).then([this, id] {
      auto it = refusals_.find(id);
      if (it == refusals_.end()) return;
      close(it->second);
      refusals_.erase(it);
    }));
  }

  // The worker of `principal`, started now (or after its back-off) if it has none.
  WorkerProc* WorkerFor(const std::string& principal) {
    if (auto it = active_.find(principal); it != active_.end()) return Find(it->second);
    if (active_.size() >= config_.max_workers && !RetireIdleWorker()) return nullptr;
    auto w = std::make_unique<WorkerProc>();
    w->serial = next_worker_++;
    w->principal = principal;
    WorkerProc& ref = *w;
    procs_[w->serial] = std::move(w);
    active_[principal] = ref.serial;
    const kj::Duration delay = Backoff(principal);
    if (delay == 0 * kj::SECONDS) {
      Spawn(ref);
    } else {
      log_.Warning("the worker for ", principal, " crashed ", RecentCrashes(principal),
                   " times in a minute: starting the next one in ", delay / kj::MILLISECONDS,
                   " ms");
      tasks_->add(io_.provider->getTimer().afterDelay(delay).then([this, serial = ref.serial] {
        if (WorkerProc* p = Find(serial); p != nullptr && !draining_) Spawn(*p);
      }));
    }
    return &ref;
  }

  bool RetireIdleWorker() {
    for (auto& [principal, serial] : active_) {
      WorkerProc* w = Find(serial);
      if (w && w->pid != 0 && w->connections == 0 && w->queue.empty()) {
        log_.Info("the worker for ", principal, " (pid ", w->pid,
                  ") is idle and its slot is needed (maxWorkers): retiring it");
        w->retiring = true;
        Send(*w, {"drain", {}});
        active_.erase(principal);
        return true;
      }
    }
    return false;
  }

  size_t RecentCrashes(const std::string& principal) {
    auto& times = crashes_[principal];
    const kj::TimePoint now = io_.provider->getTimer().now();
    while (!times.empty() && now - times.front() > kCrashWindow) times.pop_front();
    return times.size();
  }
  // None after one crash; then 0.5 s, doubling with each crash within a minute, up to 30 s.
  kj::Duration Backoff(const std::string& principal) {
    const size_t n = RecentCrashes(principal);
    if (n < 2) return 0 * kj::SECONDS;
    kj::Duration d = 500 * kj::MILLISECONDS;
    for (size_t i = 2; i < n && d < kMaxBackoff; ++i) d = d * 2;
    return std::min(d, kMaxBackoff);
  }

  void Spawn(WorkerProc& w) {
    auto pair = ControlSocketPair();
    if (!pair.ok()) {
      log_.Error("cannot start a worker for ", w.principal, ": ", pair.error().message());
      Forget(w.serial);
      return;
    }
    const auto [mine, theirs] = pair.value();
    Status sent = SendControl(launcher_.socket, {"spawn", {std::to_string(w.serial)}, theirs});
    close(theirs);
    if (!sent.ok()) {
      close(mine);
      log_.Error("cannot start a worker for ", w.principal, ": ", sent.error().message());
      Forget(w.serial);
      return;
    }
    if (fcntl(mine, F_SETFL, fcntl(mine, F_GETFL) | O_NONBLOCK) != 0) {
      log_.Error("control socket: ", std::strerror(errno));
    }
    w.fd = mine;
    w.observer = kj::heap<kj::UnixEventPort::FdObserver>(
        io_.unixEventPort, mine,
        kj::UnixEventPort::FdObserver::OBSERVE_READ | kj::UnixEventPort::FdObserver::OBSERVE_WRITE);
    // Its settings first: the token only for the token holders' worker.
    std::vector<std::string> init = {w.principal, w.principal == "token" ? token_ : "",
                                     config_text_};
    init.insert(init.end(), options_.args.begin(), options_.args.end());
    Send(w, {"init", std::move(init)});
    tasks_->add(WorkerLoop(w.serial));
    Flush(w);
  }

  void Send(WorkerProc& w, const ControlMessage& m) {
    bool would_block = false;
    Status s = SendControl(w.fd, m, &would_block);
    if (!s.ok() || would_block) {
      log_.Warning("control channel of the worker for ", w.principal, ": '", m.kind,
                   "' not sent: ", s.ok() ? "its queue is full" : s.error().message());
    }
  }

  // Hands the queued connections over, as far as the control socket takes them.
  void Flush(WorkerProc& w) {
    if (w.fd < 0 || w.waiting_writable) return;
    while (!w.queue.empty()) {
      auto& [fd, peer] = w.queue.front();
      bool would_block = false;
      Status s = SendControl(
          w.fd,
          {"conn",
           {peer.id, peer.address, peer.unix_peer ? "1" : "0", peer.uid_allowed ? "1" : "0"},
           fd},
          &would_block);
      if (s.ok() && would_block) {
        w.waiting_writable = true;
        tasks_->add(w.observer->whenBecomesWritable().then(
            [this, serial = w.serial] {
              if (WorkerProc* p = Find(serial)) {
                p->waiting_writable = false;
                Flush(*p);
              }
            },
            [](kj::Exception&&) {}));
        return;
      }
      if (!s.ok()) log_.Warning(peer.id, ": not handed over: ", s.error().message());
      close(fd);
      w.queue.pop_front();
    }
  }

  kj::Promise<void> WorkerLoop(uint64_t serial) {
    WorkerProc* w = Find(serial);
    if (w == nullptr) return kj::READY_NOW;
    return w->observer->whenBecomesReadable().then(
        [this, serial]() -> kj::Promise<void> {
          for (;;) {
            WorkerProc* p = Find(serial);
            if (p == nullptr) return kj::READY_NOW;
            bool closed = false, would_block = false;
            auto m = ReceiveControl(p->fd, &closed, &would_block);
            if (closed) {
              WorkerGone(serial);
              return kj::READY_NOW;
            }
            if (!m.ok()) {
              log_.Warning("control channel of the worker for ", p->principal, ": ",
                           m.error().message());
              continue;
            }
            if (would_block) break;
            FromWorker(*p, m.value());
          }
          return WorkerLoop(serial);
        },
        [this](kj::Exception&& e) { log_.Debug("worker control loop: ", Describe(e)); });
  }

  // What a worker says is read as untrusted: a compromised worker is what the split contains.
  void FromWorker(WorkerProc& w, ControlMessage& m) {
    if (m.fd >= 0) close(m.fd);
    if (m.kind == "count" && m.fields.size() == 1) {
      auto n = ParseUnsigned("count", m.field(0), 0, UINT32_MAX);
      if (n.ok()) w.connections = static_cast<uint32_t>(n.value());
    } else if (m.kind == "metrics" && m.fields.size() == 2) {
      auto serial = ParseUnsigned("metrics", m.field(0), 0, UINT64_MAX);
      if (!serial.ok()) return;
      auto it = w.metrics.find(serial.value());
      if (it == w.metrics.end()) return;
      it->second->fulfill(m.field(1));
      w.metrics.erase(it);
    } else {
      log_.Warning("control channel of the worker for ", w.principal, ": unexpected '", m.kind,
                   "'");
    }
  }

  // The worker's control socket closed: it has ended (its exit status comes from the launcher).
  void WorkerGone(uint64_t serial) {
    WorkerProc* w = Find(serial);
    if (w == nullptr) return;
    Ended e{w->principal, w->connections + static_cast<uint32_t>(w->queue.size()), w->retiring};
    const pid_t pid = w->pid;
    Forget(serial);
    if (pid == 0) {  // gone before the launcher's "started" was read
      unstarted_ended_[serial] = e;
      return;
    }
    Closed(pid, e);
  }

  // Logs a worker's end once both its control socket has closed and its status is known.
  void Closed(pid_t pid, const Ended& e) {
    if (auto it = statuses_.find(pid); it != statuses_.end()) {
      const int status = it->second;
      statuses_.erase(it);
      LogEnd(pid, e, status);
    } else {
      awaiting_status_[pid] = e;
    }
  }

  void Forget(uint64_t serial) {
    auto it = procs_.find(serial);
    if (it == procs_.end()) return;
    auto a = active_.find(it->second->principal);
    if (a != active_.end() && a->second == serial) active_.erase(a);
    procs_.erase(it);
  }

  void LogEnd(pid_t pid, const Ended& e, int status) {
    const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (clean && e.retiring) {
      log_.Info("worker for ", e.principal, " (pid ", pid, ") ended: ", DescribeWaitStatus(status));
      return;
    }
    crashes_[e.principal].push_back(io_.provider->getTimer().now());
    log_.Error("worker for ", e.principal, " (pid ", pid, ") ended ",
               WIFSIGNALED(status) ? "by " : "with ", DescribeWaitStatus(status), "; its ",
               e.connections, " connections are lost");
  }

  kj::Promise<void> LauncherLoop() {
    return launcher_observer_.whenBecomesReadable().then([this]() -> kj::Promise<void> {
      for (;;) {
        bool closed = false, would_block = false;
        auto m = ReceiveControl(launcher_.socket, &closed, &would_block);
        if (closed) {
          log_.Error("the worker launcher is gone: no new worker can start");
          return kj::READY_NOW;
        }
        if (!m.ok()) {
          log_.Error("launcher channel: ", m.error().message());
          continue;
        }
        if (would_block) break;
        FromLauncher(m.value());
      }
      return LauncherLoop();
    });
  }

  void FromLauncher(ControlMessage& m) {
    if (m.fd >= 0) close(m.fd);
    if (m.kind == "started" && m.fields.size() == 2) {
      auto serial = ParseUnsigned("serial", m.field(0), 0, UINT64_MAX);
      auto pid = ParseUnsigned("pid", m.field(1), 1, INT32_MAX);
      if (!serial.ok() || !pid.ok()) return;
      if (WorkerProc* w = Find(serial.value())) {
        w->pid = static_cast<pid_t>(pid.value());
        log_.Info("worker for ", w->principal, " started (pid ", w->pid, ")");
      } else if (auto it = unstarted_ended_.find(serial.value()); it != unstarted_ended_.end()) {
        const Ended e = it->second;
        unstarted_ended_.erase(it);
        Closed(static_cast<pid_t>(pid.value()), e);
      }
    } else if (m.kind == "failed" && m.fields.size() == 2) {
      auto serial = ParseUnsigned("serial", m.field(0), 0, UINT64_MAX);
      if (!serial.ok()) return;
      if (WorkerProc* w = Find(serial.value())) {
        log_.Error("cannot start a worker for ", w->principal, ": ", m.field(1));
        Forget(serial.value());
      }
    } else if (m.kind == "ended" && m.fields.size() == 2) {
      auto pid = ParseUnsigned("pid", m.field(0), 1, INT32_MAX);
      auto status = ParseUnsigned("status", m.field(1), 0, INT32_MAX);
      if (!pid.ok() || !status.ok()) return;
      const pid_t p = static_cast<pid_t>(pid.value());
      if (auto it = awaiting_status_.find(p); it != awaiting_status_.end()) {
        LogEnd(p, it->second, static_cast<int>(status.value()));
        awaiting_status_.erase(it);
      } else {
        statuses_[p] = static_cast<int>(status.value());
      }
    }
  }

  kj::Promise<std::string> MetricsPage() {
    kj::Vector<kj::Promise<std::string>> parts;
    parts.add(kj::Promise<std::string>(metrics_.Render({}, draining_)));
    for (auto& [serial, w] : procs_) {
      if (w->fd < 0 || w->pid == 0) continue;
      const uint64_t id = next_metrics_++;
      auto paf = kj::newPromiseAndFulfiller<std::string>();
      w->metrics[id] = kj::mv(paf.fulfiller);
      Send(*w, {"metrics", {std::to_string(id)}});
      parts.add(io_.provider->getTimer()
                    .timeoutAfter(kMetricsTimeout, kj::mv(paf.promise))
                    .catch_([](kj::Exception&&) { return std::string(); }));
    }
    return kj::joinPromises(parts.releaseAsArray()).then([](kj::Array<std::string> pages) {
      return MergeMetricsPages(std::vector<std::string>(pages.begin(), pages.end()));
    });
  }

  const ServerConfig& config_;
  Logger& log_;
  kj::AsyncIoContext& io_;
  const BrokerOptions& options_;
  LauncherProcess launcher_;
  std::string token_;
  std::string config_text_;
  const uint32_t own_uid_ = getuid();  // read before the sandbox switches users
  bool draining_ = false;
  Metrics metrics_;  // the broker's refusals
  ErrorHandler handler_;
  std::map<uint64_t, std::unique_ptr<WorkerProc>> procs_;  // by serial, before the tasks
  kj::Own<kj::TaskSet> tasks_;
  Acceptor acceptor_;
  kj::UnixEventPort::FdObserver launcher_observer_;
  kj::Own<MetricsEndpoint> metrics_endpoint_;
  std::map<std::string, uint64_t> active_;     // principal -> its worker's serial
  std::map<pid_t, Ended> awaiting_status_;     // control socket closed, exit status not yet known
  std::map<pid_t, int> statuses_;              // exit status known, control socket not yet closed
  std::map<uint64_t, Ended> unstarted_ended_;  // closed before its pid was known
  std::map<std::string, std::deque<kj::TimePoint>> crashes_;
  std::map<uint64_t, int> refusals_;  // refused peers being told why: their descriptors
  uint64_t next_client_ = 1, next_worker_ = 1, next_metrics_ = 1, next_refusal_ = 1;
};

}  // namespace

std::string MergeMetricsPages(const std::vector<std::string>& pages) {
  struct Family {
    std::vector<std::string> header, samples;
    std::set<std::string> keys;
  };
  std::vector<std::string> order;
  std::map<std::string, Family> families;
  for (const std::string& page : pages) {
    std::istringstream in(page);
    std::string current;
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
        const std::string rest = line.substr(7);
        current = rest.substr(0, rest.find(' '));
        if (!families.count(current)) order.push_back(current);
        Family& f = families[current];
        if (std::find(f.header.begin(), f.header.end(), line) == f.header.end()) {
          f.header.push_back(line);
        }
        continue;
      }
      if (line.starts_with("#")) continue;
      const std::string key = line.substr(0, line.rfind(' '));
      if (!families.count(current)) order.push_back(current);
      Family& f = families[current];
      if (f.keys.insert(key).second) f.samples.push_back(line);
    }
  }
  std::string out;
  for (const std::string& name : order) {
    for (const std::string& l : families[name].header) out += l + "\n";
    for (const std::string& l : families[name].samples) out += l + "\n";
  }
  return out;
}

int RunBroker(const ServerConfig& config, Logger& log, const BrokerOptions& options) {
  // First, before a socket is bound or a token read: the binary and the launcher.
  const int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (exe < 0) {
    log.Error("cannot open the webnnd binary (/proc/self/exe) to start workers: ",
              std::strerror(errno));
    return 1;
  }
  LauncherOptions launcher_options;
  launcher_options.exe_fd = exe;
  launcher_options.worker_argv = options.worker_argv;
  launcher_options.sandbox = config.sandbox;
  auto launcher = StartLauncher(launcher_options, log);
  close(exe);
  if (!launcher.ok()) {
    log.Error(launcher.error().message());
    return 1;
  }
  const ServiceManagerNotifier notifier;  // before the sandbox, which forbids new sockets
  Startup startup;
  if (int rc = PrepareStartup(config, log, startup); rc != 0) return rc;
  auto text = options.config_text ? options.config_text() : Result<std::string>(std::string());
  if (!text.ok()) {
    log.Error(text.error().message());
    return 2;
  }
  if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
    log.Error("cannot ignore SIGPIPE: ", std::strerror(errno));
    return 1;
  }
  kj::UnixEventPort::captureSignal(SIGTERM);
  kj::UnixEventPort::captureSignal(SIGINT);
  kj::UnixEventPort::captureSignal(SIGHUP);
  auto io = kj::setupAsyncIo();
  Broker broker(config, log, io, options, launcher.value(), startup.token, text.value());
  const uint32_t own_uid = getuid();
  if (int rc = BindEndpoints(
          startup,
          [&](const Endpoint& e) {
            return broker.acceptor().Listen(e, config.allowed_uids, own_uid);
          },
          [&](int fd) { return broker.acceptor().Adopt(fd); }, log);
      rc != 0) {
    return rc;
  }
  if (!config.metrics.empty()) {
    auto e = ParseEndpoint(config.metrics);
    Status s = e.ok() ? broker.ServeMetrics(e.value()) : Status(std::move(e.error()));
    if (!s.ok()) {
      log.Error(s.error().message());
      return 1;
    }
    log.Info("metrics on http://", e.value().ToString().substr(4), "/metrics");
  }
  // The broker's sandbox: it computes nothing, so there is nothing to warm up.
  if (Status s = ApplySandbox(
          config.sandbox,
          [&log](int level, const std::string& message) {
            log.Log(static_cast<LogLevel>(level), message);
          },
          SandboxRole::kBroker);
      !s.ok()) {
    log.Error("start-up: ", s.error().message());
    return 1;
  }
  broker.Start();
  std::ostringstream processes;
  processes << "a broker and one worker per principal (at most " << config.max_workers << ")";
  log.Info(StartupLine(config, options.sandbox, !startup.activated.empty(), processes.str()));
  notifier.Notify("READY=1\nSTATUS=serving");

  const int signo = ServeUntilStopSignal(io, notifier, [&] {
    auto next_text =
        options.config_text ? options.config_text() : Result<std::string>(std::string());
    Result<ServerConfig> next = next_text.ok() ? options.parse(options.args, next_text.value())
                                               : Result<ServerConfig>(std::move(next_text.error()));
    if (!next.ok()) {
      log.Error("SIGHUP: the configuration is kept: ", next.error().message());
    } else {
      log.SetLevel(next.value().log_level);
      broker.Reload(next_text.value());
      log.Info(ReloadedLine(next.value()));
    }
  });

  notifier.Notify("STOPPING=1\nSTATUS=draining");
  broker.BeginDrain();
  log.Info("signal ", signo, ": shutting down; the drain is forwarded to ", broker.Running(),
           " workers (waiting up to ", config.drain_timeout_seconds, " s)");
  bool stopped = false;
  auto again = io.unixEventPort.onSignal(SIGTERM)
                   .exclusiveJoin(io.unixEventPort.onSignal(SIGINT))
                   .then([&](siginfo_t) {
                     stopped = true;
                     broker.Stop();
                   })
                   .eagerlyEvaluate(nullptr);
  // The workers wait up to the drain timeout themselves; a little more for them to exit.
  auto& timer = io.provider->getTimer();
  const kj::TimePoint deadline =
      timer.now() + config.drain_timeout_seconds * kj::SECONDS + 5 * kj::SECONDS;
  while (broker.Running() > 0 && timer.now() < deadline) {
    timer.afterDelay(20 * kj::MILLISECONDS).wait(io.waitScope);
  }
  if (broker.Running() > 0) {
    log.Warning("exiting with ", broker.Running(), " workers still running (",
                stopped ? "a second signal" : "the drain timeout", "); they end with the broker");
  } else {
    log.Info("drained: every worker ended");
  }
  return 0;
}

}  // namespace webnn::service
