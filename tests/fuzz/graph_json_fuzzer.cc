// Fuzzes the webnn-graph-json loader: the graph document, and a weights file it reads constants
// from. The input is up to three parts separated by "\n--\n" (see docs/fuzzing.md):
//   DOCUMENT                         no weights file
//   DOCUMENT \n--\n SAFETENSORS      a .safetensors file
//   DOCUMENT \n--\n MANIFEST \n--\n BLOB   a WGWT blob and its JSON manifest
// A document that loads must give a valid graph whose saved text loads to the same text again.
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "format/json/graph_json.h"
#include "format/json/weights.h"
#include "fuzz_util.h"
#include "ir/validate_graph.h"

namespace webnn {
namespace {

[[noreturn]] void Finding(std::string_view what, const Error* error = nullptr) {
  std::cerr << "graph_json_fuzzer: " << what;
  if (error) std::cerr << ": " << error->ToString();
  std::cerr << "\n";
  std::abort();
}

void FuzzOne(std::string_view input) {
  ContextLimits limits;
  limits.max_tensor_byte_length = uint64_t{1} << 20;  // scalar-initialized constants allocate
  const std::vector<std::string_view> parts = fuzz::SplitParts(input, "\n--\n", 3);
  std::unique_ptr<WeightSource> weights;
  if (parts.size() == 2) {
    auto w = SafetensorsFromBuffer(ByteBuffer::Copy(fuzz::Bytes(parts[1])), "fuzz.safetensors");
    if (w.ok()) weights = std::move(*w);
  } else if (parts.size() == 3) {
    auto w =
        WgwtWeightsFromBuffer(ByteBuffer::Copy(fuzz::Bytes(parts[2])), parts[1], "fuzz.weights");
    if (w.ok()) weights = std::move(*w);
  }
  Result<GraphInfo> graph = ParseGraphJson(parts[0], weights.get(), limits);
  if (!graph.ok()) return;
  if (Status s = ValidateGraph(*graph, limits); !s.ok()) {
    Finding("a loaded graph fails ValidateGraph", &s.error());
  }
  Result<std::string> text = GraphToJsonText(*graph);
  if (!text.ok()) Finding("a loaded graph does not save", &text.error());
  Result<GraphInfo> again = ParseGraphJson(*text, nullptr, limits);
  if (!again.ok()) Finding("a saved graph does not load", &again.error());
  Result<std::string> text_again = GraphToJsonText(*again);
  if (!text_again.ok()) Finding("a reloaded graph does not save", &text_again.error());
  if (*text_again != *text) Finding("saving a reloaded graph gives another document");
}

}  // namespace
}  // namespace webnn

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  webnn::FuzzOne({reinterpret_cast<const char*>(data), size});
  return 0;
}
