// Errors and the conversions between Python values and the C++ API's types.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "common.h"

namespace webnn::python {

// ---- Errors -----------------------------------------------------------------------------------

namespace {

// The exception classes, created once when the module is imported and kept for its lifetime.
struct ErrorClasses {
  PyObject* error = nullptr;
  PyObject* data_error = nullptr;
  PyObject* not_supported = nullptr;
  PyObject* invalid_state = nullptr;
  PyObject* context_lost = nullptr;
  PyObject* operation = nullptr;
  PyObject* unknown = nullptr;
  PyObject* file_not_found = nullptr;
  PyObject* is_a_directory = nullptr;
  PyObject* permission = nullptr;
};
ErrorClasses errors;

PyObject* NewErrorClass(py::module_& m, const char* name, const char* doc, py::tuple bases) {
  const std::string qualified = std::string("webnn.") + name;
  PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
  if (!cls) throw py::error_already_set();
  m.add_object(name, py::handle(cls));  // the module holds a reference; so do we (never freed)
  return cls;
}

PyObject* ClassFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kTypeError:
      return PyExc_TypeError;
    case ErrorCode::kDataError:
      return errors.data_error;
    case ErrorCode::kNotSupportedError:
      return errors.not_supported;
    case ErrorCode::kInvalidStateError:
      return errors.invalid_state;
    case ErrorCode::kOperationError:
      return errors.operation;
    case ErrorCode::kUnknownError:
      return errors.unknown;
  }
  return errors.error;
}

}  // namespace

void RegisterErrors(py::module_& m) {
  auto one = [](PyObject* base) { return py::make_tuple(py::handle(base)); };
  errors.error = NewErrorClass(m, "Error", "Base of the errors webnn raises (besides TypeError).",
                               one(PyExc_Exception));
  errors.data_error = NewErrorClass(
      m, "DataError", "Malformed data: a graph file, a buffer of the wrong size (a ValueError).",
      py::make_tuple(py::handle(errors.error), py::handle(PyExc_ValueError)));
  errors.not_supported =
      NewErrorClass(m, "NotSupportedError", "Valid per the spec but not supported by this context.",
                    one(errors.error));
  errors.invalid_state = NewErrorClass(
      m, "InvalidStateError", "A destroyed, built or lost object was used.", one(errors.error));
  errors.context_lost = NewErrorClass(m, "ContextLostError",
                                      "The context is lost (destroyed, or its executor failed).",
                                      one(errors.invalid_state));
  errors.operation =
      NewErrorClass(m, "OperationError", "A failure while computing a graph.", one(errors.error));
  errors.unknown = NewErrorClass(m, "UnknownError", "I/O and other failures.", one(errors.error));
  // A file that cannot be opened raises one of these: a webnn.UnknownError that `except
  // FileNotFoundError` (or IsADirectoryError, PermissionError, OSError) catches too, with errno,
  // strerror and filename set as OSError has them.
  errors.file_not_found = NewErrorClass(
      m, "FileNotFoundError", "A path that does not exist (also a builtin FileNotFoundError).",
      py::make_tuple(py::handle(errors.unknown), py::handle(PyExc_FileNotFoundError)));
  errors.is_a_directory = NewErrorClass(
      m, "IsADirectoryError", "A directory given for a file (also a builtin IsADirectoryError).",
      py::make_tuple(py::handle(errors.unknown), py::handle(PyExc_IsADirectoryError)));
  errors.permission = NewErrorClass(
      m, "PermissionError", "A file this process may not read (also a builtin PermissionError).",
      py::make_tuple(py::handle(errors.unknown), py::handle(PyExc_PermissionError)));

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ContextLost& e) {
      PyErr_SetString(errors.context_lost, e.message.c_str());
    } catch (const Exception& e) {
      PyErr_SetString(ClassFor(e.error().code()), e.error().message().c_str());
    }
  });
}

void ThrowTypeError(const std::string& message) { throw py::type_error(message); }

// ---- Data types, shapes, descriptors ----------------------------------------------------------

namespace {

std::string AllDataTypeNames() {
  std::string s;
#define WEBNN_DATA_TYPE(e, name, bits, ctype, shortname) s += s.empty() ? name : ", " name;
#include "webnn/data_types.inc"
#undef WEBNN_DATA_TYPE
  return s;
}

std::string TypeNameOf(py::handle h) { return py::str(py::type::handle_of(h).attr("__name__")); }

// operator.index(h) as a 64-bit value, or nullopt when h is not an integer (floats, bools
// and strings are not: True is not a dimension, 2.0 is not an axis).
std::optional<long long> ToIndex(py::handle h, bool* overflow) {
  *overflow = false;
  if (PyBool_Check(h.ptr()) || !PyIndex_Check(h.ptr())) return std::nullopt;
  py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(h.ptr()));
  if (!index) throw py::error_already_set();
  int of = 0;
  const long long v = PyLong_AsLongLongAndOverflow(index.ptr(), &of);
  if (of != 0) *overflow = true;
  return v;
}

}  // namespace

