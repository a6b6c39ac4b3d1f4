#include "ops/validate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <variant>

namespace webnn {

Status CheckDescriptor(const ContextLimits& limits, const OperandDescriptor& desc,
                       std::string_view what) {
  if (desc.rank() > limits.max_rank) {
    return MakeError(ErrorCode::kTypeError, what, ": rank ", desc.rank(),
                     " exceeds the maximum rank ", limits.max_rank);
  }
  constexpr uint64_t kInt32Max = std::numeric_limits<int32_t>::max();
  uint64_t elements = 1;
  for (size_t i = 0; i < desc.shape.size(); ++i) {
    const uint32_t d = desc.shape[i];
    if (d == 0) {
      return MakeError(ErrorCode::kTypeError, what, ": dimension ", i, " of shape ",
                       ShapeToString(desc.shape), " is 0");
    }
    if (d > kInt32Max) {
      return MakeError(ErrorCode::kTypeError, what, ": dimension ", i, " (", d,
                       ") does not fit in int32");
    }
    elements *= d;  // each factor <= 2^31 and the product is checked every step: no overflow
    if (elements > kInt32Max) {
      return MakeError(ErrorCode::kTypeError, what, ": element count of shape ",
                       ShapeToString(desc.shape), " does not fit in int32");
    }
  }
  const uint64_t bytes = ByteLengthFor(desc.dataType, elements);
  if (bytes > limits.max_tensor_byte_length) {
    return MakeError(ErrorCode::kTypeError, what, ": ", bytes,
                     " bytes exceeds the maximum tensor byte length ",
                     limits.max_tensor_byte_length);
  }
  return {};
}

OutputDescriptors::OutputDescriptors(OperandDescriptor first, OperandDescriptor second)
    : spilled_(true) {
  many_.reserve(2);
  many_.push_back(std::move(first));
  many_.push_back(std::move(second));
}

void OutputDescriptors::Spill() {
  if (spilled_) return;
  if (has_one_) {
    many_.push_back(std::move(one_));
    one_ = {};
    has_one_ = false;
  }
  spilled_ = true;
}

void OutputDescriptors::reserve(size_t n) {
  if (n <= 1 && !spilled_) return;
  Spill();
  many_.reserve(n);
}

void OutputDescriptors::push_back(OperandDescriptor d) {
  if (!spilled_ && !has_one_) {
    one_ = std::move(d);
    has_one_ = true;
    return;
  }
  Spill();
  many_.push_back(std::move(d));
}

bool operator==(const OutputDescriptors& a, const OutputDescriptors& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

bool WithinLimits(const ContextLimits& limits, const OperandDescriptor& desc) {
  if (desc.rank() > limits.max_rank) return false;
  constexpr uint64_t kInt32Max = std::numeric_limits<int32_t>::max();
  uint64_t elements = 1;
  for (const uint32_t d : desc.shape) {
    if (d == 0 || d > kInt32Max) return false;
    elements *= d;  // as in CheckDescriptor: checked every step, no overflow
    if (elements > kInt32Max) return false;
  }
  return ByteLengthFor(desc.dataType, elements) <= limits.max_tensor_byte_length;
}

const OperandDescriptor* OpValidationContext::optional_input(std::string_view slot_name) const {
  int slot = info().InputSlot(slot_name);
  if (slot == kNoSlot || !has(static_cast<size_t>(slot))) return nullptr;
  return inputs_[static_cast<size_t>(slot)];
}

std::string OpValidationContext::OpLabel() const {
  std::string s(OpName(kind_));
  if (!label_.empty()) {
    s += " '";
    s += label_;
    s += "'";
  }
  return s;
}

namespace {

// Checks one present operand against its slot's constraint. `index` is the operand's position
// in `inputs` (differs from the slot for concat).
Status CheckSlot(const OpValidationContext& ctx, const SlotConstraint& slot,
                 const OperandDescriptor& desc, std::string_view what,
                 std::span<const OperandDescriptor* const> inputs) {
  if (slot.same_type_as != kNoSlot) {
    const OperandDescriptor* ref = inputs[static_cast<size_t>(slot.same_type_as)];
    if (ref && ref->dataType != desc.dataType) {
      return ctx.TypeError(what, ": data type ", DataTypeName(desc.dataType),
                           " must be the same as ",
                           ctx.info().inputs[static_cast<size_t>(slot.same_type_as)].name, "'s (",
                           DataTypeName(ref->dataType), ")");
    }
  } else if (!slot.types.Has(desc.dataType)) {
    return ctx.TypeError(what, ": data type ", DataTypeName(desc.dataType),
                         " is not allowed (allowed: ", slot.types.ToString(), ")");
  }
  if (slot.same_rank_as != kNoSlot) {
    const OperandDescriptor* ref = inputs[static_cast<size_t>(slot.same_rank_as)];
    if (ref && ref->rank() != desc.rank()) {
      return ctx.TypeError(what, ": rank ", desc.rank(), " must be the same as ",
                           ctx.info().inputs[static_cast<size_t>(slot.same_rank_as)].name, "'s (",
                           ref->rank(), ")");
    }
  } else {
    const uint32_t max_rank = std::min(slot.max_rank, ctx.limits().max_rank);
    if (desc.rank() < slot.min_rank || desc.rank() > max_rank) {
      if (slot.min_rank == max_rank) {
        return ctx.TypeError(what, ": rank ", desc.rank(), " is not allowed (must be ",
                             slot.min_rank, ")");
      }
      return ctx.TypeError(what, ": rank ", desc.rank(), " is not allowed (must be ", slot.min_rank,
                           " to ", max_rank, ")");
    }
  }
  return {};
}

Result<OutputDescriptors> Dispatch(OpKind kind, const Attrs& attrs,
                                   const OpValidationContext& ctx) {
  switch (kind) {
#define WEBNN_OP(kind, name, attrs_type, operands, outputs, ...)                    \
  case OpKind::k##kind: {                                                           \
    const attrs_type* a = std::get_if<attrs_type>(&attrs);                          \
    if (!a) return ctx.Fail(ErrorCode::kDataError, "attributes of the wrong type"); \
    return Validate##kind(ctx, *a);                                                 \
  }
#include "ops/op_table.inc"
#undef WEBNN_OP
  }
  return ctx.Fail(ErrorCode::kDataError, "unknown operator kind ", static_cast<int>(kind));
}

}  // namespace

Result<OutputDescriptors> ValidateOperation(OpKind kind, const Attrs& attrs, std::string_view label,
                                            std::span<const OperandDescriptor* const> inputs,
                                            const ContextLimits& limits) {
  if (static_cast<size_t>(kind) >= kOpCount) {
    return MakeError(ErrorCode::kDataError, "unknown operator kind ", static_cast<int>(kind));
  }
  OpValidationContext ctx(kind, label, limits, inputs);
  const OpInfo& info = ctx.info();
  if (info.IsVariadic()) {
    if (inputs.empty()) return ctx.TypeError(info.inputs[0].name, ": must not be empty");
    for (size_t i = 0; i < inputs.size(); ++i) {
      std::string what = std::string(info.inputs[0].name) + "[" + std::to_string(i) + "]";
      if (!inputs[i]) return ctx.TypeError(what, ": missing operand");
      // "same as inputs' items": every item has the type and rank of the first.
      const OperandDescriptor& d = *inputs[i];
      if (d.dataType != inputs[0]->dataType) {
        return ctx.TypeError(what, ": data type ", DataTypeName(d.dataType),
                             " must be the same as ", info.inputs[0].name, "[0]'s (",
                             DataTypeName(inputs[0]->dataType), ")");
      }
      WEBNN_RETURN_IF_ERROR(CheckSlot(ctx, info.inputs[0], d, what, inputs));
    }
  } else {
    if (inputs.size() != info.inputs.size()) {
      return ctx.Fail(ErrorCode::kDataError, "expected ", info.inputs.size(),
                      " operand slots, got ", inputs.size());
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      const SlotConstraint& slot = info.inputs[i];
      if (!inputs[i]) {
        if (slot.optional) continue;
        return ctx.TypeError(slot.name, ": missing operand");
      }
      WEBNN_RETURN_IF_ERROR(CheckSlot(ctx, slot, *inputs[i], slot.name, inputs));
    }
  }
  WEBNN_ASSIGN_OR_RETURN(OutputDescriptors outputs, Dispatch(kind, attrs, ctx));
  for (size_t i = 0; i < outputs.size(); ++i) {
    // "output" or "output 1" (short: no allocation); the operation's label only on an error.
    // "output" or "output 1", built only for an error, as the operation's label.
    const auto output = [&] {
      return outputs.size() == 1 ? std::string("output") : "output " + std::to_string(i);
    };
    if (!WithinLimits(limits, outputs[i])) {
      Status checked = CheckDescriptor(limits, outputs[i], output());
      if (!checked.ok()) return std::move(checked.error().Prefix(ctx.OpLabel()));
    }
    // The op table's output types hold for what the validator inferred (a validator bug
    // otherwise; reported as an error rather than trusted).
    const SlotConstraint& slot = info.outputs[std::min(i, info.outputs.size() - 1)];
    const bool type_ok =
        slot.same_type_as == kNoSlot
            ? slot.types.Has(outputs[i].dataType)
            : outputs[i].dataType == inputs[static_cast<size_t>(slot.same_type_as)]->dataType;
    if (!type_ok) {
      return MakeError(ErrorCode::kOperationError, ctx.OpLabel(), ": ", output(),
                       ": inferred data type ", DataTypeName(outputs[i].dataType),
                       " violates the operator table");
    }
  }
  return outputs;
}

std::optional<std::vector<uint32_t>> BroadcastShapes(const std::vector<uint32_t>& a,
                                                     const std::vector<uint32_t>& b) {
  const size_t rank = std::max(a.size(), b.size());
  std::vector<uint32_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Align from the trailing dimension.
    const uint32_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const uint32_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

bool IsUnidirectionallyBroadcastable(const std::vector<uint32_t>& from,
                                     const std::vector<uint32_t>& to) {
  if (from.size() > to.size()) return false;
  const size_t offset = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i) {
    if (from[i] != to[offset + i] && from[i] != 1) return false;
  }
  return true;
}

Status CheckAxes(const OpValidationContext& ctx, const std::vector<uint32_t>& axes, uint32_t rank,
                 std::string_view what) {
  std::vector<bool> seen(rank, false);
  for (uint32_t axis : axes) {
    if (axis >= rank) {
      return ctx.TypeError(what, ": axis ", axis, " is out of range for rank ", rank);
    }
    if (seen[axis]) return ctx.TypeError(what, ": axis ", axis, " is repeated");
    seen[axis] = true;
  }
  return {};
}

Status CheckFinite(const OpValidationContext& ctx, double value, std::string_view what) {
  if (!std::isfinite(value)) return ctx.TypeError(what, ": must be a finite number, got ", value);
  return {};
}

std::vector<uint32_t> AllAxes(uint32_t rank) {
  std::vector<uint32_t> axes(rank);
  for (uint32_t i = 0; i < rank; ++i) axes[i] = i;
  return axes;
}

}  // namespace webnn
