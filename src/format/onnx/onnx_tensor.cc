#include "format/onnx/onnx_tensor.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "format/onnx/onnx_model.h"

namespace webnn::format {

namespace {

template <typename T>
T LoadAs(const std::byte* base, size_t i) {
  T v;
  std::memcpy(&v, base + i * sizeof(T), sizeof(T));
  return v;
}
template <typename T>
void StoreAs(std::byte* base, size_t i, T v) {
  std::memcpy(base + i * sizeof(T), &v, sizeof(T));
}

int Nibble(const std::byte* base, size_t i) {
  const auto b = std::to_integer<uint8_t>(base[i / 2]);
  return i % 2 == 0 ? (b & 0x0F) : (b >> 4);
}

void StoreNibble(std::byte* base, size_t i, int v) {
  auto& b = base[i / 2];
  const auto n = static_cast<uint8_t>(v & 0x0F);
  b = i % 2 == 0 ? std::byte((std::to_integer<uint8_t>(b) & 0xF0) | n)
                 : std::byte((std::to_integer<uint8_t>(b) & 0x0F) | (n << 4));
}

}  // namespace

int64_t TruncateToInt64(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 9.2e18) return std::numeric_limits<int64_t>::max();
  if (v <= -9.2e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

size_t ElementCountOf(const std::vector<uint32_t>& shape) {
  size_t n = 1;
  for (uint32_t d : shape) n *= d;
  return n;
}

std::vector<size_t> RowMajorStrides(const std::vector<uint32_t>& shape) {
  std::vector<size_t> s(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) s[i - 1] = s[i] * shape[i];
  return s;
}

double LoadDouble(DataType t, const std::byte* base, size_t i) {
  switch (t) {
    case DataType::kFloat32:
      return LoadAs<float>(base, i);
    case DataType::kFloat16:
      return HalfToFloat(LoadAs<uint16_t>(base, i));
    case DataType::kInt32:
      return LoadAs<int32_t>(base, i);
    case DataType::kUint32:
      return LoadAs<uint32_t>(base, i);
    case DataType::kInt64:
      return static_cast<double>(LoadAs<int64_t>(base, i));
    case DataType::kUint64:
      return static_cast<double>(LoadAs<uint64_t>(base, i));
    case DataType::kInt8:
      return LoadAs<int8_t>(base, i);
    case DataType::kUint8:
      return LoadAs<uint8_t>(base, i);
    case DataType::kInt4: {
      const int n = Nibble(base, i);
      return n >= 8 ? n - 16 : n;
    }
    case DataType::kUint4:
      return Nibble(base, i);
  }
  return 0;
}

int64_t LoadInt(DataType t, const std::byte* base, size_t i) {
  switch (t) {
    case DataType::kFloat32:
    case DataType::kFloat16:
      return TruncateToInt64(LoadDouble(t, base, i));
    case DataType::kInt32:
      return LoadAs<int32_t>(base, i);
    case DataType::kUint32:
      return LoadAs<uint32_t>(base, i);
    case DataType::kInt64:
      return LoadAs<int64_t>(base, i);
    case DataType::kUint64:
      return static_cast<int64_t>(LoadAs<uint64_t>(base, i));
    case DataType::kInt8:
      return LoadAs<int8_t>(base, i);
    case DataType::kUint8:
      return LoadAs<uint8_t>(base, i);
    case DataType::kInt4:
    case DataType::kUint4:
      return static_cast<int64_t>(LoadDouble(t, base, i));
  }
  return 0;
}

void StoreInt(DataType t, std::byte* base, size_t i, int64_t v) {
  switch (t) {
    case DataType::kFloat32:
      return StoreAs<float>(base, i, static_cast<float>(v));
    case DataType::kFloat16:
      return StoreAs<uint16_t>(base, i, FloatToHalf(static_cast<float>(v)));
    case DataType::kInt32:
      return StoreAs<int32_t>(base, i, static_cast<int32_t>(v));
    case DataType::kUint32:
      return StoreAs<uint32_t>(base, i, static_cast<uint32_t>(v));
    case DataType::kInt64:
      return StoreAs<int64_t>(base, i, v);
    case DataType::kUint64:
      return StoreAs<uint64_t>(base, i, static_cast<uint64_t>(v));
    case DataType::kInt8:
      return StoreAs<int8_t>(base, i, static_cast<int8_t>(v));
    case DataType::kUint8:
      return StoreAs<uint8_t>(base, i, static_cast<uint8_t>(v));
    case DataType::kInt4:
    case DataType::kUint4:
      return StoreNibble(base, i, static_cast<int>(v));
  }
}

void StoreDouble(DataType t, std::byte* base, size_t i, double v) {
  switch (t) {
    case DataType::kFloat32:
      return StoreAs<float>(base, i, static_cast<float>(v));
    case DataType::kFloat16:
      return StoreAs<uint16_t>(base, i, FloatToHalf(static_cast<float>(v)));
    default:
      return StoreInt(t, base, i, TruncateToInt64(v));
  }
}

size_t Tensor::count() const { return ElementCountOf(desc.shape); }
double Tensor::GetDouble(size_t i) const { return LoadDouble(desc.dataType, bytes.data(), i); }
int64_t Tensor::GetInt(size_t i) const { return LoadInt(desc.dataType, bytes.data(), i); }

std::vector<int64_t> Tensor::Ints() const {
  std::vector<int64_t> v(count());
  for (size_t i = 0; i < v.size(); ++i) v[i] = GetInt(i);
  return v;
}

std::vector<double> Tensor::Doubles() const {
  std::vector<double> v(count());
  for (size_t i = 0; i < v.size(); ++i) v[i] = GetDouble(i);
  return v;
}

Tensor Tensor::FromInts(DataType type, std::vector<uint32_t> shape,
                        std::span<const int64_t> values) {
  OperandDescriptor desc{type, std::move(shape)};
  std::vector<std::byte> bytes(ByteLengthFor(type, ElementCountOf(desc.shape)));
  for (size_t i = 0; i < values.size(); ++i) StoreInt(type, bytes.data(), i, values[i]);
  return {std::move(desc), ByteBuffer::FromVector(std::move(bytes))};
}

Tensor Tensor::FromDoubles(DataType type, std::vector<uint32_t> shape,
                           std::span<const double> values) {
  OperandDescriptor desc{type, std::move(shape)};
  std::vector<std::byte> bytes(ByteLengthFor(type, ElementCountOf(desc.shape)));
  for (size_t i = 0; i < values.size(); ++i) StoreDouble(type, bytes.data(), i, values[i]);
  return {std::move(desc), ByteBuffer::FromVector(std::move(bytes))};
}

// ---- TensorProto ------------------------------------------------------------------------------

std::string OnnxTypeName(int onnx_type) {
  if (onnx::TensorProto_DataType_IsValid(onnx_type)) {
    return onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(onnx_type));
  }
  return "type " + std::to_string(onnx_type);
}

Result<DataType> FromOnnxType(int onnx_type) {
  switch (onnx_type) {
    case onnx::TensorProto_DataType_FLOAT:
      return DataType::kFloat32;
    case onnx::TensorProto_DataType_FLOAT16:
      return DataType::kFloat16;
    case onnx::TensorProto_DataType_INT32:
      return DataType::kInt32;
    case onnx::TensorProto_DataType_UINT32:
      return DataType::kUint32;
    case onnx::TensorProto_DataType_INT64:
      return DataType::kInt64;
    case onnx::TensorProto_DataType_UINT64:
      return DataType::kUint64;
    case onnx::TensorProto_DataType_INT8:
      return DataType::kInt8;
    case onnx::TensorProto_DataType_UINT8:
      return DataType::kUint8;
    case onnx::TensorProto_DataType_BOOL:
      return DataType::kUint8;
    default:
      break;
  }
  return MakeError(ErrorCode::kNotSupportedError, "data type ", OnnxTypeName(onnx_type),
                   " has no WebNN equivalent");
}

namespace {

// A read-only mapping of a whole file; the owner of the external-data bytes that point into it.
struct MappedFile {
  void* addr = MAP_FAILED;
  size_t size = 0;
  ~MappedFile() {
    if (addr != MAP_FAILED && size > 0) munmap(addr, size);
  }
};

// Resolves an external-data location under `base_dir`: relative, no "..", and (after
// following symlinks) still inside the folder.
Result<std::filesystem::path> ConfinedPath(const std::filesystem::path& base_dir,
                                           const std::string& location) {
  namespace fs = std::filesystem;
  if (base_dir.empty()) {
    return MakeError(ErrorCode::kNotSupportedError, "external data '", location,
                     "' needs the model's folder (the model was not read from a file)");
  }
  const fs::path rel(location);
  if (location.empty() || rel.is_absolute() || rel.has_root_name() || rel.has_root_directory()) {
    return MakeError(ErrorCode::kDataError, "external data location '", location,
                     "' must be a path relative to the model's folder");
  }
  for (const auto& part : rel) {
    if (part == "..") {
      return MakeError(ErrorCode::kDataError, "external data location '", location,
                       "' leaves the model's folder ('..')");
    }
  }
  std::error_code ec;
  const fs::path base = fs::canonical(base_dir, ec);
  if (ec) return MakeError(ErrorCode::kUnknownError, base_dir.string(), ": ", ec.message());
  const fs::path full = fs::canonical(base / rel, ec);
  if (ec) {
    return MakeError(ErrorCode::kDataError, "external data '", location, "': ", ec.message());
  }
  // Symlinks are followed by canonical(): the target must still be inside the folder.
  auto b = base.begin();
  auto f = full.begin();
  for (; b != base.end(); ++b, ++f) {
    if (f == full.end() || *b != *f) {
      return MakeError(ErrorCode::kDataError, "external data '", location, "' resolves to ",
                       full.string(), ", outside the model's folder");
    }
  }
  return full;
}

Result<ByteBuffer> ReadExternal(const onnx::TensorProto& proto, const std::filesystem::path& base,
                                uint64_t expected) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const auto& kv : proto.external_data()) {
    auto number = [&](uint64_t& out) -> Status {
      try {
        size_t used = 0;
        out = std::stoull(kv.value(), &used);
        if (used != kv.value().size()) throw std::invalid_argument("");
      } catch (const std::exception&) {
        return MakeError(ErrorCode::kDataError, "external data ", kv.key(), " '", kv.value(),
                         "' is not a number");
      }
      return {};
    };
    if (kv.key() == "location") {
      location = kv.value();
    } else if (kv.key() == "offset") {
      WEBNN_RETURN_IF_ERROR(number(offset));
    } else if (kv.key() == "length") {
      uint64_t l = 0;
      WEBNN_RETURN_IF_ERROR(number(l));
      length = l;
    }
  }
  if (location.empty()) return MakeError(ErrorCode::kDataError, "external data without location");
  WEBNN_ASSIGN_OR_RETURN(std::filesystem::path path, ConfinedPath(base, location));
  if (length && *length != expected) {
    return MakeError(ErrorCode::kDataError, "external data '", location, "' length ", *length,
                     ", the tensor needs ", expected, " bytes");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorCode::kUnknownError, path.string(), ": ", std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return MakeError(ErrorCode::kDataError, path.string(), ": not a regular file");
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  if (offset > size || expected > size - offset) {
    ::close(fd);
    return MakeError(ErrorCode::kDataError, "external data '", location, "': bytes [", offset, ", ",
                     offset + expected, ") are past the end of the file (", size, " bytes)");
  }
  if (expected == 0) {
    ::close(fd);
    return ByteBuffer();
  }
  auto mapping = std::make_shared<MappedFile>();
  mapping->size = static_cast<size_t>(size);
  mapping->addr = ::mmap(nullptr, mapping->size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapping->addr == MAP_FAILED) {
    return MakeError(ErrorCode::kUnknownError, path.string(), ": mmap: ", std::strerror(errno));
  }
  const auto* data = static_cast<const std::byte*>(mapping->addr) + offset;
  // Kernels may read elements in place: an offset that misaligns them is copied.
  if (offset % 8 != 0) return ByteBuffer::Copy({data, static_cast<size_t>(expected)});
  return ByteBuffer(std::move(mapping), data, static_cast<size_t>(expected));
}

}  // namespace

