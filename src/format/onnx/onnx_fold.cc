// Host evaluation of values known at import: the shape-computing subgraphs of exported models
// (Shape -> Gather -> Concat -> Reshape, ConstantOfShape, Range, arithmetic on int64 shapes).
// Plain loops over small tensors; never used for run-time values.
#include <cmath>
#include <cstring>

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

Result<Tensor> HostBinary(HostBinaryOp op, const Tensor& a, const Tensor& b) {
  auto shape = BroadcastShapes(a.desc.shape, b.desc.shape);
  if (!shape) {
    return MakeError(ErrorCode::kTypeError, "shapes ", ShapeToString(a.desc.shape), " and ",
                     ShapeToString(b.desc.shape), " do not broadcast");
  }
  const bool compare = op >= HostBinaryOp::kEqual;
  const DataType type = a.desc.dataType;
  const DataType out_type = compare ? DataType::kUint8 : type;
  const bool fp = IsFloatingPoint(type);
  std::vector<std::byte> bytes(ByteLengthFor(out_type, ElementCountOf(*shape)));
  size_t i = 0;
  Status error;
  ForEachIndex(*shape, [&](const std::vector<uint32_t>& idx) {
    const size_t ia = BroadcastIndex(idx, a.desc.shape);
    const size_t ib = BroadcastIndex(idx, b.desc.shape);
    if (fp) {
      const double x = a.GetDouble(ia), y = b.GetDouble(ib);
      double r = 0;
      switch (op) {
        case HostBinaryOp::kAdd:
          r = x + y;
          break;
        case HostBinaryOp::kSub:
          r = x - y;
          break;
        case HostBinaryOp::kMul:
          r = x * y;
          break;
        case HostBinaryOp::kDiv:
          r = x / y;
          break;
        case HostBinaryOp::kMax:
          r = std::max(x, y);
          break;
        case HostBinaryOp::kMin:
          r = std::min(x, y);
          break;
        case HostBinaryOp::kPow:
          r = std::pow(x, y);
          break;
        case HostBinaryOp::kMod:
          r = std::fmod(x, y);
          break;
        case HostBinaryOp::kEqual:
          r = x == y;
          break;
        case HostBinaryOp::kLess:
          r = x < y;
          break;
        case HostBinaryOp::kGreater:
          r = x > y;
          break;
        case HostBinaryOp::kLessOrEqual:
          r = x <= y;
          break;
        case HostBinaryOp::kGreaterOrEqual:
          r = x >= y;
          break;
        case HostBinaryOp::kAnd:
          r = (x != 0) && (y != 0);
          break;
        case HostBinaryOp::kOr:
          r = (x != 0) || (y != 0);
          break;
        case HostBinaryOp::kXor:
          r = (x != 0) != (y != 0);
          break;
      }
      StoreDouble(out_type, bytes.data(), i++, r);
    } else {
      const int64_t x = a.GetInt(ia), y = b.GetInt(ib);
      int64_t r = 0;
      switch (op) {
        case HostBinaryOp::kAdd:
          r = static_cast<int64_t>(static_cast<uint64_t>(x) + static_cast<uint64_t>(y));
          break;
        case HostBinaryOp::kSub:
          r = static_cast<int64_t>(static_cast<uint64_t>(x) - static_cast<uint64_t>(y));
          break;
        case HostBinaryOp::kMul:
          r = static_cast<int64_t>(static_cast<uint64_t>(x) * static_cast<uint64_t>(y));
          break;
        case HostBinaryOp::kDiv:
        case HostBinaryOp::kMod:
          if (y == 0) {
            error = MakeError(ErrorCode::kTypeError, "integer division by zero");
            break;
          }
          if (y == -1) {
            // INT64_MIN / -1 overflows (a trap on x86): wrap like the other integer ops.
            r = op == HostBinaryOp::kDiv ? static_cast<int64_t>(0 - static_cast<uint64_t>(x)) : 0;
          } else if (op == HostBinaryOp::kDiv) {
            r = x / y;
          } else {  // ONNX Mod (fmod = 0): the sign of the divisor
            r = x % y;
            if (r != 0 && ((r < 0) != (y < 0))) r += y;
          }
          break;
        case HostBinaryOp::kMax:
          r = std::max(x, y);
          break;
        case HostBinaryOp::kMin:
          r = std::min(x, y);
          break;
        case HostBinaryOp::kPow:
          r = TruncateToInt64(std::pow(static_cast<double>(x), static_cast<double>(y)));
          break;
        case HostBinaryOp::kEqual:
          r = x == y;
          break;
        case HostBinaryOp::kLess:
          r = x < y;
          break;
        case HostBinaryOp::kGreater:
          r = x > y;
          break;
        case HostBinaryOp::kLessOrEqual:
          r = x <= y;
          break;
        case HostBinaryOp::kGreaterOrEqual:
          r = x >= y;
          break;
        case HostBinaryOp::kAnd:
          r = (x != 0) && (y != 0);
          break;
        case HostBinaryOp::kOr:
          r = (x != 0) || (y != 0);
          break;
        case HostBinaryOp::kXor:
          r = (x != 0) != (y != 0);
          break;
      }
      StoreInt(out_type, bytes.data(), i++, r);
    }
  });
  if (!error.ok()) return std::move(error.error());
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
