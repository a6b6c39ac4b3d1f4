// OpKind and the per-operator facts parsed from op_table.inc.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "webnn/attrs.h"
#include "webnn/types.h"

namespace webnn {

enum class OpKind : uint8_t {
#define WEBNN_OP(kind, name, attrs, operands, outputs, ...) k##kind,
#include "ops/op_table.inc"
#undef WEBNN_OP
};

inline constexpr size_t kOpCount = 0
#define WEBNN_OP(kind, name, attrs, operands, outputs, ...) +1
#include "ops/op_table.inc"
#undef WEBNN_OP
    ;

// Attribute type of each op, for typed access: AttrsOf<OpKind::kConv2d> is Conv2dAttrs.
template <OpKind K>
struct AttrsOfT;
#define WEBNN_OP(kind, name, attrs, operands, outputs, ...) \
  template <>                                               \
  struct AttrsOfT<OpKind::k##kind> {                        \
    using type = attrs;                                     \
  };
#include "ops/op_table.inc"
#undef WEBNN_OP
template <OpKind K>
using AttrsOf = typename AttrsOfT<K>::type;

// A rank or type constraint that refers to another slot ("same as input").
inline constexpr int kNoSlot = -1;
// The rank upper bound "N": the context's maximum rank.
inline constexpr uint32_t kAnyRank = 0xFFFFFFFFu;

struct SlotConstraint {
  std::string_view name;
  bool optional = false;       // an operand-valued option (or an output only some options produce)
  bool variadic = false;       // a sequence of operands (concat inputs, split outputs)
  DataTypeSet types;           // allowed types when same_type_as == kNoSlot
  int same_type_as = kNoSlot;  // index of an input slot
  uint32_t min_rank = 0;
  uint32_t max_rank = kAnyRank;
  int same_rank_as = kNoSlot;  // index of an input slot
};

struct OpInfo {
  OpKind kind;
  std::string_view name;  // the MLGraphBuilder method name
  std::vector<SlotConstraint> inputs;
  std::vector<SlotConstraint> outputs;
  // Index into the Attrs variant of this op's attribute type.
  size_t attrs_index = 0;
  // The "fusable" trait: a unary element-wise operation a compiling backend may apply as a
  // post-op of the primitive producing its input.
  bool fusable = false;

  // Index of the input slot with that name, or kNoSlot.
  int InputSlot(std::string_view slot_name) const;
  size_t RequiredInputCount() const;  // slots that are neither optional nor variadic
  bool IsVariadic() const { return !inputs.empty() && inputs[0].variadic; }
};

const OpInfo& GetOpInfo(OpKind kind);
std::string_view OpName(OpKind kind);
std::optional<OpKind> OpKindFromName(std::string_view name);
// A default-constructed Attrs holding the op's attribute type.
Attrs DefaultAttrs(OpKind kind);

// All op kinds in table order, for tests and opSupportLimits.
std::vector<OpKind> AllOpKinds();

}  // namespace webnn
