// GraphInfo: the typed graph IR. Operands (inputs, constants, operation results) in one table
// indexed by OperandId, operations in topological order with typed attributes, and constant
// bytes. The builder produces it, the file formats and the Cap'n Proto codec read and write it,
// the backends compile it. ValidateGraph (ir/validate_graph.h) checks an untrusted one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ir/id_list.h"
#include "ops/op_info.h"
#include "webnn/attrs.h"
#include "webnn/types.h"

namespace webnn {

inline constexpr OperandId kNoOperand = std::numeric_limits<OperandId>::max();

enum class OperandKind : uint8_t {
  kInput,     // a graph input, bound by name at dispatch
  kConstant,  // data in GraphInfo::constants
  kOutput,    // the result of an operation (a graph output when it has a name in outputs)
};

struct Operand {
  OperandKind kind = OperandKind::kOutput;
  OperandDescriptor desc;
  std::string name;  // graph inputs: the input name; constants/results: an optional debug name
  friend bool operator==(const Operand&, const Operand&) = default;
};

struct Operation {
  OpKind kind = OpKind::kIdentity;
  // One entry per input slot of the op (op_table.inc), kNoOperand for an absent optional one;
  // for concat, one entry per input.
  IdList inputs;
  IdList outputs;
  Attrs attrs;
  std::string label;
  friend bool operator==(const Operation&, const Operation&) = default;
};

// Immutable bytes with a shared owner: a vector, a mapped file, a Cap'n Proto message segment or
// a shared-memory copy. Copying a ByteBuffer shares the bytes.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(std::shared_ptr<const void> owner, const std::byte* data, size_t size)
      : owner_(std::move(owner)), data_(data), size_(size) {}
  static ByteBuffer Copy(std::span<const std::byte> bytes);
  static ByteBuffer FromVector(std::vector<std::byte> bytes);
  const std::byte* data() const { return data_; }
  size_t size() const { return size_; }
  std::span<const std::byte> span() const { return {data_, size_}; }
  friend bool operator==(const ByteBuffer& a, const ByteBuffer& b);

 private:
  std::shared_ptr<const void> owner_;
  const std::byte* data_ = nullptr;
  size_t size_ = 0;
};

// The constants' bytes by operand id. A vector kept sorted by id: one allocation for all the
// entries instead of a tree node each (a decoder appends in id order, so building it is a
// push_back per constant), with the part of std::map's interface the code uses.
class ConstantMap {
 public:
  using value_type = std::pair<OperandId, ByteBuffer>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void reserve(size_t n) { entries_.reserve(n); }
  void clear() { entries_.clear(); }
  iterator erase(const_iterator it) { return entries_.erase(it); }

  iterator find(OperandId id);
  const_iterator find(OperandId id) const;
  size_t count(OperandId id) const { return find(id) != end() ? 1 : 0; }
  bool contains(OperandId id) const { return find(id) != end(); }
  // The entry of `id`; throws std::out_of_range when there is none (as std::map::at).
  const ByteBuffer& at(OperandId id) const;
  // Inserts (id, bytes) unless `id` has an entry already; returns the entry and whether it
  // was inserted. O(1) when ids arrive in increasing order.
  std::pair<iterator, bool> emplace(OperandId id, ByteBuffer bytes);

  friend bool operator==(const ConstantMap&, const ConstantMap&) = default;

 private:
  std::vector<value_type> entries_;  // sorted by id, ids unique
};

struct GraphOutput {
  std::string name;
  OperandId operand = kNoOperand;
  friend bool operator==(const GraphOutput&, const GraphOutput&) = default;
};

struct GraphInfo {
  std::string name;  // optional, from the file formats
  std::vector<Operand> operands;
  std::vector<OperandId> inputs;     // graph inputs, in declaration order
  std::vector<GraphOutput> outputs;  // named graph outputs, in declaration order
  std::vector<Operation> operations; // topologically sorted
  ConstantMap constants;
  friend bool operator==(const GraphInfo&, const GraphInfo&) = default;

  OperandId AddOperand(Operand operand) {
    operands.push_back(std::move(operand));
    return static_cast<OperandId>(operands.size() - 1);
  }
};

// What a caller of a compiled graph needs: the graph's inputs and outputs by name, in
// declaration order, with their descriptors.
struct GraphSignature {
  struct Entry {
    std::string name;
    OperandDescriptor desc;
    friend bool operator==(const Entry&, const Entry&) = default;
  };
  std::vector<Entry> inputs;
  std::vector<Entry> outputs;
  static GraphSignature Of(const GraphInfo& graph);
  friend bool operator==(const GraphSignature&, const GraphSignature&) = default;
};

}  // namespace webnn
