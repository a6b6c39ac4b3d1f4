// Test support: validate and run one operation on the reference kernels, with values given as
// doubles. Used by the per-family unit tests beside the validators and kernels.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ops/validate.h"
#include "webnn/attrs.h"
#include "webnn/error.h"

namespace webnn::testing {

struct TestTensor {
  OperandDescriptor desc;
  std::vector<std::byte> bytes;

  // Values converted to the tensor's type like a typed array would (floats rounded,
  // integers truncated and saturated).
  static TestTensor Make(DataType type, std::vector<uint32_t> shape,
                         const std::vector<double>& values);
  // Exact 64-bit integer values.
  static TestTensor MakeInt(DataType type, std::vector<uint32_t> shape,
                            const std::vector<int64_t>& values);
  std::vector<double> ToDoubles() const;
  std::vector<int64_t> ToInt64s() const;
};

// Validates the op (ValidateOperation) and, when valid, runs its reference kernel.
// `inputs` has one entry per slot (std::nullopt for an absent optional operand).
Result<std::vector<TestTensor>> RunOp(OpKind kind, const Attrs& attrs,
                                      const std::vector<std::optional<TestTensor>>& inputs,
                                      const ContextLimits& limits = {});

// Only the validation: the output descriptors.
Result<OutputDescriptors> InferOp(OpKind kind, const Attrs& attrs,
                                  const std::vector<std::optional<OperandDescriptor>>& inputs,
                                  const ContextLimits& limits = {});

}  // namespace webnn::testing
