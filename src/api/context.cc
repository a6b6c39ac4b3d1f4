// MLContext, MLGraph, MLTensor and ML.
#include <cstring>

#include "api/internal.h"
#include "ops/op_info.h"
#include "runtime/dispatch_binding.h"

namespace webnn {

ContextLimits LimitsOf(const MLContextOptions& options) {
  ContextLimits limits;
  limits.max_tensor_byte_length = options.maxTensorByteLength;
  return limits;
}

std::shared_ptr<MLContext> ML::createContext(const MLContextOptions& options) {
  if (options.executor != "direct" && options.executor != "worker" &&
      options.executor != "service") {
    Throw(ErrorCode::kNotSupportedError, "createContext: unknown executor '", options.executor,
          "' (available: direct, worker, service)");
  }
  return std::shared_ptr<MLContext>(new MLContext(options));
}

MLContext::MLContext(MLContextOptions options)
    : options_(std::move(options)), executor_(MakeExecutor(options_)) {}

MLContext::~MLContext() {
  // Pending work finishes before the tensors and graphs it uses may go.
  if (executor_) (void)executor_->Flush();
}

runtime::GraphRef GraphState::Live(std::string_view what) const {
  std::lock_guard lock(mu);
  if (destroyed) Throw(ErrorCode::kInvalidStateError, what, ": the graph was destroyed");
  return compiled;
}

runtime::TensorRef TensorState::Live(std::string_view what) const {
  std::lock_guard lock(mu);
  if (destroyed) Throw(ErrorCode::kInvalidStateError, what, ": tensor destroyed");
  return exec;
}

ByteBuffer TensorState::LiveConstant(std::string_view what) const {
  std::lock_guard lock(mu);
  if (destroyed) Throw(ErrorCode::kInvalidStateError, what, ": the tensor was destroyed");
  return constant;
}

void MLContext::CheckNotLost() const {
  if (auto info = lost())
    Throw(ErrorCode::kInvalidStateError, "the context is lost: ", info->message);
}

void MLContext::CheckOwned(const MLTensor& tensor, std::string_view what) const {
  if (!tensor.valid()) Throw(ErrorCode::kTypeError, what, ": not a tensor");
  if (tensor.state()->context != this) {
    Throw(ErrorCode::kTypeError, what, ": the tensor belongs to another context");
  }
  (void)tensor.state()->Live(what);
}

void MLContext::destroy() {
  std::lock_guard lock(lost_mu_);
  if (!lost_) lost_ = MLContextLostInfo{"the context was destroyed"};
}

std::optional<MLContextLostInfo> MLContext::lost() const {
  {
    std::lock_guard lock(lost_mu_);
    if (lost_) return lost_;
  }
  if (auto reason = executor_->Lost()) return MLContextLostInfo{*reason};
  return std::nullopt;
}

MLTensor MLContext::createTensor(const MLTensorDescriptor& descriptor) {
  CheckNotLost();
  OperandDescriptor desc{descriptor.dataType, descriptor.shape};
  Status s = CheckDescriptor(LimitsOf(options_), desc, "createTensor");
  if (!s.ok()) Throw(std::move(s.error()));
  auto state = std::make_shared<TensorState>();
  state->context = this;
  state->desc = descriptor;
  state->operand_desc = desc;
  state->exec = Unwrap(executor_->CreateTensor(desc, descriptor.readable, descriptor.writable));
  return MLTensor(std::move(state));
}

MLTensor MLContext::createConstantTensor(const MLOperandDescriptor& descriptor,
                                         std::span<const std::byte> inputData) {
  CheckNotLost();
  Status s = CheckDescriptor(LimitsOf(options_), descriptor, "createConstantTensor");
  if (!s.ok()) Throw(std::move(s.error()));
  if (inputData.size() != descriptor.ByteLength()) {
    Throw(ErrorCode::kTypeError, "createConstantTensor: ", inputData.size(), " bytes given, ",
          DescriptorToString(descriptor), " needs ", descriptor.ByteLength());
  }
  auto state = std::make_shared<TensorState>();
  state->context = this;
  state->desc = {descriptor.dataType, descriptor.shape, false, false};
  state->operand_desc = descriptor;
  state->is_constant = true;
  state->constant = ByteBuffer::Copy(inputData);
  return MLTensor(std::move(state));
}

void MLContext::writeTensor(const MLTensor& tensor, std::span<const std::byte> inputData) {
  CheckNotLost();
  CheckOwned(tensor, "writeTensor");
  const runtime::TensorRef exec = tensor.state()->Live("writeTensor");
  TensorState& t = *tensor.state();
  if (!t.desc.writable) Throw(ErrorCode::kTypeError, "writeTensor: the tensor is not writable");
  const size_t size = t.operand_desc.ByteLength();
  if (inputData.size() != size) {
    Throw(ErrorCode::kTypeError, "writeTensor: ", inputData.size(), " bytes given, the tensor ",
          DescriptorToString(t.operand_desc), " has ", size);
  }
  Check(executor_->Write(exec, inputData));
}

void MLContext::readTensor(const MLTensor& tensor, std::span<std::byte> outputData) {
  CheckNotLost();
  CheckOwned(tensor, "readTensor");
  const runtime::TensorRef exec = tensor.state()->Live("readTensor");
  const TensorState& t = *tensor.state();
  if (!t.desc.readable) Throw(ErrorCode::kTypeError, "readTensor: the tensor is not readable");
  const size_t size = t.operand_desc.ByteLength();
  if (outputData.size() < size) {
    Throw(ErrorCode::kTypeError, "readTensor: the buffer has ", outputData.size(),
          " bytes, the tensor ", DescriptorToString(t.operand_desc), " has ", size);
  }
  Status s = executor_->Read(exec, outputData.first(size));
  if (!s.ok()) Throw(std::move(s.error().Prefix("readTensor")));
}

std::vector<std::byte> MLContext::readTensor(const MLTensor& tensor) {
  CheckNotLost();
  CheckOwned(tensor, "readTensor");
  std::vector<std::byte> out(tensor.state()->operand_desc.ByteLength());
  readTensor(tensor, out);
  return out;
}

// https://www.w3.org/TR/webnn/#api-mlcontext-dispatch
void MLContext::dispatch(const MLGraph& graph, const MLNamedTensors& inputs,
                         const MLNamedTensors& outputs) {
  CheckNotLost();
  if (!graph.valid()) Throw(ErrorCode::kTypeError, "dispatch: not a graph");
  const GraphState& g = *graph.state();
  if (g.context != this)
    Throw(ErrorCode::kTypeError, "dispatch: the graph belongs to another context");
  const runtime::GraphRef compiled = g.Live("dispatch");
  // The API's own checks (the tensors are this context's and live), then the ones the service
  // makes too (runtime/dispatch_binding.h).
  auto arguments = [&](const MLNamedTensors& named, const char* kind) {
    std::vector<runtime::DispatchArgument> args;
    args.reserve(named.size());
    for (const auto& [name, tensor] : named) {
      CheckOwned(tensor, std::string("dispatch: ") + kind + " '" + name + "'");
      const TensorState& t = *tensor.state();
      args.push_back({name, reinterpret_cast<uintptr_t>(&t), &t.operand_desc, t.is_constant});
    }
    return args;
  };
  const std::vector<runtime::DispatchArgument> in_args = arguments(inputs, "input");
  const std::vector<runtime::DispatchArgument> out_args = arguments(outputs, "output");
  auto binding = runtime::BindDispatch(compiled->signature(), in_args, out_args);
  if (!binding.ok()) Throw(std::move(binding.error()));
  auto exec_of = [](const MLNamedTensors& named, const std::vector<size_t>& order) {
    // References taken under each tensor's lock: a concurrent destroy() cannot free them.
    std::vector<const MLTensor*> by_index;
    by_index.reserve(named.size());
    for (const auto& entry : named) by_index.push_back(&entry.second);
    std::vector<runtime::TensorRef> tensors;
    tensors.reserve(order.size());
    for (size_t i : order) tensors.push_back(by_index[i]->state()->Live("dispatch"));
    return tensors;
  };
  std::vector<runtime::TensorRef> in_tensors = exec_of(inputs, binding->inputs);
  std::vector<runtime::TensorRef> out_tensors = exec_of(outputs, binding->outputs);
  Status s = executor_->Dispatch(compiled, std::move(in_tensors), std::move(out_tensors));
  if (!s.ok()) Throw(std::move(s.error().Prefix("dispatch")));
}

HostTensors MLContext::compute(const MLGraph& graph, const HostTensors& inputs) {
  CheckNotLost();
  if (!graph.valid()) Throw(ErrorCode::kTypeError, "compute: not a graph");
  MLNamedTensors in, out;
  for (const auto& [name, host] : inputs) {
    MLTensor t = createTensor({host.desc.dataType, host.desc.shape, false, true});
    writeTensor(t, host.bytes);
    in.emplace(name, t);
  }
  for (const GraphSignature::Entry& o : graph.state()->signature.outputs) {
    out.emplace(o.name, createTensor({o.desc.dataType, o.desc.shape, true, false}));
  }
  dispatch(graph, in, out);
  HostTensors result;
  for (const auto& [name, tensor] : out) {
    result.emplace(name, HostTensor{tensor.state()->operand_desc, readTensor(tensor)});
  }
  return result;
}

MLOpSupportLimits MLContext::opSupportLimits() const {
  MLOpSupportLimits limits;
  const ContextLimits cl = LimitsOf(options_);
  limits.maxTensorByteLength = cl.max_tensor_byte_length;
  const MLTensorLimits all{DataTypeSet::All().ToVector(), {0, cl.max_rank}};
  limits.input = all;
  limits.constant = all;
  limits.output = all;
  for (OpKind kind : AllOpKinds()) {
    const OpInfo& info = GetOpInfo(kind);
    auto& op = limits.ops[std::string(info.name)];
    auto resolve = [&](const SlotConstraint& c) {
      // "Same as" resolves to the referenced input slot's own limits.
      const SlotConstraint& type_src =
          c.same_type_as == kNoSlot ? c : info.inputs[static_cast<size_t>(c.same_type_as)];
      const SlotConstraint& rank_src =
          c.same_rank_as == kNoSlot ? c : info.inputs[static_cast<size_t>(c.same_rank_as)];
      MLTensorLimits l;
      l.dataTypes = type_src.types.ToVector();
      l.rankRange = {rank_src.min_rank, std::min(rank_src.max_rank, cl.max_rank)};
      return l;
    };
    for (const SlotConstraint& c : info.inputs) op[std::string(c.name)] = resolve(c);
    for (const SlotConstraint& c : info.outputs) op[std::string(c.name)] = resolve(c);
  }
  return limits;
}

MLGraph CompileGraph(const MLContext& context, GraphInfo graph, const MLGraphOptions& options) {
  auto state = std::make_shared<GraphState>();
  state->context = &context;
  state->signature = GraphSignature::Of(graph);
  for (size_t i = 0; i < state->signature.inputs.size(); ++i) {
    state->input_index[state->signature.inputs[i].name] = i;
  }
  for (size_t i = 0; i < state->signature.outputs.size(); ++i) {
    state->output_index[state->signature.outputs[i].name] = i;
  }
  // A kept IR shares the constant bytes with the graph handed to the executor (no copy).
  if (options.keepGraph) state->ir = std::make_shared<const GraphInfo>(graph);
  state->compiled = Unwrap(context.executor().Compile(std::move(graph)));
  return MLGraph(std::move(state));
}

void MLGraph::destroy() {
  if (!state_) return;
  runtime::GraphRef released;  // dropped after the lock: it may call into the executor
  std::lock_guard lock(state_->mu);
  state_->destroyed = true;
  released = std::move(state_->compiled);
}

std::map<std::string, OperandDescriptor> MLGraph::inputDescriptors() const {
  std::map<std::string, OperandDescriptor> m;
  if (!state_) return m;
  for (const GraphSignature::Entry& e : state_->signature.inputs) m[e.name] = e.desc;
  return m;
}

std::map<std::string, OperandDescriptor> MLGraph::outputDescriptors() const {
  std::map<std::string, OperandDescriptor> m;
  if (!state_) return m;
  for (const GraphSignature::Entry& e : state_->signature.outputs) m[e.name] = e.desc;
  return m;
}

MLGraphProfile MLGraph::profile() const {
  if (!state_ || !state_->context) Throw(ErrorCode::kInvalidStateError, "the graph is not valid");
  if (!state_->context->options().profile) {
    Throw(ErrorCode::kNotSupportedError,
          "profile: the context was not created with profile enabled");
  }
  if (!state_->compiled || !state_->compiled->compiled()) {
    Throw(ErrorCode::kNotSupportedError,
          "profile: graphs of the service executor are not profiled (use direct or worker)");
  }
  const backend::StepProfile p = state_->compiled->compiled()->profile();
  MLGraphProfile out;
  for (size_t i = 0; i < p.steps.size(); ++i) {
    out.steps.push_back({p.steps[i], p.calls[i], static_cast<double>(p.total_ns[i]) / 1e6});
  }
  out.events.reserve(p.events.size());
  for (const backend::StepEvent& e : p.events) {
    out.events.push_back({e.step, e.thread, static_cast<double>(e.begin_ns) / 1e3,
                          static_cast<double>(e.end_ns - e.begin_ns) / 1e3});
  }
  return out;
}

MLGraphCompilation MLGraph::compilation() const {
  MLGraphCompilation c;
  if (!state_) return c;
  runtime::GraphRef graph;
  {
    std::lock_guard lock(state_->mu);
    graph = state_->compiled;
  }
  if (!graph || !graph->compiled()) return c;
  const backend::CompiledGraphStats s = graph->compiled()->stats();
  c.backend = s.backend;
  c.threads = s.threads;
  c.steps = s.steps;
  c.fallbackSteps = s.fallback_steps;
  c.fusedOperations = s.fused_ops;
  c.arenaBytes = s.arena_bytes;
  c.weightBytes = s.weight_bytes;
  return c;
}

DataType MLTensor::dataType() const { return state_->desc.dataType; }
const std::vector<uint32_t>& MLTensor::shape() const { return state_->desc.shape; }
bool MLTensor::readable() const { return state_->desc.readable; }
bool MLTensor::writable() const { return state_->desc.writable; }
bool MLTensor::constant() const { return state_->is_constant; }
void MLTensor::destroy() {
  if (!state_) return;
  runtime::TensorRef released;  // dropped after the lock: it may call into the executor
  ByteBuffer constant;
  std::lock_guard lock(state_->mu);
  state_->destroyed = true;
  released = std::move(state_->exec);
  constant = std::move(state_->constant);
}

HostTensor HostTensor::FromFloats(std::vector<uint32_t> shape, std::span<const float> values) {
  HostTensor t{{DataType::kFloat32, std::move(shape)}, {}};
  t.bytes.resize(values.size() * sizeof(float));
  std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

std::vector<float> HostTensor::ToFloats() const {
  if (desc.dataType != DataType::kFloat32) {
    Throw(ErrorCode::kTypeError, "ToFloats: the tensor is ", DataTypeName(desc.dataType));
  }
  std::vector<float> v(bytes.size() / sizeof(float));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
  return v;
}

}  // namespace webnn
