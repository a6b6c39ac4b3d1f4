// MLContext::loadGraph and MLGraph::save.
#include "format/graph_file.h"
#include "api/internal.h"

namespace webnn {

MLGraph MLContext::loadGraph(const std::string& path) { return loadGraph(path, {}, {}); }

MLGraph MLContext::loadGraph(const std::string& path,
                             const std::map<std::string, uint32_t>& dimensions) {
  return loadGraph(path, dimensions, {});
}

MLGraph MLContext::loadGraph(const std::string& path,
                             const std::map<std::string, uint32_t>& dimensions,
                             const MLGraphOptions& options) {
  CheckNotLost();
  format::GraphFileOptions file_options;
  file_options.dims = dimensions;
  auto graph = format::LoadGraphFile(path, LimitsOf(options_), file_options);
  if (!graph.ok()) throw Exception(std::move(graph.error()));
  return CompileGraph(*this, std::move(graph).value(), options);
}

void MLGraph::save(const std::string& path) const {
  if (!state_) throw Exception(MakeError(ErrorCode::kTypeError, "save: not a graph"));
  if (!state_->ir) {
    throw Exception(MakeError(ErrorCode::kInvalidStateError,
                              "save: the graph was built without keeping its IR; build or load it "
                              "with MLGraphOptions::keepGraph = true to save it"));
  }
  Status s = format::SaveGraphFile(*state_->ir, path);
  if (!s.ok()) throw Exception(std::move(s.error()));
}

}  // namespace webnn
