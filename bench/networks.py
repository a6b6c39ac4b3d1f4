"""The networks of the ONNX Runtime comparison: for each, our graph, the ONNX file, the inputs
and the speed goal, so that every script of the comparison reads the same list.

Files under the models folder (default build/bench-models) are written by
bench/models/make_models.py; the rest are committed under models/.
"""
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODELS_DIR = REPO / "build" / "bench-models"


@dataclass(frozen=True)
class Network:
    name: str
    graph: Path              # webnn-graph-json file our CLI runs
    onnx: Path               # the same network for ONNX Runtime
    inputs: dict             # input name -> float32 .npy file, fed to both runtimes
    goal: float              # the goal for (our median time) / (ORT's median time)


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
    return {n.name: n for n in nets}
