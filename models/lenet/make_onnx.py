#!/usr/bin/env python3
"""Write lenet.onnx (opset 13): lenet.json translated node by node, with lenet.weights' values.

Usage: python3 make_onnx.py [OUT.onnx]   (default: lenet.onnx next to this file, git-ignored)
Why: bench/compare_ort.py times ONNX Runtime on the same network as our runtime, so the ONNX
file is made from our graph file itself (architecture and weights), not from another source.
Only the ops and options lenet.json uses are translated; anything else stops with an error.
Needs python3-numpy and python3-onnx (Debian packages).
"""
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from wgjson import load_model  # noqa: E402


def onnx_pads(padding):
    """WebNN [top, bottom, left, right] -> ONNX [top, left, bottom, right]."""
    top, bottom, left, right = padding
    return [top, left, bottom, right]


def translate(node, extra_inits):
    """One webnn-graph-json node -> ONNX nodes; constants it needs go to extra_inits."""
    op, o, ins, out = node["op"], node.get("options", {}), node["inputs"], node["id"]
    if op == "conv2d":
        assert (o.get("inputLayout", "nchw"), o.get("filterLayout", "oihw")) == ("nchw", "oihw")
        return [helper.make_node("Conv", ins + ([o["bias"]] if "bias" in o else []), [out],
                                 strides=o.get("strides", [1, 1]),
                                 dilations=o.get("dilations", [1, 1]),
                                 pads=onnx_pads(o.get("padding", [0, 0, 0, 0])),
                                 group=o.get("groups", 1))]
    if op == "maxPool2d":
        assert o.get("layout", "nchw") == "nchw" and "outputSizes" not in o
        return [helper.make_node("MaxPool", ins, [out], kernel_shape=o["windowDimensions"],
                                 strides=o.get("strides", [1, 1]),
                                 dilations=o.get("dilations", [1, 1]),
                                 pads=onnx_pads(o.get("padding", [0, 0, 0, 0])))]
    if op == "reshape":
        extra_inits.append(numpy_helper.from_array(np.array(o["newShape"], np.int64),
                                                   out + "_shape"))
        return [helper.make_node("Reshape", ins + [out + "_shape"], [out])]
    if op == "gemm":
        return [helper.make_node("Gemm", ins + ([o["c"]] if "c" in o else []), [out],
                                 transA=int(o.get("aTranspose", False)),
                                 transB=int(o.get("bTranspose", False)),
                                 alpha=float(o.get("alpha", 1.0)), beta=float(o.get("beta", 1.0)))]
    if op == "relu":
        return [helper.make_node("Relu", ins, [out])]
    if op == "softmax":
        return [helper.make_node("Softmax", ins, [out], axis=o["axis"])]
    raise ValueError(f"node {out}: operator {op} is not translated")


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "lenet.onnx"
    graph, consts = load_model(HERE / "lenet.json")
    inits = [numpy_helper.from_array(np.ascontiguousarray(a), n) for n, a in consts.items()]
    nodes = [n for node in graph["nodes"] for n in translate(node, inits)]
    # Graph outputs keep their names: an Identity from the value each one names.
    nodes += [helper.make_node("Identity", [value], [name])
              for name, value in graph["outputs"].items()]
    value_info = lambda name, shape: helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)
    assert all(d["dataType"] == "float32" for d in graph["inputs"].values())
    model_graph = helper.make_graph(
        nodes, graph["name"],
        [value_info(name, d["shape"]) for name, d in graph["inputs"].items()],
        [value_info(name, None) for name in graph["outputs"]], inits)  # shapes inferred below
    model = helper.make_model(model_graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="webnn-cpp models/lenet/make_onnx.py")
    model.ir_version = 8
    model = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    onnx.checker.check_model(model)
    onnx.save(model, out)
    print(f"wrote {out}: {len(nodes)} nodes")


if __name__ == "__main__":
    main()
