"""Why webnn._webnn does not import: the extension was built for another interpreter."""

import importlib.machinery
import sys


def mismatch(build_info, version_info=sys.version_info, executable=sys.executable,
             suffixes=None):
    """The message for an interpreter the extension was not built for, or None if it was.

    build_info has VERSION, PYTHON_VERSION, PYTHON_EXECUTABLE and EXTENSION_SUFFIX (the
    generated webnn._build_info)."""
    if suffixes is None:
        suffixes = importlib.machinery.EXTENSION_SUFFIXES
    running = f"{version_info[0]}.{version_info[1]}"
    if running == build_info.PYTHON_VERSION and build_info.EXTENSION_SUFFIX in suffixes:
        return None
    return (
        f"webnn {build_info.VERSION} was built for Python {build_info.PYTHON_VERSION} "
        f"({build_info.PYTHON_EXECUTABLE}, extension _webnn{build_info.EXTENSION_SUFFIX}), "
        f"but this is Python {running} ({executable}). Run it with that interpreter, or "
        f"install webnn for this one (python{running} -m pip install --no-build-isolation "
        f"<webnn-cpp source tree>)."
    )
