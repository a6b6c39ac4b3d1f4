// Fuzzes the service's handling of a dispatch-channel request (src/service/channel.h): what a
// client writes into the shared channel before it bumps `request` is untrusted, and the service
// must check every count and id and answer with an error, never run off the request or the
// tensors. The input is the channel's request area as the client leaves it:
//   [request u32: the sequence number][graph u64][num_inputs u32][num_outputs u32][tensors u64...]
// (little-endian; what the input leaves out stays zero). The context (ChannelFixture) has a few
// graphs and tensors, so ids 1..15 name real objects. The real handler
// (ContextCore::ServeChannelRequest) serves it, then the response must be well formed, a
// success must be a request the graph's signature allows, and the dispatch count must be back
// to zero.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>

#include "channel_fixture.h"

namespace webnn::fuzz {
namespace {

[[noreturn]] void Finding(std::string_view what) {
  std::cerr << "dispatch_channel_fuzzer: " << what << "\n";
  std::abort();
}

constexpr size_t kRequestBytes = sizeof(uint64_t) + 2 * sizeof(uint32_t) +
                                 service::DispatchChannel::kMaxTensors * sizeof(uint64_t);

void RunOne(ChannelFixture& f, const uint8_t* data, size_t size) {
  using service::DispatchChannel;
  f.Reset();
  auto ch = std::make_unique<DispatchChannel>();  // zero-filled
  uint32_t seq = 0;
  if (size >= sizeof(seq)) {
    std::memcpy(&seq, data, sizeof(seq));
    data += sizeof(seq);
    size -= sizeof(seq);
  }
  // A response the handler must overwrite.
  ch->response.store(seq + 1);
  ch->error_code = 0xdeadbeef;
  ch->message_length = 0xdeadbeef;
  ch->request.store(seq);
  // graph, num_inputs, num_outputs and tensors are laid out back to back in the channel.
  static_assert(offsetof(DispatchChannel, num_inputs) == offsetof(DispatchChannel, graph) + 8);
  static_assert(offsetof(DispatchChannel, num_outputs) == offsetof(DispatchChannel, graph) + 12);
  static_assert(offsetof(DispatchChannel, tensors) == offsetof(DispatchChannel, graph) + 16);
  std::memcpy(reinterpret_cast<uint8_t*>(ch.get()) + offsetof(DispatchChannel, graph), data,
              std::min(size, kRequestBytes));

  const uint64_t graph = ch->graph;
  const uint32_t ni = ch->num_inputs, no = ch->num_outputs;
  const uint32_t served = f.core().ServeChannelRequest(*ch);

  if (served != seq || ch->response.load() != seq) Finding("the response has another number");
  if (ch->error_code > static_cast<uint32_t>(ErrorCode::kUnknownError) + 1) {
    Finding("an error code outside ErrorCode: " + std::to_string(ch->error_code));
  }
  if (ch->message_length > DispatchChannel::kMaxMessage) Finding("a message beyond the channel");
  if (ch->error_code == 0) {
    if (ch->message_length != 0) Finding("a success with a message");
    std::lock_guard lock(f.core().mu);
    auto g = f.core().graphs.find(graph);
    if (g == f.core().graphs.end()) Finding("a success for an unknown graph");
    const GraphSignature& io = g->second.graph->signature();
    if (ni != io.inputs.size() || no != io.outputs.size()) {
      Finding("a success with counts that differ from the graph's");
    }
  } else if (ch->message_length == 0) {
    Finding("an error without a message");
  }
  if (f.client().inflight.load() != 0) Finding("a dispatch is still counted in flight");
}

ChannelFixture* fixture = nullptr;

}  // namespace
}  // namespace webnn::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto f = webnn::fuzz::ChannelFixture::Make();
  if (!f.ok()) {
    std::cerr << "dispatch_channel_fuzzer: the fixture: " << f.error().ToString() << "\n";
    std::abort();
  }
  // Lives until the process exits (reachable: not a leak).
  webnn::fuzz::fixture = std::move(f).value().release();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  webnn::fuzz::RunOne(*webnn::fuzz::fixture, data, size);
  return 0;
}
