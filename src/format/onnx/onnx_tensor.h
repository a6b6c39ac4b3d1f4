// Host tensors of the ONNX importer: initializers, Constant nodes and the values of
// shape-computing subgraphs evaluated at import. Unlike an operand descriptor, a dimension may
// be 0 here (ONNX's empty tensors: an absent `scales`, an empty shape list).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ir/graph_info.h"
#include "webnn/types.h"

namespace webnn::format {

struct Tensor {
  OperandDescriptor desc;
  ByteBuffer bytes;  // desc.ByteLength() bytes, little-endian

  size_t count() const;
  double GetDouble(size_t i) const;
  int64_t GetInt(size_t i) const;
  std::vector<int64_t> Ints() const;
  std::vector<double> Doubles() const;

  // Values converted to `type` (floats round, integers truncate toward zero then wrap).
  static Tensor FromInts(DataType type, std::vector<uint32_t> shape,
                         std::span<const int64_t> values);
  static Tensor FromDoubles(DataType type, std::vector<uint32_t> shape,
                            std::span<const double> values);
  // The same bytes with another shape of the same element count.
  Tensor Reshaped(std::vector<uint32_t> shape) const { return {{desc.dataType, shape}, bytes}; }
};

// Float to int64 toward zero, saturating, NaN to 0 (no undefined behaviour out of range).
int64_t TruncateToInt64(double v);
double LoadDouble(DataType t, const std::byte* base, size_t i);
int64_t LoadInt(DataType t, const std::byte* base, size_t i);
void StoreDouble(DataType t, std::byte* base, size_t i, double v);
void StoreInt(DataType t, std::byte* base, size_t i, int64_t v);

// Strides (in elements) of a row-major shape.
std::vector<size_t> RowMajorStrides(const std::vector<uint32_t>& shape);
size_t ElementCountOf(const std::vector<uint32_t>& shape);

}  // namespace webnn::format
