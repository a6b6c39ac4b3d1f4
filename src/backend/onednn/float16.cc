#include "backend/onednn/float16.h"

#include <algorithm>
#include <bit>

namespace webnn::onednn {

namespace {

// IEEE 754 binary32 bit patterns of the float16 boundaries.
constexpr uint32_t kSignBit = 0x80000000u;
constexpr uint32_t kInfinity = 0x7F800000u;
constexpr uint32_t kMinNormalHalf = 0x38800000u;  // 2^-14
constexpr uint32_t kHalfOverflow = 0x47800000u;   // 2^16: rounds to infinity from here
constexpr uint32_t kHalfBias = 0x38000000u;       // (127 - 15) << 23
constexpr uint32_t kOneHalf = 0x3F000000u;        // 0.5f

// |x| (bits `a`, not NaN) rounded to 10 fraction bits, nearest even: add just under half the
// dropped unit, plus one when the kept part is odd, and truncate. A carry moves into the exponent
// (the next binade's first value), which is the correct result.
// `t` where `cond`, else `f`, without a branch (so the loops vectorize).
inline uint32_t Select(bool cond, uint32_t t, uint32_t f) {
  const uint32_t mask = 0u - static_cast<uint32_t>(cond);
  return (t & mask) | (f & ~mask);
}

inline uint32_t RoundNormal(uint32_t a) { return (a + 0xFFFu + ((a >> 13) & 1u)) & ~0x1FFFu; }

// |x| (bits `a`, below 2^-14) as a count of float16's subnormal unit 2^-24, nearest even: the
// float sum |x| + 0.5 lies in [0.5, 1), where a float's unit is 2^-24, so the addition itself
// rounds |x| to a multiple of 2^-24; its bits past 0.5's count the units (up to 1024, the
// smallest normal float16).
inline uint32_t SubnormalUnits(uint32_t a) {
  return std::bit_cast<uint32_t>(std::bit_cast<float>(a) + 0.5f) - kOneHalf;
}

inline float RoundOne(float x) {
  const uint32_t b = std::bit_cast<uint32_t>(x);
  const uint32_t sign = b & kSignBit, a = b & ~kSignBit;
  const uint32_t rounded = RoundNormal(a);
  const uint32_t normal = Select(rounded >= kHalfOverflow, kInfinity, rounded);
  // The units back as a float: n * 2^-24 is exact (n <= 1024).
  // (Converted as signed: every ISA vectorizes that conversion.)
  const float sub = static_cast<float>(static_cast<int32_t>(SubnormalUnits(a))) * 0x1p-24f;
  const uint32_t r = Select(a < kMinNormalHalf, std::bit_cast<uint32_t>(sub),
                            Select(a > kInfinity, a | 0x00400000u /* NaN, quieted */, normal));
  return std::bit_cast<float>(r | sign);
}

inline float WidenOne(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t a = h & 0x7FFFu;
  const uint32_t normal = (a << 13) + kHalfBias;
  const uint32_t special = (a << 13) | kInfinity;  // infinity, NaN (payload kept)
  const float sub = static_cast<float>(static_cast<int32_t>(a)) * 0x1p-24f;  // 0, subnormals
  const uint32_t r =
      Select(a < 0x0400u, std::bit_cast<uint32_t>(sub), Select(a >= 0x7C00u, special, normal));
  return std::bit_cast<float>(r | sign);
}

inline uint16_t NarrowOne(float x) {
  const uint32_t b = std::bit_cast<uint32_t>(x);
  const uint32_t sign = (b >> 16) & 0x8000u, a = b & ~kSignBit;
  const uint32_t rounded = RoundNormal(a);
  const uint32_t normal = Select(rounded >= kHalfOverflow, 0x7C00u, (rounded - kHalfBias) >> 13);
  const uint32_t r =
      Select(a < kMinNormalHalf, SubnormalUnits(a), Select(a > kInfinity, 0x7E00u, normal));
  return static_cast<uint16_t>(r | sign);
}

}  // namespace

// Each loop is built for AVX-512, AVX2 and the baseline, picked when the library loads: the
// baseline's SSE2 has no unsigned comparison or blend and runs these 4-6 times slower.
#define WEBNN_FLOAT16_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

WEBNN_FLOAT16_CLONES void RoundToFloat16(const float* src, float* dst, size_t n) {
  if (src == dst) {
    // In place: one pointer, or the vectorized loop's overlap check sends it to the scalar one.
    for (size_t i = 0; i < n; ++i) dst[i] = RoundOne(dst[i]);
    return;
  }
  for (size_t i = 0; i < n; ++i) dst[i] = RoundOne(src[i]);
}

WEBNN_FLOAT16_CLONES void WidenFloat16(const uint16_t* src, float* dst, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = WidenOne(src[i]);
}

WEBNN_FLOAT16_CLONES void NarrowToFloat16(const float* src, uint16_t* dst, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = NarrowOne(src[i]);
}

WEBNN_FLOAT16_CLONES void KeepNaN(const float* src, float* dst, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const uint32_t a = std::bit_cast<uint32_t>(src[i]) & ~kSignBit;
    dst[i] = std::bit_cast<float>(
        Select(a > kInfinity, std::bit_cast<uint32_t>(src[i]), std::bit_cast<uint32_t>(dst[i])));
  }
}

namespace {

// Elements per chunk of a step: below two chunks a step runs on the calling thread.
constexpr size_t kChunk = size_t{1} << 15;

}  // namespace

Status Float16Step::Run(RunContext& ctx) const {
  const void* src = (*ctx.values)[src_].get_data_handle();
  void* dst = (*ctx.values)[dst_].get_data_handle();
  const auto run = [&](size_t begin, size_t end) {
    const size_t n = end - begin;
    switch (kind_) {
      case Kind::kRound:
        RoundToFloat16(static_cast<const float*>(src) + begin, static_cast<float*>(dst) + begin, n);
        break;
      case Kind::kWiden:
        WidenFloat16(static_cast<const uint16_t*>(src) + begin, static_cast<float*>(dst) + begin,
                     n);
        break;
      case Kind::kNarrow:
        NarrowToFloat16(static_cast<const float*>(src) + begin, static_cast<uint16_t*>(dst) + begin,
                        n);
        break;
      case Kind::kKeepNaN:
        KeepNaN(static_cast<const float*>(src) + begin, static_cast<float*>(dst) + begin, n);
        break;
    }
  };
  const int64_t chunks = static_cast<int64_t>((count_ + kChunk - 1) / kChunk);
  if (threads_ <= 1 || chunks < 2) {
    run(0, count_);
    return {};
  }
  // Each element is computed alone: the split does not change a bit of the result.
#pragma omp parallel for num_threads(threads_) schedule(static)
  for (int64_t i = 0; i < chunks; ++i) {
    const size_t begin = static_cast<size_t>(i) * kChunk;
    run(begin, std::min(count_, begin + kChunk));
  }
  return {};
}

std::string Float16Step::describe() const {
  switch (kind_) {
    case Kind::kRound:
      return "round to float16";
    case Kind::kWiden:
      return "float16 -> float32";
    case Kind::kNarrow:
      return "float32 -> float16";
    case Kind::kKeepNaN:
      return "clamp: keep NaN";
  }
  return "float16";
}

}  // namespace webnn::onednn
