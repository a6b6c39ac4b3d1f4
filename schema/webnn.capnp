# webnn.capnp: the typed binary IR of a WebNN graph, for IPC (client -> webnnd) and for the
# standalone `.webnn` graph file. It mirrors src/ir/graph_info.h (GraphInfo) and
# include/webnn/attrs.h (one struct per attribute type); src/format/capnp/codec.h converts.
#
# ---- Versioning rules (read before editing) -----------------------------------------------
# 1. Ordinals (@N) are only ever appended: a new field, a new union member, a new enumerant
#    takes the next free number of its struct/enum. Never renumber, never reorder, never change
#    a field's type or its default value.
# 2. A removed field is retired, not deleted: rename it to `obsoleteFoo` and keep its ordinal,
#    so the number is never reused with another meaning.
# 3. OpKind follows src/ops/op_table.inc row by row (same order, enumerant = the op's spec
#    name); codec_test.cc checks it. A new operator is appended to BOTH the table and OpKind,
#    so table rows are only appended too. Likewise DataType follows include/webnn/data_types.inc
#    and every attribute enum follows its EnumTraits names in include/webnn/attrs.h.
# 4. A new attribute type gets a struct here and a member appended to Operation.attrs, named
#    like its C++ type with a lower-case first letter (Conv2dAttrs -> conv2dAttrs). Its fields
#    are named exactly like the C++ fields (the codec maps them by name through VisitFields).
# 5. Forward compatibility: an old reader meets a new operator as an OpKind value it does not
#    know and a new attribute struct as an Operation.attrs discriminant it does not know (the
#    generated which() returns a value outside its enum); a new enumerant of an attribute enum
#    reads as an out-of-range number. The reader must detect all three and reject the graph
#    with a clear DataError ("unknown operator kind 97"); it never guesses. A new optional
#    field that an old reader ignores must therefore be one whose absence (its default) means
#    the old behaviour.
# 6. `currentFormatVersion` changes only for an incompatible change (one that rules 1-5 cannot
#    express); readers reject any format version other than the ones they know.
#
# ---- Conventions -----------------------------------------------------------------------------
# - Scalar fields carry the spec's default as their schema default, so a field left unset means
#   the same thing as the option left out in the JS API (codec_test.cc checks that the schema
#   defaults equal the C++ defaults in attrs.h).
# - An optional list or struct option (std::optional in attrs.h) is absent when its pointer is
#   null (the generated hasFoo() is the has-flag); an empty list is present and empty. Every
#   optional option in attrs.h is a list or an MLNumber, so no scalar needs a has-flag; a future
#   optional scalar must use a `union { none @a :Void; value @b :T; }`.
# - A required list (reshape newShape, slice starts, ...) must be present (non-null), even when
#   empty; the decoder rejects a null one.
# - Operand ids index GraphInfo.operands. 0xFFFFFFFF in Operation.inputs marks an absent
#   optional operand slot (conv2d without bias).
#
# ---- The `.webnn` file -------------------------------------------------------------------------
# A `.webnn` file is exactly one `File` message in the standard (unpacked) Cap'n Proto stream
# framing: the segment table followed by the segments, as written by capnp::writeMessage and
# read by capnp::FlatArrayMessageReader (mmap-able; constant bytes are used in place). The same
# framing carries a graph over IPC. File.magic must be `fileMagic` and File.formatVersion one
# the reader supports.

@0xc8aee9f1d788ccb7;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("webnn::wire");

const fileMagic :UInt64 = 0x0050434e4e424557;  # the bytes "WEBNNCP\0" when stored little-endian
const currentFormatVersion :UInt32 = 1;

struct File {
  magic @0 :UInt64;          # must be fileMagic
  formatVersion @1 :UInt32;  # must be a version the reader knows (currentFormatVersion)
  graph @2 :GraphInfo;
}

# ---- Operands ----------------------------------------------------------------------------------

# https://www.w3.org/TR/webnn/#enumdef-mloperanddatatype; order = include/webnn/data_types.inc.
enum DataType {
  float32 @0;
  float16 @1;
  int32 @2;
  uint32 @3;
  int64 @4;
  uint64 @5;
  int8 @6;
  uint8 @7;
  int4 @8;
  uint4 @9;
}

# https://www.w3.org/TR/webnn/#dictdef-mloperanddescriptor
struct OperandDescriptor {
  dataType @0 :DataType;
  shape @1 :List(UInt32);
}

