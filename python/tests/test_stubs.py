"""The type stubs (webnn/_webnn.pyi) are what tools/generate_stubs.py writes from the module, so
they cannot drift from the op table; they parse, and name everything the module exports."""

import ast
import importlib.util
import pathlib

import webnn

PYTHON_DIR = pathlib.Path(__file__).resolve().parents[1]
STUB = PYTHON_DIR / "webnn" / "_webnn.pyi"


def load_generator():
    spec = importlib.util.spec_from_file_location("generate_stubs", PYTHON_DIR / "tools" / "generate_stubs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stubs_are_up_to_date():
    want = load_generator().render(webnn._webnn)
    assert STUB.read_text() == want, "python/webnn/_webnn.pyi is stale: run `ninja webnn_python_stubs`"


def test_stubs_cover_the_module():
    tree = ast.parse(STUB.read_text())
    top = {n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    public = {n for n in dir(webnn._webnn) if not n.startswith("_")}
    assert public <= top, f"not in the stubs: {sorted(public - top)}"
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    for cls in ("ML", "MLContext", "MLGraphBuilder", "MLGraph", "MLTensor", "MLOperand"):
        stubbed = {f.name for f in classes[cls].body if isinstance(f, ast.FunctionDef)}
        actual = {n for n in dir(getattr(webnn, cls)) if not n.startswith("_")}
        assert actual <= stubbed, f"{cls}: not in the stubs: {sorted(actual - stubbed)}"


def test_package_exports():
    assert set(webnn.__all__) <= set(dir(webnn))
    assert (pathlib.Path(webnn.__file__).parent / "py.typed").exists()
