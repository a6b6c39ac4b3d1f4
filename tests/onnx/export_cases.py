"""The per-op export cases of export_roundtrip.py: one small webnn-graph-json graph per family of
WebNN operators (the one-node element-wise ops, and those whose ONNX form is a decomposition or
needs conversions: logical ops through bool, quantization with blockwise parameters, int64
indices, Resize, reverse as Slice, split, Trilu, ONNX GRU/LSTM with reordered gates or unrolled
cells, ...). Every graph input is float32 (what the ONNX Runtime peer reads); integer and uint8
operands are constants or computed inside the graph.

cases(rng) -> [(name, graph_json_dict, {input_name: float32 array}, tolerance)]
tolerance: None (the test's default) or (rtol, atol).
"""
import numpy as np

DATA_TYPES = {np.dtype(np.float32): "float32", np.dtype(np.int32): "int32",
              np.dtype(np.uint32): "uint32", np.dtype(np.int64): "int64",
              np.dtype(np.int8): "int8", np.dtype(np.uint8): "uint8"}


class Graph:
    """A webnn-graph-json document under construction."""

    def __init__(self):
        self.inputs, self.consts, self.nodes, self.outputs, self.feeds = {}, {}, [], {}, {}

    def input(self, name, value):
        value = np.asarray(value, np.float32)
        self.inputs[name] = {"dataType": "float32", "shape": list(value.shape)}
        self.feeds[name] = value
        return name

    def const(self, value):
        value = np.array(value, order="C")  # (ascontiguousarray would make a scalar 1-D)
        name = f"const{len(self.consts)}"
        self.consts[name] = {"dataType": DATA_TYPES[value.dtype], "shape": list(value.shape),
                             "init": {"kind": "inlineBytes", "bytes": list(value.tobytes())}}
        return name

    def op(self, op, *inputs, results=None, **options):
        """Adds a node; `results` > 0 names that many outputs (returned as a list)."""
        node_id = f"{op}_{len(self.nodes)}"
        node = {"id": node_id, "op": op, "inputs": list(inputs)}
        if options:
            node["options"] = options
        if results:
            node["outputs"] = [f"{node_id}_{i}" for i in range(results)]
        self.nodes.append(node)
        return node["outputs"] if results else node_id

    def const4(self, values, signed):
        """An int4/uint4 constant: packed two per byte, low nibble first."""
        values = np.asarray(values)
        nibbles = (values.ravel().astype(np.int64) & 0xF).astype(np.uint8)
        if nibbles.size % 2:
            nibbles = np.append(nibbles, np.uint8(0))
        packed = nibbles[0::2] | (nibbles[1::2] << 4)
        name = f"const{len(self.consts)}"
        self.consts[name] = {"dataType": "int4" if signed else "uint4", "shape": list(values.shape),
                             "init": {"kind": "inlineBytes", "bytes": [int(b) for b in packed]}}
        return name

    def out(self, **named):
        self.outputs.update(named)

    def doc(self):
        return {"format": "webnn-graph-json", "version": 1, "inputs": self.inputs,
                "consts": self.consts, "nodes": self.nodes, "outputs": self.outputs}


