// A compiled oneDNN plan: the values the steps read and write (each a oneDNN memory descriptor
// over a storage slot), the steps in execution order, and the storage slots (graph inputs and
// outputs, prepacked constants, and offsets into one arena planned from value lifetimes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "webnn/error.h"

namespace webnn::onednn {

using ValueId = uint32_t;

struct StorageSlot {
  enum class Kind : uint8_t { kInput, kOutput, kConstant, kArena };
  Kind kind = Kind::kArena;
  uint32_t index = 0;                     // kInput/kOutput: position in the graph's inputs/outputs
  size_t offset = 0;                      // kArena: byte offset in the arena (64-byte aligned)
  size_t bytes = 0;                       // kArena/kConstant: bytes the slot must hold
  std::shared_ptr<std::byte[]> constant;  // kConstant: the (prepacked) bytes
};

// What a step sees while it runs: the memory object of every value, bound to this run's
// buffers, the run's stream and the scratchpad.
struct RunContext {
  dnnl::stream* stream = nullptr;
  std::vector<dnnl::memory>* values = nullptr;
  std::byte* arena = nullptr;
  dnnl::memory* scratchpad = nullptr;  // sized for the largest step's scratchpad
};

class Step {
 public:
  virtual ~Step() = default;
  virtual Status Run(RunContext& ctx) const = 0;
  virtual bool is_fallback() const { return false; }
  virtual std::string describe() const = 0;
};

// A oneDNN primitive and the value bound to each of its execution arguments.
class PrimitiveStep final : public Step {
 public:
  PrimitiveStep(dnnl::primitive primitive, std::vector<std::pair<int, ValueId>> args,
                bool uses_scratchpad, std::string what)
      : primitive_(std::move(primitive)),
        args_(std::move(args)),
        uses_scratchpad_(uses_scratchpad),
        what_(std::move(what)) {}
  Status Run(RunContext& ctx) const override;
  std::string describe() const override { return what_; }

 private:
  dnnl::primitive primitive_;
  std::vector<std::pair<int, ValueId>> args_;
  bool uses_scratchpad_;
  std::string what_;
};

struct Plan {
  dnnl::engine engine;
  uint32_t threads = 1;
  std::vector<StorageSlot> slots;
  std::vector<dnnl::memory::desc> value_mds;
  std::vector<uint32_t> value_slot;
  std::vector<size_t> value_offset;  // byte offset of the value inside its slot (views)
  std::vector<std::unique_ptr<Step>> steps;
  size_t arena_bytes = 0;
  size_t scratchpad_bytes = 0;
  uint32_t fused_ops = 0;
};

}  // namespace webnn::onednn
