#include "testing/ulp.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "webnn/types.h"

namespace webnn::testing {

int64_t UlpDistance(DataType type, double actual, double expected) {
  if (actual == expected) return 0;
  if (std::isnan(actual) && std::isnan(expected)) return 0;
  if (type == DataType::kFloat16) {
    auto bits = [](double v) {
      const int64_t magnitude = FloatToHalf(static_cast<float>(v)) & 0x7FFF;
      return std::signbit(v) ? -magnitude : magnitude;
    };
    return std::llabs(bits(actual) - bits(expected));
  }
  auto bits = [](double v) {
    const float f = std::fabs(static_cast<float>(v));
    uint32_t b;
    std::memcpy(&b, &f, sizeof b);
    return v < 0 ? -int64_t{b} : int64_t{b};
  };
  return std::llabs(bits(actual) - bits(expected));
}

void ExpectUlpNear(const TestTensor& out, const std::vector<double>& expected, int64_t ulp) {
  const std::vector<double> got = out.ToDoubles();
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_LE(UlpDistance(out.desc.dataType, got[i], expected[i]), ulp)
        << "element " << i << ": got " << got[i] << ", expected " << expected[i];
  }
}

TestTensor F32(std::vector<uint32_t> shape, const std::vector<double>& values) {
  return TestTensor::Make(DataType::kFloat32, std::move(shape), values);
}

}  // namespace webnn::testing
