"""Read and write webnn-graph-json graphs with external weights (python3 + numpy only).

A model with stem S is three files side by side:
  S.json           {"format":"webnn-graph-json","version":1,...}; consts use
                   {"init":{"kind":"weights","ref":KEY}}
  S.manifest.json  {"format":"wg-weights-manifest","version":1,"endianness":"little",
                    "tensors":{KEY:{"dataType","shape","byteOffset","byteLength"}}}
  S.weights        b"WGWT" + little-endian u32 version (1), then the tensors; every
                   byteOffset is absolute in the file and a multiple of ALIGN.
"""
import json
from pathlib import Path

import numpy as np

MAGIC = b"WGWT"
VERSION = 1
ALIGN = 64
_DTYPES = {"float32": np.float32, "float16": np.float16, "int32": np.int32,
           "uint32": np.uint32, "int64": np.int64, "uint64": np.uint64,
           "int8": np.int8, "uint8": np.uint8}


def _dtype_name(arr):
    for name, dt in _DTYPES.items():
        if arr.dtype == dt:
            return name
    raise ValueError(f"unsupported dtype {arr.dtype}")


def _graph_text(graph):
    """JSON text with one const / node per line, so diffs stay readable."""
    d = lambda v: json.dumps(v, separators=(", ", ": "))
    lines = ["{"]
    head = [k for k in graph if k not in ("inputs", "consts", "nodes", "outputs")]
    for k in head:
        lines.append(f"  {d(k)}: {d(graph[k])},")
    for k in ("inputs", "consts"):
        items = [f"    {d(n)}: {d(v)}" for n, v in graph[k].items()]
        lines.append(f"  {d(k)}: {{\n" + ",\n".join(items) + "\n  },")
    lines.append('  "nodes": [\n' + ",\n".join(f"    {d(n)}" for n in graph["nodes"]) + "\n  ],")
    lines.append(f'  "outputs": {d(graph["outputs"])}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_model(stem, name, inputs, tensors, nodes, outputs):
    """Write stem.json, stem.manifest.json and stem.weights.

    inputs: {name: (dataType, shape)}; tensors: {key: ndarray} in file order (each
    becomes a const of the same name); nodes: list of node dicts; outputs: {name: value}.
    """
    stem = Path(stem)
    manifest, blob = {}, bytearray(MAGIC + VERSION.to_bytes(4, "little"))
    for key, arr in tensors.items():
        arr = np.ascontiguousarray(arr)
        blob += b"\0" * (-len(blob) % ALIGN)
        data = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
        manifest[key] = {"dataType": _dtype_name(arr), "shape": list(arr.shape),
                         "byteOffset": len(blob), "byteLength": len(data)}
        blob += data
    graph = {
        "format": "webnn-graph-json", "version": 1, "name": name,
        "inputs": {n: {"dataType": t, "shape": list(s)} for n, (t, s) in inputs.items()},
        "consts": {k: {"dataType": m["dataType"], "shape": m["shape"],
                       "init": {"kind": "weights", "ref": k}} for k, m in manifest.items()},
        "nodes": nodes, "outputs": outputs,
    }
    stem.with_suffix(".json").write_text(_graph_text(graph))
    rows = ",\n".join(f"    {json.dumps(k)}: {json.dumps(m)}" for k, m in manifest.items())
    stem.with_suffix(".manifest.json").write_text(
        '{\n  "format": "wg-weights-manifest",\n  "version": 1,\n  "endianness": "little",\n'
        f'  "tensors": {{\n{rows}\n  }}\n}}\n')
    stem.with_suffix(".weights").write_bytes(bytes(blob))


def load_model(json_path):
    """Return (graph dict, {const name: ndarray}) from a graph and its sidecar files."""
    json_path = Path(json_path)
    graph = json.loads(json_path.read_text())
    assert graph["format"] == "webnn-graph-json", graph["format"]
    stem = json_path.with_suffix("")
    manifest = json.loads(stem.with_suffix(".manifest.json").read_text())
    assert manifest["format"] == "wg-weights-manifest" and manifest["endianness"] == "little"
    blob = stem.with_suffix(".weights").read_bytes()
    assert blob[:4] == MAGIC and int.from_bytes(blob[4:8], "little") == VERSION
    consts = {}
    for name, c in graph["consts"].items():
        assert c["init"]["kind"] == "weights", c
        m = manifest["tensors"][c["init"]["ref"]]
        dt = np.dtype(_DTYPES[c["dataType"]]).newbyteorder("<")
        off, n = m["byteOffset"], m["byteLength"]
        arr = np.frombuffer(blob[off:off + n], dtype=dt).reshape(c["shape"])
        assert list(m["shape"]) == list(c["shape"]) and m["dataType"] == c["dataType"]
        consts[name] = arr
    return graph, consts
