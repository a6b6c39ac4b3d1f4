#include "util/npy.h"

#include <cerrno>

#include <cstring>
#include <fstream>
#include <string>

#include "util/file_check.h"

namespace webnn::npy {
namespace {

constexpr char kMagic[] = "\x93NUMPY";

std::optional<DataType> FromDescr(std::string_view d) {
  if (d == "<f4") return DataType::kFloat32;
  if (d == "<f2") return DataType::kFloat16;
  if (d == "<i4") return DataType::kInt32;
  if (d == "<u4") return DataType::kUint32;
  if (d == "<i8") return DataType::kInt64;
  if (d == "<u8") return DataType::kUint64;
  if (d == "|i1" || d == "<i1") return DataType::kInt8;
  if (d == "|u1" || d == "<u1" || d == "|b1") return DataType::kUint8;
  return std::nullopt;
}

const char* ToDescr(DataType t) {
  switch (t) {
    case DataType::kFloat32:
      return "<f4";
    case DataType::kFloat16:
      return "<f2";
    case DataType::kInt32:
      return "<i4";
    case DataType::kUint32:
      return "<u4";
    case DataType::kInt64:
      return "<i8";
    case DataType::kUint64:
      return "<u8";
    case DataType::kInt8:
    case DataType::kInt4:
      return "|i1";
    case DataType::kUint8:
    case DataType::kUint4:
      return "|u1";
  }
  return "|u1";
}

// Finds `'key': ` in the header dict and returns the text after it.
std::optional<std::string_view> ValueAfter(std::string_view header, std::string_view key) {
  const std::string pattern = "'" + std::string(key) + "':";
  size_t pos = header.find(pattern);
  if (pos == std::string_view::npos) return std::nullopt;
  pos += pattern.size();
  while (pos < header.size() && header[pos] == ' ') ++pos;
  return header.substr(pos);
}

}  // namespace

Result<Array> Parse(std::span<const std::byte> file) {
  auto fail = [](const auto&... args) {
    return MakeError(ErrorCode::kDataError, "npy: ", args...);
  };
  if (file.size() < 10 || std::memcmp(file.data(), kMagic, 6) != 0) {
    return fail("not an .npy file (bad magic)");
  }
  const uint8_t major = static_cast<uint8_t>(file[6]);
  size_t header_len, offset;
  if (major == 1) {
    header_len = static_cast<size_t>(file[8]) | (static_cast<size_t>(file[9]) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (file.size() < 12) return fail("truncated header");
    header_len = 0;
    for (int i = 0; i < 4; ++i) header_len |= static_cast<size_t>(file[8 + i]) << (8 * i);
    offset = 12;
  } else {
    return fail("unsupported format version ", static_cast<int>(major));
  }
  if (header_len > file.size() - offset) return fail("truncated header");
  std::string_view header(reinterpret_cast<const char*>(file.data() + offset), header_len);
  offset += header_len;

  auto descr = ValueAfter(header, "descr");
  if (!descr || descr->size() < 5 || (*descr)[0] != '\'') return fail("header has no descr");
  const size_t end_quote = descr->find('\'', 1);
  if (end_quote == std::string_view::npos) return fail("bad descr");
  const std::string_view d = descr->substr(1, end_quote - 1);
  std::optional<DataType> type = FromDescr(d);
  if (!type)
    return fail("unsupported dtype '", d, "' (supported: <f4 <f2 <i4 <u4 <i8 <u8 |i1 |u1)");
  auto fortran = ValueAfter(header, "fortran_order");
  if (!fortran) return fail("header has no fortran_order");
  if (fortran->starts_with("True")) return fail("Fortran-order arrays are not supported");
  auto shape_text = ValueAfter(header, "shape");
  if (!shape_text || shape_text->empty() || (*shape_text)[0] != '(')
    return fail("header has no shape");
  const size_t close = shape_text->find(')');
  if (close == std::string_view::npos) return fail("bad shape");
  Array a;
  a.desc.dataType = *type;
  std::string_view dims = shape_text->substr(1, close - 1);
  uint64_t elements = 1;
  size_t i = 0;
  while (i < dims.size()) {
    while (i < dims.size() && (dims[i] == ' ' || dims[i] == ',')) ++i;
    if (i >= dims.size()) break;
    uint64_t v = 0;
    size_t digits = 0;
    while (i < dims.size() && dims[i] >= '0' && dims[i] <= '9') {
      v = v * 10 + static_cast<uint64_t>(dims[i] - '0');
      if (v > 0xFFFFFFFFull) return fail("dimension too large");
      ++i;
      ++digits;
    }
    if (digits == 0) return fail("bad shape '", dims, "'");
    if (i < dims.size() && dims[i] == 'L') ++i;
    a.desc.shape.push_back(static_cast<uint32_t>(v));
    elements *= v;
    if (a.desc.shape.size() > 16 || elements > (uint64_t{1} << 40)) return fail("shape too large");
  }
  const uint64_t need = a.desc.ByteLength();
  if (file.size() - offset != need) {
    return fail("data has ", file.size() - offset, " bytes, shape ", ShapeToString(a.desc.shape),
                " of ", d, " needs ", need);
  }
  a.bytes.assign(file.begin() + static_cast<std::ptrdiff_t>(offset), file.end());
  return a;
}

Result<Array> Load(const std::filesystem::path& path) {
  WEBNN_RETURN_IF_ERROR(util::CheckReadableFile(path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kUnknownError, "cannot open ", path.string());
  std::vector<char> buf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto r = Parse(std::as_bytes(std::span(buf)));
  if (!r.ok()) r.error().Prefix(path.string());
  return r;
}

std::vector<std::byte> Serialize(const Array& array) {
  std::string header = "{'descr': '";
  header += ToDescr(array.desc.dataType);
  header += "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < array.desc.shape.size(); ++i) {
    header += std::to_string(array.desc.shape[i]);
    if (array.desc.shape.size() == 1 || i + 1 < array.desc.shape.size()) header += ",";
    if (i + 1 < array.desc.shape.size()) header += " ";
  }
  header += "), }";
  // Pad with spaces so the data starts 64-byte aligned; the header ends with '\n'.
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::vector<std::byte> out(10 + header.size());
  std::memcpy(out.data(), kMagic, 6);
  out[6] = std::byte{1};
  out[7] = std::byte{0};
  out[8] = static_cast<std::byte>(header.size() & 0xFF);
  out[9] = static_cast<std::byte>(header.size() >> 8);
  std::memcpy(out.data() + 10, header.data(), header.size());
  out.insert(out.end(), array.bytes.begin(), array.bytes.end());
  return out;
}

Status Save(const std::filesystem::path& path, const Array& array) {
  std::vector<std::byte> bytes = Serialize(array);
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    return MakeError(ErrorCode::kUnknownError, path.string(),
                     ": cannot write: ", std::strerror(errno));
  }
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) return MakeError(ErrorCode::kUnknownError, "write failed: ", path.string());
  return {};
}

}  // namespace webnn::npy
