// Differential tests of the oneDNN backend against the reference kernels (the oracle), in the
// spirit of ggml's test-backend-ops: every operation and fusion pattern the fast backend takes
// is built with random shapes, attributes, layouts and data drawn from fixed seeds, compiled on
// both backends, run on both and compared element by element within a stated tolerance.
//
// Each case also checks
//  - that the fast plan has the shape its design promises (CompiledGraphStats): no step on the
//    reference kernels where oneDNN takes the operation, exactly the expected number where it
//    declines, and at least the expected number of operations fused into another step (post-ops,
//    folded batchNormalization, folded constants), so a fusion that silently stops fails here;
//  - that two runs of the same compiled graph are bit-identical on both backends, with outputs
//    poisoned differently before each run (an element a plan never writes differs between them).
// A failure message names the seed, the graph (operands, attributes, shapes), the plan's stats
// and the worst element; the seeds are fixed, so the case reproduces with --gtest_filter.
//
// Data ranges are chosen per case so results stay finite and away from the edges of each
// function's domain; the tolerance of each family is stated and justified where it is defined.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend.h"
#include "backend/onednn/emit.h"
#include "backend/reference/tensor_util.h"
#include "format/json/attrs_json.h"
#include "ir/graph_builder.h"

namespace webnn {
namespace {

using Shape = std::vector<uint32_t>;
constexpr DataType kF32 = DataType::kFloat32;

// ---- Random draws ----------------------------------------------------------------------------

// splitmix64: the same sequence from the same seed with every standard library (the <random>
// distributions are implementation-defined).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  uint32_t Int(uint32_t lo, uint32_t hi) {
    return lo + static_cast<uint32_t>(Next() % (uint64_t{hi} - lo + 1));
  }
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(Next() >> 11) * 0x1.0p-53;
  }
  bool Chance(double p) { return Uniform(0, 1) < p; }
  template <typename T>
  T Pick(std::initializer_list<T> xs) {
    return *(xs.begin() + Int(0, static_cast<uint32_t>(xs.size() - 1)));
  }
  template <typename T>
  const T& Pick(const std::vector<T>& xs) {
    return xs[Int(0, static_cast<uint32_t>(xs.size() - 1))];
  }
  // A random permutation of 0..n-1.
  std::vector<uint32_t> Permutation(uint32_t n) {
    std::vector<uint32_t> p(n);
    std::iota(p.begin(), p.end(), 0u);
    for (uint32_t i = n; i > 1; --i) std::swap(p[i - 1], p[Int(0, i - 1)]);
    return p;
  }

 private:
  uint64_t state_;
};

// ---- Tolerances ------------------------------------------------------------------------------
// An element passes when |fast - ref| <= atol + rtol * |ref| (NaN must meet NaN, an infinity the
// same infinity). The reference computes in double and rounds once on store, so the difference
// is the fast backend's own float32 error.
struct Tolerance {
  double atol = 0;
  double rtol = 0;
};

// Data movement, max/min, relu, abs, neg, max pooling, casts: the same float comes out.
constexpr Tolerance kExact{0, 0};
// One IEEE operation per element (add, sub, mul, div, clamp, prelu's multiply) is correctly
// rounded in both, so equal (rounding float inputs' exact double result once is the correctly
// rounded float result); rtol 1e-6 (8 ulps) covers linear's alpha * x + beta contracted into one
// FMA or a post-op evaluated in another order, atol 1e-7 results cancelling to near zero.
constexpr Tolerance kArithmetic{1e-7, 1e-6};
// oneDNN's vectorized exp/tanh/logistic/gelu_erf/elu/hardswish and softmax are polynomial
// approximations. Measured on oneDNN 2.6.3 (AVX-512) over [-8, 8]: relative error <= 2.5e-7
// except gelu_erf and elu near their zero crossings, absolute error <= 3.8e-7 (gelu_erf). We
// allow 1e-5 relative plus 1e-6 absolute.
constexpr Tolerance kTranscendental{1e-6, 1e-5};
// oneDNN's log is good to an absolute error (3.6e-6 measured over [0.01, 10]), not a relative
// one: its results near log(1) = 0 are off by up to 0.14% relative.
constexpr Tolerance kLog{1e-5, 1e-5};

// A float32 dot product of k terms, each of magnitude <= 1 (inputs in [-1, 1]): oneDNN sums in
// float32 in its own blocked, vectorized order. With partial sums growing like sqrt(k), the
// rounding error of the sum is about u * k / 4 (u = 2^-24); we allow 4 u k (2.4e-7 k) plus 1e-5,
// and 1e-5 relative for large results. k = 603 (67 channels, 3x3) allows 1.5e-4.
Tolerance Accumulation(uint64_t k) { return {1e-5 + 2.4e-7 * static_cast<double>(k), 1e-5}; }
// Sums and products over n elements (reductions, pooling averages, normalization statistics).
Tolerance Reduction(uint64_t n) { return {1e-6 + 2.4e-7 * static_cast<double>(n), 1e-5}; }
// `b` applied to a result already off by `a`: the activations' slopes are at most 1.5, so an
// error already there at most doubles, and `b`'s own is added.
Tolerance Then(Tolerance a, Tolerance b) { return {2 * a.atol + b.atol, 2 * a.rtol + b.rtol}; }

// ---- A graph under test -------------------------------------------------------------------

// A draw the validators reject (a window larger than the padded input, ...): the driver draws
// again with the next seed.
struct InvalidCase : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Case {
 public:
  Case(std::string family, uint64_t seed) : rng(seed), family_(std::move(family)), seed_(seed) {
    threads = 1 + static_cast<uint32_t>(seed % 2);
  }

  Rng rng;
  Tolerance tol = kArithmetic;
  uint32_t threads = 1;  // intra-op threads of the fast backend
  // The float type of the case's operands: a float16 case (the float16 families below) builds
  // every float32 operand a generator asks for as float16.
  DataType float_type = kF32;
  // What the fast plan must look like.
  uint32_t expect_fallback = 0;            // exactly this many steps on the reference kernels
  uint32_t expect_min_fused = 0;           // at least this many operations fused into other steps
  uint32_t expect_max_fused = UINT32_MAX;  // and at most this many

  OperandId Input(const Shape& shape, DataType type = kF32, double lo = -1, double hi = 1) {
    return InputValues(shape, type, Draw(shape, type, lo, hi));
  }
  OperandId InputValues(const Shape& shape, DataType type, const std::vector<double>& values) {
    if (type == kF32) type = float_type;
    const std::string name = "x" + std::to_string(inputs_.size());
    auto id = builder_.AddInput(name, {type, shape});
    if (!id.ok()) throw InvalidCase(id.error().ToString());
    inputs_[name] = Bytes({type, shape}, values);
    Log("%", *id, " = input ", name, " ", DescriptorToString({type, shape}));
    return *id;
  }
  OperandId Constant(const Shape& shape, DataType type = kF32, double lo = -1, double hi = 1) {
    return ConstantValues(shape, type, Draw(shape, type, lo, hi));
  }
  OperandId ConstantValues(const Shape& shape, DataType type, const std::vector<double>& values) {
    if (type == kF32) type = float_type;
    const OperandDescriptor desc{type, shape};
    auto id = builder_.AddConstant(desc, ByteBuffer::FromVector(Bytes(desc, values)));
    if (!id.ok()) throw InvalidCase(id.error().ToString());
    Log("%", *id, " = constant ", DescriptorToString(desc));
    return *id;
  }
  // An input or a constant, by a coin of probability `p_constant`.
  OperandId Operand(const Shape& shape, double p_constant, double lo = -1, double hi = 1) {
    return rng.Chance(p_constant) ? Constant(shape, kF32, lo, hi) : Input(shape, kF32, lo, hi);
  }

  OperandId Op(OpKind kind, std::vector<OperandId> inputs, Attrs attrs = NoAttrs{}) {
    std::ostringstream line;
    line << OpName(kind) << "(";
    for (size_t i = 0; i < inputs.size(); ++i) {
      line << (i ? ", " : "");
      if (inputs[i] == kNoOperand) {
        line << "-";
      } else {
        line << "%" << inputs[i];
      }
    }
    line << ") " << AttrsToJson(attrs).dump();
    auto r = builder_.AddOperation(kind, std::move(inputs), std::move(attrs));
    if (!r.ok()) {
      // A TypeError is a draw the spec rejects; anything else is a bug of the generator.
      if (r.error().code() != ErrorCode::kTypeError) {
        throw std::logic_error(line.str() + ": " + r.error().ToString());
      }
      throw InvalidCase(line.str() + ": " + r.error().ToString());
    }
    const OperandId out = r->front();
    Log("%", out, " = ", line.str(), " -> ", DescriptorToString(builder_.operand(out).desc));
    return out;
  }
  OperandId Unary(OpKind kind, OperandId x, Attrs attrs = NoAttrs{}) {
    return Op(kind, {x}, std::move(attrs));
  }

  void Output(OperandId id) {
    outputs_.push_back({"out" + std::to_string(outputs_.size()), id});
    Log("output ", outputs_.back().first, " = %", id);
  }

  const Shape& ShapeOf(OperandId id) const { return builder_.operand(id).desc.shape; }
  template <typename... A>
  void Note(const A&... a) {
    Log("note: ", a...);
  }

  std::string Describe() const {
    std::ostringstream os;
    os << family_ << " seed " << seed_ << " (threads " << threads << ")\n" << log_.str();
    return os.str();
  }
  Result<GraphInfo> Build() { return builder_.Build(outputs_); }
  const std::vector<std::byte>& InputBytes(const std::string& name) const {
    return inputs_.at(name);
  }

 private:
  template <typename... A>
  void Log(const A&... a) {
    log_ << "  ";
    (log_ << ... << a);
    log_ << "\n";
  }
  std::vector<double> Draw(const Shape& shape, DataType type, double lo, double hi) {
    std::vector<double> v(OperandDescriptor{type, shape}.ElementCount());
    for (double& x : v) {
      x = IsFloatingPoint(type) ? rng.Uniform(lo, hi)
                                : static_cast<double>(static_cast<int64_t>(rng.Int(
                                                          0, static_cast<uint32_t>(hi - lo))) +
                                                      static_cast<int64_t>(lo));
    }
    return v;
  }
  static std::vector<std::byte> Bytes(const OperandDescriptor& desc,
                                      const std::vector<double>& values) {
    std::vector<std::byte> bytes(desc.ByteLength());
    for (size_t i = 0; i < values.size(); ++i) {
      reference::StoreFromDouble(desc.dataType, bytes.data(), i, values[i]);
    }
    return bytes;
  }

  std::string family_;
  uint64_t seed_;
  GraphBuilderCore builder_;
  std::map<std::string, std::vector<std::byte>> inputs_;
  std::vector<std::pair<std::string, OperandId>> outputs_;
  std::ostringstream log_;
};

// ---- Running and comparing -------------------------------------------------------------------

const backend::Backend& Backend(std::string_view name) {
  static const std::shared_ptr<const backend::Backend> reference =
      *backend::MakeBackend(backend::kReferenceBackend);
  static const std::shared_ptr<const backend::Backend> onednn =
      *backend::MakeBackend(backend::kOneDnnBackend);
  return name == backend::kReferenceBackend ? *reference : *onednn;
}

using Buffers = std::vector<std::vector<std::byte>>;

// The input buffers of a built graph, in its input order.
Buffers InputsOf(const Case& c, const GraphInfo& graph) {
  Buffers in;
  for (OperandId id : graph.inputs) in.push_back(c.InputBytes(graph.operands[id].name));
  return in;
}

Result<Buffers> Execute(const backend::CompiledGraph& compiled, const GraphInfo& graph,
                        const Buffers& inputs, std::byte poison) {
  Buffers outputs;
  for (const GraphOutput& o : graph.outputs) {
    outputs.emplace_back(graph.operands[o.operand].desc.ByteLength(), poison);
  }
  std::vector<const std::byte*> in;
  std::vector<std::byte*> out;
  for (const auto& b : inputs) in.push_back(b.data());
  for (auto& b : outputs) out.push_back(b.data());
  WEBNN_RETURN_IF_ERROR(compiled.Execute(in, out));
  return outputs;
}

// Worst errors seen over a family, for its summary line.
struct FamilyStats {
  int cases = 0;
  int rejected = 0;
  double worst_abs = 0;    // largest |fast - ref|
  double worst_ratio = 0;  // largest |fast - ref| / (atol + rtol * |ref|)
};

bool BothSpecialAndEqual(double ref, double got) {
  if (std::isnan(ref) || std::isnan(got)) return std::isnan(ref) && std::isnan(got);
  return ref == got;  // infinities
}

