// Host evaluation of values known at import: the shape-computing subgraphs of exported models
// (Shape -> Gather -> Concat -> Reshape, ConstantOfShape, Range, arithmetic on int64 shapes).
// Plain loops over small tensors; never used for run-time values.
#include <cmath>
#include <cstring>
#include <type_traits>

#include "format/onnx/onnx_importer.h"

// GCC 12 reports a false -Wfree-nonheap-object inside std::vector's destructor once the index
// loops below are inlined (the same family as the GCC 12 warnings CMakeLists.txt turns off).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#endif

namespace webnn::format::onnx_import {

namespace {

size_t ElementBytes(DataType t) { return DataTypeBits(t) / 8; }

// Calls fn(index) for every multi-index of `shape` in row-major order.
template <typename Fn>
void ForEachIndex(const std::vector<uint32_t>& shape, Fn&& fn) {
  const size_t n = ElementCountOf(shape);
  std::vector<uint32_t> idx(shape.size(), 0);
  for (size_t flat = 0; flat < n; ++flat) {
    fn(idx);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

// The flat index in a tensor of `shape` (right-aligned against `idx`, broadcast dims read 0).
size_t BroadcastIndex(const std::vector<uint32_t>& idx, const std::vector<uint32_t>& shape) {
  size_t flat = 0;
  const size_t offset = idx.size() - shape.size();
  for (size_t d = 0; d < shape.size(); ++d) {
    flat = flat * shape[d] + (shape[d] == 1 ? 0 : idx[offset + d]);
  }
  return flat;
}

}  // namespace

std::optional<std::vector<uint32_t>> BroadcastShapes(const std::vector<uint32_t>& a,
                                                     const std::vector<uint32_t>& b) {
  const size_t rank = std::max(a.size(), b.size());
  std::vector<uint32_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const uint32_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const uint32_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

namespace {

// One element of a binary op in T: double for floating-point tensors, int64_t for integer ones
// (whose arithmetic wraps like two's complement instead of overflowing). The comparisons and
// logical ops give 0/1.
template <typename T>
Result<T> ApplyBinary(HostBinaryOp op, T x, T y) {
  constexpr bool kInt = std::is_integral_v<T>;
  // x OP y in uint64 arithmetic: defined wrap-around for the integer ops.
  auto wrap = [](uint64_t v) { return static_cast<T>(static_cast<int64_t>(v)); };
  switch (op) {
    case HostBinaryOp::kAdd:
      if constexpr (kInt) return wrap(static_cast<uint64_t>(x) + static_cast<uint64_t>(y));
      return x + y;
    case HostBinaryOp::kSub:
      if constexpr (kInt) return wrap(static_cast<uint64_t>(x) - static_cast<uint64_t>(y));
      return x - y;
    case HostBinaryOp::kMul:
      if constexpr (kInt) return wrap(static_cast<uint64_t>(x) * static_cast<uint64_t>(y));
      return x * y;
    case HostBinaryOp::kDiv:
    case HostBinaryOp::kMod:
      if constexpr (kInt) {
        if (y == 0) return MakeError(ErrorCode::kTypeError, "integer division by zero");
        // INT64_MIN / -1 overflows (a trap on x86): wrap like the other integer ops.
        if (y == -1) return op == HostBinaryOp::kDiv ? wrap(0 - static_cast<uint64_t>(x)) : T{0};
        if (op == HostBinaryOp::kDiv) return x / y;
        T r = x % y;  // ONNX Mod (fmod = 0): the sign of the divisor
        if (r != 0 && ((r < 0) != (y < 0))) r += y;
        return r;
      } else {
        return op == HostBinaryOp::kDiv ? x / y : std::fmod(x, y);
      }
    case HostBinaryOp::kMax:
      return std::max(x, y);
    case HostBinaryOp::kMin:
      return std::min(x, y);
    case HostBinaryOp::kPow:
      if constexpr (kInt) {
        return TruncateToInt64(std::pow(static_cast<double>(x), static_cast<double>(y)));
      }
      return std::pow(x, y);
    case HostBinaryOp::kEqual:
      return x == y;
    case HostBinaryOp::kLess:
      return x < y;
    case HostBinaryOp::kGreater:
      return x > y;
    case HostBinaryOp::kLessOrEqual:
      return x <= y;
    case HostBinaryOp::kGreaterOrEqual:
      return x >= y;
    case HostBinaryOp::kAnd:
      return (x != 0) && (y != 0);
    case HostBinaryOp::kOr:
      return (x != 0) || (y != 0);
    case HostBinaryOp::kXor:
      return (x != 0) != (y != 0);
  }
  return T{0};
}

// Element i of t, and storing v as element i of a `type` buffer, in the computation type T.
template <typename T>
T LoadAs(const Tensor& t, size_t i) {
  if constexpr (std::is_integral_v<T>) {
    return t.GetInt(i);
  } else {
    return t.GetDouble(i);
  }
}
template <typename T>
void StoreAs(DataType type, std::byte* base, size_t i, T v) {
  if constexpr (std::is_integral_v<T>) {
    StoreInt(type, base, i, v);
  } else {
    StoreDouble(type, base, i, v);
  }
}

// HostBinary's loop over the broadcast shape, computing in T.
template <typename T>
Status BinaryLoop(HostBinaryOp op, const Tensor& a, const Tensor& b,
                  const std::vector<uint32_t>& shape, DataType out_type, std::byte* out) {
  size_t i = 0;
  Status error;
  ForEachIndex(shape, [&](const std::vector<uint32_t>& idx) {
    if (!error.ok()) return;
    Result<T> r = ApplyBinary<T>(op, LoadAs<T>(a, BroadcastIndex(idx, a.desc.shape)),
                                 LoadAs<T>(b, BroadcastIndex(idx, b.desc.shape)));
    if (!r.ok()) {
      error = std::move(r.error());
      return;
    }
    StoreAs<T>(out_type, out, i++, *r);
  });
  return error;
}

}  // namespace

Result<Tensor> HostBinary(HostBinaryOp op, const Tensor& a, const Tensor& b) {
  auto shape = BroadcastShapes(a.desc.shape, b.desc.shape);
  if (!shape) {
    return MakeError(ErrorCode::kTypeError, "shapes ", ShapeToString(a.desc.shape), " and ",
                     ShapeToString(b.desc.shape), " do not broadcast");
  }
  const bool compare = op >= HostBinaryOp::kEqual;
  const DataType type = a.desc.dataType;
  const DataType out_type = compare ? DataType::kUint8 : type;
  std::vector<std::byte> bytes(ByteLengthFor(out_type, ElementCountOf(*shape)));
  const Status s = IsFloatingPoint(type)
                       ? BinaryLoop<double>(op, a, b, *shape, out_type, bytes.data())
                       : BinaryLoop<int64_t>(op, a, b, *shape, out_type, bytes.data());
  if (!s.ok()) return s.error();
  return Tensor{{out_type, *shape}, ByteBuffer::FromVector(std::move(bytes))};
}

Tensor HostCast(const Tensor& t, DataType to, bool to_bool) {
  const size_t n = t.count();
  std::vector<std::byte> bytes(ByteLengthFor(to, n));
  for (size_t i = 0; i < n; ++i) {
    if (to_bool) {
      StoreInt(to, bytes.data(), i, t.GetDouble(i) != 0 ? 1 : 0);
    } else if (IsFloatingPoint(t.desc.dataType) || IsFloatingPoint(to)) {
      StoreDouble(to, bytes.data(), i, t.GetDouble(i));
    } else {
      StoreInt(to, bytes.data(), i, t.GetInt(i));
    }
  }
  return {{to, t.desc.shape}, ByteBuffer::FromVector(std::move(bytes))};
}

Tensor HostMap(const Tensor& in, std::vector<uint32_t> out_shape,
               const std::function<size_t(const std::vector<uint32_t>&)>& index_of) {
  const size_t size = ElementBytes(in.desc.dataType);
  std::vector<std::byte> bytes(size * ElementCountOf(out_shape));
  size_t i = 0;
  ForEachIndex(out_shape, [&](const std::vector<uint32_t>& idx) {
    std::memcpy(bytes.data() + size * i++, in.bytes.data() + size * index_of(idx), size);
  });
  return {{in.desc.dataType, std::move(out_shape)}, ByteBuffer::FromVector(std::move(bytes))};
}

Tensor HostTranspose(const Tensor& in, const std::vector<uint32_t>& perm) {
  std::vector<uint32_t> shape(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) shape[i] = in.desc.shape[perm[i]];
  const std::vector<size_t> strides = RowMajorStrides(in.desc.shape);
  return HostMap(in, shape, [&](const std::vector<uint32_t>& idx) {
    size_t flat = 0;
    for (size_t i = 0; i < perm.size(); ++i) flat += idx[i] * strides[perm[i]];
    return flat;
  });
}

Tensor HostBroadcastTo(const Tensor& in, const std::vector<uint32_t>& shape) {
  return HostMap(in, shape, [&](const std::vector<uint32_t>& idx) {
    return BroadcastIndex(idx, in.desc.shape);
  });
}

Tensor HostConcat(const std::vector<const Tensor*>& parts, uint32_t axis) {
  std::vector<uint32_t> shape = parts[0]->desc.shape;
  shape[axis] = 0;
  for (const Tensor* p : parts) shape[axis] += p->desc.shape[axis];
  const size_t size = ElementBytes(parts[0]->desc.dataType);
  size_t outer = 1, inner = 1;
  for (size_t d = 0; d < axis; ++d) outer *= shape[d];
  for (size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  std::vector<std::byte> bytes(size * ElementCountOf(shape));
  std::byte* out = bytes.data();
  for (size_t o = 0; o < outer; ++o) {
    for (const Tensor* p : parts) {
      const size_t chunk = size * inner * p->desc.shape[axis];
      if (chunk == 0) continue;
      std::memcpy(out, p->bytes.data() + o * chunk, chunk);
      out += chunk;
    }
  }
  return {{parts[0]->desc.dataType, shape}, ByteBuffer::FromVector(std::move(bytes))};
}

Tensor HostSlice(const Tensor& in, const std::vector<int64_t>& starts,
                 const std::vector<int64_t>& steps, const std::vector<uint32_t>& out_shape) {
  const std::vector<size_t> strides = RowMajorStrides(in.desc.shape);
  return HostMap(in, out_shape, [&](const std::vector<uint32_t>& idx) {
    size_t flat = 0;
    for (size_t d = 0; d < idx.size(); ++d) {
      flat += static_cast<size_t>(starts[d] + steps[d] * idx[d]) * strides[d];
    }
    return flat;
  });
}

Tensor HostWhere(const Tensor& cond, const Tensor& x, const Tensor& y) {
  std::vector<uint32_t> shape =
      *BroadcastShapes(*BroadcastShapes(cond.desc.shape, x.desc.shape), y.desc.shape);
  const size_t size = ElementBytes(x.desc.dataType);
  std::vector<std::byte> bytes(size * ElementCountOf(shape));
  size_t i = 0;
  ForEachIndex(shape, [&](const std::vector<uint32_t>& idx) {
    const bool c = cond.GetInt(BroadcastIndex(idx, cond.desc.shape)) != 0;
    const Tensor& src = c ? x : y;
    std::memcpy(bytes.data() + size * i++,
                src.bytes.data() + size * BroadcastIndex(idx, src.desc.shape), size);
  });
  return {{x.desc.dataType, shape}, ByteBuffer::FromVector(std::move(bytes))};
}

}  // namespace webnn::format::onnx_import
