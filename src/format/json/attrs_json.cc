#include "format/json/attrs_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>

#include "format/json/json_util.h"

namespace webnn {
namespace {

using json_util::Describe;
using json_util::Json;
using json_util::PathError;

// ---- What each field type looks like in a message -------------------------------------------

template <typename T>
struct Noun;
template <>
struct Noun<bool> {
  static std::string One() { return "a boolean"; }
  static std::string Many() { return "booleans"; }
};
template <>
struct Noun<uint32_t> {
  static std::string One() { return "an unsigned integer"; }
  static std::string Many() { return "unsigned integers"; }
};
template <>
struct Noun<int32_t> {
  static std::string One() { return "an integer"; }
  static std::string Many() { return "integers"; }
};
template <>
struct Noun<double> {
  static std::string One() { return "a number"; }
  static std::string Many() { return "numbers"; }
};
template <>
struct Noun<float> {
  static std::string One() { return "a number"; }
  static std::string Many() { return "numbers"; }
};
template <>
struct Noun<DataType> {
  static std::string One() { return "a data type name"; }
  static std::string Many() { return "data type names"; }
};
template <>
struct Noun<MLNumber> {
  static std::string One() {
    return "a number (or \"NaN\", \"Infinity\", a decimal integer string)";
  }
  static std::string Many() { return "numbers"; }
};
template <>
struct Noun<SplitSpec> {
  static std::string One() { return "an unsigned integer or an array of unsigned integers"; }
  static std::string Many() { return "split specifications"; }
};
template <SpecEnum E>
struct Noun<E> {
  static std::string One() { return "a string"; }
  static std::string Many() { return "strings"; }
};
template <typename T>
struct Noun<std::vector<T>> {
  static std::string One() { return "an array of " + Noun<T>::Many(); }
  static std::string Many() { return "arrays"; }
};
template <typename T>
struct Noun<std::optional<T>> {
  static std::string One() { return Noun<T>::One(); }
  static std::string Many() { return Noun<T>::Many(); }
};

template <typename T>
Error Expected(std::string_view path, const Json& v) {
  return PathError(path, "expected ", Noun<T>::One(), ", got ", Describe(v));
}

// ---- Readers ---------------------------------------------------------------------------------

// An integer in [lo, hi]; integral floats (2.0) are accepted.
Status ParseInteger(const Json& v, std::string_view path, int64_t lo, int64_t hi,
                    const std::string& noun, int64_t& out) {
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(hi)) {
      return PathError(path, Describe(v), " is out of range (", lo, " to ", hi, ")");
    }
    out = static_cast<int64_t>(u);
    return {};
  }
  if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    if (i < lo || i > hi) {
      if (lo == 0) return PathError(path, "expected ", noun, ", got ", Describe(v));
      return PathError(path, Describe(v), " is out of range (", lo, " to ", hi, ")");
    }
    out = i;
    return {};
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || d != std::floor(d)) {
      return PathError(path, "expected ", noun, ", got ", Describe(v));
    }
    if (d < static_cast<double>(lo) || d > static_cast<double>(hi)) {
      if (lo == 0 && d < 0) return PathError(path, "expected ", noun, ", got ", Describe(v));
      return PathError(path, Describe(v), " is out of range (", lo, " to ", hi, ")");
    }
    out = static_cast<int64_t>(d);
    return {};
  }
  return PathError(path, "expected ", noun, ", got ", Describe(v));
}

std::optional<double> NonFiniteFromString(const Json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  return std::nullopt;
}

Status Parse(const Json& v, std::string_view path, bool& out) {
  if (!v.is_boolean()) return Expected<bool>(path, v);
  out = v.get<bool>();
  return {};
}

Status Parse(const Json& v, std::string_view path, uint32_t& out) {
  int64_t i = 0;
  WEBNN_RETURN_IF_ERROR(
      ParseInteger(v, path, 0, std::numeric_limits<uint32_t>::max(), Noun<uint32_t>::One(), i));
  out = static_cast<uint32_t>(i);
  return {};
}

Status Parse(const Json& v, std::string_view path, int32_t& out) {
  int64_t i = 0;
  WEBNN_RETURN_IF_ERROR(ParseInteger(v, path, std::numeric_limits<int32_t>::min(),
                                     std::numeric_limits<int32_t>::max(), Noun<int32_t>::One(), i));
  out = static_cast<int32_t>(i);
  return {};
}

