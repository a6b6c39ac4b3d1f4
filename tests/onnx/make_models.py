#!/usr/bin/env python3
"""Writes the small ONNX models the CLI tests use (tests/cli/cli_test.sh); needs python3-onnx.

free_dim.onnx: y = relu(x) + 1 with x of shape ["batch", 3] (a free dimension).
"""
import os

import onnx
from onnx import TensorProto, helper

here = os.path.dirname(os.path.abspath(__file__))
graph = helper.make_graph(
    [helper.make_node("Relu", ["x"], ["r"], name="relu"),
     helper.make_node("Add", ["r", "one"], ["y"], name="add")],
    "free_dim",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])],
    [helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])])
model = helper.make_model(graph, producer_name="webnn-cpp tests",
                          opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, os.path.join(here, "free_dim.onnx"))
