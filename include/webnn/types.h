// Basic value types shared by the API, the IR, the validators and the backends.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace webnn {

// IEEE 754 binary16, stored as its bit pattern. Arithmetic is done in float.
struct Float16 {
  uint16_t bits = 0;
  friend bool operator==(Float16 a, Float16 b) { return a.bits == b.bits; }
};

// Round-to-nearest-even conversions (NaN stays NaN, overflow becomes infinity).
float HalfToFloat(uint16_t h);
uint16_t FloatToHalf(float f);
inline float ToFloat(Float16 h) { return HalfToFloat(h.bits); }
inline Float16 ToFloat16(float f) { return Float16{FloatToHalf(f)}; }

// https://www.w3.org/TR/webnn/#enumdef-mloperanddatatype (plus int4/uint4 for quantization).
enum class DataType : uint8_t {
#define WEBNN_DATA_TYPE(e, name, bits, ctype, shortname) e,
#include "webnn/data_types.inc"
#undef WEBNN_DATA_TYPE
};

inline constexpr int kDataTypeCount = 0
#define WEBNN_DATA_TYPE(e, name, bits, ctype, shortname) +1
#include "webnn/data_types.inc"
#undef WEBNN_DATA_TYPE
    ;

std::string_view DataTypeName(DataType t);
std::optional<DataType> DataTypeFromName(std::string_view name);
uint32_t DataTypeBits(DataType t);
bool IsFloatingPoint(DataType t);
bool IsSigned(DataType t);  // true for float and signed integer types

// A set of data types as a bit mask, used by the operand constraints and opSupportLimits.
class DataTypeSet {
 public:
  constexpr DataTypeSet() = default;
  constexpr explicit DataTypeSet(uint32_t bits) : bits_(bits) {}
  static constexpr DataTypeSet All() { return DataTypeSet((1u << kDataTypeCount) - 1); }
  constexpr DataTypeSet& Add(DataType t) {
    bits_ |= 1u << static_cast<uint32_t>(t);
    return *this;
  }
  constexpr bool Has(DataType t) const { return (bits_ >> static_cast<uint32_t>(t)) & 1u; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr uint32_t bits() const { return bits_; }
  std::vector<DataType> ToVector() const;
  std::string ToString() const;  // "float32, float16"
  friend constexpr bool operator==(DataTypeSet a, DataTypeSet b) { return a.bits_ == b.bits_; }

 private:
  uint32_t bits_ = 0;
};

// https://www.w3.org/TR/webnn/#dictdef-mloperanddescriptor
struct OperandDescriptor {
  DataType dataType = DataType::kFloat32;
  std::vector<uint32_t> shape;

  uint32_t rank() const { return static_cast<uint32_t>(shape.size()); }
  // Element count and byte length. The validators guarantee both fit (element count in int32,
  // bytes within the context's maxTensorByteLength), so these do not overflow for validated
  // descriptors; use CheckedByteLength for untrusted ones.
  uint64_t ElementCount() const;
  uint64_t ByteLength() const;
  friend bool operator==(const OperandDescriptor&, const OperandDescriptor&) = default;
};

// Byte length of `elements` elements of type t (int4/uint4 round up to whole bytes).
uint64_t ByteLengthFor(DataType t, uint64_t elements);

std::string ShapeToString(const std::vector<uint32_t>& shape);  // "[1, 3, 224, 224]"
std::string DescriptorToString(const OperandDescriptor& d);      // "float32 [1, 3]"

}  // namespace webnn