Status Parse(const Json& v, std::string_view path, double& out) {
  if (v.is_number()) {
    out = v.get<double>();
    return {};
  }
  if (auto d = NonFiniteFromString(v)) {
    out = *d;
    return {};
  }
  return Expected<double>(path, v);
}

Status Parse(const Json& v, std::string_view path, float& out) {
  double d = 0;
  WEBNN_RETURN_IF_ERROR(Parse(v, path, d));
  if (std::isfinite(d) && std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max())) {
    return PathError(path, Describe(v), " is out of range for float32");
  }
  out = static_cast<float>(d);
  return {};
}

Status Parse(const Json& v, std::string_view path, DataType& out) {
  if (!v.is_string()) return Expected<DataType>(path, v);
  const std::string& s = v.get_ref<const std::string&>();
  if (auto t = DataTypeFromName(s)) {
    out = *t;
    return {};
  }
  std::string allowed;
  for (int i = 0; i < kDataTypeCount; ++i) {
    if (i) allowed += ", ";
    allowed += DataTypeName(static_cast<DataType>(i));
  }
  return PathError(path, "unknown data type ", Describe(v), " (allowed: ", allowed, ")");
}

template <SpecEnum E>
Status Parse(const Json& v, std::string_view path, E& out) {
  if (!v.is_string()) return Expected<E>(path, v);
  if (auto e = EnumFromName<E>(v.get_ref<const std::string&>())) {
    out = *e;
    return {};
  }
  std::string allowed;
  for (std::string_view name : EnumTraits<E>::kNames) {
    if (!allowed.empty()) allowed += ", ";
    allowed += '"';
    allowed += name;
    allowed += '"';
  }
  return PathError(path, "unknown value ", Describe(v), " (allowed: ", allowed, ")");
}

Status Parse(const Json& v, std::string_view path, MLNumber& out) {
  auto r = MLNumberFromJson(v, path);
  if (!r.ok()) return std::move(r.error());
  out = *r;
  return {};
}

template <typename T>
Status Parse(const Json& v, std::string_view path, std::vector<T>& out) {
  if (!v.is_array()) return Expected<std::vector<T>>(path, v);
  out.clear();
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    T item{};
    WEBNN_RETURN_IF_ERROR(Parse(v[i], json_util::Index(path, i), item));
    out.push_back(std::move(item));
  }
  return {};
}

Status Parse(const Json& v, std::string_view path, SplitSpec& out) {
  if (v.is_array()) {
    UintList sizes;
    WEBNN_RETURN_IF_ERROR(Parse(v, path, sizes));
    out = std::move(sizes);
    return {};
  }
  if (v.is_number()) {
    uint32_t count = 0;
    WEBNN_RETURN_IF_ERROR(Parse(v, path, count));
    out = count;
    return {};
  }
  return Expected<SplitSpec>(path, v);
}

template <typename T>
Status Parse(const Json& v, std::string_view path, std::optional<T>& out) {
  if (v.is_null()) {
    out.reset();
    return {};
  }
  T value{};
  WEBNN_RETURN_IF_ERROR(Parse(v, path, value));
  out = std::move(value);
  return {};
}

// ---- Writers ---------------------------------------------------------------------------------
// A null Json means "nothing to write" (an absent optional).

Json DoubleToJson(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return d;
}

Json Write(bool b) { return b; }
Json Write(uint32_t u) { return u; }
Json Write(int32_t i) { return i; }
Json Write(double d) { return DoubleToJson(d); }
Json Write(float f) {
  if (!std::isfinite(f)) return DoubleToJson(f);
  // The shortest decimal that reads back as this float ("0.1", not 0.10000000149011612).
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f);
  if (ec != std::errc()) return static_cast<double>(f);
  double d = 0;
  auto [p, ec2] = std::from_chars(buf, end, d);
  if (ec2 != std::errc() || static_cast<float>(d) != f) return static_cast<double>(f);
  return d;
}
Json Write(DataType t) { return std::string(DataTypeName(t)); }
template <SpecEnum E>
Json Write(E e) {
  return std::string(EnumName(e));
}
Json Write(const MLNumber& n) { return MLNumberToJson(n); }
template <typename T>
Json Write(const std::vector<T>& v) {
  Json out = Json::array();
  for (const T& item : v) out.push_back(Write(item));
  return out;
}
Json Write(const SplitSpec& s) {
  if (const uint32_t* count = std::get_if<uint32_t>(&s)) return *count;
  return Write(std::get<UintList>(s));
}
template <typename T>
Json Write(const std::optional<T>& o) {
  if (!o) return nullptr;
  return Write(*o);
}

