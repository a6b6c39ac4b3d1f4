#!/usr/bin/env python3
"""Runs the MobileNetV2 backbone (models/mobilenetv2) in a running webnnd daemon.

    build/webnnd --listen unix:/tmp/webnn-demo/webnnd.sock &
    PYTHONPATH=build/python python3 examples/mobilenetv2_service.py --endpoint unix:/tmp/webnn-demo/webnnd.sock

The graph is loaded and validated here, sent to the daemon, and run there on models/mobilenetv2/
input.npy (a preprocessed photo); the 1280 pooled features are compared with ONNX Runtime's
(reference_features.npy). --executor direct runs the same graph in this process instead.
"""

import argparse
import pathlib
import sys
import time

import numpy as np

import webnn

MODELS = pathlib.Path(__file__).resolve().parent.parent / "models" / "mobilenetv2"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", help='"unix:PATH" or "tcp:HOST:PORT" (default: the daemon\'s default socket)')
    parser.add_argument("--token-file", help="the access token file, for a tcp: endpoint")
    parser.add_argument("--executor", default="service", choices=["service", "worker", "direct"])
    parser.add_argument("--input", type=pathlib.Path, default=MODELS / "input.npy")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    context = webnn.ML().create_context(executor=args.executor, endpoint=args.endpoint,
                                        token_file=args.token_file)
    start = time.perf_counter()
    graph = context.load_graph(MODELS / "mobilenetv2.json")
    print(f"load + compile: {1000 * (time.perf_counter() - start):.1f} ms")

    x = np.load(args.input)
    # The tensors live with the executor (in the daemon, in shared memory); write once, run many.
    inp = context.create_tensor({"dataType": "float32", "shape": list(x.shape), "writable": True})
    out = context.create_tensor({"dataType": "float32", "shape": [1, 1280], "readable": True})
    context.write_tensor(inp, x)
    for i in range(args.repeat):
        start = time.perf_counter()
        context.dispatch(graph, {"input": inp}, {"features": out})
        features = context.read_tensor(out)
        print(f"run {i + 1}: {1000 * (time.perf_counter() - start):.1f} ms")

    reference = np.load(MODELS / "reference_features.npy")
    error = float(np.abs(features - reference).max())
    print(f"features {features.shape}, max |difference| from ONNX Runtime: {error:.2e}")
    print("top feature indices:", np.argsort(features[0])[::-1][:5].tolist())
    return 0 if error < 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
