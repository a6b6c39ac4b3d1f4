"""Errors become Python exceptions carrying the library's message, never a crash: the exception
classes, malformed graph files, misuse of every object."""

import numpy as np
import pytest

import webnn
from conftest import MODELS_DIR


def test_exception_classes():
    assert issubclass(webnn.DataError, webnn.Error) and issubclass(webnn.DataError, ValueError)
    for cls in (webnn.NotSupportedError, webnn.InvalidStateError, webnn.OperationError, webnn.UnknownError):
        assert issubclass(cls, webnn.Error)
    assert issubclass(webnn.ContextLostError, webnn.InvalidStateError)
    assert webnn.ContextLostError.__module__ == "webnn"


def test_missing_graph_file(direct_context, tmp_path):
    with pytest.raises(webnn.Error, match="cannot open"):
        direct_context.load_graph(tmp_path / "nope.json")


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"hello", "not a graph file"),
        (b'{"format": "webnn-graph-json", "version": 1, "inputs": {', "json|JSON|parse"),
        (b'{"format": "webnn-graph-json", "version": 1, "inputs": {}, "consts": {}, "nodes": '
         b'[{"id": "y", "op": "relu", "inputs": ["x"]}], "outputs": {"y": "y"}}', "x"),
        (b"\x00\x00\x00\x00\x05\x00\x00\x00garbage", ""),
    ],
)
def test_malformed_graph_files(direct_context, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(webnn.DataError, match=message):
        direct_context.load_graph(path)


def test_truncated_weights(direct_context, tmp_path):
    for name in ("lenet.json", "lenet.manifest.json"):
        (tmp_path / name).write_bytes((MODELS_DIR / "lenet" / name).read_bytes())
    weights = (MODELS_DIR / "lenet" / "lenet.weights").read_bytes()
    (tmp_path / "lenet.weights").write_bytes(weights[: len(weights) // 2])
    with pytest.raises(webnn.Error) as info:
        direct_context.load_graph(tmp_path / "lenet.json")
    assert "lenet" in str(info.value)


def test_truncated_webnn_file(direct_context, tmp_path):
    lenet = direct_context.load_graph(MODELS_DIR / "lenet" / "lenet.json", keep_graph=True)
    path = tmp_path / "lenet.webnn"
    lenet.save(path)
    data = path.read_bytes()
    for cut in (8, len(data) // 3, len(data) - 1):
        path.write_bytes(data[:cut])
        with pytest.raises(webnn.DataError):
            direct_context.load_graph(path)


def test_bad_path_types(direct_context):
    with pytest.raises(TypeError, match="expected a path"):
        direct_context.load_graph(42)


def test_build_errors(builder):
    x = builder.input("x", {"dataType": "float32", "shape": [2]})
    with pytest.raises(TypeError, match="no outputs"):
        builder.build({})
    with pytest.raises(TypeError, match="graph input 'x'"):
        builder.build({"x": x})
    with pytest.raises(TypeError, match="expected an MLOperand"):
        builder.build({"y": 3})
    with pytest.raises(TypeError, match="duplicate|already"):
        builder.input("x", {"dataType": "float32", "shape": [2]})


def test_wrong_object_types_do_not_crash(direct_context):
    with pytest.raises(TypeError):
        direct_context.compute("graph", {})
    with pytest.raises(TypeError):
        direct_context.dispatch(None, {}, {})
    with pytest.raises(TypeError):
        webnn.MLGraphBuilder(None)
    with pytest.raises(TypeError):
        webnn.MLGraphBuilder(direct_context).input("x", [2, 2])
    with pytest.raises(TypeError):
        direct_context.create_tensor({"dataType": "float32", "shape": [2], "readable": 1})


def test_huge_shapes_are_rejected(direct_context):
    b = webnn.MLGraphBuilder(direct_context)
    with pytest.raises(TypeError):
        b.input("x", {"dataType": "float32", "shape": [2**31, 2**31]})
    with pytest.raises(TypeError):
        direct_context.create_tensor({"dataType": "float32", "shape": [2**20, 2**20]})
    with pytest.raises(TypeError, match="not in"):
        b.input("y", {"dataType": "float32", "shape": [2**32]})
    np.zeros(1)  # the interpreter is still fine
