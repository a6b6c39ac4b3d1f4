// The ONNX importer: graph inputs, initializers and nodes in order; each node becomes WebNN
// operations through GraphBuilderCore (onnx_ops.cc) or, when its inputs are known at import,
// a host-evaluated constant (onnx_fold.cc).
#include "format/onnx/onnx_import.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <limits>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include "format/onnx/onnx_importer.h"
#include "format/onnx/onnx_model.h"

namespace webnn::format {

bool LooksLikeOnnx(std::span<const std::byte> head) {
  // ir_version: tag 0x08, then a varint 1..127 (versions are small).
  if (head.size() < 3 || head[0] != std::byte{0x08}) return false;
  const auto version = std::to_integer<uint8_t>(head[1]);
  if (version == 0 || version > 0x7F) return false;
  // The next field of a ModelProto: producer_name (2), producer_version (3), domain (4),
  // model_version (5, varint), doc_string (6), graph (7), opset_import (8), metadata_props (14),
  // training_info (20), functions (25).
  switch (std::to_integer<uint8_t>(head[2])) {
    case 0x12:
    case 0x1A:
    case 0x22:
    case 0x28:
    case 0x32:
    case 0x3A:
    case 0x42:
    case 0x72:
    case 0xA2:
    case 0xCA:
      return true;
    default:
      return false;
  }
}

Result<std::shared_ptr<const onnx::ModelProto>> ParseOnnxModel(std::span<const std::byte> bytes) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return MakeError(ErrorCode::kNotSupportedError, "the model is ", bytes.size(),
                     " bytes; protobuf messages are limited to 2 GiB (use external data)");
  }
  auto model = std::make_shared<onnx::ModelProto>();
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  in.SetTotalBytesLimit(std::numeric_limits<int>::max());
  if (!model->ParseFromCodedStream(&in) || !in.ConsumedEntireMessage()) {
    return MakeError(ErrorCode::kDataError, "not a valid ONNX model (protobuf parse failed)");
  }
  if (!model->has_graph()) return MakeError(ErrorCode::kDataError, "the ONNX model has no graph");
  return std::shared_ptr<const onnx::ModelProto>(std::move(model));
}

namespace {

// Parses the file as a stream of small reads: the parsed proto's raw_data strings are the one
// copy of the weights in memory (the constants then share them). A mapping of the file would
// add the file's pages to the resident set while the proto is built, doubling the peak.
Result<std::shared_ptr<const onnx::ModelProto>> ParseFile(const std::filesystem::path& path) {
  constexpr int kReadBlock = 1 << 20;  // bytes per read(): few system calls, little memory
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return MakeError(ErrorCode::kUnknownError, "cannot open: ", std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    return MakeError(ErrorCode::kUnknownError, "cannot stat: ", std::strerror(error));
  }
  if (st.st_size == 0) {
    ::close(fd);
    return MakeError(ErrorCode::kDataError, "the file is empty");
  }
  if (static_cast<uint64_t>(st.st_size) > static_cast<uint64_t>(std::numeric_limits<int>::max())) {
    ::close(fd);
    return MakeError(ErrorCode::kNotSupportedError, "the model is ", st.st_size,
                     " bytes; protobuf messages are limited to 2 GiB (use external data)");
  }
  auto model = std::make_shared<onnx::ModelProto>();
  bool parsed = false;
  {
    google::protobuf::io::FileInputStream file(fd, kReadBlock);
    file.SetCloseOnDelete(true);
    google::protobuf::io::CodedInputStream in(&file);
    in.SetTotalBytesLimit(std::numeric_limits<int>::max());
    parsed = model->ParseFromCodedStream(&in) && in.ConsumedEntireMessage();
    if (file.GetErrno() != 0) {
      return MakeError(ErrorCode::kUnknownError, "cannot read: ", std::strerror(file.GetErrno()));
    }
  }
  if (!parsed) {
    return MakeError(ErrorCode::kDataError, "not a valid ONNX model (protobuf parse failed)");
  }
  if (!model->has_graph()) return MakeError(ErrorCode::kDataError, "the ONNX model has no graph");
  return std::shared_ptr<const onnx::ModelProto>(std::move(model));
}

}  // namespace

Result<GraphInfo> ImportOnnxModel(std::shared_ptr<const onnx::ModelProto> model,
                                  const std::filesystem::path& base_dir,
                                  const OnnxImportOptions& options,
                                  std::vector<OnnxNodeProblem>* problems) {
  onnx_import::Importer importer(std::move(model), base_dir, options, problems);
  return importer.Run();
}

std::vector<std::string> OnnxSupportedOps() {
  const onnx_import::Importer importer(std::make_shared<onnx::ModelProto>(), "", {}, nullptr);
  return importer.SupportedOps();
}

Result<GraphInfo> ImportOnnxFile(const std::filesystem::path& path,
                                 const OnnxImportOptions& options) {
  auto model = ParseFile(path);
  if (!model.ok()) return std::move(model.error().Prefix(path.string()));
  auto graph = ImportOnnxModel(std::move(*model),
                               path.parent_path().empty() ? "." : path.parent_path(), options);
  if (!graph.ok()) return std::move(graph.error().Prefix(path.string()));
  return graph;
}

Result<std::vector<OnnxNodeProblem>> ReportOnnxFile(const std::filesystem::path& path,
                                                    const OnnxImportOptions& options) {
  auto model = ParseFile(path);
  if (!model.ok()) return std::move(model.error().Prefix(path.string()));
  std::vector<OnnxNodeProblem> problems;
  auto graph = ImportOnnxModel(
      std::move(*model), path.parent_path().empty() ? "." : path.parent_path(), options, &problems);
  if (!graph.ok() && problems.empty()) return std::move(graph.error().Prefix(path.string()));
  return problems;
}

}  // namespace webnn::format
