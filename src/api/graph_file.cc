// MLContext::loadGraph and MLGraph::save.
#include "format/graph_file.h"
#include "api/internal.h"

namespace webnn {

MLGraph MLContext::loadGraph(const std::string& path) { return loadGraph(path, {}); }

MLGraph MLContext::loadGraph(const std::string& path,
                             const std::map<std::string, uint32_t>& dimensions) {
  CheckNotLost();
  format::GraphFileOptions file_options;
  file_options.dims = dimensions;
  auto graph = format::LoadGraphFile(path, LimitsOf(options_), file_options);
  if (!graph.ok()) throw Exception(std::move(graph.error()));
  return CompileGraph(*this, std::move(graph).value());
}

void MLGraph::save(const std::string& path) const {
  if (!state_) throw Exception(MakeError(ErrorCode::kTypeError, "save: not a graph"));
  Status s = format::SaveGraphFile(state_->graph(), path);
  if (!s.ok()) throw Exception(std::move(s.error()));
}

}  // namespace webnn
