"""The Python API's objects: ML, MLContext, MLGraphBuilder, MLOperand, MLGraph, MLTensor, the
descriptors, numpy conversions, graph files, opSupportLimits."""

import numpy as np
import pytest

import webnn


def small_graph(context):
    """y = relu(x + c), z = x * 2: float32 [2, 3]."""
    b = webnn.MLGraphBuilder(context)
    x = b.input("x", {"dataType": "float32", "shape": [2, 3]})
    c = b.constant(np.array([[1, -2, 3], [-4, 5, -6]], np.float32))
    y = b.relu(b.add(x, c))
    z = b.mul(x, b.constant("float32", 2.0))
    return b.build({"y": y, "z": z})


def expected_small(x):
    c = np.array([[1, -2, 3], [-4, 5, -6]], np.float32)
    return np.maximum(x + c, 0), x * 2


# ---- ML and MLContext -----------------------------------------------------------------------


def test_create_context_options():
    ctx = webnn.ML().create_context(power_preference="low-power", accelerated=False)
    assert isinstance(ctx, webnn.MLContext)
    assert ctx.executor == "direct"
    assert ctx.accelerated is False
    assert ctx.lost is None


def test_create_context_rejects_bad_options():
    with pytest.raises(TypeError, match="power_preference 'fast'"):
        webnn.ML().create_context(power_preference="fast")
    with pytest.raises(webnn.NotSupportedError, match="executor 'gpu'"):
        webnn.ML().create_context(executor="gpu")
    with pytest.raises(TypeError):
        webnn.ML().create_context("direct")  # options are keyword arguments


def test_compute_with_numpy(executor, request):
    from conftest import create_context

    ctx = create_context(executor, request)
    graph = small_graph(ctx)
    x = np.array([[0.5, 1, -1], [2, -3, 4]], np.float32)
    out = ctx.compute(graph, {"x": x})
    y, z = expected_small(x)
    assert set(out) == {"y", "z"}
    np.testing.assert_array_equal(out["y"], y)
    np.testing.assert_array_equal(out["z"], z)
    assert out["y"].dtype == np.float32 and out["y"].shape == (2, 3)


def test_compute_converts_inputs_when_needed(direct_context):
    graph = small_graph(direct_context)
    x = np.array([[0.5, 1, -1], [2, -3, 4]], np.float64)  # float64 -> float32
    y, _ = expected_small(x.astype(np.float32))
    np.testing.assert_array_equal(direct_context.compute(graph, {"x": x})["y"], y)
    # A list (flat or nested) becomes the input's shape.
    np.testing.assert_array_equal(direct_context.compute(graph, {"x": x.tolist()})["y"], y)
    np.testing.assert_array_equal(direct_context.compute(graph, {"x": x.ravel().tolist()})["y"], y)
    # A strided view works (made contiguous first).
    wide = np.zeros((2, 6), np.float32)
    wide[:, ::2] = x
    np.testing.assert_array_equal(direct_context.compute(graph, {"x": wide[:, ::2]})["y"], y)
    # Big-endian data is converted.
    np.testing.assert_array_equal(direct_context.compute(graph, {"x": x.astype(">f4")})["y"], y)


def test_compute_argument_errors(direct_context):
    graph = small_graph(direct_context)
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(TypeError, match="no input named 'q'"):
        direct_context.compute(graph, {"x": x, "q": x})
    with pytest.raises(TypeError, match="input 'x' is missing"):
        direct_context.compute(graph, {})
    with pytest.raises(TypeError, match=r"shape \(3, 2\)"):
        direct_context.compute(graph, {"x": np.zeros((3, 2), np.float32)})
    with pytest.raises(TypeError, match="cannot convert complex128"):
        direct_context.compute(graph, {"x": np.zeros((2, 3), np.complex128)})


