// Validators of the matrix products: gemm and matmul. Each follows the "method steps" of its
// spec section; the generic checks (slot data types and ranks, output limits) have already run.
#include <cstdint>
#include <utility>

#include "ops/validate.h"

namespace webnn {

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-gemm
// alpha and beta are cast to a's data type by the kernel (the spec's casting steps do not
// change the output descriptor); both are WebIDL `double`s, so finite.
Result<OutputDescriptors> ValidateGemm(const OpValidationContext& ctx, const GemmAttrs& a) {
  WEBNN_RETURN_IF_ERROR(CheckFinite(ctx, a.alpha, "alpha"));
  WEBNN_RETURN_IF_ERROR(CheckFinite(ctx, a.beta, "beta"));
  const OperandDescriptor& in_a = ctx.input(0);
  const OperandDescriptor& in_b = ctx.input(1);
  std::vector<uint32_t> shape_a = in_a.shape;
  std::vector<uint32_t> shape_b = in_b.shape;
  if (a.aTranspose) std::swap(shape_a[0], shape_a[1]);
  if (a.bTranspose) std::swap(shape_b[0], shape_b[1]);
  if (shape_a[1] != shape_b[0]) {
    return ctx.TypeError("a's columns (", shape_a[1], ", shape ", ShapeToString(in_a.shape),
                         a.aTranspose ? " transposed" : "", ") must equal b's rows (", shape_b[0],
                         ", shape ", ShapeToString(in_b.shape), a.bTranspose ? " transposed" : "",
                         ")");
  }
  std::vector<uint32_t> out_shape = {shape_a[0], shape_b[1]};
  if (const OperandDescriptor* c = ctx.optional_input("c")) {
    if (!IsUnidirectionallyBroadcastable(c->shape, out_shape)) {
      return ctx.TypeError("c: shape ", ShapeToString(c->shape),
                           " is not unidirectionally broadcastable to the output shape ",
                           ShapeToString(out_shape));
    }
  }
  return OutputDescriptors{{in_a.dataType, std::move(out_shape)}};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-matmul
Result<OutputDescriptors> ValidateMatmul(const OpValidationContext& ctx, const NoAttrs&) {
  const OperandDescriptor& in_a = ctx.input(0);
  const OperandDescriptor& in_b = ctx.input(1);
  const auto& shape_a = in_a.shape;
  const auto& shape_b = in_b.shape;
  // Ranks >= 2 are guaranteed by the op table.
  const uint32_t rows_a = shape_a[shape_a.size() - 2], cols_a = shape_a.back();
  const uint32_t rows_b = shape_b[shape_b.size() - 2], cols_b = shape_b.back();
  if (cols_a != rows_b) {
    return ctx.TypeError("a's columns (", cols_a, ", shape ", ShapeToString(shape_a),
                         ") must equal b's rows (", rows_b, ", shape ", ShapeToString(shape_b),
                         ")");
  }
  const std::vector<uint32_t> batch_a(shape_a.begin(), shape_a.end() - 2);
  const std::vector<uint32_t> batch_b(shape_b.begin(), shape_b.end() - 2);
  auto out_shape = BroadcastShapes(batch_a, batch_b);
  if (!out_shape) {
    return ctx.TypeError("the batch shapes of a ", ShapeToString(batch_a), " and b ",
                         ShapeToString(batch_b), " are not bidirectionally broadcastable");
  }
  out_shape->push_back(rows_a);
  out_shape->push_back(cols_b);
  return OutputDescriptors{{in_a.dataType, std::move(*out_shape)}};
}

}  // namespace webnn
