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
