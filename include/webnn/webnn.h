// The WebNN API in C++ (https://www.w3.org/TR/webnn/).
//
//   auto context = webnn::ML().createContext();
//   webnn::MLGraphBuilder builder(context);
//   auto x = builder.input("x", {webnn::DataType::kFloat32, {2, 2}});
//   auto y = builder.relu(builder.add(x, x));
//   webnn::MLGraph graph = builder.build({{"y", y}});
//   auto outputs = context->compute(graph, {{"x", webnn::HostTensor::FromFloats({2, 2}, v)}});
//
// Names and semantics follow the spec; methods the spec makes asynchronous return when done.
// Errors are thrown as webnn::Exception carrying the spec's error kind (TypeError, ...) and a
// message naming the op, its label, the operand and the bad value.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "webnn/attrs.h"
#include "webnn/error.h"
#include "webnn/types.h"

namespace webnn {

class MLContext;
class MLGraphBuilder;
struct BuilderState;
struct GraphState;
struct TensorState;
struct GraphInfo;
namespace runtime {
class Executor;
}
enum class OpKind : uint8_t;

// https://www.w3.org/TR/webnn/#enumdef-mlpowerpreference
enum class MLPowerPreference : uint8_t { kDefault, kHighPerformance, kLowPower };

// https://www.w3.org/TR/webnn/#dictdef-mlcontextoptions, plus where the graphs run.
struct MLContextOptions {
  MLPowerPreference powerPreference = MLPowerPreference::kDefault;
  bool accelerated = true;
  // Where the graphs run: "direct" (in the calling thread, the default), "worker" (a pool of
  // workerThreads threads; dispatch returns before compute finishes, reads wait for it) or
  // "service" (the webnnd process at `endpoint`). Results are bit-identical across the three.
  std::string executor = "direct";
  // Worker pool size for "worker"; 0 picks the number of hardware threads.
  uint32_t workerThreads = 0;
  // Service endpoint for "service": "unix:PATH" or "tcp:HOST:PORT", or a comma-separated list
  // of them tried in order (failover: one that is down, draining or refusing passes to the
  // next; a context whose service is lost reports it, and a new context fails over). Empty
  // picks the default socket $XDG_RUNTIME_DIR/webnn/webnnd.sock, then /run/webnn/webnnd.sock.
  std::string endpoint;
  // For a tcp: endpoint, a file (mode 0600) holding the access token.
  std::string tokenFile;
  // For "service": how long the connect, the service's answer to the handshake and its answer
  // to createContext may each take before createContext fails with "timed out" (an address
  // that never answers, a listener whose backlog is full, a peer that accepts and never
  // speaks); 0 waits forever.
  double connectTimeoutSeconds = 10;
  // What computes the graphs: "onednn" (compiled plans on oneDNN primitives; the default when
  // empty) or "reference" (the plain-loop reference kernels, the oracle). For "service", the
  // backend the service runs this context's graphs on (it must be on its allow-list).
  std::string backend;
  // Intra-op threads one dispatch may use; 0 picks one per hardware thread.
  uint32_t threads = 0;
  // Record how long each compiled step of every dispatch takes (MLGraph::profile); costs two
  // clock reads per step. Graphs of the "service" executor are not profiled.
  bool profile = false;
  // Context limits: maximum tensor byte length (default 2 GiB).
  uint64_t maxTensorByteLength = uint64_t{1} << 31;
};

using MLOperandDescriptor = OperandDescriptor;

// https://www.w3.org/TR/webnn/#dictdef-mltensordescriptor
struct MLTensorDescriptor {
  DataType dataType = DataType::kFloat32;
  std::vector<uint32_t> shape;
  bool readable = false;
  bool writable = false;
};

// https://www.w3.org/TR/webnn/#api-mloperand: a value in a graph under construction.
class MLOperand {
 public:
  MLOperand() = default;
  DataType dataType() const;
  const std::vector<uint32_t>& shape() const;
  const OperandDescriptor& descriptor() const;
  bool valid() const { return state_ != nullptr; }
  uint32_t id() const { return id_; }

