// Shared pieces of the Python module: the wrapper objects behind the Python classes, the error
// mapping, and the conversions between Python values and the C++ API's types.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <shared_mutex>  // std::shared_lock
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "webnn/webnn.h"

namespace webnn::python {

namespace py = pybind11;

// ---- The objects behind the Python classes ---------------------------------------------------
// A shared/exclusive lock that prefers the writer: once destroy() waits, new calls wait behind it
// (with a reader-preferring lock such as glibc's, threads computing back to back could hold
// destroy() off forever). Not recursive: a thread takes it at most once.
class DestroyLock {
 public:
  void lock_shared() {
    std::unique_lock l(m_);
    cv_.wait(l, [&] { return !writer_; });
    ++readers_;
  }
  void unlock_shared() {
    std::lock_guard l(m_);
    if (--readers_ == 0) cv_.notify_all();
  }
  void lock() {
    std::unique_lock l(m_);
    cv_.wait(l, [&] { return !writer_; });
    writer_ = true;
    cv_.wait(l, [&] { return readers_ == 0; });
  }
  void unlock() {
    std::lock_guard l(m_);
    writer_ = false;
    cv_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  int readers_ = 0;
  bool writer_ = false;
};

// A context and the lock that keeps destroy() (of the context, a tensor or a graph) from freeing
// memory that another Python thread is reading or computing with while it does not hold the GIL:
// calls take it shared, destroy() exclusively.
struct PyContext {
  std::shared_ptr<MLContext> context;
  mutable DestroyLock mutex;
};

// Tensors and graphs keep their context alive (their C++ state points at it).
struct PyTensor {
  std::shared_ptr<PyContext> owner;
  MLTensor tensor;
};
struct PyGraph {
  std::shared_ptr<PyContext> owner;
  MLGraph graph;
};

// An operand with its descriptor, copied when it is created: the builder's own record of it is
// released by build(), and the descriptor must stay readable after that.
struct PyOperand {
  MLOperand operand;
  OperandDescriptor desc;
};

// A builder is used from one thread at a time; build() runs without the GIL, so the mutex keeps
// another thread from adding to it meanwhile.
struct PyBuilder {
  std::shared_ptr<PyContext> owner;
  std::unique_ptr<MLGraphBuilder> builder;
  std::mutex mutex;
};

// ---- Errors -----------------------------------------------------------------------------------
// webnn::Exception becomes: kTypeError -> TypeError, kDataError -> webnn.DataError (a ValueError),
// kNotSupportedError -> webnn.NotSupportedError, kInvalidStateError -> webnn.InvalidStateError,
// kOperationError -> webnn.OperationError, kUnknownError -> webnn.UnknownError; every one but
// TypeError derives from webnn.Error. ContextLost (thrown by WithContext below when the context
// is lost) becomes webnn.ContextLostError, an InvalidStateError.
struct ContextLost : std::exception {
  explicit ContextLost(std::string m) : message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
  std::string message;
};
void RegisterErrors(py::module_& m);

// A TypeError with this message (argument conversion failures).
[[noreturn]] void ThrowTypeError(const std::string& message);

// Runs f() holding the context's lock (shared), turning a failure of a lost context into
// ContextLost. With release_gil, f runs without the GIL and must not touch Python objects.
template <typename F>
auto WithContext(const PyContext& c, bool release_gil, F&& f) -> decltype(f()) {
  auto run = [&]() -> decltype(f()) {
    std::shared_lock lock(c.mutex);
    try {
      return f();
    } catch (const Exception& e) {
      if (c.context->lost()) throw ContextLost(e.error().message());
      throw;
    }
  };
  if (release_gil) {
    py::gil_scoped_release release;
    return run();
  }
  return run();
}

// ---- Conversions ------------------------------------------------------------------------------
// "float32", ... or a numpy dtype / scalar type (np.float32, np.dtype("int8")).
DataType ToDataType(py::handle h, std::string_view what);
// The numpy dtype holding one element of t; int4/uint4 are held unpacked in int8/uint8.
py::dtype NumpyDtype(DataType t);
// Shapes: a sequence of non-negative integers below 2^32.
std::vector<uint32_t> ToShape(py::handle h, std::string_view what);
py::list ShapeToList(const std::vector<uint32_t>& shape);
// MLOperandDescriptor or a dict {"dataType"|"data_type": ..., "shape": [...]}.
OperandDescriptor ToOperandDescriptor(py::handle h, std::string_view what);
// MLTensorDescriptor or a dict with also "readable" and "writable".
MLTensorDescriptor ToTensorDescriptor(py::handle h, std::string_view what);
// The descriptor of a numpy array (its dtype must have a WebNN data type; float64 is float32).
OperandDescriptor DescriptorOfArray(const py::array& a, std::string_view what);
// A filesystem path (str or os.PathLike).
std::string ToPath(py::handle h, std::string_view what);
// Raises webnn.FileNotFoundError / IsADirectoryError / PermissionError (each also the builtin
// OSError subclass of that name) when `path` cannot be opened for reading.
void CheckReadablePath(const std::string& path, std::string_view what);

// The bytes of `value` for a tensor of `desc`, kept alive by `keep`. A C-contiguous numpy array
// of the right dtype and shape is used in place; other arrays, lists and scalars are converted
// (same-kind casts only: a float array does not silently become an int tensor); bytes-like
// objects of unsigned-byte format are taken as the raw bytes. int4/uint4 values (int8/uint8
// arrays) are packed two per byte.
struct HostBytes {
  py::object keep;                          // the array (or packed bytes) that owns the memory
  std::unique_ptr<py::buffer_info> buffer;  // the exported buffer of a bytes-like object
  const std::byte* data = nullptr;
  size_t size = 0;
  std::span<const std::byte> span() const { return {data, size}; }
};
HostBytes ToHostBytes(py::handle value, const OperandDescriptor& desc, std::string_view what);

// A new C-contiguous numpy array for a tensor of `desc`, for a read to fill in place; for
// int4/uint4 it holds the unpacked elements, filled from the packed bytes by UnpackInto.
py::array NewArrayFor(const OperandDescriptor& desc);
bool IsPacked(DataType t);  // int4, uint4
void UnpackInto(py::array& array, DataType t, const std::vector<std::byte>& packed);

// "keepDimensions" -> "keep_dimensions", "gatherND" -> "gather_nd", "l2Pool2d" -> "l2_pool2d".
std::string SnakeCase(std::string_view camel);

// The one-line summary of an MLGraphBuilder operator by its spec name (op_summaries.cc); empty
// for an unknown name.
std::string_view OpSummary(std::string_view spec_name);

// ---- Module parts -------------------------------------------------------------------------------
void RegisterBuilder(py::module_& m);  // after RegisterContext
void RegisterModule(py::module_& m);

}  // namespace webnn::python
