#!/usr/bin/env python3
"""Write lenet.json / lenet.manifest.json / lenet.weights from the shared lenet.bin.

Usage: python3 make_lenet.py [SHARED_LENET_DIR]   (default: <repo>/../shared/models/lenet)
lenet.bin layout (little-endian float32): conv1 filter [20,1,5,5], conv1 bias [1,20,1,1],
conv2 filter [50,20,5,5], conv2 bias [1,50,1,1], 16 bytes skipped (old reshape shape),
fc1 weight [500,800], fc1 bias [1,500], fc2 weight [10,500], fc2 bias [1,10].
"""
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from wgjson import write_model  # noqa: E402

LAYOUT = [("conv1_filter", [20, 1, 5, 5]), ("conv1_bias", [20]),
          ("conv2_filter", [50, 20, 5, 5]), ("conv2_bias", [50]),
          (None, [4]),  # 16 bytes: two int64s of an old reshape
          ("fc1_weight", [500, 800]), ("fc1_bias", [1, 500]),
          ("fc2_weight", [10, 500]), ("fc2_bias", [1, 10])]


def read_tensors(src):
    raw = np.fromfile(src / "lenet.bin", dtype="<f4")
    tensors, pos = {}, 0
    for key, shape in LAYOUT:
        n = int(np.prod(shape))
        if key:
            tensors[key] = raw[pos:pos + n].reshape(shape).astype(np.float32)
        pos += n
    assert pos == raw.size, (pos, raw.size)
    return tensors


def conv(id_, x, filt, bias):
    return {"id": id_, "op": "conv2d", "inputs": [x, filt],
            "options": {"padding": [0, 0, 0, 0], "strides": [1, 1], "dilations": [1, 1],
                        "groups": 1, "inputLayout": "nchw", "filterLayout": "oihw",
                        "bias": bias}}


def pool(id_, x):
    return {"id": id_, "op": "maxPool2d", "inputs": [x],
            "options": {"windowDimensions": [2, 2], "strides": [2, 2],
                        "padding": [0, 0, 0, 0], "dilations": [1, 1], "layout": "nchw"}}


def fc(id_, x, w, b):
    return {"id": id_, "op": "gemm", "inputs": [x, w], "options": {"c": b, "bTranspose": True}}


def main():
    default = HERE.parents[1] / ".." / "shared" / "models" / "lenet"
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    nodes = [
        conv("conv1", "input", "conv1_filter", "conv1_bias"),       # [1,20,24,24]
        pool("pool1", "conv1"),                                      # [1,20,12,12]
        conv("conv2", "pool1", "conv2_filter", "conv2_bias"),       # [1,50,8,8]
        pool("pool2", "conv2"),                                      # [1,50,4,4]
        {"id": "flatten", "op": "reshape", "inputs": ["pool2"], "options": {"newShape": [1, 800]}},
        fc("fc1", "flatten", "fc1_weight", "fc1_bias"),             # [1,500]
        {"id": "relu1", "op": "relu", "inputs": ["fc1"]},
        fc("fc2", "relu1", "fc2_weight", "fc2_bias"),               # [1,10]
        {"id": "softmax", "op": "softmax", "inputs": ["fc2"], "options": {"axis": 1}},
    ]
    write_model(HERE / "lenet", "lenet", {"input": ("float32", [1, 1, 28, 28])},
                read_tensors(src), nodes, {"probabilities": "softmax"})
    print("wrote", HERE / "lenet.{json,manifest.json,weights}")


if __name__ == "__main__":
    main()
