#!/usr/bin/env python3
"""Writes the webnn-graph-json graphs of tests/onnx/export_roundtrip.py (layouts other than
NCHW/OIHW and the ops exported as several ONNX nodes) with the webnn Python module:
    PYTHONPATH=build/release/python python3 tests/onnx/export_graphs/make_graphs.py
"""
import os

import numpy as np

import webnn

os.chdir(os.path.dirname(os.path.abspath(__file__)))
rng = np.random.default_rng(1)
def r(*s): return rng.standard_normal(s).astype(np.float32)
ctx = webnn.ML().create_context(backend="reference")
def build(name, f, feeds):
    b = webnn.MLGraphBuilder(ctx)
    ins = {k: b.input(k, {"dataType": v.dtype, "shape": v.shape}) for k, v in feeds.items()}
    out = f(b, ins)
    b.build(out).save(f"{name}.json")
x = r(1, 7, 9, 3)
build("conv_nhwc_hwio", lambda b, i: {"y": b.conv2d(i["x"], b.constant(r(3, 3, 3, 4)), input_layout="nhwc", filter_layout="hwio", padding=[1, 0, 2, 1], strides=[2, 1], dilations=[1, 2], bias=b.constant(r(4)))}, {"x": x})
build("conv_nhwc_ohwi", lambda b, i: {"y": b.conv2d(i["x"], b.constant(r(4, 2, 2, 3)), input_layout="nhwc", filter_layout="ohwi")}, {"x": x})
build("conv_ihwo_dw", lambda b, i: {"y": b.conv2d(i["x"], b.constant(r(1, 3, 3, 3)), input_layout="nhwc", filter_layout="ihwo", groups=3, padding=[1,1,1,1])}, {"x": x})
build("convt_nhwc_hwoi", lambda b, i: {"y": b.conv_transpose2d(i["x"], b.constant(r(3, 3, 5, 3)), input_layout="nhwc", filter_layout="hwoi", strides=[2, 2], padding=[1, 0, 0, 1], output_padding=[1, 1])}, {"x": x})
build("convt_ohwi", lambda b, i: {"y": b.conv_transpose2d(i["x"], b.constant(r(5, 2, 2, 3)), input_layout="nhwc", filter_layout="ohwi", strides=[2, 2])}, {"x": x})
build("pools_nhwc", lambda b, i: {"a": b.average_pool2d(i["x"], window_dimensions=[3, 3], strides=[2, 2], padding=[1, 1, 1, 1], layout="nhwc"), "m": b.max_pool2d(i["x"], window_dimensions=[2, 2], strides=[2, 2], layout="nhwc", output_shape_rounding="ceil"), "l": b.l2_pool2d(i["x"], window_dimensions=[2, 2], layout="nhwc")}, {"x": x})
y = r(2, 5)
build("misc", lambda b, i: {"gelu": b.gelu(i["y"]), "lin": b.linear(i["y"], alpha=2.0, beta=-1.0), "gt": b.greater(i["y"], b.constant(np.zeros((1, 5), np.float32))), "am": b.arg_max(i["y"], 1), "w": b.where(b.lesser(i["y"], b.constant(np.zeros((2, 5), np.float32))), i["y"], b.neg(i["y"])), "rs": b.reduce_sum(i["y"], axes=[1], keep_dimensions=True), "ln": b.layer_normalization(i["y"]), "sl": b.slice(i["y"], [0, 1], [2, 2], strides=[1, 2])}, {"y": y})
