#!/usr/bin/env python3
"""Write input.npy: test.jpg preprocessed for MobileNetV2, float32 [1,3,224,224] (NCHW).

Usage: python3 make_input.py [IMAGE]   (default: test.jpg next to this script)
Preprocess (architecture.json): RGB, resize to 224x224 with PIL's bilinear filter (no crop,
aspect ratio not kept; PIL widens the filter when shrinking), /255, subtract
mean [0.485,0.456,0.406], divide by std [0.229,0.224,0.225]. Needs python3-pil (apt).
"""
import sys
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


def preprocess(path):
    img = Image.open(path).convert("RGB").resize((224, 224), Image.Resampling.BILINEAR)
    x = (np.asarray(img, np.float32) / 255.0 - MEAN) / STD       # [224,224,3]
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None], np.float32)


def main():
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "test.jpg"
    x = preprocess(src)
    np.save(HERE / "input.npy", x)
    print(f"wrote {HERE / 'input.npy'}: {x.shape} {x.dtype} min={x.min():.4f} max={x.max():.4f}")


if __name__ == "__main__":
    main()
