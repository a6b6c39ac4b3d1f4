// Tests of the gru, gruCell, lstm and lstmCell reference kernels: small hand-checked cases for
// each gate formula, layout and activation slot; the sequence ops against a chain of cell ops
// (directions, time order, the sequence output's layout); and cases copied from the W3C
// conformance vectors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "backend/reference/kernels.h"
#include "testing/op_runner.h"
#include "testing/ulp.h"

namespace webnn {
namespace {

using testing::F32;
using testing::RunOp;
using testing::TestTensor;
using testing::UlpDistance;
using Act = RecurrentNetworkActivation;
using Dir = RecurrentNetworkDirection;
using Inputs = std::vector<std::optional<TestTensor>>;

TestTensor T(DataType type, std::vector<uint32_t> shape, const std::vector<double>& values) {
  return TestTensor::Make(type, std::move(shape), values);
}

// Runs the op and returns its outputs (fails the test on an error).
std::vector<TestTensor> RunOk(OpKind kind, const Attrs& attrs, const Inputs& inputs) {
  auto r = RunOp(kind, attrs, inputs);
  EXPECT_TRUE(r.ok()) << r.error().message();
  if (!r.ok()) return {};
  return std::move(r).value();
}

void ExpectTensorNear(const TestTensor& actual, const TestTensor& expected, int64_t ulp,
                      const std::string& what) {
  ASSERT_EQ(actual.desc, expected.desc) << what << ": got " << DescriptorToString(actual.desc);
  const std::vector<double> a = actual.ToDoubles();
  const std::vector<double> e = expected.ToDoubles();
  for (size_t i = 0; i < e.size(); ++i) {
    EXPECT_LE(UlpDistance(expected.desc.dataType, a[i], e[i]), ulp)
        << what << "[" << i << "]: got " << a[i] << ", expected " << e[i];
  }
}

// A conformance case: runs the op and compares every output under the case's ULP tolerance.
void ExpectConformance(const std::string& name, OpKind kind, const Attrs& attrs,
                       const Inputs& inputs, const std::vector<TestTensor>& expected, int64_t ulp) {
  SCOPED_TRACE(name);
  const std::vector<TestTensor> outputs = RunOk(kind, attrs, inputs);
  ASSERT_EQ(outputs.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ExpectTensorNear(outputs[i], expected[i], ulp, "output " + std::to_string(i));
  }
}

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Deterministic values in [-1, 1] on a 1/64 grid (exact in float16 and float32).
std::vector<double> Values(size_t n, uint32_t seed) {
  std::vector<double> v(n);
  uint32_t s = seed * 2654435761u + 12345u;
  for (double& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<double>(static_cast<int>((s >> 16) % 129) - 64) / 64.0;
  }
  return v;
}

std::vector<double> Slice(const std::vector<double>& v, size_t offset, size_t count) {
  return std::vector<double>(v.begin() + offset, v.begin() + offset + count);
}

// ---- gruCell -----------------------------------------------------------------------------

// hiddenSize 2, inputSize 1, relu for both activation slots so the arithmetic is exact:
//   z = [0.5, 0.25], r = [1, 0.5], h = [1, 2], Wn x = [1, 2], Rn = [[1, 1], [0, 1]].
//   resetAfter false: n = Wn x + Rn (r * h) = [1, 2] + Rn [1, 1] = [3, 3]
//   resetAfter true:  n = Wn x + r * (Rn h) = [1, 2] + [1, 0.5] * [3, 2] = [4, 3]
//   h' = z * h + (1 - z) * n
TEST(RecurrentKernel, GruCellResetBeforeAndAfter) {
  GruCellAttrs a;
  a.hiddenSize = 2;
  a.activations = ActivationList{Act::kRelu, Act::kRelu};
  // zrn rows: z0 z1 r0 r1 n0 n1.
  const Inputs in = {F32({1, 1}, {1}),
                     F32({6, 1}, {0.5, 0.25, 1, 0.5, 1, 2}),
                     F32({6, 2}, {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1}),
                     F32({1, 2}, {1, 2}),
                     std::nullopt,
                     std::nullopt};
  a.resetAfter = false;
  auto out = RunOk(OpKind::kGruCell, a, in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].desc, (OperandDescriptor{DataType::kFloat32, {1, 2}}));
  EXPECT_EQ(out[0].ToDoubles(), (std::vector<double>{0.5 * 1 + 0.5 * 3, 0.25 * 2 + 0.75 * 3}));
  a.resetAfter = true;
  out = RunOk(OpKind::kGruCell, a, in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), (std::vector<double>{0.5 * 1 + 0.5 * 4, 0.25 * 2 + 0.75 * 3}));
}

// hiddenSize 1 with the default activations (sigmoid, tanh); the recurrent bias of the new
// gate is inside the reset product only when resetAfter is true.
//   z = sigmoid(0.5 x + h) = sigmoid(1), r = sigmoid(-0.5 x + h) = 0.5, x = 1, h = 0.5
//   resetAfter true:  n = tanh(x + r * (h + 1)) = tanh(1.75)
//   resetAfter false: n = tanh(x + r * h + 1)   = tanh(2.25)
TEST(RecurrentKernel, GruCellDefaultActivationsAndLayouts) {
  const double z = Sigmoid(1.0);
  for (bool reset_after : {true, false}) {
    for (GruWeightLayout layout : {GruWeightLayout::kZrn, GruWeightLayout::kRzn}) {
      SCOPED_TRACE(std::string("resetAfter ") + (reset_after ? "true " : "false ") +
                   std::string(EnumName(layout)));
      GruCellAttrs a;
      a.hiddenSize = 1;
      a.resetAfter = reset_after;
      a.layout = layout;
      const bool zrn = layout == GruWeightLayout::kZrn;
      const Inputs in = {
          F32({1, 1}, {1}),
          F32({3, 1}, zrn ? std::vector<double>{0.5, -0.5, 1} : std::vector<double>{-0.5, 0.5, 1}),
          F32({3, 1}, {1, 1, 1}),
          F32({1, 1}, {0.5}),
          F32({3}, {0, 0, 0}),
          F32({3}, {0, 0, 1})};
      const double n = std::tanh(reset_after ? 1.75 : 2.25);
      auto out = RunOk(OpKind::kGruCell, a, in);
      ASSERT_EQ(out.size(), 1u);
      ExpectTensorNear(out[0], F32({1, 1}, {z * 0.5 + (1 - z) * n}), 1, "output");
    }
  }
}

// The first activation is applied to the update and reset gates, the second to the new gate.
TEST(RecurrentKernel, GruCellActivationSlots) {
  GruCellAttrs a;
  a.hiddenSize = 1;
  a.activations = ActivationList{Act::kTanh, Act::kSigmoid};
  // h = 0 so only the input terms count: z_pre = 0.75, r_pre = 0.5, n_pre = -1.5.
  const Inputs in = {F32({1, 1}, {1}),       F32({3, 1}, {0.75, 0.5, -1.5}),
                     F32({3, 1}, {1, 1, 1}), F32({1, 1}, {0}),
                     std::nullopt,           std::nullopt};
  const double z = std::tanh(0.75);
  const double n = Sigmoid(-1.5);
  auto out = RunOk(OpKind::kGruCell, a, in);
  ASSERT_EQ(out.size(), 1u);
  ExpectTensorNear(out[0], F32({1, 1}, {(1 - z) * n}), 1, "output");
}

// Batch rows are independent and use their own hidden state.
TEST(RecurrentKernel, GruCellBatchRows) {
  GruCellAttrs a;
  a.hiddenSize = 1;
  a.activations = ActivationList{Act::kRelu, Act::kRelu};
  // z = 0.5 x, r = 1, n = x + h (resetAfter, Rn = 1): h' = 0.5 x h + (1 - 0.5 x)(x + h)
  const Inputs in = {F32({2, 1}, {1, 0.5}),  F32({3, 1}, {0.5, 0, 1}),
                     F32({3, 1}, {0, 0, 1}), F32({2, 1}, {2, 4}),
                     std::nullopt,           F32({3}, {0, 1, 0})};
  auto out = RunOk(OpKind::kGruCell, a, in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ToDoubles(), (std::vector<double>{0.5 * 2 + 0.5 * 3, 0.25 * 4 + 0.75 * 4.5}));
}