def test_float_values_do_not_silently_become_integers(direct_context):
    b = webnn.MLGraphBuilder(direct_context)
    x = b.input("x", {"dataType": "int32", "shape": [2]})
    g = b.build({"y": b.abs(x)})
    with pytest.raises(TypeError, match="cannot convert float64 values to int32"):
        direct_context.compute(g, {"x": np.array([1.5, -2.5])})
    out = direct_context.compute(g, {"x": np.array([7, -9], np.int64)})["y"]
    np.testing.assert_array_equal(out, [7, 9])
    assert out.dtype == np.int32


# ---- Tensors and dispatch ---------------------------------------------------------------------


def test_dispatch_with_tensors(executor, request):
    from conftest import create_context

    ctx = create_context(executor, request)
    graph = small_graph(ctx)
    x = ctx.create_tensor({"dataType": "float32", "shape": [2, 3], "writable": True})
    y = ctx.create_tensor(webnn.MLTensorDescriptor("float32", [2, 3], readable=True))
    z = ctx.create_tensor(webnn.MLTensorDescriptor(np.float32, (2, 3), readable=True))
    assert (x.data_type, x.shape, x.readable, x.writable, x.constant) == ("float32", [2, 3], False, True, False)
    for step in range(3):
        data = np.arange(6, dtype=np.float32).reshape(2, 3) - step * 2.5
        ctx.write_tensor(x, data)
        ctx.dispatch(graph, {"x": x}, {"y": y, "z": z})
        ey, ez = expected_small(data)
        np.testing.assert_array_equal(ctx.read_tensor(y), ey)
        np.testing.assert_array_equal(ctx.read_tensor(z), ez)


def test_read_tensor_makes_a_new_array_each_time(direct_context):
    ctx = direct_context
    t = ctx.create_tensor({"dataType": "int64", "shape": [3], "readable": True, "writable": True})
    ctx.write_tensor(t, np.array([1, -2, 2**62], np.int64))
    a = ctx.read_tensor(t)
    b = ctx.read_tensor(t)
    assert a.dtype == np.int64 and a.flags.c_contiguous and a.flags.writeable and a.flags.owndata
    a[0] = 99
    np.testing.assert_array_equal(b, [1, -2, 2**62])
    np.testing.assert_array_equal(ctx.read_tensor(t), [1, -2, 2**62])


def test_read_tensor_into_a_buffer(direct_context):
    ctx = direct_context
    t = ctx.create_tensor({"dataType": "float32", "shape": [2, 2], "readable": True, "writable": True})
    data = np.array([[1.5, -2], [3, 4]], np.float32)
    ctx.write_tensor(t, data)
    out = np.zeros(4, np.float32)  # any shape with the element count
    assert ctx.read_tensor(t, out) is None
    np.testing.assert_array_equal(out, data.ravel())
    raw = bytearray(16)
    ctx.read_tensor(t, raw)
    assert bytes(raw) == data.tobytes()
    with pytest.raises(TypeError, match="dtype float64"):
        ctx.read_tensor(t, np.zeros(4))
    with pytest.raises(TypeError, match="C-contiguous"):
        ctx.read_tensor(t, np.zeros(8, np.float32)[::2])
    with pytest.raises(TypeError, match="5 elements"):
        ctx.read_tensor(t, np.zeros(5, np.float32))


def test_write_tensor_takes_bytes(direct_context):
    ctx = direct_context
    t = ctx.create_tensor({"dataType": "uint32", "shape": [2], "readable": True, "writable": True})
    ctx.write_tensor(t, np.array([7, 8], np.uint32).tobytes())
    np.testing.assert_array_equal(ctx.read_tensor(t), [7, 8])
    ctx.write_tensor(t, memoryview(bytearray(np.array([9, 10], np.uint32).tobytes())))
    np.testing.assert_array_equal(ctx.read_tensor(t), [9, 10])
    with pytest.raises(TypeError, match="7 bytes given"):
        ctx.write_tensor(t, b"1234567")


