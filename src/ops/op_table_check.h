// Compile-time check of op_table.inc's slot grammar ("name[?|*]:types:ranks,...", see the
// table's header) and of its traits column: every row is checked by a static_assert in
// op_info.cc, so a typo in a row is a build error rather than an abort when the table is first
// read (or, for a trait, a fusion that silently never happens).
#pragma once

#include <string_view>

namespace webnn::op_table_check {

consteval bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

consteval bool IsName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// The slot names in `spec` (comma separated items, the name before the first ':', without a
// ?/* suffix) include `name`, looking only at the first `limit` items.
consteval bool HasSlot(std::string_view spec, std::string_view name, size_t limit) {
  size_t index = 0;
  while (!spec.empty() && index < limit) {
    const size_t comma = spec.find(',');
    std::string_view item = spec.substr(0, comma);
    std::string_view slot = item.substr(0, item.find(':'));
    if (slot.ends_with('?') || slot.ends_with('*')) slot.remove_suffix(1);
    if (slot == name) return true;
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
    ++index;
  }
  return false;
}

consteval bool IsTypeName(std::string_view s) {
#define WEBNN_DATA_TYPE(e, name, bits, ctype, shortname) \
  if (s == shortname) return true;
#include "webnn/data_types.inc"
#undef WEBNN_DATA_TYPE
  return false;
}

consteval bool TypesValid(std::string_view s) {
  if (s == "any" || s == "float") return true;
  while (true) {
    const size_t bar = s.find('|');
    if (!IsTypeName(s.substr(0, bar))) return false;
    if (bar == std::string_view::npos) return true;
    s.remove_prefix(bar + 1);
  }
}

consteval bool RanksValid(std::string_view s) {
  if (s == "N") return true;
  if (const size_t dash = s.find('-'); dash != std::string_view::npos) {
    const std::string_view hi = s.substr(dash + 1);
    return IsDigits(s.substr(0, dash)) && (hi == "N" || IsDigits(hi));
  }
  return IsDigits(s);
}

// `refs`: the spec "=slot" may name (the inputs, for the outputs); `self_refs`: whether the
// references are to earlier items of `spec` itself (the inputs).
consteval bool SlotsValid(std::string_view spec, std::string_view refs, bool self_refs) {
  if (spec.empty()) return false;
  std::string_view rest = spec;
  size_t index = 0;
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const size_t c1 = item.find(':');
    if (c1 == std::string_view::npos) return false;
    const size_t c2 = item.find(':', c1 + 1);
    if (c2 == std::string_view::npos || item.find(':', c2 + 1) != std::string_view::npos) {
      return false;
    }
    std::string_view name = item.substr(0, c1);
    if (name.ends_with('?') || name.ends_with('*')) name.remove_suffix(1);
    if (!IsName(name)) return false;
    const std::string_view types = item.substr(c1 + 1, c2 - c1 - 1);
    const std::string_view ranks = item.substr(c2 + 1);
    const size_t limit = self_refs ? index : static_cast<size_t>(-1);
    if (types.starts_with('=') ? !HasSlot(refs, types.substr(1), limit) : !TypesValid(types)) {
      return false;
    }
    if (ranks.starts_with('=') ? !HasSlot(refs, ranks.substr(1), limit) : !RanksValid(ranks)) {
      return false;
    }
    if (comma == std::string_view::npos) return true;
    rest.remove_prefix(comma + 1);
    ++index;
  }
}

// Whether the comma separated `traits` list `trait`.
constexpr bool HasTrait(std::string_view traits, std::string_view trait) {
  while (!traits.empty()) {
    const size_t comma = traits.find(',');
    if (traits.substr(0, comma) == trait) return true;
    if (comma == std::string_view::npos) break;
    traits.remove_prefix(comma + 1);
  }
  return false;
}

consteval bool RowValid(std::string_view inputs, std::string_view outputs) {
  return SlotsValid(inputs, inputs, /*self_refs=*/true) &&
         SlotsValid(outputs, inputs, /*self_refs=*/false);
}

// The traits a row may list (see op_table.inc's header).
inline constexpr std::string_view kTraits[] = {"fusable"};

// `traits`: empty, or known trait names separated by commas, each at most once.
consteval bool TraitsValid(std::string_view traits) {
  if (traits.empty()) return true;
  std::string_view rest = traits;
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    bool known = false;
    for (std::string_view t : kTraits) known = known || item == t;
    if (!known) return false;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
    if (HasTrait(rest, item)) return false;  // listed twice
  }
  return true;
}

}  // namespace webnn::op_table_check