// float16 computes like float32 and rounds the result to float16.
TEST(RecurrentKernel, GruCellFloat16MatchesFloat32) {
  GruCellAttrs a;
  a.hiddenSize = 3;
  auto make = [&](DataType t) -> Inputs {
    return {T(t, {2, 4}, Values(8, 1)), T(t, {9, 4}, Values(36, 2)), T(t, {9, 3}, Values(27, 3)),
            T(t, {2, 3}, Values(6, 4)), T(t, {9}, Values(9, 5)),     T(t, {9}, Values(9, 6))};
  };
  auto f32 = RunOk(OpKind::kGruCell, a, make(DataType::kFloat32));
  auto f16 = RunOk(OpKind::kGruCell, a, make(DataType::kFloat16));
  ASSERT_EQ(f32.size(), 1u);
  ASSERT_EQ(f16.size(), 1u);
  EXPECT_EQ(f16[0].desc.dataType, DataType::kFloat16);
  TestTensor expected = T(DataType::kFloat16, {2, 3}, f32[0].ToDoubles());
  ExpectTensorNear(f16[0], expected, 1, "float16 output");
}

// ---- lstmCell ----------------------------------------------------------------------------

// hiddenSize 1, relu everywhere (exact): x = 1, h = 1, c = 2, peephole (i, o, f) =
// (0.25, 0.5, 0.125) multiplying the incoming cell state c.
//   i = 0.5 x + 0.5 h + 0.25 (recurrentBias) + 0.25 c = 1.75
//   o = 0.25 x + 0.5 h + 0.5 c                          = 1.75
//   f = 0.5 x + 0.125 c                                 = 0.75
//   g = x + h + 0.5 (bias)                              = 2.5
//   c' = f c + i g = 5.875;  h' = o relu(c') = 10.28125
TEST(RecurrentKernel, LstmCellPeepholeAndLayouts) {
  for (LstmWeightLayout layout : {LstmWeightLayout::kIofg, LstmWeightLayout::kIfgo}) {
    SCOPED_TRACE(std::string(EnumName(layout)));
    LstmCellAttrs a;
    a.hiddenSize = 1;
    a.layout = layout;
    a.activations = ActivationList{Act::kRelu, Act::kRelu, Act::kRelu};
    const bool iofg = layout == LstmWeightLayout::kIofg;
    // Gate values listed as (i, o, f, g), reordered for ifgo to (i, f, g, o).
    auto rows = [&](double i, double o, double f, double g) {
      return iofg ? std::vector<double>{i, o, f, g} : std::vector<double>{i, f, g, o};
    };
    const Inputs in = {F32({1, 1}, {1}),
                       F32({4, 1}, rows(0.5, 0.25, 0.5, 1)),
                       F32({4, 1}, rows(0.5, 0.5, 0, 1)),
                       F32({1, 1}, {1}),
                       F32({1, 1}, {2}),
                       F32({4}, rows(0, 0, 0, 0.5)),
                       F32({4}, rows(0.25, 0, 0, 0)),
                       F32({3}, {0.25, 0.5, 0.125})};
    auto out = RunOk(OpKind::kLstmCell, a, in);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].desc, (OperandDescriptor{DataType::kFloat32, {1, 1}}));
    EXPECT_EQ(out[1].desc, (OperandDescriptor{DataType::kFloat32, {1, 1}}));
    EXPECT_EQ(out[0].ToDoubles(), (std::vector<double>{10.28125}));
    EXPECT_EQ(out[1].ToDoubles(), (std::vector<double>{5.875}));
  }
}

// Default activations (sigmoid, tanh, tanh), h = c = 0, every weight 1, x = 1.
TEST(RecurrentKernel, LstmCellDefaultActivations) {
  LstmCellAttrs a;
  a.hiddenSize = 1;
  const Inputs in = {F32({1, 1}, {1}),
                     F32({4, 1}, {1, 1, 1, 1}),
                     F32({4, 1}, {1, 1, 1, 1}),
                     F32({1, 1}, {0}),
                     F32({1, 1}, {0}),
                     std::nullopt,
                     std::nullopt,
                     std::nullopt};
  const double c = Sigmoid(1) * std::tanh(1);
  const double h = Sigmoid(1) * std::tanh(c);
  auto out = RunOk(OpKind::kLstmCell, a, in);
  ASSERT_EQ(out.size(), 2u);
  ExpectTensorNear(out[0], F32({1, 1}, {h}), 1, "hidden");
  ExpectTensorNear(out[1], F32({1, 1}, {c}), 1, "cell");
}

// activations[0] for i/f/o, [1] for the cell gate g, [2] on the new cell state.
TEST(RecurrentKernel, LstmCellActivationSlots) {
  LstmCellAttrs a;
  a.hiddenSize = 1;
  a.activations = ActivationList{Act::kSigmoid, Act::kRelu, Act::kTanh};
  // iofg input weights (0.5, -0.5, 0.25, 2), x = 1, h = 0, c = 1.
  const Inputs in = {F32({1, 1}, {1}),
                     F32({4, 1}, {0.5, -0.5, 0.25, 2}),
                     F32({4, 1}, {1, 1, 1, 1}),
                     F32({1, 1}, {0}),
                     F32({1, 1}, {1}),
                     std::nullopt,
                     std::nullopt,
                     std::nullopt};
  const double i = Sigmoid(0.5), o = Sigmoid(-0.5), f = Sigmoid(0.25), g = 2.0;
  const double c = f * 1 + i * g;
  const double h = o * std::tanh(c);
  auto out = RunOk(OpKind::kLstmCell, a, in);
  ASSERT_EQ(out.size(), 2u);
  ExpectTensorNear(out[0], F32({1, 1}, {h}), 1, "hidden");
  ExpectTensorNear(out[1], F32({1, 1}, {c}), 1, "cell");
}

// ---- gru / lstm against chains of cells ----------------------------------------------------