DataType ToDataType(py::handle h, std::string_view what) {
  if (py::isinstance<py::str>(h)) {
    const std::string name = py::str(h);
    if (auto t = DataTypeFromName(name)) return *t;
    ThrowTypeError(std::string(what) + ": '" + name + "' is not a data type (" +
                   AllDataTypeNames() + ")");
  }
  py::dtype dt;
  try {
    dt = py::dtype::from_args(py::reinterpret_borrow<py::object>(h));
  } catch (py::error_already_set&) {
    ThrowTypeError(std::string(what) + ": expected a data type name or a numpy dtype, got " +
                   TypeNameOf(h));
  }
  const char kind = dt.kind();
  const ssize_t size = dt.itemsize();
  if (kind == 'f' && size == 4) return DataType::kFloat32;
  if (kind == 'f' && size == 2) return DataType::kFloat16;
  if (kind == 'i' && size == 4) return DataType::kInt32;
  if (kind == 'u' && size == 4) return DataType::kUint32;
  if (kind == 'i' && size == 8) return DataType::kInt64;
  if (kind == 'u' && size == 8) return DataType::kUint64;
  if (kind == 'i' && size == 1) return DataType::kInt8;
  if (kind == 'u' && size == 1) return DataType::kUint8;
  ThrowTypeError(std::string(what) + ": numpy dtype " + std::string(py::str(dt)) +
                 " has no WebNN data type (" + AllDataTypeNames() + ")");
}

py::dtype NumpyDtype(DataType t) {
  switch (t) {
    case DataType::kFloat32:
      return py::dtype::of<float>();
    case DataType::kFloat16:
      return py::dtype("float16");
    case DataType::kInt32:
      return py::dtype::of<int32_t>();
    case DataType::kUint32:
      return py::dtype::of<uint32_t>();
    case DataType::kInt64:
      return py::dtype::of<int64_t>();
    case DataType::kUint64:
      return py::dtype::of<uint64_t>();
    case DataType::kInt8:
    case DataType::kInt4:
      return py::dtype::of<int8_t>();
    case DataType::kUint8:
    case DataType::kUint4:
      return py::dtype::of<uint8_t>();
  }
  return py::dtype::of<uint8_t>();
}

bool IsPacked(DataType t) { return t == DataType::kInt4 || t == DataType::kUint4; }

std::vector<uint32_t> ToShape(py::handle h, std::string_view what) {
  if (py::isinstance<py::str>(h) || py::isinstance<py::bytes>(h) ||
      !py::isinstance<py::iterable>(h)) {
    ThrowTypeError(std::string(what) + ": expected a sequence of dimensions, got " + TypeNameOf(h));
  }
  std::vector<uint32_t> shape;
  for (py::handle item : py::reinterpret_borrow<py::iterable>(h)) {
    bool overflow = false;
    std::optional<long long> v = ToIndex(item, &overflow);
    if (!v) {
      ThrowTypeError(std::string(what) + ": a dimension must be an integer, got " +
                     TypeNameOf(item));
    }
    if (overflow || *v < 0 || *v > 0xFFFFFFFFll) {
      ThrowTypeError(std::string(what) + ": dimension " + std::string(py::repr(item)) +
                     " is not in [0, 4294967295]");
    }
    shape.push_back(static_cast<uint32_t>(*v));
  }
  return shape;
}

py::list ShapeToList(const std::vector<uint32_t>& shape) {
  py::list l;
  for (uint32_t d : shape) l.append(d);
  return l;
}

namespace {

// d["dataType"] or d["data_type"]; nullptr when neither is there.
py::object DictMember(const py::dict& d, const char* spec_name, const char* py_name) {
  if (d.contains(spec_name)) return d[spec_name];
  if (py_name && d.contains(py_name)) return d[py_name];
  return py::object();
}

void CheckDictKeys(const py::dict& d, std::initializer_list<const char*> known,
                   std::string_view what) {
  for (auto [key, value] : d) {
    const std::string k = py::str(key);
    bool ok = false;
    for (const char* name : known) ok = ok || k == name;
    if (!ok) {
      std::string list;
      for (const char* name : known) list += list.empty() ? name : std::string(", ") + name;
      ThrowTypeError(std::string(what) + ": unknown descriptor member '" + k + "' (known: " + list +
                     ")");
    }
  }
}

}  // namespace

