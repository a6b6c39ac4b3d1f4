// Writes the seed corpora of the service harnesses (tests/fuzz/make_corpus.sh runs it):
//
//  - OUT/service_rpc: real client sessions, recorded. A service with the harness's
//    configuration (FuzzServiceConfig) runs on this thread's event loop behind a recording
//    proxy on 127.0.0.1; the public API (an MLContext with the "service" executor over tcp:,
//    and service::Ping) runs each session on another thread. Every message the client sends is
//    kept in the harness's input format (service_input.h), with a wait record wherever the
//    client had received more answers than before it sent the previous one. Each session is
//    written for a Unix peer and a TCP peer; the ping also for a refused Unix peer.
//  - OUT/dispatch_channel: one valid request per graph of the channel fixture.
//  - DICT: the interface ids of the protocol and strings its calls carry (service_rpc.dict).
//
//   webnn_fuzz_service_corpus OUT DICT
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capnp/message.h>
#include <capnp/rpc.capnp.h>
#include <capnp/serialize-async.h>
#include <capnp/serialize.h>
#include <kj/async-io.h>
#include <kj/vector.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "channel_fixture.h"
#include "schema/webnn_service.capnp.h"
#include "service/client.h"
#include "service/server.h"
#include "service_input.h"
#include "webnn/webnn.h"

namespace webnn::fuzz {
namespace {

namespace fs = std::filesystem;

// What the client sent, as records of the harness's format (without the peer byte).
struct Recording {
  std::string records;
  uint64_t returns = 0;     // Return messages the service has sent so far
  uint64_t waited_for = 0;  // the count of the last wait record
};

// The segments of a message read from a stream, as they came.
kj::Array<kj::ArrayPtr<const capnp::word>> Segments(capnp::MessageReader& reader) {
  kj::Vector<kj::ArrayPtr<const capnp::word>> segments;
  for (uint32_t i = 0;; ++i) {
    auto s = reader.getSegment(i);
    if (s == nullptr) break;
    segments.add(s);
  }
  return segments.releaseAsArray();
}

// Forwards a message as it came (its capability pointers included, which a copy without the
// connection's capability table could not carry).
kj::Promise<void> Forward(kj::AsyncIoStream& to, kj::Own<capnp::MessageReader> message) {
  auto segments = Segments(*message);
  auto write = capnp::writeMessage(to, segments);
  return write.attach(kj::mv(segments), kj::mv(message));
}

// Passes an end of stream on (the other side may have gone already).
void EndWrites(kj::AsyncIoStream& to) {
  try {
    to.shutdownWrite();
  } catch (const kj::Exception&) {
  }
}

capnp::ReaderOptions Large() {
  capnp::ReaderOptions o;
  o.traversalLimitInWords = uint64_t{1} << 27;
  return o;
}

kj::Promise<void> ClientToService(kj::AsyncIoStream& from, kj::AsyncIoStream& to, Recording& rec) {
  return capnp::tryReadMessage(from, Large())
      .then([&from, &to, &rec](kj::Maybe<kj::Own<capnp::MessageReader>> m) -> kj::Promise<void> {
        KJ_IF_MAYBE (message, m) {
          if (rec.returns > rec.waited_for) {
            AppendWait(rec.records, static_cast<uint32_t>(rec.returns));
            rec.waited_for = rec.returns;
          }
          auto segments = Segments(**message);
          if (segments.size() == 1) {
            AppendMessage(rec.records, segments[0].asBytes());
          } else {
            // A message of several segments (a large write) goes as raw bytes, framed.
            auto flat = capnp::messageToFlatArray(segments);
            AppendRaw(rec.records, flat.asBytes());
          }
          return Forward(to, kj::mv(*message)).then([&from, &to, &rec] {
            return ClientToService(from, to, rec);
          });
        }
        EndWrites(to);
        return kj::READY_NOW;
      });
}

kj::Promise<void> ServiceToClient(kj::AsyncIoStream& from, kj::AsyncIoStream& to, Recording& rec) {
  return capnp::tryReadMessage(from, Large())
      .then([&from, &to, &rec](kj::Maybe<kj::Own<capnp::MessageReader>> m) -> kj::Promise<void> {
        KJ_IF_MAYBE (message, m) {
          if ((*message)->getRoot<capnp::rpc::Message>().which() == capnp::rpc::Message::RETURN) {
            ++rec.returns;
          }
          return Forward(to, kj::mv(*message)).then([&from, &to, &rec] {
            return ServiceToClient(from, to, rec);
          });
        }
        EndWrites(to);
        return kj::READY_NOW;
      });
}

// A client session against `endpoint` (a tcp: endpoint; the token is in `token_file`).
using Session = std::function<void(const std::string& endpoint, const std::string& token_file)>;

class Recorder {
 public:
  Recorder(const std::string& token_file) : token_file_(token_file) {
    auto address = io_.provider->getNetwork().parseAddress("127.0.0.1", 0).wait(io_.waitScope);
    receiver_ = address->listen();
    endpoint_ = "tcp:127.0.0.1:" + std::to_string(receiver_->getPort());
  }

