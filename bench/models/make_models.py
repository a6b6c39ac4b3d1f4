#!/usr/bin/env python3
"""Write the generated files of the ONNX Runtime comparison into one folder.

Usage: python3 make_models.py [OUT_DIR]   (default: <repo>/build/bench-models)
  lenet.onnx        models/lenet/make_onnx.py (from lenet.json + lenet.weights)
  lenet_input.npy   models/lenet/digit_3.png as float32 [1,1,28,28], grey values 0..255 (the
                    scaling the lenet graph expects; the same numbers our CLI reads from the PNG)
  mobilenetv2.onnx  models/mobilenetv2/make_onnx.py (reads <repo>/../shared/models/mobilenetv2)
  encoder.*         bench/models/make_encoder.py (ONNX + webnn-graph-json + encoder_input.npy)
  ocr-*_input.npy   bench/models/make_ocr_inputs.py (rendered text for the PP-OCRv4 models)
Why: the ONNX files (~40 MB) and the encoder's weights (~28 MB) are derived data, kept out of
git and regenerated here, each by the one script that knows how to write it.
Run with Debian's python3 (python3-numpy, python3-onnx, python3-pil).
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
from networks import DEFAULT_MODELS_DIR  # noqa: E402


def run(*args):
    subprocess.run([sys.executable, *map(str, args)], check=True)


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_MODELS_DIR
    out.mkdir(parents=True, exist_ok=True)
    run(REPO / "models/lenet/make_onnx.py", out / "lenet.onnx")
    digit = Image.open(REPO / "models/lenet/digit_3.png").convert("L")
    np.save(out / "lenet_input.npy", np.asarray(digit, np.float32).reshape(1, 1, 28, 28))
    run(REPO / "models/mobilenetv2/make_onnx.py", REPO.parent / "shared/models/mobilenetv2",
        out / "mobilenetv2.onnx")
    run(HERE / "make_encoder.py", out)
    run(HERE / "make_ocr_inputs.py", out)
    print(f"benchmark models in {out}")


if __name__ == "__main__":
    main()