def test_tensor_usage_errors(direct_context):
    ctx = direct_context
    w = ctx.create_tensor({"dataType": "float32", "shape": [2], "writable": True})
    r = ctx.create_tensor({"dataType": "float32", "shape": [2], "readable": True})
    with pytest.raises(TypeError, match="not readable"):
        ctx.read_tensor(w)
    with pytest.raises(TypeError, match="not writable"):
        ctx.write_tensor(r, np.zeros(2, np.float32))
    with pytest.raises(TypeError, match="expected an MLTensor"):
        ctx.read_tensor(np.zeros(2))
    other = webnn.ML().create_context()
    with pytest.raises(TypeError, match="another context"):
        other.read_tensor(r)
    r.destroy()
    with pytest.raises(webnn.InvalidStateError, match="destroyed"):
        ctx.read_tensor(r)


def test_constant_tensor(direct_context):
    ctx = direct_context
    weights = np.array([[1, 2], [3, 4]], np.float32)
    t = ctx.create_constant_tensor(weights)
    assert t.constant and t.shape == [2, 2]
    t2 = ctx.create_constant_tensor({"dataType": "float32", "shape": [2, 2]}, weights.tobytes())
    b = webnn.MLGraphBuilder(ctx)
    x = b.input("x", {"dataType": "float32", "shape": [2, 2]})
    g = b.build({"y": b.add(b.matmul(x, b.constant(t)), b.constant(t2))})
    x_data = np.eye(2, dtype=np.float32)
    np.testing.assert_array_equal(ctx.compute(g, {"x": x_data})["y"], weights + weights)


def test_dispatch_errors(direct_context):
    ctx = direct_context
    graph = small_graph(ctx)
    x = ctx.create_tensor({"dataType": "float32", "shape": [2, 3], "writable": True})
    y = ctx.create_tensor({"dataType": "float32", "shape": [2, 3], "readable": True})
    z = ctx.create_tensor({"dataType": "float32", "shape": [2, 3], "readable": True})
    bad = ctx.create_tensor({"dataType": "float16", "shape": [2, 3], "readable": True})
    with pytest.raises(TypeError, match="output 'z' is missing"):
        ctx.dispatch(graph, {"x": x}, {"y": y})
    with pytest.raises(TypeError, match="output 'z' is float16"):
        ctx.dispatch(graph, {"x": x}, {"y": y, "z": bad})
    with pytest.raises(TypeError, match="expected an MLTensor"):
        ctx.dispatch(graph, {"x": np.zeros((2, 3), np.float32)}, {"y": y, "z": z})
    with pytest.raises(TypeError, match="also used"):
        ctx.dispatch(graph, {"x": x}, {"y": y, "z": y})


# ---- Builder, operands, descriptors -----------------------------------------------------------


def test_operand_properties(builder):
    x = builder.input("x", webnn.MLOperandDescriptor("float16", [1, 3, 4, 4]))
    assert x.data_type == "float16" and x.shape == [1, 3, 4, 4]
    assert x.descriptor == webnn.MLOperandDescriptor(np.float16, (1, 3, 4, 4))
    y = builder.reshape(x, [3, 16])
    assert y.shape == [3, 16]
    assert repr(y) == "MLOperand(float16 [3, 16])"


def test_operands_stay_readable_after_build(builder):
    x = builder.input("x", {"dataType": "float32", "shape": [2]})
    y = builder.relu(x)
    builder.build({"y": y})
    assert y.shape == [2] and y.data_type == "float32" and x.shape == [2]
    with pytest.raises(webnn.InvalidStateError):
        builder.relu(x)  # the builder is spent
    with pytest.raises(webnn.InvalidStateError):
        builder.build({"y": y})


def test_constant_forms(direct_context):
    ctx = direct_context
    b = webnn.MLGraphBuilder(ctx)
    from_array = b.constant(np.array([1, 2, 3], np.int32))
    from_bytes = b.constant({"data_type": "int32", "shape": [3]}, np.array([10, 20, 30], np.int32).tobytes())
    from_list = b.constant(webnn.MLOperandDescriptor("int32", [3]), [100, 200, 300])
    scalar = b.constant("int32", 5)
    big = b.constant("int64", 2**62 + 1)  # exact beyond 2^53
    assert scalar.shape == [] and from_list.shape == [3]
    total = b.add(b.add(b.add(from_array, from_bytes), from_list), scalar)
    g = b.build({"total": total, "big": b.identity(big)})
    out = ctx.compute(g, {})
    np.testing.assert_array_equal(out["total"], [116, 227, 338])
    assert int(out["big"]) == 2**62 + 1