// Compares one output; returns an empty string or what is wrong.
std::string CompareOutput(const OperandDescriptor& desc, const std::vector<std::byte>& ref,
                          const std::vector<std::byte>& got, Tolerance tol, FamilyStats& stats) {
  const size_t n = desc.ElementCount();
  size_t bad = 0, worst = 0;
  double worst_excess = -1;
  for (size_t i = 0; i < n; ++i) {
    if (!IsFloatingPoint(desc.dataType)) {
      const int64_t r = reference::LoadAsInt64(desc.dataType, ref.data(), i);
      const int64_t g = reference::LoadAsInt64(desc.dataType, got.data(), i);
      if (r != g && bad++ == 0) worst = i;
      continue;
    }
    const double r = reference::LoadAsDouble(desc.dataType, ref.data(), i);
    const double g = reference::LoadAsDouble(desc.dataType, got.data(), i);
    const bool special = !std::isfinite(r) || !std::isfinite(g);
    const double err = special ? 0 : std::fabs(g - r);
    const double allowed = tol.atol + tol.rtol * std::fabs(r);
    const bool ok = special ? BothSpecialAndEqual(r, g) : err <= allowed;
    if (!special) {
      stats.worst_abs = std::max(stats.worst_abs, err);
      if (allowed > 0) stats.worst_ratio = std::max(stats.worst_ratio, err / allowed);
    }
    if (!ok) {
      ++bad;
      const double excess = special ? std::numeric_limits<double>::infinity() : err - allowed;
      if (excess > worst_excess) worst_excess = excess, worst = i;
    }
  }
  if (bad == 0) return "";
  std::ostringstream os;
  os.precision(9);
  const auto at = [&](const std::vector<std::byte>& b) {
    return IsFloatingPoint(desc.dataType)
               ? reference::LoadAsDouble(desc.dataType, b.data(), worst)
               : static_cast<double>(reference::LoadAsInt64(desc.dataType, b.data(), worst));
  };
  os << bad << " of " << n << " elements differ; worst at flat index " << worst << ": onednn "
     << at(got) << ", reference " << at(ref) << " (|diff| " << std::fabs(at(got) - at(ref))
     << ", tolerance atol " << tol.atol << " + rtol " << tol.rtol << ")";
  return os.str();
}

// Builds, compiles on both backends, runs each twice and compares; records into `stats`.
void Check(Case& c, FamilyStats& stats) {
  SCOPED_TRACE(c.Describe());
  auto graph = c.Build();
  ASSERT_TRUE(graph.ok()) << graph.error().ToString();
  auto ref = Backend(backend::kReferenceBackend).Compile(*graph, {/*threads=*/1});
  ASSERT_TRUE(ref.ok()) << ref.error().ToString();
  auto fast = Backend(backend::kOneDnnBackend).Compile(*graph, {c.threads});
  ASSERT_TRUE(fast.ok()) << fast.error().ToString();
  const backend::CompiledGraphStats s = (*fast)->stats();
  std::ostringstream plan;
  plan << "onednn plan: " << s.steps << " steps, " << s.fallback_steps << " on the reference, "
       << s.fused_ops << " ops fused";
  SCOPED_TRACE(plan.str());

  const Buffers inputs = InputsOf(c, *graph);
  // Outputs are poisoned with different bytes before each run: an element a plan never writes
  // makes the two runs differ.
  auto want = Execute(**ref, *graph, inputs, std::byte{0xA5});
  ASSERT_TRUE(want.ok()) << want.error().ToString();
  auto want2 = Execute(**ref, *graph, inputs, std::byte{0x00});
  ASSERT_TRUE(want2.ok()) << want2.error().ToString();
  auto got = Execute(**fast, *graph, inputs, std::byte{0xFF});
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  auto got2 = Execute(**fast, *graph, inputs, std::byte{0x00});
  ASSERT_TRUE(got2.ok()) << got2.error().ToString();
  EXPECT_TRUE(*want == *want2) << "reference: two runs are not bit-identical";
  EXPECT_TRUE(*got == *got2)
      << "onednn: two runs are not bit-identical (nondeterminism, or elements never written)";

  for (size_t i = 0; i < graph->outputs.size(); ++i) {
    const OperandDescriptor& desc = graph->operands[graph->outputs[i].operand].desc;
    const std::string why = CompareOutput(desc, (*want)[i], (*got)[i], c.tol, stats);
    EXPECT_EQ(why, "") << "output " << graph->outputs[i].name << " (" << DescriptorToString(desc)
                       << ")";
  }
  EXPECT_EQ(s.fallback_steps, c.expect_fallback) << "steps on the reference kernels";
  EXPECT_GE(s.fused_ops, c.expect_min_fused) << "operations fused into other steps";
  EXPECT_LE(s.fused_ops, c.expect_max_fused) << "operations fused into other steps";
}

// Runs `count` cases of `generate` (a function filling a Case) with seeds from `base_seed`;
// a draw the validators reject is drawn again with the next seed.
// WEBNN_DIFFERENTIAL_SEED=<seed> runs only the case of that seed (with ONEDNN_VERBOSE=2 to see
// the primitives oneDNN created for it).
template <typename Generate>
FamilyStats RunFamily(const std::string& family, uint64_t base_seed, int count,
                      Generate&& generate) {
  FamilyStats stats;
  const char* only = std::getenv("WEBNN_DIFFERENTIAL_SEED");
  for (uint64_t seed = base_seed; stats.cases < count; ++seed) {
    if (only && std::to_string(seed) != only) {
      if (seed > base_seed + 10 * static_cast<uint64_t>(count) + 100) break;
      continue;
    }
    Case c(family, seed);
    try {
      generate(c);
    } catch (const InvalidCase& e) {
      ++stats.rejected;
      if (stats.rejected > 4 * count + 20) {
        ADD_FAILURE() << family << ": most random draws are invalid; last: " << e.what();
        break;
      }
      continue;
    }
    Check(c, stats);
    ++stats.cases;
  }
  std::printf(
      "[ differential ] %-28s %3d cases (%d draws redrawn), worst |diff| %.3g = %.3g of "
      "the tolerance\n",
      family.c_str(), stats.cases, stats.rejected, stats.worst_abs, stats.worst_ratio);
  return stats;
}

// ---- Shared shapes and attributes ----------------------------------------------------------

Shape ActivationShape(InputOperandLayout layout, uint32_t n, uint32_t c, uint32_t h, uint32_t w) {
  return layout == InputOperandLayout::kNchw ? Shape{n, c, h, w} : Shape{n, h, w, c};
}

Shape Conv2dFilterShape(Conv2dFilterOperandLayout layout, uint32_t o, uint32_t i, uint32_t kh,
                        uint32_t kw) {
  switch (layout) {
    case Conv2dFilterOperandLayout::kOihw:
      return {o, i, kh, kw};
    case Conv2dFilterOperandLayout::kHwio:
      return {kh, kw, i, o};
    case Conv2dFilterOperandLayout::kOhwi:
      return {o, kh, kw, i};
    case Conv2dFilterOperandLayout::kIhwo:
      return {i, kh, kw, o};
  }
  return {};
}

InputOperandLayout DrawLayout(Rng& r) {
  return r.Chance(0.5) ? InputOperandLayout::kNhwc : InputOperandLayout::kNchw;
}

// Whether some output position along one spatial dimension reads no input element: its
// (dilated) window lies wholly in the padding, or between input elements.
bool WindowReadsNothing(uint32_t in, uint32_t out, uint32_t kernel, uint32_t stride,
                        uint32_t dilation, uint32_t pad_begin) {
  for (uint32_t o = 0; o < out; ++o) {
    bool any = false;
    for (uint32_t t = 0; t < kernel; ++t) {
      const int64_t at = int64_t{o} * stride + int64_t{t} * dilation - pad_begin;
      any |= at >= 0 && at < in;
    }
    if (!any) return true;
  }
  return false;
}

// A conv2d drawn at random, or set by a test.
struct ConvSpec {
  InputOperandLayout layout = InputOperandLayout::kNchw;
  Conv2dFilterOperandLayout filter_layout = Conv2dFilterOperandLayout::kOihw;
  uint32_t batch = 1, in_c = 1, out_c = 1, h = 1, w = 1, kh = 1, kw = 1, groups = 1;
  UintList padding{0, 0, 0, 0}, strides{1, 1}, dilations{1, 1};
  bool bias = false, const_filter = true, const_bias = true;

  // Terms summed per output element.
  uint64_t K() const { return uint64_t{in_c / groups} * kh * kw; }
  // Whether some output element's window lies wholly in the padding. oneDNN 2.6's brgconv adds
  // per-channel binary post-op operands at the wrong channels then (found by this test), so the
  // emitter fuses no binary operation into such a convolution.
  bool SomeWindowInPadding() const {
    const uint32_t in[2] = {h, w}, k[2] = {kh, kw};
    for (int d = 0; d < 2; ++d) {
      const uint32_t extent = (k[d] - 1) * dilations[d] + 1;
      const uint32_t out = (in[d] + padding[2 * d] + padding[2 * d + 1] - extent) / strides[d] + 1;
      if (WindowReadsNothing(in[d], out, k[d], strides[d], dilations[d], padding[2 * d])) {
        return true;
      }
    }
    return false;
  }
  Shape InputShape() const { return ActivationShape(layout, batch, in_c, h, w); }
};

// Kernel size, padding, strides and dilations for an input of `size`, valid by construction.
void DrawWindow(Rng& r, uint32_t size, uint32_t max_kernel, uint32_t& kernel, uint32_t& pad_begin,
                uint32_t& pad_end, uint32_t& stride, uint32_t& dilation) {
  pad_begin = r.Chance(0.5) ? 0 : r.Int(0, 2);
  pad_end = r.Chance(0.5) ? 0 : r.Int(0, 2);
  stride = r.Chance(0.5) ? 1 : r.Int(1, 3);
  dilation = r.Chance(0.75) ? 1 : 2;
  // (kernel - 1) * dilation + 1 <= size + padding.
  const uint32_t fit = (size + pad_begin + pad_end - 1) / dilation + 1;
  kernel = r.Int(1, std::min(max_kernel, fit));
}

ConvSpec DrawConv(Rng& r) {
  ConvSpec s;
  s.layout = DrawLayout(r);
  s.filter_layout = static_cast<Conv2dFilterOperandLayout>(r.Int(0, 3));
  s.batch = r.Int(1, 2);
  switch (r.Int(0, 2)) {
    case 0:  // ungrouped
      s.in_c = r.Pick({1u, 3u, 4u, 8u, 16u, 67u});
      s.out_c = r.Pick({1u, 4u, 8u, 16u, 67u});
      break;
    case 1:  // depthwise, with a channel multiplier
      s.in_c = r.Pick({1u, 3u, 8u, 16u, 67u});
      s.groups = s.in_c;
      s.out_c = s.in_c * r.Pick({1u, 2u});
      break;
    default:  // grouped
      s.groups = r.Pick({2u, 3u, 4u});
      s.in_c = s.groups * r.Int(1, 4);
      s.out_c = s.groups * r.Pick({1u, 2u, 4u});
      break;
  }
  const bool wide = s.in_c >= 67 || s.out_c >= 67;
  s.h = r.Chance(0.15) ? 1 : r.Int(1, wide ? 5 : 9);
  s.w = r.Chance(0.15) ? 1 : r.Int(1, wide ? 5 : 9);
  DrawWindow(r, s.h, 5, s.kh, s.padding[0], s.padding[1], s.strides[0], s.dilations[0]);
  DrawWindow(r, s.w, 5, s.kw, s.padding[2], s.padding[3], s.strides[1], s.dilations[1]);
  s.bias = r.Chance(0.6);
  s.const_filter = r.Chance(0.7);
  s.const_bias = r.Chance(0.7);
  return s;
}

OperandId AddConv(Case& c, OperandId x, const ConvSpec& s) {
  const Shape fshape = Conv2dFilterShape(s.filter_layout, s.out_c, s.in_c / s.groups, s.kh, s.kw);
  const OperandId w = s.const_filter ? c.Constant(fshape) : c.Input(fshape);
  OperandId b = kNoOperand;
  if (s.bias) b = s.const_bias ? c.Constant({s.out_c}) : c.Input({s.out_c});
  Conv2dAttrs a;
  // Options left at their defaults are sometimes omitted, sometimes given.
  const bool zero_pad = s.padding == UintList{0, 0, 0, 0};
  if (!zero_pad || c.rng.Chance(0.5)) a.padding = s.padding;
  if (s.strides != UintList{1, 1} || c.rng.Chance(0.5)) a.strides = s.strides;
  if (s.dilations != UintList{1, 1} || c.rng.Chance(0.5)) a.dilations = s.dilations;
  a.groups = s.groups;
  a.inputLayout = s.layout;
  a.filterLayout = s.filter_layout;
  return c.Op(OpKind::kConv2d, {x, w, b}, a);
}

// The activations a convolution, matrix product or eltwise primitive takes as a post-op.
struct Activation {
  const char* name;
  OpKind kind;
  Attrs attrs;
  Tolerance tol;
};

