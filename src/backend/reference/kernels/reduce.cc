// Reference kernels of the reductions along axes: reduceL1 ... reduceSumSquare, argMin/argMax,
// softmax and cumulativeSum.
//
// Floating-point types are computed in double and rounded once on store. Integer types are
// exact: sums, products and squares use 64-bit modular arithmetic, so a result that overflows
// the element type wraps as two's-complement arithmetic in that type would.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "backend/reference/kernels.h"
#include "backend/reference/tensor_util.h"

namespace webnn::reference {
namespace {

// Element offsets of every coordinate over the dimensions `dims` of `shape`, enumerated in
// row-major order of `dims` as listed (the first one varies slowest); the other dimensions are
// held at 0. With no dims: the single offset 0.
std::vector<size_t> OffsetsOver(const std::vector<uint32_t>& shape,
                                const std::vector<uint32_t>& dims) {
  const std::vector<size_t> strides = Strides(shape);
  std::vector<size_t> offsets = {0};
  for (uint32_t d : dims) {
    std::vector<size_t> next;
    next.reserve(offsets.size() * shape[d]);
    for (size_t base : offsets) {
      for (uint32_t i = 0; i < shape[d]; ++i) next.push_back(base + i * strides[d]);
    }
    offsets = std::move(next);
  }
  return offsets;
}

// A reduction split into output elements and the input elements that reduce into each: input
// element outer[o] + inner[k] for k in [0, inner.size()) feeds output element o. The outer
// offsets follow the output's row-major order (with or without keepDimensions).
struct ReductionLayout {
  std::vector<size_t> outer;
  std::vector<size_t> inner;
};

ReductionLayout MakeReductionLayout(const std::vector<uint32_t>& shape,
                                    const std::vector<uint32_t>& axes) {
  std::vector<bool> reduced(shape.size(), false);
  for (uint32_t axis : axes) reduced[axis] = true;
  std::vector<uint32_t> kept;
  for (uint32_t d = 0; d < shape.size(); ++d) {
    if (!reduced[d]) kept.push_back(d);
  }
  return {OffsetsOver(shape, kept), OffsetsOver(shape, axes)};
}

// The kernels trust validated descriptors, but an axis out of range would read out of bounds:
// refuse it rather than trust it.
Status CheckAxesInRange(std::string_view op, const std::vector<uint32_t>& axes, size_t rank) {
  for (uint32_t axis : axes) {
    if (axis >= rank) {
      return MakeError(ErrorCode::kOperationError, op, ": axis ", axis,
                       " is out of range for rank ", rank);
    }
  }
  return {};
}

bool IsUnsignedInteger(DataType t) { return !IsFloatingPoint(t) && !IsSigned(t); }

// ---- reduceL1 ... reduceSumSquare ---------------------------------------------------------

enum class ReduceOp {
  kL1,
  kL2,
  kLogSum,
  kLogSumExp,
  kMax,
  kMean,
  kMin,
  kProduct,
  kSum,
  kSumSquare
};

// One output value from the float values `v` (at least one).
double ReduceFloat(ReduceOp op, const std::vector<double>& v) {
  switch (op) {
    case ReduceOp::kL1: {
      double sum = 0;
      for (double x : v) sum += std::fabs(x);
      return sum;
    }
    case ReduceOp::kL2: {
      double sum = 0;
      for (double x : v) sum += x * x;
      return std::sqrt(sum);
    }
    case ReduceOp::kLogSum: {
      double sum = 0;
      for (double x : v) sum += x;
      return std::log(sum);
    }
    case ReduceOp::kLogSumExp: {
      // log(sum(exp(x))) = m + log(sum(exp(x - m))) with m = max(x), so exp cannot overflow.
      const double m = ReduceFloat(ReduceOp::kMax, v);
      if (!std::isfinite(m)) return m;  // NaN; +inf if any is +inf; -inf if all are -inf
      double sum = 0;
      for (double x : v) sum += std::exp(x - m);
      return m + std::log(sum);
    }
    case ReduceOp::kMax: {
      double m = v[0];
      for (double x : v) {
        if (std::isnan(x)) return x;  // NaN propagates
        if (x > m) m = x;
      }
      return m;
    }
    case ReduceOp::kMin: {
      double m = v[0];
      for (double x : v) {
        if (std::isnan(x)) return x;
        if (x < m) m = x;
      }
      return m;
    }
    case ReduceOp::kMean: {
      double sum = 0;
      for (double x : v) sum += x;
      return sum / static_cast<double>(v.size());
    }
    case ReduceOp::kProduct: {
      double product = 1;
      for (double x : v) product *= x;
      return product;
    }
    case ReduceOp::kSum: {
      double sum = 0;
      for (double x : v) sum += x;
      return sum;
    }
    case ReduceOp::kSumSquare: {
      double sum = 0;
      for (double x : v) sum += x * x;
      return sum;
    }
  }
  return 0;
}

// One output value from the integer values `v` (at least one) of type t, as 64-bit two's
// complement bits. Loaded with LoadAsUint64, signed values are sign-extended, so modular
// uint64 arithmetic gives the exact result modulo 2^64 (and so modulo the type's width).
uint64_t ReduceInteger(ReduceOp op, DataType t, const std::vector<uint64_t>& v) {
  const bool is_unsigned = IsUnsignedInteger(t);
  // x < y in the type's own order.
  auto less = [&](uint64_t x, uint64_t y) {
    return is_unsigned ? x < y : static_cast<int64_t>(x) < static_cast<int64_t>(y);
  };
  switch (op) {
    case ReduceOp::kL1: {
      uint64_t sum = 0;
      for (uint64_t x : v) sum += (!is_unsigned && static_cast<int64_t>(x) < 0) ? 0 - x : x;
      return sum;
    }
    case ReduceOp::kMax: {
      uint64_t m = v[0];
      for (uint64_t x : v) m = less(m, x) ? x : m;
      return m;
    }
    case ReduceOp::kMin: {
      uint64_t m = v[0];
      for (uint64_t x : v) m = less(x, m) ? x : m;
      return m;
    }
    case ReduceOp::kProduct: {
      uint64_t product = 1;
      for (uint64_t x : v) product *= x;
      return product;
    }
    case ReduceOp::kSum: {
      uint64_t sum = 0;
      for (uint64_t x : v) sum += x;
      return sum;
    }
    case ReduceOp::kSumSquare: {
      uint64_t sum = 0;
      for (uint64_t x : v) sum += x * x;
      return sum;
    }
    // Float-only reductions (op table): not reached for integer inputs.
    case ReduceOp::kL2:
    case ReduceOp::kLogSum:
    case ReduceOp::kLogSumExp:
    case ReduceOp::kMean:
      break;
  }
  return 0;
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-reduce
Status ComputeReduce(std::string_view op_name, ReduceOp op, const KernelArgs& args,
                     const ReduceAttrs& a) {
  const ConstTensor& input = args.inputs[0];
  const MutableTensor& output = args.outputs[0];
  const DataType t = input.desc->dataType;
  std::vector<uint32_t> axes;  // absent: every axis
  if (a.axes) {
    axes = *a.axes;
  } else {
    for (uint32_t d = 0; d < input.desc->rank(); ++d) axes.push_back(d);
  }
  WEBNN_RETURN_IF_ERROR(CheckAxesInRange(op_name, axes, input.desc->rank()));
  const ReductionLayout layout = MakeReductionLayout(input.desc->shape, axes);
  if (IsFloatingPoint(t)) {
    std::vector<double> values(layout.inner.size());
    for (size_t o = 0; o < layout.outer.size(); ++o) {
      for (size_t k = 0; k < layout.inner.size(); ++k) {
        values[k] = LoadAsDouble(t, input.data, layout.outer[o] + layout.inner[k]);
      }
      StoreFromDouble(t, output.data, o, ReduceFloat(op, values));
    }
  } else {
    std::vector<uint64_t> values(layout.inner.size());
    for (size_t o = 0; o < layout.outer.size(); ++o) {
      for (size_t k = 0; k < layout.inner.size(); ++k) {
        values[k] = LoadAsUint64(t, input.data, layout.outer[o] + layout.inner[k]);
      }
      StoreFromInt64(t, output.data, o, static_cast<int64_t>(ReduceInteger(op, t, values)));
    }
  }
  return {};
}

}  // namespace

#define WEBNN_DEFINE_REDUCE(Kind, op, name)                            \
  Status Compute##Kind(const KernelArgs& args, const ReduceAttrs& a) { \
    return ComputeReduce(name, ReduceOp::k##op, args, a);              \
  }
WEBNN_DEFINE_REDUCE(ReduceL1, L1, "reduceL1")
WEBNN_DEFINE_REDUCE(ReduceL2, L2, "reduceL2")
WEBNN_DEFINE_REDUCE(ReduceLogSum, LogSum, "reduceLogSum")
WEBNN_DEFINE_REDUCE(ReduceLogSumExp, LogSumExp, "reduceLogSumExp")
WEBNN_DEFINE_REDUCE(ReduceMax, Max, "reduceMax")
WEBNN_DEFINE_REDUCE(ReduceMean, Mean, "reduceMean")
WEBNN_DEFINE_REDUCE(ReduceMin, Min, "reduceMin")
WEBNN_DEFINE_REDUCE(ReduceProduct, Product, "reduceProduct")
WEBNN_DEFINE_REDUCE(ReduceSum, Sum, "reduceSum")
WEBNN_DEFINE_REDUCE(ReduceSumSquare, SumSquare, "reduceSumSquare")
#undef WEBNN_DEFINE_REDUCE

namespace {

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-argminmax
// The index along `axis` of the smallest (argMin) or largest (argMax) value; ties pick the first
// index, and a NaN wins over every number (the first NaN), as NaN propagates in reduceMin/Max.
Status ComputeArgMinMax(std::string_view op_name, bool is_max, const KernelArgs& args,
                        const ArgMinMaxAttrs& a) {
  const ConstTensor& input = args.inputs[0];
  const MutableTensor& output = args.outputs[0];
  const DataType t = input.desc->dataType;
  WEBNN_RETURN_IF_ERROR(CheckAxesInRange(op_name, {a.axis}, input.desc->rank()));
  const ReductionLayout layout = MakeReductionLayout(input.desc->shape, {a.axis});
  const bool is_unsigned = IsUnsignedInteger(t);
  // True when element j replaces the best so far, element i.
  auto better = [&](size_t j, size_t i) {
    if (IsFloatingPoint(t)) {
      const double x = LoadAsDouble(t, input.data, j);
      const double best = LoadAsDouble(t, input.data, i);
      if (std::isnan(best)) return false;
      if (std::isnan(x)) return true;
      return is_max ? x > best : x < best;
    }
    if (is_unsigned) {
      const uint64_t x = LoadAsUint64(t, input.data, j);
      const uint64_t best = LoadAsUint64(t, input.data, i);
      return is_max ? x > best : x < best;
    }
    const int64_t x = LoadAsInt64(t, input.data, j);
    const int64_t best = LoadAsInt64(t, input.data, i);
    return is_max ? x > best : x < best;
  };
  for (size_t o = 0; o < layout.outer.size(); ++o) {
    size_t best_k = 0;
    for (size_t k = 1; k < layout.inner.size(); ++k) {
      if (better(layout.outer[o] + layout.inner[k], layout.outer[o] + layout.inner[best_k])) {
        best_k = k;
      }
    }
    StoreFromInt64(output.desc->dataType, output.data, o, static_cast<int64_t>(best_k));
  }
  return {};
}

}  // namespace

Status ComputeArgMin(const KernelArgs& args, const ArgMinMaxAttrs& a) {
  return ComputeArgMinMax("argMin", /*is_max=*/false, args, a);
}
Status ComputeArgMax(const KernelArgs& args, const ArgMinMaxAttrs& a) {
  return ComputeArgMinMax("argMax", /*is_max=*/true, args, a);
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-softmax-method
// softmax(x)_k = exp(x_k - max(x)) / sum_j exp(x_j - max(x)) along the axis.
Status ComputeSoftmax(const KernelArgs& args, const AxisAttrs& a) {
  const ConstTensor& input = args.inputs[0];
  const MutableTensor& output = args.outputs[0];
  const DataType t = input.desc->dataType;
  WEBNN_RETURN_IF_ERROR(CheckAxesInRange("softmax", {a.axis}, input.desc->rank()));
  const ReductionLayout layout = MakeReductionLayout(input.desc->shape, {a.axis});
  std::vector<double> values(layout.inner.size());
  for (size_t base : layout.outer) {
    double max = -std::numeric_limits<double>::infinity();
    for (size_t k = 0; k < layout.inner.size(); ++k) {
      values[k] = LoadAsDouble(t, input.data, base + layout.inner[k]);
      max = std::fmax(max, values[k]);
    }
    double sum = 0;
    for (double& v : values) {
      v = std::exp(v - max);
      sum += v;
    }
    for (size_t k = 0; k < layout.inner.size(); ++k) {
      StoreFromDouble(t, output.data, base + layout.inner[k], values[k] / sum);
    }
  }
  return {};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-cumulativesum
// Inclusive: out_k = sum of x_j for j <= k (j >= k when reversed); exclusive leaves x_k out.
Status ComputeCumulativeSum(const KernelArgs& args, const CumulativeSumAttrs& a) {
  const ConstTensor& input = args.inputs[0];
  const MutableTensor& output = args.outputs[0];
  const DataType t = input.desc->dataType;
  WEBNN_RETURN_IF_ERROR(CheckAxesInRange("cumulativeSum", {a.axis}, input.desc->rank()));
  const ReductionLayout layout = MakeReductionLayout(input.desc->shape, {a.axis});
  const size_t n = layout.inner.size();
  for (size_t base : layout.outer) {
    double float_sum = 0;
    uint64_t int_sum = 0;  // modular: exact for every integer type
    for (size_t step = 0; step < n; ++step) {
      const size_t i = base + layout.inner[a.reversed ? n - 1 - step : step];
      if (IsFloatingPoint(t)) {
        const double x = LoadAsDouble(t, input.data, i);
        if (!a.exclusive) float_sum += x;
        StoreFromDouble(t, output.data, i, float_sum);
        if (a.exclusive) float_sum += x;
      } else {
        const uint64_t x = LoadAsUint64(t, input.data, i);
        if (!a.exclusive) int_sum += x;
        StoreFromInt64(t, output.data, i, static_cast<int64_t>(int_sum));
        if (a.exclusive) int_sum += x;
      }
    }
  }
  return {};
}

}  // namespace webnn::reference
