"""WebNN (https://www.w3.org/TR/webnn/) for Python, on the webnn-cpp runtime.

    import numpy as np
    import webnn

    context = webnn.ML().create_context()
    builder = webnn.MLGraphBuilder(context)
    x = builder.input("x", {"dataType": "float32", "shape": [2, 2]})
    y = builder.relu(builder.add(x, builder.constant(np.ones((2, 2), np.float32))))
    graph = builder.build({"y": y})
    print(context.compute(graph, {"x": np.array([[-2, -1], [0, 1]], np.float32)})["y"])

Names are the spec's in Python spelling: createContext -> create_context, options
dictionaries -> keyword arguments (conv2d(x, w, padding=[1, 1, 1, 1], bias=b)).
"""

try:
    from ._webnn import (
        ML,
        ContextLostError,
        DataError,
        Error,
        FileNotFoundError,
        InvalidStateError,
        IsADirectoryError,
        MLContext,
        MLGraph,
        MLGraphBuilder,
        MLOperand,
        MLOperandDescriptor,
        MLTensor,
        MLTensorDescriptor,
        NotSupportedError,
        OperationError,
        PermissionError,
        UnknownError,
        __version__,
        load_image,
    )
except ImportError as _error:
    # An interpreter the extension was not built for finds no _webnn it can load: say which
    # one it was built for instead of "No module named 'webnn._webnn'".
    from . import _build_info, _interpreter

    _message = _interpreter.mismatch(_build_info)
    if _message is None:
        raise
    raise ImportError(_message) from _error

__all__ = [
    "ML",
    "MLContext",
    "MLGraph",
    "MLGraphBuilder",
    "MLOperand",
    "MLOperandDescriptor",
    "MLTensor",
    "MLTensorDescriptor",
    "Error",
    "DataError",
    "NotSupportedError",
    "InvalidStateError",
    "ContextLostError",
    "OperationError",
    "UnknownError",
    "FileNotFoundError",
    "IsADirectoryError",
    "PermissionError",
    "load_image",
]
