#include "ir/graph_info.h"

#include <cstring>

namespace webnn {

ByteBuffer ByteBuffer::Copy(std::span<const std::byte> bytes) {
  return FromVector(std::vector<std::byte>(bytes.begin(), bytes.end()));
}

ByteBuffer ByteBuffer::FromVector(std::vector<std::byte> bytes) {
  auto owner = std::make_shared<std::vector<std::byte>>(std::move(bytes));
  const std::byte* data = owner->data();
  const size_t size = owner->size();
  return ByteBuffer(std::move(owner), data, size);
}

bool operator==(const ByteBuffer& a, const ByteBuffer& b) {
  return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data_, b.data_, a.size_) == 0);
}

}  // namespace webnn

namespace webnn {

GraphSignature GraphSignature::Of(const GraphInfo& graph) {
  GraphSignature s;
  for (OperandId id : graph.inputs) {
    s.inputs.push_back({graph.operands[id].name, graph.operands[id].desc});
  }
  for (const GraphOutput& out : graph.outputs) {
    s.outputs.push_back({out.name, graph.operands[out.operand].desc});
  }
  return s;
}

}  // namespace webnn
