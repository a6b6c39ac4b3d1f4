#!/usr/bin/env python3
"""Write mobilenetv2.json / .manifest.json / .weights from the shared .npy files.

Usage: python3 make_mobilenetv2.py [SHARED_MOBILENETV2_DIR]
       (default: <repo>/../shared/models/mobilenetv2; reads architecture.json + weights/*.npy)
Graph: stem conv 3x3/2 + relu6, 17 inverted-residual blocks, 1x1 conv to 1280 + relu6,
averagePool2d 7x7 + reshape -> "features" [1,1280]. relu6 is clamp(0, 6).
"""
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from wgjson import write_model  # noqa: E402


class Builder:
    def __init__(self, wdir):
        self.wdir, self.tensors, self.nodes = wdir, {}, []

    def conv(self, x, cin, idx, stride=1, pad=(0, 0, 0, 0), relu6=False, depthwise=False):
        """conv2d(+bias) of x (cin channels) with conv_<idx>; returns (value name, channels)."""
        w = np.load(self.wdir / f"conv_{idx}_weight.npy").astype(np.float32)
        b = np.load(self.wdir / f"conv_{idx}_bias.npy").astype(np.float32).reshape(-1)
        assert w.ndim == 4 and b.shape == (w.shape[0],)
        wk, bk = f"conv_{idx}_weight", f"conv_{idx}_bias"
        self.tensors[wk], self.tensors[bk] = w, b
        groups = cin if depthwise else 1
        assert w.shape[1] * groups == cin and w.shape[0] % groups == 0, (idx, w.shape, cin)
        y = f"conv_{idx}"
        self.nodes.append({"id": y, "op": "conv2d", "inputs": [x, wk], "options": {
            "padding": list(pad), "strides": [stride, stride], "dilations": [1, 1],
            "groups": groups, "inputLayout": "nchw", "filterLayout": "oihw", "bias": bk}})
        if relu6:
            self.nodes.append({"id": y + "_relu6", "op": "clamp", "inputs": [y],
                               "options": {"minValue": 0, "maxValue": 6}})
            y += "_relu6"
        return y, w.shape[0]


def main():
    default = HERE.parents[1] / ".." / "shared" / "models" / "mobilenetv2"
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    arch = json.loads((src / "architecture.json").read_text())
    b = Builder(src / "weights")
    stem = arch["stem"]
    x, ch = b.conv("input", 3, stem["conv"], stem["stride"], stem["padding"], relu6=True)
    for i, blk in enumerate(arch["blocks"]):
        convs, inp, cin = list(blk["convs"]), x, ch
        if blk["expansion"] != 1:
            x, ch = b.conv(x, ch, convs.pop(0), relu6=True)  # expand 1x1
        x, ch = b.conv(x, ch, convs[0], blk["stride"], (1, 1, 1, 1),
                       relu6=True, depthwise=True)               # depthwise 3x3
        x, ch = b.conv(x, ch, convs[1])                          # project 1x1
        assert ch == blk["out"]
        if blk["stride"] == 1 and cin == ch:
            b.nodes.append({"id": f"block_{i}_add", "op": "add", "inputs": [inp, x]})
            x = f"block_{i}_add"
    x, ch = b.conv(x, ch, arch["head"]["conv"], relu6=True)      # [1,1280,7,7]
    b.nodes.append({"id": "pool", "op": "averagePool2d", "inputs": [x], "options": {
        "windowDimensions": [7, 7], "strides": [1, 1], "padding": [0, 0, 0, 0],
        "dilations": [1, 1], "layout": "nchw"}})
    b.nodes.append({"id": "features", "op": "reshape", "inputs": ["pool"],
                    "options": {"newShape": [1, ch]}})
    write_model(HERE / "mobilenetv2", "mobilenetv2", {"input": ("float32", [1, 3, 224, 224])},
                b.tensors, b.nodes, {"features": "features"})
    print(f"wrote {HERE}/mobilenetv2.{{json,manifest.json,weights}}: "
          f"{len(b.nodes)} nodes, {sum(t.size for t in b.tensors.values())} parameters")


if __name__ == "__main__":
    main()