 private:
  friend class MLGraphBuilder;
  MLOperand(std::shared_ptr<BuilderState> state, uint32_t id) : state_(std::move(state)), id_(id) {}
  std::shared_ptr<BuilderState> state_;
  uint32_t id_ = 0;
};

using MLNamedOperands = std::map<std::string, MLOperand>;

// What compiling a graph produced (not part of the spec; for tools and benchmarks).
struct MLGraphCompilation {
  std::string backend;           // "onednn", "reference"; empty for a graph in webnnd
  uint32_t threads = 0;          // intra-op threads of one dispatch
  uint32_t steps = 0;            // kernels/primitives one dispatch runs
  uint32_t fallbackSteps = 0;    // of which on the reference kernels
  uint32_t fusedOperations = 0;  // operations folded into another step or evaluated at build
  uint64_t arenaBytes = 0;       // scratch memory one dispatch uses
  uint64_t weightBytes = 0;      // constants the compiled graph holds (prepacked)
};

// The per-step times of a graph compiled in a context with `profile` set (not part of the
// spec). A step is what the backend runs: one operation, or several fused into one primitive.
struct MLStepTiming {
  std::string name;  // what the step computes, e.g. "conv2d 'conv1' (+relu)"
  uint64_t calls = 0;
  double totalMs = 0;
};
struct MLStepEvent {  // one run of one step, for a timeline
  uint32_t step = 0;  // index into MLGraphProfile::steps
  uint32_t thread = 0;
  double beginUs = 0;  // since the graph was compiled
  double durationUs = 0;
};
struct MLGraphProfile {
  std::vector<MLStepTiming> steps;  // in execution order
  std::vector<MLStepEvent> events;  // the first ~1M step runs
};

// How MLGraphBuilder::build and MLContext::loadGraph keep a graph (not part of the spec).
struct MLGraphOptions {
  // Keep the graph's IR (its operations and a reference to its constant bytes) in the MLGraph,
  // so that save() can write it. Off by default: a built graph holds only its io signature and
  // the backend's compiled graph, whose weights the oneDNN backend has copied into its own
  // (prepacked) layout, so the original constant bytes are released when build() or loadGraph()
  // returns, and a model's weights are not held twice. The reference backend computes from the
  // IR, so there the constants live as long as the graph either way. Graphs in webnnd keep the
  // IR on the service side only for as long as it compiles them.
  bool keepGraph = false;
};

// https://www.w3.org/TR/webnn/#api-mlgraph
class MLGraph {
 public:
  MLGraph() = default;
  void destroy();
  bool valid() const { return state_ != nullptr; }
  // Writes the graph to a file: webnn-graph-json (".json", weights beside it) or ".webnn" (Cap'n
  // Proto). Only for a graph built or loaded with MLGraphOptions::keepGraph; otherwise an
  // InvalidStateError (the IR was released after compilation).
  void save(const std::string& path) const;
  // Names and descriptors of the graph's inputs and outputs.
  std::map<std::string, OperandDescriptor> inputDescriptors() const;
  std::map<std::string, OperandDescriptor> outputDescriptors() const;
  // What the context's backend compiled (empty fields for a graph compiled in webnnd).
  MLGraphCompilation compilation() const;
  // The step times recorded so far (MLContextOptions::profile); NotSupportedError when the
  // context was not created with `profile` or the graph runs in webnnd.
  MLGraphProfile profile() const;
  const std::shared_ptr<GraphState>& state() const { return state_; }
  explicit MLGraph(std::shared_ptr<GraphState> s) : state_(std::move(s)) {}

 private:
  std::shared_ptr<GraphState> state_;
};

// https://www.w3.org/TR/webnn/#api-mltensor
class MLTensor {
 public:
  MLTensor() = default;
  DataType dataType() const;
  const std::vector<uint32_t>& shape() const;
  bool readable() const;
  bool writable() const;
  bool constant() const;
  void destroy();
  bool valid() const { return state_ != nullptr; }
  const std::shared_ptr<TensorState>& state() const { return state_; }