OperandDescriptor ToOperandDescriptor(py::handle h, std::string_view what) {
  if (py::isinstance<OperandDescriptor>(h)) return h.cast<OperandDescriptor>();
  if (py::isinstance<MLTensorDescriptor>(h)) {
    const auto& t = h.cast<const MLTensorDescriptor&>();
    return {t.dataType, t.shape};
  }
  if (!py::isinstance<py::dict>(h)) {
    ThrowTypeError(std::string(what) +
                   ": expected an MLOperandDescriptor or a dict {'dataType': ..., 'shape': "
                   "[...]}, got " +
                   TypeNameOf(h));
  }
  auto d = py::reinterpret_borrow<py::dict>(h);
  CheckDictKeys(d, {"dataType", "data_type", "shape"}, what);
  py::object type = DictMember(d, "dataType", "data_type");
  py::object shape = DictMember(d, "shape", nullptr);
  if (!type || !shape)
    ThrowTypeError(std::string(what) + ": the descriptor needs dataType and shape");
  return {ToDataType(type, std::string(what) + ": dataType"),
          ToShape(shape, std::string(what) + ": shape")};
}

MLTensorDescriptor ToTensorDescriptor(py::handle h, std::string_view what) {
  if (py::isinstance<MLTensorDescriptor>(h)) return h.cast<MLTensorDescriptor>();
  if (py::isinstance<py::dict>(h)) {
    auto d = py::reinterpret_borrow<py::dict>(h);
    CheckDictKeys(d, {"dataType", "data_type", "shape", "readable", "writable"}, what);
    py::object type = DictMember(d, "dataType", "data_type");
    py::object shape = DictMember(d, "shape", nullptr);
    if (!type || !shape)
      ThrowTypeError(std::string(what) + ": the descriptor needs dataType and shape");
    MLTensorDescriptor desc;
    desc.dataType = ToDataType(type, std::string(what) + ": dataType");
    desc.shape = ToShape(shape, std::string(what) + ": shape");
    for (auto [name, field] :
         {std::pair{"readable", &desc.readable}, {"writable", &desc.writable}}) {
      if (!d.contains(name)) continue;
      py::object v = d[name];
      if (!PyBool_Check(v.ptr()))
        ThrowTypeError(std::string(what) + ": " + name + " must be a bool");
      *field = v.cast<bool>();
    }
    return desc;
  }
  ThrowTypeError(std::string(what) +
                 ": expected an MLTensorDescriptor or a dict {'dataType': ..., 'shape': [...], "
                 "'readable': bool, 'writable': bool}, got " +
                 TypeNameOf(h));
}

OperandDescriptor DescriptorOfArray(const py::array& a, std::string_view what) {
  // float64 data is float32 data, as for an input (WebNN has no float64): ToHostBytes converts
  // it when every value fits.
  const bool float64 = a.dtype().kind() == 'f' && a.dtype().itemsize() == 8;
  OperandDescriptor desc{float64 ? DataType::kFloat32 : ToDataType(a.dtype(), what), {}};
  for (ssize_t i = 0; i < a.ndim(); ++i) {
    if (a.shape(i) > 0xFFFFFFFFll) ThrowTypeError(std::string(what) + ": the array is too large");
    desc.shape.push_back(static_cast<uint32_t>(a.shape(i)));
  }
  return desc;
}

void CheckReadablePath(const std::string& path, std::string_view what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  int err = fd < 0 ? errno : 0;
  if (fd >= 0) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) err = EISDIR;
    ::close(fd);
  }
  if (err == 0) return;
  PyObject* cls = err == ENOENT || err == ENOTDIR ? errors.file_not_found
                  : err == EISDIR                 ? errors.is_a_directory
                  : err == EACCES || err == EPERM ? errors.permission
                                                  : errors.unknown;
  const std::string message = std::string(what) + ": cannot open: " + std::strerror(err);
  py::object args = py::make_tuple(err, message, path);
  PyErr_SetObject(cls, args.ptr());
  throw py::error_already_set();
}

std::string ToPath(py::handle h, std::string_view what) {
  py::object path = py::module_::import("os").attr("fspath");
  try {
    py::object s = path(h);
    if (!py::isinstance<py::str>(s)) ThrowTypeError(std::string(what) + ": expected a str path");
    return s.cast<std::string>();
  } catch (py::error_already_set&) {
    ThrowTypeError(std::string(what) + ": expected a path (str or os.PathLike), got " +
                   TypeNameOf(h));
  }
}

