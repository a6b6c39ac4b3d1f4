#!/usr/bin/env python3
"""Run mobilenetv2.json (+ .weights) with the float64 numpy interpreter on input.npy and
compare with ONNX Runtime's reference_features.npy.

Usage: python3 check_mobilenetv2.py [TOLERANCE]   (default 1e-4, on max|diff| / max|ref|)
Reads only files in this folder; needs python3-numpy.
"""
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from numpy_runner import run_graph  # noqa: E402
from wgjson import load_model  # noqa: E402


def main():
    tol = float(sys.argv[1]) if len(sys.argv) > 1 else 1e-4
    graph, consts = load_model(HERE / "mobilenetv2.json")
    x = np.load(HERE / "input.npy")
    t0 = time.time()
    got = run_graph(graph, consts, {"input": x})["features"]
    ref = np.load(HERE / "reference_features.npy").astype(np.float64)
    assert got.shape == ref.shape == (1, 1280), (got.shape, ref.shape)
    diff = np.abs(got - ref)
    rel = diff.max() / np.abs(ref).max()
    elem = (diff / np.maximum(np.abs(ref), 1e-3)).max()
    print(f"numpy ({time.time() - t0:.1f}s) vs ORT over {ref.size} features: "
          f"max abs diff {diff.max():.3e}, max abs diff / max|ref| {rel:.3e}, "
          f"max per-element rel diff (|ref| floored at 1e-3) {elem:.3e}")
    print(f"ref mean {ref.mean():.6f}, max {ref.max():.6f}; numpy float32-rounded equal: "
          f"{np.allclose(got.astype(np.float32), ref, rtol=1e-4, atol=1e-5)}")
    ok = rel < tol
    print("MATCH" if ok else f"MISMATCH (tolerance {tol})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
