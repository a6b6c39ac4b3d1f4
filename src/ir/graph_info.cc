#include "ir/graph_info.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

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

namespace {

bool IdLess(const ConstantMap::value_type& entry, OperandId id) { return entry.first < id; }

}  // namespace

ConstantMap::iterator ConstantMap::find(OperandId id) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), id, IdLess);
  return it != entries_.end() && it->first == id ? it : entries_.end();
}

ConstantMap::const_iterator ConstantMap::find(OperandId id) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), id, IdLess);
  return it != entries_.end() && it->first == id ? it : entries_.end();
}

const ByteBuffer& ConstantMap::at(OperandId id) const {
  auto it = find(id);
  if (it == end()) throw std::out_of_range("ConstantMap::at: no constant for this operand");
  return it->second;
}

std::pair<ConstantMap::iterator, bool> ConstantMap::emplace(OperandId id, ByteBuffer bytes) {
  if (entries_.empty() || entries_.back().first < id) {
    entries_.emplace_back(id, std::move(bytes));
    return {entries_.end() - 1, true};
  }
  auto it = std::lower_bound(entries_.begin(), entries_.end(), id, IdLess);
  if (it != entries_.end() && it->first == id) return {it, false};
  return {entries_.insert(it, value_type(id, std::move(bytes))), true};
}

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
