// Compiles a validated GraphInfo into a oneDNN Plan (plan.h).
//
// Passes: constant operations are evaluated once on the reference kernels (constant folding);
// then, in topological order, each operation is handed to its family's emitter (emit.h), which
// either emits oneDNN primitives — fusing the activations, bias and residual additions that
// follow a convolution or matrix product into it as post-ops, and folding a following
// batchNormalization into its weights — or declines, and the operation runs on its reference
// kernel inside the same plan. Values keep the layouts oneDNN chooses (blocked formats through
// chains of convolutions); a reorder is emitted only where a consumer needs another layout.
// Last, the arena: every intermediate gets an offset in one buffer, planned from lifetimes.
//
// float16 (this CPU has no float16 arithmetic, and oneDNN 2.6 no float16 kernels for it): an
// operation on float16 operands runs on the float32 primitive, and a float16 operand's value is
// float32 storage holding float16 numbers: the operation's result is rounded to float16 (round to
// nearest even) right after the step that computes it (BindResult), exactly where the spec's
// float16 operand, and the reference kernel's store, round it. Constants are converted to float32
// once, here (and prepacked as float32 weights); graph inputs are widened where first read and
// outputs narrowed into the caller's buffer; the reference kernels read and write float16.
// Fusion rule for float16: an operation is folded into a primitive only when doing so cannot
// change a rounded result, i.e. it commutes with rounding to float16 (relu, clamp with its
// float16 bounds, neg, abs, max/min with a float16 operand: round(g(v)) == g(round(v))). Others
// (sigmoid, a residual add, a folded batchNormalization, ...) end the chain: the reference rounds
// between them, so the plan does too, and a fused float16 result equals the unfused one.
#pragma once

#include <map>
#include <memory>
#include <oneapi/dnnl/dnnl.hpp>
#include <span>
#include <string>
#include <vector>

#include "backend/onednn/plan.h"
#include "ir/graph_info.h"

namespace webnn::onednn {

using md_t = dnnl::memory::desc;
using dt = dnnl::memory::data_type;

// The oneDNN data type of a WebNN one, if oneDNN has it.
std::optional<dt> ToDnnl(DataType t);
// Dense row-major memory descriptor of a WebNN operand (rank 0 as [1]); a type oneDNN lacks is
// described as its raw bytes (u8 [byteLength]), which only the reference kernels read.
md_t PlainMd(const OperandDescriptor& desc);
md_t PlainMd(const dnnl::memory::dims& dims, dt type);
// Whether `md` is dense row-major over its own dims.
bool IsPlain(const md_t& md);

// Multiply-adds (convolutions, matrix products) plus elements written (everything else): a
// rough size of one run, to keep graphs too small to repay waking a thread team on one thread.
uint64_t EstimateWork(const GraphInfo& graph);

class Compiler {
 public:
  Compiler(GraphInfo graph, dnnl::engine engine, uint32_t threads);
  Result<std::unique_ptr<Plan>> Compile();

  // ---- The graph, for emitters ----
  const GraphInfo& graph() const { return graph_; }
  const OperandDescriptor& desc(OperandId id) const { return graph_.operands[id].desc; }
  // A constant of the graph or one folded at compile time.
  bool IsConstant(OperandId id) const;
  std::span<const std::byte> ConstantBytes(OperandId id) const;
  bool IsGraphOutput(OperandId id) const;
  // Whether a primitive producing `id` may write the caller's output buffer directly (then it
  // writes a dense layout): a graph output, but not a float16 one (its buffer holds float16, the
  // primitive's result is float32, so any layout will do).
  bool WritesOutputBuffer(OperandId id) const { return IsGraphOutput(id) && !IsFloat16(id); }
  // Whether `id` has a value yet: a constant, a graph input, or produced by an operation
  // already emitted (a post-op operand from a later branch has none).
  bool HasValue(OperandId id) const { return bindings_.count(id) != 0 || IsConstant(id); }
  // The one operation reading `id`, when exactly one does and `id` is not a graph output:
  // the condition for fusing that operation into the producer of `id`.
  const Operation* SoleConsumer(OperandId id) const;
  // Whether `reader` may overwrite the value of `id` in place: an intermediate in the arena
  // (not a graph input, output or constant), no view shares its bytes, and no operation after
  // `reader` reads it.
  bool CanOverwrite(OperandId id, const Operation& reader);
  // Marks an operation as done by a fusion: it emits nothing when its turn comes.
  void MarkFused(const Operation& op);

