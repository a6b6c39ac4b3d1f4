"""Builds the extension webnn._webnn with the project's CMake build (see pyproject.toml).

The build directory is build/pip (WEBNN_PIP_BUILD_DIR overrides it); it is reused by the next
install, and a compiler cache (ccache) is used when one is installed. CMAKE_ARGS adds options.
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


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = Path(os.environ.get("WEBNN_PIP_BUILD_DIR", ROOT / "build" / "pip")).resolve()
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
        jobs = str(self.parallel or os.cpu_count() or 1)
        subprocess.run(configure, check=True)
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
