#include "backend/onednn/compiler.h"

#include <algorithm>
#include <cstring>

#include "backend/onednn/emit.h"
#include "backend/onednn/float16.h"
#include "backend/reference/kernels.h"

namespace webnn::onednn {

namespace {

// Constant operations are folded at compile time unless their result is larger than this (an
// expand of a scalar to a huge shape should stay a run-time operation, not a compile-time
// allocation).
constexpr uint64_t kMaxFoldedBytes = uint64_t{64} << 20;
constexpr size_t kArenaAlign = 64;

size_t AlignUp(size_t n) { return (n + kArenaAlign - 1) / kArenaAlign * kArenaAlign; }

std::shared_ptr<std::byte[]> AllocateBytes(size_t n) {
  auto p = std::shared_ptr<std::byte[]>(
      new (std::align_val_t{kArenaAlign}) std::byte[std::max<size_t>(n, 1)],
      [](std::byte* q) { operator delete[](q, std::align_val_t{kArenaAlign}); });
  std::memset(p.get(), 0, std::max<size_t>(n, 1));
  return p;
}

// A reference kernel as a step of the plan: its operands are dense values.
class FallbackStep final : public Step {
 public:
  FallbackStep(const Operation& op, std::vector<std::pair<OperandDescriptor, ValueId>> inputs,
               std::vector<std::pair<OperandDescriptor, ValueId>> outputs)
      : kind_(op.kind),
        attrs_(op.attrs),
        label_(op.label),
        inputs_(std::move(inputs)),
        outputs_(std::move(outputs)) {}

  Status Run(RunContext& ctx) const override {
    std::vector<reference::ConstTensor> ins;
    std::vector<reference::MutableTensor> outs;
    ins.reserve(inputs_.size());
    outs.reserve(outputs_.size());
    for (const auto& [desc, v] : inputs_) {
      if (v == kNoValue) {
        ins.push_back({});
      } else {
        ins.push_back({&desc, static_cast<const std::byte*>((*ctx.values)[v].get_data_handle())});
      }
    }
    for (const auto& [desc, v] : outputs_) {
      outs.push_back({&desc, static_cast<std::byte*>((*ctx.values)[v].get_data_handle())});
    }
    return reference::ComputeOperation(kind_, attrs_, {ins, outs});
  }
  bool is_fallback() const override { return true; }
  std::string describe() const override { return std::string(OpName(kind_)) + " (reference)"; }

  static constexpr ValueId kNoValue = ~ValueId{0};

