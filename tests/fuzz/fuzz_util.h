// Helpers shared by the libFuzzer harnesses of tests/fuzz.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "ir/graph_info.h"
#include "webnn/types.h"

namespace webnn::fuzz {

// The fuzz input as bytes and as text.
inline std::span<const std::byte> Bytes(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const std::byte*>(data), size};
}
inline std::span<const std::byte> Bytes(std::string_view text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

// Splits `input` at the first `max_parts - 1` occurrences of `separator`: a harness whose
// target reads several files takes them from one input ("doc<sep>manifest<sep>blob").
std::vector<std::string_view> SplitParts(std::string_view input, std::string_view separator,
                                         size_t max_parts);

// What one execution of a fuzzed graph may cost: no operand (input, constant, intermediate or
// output) has more than `max_elements` elements and there are at most `max_operations`
// operations. Every kernel's work is bounded by a small multiple of its operands' sizes
// (convolution and matmul by the product of two of them), so a graph within these runs in
// milliseconds and a single input cannot stall the fuzzer.
struct ExecBudget {
  uint64_t max_elements = 1024;
  size_t max_operations = 64;
};
bool WithinBudget(const GraphInfo& graph, const ExecBudget& budget);

// Deterministic input values for `desc`: small integers and quarters in [-4, 4] (every data type,
// int4/uint4 packed), the same for every run so a finding reproduces.
std::vector<std::byte> DeterministicInput(const OperandDescriptor& desc);

}  // namespace webnn::fuzz