std::vector<Activation> FusableActivations() {
  ClampAttrs relu6, clamp, clamp_low;
  relu6.minValue = 0.0, relu6.maxValue = 6.0;
  clamp.minValue = -0.5, clamp.maxValue = 0.25;
  clamp_low.minValue = -0.1;
  EluAttrs elu;
  elu.alpha = 0.7;
  LeakyReluAttrs leaky;
  leaky.alpha = 0.1;
  LinearAttrs linear;
  linear.alpha = 1.5, linear.beta = -0.25;
  HardSigmoidAttrs hard_sigmoid;
  hard_sigmoid.alpha = 0.3, hard_sigmoid.beta = 0.4;  // saturates at both ends within [-4, 4]
  return {
      {"relu", OpKind::kRelu, NoAttrs{}, kExact},
      {"relu6", OpKind::kClamp, relu6, kExact},
      {"clamp", OpKind::kClamp, clamp, kExact},
      {"clampMin", OpKind::kClamp, clamp_low, kExact},
      {"sigmoid", OpKind::kSigmoid, NoAttrs{}, kTranscendental},
      {"tanh", OpKind::kTanh, NoAttrs{}, kTranscendental},
      {"gelu", OpKind::kGelu, NoAttrs{}, kTranscendental},
      {"elu", OpKind::kElu, elu, kTranscendental},
      {"leakyRelu", OpKind::kLeakyRelu, leaky, kArithmetic},
      {"linear", OpKind::kLinear, linear, kArithmetic},
      {"hardSwish", OpKind::kHardSwish, NoAttrs{}, kTranscendental},
      // linear then clip: two eltwise post-ops, or two primitives on its own.
      {"hardSigmoid", OpKind::kHardSigmoid, hard_sigmoid, kArithmetic},
  };
}

Shape DrawShape(Rng& r, uint32_t min_rank, uint32_t max_rank, uint32_t max_dim) {
  Shape s(r.Int(min_rank, max_rank));
  for (uint32_t& d : s) d = r.Chance(0.2) ? 1 : r.Int(1, max_dim);
  return s;
}

// `full` with some leading axes dropped and some axes set to 1: a shape that broadcasts to it.
Shape Broadcastable(Rng& r, const Shape& full) {
  Shape s(full.begin() + (r.Chance(0.4) ? r.Int(0, static_cast<uint32_t>(full.size())) : 0),
          full.end());
  for (uint32_t& d : s) {
    if (r.Chance(0.35)) d = 1;
  }
  return s;
}

uint64_t Product(const Shape& s) {
  return std::accumulate(s.begin(), s.end(), uint64_t{1}, std::multiplies<>());
}

// Values of random sign with magnitudes in [lo, hi] (divisors kept away from zero).
std::vector<double> SignedAway(Rng& r, const Shape& shape, double lo, double hi) {
  std::vector<double> v(Product(shape));
  for (double& x : v) x = (r.Chance(0.5) ? -1 : 1) * r.Uniform(lo, hi);
  return v;
}

// ---- conv2d ------------------------------------------------------------------------------------

// Every geometry, grouping, layout and filter layout; constant and run-time filters and biases.
void GenConv2d(Case& c) {
  const ConvSpec s = DrawConv(c.rng);
  c.Output(AddConv(c, c.Input(s.InputShape()), s));
  c.tol = Accumulation(s.K());
}

// A convolution oneDNN runs on a JIT kernel that takes eltwise and per-channel post-ops
// (ungrouped, 16 or 32 output channels, constant filter; checked with oneDNN 2.6.3 on AVX-512):
// where fusion must happen.
ConvSpec DrawFusableConv(Rng& r) {
  ConvSpec s = DrawConv(r);
  s.groups = 1;
  s.in_c = r.Pick({3u, 8u, 16u});
  s.out_c = r.Pick({16u, 32u});
  s.const_filter = s.const_bias = true;
  return s;
}

// The output-channel axis of a conv2d result.
uint32_t ChannelAxis(InputOperandLayout layout) {
  return layout == InputOperandLayout::kNchw ? 1 : 3;
}
// A per-channel operand that broadcasts to a conv2d result: [C, 1, 1] or [C].
Shape PerChannelShape(InputOperandLayout layout, uint32_t channels) {
  return layout == InputOperandLayout::kNchw ? Shape{channels, 1, 1} : Shape{channels};
}

// Ends a fused chain. Usually through a maxPool2d (a 1x1 or 2x2 max: exact, so the tolerance is
// unchanged): the chain's result is then no graph output, oneDNN picks the convolution's layout
// and JIT kernel, and the `fused` operations must be post-ops. Sometimes the result is the graph
// output itself: its destination is then dense (NCHW or NHWC), for which oneDNN may choose a
// gemm-based kernel, and the emitter runs such chains unfused by design (a fused gemm kernel
// costs more than it saves), so only the values are checked.
void EndChain(Case& c, OperandId y, InputOperandLayout layout, uint32_t fused) {
  if (c.rng.Chance(0.25)) {
    c.Note("the chain ends in the graph output: fusion not asserted");
    c.Output(y);
    return;
  }
  Pool2dAttrs p;
  p.layout = layout;
  if (c.rng.Chance(0.5)) {
    p.windowDimensions = UintList{1, 1};
  } else {
    p.windowDimensions = UintList{2, 2};
    p.padding = UintList{0, 1, 0, 1};
  }
  c.Output(c.Unary(OpKind::kMaxPool2d, y, p));
  c.expect_min_fused = fused;
}

// conv2d followed by one activation: fused as a post-op.
void GenConv2dActivation(Case& c, const Activation& act) {
  const ConvSpec s = DrawFusableConv(c.rng);
  const OperandId y = AddConv(c, c.Input(s.InputShape()), s);
  EndChain(c, c.Unary(act.kind, y, act.attrs), s.layout, 1);
  c.tol = Then(Accumulation(s.K()), act.tol);
}

// conv2d followed by a binary operation with a full-size, per-channel or scalar operand, in
// either operand position, sometimes followed by an activation: the residual add of ResNets and
// the scale/shift of a folded normalization, fused as binary post-ops.
void GenConv2dResidual(Case& c) {
  const ConvSpec s = DrawFusableConv(c.rng);
  const OperandId y = AddConv(c, c.Input(s.InputShape()), s);
  const Shape out = c.ShapeOf(y);
  OperandId other;
  const int other_kind = static_cast<int>(c.rng.Int(0, 2));
  switch (other_kind) {
    case 0:
      other = c.Operand(out, 0.2);
      break;
    case 1:
      other = c.Constant(PerChannelShape(s.layout, s.out_c));
      break;
    default:
      other = c.Constant({});
      break;
  }
  const OpKind kind = c.rng.Pick(
      {OpKind::kAdd, OpKind::kAdd, OpKind::kMul, OpKind::kSub, OpKind::kMax, OpKind::kMin});
  // sub keeps the convolution first (a post-op computes dst - src1 only).
  const bool conv_first = kind == OpKind::kSub || c.rng.Chance(0.5);
  OperandId z = c.Op(kind, conv_first ? std::vector{y, other} : std::vector{other, y});
  // A per-channel or scalar operand is a binary post-op of the convolution. A full-size one is
  // not fused on every machine: oneDNN's JIT kernels take it only in the destination's blocked
  // layout (its AVX-512 brgconv not at all), and a gemm or reference kernel is declined. The
  // binary operation then runs as its own primitive and takes the relu.
  const bool binary_fuses = other_kind != 0 && !s.SomeWindowInPadding();
  uint32_t fused = binary_fuses ? 1 : 0;
  if (c.rng.Chance(0.5)) {
    z = c.Unary(OpKind::kRelu, z);
    ++fused;
  }
  EndChain(c, z, s.layout, fused);
  c.tol = Then(Accumulation(s.K()), kArithmetic);
}

// Two branches from one input joined by an add (ResNet's projection shortcut): the add reads
// the result of the branch computed second.
void GenConv2dBranches(Case& c) {
  ConvSpec a = DrawFusableConv(c.rng);
  a.kh = a.kw = 3;
  a.padding = {1, 1, 1, 1};
  a.dilations = {1, 1};
  ConvSpec b = a;  // 1x1, same strides: the same output size
  b.kh = b.kw = 1;
  b.padding = {0, 0, 0, 0};
  b.bias = c.rng.Chance(0.5);
  b.filter_layout = static_cast<Conv2dFilterOperandLayout>(c.rng.Int(0, 3));
  const OperandId x = c.Input(a.InputShape());
  const OperandId ya = AddConv(c, x, a);
  const OperandId yb = AddConv(c, x, b);
  if (c.ShapeOf(ya) != c.ShapeOf(yb)) throw InvalidCase("branch shapes differ");
  OperandId z = c.Op(OpKind::kAdd, c.rng.Chance(0.5) ? std::vector{ya, yb} : std::vector{yb, ya});
  z = c.Unary(OpKind::kRelu, z);
  // The add joins two full-size values: it runs fused into the branch computed second where
  // oneDNN has a kernel for that, else as a binary primitive taking the relu.
  EndChain(c, z, a.layout, 1);
  c.tol = Then(Accumulation(a.K() + b.K()), kArithmetic);
}

// conv -> relu -> conv -> add(relu output) -> relu: a ResNet basic block; the first relu has
// two readers, so it stays the first convolution's post-op; the add (full-size, see
// GenConv2dResidual) is the second's or a binary primitive with the last relu.
void GenConv2dBlock(Case& c) {
  ConvSpec a = DrawFusableConv(c.rng);
  a.in_c = a.out_c;
  a.strides = {1, 1};
  a.dilations = {1, 1};
  a.kh = a.kw = 3;
  a.padding = {1, 1, 1, 1};
  a.h = std::max(a.h, 2u);
  a.w = std::max(a.w, 2u);
  const OperandId x = c.Input(a.InputShape());
  const OperandId r1 = c.Unary(OpKind::kRelu, AddConv(c, x, a));
  ConvSpec b = a;
  b.filter_layout = static_cast<Conv2dFilterOperandLayout>(c.rng.Int(0, 3));
  b.bias = c.rng.Chance(0.5);
  const OperandId y2 = AddConv(c, r1, b);
  const OperandId z = c.Unary(OpKind::kRelu, c.Op(OpKind::kAdd, {y2, r1}));
  EndChain(c, z, a.layout, 2);
  // The second convolution sums K terms of magnitude up to sqrt(K)/2.
  c.tol = Then(Accumulation(a.K() * 8), kArithmetic);
}

// conv2d followed by batchNormalization with constant statistics on the channel axis: folded
// into the filter and bias (then an activation post-op).
void GenConv2dBatchNorm(Case& c) {
  const ConvSpec s = DrawFusableConv(c.rng);
  const OperandId y = AddConv(c, c.Input(s.InputShape()), s);
  BatchNormalizationAttrs bn;
  bn.axis = ChannelAxis(s.layout);
  bn.epsilon = c.rng.Pick({1e-5, 1e-3});
  const OperandId mean = c.Constant({s.out_c}, kF32, -0.5, 0.5);
  const OperandId var = c.Constant({s.out_c}, kF32, 0.2, 2);
  const OperandId scale = c.rng.Chance(0.7) ? c.Constant({s.out_c}, kF32, 0.5, 1.5) : kNoOperand;
  const OperandId shift = c.rng.Chance(0.7) ? c.Constant({s.out_c}) : kNoOperand;
  OperandId z = c.Op(OpKind::kBatchNormalization, {y, mean, var, scale, shift}, bn);
  if (c.rng.Chance(0.6)) {
    const auto acts = FusableActivations();
    const Activation& act = c.rng.Pick(acts);
    z = c.Unary(act.kind, z, act.attrs);
    EndChain(c, z, s.layout, 2);
  } else {
    // The fold does not depend on the kernel oneDNN picks: asserted either way.
    c.Output(z);
    c.expect_min_fused = 1;
  }
  // 1 / sqrt(0.2) scales the convolution's error by up to 2.3x.
  c.tol = Then(Then(Accumulation(s.K()), kArithmetic), kTranscendental);
}

// batchNormalization after a convolution that cannot fold it (a run-time filter or
// statistics): a batchNormalization primitive on axis 1, the reference kernel on axis 3.
void GenConv2dBatchNormUnfolded(Case& c) {
  ConvSpec s = DrawFusableConv(c.rng);
  const bool runtime_filter = c.rng.Chance(0.5);
  s.const_filter = !runtime_filter;
  const OperandId y = AddConv(c, c.Input(s.InputShape()), s);
  BatchNormalizationAttrs bn;
  bn.axis = ChannelAxis(s.layout);
  const OperandId mean =
      runtime_filter ? c.Constant({s.out_c}, kF32, -0.5, 0.5) : c.Input({s.out_c}, kF32, -0.5, 0.5);
  const OperandId var = c.Constant({s.out_c}, kF32, 0.2, 2);
  const OperandId scale = c.rng.Chance(0.5) ? c.Operand({s.out_c}, 0.5, 0.5, 1.5) : kNoOperand;
  const OperandId shift = c.rng.Chance(0.5) ? c.Operand({s.out_c}, 0.5) : kNoOperand;
  c.Output(c.Op(OpKind::kBatchNormalization, {y, mean, var, scale, shift}, bn));
  c.tol = Then(Accumulation(s.K()), kArithmetic);
  c.expect_fallback = s.layout == InputOperandLayout::kNhwc ? 1 : 0;
}

// The fusable set is op_table.inc's "fusable" trait: each operator with it needs a oneDNN
// eltwise mapping (else the fusion would silently stop at it), and the activations tested for
// fusion below are those operators.
TEST(BackendDifferential, EveryFusableOperatorHasAOneDnnMapping) {
  std::vector<OpKind> tested;
  for (const Activation& a : FusableActivations()) tested.push_back(a.kind);
  // Fusable unary math, tested on its own (UnaryCases) rather than after a convolution, whose
  // results leave their domains (sqrt of a negative sum).
  for (OpKind k : {OpKind::kExp, OpKind::kSqrt, OpKind::kAbs, OpKind::kNeg}) tested.push_back(k);
  for (OpKind kind : AllOpKinds()) {
    if (!GetOpInfo(kind).fusable) continue;
    const Operation op{kind, {}, {}, DefaultAttrs(kind), ""};
    EXPECT_FALSE(onednn::EltwiseOf(op).empty()) << OpName(kind) << " has no eltwise mapping";
    EXPECT_NE(std::find(tested.begin(), tested.end(), kind), tested.end())
        << OpName(kind) << " is fusable but no differential case runs it";
  }
}

