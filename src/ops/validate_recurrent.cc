// Validators of the recurrent network operators: gru, gruCell, lstm, lstmCell. Each follows the
// "method steps" of its spec section; the generic checks (the slots' data types, all "same as
// input", and ranks) have already run, so only the shape relations and attributes are left.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ops/validate.h"

namespace webnn {
namespace {

// https://www.w3.org/TR/webnn/#valid-dimension: > 0 and in the range of long (int32).
constexpr uint64_t kMaxDimension = std::numeric_limits<int32_t>::max();

// "If hiddenSize * factor is not a valid dimension, throw a TypeError" (factor 6 for GRU and 8
// for LSTM: some platforms concatenate bias and recurrentBias). The spec checks this after the
// weight shapes; it is checked first here so that the expected shapes below (gates *
// hiddenSize, with gates < factor) cannot overflow uint32. Both orders reject the same calls.
Status CheckHiddenSize(const OpValidationContext& ctx, uint32_t hidden_size, uint64_t factor) {
  const uint64_t total = uint64_t{hidden_size} * factor;
  if (total == 0 || total > kMaxDimension) {
    return ctx.TypeError("hiddenSize: ", hidden_size, " * ", factor,
                         " must be a valid dimension (1 to ", kMaxDimension, ")");
  }
  return {};
}

// Checks that an operand's shape is exactly `expected`; `meaning` spells the expected shape
// symbolically ("[numDirections, 3 * hiddenSize, inputSize]").
Status CheckShape(const OpValidationContext& ctx, std::string_view what,
                  const OperandDescriptor& desc, const std::vector<uint32_t>& expected,
                  std::string_view meaning) {
  if (desc.shape != expected) {
    return ctx.TypeError(what, ": shape ", ShapeToString(desc.shape), " must be ",
                         ShapeToString(expected), " ", meaning);
  }
  return {};
}

// Checks an optional operand's shape when it is given.
Status CheckOptionalShape(const OpValidationContext& ctx, std::string_view slot_name,
                          const std::vector<uint32_t>& expected, std::string_view meaning) {
  const OperandDescriptor* desc = ctx.optional_input(slot_name);
  if (!desc) return {};
  return CheckShape(ctx, slot_name, *desc, expected, meaning);
}

Status CheckActivations(const OpValidationContext& ctx,
                        const std::optional<ActivationList>& activations, size_t expected) {
  if (activations && activations->size() != expected) {
    return ctx.TypeError("activations: expected ", expected, " activation functions, got ",
                         activations->size());
  }
  return {};
}

uint32_t NumDirections(RecurrentNetworkDirection direction) {
  return direction == RecurrentNetworkDirection::kBoth ? 2 : 1;
}

// The facts shared by gru and lstm (input [steps, batchSize, inputSize], weights
// [numDirections, gates * hiddenSize, inputSize|hiddenSize], biases [numDirections,
// gates * hiddenSize], initial states [numDirections, batchSize, hiddenSize]).
struct SequenceShape {
  uint32_t steps = 0;
  uint32_t batch_size = 0;
  uint32_t num_directions = 1;
};

// gates: 3 (GRU) or 4 (LSTM); factor: the hiddenSize multiple that must be a valid dimension.
Result<SequenceShape> ValidateSequence(const OpValidationContext& ctx, uint32_t steps,
                                       uint32_t hidden_size, RecurrentNetworkDirection direction,
                                       uint32_t gates, uint64_t factor) {
  const OperandDescriptor& input = ctx.input(0);
  if (steps == 0) return ctx.TypeError("steps: must be greater than 0");
  if (input.shape[0] != steps) {
    return ctx.TypeError("steps: ", steps, " must equal input's shape[0] (", input.shape[0],
                         ", the number of time steps)");
  }
  WEBNN_RETURN_IF_ERROR(CheckHiddenSize(ctx, hidden_size, factor));
  SequenceShape s;
  s.steps = steps;
  s.batch_size = input.shape[1];
  s.num_directions = NumDirections(direction);
  const uint32_t input_size = input.shape[2];
  const uint32_t gate_rows = gates * hidden_size;
  const std::string g = std::to_string(gates);
  WEBNN_RETURN_IF_ERROR(CheckShape(ctx, "weight", ctx.input(1),
                                   {s.num_directions, gate_rows, input_size},
                                   "([numDirections, " + g + " * hiddenSize, inputSize])"));
  WEBNN_RETURN_IF_ERROR(CheckShape(ctx, "recurrentWeight", ctx.input(2),
                                   {s.num_directions, gate_rows, hidden_size},
                                   "([numDirections, " + g + " * hiddenSize, hiddenSize])"));
  const std::string bias_meaning = "([numDirections, " + g + " * hiddenSize])";
  WEBNN_RETURN_IF_ERROR(
      CheckOptionalShape(ctx, "bias", {s.num_directions, gate_rows}, bias_meaning));
  WEBNN_RETURN_IF_ERROR(
      CheckOptionalShape(ctx, "recurrentBias", {s.num_directions, gate_rows}, bias_meaning));
  return s;
}

// The facts shared by gruCell and lstmCell: input [batchSize, inputSize], weights
// [gates * hiddenSize, inputSize|hiddenSize], biases [gates * hiddenSize], the states
// [batchSize, hiddenSize]. Returns batchSize.
Result<uint32_t> ValidateCell(const OpValidationContext& ctx, uint32_t hidden_size, uint32_t gates,
                              uint64_t factor) {
  const OperandDescriptor& input = ctx.input(0);
  WEBNN_RETURN_IF_ERROR(CheckHiddenSize(ctx, hidden_size, factor));
  const uint32_t batch_size = input.shape[0];
  const uint32_t input_size = input.shape[1];
  const uint32_t gate_rows = gates * hidden_size;
  const std::string g = std::to_string(gates);
  WEBNN_RETURN_IF_ERROR(CheckShape(ctx, "weight", ctx.input(1), {gate_rows, input_size},
                                   "([" + g + " * hiddenSize, inputSize])"));
  WEBNN_RETURN_IF_ERROR(CheckShape(ctx, "recurrentWeight", ctx.input(2), {gate_rows, hidden_size},
                                   "([" + g + " * hiddenSize, hiddenSize])"));
  WEBNN_RETURN_IF_ERROR(CheckShape(ctx, "hiddenState", ctx.input(3), {batch_size, hidden_size},
                                   "([batchSize, hiddenSize])"));
  const std::string bias_meaning = "([" + g + " * hiddenSize])";
  WEBNN_RETURN_IF_ERROR(CheckOptionalShape(ctx, "bias", {gate_rows}, bias_meaning));
  WEBNN_RETURN_IF_ERROR(CheckOptionalShape(ctx, "recurrentBias", {gate_rows}, bias_meaning));
  return batch_size;
}

}  // namespace

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-gru
Result<OutputDescriptors> ValidateGru(const OpValidationContext& ctx, const GruAttrs& a) {
  WEBNN_ASSIGN_OR_RETURN(SequenceShape s, ValidateSequence(ctx, a.steps, a.hiddenSize, a.direction,
                                                           /*gates=*/3, /*factor=*/6));
  WEBNN_RETURN_IF_ERROR(CheckOptionalShape(ctx, "initialHiddenState",
                                           {s.num_directions, s.batch_size, a.hiddenSize},
                                           "([numDirections, batchSize, hiddenSize])"));
  WEBNN_RETURN_IF_ERROR(CheckActivations(ctx, a.activations, 2));
  const DataType type = ctx.input(0).dataType;
  OutputDescriptors outputs{{type, {s.num_directions, s.batch_size, a.hiddenSize}}};
  if (a.returnSequence) {
    outputs.push_back({type, {s.steps, s.num_directions, s.batch_size, a.hiddenSize}});
  }
  return outputs;
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-grucell
Result<OutputDescriptors> ValidateGruCell(const OpValidationContext& ctx, const GruCellAttrs& a) {
  WEBNN_ASSIGN_OR_RETURN(uint32_t batch_size,
                         ValidateCell(ctx, a.hiddenSize, /*gates=*/3, /*factor=*/6));
  WEBNN_RETURN_IF_ERROR(CheckActivations(ctx, a.activations, 2));
  return OutputDescriptors{{ctx.input(0).dataType, {batch_size, a.hiddenSize}}};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-lstm
Result<OutputDescriptors> ValidateLstm(const OpValidationContext& ctx, const LstmAttrs& a) {
  WEBNN_ASSIGN_OR_RETURN(SequenceShape s, ValidateSequence(ctx, a.steps, a.hiddenSize, a.direction,
                                                           /*gates=*/4, /*factor=*/8));
  WEBNN_RETURN_IF_ERROR(CheckOptionalShape(ctx, "peepholeWeight",
                                           {s.num_directions, 3 * a.hiddenSize},
                                           "([numDirections, 3 * hiddenSize])"));
  const std::vector<uint32_t> state_shape{s.num_directions, s.batch_size, a.hiddenSize};
  WEBNN_RETURN_IF_ERROR(CheckOptionalShape(ctx, "initialHiddenState", state_shape,
                                           "([numDirections, batchSize, hiddenSize])"));
  WEBNN_RETURN_IF_ERROR(CheckOptionalShape(ctx, "initialCellState", state_shape,
                                           "([numDirections, batchSize, hiddenSize])"));
  WEBNN_RETURN_IF_ERROR(CheckActivations(ctx, a.activations, 3));
  const DataType type = ctx.input(0).dataType;
  OutputDescriptors outputs{{type, state_shape}, {type, state_shape}};
  if (a.returnSequence) {
    outputs.push_back({type, {s.steps, s.num_directions, s.batch_size, a.hiddenSize}});
  }
  return outputs;
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-lstmcell
Result<OutputDescriptors> ValidateLstmCell(const OpValidationContext& ctx, const LstmCellAttrs& a) {
  WEBNN_ASSIGN_OR_RETURN(uint32_t batch_size,
                         ValidateCell(ctx, a.hiddenSize, /*gates=*/4, /*factor=*/8));
  WEBNN_RETURN_IF_ERROR(CheckShape(ctx, "cellState", ctx.input(4), {batch_size, a.hiddenSize},
                                   "([batchSize, hiddenSize])"));
  WEBNN_RETURN_IF_ERROR(
      CheckOptionalShape(ctx, "peepholeWeight", {3 * a.hiddenSize}, "([3 * hiddenSize])"));
  WEBNN_RETURN_IF_ERROR(CheckActivations(ctx, a.activations, 3));
  const OperandDescriptor out{ctx.input(0).dataType, {batch_size, a.hiddenSize}};
  return OutputDescriptors{out, out};
}

}  // namespace webnn