def test_constant_copies_its_data(direct_context):
    b = webnn.MLGraphBuilder(direct_context)
    data = np.array([1, 2], np.float32)
    c = b.constant(data)
    data[:] = 100  # after the call: no effect
    g = b.build({"y": b.identity(c)})
    np.testing.assert_array_equal(direct_context.compute(g, {})["y"], [1, 2])


def test_constant_errors(builder):
    with pytest.raises(TypeError, match="has no WebNN data type"):
        builder.constant(np.zeros(2, np.complex128))
    with pytest.raises(TypeError, match="12 bytes given"):
        builder.constant({"dataType": "float32", "shape": [2]}, b"x" * 12)
    with pytest.raises(TypeError, match="unknown descriptor member 'dtype'"):
        builder.constant({"dtype": "float32", "shape": [2]}, b"x" * 8)
    with pytest.raises(TypeError, match="'float64' is not a data type"):
        builder.constant("float64", 1.0)
    with pytest.raises(TypeError, match="dimension -1"):
        builder.input("x", {"dataType": "float32", "shape": [-1]})


def test_float16(direct_context):
    b = webnn.MLGraphBuilder(direct_context)
    x = b.input("x", {"dataType": "float16", "shape": [4]})
    g = b.build({"y": b.mul(x, b.constant(np.full(4, 0.5, np.float16)))})
    x_data = np.array([1, -3, 65504, 0.001], np.float16)
    y = direct_context.compute(g, {"x": x_data})["y"]
    assert y.dtype == np.float16
    np.testing.assert_array_equal(y, x_data * np.float16(0.5))


def test_int4_constants_and_outputs(direct_context):
    """int4/uint4 travel as int8/uint8 arrays, packed two per byte by the bindings."""
    b = webnn.MLGraphBuilder(direct_context)
    q = b.constant({"dataType": "int4", "shape": [5]}, np.array([-8, -1, 0, 3, 7], np.int8))
    scale = b.constant(np.full(5, 0.5, np.float32))
    zero = b.constant({"dataType": "int4", "shape": [5]}, np.array([1, 1, 1, 1, 1], np.int8))
    deq = b.dequantize_linear(q, scale, zero)
    x = b.input("x", {"dataType": "float32", "shape": [3]})
    requant = b.quantize_linear(
        x,
        b.constant(np.full(3, 2.0, np.float32)),
        b.constant({"dataType": "uint4", "shape": [3]}, np.array([2, 0, 15], np.uint8)),
    )
    assert requant.data_type == "uint4"
    g = b.build({"deq": deq, "requant": requant})
    out = direct_context.compute(g, {"x": np.array([4, 100, -100], np.float32)})
    np.testing.assert_array_equal(out["deq"], (np.array([-8, -1, 0, 3, 7]) - 1) * 0.5)
    assert out["requant"].dtype == np.uint8
    np.testing.assert_array_equal(out["requant"], [4, 15, 0])  # saturated to [0, 15]
    with pytest.raises(TypeError, match="does not fit int4"):
        b.constant({"dataType": "int4", "shape": [1]}, np.array([8], np.int8))


def test_graph_descriptors(direct_context):
    g = small_graph(direct_context)
    assert g.input_descriptors == {"x": webnn.MLOperandDescriptor("float32", [2, 3])}
    assert set(g.output_descriptors) == {"y", "z"}
    assert g.output_descriptors["z"].shape == [2, 3]


