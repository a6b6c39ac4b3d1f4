"""The package's build information: one version everywhere, and an import on an interpreter the
extension was not built for names the one it was built for."""

import importlib.machinery
import pathlib
import re
import shutil
import subprocess
import sys

import webnn
from webnn import _build_info, _interpreter

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]


def project_version():
    text = (SOURCE_DIR / "CMakeLists.txt").read_text()
    return re.search(r"project\(\s*webnn_cpp\s+VERSION\s+([0-9.]+)", text).group(1)


def test_version_is_the_projects():
    assert webnn.__version__ == project_version()
    assert _build_info.VERSION == webnn.__version__


def test_built_for_this_interpreter():
    assert _interpreter.mismatch(_build_info) is None
    assert _build_info.EXTENSION_SUFFIX in importlib.machinery.EXTENSION_SUFFIXES
    assert pathlib.Path(webnn._webnn.__file__).name == "_webnn" + _build_info.EXTENSION_SUFFIX


def test_another_interpreter_is_told_which_one_to_use():
    other = (sys.version_info[0], sys.version_info[1] + 1)
    message = _interpreter.mismatch(
        _build_info, version_info=other, executable="/opt/python/bin/python3",
        suffixes=[f".cpython-{other[0]}{other[1]}-x86_64-linux-gnu.so", ".abi3.so", ".so"])
    assert message is not None
    assert f"built for Python {_build_info.PYTHON_VERSION}" in message
    assert _build_info.PYTHON_EXECUTABLE in message
    assert f"this is Python {other[0]}.{other[1]} (/opt/python/bin/python3)" in message


def test_import_without_a_loadable_extension_names_the_interpreter(tmp_path):
    # The package as another interpreter sees it: no _webnn it can load (the extension's file
    # name carries this interpreter's tag), and build information naming another Python.
    package = pathlib.Path(webnn.__file__).parent
    copy = tmp_path / "webnn"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("_webnn.*.so", "__pycache__"))
    (copy / "_build_info.py").write_text(
        'VERSION = "0.0.0"\nPYTHON_VERSION = "2.7"\nPYTHON_EXECUTABLE = "/usr/bin/python2.7"\n'
        'EXTENSION_SUFFIX = ".so.other"\n')
    result = subprocess.run([sys.executable, "-P", "-c", "import webnn"], cwd=tmp_path,
                            env={"PYTHONPATH": str(tmp_path)}, capture_output=True, text=True)
    assert result.returncode != 0
    assert "built for Python 2.7 (/usr/bin/python2.7" in result.stderr
    assert f"this is Python {sys.version_info[0]}.{sys.version_info[1]}" in result.stderr
