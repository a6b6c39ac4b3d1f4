#!/usr/bin/env python3
"""Writes a float16 copy of a float32 ONNX model for ONNX Runtime's float16 figure.

Every float32 initializer becomes float16; the graph keeps a float32 input and output (the peer
script feeds float32 .npy files) with a Cast to float16 after the input and back to float32
before the output, so everything in between computes on float16 tensors:

    /usr/bin/python3 bench/float16_onnx.py build/bench-models/mobilenetv2.onnx \
        build/bench-models/mobilenetv2_f16.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def convert(src: str, dst: str) -> None:
    model = onnx.load(src)
    g = model.graph
    for i, init in enumerate(g.initializer):
        if init.data_type == TensorProto.FLOAT:
            arr = numpy_helper.to_array(init).astype(np.float16)
            g.initializer[i].CopyFrom(numpy_helper.from_array(arr, init.name))
    casts_in, casts_out = [], []
    for inp in g.input:
        if inp.type.tensor_type.elem_type != TensorProto.FLOAT:
            continue
        half = inp.name + "_float16"
        for node in g.node:
            for k, name in enumerate(node.input):
                if name == inp.name:
                    node.input[k] = half
        casts_in.append(helper.make_node("Cast", [inp.name], [half], to=TensorProto.FLOAT16))
    for out in g.output:
        if out.type.tensor_type.elem_type != TensorProto.FLOAT:
            continue
        half = out.name + "_float16"
        for node in g.node:
            for k, name in enumerate(node.output):
                if name == out.name:
                    node.output[k] = half
        casts_out.append(helper.make_node("Cast", [half], [out.name], to=TensorProto.FLOAT))
    nodes = casts_in + list(g.node) + casts_out
    del g.node[:]
    g.node.extend(nodes)
    del g.value_info[:]
    onnx.checker.check_model(model)
    onnx.save(model, dst)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: float16_onnx.py IN.onnx OUT.onnx")
    convert(sys.argv[1], sys.argv[2])