@pytest.mark.parametrize("suffix", [".json", ".webnn"])
def test_save_and_load(direct_context, tmp_path, suffix):
    ctx = direct_context
    graph = small_graph(ctx)
    path = tmp_path / ("small" + suffix)
    graph.save(path)
    assert path.exists()
    head = path.read_bytes()[:64]
    if suffix == ".json":
        assert b'"webnn-graph-json"' in head
    else:
        assert not head.lstrip().startswith(b"{")  # Cap'n Proto, not JSON
    loaded = ctx.load_graph(str(path))
    assert loaded.input_descriptors == graph.input_descriptors
    x = np.array([[1, 2, 3], [-1, -2, -3]], np.float32)
    want = ctx.compute(graph, {"x": x})
    got = ctx.compute(loaded, {"x": x})
    for name in ("y", "z"):
        np.testing.assert_array_equal(got[name], want[name])


def test_save_to_an_unknown_extension_fails(direct_context, tmp_path):
    with pytest.raises(webnn.NotSupportedError, match="unknown graph file extension"):
        small_graph(direct_context).save(tmp_path / "g.onnx")


# ---- opSupportLimits -------------------------------------------------------------------------


def test_op_support_limits(direct_context):
    limits = direct_context.op_support_limits()
    assert limits["preferredInputLayout"] in ("nchw", "nhwc")
    assert limits["maxTensorByteLength"] == 2**31
    assert "float32" in limits["input"]["dataTypes"]
    conv = limits["conv2d"]
    assert set(conv) == {"input", "filter", "bias", "output"}
    assert conv["input"]["dataTypes"] == ["float32", "float16"]
    assert conv["input"]["rankRange"] == {"min": 4, "max": 4}
    assert conv["bias"]["rankRange"] == {"min": 1, "max": 1}
    assert limits["gather"]["indices"]["dataTypes"] == ["int32", "uint32", "int64"]
    assert "int4" in limits["dequantizeLinear"]["input"]["dataTypes"]
    # Every operator of the builder is listed.
    ops = {m["spec_name"] for m in webnn._webnn._builder_methods()}
    assert ops <= set(limits)


def test_context_limit_on_tensor_size():
    ctx = webnn.ML().create_context(max_tensor_byte_length=1024)
    assert ctx.op_support_limits()["maxTensorByteLength"] == 1024
    b = webnn.MLGraphBuilder(ctx)
    with pytest.raises(TypeError):
        b.input("x", {"dataType": "float32", "shape": [1024]})


# ---- Destroy and lost contexts ----------------------------------------------------------------


def test_destroyed_graph(direct_context):
    g = small_graph(direct_context)
    g.destroy()
    with pytest.raises(webnn.InvalidStateError, match="destroyed"):
        direct_context.compute(g, {"x": np.zeros((2, 3), np.float32)})


def test_lost_context_raises_context_lost_error():
    ctx = webnn.ML().create_context()
    b = webnn.MLGraphBuilder(ctx)
    x = b.input("x", {"dataType": "float32", "shape": [2]})
    g = small_graph(ctx)
    t = ctx.create_tensor({"dataType": "float32", "shape": [2], "readable": True})
    ctx.destroy()
    assert ctx.lost is not None and "destroyed" in ctx.lost
    for call in (
        lambda: ctx.compute(g, {"x": np.zeros((2, 3), np.float32)}),
        lambda: ctx.read_tensor(t),
        lambda: ctx.create_tensor({"dataType": "float32", "shape": [1]}),
        lambda: b.relu(x),
        lambda: webnn.MLGraphBuilder(ctx),
    ):
        with pytest.raises(webnn.ContextLostError, match="lost"):
            call()
    assert issubclass(webnn.ContextLostError, webnn.InvalidStateError)


def test_create_graph_builder_alias(direct_context):
    b = direct_context.create_graph_builder()
    assert isinstance(b, webnn.MLGraphBuilder)
    x = b.input("x", {"dataType": "float32", "shape": [1]})
    assert b.neg(x).shape == [1]


def test_load_image(tmp_path):
    from conftest import MODELS_DIR

    img = webnn.load_image(MODELS_DIR / "lenet" / "digit_3.png", channels=1)
    assert img.shape == (28, 28, 1) and img.dtype == np.uint8
    assert img.max() > 200 and img.min() == 0  # a white digit on black
    bad = tmp_path / "x.png"
    bad.write_bytes(b"not an image")
    with pytest.raises(webnn.Error):
        webnn.load_image(bad)