TEST(BackendDifferential, Conv2d) { RunFamily("conv2d", 100000, 50, GenConv2d); }

TEST(BackendDifferential, Conv2dActivations) {
  uint64_t seed = 110000;
  for (const Activation& act : FusableActivations()) {
    RunFamily(std::string("conv2d+") + act.name, seed, 4,
              [&](Case& c) { GenConv2dActivation(c, act); });
    seed += 1000;
  }
}

TEST(BackendDifferential, Conv2dResidual) {
  RunFamily("conv2d+binary", 120000, 24, GenConv2dResidual);
  RunFamily("conv2d branches+add", 121000, 8, GenConv2dBranches);
  RunFamily("conv2d block", 122000, 8, GenConv2dBlock);
}

TEST(BackendDifferential, Conv2dBatchNorm) {
  RunFamily("conv2d+batchNorm folded", 130000, 16, GenConv2dBatchNorm);
  RunFamily("conv2d+batchNorm unfolded", 131000, 10, GenConv2dBatchNormUnfolded);
}

// ---- convTranspose2d ---------------------------------------------------------------------------

Shape ConvTranspose2dFilterShape(ConvTranspose2dFilterOperandLayout layout, uint32_t i, uint32_t o,
                                 uint32_t kh, uint32_t kw) {
  switch (layout) {
    case ConvTranspose2dFilterOperandLayout::kIohw:
      return {i, o, kh, kw};
    case ConvTranspose2dFilterOperandLayout::kHwoi:
      return {kh, kw, o, i};
    case ConvTranspose2dFilterOperandLayout::kOhwi:
      return {o, kh, kw, i};
  }
  return {};
}

// Strides, dilations, padding, outputPadding or outputSizes, both input layouts and every filter
// layout. oneDNN takes the ungrouped ones whose extra output rows fit in the end padding (it
// has no negative padding); grouped ones stay on the reference.
void GenConvTranspose2d(Case& c) {
  Rng& r = c.rng;
  ConvTranspose2dAttrs a;
  a.inputLayout = DrawLayout(r);
  a.filterLayout = static_cast<ConvTranspose2dFilterOperandLayout>(r.Int(0, 2));
  a.groups = r.Chance(0.15) ? 2 : 1;
  const uint32_t batch = r.Int(1, 2);
  const uint32_t in_c = a.groups * r.Pick({1u, 3u, 4u, 8u});
  const uint32_t out_c = a.groups * r.Pick({1u, 4u, 8u});
  const uint32_t in[2] = {r.Int(1, 6), r.Int(1, 6)};
  uint32_t k[2], s[2], d[2], pad[4];
  for (int i = 0; i < 2; ++i) {
    k[i] = r.Int(1, 4);
    s[i] = r.Int(1, 3);
    d[i] = r.Chance(0.8) ? 1 : 2;
    pad[2 * i] = r.Chance(0.5) ? 0 : r.Int(0, 2);
    pad[2 * i + 1] = r.Chance(0.5) ? 0 : r.Int(0, 2);
  }
  a.strides = UintList{s[0], s[1]};
  a.dilations = UintList{d[0], d[1]};
  a.padding = UintList{pad[0], pad[1], pad[2], pad[3]};
  int64_t calc[2];
  uint32_t extra[2] = {0, 0};
  const int mode = static_cast<int>(r.Int(0, 2));  // none, outputPadding, outputSizes
  for (int i = 0; i < 2; ++i) {
    calc[i] =
        (int64_t{in[i]} - 1) * s[i] + (int64_t{k[i]} - 1) * d[i] + 1 - pad[2 * i] - pad[2 * i + 1];
    if (calc[i] < 1) throw InvalidCase("empty output");
    if (mode != 0) extra[i] = r.Int(0, s[i] - 1);
  }
  if (mode == 1) a.outputPadding = UintList{extra[0], extra[1]};
  if (mode == 2) {
    a.outputSizes = UintList{static_cast<uint32_t>(calc[0] + extra[0]),
                             static_cast<uint32_t>(calc[1] + extra[1])};
  }
  const OperandId x = c.Input(ActivationShape(a.inputLayout, batch, in_c, in[0], in[1]));
  const Shape fshape =
      ConvTranspose2dFilterShape(a.filterLayout, in_c, out_c / a.groups, k[0], k[1]);
  const OperandId w = c.Operand(fshape, 0.7);
  const OperandId b = r.Chance(0.5) ? c.Operand({out_c}, 0.7) : kNoOperand;
  OperandId y = c.Op(OpKind::kConvTranspose2d, {x, w, b}, a);
  const bool fast = a.groups == 1 && extra[0] <= pad[1] && extra[1] <= pad[3];
  c.expect_fallback = fast ? 0 : 1;
  c.tol = Accumulation(uint64_t{in_c} * k[0] * k[1]);
  if (r.Chance(0.3)) {
    y = c.Unary(OpKind::kRelu, y);
    // A declined convTranspose2d leaves the relu to its own eltwise primitive.
  }
  c.Output(y);
}

TEST(BackendDifferential, ConvTranspose2d) {
  RunFamily("convTranspose2d", 140000, 40, GenConvTranspose2d);
}

// ---- matmul and gemm -------------------------------------------------------------------------

// 2-D, batched, broadcast batch dimensions (either side), different ranks; b constant or not.
void GenMatmul(Case& c) {
  Rng& r = c.rng;
  const uint32_t ra = r.Int(2, 4), rb = r.Int(2, 4);
  const uint32_t m = r.Pick({1u, 2u, 5u, 8u, 17u}), k = r.Pick({1u, 3u, 8u, 16u, 33u}),
                 n = r.Pick({1u, 4u, 7u, 16u});
  const uint32_t nb = std::max(ra, rb) - 2;
  Shape batch(nb);
  for (uint32_t& d : batch) d = r.Int(1, 3);
  auto side = [&](uint32_t rank, uint32_t rows, uint32_t cols) {
    Shape s(batch.end() - (rank - 2), batch.end());
    for (uint32_t& d : s) {
      if (r.Chance(0.3)) d = 1;
    }
    s.push_back(rows);
    s.push_back(cols);
    return s;
  };
  const OperandId a = c.Input(side(ra, m, k));
  const OperandId b = c.Operand(side(rb, k, n), 0.3);
  c.Output(c.Op(OpKind::kMatmul, {a, b}));
  c.tol = Accumulation(k);
}

// The source shape whose transpose by `perm` is `shape`.
Shape Untransposed(const Shape& shape, const std::vector<uint32_t>& perm) {
  Shape s(shape.size());
  for (size_t i = 0; i < perm.size(); ++i) s[perm[i]] = shape[i];
  return s;
}

std::vector<uint32_t> DrawPermutation(Rng& r, uint32_t rank) {
  std::vector<uint32_t> p(rank);
  std::iota(p.begin(), p.end(), 0u);
  switch (r.Int(0, 2)) {
    case 0:
      break;
    case 1:
      std::swap(p[rank - 1], p[rank - 2]);
      break;
    default:
      p = r.Permutation(rank);
      break;
  }
  return p;
}

// Operands arriving through transpose (strided views the matmul primitive reads directly).
void GenMatmulTransposed(Case& c) {
  Rng& r = c.rng;
  const uint32_t rank = r.Int(2, 4);
  Shape batch(rank - 2);
  for (uint32_t& d : batch) d = r.Int(1, 3);
  const uint32_t m = r.Pick({1u, 3u, 8u, 13u}), k = r.Pick({2u, 8u, 19u}),
                 n = r.Pick({1u, 5u, 16u});
  Shape as = batch, bs = batch;
  as.insert(as.end(), {m, k});
  bs.insert(bs.end(), {k, n});
  const auto pa = DrawPermutation(r, rank), pb = DrawPermutation(r, rank);
  TransposeAttrs ta, tb;
  ta.permutation = UintList(pa.begin(), pa.end());
  tb.permutation = UintList(pb.begin(), pb.end());
  const OperandId a = c.Unary(OpKind::kTranspose, c.Input(Untransposed(as, pa)), ta);
  const OperandId b = c.Unary(OpKind::kTranspose, c.Operand(Untransposed(bs, pb), 0.3), tb);
  c.Output(c.Op(OpKind::kMatmul, {a, b}));
  c.tol = Accumulation(k);
}

// matmul + bias + activation + residual add, the transformer MLP pattern: all post-ops.
void GenMatmulChain(Case& c) {
  Rng& r = c.rng;
  const uint32_t m = r.Pick({1u, 4u, 9u}), k = r.Pick({8u, 16u, 32u}), n = r.Pick({8u, 16u, 24u});
  Shape xs = {m, k};
  if (r.Chance(0.5)) xs.insert(xs.begin(), r.Int(1, 3));
  const OperandId x = c.Input(xs);
  const OperandId w = c.Constant({k, n});
  OperandId y = c.Op(OpKind::kMatmul, {x, w});
  const Shape ys = c.ShapeOf(y);
  y = c.Op(OpKind::kAdd, {y, c.Constant({n})});
  const auto acts = FusableActivations();
  const Activation& act = r.Chance(0.5) ? acts[6] /* gelu */ : r.Pick(acts);
  y = c.Unary(act.kind, y, act.attrs);
  const OperandId residual = c.Input(ys);
  y = c.Op(OpKind::kAdd, r.Chance(0.5) ? std::vector{y, residual} : std::vector{residual, y});
  c.expect_min_fused = 3;
  c.Output(y);
  c.tol = Then(Then(Accumulation(k), act.tol), kArithmetic);
}

// aTranspose, bTranspose, alpha, and c of every broadcastable shape with beta 1 and 0 (other
// betas stay on the reference kernel).
void GenGemm(Case& c) {
  Rng& r = c.rng;
  const uint32_t m = r.Pick({1u, 3u, 8u, 17u}), k = r.Pick({1u, 4u, 16u, 33u}),
                 n = r.Pick({1u, 5u, 16u});
  GemmAttrs g;
  g.aTranspose = r.Chance(0.5);
  g.bTranspose = r.Chance(0.5);
  g.alpha = r.Pick({1.0, 1.0, 0.5, -2.0});
  const OperandId a = c.Input(g.aTranspose ? Shape{k, m} : Shape{m, k});
  const OperandId b = c.Operand(g.bTranspose ? Shape{n, k} : Shape{k, n}, 0.4);
  OperandId cc = kNoOperand;
  if (r.Chance(0.75)) {
    const Shape cs = r.Pick<Shape>({{n}, {m, n}, {1, n}, {m, 1}, {}, {1, 1}});
    cc = c.Operand(cs, 0.5);
    g.beta = r.Pick({1.0, 1.0, 0.0, 0.5});
  }
  c.expect_fallback = cc != kNoOperand && g.beta != 1.0 && g.beta != 0.0 ? 1 : 0;
  c.Output(c.Op(OpKind::kGemm, {a, b, cc}, g));
  Tolerance t = Accumulation(k);
  t.atol *= std::fabs(g.alpha);
  c.tol = Then(t, kArithmetic);
}

TEST(BackendDifferential, Matmul) {
  RunFamily("matmul", 150000, 40, GenMatmul);
  RunFamily("matmul transposed operands", 151000, 30, GenMatmulTransposed);
  RunFamily("matmul+bias+act+residual", 152000, 16, GenMatmulChain);
}

TEST(BackendDifferential, Gemm) { RunFamily("gemm", 160000, 40, GenGemm); }

// ---- pooling -----------------------------------------------------------------------------------

