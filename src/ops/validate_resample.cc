// Validator of resample2d. Follows the "method steps" of its spec section; the generic checks
// (slot data types and ranks, output limits) have already run.
#include <cmath>
#include <cstdint>
#include <limits>

#include "ops/validate.h"

namespace webnn {

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-resample2d-method
// Any two distinct axes are allowed, as the spec says (wpt resamples axes [0, 1], [1, 2],
// [2, 3] and their reversals).
Result<OutputDescriptors> ValidateResample2d(const OpValidationContext& ctx,
                                             const Resample2dAttrs& a) {
  const OperandDescriptor& input = ctx.input(0);
  if (a.scales) {
    if (a.scales->size() != 2) {
      return ctx.TypeError("scales: expected 2 values, got ", a.scales->size());
    }
    for (size_t i = 0; i < 2; ++i) {
      // !(s > 0) also rejects NaN.
      if (!((*a.scales)[i] > 0)) {
        return ctx.TypeError("scales[", i, "]: ", (*a.scales)[i], " must be greater than 0");
      }
    }
  }
  if (a.sizes) {
    if (a.sizes->size() != 2) {
      return ctx.TypeError("sizes: expected 2 values, got ", a.sizes->size());
    }
    for (size_t i = 0; i < 2; ++i) {
      if ((*a.sizes)[i] == 0) return ctx.TypeError("sizes[", i, "]: must be greater than 0");
    }
  }
  const UintList axes = a.axes.value_or(UintList{2, 3});
  if (axes.size() != 2) return ctx.TypeError("axes: expected 2 values, got ", axes.size());
  WEBNN_RETURN_IF_ERROR(CheckAxes(ctx, axes, input.rank(), "axes"));

  OperandDescriptor out = input;
  for (size_t i = 0; i < 2; ++i) {
    const uint32_t input_size = input.shape[axes[i]];
    double size = 0;
    if (a.sizes) {
      size = (*a.sizes)[i];
    } else {
      const float scale = a.scales ? (*a.scales)[i] : 1.0f;
      size = std::floor(static_cast<double>(input_size) * static_cast<double>(scale));
    }
    // https://www.w3.org/TR/webnn/#valid-dimension (an infinite scale gives an infinite size).
    if (!(size > 0 && size <= std::numeric_limits<int32_t>::max())) {
      return ctx.TypeError("output size along axis ", axes[i], " (", size, ", from input size ",
                           input_size, ") is not a valid dimension");
    }
    out.shape[axes[i]] = static_cast<uint32_t>(size);
  }
  return OutputDescriptors{out};
}

}  // namespace webnn
