// Fuzzes webnnd's RPC handling end to end: each input is what one client sends (service_input.h),
// written into a fresh socketpair whose other end a real webnn::service::Server serves
// (Server::ServeConnection), so Cap'n Proto's framing and RPC layer and the service's handlers
// (connect, createContext, buildGraph, createTensor, writeTensor, readTensor, dispatch, ping,
// releasing capabilities) all run on the bytes. One service and event loop per process; the
// service's limits are small so that no input takes seconds or much memory.
//
// No file descriptor travels with the bytes: a call that names shared memory must be refused
// cleanly. After the input the harness waits until the service has answered the calls it sent
// or has settled without answering them (nothing left to run: see Settle), closes its end, and
// requires the service to close the connection and release everything the connection held (its
// slot, its contexts, graphs and tensors, the connection's state).
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <capnp/rpc.capnp.h>
#include <capnp/serialize-async.h>
#include <capnp/serialize.h>
#include <kj/async-io.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "service/server.h"
#include "service_input.h"

namespace webnn::fuzz {
namespace {

using service::Peer;

[[noreturn]] void Finding(std::string_view what) {
  std::cerr << "service_rpc_fuzzer: " << what << "\n";
  std::abort();
}

// How long the service may take to close a connection whose peer has gone and release what it
// held, once it has settled without doing so (longer is a finding: a leaked connection). It
// only bounds a wait for something no event announces; when all is well it is never waited
// for.
constexpr auto kCloseBudget = 10 * kj::SECONDS;

Peer MakePeer(PeerKind kind, uint64_t serial) {
  Peer p;
  const std::string n = " #" + std::to_string(serial);
  switch (kind) {
    case PeerKind::kUnixAllowed:
      p.principal = "uid " + std::to_string(getuid());
      p.id = p.principal + " pid 1" + n;
      p.address = p.principal;
      p.unix_peer = true;
      p.uid_allowed = true;
      break;
    case PeerKind::kTcp:
      p.principal = "token";
      p.id = "tcp 127.0.0.1:40000" + n;
      p.address = "127.0.0.1";
      p.unix_peer = false;
      break;
    case PeerKind::kUnixRefused:
      p.principal = "uid 4242";
      p.id = p.principal + " pid 2" + n;
      p.address = p.principal;
      p.unix_peer = true;
      p.uid_allowed = false;
      break;
  }
  return p;
}

// The service every input talks to, made once.
struct Service {
  std::ostream null_stream{nullptr};
  service::Logger log;
  service::ServerConfig config = FuzzServiceConfig();
  kj::AsyncIoContext io = kj::setupAsyncIo();
  service::Server server{config, log, io, kFuzzToken};
  uint64_t serial = 0;

  bool verbose = std::getenv("WEBNN_FUZZ_LOG") != nullptr;

  // A connection of each principal that can hold anything stays open, idle, for the whole run:
  // the principal's account then outlives every input's connection, as it does for a client
  // with a second connection open, so a charge an input's connection left behind shows in
  // Server::Live() after it has closed.
  std::vector<int> idle_peers;                 // kept open until the process exits
  std::multiset<std::string> idle_principals;  // their principals, one entry per connection

  Service() : log(LogFromEnvironment()) {
    for (PeerKind kind : {PeerKind::kUnixAllowed, PeerKind::kTcp}) {
      int fds[2];
      if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        Finding(std::string("socketpair: ") + std::strerror(errno));
      }
      const Peer peer = MakePeer(kind, ++serial);
      server.ServeConnection(fds[0], peer);
      idle_peers.push_back(fds[1]);
      idle_principals.insert(peer.principal);
    }
  }

