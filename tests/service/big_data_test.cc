// Integration tests of the service's data paths for large data and slow peers, against the real
// daemon: constants above what a message carries (a sealed memfd on a Unix socket, a chunked
// upload on TCP), tensors larger than a message written and read in chunks over TCP, and
// connects and calls to peers that never answer failing within the configured time.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <capnp/rpc-twoparty.h>
#include <capnp/serialize.h>
#include <kj/async-io.h>

#include "format/capnp/wire_codec.h"
#include "service/client.h"
#include "service/common.h"
#include "service/shm.h"
#include "service/spawn.h"
#include "test_daemon.h"
#include "webnn/webnn.h"

namespace webnn {
namespace {

using service_test::ExpectThrows;
using service_test::FreePort;
using service_test::kAddressSanitizer;
using service_test::ReadFile;

// A daemon on a private Unix socket and on a TCP port of the loopback (with a token file).
struct Daemon : service_test::DaemonProcess {
  std::string token = dir.path() + "/token";
  std::string tcp = "tcp:127.0.0.1:" + std::to_string(FreePort());
  explicit Daemon(const std::string& config_json = "") {
    std::ofstream(token) << "0123456789abcdef0123456789abcdef\n";
    chmod(token.c_str(), 0600);
    std::vector<std::string> args{"--log-level", "info", "--threads",    "2",
                                  "--listen",    tcp,    "--token-file", token};
    if (!config_json.empty()) {
      const std::string config = dir.path() + "/config.json";
      std::ofstream(config) << config_json;
      args.push_back("--config");
      args.push_back(config);
    }
    Start(args);
  }
  std::shared_ptr<MLContext> Context(bool over_tcp, const std::string& backend = "") const {
    MLContextOptions o;
    o.executor = "service";
    o.backend = backend;
    o.endpoint = over_tcp ? tcp : endpoint();
    if (over_tcp) o.tokenFile = token;
    return ML().createContext(o);
  }
  // What the principal of the Unix socket (this uid) or of TCP (the token holder) holds.
  service::PingResult Ping(bool over_tcp) const {
    auto p = over_tcp ? service::Ping(tcp, token, 1) : service::Ping(endpoint(), "", 1);
    EXPECT_TRUE(p.ok()) << p.error().ToString();
    return p.ok() ? p.value() : service::PingResult{};
  }
};

// The value the tests put at element i of a large constant or tensor: small integers, exact in
// float32 whatever is added to them.
float Pattern(uint64_t i) { return static_cast<float>((i * 2654435761u) % 4093); }

std::vector<float> Floats(const std::vector<std::byte>& bytes) {
  std::vector<float> v(bytes.size() / sizeof(float));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
  return v;
}

// A float32 constant of `elements` (its bytes above what a message may carry inline) read back
// at its start, at an unaligned middle and at its end, each plus an input, through the service.
void CheckLargeConstant(const Daemon& d, bool over_tcp, uint32_t elements) {
  auto ctx = d.Context(over_tcp);
  const uint64_t bytes = uint64_t{elements} * sizeof(float);
  const std::vector<uint32_t> starts{0, elements / 2 + 3, elements - 8};
  MLGraph g;
  {
    std::vector<std::byte> data(bytes);
    auto* f = reinterpret_cast<float*>(data.data());
    for (uint64_t i = 0; i < elements; ++i) f[i] = Pattern(i);
    MLGraphBuilder b(ctx);
    auto c = b.constant({DataType::kFloat32, {elements}}, data);
    auto x = b.input("x", {DataType::kFloat32, {8}});
    MLNamedOperands outs;
    for (size_t k = 0; k < starts.size(); ++k) {
      outs["out" + std::to_string(k)] = b.add(b.slice(c, {starts[k]}, {8}), x);
    }
    g = b.build(outs);
  }
  // The whole constant is charged while the graph lives.
  EXPECT_GE(d.Ping(over_tcp).constant_bytes, bytes);
  const std::vector<float> x{1, 2, 3, 4, 5, 6, 7, 8};
  HostTensors out = ctx->compute(g, {{"x", HostTensor::FromFloats({8}, x)}});
  for (size_t k = 0; k < starts.size(); ++k) {
    const std::vector<float> got = out.at("out" + std::to_string(k)).ToFloats();
    ASSERT_EQ(got.size(), 8u);
    for (uint32_t j = 0; j < 8; ++j) {
      EXPECT_EQ(got[j], Pattern(starts[k] + j) + x[j]) << "slice at " << starts[k] << " + " << j;
    }
  }
  g.destroy();
  EXPECT_EQ(d.Ping(over_tcp).constant_bytes, 0u) << "the constant is released with its graph";
}

// 520 MiB: more than the 512 MiB an inline constant may have (refused before the shared-memory
// path existed).
constexpr uint32_t kLargeConstantElements = (uint32_t{520} << 20) / sizeof(float);

TEST(ServiceBigData, ConstantAbove512MiBOverUnixSocketTravelsAsSealedMemfd) {
  Daemon d;
  ASSERT_TRUE(d.process.has_value());
  CheckLargeConstant(d, /*over_tcp=*/false, kLargeConstantElements);
}

TEST(ServiceBigData, ConstantAbove512MiBOverTcpTravelsInChunks) {
  Daemon d;
  ASSERT_TRUE(d.process.has_value());
  CheckLargeConstant(d, /*over_tcp=*/true, kLargeConstantElements);
}

// Out-of-line constants count against maxConstantBytes before the graph is accepted, on both
// paths, with the quota's error.
TEST(ServiceBigData, LargeConstantsAreChargedToTheConstantQuota) {
  Daemon d(R"({"limits": {"maxConstantBytes": 4194304}})");
  ASSERT_TRUE(d.process.has_value());
  for (bool tcp : {false, true}) {
    auto ctx = d.Context(tcp);
    std::vector<std::byte> data(size_t{8} << 20);
    MLGraphBuilder b(ctx);
    auto c = b.constant({DataType::kFloat32, {static_cast<uint32_t>(data.size() / 4)}}, data);
    const std::string m = ExpectThrows([&] { (void)b.build({{"y", b.relu(c)}}); });
    EXPECT_NE(m.find("quota exceeded: constant bytes"), std::string::npos)
        << (tcp ? "tcp: " : "unix: ") << m;
    EXPECT_EQ(d.Ping(tcp).constant_bytes, 0u);
  }
  // Under the quota: 2 MiB goes out of line and works.
  CheckLargeConstant(d, /*over_tcp=*/false, (uint32_t{2} << 20) / sizeof(float));
  CheckLargeConstant(d, /*over_tcp=*/true, (uint32_t{2} << 20) / sizeof(float));
}

// A tensor larger than a message carries (1 GiB; 256 MiB under AddressSanitizer, whose shadow
// memory would quadruple the test's footprint) written and read back over TCP in chunks; a
// dispatch reading its last elements sees what was written there.
TEST(ServiceBigData, OneGiBTensorWrittenAndReadBackOverTcp) {
  Daemon d;
  ASSERT_TRUE(d.process.has_value());
  auto ctx = d.Context(/*over_tcp=*/true);
  const uint32_t elements = (kAddressSanitizer ? uint32_t{256} << 20 : uint32_t{1} << 30) / 4;
  std::vector<std::byte> data(uint64_t{elements} * 4);
  {
    auto* f = reinterpret_cast<float*>(data.data());
    for (uint64_t i = 0; i < elements; ++i) f[i] = Pattern(i);
  }
  MLTensor t = ctx->createTensor({DataType::kFloat32, {elements}, true, true});
  ctx->writeTensor(t, data);
  std::vector<std::byte> back(data.size());
  ctx->readTensor(t, back);
  EXPECT_TRUE(back == data) << "the bytes read back differ from those written";

  MLGraphBuilder b(ctx);
  auto x = b.input("x", {DataType::kFloat32, {elements}});
  MLGraph g = b.build({{"tail", b.slice(x, {elements - 4}, {4})}});
  MLTensor tail = ctx->createTensor({DataType::kFloat32, {4}, true, false});
  ctx->dispatch(g, {{"x", t}}, {{"tail", tail}});
  const std::vector<float> got = Floats(ctx->readTensor(tail));
  ASSERT_EQ(got.size(), 4u);
  for (uint32_t j = 0; j < 4; ++j) EXPECT_EQ(got[j], Pattern(elements - 4 + j));
}

// The fields of a /proc/PID/stat file from the third (the state) on; empty when the process is
// gone. "pid (comm) state ppid ...": the comm may hold spaces, so they are read after the last ')'.
std::vector<std::string> StatFields(const std::filesystem::path& stat_file) {
  const std::string stat = ReadFile(stat_file);
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(stat.substr(close + 1));
  return {std::istream_iterator<std::string>(rest), std::istream_iterator<std::string>()};
}

// Minor page faults of process `pid` so far (field 10 of /proc/PID/stat).
uint64_t MinorFaults(pid_t pid) {
  const std::vector<std::string> fields = StatFields("/proc/" + std::to_string(pid) + "/stat");
  EXPECT_GE(fields.size(), 8u) << "process " << pid << " is gone";
  return fields.size() >= 8 ? std::stoull(fields[7]) : 0;
}

// Chunked TCP transfers reuse the memory of their messages in the process that serves them
// (src/service/heap.h): 64 MiB written and read back three times (24 messages of one chunk)
// fault in less than one chunk's pages. Before that policy the process returned each message's
// buffer to the kernel and faulted it in again: ~8,200 faults per message.
TEST(ServiceBigData, ChunkedTcpTransfersReuseTheServingProcessMemory) {
  Daemon d;
  ASSERT_TRUE(d.process.has_value());
  auto ctx = d.Context(/*over_tcp=*/true);
  const pid_t worker = static_cast<pid_t>(d.Ping(/*over_tcp=*/true).worker_pid);
  ASSERT_GT(worker, 0);
  if (kAddressSanitizer) {
    // The sanitizer's allocator ignores the policy; the worker says so and serves on.
    EXPECT_NE(ReadFile(d.log).find("the allocator refused the heap policy"), std::string::npos)
        << ReadFile(d.log);
    return;
  }
  const size_t bytes = 4 * service::kTransferChunkBytes;
  std::vector<std::byte> data(bytes, std::byte{7}), back(bytes);
  MLTensor t = ctx->createTensor({DataType::kFloat32, {uint32_t(bytes / 4)}, true, true});
  ctx->writeTensor(t, data);  // the first transfer maps what the later ones reuse
  ctx->readTensor(t, back);
  const uint64_t before = MinorFaults(worker);
  for (int i = 0; i < 3; ++i) {
    ctx->writeTensor(t, data);
    ctx->readTensor(t, back);
  }
  const uint64_t faults = MinorFaults(worker) - before;
  std::printf("webnnd worker: %llu minor faults in 24 chunk messages\n",
              static_cast<unsigned long long>(faults));
  EXPECT_LT(faults, service::kTransferChunkBytes / 4096) << "the messages were faulted in again";
  EXPECT_TRUE(back == data);
}

// ---- Graph memory of concurrent runs ----------------------------------------------------------

uint64_t StatusKiB(pid_t pid, const std::string& field) {
  std::istringstream in(ReadFile("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1));
  }
  return 0;
}

// The largest VmHWM among `root` and its descendants: the process that serves the client is
// webnnd itself, or a worker process it started for the client's principal.
uint64_t TreeHwmKiB(pid_t root) {
  std::map<pid_t, pid_t> parent;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::vector<std::string> fields = StatFields(entry.path() / "stat");
    if (fields.size() < 2) continue;
    const pid_t ppid = static_cast<pid_t>(std::stoi(fields[1]));
    parent[static_cast<pid_t>(std::stoi(name))] = ppid;
  }
  uint64_t hwm = StatusKiB(root, "VmHWM");
  for (const auto& [pid, ppid] : parent) {
    for (pid_t p = ppid; p > 1; p = parent.count(p) ? parent[p] : 0) {
      if (p == root) {
        hwm = std::max(hwm, StatusKiB(pid, "VmHWM"));
        break;
      }
    }
  }
  return hwm;
}

// A graph one run of which holds 128 MiB of intermediates on the reference kernels:
// sum(relu(expand(x[1], [2^24]))); 16 MiB under AddressSanitizer, whose instrumented reference
// loops would take minutes over the larger one (the peak-memory check below is release-only).
constexpr uint32_t kExpanded = kAddressSanitizer ? uint32_t{1} << 21 : uint32_t{1} << 24;
constexpr uint64_t kRunBytes = uint64_t{2} * kExpanded * sizeof(float);

MLGraph ExpandGraph(const std::shared_ptr<MLContext>& ctx) {
  MLGraphBuilder b(ctx);
  auto x = b.input("x", {DataType::kFloat32, {1}});
  return b.build({{"y", b.reduceSum(b.relu(b.expand(x, {kExpanded})))}});
}

// Over TCP, dispatches on different tensors run concurrently on the service's pool, each run
// with its own intermediates. `runs` dispatches are sent at once, then each result is checked
// against the same graph run in this process.
void DispatchConcurrently(const std::shared_ptr<MLContext>& ctx, const MLGraph& g, int runs) {
  MLContextOptions local;
  local.backend = "reference";
  auto direct = ML().createContext(local);
  MLGraph dg = ExpandGraph(direct);
  std::vector<MLTensor> ins, outs;
  for (int r = 0; r < runs; ++r) {
    ins.push_back(ctx->createTensor({DataType::kFloat32, {1}, false, true}));
    outs.push_back(ctx->createTensor({DataType::kFloat32, {}, true, false}));
    const float v = static_cast<float>(r % 5) - 1.0f;
    ctx->writeTensor(ins.back(), HostTensor::FromFloats({1}, std::vector<float>{v}).bytes);
  }
  for (int r = 0; r < runs; ++r) ctx->dispatch(g, {{"x", ins[r]}}, {{"y", outs[r]}});
  for (int r = 0; r < runs; ++r) {
    const float v = static_cast<float>(r % 5) - 1.0f;
    const auto want =
        direct->compute(dg, {{"x", HostTensor::FromFloats({1}, std::vector<float>{v})}}).at("y");
    EXPECT_EQ(ctx->readTensor(outs[r]), want.bytes) << "run " << r;
  }
}

// With a quota that covers one run's intermediates, concurrent dispatches of the graph all
// succeed, no arena beyond the first is charged and the service never holds a second run's
// memory: the runs wait for each other instead.
TEST(ServiceBigData, ConcurrentRunsOfAGraphStayWithinTheGraphMemoryQuota) {
  Daemon d(R"({"limits": {"maxGraphMemoryBytes": )" + std::to_string(kRunBytes * 3 / 2) + "}}");
  ASSERT_TRUE(d.process.has_value());
  auto ctx = d.Context(/*over_tcp=*/true, "reference");
  MLGraph g = ExpandGraph(ctx);
  const uint64_t charged = d.Ping(/*over_tcp=*/true).graph_memory_bytes;
  EXPECT_GE(charged, kRunBytes);
  DispatchConcurrently(ctx, g, 1);  // one run's memory is now in the peak
  const uint64_t peak_kib = TreeHwmKiB(d.process->pid());
  DispatchConcurrently(ctx, g, 4);
  EXPECT_EQ(d.Ping(/*over_tcp=*/true).graph_memory_bytes, charged)
      << "a second arena was charged beyond the quota";
  if (!kAddressSanitizer) {  // ASan's quarantine holds freed memory
    const uint64_t growth_kib = TreeHwmKiB(d.process->pid()) - peak_kib;
    EXPECT_LT(growth_kib * 1024, kRunBytes / 2)
        << "webnnd's peak grew by " << growth_kib << " KiB: runs overlapped";
  }
}

// Under the default quota concurrent runs may each charge an arena; all of it goes with the
// graph.
TEST(ServiceBigData, ArenasOfConcurrentRunsAreReleasedWithTheGraph) {
  Daemon d;
  ASSERT_TRUE(d.process.has_value());
  auto ctx = d.Context(/*over_tcp=*/true, "reference");
  MLGraph g = ExpandGraph(ctx);
  const uint64_t charged = d.Ping(/*over_tcp=*/true).graph_memory_bytes;
  DispatchConcurrently(ctx, g, 4);
  const uint64_t after = d.Ping(/*over_tcp=*/true).graph_memory_bytes;
  EXPECT_GE(after, charged);
  // The build charged one run (the reference kernels have no arena); each extra run as much.
  EXPECT_EQ((after - charged) % charged, 0u) << "extra arenas are charged a run's bytes each";
  g.destroy();
  EXPECT_EQ(d.Ping(/*over_tcp=*/true).graph_memory_bytes, 0u);
}

// ---- Sealed constant regions -------------------------------------------------------------------

TEST(ServiceBigData, SealedRegionCannotBeWrittenAndIsMappedByThePeer) {
  std::vector<std::byte> a(100, std::byte{7}), b(50, std::byte{9});
  const service::SharedRegion::Piece pieces[] = {{0, a}, {128, b}};
  auto region = service::SharedRegion::CreateSealed(4096, "test-sealed", pieces);
  ASSERT_TRUE(region.ok()) << region.error().ToString();
  const int fd = region.value()->fd();
  // Neither write(2) nor a writable shared mapping can change it any more.
  const char byte = 1;
  EXPECT_EQ(pwrite(fd, &byte, 1, 0), -1);
  EXPECT_EQ(errno, EPERM);
  EXPECT_EQ(mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), MAP_FAILED);
  auto peer = service::SharedRegion::MapPeerSealed(fd, 1 << 20);
  ASSERT_TRUE(peer.ok()) << peer.error().ToString();
  EXPECT_EQ(peer.value()->size(), 4096u);
  EXPECT_EQ(peer.value()->data()[99], std::byte{7});
  EXPECT_EQ(peer.value()->data()[100], std::byte{0});
  EXPECT_EQ(peer.value()->data()[128 + 49], std::byte{9});
  // Larger than the room the quota leaves: refused before it is mapped.
  auto big = service::SharedRegion::MapPeerSealed(fd, 4095);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message().find("4096 bytes"), std::string::npos) << big.error().ToString();
}

