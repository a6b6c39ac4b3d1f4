"""Builds the extension webnn._webnn with the project's CMake build (see pyproject.toml).

The build directory is build/pip, configured for the module alone and reused by the next install;
a compiler cache (ccache) is used when one is installed, and CMAKE_ARGS adds options.
WEBNN_PIP_BUILD_DIR=DIR names another one; when DIR is already configured (build/release), its
options are kept and only the module is built there.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def project_version():
    text = (ROOT / "CMakeLists.txt").read_text()
    match = re.search(r"project\(\s*webnn_cpp\s+VERSION\s+([0-9.]+)", text)
    if not match:
        sys.exit("setup.py: no project(webnn_cpp VERSION ...) in CMakeLists.txt")
    return match.group(1)


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


def cached_python(build_dir):
    """The interpreter an existing build directory's Python module is built for, or None."""
    cache = build_dir / "CMakeCache.txt"
    if not cache.exists():
        return None
    match = re.search(r"^Python_EXECUTABLE:[A-Z]+=(.*)$", cache.read_text(), re.M)
    return match.group(1) if match else None


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = Path(os.environ.get("WEBNN_PIP_BUILD_DIR", ROOT / "build" / "pip")).resolve()
        if "WEBNN_PIP_BUILD_DIR" in os.environ and (build_dir / "CMakeCache.txt").exists():
            # A build directory of the developer's or CI's own (e.g. build/release): its options
            # stay as they are; only the module is built, for the interpreter it was set up for.
            python = cached_python(build_dir)
            if python is None or os.path.realpath(python) != os.path.realpath(sys.executable):
                sys.exit(f"setup.py: {build_dir} builds the module for {python}, not for "
                         f"{sys.executable}; run pip with that interpreter")
            self.build_module(ext, build_dir)
            return
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir),
            "-DCMAKE_BUILD_TYPE=Release",
            f"-DPython_EXECUTABLE={sys.executable}",
            "-DWEBNN_BUILD_PYTHON=ON", "-DWEBNN_BUILD_TESTS=OFF", "-DWEBNN_BUILD_BENCH=OFF",
            "-DWEBNN_BUILD_TOOLS=OFF", "-DWEBNN_INSTALL=OFF",
        ]
        if shutil.which("ninja") and not (build_dir / "CMakeCache.txt").exists():
            configure += ["-G", "Ninja"]
        if shutil.which("ccache"):
            configure += ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache",
                          "-DCMAKE_C_COMPILER_LAUNCHER=ccache"]
        configure += shlex.split(os.environ.get("CMAKE_ARGS", ""))
        subprocess.run(configure, check=True)
        self.build_module(ext, build_dir)

    def build_module(self, ext, build_dir):
        jobs = str(self.parallel or os.cpu_count() or 1)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "webnn_python",
                        "webnn_python_files", "-j", jobs], check=True)

        package = build_dir / "python" / "webnn"
        built = sorted(package.glob("_webnn.*.so"))
        if not built:
            sys.exit(f"setup.py: the build made no _webnn extension in {package}")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[-1], target)
        # Generated beside the extension: what it was built for (webnn/_build_info.py).
        shutil.copyfile(package / "_build_info.py", target.parent / "_build_info.py")


setup(
    version=project_version(),
    ext_modules=[CMakeExtension("webnn._webnn")],
    cmdclass={"build_ext": CMakeBuild},
)
