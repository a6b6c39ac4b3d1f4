// float16 on a CPU without float16 arithmetic: the oneDNN plan computes float16 operations in
// float32 and keeps every float16 operand's value in float32 storage, rounded to float16 after
// the operation that produces it (round to nearest even, overflow to infinity, subnormals kept),
// so each value is exactly the float16 number the spec's float16 operand holds. These loops are
// the conversions at the edges (graph inputs and outputs, reference kernels) and that rounding.
//
// oneDNN 2.6 converts float16 only in its generic reorder (60 ns an element on AVX-512), so
// they are plain loops of integer and float operations the compiler vectorizes, exact for every
// input (a test checks them against the scalar conversions of webnn/types.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "backend/onednn/plan.h"

namespace webnn::onednn {

// dst[i] = the float16 value nearest src[i] (ties to even), as a float; src may equal dst.
void RoundToFloat16(const float* src, float* dst, size_t n);
// float16 bits -> float (exact).
void WidenFloat16(const uint16_t* src, float* dst, size_t n);
// float -> float16 bits, round to nearest even (exact for values already rounded).
void NarrowToFloat16(const float* src, uint16_t* dst, size_t n);
// dst[i] = src[i] where src[i] is NaN (a clamp's input, whose NaN oneDNN's clip drops).
void KeepNaN(const float* src, float* dst, size_t n);

// One of the loops as a step of a plan, over `count` elements of two values (the same one for an
// in-place rounding), split across the plan's threads when large.
class Float16Step final : public Step {
 public:
  enum class Kind : uint8_t { kRound, kWiden, kNarrow, kKeepNaN };
  Float16Step(Kind kind, ValueId src, ValueId dst, size_t count, uint32_t threads)
      : kind_(kind), src_(src), dst_(dst), count_(count), threads_(threads) {}
  Status Run(RunContext& ctx) const override;
  std::string describe() const override;

 private:
  Kind kind_;
  ValueId src_, dst_;
  size_t count_;
  uint32_t threads_;
};

}  // namespace webnn::onednn