TEST(ServiceBigData, RegionWithoutWriteSealIsRefused) {
  // A tensor-style region: sealed against resizing only, so its owner could still write it.
  auto writable = service::SharedRegion::Create(4096, "test-writable");
  ASSERT_TRUE(writable.ok());
  auto peer = service::SharedRegion::MapPeerSealed(writable.value()->fd(), 1 << 20);
  ASSERT_FALSE(peer.ok());
  EXPECT_NE(peer.error().message().find("F_SEAL_WRITE"), std::string::npos)
      << peer.error().ToString();
  // Not a memfd at all.
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  auto not_memfd = service::SharedRegion::MapPeerSealed(p[0], 1 << 20);
  EXPECT_FALSE(not_memfd.ok());
  close(p[0]);
  close(p[1]);
}

// ---- The protocol as a hostile client speaks it ------------------------------------------------

// A SharedMemory capability carrying any descriptor the test chooses.
class FdCapability final : public rpc::SharedMemory::Server {
 public:
  explicit FdCapability(int fd) : fd_(fd) {}
  kj::Maybe<int> getFd() override { return fd_; }

 private:
  int fd_;
};

// A raw Cap'n Proto connection to the daemon's Unix socket, a context on it, and a graph
// message y = relu(c) whose constant c (kConstantBytes) is `sharedMemory` region 0.
struct RawClient {
  static constexpr uint32_t kElements = 1024;
  static constexpr uint64_t kConstantBytes = kElements * sizeof(float);
  kj::AsyncIoContext io = kj::setupAsyncIo();
  kj::Own<kj::AsyncCapabilityStream> stream;
  kj::Own<capnp::TwoPartyVatNetwork> network;
  kj::Own<capnp::RpcSystem<capnp::rpc::twoparty::VatId>> rpc_system;
  kj::Maybe<rpc::Context::Client> context;
  kj::Array<capnp::word> message;

