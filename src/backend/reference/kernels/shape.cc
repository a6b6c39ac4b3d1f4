// Reference kernels of the data-movement operators: concat, expand, pad, reshape, reverse,
// slice, split, tile, transpose, triangular. They copy whole elements as bytes, so one loop
// serves every data type; the op table does not allow int4/uint4 for them (checked anyway).
#include <array>
#include <cstring>
#include <variant>

#include "backend/reference/kernels.h"
#include "backend/reference/tensor_util.h"

namespace webnn::reference {
namespace {

// Bytes per element; an error for packed (sub-byte) types, which these kernels cannot address.
Result<size_t> ElementBytes(const OperandDescriptor& desc, std::string_view op) {
  const uint32_t bits = DataTypeBits(desc.dataType);
  if (bits % 8 != 0) {
    return MakeError(ErrorCode::kOperationError, op, ": ", DataTypeName(desc.dataType),
                     " elements are not whole bytes");
  }
  return size_t{bits / 8};
}

// Calls f(index, coords) for every element of `shape` in row-major order (once for rank 0).
template <typename F>
void ForEachCoord(const std::vector<uint32_t>& shape, F&& f) {
  const size_t count = ElementCount(shape);
  std::vector<uint32_t> coords(shape.size(), 0);
  const std::vector<uint32_t>& view = coords;  // f sees the coordinates read-only
  for (size_t i = 0; i < count; ++i) {
    f(i, view);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++coords[d] < shape[d]) break;
      coords[d] = 0;
    }
  }
}

// Product of shape[begin, end).
size_t Product(const std::vector<uint32_t>& shape, size_t begin, size_t end) {
  size_t n = 1;
  for (size_t d = begin; d < end; ++d) n *= shape[d];
  return n;
}

