#!/usr/bin/env python3
"""Build mobilenetv2.onnx (opset 13) straight from the shared .npy files + architecture.json.

Usage: python3 make_onnx.py [SHARED_MOBILENETV2_DIR [OUT.onnx]]
       (defaults: <repo>/../shared/models/mobilenetv2, mobilenetv2.onnx next to this file;
       bench/models/make_models.py passes OUT to put it with the other benchmark models)
Deliberately independent of make_mobilenetv2.py and of our JSON graph, so that
check_mobilenetv2.py (our JSON graph in numpy) vs ort_reference.mjs (this model in ONNX
Runtime) compares two separately written descriptions of the same network.
The .onnx file (~9 MB, same weights as mobilenetv2.weights) is not committed; rerun this.
Needs python3-onnx and python3-numpy (apt).
"""
import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = Path(__file__).resolve().parent


def main():
    default = HERE.parents[1] / ".." / "shared" / "models" / "mobilenetv2"
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE / "mobilenetv2.onnx"
    arch = json.loads((src / "architecture.json").read_text())
    inits = [numpy_helper.from_array(np.array(0, np.float32), "zero"),
             numpy_helper.from_array(np.array(6, np.float32), "six")]
    nodes = []

    def conv(x, idx, stride, pad, group, relu6):
        w = np.load(src / "weights" / f"conv_{idx}_weight.npy").astype(np.float32)
        b = np.load(src / "weights" / f"conv_{idx}_bias.npy").astype(np.float32).reshape(-1)
        inits.extend([numpy_helper.from_array(w, f"W{idx}"), numpy_helper.from_array(b, f"B{idx}")])
        y = f"c{idx}"
        nodes.append(helper.make_node("Conv", [x, f"W{idx}", f"B{idx}"], [y], group=group,
                                      kernel_shape=list(w.shape[2:]), strides=[stride] * 2,
                                      pads=[pad] * 4))
        if relu6:
            nodes.append(helper.make_node("Clip", [y, "zero", "six"], [y + "r"]))
            y += "r"
        return y, w.shape[0]

    x, ch = conv("input", arch["stem"]["conv"], arch["stem"]["stride"], 1, 1, True)
    for i, blk in enumerate(arch["blocks"]):
        inp, cin, convs = x, ch, list(blk["convs"])
        if blk["expansion"] != 1:
            x, ch = conv(x, convs.pop(0), 1, 0, 1, True)
        x, ch = conv(x, convs[0], blk["stride"], 1, ch, True)
        x, ch = conv(x, convs[1], 1, 0, 1, False)
        if blk["stride"] == 1 and cin == ch:
            nodes.append(helper.make_node("Add", [inp, x], [f"res{i}"]))
            x = f"res{i}"
    x, ch = conv(x, arch["head"]["conv"], 1, 0, 1, True)
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["gap"]))
    nodes.append(helper.make_node("Flatten", ["gap"], ["features"], axis=1))
    graph = helper.make_graph(
        nodes, "mobilenetv2_backbone",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 224, 224])],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [1, ch])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="webnn-cpp models/make_onnx.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, out)
    print(f"wrote {out}: {len(nodes)} nodes")


if __name__ == "__main__":
    main()