enum OperandKind {
  input @0;     # a graph input, bound by name at dispatch
  constant @1;  # its bytes are in GraphInfo.constants
  output @2;    # the result of an operation (a graph output when named in GraphInfo.outputs)
}

struct Operand {
  kind @0 :OperandKind;
  descriptor @1 :OperandDescriptor;
  name @2 :Text;  # inputs: the input name (required); others: an optional debug name
}

# ---- Attribute enums (order = EnumTraits<E>::kNames in attrs.h) --------------------------------

enum InputOperandLayout { nchw @0; nhwc @1; }
enum Conv2dFilterOperandLayout { oihw @0; hwio @1; ohwi @2; ihwo @3; }
enum ConvTranspose2dFilterOperandLayout { iohw @0; hwoi @1; ohwi @2; }
enum RoundingType { floor @0; ceil @1; }
enum PaddingMode { constant @0; edge @1; reflection @2; }
enum InterpolationMode { nearestNeighbor @0; linear @1; }
enum RecurrentNetworkActivation { relu @0; sigmoid @1; tanh @2; }
enum RecurrentNetworkDirection { forward @0; backward @1; both @2; }
enum GruWeightLayout { zrn @0; rzn @1; }
enum LstmWeightLayout { iofg @0; ifgo @1; }

# https://www.w3.org/TR/webnn/#typedefdef-mlnumber: (bigint or unrestricted double). A bigint
# keeps its exact 64-bit value.
struct MLNumber {
  union {
    float64 @0 :Float64;
    int64 @1 :Int64;
    uint64 @2 :UInt64;
  }
}

# ---- Attribute structs: one per type in WEBNN_ATTRS_TYPES (attrs.h), fields named alike ------

struct NoAttrs {}

struct AxisAttrs {
  axis @0 :UInt32;
}

struct GatherAttrs {
  axis @0 :UInt32 = 0;
}

struct ArgMinMaxAttrs {
  axis @0 :UInt32;
  keepDimensions @1 :Bool = false;
  outputDataType @2 :DataType = int32;
}

struct BatchNormalizationAttrs {
  axis @0 :UInt32 = 1;
  epsilon @1 :Float64 = 1e-5;
}

struct CastAttrs {
  dataType @0 :DataType;
}

struct ClampAttrs {
  minValue @0 :MLNumber;  # optional
  maxValue @1 :MLNumber;  # optional
}

struct Conv2dAttrs {
  padding @0 :List(UInt32);    # optional
  strides @1 :List(UInt32);    # optional
  dilations @2 :List(UInt32);  # optional
  groups @3 :UInt32 = 1;
  inputLayout @4 :InputOperandLayout = nchw;
  filterLayout @5 :Conv2dFilterOperandLayout = oihw;
}

struct ConvTranspose2dAttrs {
  padding @0 :List(UInt32);        # optional
  strides @1 :List(UInt32);        # optional
  dilations @2 :List(UInt32);      # optional
  outputPadding @3 :List(UInt32);  # optional
  outputSizes @4 :List(UInt32);    # optional
  groups @5 :UInt32 = 1;
  inputLayout @6 :InputOperandLayout = nchw;
  filterLayout @7 :ConvTranspose2dFilterOperandLayout = iohw;
}

struct CumulativeSumAttrs {
  axis @0 :UInt32;
  exclusive @1 :Bool = false;
  reversed @2 :Bool = false;
}

struct EluAttrs {
  alpha @0 :Float64 = 1.0;
}

struct LeakyReluAttrs {
  alpha @0 :Float64 = 0.01;
}

struct HardSigmoidAttrs {
  alpha @0 :Float64 = 0.2;
  beta @1 :Float64 = 0.5;
}

struct LinearAttrs {
  alpha @0 :Float64 = 1.0;
  beta @1 :Float64 = 0.0;
}

struct NewShapeAttrs {
  newShape @0 :List(UInt32);  # required
}

struct GemmAttrs {
  alpha @0 :Float64 = 1.0;
  beta @1 :Float64 = 1.0;
  aTranspose @2 :Bool = false;
  bTranspose @3 :Bool = false;
}

struct GruAttrs {
  steps @0 :UInt32;
  hiddenSize @1 :UInt32;
  resetAfter @2 :Bool = true;
  returnSequence @3 :Bool = false;
  direction @4 :RecurrentNetworkDirection = forward;
  layout @5 :GruWeightLayout = zrn;
  activations @6 :List(RecurrentNetworkActivation);  # optional
}

