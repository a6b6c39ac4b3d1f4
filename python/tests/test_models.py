"""Real models end to end: LeNet classifies every digit (on every executor); the MobileNetV2
backbone matches ONNX Runtime's features (once in-process, and in the daemon)."""

import numpy as np
import pytest

import webnn
from conftest import MODELS_DIR, create_context

LENET = MODELS_DIR / "lenet" / "lenet.json"
MOBILENET = MODELS_DIR / "mobilenetv2" / "mobilenetv2.json"


def test_lenet_classifies_every_digit(context):
    graph = context.load_graph(LENET)
    assert graph.input_descriptors == {"input": webnn.MLOperandDescriptor("float32", [1, 1, 28, 28])}
    assert graph.output_descriptors == {"probabilities": webnn.MLOperandDescriptor("float32", [1, 10])}
    for digit in range(10):
        pixels = webnn.load_image(MODELS_DIR / "lenet" / f"digit_{digit}.png", channels=1)
        x = pixels.astype(np.float32).reshape(1, 1, 28, 28)
        p = context.compute(graph, {"input": x})["probabilities"][0]
        assert int(np.argmax(p)) == digit, f"digit {digit}: {p}"
        assert p[digit] > 0.99
        assert abs(float(p.sum()) - 1) < 1e-5


@pytest.mark.parametrize("executor", ["direct", pytest.param("service", marks=pytest.mark.service)])
def test_mobilenetv2_matches_onnx_runtime(executor, request):
    context = create_context(executor, request)
    graph = context.load_graph(MOBILENET)
    x = np.load(MODELS_DIR / "mobilenetv2" / "input.npy")
    reference = np.load(MODELS_DIR / "mobilenetv2" / "reference_features.npy")
    features = context.compute(graph, {"input": x})["features"]
    assert features.shape == (1, 1280) and features.dtype == np.float32
    np.testing.assert_allclose(features, reference, rtol=0, atol=1e-4)
    context.destroy()