  // WEBNN_FUZZ_LOG=debug (or info, warning, error) shows the service's log when reproducing.
  service::Logger LogFromEnvironment() {
    const char* level = std::getenv("WEBNN_FUZZ_LOG");
    if (level != nullptr) {
      if (auto l = service::ParseLogLevel(level)) return service::Logger(*l, std::cerr);
    }
    return service::Logger(service::LogLevel::kError, null_stream);
  }
};

// What the service sent back: how many calls it answered, and whether it closed.
struct Replies {
  uint64_t returns = 0;
  bool closed = false;
};

// Runs the event loop (the service, and the harness's reader of its replies) until `done()`
// holds or the service has settled without it: its event loop has nothing left to run, its
// other threads (Server::Background) have nothing queued or running and nothing was posted to
// them since, so only more bytes from the client could change anything. Such a call is one the
// service answers only later, if ever (one awaiting a descriptor that cannot come over this
// socket, or calls pipelined on it): the harness goes on at once instead of waiting for a
// timeout. Work on the other threads is waited for by blocking on it (bounded: small graphs,
// small tensors), not by polling. False: settled without `done()`.
template <typename Done>
bool Settle(Service& s, const Done& done) {
  auto& ws = s.io.waitScope;
  for (;;) {
    ws.poll();
    if (done()) return true;
    const uint64_t posted = s.server.WaitForBackground().posted;
    // What that work sent back to the event loop (its results, the replies they complete).
    ws.poll();
    if (done()) return true;
    if (s.server.Background().posted == posted) return false;
  }
}

kj::Promise<void> ReadReplies(kj::AsyncIoStream& stream, Replies& replies) {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = uint64_t{1} << 26;
  // evalNow: a read that fails at once (the service reset the connection) is a rejected
  // promise like a later failure, not an exception out of the continuation that started it.
  return kj::evalNow([&stream, options] { return capnp::tryReadMessage(stream, options); })
      .then(
          [&stream, &replies](kj::Maybe<kj::Own<capnp::MessageReader>> m) -> kj::Promise<void> {
            KJ_IF_MAYBE (message, m) {
              auto root = (*message)->getRoot<capnp::rpc::Message>();
              if (root.which() == capnp::rpc::Message::RETURN) ++replies.returns;
              return ReadReplies(stream, replies);
            }
            replies.closed = true;
            return kj::READY_NOW;
          },
          [&replies](kj::Exception&&) { replies.closed = true; });
}

// A message record as one framed single-segment message: the segment table, then the payload
// padded to whole words.
std::vector<uint8_t> Frame(std::span<const uint8_t> payload) {
  const size_t words = (payload.size() + 7) / 8;
  std::vector<uint8_t> out(8 + words * 8, 0);
  const uint32_t table[2] = {0, static_cast<uint32_t>(words)};
  std::memcpy(out.data(), table, sizeof(table));
  std::memcpy(out.data() + 8, payload.data(), payload.size());
  return out;
}

// Whether a framed message is a call the service answers (Bootstrap or Call): the bound of
// what a wait record may wait for.
bool IsCall(const std::vector<uint8_t>& framed) {
  if (framed.size() < 16) return false;
  auto words = kj::arrayPtr(reinterpret_cast<const capnp::word*>(framed.data() + 8),
                            (framed.size() - 8) / 8);
  kj::ArrayPtr<const capnp::word> segments[1] = {words};
  capnp::SegmentArrayMessageReader reader(segments);
  auto which = capnp::rpc::Message::UNIMPLEMENTED;
  try {
    which = reader.getRoot<capnp::rpc::Message>().which();
  } catch (const kj::Exception&) {
    return false;
  }
  return which == capnp::rpc::Message::BOOTSTRAP || which == capnp::rpc::Message::CALL;
}

// What the service counts for any principal beyond the idle connections (contexts, graphs,
// tensors, bytes, dispatches in flight, and connection states still alive), or "" when nothing.
std::string Held(const Service& s) {
  std::string held;
  for (const auto& [principal, live] : s.server.Live()) {
    const auto idle = static_cast<uint32_t>(s.idle_principals.count(principal));
    if (live.contexts != 0 || live.graphs != 0 || live.tensors != 0 || live.tensor_bytes != 0 ||
        live.constant_bytes != 0 || live.inflight_dispatches != 0 || live.connections != idle) {
      held += principal + ": " + std::to_string(live.connections - idle) + " connections, " +
              std::to_string(live.contexts) + " contexts, " + std::to_string(live.graphs) +
              " graphs, " + std::to_string(live.tensors) + " tensors, " +
              std::to_string(live.tensor_bytes) + " tensor bytes, " +
              std::to_string(live.constant_bytes) + " constant bytes, " +
              std::to_string(live.inflight_dispatches) + " dispatches; ";
    }
  }
  return held;
}

void RunOne(Service& s, std::span<const uint8_t> data) {
  const ServiceInput input = ParseServiceInput(data);
  auto& ws = s.io.waitScope;
  auto& timer = s.io.provider->getTimer();

  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    Finding(std::string("socketpair: ") + std::strerror(errno));
  }
  const uint32_t connections_before = s.server.connections();
  s.server.ServeConnection(fds[0], MakePeer(input.peer, ++s.serial));
  auto stream =
      s.io.lowLevelProvider->wrapSocketFd(fds[1], kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
  Replies replies;
  auto reading = ReadReplies(*stream, replies).fork();

  uint64_t calls = 0;
  uint64_t settled_early = 0;  // waits that ended with calls the service could not answer yet
  bool writing = true;
  for (const ServiceRecord& r : input.records) {
    if (!writing || replies.closed) break;
    switch (r.kind) {
      case ServiceRecord::Kind::kWait: {
        const uint64_t n = std::min<uint64_t>(r.count, calls);
        if (!Settle(s, [&] { return replies.closed || replies.returns >= n; })) ++settled_early;
        break;
      }
      case ServiceRecord::Kind::kMessage:
      case ServiceRecord::Kind::kRaw: {
        std::vector<uint8_t> bytes = r.kind == ServiceRecord::Kind::kMessage
                                         ? Frame(r.payload)
                                         : std::vector<uint8_t>(r.payload.begin(), r.payload.end());
        if (r.kind == ServiceRecord::Kind::kMessage && IsCall(bytes)) ++calls;
        if (bytes.empty()) break;
        // A write fails once the service has closed the connection (it refused the bytes).
        bool written = false;
        auto write = kj::evalNow([&] { return stream->write(bytes.data(), bytes.size()); })
                         .then([&written] { written = true; },
                               [&writing](kj::Exception&&) { writing = false; })
                         .eagerlyEvaluate(nullptr);
        // A service that has settled without taking the bytes reads no more.
        if (!Settle(s, [&] { return written || !writing || replies.closed; })) writing = false;
        break;
      }
    }
  }
  // The answers to what was sent, then the end of the stream; the service must then close.
  if (writing && !Settle(s, [&] { return replies.closed || replies.returns >= calls; })) {
    ++settled_early;
  }
  if (s.verbose) {
    std::cerr << "service_rpc_fuzzer: " << input.records.size() << " records, " << calls
              << " calls sent, " << replies.returns << " answered"
              << (settled_early != 0
                      ? ", " + std::to_string(settled_early) + " waits ended by a settled service"
                      : "")
              << (replies.closed ? ", closed by the service" : "") << "\n";
  }
  try {
    stream->shutdownWrite();
  } catch (const kj::Exception&) {
    // Already closed by the service.
  }
  // The service closes the connection, gives its slot back and releases everything it held
  // (calls in progress when it ended run to their end: Cap'n Proto does not cancel a server call
  // that did not allow it, and they keep their context until then).
  auto released = [&] {
    return replies.closed && s.server.connections() <= connections_before && Held(s).empty();
  };
  if (!Settle(s, released)) {
    // Settled without releasing: a finding, unless something no event announces (a timer)
    // releases it within the budget.
    const kj::TimePoint close_deadline = timer.now() + kCloseBudget;
    while (!released()) {
      if (timer.now() > close_deadline) {
        if (!replies.closed) Finding("the service did not close a connection whose peer had gone");
        if (s.server.connections() > connections_before) {
          Finding("a closed connection still holds its slot");
        }
        Finding("a closed connection's objects are still counted: " + Held(s));
      }
      timer.afterDelay(1 * kj::MILLISECONDS).wait(ws);
      (void)Settle(s, released);
    }
  }
  reading = nullptr;
  stream = nullptr;
  // The contexts it held end on the reaper thread: wait for that too, so that every allocation
  // the input made is freed before it returns (libFuzzer's leak check compares the counts).
  (void)s.server.WaitForBackground();
}

Service* service_under_test = nullptr;

}  // namespace
}  // namespace webnn::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // A write to a connection the service has closed must be an error, not a signal.
  signal(SIGPIPE, SIG_IGN);
  // Lives until the process exits (reachable: not a leak).
  webnn::fuzz::service_under_test = new webnn::fuzz::Service();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  webnn::fuzz::RunOne(*webnn::fuzz::service_under_test, {data, size});
  return 0;
}