Result<Tensor> ReadTensorProto(const onnx::TensorProto& proto, std::shared_ptr<const void> owner,
                               const std::filesystem::path& base_dir) {
  const std::string what = proto.name().empty() ? "tensor" : "tensor '" + proto.name() + "'";
  auto type = FromOnnxType(proto.data_type());
  if (!type.ok()) return std::move(type.error().Prefix(what));
  Tensor t;
  t.desc.dataType = *type;
  for (int64_t d : proto.dims()) {
    if (d < 0 || d > std::numeric_limits<int32_t>::max()) {
      return MakeError(ErrorCode::kDataError, what, ": bad dimension ", d);
    }
    t.desc.shape.push_back(static_cast<uint32_t>(d));
  }
  const size_t n = t.count();
  const uint64_t bytes = ByteLengthFor(t.desc.dataType, n);
  auto size_error = [&](size_t got) {
    return MakeError(ErrorCode::kDataError, what, ": ", got, " values/bytes given, ",
                     OnnxTypeName(proto.data_type()), " ", ShapeToString(t.desc.shape), " needs ",
                     n, " values (", bytes, " bytes)");
  };
  if (proto.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
    auto b = ReadExternal(proto, base_dir, bytes);
    if (!b.ok()) return std::move(b.error().Prefix(what));
    t.bytes = std::move(*b);
    return t;
  }
  if (proto.has_raw_data()) {
    const std::string& raw = proto.raw_data();
    if (raw.size() != bytes) return size_error(raw.size());
    // Shares the proto's string: the weights are not copied again.
    t.bytes =
        ByteBuffer(std::move(owner), reinterpret_cast<const std::byte*>(raw.data()), raw.size());
    return t;
  }
  // A typed field whose elements are the operand's (float_data for FLOAT, int64_data for
  // INT64, int32_data for INT32, uint64_data for UINT64) is shared like raw_data, not copied.
  auto share = [&](size_t given, const void* data) -> Result<Tensor> {
    if (given != n) return size_error(given);
    t.bytes =
        n ? ByteBuffer(std::move(owner), static_cast<const std::byte*>(data), bytes) : ByteBuffer();
    return t;
  };
  switch (proto.data_type()) {
    case onnx::TensorProto_DataType_FLOAT:
      return share(proto.float_data_size(), proto.float_data().data());
    case onnx::TensorProto_DataType_INT64:
      return share(proto.int64_data_size(), proto.int64_data().data());
    case onnx::TensorProto_DataType_INT32:
      return share(proto.int32_data_size(), proto.int32_data().data());
    case onnx::TensorProto_DataType_UINT64:
      return share(proto.uint64_data_size(), proto.uint64_data().data());
    default:
      break;
  }
  std::vector<std::byte> out(bytes);
  switch (proto.data_type()) {
    case onnx::TensorProto_DataType_UINT32:
      if (static_cast<size_t>(proto.uint64_data_size()) != n)
        return size_error(proto.uint64_data_size());
      for (size_t i = 0; i < n; ++i) {
        StoreInt(t.desc.dataType, out.data(), i,
                 static_cast<int64_t>(proto.uint64_data(static_cast<int>(i))));
      }
      break;
    case onnx::TensorProto_DataType_FLOAT16:
      // int32_data holds the bit patterns.
      if (static_cast<size_t>(proto.int32_data_size()) != n)
        return size_error(proto.int32_data_size());
      for (size_t i = 0; i < n; ++i) {
        StoreAs<uint16_t>(out.data(), i,
                          static_cast<uint16_t>(proto.int32_data(static_cast<int>(i))));
      }
      break;
    default:
      // INT8, UINT8, BOOL: int32_data.
      if (static_cast<size_t>(proto.int32_data_size()) != n)
        return size_error(proto.int32_data_size());
      for (size_t i = 0; i < n; ++i)
        StoreInt(t.desc.dataType, out.data(), i, proto.int32_data(static_cast<int>(i)));
      break;
  }
  t.bytes = ByteBuffer::FromVector(std::move(out));
  return t;
}

}  // namespace webnn::format