// ---- Host bytes and arrays --------------------------------------------------------------------

namespace {

std::string ShapeOfArray(const py::array& a) {
  std::string s = "(";
  for (ssize_t i = 0; i < a.ndim(); ++i) {
    s += std::to_string(a.shape(i));
    if (a.ndim() == 1 || i + 1 < a.ndim()) s += i + 1 < a.ndim() ? ", " : ",";
  }
  return s + ")";
}

bool SameShape(const py::array& a, const std::vector<uint32_t>& shape) {
  if (static_cast<size_t>(a.ndim()) != shape.size()) return false;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (a.shape(static_cast<ssize_t>(i)) != static_cast<ssize_t>(shape[i])) return false;
  }
  return true;
}

// Packs int4/uint4 elements (one per int8/uint8) two per byte, low nibble first.
py::bytes Pack4(const py::array& a, DataType t, std::string_view what) {
  const auto count = static_cast<size_t>(a.size());
  std::string packed((count + 1) / 2, '\0');
  const bool is_signed = t == DataType::kInt4;
  const auto* u = static_cast<const uint8_t*>(a.data());
  for (size_t i = 0; i < count; ++i) {
    const int v = is_signed ? static_cast<int>(static_cast<int8_t>(u[i])) : static_cast<int>(u[i]);
    if (is_signed ? (v < -8 || v > 7) : (v > 15)) {
      ThrowTypeError(std::string(what) + ": value " + std::to_string(v) + " at index " +
                     std::to_string(i) + " does not fit " + std::string(DataTypeName(t)));
    }
    packed[i / 2] = static_cast<char>(static_cast<uint8_t>(packed[i / 2]) |
                                      ((static_cast<unsigned>(v) & 0xFu) << (4 * (i % 2))));
  }
  return py::bytes(packed);
}

}  // namespace

// The one conversion rule for data given for an operand of another dtype (inputs, constants,
// tensor writes alike): a same-kind cast is made only when every value fits the target type;
// otherwise OverflowError naming the first value that does not (numpy's astype would wrap
// 2**40 to 0 in int32, or turn 1e300 into inf in float32).
void CheckValuesFit(const py::array& a, const py::dtype& target, DataType type,
                    std::string_view what) {
  if (a.size() == 0) return;
  py::module_ np = py::module_::import("numpy");
  const char src = a.dtype().kind(), dst = target.kind();
  py::object bad;
  std::string range;
  if ((dst == 'i' || dst == 'u') && (src == 'i' || src == 'u' || src == 'b')) {
    py::object info = np.attr("iinfo")(target);
    bad = np.attr("logical_or")(np.attr("less")(a, info.attr("min")),
                                np.attr("greater")(a, info.attr("max")));
    range = " [" + std::string(py::str(info.attr("min"))) + ", " +
            std::string(py::str(info.attr("max"))) + "]";
  } else if (dst == 'f' && src == 'f' && a.dtype().itemsize() > target.itemsize()) {
    py::object info = np.attr("finfo")(target);
    bad = np.attr("logical_and")(np.attr("greater")(np.attr("abs")(a), info.attr("max")),
                                 np.attr("isfinite")(a));
    range = " (largest " + std::string(py::str(info.attr("max"))) + ")";
  } else {
    return;
  }
  py::array where = np.attr("flatnonzero")(bad);
  if (where.size() == 0) return;
  py::object index = where.attr("__getitem__")(0);
  py::object v = a.attr("reshape")(-1).attr("__getitem__")(index).attr("item")();
  const std::string message = std::string(what) + ": " + std::string(py::str(v)) + " (element " +
                              std::string(py::str(index)) + ") does not fit in " +
                              std::string(DataTypeName(type)) + range;
  PyErr_SetString(PyExc_OverflowError, message.c_str());
  throw py::error_already_set();
}

