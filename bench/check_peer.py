#!/usr/bin/env python3
"""Check that our runtime and ONNX Runtime compute the same outputs for each benchmark network.

Usage: python3 bench/check_peer.py [--networks a,b] [--webnn PATH] [--models-dir D] [--tol T]
Runs each network once in our CLI (`webnn run ... --output-dir`) and once in ONNX Runtime
(bench/ort_peer.mjs --output-dir) on the same input files, then compares every output:
error = max |ours - ORT| / max |ORT|, which must be at most the network's tolerance
(bench/networks.py: 1e-4, 1e-3 for the OCR detector) or --tol; float32 kernels that sum in
different orders agree to about 1e-6 on the first three networks. Prints one line per output,
exits 1 if any differs. Why: a speed comparison means something only if both runtimes run
the same network, so bench-ort.sh runs this before timing.
"""
import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from networks import DEFAULT_MODELS_DIR, REPO, networks
from runners import RunError, WebnnCli, run_ort


def compare(ours_dir, ort_dir):
    """{output name: relative error} over the .npy files ORT wrote."""
    errors = {}
    for ref_file in sorted(Path(ort_dir).glob("*.npy")):
        ref = np.load(ref_file).astype(np.float64)
        ours = np.load(Path(ours_dir) / ref_file.name).astype(np.float64)
        if ours.shape != ref.shape:
            raise ValueError(f"{ref_file.stem}: shape {ours.shape} vs ORT {ref.shape}")
        errors[ref_file.stem] = float(np.abs(ours - ref).max() / max(np.abs(ref).max(), 1e-30))
    if not errors:
        raise ValueError(f"ONNX Runtime wrote no outputs into {ort_dir}")
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--networks", default=",".join(networks()))
    ap.add_argument("--webnn", default=REPO / "build/release/webnn", type=Path)
    ap.add_argument("--models-dir", default=DEFAULT_MODELS_DIR, type=Path)
    ap.add_argument("--tol", type=float, help="override every network's tolerance")
    args = ap.parse_args()
    nets = networks(args.models_dir)
    cli = WebnnCli(args.webnn)
    ok = True
    with tempfile.TemporaryDirectory(prefix="check_peer_") as tmp:
        for name in args.networks.split(","):
            net = nets[name]
            ours_dir, ort_dir = Path(tmp, name, "webnn"), Path(tmp, name, "ort")
            cli.run(net, output_dir=ours_dir)
            run_ort(net, warmup=0, output_dir=ort_dir)
            tol = args.tol if args.tol is not None else net.tol
            for output, err in compare(ours_dir, ort_dir).items():
                good = err <= tol
                ok &= good
                print(f"{name}/{output}: max|webnn - ORT| / max|ORT| = {err:.3e}  "
                      f"{'ok' if good else f'FAIL (> {tol:g})'}")
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RunError, ValueError) as e:
        sys.exit(f"check_peer.py: {e}")