// averagePool2d and maxPool2d: window, strides, padding, dilations, rounding, outputSizes, both
// layouts, global pooling. A window lying wholly in the padding stays on the reference kernel.
void GenPool2dOf(Case& c, OpKind kind) {
  Rng& r = c.rng;
  Pool2dAttrs a;
  a.layout = DrawLayout(r);
  const uint32_t batch = r.Int(1, 2), ch = r.Pick({1u, 3u, 8u, 16u, 67u});
  const uint32_t max_hw = ch == 67 ? 5 : 9;
  const uint32_t in[2] = {r.Chance(0.1) ? 1 : r.Int(1, max_hw),
                          r.Chance(0.1) ? 1 : r.Int(1, max_hw)};
  uint32_t k[2] = {in[0], in[1]}, s[2] = {1, 1}, d[2] = {1, 1}, pad[4] = {0, 0, 0, 0};
  const bool global = r.Chance(0.2);
  if (!global) {
    for (int i = 0; i < 2; ++i) {
      DrawWindow(r, in[i], 4, k[i], pad[2 * i], pad[2 * i + 1], s[i], d[i]);
    }
    a.windowDimensions = UintList{k[0], k[1]};
    a.padding = UintList{pad[0], pad[1], pad[2], pad[3]};
    a.strides = UintList{s[0], s[1]};
    if (d[0] != 1 || d[1] != 1 || r.Chance(0.3)) a.dilations = UintList{d[0], d[1]};
  }
  a.outputShapeRounding = r.Chance(0.4) ? RoundingType::kCeil : RoundingType::kFloor;
  uint32_t out[2];
  for (int i = 0; i < 2; ++i) {
    const int64_t num = int64_t{in[i]} + pad[2 * i] + pad[2 * i + 1] - ((k[i] - 1) * d[i] + 1);
    const int64_t floor_size = num / s[i] + 1, ceil_size = (num + s[i] - 1) / s[i] + 1;
    out[i] = static_cast<uint32_t>(a.outputShapeRounding == RoundingType::kCeil ? ceil_size
                                                                                : floor_size);
  }
  if (r.Chance(0.25)) {
    // outputSizes overrides the rounding: give the other one's sizes.
    a.outputShapeRounding =
        a.outputShapeRounding == RoundingType::kCeil ? RoundingType::kFloor : RoundingType::kCeil;
    a.outputSizes = UintList{out[0], out[1]};
  }
  // oneDNN declines a window reading nothing (the emitter keeps those on the reference, which
  // gives 0 or the lowest value), and its descriptor rejects average pooling whose dilation
  // (counted from 0) is not below the input size (its guard against 0 / 0 windows).
  // l2Pool2d counts the padding in (as zeros): a window reading nothing is 0 on both.
  bool declined = false;
  for (int i = 0; i < 2; ++i) {
    declined |= kind != OpKind::kL2Pool2d &&
                WindowReadsNothing(in[i], out[i], k[i], s[i], d[i], pad[2 * i]);
    declined |= kind == OpKind::kAveragePool2d && d[i] - 1 >= in[i];
  }
  const OperandId x = c.Input(ActivationShape(a.layout, batch, ch, in[0], in[1]));
  c.Output(c.Op(kind, {x}, a));
  c.expect_fallback = declined ? 1 : 0;
  // l2: the squares' average times the window size, then a correctly rounded square root.
  c.tol = kind == OpKind::kMaxPool2d ? kExact : Reduction(uint64_t{k[0]} * k[1]);
}

void GenPool2d(Case& c) {
  GenPool2dOf(c, c.rng.Chance(0.5) ? OpKind::kAveragePool2d : OpKind::kMaxPool2d);
}

TEST(BackendDifferential, Pool2d) {
  RunFamily("pool2d", 170000, 50, GenPool2d);
  RunFamily("l2Pool2d", 171000, 50, [](Case& c) { GenPool2dOf(c, OpKind::kL2Pool2d); });
}

// ---- elementwise -------------------------------------------------------------------------------

// oneDNN broadcasts only the second source of a binary primitive: the first must have the
// result's shape, after swapping the operands of a commutative operation.
bool BinaryDeclined(const Case& c, OpKind kind, OperandId a, OperandId b, OperandId y) {
  const bool commutes = kind != OpKind::kSub && kind != OpKind::kDiv;
  return !(c.ShapeOf(a) == c.ShapeOf(y) || (commutes && c.ShapeOf(b) == c.ShapeOf(y)));
}

// add, sub, mul, div, max, min with broadcasting either way, scalars and rank 0. oneDNN
// broadcasts only its second source: an op whose first operand broadcasts runs on the
// reference unless it commutes and the second has the result's shape.
void GenBinary(Case& c) {
  Rng& r = c.rng;
  const OpKind kind =
      r.Pick({OpKind::kAdd, OpKind::kSub, OpKind::kMul, OpKind::kDiv, OpKind::kMax, OpKind::kMin});
  const Shape full = DrawShape(r, 0, 4, 5);
  const Shape as = r.Chance(0.5) ? full : Broadcastable(r, full);
  const Shape bs = r.Chance(0.5) ? full : Broadcastable(r, full);
  const bool a_const = r.Chance(0.1), b_const = !a_const && r.Chance(0.3);
  const OperandId a = a_const ? c.Constant(as) : c.Input(as);
  OperandId b;
  if (kind == OpKind::kDiv) {
    const auto v = SignedAway(r, bs, 0.5, 2);
    b = b_const ? c.ConstantValues(bs, kF32, v) : c.InputValues(bs, kF32, v);
  } else {
    b = b_const ? c.Constant(bs) : c.Input(bs);
  }
  const OperandId y = c.Op(kind, {a, b});
  c.Output(y);
  c.expect_fallback = BinaryDeclined(c, kind, a, b, y) ? 1 : 0;
  c.tol = kind == OpKind::kMax || kind == OpKind::kMin ? kExact : kArithmetic;
}

// The unary operations oneDNN runs as eltwise primitives, each on inputs inside its domain.
struct UnaryCase {
  const char* name;
  OpKind kind;
  Attrs attrs;
  double lo, hi;
  Tolerance tol;
  bool on_reference = false;  // declined by the fast backend by design
};

std::vector<UnaryCase> UnaryCases() {
  std::vector<UnaryCase> v;
  for (const Activation& a : FusableActivations()) {
    v.push_back({a.name, a.kind, a.attrs, -4, 4, a.tol});
  }
  ClampAttrs clamp_high;
  clamp_high.maxValue = 0.3;
  v.push_back({"clampMax", OpKind::kClamp, clamp_high, -1, 1, kExact});
  v.push_back({"exp", OpKind::kExp, NoAttrs{}, -5, 5, kTranscendental});
  // log runs on oneDNN's C-library implementation (its JIT log(1) is -1.4e-6, not 0): one
  // correctly rounded or faithful float operation, also around 1 where the result is tiny.
  v.push_back({"log", OpKind::kLog, NoAttrs{}, 0.01, 10, kArithmetic});
  v.push_back({"log near 1", OpKind::kLog, NoAttrs{}, 0.999, 1.001, kArithmetic});
  // sqrt is correctly rounded in both.
  v.push_back({"sqrt", OpKind::kSqrt, NoAttrs{}, 0, 10, kExact});
  v.push_back({"abs", OpKind::kAbs, NoAttrs{}, -1, 1, kExact});
  v.push_back({"neg", OpKind::kNeg, NoAttrs{}, -1, 1, kExact});
  v.push_back({"identity", OpKind::kIdentity, NoAttrs{}, -1, 1, kExact});
  return v;
}

void GenUnary(Case& c, const UnaryCase& u) {
  const Shape s = DrawShape(c.rng, 0, 5, 6);
  c.Output(c.Unary(u.kind, c.Input(s, kF32, u.lo, u.hi), u.attrs));
  c.tol = u.tol;
  c.expect_fallback = u.on_reference ? 1 : 0;
}

// Chains of activations and binary operations with a broadcast constant, ranks 1 to 6. A binary
// primitive takes everything after it as post-ops; an eltwise primitive with post-ops exists
// only as oneDNN's reference kernel, which the emitter declines, so activations before the first
// binary operation run as separate steps.
void GenUnaryChain(Case& c) {
  Rng& r = c.rng;
  const auto acts = FusableActivations();
  const Shape s = DrawShape(r, 1, 6, 4);
  const uint32_t length = r.Int(2, 4);
  OperandId y = c.Input(s, kF32, -3, 3);
  Tolerance tol = kExact;
  // A binary primitive opens a chain of post-ops; an activation repeating an eltwise algorithm
  // of the chain with other parameters (clamp after clamp: oneDNN 2.6's injector would run it
  // with the first one's) closes it and runs as a primitive of its own.
  bool open = false;
  std::vector<onednn::EltwiseOp> chain;
  uint32_t fused = 0;
  for (uint32_t i = 0; i < length; ++i) {
    if (r.Chance(0.35)) {
      const OpKind kind = r.Pick({OpKind::kAdd, OpKind::kMul, OpKind::kSub, OpKind::kMax});
      y = c.Op(kind, {y, c.Constant(Broadcastable(r, s))});
      tol = Then(tol, kArithmetic);
      if (open) ++fused;
      if (!open) chain.clear();
      open = true;
    } else {
      const Activation& a = r.Pick(acts);
      y = c.Unary(a.kind, y, a.attrs);
      tol = Then(tol, a.tol);
      if (!open) continue;
      const auto elts = onednn::EltwiseOf(Operation{a.kind, {}, {}, a.attrs, ""});
      bool repeats = false;
      for (const auto& e : elts) {
        for (const auto& f : chain) {
          repeats |= e.alg == f.alg && (e.alpha != f.alpha || e.beta != f.beta);
        }
      }
      if (repeats) {
        c.Note(a.name, " repeats an eltwise algorithm of the chain: a primitive of its own");
        open = false;
      } else {
        chain.insert(chain.end(), elts.begin(), elts.end());
        ++fused;
      }
    }
  }
  c.Output(y);
  c.tol = tol;
  c.expect_min_fused = fused;
}

// prelu with a slope that broadcasts to the input (oneDNN) or an input that broadcasts to the
// slope (reference).
void GenPrelu(Case& c) {
  Rng& r = c.rng;
  const Shape full = DrawShape(r, 1, 4, 6);
  const bool slope_broadcasts = r.Chance(0.75);
  const Shape xs = slope_broadcasts ? full : Broadcastable(r, full);
  const Shape ss = slope_broadcasts ? Broadcastable(r, full) : full;
  const OperandId x = c.Input(xs);
  const OperandId slope = c.Operand(ss, 0.5, -0.5, 0.5);
  const OperandId y = c.Op(OpKind::kPrelu, {x, slope});
  c.Output(y);
  c.expect_fallback = c.ShapeOf(y) == xs ? 0 : 1;
  c.tol = kExact;
}

// pow with a constant exponent: all 2s (eltwise square on oneDNN; a scalar, [1] or a tensor
// broadcast to x), or another value or a run-time exponent (the reference kernel).
void GenPow(Case& c) {
  Rng& r = c.rng;
  const Shape s = DrawShape(r, 0, 4, 6);
  const OperandId x = c.Input(s, kF32, -3, 3);
  const Shape es = r.Chance(0.4) ? Shape{} : r.Chance(0.5) ? Shape{1} : Broadcastable(r, s);
  const uint64_t n = Product(es);
  const int kind = static_cast<int>(r.Int(0, 3));
  const double value = kind == 2 ? 3 : 2;
  const OperandId e = kind == 3 ? c.Input(es, kF32, 2, 2)
                                : c.ConstantValues(es, kF32, std::vector<double>(n, value));
  const OperandId y = c.Op(OpKind::kPow, {x, e});
  c.Output(y);
  c.expect_fallback = kind >= 2 || c.ShapeOf(y) != s ? 1 : 0;
  c.tol = kExact;
}

TEST(BackendDifferential, Binary) { RunFamily("binary", 180000, 60, GenBinary); }

TEST(BackendDifferential, Pow) { RunFamily("pow", 181000, 30, GenPow); }

TEST(BackendDifferential, Unary) {
  uint64_t seed = 190000;
  for (const UnaryCase& u : UnaryCases()) {
    RunFamily(std::string("unary ") + u.name, seed, 3, [&](Case& c) { GenUnary(c, u); });
    seed += 1000;
  }
  RunFamily("unary chains", 210000, 30, GenUnaryChain);
}

TEST(BackendDifferential, Prelu) { RunFamily("prelu", 220000, 20, GenPrelu); }

// ---- cast --------------------------------------------------------------------------------------

// float32 <-> float16 and int32/int8/uint8 -> float32/float16, as reorders; the values include
// float16's edges (largest finite, the first value rounding to infinity, subnormals, signed
// zero, NaN). Casts to integers truncate in WebNN and stay on the reference kernel.
void GenCast(Case& c) {
  Rng& r = c.rng;
  struct Pair {
    DataType from, to;
  };
  const Pair p = r.Pick<Pair>({{kF32, DataType::kFloat16},
                               {DataType::kFloat16, kF32},
                               {DataType::kInt32, kF32},
                               {DataType::kInt8, kF32},
                               {DataType::kUint8, kF32},
                               {DataType::kInt32, DataType::kFloat16},
                               {DataType::kUint8, DataType::kFloat16},
                               {kF32, DataType::kInt32},
                               {kF32, DataType::kUint8}});
  const Shape s = DrawShape(r, 0, 4, 6);
  std::vector<double> v(Product(s));
  const std::vector<double> specials = {
      65504, 65519, 65520, -70000, 1e-8,   3e-5, -0.0,
      0.5,   1.5,   2.5,   -2.5,   100.25, 1e5,  std::numeric_limits<double>::quiet_NaN()};
  for (double& x : v) {
    switch (p.from) {
      case DataType::kInt32:
        x = r.Chance(0.1) ? r.Pick({2147483647.0, -2147483648.0, 16777217.0, 65505.0})
                          : std::round(r.Uniform(-70000, 70000));
        break;
      case DataType::kInt8:
        x = static_cast<double>(r.Int(0, 255)) - 128;
        break;
      case DataType::kUint8:
        x = r.Int(0, 255);
        break;
      default:
        x = r.Chance(0.25) ? r.Pick(specials) : r.Uniform(-300, 300);
        break;
    }
  }
  if (p.to == DataType::kInt32 || p.to == DataType::kUint8) {
    for (double& x : v) {
      // Out-of-range float -> integer casts are implementation-defined: keep in range.
      if (!std::isfinite(x) || std::fabs(x) > 1e5) x = 7.75;
    }
  }
  CastAttrs a;
  a.dataType = p.to;
  c.Output(c.Unary(OpKind::kCast, c.InputValues(s, p.from, v), a));
  c.tol = kExact;
  // An integer becomes float32 in a reorder and float16 in the plan's rounding step (exact:
  // integers past 2^24 are past float16's range either way).
  c.expect_fallback = IsFloatingPoint(p.to) ? 0 : 1;
}

