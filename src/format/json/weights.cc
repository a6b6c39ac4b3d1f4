#include "format/json/weights.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "format/json/json_util.h"

namespace webnn {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the weights formats are little-endian; a big-endian host needs byte swapping");

using json_util::Describe;
using json_util::Json;
using json_util::Member;
using json_util::PathError;
using json_util::Quote;

constexpr char kWgwtMagic[4] = {'W', 'G', 'W', 'T'};
constexpr uint32_t kWgwtVersion = 1;
constexpr uint64_t kWgwtHeaderSize = 8;
constexpr uint64_t kWgwtAlignment = 64;
// The safetensors format caps its JSON header at 100 MB.
constexpr uint64_t kMaxSafetensorsHeader = 100u << 20;

std::string SanitizeKey(std::string_view key) {
  // rustnn's webnn-graph sanitizes weight refs: "::" -> "__", "." -> "_".
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    if (key[i] == ':' && i + 1 < key.size() && key[i + 1] == ':') {
      out += "__";
      ++i;
    } else if (key[i] == '.') {
      out += '_';
    } else {
      out += key[i];
    }
  }
  return out;
}

// Looks `key` up exactly, then by sanitized name. Returns the stored key or an error message.
template <typename Map>
Result<std::string> FindKey(
    const Map& entries,
    const std::unordered_map<std::string, std::vector<std::string>>& by_sanitized,
    std::string_view key, const std::string& source) {
  if (entries.count(std::string(key))) return std::string(key);
  auto it = by_sanitized.find(std::string(key));
  if (it != by_sanitized.end()) {
    if (it->second.size() == 1) return it->second[0];
    return MakeError(ErrorCode::kDataError, "weights ", Quote(key), " in ", source,
                     " is ambiguous: ", Quote(it->second[0]), " and ", Quote(it->second[1]),
                     " both match it");
  }
  return MakeError(ErrorCode::kDataError, "no tensor ", Quote(key), " in ", source);
}

uint32_t ElementAlignment(DataType t) { return std::max<uint32_t>(1, DataTypeBits(t) / 8); }

// A sub-range of a shared file buffer, shared when aligned for its element type, else copied.
ByteBuffer Slice(const std::shared_ptr<const ByteBuffer>& file, uint64_t offset, uint64_t length,
                 uint32_t alignment) {
  const std::byte* p = file->data() + offset;
  const size_t n = static_cast<size_t>(length);
  if (reinterpret_cast<uintptr_t>(p) % alignment != 0) return ByteBuffer::Copy({p, n});
  return ByteBuffer(std::shared_ptr<const void>(file), p, n);
}

Status ParseU64(const Json& v, std::string_view path, uint64_t& out) {
  return json_util::ParseUnsigned(v, path, std::numeric_limits<uint64_t>::max(), out);
}

Status ParseShape64(const Json& v, std::string_view path, std::vector<uint64_t>& out) {
  if (!v.is_array()) {
    return PathError(path, "expected an array of unsigned integers, got ", Describe(v));
  }
  out.clear();
  for (size_t i = 0; i < v.size(); ++i) {
    uint64_t d = 0;
    WEBNN_RETURN_IF_ERROR(ParseU64(v[i], json_util::Index(path, i), d));
    out.push_back(d);
  }
  return {};
}

// Element count of `shape`, or nullopt on overflow.
std::optional<uint64_t> CheckedElements(const std::vector<uint64_t>& shape) {
  uint64_t n = 1;
  for (uint64_t d : shape) {
    if (__builtin_mul_overflow(n, d, &n)) return std::nullopt;
  }
  return n;
}

