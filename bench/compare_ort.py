#!/usr/bin/env python3
"""Time our runtime against ONNX Runtime (the peer) in the same run; print a Markdown table.

Usage: python3 bench/compare_ort.py [--networks lenet,mobilenetv2,encoder] [--threads 1,2]
           [--runs 20] [--rounds 2] [--warmup 3] [--backend B] [--json OUT]
           [--webnn build/release/webnn] [--models-dir build/bench-models]
Needs the generated models (bench/models/make_models.py), our CLI (ninja -C build/release
webnn-cli) and onnxruntime-node (scripts/install-npm-deps.sh); scripts/bench-ort.sh does all
of it and checks first that both runtimes compute the same outputs (bench/check_peer.py).

For each network and thread count, --runs timed runs of each runtime are split into at most
--rounds rounds of at least 10 runs (MIN_PER_ROUND), and the rounds alternate between the
runtimes (ours, ORT, ours, ORT, ...) so that the machine's changing load falls on both alike.
A round is one process of each: our CLI with `--repeat K` (its load+compile is timed apart;
it has no warm-up option, so its first, slower runs are among the K), then bench/ort_peer.mjs
with --warmup untimed runs and K timed ones. Our CLI reports only summary statistics, so each
runtime's time is the median of its rounds' medians.
Progress goes to stderr; the table, notes and the commands run go to stdout.

Our CLI gets `--threads T` and, when given, `--backend B`; without --backend the CLI picks
its backend. A CLI that does not know --backend (it says "unknown option") runs without
either flag: see runners.WebnnCli. ORT runs with intraOpNumThreads T, interOpNumThreads 1.

Columns: the ratio is (our median) / (ORT median); the goal is a ratio at most 0.9 for
mobilenetv2 and 1.0 for lenet and the encoder (bench/networks.py). The commands run are
printed after the table; --json OUT also writes every round's numbers.
"""
import argparse
import json
import math
import os
import platform
import shlex
import statistics
import sys
from pathlib import Path

from networks import DEFAULT_MODELS_DIR, REPO, networks
from runners import RunError, WebnnCli, run_ort

# Our CLI has no warm-up option, and its first computes in a process are slower: with the
# reference kernels, LeNet's first ~4 runs take 10-25 ms, the later ones ~1.8 ms. With 10 runs
# per round, a round's median is the mean of its 5th and 6th runs, i.e. of warm runs.
MIN_PER_ROUND = 10
COLUMNS = ["network", "threads", "webnn backend", "webnn median ms", "ORT median ms",
           "ratio (webnn/ORT)", "goal", "met?"]


def cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def split_runs(runs, max_rounds):
    """(rounds, runs per round): at most max_rounds rounds of at least MIN_PER_ROUND runs
    (fewer only when runs itself is smaller), together at least `runs` runs."""
    rounds = max(1, min(max_rounds, runs // MIN_PER_ROUND))
    return rounds, math.ceil(runs / rounds)


def measure(cli, net, threads, args, log):
    """Alternates the two runtimes over the rounds of split_runs; returns the table row."""
    rounds, per_round = split_runs(args.runs, args.rounds)
    ours, peer = [], []
    for r in range(rounds):
        result, webnn_cmd = cli.run(net, repeat=per_round, threads=threads, backend=args.backend)
        ours.append(result)
        result, ort_cmd = run_ort(net, threads=threads, warmup=args.warmup, runs=per_round)
        peer.append(result)
        log(f"{net.name} threads {threads} round {r + 1}/{rounds}: webnn median "
            f"{ours[-1]['median_ms']:.3f} ms, ORT median {peer[-1]['median_ms']:.3f} ms")
    webnn_ms = statistics.median(o["median_ms"] for o in ours)
    ort_ms = statistics.median(p["median_ms"] for p in peer)
    ratio = webnn_ms / ort_ms
    return {
        "network": net.name, "threads": threads,
        "webnn_backend": ", ".join(sorted({o["backend"] for o in ours})),
        "webnn_median_ms": webnn_ms, "ort_median_ms": ort_ms, "ratio": ratio,
        "goal": net.goal, "met": ratio <= net.goal,
        "ort_version": peer[0]["ort_version"], "runs_per_round": per_round,
        "commands": [shlex.join(webnn_cmd), shlex.join(ort_cmd)],
        "webnn_rounds": ours, "ort_rounds": peer,
        # Graph build (load + compile + prepack; ORT: session creation) and peak RSS of the
        # whole process, medians over the rounds.
        "webnn_build_ms": _median_of(ours, "load_ms"),
        "ort_build_ms": _median_of(peer, "session_create_ms"),
        "webnn_rss_mb": _median_of(ours, "peak_rss_mb"),
        "ort_rss_mb": _median_of(peer, "peak_rss_mb"),
    }


def _median_of(results, key):
    values = [r[key] for r in results if r.get(key) is not None]
    return statistics.median(values) if values else None


def build_table(rows):
    """Graph build time and peak memory next to ORT's, one row per network (1 thread)."""
    fmt = lambda v, unit: "n/a" if v is None else f"{v:.1f} {unit}"
    lines = ["| network | webnn build | ORT session create | webnn peak RSS | ORT peak RSS |",
             "|---|---|---|---|---|"]
    seen = set()
    for r in rows:
        if r["network"] in seen:
            continue
        seen.add(r["network"])
        lines.append(f"| {r['network']} | {fmt(r['webnn_build_ms'], 'ms')} | "
                     f"{fmt(r['ort_build_ms'], 'ms')} | {fmt(r['webnn_rss_mb'], 'MB')} | "
                     f"{fmt(r['ort_rss_mb'], 'MB')} |")
    return "\n".join(lines)


def table(rows):
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        cells = [r["network"], str(r["threads"]), r["webnn_backend"],
                 f"{r['webnn_median_ms']:.3f}", f"{r['ort_median_ms']:.3f}",
                 f"{r['ratio']:.3g}", f"≤ {r['goal']:.1f}", "yes" if r["met"] else "no"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    all_nets = networks()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--networks", default=",".join(all_nets),
                    help="comma-separated, from: " + ", ".join(all_nets))
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    ap.add_argument("--runs", type=int, default=20, help="timed runs per runtime and cell")
    ap.add_argument("--rounds", type=int, default=2,
                    help="at most this many alternations the runs are split into")
    ap.add_argument("--warmup", type=int, default=3, help="untimed ORT runs per round")
    ap.add_argument("--backend", help="our CLI's --backend (default: the CLI chooses)")
    ap.add_argument("--json", type=Path, metavar="OUT", help="also write all results as JSON")
    ap.add_argument("--webnn", type=Path, default=REPO / "build/release/webnn")
    ap.add_argument("--models-dir", type=Path, default=DEFAULT_MODELS_DIR)
    args = ap.parse_args()
    if args.runs < 1 or args.rounds < 1 or args.warmup < 0:
        ap.error("--runs and --rounds must be at least 1, --warmup at least 0")
    nets = networks(args.models_dir)
    unknown = [n for n in args.networks.split(",") if n not in nets]
    if unknown:
        ap.error(f"unknown network(s) {', '.join(unknown)}; known: {', '.join(nets)}")
    thread_counts = [int(t) for t in args.threads.split(",")]

    log = lambda msg: print(msg, file=sys.stderr, flush=True)
    cli = WebnnCli(args.webnn)
    notes = [f"machine: {cpu_name()}, {os.cpu_count()} logical CPUs, load average "
             f"{os.getloadavg()[0]:.2f} at the start"]
    if not cli.has_backend:
        notes.append(f"{args.webnn} has no --backend option (unknown option), so it ran "
                     "without --backend and --threads: its reference kernels, single-threaded "
                     "in every row (its --threads sizes only the worker executor's pool)")
    for note in notes:
        log(note)
    rows = [measure(cli, nets[name], t, args, log)
            for name in args.networks.split(",") for t in thread_counts]

    print(table(rows))
    print()
    print(build_table(rows))
    print()
    print(f"ONNX Runtime {rows[0]['ort_version']} (onnxruntime-node, CPU provider). Each time "
          f"is the median of {split_runs(args.runs, args.rounds)[0]} rounds' medians of "
          f"{rows[0]['runs_per_round']} runs, the rounds alternating between the runtimes; "
          f"ORT ran {args.warmup} untimed runs first in each round.")
    for note in notes:
        print(f"- {note}")
    print("\nCommands (each run once per round, in this order):\n```")
    print("\n".join(c for r in rows for c in r["commands"]))
    print("```")
    if args.json:
        args.json.write_text(json.dumps({"notes": notes, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RunError, ValueError) as e:  # a runtime failed or printed no timing: no table
        sys.exit(f"compare_ort.py: {e}")