  // Runs `session` on another thread and returns what its one connection sent.
  std::string Record(const Session& session) {
    Recording rec;
    auto proxy = receiver_->accept()
                     .then([this, &rec](kj::Own<kj::AsyncIoStream> client) {
                       int fds[2];
                       KJ_SYSCALL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
                       service::Peer peer;
                       peer.principal = "token";
                       peer.id = "recorded client";
                       peer.address = "127.0.0.1";
                       peer.unix_peer = false;
                       server_.ServeConnection(fds[0], peer);
                       auto svc = io_.lowLevelProvider->wrapSocketFd(
                           fds[1], kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
                       auto down = ServiceToClient(*svc, *client, rec).eagerlyEvaluate(nullptr);
                       auto up = ClientToService(*client, *svc, rec);
                       return up.then([down = kj::mv(down)]() mutable { return kj::mv(down); })
                           .attach(kj::mv(client), kj::mv(svc));
                     })
                     .eagerlyEvaluate(nullptr);
    std::string error;
    auto done = kj::newPromiseAndCrossThreadFulfiller<void>();
    // The fulfiller stays here: the thread has ended by the time the promise is waited out.
    kj::CrossThreadPromiseFulfiller<void>* fulfiller = done.fulfiller.get();
    std::thread thread([&, fulfiller] {
      try {
        session(endpoint_, token_file_);
      } catch (const std::exception& e) {
        error = e.what();
      }
      fulfiller->fulfill();
    });
    done.promise.wait(io_.waitScope);
    thread.join();
    if (!error.empty()) throw std::runtime_error("a recorded session failed: " + error);
    auto& timer = io_.provider->getTimer();
    bool finished = false;
    proxy.then([&finished] { finished = true; })
        .exclusiveJoin(timer.afterDelay(10 * kj::SECONDS))
        .wait(io_.waitScope);
    if (!finished) throw std::runtime_error("a recorded session's connection did not end");
    return rec.records;
  }

 private:
  std::string token_file_;
  service::Logger log_{service::LogLevel::kWarning, std::cerr};
  service::ServerConfig config_ = FuzzServiceConfig();
  kj::AsyncIoContext io_ = kj::setupAsyncIo();
  service::Server server_{config_, log_, io_, kFuzzToken};
  kj::Own<kj::ConnectionReceiver> receiver_;
  std::string endpoint_;
};

std::shared_ptr<MLContext> Context(const std::string& endpoint, const std::string& token_file) {
  MLContextOptions o;
  o.executor = "service";
  o.endpoint = endpoint;
  o.tokenFile = token_file;
  o.backend = "reference";
  o.threads = 1;
  return ML().createContext(o);
}

std::vector<std::byte> Floats(std::initializer_list<float> values) {
  std::vector<std::byte> bytes(values.size() * sizeof(float));
  std::memcpy(bytes.data(), std::data(values), bytes.size());
  return bytes;
}

std::vector<std::byte> Ints(std::initializer_list<int32_t> values) {
  std::vector<std::byte> bytes(values.size() * sizeof(int32_t));
  std::memcpy(bytes.data(), std::data(values), bytes.size());
  return bytes;
}

// The sessions: what a client does, each on one connection.
void PingSession(const std::string& endpoint, const std::string& token_file) {
  auto r = service::Ping(endpoint, token_file, /*count=*/2);
  if (!r.ok()) throw std::runtime_error(r.error().ToString());
}

// Build, create, write, dispatch, read, destroy: the whole life of a small graph.
void AddSession(const std::string& endpoint, const std::string& token_file) {
  auto ctx = Context(endpoint, token_file);
  MLGraphBuilder b(ctx);
  auto a = b.input("a", {DataType::kFloat32, {2, 3}});
  auto c = b.input("b", {DataType::kFloat32, {2, 3}});
  MLGraph g = b.build({{"out", b.add(a, c)}});
  MLTensor ta = ctx->createTensor({DataType::kFloat32, {2, 3}, false, true});
  MLTensor tb = ctx->createTensor({DataType::kFloat32, {2, 3}, false, true});
  MLTensor out = ctx->createTensor({DataType::kFloat32, {2, 3}, true, false});
  ctx->writeTensor(ta, Floats({1, 2, 3, 4, 5, 6}));
  ctx->writeTensor(tb, Floats({0.5f, -1, 2, -3, 4, -5}));
  ctx->dispatch(g, {{"a", ta}, {"b", tb}}, {{"out", out}});
  (void)ctx->readTensor(out);
  out.destroy();
  tb.destroy();
  ta.destroy();
  g.destroy();
  ctx->destroy();
}

// A graph with constants (matmul weights, clamp bounds), two dispatches, two outputs.
void MatmulSession(const std::string& endpoint, const std::string& token_file) {
  auto ctx = Context(endpoint, token_file);
  MLGraphBuilder b(ctx);
  auto x = b.input("x", {DataType::kFloat32, {1, 4}});
  const auto w_bytes = Floats({1, 0, -1, 0.5f, 2, 0, -1, 1, 0.25f, 0, 0, 3});
  auto w = b.constant({DataType::kFloat32, {4, 3}}, w_bytes);
  auto mm = b.matmul(x, w);
  MLClampOptions clamp;
  clamp.minValue = -1;
  clamp.maxValue = 2;
  MLGraph g = b.build({{"relu", b.relu(mm)}, {"clamped", b.clamp(mm, clamp)}});
  MLTensor tx = ctx->createTensor({DataType::kFloat32, {1, 4}, false, true});
  MLTensor r = ctx->createTensor({DataType::kFloat32, {1, 3}, true, false});
  MLTensor c = ctx->createTensor({DataType::kFloat32, {1, 3}, true, false});
  ctx->writeTensor(tx, Floats({1, -2, 3, 0.5f}));
  ctx->dispatch(g, {{"x", tx}}, {{"relu", r}, {"clamped", c}});
  (void)ctx->readTensor(r);
  ctx->writeTensor(tx, Floats({-1, 2, 0, 4}));
  ctx->dispatch(g, {{"x", tx}}, {{"relu", r}, {"clamped", c}});
  (void)ctx->readTensor(c);
}

// Indices from a tensor (checked at run time), an int32 input cast and reduced.
void GatherSession(const std::string& endpoint, const std::string& token_file) {
  auto ctx = Context(endpoint, token_file);
  MLGraphBuilder b(ctx);
  auto data = b.input("data", {DataType::kFloat32, {5, 2}});
  auto idx = b.input("indices", {DataType::kInt32, {3}});
  MLReduceOptions sum;
  sum.axes = std::vector<uint32_t>{0};
  MLGraph g = b.build({{"gathered", b.gather(data, idx)},
                       {"sum", b.reduceSum(b.cast(idx, DataType::kFloat32), sum)}});
  MLTensor td = ctx->createTensor({DataType::kFloat32, {5, 2}, false, true});
  MLTensor ti = ctx->createTensor({DataType::kInt32, {3}, false, true});
  MLTensor tg = ctx->createTensor({DataType::kFloat32, {3, 2}, true, false});
  MLTensor ts = ctx->createTensor({DataType::kFloat32, {}, true, false});
  ctx->writeTensor(td, Floats({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  ctx->writeTensor(ti, Ints({4, 0, 2}));
  ctx->dispatch(g, {{"data", td}, {"indices", ti}}, {{"gathered", tg}, {"sum", ts}});
  (void)ctx->readTensor(tg);
  (void)ctx->readTensor(ts);
}

// Two graphs, one destroyed before the other runs; tensors created and destroyed unused.
void DestroySession(const std::string& endpoint, const std::string& token_file) {
  auto ctx = Context(endpoint, token_file);
  MLGraph first, second;
  {
    MLGraphBuilder b(ctx);
    auto x = b.input("x", {DataType::kFloat32, {4}});
    first = b.build({{"y", b.sigmoid(x)}});
  }
  {
    MLGraphBuilder b(ctx);
    auto x = b.input("x", {DataType::kFloat32, {2, 2}});
    second = b.build({{"y", b.softmax(b.reshape(x, {4, 1}), 0)}});
  }
  MLTensor unused = ctx->createTensor({DataType::kFloat16, {8}, true, true});
  first.destroy();
  unused.destroy();
  MLTensor x = ctx->createTensor({DataType::kFloat32, {2, 2}, true, true});
  MLTensor y = ctx->createTensor({DataType::kFloat32, {4, 1}, true, true});
  ctx->writeTensor(x, Floats({1, 2, 3, 4}));
  ctx->dispatch(second, {{"x", x}}, {{"y", y}});
  (void)ctx->readTensor(y);
  (void)ctx->readTensor(x);
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string WithPeer(PeerKind peer, const std::string& records) {
  std::string input;
  AppendPeer(input, peer);
  return input + records;
}

// "\xNN..." of a little-endian 64-bit value, for the dictionary.
std::string Escaped(uint64_t v) {
  std::string s;
  char buf[5];
  for (int i = 0; i < 8; ++i) {
    std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned>((v >> (8 * i)) & 0xff));
    s += buf;
  }
  return s;
}

void WriteServiceCorpus(const fs::path& out, const fs::path& dict) {
  const fs::path dir =
      fs::temp_directory_path() / ("webnn-fuzz-corpus-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path token_file = dir / "token";
  WriteFile(token_file, kFuzzToken);
  chmod(token_file.c_str(), 0600);
  fs::create_directories(out / "service_rpc");
  {
    Recorder recorder(token_file);
    const std::pair<const char*, Session> sessions[] = {
        {"ping", PingSession},     {"add", AddSession},         {"matmul", MatmulSession},
        {"gather", GatherSession}, {"destroy", DestroySession},
    };
    for (const auto& [name, session] : sessions) {
      const std::string records = recorder.Record(session);
      WriteFile(out / "service_rpc" / (std::string(name) + "-tcp"),
                WithPeer(PeerKind::kTcp, records));
      WriteFile(out / "service_rpc" / (std::string(name) + "-unix"),
                WithPeer(PeerKind::kUnixAllowed, records));
      if (std::string(name) == "ping") {
        WriteFile(out / "service_rpc" / "ping-refused", WithPeer(PeerKind::kUnixRefused, records));
      }
    }
  }
  fs::remove_all(dir);

  std::ofstream d(dict);
  d << "# The interface ids of webnn_service.capnp (8 bytes, little-endian) and strings its\n"
       "# calls carry. Written by tests/fuzz/make_service_corpus.cc.\n";
  const std::pair<const char*, uint64_t> ids[] = {
      {"Service", capnp::typeId<rpc::Service>()},
      {"ContextProvider", capnp::typeId<rpc::ContextProvider>()},
      {"Context", capnp::typeId<rpc::Context>()},
      {"Graph", capnp::typeId<rpc::Graph>()},
      {"Tensor", capnp::typeId<rpc::Tensor>()},
      {"SharedMemory", capnp::typeId<rpc::SharedMemory>()},
  };
  for (const auto& [name, id] : ids) d << "interface_" << name << "=\"" << Escaped(id) << "\"\n";
  d << "token=\"" << kFuzzToken << "\"\n"
    << "backend_reference=\"reference\"\nbackend_onednn=\"onednn\"\n";
  if (!d) throw std::runtime_error("cannot write " + dict.string());
}

// One valid request per graph: [request u32][graph u64][num_inputs u32][num_outputs u32][ids].
void WriteChannelCorpus(const fs::path& out) {
  auto f = ChannelFixture::Make();
  if (!f.ok()) throw std::runtime_error("the channel fixture: " + f.error().ToString());
  fs::create_directories(out / "dispatch_channel");
  int n = 0;
  for (const ChannelFixture::Request& r : (*f)->ValidRequests()) {
    std::string bytes;
    auto put = [&bytes](const auto& v) {
      bytes.append(reinterpret_cast<const char*>(&v), sizeof(v));
    };
    put(static_cast<uint32_t>(n + 1));
    put(r.graph);
    put(static_cast<uint32_t>(r.inputs.size()));
    put(static_cast<uint32_t>(r.outputs.size()));
    for (uint64_t id : r.inputs) put(id);
    for (uint64_t id : r.outputs) put(id);
    WriteFile(out / "dispatch_channel" / ("graph" + std::to_string(n++)), bytes);
  }
}

}  // namespace
}  // namespace webnn::fuzz

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: webnn_fuzz_service_corpus OUT_CORPUS_DIR OUT_DICT\n";
    return 2;
  }
  try {
    webnn::fuzz::WriteServiceCorpus(argv[1], argv[2]);
    webnn::fuzz::WriteChannelCorpus(argv[1]);
  } catch (const std::exception& e) {
    std::cerr << "webnn_fuzz_service_corpus: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