def cases(rng):
    def r(*shape, scale=1.0):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    out = []

    def add(name, g, tolerance=None):
        out.append((name, g.doc(), g.feeds, tolerance))

    # Element-wise ops exported as one ONNX node each, and the other one-node shape ops.
    g = Graph()
    gx = g.input("x", r(3, 4))
    gy = g.input("y", r(1, 4))
    gp = g.input("p", np.abs(r(3, 4)) + 0.25)
    unary = ["abs", "ceil", "cos", "erf", "exp", "floor", "identity", "neg", "roundEven", "sign",
             "sin", "tan", "hardSwish", "softplus", "softsign", "relu", "sigmoid", "tanh"]
    g.out(**{op: g.op(op, gx) for op in unary},
          **{op: g.op(op, gp) for op in ["log", "sqrt", "reciprocal"]},
          **{op: g.op(op, gx, gy) for op in ["add", "sub", "mul", "max", "min"]},
          div=g.op("div", gx, gp), pow=g.op("pow", gp, gy),
          eq=g.op("equal", gx, g.op("max", gx, gy)), ge=g.op("greaterOrEqual", gx, gy),
          le=g.op("lesserOrEqual", gx, gy), gt=g.op("greater", gx, gy), lt=g.op("lesser", gx, gy),
          elu=g.op("elu", gx, alpha=0.7), leaky=g.op("leakyRelu", gx, alpha=0.2),
          prelu=g.op("prelu", gx, gy), arg_min=g.op("argMin", gx, axis=0, keepDimensions=True),
          arg_min64=g.op("argMin", gx, axis=1, outputDataType="int64"),
          expand=g.op("expand", gy, newShape=[2, 3, 4]), tile=g.op("tile", gx, repetitions=[2, 1]))
    add("elementwise", g)

    # Comparisons and logical ops (uint8 0/1 through ONNX bool), isNaN / isInfinite.
    g = Graph()
    x = r(3, 4)
    y = np.where(rng.random((3, 4)) < 0.5, x, r(3, 4))  # some equal elements
    z = r(3, 4)
    z.flat[[1, 5]] = np.nan
    z.flat[[2, 7]] = [np.inf, -np.inf]
    gx, gy, gz = g.input("x", x), g.input("y", y), g.input("z", z)
    zero = g.const(np.zeros((1, 4), np.float32))
    a, b = g.op("greater", gx, zero), g.op("greater", gy, zero)
    g.out(ne=g.op("notEqual", gx, gy), ne_u8=g.op("notEqual", a, b),
          and_=g.op("logicalAnd", a, b), or_=g.op("logicalOr", a, b),
          xor=g.op("logicalXor", a, b), not_=g.op("logicalNot", a),
          nan=g.op("isNaN", gz), inf=g.op("isInfinite", gz))
    add("logical", g)

    # cumulativeSum: every exclusive/reversed combination, float32 and int32.
    g = Graph()
    gx = g.input("x", r(3, 5))
    ints = g.op("cast", g.op("linear", gx, alpha=10.0), dataType="int32")
    g.out(cs=g.op("cumulativeSum", gx, axis=1), cs_ex=g.op("cumulativeSum", gx, axis=1, exclusive=True),
          cs_rev=g.op("cumulativeSum", gx, axis=0, reversed=True),
          cs_both=g.op("cumulativeSum", gx, axis=1, exclusive=True, reversed=True),
          cs_int=g.op("cumulativeSum", ints, axis=0))
    add("cumulative_sum", g)

    # quantizeLinear / dequantizeLinear: blockwise, per-row and per-tensor parameters,
    # saturating values, int8/uint8/int32 zero points.
    g = Graph()
    gx = g.input("x", r(2, 6, scale=3.0))
    big = g.op("linear", gx, alpha=200.0)  # saturates
    scale_block = g.const((rng.random((2, 3)) * 0.1 + 0.02).astype(np.float32))
    zp_block = g.const(rng.integers(-5, 5, (2, 3)).astype(np.int8))
    scale_row = g.const(np.array([[0.5], [0.25]], np.float32))
    zp_row = g.const(np.array([[128], [3]], np.uint8))
    scale_one = g.const(np.array([[0.01]], np.float32))
    zp_one = g.const(np.array([[-7]], np.int32))
    q8 = g.op("quantizeLinear", gx, scale_block, zp_block)
    g.out(q_block=q8, q_row=g.op("quantizeLinear", big, scale_row, zp_row),
          q_i32=g.op("quantizeLinear", gx, scale_one, zp_one),
          dq_block=g.op("dequantizeLinear", q8, scale_block, zp_block),
          dq_const=g.op("dequantizeLinear", g.const(rng.integers(0, 255, (2, 6)).astype(np.uint8)),
                        scale_row, zp_row))
    add("quantize", g)

    # int4/uint4 (int8/uint8 in ONNX before opset 21): constants unpacked, quantizeLinear
    # clamped to the 4-bit range; odd element counts exercise the last byte's unused nibble.
    g = Graph()
    gx = g.input("x", r(3, 5, scale=2.0))
    scale = g.const((rng.random((3, 5)) * 0.2 + 0.1).astype(np.float32))
    zp4 = g.const4(rng.integers(-3, 3, (3, 5)), signed=True)
    zpu4 = g.const4(rng.integers(0, 15, (3, 5)), signed=False)
    q4 = g.op("quantizeLinear", gx, scale, zp4)
    qu4 = g.op("quantizeLinear", gx, scale, zpu4)
    g.out(dq4=g.op("dequantizeLinear", q4, scale, zp4),
          dqu4=g.op("dequantizeLinear", qu4, scale, zpu4),
          dq_const4=g.op("dequantizeLinear", g.const4(rng.integers(-8, 8, (3, 5)), signed=True),
                         scale, zp4))
    add("int4", g)

    # gather family and scatter family: int32, uint32 and int64 indices.
    g = Graph()
    gx = g.input("x", r(3, 4))
    ge_idx = g.const(rng.integers(0, 3, (2, 4)).astype(np.int32))
    nd_rows = g.const(np.array([[2], [0]], np.int64))
    nd_elems = g.const(np.array([[1, 3], [2, 0], [0, 0]], np.uint32))
    se_idx = g.const(np.array([[2, 0, 1, 2], [0, 1, 2, 1]], np.int64))
    se_upd = g.const(r(2, 4))
    snd_upd = g.const(r(2, 4))
    g.out(gather_u32=g.op("gather", gx, g.const(np.array([2, 0, 2], np.uint32)), axis=0),
          gather_el=g.op("gatherElements", gx, ge_idx, axis=0),
          gather_el1=g.op("gatherElements", gx, g.const(rng.integers(0, 4, (3, 2)).astype(np.uint32)),
                          axis=1),
          gather_nd_rows=g.op("gatherND", gx, nd_rows),
          gather_nd_elems=g.op("gatherND", gx, nd_elems),
          scatter_el=g.op("scatterElements", gx, se_idx, se_upd, axis=0),
          scatter_nd=g.op("scatterND", gx, nd_rows, snd_upd))
    add("gather_scatter", g)

    # resample2d: nearest and linear, up and down, scales and sizes, NHWC axes.
    g = Graph()
    gx = g.input("x", r(1, 2, 4, 6))
    gh = g.input("h", r(1, 4, 6, 2))
    g.out(near_up=g.op("resample2d", gx, scales=[2.0, 1.5]),
          near_down=g.op("resample2d", gx, sizes=[3, 4]),
          lin_up=g.op("resample2d", gx, mode="linear", sizes=[7, 9]),
          lin_down=g.op("resample2d", gx, mode="linear", scales=[0.5, 0.5]),
          lin_nhwc=g.op("resample2d", gh, mode="linear", scales=[1.5, 2.0], axes=[1, 2]),
          near_nhwc=g.op("resample2d", gh, sizes=[5, 3], axes=[1, 2]))
    add("resample2d", g)

    # reverse, split, triangular.
    g = Graph()
    gx = g.input("x", r(2, 6, 5))
    parts = g.op("split", gx, splits=3, axis=1, results=3)
    sizes = g.op("split", gx, splits=[1, 3, 2], axis=1, results=3)
    g.out(rev=g.op("reverse", gx, axes=[0, 2]), rev_all=g.op("reverse", gx),
          rev_none=g.op("reverse", gx, axes=[]),
          s0=parts[0], s1=parts[1], s2=parts[2], t0=sizes[0], t1=sizes[1], t2=sizes[2],
          upper=g.op("triangular", gx), lower=g.op("triangular", gx, upper=False, diagonal=-1),
          upper2=g.op("triangular", gx, diagonal=2))
    add("reverse_split_triangular", g)

    # Normalizations on axes and layouts ONNX has no attribute for (transposed there and back),
    # and reductions over no axes (each element reduced alone).
    g = Graph()
    gx = g.input("x", r(2, 3, 4, 5))
    gv = g.input("v", r(5))
    gp = g.input("p", np.abs(r(3, 4)) + 0.5)
    c5 = [g.const(r(5)) for _ in range(3)]
    var5 = g.const(np.abs(r(5)) + 0.5)
    g.out(bn_last=g.op("batchNormalization", gx, c5[0], var5, scale=c5[1], bias=c5[2], axis=3),
          bn_first=g.op("batchNormalization", g.op("transpose", gx, permutation=[3, 0, 1, 2]),
                        c5[0], var5, axis=0),
          bn_rank1=g.op("batchNormalization", gv, c5[0], var5, axis=0, epsilon=0.01),
          in_nhwc=g.op("instanceNormalization", gx, scale=c5[1], bias=c5[2], layout="nhwc"),
          ln_gap=g.op("layerNormalization", gx, scale=g.const(r(2, 4)), axes=[0, 2]),
          ln_reversed=g.op("layerNormalization", gx, scale=g.const(r(5, 4)),
                           bias=g.const(r(5, 4)), axes=[3, 2]),
          ln_none=g.op("layerNormalization", gx, scale=g.const(np.float32(1.5)),
                       bias=g.const(np.float32(-0.25)), axes=[]),
          **{f"reduce_{op}": g.op(op, gp, axes=[])
             for op in ["reduceL1", "reduceL2", "reduceLogSum", "reduceLogSumExp", "reduceMax",
                        "reduceMean", "reduceMin", "reduceProduct", "reduceSum",
                        "reduceSumSquare"]})
    add("normalization_reduction", g)

    # Dilated average and L2 pooling (a Conv of ones), floor and ceiling rounding, NHWC.
    g = Graph()
    gx = g.input("x", r(1, 3, 9, 10))
    gh = g.input("h", r(1, 9, 10, 3))
    g.out(avg_dil=g.op("averagePool2d", gx, windowDimensions=[3, 2], dilations=[2, 3],
                       padding=[1, 2, 0, 1]),
          avg_dil_ceil=g.op("averagePool2d", gx, windowDimensions=[2, 2], dilations=[2, 2],
                            strides=[2, 3], padding=[1, 0, 1, 0], outputShapeRounding="ceil"),
          l2_dil=g.op("l2Pool2d", gx, windowDimensions=[3, 3], dilations=[2, 2], strides=[2, 2],
                      padding=[1, 1, 2, 0]),
          avg_dil_nhwc=g.op("averagePool2d", gh, windowDimensions=[2, 3], dilations=[3, 2],
                            strides=[2, 2], padding=[2, 2, 2, 2], layout="nhwc",
                            outputShapeRounding="ceil"),
          max_dil=g.op("maxPool2d", gx, windowDimensions=[2, 2], dilations=[3, 2], padding=[1, 0, 0, 1]))
    add("dilated_pools", g)

    # float16: the scalars of linear, gelu, clamp and pad written as float16 constants. ONNX
    # Runtime computes some float16 ops in float32 (its CPU kernels), our reference rounds each
    # op's result to float16: they agree within a float16 rounding (2^-11 relative).
    g = Graph()
    half = g.op("cast", g.input("x", r(3, 4)), dataType="float16")

    def f32(v):
        return g.op("cast", v, dataType="float32")
    g.out(lin16=f32(g.op("linear", half, alpha=0.5, beta=0.25)), gelu16=f32(g.op("gelu", half)),
          clamp16=f32(g.op("clamp", half, minValue=-0.5, maxValue=0.75)),
          pad16=f32(g.op("pad", half, beginningPadding=[1, 0], endingPadding=[0, 2], value=1.5)))
    add("float16_scalars", g, tolerance=(1e-3, 1e-3))

    # gruCell / lstmCell: both weight layouts, resetAfter both ways, peepholes, activations.
    batch, inp, hidden = 2, 3, 4
    g = Graph()
    gx, gh, gc = g.input("x", r(batch, inp)), g.input("h", r(batch, hidden)), g.input("c", r(batch, hidden))
    w3, rw3 = g.const(r(3 * hidden, inp)), g.const(r(3 * hidden, hidden))
    b3, rb3 = g.const(r(3 * hidden)), g.const(r(3 * hidden))
    w4, rw4 = g.const(r(4 * hidden, inp)), g.const(r(4 * hidden, hidden))
    b4, rb4, peep = g.const(r(4 * hidden)), g.const(r(4 * hidden)), g.const(r(3 * hidden))
    lstm_a = g.op("lstmCell", gx, w4, rw4, gh, gc, hiddenSize=hidden, bias=b4, recurrentBias=rb4,
                  peepholeWeight=peep, results=2)
    lstm_b = g.op("lstmCell", gx, w4, rw4, gh, gc, hiddenSize=hidden, layout="ifgo",
                  activations=["sigmoid", "relu", "tanh"], recurrentBias=rb4, results=2)
    g.out(gru_zrn=g.op("gruCell", gx, w3, rw3, gh, hiddenSize=hidden, bias=b3, recurrentBias=rb3),
          gru_rzn_before=g.op("gruCell", gx, w3, rw3, gh, hiddenSize=hidden, bias=b3,
                              recurrentBias=rb3, layout="rzn", resetAfter=False),
          gru_relu=g.op("gruCell", gx, w3, rw3, gh, hiddenSize=hidden, resetAfter=False,
                        activations=["sigmoid", "relu"]),
          lstm_h=lstm_a[0], lstm_c=lstm_a[1], lstm_ifgo_h=lstm_b[0], lstm_ifgo_c=lstm_b[1])
    add("recurrent_cells", g)

    # gru / lstm over 3 steps: forward, backward and both directions, sequences, initial states
    # (ONNX GRU/LSTM nodes; an lstm with peepholes unrolled).
    steps, dirs = 3, 2
    g = Graph()
    gx = g.input("x", r(steps, batch, inp))
    gh = g.input("h0", r(dirs, batch, hidden))
    gc = g.input("c0", r(dirs, batch, hidden))
    wg, rwg = g.const(r(dirs, 3 * hidden, inp)), g.const(r(dirs, 3 * hidden, hidden))
    bg, rbg = g.const(r(dirs, 3 * hidden)), g.const(r(dirs, 3 * hidden))
    wg1, rwg1 = g.const(r(1, 3 * hidden, inp)), g.const(r(1, 3 * hidden, hidden))
    wl, rwl = g.const(r(dirs, 4 * hidden, inp)), g.const(r(dirs, 4 * hidden, hidden))
    bl, rbl, pl = g.const(r(dirs, 4 * hidden)), g.const(r(dirs, 4 * hidden)), g.const(r(dirs, 3 * hidden))
    wl1, rwl1 = g.const(r(1, 4 * hidden, inp)), g.const(r(1, 4 * hidden, hidden))
    gru_both = g.op("gru", gx, wg, rwg, steps=steps, hiddenSize=hidden, bias=bg, recurrentBias=rbg,
                    initialHiddenState=gh, direction="both", returnSequence=True, results=2)
    gru_back = g.op("gru", gx, wg1, rwg1, steps=steps, hiddenSize=hidden, direction="backward",
                    layout="rzn", resetAfter=False, returnSequence=True, results=2)
    lstm_both = g.op("lstm", gx, wl, rwl, steps=steps, hiddenSize=hidden, bias=bl, recurrentBias=rbl,
                     peepholeWeight=pl, initialHiddenState=gh, initialCellState=gc,
                     direction="both", returnSequence=True, results=3)
    lstm_fwd = g.op("lstm", gx, wl1, rwl1, steps=steps, hiddenSize=hidden, layout="ifgo", results=2)
    # Without peepholes an lstm is ONNX's LSTM node (gru always is ONNX's GRU): both
    # directions, one bias of the two, initial states, relu activations.
    lstm_nopeep = g.op("lstm", gx, wl, rwl, steps=steps, hiddenSize=hidden, recurrentBias=rbl,
                       initialHiddenState=gh, initialCellState=gc, direction="both",
                       layout="ifgo", returnSequence=True, results=3)
    gru_relu = g.op("gru", gx, wg, rwg, steps=steps, hiddenSize=hidden, bias=bg,
                    activations=["sigmoid", "relu"], direction="both", layout="rzn",
                    returnSequence=True, results=2)
    g.out(gru_h=gru_both[0], gru_seq=gru_both[1], gru_back_h=gru_back[0], gru_back_seq=gru_back[1],
          gru_last=g.op("gru", gx, wg1, rwg1, steps=steps, hiddenSize=hidden),
          lstm_h=lstm_both[0], lstm_c=lstm_both[1], lstm_seq=lstm_both[2],
          lstm_fwd_h=lstm_fwd[0], lstm_fwd_c=lstm_fwd[1],
          lstm_np_h=lstm_nopeep[0], lstm_np_c=lstm_nopeep[1], lstm_np_seq=lstm_nopeep[2],
          gru_relu_h=gru_relu[0], gru_relu_seq=gru_relu[1])
    add("recurrent_sequences", g)
    return out
