"""The service executor seen from Python: the same results as in-process, a daemon that dies
becomes ContextLostError, several clients share one daemon."""

import numpy as np
import pytest

import webnn
from conftest import MODELS_DIR, WEBNND, Daemon

pytestmark = pytest.mark.service


def conv_graph(context):
    rng = np.random.default_rng(3)
    b = webnn.MLGraphBuilder(context)
    x = b.input("x", {"dataType": "float32", "shape": [1, 3, 16, 16]})
    w = b.constant(rng.standard_normal((8, 3, 3, 3)).astype(np.float32))
    y = b.conv2d(x, w, padding=[1, 1, 1, 1], bias=b.constant(rng.standard_normal(8).astype(np.float32)))
    y = b.softmax(b.reshape(b.reduce_mean(b.sigmoid(y), axes=[2, 3]), [1, 8]), 1)
    return b.build({"y": y, "h": b.cast(b.tanh(x), "float16")})


def test_results_are_bit_identical_across_executors(webnnd):
    x = np.random.default_rng(5).standard_normal((1, 3, 16, 16)).astype(np.float32)
    results = {}
    for executor in ("direct", "worker", "service"):
        options = {"endpoint": webnnd.endpoint} if executor == "service" else {}
        ctx = webnn.ML().create_context(executor=executor, **options)
        results[executor] = ctx.compute(conv_graph(ctx), {"x": x})
        ctx.destroy()
    for executor in ("worker", "service"):
        for name in ("y", "h"):
            assert results[executor][name].tobytes() == results["direct"][name].tobytes(), (executor, name)


def test_clients_share_the_daemon(webnnd):
    contexts = [webnn.ML().create_context(executor="service", endpoint=webnnd.endpoint) for _ in range(3)]
    graphs = [c.load_graph(MODELS_DIR / "lenet" / "lenet.json") for c in contexts]
    x = webnn.load_image(MODELS_DIR / "lenet" / "digit_5.png", channels=1).astype(np.float32).reshape(1, 1, 28, 28)
    for c, g in zip(contexts, graphs):
        assert int(np.argmax(c.compute(g, {"input": x})["probabilities"])) == 5
    contexts[0].destroy()  # the others keep working
    assert int(np.argmax(contexts[1].compute(graphs[1], {"input": x})["probabilities"])) == 5
    with pytest.raises(TypeError, match="another context"):
        contexts[2].compute(graphs[1], {"input": x})


def test_a_dead_daemon_is_a_lost_context():
    daemon = Daemon(WEBNND)
    try:
        ctx = webnn.ML().create_context(executor="service", endpoint=daemon.endpoint)
        graph = ctx.load_graph(MODELS_DIR / "lenet" / "lenet.json")
        x = np.zeros((1, 1, 28, 28), np.float32)
        assert ctx.compute(graph, {"input": x})["probabilities"].shape == (1, 10)
        daemon.process.kill()
        daemon.process.wait()
        with pytest.raises(webnn.ContextLostError):
            ctx.compute(graph, {"input": x})
        assert ctx.lost
        with pytest.raises(webnn.ContextLostError):
            webnn.MLGraphBuilder(ctx)
    finally:
        daemon.stop()


def test_no_daemon_at_the_endpoint(tmp_path):
    with pytest.raises(webnn.Error, match="webnnd"):
        webnn.ML().create_context(executor="service", endpoint=f"unix:{tmp_path}/none.sock")