  explicit RawClient(const std::string& socket_path) {
    auto endpoint = service::ParseEndpoint("unix:" + socket_path);
    auto fd = service::ConnectSocket(endpoint.value());
    EXPECT_TRUE(fd.ok());
    stream = io.lowLevelProvider->wrapUnixSocketFd(fd.value(),
                                                   kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
    network = kj::heap<capnp::TwoPartyVatNetwork>(*stream, 2, capnp::rpc::twoparty::Side::CLIENT);
    rpc_system = kj::heap(capnp::makeRpcClient(*network));
    capnp::MallocMessageBuilder vat;
    vat.initRoot<capnp::rpc::twoparty::VatId>().setSide(capnp::rpc::twoparty::Side::SERVER);
    auto service =
        rpc_system->bootstrap(vat.getRoot<capnp::rpc::twoparty::VatId>()).castAs<rpc::Service>();
    auto connect = service.connectRequest();
    connect.setProtocolVersion(rpc::PROTOCOL_VERSION);
    auto create = connect.send().getProvider().createContextRequest();
    create.setMaxTensorByteLength(uint64_t{1} << 30);
    context = create.send().wait(io.waitScope).getContext();

    GraphInfo g;
    const OperandDescriptor desc{DataType::kFloat32, {kElements}};
    const OperandId c = g.AddOperand({OperandKind::kConstant, desc, "c"});
    const OperandId y = g.AddOperand({OperandKind::kOutput, desc, ""});
    Operation relu;
    relu.kind = OpKind::kRelu;
    relu.attrs = NoAttrs{};
    relu.inputs = {c};
    relu.outputs = {y};
    g.operations.push_back(relu);
    g.outputs.push_back({"y", y});
    g.constants.emplace(c, ByteBuffer());
    capnp::MallocMessageBuilder builder;
    auto file = builder.initRoot<wire::File>();
    file.setMagic(wire::FILE_MAGIC);
    file.setFormatVersion(wire::CURRENT_FORMAT_VERSION);
    EXPECT_TRUE(EncodeGraphInto(g, file.initGraph()).ok());
    auto shm = file.getGraph().getConstants()[0].getData().initSharedMemory();
    shm.setRegion(0);
    shm.setOffset(0);
    shm.setLength(kConstantBytes);
    message = capnp::messageToFlatArray(builder);
  }

  rpc::Context::Client Context() { return KJ_ASSERT_NONNULL(context); }

  // buildGraph with the constant in `region`; the service's error message, or "" if it built.
  std::string Build(const std::function<void(rpc::ConstantRegion::Builder)>& region) {
    auto req = Context().buildGraphRequest();
    req.setMessage(message.asBytes());
    region(req.initConstantRegions(1)[0]);
    auto response = req.send().wait(io.waitScope);
    return response.hasError() ? std::string(response.getError().getMessage().cStr()) : "";
  }

  std::string WriteUpload(uint64_t id, uint64_t offset, std::span<const std::byte> bytes) {
    auto req = Context().writeUploadRequest();
    req.setUpload(id);
    req.setOffset(offset);
    req.setData(kj::arrayPtr(reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()));
    auto response = req.send().wait(io.waitScope);
    return response.hasError() ? std::string(response.getError().getMessage().cStr()) : "";
  }
};

// A constant region the client could still write (no F_SEAL_WRITE) is refused; a sealed one,
// read-only for everyone, is accepted.
TEST(ServiceBigData, ServiceRefusesConstantRegionsTheClientCanStillWrite) {
  Daemon d;
  ASSERT_TRUE(d.process.has_value());
  RawClient raw(d.socket);
  auto writable = service::SharedRegion::Create(RawClient::kConstantBytes, "test-writable");
  ASSERT_TRUE(writable.ok());
  const int writable_fd = writable.value()->fd();
  std::string m = raw.Build([&](auto r) { r.setShared(kj::heap<FdCapability>(writable_fd)); });
  EXPECT_NE(m.find("F_SEAL_WRITE"), std::string::npos) << m;

  std::vector<std::byte> bytes(RawClient::kConstantBytes, std::byte{0x3f});
  const service::SharedRegion::Piece pieces[] = {{0, bytes}};
  auto sealed =
      service::SharedRegion::CreateSealed(RawClient::kConstantBytes, "test-sealed", pieces);
  ASSERT_TRUE(sealed.ok());
  const int sealed_fd = sealed.value()->fd();
  m = raw.Build([&](auto r) { r.setShared(kj::heap<FdCapability>(sealed_fd)); });
  EXPECT_EQ(m, "");
  // A region smaller than the constant it is said to hold.
  auto small = service::SharedRegion::CreateSealed(64, "test-small", {});
  ASSERT_TRUE(small.ok());
  const int small_fd = small.value()->fd();
  m = raw.Build([&](auto r) { r.setShared(kj::heap<FdCapability>(small_fd)); });
  EXPECT_NE(m.find("outside region 0"), std::string::npos) << m;
}

// An upload a graph has taken can no longer be written (nor taken again): the bytes the graph
// was validated with stay as they were.
TEST(ServiceBigData, UploadTakenByAGraphCannotBeWrittenAgain) {
  Daemon d;
  ASSERT_TRUE(d.process.has_value());
  RawClient raw(d.socket);
  auto create = raw.Context().createUploadRequest();
  create.setLength(RawClient::kConstantBytes);
  auto created = create.send().wait(raw.io.waitScope);
  ASSERT_FALSE(created.hasError());
  const uint64_t id = created.getId();
  std::vector<std::byte> bytes(RawClient::kConstantBytes, std::byte{0x3f});
  EXPECT_EQ(raw.WriteUpload(id, 0, bytes), "");
  // Out of bounds, overflowing the offset.
  const std::span<const std::byte> four = std::span(bytes).first(4);
  EXPECT_NE(raw.WriteUpload(id, RawClient::kConstantBytes - 3, four).find("the upload has"),
            std::string::npos);
  EXPECT_NE(raw.WriteUpload(id, ~uint64_t{0}, four).find("the upload has"), std::string::npos);
  EXPECT_EQ(raw.Build([&](auto r) { r.setUpload(id); }), "");
  EXPECT_NE(raw.WriteUpload(id, 0, bytes).find("no upload"), std::string::npos);
  EXPECT_NE(raw.Build([&](auto r) { r.setUpload(id); }).find("no upload"), std::string::npos);
}

// ---- Timeouts ----------------------------------------------------------------------------------

// A listening socket that never accepts, its backlog filled by connections of its own: a new
// connect blocks in the kernel (Unix) or gets no answer to its SYN (TCP).
struct FullBacklog {
  service::TempDir dir;
  int listen_fd = -1;
  std::vector<int> fillers;
  std::string endpoint;