// Runs gru, then the same computation as gruCell calls per direction and time step (the spec's
// emulation), and compares the final state and the sequence exactly.
void CheckGruAgainstCells(Dir direction, bool with_options, DataType type) {
  const uint32_t steps = 3, batch = 2, input_size = 3, hidden = 2;
  const uint32_t dirs = direction == Dir::kBoth ? 2 : 1;
  const uint32_t rows = 3 * hidden;
  const auto x = Values(steps * batch * input_size, 11);
  const auto w = Values(dirs * rows * input_size, 12);
  const auto rw = Values(dirs * rows * hidden, 13);
  const auto b = Values(dirs * rows, 14);
  const auto rb = Values(dirs * rows, 15);
  const auto h0 = Values(dirs * batch * hidden, 16);
  GruAttrs a;
  a.steps = steps;
  a.hiddenSize = hidden;
  a.direction = direction;
  a.returnSequence = true;
  a.resetAfter = !with_options;
  if (with_options) {
    a.layout = GruWeightLayout::kRzn;
    a.activations = ActivationList{Act::kSigmoid, Act::kRelu};
  }
  auto opt = [&](TestTensor t) {
    return with_options ? std::optional<TestTensor>(t) : std::nullopt;
  };
  auto out = RunOk(OpKind::kGru, a,
                   {T(type, {steps, batch, input_size}, x), T(type, {dirs, rows, input_size}, w),
                    T(type, {dirs, rows, hidden}, rw), opt(T(type, {dirs, rows}, b)),
                    opt(T(type, {dirs, rows}, rb)), opt(T(type, {dirs, batch, hidden}, h0))});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].desc, (OperandDescriptor{type, {dirs, batch, hidden}}));
  EXPECT_EQ(out[1].desc, (OperandDescriptor{type, {steps, dirs, batch, hidden}}));
  const std::vector<double> last = out[0].ToDoubles();
  const std::vector<double> seq = out[1].ToDoubles();

  GruCellAttrs ca;
  ca.hiddenSize = hidden;
  ca.resetAfter = a.resetAfter;
  ca.layout = a.layout;
  ca.activations = a.activations;
  for (uint32_t dir = 0; dir < dirs; ++dir) {
    std::vector<double> h = with_options ? Slice(h0, dir * batch * hidden, batch * hidden)
                                         : std::vector<double>(batch * hidden, 0.0);
    for (uint32_t step = 0; step < steps; ++step) {
      const bool backward = dir == 1 || direction == Dir::kBackward;
      const uint32_t t = backward ? steps - 1 - step : step;
      auto cell =
          RunOk(OpKind::kGruCell, ca,
                {T(type, {batch, input_size}, Slice(x, t * batch * input_size, batch * input_size)),
                 T(type, {rows, input_size}, Slice(w, dir * rows * input_size, rows * input_size)),
                 T(type, {rows, hidden}, Slice(rw, dir * rows * hidden, rows * hidden)),
                 T(type, {batch, hidden}, h), opt(T(type, {rows}, Slice(b, dir * rows, rows))),
                 opt(T(type, {rows}, Slice(rb, dir * rows, rows)))});
      ASSERT_EQ(cell.size(), 1u);
      h = cell[0].ToDoubles();
      EXPECT_EQ(Slice(seq, (t * dirs + dir) * batch * hidden, batch * hidden), h)
          << "sequence at time " << t << ", direction " << dir;
    }
    EXPECT_EQ(Slice(last, dir * batch * hidden, batch * hidden), h) << "direction " << dir;
  }
}

TEST(RecurrentKernel, GruMatchesChainedGruCells) {
  for (Dir d : {Dir::kForward, Dir::kBackward, Dir::kBoth}) {
    for (bool with_options : {false, true}) {
      for (DataType type : {DataType::kFloat32, DataType::kFloat16}) {
        SCOPED_TRACE(std::string(EnumName(d)) + (with_options ? " with options " : " ") +
                     std::string(DataTypeName(type)));
        CheckGruAgainstCells(d, with_options, type);
      }
    }
  }
}

void CheckLstmAgainstCells(Dir direction, bool with_options, DataType type) {
  const uint32_t steps = 3, batch = 2, input_size = 3, hidden = 2;
  const uint32_t dirs = direction == Dir::kBoth ? 2 : 1;
  const uint32_t rows = 4 * hidden;
  const auto x = Values(steps * batch * input_size, 21);
  const auto w = Values(dirs * rows * input_size, 22);
  const auto rw = Values(dirs * rows * hidden, 23);
  const auto b = Values(dirs * rows, 24);
  const auto rb = Values(dirs * rows, 25);
  const auto pw = Values(dirs * 3 * hidden, 26);
  const auto h0 = Values(dirs * batch * hidden, 27);
  const auto c0 = Values(dirs * batch * hidden, 28);
  LstmAttrs a;
  a.steps = steps;
  a.hiddenSize = hidden;
  a.direction = direction;
  a.returnSequence = true;
  if (with_options) {
    a.layout = LstmWeightLayout::kIfgo;
    a.activations = ActivationList{Act::kSigmoid, Act::kTanh, Act::kRelu};
  }
  auto opt = [&](TestTensor t) {
    return with_options ? std::optional<TestTensor>(t) : std::nullopt;
  };
  auto out =
      RunOk(OpKind::kLstm, a,
            {T(type, {steps, batch, input_size}, x), T(type, {dirs, rows, input_size}, w),
             T(type, {dirs, rows, hidden}, rw), opt(T(type, {dirs, rows}, b)),
             opt(T(type, {dirs, rows}, rb)), opt(T(type, {dirs, 3 * hidden}, pw)),
             opt(T(type, {dirs, batch, hidden}, h0)), opt(T(type, {dirs, batch, hidden}, c0))});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].desc, (OperandDescriptor{type, {dirs, batch, hidden}}));
  EXPECT_EQ(out[1].desc, (OperandDescriptor{type, {dirs, batch, hidden}}));
  EXPECT_EQ(out[2].desc, (OperandDescriptor{type, {steps, dirs, batch, hidden}}));
  const std::vector<double> last_h = out[0].ToDoubles();
  const std::vector<double> last_c = out[1].ToDoubles();
  const std::vector<double> seq = out[2].ToDoubles();

  LstmCellAttrs ca;
  ca.hiddenSize = hidden;
  ca.layout = a.layout;
  ca.activations = a.activations;
  const uint32_t state = batch * hidden;
  for (uint32_t dir = 0; dir < dirs; ++dir) {
    std::vector<double> h =
        with_options ? Slice(h0, dir * state, state) : std::vector<double>(state, 0.0);
    std::vector<double> c =
        with_options ? Slice(c0, dir * state, state) : std::vector<double>(state, 0.0);
    for (uint32_t step = 0; step < steps; ++step) {
      const bool backward = dir == 1 || direction == Dir::kBackward;
      const uint32_t t = backward ? steps - 1 - step : step;
      auto cell =
          RunOk(OpKind::kLstmCell, ca,
                {T(type, {batch, input_size}, Slice(x, t * batch * input_size, batch * input_size)),
                 T(type, {rows, input_size}, Slice(w, dir * rows * input_size, rows * input_size)),
                 T(type, {rows, hidden}, Slice(rw, dir * rows * hidden, rows * hidden)),
                 T(type, {batch, hidden}, h), T(type, {batch, hidden}, c),
                 opt(T(type, {rows}, Slice(b, dir * rows, rows))),
                 opt(T(type, {rows}, Slice(rb, dir * rows, rows))),
                 opt(T(type, {3 * hidden}, Slice(pw, dir * 3 * hidden, 3 * hidden)))});
      ASSERT_EQ(cell.size(), 2u);
      h = cell[0].ToDoubles();
      c = cell[1].ToDoubles();
      EXPECT_EQ(Slice(seq, (t * dirs + dir) * state, state), h)
          << "sequence at time " << t << ", direction " << dir;
    }
    EXPECT_EQ(Slice(last_h, dir * state, state), h) << "direction " << dir;
    EXPECT_EQ(Slice(last_c, dir * state, state), c) << "direction " << dir;
  }
}

TEST(RecurrentKernel, LstmMatchesChainedLstmCells) {
  for (Dir d : {Dir::kForward, Dir::kBackward, Dir::kBoth}) {
    for (bool with_options : {false, true}) {
      for (DataType type : {DataType::kFloat32, DataType::kFloat16}) {
        SCOPED_TRACE(std::string(EnumName(d)) + (with_options ? " with options " : " ") +
                     std::string(DataTypeName(type)));
        CheckLstmAgainstCells(d, with_options, type);
      }
    }
  }
}

// The sequence output is indexed by input time, whatever the processing order: with relu,
// zero recurrent weights and zero biases, each step's output depends only on its own input.
// gru: z = 0, n = x (one unit, W = (0, 0, 1)), so h' = n = x at every time step.
TEST(RecurrentKernel, GruSequenceIsIndexedByInputTime) {
  GruAttrs a;
  a.steps = 3;
  a.hiddenSize = 1;
  a.direction = Dir::kBoth;
  a.returnSequence = true;
  a.activations = ActivationList{Act::kRelu, Act::kRelu};
  auto out = RunOk(OpKind::kGru, a,
                   {F32({3, 1, 1}, {1, 2, 3}), F32({2, 3, 1}, {0, 0, 1, 0, 0, 2}),
                    F32({2, 3, 1}, {0, 0, 0, 0, 0, 0}), std::nullopt, std::nullopt, std::nullopt});
  ASSERT_EQ(out.size(), 2u);
  // Forward ends at time 2 (x = 3); backward (weights doubled) ends at time 0 (x = 1).
  EXPECT_EQ(out[0].ToDoubles(), (std::vector<double>{3, 2}));
  // [steps, numDirections, batch, hidden]
  EXPECT_EQ(out[1].ToDoubles(), (std::vector<double>{1, 2, 2, 4, 3, 6}));
}

