#!/usr/bin/env python3
"""Run lenet.json (via the numpy interpreter) on digit_0..9.png; each must win with p > 0.99.

Input: the PNG's grey values 0..255 as float32, shape [1,1,28,28] (white digit on black).
Needs python3-numpy and python3-pil (apt).
"""
import sys
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from numpy_runner import run_graph  # noqa: E402
from wgjson import load_model  # noqa: E402


def main():
    graph, consts = load_model(HERE / "lenet.json")
    ok = True
    for d in range(10):
        img = np.asarray(Image.open(HERE / f"digit_{d}.png").convert("L"), np.float32)
        p = run_graph(graph, consts, {"input": img.reshape(1, 1, 28, 28)})["probabilities"][0]
        top = int(p.argmax())
        good = top == d and p[d] > 0.99
        ok &= good
        second = float(np.sort(p)[-2])
        print(f"digit_{d}.png -> {top}  p={p[top]:.9f}  (runner-up {second:.2e})  "
              f"{'ok' if good else 'FAIL'}")
    print("all ten digits classified correctly" if ok else "LeNet check FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
