// Reference kernels of the recurrent network operators: gru, gruCell, lstm, lstmCell.
//
// Each follows the spec's emulation: gru/lstm run one gruCell/lstmCell per time step and
// direction. A cell computes in double and rounds its new states to the operand data type
// (float32 or float16) once, as the cell's output operand would be; the sequence ops feed
// those rounded states to the next step, so gru/lstm equal the composition of the cell ops.
//
// The cell ops are the sequence ops with steps = 1 and one forward direction: their operands
// have the same element layout without the leading [1] dimensions, so one body serves both.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "backend/reference/kernels.h"
#include "backend/reference/tensor_util.h"

namespace webnn::reference {
namespace {

// The whole tensor as doubles; empty for an absent optional operand.
std::vector<double> LoadAll(const ConstTensor& t) {
  if (!t.present()) return {};
  std::vector<double> v(ElementCount(t.desc->shape));
  for (size_t i = 0; i < v.size(); ++i) v[i] = LoadAsDouble(t.desc->dataType, t.data, i);
  return v;
}

// v rounded to data type t, the way storing it in an operand of type t would.
double RoundTo(DataType t, double v) {
  std::byte buf[sizeof(double)];
  StoreFromDouble(t, buf, 0, v);
  return LoadAsDouble(t, buf, 0);
}

// https://www.w3.org/TR/webnn/#enumdef-mlrecurrentnetworkactivation
double Activate(RecurrentNetworkActivation f, double x) {
  switch (f) {
    case RecurrentNetworkActivation::kRelu:
      return std::isnan(x) || x > 0 ? x : 0.0;  // NaN propagates
    case RecurrentNetworkActivation::kSigmoid:
      return 1.0 / (1.0 + std::exp(-x));
    case RecurrentNetworkActivation::kTanh:
      return std::tanh(x);
  }
  return x;
}

// sum_k row[k] * v[k]
double Dot(const double* row, const double* v, size_t n) {
  double s = 0;
  for (size_t k = 0; k < n; ++k) s += row[k] * v[k];
  return s;
}

// Sizes of a run: input [steps, batch, inputSize]; states [numDirections, batch, hidden].
struct RunShape {
  size_t steps = 1;
  size_t batch = 0;
  size_t input_size = 0;
  size_t hidden = 0;
  size_t num_directions = 1;
  RecurrentNetworkDirection direction = RecurrentNetworkDirection::kForward;
};

// The input-time index processed at `step` of direction `dir` (spec emulation: "dir == 1 ||
// direction == 'backward' ? steps - step - 1 : step").
size_t TimeIndex(const RunShape& s, size_t dir, size_t step) {
  const bool backward = dir == 1 || s.direction == RecurrentNetworkDirection::kBackward;
  return backward ? s.steps - step - 1 : step;
}

// One direction's parameters, pointing into the loaded operands. `gate_rows` = gates * hidden.
struct CellParams {
  const double* weight = nullptr;            // [gates * hidden, inputSize]
  const double* recurrent_weight = nullptr;  // [gates * hidden, hidden]
  const double* bias = nullptr;              // [gates * hidden] or nullptr
  const double* recurrent_bias = nullptr;    // [gates * hidden] or nullptr
  const double* peephole = nullptr;          // LSTM: [3 * hidden] (i, o, f) or nullptr
};

CellParams ParamsForDirection(const RunShape& s, size_t gates, size_t dir,
                              const std::vector<double>& w, const std::vector<double>& rw,
                              const std::vector<double>& b, const std::vector<double>& rb,
                              const std::vector<double>& peephole) {
  const size_t rows = gates * s.hidden;
  CellParams p;
  p.weight = w.data() + dir * rows * s.input_size;
  p.recurrent_weight = rw.data() + dir * rows * s.hidden;
  if (!b.empty()) p.bias = b.data() + dir * rows;
  if (!rb.empty()) p.recurrent_bias = rb.data() + dir * rows;
  if (!peephole.empty()) p.peephole = peephole.data() + dir * 3 * s.hidden;
  return p;
}

// x W[row]^T + h R[row]^T + bias[row] + recurrentBias[row] for one gate row.
double GatePreActivation(const CellParams& p, const RunShape& s, size_t row, const double* x,
                         const double* h) {
  double v = Dot(p.weight + row * s.input_size, x, s.input_size) +
             Dot(p.recurrent_weight + row * s.hidden, h, s.hidden);
  if (p.bias) v += p.bias[row];
  if (p.recurrent_bias) v += p.recurrent_bias[row];
  return v;
}

// ---- GRU -----------------------------------------------------------------------------------

struct GruOptions {
  bool reset_after = true;
  GruWeightLayout layout = GruWeightLayout::kZrn;
  RecurrentNetworkActivation gate_activation = RecurrentNetworkActivation::kSigmoid;  // z, r
  RecurrentNetworkActivation new_activation = RecurrentNetworkActivation::kTanh;      // n
};

// One gruCell for one batch row: h_out = GRU(x, h) (spec gruCell emulation, any layout).
// `r` is scratch of `hidden` elements. h_out must not alias h.
void GruCellRow(const CellParams& p, const RunShape& s, const GruOptions& o, const double* x,
                const double* h, double* r, double* h_out) {
  const size_t H = s.hidden;
  // Gate blocks in the weight/bias rows: "zrn" = update, reset, new; "rzn" = reset, update, new.
  const size_t z_off = o.layout == GruWeightLayout::kZrn ? 0 : H;
  const size_t r_off = o.layout == GruWeightLayout::kZrn ? H : 0;
  const size_t n_off = 2 * H;
  // The reset gate first: with resetAfter false the new gate multiplies all of r by h.
  for (size_t j = 0; j < H; ++j) {
    r[j] = Activate(o.gate_activation, GatePreActivation(p, s, r_off + j, x, h));
  }
  for (size_t j = 0; j < H; ++j) {
    const double z = Activate(o.gate_activation, GatePreActivation(p, s, z_off + j, x, h));
    const size_t row = n_off + j;
    const double* rw_row = p.recurrent_weight + row * s.hidden;
    const double b = p.bias ? p.bias[row] : 0.0;
    const double rb = p.recurrent_bias ? p.recurrent_bias[row] : 0.0;
    const double wx = Dot(p.weight + row * s.input_size, x, s.input_size);
    double n_pre;
    if (o.reset_after) {
      // n = act(x Wn^T + bn + r * (h Rn^T + rbn))
      n_pre = wx + b + r[j] * (Dot(rw_row, h, H) + rb);
    } else {
      // n = act(x Wn^T + (r * h) Rn^T + bn + rbn)
      double rh = 0;
      for (size_t k = 0; k < H; ++k) rh += rw_row[k] * (r[k] * h[k]);
      n_pre = wx + rh + b + rb;
    }
    const double n = Activate(o.new_activation, n_pre);
    // h' = z * h + (1 - z) * n
    h_out[j] = z * h[j] + (1.0 - z) * n;
  }
}

// Inputs: input, weight, recurrentWeight, bias, recurrentBias, initialHiddenState (each may be
// absent but the first three). Outputs: the last hidden state [numDirections, batch, hidden]
// and, when `sequence` is given, every step's [steps, numDirections, batch, hidden].
Status RunGru(const RunShape& s, const GruOptions& o, const ConstTensor& input,
              const ConstTensor& weight, const ConstTensor& recurrent_weight,
              const ConstTensor& bias, const ConstTensor& recurrent_bias,
              const ConstTensor& initial_hidden, const MutableTensor& output,
              const MutableTensor* sequence) {
  const DataType type = input.desc->dataType;
  const std::vector<double> x = LoadAll(input);
  const std::vector<double> w = LoadAll(weight);
  const std::vector<double> rw = LoadAll(recurrent_weight);
  const std::vector<double> b = LoadAll(bias);
  const std::vector<double> rb = LoadAll(recurrent_bias);
  const size_t state_size = s.num_directions * s.batch * s.hidden;
  std::vector<double> h =
      initial_hidden.present() ? LoadAll(initial_hidden) : std::vector<double>(state_size, 0.0);
  std::vector<double> h_next(s.hidden);
  std::vector<double> scratch(s.hidden);
  for (size_t dir = 0; dir < s.num_directions; ++dir) {
    const CellParams p = ParamsForDirection(s, /*gates=*/3, dir, w, rw, b, rb, {});
    for (size_t step = 0; step < s.steps; ++step) {
      const size_t t = TimeIndex(s, dir, step);
      for (size_t n = 0; n < s.batch; ++n) {
        double* h_row = h.data() + (dir * s.batch + n) * s.hidden;
        const double* x_row = x.data() + (t * s.batch + n) * s.input_size;
        GruCellRow(p, s, o, x_row, h_row, scratch.data(), h_next.data());
        for (size_t j = 0; j < s.hidden; ++j) h_row[j] = RoundTo(type, h_next[j]);
        if (sequence) {
          const size_t base = ((t * s.num_directions + dir) * s.batch + n) * s.hidden;
          for (size_t j = 0; j < s.hidden; ++j) {
            StoreFromDouble(type, sequence->data, base + j, h_row[j]);
          }
        }
      }
    }
  }
  for (size_t i = 0; i < state_size; ++i) StoreFromDouble(type, output.data, i, h[i]);
  return {};
}

// ---- LSTM ----------------------------------------------------------------------------------

struct LstmOptions {
  LstmWeightLayout layout = LstmWeightLayout::kIofg;
  RecurrentNetworkActivation gate_activation = RecurrentNetworkActivation::kSigmoid;  // i, f, o
  RecurrentNetworkActivation cell_activation = RecurrentNetworkActivation::kTanh;     // g
  RecurrentNetworkActivation state_activation = RecurrentNetworkActivation::kTanh;    // on c'
};

// One lstmCell for one batch row (spec lstmCell emulation, any layout). The new cell state is
// rounded to `type` before the hidden state is computed from it, as the emulation's ct operand
// would be. h_out/c_out must not alias h/c.
void LstmCellRow(const CellParams& p, const RunShape& s, const LstmOptions& o, DataType type,
                 const double* x, const double* h, const double* c, double* h_out, double* c_out) {
  const size_t H = s.hidden;
  // Gate blocks in the weight/bias rows: "iofg" = input, output, forget, cell;
  // "ifgo" = input, forget, cell, output. The peephole weight is always (i, o, f).
  const bool iofg = o.layout == LstmWeightLayout::kIofg;
  const size_t i_off = 0;
  const size_t o_off = iofg ? H : 3 * H;
  const size_t f_off = iofg ? 2 * H : H;
  const size_t g_off = iofg ? 3 * H : 2 * H;
  for (size_t j = 0; j < H; ++j) {
    // Peepholes multiply the incoming cell state c (the spec's emulation uses cellState for
    // all three gates).
    const double pi = p.peephole ? p.peephole[j] * c[j] : 0.0;
    const double po = p.peephole ? p.peephole[H + j] * c[j] : 0.0;
    const double pf = p.peephole ? p.peephole[2 * H + j] * c[j] : 0.0;
    const double i = Activate(o.gate_activation, GatePreActivation(p, s, i_off + j, x, h) + pi);
    const double f = Activate(o.gate_activation, GatePreActivation(p, s, f_off + j, x, h) + pf);
    const double g = Activate(o.cell_activation, GatePreActivation(p, s, g_off + j, x, h));
    const double out = Activate(o.gate_activation, GatePreActivation(p, s, o_off + j, x, h) + po);
    // c' = f * c + i * g;  h' = o * act(c')
    c_out[j] = RoundTo(type, f * c[j] + i * g);
    h_out[j] = RoundTo(type, out * Activate(o.state_activation, c_out[j]));
  }
}

// Inputs: input, weight, recurrentWeight, bias, recurrentBias, peepholeWeight,
// initialHiddenState, initialCellState. Outputs: the last hidden and cell states
// [numDirections, batch, hidden] and, when `sequence` is given, every step's hidden state
// [steps, numDirections, batch, hidden].
Status RunLstm(const RunShape& s, const LstmOptions& o, const ConstTensor& input,
               const ConstTensor& weight, const ConstTensor& recurrent_weight,
               const ConstTensor& bias, const ConstTensor& recurrent_bias,
               const ConstTensor& peephole, const ConstTensor& initial_hidden,
               const ConstTensor& initial_cell, const MutableTensor& output_hidden,
               const MutableTensor& output_cell, const MutableTensor* sequence) {
  const DataType type = input.desc->dataType;
  const std::vector<double> x = LoadAll(input);
  const std::vector<double> w = LoadAll(weight);
  const std::vector<double> rw = LoadAll(recurrent_weight);
  const std::vector<double> b = LoadAll(bias);
  const std::vector<double> rb = LoadAll(recurrent_bias);
  const std::vector<double> pw = LoadAll(peephole);
  const size_t state_size = s.num_directions * s.batch * s.hidden;
  std::vector<double> h =
      initial_hidden.present() ? LoadAll(initial_hidden) : std::vector<double>(state_size, 0.0);
  std::vector<double> c =
      initial_cell.present() ? LoadAll(initial_cell) : std::vector<double>(state_size, 0.0);
  std::vector<double> h_next(s.hidden);
  std::vector<double> c_next(s.hidden);
  for (size_t dir = 0; dir < s.num_directions; ++dir) {
    const CellParams p = ParamsForDirection(s, /*gates=*/4, dir, w, rw, b, rb, pw);
    for (size_t step = 0; step < s.steps; ++step) {
      const size_t t = TimeIndex(s, dir, step);
      for (size_t n = 0; n < s.batch; ++n) {
        const size_t state_base = (dir * s.batch + n) * s.hidden;
        const double* x_row = x.data() + (t * s.batch + n) * s.input_size;
        LstmCellRow(p, s, o, type, x_row, h.data() + state_base, c.data() + state_base,
                    h_next.data(), c_next.data());
        for (size_t j = 0; j < s.hidden; ++j) {
          h[state_base + j] = h_next[j];
          c[state_base + j] = c_next[j];
        }
        if (sequence) {
          const size_t base = ((t * s.num_directions + dir) * s.batch + n) * s.hidden;
          for (size_t j = 0; j < s.hidden; ++j) {
            StoreFromDouble(type, sequence->data, base + j, h_next[j]);
          }
        }
      }
    }
  }
  for (size_t i = 0; i < state_size; ++i) {
    StoreFromDouble(type, output_hidden.data, i, h[i]);
    StoreFromDouble(type, output_cell.data, i, c[i]);
  }
  return {};
}

// The validated activation list or the default. The validators check the count; a kernel
// called with unvalidated attributes gets an error rather than an out-of-bounds read.
Result<ActivationList> Activations(const std::optional<ActivationList>& given,
                                   ActivationList defaults, std::string_view op) {
  if (!given) return defaults;
  if (given->size() != defaults.size()) {
    return MakeError(ErrorCode::kOperationError, op, ": expected ", defaults.size(),
                     " activations, got ", given->size());
  }
  return *given;
}

Status CheckOutputCount(const KernelArgs& args, size_t expected, std::string_view op) {
  if (args.outputs.size() != expected) {
    return MakeError(ErrorCode::kOperationError, op, ": expected ", expected, " outputs, got ",
                     args.outputs.size());
  }
  return {};
}

}  // namespace

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-gru
Status ComputeGru(const KernelArgs& args, const GruAttrs& a) {
  WEBNN_RETURN_IF_ERROR(CheckOutputCount(args, a.returnSequence ? 2 : 1, "gru"));
  WEBNN_ASSIGN_OR_RETURN(ActivationList act, Activations(a.activations,
                                                         {RecurrentNetworkActivation::kSigmoid,
                                                          RecurrentNetworkActivation::kTanh},
                                                         "gru"));
  const auto& in = args.inputs;
  const std::vector<uint32_t>& shape = in[0].desc->shape;  // [steps, batch, inputSize]
  RunShape s;
  s.steps = shape[0];
  s.batch = shape[1];
  s.input_size = shape[2];
  s.hidden = a.hiddenSize;
  s.direction = a.direction;
  s.num_directions = a.direction == RecurrentNetworkDirection::kBoth ? 2 : 1;
  const GruOptions o{a.resetAfter, a.layout, act[0], act[1]};
  return RunGru(s, o, in[0], in[1], in[2], in[3], in[4], in[5], args.outputs[0],
                a.returnSequence ? &args.outputs[1] : nullptr);
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-grucell
Status ComputeGruCell(const KernelArgs& args, const GruCellAttrs& a) {
  WEBNN_RETURN_IF_ERROR(CheckOutputCount(args, 1, "gruCell"));
  WEBNN_ASSIGN_OR_RETURN(ActivationList act, Activations(a.activations,
                                                         {RecurrentNetworkActivation::kSigmoid,
                                                          RecurrentNetworkActivation::kTanh},
                                                         "gruCell"));
  const auto& in = args.inputs;
  const std::vector<uint32_t>& shape = in[0].desc->shape;  // [batch, inputSize]
  RunShape s;
  s.batch = shape[0];
  s.input_size = shape[1];
  s.hidden = a.hiddenSize;
  const GruOptions o{a.resetAfter, a.layout, act[0], act[1]};
  // Slots: input, weight, recurrentWeight, hiddenState, bias, recurrentBias.
  return RunGru(s, o, in[0], in[1], in[2], in[4], in[5], /*initial_hidden=*/in[3], args.outputs[0],
                /*sequence=*/nullptr);
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-lstm
Status ComputeLstm(const KernelArgs& args, const LstmAttrs& a) {
  WEBNN_RETURN_IF_ERROR(CheckOutputCount(args, a.returnSequence ? 3 : 2, "lstm"));
  WEBNN_ASSIGN_OR_RETURN(ActivationList act, Activations(a.activations,
                                                         {RecurrentNetworkActivation::kSigmoid,
                                                          RecurrentNetworkActivation::kTanh,
                                                          RecurrentNetworkActivation::kTanh},
                                                         "lstm"));
  const auto& in = args.inputs;
  const std::vector<uint32_t>& shape = in[0].desc->shape;  // [steps, batch, inputSize]
  RunShape s;
  s.steps = shape[0];
  s.batch = shape[1];
  s.input_size = shape[2];
  s.hidden = a.hiddenSize;
  s.direction = a.direction;
  s.num_directions = a.direction == RecurrentNetworkDirection::kBoth ? 2 : 1;
  const LstmOptions o{a.layout, act[0], act[1], act[2]};
  return RunLstm(s, o, in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7], args.outputs[0],
                 args.outputs[1], a.returnSequence ? &args.outputs[2] : nullptr);
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-lstmcell
Status ComputeLstmCell(const KernelArgs& args, const LstmCellAttrs& a) {
  WEBNN_RETURN_IF_ERROR(CheckOutputCount(args, 2, "lstmCell"));
  WEBNN_ASSIGN_OR_RETURN(ActivationList act, Activations(a.activations,
                                                         {RecurrentNetworkActivation::kSigmoid,
                                                          RecurrentNetworkActivation::kTanh,
                                                          RecurrentNetworkActivation::kTanh},
                                                         "lstmCell"));
  const auto& in = args.inputs;
  const std::vector<uint32_t>& shape = in[0].desc->shape;  // [batch, inputSize]
  RunShape s;
  s.batch = shape[0];
  s.input_size = shape[1];
  s.hidden = a.hiddenSize;
  const LstmOptions o{a.layout, act[0], act[1], act[2]};
  // Slots: input, weight, recurrentWeight, hiddenState, cellState, bias, recurrentBias,
  // peepholeWeight.
  return RunLstm(s, o, in[0], in[1], in[2], in[5], in[6], in[7], /*initial_hidden=*/in[3],
                 /*initial_cell=*/in[4], args.outputs[0], args.outputs[1],
                 /*sequence=*/nullptr);
}

}  // namespace webnn::reference
