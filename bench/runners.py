"""How the comparison runs each runtime: our CLI (`webnn run`) and ONNX Runtime
(bench/ort_peer.mjs), each as a child process, with the results parsed from its output.

Our CLI prints, after the outputs' descriptions, a timing line such as
  load+compile: 3.632 ms; compute x5: min 438.584 ms, median 443.478 ms, mean 460.602 ms
which may gain keys (e.g. `p90 C ms`) and, once the CLI reports it, a `backend: NAME` line.
Both are parsed tolerantly: any `KEY NUMBER ms` after `compute xN:` is kept.
"""
import json
import re
import shlex
import subprocess
from pathlib import Path

from networks import REPO

ORT_PEER = REPO / "bench" / "ort_peer.mjs"
_COMPUTE = re.compile(r"compute x(\d+):(.*)")
_STAT = re.compile(r"([A-Za-z][\w]*)\s+([0-9.]+(?:[eE][-+]?\d+)?)\s*ms")
_LOAD = re.compile(r"load\+compile:\s*([0-9.]+(?:[eE][-+]?\d+)?)\s*ms")
_BACKEND = re.compile(r"^backend:\s*([^,\s]+)", re.MULTILINE)
_RSS = re.compile(r"^peak RSS:\s*([0-9.]+)\s*MB", re.MULTILINE)


class RunError(RuntimeError):
    """A child process failed or printed no result; the message has its command and stderr."""


def _run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RunError(f"exit status {proc.returncode}: {shlex.join(cmd)}\n{proc.stderr.strip()}")
    return proc.stdout


def parse_timing(stdout):
    """{'runs': N, 'load_ms': float or None, 'min_ms', 'median_ms', ...} from `webnn run`."""
    m = _COMPUTE.search(stdout)
    if not m:
        raise ValueError(f"no 'compute xN:' timing line in:\n{stdout}")
    stats = {f"{k}_ms": float(v) for k, v in _STAT.findall(m.group(2))}
    if "median_ms" not in stats:
        raise ValueError(f"the timing line has no median: {m.group(0)}")
    load = _LOAD.search(stdout)
    rss = _RSS.search(stdout)
    return {"runs": int(m.group(1)), "load_ms": float(load.group(1)) if load else None,
            "peak_rss_mb": float(rss.group(1)) if rss else None, **stats}


def backend_label(stdout, requested, cli_has_backend):
    """The backend the CLI says it used, else the one asked for, else what we know."""
    m = _BACKEND.search(stdout)
    if m:
        return m.group(1)
    if not cli_has_backend:
        return "reference"
    return requested or "cli default"


class WebnnCli:
    """Our CLI, with what it supports found out once by asking it.

    `--backend` and a compute-thread `--threads` come to the CLI together. A CLI without
    `--backend` rejects it as an unknown option; its `--threads` only sizes the pool of
    `--executor worker` and is ignored by the default direct executor, so with such a CLI
    neither flag is passed and the backend is reported as 'reference' (its only kernels).
    """

    def __init__(self, path):
        self.path = Path(path)
        if not self.path.is_file():
            raise RunError(f"{self.path} not found (ninja -C build/release webnn-cli)")
        self.has_backend = self._knows("--backend")

    def _knows(self, flag):
        proc = subprocess.run([str(self.path), "run", flag], capture_output=True, text=True)
        return f"unknown option {flag}" not in proc.stderr

    def command(self, net, repeat=1, threads=None, backend=None, output_dir=None):
        cmd = [str(self.path), "run", str(net.graph)]
        for name, file in net.inputs.items():
            cmd += ["--input", f"{name}={file}"]
        for name, value in net.dims.items():
            cmd += ["--dim", f"{name}={value}"]
        cmd += ["--repeat", str(repeat)]
        if self.has_backend:
            if backend:
                cmd += ["--backend", backend]
            if threads:
                cmd += ["--threads", str(threads)]
        if output_dir:
            cmd += ["--output-dir", str(output_dir)]
        return cmd

    def run(self, net, **kwargs):
        """Runs the CLI; returns (parsed timing with 'backend' added, the command)."""
        cmd = self.command(net, **kwargs)
        out = _run(cmd)
        result = parse_timing(out)
        result["backend"] = backend_label(out, kwargs.get("backend"), self.has_backend)
        return result, cmd


def ort_command(net, threads=1, warmup=3, runs=1, output_dir=None):
    cmd = ["node", str(ORT_PEER), str(net.onnx)]
    for name, file in net.inputs.items():
        cmd += ["--input", f"{name}={file}"]
    cmd += ["--threads", str(threads), "--warmup", str(warmup), "--runs", str(runs), "--json"]
    if output_dir:
        cmd += ["--output-dir", str(output_dir)]
    return cmd


def run_ort(net, **kwargs):
    """Runs bench/ort_peer.mjs; returns (its JSON result, the command)."""
    cmd = ort_command(net, **kwargs)
    out = _run(cmd).strip().splitlines()
    if not out:
        raise RunError(f"no output from {shlex.join(cmd)}")
    return json.loads(out[-1]), cmd
