"""The generated operator methods: one per MLGraphBuilder method of the C++ API, options as
keyword arguments, results checked against numpy."""

import pathlib
import re

import numpy as np
import pytest

import webnn
from conftest import SOURCE_DIR

METHODS = {m["name"]: m for m in webnn._webnn._builder_methods()}


def cpp_builder_methods():
    """The operator methods of MLGraphBuilder in include/webnn/webnn.h."""
    header = pathlib.Path(SOURCE_DIR, "include", "webnn", "webnn.h").read_text()
    body = header[header.index("class MLGraphBuilder {") :]
    body = body[: body.index("\n};")]
    body = re.sub(r"#define(?:[^\n]*\\\n)*[^\n]*\n", "", body)  # macro definitions
    names = set()
    for line in body.splitlines():
        names.update(re.findall(r"WEBNN_\w+_METHOD\((\w+)\)", line))
        names.update(re.findall(r"^\s+(?:MLOperand|std::vector<MLOperand>)\s+(\w+)\(", line))
    return names - {"input", "constant", "build", "op", "One"}


def snake(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name.replace("NaN", "Nan")).lower()


def test_every_cpp_builder_method_is_bound():
    cpp = cpp_builder_methods()
    assert len(cpp) >= 90
    missing = sorted(n for n in cpp if not hasattr(webnn.MLGraphBuilder, snake(n)))
    assert not missing, f"operators without a Python method: {missing}"
    assert {m["spec_name"] for m in METHODS.values()} == cpp


def test_python_names():
    for name in ("arg_min", "gather_nd", "scatter_nd", "is_nan", "is_infinite", "l2_pool2d",
                 "conv_transpose2d", "reduce_log_sum_exp", "hard_swish", "gru_cell", "where"):
        assert name in METHODS, name
    conv = {p["name"]: p for p in METHODS["conv2d"]["params"]}
    assert list(conv)[:2] == ["input", "filter"]
    assert conv["input_layout"]["keyword_only"] and conv["input_layout"]["default"] == '"nchw"'
    assert conv["bias"]["type"] == "MLOperand | None"
    cast = [p["name"] for p in METHODS["cast"]["params"]]
    assert cast == ["input", "type", "label"]  # the spec's parameter name
    assert [p["name"] for p in METHODS["lstm_cell"]["params"]][:6] == [
        "input", "weight", "recurrent_weight", "hidden_state", "cell_state", "hidden_size"]
    assert "(self, a: MLOperand, b: MLOperand, *, label: str = \"\") -> MLOperand" in webnn.MLGraphBuilder.add.__doc__


class Runner:
    """Builds one graph from numpy inputs and runs it."""

    def __init__(self):
        self.context = webnn.ML().create_context()
        self.builder = webnn.MLGraphBuilder(self.context)
        self.feeds = {}

    def input(self, array):
        name = f"in{len(self.feeds)}"
        self.feeds[name] = array
        return self.builder.input(name, {"dataType": array.dtype, "shape": array.shape})

    def run(self, outputs):
        single = not isinstance(outputs, (list, tuple))
        ops = [outputs] if single else list(outputs)
        graph = self.builder.build({f"out{i}": o for i, o in enumerate(ops)})
        out = self.context.compute(graph, self.feeds)
        results = [out[f"out{i}"] for i in range(len(ops))]
        return results[0] if single else results


@pytest.fixture
def r():
    return Runner()


rng = np.random.default_rng(7)