 private:
  friend class MLContext;
  explicit MLTensor(std::shared_ptr<TensorState> s) : state_(std::move(s)) {}
  std::shared_ptr<TensorState> state_;
};

using MLNamedTensors = std::map<std::string, MLTensor>;

// A host-memory tensor for compute(): a descriptor and its bytes.
struct HostTensor {
  OperandDescriptor desc;
  std::vector<std::byte> bytes;
  static HostTensor FromFloats(std::vector<uint32_t> shape, std::span<const float> values);
  std::vector<float> ToFloats() const;  // float32 only
};
using HostTensors = std::map<std::string, HostTensor>;

// https://www.w3.org/TR/webnn/#dictdef-mlopsupportlimits
struct MLRankRange {
  uint32_t min = 0;
  uint32_t max = 0;
};
struct MLTensorLimits {
  std::vector<DataType> dataTypes;
  MLRankRange rankRange;
};
struct MLOpSupportLimits {
  InputOperandLayout preferredInputLayout = InputOperandLayout::kNchw;
  uint64_t maxTensorByteLength = 0;
  MLTensorLimits input;
  MLTensorLimits constant;
  MLTensorLimits output;
  // ops[opName][operandName], e.g. ops["conv2d"]["bias"]; operand names as in the spec's
  // MLXxxSupportLimits dictionaries (a, b, input, output, outputs, output0, ...).
  std::map<std::string, std::map<std::string, MLTensorLimits>> ops;
};

struct MLContextLostInfo {
  std::string message;
};

// https://www.w3.org/TR/webnn/#api-mlcontext
class MLContext : public std::enable_shared_from_this<MLContext> {
 public:
  ~MLContext();
  // https://www.w3.org/TR/webnn/#api-mlcontext-dispatch
  void dispatch(const MLGraph& graph, const MLNamedTensors& inputs, const MLNamedTensors& outputs);
  MLTensor createTensor(const MLTensorDescriptor& descriptor);
  MLTensor createConstantTensor(const MLOperandDescriptor& descriptor,
                                std::span<const std::byte> inputData);
  std::vector<std::byte> readTensor(const MLTensor& tensor);
  void readTensor(const MLTensor& tensor, std::span<std::byte> outputData);
  void writeTensor(const MLTensor& tensor, std::span<const std::byte> inputData);
  MLOpSupportLimits opSupportLimits() const;
  void destroy();
  bool accelerated() const { return false; }
  // Set once the context is lost (destroyed, or its executor failed); then every call throws
  // InvalidStateError.
  std::optional<MLContextLostInfo> lost() const;

  // Convenience: creates tensors for the inputs and outputs, dispatches, reads the outputs.
  HostTensors compute(const MLGraph& graph, const HostTensors& inputs);

  // Loads a graph file (webnn-graph-json with its weights, a .webnn Cap'n Proto file or an ONNX
  // model; the format is told by content), validates it with the builder's validators and
  // compiles it for this context. `dimensions` sizes an ONNX model's free input dimensions by
  // name ({"batch": 1}); a free dimension left out is a TypeError naming it.
  MLGraph loadGraph(const std::string& path);
  MLGraph loadGraph(const std::string& path, const std::map<std::string, uint32_t>& dimensions);
  MLGraph loadGraph(const std::string& path, const std::map<std::string, uint32_t>& dimensions,
                    const MLGraphOptions& options);

  const MLContextOptions& options() const { return options_; }

 private:
  friend class ML;
  friend class MLGraphBuilder;
  friend MLGraph CompileGraph(const MLContext& context, GraphInfo graph,
                              const MLGraphOptions& options);
  explicit MLContext(MLContextOptions options);
  void CheckNotLost() const;
  runtime::Executor& executor() const { return *executor_; }
  void CheckOwned(const MLTensor& tensor, std::string_view what) const;