TEST(BackendDifferential, Cast) { RunFamily("cast", 230000, 36, GenCast); }

// ---- softmax, normalization, reductions ----------------------------------------------------

TEST(BackendDifferential, Softmax) {
  uint64_t seed = 240000;
  for (uint32_t rank = 1; rank <= 4; ++rank) {
    for (uint32_t axis = 0; axis < rank; ++axis) {
      RunFamily("softmax rank " + std::to_string(rank) + " axis " + std::to_string(axis), seed, 2,
                [&](Case& c) {
                  Shape s(rank);
                  for (uint32_t& d : s) d = c.rng.Int(1, 7);
                  AxisAttrs a;
                  a.axis = axis;
                  c.Output(c.Unary(OpKind::kSoftmax, c.Input(s, kF32, -5, 5), a));
                  c.tol = kTranscendental;
                });
      seed += 1000;
    }
  }
}

// layerNormalization over trailing axes (default, given in order or reversed), with and
// without scale and bias; non-trailing and empty axes run on the reference kernel.
void GenLayerNorm(Case& c) {
  Rng& r = c.rng;
  const Shape s = DrawShape(r, 2, 4, 7);
  const uint32_t rank = static_cast<uint32_t>(s.size());
  LayerNormalizationAttrs a;
  a.epsilon = r.Pick({1e-5, 1e-3, 0.1});
  std::vector<uint32_t> axes;
  bool trailing = true, reversed = false;
  switch (r.Int(0, 4)) {
    case 0:  // absent: [1, rank)
      for (uint32_t i = 1; i < rank; ++i) axes.push_back(i);
      break;
    case 1:
    case 2: {  // trailing, in order
      for (uint32_t i = r.Int(0, rank - 1); i < rank; ++i) axes.push_back(i);
      a.axes = axes;
      break;
    }
    case 3: {  // trailing, reversed: scale and bias are then transposed to the input's order
      for (uint32_t i = r.Int(0, rank - 2); i < rank; ++i) axes.insert(axes.begin(), i);
      a.axes = axes;
      reversed = true;
      break;
    }
    default: {  // not trailing (or empty)
      for (uint32_t i = 0; i < rank - 1; ++i) {
        if (r.Chance(0.5)) axes.push_back(i);
      }
      a.axes = axes;
      trailing = false;
      break;
    }
  }
  Shape ps;
  for (uint32_t axis : axes) ps.push_back(s[axis]);
  const OperandId x = c.Input(s, kF32, -2, 2);
  const OperandId scale = r.Chance(0.6) ? c.Operand(ps, 0.5, 0.5, 1.5) : kNoOperand;
  const OperandId bias = r.Chance(0.6) ? c.Operand(ps, 0.5) : kNoOperand;
  c.Output(c.Op(OpKind::kLayerNormalization, {x, scale, bias}, a));
  // Reversed axes with scale or bias are left to the reference (their operands' order differs
  // from the input's).
  const bool has_params = scale != kNoOperand || bias != kNoOperand;
  c.expect_fallback = trailing && !(reversed && has_params && axes.size() > 1) ? 0 : 1;
  uint64_t n = 1;
  for (uint32_t axis : axes) n *= s[axis];
  c.tol = Then(Reduction(n), kTranscendental);
}

// batchNormalization on every axis (oneDNN takes axis 1 of ranks 2 and up), statistics given
// as constants or inputs, with and without scale and bias.
void GenBatchNorm(Case& c) {
  Rng& r = c.rng;
  const Shape s = DrawShape(r, 1, 5, 5);
  const uint32_t rank = static_cast<uint32_t>(s.size());
  BatchNormalizationAttrs a;
  a.axis = r.Chance(0.6) && rank >= 2 ? 1 : r.Int(0, rank - 1);
  a.epsilon = r.Pick({1e-5, 1e-2});
  const uint32_t ch = s[a.axis];
  const OperandId x = c.Input(s, kF32, -2, 2);
  const OperandId mean = c.Operand({ch}, 0.5, -0.5, 0.5);
  const OperandId var = c.Operand({ch}, 0.5, 0.2, 2);
  const OperandId scale = r.Chance(0.6) ? c.Operand({ch}, 0.5, 0.5, 1.5) : kNoOperand;
  const OperandId bias = r.Chance(0.6) ? c.Operand({ch}, 0.5) : kNoOperand;
  c.Output(c.Op(OpKind::kBatchNormalization, {x, mean, var, scale, bias}, a));
  c.expect_fallback = a.axis == 1 && rank >= 2 ? 0 : 1;
  c.tol = Then(kArithmetic, kArithmetic);
}

// instanceNormalization in both layouts, batches of 1 to 3 images, 1x1 images (variance 0: the
// result is the bias), epsilon from tiny to large, scale and bias absent, constant or inputs.
void GenInstanceNorm(Case& c) {
  Rng& r = c.rng;
  InstanceNormalizationAttrs a;
  a.layout = DrawLayout(r);
  a.epsilon = r.Pick({1e-5, 1e-3, 0.5});
  const uint32_t batch = r.Int(1, 3), ch = r.Pick({1u, 3u, 8u, 17u});
  const bool one = r.Chance(0.15);
  const uint32_t h = one ? 1 : r.Int(1, 9), w = one ? 1 : r.Int(1, 9);
  const OperandId x = c.Input(ActivationShape(a.layout, batch, ch, h, w), kF32, -2, 2);
  const OperandId scale = r.Chance(0.6) ? c.Operand({ch}, 0.5, 0.5, 1.5) : kNoOperand;
  const OperandId bias = r.Chance(0.6) ? c.Operand({ch}, 0.5) : kNoOperand;
  c.Output(c.Op(OpKind::kInstanceNormalization, {x, scale, bias}, a));
  c.tol = Then(Reduction(uint64_t{h} * w), kTranscendental);
}

struct ReduceCase {
  OpKind kind;
  double lo, hi;
};

// Every reduction oneDNN has over random axes, keepDimensions both ways.
void GenReduce(Case& c, const ReduceCase& rc) {
  Rng& r = c.rng;
  const Shape s = DrawShape(r, 1, 4, 6);
  const uint32_t rank = static_cast<uint32_t>(s.size());
  ReduceAttrs a;
  a.keepDimensions = r.Chance(0.5);
  uint64_t n = Product(s);
  bool empty = false;
  if (!r.Chance(0.2)) {
    UintList axes;
    for (uint32_t i : r.Permutation(rank)) {
      if (r.Chance(0.5)) axes.push_back(i);
    }
    if (axes.empty() && r.Chance(0.7)) axes.push_back(r.Int(0, rank - 1));
    empty = axes.empty();
    n = 1;
    for (uint32_t axis : axes) n *= s[axis];
    a.axes = axes;
  }
  c.Output(c.Unary(rc.kind, c.Input(s, kF32, rc.lo, rc.hi), a));
  // oneDNN's reduction needs something to reduce: no axes, or only axes of size 1 (the result
  // maps each element), stay on the reference.
  // reduceLogSum stays there too: oneDNN's log is inexact at 1 (log(1) = -1.4e-6).
  c.expect_fallback = empty || n == 1 || rc.kind == OpKind::kReduceLogSum ? 1 : 0;
  switch (rc.kind) {
    case OpKind::kReduceMax:
    case OpKind::kReduceMin:
      c.tol = kExact;
      break;
    case OpKind::kReduceProduct:
      // Relative error of a product of n factors: n roundings.
      c.tol = {0, 1e-5 + 2.4e-7 * static_cast<double>(n)};
      break;
    case OpKind::kReduceLogSum:
      c.tol = Then(Reduction(n), kLog);
      break;
    default:
      c.tol = Then(Reduction(n), kTranscendental);
      break;
  }
}

TEST(BackendDifferential, Normalization) {
  RunFamily("layerNormalization", 260000, 40, GenLayerNorm);
  RunFamily("batchNormalization", 261000, 30, GenBatchNorm);
  RunFamily("instanceNormalization", 262000, 40, GenInstanceNorm);
}

TEST(BackendDifferential, Reduce) {
  const std::vector<std::pair<const char*, ReduceCase>> cases = {
      {"reduceSum", {OpKind::kReduceSum, -1, 1}},
      {"reduceMean", {OpKind::kReduceMean, -1, 1}},
      {"reduceMax", {OpKind::kReduceMax, -1, 1}},
      {"reduceMin", {OpKind::kReduceMin, -1, 1}},
      {"reduceProduct", {OpKind::kReduceProduct, 0.8, 1.25}},
      {"reduceL1", {OpKind::kReduceL1, -1, 1}},
      {"reduceL2", {OpKind::kReduceL2, -1, 1}},
      {"reduceSumSquare", {OpKind::kReduceSumSquare, -1, 1}},
      {"reduceLogSum", {OpKind::kReduceLogSum, 0.05, 1}},
  };
  uint64_t seed = 270000;
  for (const auto& [name, reduce_case] : cases) {
    const auto& rc = reduce_case;  // clang 14 cannot capture a structured binding
    RunFamily(name, seed, 6, [&](Case& c) { GenReduce(c, rc); });
    seed += 1000;
  }
}

// ---- resample2d, concat ----------------------------------------------------------------------

// Linear resampling with scales or sizes over axes {2, 3} or {1, 2} (oneDNN); nearest-neighbor
// and other axes stay on the reference.
void GenResample2d(Case& c) {
  Rng& r = c.rng;
  Resample2dAttrs a;
  const Shape s = {r.Int(1, 2), r.Int(1, 7), r.Int(1, 7), r.Int(1, 7)};
  a.mode = r.Chance(0.8) ? InterpolationMode::kLinear : InterpolationMode::kNearestNeighbor;
  const int axes_kind = static_cast<int>(r.Int(0, 6));
  UintList axes = axes_kind < 3 ? UintList{2, 3} : axes_kind < 6 ? UintList{1, 2} : UintList{};
  if (axes.empty()) axes = r.Pick<UintList>({{0, 1}, {1, 3}, {3, 2}});
  if (axes != UintList{2, 3} || r.Chance(0.5)) a.axes = axes;
  if (r.Chance(0.5)) {
    a.sizes = UintList{r.Int(1, 12), r.Int(1, 12)};
  } else {
    a.scales = std::vector<float>{r.Pick({0.5f, 0.75f, 1.f, 1.25f, 1.5f, 2.f, 3.f}),
                                  r.Pick({0.5f, 0.75f, 1.f, 1.25f, 1.5f, 2.f, 3.f})};
  }
  const OperandId y = c.Unary(OpKind::kResample2d, c.Input(s), a);
  c.Output(y);
  // Nearest-neighbour is taken where every output size is a whole multiple of the input's.
  bool whole = true;
  for (uint32_t axis : axes) {
    const uint32_t in = s[axis], out = c.ShapeOf(y)[axis];
    whole = whole && out >= in && out % in == 0;
  }
  const bool fast = (a.mode == InterpolationMode::kLinear || whole) &&
                    (axes == UintList{2, 3} || axes == UintList{1, 2});
  c.expect_fallback = fast ? 0 : 1;
  // Bilinear weights from a float32 coordinate (o + 0.5) * in / out - 0.5: a few ulps of
  // coordinates below 12.
  c.tol = {1e-6, 1e-5};
}

// concat of two to four operands on each axis; some come from fast operations (in oneDNN's
// chosen layout), some are graph inputs or constants.
void GenConcat(Case& c) {
  Rng& r = c.rng;
  const Shape base = DrawShape(r, 1, 4, 5);
  AxisAttrs a;
  a.axis = r.Int(0, static_cast<uint32_t>(base.size() - 1));
  const uint32_t count = r.Int(2, 4);
  std::vector<OperandId> parts;
  for (uint32_t i = 0; i < count; ++i) {
    Shape s = base;
    s[a.axis] = r.Int(1, 4);
    OperandId p = c.Operand(s, 0.25);
    if (r.Chance(0.3)) p = c.Unary(OpKind::kRelu, p);
    parts.push_back(p);
  }
  OperandId y = c.Op(OpKind::kConcat, parts, a);
  if (r.Chance(0.3)) y = c.Unary(OpKind::kTanh, y);
  c.Output(y);
  c.tol = kTranscendental;
}

// Convolution results (blocked layouts) concatenated on the channel axis, then convolved.
void GenConcatConv(Case& c) {
  ConvSpec s = DrawFusableConv(c.rng);
  s.strides = {1, 1};
  s.dilations = {1, 1};
  ConvSpec t = s;
  t.out_c = c.rng.Pick({8u, 16u});
  t.filter_layout = static_cast<Conv2dFilterOperandLayout>(c.rng.Int(0, 3));
  const OperandId x = c.Input(s.InputShape());
  const OperandId ya = c.Unary(OpKind::kRelu, AddConv(c, x, s));
  const OperandId yb = AddConv(c, x, t);
  AxisAttrs a;
  a.axis = ChannelAxis(s.layout);
  OperandId y = c.Op(OpKind::kConcat, {ya, yb}, a);
  ConvSpec u;
  u.layout = s.layout;
  u.in_c = s.out_c + t.out_c;
  u.out_c = 8;
  u.filter_layout = static_cast<Conv2dFilterOperandLayout>(c.rng.Int(0, 3));
  y = AddConv(c, y, u);
  c.Output(y);
  c.tol = Accumulation(s.K() * u.in_c);
  c.expect_min_fused = 1;
}

