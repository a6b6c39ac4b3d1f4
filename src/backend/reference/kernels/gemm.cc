// Reference kernels of gemm and matmul (float32, float16): products accumulated in double
// over k in ascending order, rounded once to the output type.
#include <cstdint>
#include <optional>
#include <vector>

#include "backend/reference/kernels.h"
#include "backend/reference/tensor_util.h"

namespace webnn::reference {
namespace {

std::vector<double> LoadDoubles(const ConstTensor& t) {
  std::vector<double> v(t.desc->ElementCount());
  for (size_t i = 0; i < v.size(); ++i) v[i] = LoadAsDouble(t.desc->dataType, t.data, i);
  return v;
}

// The spec's "cast" of an option value to the operand data type (float32 or float16 here).
double CastTo(DataType type, double value) {
  std::byte buffer[8] = {};
  MLNumber(value).CastTo(type, buffer);
  return LoadAsDouble(type, buffer, 0);
}

// out[m, n] = sum over k of a[m * a_row + k * a_col] * b[k * b_row + n * b_col], for an
// [M, K] x [K, N] product whose operands are read through strides (to transpose for free).
void MatrixProduct(const double* a, size_t a_row, size_t a_col, const double* b, size_t b_row,
                   size_t b_col, size_t m_size, size_t k_size, size_t n_size, double* out) {
  for (size_t m = 0; m < m_size; ++m) {
    double* out_row = out + m * n_size;
    for (size_t n = 0; n < n_size; ++n) out_row[n] = 0;
    for (size_t k = 0; k < k_size; ++k) {
      const double a_mk = a[m * a_row + k * a_col];
      const double* b_k = b + k * b_row;
      for (size_t n = 0; n < n_size; ++n) out_row[n] += a_mk * b_k[n * b_col];
    }
  }
}

}  // namespace

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-gemm
// output = alpha * A' * B' + beta * C, A' and B' optionally transposed, C broadcast to
// [M, N]; alpha and beta are first cast to the operand data type, as the spec's steps say.
Status ComputeGemm(const KernelArgs& args, const GemmAttrs& attrs) {
  const ConstTensor& in_a = args.inputs[0];
  const ConstTensor& in_b = args.inputs[1];
  const MutableTensor& output = args.outputs[0];
  const DataType type = output.desc->dataType;
  const std::vector<double> a = LoadDoubles(in_a);
  const std::vector<double> b = LoadDoubles(in_b);
  const size_t a0 = in_a.desc->shape[0], a1 = in_a.desc->shape[1];
  const size_t b1 = in_b.desc->shape[1];
  const size_t m_size = output.desc->shape[0], n_size = output.desc->shape[1];
  const size_t k_size = attrs.aTranspose ? a0 : a1;
  // A' [m, k] = a[k, m] when transposed; B' [k, n] = b[n, k].
  const size_t a_row = attrs.aTranspose ? 1 : a1, a_col = attrs.aTranspose ? a1 : 1;
  const size_t b_row = attrs.bTranspose ? 1 : b1, b_col = attrs.bTranspose ? b1 : 1;
  std::vector<double> y(m_size * n_size);
  MatrixProduct(a.data(), a_row, a_col, b.data(), b_row, b_col, m_size, k_size, n_size, y.data());

  const double alpha = CastTo(type, attrs.alpha);
  const double beta = CastTo(type, attrs.beta);
  const bool has_c = args.inputs.size() > 2 && args.inputs[2].present();
  std::vector<double> c;
  std::optional<BroadcastIndexer> c_index;
  if (has_c) {
    c = LoadDoubles(args.inputs[2]);
    c_index.emplace(args.inputs[2].desc->shape, output.desc->shape);
  }
  for (size_t i = 0; i < y.size(); ++i) {
    double v = alpha * y[i];
    if (has_c) v += beta * c[(*c_index)(i)];
    StoreFromDouble(type, output.data, i, v);
  }
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-matmul
// The last two dimensions are the matrices; the batch dimensions broadcast (numpy rules).
Status ComputeMatmul(const KernelArgs& args, const NoAttrs&) {
  const ConstTensor& in_a = args.inputs[0];
  const ConstTensor& in_b = args.inputs[1];
  const MutableTensor& output = args.outputs[0];
  const auto& shape_a = in_a.desc->shape;
  const auto& shape_b = in_b.desc->shape;
  const auto& shape_out = output.desc->shape;
  const std::vector<double> a = LoadDoubles(in_a);
  const std::vector<double> b = LoadDoubles(in_b);
  const size_t m_size = shape_a[shape_a.size() - 2], k_size = shape_a.back();
  const size_t n_size = shape_b.back();
  const std::vector<uint32_t> batch_a(shape_a.begin(), shape_a.end() - 2);
  const std::vector<uint32_t> batch_b(shape_b.begin(), shape_b.end() - 2);
  const std::vector<uint32_t> batch_out(shape_out.begin(), shape_out.end() - 2);
  const BroadcastIndexer index_a(batch_a, batch_out);
  const BroadcastIndexer index_b(batch_b, batch_out);
  const size_t batches = ElementCount(batch_out);
  const size_t matrix_a = m_size * k_size, matrix_b = k_size * n_size;
  const size_t matrix_out = m_size * n_size;
  std::vector<double> y(batches * matrix_out);
  for (size_t batch = 0; batch < batches; ++batch) {
    MatrixProduct(a.data() + index_a(batch) * matrix_a, k_size, 1,
                  b.data() + index_b(batch) * matrix_b, n_size, 1, m_size, k_size, n_size,
                  y.data() + batch * matrix_out);
  }
  const DataType type = output.desc->dataType;
  for (size_t i = 0; i < y.size(); ++i) StoreFromDouble(type, output.data, i, y[i]);
  return {};
}

}  // namespace webnn::reference
