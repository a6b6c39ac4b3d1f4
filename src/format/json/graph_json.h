// The webnn-graph-json file format (compatible with rustnn's webnn-graph tools).
//
//   {"format": "webnn-graph-json", "version": 1 | 2, "name"?: str, "quantized"?: bool,
//    "inputs"?: {NAME: {"dataType": "float32", "shape": [1, 3, 224, 224]}},
//    "consts"?: {NAME: {"dataType", "shape", "init": INIT}},
//    "nodes":   [{"id": str, "op": "conv2d", "inputs": [NAME, ...], "options"?: {...},
//                 "outputs"?: [NAME, ...]}],
//    "outputs": {OUTPUT_NAME: VALUE_NAME}}
//
// INIT is {"kind": "inlineBytes", "bytes": [0..255, ...]} (little-endian element bytes),
// {"kind": "scalar", "value": x} (every element is x cast to the data type; x as an MLNumber:
// a number, "NaN", "Infinity", "-Infinity" or a decimal integer string) or
// {"kind": "weights", "ref": KEY} (bytes from the weights file, see weights.h).
//
// Nodes, in topological order:
//  - `op` is the MLGraphBuilder method name.
//  - `inputs` are the operand arguments in the method's order (concat: every input). The
//    operand-valued options (conv2d bias, gemm c, gru recurrentBias, ...) may follow in their
//    op_table.inc order, as rustnn writes conv2d bias, or be given by name in `options`.
//  - `options` holds every other argument under its spec name, positional ones included
//    (reshape newShape, softmax/concat axis, split splits), the operand-valued options as value
//    names, and "label" (the operation's label). See attrs_json.h for value forms.
//  - The results are values named by `id` (one result) or by `outputs`, one name per result.
//    A multi-result op (split, gru/lstm, lstmCell) without `outputs` names its results
//    "<id>:0", "<id>:1", ...
//  - Value names (inputs, consts, results) are unique across the graph.
// Dynamic dimensions ({"name", "maxSize"}) are rejected (NotSupportedError). `quantized` is
// accepted and ignored. Unknown keys anywhere in the graph document are errors.
//
// Every error from a document is a DataError (structure, values, weights), a TypeError (an
// operation the builder rejects) or a NotSupportedError, and its message starts with the JSON
// path: "nodes[12].options.strides: expected an array of unsigned integers, got \"2\"",
// "consts.conv1_filter.init.bytes: expected 2000 bytes, got 1999",
// "nodes[3].inputs[1]: unknown operand 'foo'".
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "format/json/weights.h"
#include "ir/graph_info.h"
#include "ops/validate.h"
#include "webnn/error.h"

namespace webnn {

// Builds the graph in `text` through GraphBuilderCore (each operation validated and its
// results inferred as it is added). `weights` resolves {"kind": "weights"} constants; nullptr
// when there is no weights file (such constants are then an error).
Result<GraphInfo> ParseGraphJson(std::string_view text, const WeightSource* weights,
                                 const ContextLimits& limits = {});

struct JsonLoadOptions {
  ContextLimits limits;
  // Explicit weights: a WGWT blob (with manifest_path, or a manifest found next to the graph)
  // or a .safetensors file. Relative paths are relative to the graph's folder, as in rustnn.
  std::filesystem::path weights_path;
  std::filesystem::path manifest_path;
};

// Loads a graph file. When a constant refers to weights and no weights_path is given, the
// weights are looked for next to the graph (stem = the graph's file name without ".json"):
// <stem>.safetensors, <stem>.weights, model.safetensors, model.weights; a WGWT blob's manifest
// is <stem>.manifest.json, else manifest.json. (rustnn looks for model.* and manifest.json
// first; the graph's own stem is more specific, so it wins here.)
Result<GraphInfo> LoadGraphJson(const std::filesystem::path& path,
                                const JsonLoadOptions& options = {});

struct JsonSaveOptions {
  // SaveGraphJson: constants of at most this many bytes are written inline (inlineBytes), the
  // others to <stem>.weights + <stem>.manifest.json.
  size_t inline_threshold = 1024;
};

// Writes `graph` to `path` (and, for large constants, <stem>.weights and <stem>.manifest.json
// next to it, 64-byte aligned tensors). Value names come from the operands' names; unnamed
// operands get generated unique names. Writing a loaded graph again gives identical files.
Status SaveGraphJson(const GraphInfo& graph, const std::filesystem::path& path,
                     const JsonSaveOptions& options = {});

// What SaveGraphJson writes, in memory: the document and, when a constant is larger than
// options.inline_threshold, the WGWT blob and manifest it refers to (empty otherwise).
struct JsonFiles {
  std::string graph;
  WgwtFiles weights;
};
Result<JsonFiles> GraphToJsonFiles(const GraphInfo& graph, const JsonSaveOptions& options = {});

// The graph as one self-contained document (every constant inline).
Result<std::string> GraphToJsonText(const GraphInfo& graph);

}  // namespace webnn
