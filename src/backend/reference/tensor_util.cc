#include "backend/reference/tensor_util.h"

#include <limits>

namespace webnn::reference {

namespace {
template <typename T>
T SaturateFromDouble(double v) {
  if (std::isnan(v)) return 0;
  constexpr double lo = static_cast<double>(std::numeric_limits<T>::lowest());
  constexpr double hi = static_cast<double>(std::numeric_limits<T>::max());
  if (v <= lo) return std::numeric_limits<T>::lowest();
  if (v >= hi) return std::numeric_limits<T>::max();
  return static_cast<T>(v);
}

int8_t LoadNibble(const std::byte* base, size_t i) {
  const uint8_t byte = static_cast<uint8_t>(base[i / 2]);
  return static_cast<int8_t>((i % 2 == 0) ? (byte & 0x0F) : (byte >> 4));
}
void StoreNibble(std::byte* base, size_t i, uint8_t nibble) {
  uint8_t byte = static_cast<uint8_t>(base[i / 2]);
  if (i % 2 == 0) {
    byte = static_cast<uint8_t>((byte & 0xF0) | (nibble & 0x0F));
  } else {
    byte = static_cast<uint8_t>((byte & 0x0F) | ((nibble & 0x0F) << 4));
  }
  base[i / 2] = static_cast<std::byte>(byte);
}
}  // namespace

int64_t LoadAsInt64(DataType t, const std::byte* base, size_t i) {
  switch (t) {
    case DataType::kInt4: {
      int8_t n = LoadNibble(base, i);
      return n >= 8 ? n - 16 : n;
    }
    case DataType::kUint4:
      return LoadNibble(base, i);
    case DataType::kFloat32:  // truncated, saturated, NaN -> 0 (never an out-of-range cast)
      return SaturateFromDouble<int64_t>(LoadRaw<float>(base, i));
    case DataType::kFloat16:
      return SaturateFromDouble<int64_t>(HalfToFloat(LoadRaw<uint16_t>(base, i)));
    case DataType::kInt32:
      return LoadRaw<int32_t>(base, i);
    case DataType::kUint32:
      return LoadRaw<uint32_t>(base, i);
    case DataType::kInt64:
      return LoadRaw<int64_t>(base, i);
    case DataType::kUint64:
      return static_cast<int64_t>(LoadRaw<uint64_t>(base, i));
    case DataType::kInt8:
      return LoadRaw<int8_t>(base, i);
    case DataType::kUint8:
      return LoadRaw<uint8_t>(base, i);
  }
  return 0;
}

uint64_t LoadAsUint64(DataType t, const std::byte* base, size_t i) {
  if (t == DataType::kUint64) return LoadRaw<uint64_t>(base, i);
  return static_cast<uint64_t>(LoadAsInt64(t, base, i));
}

double LoadAsDouble(DataType t, const std::byte* base, size_t i) {
  switch (t) {
    case DataType::kFloat32:
      return LoadRaw<float>(base, i);
    case DataType::kFloat16:
      return HalfToFloat(LoadRaw<uint16_t>(base, i));
    case DataType::kUint64:
      return static_cast<double>(LoadRaw<uint64_t>(base, i));
    default:
      return static_cast<double>(LoadAsInt64(t, base, i));
  }
}

void StoreFromDouble(DataType t, std::byte* base, size_t i, double v) {
  switch (t) {
    case DataType::kFloat32:
      StoreRaw<float>(base, i, static_cast<float>(v));
      return;
    case DataType::kFloat16:
      // Round once from double: double -> float -> half can double-round, but float16 results
      // are compared in ULPs of float16 and computations are float32 in spirit.
      StoreRaw<uint16_t>(base, i, FloatToHalf(static_cast<float>(v)));
      return;
    case DataType::kInt32:
      StoreRaw<int32_t>(base, i, SaturateFromDouble<int32_t>(v));
      return;
    case DataType::kUint32:
      StoreRaw<uint32_t>(base, i, SaturateFromDouble<uint32_t>(v));
      return;
    case DataType::kInt64:
      StoreRaw<int64_t>(base, i, SaturateFromDouble<int64_t>(v));
      return;
    case DataType::kUint64:
      StoreRaw<uint64_t>(base, i, SaturateFromDouble<uint64_t>(v));
      return;
    case DataType::kInt8:
      StoreRaw<int8_t>(base, i, SaturateFromDouble<int8_t>(v));
      return;
    case DataType::kUint8:
      StoreRaw<uint8_t>(base, i, SaturateFromDouble<uint8_t>(v));
      return;
    case DataType::kInt4: {
      double c = std::isnan(v) ? 0 : std::fmin(7.0, std::fmax(-8.0, v));
      StoreNibble(base, i, static_cast<uint8_t>(static_cast<int8_t>(c)));
      return;
    }
    case DataType::kUint4: {
      double c = std::isnan(v) ? 0 : std::fmin(15.0, std::fmax(0.0, v));
      StoreNibble(base, i, static_cast<uint8_t>(c));
      return;
    }
  }
}

void StoreFromInt64(DataType t, std::byte* base, size_t i, int64_t v) {
  switch (t) {
    case DataType::kFloat32:
      StoreRaw<float>(base, i, static_cast<float>(v));
      return;
    case DataType::kFloat16:
      StoreRaw<uint16_t>(base, i, FloatToHalf(static_cast<float>(v)));
      return;
    case DataType::kInt32:
      StoreRaw<int32_t>(base, i, static_cast<int32_t>(v));
      return;
    case DataType::kUint32:
      StoreRaw<uint32_t>(base, i, static_cast<uint32_t>(v));
      return;
    case DataType::kInt64:
      StoreRaw<int64_t>(base, i, v);
      return;
    case DataType::kUint64:
      StoreRaw<uint64_t>(base, i, static_cast<uint64_t>(v));
      return;
    case DataType::kInt8:
      StoreRaw<int8_t>(base, i, static_cast<int8_t>(v));
      return;
    case DataType::kUint8:
      StoreRaw<uint8_t>(base, i, static_cast<uint8_t>(v));
      return;
    case DataType::kInt4:
    case DataType::kUint4:
      StoreNibble(base, i, static_cast<uint8_t>(v & 0x0F));
      return;
  }
}

std::vector<size_t> Strides(const std::vector<uint32_t>& shape) {
  std::vector<size_t> strides(shape.size());
  size_t s = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

size_t ElementCount(const std::vector<uint32_t>& shape) {
  size_t n = 1;
  for (uint32_t d : shape) n *= d;
  return n;
}

BroadcastIndexer::BroadcastIndexer(const std::vector<uint32_t>& in_shape,
                                   const std::vector<uint32_t>& out_shape)
    : out_strides_(Strides(out_shape)), in_strides_(out_shape.size(), 0) {
  const std::vector<size_t> in_strides = Strides(in_shape);
  const size_t offset = out_shape.size() - in_shape.size();
  for (size_t i = 0; i < in_shape.size(); ++i) {
    in_strides_[offset + i] = in_shape[i] == 1 ? 0 : in_strides[i];
  }
}

size_t BroadcastIndexer::operator()(size_t out_index) const {
  size_t in_index = 0;
  for (size_t d = 0; d < out_strides_.size(); ++d) {
    const size_t coord = out_index / out_strides_[d];
    out_index -= coord * out_strides_[d];
    in_index += coord * in_strides_[d];
  }
  return in_index;
}

}  // namespace webnn::reference
