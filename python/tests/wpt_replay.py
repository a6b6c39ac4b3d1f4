"""Replays the web-platform-tests WebNN conformance cases (tests/conformance/data, format in its
README.md) through the Python API: builds each case's graph with MLGraphBuilder's methods,
computes it, and compares the outputs under the case's tolerance, as tools/common/conformance/ does in
C++ (the same legacy-call mappings and comparison rules, the same expectations file).
"""

import json
import math
import re

import numpy as np

import webnn

# Spec method name -> Python method name, from the module's own table.
METHOD_NAMES = {m["spec_name"]: m["name"] for m in webnn._webnn._builder_methods()}

NUMPY_DTYPES = {
    "float32": np.float32,
    "float16": np.float16,
    "int32": np.int32,
    "uint32": np.uint32,
    "int64": np.int64,
    "uint64": np.uint64,
    "int8": np.int8,
    "uint8": np.uint8,
    "int4": np.int8,
    "uint4": np.uint8,
}
INT_RANGES = {
    "int32": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint64": (0, 2**64 - 1),
    "int8": (-128, 127),
    "uint8": (0, 255),
    "int4": (-8, 7),
    "uint4": (0, 15),
}
_INT_STRING = re.compile(r"^-?[0-9]+$")


def parse_number(v):
    """A vector number: a JSON number, "NaN"/"Infinity"/"-Infinity", or a decimal integer string
    (kept exact as a Python int)."""
    if isinstance(v, bool):
        raise ValueError(f"bad number {v!r}")
    if isinstance(v, (int, float)):
        return v
    if v == "NaN":
        return math.nan
    if v == "Infinity":
        return math.inf
    if v == "-Infinity":
        return -math.inf
    if isinstance(v, str) and _INT_STRING.match(v):
        return int(v)
    raise ValueError(f"bad number {v!r}")


def to_array(data, descriptor):
    """The tensor a case's `data` describes, as the numpy array the bindings take (int4/uint4 as
    int8/uint8). Floats round once from double (float16 via float32, as the C++ runner does);
    integers are exact, floats stored into integer types saturate."""
    dtype_name = descriptor["dataType"]
    shape = descriptor["shape"]
    count = math.prod(shape)
    if isinstance(data, list):
        if len(data) != count:
            raise ValueError(f"data has {len(data)} values, shape {shape} has {count}")
        values = [parse_number(v) for v in data]
    else:
        values = [parse_number(data)]
    if dtype_name in ("float32", "float16"):
        a = np.array(values, dtype=np.float64).astype(np.float32)
        if dtype_name == "float16":
            a = a.astype(np.float16)
    else:
        lo, hi = INT_RANGES[dtype_name]
        ints = []
        for v in values:
            if isinstance(v, float):
                v = lo if math.isnan(v) else int(max(lo, min(hi, v)))
            if dtype_name in ("int4", "uint4"):
                # wpt packs the low nibble of each value (a value out of range wraps).
                v = v & 0xF
                v = v - 16 if dtype_name == "int4" and v > 7 else v
            ints.append(v)
        a = np.array(ints, dtype=NUMPY_DTYPES[dtype_name])
    if not isinstance(data, list):
        return np.full(shape, a[0], dtype=a.dtype)
    return a.reshape(shape)


def _option_value(v):
    # Numbers of MLNumber/double options may be written as strings ("Infinity", bigints).
    if isinstance(v, str):
        try:
            return parse_number(v)
        except ValueError:
            return v  # an enum value
    return v


def _snake(name):
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return s.lower()


class CaseError(Exception):
    pass


