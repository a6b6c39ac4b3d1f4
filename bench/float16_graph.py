#!/usr/bin/env python3
"""Writes a float16 copy of a float32 webnn-graph-json graph (graph, manifest and WGWT weights).

Every float32 input, constant and weight becomes float16 (weights rounded to nearest even by
numpy); operator options are left as they are (the spec casts them to the operand type). Used by
docs/benchmarks.md's float16 figures:

    /usr/bin/python3 bench/float16_graph.py models/mobilenetv2/mobilenetv2.json \
        build/bench-models/mobilenetv2_f16.json
"""
import json
import pathlib
import sys

import numpy as np

WGWT_HEADER = 64  # "WGWT", version 1, zero padding: tensors start 64 bytes in
ALIGN = 64


def convert(src: pathlib.Path, dst: pathlib.Path) -> None:
    graph = json.loads(src.read_text())
    stem = src.name[: -len(".json")]
    manifest = json.loads((src.parent / f"{stem}.manifest.json").read_text())
    weights = (src.parent / f"{stem}.weights").read_bytes()

    for section in ("inputs", "consts"):
        for desc in graph.get(section, {}).values():
            if desc.get("dataType") == "float32":
                desc["dataType"] = "float16"
    # Outputs declared with a type (if any) follow their operands.
    for desc in graph.get("outputs", {}).values() if isinstance(graph.get("outputs"), dict) else []:
        if isinstance(desc, dict) and desc.get("dataType") == "float32":
            desc["dataType"] = "float16"

    out = bytearray(weights[:WGWT_HEADER])
    for name, entry in manifest["tensors"].items():
        raw = weights[entry["byteOffset"] : entry["byteOffset"] + entry["byteLength"]]
        if entry["dataType"] == "float32":
            raw = np.frombuffer(raw, dtype="<f4").astype("<f2").tobytes()
            entry["dataType"] = "float16"
        out += b"\0" * (-len(out) % ALIGN)
        entry["byteOffset"] = len(out)
        entry["byteLength"] = len(raw)
        out += raw

    dst_stem = dst.name[: -len(".json")]
    dst.parent.mkdir(parents=True, exist_ok=True)
    graph["name"] = graph.get("name", dst_stem) + "_float16"
    dst.write_text(json.dumps(graph, indent=1))
    (dst.parent / f"{dst_stem}.manifest.json").write_text(json.dumps(manifest, indent=1))
    (dst.parent / f"{dst_stem}.weights").write_bytes(bytes(out))


if __name__ == "__main__":
    if len(sys.argv) != 3 or not sys.argv[1].endswith(".json") or not sys.argv[2].endswith(".json"):
        sys.exit("usage: float16_graph.py IN.json OUT.json")
    convert(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]))