def rand(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def test_elementwise_and_unary(r):
    a, b = rand(2, 3), rand(3)  # broadcast
    b_ = r.builder
    x, y = r.input(a), r.input(b)
    outs = r.run([b_.add(x, y), b_.sub(x, y), b_.max(x, y), b_.abs(x), b_.neg(x), b_.exp(x),
                  b_.sigmoid(x), b_.greater(x, y), b_.where(b_.lesser(x, y), x, y)])
    expect = [a + b, a - b, np.maximum(a, b), np.abs(a), -a, np.exp(a), 1 / (1 + np.exp(-a)),
              (a > b).astype(np.uint8), np.where(a < b, a, b)]
    for got, want in zip(outs, expect):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    assert outs[7].dtype == np.uint8


def test_conv2d_options(r):
    x = rand(1, 5, 5, 2)  # nhwc
    w = rand(3, 3, 2, 4)  # hwio
    bias = rand(4)
    b = r.builder
    y = b.conv2d(r.input(x), b.constant(w), padding=[1, 1, 1, 1], strides=[2, 2], bias=b.constant(bias),
                 input_layout="nhwc", filter_layout="hwio")
    assert y.shape == [1, 3, 3, 4]
    got = r.run(y)
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    want = np.zeros((1, 3, 3, 4), np.float64)
    for i in range(3):
        for j in range(3):
            patch = xp[0, 2 * i : 2 * i + 3, 2 * j : 2 * j + 3, :]
            want[0, i, j] = np.einsum("hwc,hwco->o", patch, w) + bias
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_gemm_options(r):
    a, bm, c = rand(2, 3), rand(4, 3), rand(4)
    b = r.builder
    got = r.run(b.gemm(r.input(a), b.constant(bm), c=b.constant(c), alpha=0.5, beta=2, b_transpose=True))
    np.testing.assert_allclose(got, 0.5 * a @ bm.T + 2 * c, rtol=1e-5, atol=1e-6)


def test_reductions_and_axis_options(r):
    a = rand(2, 3, 4)
    b = r.builder
    x = r.input(a)
    outs = r.run([b.reduce_sum(x, axes=[1, 2], keep_dimensions=True), b.reduce_max(x),
                  b.arg_max(x, 2, output_data_type="int64"), b.arg_min(x, axis=0, keep_dimensions=True),
                  b.softmax(x, 1), b.cumulative_sum(x, 2, exclusive=True)])
    np.testing.assert_allclose(outs[0], a.sum(axis=(1, 2), keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(outs[1], a.max())
    assert outs[2].dtype == np.int64
    np.testing.assert_array_equal(outs[2], a.argmax(axis=2))
    np.testing.assert_array_equal(outs[3], a.argmin(axis=0)[None])
    e = np.exp(a - a.max(axis=1, keepdims=True))
    np.testing.assert_allclose(outs[4], e / e.sum(axis=1, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(outs[5], np.cumsum(a, axis=2) - a, rtol=1e-5, atol=1e-6)


def test_shape_operators(r):
    a = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    b = r.builder
    x = r.input(a)
    parts = b.split(x, 2, axis=0)
    sized = b.split(x, [1, 3], axis=2)
    assert isinstance(parts, list) and len(parts) == 2 and [p.shape for p in sized] == [[2, 3, 1], [2, 3, 3]]
    outs = r.run([parts[1], sized[1], b.concat([parts[1], parts[0]], 0), b.transpose(x, permutation=[2, 0, 1]),
                  b.slice(x, [0, 1, 0], [2, 2, 4], strides=[1, 1, 2]), b.reshape(x, [6, 4]),
                  b.expand(b.constant(np.array([1, 2, 3, 4], np.int32)), [2, 4]), b.tile(x, [1, 1, 2]),
                  b.pad(x, [0, 1, 0], [0, 0, 2], mode="constant", value=-1), b.reverse(x, axes=[1]),
                  b.triangular(b.reshape(x, [6, 4]), upper=False, diagonal=-1),
                  b.gather(x, b.constant(np.array([2, 0], np.uint32)), axis=1)])
    want = [a[1:], a[:, :, 1:], np.concatenate([a[1:], a[:1]]), a.transpose(2, 0, 1), a[:, 1:3, ::2],
            a.reshape(6, 4), np.broadcast_to([1, 2, 3, 4], (2, 4)), np.tile(a, (1, 1, 2)),
            np.pad(a, ((0, 0), (1, 0), (0, 2)), constant_values=-1), a[:, ::-1],
            np.tril(a.reshape(6, 4), k=-1), a[:, [2, 0]]]
    for i, (got, w) in enumerate(zip(outs, want)):
        np.testing.assert_array_equal(got, w, err_msg=f"output {i}")


def test_numbers_and_enums(r):
    a = np.array([-3.5, -1, 0, 2, 9], np.float32)
    b = r.builder
    x = r.input(a)
    big = b.constant(np.array([0, 2**40, -(2**62)], np.int64))
    outs = r.run([b.clamp(x, min_value=-2, max_value=5.5), b.clamp(x, min_value=0),
                  b.leaky_relu(x, alpha=0.5), b.elu(x), b.linear(x, alpha=2, beta=1), b.cast(x, "int32"),
                  b.cast(x, np.int8), b.clamp(big, max_value=2**40 - 1),
                  b.hard_sigmoid(x, alpha=0.1, beta=0.2)])
    np.testing.assert_array_equal(outs[0], np.clip(a, -2, 5.5))
    np.testing.assert_array_equal(outs[1], np.maximum(a, 0))
    np.testing.assert_allclose(outs[2], np.where(a < 0, 0.5 * a, a))
    np.testing.assert_allclose(outs[3], np.where(a < 0, np.expm1(a), a), rtol=1e-6)
    np.testing.assert_allclose(outs[4], 2 * a + 1)
    assert outs[5].dtype == np.int32 and outs[6].dtype == np.int8
    np.testing.assert_array_equal(outs[5], [-3, -1, 0, 2, 9])
    np.testing.assert_array_equal(outs[7], [0, 2**40 - 1, -(2**62)])  # int64 bound kept exact
    np.testing.assert_allclose(outs[8], np.clip(0.1 * a + 0.2, 0, 1), rtol=1e-6)


def test_normalization_with_operand_options(r):
    a = rand(2, 3, 4)
    scale, bias = rand(3), rand(3)
    mean, var = rand(3), np.abs(rand(3)) + 0.5
    b = r.builder
    x = r.input(a)
    bn = b.batch_normalization(x, b.constant(mean), b.constant(var), scale=b.constant(scale),
                               bias=b.constant(bias), axis=1, epsilon=1e-3)
    ln = b.layer_normalization(x, axes=[2], epsilon=1e-5)
    got_bn, got_ln = r.run([bn, ln])
    shape = (1, 3, 1)
    want_bn = (a - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + 1e-3) * scale.reshape(shape) + bias.reshape(shape)
    np.testing.assert_allclose(got_bn, want_bn, rtol=1e-4, atol=1e-5)
    want_ln = (a - a.mean(axis=2, keepdims=True)) / np.sqrt(a.var(axis=2, keepdims=True) + 1e-5)
    np.testing.assert_allclose(got_ln, want_ln, rtol=1e-4, atol=1e-4)


def test_pool_and_resample(r):
    a = rand(1, 2, 4, 4)
    b = r.builder
    x = r.input(a)
    outs = r.run([b.max_pool2d(x, window_dimensions=[2, 2], strides=[2, 2]), b.average_pool2d(x),
                  b.resample2d(x, mode="nearest-neighbor", scales=[2.0, 2.0]),
                  b.max_pool2d(x, window_dimensions=[3, 3], strides=[2, 2], output_shape_rounding="ceil")])
    np.testing.assert_allclose(outs[0], a.reshape(1, 2, 2, 2, 2, 2).max(axis=(3, 5)))
    np.testing.assert_allclose(outs[1], a.mean(axis=(2, 3), keepdims=True), rtol=1e-5)
    np.testing.assert_array_equal(outs[2], a.repeat(2, axis=2).repeat(2, axis=3))
    assert outs[3].shape == (1, 2, 2, 2)


def test_recurrent_returns_a_list(r):
    steps, batch, inp, hidden = 2, 1, 3, 4
    b = r.builder
    x = r.input(rand(steps, batch, inp))
    w = b.constant(rand(1, 3 * hidden, inp))
    rw = b.constant(rand(1, 3 * hidden, hidden))
    outs = b.gru(x, w, rw, steps, hidden, return_sequence=True, activations=["sigmoid", "tanh"],
                 bias=b.constant(rand(1, 3 * hidden)), layout="rzn")
    assert isinstance(outs, list) and [o.shape for o in outs] == [[1, 1, 4], [2, 1, 1, 4]]
    cell = b.lstm_cell(b.reshape(b.slice(x, [0, 0, 0], [1, 1, 3]), [1, 3]), b.constant(rand(4 * hidden, inp)),
                       b.constant(rand(4 * hidden, hidden)), b.constant(rand(1, hidden)),
                       b.constant(rand(1, hidden)), hidden)
    assert len(cell) == 2
    got = r.run(outs + cell)
    assert np.all(np.isfinite(got[0])) and np.all(np.abs(got[1]) <= 1)
    np.testing.assert_allclose(got[1][-1], got[0], rtol=1e-6)  # the last step is the state


def test_labels_name_the_failing_operation(builder):
    x = builder.input("x", {"dataType": "float32", "shape": [1, 2, 5, 5]})
    w = builder.constant(np.zeros((3, 2, 3, 3), np.int32))
    with pytest.raises(TypeError, match=r"conv2d 'stem'.*filter.*int32"):
        builder.conv2d(x, w, label="stem")


def test_argument_errors(builder):
    x = builder.input("x", {"dataType": "float32", "shape": [2, 3]})
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'paddings'.*padding"):
        builder.conv2d(x, x, paddings=[1, 1, 1, 1])
    with pytest.raises(TypeError, match=r"takes 2 positional arguments but 3"):
        builder.add(x, x, x)
    with pytest.raises(TypeError, match="missing required argument 'axis'"):
        builder.softmax(x)
    with pytest.raises(TypeError, match="got multiple values for argument 'axis'"):
        builder.softmax(x, 1, axis=1)
    with pytest.raises(TypeError, match=r"input_layout: 'NHWC' is not one of 'nchw', 'nhwc'"):
        builder.conv2d(x, x, input_layout="NHWC")
    with pytest.raises(TypeError, match="axes: expected a sequence"):
        builder.reduce_sum(x, axes=1)
    with pytest.raises(TypeError, match=r"axis: -1 is out of range"):
        builder.softmax(x, -1)
    with pytest.raises(TypeError, match=r"axis: expected an unsigned integer, got float"):
        builder.softmax(x, 1.0)
    with pytest.raises(TypeError, match=r"keep_dimensions: expected a bool"):
        builder.reduce_sum(x, keep_dimensions=1)
    with pytest.raises(TypeError, match=r"b: expected an MLOperand, got ndarray"):
        builder.add(x, np.zeros((2, 3), np.float32))
    with pytest.raises(TypeError, match=r"'float64' is not a data type"):
        builder.cast(x, "float64")
    with pytest.raises(TypeError, match=r"min_value: expected a number, got str"):
        builder.clamp(x, min_value="0")
    other = webnn.MLGraphBuilder(webnn.ML().create_context())
    with pytest.raises(TypeError, match="another graph builder"):
        other.relu(x)


def test_validation_errors_come_from_the_library(builder):
    x = builder.input("x", {"dataType": "float32", "shape": [2, 3]})
    y = builder.input("y", {"dataType": "float32", "shape": [4, 3]})
    with pytest.raises(TypeError, match=r"add.*\[2, 3\].*\[4, 3\]|broadcast"):
        builder.add(x, y)
    with pytest.raises(TypeError, match="float16"):
        builder.add(x, builder.input("h", {"dataType": "float16", "shape": [2, 3]}))


def test_binary_with_an_operand_computed_later_is_not_fused():
    # conv(x) + relu(conv'(x)) with the second branch built after the first conv: the add may not
    # become a post-op of the first conv, whose other operand does not exist yet when it runs
    # (an FPN's lateral + upsampled sum, as in PP-OCRv4's detector; the onednn backend aborted).
    x, w1, w2 = rand(1, 4, 6, 6), rand(4, 4, 1, 1), rand(4, 4, 3, 3)
    results = []
    for backend in ("onednn", "reference"):
        context = webnn.ML().create_context(backend=backend)
        b = webnn.MLGraphBuilder(context)
        inp = b.input("x", {"dataType": "float32", "shape": x.shape})
        a = b.conv2d(inp, b.constant(w1))
        late = b.relu(b.conv2d(inp, b.constant(w2), padding=[1, 1, 1, 1]))
        graph = b.build({"y": b.add(a, late)})
        results.append(context.compute(graph, {"x": x})["y"])
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize("bias_shape", [(4, 1, 1), (1, 4, 1, 1), (1,)])
def test_conv_with_a_separate_bias_add_and_batch_norm(transposed, bias_shape):
    # conv / convTranspose -> add(constant per channel) -> batchNormalization -> relu: the onednn
    # backend folds the add and the normalization into the primitive's bias and weights.
    x, w, bias = rand(1, 3, 5, 5), rand(3 if transposed else 4, 4 if transposed else 3, 2, 2), rand(*bias_shape)
    mean, var, scale, beta = rand(4), np.abs(rand(4)) + 0.5, rand(4), rand(4)
    results = []
    for backend in ("onednn", "reference"):
        context = webnn.ML().create_context(backend=backend)
        b = webnn.MLGraphBuilder(context)
        inp = b.input("x", {"dataType": "float32", "shape": x.shape})
        conv = b.conv_transpose2d if transposed else b.conv2d
        y = b.add(conv(inp, b.constant(w), strides=[2, 2]), b.constant(bias))
        y = b.batch_normalization(y, b.constant(mean), b.constant(var), scale=b.constant(scale),
                                  bias=b.constant(beta))
        results.append(context.compute(b.build({"y": b.relu(y)}), {"x": x})["y"])
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("layout", ["nchw", "nhwc"])
@pytest.mark.parametrize("then", ["none", "sigmoid", "relu_add"])
def test_conv_transpose_with_stride_equal_to_kernel(layout, then):
    # The onednn backend runs these as a matmul and a reorder of the patches; the reference
    # kernel is the oracle.
    x, w, bias = rand(1, 6, 4, 5), rand(6, 3, 2, 3), rand(3)
    if layout == "nhwc":
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    other = rand(1, 3, 8, 15) if layout == "nchw" else rand(1, 8, 15, 3)
    results = []
    for backend in ("onednn", "reference"):
        context = webnn.ML().create_context(backend=backend)
        b = webnn.MLGraphBuilder(context)
        inp = b.input("x", {"dataType": "float32", "shape": x.shape})
        y = b.conv_transpose2d(inp, b.constant(w), strides=[2, 3], bias=b.constant(bias), input_layout=layout)
        if then == "sigmoid":
            y = b.sigmoid(y)
        elif then == "relu_add":
            y = b.add(b.relu(y), b.constant(other))
        results.append(context.compute(b.build({"y": y}), {"x": x})["y"])
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("sizes,axes", [([8, 12], [2, 3]), ([12, 4], [2, 3]), ([8, 12], [1, 2]), ([7, 9], [2, 3])])
def test_nearest_resample_matches_the_reference(sizes, axes):
    # Whole upsampling factors run on oneDNN's nearest resampling, whose rounding agrees with
    # WebNN's there; other ratios (7/4, 9/6) stay on the reference kernel.
    x = rand(1, 4, 4, 6) if axes == [2, 3] else rand(1, 4, 6, 3)
    results = []
    for backend in ("onednn", "reference"):
        context = webnn.ML().create_context(backend=backend)
        b = webnn.MLGraphBuilder(context)
        inp = b.input("x", {"dataType": "float32", "shape": x.shape})
        y = b.resample2d(inp, mode="nearest-neighbor", sizes=sizes, axes=axes)
        results.append(context.compute(b.build({"y": b.relu(y)}), {"x": x})["y"])
    np.testing.assert_array_equal(results[0], results[1])