  // ---- Values ----
  // The value primitives read for an operand (produced earlier, or a constant in its plain
  // layout); a float16 operand's is float32 (widened once when it is bound to float16 bytes).
  ValueId Value(OperandId id);
  // The value bound to an operand, in whatever type it has (views keep it).
  ValueId Bound(OperandId id);
  // The operand's value in its own data type, dense (reference kernels, casts).
  ValueId Stored(OperandId id);
  // The dense descriptor of an operand's value in the plan: float16 as float32.
  md_t ValueMd(OperandId id) const;
  bool IsFloat16(OperandId id) const { return desc(id).dataType == DataType::kFloat16; }
  // A float constant's elements as floats (float16 widened).
  std::vector<float> ConstantFloats(OperandId id) const;
  // The bytes of a constant value (`v` must be one).
  const std::byte* ConstantData(ValueId v) const;
  const md_t& Md(ValueId v) const { return plan_->value_mds[v]; }
  // `v` in dense row-major layout over the same dims (a reorder when it is not).
  ValueId Dense(ValueId v);
  // `v` reordered into layout `md` (same dims), unless it already has it.
  ValueId Reordered(ValueId v, const md_t& md);
  // A new intermediate in the arena.
  ValueId NewValue(const md_t& md);
  // A constant value; `bytes` hold `md`'s layout.
  ValueId ConstantValue(const md_t& md, std::shared_ptr<std::byte[]> bytes);
  // A constant given in layout `from`, reordered once now into layout `to` (prepacking).
  ValueId Prepack(const md_t& from, const void* data, const md_t& to);
  // Another descriptor over the same bytes (reshape of a dense value, transpose, ...).
  ValueId View(ValueId base, const md_t& md);
  // The same, `byte_offset` bytes into `base` (one image of a batch, ...).
  ValueId View(ValueId base, const md_t& md, size_t byte_offset);
  // Where operand `id` is written when its producer writes layout `md`: the graph output's
  // buffer when `id` is an output and `md` is dense, else a new intermediate.
  ValueId Destination(OperandId id, const md_t& md);
  void Bind(OperandId id, ValueId v);
  // Binds `id` to `v`, the float32 result a step just computed: a float16 operand's value is
  // rounded to float16 in place (a step), unless `exact` (the result of float16 inputs is
  // already a float16 number: max, min, relu, clamp, max pooling, data movement). `v` must be a
  // whole destination (not a strided view into another value).
  void BindResult(OperandId id, ValueId v, bool exact = false);

  // ---- Steps ----
  void AddPrimitive(const dnnl::primitive& p, const dnnl::primitive_desc_base& pd,
                    std::vector<std::pair<int, ValueId>> args, std::string what);
  void AddReorder(ValueId src, ValueId dst);
  // A step that is not a oneDNN primitive, with the values it reads and writes.
  void AddStep(std::unique_ptr<Step> step, std::vector<ValueId> reads, std::vector<ValueId> writes);
  dnnl::primitive_attr Attr() const;  // user scratchpad, the attribute every primitive uses
  const dnnl::engine& engine() const { return plan_->engine; }
  uint32_t threads() const { return plan_->threads; }

 private:
  struct Snapshot {
    size_t steps, values, slots, step_io;
    std::map<OperandId, ValueId> bindings;
    std::map<ValueId, ValueId> dense, wide, narrow;
  };
  Snapshot Save() const;
  void Restore(const Snapshot& s);
  void FoldConstants();
  Status EmitFallback(const Operation& op);
  void EmitOutputs();
  void PlanArena();

  GraphInfo graph_;
  std::unique_ptr<Plan> plan_;
  std::vector<std::vector<uint32_t>> consumers_;  // operand -> operation indices reading it
  std::vector<bool> is_output_;
  std::vector<bool> fused_;
  std::map<OperandId, std::shared_ptr<std::byte[]>> folded_;
  std::map<OperandId, ValueId> bindings_;
  std::map<ValueId, ValueId> dense_;   // value -> its dense copy
  std::map<ValueId, ValueId> wide_;    // float16 value -> its float32 copy
  std::map<ValueId, ValueId> narrow_;  // float32 value of a float16 operand -> its float16 copy
  // Per step, the values it reads and writes (for lifetimes).
  struct StepIo {
    std::vector<ValueId> reads, writes;
  };
  std::vector<StepIo> step_io_;
  const Operation* current_ = nullptr;
};

}  // namespace webnn::onednn