void CopyElement(std::byte* dst, size_t dst_index, const std::byte* src, size_t src_index,
                 size_t element_bytes) {
  std::memcpy(dst + dst_index * element_bytes, src + src_index * element_bytes, element_bytes);
}

}  // namespace

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-concat
// Viewed as [outer, axis, inner]: each output row of the outer loop is the inputs' rows in turn.
Status ComputeConcat(const KernelArgs& args, const AxisAttrs& a) {
  const MutableTensor& out = args.outputs[0];
  WEBNN_ASSIGN_OR_RETURN(const size_t es, ElementBytes(*out.desc, "concat"));
  const std::vector<uint32_t>& shape = out.desc->shape;
  const size_t outer = Product(shape, 0, a.axis);
  const size_t inner_bytes = Product(shape, a.axis + 1, shape.size()) * es;
  std::byte* dst = out.data;
  for (size_t o = 0; o < outer; ++o) {
    for (const ConstTensor& in : args.inputs) {
      const size_t block = in.desc->shape[a.axis] * inner_bytes;
      std::memcpy(dst, in.data + o * block, block);
      dst += block;
    }
  }
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-expand
Status ComputeExpand(const KernelArgs& args, const NewShapeAttrs&) {
  const ConstTensor& in = args.inputs[0];
  const MutableTensor& out = args.outputs[0];
  WEBNN_ASSIGN_OR_RETURN(const size_t es, ElementBytes(*in.desc, "expand"));
  const BroadcastIndexer index(in.desc->shape, out.desc->shape);
  const size_t count = out.desc->ElementCount();
  for (size_t i = 0; i < count; ++i) CopyElement(out.data, i, in.data, index(i), es);
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-pad
// Output coordinate c maps to input coordinate c - beginningPadding, then per mode:
// constant -> the value; edge -> clamped into [0, dim); reflection -> mirrored about the
// edges without repeating them (-1 -> 1, dim -> dim - 2).
Status ComputePad(const KernelArgs& args, const PadAttrs& a) {
  const ConstTensor& in = args.inputs[0];
  const MutableTensor& out = args.outputs[0];
  WEBNN_ASSIGN_OR_RETURN(const size_t es, ElementBytes(*in.desc, "pad"));
  std::array<std::byte, 8> value{};
  a.value.CastTo(in.desc->dataType, value.data());  // the spec's cast of the MLNumber
  const std::vector<uint32_t>& in_shape = in.desc->shape;
  const std::vector<size_t> in_strides = Strides(in_shape);
  ForEachCoord(out.desc->shape, [&](size_t i, const std::vector<uint32_t>& c) {
    size_t src = 0;
    for (size_t d = 0; d < in_shape.size(); ++d) {
      const int64_t dim = in_shape[d];
      int64_t x = int64_t{c[d]} - a.beginningPadding[d];
      if (x < 0 || x >= dim) {
        switch (a.mode) {
          case PaddingMode::kConstant:
            std::memcpy(out.data + i * es, value.data(), es);
            return;
          case PaddingMode::kEdge:
            x = x < 0 ? 0 : dim - 1;
            break;
          case PaddingMode::kReflection:
            x = x < 0 ? -x : 2 * (dim - 1) - x;
            // Validation limits the padding to dim - 1, so one reflection lands in range;
            // clamp anyway so no attribute value can read out of bounds.
            x = x < 0 ? 0 : (x >= dim ? dim - 1 : x);
            break;
        }
      }
      src += static_cast<size_t>(x) * in_strides[d];
    }
    CopyElement(out.data, i, in.data, src, es);
  });
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-reshape-method
Status ComputeReshape(const KernelArgs& args, const NewShapeAttrs&) {
  std::memcpy(args.outputs[0].data, args.inputs[0].data, args.outputs[0].desc->ByteLength());
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-reverse-method
Status ComputeReverse(const KernelArgs& args, const ReverseAttrs& a) {
  const ConstTensor& in = args.inputs[0];
  const MutableTensor& out = args.outputs[0];
  WEBNN_ASSIGN_OR_RETURN(const size_t es, ElementBytes(*in.desc, "reverse"));
  const std::vector<uint32_t>& shape = in.desc->shape;
  std::vector<bool> reversed(shape.size(), !a.axes.has_value());  // absent axes: all
  if (a.axes) {
    for (uint32_t axis : *a.axes) reversed[axis] = true;
  }
  const std::vector<size_t> strides = Strides(shape);
  ForEachCoord(shape, [&](size_t i, const std::vector<uint32_t>& c) {
    size_t src = 0;
    for (size_t d = 0; d < shape.size(); ++d) {
      src += (reversed[d] ? shape[d] - 1 - c[d] : c[d]) * strides[d];
    }
    CopyElement(out.data, i, in.data, src, es);
  });
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-slice
// output[c] = input[starts + c * strides]
Status ComputeSlice(const KernelArgs& args, const SliceAttrs& a) {
  const ConstTensor& in = args.inputs[0];
  const MutableTensor& out = args.outputs[0];
  WEBNN_ASSIGN_OR_RETURN(const size_t es, ElementBytes(*in.desc, "slice"));
  const std::vector<size_t> in_strides = Strides(in.desc->shape);
  ForEachCoord(out.desc->shape, [&](size_t i, const std::vector<uint32_t>& c) {
    size_t src = 0;
    for (size_t d = 0; d < c.size(); ++d) {
      const size_t step = a.strides ? (*a.strides)[d] : 1;
      src += (a.starts[d] + c[d] * step) * in_strides[d];
    }
    CopyElement(out.data, i, in.data, src, es);
  });
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-split
// Viewed as [outer, axis, inner]: output k takes rows [offset_k, offset_k + size_k) of axis.
Status ComputeSplit(const KernelArgs& args, const SplitAttrs& a) {
  const ConstTensor& in = args.inputs[0];
  WEBNN_ASSIGN_OR_RETURN(const size_t es, ElementBytes(*in.desc, "split"));
  const std::vector<uint32_t>& shape = in.desc->shape;
  const size_t outer = Product(shape, 0, a.axis);
  const size_t inner_bytes = Product(shape, a.axis + 1, shape.size()) * es;
  const size_t in_block = shape[a.axis] * inner_bytes;
  size_t offset = 0;  // bytes into an input block
  for (const MutableTensor& out : args.outputs) {
    const size_t out_block = out.desc->shape[a.axis] * inner_bytes;
    for (size_t o = 0; o < outer; ++o) {
      std::memcpy(out.data + o * out_block, in.data + o * in_block + offset, out_block);
    }
    offset += out_block;
  }
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-tile
// output[c] = input[c mod input.shape]
Status ComputeTile(const KernelArgs& args, const TileAttrs&) {
  const ConstTensor& in = args.inputs[0];
  const MutableTensor& out = args.outputs[0];
  WEBNN_ASSIGN_OR_RETURN(const size_t es, ElementBytes(*in.desc, "tile"));
  const std::vector<uint32_t>& in_shape = in.desc->shape;
  const std::vector<size_t> in_strides = Strides(in_shape);
  ForEachCoord(out.desc->shape, [&](size_t i, const std::vector<uint32_t>& c) {
    size_t src = 0;
    for (size_t d = 0; d < c.size(); ++d) src += (c[d] % in_shape[d]) * in_strides[d];
    CopyElement(out.data, i, in.data, src, es);
  });
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-transpose
// output coordinate i is input coordinate permutation[i].
Status ComputeTranspose(const KernelArgs& args, const TransposeAttrs& a) {
  const ConstTensor& in = args.inputs[0];
  const MutableTensor& out = args.outputs[0];
  WEBNN_ASSIGN_OR_RETURN(const size_t es, ElementBytes(*in.desc, "transpose"));
  const size_t rank = in.desc->shape.size();
  std::vector<uint32_t> perm(rank);
  for (size_t i = 0; i < rank; ++i) {
    perm[i] = a.permutation ? (*a.permutation)[i] : static_cast<uint32_t>(rank - 1 - i);
  }
  const std::vector<size_t> in_strides = Strides(in.desc->shape);
  ForEachCoord(out.desc->shape, [&](size_t i, const std::vector<uint32_t>& c) {
    size_t src = 0;
    for (size_t d = 0; d < rank; ++d) src += c[d] * in_strides[perm[d]];
    CopyElement(out.data, i, in.data, src, es);
  });
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-triangular
// Over the last two dimensions (row, col): upper keeps col - row >= diagonal, lower keeps
// col - row <= diagonal; the rest become zero (all-zero bytes are 0 in every data type).
Status ComputeTriangular(const KernelArgs& args, const TriangularAttrs& a) {
  const ConstTensor& in = args.inputs[0];
  const MutableTensor& out = args.outputs[0];
  WEBNN_ASSIGN_OR_RETURN(const size_t es, ElementBytes(*in.desc, "triangular"));
  const std::vector<uint32_t>& shape = in.desc->shape;
  const size_t rows = shape[shape.size() - 2];
  const size_t cols = shape[shape.size() - 1];
  const size_t count = in.desc->ElementCount();
  for (size_t i = 0; i < count; ++i) {
    const int64_t col = static_cast<int64_t>(i % cols);
    const int64_t row = static_cast<int64_t>((i / cols) % rows);
    const bool keep = a.upper ? col - row >= a.diagonal : col - row <= a.diagonal;
    if (keep) {
      CopyElement(out.data, i, in.data, i, es);
    } else {
      std::memset(out.data + i * es, 0, es);
    }
  }
  return {};
}

}  // namespace webnn::reference