// Kernels called without validation reject an activation list of the wrong length instead of
// reading past it.
TEST(RecurrentKernel, WrongActivationCountIsAnError) {
  OperandDescriptor x{DataType::kFloat32, {1, 1}};
  OperandDescriptor w{DataType::kFloat32, {3, 1}};
  const float zeros[3] = {0, 0, 0};
  const auto* data = reinterpret_cast<const std::byte*>(zeros);
  const reference::ConstTensor ins[] = {{&x, data}, {&w, data}, {&w, data}, {&x, data}, {}, {}};
  float result = 0;
  const reference::MutableTensor outs[] = {{&x, reinterpret_cast<std::byte*>(&result)}};
  GruCellAttrs a;
  a.hiddenSize = 1;
  a.activations = ActivationList{Act::kRelu};
  Status s = reference::ComputeOperation(OpKind::kGruCell, a, {ins, outs});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("activations"), std::string::npos) << s.error().message();
}

// ---- Conformance cases -------------------------------------------------------------------
// Copied from the W3C web-platform-tests WebNN conformance tests
// (webnn/conformance_tests/{gru,gru_cell,lstm,lstm_cell}.https.any.js, wpt commit
// 0556bbc4b2a65f5741bbf2a4071bfe3e2387689c), 3-Clause BSD license; via
// /work/shared/conformance/*.json. Every case of those files, with its ULP tolerance.

// wpt: "gru float32 tensors steps=1 with options.bias, options.recurrentBias and
// options.activations=['relu', 'relu'] and reset_after=true"
TEST(RecurrentConformance, Gru00) {
  GruAttrs a;
  a.steps = 1;
  a.hiddenSize = 4;
  a.resetAfter = true;
  a.activations = ActivationList{Act::kRelu, Act::kRelu};
  ExpectConformance(
      "gru float32 tensors steps=1 with options.bias, options.recurrentBias and "
      "options.activations=['relu', 'relu'] and reset_after=true",
      OpKind::kGru, a,
      {T(DataType::kFloat32, {1, 3, 2}, {1, 2, 2, 1, 1, 1}),
       T(DataType::kFloat32, {1, 12, 2}, {1,   -1,   2, -2,  0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,
                                          0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,  0.5, -0.5, 0, 0.1}),
       T(DataType::kFloat32, {1, 12, 4},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}), std::nullopt},
      {T(DataType::kFloat32, {1, 3, 4},
         {0, 0, -0.375, -5.7599992752075195, -6, -22.5, -3.375, -5.114999771118164, -1.5, -4.5,
          -1.5, -5.114999771118164})},
      /*ulp=*/6);
}

// wpt: "gru float32 tensors steps=1 with options.bias, options.recurrentBias,
// options.activations=['relu', 'relu'] and explicit options.direction='forward'"
TEST(RecurrentConformance, Gru01) {
  GruAttrs a;
  a.steps = 1;
  a.hiddenSize = 4;
  a.resetAfter = false;
  a.direction = RecurrentNetworkDirection::kForward;
  a.activations = ActivationList{Act::kRelu, Act::kRelu};
  ExpectConformance(
      "gru float32 tensors steps=1 with options.bias, options.recurrentBias, "
      "options.activations=['relu', 'relu'] and explicit options.direction='forward'",
      OpKind::kGru, a,
      {T(DataType::kFloat32, {1, 3, 2}, {1, 2, 2, 1, 1, 1}),
       T(DataType::kFloat32, {1, 12, 2}, {1,   -1,   2, -2,  0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,
                                          0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,  0.5, -0.5, 0, 0.1}),
       T(DataType::kFloat32, {1, 12, 4},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}), std::nullopt},
      {T(DataType::kFloat32, {1, 3, 4},
         {0, 0, -0.25, -3.84, -4, -15, -2.25, -3.41, -1, -3, -1, -3.41})},
      /*ulp=*/6);
}

// wpt: "gru float32 tensors steps=1 with options.bias, options.recurrentBias,
// options.activations=['relu', 'relu'] and explicit options.layout='zrn'"
TEST(RecurrentConformance, Gru02) {
  GruAttrs a;
  a.steps = 1;
  a.hiddenSize = 4;
  a.resetAfter = false;
  a.layout = GruWeightLayout::kZrn;
  a.activations = ActivationList{Act::kRelu, Act::kRelu};
  ExpectConformance(
      "gru float32 tensors steps=1 with options.bias, options.recurrentBias, "
      "options.activations=['relu', 'relu'] and explicit options.layout='zrn'",
      OpKind::kGru, a,
      {T(DataType::kFloat32, {1, 3, 2}, {1, 2, 2, 1, 1, 1}),
       T(DataType::kFloat32, {1, 12, 2}, {1,   -1,   2, -2,  0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,
                                          0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,  0.5, -0.5, 0, 0.1}),
       T(DataType::kFloat32, {1, 12, 4},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}), std::nullopt},
      {T(DataType::kFloat32, {1, 3, 4},
         {0, 0, -0.25, -3.84, -4, -15, -2.25, -3.41, -1, -3, -1, -3.41})},
      /*ulp=*/6);
}

// wpt: "gru float32 tensors steps=1 with options.bias, options.recurrentBias,
// options.activations=['relu', 'relu'] and options.layout='rzn'"
TEST(RecurrentConformance, Gru03) {
  GruAttrs a;
  a.steps = 1;
  a.hiddenSize = 4;
  a.resetAfter = false;
  a.layout = GruWeightLayout::kRzn;
  a.activations = ActivationList{Act::kRelu, Act::kRelu};
  ExpectConformance(
      "gru float32 tensors steps=1 with options.bias, options.recurrentBias, "
      "options.activations=['relu', 'relu'] and options.layout='rzn'",
      OpKind::kGru, a,
      {T(DataType::kFloat32, {1, 3, 2}, {1, 2, 2, 1, 1, 1}),
       T(DataType::kFloat32, {1, 12, 2}, {1,   -1,   2, -2,  0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,
                                          0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,  0.5, -0.5, 0, 0.1}),
       T(DataType::kFloat32, {1, 12, 4},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 12}, {1, 1, 1, 1, 1, 2, 1, 2, 0.5, 0.5, 0.5, 0.5}),
       T(DataType::kFloat32, {1, 12}, {1, 1, 1, 1, 1, 2, 1, 2, 0.5, 0.5, 0.5, 0.5}), std::nullopt},
      {T(DataType::kFloat32, {1, 3, 4},
         {0, 0, -0.25, -3.84, -4, -15, -2.25, -3.41, -1, -3, -1, -3.41})},
      /*ulp=*/6);
}

// wpt: "gru float32 tensors steps=1 with options.bias, options.recurrentBias,
// options.activations=['relu', 'relu'] and options.initialHiddenState"
TEST(RecurrentConformance, Gru04) {
  GruAttrs a;
  a.steps = 1;
  a.hiddenSize = 4;
  a.resetAfter = false;
  a.activations = ActivationList{Act::kRelu, Act::kRelu};
  ExpectConformance(
      "gru float32 tensors steps=1 with options.bias, options.recurrentBias, "
      "options.activations=['relu', 'relu'] and options.initialHiddenState",
      OpKind::kGru, a,
      {T(DataType::kFloat32, {1, 3, 2}, {1, 2, 2, 1, 1, 1}),
       T(DataType::kFloat32, {1, 12, 2}, {1,   -1,   2, -2,  0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,
                                          0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,  0.5, -0.5, 0, 0.1}),
       T(DataType::kFloat32, {1, 12, 4},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}),
       T(DataType::kFloat32, {1, 3, 4}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})},
      {T(DataType::kFloat32, {1, 3, 4},
         {0, 0, -0.25, -3.84, -4, -15, -2.25, -3.41, -1, -3, -1, -3.41})},
      /*ulp=*/6);
}

