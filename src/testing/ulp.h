// Test support: results compared in units in the last place, as the WPT conformance tests
// measure them, for the per-family kernel tests.
#pragma once

#include <cstdint>
#include <vector>

#include "testing/op_runner.h"

namespace webnn::testing {

// Distance in ULPs: the values' float32 (or, for float16, rounded float16) bit patterns read as
// sign-magnitude integers; +0 and -0 are 0 apart, and so are two NaNs.
int64_t UlpDistance(DataType type, double actual, double expected);

// Every element of `out` within `ulp` of `expected` (a gtest failure names the element).
void ExpectUlpNear(const TestTensor& out, const std::vector<double>& expected, int64_t ulp);

// A float32 tensor of `values`.
TestTensor F32(std::vector<uint32_t> shape, const std::vector<double>& values);

}  // namespace webnn::testing
