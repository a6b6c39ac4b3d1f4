// The ONNX export of gru, gruCell, lstm and lstmCell (onnx_export_recurrent.h).
#include "format/onnx/onnx_export_recurrent.h"

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace webnn::format::onnx_export {

namespace {

// One direction's parameters: weights transposed for x W^T as MatMul(x, Wt).
struct CellParams {
  std::string wt, rt;  // [inputSize, gates * hidden], [hidden, gates * hidden]
  std::string bias, recurrent_bias, peephole;  // [gates * hidden], [3 * hidden]; "" if absent
};
struct CellState {
  std::string h, c;  // [batch, hidden]; c for LSTM only
};

// The operand slots of a recurrent op after input, weight (1) and recurrentWeight (2); -1 for
// one the op does not have.
struct Slots {
  int bias, recurrent_bias, peephole, hidden, cell_state;
};

bool Given(const OpValues& v, int slot) { return slot >= 0 && v.Has(static_cast<size_t>(slot)); }

std::string Activation(GraphWriter& w, RecurrentNetworkActivation f, const std::string& x) {
  switch (f) {
    case RecurrentNetworkActivation::kRelu:
      return w.Apply("Relu", {x});
    case RecurrentNetworkActivation::kSigmoid:
      return w.Apply("Sigmoid", {x});
    case RecurrentNetworkActivation::kTanh:
      break;
  }
  return w.Apply("Tanh", {x});
}

// x W^T + bias and h R^T + recurrentBias for all gates at once: [batch, gates * hidden].
std::pair<std::string, std::string> GateProducts(GraphWriter& w, const CellParams& p,
                                                 const std::string& x, const std::string& h) {
  std::string xw = w.Apply("MatMul", {x, p.wt}), hr = w.Apply("MatMul", {h, p.rt});
  if (!p.bias.empty()) xw = w.Apply("Add", {xw, p.bias});
  if (!p.recurrent_bias.empty()) hr = w.Apply("Add", {hr, p.recurrent_bias});
  return {xw, hr};
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-grucell (the emulation's steps).
std::string GruStep(GraphWriter& w, const CellParams& p, const GruCellAttrs& a,
                    const ActivationList& act, DataType type, const std::string& x,
                    const std::string& h) {
  const int64_t hs = a.hiddenSize;
  // Named copies, not a structured binding: clang 14 cannot capture a binding in a lambda.
  const auto products = GateProducts(w, p, x, h);
  const std::string& xw = products.first;
  const std::string& hr = products.second;
  const int64_t z_off = a.layout == GruWeightLayout::kZrn ? 0 : hs;
  const int64_t r_off = a.layout == GruWeightLayout::kZrn ? hs : 0;
  const int64_t n_off = 2 * hs;
  auto gate = [&](int64_t off) {
    return w.Apply("Add", {w.SliceAxis(xw, 1, off, off + hs), w.SliceAxis(hr, 1, off, off + hs)});
  };
  const std::string z = Activation(w, act[0], gate(z_off));
  const std::string r = Activation(w, act[0], gate(r_off));
  std::string recurrent_n;
  if (a.resetAfter) {
    recurrent_n = w.Apply("Mul", {r, w.SliceAxis(hr, 1, n_off, n_off + hs)});
  } else {
    recurrent_n =
        w.Apply("MatMul", {w.Apply("Mul", {r, h}), w.SliceAxis(p.rt, 1, n_off, n_off + hs)});
    if (!p.recurrent_bias.empty()) {
      recurrent_n =
          w.Apply("Add", {recurrent_n, w.SliceAxis(p.recurrent_bias, 0, n_off, n_off + hs)});
    }
  }
  const std::string n =
      Activation(w, act[1], w.Apply("Add", {w.SliceAxis(xw, 1, n_off, n_off + hs), recurrent_n}));
  // h' = z * h + (1 - z) * n
  const std::string one = w.Filled({type, {}}, 1.f);
  return w.Apply("Add", {w.Apply("Mul", {z, h}), w.Apply("Mul", {w.Apply("Sub", {one, z}), n})});
}

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-lstmcell (the emulation's steps; the
// peepholes (i, o, f) multiply the incoming cell state).
CellState LstmStep(GraphWriter& w, const CellParams& p, const LstmCellAttrs& a,
                   const ActivationList& act, const std::string& x, const CellState& s) {
  const int64_t hs = a.hiddenSize;
  const auto products = GateProducts(w, p, x, s.h);
  const std::string& xw = products.first;
  const std::string& hr = products.second;
  const bool iofg = a.layout == LstmWeightLayout::kIofg;
  const int64_t i_off = 0, o_off = iofg ? hs : 3 * hs, f_off = iofg ? 2 * hs : hs,
                g_off = iofg ? 3 * hs : 2 * hs;
  auto gate = [&](int64_t off, int peephole) {
    std::string v =
        w.Apply("Add", {w.SliceAxis(xw, 1, off, off + hs), w.SliceAxis(hr, 1, off, off + hs)});
    if (peephole >= 0 && !p.peephole.empty()) {
      const std::string pw = w.SliceAxis(p.peephole, 0, peephole * hs, (peephole + 1) * hs);
      v = w.Apply("Add", {v, w.Apply("Mul", {pw, s.c})});
    }
    return v;
  };
  const std::string i = Activation(w, act[0], gate(i_off, 0));
  const std::string f = Activation(w, act[0], gate(f_off, 2));
  const std::string g = Activation(w, act[1], gate(g_off, -1));
  const std::string o = Activation(w, act[0], gate(o_off, 1));
  CellState next;
  next.c = w.Apply("Add", {w.Apply("Mul", {f, s.c}), w.Apply("Mul", {i, g})});
  next.h = w.Apply("Mul", {o, Activation(w, act[2], next.c)});
  return next;
}

// Operand `slot` of op for direction `dir`: the [dir] slice of a sequence op's
// [numDirections, ...] operand, or a cell op's operand itself; "" when absent.
std::string PerDirection(GraphWriter& w, const OpValues& v, int slot, bool cell, int64_t dir) {
  if (!Given(v, slot)) return "";
  if (cell) return v.In(slot);
  auto* n = w.Node("Gather", {v.In(slot), w.ConstI64({dir}, /*scalar=*/true)}, {w.Temp()});
  GraphWriter::Attr(n, "axis", int64_t{0});
  return n->output(0);
}

// The gate blocks (of `hidden` rows each, along axis 1) of x put in `order`.
std::string Reordered(GraphWriter& w, const std::string& x, int64_t hidden,
                      const std::vector<int64_t>& order) {
  bool in_order = true;
  for (size_t i = 0; i < order.size(); ++i) in_order &= order[i] == static_cast<int64_t>(i);
  if (in_order) return x;
  std::vector<std::string> blocks;
  for (int64_t b : order) blocks.push_back(w.SliceAxis(x, 1, b * hidden, (b + 1) * hidden));
  auto* n = w.Node("Concat", blocks, {w.Temp()});
  GraphWriter::Attr(n, "axis", int64_t{1});
  return n->output(0);
}

// What a sequence op needs besides its operands.
struct SequenceAttrs {
  uint32_t hidden = 0;
  RecurrentNetworkDirection direction = RecurrentNetworkDirection::kForward;
  bool return_sequence = false;
  bool reset_after = true;     // GRU
  std::vector<int64_t> order;  // the gate blocks in ONNX's order (zrh, iofc)
  ActivationList activations;
};

// gru, and lstm without peepholes, as ONNX's GRU/LSTM node: the same equations (GRU's
// linear_before_reset is WebNN's resetAfter; LSTM's output-gate peephole, which reads the new
// cell state in ONNX, is the one difference, so an lstm with peepholes is unrolled instead).
// Gate blocks are reordered to zrh / iofc; bias and recurrentBias become ONNX's B = [Wb, Rb].
void ExportSequenceNode(GraphWriter& w, const OpValues& v, bool lstm, const Slots& slots,
                        const SequenceAttrs& a) {
  const int64_t hidden = a.hidden;
  const int64_t dirs = a.direction == RecurrentNetworkDirection::kBoth ? 2 : 1;
  std::string bias;
  if (Given(v, slots.bias) || Given(v, slots.recurrent_bias)) {
    const OperandDescriptor zeros{v.InDesc(0).dataType,
                                  {static_cast<uint32_t>(dirs), a.hidden * (lstm ? 4u : 3u)}};
    auto part = [&](int slot) {
      return Given(v, slot) ? Reordered(w, v.In(slot), hidden, a.order) : w.Filled(zeros, 0.f);
    };
    auto* n = w.Node("Concat", {part(slots.bias), part(slots.recurrent_bias)}, {w.Temp()});
    GraphWriter::Attr(n, "axis", int64_t{1});
    bias = n->output(0);
  }
  std::vector<std::string> inputs = {v.In(0),
                                     Reordered(w, v.In(1), hidden, a.order),
                                     Reordered(w, v.In(2), hidden, a.order),
                                     bias,
                                     /*sequence_lens=*/"",
                                     Given(v, slots.hidden) ? v.In(slots.hidden) : ""};
  if (lstm) inputs.push_back(Given(v, slots.cell_state) ? v.In(slots.cell_state) : "");
  // Outputs: Y (every step), Y_h, and Y_c for LSTM; WebNN's are [h, (c,) sequence].
  std::vector<std::string> outputs = {a.return_sequence ? v.Out(lstm ? 2 : 1) : "", v.Out(0)};
  if (lstm) outputs.push_back(v.Out(1));
  auto* n = w.Node(lstm ? "LSTM" : "GRU", inputs, outputs);
  GraphWriter::Attr(n, "hidden_size", hidden);
  GraphWriter::Attr(n, "direction",
                    std::string(a.direction == RecurrentNetworkDirection::kBoth ? "bidirectional"
                                : a.direction == RecurrentNetworkDirection::kBackward ? "reverse"
                                                                                      : "forward"));
  std::vector<std::string> activations;
  for (int64_t d = 0; d < dirs; ++d) {
    for (RecurrentNetworkActivation f : a.activations) {
      activations.emplace_back(f == RecurrentNetworkActivation::kRelu      ? "Relu"
                               : f == RecurrentNetworkActivation::kSigmoid ? "Sigmoid"
                                                                           : "Tanh");
    }
  }
  GraphWriter::Attr(n, "activations", activations);
  if (!lstm) GraphWriter::Attr(n, "linear_before_reset", int64_t{a.reset_after ? 1 : 0});
}

}  // namespace

Status ExportRecurrent(GraphWriter& w, const OpValues& v) {
  const bool lstm = v.op.kind == OpKind::kLstm || v.op.kind == OpKind::kLstmCell;
  const bool cell = v.op.kind == OpKind::kGruCell || v.op.kind == OpKind::kLstmCell;
  const DataType type = v.InDesc(0).dataType;
  Slots slots{};
  uint32_t steps = 1, hidden = 0;
  bool return_sequence = false;
  RecurrentNetworkDirection direction = RecurrentNetworkDirection::kForward;
  GruCellAttrs gru;
  LstmCellAttrs lstm_attrs;
  ActivationList act;
  const ActivationList gru_default = {RecurrentNetworkActivation::kSigmoid,
                                      RecurrentNetworkActivation::kTanh};
  const ActivationList lstm_default = {RecurrentNetworkActivation::kSigmoid,
                                       RecurrentNetworkActivation::kTanh,
                                       RecurrentNetworkActivation::kTanh};
  switch (v.op.kind) {
    case OpKind::kGru: {
      const auto& a = std::get<GruAttrs>(v.op.attrs);
      slots = {3, 4, -1, 5, -1};
      steps = a.steps, hidden = a.hiddenSize, return_sequence = a.returnSequence;
      direction = a.direction;
      gru = {a.hiddenSize, a.resetAfter, a.layout, a.activations};
      act = a.activations.value_or(gru_default);
      break;
    }
    case OpKind::kGruCell: {
      gru = std::get<GruCellAttrs>(v.op.attrs);
      slots = {4, 5, -1, 3, -1};
      hidden = gru.hiddenSize;
      act = gru.activations.value_or(gru_default);
      break;
    }
    case OpKind::kLstm: {
      const auto& a = std::get<LstmAttrs>(v.op.attrs);
      slots = {3, 4, 5, 6, 7};
      steps = a.steps, hidden = a.hiddenSize, return_sequence = a.returnSequence;
      direction = a.direction;
      lstm_attrs = {a.hiddenSize, a.layout, a.activations};
      act = a.activations.value_or(lstm_default);
      break;
    }
    default: {
      lstm_attrs = std::get<LstmCellAttrs>(v.op.attrs);
      slots = {5, 6, 7, 3, 4};
      hidden = lstm_attrs.hiddenSize;
      act = lstm_attrs.activations.value_or(lstm_default);
      break;
    }
  }
  if (act.size() != (lstm ? 3u : 2u)) {
    return MakeError(ErrorCode::kNotSupportedError, "expected ", lstm ? 3 : 2, " activations, got ",
                     act.size());
  }
  if (!cell && !(lstm && Given(v, slots.peephole))) {
    SequenceAttrs sequence_attrs{hidden, direction, return_sequence, gru.resetAfter, {}, act};
    if (lstm) {  // ONNX: iofc
      sequence_attrs.order = lstm_attrs.layout == LstmWeightLayout::kIofg
                                 ? std::vector<int64_t>{0, 1, 2, 3}
                                 : std::vector<int64_t>{0, 3, 1, 2};
    } else {  // ONNX: zrh
      sequence_attrs.order = gru.layout == GruWeightLayout::kZrn ? std::vector<int64_t>{0, 1, 2}
                                                                 : std::vector<int64_t>{1, 0, 2};
    }
    ExportSequenceNode(w, v, lstm, slots, sequence_attrs);
    return {};
  }
  const auto& xs = v.InDesc(0).shape;  // [steps, batch, input] or [batch, input]
  const int64_t batch = cell ? xs[0] : xs[1];
  const int64_t dirs = direction == RecurrentNetworkDirection::kBoth ? 2 : 1;
  const OperandDescriptor state_desc{type, {static_cast<uint32_t>(batch), hidden}};
  std::vector<std::string> final_h, final_c;
  // sequence[t][dir]: the hidden state written at input time t.
  std::vector<std::vector<std::string>> sequence(steps, std::vector<std::string>(dirs));
  for (int64_t dir = 0; dir < dirs; ++dir) {
    CellParams p;
    p.wt = w.Transposed(PerDirection(w, v, 1, cell, dir), {1, 0});
    p.rt = w.Transposed(PerDirection(w, v, 2, cell, dir), {1, 0});
    p.bias = PerDirection(w, v, slots.bias, cell, dir);
    p.recurrent_bias = PerDirection(w, v, slots.recurrent_bias, cell, dir);
    p.peephole = PerDirection(w, v, slots.peephole, cell, dir);
    CellState s;
    s.h = PerDirection(w, v, slots.hidden, cell, dir);
    if (s.h.empty()) s.h = w.Filled(state_desc, 0.f);
    if (lstm) {
      s.c = PerDirection(w, v, slots.cell_state, cell, dir);
      if (s.c.empty()) s.c = w.Filled(state_desc, 0.f);
    }
    const bool backward = dir == 1 || direction == RecurrentNetworkDirection::kBackward;
    for (uint32_t step = 0; step < steps; ++step) {
      const uint32_t t = backward ? steps - step - 1 : step;
      std::string x = v.In(0);
      if (!cell) {
        auto* n = w.Node("Gather", {x, w.ConstI64({t}, /*scalar=*/true)}, {w.Temp()});
        GraphWriter::Attr(n, "axis", int64_t{0});
        x = n->output(0);
      }
      if (lstm) {
        s = LstmStep(w, p, lstm_attrs, act, x, s);
      } else {
        s.h = GruStep(w, p, gru, act, type, x, s.h);
      }
      sequence[t][dir] = s.h;
    }
    final_h.push_back(s.h);
    final_c.push_back(s.c);
  }
  if (cell) {
    w.Node("Identity", {final_h[0]}, {v.Out(0)});
    if (lstm) w.Node("Identity", {final_c[0]}, {v.Out(1)});
    return {};
  }
  // [numDirections, batch, hidden] from the directions' [batch, hidden].
  auto stack_directions = [&](const std::vector<std::string>& parts, const std::string& out,
                              std::vector<int64_t> prefix) {
    std::vector<std::string> shaped;
    prefix.insert(prefix.end(), {1, batch, int64_t{hidden}});
    for (const std::string& part : parts) shaped.push_back(w.ReshapedTo(part, prefix));
    GraphWriter::Attr(w.Node("Concat", shaped, {out}), "axis",
                      static_cast<int64_t>(prefix.size() - 3));
  };
  stack_directions(final_h, v.Out(0), {});
  if (lstm) stack_directions(final_c, v.Out(1), {});
  if (return_sequence) {
    std::vector<std::string> per_step;
    for (const auto& dirs_at_t : sequence) {
      per_step.push_back(w.Temp());
      stack_directions(dirs_at_t, per_step.back(), {1});
    }
    GraphWriter::Attr(w.Node("Concat", per_step, {v.Out(lstm ? 2 : 1)}), "axis", int64_t{0});
  }
  return {};
}

}  // namespace webnn::format::onnx_export
