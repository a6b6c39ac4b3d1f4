// Operator attributes: the non-operand arguments of every MLGraphBuilder method, one struct per
// options dictionary (positional non-operand arguments such as `axis` or `newShape` included).
// Field names are the spec's dictionary member names, so the JSON format, the Cap'n Proto
// schema, the conformance runner and the Python bindings all reach them through VisitFields.
// Operand-valued options (bias, scale, c, ...) are not here: they are operand slots of the
// operation (see src/ops/op_table.inc).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "webnn/types.h"

namespace webnn {

// ---- Enumerations -------------------------------------------------------------------------
// Each enum's enumerators are 0..N-1 in the order of EnumTraits<E>::kNames (the spec's strings).
template <typename E>
struct EnumTraits;

#define WEBNN_DEFINE_ENUM(Name, ...)                                                  \
  template <>                                                                         \
  struct EnumTraits<Name> {                                                           \
    static constexpr std::string_view kTypeName = #Name;                              \
    static constexpr auto kNames = std::to_array<std::string_view>({__VA_ARGS__});    \
  }

// https://www.w3.org/TR/webnn/#enumdef-mlinputoperandlayout
enum class InputOperandLayout : uint8_t { kNchw, kNhwc };
WEBNN_DEFINE_ENUM(InputOperandLayout, "nchw", "nhwc");
enum class Conv2dFilterOperandLayout : uint8_t { kOihw, kHwio, kOhwi, kIhwo };
WEBNN_DEFINE_ENUM(Conv2dFilterOperandLayout, "oihw", "hwio", "ohwi", "ihwo");
enum class ConvTranspose2dFilterOperandLayout : uint8_t { kIohw, kHwoi, kOhwi };
WEBNN_DEFINE_ENUM(ConvTranspose2dFilterOperandLayout, "iohw", "hwoi", "ohwi");
enum class RoundingType : uint8_t { kFloor, kCeil };
WEBNN_DEFINE_ENUM(RoundingType, "floor", "ceil");
enum class PaddingMode : uint8_t { kConstant, kEdge, kReflection };
WEBNN_DEFINE_ENUM(PaddingMode, "constant", "edge", "reflection");
enum class InterpolationMode : uint8_t { kNearestNeighbor, kLinear };
WEBNN_DEFINE_ENUM(InterpolationMode, "nearest-neighbor", "linear");
enum class RecurrentNetworkActivation : uint8_t { kRelu, kSigmoid, kTanh };
WEBNN_DEFINE_ENUM(RecurrentNetworkActivation, "relu", "sigmoid", "tanh");
enum class RecurrentNetworkDirection : uint8_t { kForward, kBackward, kBoth };
WEBNN_DEFINE_ENUM(RecurrentNetworkDirection, "forward", "backward", "both");
enum class GruWeightLayout : uint8_t { kZrn, kRzn };
WEBNN_DEFINE_ENUM(GruWeightLayout, "zrn", "rzn");
enum class LstmWeightLayout : uint8_t { kIofg, kIfgo };
WEBNN_DEFINE_ENUM(LstmWeightLayout, "iofg", "ifgo");

template <typename E>
std::string_view EnumName(E e) {
  return EnumTraits<E>::kNames[static_cast<size_t>(e)];
}
template <typename E>
std::optional<E> EnumFromName(std::string_view s) {
  const auto& names = EnumTraits<E>::kNames;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}
template <typename T>
concept SpecEnum = requires { EnumTraits<T>::kNames; };

// ---- MLNumber ------------------------------------------------------------------------------
// https://www.w3.org/TR/webnn/#typedefdef-mlnumber: (bigint or unrestricted double). A bigint
// keeps its exact 64-bit value so int64/uint64 clamp bounds and pad values are not rounded.
struct MLNumber {
  enum class Kind : uint8_t { kDouble, kInt64, kUint64 };
  Kind kind = Kind::kDouble;
  double d = 0;
  int64_t i = 0;
  uint64_t u = 0;