 private:
  OpKind kind_;
  Attrs attrs_;
  std::string label_;
  std::vector<std::pair<OperandDescriptor, ValueId>> inputs_;
  std::vector<std::pair<OperandDescriptor, ValueId>> outputs_;
};

bool IsWrite(int arg) {
  return arg == DNNL_ARG_DST || arg == DNNL_ARG_DST_1 || arg == DNNL_ARG_DST_2 ||
         arg == DNNL_ARG_WORKSPACE;
}

}  // namespace

// ---- Layout helpers ------------------------------------------------------------------------

std::optional<dt> ToDnnl(DataType t) {
  switch (t) {
    case DataType::kFloat32:
      return dt::f32;
    case DataType::kFloat16:
      return dt::f16;
    case DataType::kInt32:
      return dt::s32;
    case DataType::kInt8:
      return dt::s8;
    case DataType::kUint8:
      return dt::u8;
    default:
      return std::nullopt;
  }
}

md_t PlainMd(const dnnl::memory::dims& dims, dt type) {
  dnnl::memory::dims strides(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;)
    strides[i - 1] = strides[i] * std::max<int64_t>(dims[i], 1);
  return md_t(dims, type, strides);
}

md_t PlainMd(const OperandDescriptor& desc) {
  auto type = ToDnnl(desc.dataType);
  if (!type) {
    return PlainMd({static_cast<int64_t>(std::max<uint64_t>(desc.ByteLength(), 1))}, dt::u8);
  }
  dnnl::memory::dims dims(desc.shape.begin(), desc.shape.end());
  if (dims.empty()) dims = {1};
  return PlainMd(dims, *type);
}

bool IsPlain(const md_t& md) {
  if (md.data.format_kind != dnnl_blocked) return false;
  dnnl::memory::dims dims = md.dims();
  return md == PlainMd(dims, md.data_type());
}

uint64_t EstimateWork(const GraphInfo& graph) {
  uint64_t work = 0;
  for (const Operation& op : graph.operations) {
    uint64_t out = 0;
    for (OperandId id : op.outputs) out += graph.operands[id].desc.ElementCount();
    uint64_t per_element = 1;
    const auto& in = graph.operands[op.inputs[0]].desc.shape;
    if (op.kind == OpKind::kConv2d || op.kind == OpKind::kConvTranspose2d) {
      // The filter's element count over the output channels: input channels per group x kernel.
      const auto& f = graph.operands[op.inputs[1]].desc;
      const auto& y = graph.operands[op.outputs[0]].desc.shape;
      const uint64_t out_channels = std::max<uint64_t>(1, std::max(y[1], y[3]));
      per_element = std::max<uint64_t>(1, f.ElementCount() / out_channels);
    } else if ((op.kind == OpKind::kMatmul || op.kind == OpKind::kGemm) && !in.empty()) {
      per_element = in.back();
    }
    work += out * per_element;
  }
  return work;
}

// ---- Steps ---------------------------------------------------------------------------------

Status PrimitiveStep::Run(RunContext& ctx) const {
  std::unordered_map<int, dnnl::memory> args;
  args.reserve(args_.size() + 1);
  for (const auto& [arg, v] : args_) args.emplace(arg, (*ctx.values)[v]);
  if (uses_scratchpad_) args.emplace(DNNL_ARG_SCRATCHPAD, *ctx.scratchpad);
  primitive_.execute(*ctx.stream, args);
  return {};
}

// ---- Compiler --------------------------------------------------------------------------------

Compiler::Compiler(GraphInfo graph, dnnl::engine engine, uint32_t threads)
    : graph_(std::move(graph)), plan_(std::make_unique<Plan>()) {
  plan_->engine = std::move(engine);
  plan_->threads = threads;
  consumers_.resize(graph_.operands.size());
  for (uint32_t i = 0; i < graph_.operations.size(); ++i) {
    for (OperandId id : graph_.operations[i].inputs) {
      if (id != kNoOperand) consumers_[id].push_back(i);
    }
  }
  is_output_.assign(graph_.operands.size(), false);
  for (const GraphOutput& o : graph_.outputs) is_output_[o.operand] = true;
  fused_.assign(graph_.operations.size(), false);
}

bool Compiler::IsConstant(OperandId id) const {
  return graph_.constants.count(id) != 0 || folded_.count(id) != 0;
}

std::span<const std::byte> Compiler::ConstantBytes(OperandId id) const {
  if (auto it = folded_.find(id); it != folded_.end()) {
    return {it->second.get(), desc(id).ByteLength()};
  }
  return graph_.constants.at(id).span();
}

bool Compiler::IsGraphOutput(OperandId id) const { return is_output_[id]; }

const Operation* Compiler::SoleConsumer(OperandId id) const {
  if (is_output_[id] || consumers_[id].size() != 1) return nullptr;
  const uint32_t i = consumers_[id][0];
  if (fused_[i]) return nullptr;
  // The same operand twice in one consumer (x * x) is still one consumer, but not fusable as a
  // post-op reading the primitive's own destination.
  const Operation& op = graph_.operations[i];
  if (std::count(op.inputs.begin(), op.inputs.end(), id) != 1) return nullptr;
  return &op;
}

bool Compiler::CanOverwrite(OperandId id, const Operation& reader) {
  if (is_output_[id] || IsConstant(id) || graph_.operands[id].kind == OperandKind::kInput) {
    return false;
  }
  auto it = bindings_.find(id);
  if (it == bindings_.end()) return false;
  const uint32_t slot = plan_->value_slot[it->second];
  if (plan_->slots[slot].kind != StorageSlot::Kind::kArena) return false;
  if (std::count(plan_->value_slot.begin(), plan_->value_slot.end(), slot) != 1) return false;
  if (dense_.count(it->second) || wide_.count(it->second) || narrow_.count(it->second)) {
    return false;
  }
  const uint32_t reader_index = static_cast<uint32_t>(&reader - graph_.operations.data());
  for (uint32_t consumer : consumers_[id]) {
    if (consumer > reader_index) return false;
  }
  return true;
}

void Compiler::MarkFused(const Operation& op) {
  fused_[&op - graph_.operations.data()] = true;
  ++plan_->fused_ops;
}

ValueId Compiler::NewValue(const md_t& md) {
  StorageSlot slot;
  slot.kind = StorageSlot::Kind::kArena;
  slot.bytes = md.get_size();
  plan_->slots.push_back(std::move(slot));
  plan_->value_mds.push_back(md);
  plan_->value_slot.push_back(static_cast<uint32_t>(plan_->slots.size() - 1));
  plan_->value_offset.push_back(0);
  return static_cast<ValueId>(plan_->value_mds.size() - 1);
}

ValueId Compiler::ConstantValue(const md_t& md, std::shared_ptr<std::byte[]> bytes) {
  StorageSlot slot;
  slot.kind = StorageSlot::Kind::kConstant;
  slot.bytes = md.get_size();
  slot.constant = std::move(bytes);
  plan_->slots.push_back(std::move(slot));
  plan_->value_mds.push_back(md);
  plan_->value_slot.push_back(static_cast<uint32_t>(plan_->slots.size() - 1));
  plan_->value_offset.push_back(0);
  return static_cast<ValueId>(plan_->value_mds.size() - 1);
}

ValueId Compiler::Prepack(const md_t& from, const void* data, const md_t& to) {
  auto bytes = AllocateBytes(to.get_size());
  if (from == to) {
    std::memcpy(bytes.get(), data, from.get_size());
  } else {
    dnnl::memory src(from, plan_->engine, const_cast<void*>(data));
    dnnl::memory dst(to, plan_->engine, bytes.get());
    dnnl::stream stream(plan_->engine);
    dnnl::reorder(src, dst).execute(stream, src, dst);
    stream.wait();
  }
  return ConstantValue(to, std::move(bytes));
}

ValueId Compiler::View(ValueId base, const md_t& md) { return View(base, md, 0); }

ValueId Compiler::View(ValueId base, const md_t& md, size_t byte_offset) {
  plan_->value_mds.push_back(md);
  plan_->value_slot.push_back(plan_->value_slot[base]);
  plan_->value_offset.push_back(plan_->value_offset[base] + byte_offset);
  return static_cast<ValueId>(plan_->value_mds.size() - 1);
}

ValueId Compiler::Bound(OperandId id) {
  if (auto it = bindings_.find(id); it != bindings_.end()) return it->second;
  if (!IsConstant(id)) {
    // Every non-constant operand is bound by its producer (or as a graph input) before use.
    std::abort();
  }
  const std::span<const std::byte> bytes = ConstantBytes(id);
  auto copy = AllocateBytes(bytes.size());
  std::memcpy(copy.get(), bytes.data(), bytes.size());
  ValueId v = ConstantValue(PlainMd(desc(id)), std::move(copy));
  bindings_[id] = v;
  return v;
}

ValueId Compiler::Value(OperandId id) {
  if (IsFloat16(id) && IsConstant(id) && bindings_.count(id) == 0) {
    // A float16 constant primitives read is widened once, now (no float16 copy in the plan).
    std::vector<float> floats = ConstantFloats(id);
    const md_t md = ValueMd(id);
    auto bytes = AllocateBytes(md.get_size());
    std::memcpy(bytes.get(), floats.data(), floats.size() * sizeof(float));
    const ValueId w = ConstantValue(md, std::move(bytes));
    bindings_[id] = w;
    return w;
  }
  const ValueId v = Bound(id);
  if (!IsFloat16(id) || Md(v).data_type() != dt::f16) return v;
  if (auto it = wide_.find(v); it != wide_.end()) return it->second;
  ValueId w;
  const md_t md = PlainMd(Md(v).dims(), dt::f32);
  const StorageSlot& slot = plan_->slots[plan_->value_slot[v]];
  if (slot.kind == StorageSlot::Kind::kConstant && IsPlain(Md(v))) {
    // A constant is widened once, now.
    auto bytes = AllocateBytes(md.get_size());
    WidenFloat16(reinterpret_cast<const uint16_t*>(ConstantData(v)),
                 reinterpret_cast<float*>(bytes.get()), md.get_size() / sizeof(float));
    w = ConstantValue(md, std::move(bytes));
  } else {
    const ValueId d = Dense(v);
    w = NewValue(md);
    AddStep(std::make_unique<Float16Step>(Float16Step::Kind::kWiden, d, w,
                                          md.get_size() / sizeof(float), plan_->threads),
            {d}, {w});
  }
  wide_[v] = w;
  return w;
}

ValueId Compiler::Stored(OperandId id) {
  const ValueId v = Dense(Bound(id));
  if (!IsFloat16(id) || Md(v).data_type() != dt::f32) return v;
  if (auto it = narrow_.find(v); it != narrow_.end()) return it->second;
  const md_t md = PlainMd(Md(v).dims(), dt::f16);
  const ValueId n = NewValue(md);
  AddStep(std::make_unique<Float16Step>(Float16Step::Kind::kNarrow, v, n,
                                        md.get_size() / sizeof(uint16_t), plan_->threads),
          {v}, {n});
  narrow_[v] = n;
  return n;
}

md_t Compiler::ValueMd(OperandId id) const {
  const md_t md = PlainMd(desc(id));
  return IsFloat16(id) ? PlainMd(md.dims(), dt::f32) : md;
}

std::vector<float> Compiler::ConstantFloats(OperandId id) const {
  const std::span<const std::byte> bytes = ConstantBytes(id);
  std::vector<float> v(desc(id).ElementCount());
  if (IsFloat16(id)) {
    std::vector<uint16_t> halves(v.size());
    std::memcpy(halves.data(), bytes.data(), halves.size() * sizeof(uint16_t));
    WidenFloat16(halves.data(), v.data(), v.size());
  } else {
    std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
  }
  return v;
}

const std::byte* Compiler::ConstantData(ValueId v) const {
  return plan_->slots[plan_->value_slot[v]].constant.get() + plan_->value_offset[v];
}

void Compiler::BindResult(OperandId id, ValueId v, bool exact) {
  Bind(id, v);
  if (!IsFloat16(id) || exact) return;
  AddStep(std::make_unique<Float16Step>(Float16Step::Kind::kRound, v, v,
                                        Md(v).get_size() / sizeof(float), plan_->threads),
          {v}, {v});
}

void Compiler::AddStep(std::unique_ptr<Step> step, std::vector<ValueId> reads,
                       std::vector<ValueId> writes) {
  step_io_.push_back({std::move(reads), std::move(writes)});
  plan_->steps.push_back(std::move(step));
}

ValueId Compiler::Dense(ValueId v) {
  if (IsPlain(Md(v)) && plan_->value_offset[v] == 0) return v;
  if (auto it = dense_.find(v); it != dense_.end()) return it->second;
  const md_t& md = Md(v);
  ValueId d = NewValue(PlainMd(md.dims(), md.data_type()));
  AddReorder(v, d);
  dense_[v] = d;
  return d;
}

ValueId Compiler::Reordered(ValueId v, const md_t& md) {
  if (Md(v) == md) return v;
  if (IsPlain(md)) return Dense(v);
  ValueId d = NewValue(md);
  AddReorder(v, d);
  return d;
}

ValueId Compiler::Destination(OperandId id, const md_t& md) {
  // (A float16 output's buffer holds float16: a float32 result goes elsewhere first.)
  if (is_output_[id] && IsPlain(md) && md.data_type() == PlainMd(desc(id)).data_type()) {
    for (uint32_t i = 0; i < graph_.outputs.size(); ++i) {
      if (graph_.outputs[i].operand != id) continue;
      StorageSlot slot;
      slot.kind = StorageSlot::Kind::kOutput;
      slot.index = i;
      plan_->slots.push_back(std::move(slot));
      plan_->value_mds.push_back(md);
      plan_->value_slot.push_back(static_cast<uint32_t>(plan_->slots.size() - 1));
      plan_->value_offset.push_back(0);
      return static_cast<ValueId>(plan_->value_mds.size() - 1);
    }
  }
  return NewValue(md);
}

void Compiler::Bind(OperandId id, ValueId v) { bindings_[id] = v; }

dnnl::primitive_attr Compiler::Attr() const {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

void Compiler::AddPrimitive(const dnnl::primitive& p, const dnnl::primitive_desc_base& pd,
                            std::vector<std::pair<int, ValueId>> args, std::string what) {
  const size_t scratch = pd.scratchpad_desc().get_size();
  plan_->scratchpad_bytes = std::max(plan_->scratchpad_bytes, scratch);
  StepIo io;
  for (const auto& [arg, v] : args) (IsWrite(arg) ? io.writes : io.reads).push_back(v);
  step_io_.push_back(std::move(io));
  plan_->steps.push_back(
      std::make_unique<PrimitiveStep>(p, std::move(args), scratch > 0, std::move(what)));
}

void Compiler::AddReorder(ValueId src, ValueId dst) {
  dnnl::reorder::primitive_desc pd(plan_->engine, Md(src), plan_->engine, Md(dst), Attr());
  AddPrimitive(dnnl::reorder(pd), pd, {{DNNL_ARG_FROM, src}, {DNNL_ARG_TO, dst}}, "reorder");
}

Compiler::Snapshot Compiler::Save() const {
  return {plan_->steps.size(),
          plan_->value_mds.size(),
          plan_->slots.size(),
          step_io_.size(),
          bindings_,
          dense_,
          wide_,
          narrow_};
}

void Compiler::Restore(const Snapshot& s) {
  plan_->steps.resize(s.steps);
  plan_->value_mds.resize(s.values);
  plan_->value_slot.resize(s.values);
  plan_->value_offset.resize(s.values);
  plan_->slots.resize(s.slots);
  step_io_.resize(s.step_io);
  bindings_ = s.bindings;
  dense_ = s.dense;
  wide_ = s.wide;
  narrow_ = s.narrow;
}

// Operations whose inputs are all constants run once now, on the reference kernels.
void Compiler::FoldConstants() {
  for (const Operation& op : graph_.operations) {
    bool all_constant = true;
    uint64_t out_bytes = 0;
    for (OperandId id : op.inputs) all_constant &= (id == kNoOperand || IsConstant(id));
    for (OperandId id : op.outputs) out_bytes += desc(id).ByteLength();
    if (!all_constant || out_bytes > kMaxFoldedBytes) continue;
    bool any_output = false;
    for (OperandId id : op.outputs) any_output |= is_output_[id];
    if (any_output) continue;  // graph outputs are written at run time
    std::vector<reference::ConstTensor> ins;
    std::vector<reference::MutableTensor> outs;
    std::vector<std::shared_ptr<std::byte[]>> results;
    for (OperandId id : op.inputs) {
      ins.push_back(id == kNoOperand ? reference::ConstTensor{}
                                     : reference::ConstTensor{&desc(id), ConstantBytes(id).data()});
    }
    for (OperandId id : op.outputs) {
      results.push_back(AllocateBytes(desc(id).ByteLength()));
      outs.push_back({&desc(id), results.back().get()});
    }
    if (!reference::ComputeOperation(op.kind, op.attrs, {ins, outs}).ok()) continue;
    for (size_t i = 0; i < op.outputs.size(); ++i) folded_[op.outputs[i]] = results[i];
    fused_[&op - graph_.operations.data()] = true;
    ++plan_->fused_ops;
  }
}

Status Compiler::EmitFallback(const Operation& op) {
  std::vector<std::pair<OperandDescriptor, ValueId>> ins, outs;
  StepIo io;
  for (OperandId id : op.inputs) {
    if (id == kNoOperand) {
      ins.push_back({OperandDescriptor{}, FallbackStep::kNoValue});
      continue;
    }
    ValueId v = Stored(id);
    ins.push_back({desc(id), v});
    io.reads.push_back(v);
  }
  for (OperandId id : op.outputs) {
    ValueId v = Destination(id, PlainMd(desc(id)));
    Bind(id, v);
    outs.push_back({desc(id), v});
    io.writes.push_back(v);
  }
  step_io_.push_back(std::move(io));
  plan_->steps.push_back(std::make_unique<FallbackStep>(op, std::move(ins), std::move(outs)));
  return {};
}

// Every graph output ends in its caller buffer, dense.
void Compiler::EmitOutputs() {
  for (uint32_t i = 0; i < graph_.outputs.size(); ++i) {
    const OperandId id = graph_.outputs[i].operand;
    ValueId v = Bound(id);
    const StorageSlot& slot = plan_->slots[plan_->value_slot[v]];
    if (slot.kind == StorageSlot::Kind::kOutput && slot.index == i && IsPlain(Md(v)) &&
        plan_->value_offset[v] == 0) {
      continue;
    }
    StorageSlot out;
    out.kind = StorageSlot::Kind::kOutput;
    out.index = i;
    plan_->slots.push_back(std::move(out));
    plan_->value_mds.push_back(PlainMd(Md(v).dims(), Md(v).data_type()));
    plan_->value_slot.push_back(static_cast<uint32_t>(plan_->slots.size() - 1));
    plan_->value_offset.push_back(0);
    const ValueId dst = static_cast<ValueId>(plan_->value_mds.size() - 1);
    if (IsFloat16(id) && Md(v).data_type() == dt::f32) {
      // float32 holding float16 numbers: narrowed (exactly) into the caller's buffer.
      const ValueId d = Dense(v);
      plan_->value_mds[dst] = PlainMd(Md(d).dims(), dt::f16);
      AddStep(std::make_unique<Float16Step>(Float16Step::Kind::kNarrow, d, dst,
                                            Md(dst).get_size() / sizeof(uint16_t), plan_->threads),
              {d}, {dst});
      continue;
    }
    AddReorder(v, dst);  // raw bytes (u8 [n]) of a type oneDNN lacks reorder as a copy
  }
}

// Offsets in one arena: a slot lives from the first step touching it to the last; slots whose
// lifetimes do not overlap may share bytes. Greedy by size, largest first.
void Compiler::PlanArena() {
  const size_t n = plan_->slots.size();
  std::vector<int64_t> first(n, INT64_MAX), last(n, -1);
  for (size_t s = 0; s < step_io_.size(); ++s) {
    auto touch = [&](ValueId v) {
      const uint32_t slot = plan_->value_slot[v];
      first[slot] = std::min<int64_t>(first[slot], static_cast<int64_t>(s));
      last[slot] = std::max<int64_t>(last[slot], static_cast<int64_t>(s));
    };
    for (ValueId v : step_io_[s].reads) touch(v);
    for (ValueId v : step_io_[s].writes) touch(v);
  }
  std::vector<uint32_t> order;
  for (uint32_t i = 0; i < n; ++i) {
    if (plan_->slots[i].kind == StorageSlot::Kind::kArena && last[i] >= 0) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return plan_->slots[a].bytes != plan_->slots[b].bytes
               ? plan_->slots[a].bytes > plan_->slots[b].bytes
               : a < b;
  });
  std::vector<uint32_t> placed;
  size_t total = 0;
  for (uint32_t s : order) {
    // Intervals already placed whose lifetimes overlap this one, by offset.
    std::vector<std::pair<size_t, size_t>> busy;
    for (uint32_t p : placed) {
      if (first[p] <= last[s] && first[s] <= last[p]) {
        busy.push_back(
            {plan_->slots[p].offset, plan_->slots[p].offset + AlignUp(plan_->slots[p].bytes)});
      }
    }
    std::sort(busy.begin(), busy.end());
    const size_t need = AlignUp(std::max<size_t>(plan_->slots[s].bytes, 1));
    size_t offset = 0;
    for (const auto& [b, e] : busy) {
      if (offset + need <= b) break;
      offset = std::max(offset, e);
    }
    plan_->slots[s].offset = offset;
    total = std::max(total, offset + need);
    placed.push_back(s);
  }
  plan_->arena_bytes = total;
}

Result<std::unique_ptr<Plan>> Compiler::Compile() {
  FoldConstants();
  for (uint32_t i = 0; i < graph_.inputs.size(); ++i) {
    const OperandId id = graph_.inputs[i];
    StorageSlot slot;
    slot.kind = StorageSlot::Kind::kInput;
    slot.index = i;
    plan_->slots.push_back(std::move(slot));
    plan_->value_mds.push_back(PlainMd(desc(id)));
    plan_->value_slot.push_back(static_cast<uint32_t>(plan_->slots.size() - 1));
    plan_->value_offset.push_back(0);
    Bind(id, static_cast<ValueId>(plan_->value_mds.size() - 1));
  }
  for (size_t i = 0; i < graph_.operations.size(); ++i) {
    if (fused_[i]) continue;
    const Operation& op = graph_.operations[i];
    current_ = &op;
    const Snapshot saved = Save();
    const std::vector<bool> fused_before = fused_;
    const uint32_t fused_count = plan_->fused_ops;
    bool done = false;
    try {
      auto r = EmitOperation(*this, op);
      if (!r.ok()) return std::move(r.error().Prefix("operations[" + std::to_string(i) + "]"));
      done = r.value();
    } catch (const dnnl::error&) {
      done = false;  // a configuration this oneDNN lacks: the reference kernel runs it
    }
    if (!done) {
      Restore(saved);
      fused_ = fused_before;
      plan_->fused_ops = fused_count;
      WEBNN_RETURN_IF_ERROR(EmitFallback(op));
    }
  }
  EmitOutputs();
  PlanArena();
  return std::move(plan_);
}

}  // namespace webnn::onednn
