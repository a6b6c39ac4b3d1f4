// MLGraphBuilder: the spec's builder methods, each a thin mapping onto GraphBuilderCore.
#include <cstring>

#include "api/internal.h"
#include "ops/op_info.h"

namespace webnn {

DataType MLOperand::dataType() const { return descriptor().dataType; }
const std::vector<uint32_t>& MLOperand::shape() const { return descriptor().shape; }
const OperandDescriptor& MLOperand::descriptor() const {
  if (!state_) Throw(ErrorCode::kTypeError, "MLOperand: not an operand");
  return state_->core.operand(id_).desc;
}

MLGraphBuilder::MLGraphBuilder(std::shared_ptr<MLContext> context) : context_(std::move(context)) {
  if (!context_) Throw(ErrorCode::kTypeError, "MLGraphBuilder: no context");
  context_->CheckNotLost();
  state_ = std::make_shared<BuilderState>(LimitsOf(context_->options()));
}

MLGraphBuilder::~MLGraphBuilder() = default;

uint32_t MLGraphBuilder::OperandIdOf(const MLOperand& operand, std::string_view what) const {
  if (!operand.state_) Throw(ErrorCode::kTypeError, what, ": not an operand");
  if (operand.state_ != state_) {
    Throw(ErrorCode::kTypeError, what, ": the operand was created by another graph builder");
  }
  return operand.id_;
}

MLOperand MLGraphBuilder::input(const std::string& name, const MLOperandDescriptor& descriptor) {
  context_->CheckNotLost();
  return MLOperand(state_, Unwrap(state_->core.AddInput(name, descriptor)));
}

MLOperand MLGraphBuilder::constant(const MLOperandDescriptor& descriptor,
                                   std::span<const std::byte> buffer) {
  context_->CheckNotLost();
  // The spec copies the buffer: later changes by the caller do not affect the graph.
  return MLOperand(state_, Unwrap(state_->core.AddConstant(descriptor, ByteBuffer::Copy(buffer))));
}

MLOperand MLGraphBuilder::constant(DataType dataType, MLNumber value) {
  context_->CheckNotLost();
  OperandDescriptor desc{dataType, {}};
  std::vector<std::byte> bytes(8, std::byte{0});
  value.CastTo(dataType, bytes.data());
  bytes.resize(desc.ByteLength());
  return MLOperand(
      state_, Unwrap(state_->core.AddConstant(desc, ByteBuffer::FromVector(std::move(bytes)))));
}

MLOperand MLGraphBuilder::constant(const MLTensor& tensor) {
  context_->CheckNotLost();
  if (!tensor.valid()) Throw(ErrorCode::kTypeError, "constant: not a tensor");
  const TensorState& t = *tensor.state();
  if (t.context != context_.get()) {
    Throw(ErrorCode::kTypeError, "constant: the tensor belongs to another context");
  }
  if (!t.is_constant) {
    Throw(ErrorCode::kTypeError, "constant: the tensor was not created by createConstantTensor");
  }
  ByteBuffer bytes = t.LiveConstant("constant");
  return MLOperand(state_, Unwrap(state_->core.AddConstant(t.operand_desc, std::move(bytes))));
}

MLGraph MLGraphBuilder::build(const MLNamedOperands& outputs, const MLGraphOptions& options) {
  context_->CheckNotLost();
  std::vector<std::pair<std::string, OperandId>> outs;
  for (const auto& [name, operand] : outputs) {
    outs.emplace_back(name, OperandIdOf(operand, "build: output '" + name + "'"));
  }
  return CompileGraph(*context_, Unwrap(state_->core.Build(outs)), options);
}

std::vector<MLOperand> MLGraphBuilder::op(OpKind kind, const std::vector<MLOperand>& operands,
                                          const Attrs& attrs, const std::string& label) {
  context_->CheckNotLost();
  if (static_cast<size_t>(kind) >= kOpCount) Throw(ErrorCode::kTypeError, "unknown operator");
  const OpInfo& info = GetOpInfo(kind);
  std::vector<OperandId> ids;
  for (size_t i = 0; i < operands.size(); ++i) {
    const bool optional = !info.IsVariadic() && i < info.inputs.size() && info.inputs[i].optional;
    if (!operands[i].valid() && optional) {
      ids.push_back(kNoOperand);
      continue;
    }
    std::string what = std::string(info.name);
    what += ": ";
    what += info.IsVariadic() ? std::string(info.inputs[0].name) + "[" + std::to_string(i) + "]"
                              : (i < info.inputs.size() ? std::string(info.inputs[i].name)
                                                        : "operand " + std::to_string(i));
    ids.push_back(OperandIdOf(operands[i], what));
  }
  // Missing trailing optional slots are absent.
  while (!info.IsVariadic() && ids.size() < info.inputs.size() &&
         info.inputs[ids.size()].optional) {
    ids.push_back(kNoOperand);
  }
  std::vector<OperandId> out =
      Unwrap(state_->core.AddOperation(kind, std::move(ids), attrs, label));
  std::vector<MLOperand> result;
  for (OperandId id : out) result.push_back(MLOperand(state_, id));
  return result;
}

std::vector<MLOperand> MLGraphBuilder::op(std::string_view name,
                                          const std::vector<MLOperand>& operands,
                                          const Attrs& attrs, const std::string& label) {
  std::optional<OpKind> kind = OpKindFromName(name);
  if (!kind) Throw(ErrorCode::kTypeError, "unknown operator '", name, "'");
  return op(*kind, operands, attrs, label);
}

MLOperand MLGraphBuilder::One(OpKind kind, const std::vector<MLOperand>& operands,
                              const Attrs& attrs, const std::string& label) {
  return op(kind, operands, attrs, label).at(0);
}

// ---- Operators -------------------------------------------------------------------------------

MLOperand MLGraphBuilder::argMin(const MLOperand& input, uint32_t axis,
                                 const MLArgMinMaxOptions& o) {
  return One(OpKind::kArgMin, {input}, ArgMinMaxAttrs{axis, o.keepDimensions, o.outputDataType},
             o.label);
}
MLOperand MLGraphBuilder::argMax(const MLOperand& input, uint32_t axis,
                                 const MLArgMinMaxOptions& o) {
  return One(OpKind::kArgMax, {input}, ArgMinMaxAttrs{axis, o.keepDimensions, o.outputDataType},
             o.label);
}
MLOperand MLGraphBuilder::batchNormalization(const MLOperand& input, const MLOperand& mean,
                                             const MLOperand& variance,
                                             const MLBatchNormalizationOptions& o) {
  return One(OpKind::kBatchNormalization, {input, mean, variance, o.scale, o.bias},
             static_cast<const BatchNormalizationAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::cast(const MLOperand& input, DataType dataType,
                               const MLOperatorOptions& o) {
  return One(OpKind::kCast, {input}, CastAttrs{dataType}, o.label);
}
MLOperand MLGraphBuilder::clamp(const MLOperand& input, const MLClampOptions& o) {
  return One(OpKind::kClamp, {input}, static_cast<const ClampAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::concat(const std::vector<MLOperand>& inputs, uint32_t axis,
                                 const MLOperatorOptions& o) {
  return One(OpKind::kConcat, inputs, AxisAttrs{axis}, o.label);
}
MLOperand MLGraphBuilder::conv2d(const MLOperand& input, const MLOperand& filter,
                                 const MLConv2dOptions& o) {
  return One(OpKind::kConv2d, {input, filter, o.bias}, static_cast<const Conv2dAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::convTranspose2d(const MLOperand& input, const MLOperand& filter,
                                          const MLConvTranspose2dOptions& o) {
  return One(OpKind::kConvTranspose2d, {input, filter, o.bias},
             static_cast<const ConvTranspose2dAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::cumulativeSum(const MLOperand& input, uint32_t axis,
                                        const MLCumulativeSumOptions& o) {
  return One(OpKind::kCumulativeSum, {input}, CumulativeSumAttrs{axis, o.exclusive, o.reversed},
             o.label);
}

#define WEBNN_BINARY_METHOD(method, kind)                                  \
  MLOperand MLGraphBuilder::method(const MLOperand& a, const MLOperand& b, \
                                   const MLOperatorOptions& o) {           \
    return One(OpKind::kind, {a, b}, NoAttrs{}, o.label);                  \
  }
WEBNN_BINARY_METHOD(add, kAdd)
WEBNN_BINARY_METHOD(sub, kSub)
WEBNN_BINARY_METHOD(mul, kMul)
WEBNN_BINARY_METHOD(div, kDiv)
WEBNN_BINARY_METHOD(max, kMax)
WEBNN_BINARY_METHOD(min, kMin)
WEBNN_BINARY_METHOD(pow, kPow)
WEBNN_BINARY_METHOD(equal, kEqual)
WEBNN_BINARY_METHOD(notEqual, kNotEqual)
WEBNN_BINARY_METHOD(greater, kGreater)
WEBNN_BINARY_METHOD(greaterOrEqual, kGreaterOrEqual)
WEBNN_BINARY_METHOD(lesser, kLesser)
WEBNN_BINARY_METHOD(lesserOrEqual, kLesserOrEqual)
WEBNN_BINARY_METHOD(logicalAnd, kLogicalAnd)
WEBNN_BINARY_METHOD(logicalOr, kLogicalOr)
WEBNN_BINARY_METHOD(logicalXor, kLogicalXor)
WEBNN_BINARY_METHOD(matmul, kMatmul)
WEBNN_BINARY_METHOD(prelu, kPrelu)
#undef WEBNN_BINARY_METHOD

#define WEBNN_UNARY_METHOD(method, kind)                                                 \
  MLOperand MLGraphBuilder::method(const MLOperand& input, const MLOperatorOptions& o) { \
    return One(OpKind::kind, {input}, NoAttrs{}, o.label);                               \
  }
WEBNN_UNARY_METHOD(logicalNot, kLogicalNot)
WEBNN_UNARY_METHOD(isNaN, kIsNaN)
WEBNN_UNARY_METHOD(isInfinite, kIsInfinite)
WEBNN_UNARY_METHOD(abs, kAbs)
WEBNN_UNARY_METHOD(ceil, kCeil)
WEBNN_UNARY_METHOD(cos, kCos)
WEBNN_UNARY_METHOD(erf, kErf)
WEBNN_UNARY_METHOD(exp, kExp)
WEBNN_UNARY_METHOD(floor, kFloor)
WEBNN_UNARY_METHOD(identity, kIdentity)
WEBNN_UNARY_METHOD(log, kLog)
WEBNN_UNARY_METHOD(neg, kNeg)
WEBNN_UNARY_METHOD(reciprocal, kReciprocal)
WEBNN_UNARY_METHOD(roundEven, kRoundEven)
WEBNN_UNARY_METHOD(sin, kSin)
WEBNN_UNARY_METHOD(sign, kSign)
WEBNN_UNARY_METHOD(sqrt, kSqrt)
WEBNN_UNARY_METHOD(tan, kTan)
WEBNN_UNARY_METHOD(gelu, kGelu)
WEBNN_UNARY_METHOD(hardSwish, kHardSwish)
WEBNN_UNARY_METHOD(relu, kRelu)
WEBNN_UNARY_METHOD(sigmoid, kSigmoid)
WEBNN_UNARY_METHOD(softplus, kSoftplus)
WEBNN_UNARY_METHOD(softsign, kSoftsign)
WEBNN_UNARY_METHOD(tanh, kTanh)
#undef WEBNN_UNARY_METHOD

MLOperand MLGraphBuilder::dequantizeLinear(const MLOperand& input, const MLOperand& scale,
                                           const MLOperand& zeroPoint, const MLOperatorOptions& o) {
  return One(OpKind::kDequantizeLinear, {input, scale, zeroPoint}, NoAttrs{}, o.label);
}
MLOperand MLGraphBuilder::quantizeLinear(const MLOperand& input, const MLOperand& scale,
                                         const MLOperand& zeroPoint, const MLOperatorOptions& o) {
  return One(OpKind::kQuantizeLinear, {input, scale, zeroPoint}, NoAttrs{}, o.label);
}
MLOperand MLGraphBuilder::elu(const MLOperand& input, const MLEluOptions& o) {
  return One(OpKind::kElu, {input}, static_cast<const EluAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::expand(const MLOperand& input, const std::vector<uint32_t>& newShape,
                                 const MLOperatorOptions& o) {
  return One(OpKind::kExpand, {input}, NewShapeAttrs{newShape}, o.label);
}
MLOperand MLGraphBuilder::gather(const MLOperand& input, const MLOperand& indices,
                                 const MLGatherOptions& o) {
  return One(OpKind::kGather, {input, indices}, static_cast<const GatherAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::gatherElements(const MLOperand& input, const MLOperand& indices,
                                         const MLGatherOptions& o) {
  return One(OpKind::kGatherElements, {input, indices}, static_cast<const GatherAttrs&>(o),
             o.label);
}
MLOperand MLGraphBuilder::gatherND(const MLOperand& input, const MLOperand& indices,
                                   const MLOperatorOptions& o) {
  return One(OpKind::kGatherND, {input, indices}, NoAttrs{}, o.label);
}
MLOperand MLGraphBuilder::gemm(const MLOperand& a, const MLOperand& b, const MLGemmOptions& o) {
  return One(OpKind::kGemm, {a, b, o.c}, static_cast<const GemmAttrs&>(o), o.label);
}
std::vector<MLOperand> MLGraphBuilder::gru(const MLOperand& input, const MLOperand& weight,
                                           const MLOperand& recurrentWeight, uint32_t steps,
                                           uint32_t hiddenSize, const MLGruOptions& o) {
  GruAttrs a{steps,       hiddenSize, o.resetAfter, o.returnSequence,
             o.direction, o.layout,   o.activations};
  return op(OpKind::kGru,
            {input, weight, recurrentWeight, o.bias, o.recurrentBias, o.initialHiddenState}, a,
            o.label);
}
MLOperand MLGraphBuilder::gruCell(const MLOperand& input, const MLOperand& weight,
                                  const MLOperand& recurrentWeight, const MLOperand& hiddenState,
                                  uint32_t hiddenSize, const MLGruCellOptions& o) {
  GruCellAttrs a{hiddenSize, o.resetAfter, o.layout, o.activations};
  return One(OpKind::kGruCell,
             {input, weight, recurrentWeight, hiddenState, o.bias, o.recurrentBias}, a, o.label);
}
MLOperand MLGraphBuilder::hardSigmoid(const MLOperand& input, const MLHardSigmoidOptions& o) {
  return One(OpKind::kHardSigmoid, {input}, static_cast<const HardSigmoidAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::instanceNormalization(const MLOperand& input,
                                                const MLInstanceNormalizationOptions& o) {
  return One(OpKind::kInstanceNormalization, {input, o.scale, o.bias},
             static_cast<const InstanceNormalizationAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::layerNormalization(const MLOperand& input,
                                             const MLLayerNormalizationOptions& o) {
  return One(OpKind::kLayerNormalization, {input, o.scale, o.bias},
             static_cast<const LayerNormalizationAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::leakyRelu(const MLOperand& input, const MLLeakyReluOptions& o) {
  return One(OpKind::kLeakyRelu, {input}, static_cast<const LeakyReluAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::linear(const MLOperand& input, const MLLinearOptions& o) {
  return One(OpKind::kLinear, {input}, static_cast<const LinearAttrs&>(o), o.label);
}
std::vector<MLOperand> MLGraphBuilder::lstm(const MLOperand& input, const MLOperand& weight,
                                            const MLOperand& recurrentWeight, uint32_t steps,
                                            uint32_t hiddenSize, const MLLstmOptions& o) {
  LstmAttrs a{steps, hiddenSize, o.returnSequence, o.direction, o.layout, o.activations};
  return op(OpKind::kLstm,
            {input, weight, recurrentWeight, o.bias, o.recurrentBias, o.peepholeWeight,
             o.initialHiddenState, o.initialCellState},
            a, o.label);
}
std::vector<MLOperand> MLGraphBuilder::lstmCell(const MLOperand& input, const MLOperand& weight,
                                                const MLOperand& recurrentWeight,
                                                const MLOperand& hiddenState,
                                                const MLOperand& cellState, uint32_t hiddenSize,
                                                const MLLstmCellOptions& o) {
  LstmCellAttrs a{hiddenSize, o.layout, o.activations};
  return op(OpKind::kLstmCell,
            {input, weight, recurrentWeight, hiddenState, cellState, o.bias, o.recurrentBias,
             o.peepholeWeight},
            a, o.label);
}
MLOperand MLGraphBuilder::pad(const MLOperand& input, const std::vector<uint32_t>& beginningPadding,
                              const std::vector<uint32_t>& endingPadding, const MLPadOptions& o) {
  return One(OpKind::kPad, {input}, PadAttrs{beginningPadding, endingPadding, o.mode, o.value},
             o.label);
}
MLOperand MLGraphBuilder::averagePool2d(const MLOperand& input, const MLPool2dOptions& o) {
  return One(OpKind::kAveragePool2d, {input}, static_cast<const Pool2dAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::l2Pool2d(const MLOperand& input, const MLPool2dOptions& o) {
  return One(OpKind::kL2Pool2d, {input}, static_cast<const Pool2dAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::maxPool2d(const MLOperand& input, const MLPool2dOptions& o) {
  return One(OpKind::kMaxPool2d, {input}, static_cast<const Pool2dAttrs&>(o), o.label);
}

#define WEBNN_REDUCE_METHOD(method, kind)                                              \
  MLOperand MLGraphBuilder::method(const MLOperand& input, const MLReduceOptions& o) { \
    return One(OpKind::kind, {input}, static_cast<const ReduceAttrs&>(o), o.label);    \
  }
WEBNN_REDUCE_METHOD(reduceL1, kReduceL1)
WEBNN_REDUCE_METHOD(reduceL2, kReduceL2)
WEBNN_REDUCE_METHOD(reduceLogSum, kReduceLogSum)
WEBNN_REDUCE_METHOD(reduceLogSumExp, kReduceLogSumExp)
WEBNN_REDUCE_METHOD(reduceMax, kReduceMax)
WEBNN_REDUCE_METHOD(reduceMean, kReduceMean)
WEBNN_REDUCE_METHOD(reduceMin, kReduceMin)
WEBNN_REDUCE_METHOD(reduceProduct, kReduceProduct)
WEBNN_REDUCE_METHOD(reduceSum, kReduceSum)
WEBNN_REDUCE_METHOD(reduceSumSquare, kReduceSumSquare)
#undef WEBNN_REDUCE_METHOD

MLOperand MLGraphBuilder::resample2d(const MLOperand& input, const MLResample2dOptions& o) {
  return One(OpKind::kResample2d, {input}, static_cast<const Resample2dAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::reshape(const MLOperand& input, const std::vector<uint32_t>& newShape,
                                  const MLOperatorOptions& o) {
  return One(OpKind::kReshape, {input}, NewShapeAttrs{newShape}, o.label);
}
MLOperand MLGraphBuilder::reverse(const MLOperand& input, const MLReverseOptions& o) {
  return One(OpKind::kReverse, {input}, static_cast<const ReverseAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::scatterElements(const MLOperand& input, const MLOperand& indices,
                                          const MLOperand& updates, const MLScatterOptions& o) {
  return One(OpKind::kScatterElements, {input, indices, updates},
             static_cast<const GatherAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::scatterND(const MLOperand& input, const MLOperand& indices,
                                    const MLOperand& updates, const MLOperatorOptions& o) {
  return One(OpKind::kScatterND, {input, indices, updates}, NoAttrs{}, o.label);
}
MLOperand MLGraphBuilder::slice(const MLOperand& input, const std::vector<uint32_t>& starts,
                                const std::vector<uint32_t>& sizes, const MLSliceOptions& o) {
  return One(OpKind::kSlice, {input}, SliceAttrs{starts, sizes, o.strides}, o.label);
}
MLOperand MLGraphBuilder::softmax(const MLOperand& input, uint32_t axis,
                                  const MLOperatorOptions& o) {
  return One(OpKind::kSoftmax, {input}, AxisAttrs{axis}, o.label);
}
std::vector<MLOperand> MLGraphBuilder::split(const MLOperand& input, uint32_t splits,
                                             const MLSplitOptions& o) {
  return op(OpKind::kSplit, {input}, SplitAttrs{splits, o.axis}, o.label);
}
std::vector<MLOperand> MLGraphBuilder::split(const MLOperand& input,
                                             const std::vector<uint32_t>& splits,
                                             const MLSplitOptions& o) {
  return op(OpKind::kSplit, {input}, SplitAttrs{splits, o.axis}, o.label);
}
MLOperand MLGraphBuilder::tile(const MLOperand& input, const std::vector<uint32_t>& repetitions,
                               const MLOperatorOptions& o) {
  return One(OpKind::kTile, {input}, TileAttrs{repetitions}, o.label);
}
MLOperand MLGraphBuilder::transpose(const MLOperand& input, const MLTransposeOptions& o) {
  return One(OpKind::kTranspose, {input}, static_cast<const TransposeAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::triangular(const MLOperand& input, const MLTriangularOptions& o) {
  return One(OpKind::kTriangular, {input}, static_cast<const TriangularAttrs&>(o), o.label);
}
MLOperand MLGraphBuilder::where(const MLOperand& condition, const MLOperand& trueValue,
                                const MLOperand& falseValue, const MLOperatorOptions& o) {
  return One(OpKind::kWhere, {condition, trueValue, falseValue}, NoAttrs{}, o.label);
}

}  // namespace webnn