  MLNumber() = default;
  MLNumber(double v) : kind(Kind::kDouble), d(v) {}                 // NOLINT: implicit
  static MLNumber Int(int64_t v) { MLNumber n; n.kind = Kind::kInt64; n.i = v; return n; }
  static MLNumber Uint(uint64_t v) { MLNumber n; n.kind = Kind::kUint64; n.u = v; return n; }
  double AsDouble() const;
  // The value converted to data type t the way the spec casts an MLNumber (round to nearest
  // for float types, saturate to the range for integer types), stored in `out` (one element).
  void CastTo(DataType t, void* out) const;
  friend bool operator==(const MLNumber& a, const MLNumber& b);
};

// ---- Field visitation -----------------------------------------------------------------------
// VisitFields(self, v) calls v(name, field, FieldKind) once per field, in spec order.
enum class FieldKind : uint8_t {
  kRequired,  // a positional argument: must be present in every serialized form
  kOptional,  // a dictionary member with a default or absence meaning "not given"
};

#define WEBNN_VISIT_ONE_REQ(f) v(#f, s.f, ::webnn::FieldKind::kRequired);
#define WEBNN_VISIT_ONE_OPT(f) v(#f, s.f, ::webnn::FieldKind::kOptional);
#define WEBNN_FE_1(m, x) m(x)
#define WEBNN_FE_2(m, x, ...) m(x) WEBNN_FE_1(m, __VA_ARGS__)
#define WEBNN_FE_3(m, x, ...) m(x) WEBNN_FE_2(m, __VA_ARGS__)
#define WEBNN_FE_4(m, x, ...) m(x) WEBNN_FE_3(m, __VA_ARGS__)
#define WEBNN_FE_5(m, x, ...) m(x) WEBNN_FE_4(m, __VA_ARGS__)
#define WEBNN_FE_6(m, x, ...) m(x) WEBNN_FE_5(m, __VA_ARGS__)
#define WEBNN_FE_7(m, x, ...) m(x) WEBNN_FE_6(m, __VA_ARGS__)
#define WEBNN_FE_8(m, x, ...) m(x) WEBNN_FE_7(m, __VA_ARGS__)
#define WEBNN_FE_PICK(_1, _2, _3, _4, _5, _6, _7, _8, name, ...) name
#define WEBNN_FOR_EACH(m, ...)                                                              \
  __VA_OPT__(WEBNN_FE_PICK(__VA_ARGS__, WEBNN_FE_8, WEBNN_FE_7, WEBNN_FE_6, WEBNN_FE_5,    \
                           WEBNN_FE_4, WEBNN_FE_3, WEBNN_FE_2, WEBNN_FE_1)(m, __VA_ARGS__))
// Declares VisitFields and equality for an attributes struct.
#define WEBNN_FIELDS(Type, REQUIRED, OPTIONAL)                                     \
  template <typename S, typename V>                                               \
  static void VisitFields(S& s, V&& v) {                                          \
    WEBNN_FOR_EACH(WEBNN_VISIT_ONE_REQ, WEBNN_UNPAREN REQUIRED)                   \
    WEBNN_FOR_EACH(WEBNN_VISIT_ONE_OPT, WEBNN_UNPAREN OPTIONAL)                   \
  }                                                                               \
  friend bool operator==(const Type&, const Type&) = default
#define WEBNN_UNPAREN(...) __VA_ARGS__

using UintList = std::vector<uint32_t>;

// ---- Attribute structs -----------------------------------------------------------------------

// Operators whose only arguments are operands (add, relu, matmul, ...).
struct NoAttrs {
  WEBNN_FIELDS(NoAttrs, (), ());
};

// softmax(input, axis), concat(inputs, axis)
struct AxisAttrs {
  uint32_t axis = 0;
  WEBNN_FIELDS(AxisAttrs, (axis), ());
};

// gather/gatherElements/scatterElements options {axis = 0}
struct GatherAttrs {
  uint32_t axis = 0;
  WEBNN_FIELDS(GatherAttrs, (), (axis));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-argminmax
struct ArgMinMaxAttrs {
  uint32_t axis = 0;
  bool keepDimensions = false;
  DataType outputDataType = DataType::kInt32;
  WEBNN_FIELDS(ArgMinMaxAttrs, (axis), (keepDimensions, outputDataType));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-batchnorm
struct BatchNormalizationAttrs {
  uint32_t axis = 1;
  double epsilon = 1e-5;
  WEBNN_FIELDS(BatchNormalizationAttrs, (), (axis, epsilon));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-cast
struct CastAttrs {
  DataType dataType = DataType::kFloat32;
  WEBNN_FIELDS(CastAttrs, (dataType), ());
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-clamp
struct ClampAttrs {
  std::optional<MLNumber> minValue;
  std::optional<MLNumber> maxValue;
  WEBNN_FIELDS(ClampAttrs, (), (minValue, maxValue));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-conv2d
struct Conv2dAttrs {
  std::optional<UintList> padding;    // [beginH, endH, beginW, endW], default 0s
  std::optional<UintList> strides;    // [h, w], default 1s
  std::optional<UintList> dilations;  // [h, w], default 1s
  uint32_t groups = 1;
  InputOperandLayout inputLayout = InputOperandLayout::kNchw;
  Conv2dFilterOperandLayout filterLayout = Conv2dFilterOperandLayout::kOihw;
  WEBNN_FIELDS(Conv2dAttrs, (), (padding, strides, dilations, groups, inputLayout, filterLayout));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-convtranspose2d
struct ConvTranspose2dAttrs {
  std::optional<UintList> padding;
  std::optional<UintList> strides;
  std::optional<UintList> dilations;
  std::optional<UintList> outputPadding;
  std::optional<UintList> outputSizes;
  uint32_t groups = 1;
  InputOperandLayout inputLayout = InputOperandLayout::kNchw;
  ConvTranspose2dFilterOperandLayout filterLayout = ConvTranspose2dFilterOperandLayout::kIohw;
  WEBNN_FIELDS(ConvTranspose2dAttrs, (),
               (padding, strides, dilations, outputPadding, outputSizes, groups, inputLayout,
                filterLayout));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-cumulativesum
struct CumulativeSumAttrs {
  uint32_t axis = 0;
  bool exclusive = false;
  bool reversed = false;
  WEBNN_FIELDS(CumulativeSumAttrs, (axis), (exclusive, reversed));
};

// elu {alpha = 1}, leakyRelu {alpha = 0.01}: separate structs because the defaults differ.
struct EluAttrs {
  double alpha = 1.0;
  WEBNN_FIELDS(EluAttrs, (), (alpha));
};
struct LeakyReluAttrs {
  double alpha = 0.01;
  WEBNN_FIELDS(LeakyReluAttrs, (), (alpha));
};
struct HardSigmoidAttrs {
  double alpha = 0.2;
  double beta = 0.5;
  WEBNN_FIELDS(HardSigmoidAttrs, (), (alpha, beta));
};
struct LinearAttrs {
  double alpha = 1.0;
  double beta = 0.0;
  WEBNN_FIELDS(LinearAttrs, (), (alpha, beta));
};

// reshape(input, newShape), expand(input, newShape)
struct NewShapeAttrs {
  UintList newShape;
  WEBNN_FIELDS(NewShapeAttrs, (newShape), ());
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-gemm
struct GemmAttrs {
  double alpha = 1.0;
  double beta = 1.0;
  bool aTranspose = false;
  bool bTranspose = false;
  WEBNN_FIELDS(GemmAttrs, (), (alpha, beta, aTranspose, bTranspose));
};

using ActivationList = std::vector<RecurrentNetworkActivation>;

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-gru
struct GruAttrs {
  uint32_t steps = 0;
  uint32_t hiddenSize = 0;
  bool resetAfter = true;
  bool returnSequence = false;
  RecurrentNetworkDirection direction = RecurrentNetworkDirection::kForward;
  GruWeightLayout layout = GruWeightLayout::kZrn;
  std::optional<ActivationList> activations;  // default [sigmoid, tanh]
  WEBNN_FIELDS(GruAttrs, (steps, hiddenSize),
               (resetAfter, returnSequence, direction, layout, activations));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-grucell
struct GruCellAttrs {
  uint32_t hiddenSize = 0;
  bool resetAfter = true;
  GruWeightLayout layout = GruWeightLayout::kZrn;
  std::optional<ActivationList> activations;
  WEBNN_FIELDS(GruCellAttrs, (hiddenSize), (resetAfter, layout, activations));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-instancenorm
struct InstanceNormalizationAttrs {
  double epsilon = 1e-5;
  InputOperandLayout layout = InputOperandLayout::kNchw;
  WEBNN_FIELDS(InstanceNormalizationAttrs, (), (epsilon, layout));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-layernorm
struct LayerNormalizationAttrs {
  std::optional<UintList> axes;  // default [1, ..., rank-1]
  double epsilon = 1e-5;
  WEBNN_FIELDS(LayerNormalizationAttrs, (), (axes, epsilon));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-lstm
struct LstmAttrs {
  uint32_t steps = 0;
  uint32_t hiddenSize = 0;
  bool returnSequence = false;
  RecurrentNetworkDirection direction = RecurrentNetworkDirection::kForward;
  LstmWeightLayout layout = LstmWeightLayout::kIofg;
  std::optional<ActivationList> activations;  // default [sigmoid, tanh, tanh]
  WEBNN_FIELDS(LstmAttrs, (steps, hiddenSize), (returnSequence, direction, layout, activations));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-lstmcell
struct LstmCellAttrs {
  uint32_t hiddenSize = 0;
  LstmWeightLayout layout = LstmWeightLayout::kIofg;
  std::optional<ActivationList> activations;
  WEBNN_FIELDS(LstmCellAttrs, (hiddenSize), (layout, activations));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-pad
struct PadAttrs {
  UintList beginningPadding;
  UintList endingPadding;
  PaddingMode mode = PaddingMode::kConstant;
  MLNumber value = 0.0;
  WEBNN_FIELDS(PadAttrs, (beginningPadding, endingPadding), (mode, value));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-pool2d
struct Pool2dAttrs {
  std::optional<UintList> windowDimensions;  // default: the input's spatial size
  std::optional<UintList> padding;
  std::optional<UintList> strides;
  std::optional<UintList> dilations;
  InputOperandLayout layout = InputOperandLayout::kNchw;
  RoundingType outputShapeRounding = RoundingType::kFloor;
  std::optional<UintList> outputSizes;
  WEBNN_FIELDS(Pool2dAttrs, (),
               (windowDimensions, padding, strides, dilations, layout, outputShapeRounding,
                outputSizes));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-reduce
struct ReduceAttrs {
  std::optional<UintList> axes;  // default: all axes
  bool keepDimensions = false;
  WEBNN_FIELDS(ReduceAttrs, (), (axes, keepDimensions));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-resample2d-method
struct Resample2dAttrs {
  InterpolationMode mode = InterpolationMode::kNearestNeighbor;
  std::optional<std::vector<float>> scales;  // default [1, 1]
  std::optional<UintList> sizes;
  std::optional<UintList> axes;  // default [2, 3]
  WEBNN_FIELDS(Resample2dAttrs, (), (mode, scales, sizes, axes));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-reverse-method
struct ReverseAttrs {
  std::optional<UintList> axes;  // default: all axes
  WEBNN_FIELDS(ReverseAttrs, (), (axes));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-slice
struct SliceAttrs {
  UintList starts;
  UintList sizes;
  std::optional<UintList> strides;  // default 1s
  WEBNN_FIELDS(SliceAttrs, (starts, sizes), (strides));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-split: splits is a count of equal parts or
// the list of sizes along axis.
using SplitSpec = std::variant<uint32_t, UintList>;
struct SplitAttrs {
  SplitSpec splits = uint32_t{1};
  uint32_t axis = 0;
  WEBNN_FIELDS(SplitAttrs, (splits), (axis));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-tile
struct TileAttrs {
  UintList repetitions;
  WEBNN_FIELDS(TileAttrs, (repetitions), ());
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-transpose
struct TransposeAttrs {
  std::optional<UintList> permutation;  // default: reversed axes
  WEBNN_FIELDS(TransposeAttrs, (), (permutation));
};

// https://www.w3.org/TR/webnn/#api-mlgraphbuilder-triangular
struct TriangularAttrs {
  bool upper = true;
  int32_t diagonal = 0;
  WEBNN_FIELDS(TriangularAttrs, (), (upper, diagonal));
};

// The one list of attribute types; Attrs holds any of them.
#define WEBNN_ATTRS_TYPES(X)                                                                  \
  X(NoAttrs) X(AxisAttrs) X(GatherAttrs) X(ArgMinMaxAttrs) X(BatchNormalizationAttrs)          \
  X(CastAttrs) X(ClampAttrs) X(Conv2dAttrs) X(ConvTranspose2dAttrs) X(CumulativeSumAttrs)      \
  X(EluAttrs) X(LeakyReluAttrs) X(HardSigmoidAttrs) X(LinearAttrs) X(NewShapeAttrs)            \
  X(GemmAttrs) X(GruAttrs) X(GruCellAttrs) X(InstanceNormalizationAttrs)                       \
  X(LayerNormalizationAttrs) X(LstmAttrs) X(LstmCellAttrs) X(PadAttrs) X(Pool2dAttrs)          \
  X(ReduceAttrs) X(Resample2dAttrs) X(ReverseAttrs) X(SliceAttrs) X(SplitAttrs) X(TileAttrs)   \
  X(TransposeAttrs) X(TriangularAttrs)

#define WEBNN_ATTRS_VARIANT_MEMBER(T) , T
using Attrs = std::variant<std::monostate WEBNN_ATTRS_TYPES(WEBNN_ATTRS_VARIANT_MEMBER)>;
#undef WEBNN_ATTRS_VARIANT_MEMBER

}  // namespace webnn