std::string ShapeString64(const std::vector<uint64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

bool SameShape(const std::vector<uint64_t>& a, const std::vector<uint32_t>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Checks that [offset, offset + length) lies within `size` bytes, without overflow.
bool InRange(uint64_t offset, uint64_t length, uint64_t size) {
  return length <= size && offset <= size - length;
}

void BuildSanitized(const std::vector<std::string>& keys,
                    std::unordered_map<std::string, std::vector<std::string>>& out) {
  for (const std::string& k : keys) {
    std::string s = SanitizeKey(k);
    if (s != k) out[s].push_back(k);
  }
}

// ---- WGWT + manifest -------------------------------------------------------------------------

struct WgwtEntry {
  std::optional<DataType> type;
  std::optional<std::vector<uint64_t>> shape;
  uint64_t offset = 0;
  uint64_t length = 0;
};

class WgwtSource final : public WeightSource {
 public:
  WgwtSource(std::shared_ptr<const ByteBuffer> blob, std::map<std::string, WgwtEntry> entries,
             std::string name)
      : blob_(std::move(blob)), entries_(std::move(entries)), name_(std::move(name)) {
    std::vector<std::string> keys;
    for (const auto& [k, e] : entries_) keys.push_back(k);
    BuildSanitized(keys, by_sanitized_);
  }

  Result<ByteBuffer> Read(std::string_view key, const OperandDescriptor& desc) const override {
    WEBNN_ASSIGN_OR_RETURN(std::string found, FindKey(entries_, by_sanitized_, key, name_));
    const WgwtEntry& e = entries_.at(found);
    const std::string what = "weights " + Quote(found) + " in " + name_;
    if (e.type && *e.type != desc.dataType) {
      return MakeError(ErrorCode::kDataError, what, ": the manifest says ", DataTypeName(*e.type),
                       ", the constant is ", DataTypeName(desc.dataType));
    }
    if (e.shape && !SameShape(*e.shape, desc.shape)) {
      return MakeError(ErrorCode::kDataError, what, ": the manifest says shape ",
                       ShapeString64(*e.shape), ", the constant is ", ShapeToString(desc.shape));
    }
    if (e.length != desc.ByteLength()) {
      return MakeError(ErrorCode::kDataError, what, ": byteLength ", e.length, " does not match ",
                       DescriptorToString(desc), " (", desc.ByteLength(), " bytes)");
    }
    return Slice(blob_, e.offset, e.length, ElementAlignment(desc.dataType));
  }

  const std::string& name() const override { return name_; }

 private:
  std::shared_ptr<const ByteBuffer> blob_;
  std::map<std::string, WgwtEntry> entries_;
  std::unordered_map<std::string, std::vector<std::string>> by_sanitized_;
  std::string name_;
};

Status ParseManifestEntry(const Json& v, std::string_view path, uint64_t blob_size, WgwtEntry& e) {
  if (!v.is_object()) return PathError(path, "expected an object, got ", Describe(v));
  bool has_offset = false;
  bool has_length = false;
  for (const auto& [key, value] : v.items()) {
    const std::string p = Member(path, key);
    if (key == "byteOffset") {
      WEBNN_RETURN_IF_ERROR(ParseU64(value, p, e.offset));
      has_offset = true;
    } else if (key == "byteLength") {
      WEBNN_RETURN_IF_ERROR(ParseU64(value, p, e.length));
      has_length = true;
    } else if (key == "dataType") {
      std::optional<DataType> t;
      if (value.is_string()) t = DataTypeFromName(value.get_ref<const std::string&>());
      if (!t) return PathError(p, "expected a data type name, got ", Describe(value));
      e.type = t;
    } else if (key == "shape") {
      std::vector<uint64_t> shape;
      WEBNN_RETURN_IF_ERROR(ParseShape64(value, p, shape));
      e.shape = std::move(shape);
    } else if (key == "layout") {
      if (value != "row-major") {
        return PathError(p, "only \"row-major\" is supported, got ", Describe(value));
      }
    }
    // Other keys are tolerated, as rustnn's reader does.
  }
  if (!has_offset) return PathError(path, "missing byteOffset");
  if (!has_length) return PathError(path, "missing byteLength");
  if (e.offset < kWgwtHeaderSize) {
    return PathError(Member(path, "byteOffset"), e.offset, " overlaps the ", kWgwtHeaderSize,
                     "-byte WGWT header");
  }
  if (!InRange(e.offset, e.length, blob_size)) {
    return PathError(path, "bytes at offset ", e.offset, " with length ", e.length,
                     " exceed the weights file (", blob_size, " bytes)");
  }
  if (e.type && e.shape) {
    const std::optional<uint64_t> elements = CheckedElements(*e.shape);
    const uint32_t bits = DataTypeBits(*e.type);
    uint64_t total_bits = 0;
    if (!elements || __builtin_mul_overflow(*elements, uint64_t{bits}, &total_bits)) {
      return PathError(Member(path, "shape"), ShapeString64(*e.shape), " is too large");
    }
    const uint64_t bytes = total_bits / 8 + (total_bits % 8 != 0 ? 1 : 0);
    if (bytes != e.length) {
      return PathError(Member(path, "byteLength"), e.length, " does not match ",
                       DataTypeName(*e.type), " ", ShapeString64(*e.shape), " (", bytes, " bytes)");
    }
  }
  return {};
}

// ---- safetensors -----------------------------------------------------------------------------

enum class StDtype : uint8_t { kF32, kF16, kBF16, kI32, kU32, kI64, kU64, kI8, kU8, kOther };

struct StEntry {
  StDtype dtype = StDtype::kOther;
  std::string dtype_name;
  std::vector<uint64_t> shape;
  uint64_t begin = 0;  // relative to the data section
  uint64_t end = 0;
};

// Element sizes of every safetensors dtype, so byte lengths of tensors we cannot load are still
// checked. 0: unknown to us (checked only if a constant reads it, then rejected).
uint32_t StDtypeBytes(std::string_view name) {
  if (name == "F64" || name == "I64" || name == "U64" || name == "C64") return 8;
  if (name == "F32" || name == "I32" || name == "U32") return 4;
  if (name == "F16" || name == "BF16" || name == "I16" || name == "U16") return 2;
  if (name == "BOOL" || name == "U8" || name == "I8" || name == "F8_E5M2" || name == "F8_E4M3" ||
      name == "F8_E8M0") {
    return 1;
  }
  return 0;
}

StDtype StDtypeFromName(std::string_view name) {
  if (name == "F32") return StDtype::kF32;
  if (name == "F16") return StDtype::kF16;
  if (name == "BF16") return StDtype::kBF16;
  if (name == "I32") return StDtype::kI32;
  if (name == "U32") return StDtype::kU32;
  if (name == "I64") return StDtype::kI64;
  if (name == "U64") return StDtype::kU64;
  if (name == "I8") return StDtype::kI8;
  if (name == "U8") return StDtype::kU8;
  return StDtype::kOther;
}

std::optional<DataType> StDtypeToDataType(StDtype d) {
  switch (d) {
    case StDtype::kF32:
      return DataType::kFloat32;
    case StDtype::kF16:
      return DataType::kFloat16;
    case StDtype::kI32:
      return DataType::kInt32;
    case StDtype::kU32:
      return DataType::kUint32;
    case StDtype::kI64:
      return DataType::kInt64;
    case StDtype::kU64:
      return DataType::kUint64;
    case StDtype::kI8:
      return DataType::kInt8;
    case StDtype::kU8:
      return DataType::kUint8;
    case StDtype::kBF16:
    case StDtype::kOther:
      return std::nullopt;
  }
  return std::nullopt;
}

class SafetensorsSource final : public WeightSource {
 public:
  SafetensorsSource(std::shared_ptr<const ByteBuffer> file, uint64_t data_start,
                    std::map<std::string, StEntry> entries, std::string name)
      : file_(std::move(file)),
        data_start_(data_start),
        entries_(std::move(entries)),
        name_(std::move(name)) {
    std::vector<std::string> keys;
    for (const auto& [k, e] : entries_) keys.push_back(k);
    BuildSanitized(keys, by_sanitized_);
  }

  Result<ByteBuffer> Read(std::string_view key, const OperandDescriptor& desc) const override {
    WEBNN_ASSIGN_OR_RETURN(std::string found, FindKey(entries_, by_sanitized_, key, name_));
    const StEntry& e = entries_.at(found);
    const std::string what = "tensor " + Quote(found) + " in " + name_;
    if (!SameShape(e.shape, desc.shape)) {
      return MakeError(ErrorCode::kDataError, what, ": shape ", ShapeString64(e.shape),
                       ", the constant is ", ShapeToString(desc.shape));
    }
    const uint64_t offset = data_start_ + e.begin;
    const uint64_t length = e.end - e.begin;
    if (e.dtype == StDtype::kBF16 && desc.dataType == DataType::kFloat32) {
      // bfloat16 is the upper half of a float32.
      const uint64_t n = length / 2;
      if (n * 4 != desc.ByteLength()) {
        return MakeError(ErrorCode::kDataError, what, ": ", length, " bytes of BF16 do not match ",
                         DescriptorToString(desc));
      }
      std::vector<std::byte> out(static_cast<size_t>(n) * 4);
      const std::byte* src = file_->data() + offset;
      for (uint64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        const uint32_t bits = uint32_t{h} << 16;
        std::memcpy(out.data() + 4 * i, &bits, 4);
      }
      return ByteBuffer::FromVector(std::move(out));
    }
    const std::optional<DataType> type = StDtypeToDataType(e.dtype);
    if (!type || *type != desc.dataType) {
      return MakeError(ErrorCode::kDataError, what, ": dtype ", e.dtype_name, " cannot be read as ",
                       DataTypeName(desc.dataType),
                       " (F32 F16 I32 U32 I64 U64 I8 U8 map to the WebNN types of the same "
                       "name; BF16 to float32)");
    }
    if (length != desc.ByteLength()) {
      return MakeError(ErrorCode::kDataError, what, ": ", length, " bytes do not match ",
                       DescriptorToString(desc));
    }
    return Slice(file_, offset, length, ElementAlignment(desc.dataType));
  }

  const std::string& name() const override { return name_; }

 private:
  std::shared_ptr<const ByteBuffer> file_;
  uint64_t data_start_;
  std::map<std::string, StEntry> entries_;
  std::unordered_map<std::string, std::vector<std::string>> by_sanitized_;
  std::string name_;
};

Status ParseStEntry(const Json& v, std::string_view path, uint64_t data_size, StEntry& e) {
  if (!v.is_object()) return PathError(path, "expected an object, got ", Describe(v));
  bool has_dtype = false, has_shape = false, has_offsets = false;
  for (const auto& [key, value] : v.items()) {
    const std::string p = Member(path, key);
    if (key == "dtype") {
      if (!value.is_string()) return PathError(p, "expected a string, got ", Describe(value));
      e.dtype_name = value.get<std::string>();
      e.dtype = StDtypeFromName(e.dtype_name);
      has_dtype = true;
    } else if (key == "shape") {
      WEBNN_RETURN_IF_ERROR(ParseShape64(value, p, e.shape));
      has_shape = true;
    } else if (key == "data_offsets") {
      if (!value.is_array() || value.size() != 2) {
        return PathError(p, "expected [begin, end], got ", Describe(value));
      }
      WEBNN_RETURN_IF_ERROR(ParseU64(value[0], json_util::Index(p, 0), e.begin));
      WEBNN_RETURN_IF_ERROR(ParseU64(value[1], json_util::Index(p, 1), e.end));
      has_offsets = true;
    } else {
      return PathError(p, "unknown key (known: dtype, shape, data_offsets)");
    }
  }
  if (!has_dtype) return PathError(path, "missing dtype");
  if (!has_shape) return PathError(path, "missing shape");
  if (!has_offsets) return PathError(path, "missing data_offsets");
  if (e.begin > e.end || e.end > data_size) {
    return PathError(Member(path, "data_offsets"), "[", e.begin, ", ", e.end,
                     "] is not a range within the data (", data_size, " bytes)");
  }
  if (const uint32_t size = StDtypeBytes(e.dtype_name); size != 0) {
    const std::optional<uint64_t> elements = CheckedElements(e.shape);
    uint64_t bytes = 0;
    if (!elements || __builtin_mul_overflow(*elements, uint64_t{size}, &bytes)) {
      return PathError(Member(path, "shape"), ShapeString64(e.shape), " is too large");
    }
    if (bytes != e.end - e.begin) {
      return PathError(Member(path, "data_offsets"), "[", e.begin, ", ", e.end, "] holds ",
                       e.end - e.begin, " bytes, ", e.dtype_name, " ", ShapeString64(e.shape),
                       " needs ", bytes);
    }
  }
  return {};
}

Result<std::string> ReadTextFile(const std::filesystem::path& path) {
  WEBNN_ASSIGN_OR_RETURN(ByteBuffer bytes, ReadFileBytes(path));
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

Result<ByteBuffer> ReadFileBytes(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorCode::kUnknownError, path.string(),
                     ": cannot open: ", std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return MakeError(ErrorCode::kUnknownError, path.string(), ": not a regular file");
  }
  const size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return ByteBuffer::FromVector({});
  }
  // TODO(security): a mapped file changed by another process while loaded changes the
  // constants under us; the service must copy untrusted files instead (it does not load JSON).
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map != MAP_FAILED) {
    ::close(fd);
    std::shared_ptr<const void> owner(
        map, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
    return ByteBuffer(std::move(owner), static_cast<const std::byte*>(map), size);
  }
  std::vector<std::byte> data(size);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, data.data() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      return MakeError(
          ErrorCode::kUnknownError, path.string(), ": read failed",
          n < 0 ? std::string(": ") + std::strerror(err) : std::string(" (truncated)"));
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return ByteBuffer::FromVector(std::move(data));
}

Result<std::unique_ptr<WeightSource>> WgwtWeightsFromBuffer(ByteBuffer blob,
                                                            std::string_view manifest_json,
                                                            std::string name) {
  if (blob.size() < kWgwtHeaderSize) {
    return MakeError(ErrorCode::kDataError, name, ": truncated WGWT header (", blob.size(),
                     " bytes)");
  }
  if (std::memcmp(blob.data(), kWgwtMagic, 4) != 0) {
    return MakeError(ErrorCode::kDataError, name,
                     ": not a WGWT weights file (the first 4 bytes are not \"WGWT\")");
  }
  uint32_t version = 0;
  std::memcpy(&version, blob.data() + 4, 4);
  if (version != kWgwtVersion) {
    return MakeError(ErrorCode::kDataError, name, ": unsupported WGWT version ", version,
                     " (expected ", kWgwtVersion, ")");
  }
  const std::string manifest_name = name + " manifest";
  WEBNN_ASSIGN_OR_RETURN(Json manifest, json_util::ParseStrict(manifest_json, manifest_name));
  auto error = [&](Error e) { return e.Prefix(manifest_name); };
  if (!manifest.is_object()) {
    return error(PathError("", "expected an object, got ", Describe(manifest)));
  }
  if (auto it = manifest.find("format"); it != manifest.end()) {
    if (*it != "wg-weights-manifest" && *it != "webnn-weights-manifest") {
      return error(PathError("format", "expected \"wg-weights-manifest\", got ", Describe(*it)));
    }
  }
  if (auto it = manifest.find("version"); it != manifest.end() && *it != 1) {
    return error(PathError("version", "unsupported version ", Describe(*it), " (expected 1)"));
  }
  if (auto it = manifest.find("endianness"); it != manifest.end() && *it != "little") {
    return error(PathError("endianness", "only \"little\" is supported, got ", Describe(*it)));
  }
  auto tensors = manifest.find("tensors");
  if (tensors == manifest.end()) return error(PathError("", "missing tensors"));
  if (!tensors->is_object()) {
    return error(PathError("tensors", "expected an object, got ", Describe(*tensors)));
  }
  std::map<std::string, WgwtEntry> entries;
  for (const auto& [key, value] : tensors->items()) {
    WgwtEntry e;
    Status s = ParseManifestEntry(value, Member("tensors", key), blob.size(), e);
    if (!s.ok()) return error(std::move(s.error()));
    entries.emplace(key, std::move(e));
  }
  auto holder = std::make_shared<const ByteBuffer>(std::move(blob));
  return std::unique_ptr<WeightSource>(
      new WgwtSource(std::move(holder), std::move(entries), std::move(name)));
}

Result<std::unique_ptr<WeightSource>> OpenWgwtWeights(const std::filesystem::path& blob,
                                                      const std::filesystem::path& manifest) {
  WEBNN_ASSIGN_OR_RETURN(ByteBuffer bytes, ReadFileBytes(blob));
  WEBNN_ASSIGN_OR_RETURN(std::string text, ReadTextFile(manifest));
  auto source = WgwtWeightsFromBuffer(std::move(bytes), text, blob.filename().string());
  if (!source.ok()) return std::move(source.error());
  return source;
}

Result<std::unique_ptr<WeightSource>> SafetensorsFromBuffer(ByteBuffer file, std::string name) {
  if (file.size() < 8) {
    return MakeError(ErrorCode::kDataError, name, ": truncated safetensors header (", file.size(),
                     " bytes)");
  }
  uint64_t header_size = 0;
  std::memcpy(&header_size, file.data(), 8);
  if (header_size > file.size() - 8 || header_size > kMaxSafetensorsHeader) {
    return MakeError(ErrorCode::kDataError, name, ": header length ", header_size,
                     " exceeds the file (", file.size(), " bytes)");
  }
  const std::string_view header_text(reinterpret_cast<const char*>(file.data()) + 8,
                                     static_cast<size_t>(header_size));
  const std::string header_name = name + " header";
  WEBNN_ASSIGN_OR_RETURN(Json header, json_util::ParseStrict(header_text, header_name));
  if (!header.is_object()) {
    return MakeError(ErrorCode::kDataError, header_name, ": expected an object, got ",
                     Describe(header));
  }
  const uint64_t data_start = 8 + header_size;
  const uint64_t data_size = file.size() - data_start;
  std::map<std::string, StEntry> entries;
  for (const auto& [key, value] : header.items()) {
    if (key == "__metadata__") {
      if (!value.is_object()) {
        return PathError(header_name + ": __metadata__", "expected an object, got ",
                         Describe(value));
      }
      continue;
    }
    StEntry e;
    Status s = ParseStEntry(value, Member("", key), data_size, e);
    if (!s.ok()) return std::move(s.error().Prefix(header_name));
    entries.emplace(key, std::move(e));
  }
  auto holder = std::make_shared<const ByteBuffer>(std::move(file));
  return std::unique_ptr<WeightSource>(
      new SafetensorsSource(std::move(holder), data_start, std::move(entries), std::move(name)));
}

Result<std::unique_ptr<WeightSource>> OpenSafetensors(const std::filesystem::path& file) {
  WEBNN_ASSIGN_OR_RETURN(ByteBuffer bytes, ReadFileBytes(file));
  auto source = SafetensorsFromBuffer(std::move(bytes), file.filename().string());
  if (!source.ok()) return std::move(source.error());
  return source;
}

WgwtFiles WriteWgwt(const std::vector<WgwtTensor>& tensors) {
  WgwtFiles files;
  files.blob.append(kWgwtMagic, 4);
  const uint32_t version = kWgwtVersion;
  files.blob.append(reinterpret_cast<const char*>(&version), 4);
  files.manifest =
      "{\n  \"format\": \"wg-weights-manifest\",\n  \"version\": 1,\n  \"endianness\": "
      "\"little\",\n  \"tensors\": {";
  bool first = true;
  for (const WgwtTensor& t : tensors) {
    files.blob.append((kWgwtAlignment - files.blob.size() % kWgwtAlignment) % kWgwtAlignment, '\0');
    Json entry = Json::object();
    entry["dataType"] = std::string(DataTypeName(t.desc.dataType));
    entry["shape"] = t.desc.shape;
    entry["byteOffset"] = static_cast<uint64_t>(files.blob.size());
    entry["byteLength"] = static_cast<uint64_t>(t.bytes.size());
    files.blob.append(reinterpret_cast<const char*>(t.bytes.data()), t.bytes.size());
    files.manifest += first ? "\n    " : ",\n    ";
    first = false;
    files.manifest += json_util::Compact(Json(t.key));
    files.manifest += ": ";
    files.manifest += json_util::Compact(entry);
  }
  files.manifest += first ? "}\n}\n" : "\n  }\n}\n";
  return files;
}

Status WriteFileBytes(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    // Errors name the file asked for; the temporary one beside it is an implementation detail.
    if (!out) {
      return MakeError(ErrorCode::kUnknownError, path.string(),
                       ": cannot create: ", std::strerror(errno));
    }
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      return MakeError(ErrorCode::kUnknownError, path.string(),
                       ": write failed: ", std::strerror(errno));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    return MakeError(ErrorCode::kUnknownError, path.string(), ": cannot write: ", ec.message());
  }
  return {};
}

}  // namespace webnn
