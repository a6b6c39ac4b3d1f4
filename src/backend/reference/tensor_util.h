// Element access and type dispatch helpers for the reference kernels.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "webnn/types.h"

namespace webnn::reference {

// Calls f.template operator()<T>() with T the storage type of `t` (Float16 for float16;
// int8_t/uint8_t for int4/uint4, which callers must handle as packed — see Load/Store below).
template <typename F>
decltype(auto) DispatchByType(DataType t, F&& f) {
  switch (t) {
#define WEBNN_DATA_TYPE(e, name, bits, ctype, shortname) \
  case DataType::e:                                      \
    return f.template operator()<ctype>();
#include "webnn/data_types.inc"
#undef WEBNN_DATA_TYPE
  }
  return f.template operator()<float>();
}

template <typename T>
inline T LoadRaw(const std::byte* base, size_t i) {
  T v;
  std::memcpy(&v, base + i * sizeof(T), sizeof(T));
  return v;
}
template <typename T>
inline void StoreRaw(std::byte* base, size_t i, T v) {
  std::memcpy(base + i * sizeof(T), &v, sizeof(T));
}

// Element i of a tensor of type t as a double (exact for every type but (u)int64 beyond 2^53).
double LoadAsDouble(DataType t, const std::byte* base, size_t i);
// Stores v converted to t: floats round to nearest; integers are truncated toward zero and
// saturated to the type's range (NaN becomes 0).
void StoreFromDouble(DataType t, std::byte* base, size_t i, double v);
// Exact integer access for integer types (int4/uint4 unpacked, sign-extended); float types are
// truncated and saturated to the int64 range (NaN becomes 0).
int64_t LoadAsInt64(DataType t, const std::byte* base, size_t i);
uint64_t LoadAsUint64(DataType t, const std::byte* base, size_t i);
// Stores an integer, wrapping to the type's width (two's complement), as C++ casts do.
void StoreFromInt64(DataType t, std::byte* base, size_t i, int64_t v);

// Row-major strides of a shape (in elements).
std::vector<size_t> Strides(const std::vector<uint32_t>& shape);
// Element count of a shape.
size_t ElementCount(const std::vector<uint32_t>& shape);

// Index of the element of `in_shape` that broadcasts to output coordinate `out_index`
// (in_shape aligned to the trailing dims of out_shape, size-1 dims repeated).
class BroadcastIndexer {
 public:
  BroadcastIndexer(const std::vector<uint32_t>& in_shape, const std::vector<uint32_t>& out_shape);
  size_t operator()(size_t out_index) const;

 private:
  std::vector<size_t> out_strides_;
  std::vector<size_t> in_strides_;  // 0 for broadcast dims, per output dim
};

}  // namespace webnn::reference
