"""What a new user hits first: data that does not fit its operand, files that cannot be opened,
None for an input, and what help() and repr() show."""

import errno
import pydoc

import numpy as np
import pytest

import webnn
from conftest import MODELS_DIR


def int32_graph(context):
    b = webnn.MLGraphBuilder(context)
    x = b.input("x", {"dataType": "int32", "shape": [3]})
    return b.build({"y": b.identity(x)})


@pytest.mark.parametrize(
    "data", [[2**40, 1, 2], np.array([1, 2**40, 2], np.int64), np.array([1, 2, 2**31], np.uint64)]
)
def test_int64_values_that_do_not_fit_int32_raise(direct_context, data):
    g = int32_graph(direct_context)
    with pytest.raises(OverflowError, match=r"input 'x': 1099511627776 \(element \d\) does not fit in int32|2147483648 \(element 2\) does not fit in int32"):
        direct_context.compute(g, {"x": data})


def test_int64_values_that_fit_are_converted(direct_context):
    g = int32_graph(direct_context)
    out = direct_context.compute(g, {"x": np.array([-(2**31), 7, 2**31 - 1], np.int64)})["y"]
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [-(2**31), 7, 2**31 - 1])


def test_write_tensor_checks_the_range_too(direct_context):
    t = direct_context.create_tensor({"dataType": "int8", "shape": [2], "writable": True})
    with pytest.raises(OverflowError, match=r"-129 \(element 1\) does not fit in int8 \[-128, 127\]"):
        direct_context.write_tensor(t, np.array([3, -129]))


def test_float64_is_one_rule_for_constants_and_inputs(direct_context):
    # A float64 array is float32 data wherever it goes: as an input, and as a constant.
    b = webnn.MLGraphBuilder(direct_context)
    x = b.input("x", {"dataType": "float32", "shape": [2]})
    c = b.constant(np.array([0.5, -1.25], np.float64))
    assert c.data_type == "float32"
    g = b.build({"y": b.add(x, c)})
    out = direct_context.compute(g, {"x": np.array([1.0, 2.0], np.float64)})["y"]
    np.testing.assert_array_equal(out, np.array([1.5, 0.75], np.float32))
    # A value beyond float32's range raises, for a constant and an input alike.
    with pytest.raises(OverflowError, match="does not fit in float32"):
        b2 = webnn.MLGraphBuilder(direct_context)
        b2.constant(np.array([1e300]))
    with pytest.raises(OverflowError, match=r"input 'x': 1e\+300 \(element 1\) does not fit in float32"):
        direct_context.compute(g, {"x": np.array([0.0, 1e300])})


def test_none_for_an_input_is_named(direct_context):
    g = int32_graph(direct_context)
    with pytest.raises(TypeError, match=r"input 'x': None given; expected an array or list of int32 \[3\]"):
        direct_context.compute(g, {"x": None})


def test_a_missing_graph_file_is_a_file_not_found_error(direct_context, tmp_path):
    missing = tmp_path / "nope.json"
    with pytest.raises(FileNotFoundError) as info:
        direct_context.load_graph(missing)
    e = info.value
    assert isinstance(e, webnn.UnknownError) and isinstance(e, webnn.FileNotFoundError)
    assert e.errno == errno.ENOENT and e.filename == str(missing)
    assert "No such file or directory" in str(e)
    with pytest.raises(FileNotFoundError):
        webnn.load_image(missing)


def test_a_directory_as_a_graph_or_image(direct_context, tmp_path):
    with pytest.raises(IsADirectoryError, match="Is a directory"):
        direct_context.load_graph(tmp_path)
    with pytest.raises(IsADirectoryError):
        webnn.load_image(tmp_path)


def test_save_errors_name_the_file_asked_for(direct_context, tmp_path):
    g = direct_context.load_graph(MODELS_DIR / "lenet" / "lenet.json", keep_graph=True)
    target = tmp_path / "missing" / "lenet.json"
    with pytest.raises(webnn.Error) as info:
        g.save(target)
    assert ".tmp" not in str(info.value)
    assert "No such file or directory" in str(info.value)


def test_help_names_python_classes_not_cpp_types():
    text = pydoc.render_doc(webnn.MLContext) + pydoc.render_doc(webnn.MLGraphBuilder)
    assert "webnn::" not in text and "PyGraph" not in text and "PyTensor" not in text
    assert "webnn._webnn.MLGraph" in pydoc.render_doc(webnn.MLContext.compute)


def test_reprs_say_what_the_object_is(direct_context):
    r = repr(direct_context)
    assert r.startswith("MLContext(") and "executor='direct'" in r and "backend=" in r
    g = int32_graph(direct_context)
    r = repr(g)
    assert "inputs={'x': int32 [3]}" in r and "outputs={'y': int32 [3]}" in r


def test_each_builder_method_has_its_own_summary():
    docs = {}
    for m in webnn._webnn._builder_methods():
        doc = getattr(webnn.MLGraphBuilder, m["name"]).__doc__
        lines = [l for l in doc.splitlines() if l.strip()]
        # signature, the summary, the spec pointer
        assert len(lines) >= 3, (m["name"], doc)
        docs[m["name"]] = lines[1]
    assert len(set(docs.values())) == len(docs), "two operators share a summary"
    assert "convolution" in docs["conv2d"].lower()
    assert "absolute" in docs["abs"].lower()


def test_profile_through_python():
    ctx = webnn.ML().create_context(profile=True, backend="reference")
    g = int32_graph(ctx)
    for _ in range(3):
        ctx.compute(g, {"x": [1, 2, 3]})
    steps = g.profile()
    assert [s["name"] for s in steps] == ["identity"]
    assert steps[0]["calls"] == 3 and steps[0]["total_ms"] >= 0
    plain = webnn.ML().create_context()
    with pytest.raises(webnn.NotSupportedError, match="profile"):
        int32_graph(plain).profile()
