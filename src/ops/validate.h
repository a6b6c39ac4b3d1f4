// Validation and shape inference: one pure function per operator, following the spec's
// algorithms. The builder, the file loaders and the service's decoder all call ValidateOperation,
// so a graph from anywhere goes through the same checks.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ir/graph_info.h"
#include "ops/op_info.h"
#include "webnn/error.h"
#include "webnn/types.h"

namespace webnn {

// Limits of a context, as in Chromium's ContextProperties. Every dimension and every element
// count must fit in int32; byte lengths are checked against max_tensor_byte_length.
struct ContextLimits {
  uint32_t max_rank = 8;
  uint64_t max_tensor_byte_length = uint64_t{1} << 31;  // 2 GiB
  // Supported data types per op slot are the op table's; a backend may narrow them here later.
};

// Checks a descriptor against the limits: rank, each dimension > 0 and <= INT32_MAX, element
// count <= INT32_MAX, byte length <= max_tensor_byte_length. `what` names it in the message.
Status CheckDescriptor(const ContextLimits& limits, const OperandDescriptor& desc,
                       std::string_view what);
// The same checks as CheckDescriptor as a yes/no, without a message: lets a caller build the
// name of what it checks only when the answer is no.
bool WithinLimits(const ContextLimits& limits, const OperandDescriptor& desc);

// What a per-op validator sees: its inputs by slot and the limits. Errors are made through
// Fail(), which prefixes "<op> '<label>': ".
class OpValidationContext {
 public:
  OpValidationContext(OpKind kind, std::string_view label, const ContextLimits& limits,
                      std::span<const OperandDescriptor* const> inputs)
      : kind_(kind), label_(label), limits_(limits), inputs_(inputs) {}

  OpKind kind() const { return kind_; }
  const OpInfo& info() const { return GetOpInfo(kind_); }
  const ContextLimits& limits() const { return limits_; }
  // The descriptor in slot i; must be present (see has()).
  const OperandDescriptor& input(size_t slot) const { return *inputs_[slot]; }
  bool has(size_t slot) const { return slot < inputs_.size() && inputs_[slot] != nullptr; }
  // Optional input by slot name ("bias"); nullptr when absent.
  const OperandDescriptor* optional_input(std::string_view slot_name) const;
  std::span<const OperandDescriptor* const> inputs() const { return inputs_; }
  // "conv2d 'label'" or "conv2d"
  std::string OpLabel() const;

  template <typename... Args>
  Error Fail(ErrorCode code, const Args&... args) const {
    return MakeError(code, OpLabel(), ": ", args...);
  }
  template <typename... Args>
  Error TypeError(const Args&... args) const {
    return Fail(ErrorCode::kTypeError, args...);
  }

 private:
  OpKind kind_;
  std::string_view label_;
  const ContextLimits& limits_;
  std::span<const OperandDescriptor* const> inputs_;
};

// The output descriptors of one operation. Most operators have one output: it is kept in place
// (no allocation for the list); with two or more they all live in a vector. Elements are
// contiguous either way. The constructors take descriptors by value, so a validator's
// `OutputDescriptors{{type, std::move(shape)}}` moves the shape in (an std::vector built from
// an initializer list would copy it).
class OutputDescriptors {
 public:
  using value_type = OperandDescriptor;
  using iterator = OperandDescriptor*;
  using const_iterator = const OperandDescriptor*;

  OutputDescriptors() = default;
  OutputDescriptors(OperandDescriptor only)  // NOLINT(google-explicit-constructor)
      : one_(std::move(only)), has_one_(true) {}
  OutputDescriptors(OperandDescriptor first, OperandDescriptor second);

  size_t size() const { return spilled_ ? many_.size() : (has_one_ ? 1 : 0); }
  bool empty() const { return size() == 0; }
  OperandDescriptor* data() { return spilled_ ? many_.data() : &one_; }
  const OperandDescriptor* data() const { return spilled_ ? many_.data() : &one_; }
  iterator begin() { return data(); }
  iterator end() { return data() + size(); }
  const_iterator begin() const { return data(); }
  const_iterator end() const { return data() + size(); }
  OperandDescriptor& operator[](size_t i) { return data()[i]; }
  const OperandDescriptor& operator[](size_t i) const { return data()[i]; }
  OperandDescriptor& front() { return data()[0]; }
  const OperandDescriptor& front() const { return data()[0]; }
  OperandDescriptor& back() { return data()[size() - 1]; }
  const OperandDescriptor& back() const { return data()[size() - 1]; }

  void reserve(size_t n);
  void push_back(OperandDescriptor d);

  friend bool operator==(const OutputDescriptors& a, const OutputDescriptors& b);

 private:
  // Moves the in-place element (if any) into many_; from then on many_ holds everything.
  void Spill();

  OperandDescriptor one_;
  std::vector<OperandDescriptor> many_;
  bool has_one_ = false;
  bool spilled_ = false;
};

// Per-op validators, declared from the table. Each returns the output descriptors. The generic
// checks (input count, data types and ranks from the op table, output limits) are done by
// ValidateOperation before/after calling it, so validators check only op-specific rules.
#define WEBNN_OP(kind, name, attrs, operands, outputs, ...) \
  Result<OutputDescriptors> Validate##kind(const OpValidationContext& ctx, const attrs& a);
#include "ops/op_table.inc"
#undef WEBNN_OP

// Validates one operation: slot count, data types and ranks against op_table.inc, the op's
// own rules, then the output descriptors against the limits. `inputs` has one entry per slot
// (nullptr for an absent optional operand; concat: one per input).
Result<OutputDescriptors> ValidateOperation(OpKind kind, const Attrs& attrs, std::string_view label,
                                            std::span<const OperandDescriptor* const> inputs,
                                            const ContextLimits& limits);

// ---- Helpers shared by validators (ops/shape_utils.cc) -------------------------------------

// https://www.w3.org/TR/webnn/#bidirectionally-broadcasting
std::optional<std::vector<uint32_t>> BroadcastShapes(const std::vector<uint32_t>& a,
                                                     const std::vector<uint32_t>& b);
// https://www.w3.org/TR/webnn/#unidirectionally-broadcastable: `from` broadcasts to `to`.
bool IsUnidirectionallyBroadcastable(const std::vector<uint32_t>& from,
                                     const std::vector<uint32_t>& to);
// Checks that axes are unique and < rank; `what` names the option in the error.
Status CheckAxes(const OpValidationContext& ctx, const std::vector<uint32_t>& axes, uint32_t rank,
                 std::string_view what);
// A WebIDL `double` option (not `unrestricted double`): NaN and the infinities are a TypeError
// (https://webidl.spec.whatwg.org/#es-double). `what` names the option in the error.
Status CheckFinite(const OpValidationContext& ctx, double value, std::string_view what);
// Axes [0, rank) for an absent `axes` option.
std::vector<uint32_t> AllAxes(uint32_t rank);

}  // namespace webnn