// wpt: "gru float32 tensors steps=2 with options.bias, options.recurrentBias,
// options.activations=['relu', 'relu'] and options.direction='backward'"
TEST(RecurrentConformance, Gru05) {
  GruAttrs a;
  a.steps = 2;
  a.hiddenSize = 4;
  a.resetAfter = false;
  a.direction = RecurrentNetworkDirection::kBackward;
  a.activations = ActivationList{Act::kRelu, Act::kRelu};
  ExpectConformance(
      "gru float32 tensors steps=2 with options.bias, options.recurrentBias, "
      "options.activations=['relu', 'relu'] and options.direction='backward'",
      OpKind::kGru, a,
      {T(DataType::kFloat32, {2, 3, 2}, {1, 2, 2, 1, 1, 1, 3, 4, 1, 2, 1, 1}),
       T(DataType::kFloat32, {1, 12, 2}, {1,   -1,   2, -2,  0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,
                                          0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,  0.5, -0.5, 0, 0.1}),
       T(DataType::kFloat32, {1, 12, 4},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}), std::nullopt},
      {T(DataType::kFloat32, {1, 3, 4},
         {0, 0, -0.24974998831748962, -18.59588623046875, -2.0657243728637695, -10.551867485046387,
          -1.3937838077545166, -15.2454833984375, -1.1589999198913574, -9.476999282836914,
          -1.1589999198913574, -11.319169044494629})},
      /*ulp=*/6);
}

// wpt: "gru float32 tensors steps=2 with options.bias, options.recurrentBias,
// options.direction='backward', options.activations=['relu', 'relu'] and explicit
// options.returnSequence=false"
TEST(RecurrentConformance, Gru06) {
  GruAttrs a;
  a.steps = 2;
  a.hiddenSize = 4;
  a.resetAfter = false;
  a.returnSequence = false;
  a.direction = RecurrentNetworkDirection::kBackward;
  a.activations = ActivationList{Act::kRelu, Act::kRelu};
  ExpectConformance(
      "gru float32 tensors steps=2 with options.bias, options.recurrentBias, "
      "options.direction='backward', options.activations=['relu', 'relu'] and explicit "
      "options.returnSequence=false",
      OpKind::kGru, a,
      {T(DataType::kFloat32, {2, 3, 2}, {1, 2, 2, 1, 1, 1, 3, 4, 1, 2, 1, 1}),
       T(DataType::kFloat32, {1, 12, 2}, {1,   -1,   2, -2,  0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,
                                          0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,  0.5, -0.5, 0, 0.1}),
       T(DataType::kFloat32, {1, 12, 4},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}), std::nullopt},
      {T(DataType::kFloat32, {1, 3, 4},
         {0, 0, -0.24974998831748962, -18.59588623046875, -2.0657243728637695, -10.551867485046387,
          -1.3937838077545166, -15.2454833984375, -1.1589999198913574, -9.476999282836914,
          -1.1589999198913574, -11.319169044494629})},
      /*ulp=*/6);
}

// wpt: "gru float32 tensors steps=2 with options.bias, options.recurrentBias,
// options.direction='backward', options.activations=['relu', 'relu'] and
// options.returnSequence=true"
TEST(RecurrentConformance, Gru07) {
  GruAttrs a;
  a.steps = 2;
  a.hiddenSize = 4;
  a.resetAfter = false;
  a.returnSequence = true;
  a.direction = RecurrentNetworkDirection::kBackward;
  a.activations = ActivationList{Act::kRelu, Act::kRelu};
  ExpectConformance(
      "gru float32 tensors steps=2 with options.bias, options.recurrentBias, "
      "options.direction='backward', options.activations=['relu', 'relu'] and "
      "options.returnSequence=true",
      OpKind::kGru, a,
      {T(DataType::kFloat32, {2, 3, 2}, {1, 2, 2, 1, 1, 1, 3, 4, 1, 2, 1, 1}),
       T(DataType::kFloat32, {1, 12, 2}, {1,   -1,   2, -2,  0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,
                                          0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,  0.5, -0.5, 0, 0.1}),
       T(DataType::kFloat32, {1, 12, 4},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}), std::nullopt},
      {T(DataType::kFloat32, {1, 3, 4},
         {0, 0, -0.24974998831748962, -18.59588623046875, -2.0657243728637695, -10.551867485046387,
          -1.3937838077545166, -15.2454833984375, -1.1589999198913574, -9.476999282836914,
          -1.1589999198913574, -11.319169044494629}),
       T(DataType::kFloat32, {2, 1, 3, 4},
         {0,
          0,
          -0.24974998831748962,
          -18.59588623046875,
          -2.0657243728637695,
          -10.551867485046387,
          -1.3937838077545166,
          -15.2454833984375,
          -1.1589999198913574,
          -9.476999282836914,
          -1.1589999198913574,
          -11.319169044494629,
          0,
          0,
          -0.25,
          -4.760000228881836,
          0,
          0,
          -0.25,
          -3.8399999141693115,
          -1,
          -3,
          -1,
          -3.4100000858306885})},
      /*ulp=*/6);
}

// wpt: "gru float32 tensors steps=2 with options.bias, options.recurrentBias,
// options.direction='both' and options.returnSequence=true"
TEST(RecurrentConformance, Gru08) {
  GruAttrs a;
  a.steps = 2;
  a.hiddenSize = 4;
  a.resetAfter = true;
  a.returnSequence = true;
  a.activations = ActivationList{Act::kRelu, Act::kRelu};
  a.direction = RecurrentNetworkDirection::kBoth;
  ExpectConformance(
      "gru float32 tensors steps=2 with options.bias, options.recurrentBias, "
      "options.direction='both' and options.returnSequence=true",
      OpKind::kGru, a,
      {T(DataType::kFloat32, {2, 3, 2}, {1, 2, 2, 1, 1, 1, 3, 4, 1, 2, 1, 1}),
       T(DataType::kFloat32, {2, 12, 2},
         {1, -1, 2, -2, 0.5, -0.5, 0, 0.1, 1, -1, 2, -2, 0.5, -0.5, 0, 0.1,
          1, -1, 2, -2, 0.5, -0.5, 0, 0.1, 1, -1, 2, -2, 0.5, -0.5, 0, 0.1,
          1, -1, 2, -2, 0.5, -0.5, 0, 0.1, 1, -1, 2, -2, 0.5, -0.5, 0, 0.1}),
       T(DataType::kFloat32, {2, 12, 4},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {2, 12},
         {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}),
       T(DataType::kFloat32, {2, 12},
         {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}),
       std::nullopt},
      {T(DataType::kFloat32, {2, 3, 4},
         {0,
          0,
          -0.33243751525878906,
          -23.753076553344727,
          0,
          0,
          0,
          -2.213315725326538,
          -1.1077498197555542,
          -12.323249816894531,
          -1.1077498197555542,
          -14.518925666809082,
          0,
          0,
          -0.28068751096725464,
          -25.444257736206055,
          -1.7041922807693481,
          -9.28022289276123,
          -1.4041223526000977,
          -21.154621124267578,
          -1.1077498197555542,
          -12.323249816894531,
          -1.1077498197555542,
          -14.518925666809082}),
       T(DataType::kFloat32, {2, 2, 3, 4},
         {0,
          0,
          -0.375,
          -5.7599992752075195,
          -6,
          -22.5,
          -3.375,
          -5.114999771118164,
          -1.5,
          -4.5,
          -1.5,
          -5.114999771118164,
          0,
          0,
          -0.28068751096725464,
          -25.444257736206055,
          -1.7041922807693481,
          -9.28022289276123,
          -1.4041223526000977,
          -21.154621124267578,
          -1.1077498197555542,
          -12.323249816894531,
          -1.1077498197555542,
          -14.518925666809082,
          0,
          0,
          -0.33243751525878906,
          -23.753076553344727,
          0,
          0,
          0,
          -2.213315725326538,
          -1.1077498197555542,
          -12.323249816894531,
          -1.1077498197555542,
          -14.518925666809082,
          0,
          0,
          -0.375,
          -7.139999866485596,
          0,
          0,
          -0.375,
          -5.7599992752075195,
          -1.5,
          -4.5,
          -1.5,
          -5.114999771118164})},
      /*ulp=*/6);
}

