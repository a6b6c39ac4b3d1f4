#include "service_input.h"

#include <algorithm>

namespace webnn::fuzz {

service::ServerConfig FuzzServiceConfig() {
  service::ServerConfig c;
  c.threads = 1;
  c.intra_op_threads = 1;
  c.backends = {"reference"};
  c.auth_timeout_ms = UINT32_MAX;  // the harness keeps idle connections open for the whole run
  c.idle_timeout_seconds = 0;
  // Room for the largest message these limits let through (a graph with 1 MiB of constants)
  // and its reads (gate.h), not for the 1 GiB a message may otherwise announce: the service
  // allocates what a segment table announces before the bytes arrive, and under AddressSanitizer
  // poisoning 128 MiB that never come took 200 ms an input.
  c.max_message_bytes = uint64_t{16} << 20;
  service::ClientLimits& l = c.limits;
  l.max_tensor_bytes = uint64_t{1} << 20;
  l.max_constant_bytes = uint64_t{1} << 20;
  l.max_tensor_byte_length = uint64_t{256} << 10;
  l.max_graph_memory_bytes = uint64_t{4} << 20;
  l.max_graph_work = uint64_t{1} << 22;
  l.max_graphs = 8;
  l.max_tensors = 32;
  l.max_contexts = 4;
  l.max_inflight_dispatches = 16;
  l.requests_per_second = 1e12;
  l.request_burst = 1e12;
  return c;
}

ServiceInput ParseServiceInput(std::span<const uint8_t> data) {
  ServiceInput input;
  if (data.empty()) return input;
  input.peer = static_cast<PeerKind>(data[0] % 3);
  size_t at = 1;
  while (at < data.size()) {
    const uint8_t kind = data[at] % 3;
    uint32_t n = 0;
    for (size_t i = 0; i < 4; ++i) {
      const size_t k = at + 1 + i;
      n |= static_cast<uint32_t>(k < data.size() ? data[k] : 0) << (8 * i);
    }
    at = std::min(at + 5, data.size());
    ServiceRecord r{static_cast<ServiceRecord::Kind>(kind), {}, 0};
    if (r.kind == ServiceRecord::Kind::kWait) {
      r.count = n;
    } else {
      const size_t len = std::min<size_t>(n, data.size() - at);
      r.payload = data.subspan(at, len);
      at += len;
    }
    input.records.push_back(r);
  }
  return input;
}

namespace {
void AppendRecord(std::string& out, ServiceRecord::Kind kind, uint32_t n) {
  out.push_back(static_cast<char>(kind));
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
}
}  // namespace

void AppendPeer(std::string& out, PeerKind peer) { out.push_back(static_cast<char>(peer)); }

void AppendMessage(std::string& out, std::span<const uint8_t> message_words) {
  AppendRecord(out, ServiceRecord::Kind::kMessage, static_cast<uint32_t>(message_words.size()));
  out.append(reinterpret_cast<const char*>(message_words.data()), message_words.size());
}

void AppendRaw(std::string& out, std::span<const uint8_t> bytes) {
  AppendRecord(out, ServiceRecord::Kind::kRaw, static_cast<uint32_t>(bytes.size()));
  out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void AppendWait(std::string& out, uint32_t returns) {
  AppendRecord(out, ServiceRecord::Kind::kWait, returns);
}

}  // namespace webnn::fuzz