  MLContextOptions options_;
  mutable std::mutex lost_mu_;             // destroy() may run while other threads use the context
  std::optional<MLContextLostInfo> lost_;  // guarded by lost_mu_
  std::shared_ptr<runtime::Executor> executor_;
};

// https://www.w3.org/TR/webnn/#api-ml
class ML {
 public:
  std::shared_ptr<MLContext> createContext(const MLContextOptions& options = {});
};

// ---- Options dictionaries -----------------------------------------------------------------
// Where an attribute struct of attrs.h is exactly the spec's dictionary, the options derive
// from it; operand-valued members are MLOperand (an invalid MLOperand means "not given").

struct MLOperatorOptions {
  std::string label;
};
struct MLArgMinMaxOptions : MLOperatorOptions {
  bool keepDimensions = false;
  DataType outputDataType = DataType::kInt32;
};
struct MLBatchNormalizationOptions : MLOperatorOptions, BatchNormalizationAttrs {
  MLOperand scale;
  MLOperand bias;
};
struct MLClampOptions : MLOperatorOptions, ClampAttrs {};
struct MLConv2dOptions : MLOperatorOptions, Conv2dAttrs {
  MLOperand bias;
};
struct MLConvTranspose2dOptions : MLOperatorOptions, ConvTranspose2dAttrs {
  MLOperand bias;
};
struct MLCumulativeSumOptions : MLOperatorOptions {
  bool exclusive = false;
  bool reversed = false;
};
struct MLEluOptions : MLOperatorOptions, EluAttrs {};
struct MLGatherOptions : MLOperatorOptions, GatherAttrs {};
struct MLScatterOptions : MLOperatorOptions, GatherAttrs {};
struct MLGemmOptions : MLOperatorOptions, GemmAttrs {
  MLOperand c;
};
struct MLGruOptions : MLOperatorOptions {
  MLOperand bias;
  MLOperand recurrentBias;
  MLOperand initialHiddenState;
  bool resetAfter = true;
  bool returnSequence = false;
  RecurrentNetworkDirection direction = RecurrentNetworkDirection::kForward;
  GruWeightLayout layout = GruWeightLayout::kZrn;
  std::optional<ActivationList> activations;
};
struct MLGruCellOptions : MLOperatorOptions {
  MLOperand bias;
  MLOperand recurrentBias;
  bool resetAfter = true;
  GruWeightLayout layout = GruWeightLayout::kZrn;
  std::optional<ActivationList> activations;
};
struct MLHardSigmoidOptions : MLOperatorOptions, HardSigmoidAttrs {};
struct MLInstanceNormalizationOptions : MLOperatorOptions, InstanceNormalizationAttrs {
  MLOperand scale;
  MLOperand bias;
};
struct MLLayerNormalizationOptions : MLOperatorOptions, LayerNormalizationAttrs {
  MLOperand scale;
  MLOperand bias;
};
struct MLLeakyReluOptions : MLOperatorOptions, LeakyReluAttrs {};
struct MLLinearOptions : MLOperatorOptions, LinearAttrs {};
struct MLLstmOptions : MLOperatorOptions {
  MLOperand bias;
  MLOperand recurrentBias;
  MLOperand peepholeWeight;
  MLOperand initialHiddenState;
  MLOperand initialCellState;
  bool returnSequence = false;
  RecurrentNetworkDirection direction = RecurrentNetworkDirection::kForward;
  LstmWeightLayout layout = LstmWeightLayout::kIofg;
  std::optional<ActivationList> activations;
};
struct MLLstmCellOptions : MLOperatorOptions {
  MLOperand bias;
  MLOperand recurrentBias;
  MLOperand peepholeWeight;
  LstmWeightLayout layout = LstmWeightLayout::kIofg;
  std::optional<ActivationList> activations;
};
struct MLPadOptions : MLOperatorOptions {
  PaddingMode mode = PaddingMode::kConstant;
  MLNumber value = 0.0;
};
struct MLPool2dOptions : MLOperatorOptions, Pool2dAttrs {};
struct MLReduceOptions : MLOperatorOptions, ReduceAttrs {};
struct MLResample2dOptions : MLOperatorOptions, Resample2dAttrs {};
struct MLReverseOptions : MLOperatorOptions, ReverseAttrs {};
struct MLSliceOptions : MLOperatorOptions {
  std::optional<UintList> strides;
};
struct MLSplitOptions : MLOperatorOptions {
  uint32_t axis = 0;
};
struct MLTransposeOptions : MLOperatorOptions, TransposeAttrs {};
struct MLTriangularOptions : MLOperatorOptions, TriangularAttrs {};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder
class MLGraphBuilder {
 public:
  explicit MLGraphBuilder(std::shared_ptr<MLContext> context);
  ~MLGraphBuilder();
  MLGraphBuilder(const MLGraphBuilder&) = delete;
  MLGraphBuilder& operator=(const MLGraphBuilder&) = delete;

