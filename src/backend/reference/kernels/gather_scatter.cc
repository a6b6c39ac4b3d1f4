// Reference kernels of gather, gatherElements, gatherND, scatterElements and scatterND.
//
// Indices come from tensor data, so they are never trusted. Each index is resolved against the
// size N of the dimension it addresses:
//   - a negative index counts from the end: i += N (the spec: indices are in [-N, N));
//   - an index still outside [0, N) after that is clamped into it (i < 0 -> 0, i >= N -> N - 1).
// The spec leaves out-of-range indices implementation-defined and suggests clamping; wpt's
// out-of-bounds cases expect exactly this. So no data value can read or write out of bounds.
// Scatter updates are applied in row-major order of the updates, so when two updates hit the
// same element the later one wins.
#include <cstring>

#include "backend/reference/kernels.h"
#include "backend/reference/tensor_util.h"

namespace webnn::reference {
namespace {

Result<size_t> ElementBytes(const OperandDescriptor& desc, std::string_view op) {
  const uint32_t bits = DataTypeBits(desc.dataType);
  if (bits % 8 != 0) {
    return MakeError(ErrorCode::kOperationError, op, ": ", DataTypeName(desc.dataType),
                     " elements are not whole bytes");
  }
  return size_t{bits / 8};
}

// Index element i of `indices` (int32, uint32 or int64) resolved into [0, size); size > 0.
size_t ResolveIndex(const ConstTensor& indices, size_t i, uint32_t size) {
  int64_t index = LoadAsInt64(indices.desc->dataType, indices.data, i);
  if (index < 0) index += size;  // no overflow: size <= INT32_MAX
  if (index < 0) return 0;
  if (index >= int64_t{size}) return size - 1;
  return static_cast<size_t>(index);
}

size_t Product(const std::vector<uint32_t>& shape, size_t begin, size_t end) {
  size_t n = 1;
  for (size_t d = begin; d < end; ++d) n *= shape[d];
  return n;
}

// The input element offset of coordinate tuple n of an ND indices tensor (its last dimension
// k addresses input dims [0, k)); the addressed slice has input.shape[k:] elements.
size_t NdOffset(const ConstTensor& indices, size_t n, const std::vector<uint32_t>& input_shape,
                const std::vector<size_t>& input_strides) {
  const size_t k = indices.desc->shape.back();
  size_t offset = 0;
  for (size_t d = 0; d < k; ++d) {
    offset += ResolveIndex(indices, n * k + d, input_shape[d]) * input_strides[d];
  }
  return offset;
}

// gatherElements / scatterElements address `shape` (the indices' shape) as
// [outer, axis, inner]; this returns the data element that index element i selects in a
// tensor of `data_shape` (equal to `shape` except along axis).
struct ElementsAddressing {
  size_t inner;
  uint32_t index_axis;  // indices.shape[axis]
  uint32_t data_axis;   // data.shape[axis]

  ElementsAddressing(const std::vector<uint32_t>& shape, const std::vector<uint32_t>& data_shape,
                     uint32_t axis)
      : inner(Product(shape, axis + 1, shape.size())),
        index_axis(shape[axis]),
        data_axis(data_shape[axis]) {}

