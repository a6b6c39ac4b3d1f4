"""A small float64 numpy interpreter for webnn-graph-json graphs (reference only).

Supports exactly the ops our model files use: conv2d, maxPool2d, averagePool2d,
reshape, gemm, add, relu, clamp, softmax (nchw / oihw layouts only).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _windows(x, kh, kw, strides, padding, dilations, pad_value=0.0):
    """[N,C,H,W] -> [N,C,OH,OW,KH,KW] view of the (padded) sliding windows."""
    pt, pb, pl, pr = padding
    x = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)), constant_values=pad_value)
    dh, dw = dilations
    w = sliding_window_view(x, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(2, 3))
    return w[:, :, ::strides[0], ::strides[1], ::dh, ::dw]


def conv2d(x, w, o):
    assert o.get("inputLayout", "nchw") == "nchw" and o.get("filterLayout", "oihw") == "oihw"
    g = o.get("groups", 1)
    n, c = x.shape[:2]
    oc, cg, kh, kw = w.shape
    win = _windows(x, kh, kw, o.get("strides", [1, 1]), o.get("padding", [0, 0, 0, 0]),
                   o.get("dilations", [1, 1]))
    oh, ow = win.shape[2:4]
    win = win.reshape(n, g, c // g, oh, ow, kh, kw)
    y = np.einsum("ngchwij,gocij->ngohw", win, w.reshape(g, oc // g, cg, kh, kw),
                  optimize=True).reshape(n, oc, oh, ow)
    return y


def pool2d(x, o, kind):
    assert o.get("layout", "nchw") == "nchw"
    kh, kw = o["windowDimensions"]
    pad = o.get("padding", [0, 0, 0, 0])
    if kind == "max":
        win = _windows(x, kh, kw, o.get("strides", [1, 1]), pad, o.get("dilations", [1, 1]), -np.inf)
        return win.max(axis=(4, 5))
    assert not any(pad), "averagePool2d with padding is not needed here"
    return _windows(x, kh, kw, o.get("strides", [1, 1]), pad, o.get("dilations", [1, 1])).mean(axis=(4, 5))


def gemm(a, b, o, c):
    if o.get("aTranspose"):
        a = a.T
    if o.get("bTranspose"):
        b = b.T
    y = o.get("alpha", 1.0) * (a @ b)
    return y if c is None else y + o.get("beta", 1.0) * c


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def run_graph(graph, consts, feeds):
    """Evaluate graph on feeds {input name: array}; returns {output name: float64 array}."""
    vals = {k: np.asarray(v, np.float64) for k, v in consts.items()}
    vals.update({k: np.asarray(v, np.float64) for k, v in feeds.items()})
    for node in graph["nodes"]:
        op, o = node["op"], node.get("options", {})
        args = [vals[i] for i in node["inputs"]]
        if op == "conv2d":
            y = conv2d(args[0], args[1], o)
            if "bias" in o:
                y = y + vals[o["bias"]].reshape(1, -1, 1, 1)
        elif op == "maxPool2d":
            y = pool2d(args[0], o, "max")
        elif op == "averagePool2d":
            y = pool2d(args[0], o, "avg")
        elif op == "reshape":
            y = args[0].reshape(o["newShape"])
        elif op == "gemm":
            y = gemm(args[0], args[1], o, vals[o["c"]] if "c" in o else None)
        elif op == "add":
            y = args[0] + args[1]
        elif op == "relu":
            y = np.maximum(args[0], 0)
        elif op == "clamp":
            y = np.clip(args[0], o.get("minValue", -np.inf), o.get("maxValue", np.inf))
        elif op == "softmax":
            y = softmax(args[0], o["axis"])
        else:
            raise NotImplementedError(op)
        outs = node.get("outputs") or [node["id"]]
        assert len(outs) == 1
        vals[outs[0]] = y
    return {name: vals[ref] for name, ref in graph["outputs"].items()}