struct GruCellAttrs {
  hiddenSize @0 :UInt32;
  resetAfter @1 :Bool = true;
  layout @2 :GruWeightLayout = zrn;
  activations @3 :List(RecurrentNetworkActivation);  # optional
}

struct InstanceNormalizationAttrs {
  epsilon @0 :Float64 = 1e-5;
  layout @1 :InputOperandLayout = nchw;
}

struct LayerNormalizationAttrs {
  axes @0 :List(UInt32);  # optional
  epsilon @1 :Float64 = 1e-5;
}

struct LstmAttrs {
  steps @0 :UInt32;
  hiddenSize @1 :UInt32;
  returnSequence @2 :Bool = false;
  direction @3 :RecurrentNetworkDirection = forward;
  layout @4 :LstmWeightLayout = iofg;
  activations @5 :List(RecurrentNetworkActivation);  # optional
}

struct LstmCellAttrs {
  hiddenSize @0 :UInt32;
  layout @1 :LstmWeightLayout = iofg;
  activations @2 :List(RecurrentNetworkActivation);  # optional
}

struct PadAttrs {
  beginningPadding @0 :List(UInt32);  # required
  endingPadding @1 :List(UInt32);     # required
  mode @2 :PaddingMode = constant;
  value @3 :MLNumber;                 # null reads as the default, float64 0
}

struct Pool2dAttrs {
  windowDimensions @0 :List(UInt32);  # optional
  padding @1 :List(UInt32);           # optional
  strides @2 :List(UInt32);           # optional
  dilations @3 :List(UInt32);         # optional
  layout @4 :InputOperandLayout = nchw;
  outputShapeRounding @5 :RoundingType = floor;
  outputSizes @6 :List(UInt32);       # optional
}

struct ReduceAttrs {
  axes @0 :List(UInt32);  # optional
  keepDimensions @1 :Bool = false;
}

struct Resample2dAttrs {
  mode @0 :InterpolationMode = nearestNeighbor;
  scales @1 :List(Float32);  # optional
  sizes @2 :List(UInt32);    # optional
  axes @3 :List(UInt32);     # optional
}

struct ReverseAttrs {
  axes @0 :List(UInt32);  # optional
}

struct SliceAttrs {
  starts @0 :List(UInt32);   # required
  sizes @1 :List(UInt32);    # required
  strides @2 :List(UInt32);  # optional
}

struct SplitAttrs {
  # https://www.w3.org/TR/webnn/#api-mlgraphbuilder-split: a count of equal parts or the
  # sizes along axis (the alternatives of the C++ std::variant, in order).
  splits :union {
    count @0 :UInt32 = 1;
    sizes @1 :List(UInt32);
  }
  axis @2 :UInt32 = 0;
}

struct TileAttrs {
  repetitions @0 :List(UInt32);  # required
}

struct TransposeAttrs {
  permutation @0 :List(UInt32);  # optional
}

struct TriangularAttrs {
  upper @0 :Bool = true;
  diagonal @1 :Int32 = 0;
}

# ---- Operations ----------------------------------------------------------------------------------

# One enumerant per row of src/ops/op_table.inc, in table order, named by the spec method name.
enum OpKind {
  argMin @0;
  argMax @1;
  batchNormalization @2;
  cast @3;
  clamp @4;
  concat @5;
  conv2d @6;
  convTranspose2d @7;
  cumulativeSum @8;
  add @9;
  sub @10;
  mul @11;
  div @12;
  max @13;
  min @14;
  pow @15;
  equal @16;
  notEqual @17;
  greater @18;
  greaterOrEqual @19;
  lesser @20;
  lesserOrEqual @21;
  logicalNot @22;
  logicalAnd @23;
  logicalOr @24;
  logicalXor @25;
  isNaN @26;
  isInfinite @27;
  abs @28;
  ceil @29;
  cos @30;
  erf @31;
  exp @32;
  floor @33;
  identity @34;
  log @35;
  neg @36;
  reciprocal @37;
  roundEven @38;
  sin @39;
  sign @40;
  sqrt @41;
  tan @42;
  dequantizeLinear @43;
  quantizeLinear @44;
  elu @45;
  expand @46;
  gather @47;
  gatherElements @48;
  gatherND @49;
  gelu @50;
  gemm @51;
  gru @52;
  gruCell @53;
  hardSigmoid @54;
  hardSwish @55;
  instanceNormalization @56;
  layerNormalization @57;
  leakyRelu @58;
  linear @59;
  lstm @60;
  lstmCell @61;
  matmul @62;
  pad @63;
  averagePool2d @64;
  l2Pool2d @65;
  maxPool2d @66;
  prelu @67;
  reduceL1 @68;
  reduceL2 @69;
  reduceLogSum @70;
  reduceLogSumExp @71;
  reduceMax @72;
  reduceMean @73;
  reduceMin @74;
  reduceProduct @75;
  reduceSum @76;
  reduceSumSquare @77;
  relu @78;
  resample2d @79;
  reshape @80;
  reverse @81;
  scatterElements @82;
  scatterND @83;
  sigmoid @84;
  slice @85;
  softmax @86;
  softplus @87;
  softsign @88;
  split @89;
  tanh @90;
  tile @91;
  transpose @92;
  triangular @93;
  where @94;
}

