#!/usr/bin/env python3
"""Classifies a handwritten digit with LeNet (models/lenet) through the webnn Python module.

    PYTHONPATH=build/python python3 examples/classify_digit.py models/lenet/digit_7.png

Prints the digit and its probability, then the three most likely classes.
"""

import argparse
import pathlib
import sys

import numpy as np

import webnn

MODELS = pathlib.Path(__file__).resolve().parent.parent / "models"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", type=pathlib.Path, help="a 28x28 grey PNG, white digit on black")
    parser.add_argument("--model", type=pathlib.Path, default=MODELS / "lenet" / "lenet.json")
    parser.add_argument("--executor", default="direct", choices=["direct", "worker", "service"])
    parser.add_argument("--endpoint", help='the daemon for --executor service, e.g. "unix:/run/webnnd.sock"')
    args = parser.parse_args()

    context = webnn.ML().create_context(executor=args.executor, endpoint=args.endpoint)
    graph = context.load_graph(args.model)

    # LeNet takes the grey values 0..255 as float32, NCHW [1, 1, 28, 28].
    pixels = webnn.load_image(args.image, channels=1)
    if pixels.shape[:2] != (28, 28):
        sys.exit(f"{args.image}: expected a 28x28 image, got {pixels.shape[1]}x{pixels.shape[0]}")
    x = pixels.astype(np.float32).reshape(1, 1, 28, 28)

    probabilities = context.compute(graph, {"input": x})["probabilities"][0]
    best = int(np.argmax(probabilities))
    print(f"digit: {best} (p = {probabilities[best]:.4f})")
    for k in np.argsort(probabilities)[::-1][:3]:
        print(f"  {k}: {probabilities[k]:.6f}")


if __name__ == "__main__":
    main()