template <typename T>
Json FieldsToJson(const T& a) {
  Json out = Json::object();
  T::VisitFields(a, [&](const char* name, const auto& field, FieldKind) {
    Json v = Write(field);
    if (!v.is_null()) out[name] = std::move(v);
  });
  return out;
}

}  // namespace

Result<MLNumber> MLNumberFromJson(const Json& v, std::string_view path) {
  if (v.is_number()) return MLNumber(v.get<double>());
  if (auto d = NonFiniteFromString(v)) return MLNumber(*d);
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    const bool negative = !s.empty() && s[0] == '-';
    const std::string_view digits = std::string_view(s).substr(negative ? 1 : 0);
    bool all_digits = !digits.empty();
    for (char c : digits) all_digits = all_digits && c >= '0' && c <= '9';
    if (all_digits) {
      int64_t i = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
      if (ec == std::errc() && p == s.data() + s.size()) return MLNumber::Int(i);
      if (!negative) {
        uint64_t u = 0;
        auto [p2, ec2] = std::from_chars(s.data(), s.data() + s.size(), u);
        if (ec2 == std::errc() && p2 == s.data() + s.size()) return MLNumber::Uint(u);
      }
      return PathError(path, "the integer ", Describe(v), " is out of range (int64 or uint64)");
    }
  }
  return Expected<MLNumber>(path, v);
}

Json MLNumberToJson(const MLNumber& n) {
  switch (n.kind) {
    case MLNumber::Kind::kDouble:
      return DoubleToJson(n.d);
    case MLNumber::Kind::kInt64:
      return std::to_string(n.i);
    case MLNumber::Kind::kUint64:
      return std::to_string(n.u);
  }
  return DoubleToJson(n.d);
}

Result<Attrs> AttrsFromJson(OpKind kind, const Json& options, std::string_view path,
                            const AttrsJsonOptions& opts) {
  if (static_cast<size_t>(kind) >= kOpCount) {
    return PathError(path, "unknown operator kind ", static_cast<int>(kind));
  }
  if (!options.is_null() && !options.is_object()) {
    return PathError(path, "expected an object, got ", Describe(options));
  }
  Attrs attrs = DefaultAttrs(kind);
  Status status;
  std::visit(
      [&](auto& a) {
        using T = std::decay_t<decltype(a)>;
        std::vector<std::string> known;
        if constexpr (!std::is_same_v<T, std::monostate>) {
          T::VisitFields(a, [&](const char* name, auto&, FieldKind) { known.emplace_back(name); });
        }
        for (const std::string& k : opts.skip_keys) known.push_back(k);
        // Unknown keys first: a typo in a name is the likelier cause of a later error.
        if (options.is_object()) {
          for (const auto& [key, value] : options.items()) {
            bool found = false;
            for (const std::string& k : known) found = found || k == key;
            if (found) continue;
            std::string list;
            for (const std::string& k : known) {
              if (!list.empty()) list += ", ";
              list += k;
            }
            status = PathError(
                json_util::Member(path, key), "unknown option of ", OpName(kind),
                list.empty() ? std::string(" (it has no options)") : " (known: " + list + ")");
            return;
          }
        }
        if constexpr (!std::is_same_v<T, std::monostate>) {
          T::VisitFields(a, [&](const char* name, auto& field, FieldKind field_kind) {
            if (!status.ok()) return;
            const Json* value = nullptr;
            if (options.is_object()) {
              auto it = options.find(name);
              if (it != options.end() && !it->is_null()) value = &*it;
            }
            if (!value) {
              if (field_kind == FieldKind::kRequired) {
                status = PathError(path, "missing required option '", name, "' of ", OpName(kind));
              }
              return;
            }
            status = Parse(*value, json_util::Member(path, name), field);
          });
        }
      },
      attrs);
  if (!status.ok()) return std::move(status.error());
  return attrs;
}

Json AttrsToJson(const Attrs& attrs) {
  return std::visit(
      [](const auto& a) -> Json {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return Json::object();
        } else {
          const Json defaults = FieldsToJson(T{});
          Json out = Json::object();
          T::VisitFields(a, [&](const char* name, const auto& field, FieldKind field_kind) {
            Json v = Write(field);
            if (v.is_null()) return;  // an absent optional
            if (field_kind == FieldKind::kOptional) {
              auto it = defaults.find(name);
              if (it != defaults.end() && *it == v) return;
            }
            out[name] = std::move(v);
          });
          return out;
        }
      },
      attrs);
}

}  // namespace webnn