  explicit FullBacklog(bool tcp) {
    if (tcp) {
      listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      EXPECT_EQ(bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
      socklen_t len = sizeof(addr);
      getsockname(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
      endpoint = "tcp:127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
      EXPECT_EQ(listen(listen_fd, 0), 0);
      // The accept queue holds backlog + 1 connections; the SYNs of later ones are dropped.
      for (int i = 0; i < 4; ++i) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        (void)connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
        fillers.push_back(fd);
      }
    } else {
      listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_un addr{};
      addr.sun_family = AF_UNIX;
      const std::string path = dir.path() + "/full.sock";
      std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
      EXPECT_EQ(bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
      endpoint = "unix:" + path;
      EXPECT_EQ(listen(listen_fd, 0), 0);
      // Until a non-blocking connect says the backlog is full.
      for (int i = 0; i < 64; ++i) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        const int rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
        fillers.push_back(fd);
        if (rc != 0 && errno == EAGAIN) break;
      }
    }
  }
  ~FullBacklog() {
    for (int fd : fillers) close(fd);
    close(listen_fd);
  }
};

void ExpectConnectTimesOut(const std::string& endpoint, const std::string& token_file) {
  MLContextOptions o;
  o.executor = "service";
  o.endpoint = endpoint;
  o.tokenFile = token_file;
  o.connectTimeoutSeconds = 0.3;
  const std::string what = ExpectThrows([&] { ML().createContext(o); });
  EXPECT_NE(what.find("timed out after 0.3 s"), std::string::npos) << what;
  auto ping = service::Ping(endpoint, token_file, 1, 0.3);
  ASSERT_FALSE(ping.ok());
  EXPECT_NE(ping.error().ToString().find("timed out after 0.3 s"), std::string::npos)
      << ping.error().ToString();
}

TEST(ServiceBigData, ConnectToUnixListenerWithFullBacklogTimesOut) {
  FullBacklog peer(/*tcp=*/false);
  ExpectConnectTimesOut(peer.endpoint, "");
}

TEST(ServiceBigData, ConnectToTcpListenerWithFullBacklogTimesOut) {
  FullBacklog peer(/*tcp=*/true);
  service::TempDir dir;
  const std::string token = dir.path() + "/token";
  std::ofstream(token) << "0123456789abcdef0123456789abcdef\n";
  chmod(token.c_str(), 0600);
  ExpectConnectTimesOut(peer.endpoint, token);
}

}  // namespace
}  // namespace webnn
