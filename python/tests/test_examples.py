"""The scripts in examples/ run and print what they promise."""

import os
import subprocess
import sys

import pytest

import webnn
from conftest import MODELS_DIR, SOURCE_DIR

EXAMPLES = SOURCE_DIR / "examples"


def run_example(name, *args):
    env = dict(os.environ)
    # The module under test, wherever this test imported it from.
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(webnn.__file__))
    result = subprocess.run([sys.executable, str(EXAMPLES / name), *args], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.parametrize("digit", [0, 4, 9])
def test_classify_digit(digit):
    out = run_example("classify_digit.py", str(MODELS_DIR / "lenet" / f"digit_{digit}.png"))
    assert out.startswith(f"digit: {digit} (p = ")


def test_build_and_save(tmp_path):
    out = run_example("build_and_save.py", str(tmp_path / "tiny"))
    assert (tmp_path / "tiny.json").exists() and (tmp_path / "tiny.webnn").exists()
    assert out.count("reloaded result identical") == 2


@pytest.mark.service
def test_mobilenetv2_through_the_daemon(webnnd):
    out = run_example("mobilenetv2_service.py", "--endpoint", webnnd.endpoint, "--repeat", "1")
    assert "max |difference| from ONNX Runtime" in out
