#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "webnn/attrs.h"
#include "webnn/error.h"
#include "webnn/types.h"

namespace webnn {

// IEEE 754 binary16 <-> binary32, round to nearest even.
float HalfToFloat(uint16_t h) {
  const uint32_t sign = (h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1Fu;
  const uint32_t mant = h & 0x3FFu;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {
      // Subnormal half: value = mant * 2^-24.
      float v = std::ldexp(static_cast<float>(mant), -24);
      std::memcpy(&bits, &v, 4);
      bits |= sign;
    }
  } else if (exp == 0x1F) {
    bits = sign | 0x7F800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t FloatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t abs = x & 0x7FFFFFFFu;
  if (abs > 0x7F800000u) return sign | 0x7E00u;   // NaN (quiet)
  if (abs >= 0x47800000u) {                      // >= 65536: overflow to infinity
    return sign | 0x7C00u;
  }
  if (abs >= 0x38800000u) {  // normal half (>= 2^-14)
    uint32_t mant = abs & 0x7FFFFFu;
    uint32_t exp = (abs >> 23) - 112;
    uint32_t half = (exp << 10) | (mant >> 13);
    uint32_t rem = mant & 0x1FFFu;
    if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) ++half;  // may carry into infinity
    return static_cast<uint16_t>(sign | half);
  }
  // Subnormal or zero: value / 2^-24, rounded to nearest even.
  float scaled = std::ldexp(std::fabs(f), 24);
  float r = std::nearbyint(scaled);  // default rounding mode: ties to even
  return static_cast<uint16_t>(sign | static_cast<uint16_t>(r));
}

std::string_view DataTypeName(DataType t) {
  switch (t) {
#define WEBNN_DATA_TYPE(e, name, bits, ctype, shortname) \
  case DataType::e:                                      \
    return name;
#include "webnn/data_types.inc"
#undef WEBNN_DATA_TYPE
  }
  return "unknown";
}

std::optional<DataType> DataTypeFromName(std::string_view name) {
#define WEBNN_DATA_TYPE(e, n, bits, ctype, shortname) \
  if (name == n) return DataType::e;
#include "webnn/data_types.inc"
#undef WEBNN_DATA_TYPE
  return std::nullopt;
}

uint32_t DataTypeBits(DataType t) {
  switch (t) {
#define WEBNN_DATA_TYPE(e, name, bits, ctype, shortname) \
  case DataType::e:                                      \
    return bits;
#include "webnn/data_types.inc"
#undef WEBNN_DATA_TYPE
  }
  return 0;
}

bool IsFloatingPoint(DataType t) { return t == DataType::kFloat32 || t == DataType::kFloat16; }

bool IsSigned(DataType t) {
  switch (t) {
    case DataType::kFloat32:
    case DataType::kFloat16:
    case DataType::kInt32:
    case DataType::kInt64:
    case DataType::kInt8:
    case DataType::kInt4:
      return true;
    case DataType::kUint32:
    case DataType::kUint64:
    case DataType::kUint8:
    case DataType::kUint4:
      return false;
  }
  return false;
}

std::vector<DataType> DataTypeSet::ToVector() const {
  std::vector<DataType> v;
  for (int i = 0; i < kDataTypeCount; ++i) {
    if (Has(static_cast<DataType>(i))) v.push_back(static_cast<DataType>(i));
  }
  return v;
}

std::string DataTypeSet::ToString() const {
  std::string s;
  for (DataType t : ToVector()) {
    if (!s.empty()) s += ", ";
    s += DataTypeName(t);
  }
  return s;
}

uint64_t OperandDescriptor::ElementCount() const {
  uint64_t n = 1;
  for (uint32_t d : shape) n *= d;
  return n;
}

uint64_t ByteLengthFor(DataType t, uint64_t elements) {
  return (elements * DataTypeBits(t) + 7) / 8;
}

uint64_t OperandDescriptor::ByteLength() const { return ByteLengthFor(dataType, ElementCount()); }

std::string ShapeToString(const std::vector<uint32_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

std::string DescriptorToString(const OperandDescriptor& d) {
  return std::string(DataTypeName(d.dataType)) + " " + ShapeToString(d.shape);
}

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kTypeError:
      return "TypeError";
    case ErrorCode::kInvalidStateError:
      return "InvalidStateError";
    case ErrorCode::kNotSupportedError:
      return "NotSupportedError";
    case ErrorCode::kDataError:
      return "DataError";
    case ErrorCode::kOperationError:
      return "OperationError";
    case ErrorCode::kUnknownError:
      return "UnknownError";
  }
  return "Error";
}

