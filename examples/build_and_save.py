#!/usr/bin/env python3
"""Builds a small graph by hand, runs it, saves it in both graph file formats and loads it back.

    PYTHONPATH=build/python python3 examples/build_and_save.py /tmp/tiny

The graph is a 3x3 convolution (4 filters, bias, "same" padding) + relu + global average pooling
+ a 4 -> 2 gemm: writes /tmp/tiny.json (webnn-graph-json; large constants go to tiny.weights with
tiny.manifest.json) and /tmp/tiny.webnn (Cap'n Proto), and checks both give the same result.
"""

import argparse
import pathlib

import numpy as np

import webnn


def build(context):
    rng = np.random.default_rng(0)
    b = webnn.MLGraphBuilder(context)
    image = b.input("image", {"dataType": "float32", "shape": [1, 1, 8, 8]})
    filters = b.constant(rng.standard_normal((4, 1, 3, 3)).astype(np.float32))
    bias = b.constant(np.array([0.1, -0.1, 0.2, 0.0], np.float32))
    features = b.relu(b.conv2d(image, filters, padding=[1, 1, 1, 1], bias=bias, label="conv"))
    pooled = b.reshape(b.average_pool2d(features), [1, 4])
    weights = b.constant(rng.standard_normal((4, 2)).astype(np.float32))
    scores = b.softmax(b.gemm(pooled, weights, c=b.constant("float32", 0.5)), 1)
    # keep_graph: save() below writes the graph's IR, which is otherwise released once compiled.
    return b.build({"scores": scores}, keep_graph=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stem", type=pathlib.Path, help="output path without extension")
    args = parser.parse_args()

    context = webnn.ML().create_context()
    graph = build(context)
    x = np.linspace(-1, 1, 64, dtype=np.float32).reshape(1, 1, 8, 8)
    want = context.compute(graph, {"image": x})["scores"]
    print("scores:", want)

    for suffix in (".json", ".webnn"):
        path = args.stem.with_suffix(suffix)
        graph.save(path)
        loaded = context.load_graph(path)
        got = context.compute(loaded, {"image": x})["scores"]
        same = np.array_equal(got, want)
        print(f"{path}: {path.stat().st_size} bytes, reloaded result {'identical' if same else 'DIFFERENT'}")
        if not same:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
