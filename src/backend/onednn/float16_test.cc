#include "backend/onednn/float16.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "webnn/types.h"

namespace webnn::onednn {
namespace {

// The loops against the scalar conversions of webnn/types.h: every float16 bit pattern, and a
// sweep of float bit patterns (every 4093rd, plus the neighbourhood of every float16 rounding
// boundary: the midpoints between float16 neighbours, where ties go to even).
std::vector<float> SweepFloats() {
  std::vector<float> v;
  for (uint64_t b = 0; b <= 0xFFFFFFFFull; b += 4093)
    v.push_back(std::bit_cast<float>(uint32_t(b)));
  for (uint32_t h = 0; h < 0x7C00; ++h) {
    // The float just past h's upper half-way point, the point itself and the float before it.
    const uint32_t mid = std::bit_cast<uint32_t>(HalfToFloat(static_cast<uint16_t>(h))) + 0x1000u;
    for (uint32_t d : {mid - 1, mid, mid + 1}) {
      v.push_back(std::bit_cast<float>(d));
      v.push_back(-std::bit_cast<float>(d));
    }
  }
  return v;
}

TEST(Float16Loops, WidenIsExactForEveryHalf) {
  std::vector<uint16_t> halves(65536);
  for (uint32_t h = 0; h < 65536; ++h) halves[h] = static_cast<uint16_t>(h);
  std::vector<float> got(halves.size());
  WidenFloat16(halves.data(), got.data(), halves.size());
  for (uint32_t h = 0; h < 65536; ++h) {
    ASSERT_EQ(std::bit_cast<uint32_t>(got[h]),
              std::bit_cast<uint32_t>(HalfToFloat(static_cast<uint16_t>(h))))
        << std::hex << "half 0x" << h;
  }
}

TEST(Float16Loops, NarrowAndRoundMatchTheScalarConversion) {
  const std::vector<float> in = SweepFloats();
  std::vector<uint16_t> narrow(in.size());
  std::vector<float> rounded(in.size()), in_place = in;
  NarrowToFloat16(in.data(), narrow.data(), in.size());
  RoundToFloat16(in.data(), rounded.data(), in.size());
  RoundToFloat16(in_place.data(), in_place.data(), in_place.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const uint16_t want = FloatToHalf(in[i]);
    ASSERT_EQ(narrow[i], want) << std::hex << "float 0x" << std::bit_cast<uint32_t>(in[i]);
    const float want_f = HalfToFloat(want);
    if (std::isnan(want_f)) {
      ASSERT_TRUE(std::isnan(rounded[i]) && std::isnan(in_place[i]));
    } else {
      ASSERT_EQ(std::bit_cast<uint32_t>(rounded[i]), std::bit_cast<uint32_t>(want_f))
          << std::hex << "float 0x" << std::bit_cast<uint32_t>(in[i]);
      ASSERT_EQ(std::bit_cast<uint32_t>(in_place[i]), std::bit_cast<uint32_t>(want_f));
    }
  }
}

TEST(Float16Loops, Edges) {
  const float in[] = {65504.f,  65519.996f, 65520.f, -65520.f, 0x1p-24f,
                      0x1p-25f, 0x1.8p-25f, -0.f,    0x1p-14f, 0x1.ffcp-15f};
  const float want[] = {65504.f, 65504.f,  INFINITY, -INFINITY, 0x1p-24f,
                        0.f,     0x1p-24f, -0.f,     0x1p-14f,  0x1p-14f};
  float got[std::size(in)];
  RoundToFloat16(in, got, std::size(in));
  for (size_t i = 0; i < std::size(in); ++i) {
    EXPECT_EQ(std::bit_cast<uint32_t>(got[i]), std::bit_cast<uint32_t>(want[i])) << in[i];
  }
}

}  // namespace
}  // namespace webnn::onednn