// wpt: "gru float32 tensors steps=2 with all options"
TEST(RecurrentConformance, Gru09) {
  GruAttrs a;
  a.steps = 2;
  a.hiddenSize = 4;
  a.resetAfter = false;
  a.returnSequence = true;
  a.direction = RecurrentNetworkDirection::kBackward;
  a.layout = GruWeightLayout::kZrn;
  a.activations = ActivationList{Act::kRelu, Act::kRelu};
  ExpectConformance(
      "gru float32 tensors steps=2 with all options", OpKind::kGru, a,
      {T(DataType::kFloat32, {2, 3, 2}, {1, 2, 2, 1, 1, 1, 3, 4, 1, 2, 1, 1}),
       T(DataType::kFloat32, {1, 12, 2}, {1,   -1,   2, -2,  0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,
                                          0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,  0.5, -0.5, 0, 0.1}),
       T(DataType::kFloat32, {1, 12, 4},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}),
       T(DataType::kFloat32, {1, 12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}),
       T(DataType::kFloat32, {1, 3, 4}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})},
      {T(DataType::kFloat32, {1, 3, 4},
         {0, 0, -0.24974998831748962, -18.59588623046875, -2.0657243728637695, -10.551867485046387,
          -1.3937838077545166, -15.2454833984375, -1.1589999198913574, -9.476999282836914,
          -1.1589999198913574, -11.319169044494629}),
       T(DataType::kFloat32, {2, 1, 3, 4},
         {0,
          0,
          -0.24974998831748962,
          -18.59588623046875,
          -2.0657243728637695,
          -10.551867485046387,
          -1.3937838077545166,
          -15.2454833984375,
          -1.1589999198913574,
          -9.476999282836914,
          -1.1589999198913574,
          -11.319169044494629,
          0,
          0,
          -0.25,
          -4.760000228881836,
          0,
          0,
          -0.25,
          -3.8399999141693115,
          -1,
          -3,
          -1,
          -3.4100000858306885})},
      /*ulp=*/6);
}

// wpt: "gruCell float32 tensors with options.bias, options.recurrentBias,
// options.activations=['relu', 'relu'] and and explicit options.layout='zrn'"
TEST(RecurrentConformance, GruCell00) {
  GruCellAttrs a;
  a.hiddenSize = 4;
  a.resetAfter = false;
  a.layout = GruWeightLayout::kZrn;
  a.activations = ActivationList{Act::kRelu, Act::kRelu};
  ExpectConformance(
      "gruCell float32 tensors with options.bias, options.recurrentBias, "
      "options.activations=['relu', 'relu'] and and explicit options.layout='zrn'",
      OpKind::kGruCell, a,
      {T(DataType::kFloat32, {3, 2}, {1, 2, 2, 1, 1, 1}),
       T(DataType::kFloat32, {12, 2}, {1,   -1,   2, -2,  0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,
                                       0.5, -0.5, 0, 0.1, 1,   -1,   2, -2,  0.5, -0.5, 0, 0.1}),
       T(DataType::kFloat32, {12, 4},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {3, 4}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
       T(DataType::kFloat32, {12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5}),
       T(DataType::kFloat32, {12}, {1, 2, 1, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5})},
      {T(DataType::kFloat32, {3, 4},
         {0, 0, -0.25, -3.84, -4, -15, -2.25, -3.41, -1, -3, -1, -3.41})},
      /*ulp=*/3);
}

// wpt: "lstm float32 tensors steps=1 with options.bias, options.recurrentBias and
// options.activations=['relu', 'relu', 'relu']"
TEST(RecurrentConformance, Lstm00) {
  LstmAttrs a;
  a.steps = 1;
  a.hiddenSize = 2;
  a.activations = ActivationList{Act::kRelu, Act::kRelu, Act::kRelu};
  ExpectConformance(
      "lstm float32 tensors steps=1 with options.bias, options.recurrentBias and "
      "options.activations=['relu', 'relu', 'relu']",
      OpKind::kLstm, a,
      {T(DataType::kFloat32, {1, 2, 2}, {1, 2, 2, 1}),
       T(DataType::kFloat32, {1, 8, 2}, {1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2}),
       T(DataType::kFloat32, {1, 8, 2},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}), std::nullopt, std::nullopt,
       std::nullopt},
      {T(DataType::kFloat32, {1, 2, 2}, {1, 8, 27, 216}),
       T(DataType::kFloat32, {1, 2, 2}, {1, 4, 9, 36})},
      /*ulp=*/3);
}

// wpt: "lstm float32 tensors steps=1 with options.bias, options.recurrentBias,
// options.activations=['relu', 'relu', 'relu'] and options.peepholeWeight"
TEST(RecurrentConformance, Lstm01) {
  LstmAttrs a;
  a.steps = 1;
  a.hiddenSize = 2;
  a.activations = ActivationList{Act::kRelu, Act::kRelu, Act::kRelu};
  ExpectConformance(
      "lstm float32 tensors steps=1 with options.bias, options.recurrentBias, "
      "options.activations=['relu', 'relu', 'relu'] and options.peepholeWeight",
      OpKind::kLstm, a,
      {T(DataType::kFloat32, {1, 2, 2}, {1, 2, 2, 1}),
       T(DataType::kFloat32, {1, 8, 2}, {1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2}),
       T(DataType::kFloat32, {1, 8, 2},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {1, 6}, {0, 0, 0, 0, 0, 0}), std::nullopt, std::nullopt},
      {T(DataType::kFloat32, {1, 2, 2}, {1, 8, 27, 216}),
       T(DataType::kFloat32, {1, 2, 2}, {1, 4, 9, 36})},
      /*ulp=*/3);
}

// wpt: "lstm float32 tensors steps=1 with options.bias, options.recurrentBias,
// options.activations=['relu', 'relu', 'relu'] and options.initialHiddenState"
TEST(RecurrentConformance, Lstm02) {
  LstmAttrs a;
  a.steps = 1;
  a.hiddenSize = 2;
  a.activations = ActivationList{Act::kRelu, Act::kRelu, Act::kRelu};
  ExpectConformance(
      "lstm float32 tensors steps=1 with options.bias, options.recurrentBias, "
      "options.activations=['relu', 'relu', 'relu'] and options.initialHiddenState",
      OpKind::kLstm, a,
      {T(DataType::kFloat32, {1, 2, 2}, {1, 2, 2, 1}),
       T(DataType::kFloat32, {1, 8, 2}, {1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2}),
       T(DataType::kFloat32, {1, 8, 2},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}), std::nullopt,
       T(DataType::kFloat32, {1, 2, 2}, {0, 0, 0, 0}), std::nullopt},
      {T(DataType::kFloat32, {1, 2, 2}, {1, 8, 27, 216}),
       T(DataType::kFloat32, {1, 2, 2}, {1, 4, 9, 36})},
      /*ulp=*/3);
}