def build_and_run(context, case):
    """Builds and computes one case; returns (results, expected outputs).

    Raises webnn errors as they come (a NotSupportedError means "skipped")."""
    graph = case["graph"]
    builder = webnn.MLGraphBuilder(context)
    operands = {}
    constants = {}  # name -> (descriptor, array): legacy reshapes re-create constants
    feeds = {}
    for name, entry in graph["inputs"].items():
        desc = entry["descriptor"]
        array = to_array(entry["data"], desc)
        descriptor = {"dataType": desc["dataType"], "shape": desc["shape"]}
        if entry.get("constant"):
            operands[name] = builder.constant(descriptor, array)
            constants[name] = (desc["dataType"], array)
        else:
            operands[name] = builder.input(name, descriptor)
            feeds[name] = array

    def operand(n):
        if n not in operands:
            raise CaseError(f"unknown operand {n!r}")
        return operands[n]

    for op in case["resolvedOperators"]:
        op_name = op["name"]
        if op_name not in METHOD_NAMES:
            raise CaseError(f"unknown operator {op_name}")
        args, kwargs, names = [], {}, []
        for arg in op["args"]:
            kind = arg["kind"]
            if kind == "operand":
                args.append(operand(arg["operand"]))
                names.append(arg["operand"])
            elif kind == "operandList":
                args.append([operand(n) for n in arg["operands"]])
            elif kind == "value":
                args.append(_option_value(arg["value"]))
            elif kind == "options":
                for k, v in arg["value"].items():
                    # wpt of 2025-03 still uses the pool2d option's former name.
                    key = "output_shape_rounding" if k == "roundingType" else _snake(k)
                    kwargs[key] = _option_value(v)
                for k, v in arg.get("operandOptions", {}).items():
                    kwargs[_snake(k)] = operand(v)
        # Calls of the 2025-03 wpt snapshot that predate the current spec, mapped onto it as the
        # C++ runner does: softmax(input) without an axis was the softmax over the last dimension;
        # quantizeLinear/dequantizeLinear took a scale and zeroPoint of lower rank, broadcast from
        # the trailing dimensions, which the spec now wants reshaped to the input's rank.
        if op_name == "softmax" and len(args) == 1:
            args.append(max(len(args[0].shape) - 1, 0))
        if op_name in ("quantizeLinear", "dequantizeLinear") and len(args) == 3:
            rank = len(args[0].shape)
            for i in (1, 2):
                if len(args[i].shape) >= rank:
                    continue
                shape = [1] * (rank - len(args[i].shape)) + args[i].shape
                if names[i] in constants:
                    dtype, array = constants[names[i]]
                    args[i] = builder.constant({"dataType": dtype, "shape": shape}, array.reshape(shape))
                else:
                    args[i] = builder.reshape(args[i], shape)
        result = getattr(builder, METHOD_NAMES[op_name])(*args, **kwargs)
        outs = op["outputs"]
        if isinstance(outs, list):
            results = result if isinstance(result, list) else [result]
            if len(outs) > len(results):
                raise CaseError(f"{op_name}: fewer results than expected")
            for n, r in zip(outs, results):
                operands[n] = r
        else:
            operands[outs] = result

    outputs = {}
    for name, expected in graph["expectedOutputs"].items():
        if name not in operands:
            raise CaseError(f"no operand named {name}")
        got = operands[name]
        want = expected["descriptor"]
        if got.data_type != want["dataType"] or got.shape != list(want["shape"]):
            raise CaseError(
                f"output '{name}' is {got.data_type} {got.shape}, expected {want['dataType']} {want['shape']}"
            )
        outputs[name] = got
    g = builder.build(outputs)
    return context.compute(g, feeds), graph["expectedOutputs"]


def _float32_ulp_bits(v):
    """Sign-magnitude bit pattern of float32 values as signed integers (+0 and -0 are 0)."""
    a = np.abs(v.astype(np.float32)).view(np.uint32).astype(np.int64)
    return np.where(v < 0, -a, a)


def compare(actual, expected, metric, tolerance):
    """"" when every compared element passes, else the first failure."""
    dtype = str(actual.dtype)
    data = expected["data"]
    flat = actual.reshape(-1)
    scalar = not isinstance(data, list)
    if scalar:
        n = min(1000, flat.size) if flat.size > 1 else flat.size
        values = [parse_number(data)] * n
    else:
        if len(data) != flat.size:
            return f"expected {len(data)} values, got {flat.size}"
        n = flat.size
        values = [parse_number(v) for v in data]
    got = flat[:n]
    data_type = expected["descriptor"]["dataType"]
    if data_type in ("float32", "float16"):
        a = got.astype(np.float64)
        e = np.array(values, dtype=np.float64)
        equal = a == e
        e_nan = np.isnan(e)
        a_nan = np.isnan(a)
        if metric == "ATOL":
            with np.errstate(invalid="ignore"):
                ok = equal | (np.abs(a - e) <= tolerance)
            ok &= ~e_nan | equal
            distance = np.abs(a - e)
        else:
            if data_type == "float32":
                distance = np.abs(_float32_ulp_bits(a) - _float32_ulp_bits(e))
            else:
                ab = got.view(np.uint16).astype(np.int64)
                with np.errstate(over="ignore", invalid="ignore"):
                    eb = e.astype(np.float32).astype(np.float16).view(np.uint16).astype(np.int64)
                both_zero = ((ab & 0x7FFF) == 0) & ((eb & 0x7FFF) == 0)
                distance = np.where(both_zero, 0, np.abs(ab - eb))
            ok = equal | (~a_nan & ~e_nan & (distance <= tolerance)) | (e_nan & a_nan)
        bad = np.flatnonzero(~ok)
        if bad.size:
            i = int(bad[0])
            return f"[{i}]: got {a[i]!r}, expected {e[i]!r} ({metric} {distance[i]} > {tolerance})"
        return ""
    for i, (x, v) in enumerate(zip(got.tolist(), values)):
        v = int(v) if not isinstance(v, int) else v
        if abs(int(x) - v) > tolerance:
            return f"[{i}]: got {x}, expected {v} ({dtype})"
    return ""


def run_case(context, case):
    """("pass" | "fail" | "skip", reason)."""
    try:
        results, expected_outputs = build_and_run(context, case)
    except webnn.NotSupportedError as e:
        return "skip", f"NotSupportedError: {e}"
    except (TypeError, ValueError, webnn.Error, CaseError) as e:
        return "fail", f"{type(e).__name__}: {e}"
    tol = case["tolerance"]
    metric = tol.get("metric", "ULP")
    value = tol.get("value", 0)
    for name, expected in expected_outputs.items():
        why = compare(results[name], expected, metric, value)
        if why:
            return "fail", f"output '{name}'{why}"
    return "pass", ""


def load_file(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_expectations(path):
    """"<file>::<case name>" -> reason."""
    expectations = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            key, sep, reason = line.partition(" | ")
            if not sep:
                raise ValueError(f"{path}:{number}: expected '<file>::<case> | <reason>'")
            expectations[key] = reason
    return expectations
