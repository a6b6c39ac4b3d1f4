// Fuzzes webnnd's RPC handling end to end: each input is what one client sends (service_input.h),
// written into a fresh socketpair whose other end a real webnn::service::Server serves
// (Server::ServeConnection), so Cap'n Proto's framing and RPC layer and the service's handlers
// (connect, createContext, buildGraph, createTensor, writeTensor, readTensor, dispatch, ping,
// releasing capabilities) all run on the bytes. One service and event loop per process; the
// service's limits are small so that no input takes seconds or much memory.
//
// No file descriptor travels with the bytes: a call that names shared memory must be refused
// cleanly. After the input the harness waits (bounded) until the service has answered the calls
// it sent, closes its end, and requires the service to close the connection and release
// everything the connection held (its slot, its contexts, graphs and tensors).
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

// How long the replies to one input may take before the harness stops waiting for them (an
// input whose calls never return costs at most this), and how long the service may take to
// close a connection whose peer has gone (longer is a finding: a leaked connection).
constexpr auto kReplyBudget = 1 * kj::SECONDS;
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
  std::vector<int> idle_peers;  // kept open until the process exits

  Service() : log(LogFromEnvironment()) {
    for (PeerKind kind : {PeerKind::kUnixAllowed, PeerKind::kTcp}) {
      int fds[2];
      if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        Finding(std::string("socketpair: ") + std::strerror(errno));
      }
      server.ServeConnection(fds[0], MakePeer(kind, ++serial));
      idle_peers.push_back(fds[1]);
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
  uint64_t target = 0;
  kj::Own<kj::PromiseFulfiller<void>> waiter;

  void Update() {
    if (waiter && (closed || returns >= target)) {
      waiter->fulfill();
      waiter = nullptr;
    }
  }
  kj::Promise<void> WaitFor(uint64_t n) {
    if (closed || returns >= n) return kj::READY_NOW;
    auto paf = kj::newPromiseAndFulfiller<void>();
    target = n;
    waiter = kj::mv(paf.fulfiller);
    return kj::mv(paf.promise);
  }
};

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
              replies.Update();
              return ReadReplies(stream, replies);
            }
            replies.closed = true;
            replies.Update();
            return kj::READY_NOW;
          },
          [&replies](kj::Exception&&) {
            replies.closed = true;
            replies.Update();
          });
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

  const kj::TimePoint reply_deadline = timer.now() + kReplyBudget;
  // Runs `p` until it is done or the reply budget is spent; false once it is spent.
  auto bounded = [&](kj::Promise<void> p) {
    bool done = false;
    p.then([&done] { done = true; }).exclusiveJoin(timer.atTime(reply_deadline)).wait(ws);
    return done;
  };

  uint64_t calls = 0;
  bool writing = true;
  for (const ServiceRecord& r : input.records) {
    if (!writing || replies.closed) break;
    switch (r.kind) {
      case ServiceRecord::Kind::kWait:
        if (!bounded(replies.WaitFor(std::min<uint64_t>(r.count, calls)))) writing = false;
        break;
      case ServiceRecord::Kind::kMessage:
      case ServiceRecord::Kind::kRaw: {
        std::vector<uint8_t> bytes = r.kind == ServiceRecord::Kind::kMessage
                                         ? Frame(r.payload)
                                         : std::vector<uint8_t>(r.payload.begin(), r.payload.end());
        if (r.kind == ServiceRecord::Kind::kMessage && IsCall(bytes)) ++calls;
        if (bytes.empty()) break;
        // A write fails once the service has closed the connection (it refused the bytes).
        auto write = kj::evalNow([&] {
                       return stream->write(bytes.data(), bytes.size());
                     }).catch_([&writing](kj::Exception&&) { writing = false; });
        if (!bounded(kj::mv(write))) writing = false;
        break;
      }
    }
  }
  // The answers to what was sent, then the end of the stream; the service must then close.
  if (writing) (void)bounded(replies.WaitFor(calls));
  if (s.verbose) {
    std::cerr << "service_rpc_fuzzer: " << input.records.size() << " records, " << calls
              << " calls sent, " << replies.returns << " answered"
              << (replies.closed ? ", closed by the service" : "") << "\n";
  }
  try {
    stream->shutdownWrite();
  } catch (const kj::Exception&) {
    // Already closed by the service.
  }
  const kj::TimePoint close_deadline = timer.now() + kCloseBudget;
  bool closed = false;
  reading.addBranch()
      .then([&closed] { closed = true; })
      .exclusiveJoin(timer.atTime(close_deadline))
      .wait(ws);
  if (!closed) Finding("the service did not close a connection whose peer had gone");
  stream = nullptr;
  // The connection's slot is released once its task ends (a turn or two of the loop later).
  while (s.server.connections() > connections_before) {
    if (timer.now() > close_deadline) Finding("a closed connection still holds its slot");
    timer.afterDelay(100 * kj::MICROSECONDS).wait(ws);
  }
  // Everything the connection held is released. Calls in progress when it ended run to their
  // end (Cap'n Proto does not cancel a server call that did not allow it) and keep their
  // context until then, so this waits for the service to be idle, bounded.
  for (;;) {
    std::string held;
    for (const auto& [principal, live] : s.server.Live()) {
      if (live.contexts != 0 || live.graphs != 0 || live.tensors != 0 || live.tensor_bytes != 0 ||
          live.constant_bytes != 0 || live.inflight_dispatches != 0) {
        held = principal + ": " + std::to_string(live.contexts) + " contexts, " +
               std::to_string(live.graphs) + " graphs, " + std::to_string(live.tensors) +
               " tensors, " + std::to_string(live.inflight_dispatches) + " dispatches";
      }
    }
    if (held.empty()) break;
    if (timer.now() > close_deadline) {
      Finding("a closed connection's objects are still counted for " + held);
    }
    timer.afterDelay(100 * kj::MICROSECONDS).wait(ws);
  }
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