// wpt: "lstm float32 tensors steps=1 with options.bias, options.recurrentBias,
// options.activations=['relu', 'relu', 'relu'] and explicit options.returnSequence=false"
TEST(RecurrentConformance, Lstm03) {
  LstmAttrs a;
  a.steps = 1;
  a.hiddenSize = 2;
  a.returnSequence = false;
  a.activations = ActivationList{Act::kRelu, Act::kRelu, Act::kRelu};
  ExpectConformance(
      "lstm float32 tensors steps=1 with options.bias, options.recurrentBias, "
      "options.activations=['relu', 'relu', 'relu'] and explicit options.returnSequence=false",
      OpKind::kLstm, a,
      {T(DataType::kFloat32, {1, 2, 2}, {1, 2, 2, 1}),
       T(DataType::kFloat32, {1, 8, 2}, {1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2}),
       T(DataType::kFloat32, {1, 8, 2},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}), std::nullopt, std::nullopt,
       std::nullopt},
      {T(DataType::kFloat32, {1, 2, 2}, {1, 8, 27, 216}),
       T(DataType::kFloat32, {1, 2, 2}, {1, 4, 9, 36})},
      /*ulp=*/3);
}

// wpt: "lstm float32 tensors steps=1 with options.bias, options.recurrentBias,
// options.activations=['relu', 'relu', 'relu'] and options.returnSequence=true"
TEST(RecurrentConformance, Lstm04) {
  LstmAttrs a;
  a.steps = 1;
  a.hiddenSize = 2;
  a.returnSequence = true;
  a.activations = ActivationList{Act::kRelu, Act::kRelu, Act::kRelu};
  ExpectConformance(
      "lstm float32 tensors steps=1 with options.bias, options.recurrentBias, "
      "options.activations=['relu', 'relu', 'relu'] and options.returnSequence=true",
      OpKind::kLstm, a,
      {T(DataType::kFloat32, {1, 2, 2}, {1, 2, 2, 1}),
       T(DataType::kFloat32, {1, 8, 2}, {1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2}),
       T(DataType::kFloat32, {1, 8, 2},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}), std::nullopt, std::nullopt,
       std::nullopt},
      {T(DataType::kFloat32, {1, 2, 2}, {1, 8, 27, 216}),
       T(DataType::kFloat32, {1, 2, 2}, {1, 4, 9, 36}),
       T(DataType::kFloat32, {1, 1, 2, 2}, {1, 8, 27, 216})},
      /*ulp=*/3);
}

// wpt: "lstm float32 tensors steps=1 with options.bias, options.recurrentBias,
// options.activations=['relu', 'relu', 'relu'] and explicit options.layout='iofg'"
TEST(RecurrentConformance, Lstm05) {
  LstmAttrs a;
  a.steps = 1;
  a.hiddenSize = 2;
  a.layout = LstmWeightLayout::kIofg;
  a.activations = ActivationList{Act::kRelu, Act::kRelu, Act::kRelu};
  ExpectConformance(
      "lstm float32 tensors steps=1 with options.bias, options.recurrentBias, "
      "options.activations=['relu', 'relu', 'relu'] and explicit options.layout='iofg'",
      OpKind::kLstm, a,
      {T(DataType::kFloat32, {1, 2, 2}, {1, 2, 2, 1}),
       T(DataType::kFloat32, {1, 8, 2}, {1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2}),
       T(DataType::kFloat32, {1, 8, 2},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}), std::nullopt, std::nullopt,
       std::nullopt},
      {T(DataType::kFloat32, {1, 2, 2}, {1, 8, 27, 216}),
       T(DataType::kFloat32, {1, 2, 2}, {1, 4, 9, 36})},
      /*ulp=*/3);
}

// wpt: "lstm float32 tensors steps=1 with all options"
TEST(RecurrentConformance, Lstm06) {
  LstmAttrs a;
  a.steps = 1;
  a.hiddenSize = 2;
  a.returnSequence = true;
  a.direction = RecurrentNetworkDirection::kForward;
  a.layout = LstmWeightLayout::kIofg;
  a.activations = ActivationList{Act::kRelu, Act::kRelu, Act::kRelu};
  ExpectConformance(
      "lstm float32 tensors steps=1 with all options", OpKind::kLstm, a,
      {T(DataType::kFloat32, {1, 2, 2}, {1, 2, 2, 1}),
       T(DataType::kFloat32, {1, 8, 2}, {1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2}),
       T(DataType::kFloat32, {1, 8, 2},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {1, 6}, {0, 0, 0, 0, 0, 0}),
       T(DataType::kFloat32, {1, 2, 2}, {0, 0, 0, 0}),
       T(DataType::kFloat32, {1, 2, 2}, {0, 0, 0, 0})},
      {T(DataType::kFloat32, {1, 2, 2}, {1, 8, 27, 216}),
       T(DataType::kFloat32, {1, 2, 2}, {1, 4, 9, 36}),
       T(DataType::kFloat32, {1, 1, 2, 2}, {1, 8, 27, 216})},
      /*ulp=*/3);
}

// wpt: "lstm float32 tensors steps=2 with options.bias, options.recurrentBias,
// options.activations=['relu', 'relu', 'relu'] and options.direction='backward'"
TEST(RecurrentConformance, Lstm07) {
  LstmAttrs a;
  a.steps = 2;
  a.hiddenSize = 2;
  a.direction = RecurrentNetworkDirection::kBackward;
  a.activations = ActivationList{Act::kRelu, Act::kRelu, Act::kRelu};
  ExpectConformance(
      "lstm float32 tensors steps=2 with options.bias, options.recurrentBias, "
      "options.activations=['relu', 'relu', 'relu'] and options.direction='backward'",
      OpKind::kLstm, a,
      {T(DataType::kFloat32, {2, 2, 2}, {1, 2, 2, 1, 3, 4, 1, 2}),
       T(DataType::kFloat32, {1, 8, 2}, {1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2}),
       T(DataType::kFloat32, {1, 8, 2},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}), std::nullopt, std::nullopt,
       std::nullopt},
      {T(DataType::kFloat32, {1, 2, 2},
         {10.469000816345215, 58.02900695800781, 74.52900695800781, 518.948974609375}),
       T(DataType::kFloat32, {1, 2, 2},
         {5.510000228881836, 20.01000213623047, 19.110000610351562, 75.20999908447266})},
      /*ulp=*/3);
}

// wpt: "lstm float32 tensors steps=2 with all options"
TEST(RecurrentConformance, Lstm08) {
  LstmAttrs a;
  a.steps = 2;
  a.hiddenSize = 2;
  a.returnSequence = true;
  a.direction = RecurrentNetworkDirection::kBackward;
  a.layout = LstmWeightLayout::kIofg;
  a.activations = ActivationList{Act::kRelu, Act::kRelu, Act::kRelu};
  ExpectConformance(
      "lstm float32 tensors steps=2 with all options", OpKind::kLstm, a,
      {T(DataType::kFloat32, {2, 2, 2}, {1, 2, 2, 1, 3, 4, 1, 2}),
       T(DataType::kFloat32, {1, 8, 2}, {1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2}),
       T(DataType::kFloat32, {1, 8, 2},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {1, 6}, {0, 0, 0, 0, 0, 0}),
       T(DataType::kFloat32, {1, 2, 2}, {0, 0, 0, 0}),
       T(DataType::kFloat32, {1, 2, 2}, {0, 0, 0, 0})},
      {T(DataType::kFloat32, {1, 2, 2},
         {10.469000816345215, 58.02900695800781, 74.52900695800781, 518.948974609375}),
       T(DataType::kFloat32, {1, 2, 2},
         {5.510000228881836, 20.01000213623047, 19.110000610351562, 75.20999908447266}),
       T(DataType::kFloat32, {2, 1, 2, 2},
         {10.469000816345215, 58.02900695800781, 74.52900695800781, 518.948974609375, 1, 8, 1, 8})},
      /*ulp=*/3);
}

