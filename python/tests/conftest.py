"""Fixtures shared by the Python tests.

Paths come from the environment (set by ctest, see python/CMakeLists.txt) and default to the
source tree around this file:

    WEBNN_SOURCE_DIR                 the repository
    WEBNN_MODELS_DIR                 models/ (LeNet, MobileNetV2)
    WEBNN_CONFORMANCE_DIR            tests/conformance/data
    WEBNN_CONFORMANCE_EXPECTATIONS   tests/conformance/expectations-onednn.txt
    WEBNN_WEBNND                     the webnnd daemon binary (service tests)

Executors: tests that take the `executor` fixture run once per executor ("direct", "worker",
"service"). The "service" ones carry the pytest marker `service` (ctest runs them as
`python_service`); they start a webnnd for the session and fail when the binary is missing.
"""

import os
import pathlib
import socket
import subprocess
import tempfile
import time

import pytest

import webnn

SOURCE_DIR = pathlib.Path(os.environ.get("WEBNN_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
MODELS_DIR = pathlib.Path(os.environ.get("WEBNN_MODELS_DIR", SOURCE_DIR / "models"))
CONFORMANCE_DIR = pathlib.Path(
    os.environ.get("WEBNN_CONFORMANCE_DIR", SOURCE_DIR / "tests" / "conformance" / "data")
)
EXPECTATIONS = pathlib.Path(
    os.environ.get(
        "WEBNN_CONFORMANCE_EXPECTATIONS", SOURCE_DIR / "tests" / "conformance" / "expectations-onednn.txt"
    )
)
WEBNND = os.environ.get("WEBNN_WEBNND", "")

EXECUTORS = ["direct", "worker", pytest.param("service", marks=pytest.mark.service)]


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "service: needs the webnnd daemon from the build tree (ctest: -DWEBNN_PYTHON_SERVICE_TESTS=ON)",
    )


class Daemon:
    """A webnnd started for the test session, listening on a Unix socket in a temporary folder."""

    def __init__(self, binary):
        self.dir = tempfile.TemporaryDirectory(prefix="webnn-py-")
        self.socket = os.path.join(self.dir.name, "s.sock")
        self.endpoint = "unix:" + self.socket
        self.log = open(os.path.join(self.dir.name, "webnnd.log"), "w+b")
        # As root (a container, CI) the daemon must be told to stay root: its sandbox refuses
        # that otherwise, and there is no service user to switch to.
        root = ["--allow-root"] if os.geteuid() == 0 else []
        self.process = subprocess.Popen(
            [binary, *root, "--listen", self.endpoint], stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 20
        while not self.accepting():
            if self.process.poll() is not None:
                raise RuntimeError(f"webnnd exited with {self.process.returncode}: {self.output()}")
            if time.monotonic() > deadline:
                output = self.output()
                self.stop()
                raise RuntimeError(f"webnnd does not accept connections on {self.socket}: {output}")
            time.sleep(0.02)

    def accepting(self):
        if not os.path.exists(self.socket):
            return False
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            try:
                s.connect(self.socket)
                return True
            except OSError:
                return False

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        self.dir.cleanup()


@pytest.fixture(scope="session")
def webnnd():
    """The running daemon (session-wide). Fails, never skips, when the binary is missing."""
    binary = WEBNND
    if not binary or not os.path.isfile(binary) or not os.access(binary, os.X_OK):
        pytest.fail(f"the webnnd binary is missing (WEBNN_WEBNND={binary!r}); build the webnnd target")
    try:
        daemon = Daemon(binary)
    except RuntimeError as e:
        pytest.fail(str(e))
    yield daemon
    daemon.stop()


def create_context(executor, request, **options):
    """A context on `executor`; for "service", on the session's daemon."""
    if executor == "service":
        daemon = request.getfixturevalue("webnnd")
        return webnn.ML().create_context(executor="service", endpoint=daemon.endpoint, **options)
    return webnn.ML().create_context(executor=executor, **options)


@pytest.fixture(params=EXECUTORS)
def executor(request):
    return request.param


@pytest.fixture
def context(executor, request):
    """A fresh context on each executor."""
    ctx = create_context(executor, request)
    yield ctx
    ctx.destroy()


@pytest.fixture
def direct_context():
    ctx = webnn.ML().create_context()
    yield ctx
    ctx.destroy()


@pytest.fixture
def builder(direct_context):
    return webnn.MLGraphBuilder(direct_context)
