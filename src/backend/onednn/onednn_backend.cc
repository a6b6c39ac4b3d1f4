#include "backend/onednn/onednn_backend.h"

#include <omp.h>

#include <mutex>
#include <thread>

#include "backend/onednn/compiler.h"
#include "util/cores.h"

namespace webnn::onednn {

namespace {

// Sets the calling thread's OpenMP team size for the primitives it creates and runs, and puts
// the previous one back. oneDNN sizes a primitive's work split when it is created, so a plan
// is created and run with the same count.
class ScopedThreads {
 public:
  explicit ScopedThreads(int n) : previous_(omp_get_max_threads()) { omp_set_num_threads(n); }
  ~ScopedThreads() { omp_set_num_threads(previous_); }

 private:
  int previous_;
};

// What one Execute needs besides the plan: the arena, memory objects over it and a stream.
// Kept in a free list, so a dispatch allocates nothing once the graph has run.
struct RunState {
  std::shared_ptr<std::byte[]> arena;
  std::vector<dnnl::memory> values;
  dnnl::memory scratchpad;
  dnnl::stream stream;
};

class OneDnnGraph final : public backend::CompiledGraph {
 public:
  OneDnnGraph(std::unique_ptr<Plan> plan, bool profile) : plan_(std::move(plan)) {
    if (profile) {
      std::vector<std::string> names;
      for (const auto& step : plan_->steps) names.push_back(step->describe());
      profiler_ = std::make_unique<backend::StepProfiler>(std::move(names));
    }
    for (const auto& step : plan_->steps) {
      if (step->is_fallback()) ++fallback_steps_;
    }
    for (const StorageSlot& s : plan_->slots) {
      if (s.kind == StorageSlot::Kind::kConstant) weight_bytes_ += s.bytes;
    }
  }

  Status Execute(std::span<const std::byte* const> inputs,
                 std::span<std::byte* const> outputs) const override {
    std::unique_ptr<RunState> state = Acquire();
    // Bind the caller's buffers.
    for (size_t v = 0; v < state->values.size(); ++v) {
      const StorageSlot& slot = plan_->slots[plan_->value_slot[v]];
      if (slot.kind == StorageSlot::Kind::kInput) {
        state->values[v].set_data_handle(const_cast<std::byte*>(inputs[slot.index]) +
                                         plan_->value_offset[v]);
      } else if (slot.kind == StorageSlot::Kind::kOutput) {
        state->values[v].set_data_handle(outputs[slot.index] + plan_->value_offset[v]);
      }
    }
    RunContext ctx{&state->stream, &state->values, state->arena.get(), &state->scratchpad};
    Status status;
    {
      ScopedThreads threads(static_cast<int>(plan_->threads));
      try {
        for (size_t i = 0; i < plan_->steps.size() && status.ok(); ++i) {
          const auto begin = profiler_ ? backend::StepProfiler::Clock::now()
                                       : backend::StepProfiler::Clock::time_point{};
          status = plan_->steps[i]->Run(ctx);
          if (profiler_) {
            profiler_->Record(static_cast<uint32_t>(i), begin, backend::StepProfiler::Clock::now());
          }
          if (!status.ok()) {
            status = std::move(status.error().Prefix("step " + std::to_string(i) + " (" +
                                                     plan_->steps[i]->describe() + ")"));
          }
        }
        state->stream.wait();
      } catch (const dnnl::error& e) {
        status = MakeError(ErrorCode::kOperationError, "oneDNN: ", e.what());
      }
    }
    Release(std::move(state));
    return status;
  }

  backend::CompiledGraphStats stats() const override {
    backend::CompiledGraphStats s;
    s.backend = backend::kOneDnnBackend;
    s.arena_bytes = plan_->arena_bytes + plan_->scratchpad_bytes;
    s.weight_bytes = weight_bytes_;
    s.threads = plan_->threads;
    s.steps = static_cast<uint32_t>(plan_->steps.size());
    s.fallback_steps = fallback_steps_;
    s.fused_ops = plan_->fused_ops;
    return s;
  }

  backend::StepProfile profile() const override {
    return profiler_ ? profiler_->Snapshot() : backend::StepProfile{};
  }

 private:
  std::unique_ptr<RunState> Acquire() const {
    {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        auto s = std::move(free_.back());
        free_.pop_back();
        return s;
      }
    }
    auto s = std::make_unique<RunState>();
    const size_t bytes = std::max<size_t>(plan_->arena_bytes + plan_->scratchpad_bytes, 64);
    s->arena = std::shared_ptr<std::byte[]>(
        new (std::align_val_t{64}) std::byte[bytes],
        [](std::byte* p) { operator delete[](p, std::align_val_t{64}); });
    std::byte* scratch = s->arena.get() + plan_->arena_bytes;
    s->scratchpad = dnnl::memory(
        PlainMd({static_cast<int64_t>(std::max<size_t>(plan_->scratchpad_bytes, 1))}, dt::u8),
        plan_->engine, scratch);
    s->values.reserve(plan_->value_mds.size());
    for (size_t v = 0; v < plan_->value_mds.size(); ++v) {
      const StorageSlot& slot = plan_->slots[plan_->value_slot[v]];
      void* handle = nullptr;
      if (slot.kind == StorageSlot::Kind::kArena) {
        handle = s->arena.get() + slot.offset + plan_->value_offset[v];
      } else if (slot.kind == StorageSlot::Kind::kConstant) {
        handle = slot.constant.get() + plan_->value_offset[v];
      }
      s->values.emplace_back(plan_->value_mds[v], plan_->engine, handle);
    }
    s->stream = dnnl::stream(plan_->engine);
    return s;
  }
  void Release(std::unique_ptr<RunState> s) const {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(s));
  }

  std::unique_ptr<Plan> plan_;
  uint32_t fallback_steps_ = 0;
  uint64_t weight_bytes_ = 0;
  std::unique_ptr<backend::StepProfiler> profiler_;  // when compiled with options.profile
  mutable std::mutex mu_;
  mutable std::vector<std::unique_ptr<RunState>> free_;
};

}  // namespace

OneDnnBackend::OneDnnBackend() : engine_(dnnl::engine::kind::cpu, 0) {}

Result<std::unique_ptr<backend::CompiledGraph>> OneDnnBackend::Compile(
    GraphInfo graph, const backend::CompileOptions& options) const {
  // Below a few million multiply-adds per thread a run takes tens of microseconds: waking a thread
  // team costs more than it saves (LeNet runs faster on one thread than on two).
  constexpr uint64_t kMinWorkForThreads = uint64_t{4} << 20;
  uint32_t threads = ThreadsOrCores(options.threads);
  if (EstimateWork(graph) < kMinWorkForThreads * threads) threads = 1;
  ScopedThreads scoped(static_cast<int>(threads));
  try {
    Compiler compiler(std::move(graph), engine_, threads);
    WEBNN_ASSIGN_OR_RETURN(std::unique_ptr<Plan> plan, compiler.Compile());
    return std::unique_ptr<backend::CompiledGraph>(
        new OneDnnGraph(std::move(plan), options.profile));
  } catch (const dnnl::error& e) {
    return MakeError(ErrorCode::kOperationError, "oneDNN: ", e.what());
  }
}

}  // namespace webnn::onednn