// wpt: "lstm float32 tensors steps=2 with bidirections"
TEST(RecurrentConformance, Lstm09) {
  LstmAttrs a;
  a.steps = 2;
  a.hiddenSize = 2;
  a.returnSequence = true;
  a.direction = RecurrentNetworkDirection::kBoth;
  a.layout = LstmWeightLayout::kIofg;
  ExpectConformance(
      "lstm float32 tensors steps=2 with bidirections", OpKind::kLstm, a,
      {T(DataType::kFloat32, {2, 2, 2}, {1, 2, 2, 1, 3, 4, 1, 2}),
       T(DataType::kFloat32, {2, 8, 2}, {1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2,
                                         1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2}),
       T(DataType::kFloat32, {2, 8, 2},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
          0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {2, 8}, {1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {2, 8}, {1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2}),
       std::nullopt, std::nullopt, std::nullopt},
      {T(DataType::kFloat32, {2, 2, 2},
         {0.5764073133468628, 0.8236227035522461, 0.6612355709075928, 0.8442635536193848,
          0.5764073133468628, 0.8236227035522461, 0.8635294437408447, 0.9491351246833801}),
       T(DataType::kFloat32, {2, 2, 2},
         {1.0171456336975098, 1.6205494403839111, 1.3388464450836182, 1.7642604112625122,
          1.0171456336975098, 1.6205494403839111, 1.4856269359588623, 1.8449554443359375}),
       T(DataType::kFloat32, {2, 2, 2, 2},
         {0.3696063756942749, 0.6082833409309387, 0.7037754058837891, 0.7586681246757507,
          0.5764073133468628, 0.8236227035522461, 0.8635294437408447, 0.9491351246833801,
          0.5764073133468628, 0.8236227035522461, 0.6612355709075928, 0.8442635536193848,
          0.3696063756942749, 0.6082833409309387, 0.3696063756942749, 0.6082833409309387})},
      /*ulp=*/3);
}

// wpt: "lstm float16 tensors steps=1 with options.bias, options.recurrentBias"
TEST(RecurrentConformance, Lstm10) {
  LstmAttrs a;
  a.steps = 1;
  a.hiddenSize = 2;
  a.returnSequence = false;
  a.activations = ActivationList{Act::kRelu, Act::kRelu, Act::kRelu};
  ExpectConformance(
      "lstm float16 tensors steps=1 with options.bias, options.recurrentBias", OpKind::kLstm, a,
      {T(DataType::kFloat16, {1, 2, 2}, {1, 2, 2, 1}),
       T(DataType::kFloat16, {1, 8, 2}, {1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2}),
       T(DataType::kFloat16, {1, 8, 2},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat16, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat16, {1, 8}, {1, 2, 1, 2, 1, 2, 1, 2}), std::nullopt, std::nullopt,
       std::nullopt},
      {T(DataType::kFloat16, {1, 2, 2}, {1, 8, 27, 216}),
       T(DataType::kFloat16, {1, 2, 2}, {1, 4, 9, 36})},
      /*ulp=*/3);
}

// wpt: "lstmCell float32 tensors with options.bias, options.recurrentBias and
// options.activations=['relu', 'relu', 'relu']"
TEST(RecurrentConformance, LstmCell00) {
  LstmCellAttrs a;
  a.hiddenSize = 2;
  a.activations = ActivationList{Act::kRelu, Act::kRelu, Act::kRelu};
  ExpectConformance(
      "lstmCell float32 tensors with options.bias, options.recurrentBias and "
      "options.activations=['relu', 'relu', 'relu']",
      OpKind::kLstmCell, a,
      {T(DataType::kFloat32, {2, 2}, {1, 2, 2, 1}),
       T(DataType::kFloat32, {8, 2}, {1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2}),
       T(DataType::kFloat32, {8, 2},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {2, 2}, {0, 0, 0, 0}), T(DataType::kFloat32, {2, 2}, {0, 0, 0, 0}),
       T(DataType::kFloat32, {8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {8}, {1, 2, 1, 2, 1, 2, 1, 2}), std::nullopt},
      {T(DataType::kFloat32, {2, 2}, {1, 8, 27, 216}),
       T(DataType::kFloat32, {2, 2}, {1, 4, 9, 36})},
      /*ulp=*/1);
}

// wpt: "lstmCell float32 tensors with options.bias, options.recurrentBias,
// options.activations=['relu', 'relu', 'relu'] and options.peepholeWeight"
TEST(RecurrentConformance, LstmCell01) {
  LstmCellAttrs a;
  a.hiddenSize = 2;
  a.activations = ActivationList{Act::kRelu, Act::kRelu, Act::kRelu};
  ExpectConformance(
      "lstmCell float32 tensors with options.bias, options.recurrentBias, "
      "options.activations=['relu', 'relu', 'relu'] and options.peepholeWeight",
      OpKind::kLstmCell, a,
      {T(DataType::kFloat32, {2, 2}, {1, 2, 2, 1}),
       T(DataType::kFloat32, {8, 2}, {1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2}),
       T(DataType::kFloat32, {8, 2},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {2, 2}, {0, 0, 0, 0}), T(DataType::kFloat32, {2, 2}, {0, 0, 0, 0}),
       T(DataType::kFloat32, {8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {6}, {0, 0, 0, 0, 0, 0})},
      {T(DataType::kFloat32, {2, 2}, {1, 8, 27, 216}),
       T(DataType::kFloat32, {2, 2}, {1, 4, 9, 36})},
      /*ulp=*/1);
}

// wpt: "lstmCell float32 tensors with options.bias, options.recurrentBias,
// options.activations=['relu', 'relu', 'relu'] and explicit options.layout='iofg'"
TEST(RecurrentConformance, LstmCell02) {
  LstmCellAttrs a;
  a.hiddenSize = 2;
  a.layout = LstmWeightLayout::kIofg;
  a.activations = ActivationList{Act::kRelu, Act::kRelu, Act::kRelu};
  ExpectConformance(
      "lstmCell float32 tensors with options.bias, options.recurrentBias, "
      "options.activations=['relu', 'relu', 'relu'] and explicit options.layout='iofg'",
      OpKind::kLstmCell, a,
      {T(DataType::kFloat32, {2, 2}, {1, 2, 2, 1}),
       T(DataType::kFloat32, {8, 2}, {1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2}),
       T(DataType::kFloat32, {8, 2},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {2, 2}, {0, 0, 0, 0}), T(DataType::kFloat32, {2, 2}, {0, 0, 0, 0}),
       T(DataType::kFloat32, {8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {8}, {1, 2, 1, 2, 1, 2, 1, 2}), std::nullopt},
      {T(DataType::kFloat32, {2, 2}, {1, 8, 27, 216}),
       T(DataType::kFloat32, {2, 2}, {1, 4, 9, 36})},
      /*ulp=*/1);
}

// wpt: "lstmCell float32 tensors with options.bias, options.recurrentBias,
// options.activations=['relu', 'relu', 'relu'] and options.layout='ifgo'"
TEST(RecurrentConformance, LstmCell03) {
  LstmCellAttrs a;
  a.hiddenSize = 2;
  a.layout = LstmWeightLayout::kIfgo;
  a.activations = ActivationList{Act::kRelu, Act::kRelu, Act::kRelu};
  ExpectConformance(
      "lstmCell float32 tensors with options.bias, options.recurrentBias, "
      "options.activations=['relu', 'relu', 'relu'] and options.layout='ifgo'",
      OpKind::kLstmCell, a,
      {T(DataType::kFloat32, {2, 2}, {1, 2, 2, 1}),
       T(DataType::kFloat32, {8, 2}, {1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2, 1, -1, 2, -2}),
       T(DataType::kFloat32, {8, 2},
         {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
       T(DataType::kFloat32, {2, 2}, {0, 0, 0, 0}), T(DataType::kFloat32, {2, 2}, {0, 0, 0, 0}),
       T(DataType::kFloat32, {8}, {1, 2, 1, 2, 1, 2, 1, 2}),
       T(DataType::kFloat32, {8}, {1, 2, 1, 2, 1, 2, 1, 2}), std::nullopt},
      {T(DataType::kFloat32, {2, 2}, {1, 8, 27, 216}),
       T(DataType::kFloat32, {2, 2}, {1, 4, 9, 36})},
      /*ulp=*/1);
}

}  // namespace
}  // namespace webnn
