// NumPy .npy files (format version 1.0/2.0/3.0, little-endian, C order) for the CLI and tests.
#pragma once

#include <filesystem>
#include <span>
#include <vector>

#include "webnn/error.h"
#include "webnn/types.h"

namespace webnn::npy {

struct Array {
  OperandDescriptor desc;
  std::vector<std::byte> bytes;
};

// Parses an .npy image. Supported dtypes: <f4 <f2 <i4 <u4 <i8 <u8 |i1 |u1 (and |b1 as uint8).
// Every field is checked: a malformed file is a DataError naming the problem.
Result<Array> Parse(std::span<const std::byte> file);
Result<Array> Load(const std::filesystem::path& path);
std::vector<std::byte> Serialize(const Array& array);
Status Save(const std::filesystem::path& path, const Array& array);

}  // namespace webnn::npy
