"""Unit tests of how the comparison drives and reads our CLI (stdlib unittest; run by
scripts/bench-ort-smoke.sh, not by ctest). The CLI's timing line is expected to gain keys and
the CLI to gain --backend: the comparison must keep working with today's CLI and the next one.

Run: cd bench && python3 -m unittest test_runners
"""
import tempfile
import unittest
from pathlib import Path

from networks import Network
from runners import WebnnCli, backend_label, parse_timing

TODAY = ("y: float32 [1, 128, 768]\n"
         "load+compile: 3.632 ms; compute x5: min 438.584 ms, median 443.478 ms, "
         "mean 460.602 ms\n")
EXTENDED = ("backend: onednn\nprobabilities: float32 [1, 10]\n"
            "load+compile: 1.5 ms; compute x20: min 0.101 ms, median 0.12 ms, p90 0.2 ms, "
            "mean 0.13 ms, max 1.5e+01 ms\n")
NET = Network("n", Path("g.json"), Path("g.onnx"), {"x": Path("x.npy")}, goal=1.0)


class ParseTimingTest(unittest.TestCase):
    def test_todays_line(self):
        self.assertEqual(parse_timing(TODAY), {"runs": 5, "load_ms": 3.632, "min_ms": 438.584,
                                               "median_ms": 443.478, "mean_ms": 460.602,
                                               "peak_rss_mb": None})

    def test_backend_and_rss_lines(self):
        out = ("backend: onednn, 2 thread(s) (55 steps, 0 on the reference kernels)\n"
               "peak RSS: 40.7 MB\n" + TODAY)
        self.assertEqual(parse_timing(out)["peak_rss_mb"], 40.7)
        self.assertEqual(backend_label(out, None, True), "onednn")

    def test_extended_line_keeps_every_key(self):
        t = parse_timing(EXTENDED)
        self.assertEqual((t["runs"], t["median_ms"], t["p90_ms"]), (20, 0.12, 0.2))
        self.assertEqual(t["max_ms"], 15.0)

    def test_missing_line_or_median_is_an_error(self):
        with self.assertRaises(ValueError):
            parse_timing("y: float32 [1]\n")
        with self.assertRaises(ValueError):
            parse_timing("compute x3: min 1 ms, mean 2 ms\n")


class BackendLabelTest(unittest.TestCase):
    def test_the_cli_says_which(self):
        self.assertEqual(backend_label(EXTENDED, None, True), "onednn")

    def test_a_cli_without_backend_runs_the_reference_kernels(self):
        self.assertEqual(backend_label(TODAY, "onednn", False), "reference")

    def test_otherwise_what_was_asked(self):
        self.assertEqual(backend_label(TODAY, "onednn", True), "onednn")
        self.assertEqual(backend_label(TODAY, None, True), "cli default")


class FlagProbeTest(unittest.TestCase):
    """WebnnCli asks the CLI once whether it knows --backend, as a stand-in CLI shows."""

    def fake_cli(self, backend_error):
        path = Path(self.tmp.name) / "webnn"
        path.write_text(f'#!/bin/sh\n[ "$2" = --backend ] && echo "{backend_error}" >&2\n'
                        "exit 1\n")
        path.chmod(0o755)
        return WebnnCli(path)

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def test_without_backend_neither_flag_is_passed(self):
        cli = self.fake_cli("webnn: unknown option --backend (see webnn run --help)")
        self.assertFalse(cli.has_backend)
        cmd = cli.command(NET, repeat=5, threads=2, backend="onednn")
        self.assertEqual(cmd[1:], ["run", "g.json", "--input", "x=x.npy", "--repeat", "5"])

    def test_with_backend_both_flags_are_passed(self):
        cli = self.fake_cli("webnn: --backend needs a value")
        self.assertTrue(cli.has_backend)
        cmd = cli.command(NET, repeat=5, threads=2, backend="onednn")
        self.assertEqual(cmd[-4:], ["--backend", "onednn", "--threads", "2"])
        self.assertNotIn("--backend", cli.command(NET, threads=1))


if __name__ == "__main__":
    unittest.main()