HostBytes ToHostBytes(py::handle value, const OperandDescriptor& desc, std::string_view what) {
  HostBytes out;
  const size_t byte_length = desc.ByteLength();
  const bool is_array = py::isinstance<py::array>(value);
  // A bytes-like object of bytes (bytes, bytearray, memoryview of "B"): the raw bytes.
  if (!is_array && PyObject_CheckBuffer(value.ptr())) {
    auto info =
        std::make_unique<py::buffer_info>(py::reinterpret_borrow<py::buffer>(value).request());
    const std::string& f = info->format;
    if ((f == "B" || f == "b" || f == "c") && info->ndim <= 1 &&
        (info->ndim == 0 || info->strides[0] == 1)) {
      if (static_cast<size_t>(info->size) != byte_length) {
        ThrowTypeError(std::string(what) + ": " + std::to_string(info->size) + " bytes given, " +
                       DescriptorToString(desc) + " needs " + std::to_string(byte_length));
      }
      out.data = static_cast<const std::byte*>(info->ptr);
      out.size = byte_length;
      out.keep = py::reinterpret_borrow<py::object>(value);
      out.buffer = std::move(info);
      return out;
    }
  }
  if (value.is_none()) {
    ThrowTypeError(std::string(what) + ": None given; expected an array or list of " +
                   DescriptorToString(desc));
  }
  py::module_ np = py::module_::import("numpy");
  py::array a =
      is_array ? py::reinterpret_borrow<py::array>(value) : py::array(np.attr("asarray")(value));
  if (a.dtype().kind() == 'O') {
    ThrowTypeError(std::string(what) + ": expected numbers, got " + TypeNameOf(value) +
                   " holding Python objects (" + DescriptorToString(desc) + " is expected)");
  }
  const py::dtype target = NumpyDtype(desc.dataType);
  if (is_array) {
    if (!SameShape(a, desc.shape)) {
      ThrowTypeError(std::string(what) + ": the array has shape " + ShapeOfArray(a) + ", " +
                     DescriptorToString(desc) + " is expected");
    }
  } else if (static_cast<uint64_t>(a.size()) != desc.ElementCount()) {
    ThrowTypeError(std::string(what) + ": " + std::to_string(a.size()) + " values given, " +
                   DescriptorToString(desc) + " has " + std::to_string(desc.ElementCount()));
  }
  if (!a.dtype().equal(target)) {
    if (!np.attr("can_cast")(a.dtype(), target, "same_kind").cast<bool>()) {
      ThrowTypeError(std::string(what) + ": cannot convert " + std::string(py::str(a.dtype())) +
                     " values to " + std::string(DataTypeName(desc.dataType)) +
                     " (only same-kind casts are made; convert explicitly)");
    }
    CheckValuesFit(a, target, desc.dataType, what);
    a = py::array(a.attr("astype")(target));
  }
  if (!(a.flags() & py::array::c_style)) a = py::array(np.attr("ascontiguousarray")(a));
  if (IsPacked(desc.dataType)) {
    py::bytes packed = Pack4(a, desc.dataType, what);
    char* data = nullptr;
    ssize_t size = 0;
    PyBytes_AsStringAndSize(packed.ptr(), &data, &size);
    out.data = reinterpret_cast<const std::byte*>(data);
    out.size = static_cast<size_t>(size);
    out.keep = std::move(packed);
    return out;
  }
  out.data = static_cast<const std::byte*>(a.data());
  out.size = static_cast<size_t>(a.nbytes());
  out.keep = std::move(a);
  return out;
}

py::array NewArrayFor(const OperandDescriptor& desc) {
  std::vector<ssize_t> shape(desc.shape.begin(), desc.shape.end());
  return py::array(NumpyDtype(desc.dataType), shape);
}

void UnpackInto(py::array& array, DataType t, const std::vector<std::byte>& packed) {
  auto* out = static_cast<uint8_t*>(array.mutable_data());
  const auto count = static_cast<size_t>(array.size());
  for (size_t i = 0; i < count && i / 2 < packed.size(); ++i) {
    uint8_t nibble = (static_cast<uint8_t>(packed[i / 2]) >> (4 * (i % 2))) & 0xF;
    if (t == DataType::kInt4 && (nibble & 0x8)) nibble |= 0xF0;  // sign-extend
    out[i] = nibble;
  }
}

std::string SnakeCase(std::string_view camel) {
  std::string s(camel);
  // "NaN" is one word.
  if (size_t p = s.find("NaN"); p != std::string::npos) s.replace(p, 3, "Nan");
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (std::isupper(static_cast<unsigned char>(c))) {
      const bool after_word = i > 0 && (std::islower(static_cast<unsigned char>(s[i - 1])) ||
                                        std::isdigit(static_cast<unsigned char>(s[i - 1])));
      const bool acronym_end = i > 0 && std::isupper(static_cast<unsigned char>(s[i - 1])) &&
                               i + 1 < s.size() &&
                               std::islower(static_cast<unsigned char>(s[i + 1]));
      if (after_word || acronym_end) out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace webnn::python