std::string Error::ToString() const {
  return std::string(ErrorCodeName(code_)) + ": " + message_;
}

double MLNumber::AsDouble() const {
  switch (kind) {
    case Kind::kDouble:
      return d;
    case Kind::kInt64:
      return static_cast<double>(i);
    case Kind::kUint64:
      return static_cast<double>(u);
  }
  return d;
}

namespace {
template <typename T>
T SaturateTo(const MLNumber& n) {
  constexpr double lo = static_cast<double>(std::numeric_limits<T>::lowest());
  constexpr double hi = static_cast<double>(std::numeric_limits<T>::max());
  switch (n.kind) {
    case MLNumber::Kind::kInt64:
      if constexpr (std::is_signed_v<T>) {
        if (n.i < static_cast<int64_t>(std::numeric_limits<T>::lowest())) {
          return std::numeric_limits<T>::lowest();
        }
        if (n.i > static_cast<int64_t>(std::numeric_limits<T>::max())) {
          return std::numeric_limits<T>::max();
        }
        return static_cast<T>(n.i);
      } else {
        if (n.i < 0) return 0;
        if (static_cast<uint64_t>(n.i) > std::numeric_limits<T>::max()) {
          return std::numeric_limits<T>::max();
        }
        return static_cast<T>(n.i);
      }
    case MLNumber::Kind::kUint64:
      if (n.u > static_cast<uint64_t>(std::numeric_limits<T>::max())) {
        return std::numeric_limits<T>::max();
      }
      return static_cast<T>(n.u);
    case MLNumber::Kind::kDouble: {
      double v = n.d;
      if (std::isnan(v)) return 0;
      if (v <= lo) return std::numeric_limits<T>::lowest();
      if (v >= hi) return std::numeric_limits<T>::max();
      // https://www.w3.org/TR/webnn/#convert-to-int: clamp, then round half to even.
      return static_cast<T>(std::nearbyint(v));
    }
  }
  return 0;
}
}  // namespace

void MLNumber::CastTo(DataType t, void* out) const {
  switch (t) {
    case DataType::kFloat32: {
      float v = static_cast<float>(AsDouble());
      std::memcpy(out, &v, 4);
      return;
    }
    case DataType::kFloat16: {
      uint16_t v = FloatToHalf(static_cast<float>(AsDouble()));
      std::memcpy(out, &v, 2);
      return;
    }
#define WEBNN_INT_CASE(e, ctype)      \
  case DataType::e: {                 \
    ctype v = SaturateTo<ctype>(*this); \
    std::memcpy(out, &v, sizeof v);   \
    return;                           \
  }
    WEBNN_INT_CASE(kInt32, int32_t)
    WEBNN_INT_CASE(kUint32, uint32_t)
    WEBNN_INT_CASE(kInt64, int64_t)
    WEBNN_INT_CASE(kUint64, uint64_t)
    WEBNN_INT_CASE(kInt8, int8_t)
    WEBNN_INT_CASE(kUint8, uint8_t)
#undef WEBNN_INT_CASE
    case DataType::kInt4: {
      int8_t v = std::clamp<int8_t>(SaturateTo<int8_t>(*this), -8, 7);
      std::memcpy(out, &v, 1);
      return;
    }
    case DataType::kUint4: {
      uint8_t v = std::min<uint8_t>(SaturateTo<uint8_t>(*this), 15);
      std::memcpy(out, &v, 1);
      return;
    }
  }
}

bool operator==(const MLNumber& a, const MLNumber& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case MLNumber::Kind::kDouble:
      return a.d == b.d || (std::isnan(a.d) && std::isnan(b.d));
    case MLNumber::Kind::kInt64:
      return a.i == b.i;
    case MLNumber::Kind::kUint64:
      return a.u == b.u;
  }
  return false;
}

}  // namespace webnn
