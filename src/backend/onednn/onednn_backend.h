// The fast CPU backend: graphs compiled into plans of oneDNN primitives (compiler.h), run with
// an OpenMP team of the context's thread count.
#pragma once

#include <memory>
#include <oneapi/dnnl/dnnl.hpp>

#include "backend/backend.h"

namespace webnn::onednn {

class OneDnnBackend final : public backend::Backend {
 public:
  OneDnnBackend();
  std::string_view name() const override { return backend::kOneDnnBackend; }
  Result<std::unique_ptr<backend::CompiledGraph>> Compile(
      GraphInfo graph, const backend::CompileOptions& options) const override;

 private:
  dnnl::engine engine_;
};

}  // namespace webnn::onednn
