#!/usr/bin/env python3
"""Write one BERT-base transformer encoder layer twice: as ONNX and as webnn-graph-json.

Usage: python3 make_encoder.py OUT_DIR
Writes into OUT_DIR:
  encoder.onnx                                        ONNX, opset 17 (see GELU below)
  encoder.json, encoder.manifest.json, encoder.weights  the same layer for our runtime
  encoder_input.npy                                   input x: float32 [1,128,768], N(0,1)

Why: bench/compare_ort.py times our runtime against ONNX Runtime on a transformer layer, so
both runtimes must get the same network with the same weights. Both files are written here
from the same numpy arrays; bench/check_peer.py checks that they compute the same thing.

The layer (BERT's post-LN encoder, no attention mask), batch 1, sequence S=128, hidden
H=768, 12 heads of 64, FFN 3072:
  q, k, v = x @ Wq + bq, x @ Wk + bk, x @ Wv + bv                 [1,128,768]
  q, v    -> reshape [1,128,12,64] -> transpose [0,2,1,3]         [1,12,128,64]
  k       -> reshape [1,128,12,64] -> transpose [0,2,3,1]         [1,12,64,128] (K^T)
  p       = softmax((q @ k^T) * 1/sqrt(64), axis -1)              [1,12,128,128]
  a       = (p @ v) -> transpose [0,2,1,3] -> reshape [1,128,768]
  h       = layerNorm(a @ Wo + bo + x)                            eps 1e-12 over the last axis
  y       = layerNorm(gelu(h @ W1 + b1) @ W2 + b2 + h)            gelu is the exact (erf) one
Weights: numpy default_rng(0), normal * 0.02 as in BERT's initialisation (biases too, so the
bias adds are not no-ops; layer-norm scales 1 + normal * 0.02), which keeps every activation
O(1). The input is drawn from default_rng(1).

GELU in ONNX: opset 17 has no Gelu operator, so it is written as
(x * (1 + erf(x / sqrt(2)))) * 0.5, the node pattern ONNX Runtime's 'all' optimisation level
fuses into one Gelu kernel (com.microsoft). Checked with ORT 1.30.0 (optimizedModelFilePath):
that form and opset 20's Gelu both optimise to a single Gelu node, while the same formula with
Mul(x, 1/sqrt(2)) instead of Div(x, sqrt(2)) stays five unfused nodes; timed at 1 thread
(6 x 50 interleaved runs) the two fused forms had a min of 11.8 ms, the unfused one 12.6 ms.
So this is as fast for ORT as opset 20, and opset 17 is also the newest one Debian's
python3-onnx (1.12) can check.
Needs python3-numpy and python3-onnx (Debian packages).
"""
import math
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "models"))
from wgjson import write_model  # noqa: E402

SEQ, HIDDEN, HEADS, FFN = 128, 768, 12, 3072
HEAD = HIDDEN // HEADS
EPS = 1e-12


def make_weights():
    """{name: float32 array} in the order they are stored in encoder.weights."""
    rng = np.random.default_rng(0)
    normal = lambda *shape: (rng.standard_normal(shape) * 0.02).astype(np.float32)
    w = {}
    for p in ("q", "k", "v", "o"):
        w[f"w{p}"], w[f"b{p}"] = normal(HIDDEN, HIDDEN), normal(HIDDEN)
    w["ln1_scale"], w["ln1_bias"] = 1 + normal(HIDDEN), normal(HIDDEN)
    w["w1"], w["b1"] = normal(HIDDEN, FFN), normal(FFN)
    w["w2"], w["b2"] = normal(FFN, HIDDEN), normal(HIDDEN)
    w["ln2_scale"], w["ln2_bias"] = 1 + normal(HIDDEN), normal(HIDDEN)
    return w


def make_input():
    return np.random.default_rng(1).standard_normal((1, SEQ, HIDDEN)).astype(np.float32)


