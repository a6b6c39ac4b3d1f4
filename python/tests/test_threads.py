"""The GIL is released while graphs run, tensors are read or written and graphs are built, so
Python threads run graphs concurrently and other Python code keeps running meanwhile."""

import sys
import threading
import time

import numpy as np
import pytest

import webnn


def matmul_graph(context, n):
    b = webnn.MLGraphBuilder(context)
    x = b.input("x", {"dataType": "float32", "shape": [n, n]})
    y = x
    for _ in range(4):
        y = b.matmul(y, x)
    return b.build({"y": b.reduce_sum(y)})


def ran_during(call):
    """How often another Python thread ran in the middle half of `call`, and the call's length.

    A helper thread appends timestamps in a loop. If the call held the GIL, the helper could only
    run in the switch interval around the call's start and end, never in its middle half (the call
    is made to last far longer than the interval)."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    stamps, stop = [], threading.Event()

    def helper():
        while not stop.is_set():
            stamps.append(time.perf_counter())

    h = threading.Thread(target=helper)
    h.start()
    try:
        while not stamps:
            time.sleep(0.001)
        t0 = time.perf_counter()
        call()
        t1 = time.perf_counter()
    finally:
        stop.set()
        h.join()
        sys.setswitchinterval(interval)
    quarter = (t1 - t0) / 4
    if quarter < 20 * 1e-4:
        return None  # too short to tell
    return sum(1 for s in stamps if t0 + quarter < s < t1 - quarter)


def ran_during_graph(context, run):
    """ran_during(run(graph, n)) for a matmul graph large enough to tell."""
    for n in (256, 512, 1024):
        graph = matmul_graph(context, n)
        count = ran_during(lambda: run(graph, n))
        if count is not None:
            return count
    pytest.fail("even the largest graph computes too fast to tell")


def test_the_gil_check_detects_a_call_that_holds_it():
    big = [float((i * 7919) % 100003) for i in range(1_000_000)]
    assert ran_during(lambda: sorted(big)) == 0  # list.sort holds the GIL


def test_compute_releases_the_gil(direct_context):
    def run(graph, n):
        direct_context.compute(graph, {"x": np.full((n, n), 0.01, np.float32)})

    assert ran_during_graph(direct_context, run) > 0


def test_dispatch_and_read_release_the_gil(direct_context):
    ctx = direct_context

    def run(graph, n):
        x = ctx.create_tensor({"dataType": "float32", "shape": [n, n], "writable": True})
        y = ctx.create_tensor({"dataType": "float32", "shape": [], "readable": True})
        ctx.write_tensor(x, np.full((n, n), 0.01, np.float32))
        ctx.dispatch(graph, {"x": x}, {"y": y})
        ctx.read_tensor(y)

    assert ran_during_graph(ctx, run) > 0


def test_threads_run_graphs_concurrently(context):
    """Several threads share a context and a graph; each gets its own correct results."""
    b = webnn.MLGraphBuilder(context)
    x = b.input("x", {"dataType": "float32", "shape": [64, 64]})
    graph = b.build({"y": b.relu(b.matmul(x, b.constant(np.eye(64, dtype=np.float32) * 2)))})
    results, errors = {}, []

    def worker(k):
        try:
            for i in range(20):
                data = np.full((64, 64), k - i / 2, np.float32)
                out = context.compute(graph, {"x": data})["y"]
                if not np.array_equal(out, np.maximum(data * 2, 0)):
                    raise AssertionError(f"thread {k}, iteration {i}: wrong result")
            results[k] = True
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(results) == [0, 1, 2, 3]


def test_builders_in_threads(direct_context):
    """Builders are independent: one per thread, built concurrently."""
    graphs, errors = [], []

    def worker(k):
        try:
            b = webnn.MLGraphBuilder(direct_context)
            x = b.input("x", {"dataType": "float32", "shape": [4]})
            y = x
            for _ in range(200):
                y = b.add(y, b.constant("float32", float(k)))
            graphs.append((k, b.build({"y": y})))
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for k, g in graphs:
        out = direct_context.compute(g, {"x": np.zeros(4, np.float32)})["y"]
        np.testing.assert_array_equal(out, np.full(4, 200.0 * k, np.float32))


def test_destroy_while_other_threads_compute():
    """Destroying the context while threads compute ends their work with ContextLostError, never
    a crash or a hang (destroy waits for the computations under way, then new ones fail)."""
    ctx = webnn.ML().create_context()
    graph = matmul_graph(ctx, 96)
    x = np.full((96, 96), 0.01, np.float32)
    running = threading.Barrier(4)
    outcomes = []

    def worker():
        ctx.compute(graph, {"x": x})
        running.wait()
        for _ in range(100000):
            try:
                ctx.compute(graph, {"x": x})
            except webnn.ContextLostError:
                outcomes.append("lost")
                return
        outcomes.append("never lost")

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    running.wait()  # every thread has computed once and is computing again
    ctx.destroy()
    for t in threads:
        t.join()
    assert outcomes == ["lost"] * 3
    with pytest.raises(webnn.ContextLostError):
        ctx.compute(graph, {"x": x})