struct Operation {
  kind @0 :OpKind;
  # One id per operand slot of the op (op_table.inc), 0xFFFFFFFF for an absent optional
  # operand; concat: one id per input.
  inputs @1 :List(UInt32);
  # The result operands, in the op's output order.
  outputs @2 :List(UInt32);
  label @3 :Text;
  # The op's attribute struct: the member must be the attribute type of `kind` in op_table.inc.
  attrs :union {
    noAttrs @4 :NoAttrs;
    axisAttrs @5 :AxisAttrs;
    gatherAttrs @6 :GatherAttrs;
    argMinMaxAttrs @7 :ArgMinMaxAttrs;
    batchNormalizationAttrs @8 :BatchNormalizationAttrs;
    castAttrs @9 :CastAttrs;
    clampAttrs @10 :ClampAttrs;
    conv2dAttrs @11 :Conv2dAttrs;
    convTranspose2dAttrs @12 :ConvTranspose2dAttrs;
    cumulativeSumAttrs @13 :CumulativeSumAttrs;
    eluAttrs @14 :EluAttrs;
    leakyReluAttrs @15 :LeakyReluAttrs;
    hardSigmoidAttrs @16 :HardSigmoidAttrs;
    linearAttrs @17 :LinearAttrs;
    newShapeAttrs @18 :NewShapeAttrs;
    gemmAttrs @19 :GemmAttrs;
    gruAttrs @20 :GruAttrs;
    gruCellAttrs @21 :GruCellAttrs;
    instanceNormalizationAttrs @22 :InstanceNormalizationAttrs;
    layerNormalizationAttrs @23 :LayerNormalizationAttrs;
    lstmAttrs @24 :LstmAttrs;
    lstmCellAttrs @25 :LstmCellAttrs;
    padAttrs @26 :PadAttrs;
    pool2dAttrs @27 :Pool2dAttrs;
    reduceAttrs @28 :ReduceAttrs;
    resample2dAttrs @29 :Resample2dAttrs;
    reverseAttrs @30 :ReverseAttrs;
    sliceAttrs @31 :SliceAttrs;
    splitAttrs @32 :SplitAttrs;
    tileAttrs @33 :TileAttrs;
    transposeAttrs @34 :TransposeAttrs;
    triangularAttrs @35 :TriangularAttrs;
  }
}

# ---- Constants and the graph ---------------------------------------------------------------------

struct Constant {
  operand @0 :UInt32;  # a constant operand; each constant operand has exactly one Constant
  data :union {
    # The bytes inline: exactly the descriptor's byte length, little-endian elements (int4/uint4
    # two per byte, low nibble first). A Data blob holds less than 512 MiB (2^29 bytes); larger
    # constants must go through shared memory.
    bytes @1 :Data;
    # Reserved for the service: the bytes are in a region sent alongside the message (a memfd
    # sealed against writes, or an upload the graph takes: webnn_service.capnp's
    # ConstantRegion), bytes the client can no longer change. Only a decoder given a resolver
    # accepts it; everyone else rejects the graph.
    sharedMemory :group {
      region @2 :UInt32;  # index of the region among those sent with the message
      offset @3 :UInt64;
      length @4 :UInt64;
    }
  }
}

struct GraphOutput {
  name @0 :Text;
  operand @1 :UInt32;  # a result operand
}

struct GraphInfo {
  name @0 :Text;                   # optional
  operands @1 :List(Operand);      # indexed by operand id
  inputs @2 :List(UInt32);         # the graph inputs, in declaration order
  outputs @3 :List(GraphOutput);   # the named graph outputs, in declaration order
  operations @4 :List(Operation);  # topologically sorted
  constants @5 :List(Constant);
}