TEST(BackendDifferential, Resample2d) { RunFamily("resample2d", 280000, 36, GenResample2d); }

TEST(BackendDifferential, Concat) {
  RunFamily("concat", 290000, 30, GenConcat);
  RunFamily("concat of convolutions", 291000, 8, GenConcatConv);
}

// ---- views, outputs, constants ---------------------------------------------------------------

// reshape and transpose are views in the fast plan: chains of them ending in graph outputs
// must be materialized; graph outputs read by other operations, one operand as two outputs,
// and constant-only subgraphs (folded at compile time unless they are outputs).
void GenViews(Case& c) {
  Rng& r = c.rng;
  const Shape s = DrawShape(r, 2, 4, 5);
  auto transpose = [&](OperandId x) {
    TransposeAttrs t;
    if (r.Chance(0.8)) {
      const auto p = r.Permutation(static_cast<uint32_t>(c.ShapeOf(x).size()));
      t.permutation = UintList(p.begin(), p.end());
    }
    return c.Unary(OpKind::kTranspose, x, t);
  };
  auto reshape = [&](OperandId x) {
    // Merge or split: the reversed shape has the same element count.
    Shape to = c.ShapeOf(x);
    std::reverse(to.begin(), to.end());
    // (Kept at rank 2 or more: a rank-1 transpose is left to the reference kernel.)
    if (to.size() >= 3 && r.Chance(0.5)) {
      to[0] *= to[1];
      to.erase(to.begin() + 1);
    }
    NewShapeAttrs a;
    a.newShape = to;
    return c.Unary(OpKind::kReshape, x, a);
  };
  const OperandId x = c.Input(s);
  c.tol = kExact;
  switch (r.Int(0, 8)) {
    case 0:
      c.Output(transpose(reshape(x)));
      break;
    case 1:
      c.Output(reshape(transpose(x)));
      break;
    case 2:  // an eltwise primitive reading a strided view
      c.Output(c.Unary(OpKind::kRelu, transpose(x)));
      break;
    case 3:
      c.Output(transpose(transpose(x)));
      break;
    case 4:
      c.Output(c.Unary(OpKind::kIdentity, x));
      c.Output(reshape(c.Unary(OpKind::kAbs, x)));
      break;
    case 5: {  // a graph output read by another operation
      const OperandId y = c.Unary(OpKind::kRelu, x);
      c.Output(y);
      c.Output(c.Op(OpKind::kAdd, {y, c.Constant({s.back()})}));
      c.tol = kArithmetic;
      break;
    }
    case 6: {  // one operand as two outputs, and a transpose of it as a third
      const OperandId y = c.Unary(OpKind::kTanh, x);
      c.Output(y);
      c.Output(y);
      c.Output(transpose(y));
      c.tol = kTranscendental;
      break;
    }
    case 7: {  // a constant-only subgraph, folded
      const OperandId k =
          c.Op(OpKind::kAdd, {c.Unary(OpKind::kRelu, c.Constant(s)), c.Constant({s.back()})});
      const OperandId kt = reshape(transpose(k));
      const OperandId xt = reshape(transpose(x));
      const OperandId y = c.Op(OpKind::kMul, {xt, kt});
      c.Output(y);
      c.expect_fallback = BinaryDeclined(c, OpKind::kMul, xt, kt, y) ? 1 : 0;
      c.expect_min_fused = 4;  // relu, add, transpose, reshape of constants
      c.tol = kArithmetic;
      break;
    }
    default: {  // a constant-only subgraph that is itself an output: computed at run time
      const OperandId k = c.Unary(OpKind::kSigmoid, c.Constant(s));
      c.Output(k);
      c.Output(c.Op(OpKind::kSub, {x, k}));
      c.tol = kTranscendental;
      break;
    }
  }
}

// A convolution's result (blocked inside the plan) through views into outputs.
void GenConvViews(Case& c) {
  const ConvSpec s = DrawFusableConv(c.rng);
  const OperandId y = c.Unary(OpKind::kRelu, AddConv(c, c.Input(s.InputShape()), s));
  const Shape ys = c.ShapeOf(y);
  NewShapeAttrs flat;
  flat.newShape = {ys[0], static_cast<uint32_t>(Product(ys) / ys[0])};
  TransposeAttrs t;
  t.permutation = UintList{0, 2, 3, 1};
  switch (c.rng.Int(0, 2)) {
    case 0:
      c.Output(c.Unary(OpKind::kReshape, y, flat));
      break;
    case 1:
      c.Output(c.Unary(OpKind::kTranspose, y, t));
      break;
    default:  // the flattened result into a fully connected layer
      c.Output(c.Op(OpKind::kMatmul,
                    {c.Unary(OpKind::kReshape, y, flat), c.Constant({flat.newShape[1], 8})}));
      break;
  }
  c.tol = Accumulation(s.K() * 8);
  c.expect_min_fused = 1;
}

TEST(BackendDifferential, ViewsOutputsConstants) {
  RunFamily("views/outputs/constants", 300000, 45, GenViews);
  RunFamily("conv2d result through views", 301000, 9, GenConvViews);
}

// ---- fallback boundaries -----------------------------------------------------------------------

// An operation oneDNN takes next to one it declines: values cross between oneDNN's layouts and
// the reference kernels' dense buffers.
void GenBoundary(Case& c) {
  Rng& r = c.rng;
  ConvSpec s = DrawFusableConv(r);
  s.strides = {1, 1};
  const OperandId x = c.Input(s.InputShape());
  ConvSpec t;
  t.layout = s.layout;
  t.in_c = s.out_c;
  t.out_c = 16;
  t.kh = t.kw = 3;
  t.padding = {1, 1, 1, 1};
  t.filter_layout = static_cast<Conv2dFilterOperandLayout>(r.Int(0, 3));
  c.expect_fallback = 1;
  switch (r.Int(0, 5)) {
    case 0: {  // conv -> softsign -> conv -> relu
      const OperandId h = c.Unary(OpKind::kSoftsign, AddConv(c, x, s));
      EndChain(c, c.Unary(OpKind::kRelu, AddConv(c, h, t)), s.layout, 1);
      c.tol = Accumulation(s.K() * t.K());
      break;
    }
    case 1: {  // conv -> l2Pool2d (oneDNN, from the blocked layout) -> softplus
      Pool2dAttrs p;
      p.layout = s.layout;
      p.windowDimensions = UintList{1, 1};
      const OperandId pooled =
          c.Unary(OpKind::kL2Pool2d, c.Unary(OpKind::kRelu, AddConv(c, x, s)), p);
      c.Output(c.Unary(OpKind::kSoftplus, pooled));
      c.expect_min_fused = 1;
      c.tol = Accumulation(s.K());
      break;
    }
    case 2: {  // transpose -> erf
      TransposeAttrs tp;
      tp.permutation = UintList{0, 2, 3, 1};
      c.Output(c.Unary(OpKind::kErf, c.Unary(OpKind::kTranspose, x, tp)));
      c.tol = kExact;
      break;
    }
    case 3: {  // conv -> nearest resample -> conv
      Resample2dAttrs rs;
      // A factor that is not whole: oneDNN's nearest rounds exact halves the other way, so this
      // resample stays on the reference kernel (whole factors run on oneDNN).
      rs.scales = std::vector<float>{1.5f, 1.5f};
      if (s.layout == InputOperandLayout::kNhwc) rs.axes = UintList{1, 2};
      const OperandId before = AddConv(c, x, s);
      const OperandId up = c.Unary(OpKind::kResample2d, before, rs);
      // A 1-pixel side scaled by 1.5 stays 1 (a whole factor): then oneDNN takes it after all.
      bool whole = true;
      for (uint32_t axis :
           s.layout == InputOperandLayout::kNhwc ? UintList{1, 2} : UintList{2, 3}) {
        whole = whole && c.ShapeOf(up)[axis] % c.ShapeOf(before)[axis] == 0;
      }
      c.expect_fallback = whole ? 0 : 1;
      EndChain(c, c.Unary(OpKind::kRelu, AddConv(c, up, t)), s.layout, 1);
      c.tol = Accumulation(s.K() * t.K());
      break;
    }
    case 4: {  // matmul -> erf -> matmul + add
      const uint32_t m = r.Int(1, 9), k = r.Pick({8u, 16u}), n = r.Pick({4u, 16u});
      const OperandId h =
          c.Unary(OpKind::kErf, c.Op(OpKind::kMatmul, {c.Input({m, k}), c.Constant({k, n})}));
      const OperandId y = c.Op(OpKind::kMatmul, {h, c.Constant({n, 8})});
      c.Output(c.Op(OpKind::kAdd, {y, c.Constant({8})}));
      c.expect_min_fused = 1;
      c.tol = Accumulation(k * n);
      break;
    }
    default: {  // a declined operation's result is an output and a convolution's input
      const OperandId h = c.Unary(OpKind::kSoftsign, AddConv(c, x, s));
      c.Output(h);
      c.Output(AddConv(c, h, t));
      c.tol = Accumulation(s.K() * t.K());
      break;
    }
  }
}

TEST(BackendDifferential, FallbackBoundaries) {
  RunFamily("fallback boundaries", 310000, 30, GenBoundary);
}

// ---- edge shapes -------------------------------------------------------------------------------

TEST(BackendDifferential, EdgeShapes) {
  const std::vector<std::pair<const char*, std::function<void(Case&)>>> cases = {
      {"conv2d 1x1 image, 3x3 window, padding 1",
       [](Case& c) {
         ConvSpec s;
         s.layout = DrawLayout(c.rng);
         s.in_c = 8, s.out_c = 16, s.kh = s.kw = 3, s.padding = {1, 1, 1, 1}, s.bias = true;
         c.Output(c.Unary(OpKind::kRelu, AddConv(c, c.Input(s.InputShape()), s)));
         c.tol = Accumulation(s.K());
         c.expect_min_fused = 1;
       }},
      {"conv2d 67 -> 67 channels",
       [](Case& c) {
         ConvSpec s;
         s.layout = DrawLayout(c.rng);
         s.in_c = s.out_c = 67, s.h = 4, s.w = 5, s.kh = s.kw = 3, s.padding = {1, 1, 1, 1};
         s.filter_layout = static_cast<Conv2dFilterOperandLayout>(c.rng.Int(0, 3));
         c.Output(AddConv(c, c.Input(s.InputShape()), s));
         c.tol = Accumulation(s.K());
       }},
      {"depthwise conv2d 67 channels",
       [](Case& c) {
         ConvSpec s;
         s.layout = DrawLayout(c.rng);
         s.in_c = s.out_c = s.groups = 67, s.h = 5, s.w = 3, s.kh = s.kw = 3;
         s.padding = {1, 1, 1, 1}, s.bias = true;
         s.filter_layout = static_cast<Conv2dFilterOperandLayout>(c.rng.Int(0, 3));
         c.Output(AddConv(c, c.Input(s.InputShape()), s));
         c.tol = Accumulation(s.K());
       }},
      {"conv2d whose whole output lies in the padding, + per-channel add",
       [](Case& c) {
         // oneDNN 2.6's brgconv fused the add at the wrong channels here (batch 1, more than 16
         // output channels); the emitter now leaves the add to a binary primitive.
         // Which kernel oneDNN picks for the fused chain varies (with the thread count, and
         // between processes), so the graph holds several such convolutions.
         for (uint32_t out_c : {32u, 48u, 64u}) {
           ConvSpec s;
           s.layout = DrawLayout(c.rng);
           s.in_c = 16, s.out_c = out_c, s.padding = {2, 0, 0, 0};
           s.strides = {3, 1}, s.bias = true;
           const OperandId y = AddConv(c, c.Input(s.InputShape()), s);
           const OperandId k = c.Constant(PerChannelShape(s.layout, s.out_c));
           c.Output(c.Op(OpKind::kAdd, {y, k}));
           c.tol = Accumulation(s.K());
         }
       }},
      {"activation chains of rank 1 and rank 6",
       [](Case& c) {
         // oneDNN 2.6's eltwise with post-ops (its reference kernel) wrote nothing of a rank-1
         // tensor and half of a rank-6 one; such chains now run unfused.
         ClampAttrs clamp;
         clamp.minValue = -0.5, clamp.maxValue = 0.5;
         c.Output(c.Unary(OpKind::kRelu, c.Unary(OpKind::kTanh, c.Input({5}))));
         c.Output(c.Unary(OpKind::kClamp, c.Unary(OpKind::kSigmoid, c.Input({2, 2, 2, 2, 2, 2})),
                          clamp));
         c.tol = kTranscendental;
       }},
      {"pooling a 1x1 image",
       [](Case& c) {
         Pool2dAttrs a;
         a.layout = DrawLayout(c.rng);
         c.Output(
             c.Unary(OpKind::kAveragePool2d, c.Input(ActivationShape(a.layout, 2, 67, 1, 1)), a));
         c.Output(c.Unary(OpKind::kMaxPool2d, c.Input(ActivationShape(a.layout, 1, 3, 1, 1)), a));
         c.tol = Reduction(1);
       }},
      {"matmul 1x1x1",
       [](Case& c) {
         c.Output(c.Op(OpKind::kMatmul, {c.Input({1, 1}), c.Input({1, 1})}));
         c.Output(c.Op(OpKind::kMatmul, {c.Input({3, 1, 1}), c.Constant({1, 1})}));
         c.tol = Accumulation(1);
       }},
      {"gemm 1x1 with scalar c",
       [](Case& c) {
         GemmAttrs g;
         g.alpha = 3;
         c.Output(c.Op(OpKind::kGemm, {c.Input({1, 1}), c.Input({1, 1}), c.Constant({})}, g));
         c.tol = Accumulation(3);
       }},
      {"reductions over dimensions of size 1",
       [](Case& c) {
         ReduceAttrs a;
         a.axes = UintList{1, 2};
         const OperandId x = c.Input({3, 1, 1, 4}, kF32, 0.1, 1);
         // Only axes of size 1: nothing to reduce for oneDNN, the reference maps each element.
         c.Output(c.Unary(OpKind::kReduceSum, x, a));
         c.expect_fallback = 1;
         a.keepDimensions = true;
         a.axes = UintList{1, 3};
         c.Output(c.Unary(OpKind::kReduceL2, x, a));
         a.axes = UintList{0, 1, 2};
         c.Output(c.Unary(OpKind::kReduceLogSum, x, a));
         c.expect_fallback = 2;  // and reduceLogSum, which stays on the reference by design
         c.tol = Then(kTranscendental, kLog);
       }},
      {"softmax over an axis of size 1",
       [](Case& c) {
         AxisAttrs a;
         a.axis = 1;
         c.Output(c.Unary(OpKind::kSoftmax, c.Input({4, 1, 3}), a));
         c.tol = kTranscendental;
       }},
      {"batchNormalization [1, 67, 1, 1]",
       [](Case& c) {
         c.Output(c.Op(OpKind::kBatchNormalization,
                       {c.Input({1, 67, 1, 1}), c.Constant({67}), c.Constant({67}, kF32, 0.5, 1),
                        c.Constant({67}), c.Constant({67})},
                       BatchNormalizationAttrs{}));
         c.tol = Then(kArithmetic, kArithmetic);
       }},
      {"layerNormalization over dimensions of size 1",
       [](Case& c) {
         LayerNormalizationAttrs a;
         a.axes = UintList{1, 2};
         c.Output(c.Op(OpKind::kLayerNormalization,
                       {c.Input({5, 1, 1}), c.Constant({1, 1}), c.Constant({1, 1})}, a));
         c.tol = kTranscendental;
       }},
      {"resample2d 1x1 -> 3x3",
       [](Case& c) {
         Resample2dAttrs a;
         a.mode = InterpolationMode::kLinear;
         a.sizes = UintList{3, 3};
         c.Output(c.Unary(OpKind::kResample2d, c.Input({1, 67, 1, 1}), a));
         c.tol = kArithmetic;
       }},
      {"binary on [1, 1, 1] and rank 0",
       [](Case& c) {
         const OperandId y = c.Op(OpKind::kMul, {c.Input({1, 1, 1}), c.Input({})});
         c.Output(c.Op(OpKind::kAdd, {c.Input({}), c.Input({})}));
         c.Output(c.Op(OpKind::kSub, {y, c.Input({1})}));
         c.tol = kArithmetic;
       }},
  };
  uint64_t seed = 320000;
  for (const auto& [name, gen] : cases) {
    RunFamily(std::string("edge: ") + name, seed, 4, gen);
    seed += 1000;
  }
}