  size_t DataIndex(const ConstTensor& indices, size_t i) const {
    const size_t o = i / inner / index_axis;
    const size_t r = i % inner;
    return (o * data_axis + ResolveIndex(indices, i, data_axis)) * inner + r;
  }
};

}  // namespace

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-gather
// Input viewed as [outer, N, inner], indices flattened to [J]: output[o, j, :] =
// input[o, indices[j], :].
Status ComputeGather(const KernelArgs& args, const GatherAttrs& a) {
  const ConstTensor& in = args.inputs[0];
  const ConstTensor& indices = args.inputs[1];
  const MutableTensor& out = args.outputs[0];
  WEBNN_ASSIGN_OR_RETURN(const size_t es, ElementBytes(*in.desc, "gather"));
  const std::vector<uint32_t>& shape = in.desc->shape;
  const size_t outer = Product(shape, 0, a.axis);
  const uint32_t axis_size = shape[a.axis];
  const size_t inner_bytes = Product(shape, a.axis + 1, shape.size()) * es;
  const size_t index_count = indices.desc->ElementCount();
  std::byte* dst = out.data;
  for (size_t o = 0; o < outer; ++o) {
    for (size_t j = 0; j < index_count; ++j) {
      const size_t row = ResolveIndex(indices, j, axis_size);
      std::memcpy(dst, in.data + (o * axis_size + row) * inner_bytes, inner_bytes);
      dst += inner_bytes;
    }
  }
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-gatherelements
// output[c] = input[c with c[axis] = indices[c]]
Status ComputeGatherElements(const KernelArgs& args, const GatherAttrs& a) {
  const ConstTensor& in = args.inputs[0];
  const ConstTensor& indices = args.inputs[1];
  const MutableTensor& out = args.outputs[0];
  WEBNN_ASSIGN_OR_RETURN(const size_t es, ElementBytes(*in.desc, "gatherElements"));
  const ElementsAddressing addr(indices.desc->shape, in.desc->shape, a.axis);
  const size_t count = indices.desc->ElementCount();
  for (size_t i = 0; i < count; ++i) {
    std::memcpy(out.data + i * es, in.data + addr.DataIndex(indices, i) * es, es);
  }
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-gathernd
// output[n, :] = input[indices[n, 0], ..., indices[n, k-1], :]
Status ComputeGatherND(const KernelArgs& args, const NoAttrs&) {
  const ConstTensor& in = args.inputs[0];
  const ConstTensor& indices = args.inputs[1];
  const MutableTensor& out = args.outputs[0];
  WEBNN_ASSIGN_OR_RETURN(const size_t es, ElementBytes(*in.desc, "gatherND"));
  const std::vector<uint32_t>& shape = in.desc->shape;
  const std::vector<size_t> strides = Strides(shape);
  const size_t k = indices.desc->shape.back();
  const size_t slice_bytes = Product(shape, k, shape.size()) * es;
  const size_t tuples = indices.desc->ElementCount() / k;
  for (size_t n = 0; n < tuples; ++n) {
    const size_t offset = NdOffset(indices, n, shape, strides);
    std::memcpy(out.data + n * slice_bytes, in.data + offset * es, slice_bytes);
  }
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-scatterelements
// output = input; then output[c with c[axis] = indices[c]] = updates[c], in order.
Status ComputeScatterElements(const KernelArgs& args, const GatherAttrs& a) {
  const ConstTensor& in = args.inputs[0];
  const ConstTensor& indices = args.inputs[1];
  const ConstTensor& updates = args.inputs[2];
  const MutableTensor& out = args.outputs[0];
  WEBNN_ASSIGN_OR_RETURN(const size_t es, ElementBytes(*in.desc, "scatterElements"));
  std::memcpy(out.data, in.data, out.desc->ByteLength());
  const ElementsAddressing addr(indices.desc->shape, in.desc->shape, a.axis);
  const size_t count = indices.desc->ElementCount();
  for (size_t i = 0; i < count; ++i) {
    std::memcpy(out.data + addr.DataIndex(indices, i) * es, updates.data + i * es, es);
  }
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-scatternd
// output = input; then output[indices[n, 0..k), :] = updates[n, :], in order.
Status ComputeScatterND(const KernelArgs& args, const NoAttrs&) {
  const ConstTensor& in = args.inputs[0];
  const ConstTensor& indices = args.inputs[1];
  const ConstTensor& updates = args.inputs[2];
  const MutableTensor& out = args.outputs[0];
  WEBNN_ASSIGN_OR_RETURN(const size_t es, ElementBytes(*in.desc, "scatterND"));
  std::memcpy(out.data, in.data, out.desc->ByteLength());
  const std::vector<uint32_t>& shape = in.desc->shape;
  const std::vector<size_t> strides = Strides(shape);
  const size_t k = indices.desc->shape.back();
  const size_t slice_bytes = Product(shape, k, shape.size()) * es;
  const size_t tuples = indices.desc->ElementCount() / k;
  for (size_t n = 0; n < tuples; ++n) {
    const size_t offset = NdOffset(indices, n, shape, strides);
    std::memcpy(out.data + offset * es, updates.data + n * slice_bytes, slice_bytes);
  }
  return {};
}

}  // namespace webnn::reference
