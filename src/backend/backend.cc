#include "backend/backend.h"

#include "backend/onednn/onednn_backend.h"
#include "backend/reference/reference_graph.h"

namespace webnn::backend {

std::vector<std::string_view> BackendNames() { return {kOneDnnBackend, kReferenceBackend}; }

Result<std::shared_ptr<const Backend>> MakeBackend(std::string_view name) {
  if (name == kReferenceBackend) {
    return std::shared_ptr<const Backend>(std::make_shared<const reference::ReferenceBackend>());
  }
  if (name == kOneDnnBackend) {
    return std::shared_ptr<const Backend>(std::make_shared<const onednn::OneDnnBackend>());
  }
  std::string known;
  for (std::string_view n : BackendNames()) known += (known.empty() ? "" : ", ") + std::string(n);
  return MakeError(ErrorCode::kNotSupportedError, "unknown backend '", name, "' (known: ", known,
                   ")");
}

}  // namespace webnn::backend