def webnn_nodes():
    """The layer as webnn-graph-json nodes over the consts of make_weights() + the shape consts."""
    nodes = []

    def op(id_, op_name, *inputs, **options):
        node = {"id": id_, "op": op_name, "inputs": list(inputs)}
        if options:
            node["options"] = options
        nodes.append(node)
        return id_

    def linear(id_, x, w, b):
        return op(id_, "add", op(id_ + "_mm", "matmul", x, w), b)

    def heads(p, perm):
        split = op(p + "_split", "reshape", linear(p, "x", "w" + p, "b" + p),
                   newShape=[1, SEQ, HEADS, HEAD])
        return op(p + "_heads", "transpose", split, permutation=perm)

    q, kt, v = heads("q", [0, 2, 1, 3]), heads("k", [0, 2, 3, 1]), heads("v", [0, 2, 1, 3])
    scores = op("scores", "mul", op("qk", "matmul", q, kt), "attn_scale")
    probs = op("probs", "softmax", scores, axis=3)
    ctx = op("ctx_heads", "transpose", op("ctx", "matmul", probs, v), permutation=[0, 2, 1, 3])
    ctx = op("ctx_merged", "reshape", ctx, newShape=[1, SEQ, HIDDEN])
    res1 = op("res1", "add", linear("attn_out", ctx, "wo", "bo"), "x")
    h = op("ln1", "layerNormalization", res1, scale="ln1_scale", bias="ln1_bias",
           axes=[2], epsilon=EPS)
    ff = linear("ffn_out", op("gelu", "gelu", linear("ffn_in", h, "w1", "b1")), "w2", "b2")
    op("ln2", "layerNormalization", op("res2", "add", ff, h), scale="ln2_scale",
       bias="ln2_bias", axes=[2], epsilon=EPS)
    return nodes


def onnx_model(weights):
    """The same layer as an ONNX ModelProto (opset 17) with the same weights."""
    inits = [numpy_helper.from_array(a, n) for n, a in weights.items()]
    consts = {"attn_scale": np.array(1 / math.sqrt(HEAD), np.float32),
              "half": np.array(0.5, np.float32), "one": np.array(1, np.float32),
              "sqrt2": np.array(math.sqrt(2), np.float32),
              "split_shape": np.array([1, SEQ, HEADS, HEAD], np.int64),
              "merged_shape": np.array([1, SEQ, HIDDEN], np.int64)}
    inits += [numpy_helper.from_array(a, n) for n, a in consts.items()]
    nodes = []

    def op(out, op_type, *inputs, **attrs):
        nodes.append(helper.make_node(op_type, list(inputs), [out], **attrs))
        return out

    def linear(out, x, w, b):
        return op(out, "Add", op(out + "_mm", "MatMul", x, w), b)

    def heads(p, perm):
        split = op(p + "_split", "Reshape", linear(p, "x", "w" + p, "b" + p), "split_shape")
        return op(p + "_heads", "Transpose", split, perm=perm)

    q, kt, v = heads("q", [0, 2, 1, 3]), heads("k", [0, 2, 3, 1]), heads("v", [0, 2, 1, 3])
    scores = op("scores", "Mul", op("qk", "MatMul", q, kt), "attn_scale")
    probs = op("probs", "Softmax", scores, axis=-1)
    ctx = op("ctx_heads", "Transpose", op("ctx", "MatMul", probs, v), perm=[0, 2, 1, 3])
    ctx = op("ctx_merged", "Reshape", ctx, "merged_shape")
    res1 = op("res1", "Add", linear("attn_out", ctx, "wo", "bo"), "x")
    h = op("ln1", "LayerNormalization", res1, "ln1_scale", "ln1_bias", axis=-1, epsilon=EPS)
    pre = linear("ffn_in", h, "w1", "b1")
    erf_1p = op("gelu_1p", "Add", op("gelu_erf", "Erf", op("gelu_div", "Div", pre, "sqrt2")), "one")
    gelu = op("gelu", "Mul", op("gelu_x", "Mul", pre, erf_1p), "half")
    res2 = op("res2", "Add", linear("ffn_out", gelu, "w2", "b2"), h)
    op("y", "LayerNormalization", res2, "ln2_scale", "ln2_bias", axis=-1, epsilon=EPS)
    io = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, SEQ, HIDDEN])
    graph = helper.make_graph(nodes, "bert_base_encoder_layer", [io("x")], [io("y")], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="webnn-cpp bench/models/make_encoder.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    weights = make_weights()
    onnx.save(onnx_model(weights), out / "encoder.onnx")
    tensors = dict(weights, attn_scale=np.array(1 / math.sqrt(HEAD), np.float32))
    write_model(out / "encoder", "bert_base_encoder_layer",
                {"x": ("float32", [1, SEQ, HIDDEN])}, tensors, webnn_nodes(), {"y": "ln2"})
    np.save(out / "encoder_input.npy", make_input())
    print(f"wrote {out}/encoder.onnx, encoder.{{json,manifest.json,weights}}, encoder_input.npy")


if __name__ == "__main__":
    main()