// ---- determinism and concurrency ---------------------------------------------------------------

// Execute from two threads at once on one compiled graph gives the bytes a single run gives,
// on both backends.
TEST(BackendDifferential, ConcurrentExecuteIsBitIdentical) {
  const std::vector<std::pair<const char*, void (*)(Case&)>> gens = {
      {"conv2d block", GenConv2dBlock},     {"matmul chain", GenMatmulChain},
      {"fallback boundary", GenBoundary},   {"pool2d", GenPool2d},
      {"layerNormalization", GenLayerNorm},
  };
  constexpr int kRunsPerThread = 6;
  uint64_t seed = 330000;
  for (const auto& [name, gen] : gens) {
    Case c(name, seed);
    seed += 1000;
    gen(c);
    SCOPED_TRACE(c.Describe());
    auto graph = c.Build();
    ASSERT_TRUE(graph.ok()) << graph.error().ToString();
    const Buffers inputs = InputsOf(c, *graph);
    for (std::string_view backend_name : {backend::kOneDnnBackend, backend::kReferenceBackend}) {
      SCOPED_TRACE(std::string(backend_name));
      auto compiled = Backend(backend_name).Compile(*graph, {/*threads=*/2});
      ASSERT_TRUE(compiled.ok()) << compiled.error().ToString();
      auto single = Execute(**compiled, *graph, inputs, std::byte{0});
      ASSERT_TRUE(single.ok()) << single.error().ToString();
      std::vector<int> mismatches(2, 0), errors(2, 0);
      std::vector<std::thread> threads;
      for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
          for (int i = 0; i < kRunsPerThread; ++i) {
            auto out = Execute(**compiled, *graph, inputs, std::byte(0x11 * (t + 1)));
            if (!out.ok()) {
              ++errors[t];
            } else if (*out != *single) {
              ++mismatches[t];
            }
          }
        });
      }
      for (std::thread& t : threads) t.join();
      for (int t = 0; t < 2; ++t) {
        EXPECT_EQ(errors[t], 0) << "thread " << t;
        EXPECT_EQ(mismatches[t], 0) << "thread " << t << ": runs differ from a single run";
      }
    }
  }
}

// ---- float16 -----------------------------------------------------------------------------------
// float16 graphs run on the float32 primitives, every float16 operand rounded to float16 after the
// step computing it, and only post-ops that commute with that rounding fused (relu, clamp, neg,
// abs, max, min; compiler.h). The families above run again with every operand float16.
//
// Tolerance: the reference rounds its double result once to float16, the fast backend its float32
// result. Where the two unrounded results straddle a float16 rounding boundary they round to
// neighbours, one float16 ulp apart: at most 2^-10 of the result, or 2^-24 (the subnormal unit).
// We allow the family's float32 tolerance plus two such ulps, and for a graph of several rounded
// operations (a residual addition or a normalization after a convolution) `chain` more ulps of
// the intermediate's magnitude `scale`, which the next operation carries forward.
Tolerance Float16(Tolerance t, int chain = 0, double scale = 1) {
  return {t.atol + 2 * 0x1p-24 + chain * 0x1p-10 * scale, t.rtol + 2 * 0x1p-10};
}

// Runs `generate` as a float16 family. `fused`: the generator's fusions all commute with
// rounding, so the plan must still fold them in; otherwise the fused count is not checked (the
// float16 rule ends such chains) but every result still must match.
template <typename Generate>
void RunFloat16Family(const std::string& family, uint64_t base_seed, int count, bool fused,
                      Tolerance (*tolerance)(Tolerance), Generate&& generate) {
  RunFamily("float16 " + family, base_seed, count, [&](Case& c) {
    c.float_type = DataType::kFloat16;
    generate(c);
    c.tol = tolerance(c.tol);
    if (!fused) c.expect_min_fused = 0;
  });
}

Tolerance OneRounding(Tolerance t) { return Float16(t); }
// A convolution's result (|y| <= a few units here) rounded, then added to or normalized.
Tolerance TwoRoundings(Tolerance t) { return Float16(t, /*chain=*/2, /*scale=*/8); }

bool CommutesWithRounding(OpKind kind) { return kind == OpKind::kRelu || kind == OpKind::kClamp; }

TEST(BackendDifferential, Float16Conv) {
  RunFloat16Family("conv2d", 400000, 30, true, OneRounding, GenConv2d);
  uint64_t seed = 401000;
  for (const Activation& act : FusableActivations()) {
    const bool commutes = CommutesWithRounding(act.kind);
    RunFloat16Family(std::string("conv2d+") + act.name, seed, 3, commutes,
                     commutes ? OneRounding : TwoRoundings,
                     [&](Case& c) { GenConv2dActivation(c, act); });
    seed += 1000;
  }
  RunFloat16Family("conv2d+binary", 420000, 12, false, TwoRoundings, GenConv2dResidual);
  RunFloat16Family("conv2d block", 421000, 6, false, TwoRoundings, GenConv2dBlock);
  // Never folded in float16: the batchNormalization primitive on axis 1, the reference on axis 3.
  RunFloat16Family("conv2d+batchNorm", 422000, 8, false, TwoRoundings, GenConv2dBatchNormUnfolded);
  RunFloat16Family("convTranspose2d", 423000, 16, true, OneRounding, GenConvTranspose2d);
}

// The rule itself: after a float16 convolution a residual addition and a sigmoid run as steps
// of their own (the reference rounds the convolution's result first), relu6 is fused.
TEST(BackendDifferential, Float16FusionRule) {
  RunFloat16Family("conv2d, then add", 490000, 6, false, TwoRoundings, [](Case& c) {
    const ConvSpec s = DrawFusableConv(c.rng);
    const OperandId y = AddConv(c, c.Input(s.InputShape()), s);
    const Shape shape = c.ShapeOf(y);  // (a copy: adding an input may move the builder's)
    c.Output(c.Op(OpKind::kAdd, {y, c.Input(shape)}));
    c.tol = Then(Accumulation(s.K()), kArithmetic);
    c.expect_max_fused = 0;
  });
  RunFloat16Family("conv2d, then sigmoid", 491000, 6, false, TwoRoundings, [](Case& c) {
    const ConvSpec s = DrawFusableConv(c.rng);
    c.Output(c.Unary(OpKind::kSigmoid, AddConv(c, c.Input(s.InputShape()), s)));
    c.tol = Then(Accumulation(s.K()), kTranscendental);
    c.expect_max_fused = 0;
  });
  RunFloat16Family("conv2d+relu6", 492000, 6, true, OneRounding, [](Case& c) {
    const ConvSpec s = DrawFusableConv(c.rng);
    ClampAttrs relu6;
    relu6.minValue = 0, relu6.maxValue = 6;
    c.Output(c.Unary(OpKind::kClamp, AddConv(c, c.Input(s.InputShape()), s), relu6));
    c.tol = Accumulation(s.K());
    c.expect_min_fused = 1;
  });
}

TEST(BackendDifferential, Float16MatmulGemm) {
  RunFloat16Family("matmul", 430000, 20, true, OneRounding, GenMatmul);
  RunFloat16Family("gemm", 431000, 20, true, OneRounding, GenGemm);
}

TEST(BackendDifferential, Float16Elementwise) {
  RunFloat16Family("pool2d", 440000, 24, true, OneRounding, GenPool2d);
  RunFloat16Family("binary", 441000, 30, false, TwoRoundings, GenBinary);
  RunFloat16Family("prelu", 442000, 10, true, OneRounding, GenPrelu);
  uint64_t seed = 443000;
  for (const UnaryCase& u : UnaryCases()) {
    RunFloat16Family(std::string("unary ") + u.name, seed, 2, true, OneRounding,
                     [&](Case& c) { GenUnary(c, u); });
    seed += 1000;
  }
  RunFloat16Family("unary chains", 470000, 20, false, TwoRoundings, GenUnaryChain);
  // oneDNN's clip maps NaN to the lower bound; a float16 clamp puts NaN inputs back.
  RunFloat16Family("clamp of NaN and infinities", 471000, 6, true, OneRounding, [](Case& c) {
    const Shape s = {c.rng.Int(1, 70)};
    std::vector<double> v(s[0]);
    for (double& x : v) {
      const double any = c.rng.Uniform(-3, 3);
      x = c.rng.Pick({std::numeric_limits<double>::quiet_NaN(),
                      std::numeric_limits<double>::infinity(),
                      -std::numeric_limits<double>::infinity(), -64000.0, 64000.0, -2.0, any});
    }
    ClampAttrs a;
    a.minValue = -2;
    if (c.rng.Chance(0.5)) a.maxValue = 1.5;
    c.Output(c.Unary(OpKind::kClamp, c.InputValues(s, kF32, v), a));
    c.tol = kExact;
  });
}

TEST(BackendDifferential, Float16NormalizationReduceResample) {
  RunFloat16Family("layerNormalization", 480000, 16, true, OneRounding, GenLayerNorm);
  RunFloat16Family("batchNormalization", 481000, 12, true, OneRounding, GenBatchNorm);
  RunFloat16Family("instanceNormalization", 482000, 12, true, OneRounding, GenInstanceNorm);
  RunFloat16Family("resample2d", 483000, 16, true, OneRounding, GenResample2d);
  RunFloat16Family("concat", 484000, 12, true, OneRounding, GenConcat);
  RunFloat16Family("concat of convolutions", 485000, 6, true, OneRounding, GenConcatConv);
  RunFloat16Family("views/outputs/constants", 486000, 20, true, OneRounding, GenViews);
  RunFloat16Family("fallback boundaries", 487000, 16, false, TwoRoundings, GenBoundary);
}

}  // namespace
}  // namespace webnn