  MLOperand input(const std::string& name, const MLOperandDescriptor& descriptor);
  MLOperand constant(const MLOperandDescriptor& descriptor, std::span<const std::byte> buffer);
  MLOperand constant(DataType dataType, MLNumber value);
  MLOperand constant(const MLTensor& tensor);
  // `options.keepGraph`: keep the IR for MLGraph::save (see MLGraphOptions).
  MLGraph build(const MLNamedOperands& outputs, const MLGraphOptions& options = {});

  // Any operator by its spec name or kind: one operand per slot of op_table.inc (an invalid
  // MLOperand for an absent optional one), the attributes, a label. Used by tools and bindings.
  std::vector<MLOperand> op(std::string_view name, const std::vector<MLOperand>& operands,
                            const Attrs& attrs, const std::string& label = "");
  std::vector<MLOperand> op(OpKind kind, const std::vector<MLOperand>& operands, const Attrs& attrs,
                            const std::string& label = "");

  // ---- Operators (https://www.w3.org/TR/webnn/#api-mlgraphbuilder) ----
  MLOperand argMin(const MLOperand& input, uint32_t axis, const MLArgMinMaxOptions& options = {});
  MLOperand argMax(const MLOperand& input, uint32_t axis, const MLArgMinMaxOptions& options = {});
  MLOperand batchNormalization(const MLOperand& input, const MLOperand& mean,
                               const MLOperand& variance,
                               const MLBatchNormalizationOptions& options = {});
  MLOperand cast(const MLOperand& input, DataType dataType, const MLOperatorOptions& options = {});
  MLOperand clamp(const MLOperand& input, const MLClampOptions& options = {});
  MLOperand concat(const std::vector<MLOperand>& inputs, uint32_t axis,
                   const MLOperatorOptions& options = {});
  MLOperand conv2d(const MLOperand& input, const MLOperand& filter,
                   const MLConv2dOptions& options = {});
  MLOperand convTranspose2d(const MLOperand& input, const MLOperand& filter,
                            const MLConvTranspose2dOptions& options = {});
  MLOperand cumulativeSum(const MLOperand& input, uint32_t axis,
                          const MLCumulativeSumOptions& options = {});
#define WEBNN_BINARY_METHOD(name) \
  MLOperand name(const MLOperand& a, const MLOperand& b, const MLOperatorOptions& options = {});
  WEBNN_BINARY_METHOD(add)
  WEBNN_BINARY_METHOD(sub)
  WEBNN_BINARY_METHOD(mul)
  WEBNN_BINARY_METHOD(div)
  WEBNN_BINARY_METHOD(max)
  WEBNN_BINARY_METHOD(min)
  WEBNN_BINARY_METHOD(pow)
  WEBNN_BINARY_METHOD(equal)
  WEBNN_BINARY_METHOD(notEqual)
  WEBNN_BINARY_METHOD(greater)
  WEBNN_BINARY_METHOD(greaterOrEqual)
  WEBNN_BINARY_METHOD(lesser)
  WEBNN_BINARY_METHOD(lesserOrEqual)
  WEBNN_BINARY_METHOD(logicalAnd)
  WEBNN_BINARY_METHOD(logicalOr)
  WEBNN_BINARY_METHOD(logicalXor)
  WEBNN_BINARY_METHOD(matmul)
  WEBNN_BINARY_METHOD(prelu)
#undef WEBNN_BINARY_METHOD
#define WEBNN_UNARY_METHOD(name) \
  MLOperand name(const MLOperand& input, const MLOperatorOptions& options = {});
  WEBNN_UNARY_METHOD(logicalNot)
  WEBNN_UNARY_METHOD(isNaN)
  WEBNN_UNARY_METHOD(isInfinite)
  WEBNN_UNARY_METHOD(abs)
  WEBNN_UNARY_METHOD(ceil)
  WEBNN_UNARY_METHOD(cos)
  WEBNN_UNARY_METHOD(erf)
  WEBNN_UNARY_METHOD(exp)
  WEBNN_UNARY_METHOD(floor)
  WEBNN_UNARY_METHOD(identity)
  WEBNN_UNARY_METHOD(log)
  WEBNN_UNARY_METHOD(neg)
  WEBNN_UNARY_METHOD(reciprocal)
  WEBNN_UNARY_METHOD(roundEven)
  WEBNN_UNARY_METHOD(sin)
  WEBNN_UNARY_METHOD(sign)
  WEBNN_UNARY_METHOD(sqrt)
  WEBNN_UNARY_METHOD(tan)
  WEBNN_UNARY_METHOD(gelu)
  WEBNN_UNARY_METHOD(hardSwish)
  WEBNN_UNARY_METHOD(relu)
  WEBNN_UNARY_METHOD(sigmoid)
  WEBNN_UNARY_METHOD(softplus)
  WEBNN_UNARY_METHOD(softsign)
  WEBNN_UNARY_METHOD(tanh)
#undef WEBNN_UNARY_METHOD
  MLOperand dequantizeLinear(const MLOperand& input, const MLOperand& scale,
                             const MLOperand& zeroPoint, const MLOperatorOptions& options = {});
  MLOperand quantizeLinear(const MLOperand& input, const MLOperand& scale,
                           const MLOperand& zeroPoint, const MLOperatorOptions& options = {});
  MLOperand elu(const MLOperand& input, const MLEluOptions& options = {});
  MLOperand expand(const MLOperand& input, const std::vector<uint32_t>& newShape,
                   const MLOperatorOptions& options = {});
  MLOperand gather(const MLOperand& input, const MLOperand& indices,
                   const MLGatherOptions& options = {});
  MLOperand gatherElements(const MLOperand& input, const MLOperand& indices,
                           const MLGatherOptions& options = {});
  MLOperand gatherND(const MLOperand& input, const MLOperand& indices,
                     const MLOperatorOptions& options = {});
  MLOperand gemm(const MLOperand& a, const MLOperand& b, const MLGemmOptions& options = {});
  std::vector<MLOperand> gru(const MLOperand& input, const MLOperand& weight,
                             const MLOperand& recurrentWeight, uint32_t steps, uint32_t hiddenSize,
                             const MLGruOptions& options = {});
  MLOperand gruCell(const MLOperand& input, const MLOperand& weight,
                    const MLOperand& recurrentWeight, const MLOperand& hiddenState,
                    uint32_t hiddenSize, const MLGruCellOptions& options = {});
  MLOperand hardSigmoid(const MLOperand& input, const MLHardSigmoidOptions& options = {});
  MLOperand instanceNormalization(const MLOperand& input,
                                  const MLInstanceNormalizationOptions& options = {});
  MLOperand layerNormalization(const MLOperand& input,
                               const MLLayerNormalizationOptions& options = {});
  MLOperand leakyRelu(const MLOperand& input, const MLLeakyReluOptions& options = {});
  MLOperand linear(const MLOperand& input, const MLLinearOptions& options = {});
  std::vector<MLOperand> lstm(const MLOperand& input, const MLOperand& weight,
                              const MLOperand& recurrentWeight, uint32_t steps, uint32_t hiddenSize,
                              const MLLstmOptions& options = {});
  std::vector<MLOperand> lstmCell(const MLOperand& input, const MLOperand& weight,
                                  const MLOperand& recurrentWeight, const MLOperand& hiddenState,
                                  const MLOperand& cellState, uint32_t hiddenSize,
                                  const MLLstmCellOptions& options = {});
  MLOperand pad(const MLOperand& input, const std::vector<uint32_t>& beginningPadding,
                const std::vector<uint32_t>& endingPadding, const MLPadOptions& options = {});
  MLOperand averagePool2d(const MLOperand& input, const MLPool2dOptions& options = {});
  MLOperand l2Pool2d(const MLOperand& input, const MLPool2dOptions& options = {});
  MLOperand maxPool2d(const MLOperand& input, const MLPool2dOptions& options = {});
#define WEBNN_REDUCE_METHOD(name) \
  MLOperand name(const MLOperand& input, const MLReduceOptions& options = {});
  WEBNN_REDUCE_METHOD(reduceL1)
  WEBNN_REDUCE_METHOD(reduceL2)
  WEBNN_REDUCE_METHOD(reduceLogSum)
  WEBNN_REDUCE_METHOD(reduceLogSumExp)
  WEBNN_REDUCE_METHOD(reduceMax)
  WEBNN_REDUCE_METHOD(reduceMean)
  WEBNN_REDUCE_METHOD(reduceMin)
  WEBNN_REDUCE_METHOD(reduceProduct)
  WEBNN_REDUCE_METHOD(reduceSum)
  WEBNN_REDUCE_METHOD(reduceSumSquare)
#undef WEBNN_REDUCE_METHOD
  MLOperand resample2d(const MLOperand& input, const MLResample2dOptions& options = {});
  MLOperand reshape(const MLOperand& input, const std::vector<uint32_t>& newShape,
                    const MLOperatorOptions& options = {});
  MLOperand reverse(const MLOperand& input, const MLReverseOptions& options = {});
  MLOperand scatterElements(const MLOperand& input, const MLOperand& indices,
                            const MLOperand& updates, const MLScatterOptions& options = {});
  MLOperand scatterND(const MLOperand& input, const MLOperand& indices, const MLOperand& updates,
                      const MLOperatorOptions& options = {});
  MLOperand slice(const MLOperand& input, const std::vector<uint32_t>& starts,
                  const std::vector<uint32_t>& sizes, const MLSliceOptions& options = {});
  MLOperand softmax(const MLOperand& input, uint32_t axis, const MLOperatorOptions& options = {});
  std::vector<MLOperand> split(const MLOperand& input, uint32_t splits,
                               const MLSplitOptions& options = {});
  std::vector<MLOperand> split(const MLOperand& input, const std::vector<uint32_t>& splits,
                               const MLSplitOptions& options = {});
  MLOperand tile(const MLOperand& input, const std::vector<uint32_t>& repetitions,
                 const MLOperatorOptions& options = {});
  MLOperand transpose(const MLOperand& input, const MLTransposeOptions& options = {});
  MLOperand triangular(const MLOperand& input, const MLTriangularOptions& options = {});
  MLOperand where(const MLOperand& condition, const MLOperand& trueValue,
                  const MLOperand& falseValue, const MLOperatorOptions& options = {});

 private:
  MLOperand One(OpKind kind, const std::vector<MLOperand>& operands, const Attrs& attrs,
                const std::string& label);
  uint32_t OperandIdOf(const MLOperand& operand, std::string_view what) const;

  std::shared_ptr<MLContext> context_;
  std::shared_ptr<BuilderState> state_;
};

}  // namespace webnn
