// The backend seam: a backend compiles a validated GraphInfo into a CompiledGraph that runs on
// caller-owned buffers. Executors hold compiled graphs, never a particular backend's type.
//
//  - "reference": the plain-loop kernels of src/backend/reference, one operation after another;
//    the oracle every other backend is tested against.
//  - "onednn": src/backend/onednn, a compiled plan on oneDNN primitives (fusion, blocked
//    layouts, prepacked weights, one planned arena); what oneDNN lacks runs on the reference
//    kernel inside the same plan.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph_info.h"
#include "webnn/error.h"

namespace webnn::backend {

inline constexpr std::string_view kReferenceBackend = "reference";
inline constexpr std::string_view kOneDnnBackend = "onednn";
// The backend a context gets when its options name none.
inline constexpr std::string_view kDefaultBackend = kOneDnnBackend;

struct CompileOptions {
  // Intra-op threads one Execute may use at most (a backend may use fewer for a graph too
  // small to repay a thread team); 0 means one per hardware thread.
  uint32_t threads = 0;
  // Record the time of every step of every Execute (StepProfiler); off by default, since it
  // reads the clock twice per step.
  bool profile = false;
};

// One step of one Execute, in nanoseconds since the profiler was made.
struct StepEvent {
  uint32_t step = 0;
  uint32_t thread = 0;  // a small number per thread that ran Executes (Chrome trace "tid")
  int64_t begin_ns = 0;
  int64_t end_ns = 0;
};

// What a profiled compiled graph recorded: its steps (what each computes) and, per step, the
// calls and total time; `events` keeps the first kMaxEvents step runs for a timeline.
struct StepProfile {
  static constexpr size_t kMaxEvents = size_t{1} << 20;
  std::vector<std::string> steps;  // e.g. "conv2d 'conv1' (+relu)"
  std::vector<uint64_t> calls;     // per step
  std::vector<int64_t> total_ns;   // per step
  std::vector<StepEvent> events;
  uint64_t dropped_events = 0;  // step runs past kMaxEvents (still in calls/total_ns)
};

// Collects step times for a compiled graph compiled with CompileOptions::profile; safe to call
// from concurrent Executes.
class StepProfiler {
 public:
  using Clock = std::chrono::steady_clock;
  explicit StepProfiler(std::vector<std::string> steps);
  void Record(uint32_t step, Clock::time_point begin, Clock::time_point end);
  StepProfile Snapshot() const;

 private:
  const Clock::time_point epoch_ = Clock::now();
  mutable std::mutex mu_;
  StepProfile profile_;
  std::vector<std::pair<size_t, uint32_t>> threads_;  // thread id hash -> small number
};

// Per-compilation facts a caller may report (webnn run, benchmarks, quotas).
struct CompiledGraphStats {
  std::string backend;          // the backend's name
  uint64_t arena_bytes = 0;     // scratch one Execute needs (planned once)
  uint64_t weight_bytes = 0;    // constants the compiled graph holds (prepacked or not)
  uint32_t threads = 1;         // intra-op threads one Execute runs
  uint32_t steps = 0;           // kernels/primitives run per Execute
  uint32_t fallback_steps = 0;  // of which run on the reference kernels
  uint32_t fused_ops = 0;       // operations folded into another step (post-ops, views, folds)
};

// A compiled graph. Immutable after Compile: Execute may run concurrently from several threads.
class CompiledGraph {
 public:
  virtual ~CompiledGraph() = default;
  // inputs[i] holds the bytes of graph.inputs[i], outputs[i] receives graph.outputs[i] (dense,
  // row-major, the operand's descriptor; sizes checked by the caller). Outputs must not overlap
  // inputs or each other.
  virtual Status Execute(std::span<const std::byte* const> inputs,
                         std::span<std::byte* const> outputs) const = 0;
  virtual CompiledGraphStats stats() const = 0;
  // The step times recorded so far; empty unless compiled with CompileOptions::profile.
  virtual StepProfile profile() const { return {}; }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  // `graph` passed ValidateGraph (or came from GraphBuilderCore::Build).
  virtual Result<std::unique_ptr<CompiledGraph>> Compile(GraphInfo graph,
                                                         const CompileOptions& options) const = 0;
};

// The backends this build has, default first.
std::vector<std::string_view> BackendNames();
// A backend by name; NotSupportedError naming the known ones for anything else.
Result<std::shared_ptr<const Backend>> MakeBackend(std::string_view name);

}  // namespace webnn::backend
