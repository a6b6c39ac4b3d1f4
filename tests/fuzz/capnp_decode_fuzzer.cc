// Fuzzes the Cap'n Proto graph decoder (a `File` message of schema/webnn.capnp) and the
// ValidateGraph it ends with, through both entry points: DecodeGraph (copying) and
// DecodeGraphShared (zero-copy, aligned and unaligned bytes). Both must agree; a graph that
// decodes must encode, and decode again to the same graph.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>

#include "format/capnp/codec.h"
#include "fuzz_util.h"

namespace webnn {
namespace {

[[noreturn]] void Finding(std::string_view what, const Error* error = nullptr) {
  std::cerr << "capnp_decode_fuzzer: " << what;
  if (error) std::cerr << ": " << error->ToString();
  std::cerr << "\n";
  std::abort();
}

// The same outcome: both fail, or both succeed with equal graphs.
void ExpectSame(const Result<GraphInfo>& a, const Result<GraphInfo>& b, std::string_view what) {
  if (a.ok() != b.ok()) Finding(std::string(what) + ": one decode succeeds, the other fails");
  if (a.ok() && !(*a == *b)) Finding(std::string(what) + ": the decoded graphs differ");
}

void FuzzOne(std::span<const std::byte> bytes) {
  DecodeOptions options;
  options.limits.max_tensor_byte_length = uint64_t{16} << 20;
  options.max_message_bytes = uint64_t{1} << 20;
  Result<GraphInfo> copied = DecodeGraph(bytes, options);

  // Zero-copy over an 8-byte-aligned buffer the graph keeps alive.
  const size_t words = (bytes.size() + 7) / 8;
  std::shared_ptr<uint64_t[]> aligned(new uint64_t[words + 1]);
  std::memcpy(aligned.get(), bytes.data(), bytes.size());
  std::span<const std::byte> aligned_bytes(reinterpret_cast<const std::byte*>(aligned.get()),
                                           bytes.size());
  ExpectSame(copied, DecodeGraphShared(aligned, aligned_bytes, options), "zero-copy");
  // Unaligned bytes take the copying path inside DecodeGraphShared.
  if (bytes.size() % 2 == 1) {
    std::shared_ptr<uint64_t[]> shifted(new uint64_t[words + 1]);
    std::byte* at = reinterpret_cast<std::byte*>(shifted.get()) + 1;
    std::memcpy(at, bytes.data(), bytes.size());
    ExpectSame(copied, DecodeGraphShared(shifted, {at, bytes.size()}, options), "unaligned");
  }
  if (!copied.ok()) return;

  Result<std::vector<std::byte>> encoded = EncodeGraph(*copied);
  if (!encoded.ok()) Finding("a decoded graph does not encode", &encoded.error());
  Result<GraphInfo> again = DecodeGraph(*encoded, options);
  if (!again.ok()) Finding("an encoded graph does not decode", &again.error());
  if (!(*again == *copied)) Finding("encode + decode changes a decoded graph");
}

}  // namespace
}  // namespace webnn

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  webnn::FuzzOne(webnn::fuzz::Bytes(data, size));
  return 0;
}
