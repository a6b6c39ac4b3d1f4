#include "ops/op_info.h"

#include <array>
#include <cassert>
#include <cstdlib>
#include <string>

#include "ops/op_table_check.h"

namespace webnn {
namespace {

template <typename T, typename Variant>
struct VariantIndex;
template <typename T, typename... Ts>
struct VariantIndex<T, std::variant<Ts...>> {
  static constexpr size_t value = [] {
    constexpr std::array<bool, sizeof...(Ts)> same = {std::is_same_v<T, Ts>...};
    for (size_t i = 0; i < same.size(); ++i) {
      if (same[i]) return i;
    }
    return sizeof...(Ts);
  }();
};

std::vector<std::string_view> SplitOn(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    parts.push_back(
        s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

DataTypeSet ParseTypes(std::string_view s) {
  // "any" means the spec's MLOperandDataType values; int4/uint4 only where listed explicitly.
  if (s == "any") {
    DataTypeSet set;
    for (DataType t : {DataType::kFloat32, DataType::kFloat16, DataType::kInt32, DataType::kUint32,
                       DataType::kInt64, DataType::kUint64, DataType::kInt8, DataType::kUint8}) {
      set.Add(t);
    }
    return set;
  }
  if (s == "float") return DataTypeSet().Add(DataType::kFloat32).Add(DataType::kFloat16);
  DataTypeSet set;
  for (std::string_view part : SplitOn(s, '|')) {
    bool found = false;
#define WEBNN_DATA_TYPE(e, name, bits, ctype, shortname) \
  if (part == shortname) {                               \
    set.Add(DataType::e);                                \
    found = true;                                        \
  }
#include "webnn/data_types.inc"
#undef WEBNN_DATA_TYPE
    if (!found) std::abort();  // a typo in op_table.inc; caught by the first test that runs
  }
  return set;
}

int FindSlot(const std::vector<SlotConstraint>& slots, std::string_view name) {
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].name == name) return static_cast<int>(i);
  }
  std::abort();  // op_table.inc refers to an unknown slot
}

uint32_t ParseUint(std::string_view s) {
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') std::abort();
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  return v;
}

// Parses "name[?|*]:types:ranks,..." (see op_table.inc). `refs` are the slots "=x" refers to.
std::vector<SlotConstraint> ParseSlots(std::string_view spec,
                                       const std::vector<SlotConstraint>* refs) {
  std::vector<SlotConstraint> slots;
  for (std::string_view item : SplitOn(spec, ',')) {
    std::vector<std::string_view> f = SplitOn(item, ':');
    if (f.size() != 3) std::abort();
    SlotConstraint c;
    std::string_view name = f[0];
    if (name.ends_with('?')) {
      c.optional = true;
      name.remove_suffix(1);
    } else if (name.ends_with('*')) {
      c.variadic = true;
      name.remove_suffix(1);
    }
    c.name = name;
    const std::vector<SlotConstraint>& ref_slots = refs ? *refs : slots;
    if (f[1].starts_with('=')) {
      c.same_type_as = FindSlot(ref_slots, f[1].substr(1));
    } else {
      c.types = ParseTypes(f[1]);
    }
    std::string_view r = f[2];
    if (r.starts_with('=')) {
      c.same_rank_as = FindSlot(ref_slots, r.substr(1));
    } else if (r == "N") {
      c.min_rank = 0;
      c.max_rank = kAnyRank;
    } else if (size_t dash = r.find('-'); dash != std::string_view::npos) {
      c.min_rank = ParseUint(r.substr(0, dash));
      std::string_view hi = r.substr(dash + 1);
      c.max_rank = hi == "N" ? kAnyRank : ParseUint(hi);
    } else {
      c.min_rank = c.max_rank = ParseUint(r);
    }
    slots.push_back(c);
  }
  return slots;
}

#define WEBNN_OP(kind, name, attrs, in_spec, out_spec, ...)                   \
  static_assert(op_table_check::RowValid(in_spec, out_spec),                  \
                "op_table.inc: malformed operand slots in the row of " name); \
  static_assert(op_table_check::TraitsValid("" __VA_ARGS__),                  \
                "op_table.inc: unknown or repeated trait in the row of " name);
#include "ops/op_table.inc"
#undef WEBNN_OP

std::vector<OpInfo> BuildTable() {
  std::vector<OpInfo> table;
#define WEBNN_OP(kind, name, attrs, in_spec, out_spec, ...)                        \
  {                                                                                \
    static_assert(VariantIndex<attrs, Attrs>::value < std::variant_size_v<Attrs>,  \
                  #attrs " is missing from WEBNN_ATTRS_TYPES");                    \
    OpInfo info{OpKind::k##kind, name, {}, {}, VariantIndex<attrs, Attrs>::value}; \
    info.inputs = ParseSlots(in_spec, nullptr);                                    \
    info.outputs = ParseSlots(out_spec, &info.inputs);                             \
    info.fusable = op_table_check::HasTrait("" __VA_ARGS__, "fusable");            \
    table.push_back(std::move(info));                                              \
  }
#include "ops/op_table.inc"
#undef WEBNN_OP
  return table;
}

const std::vector<OpInfo>& Table() {
  // Immutable after construction: a function-local constant, not a registry.
  static const std::vector<OpInfo> table = BuildTable();
  return table;
}

}  // namespace

int OpInfo::InputSlot(std::string_view slot_name) const {
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].name == slot_name) return static_cast<int>(i);
  }
  return kNoSlot;
}

size_t OpInfo::RequiredInputCount() const {
  size_t n = 0;
  for (const SlotConstraint& s : inputs) n += (!s.optional && !s.variadic) ? 1 : 0;
  return n;
}

const OpInfo& GetOpInfo(OpKind kind) {
  const auto& table = Table();
  assert(static_cast<size_t>(kind) < table.size());
  return table[static_cast<size_t>(kind)];
}

std::string_view OpName(OpKind kind) { return GetOpInfo(kind).name; }

std::optional<OpKind> OpKindFromName(std::string_view name) {
  for (const OpInfo& info : Table()) {
    if (info.name == name) return info.kind;
  }
  return std::nullopt;
}

Attrs DefaultAttrs(OpKind kind) {
  switch (kind) {
#define WEBNN_OP(kind, name, attrs, operands, outputs, ...) \
  case OpKind::k##kind:                                     \
    return attrs{};
#include "ops/op_table.inc"
#undef WEBNN_OP
  }
  return std::monostate{};
}

std::vector<OpKind> AllOpKinds() {
  std::vector<OpKind> kinds;
  for (size_t i = 0; i < kOpCount; ++i) kinds.push_back(static_cast<OpKind>(i));
  return kinds;
}

}  // namespace webnn
