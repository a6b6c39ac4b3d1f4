// External weights of webnn-graph-json graphs: constants declared as
// {"init": {"kind": "weights", "ref": KEY}} get their bytes from a WeightSource.
//
// Two file formats, as rustnn's webnn-graph tools read them:
//  - WGWT blob + manifest. The blob starts with the 4 ASCII bytes "WGWT" and a little-endian
//    u32 version (1); the manifest is
//      {"format": "wg-weights-manifest", "version": 1, "endianness": "little",
//       "tensors": {KEY: {"dataType", "shape", "byteOffset", "byteLength"}}}
//    with byteOffset absolute in the blob. ("webnn-weights-manifest" is accepted as a format
//    name too; an entry may carry "layout": "row-major".)
//  - safetensors: a u64 little-endian header length, a JSON header
//    {NAME: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__"?: {...}} and the
//    data, offsets relative to the start of the data. dtypes F32 F16 I32 U32 I64 U64 I8 U8, and
//    BF16 (converted to float32 for float32 constants).
//
// Everything from a file is checked: header, JSON, every offset and length (overflow-safe),
// and each tensor's data type, shape and byte length against the constant that reads it.
// Files are memory-mapped (or read once); constants share the mapping (no copy) unless a
// tensor is not aligned to its element size or needs a conversion.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph_info.h"
#include "webnn/error.h"
#include "webnn/types.h"

namespace webnn {

class WeightSource {
 public:
  virtual ~WeightSource() = default;
  // The bytes of tensor `key` for a constant declared as `desc`. A key not found as given is
  // also looked up under rustnn's sanitized names ("a.b::c" matches the ref "a_b__c").
  // Errors are DataErrors without a JSON path (the caller prefixes the constant's path).
  virtual Result<ByteBuffer> Read(std::string_view key, const OperandDescriptor& desc) const = 0;
  // The file name(s) for messages: "lenet.weights".
  virtual const std::string& name() const = 0;
};

// Reads a whole file: memory-mapped when possible, otherwise with one read. The buffer owns the
// mapping. Errors: UnknownError for I/O.
Result<ByteBuffer> ReadFileBytes(const std::filesystem::path& path);

// A WGWT blob and its manifest (JSON text). `name` is used in messages.
Result<std::unique_ptr<WeightSource>> WgwtWeightsFromBuffer(ByteBuffer blob,
                                                            std::string_view manifest_json,
                                                            std::string name);
Result<std::unique_ptr<WeightSource>> OpenWgwtWeights(const std::filesystem::path& blob,
                                                      const std::filesystem::path& manifest);

// A safetensors file.
Result<std::unique_ptr<WeightSource>> SafetensorsFromBuffer(ByteBuffer file, std::string name);
Result<std::unique_ptr<WeightSource>> OpenSafetensors(const std::filesystem::path& file);

// The WGWT blob and manifest for `tensors` (key, descriptor, bytes), in order, every tensor on
// a 64-byte boundary (the first at 64). Used by SaveGraphJson.
struct WgwtTensor {
  std::string key;
  OperandDescriptor desc;
  ByteBuffer bytes;
};
struct WgwtFiles {
  std::string blob;
  std::string manifest;  // JSON text, one tensor per line
};
WgwtFiles WriteWgwt(const std::vector<WgwtTensor>& tensors);

// Writes `bytes` to `path` (through a temporary file renamed over it). UnknownError on I/O.
Status WriteFileBytes(const std::filesystem::path& path, std::string_view bytes);

}  // namespace webnn
