// The ONNX export of gru, gruCell, lstm and lstmCell, unrolled into the spec's cell emulation:
// ONNX's GRU/LSTM differ from WebNN's where no attribute bridges them (LSTM's output-gate
// peephole reads the new cell state in ONNX, the incoming one in WebNN; GRU's gate order is zrh
// in ONNX, zrn/rzn in WebNN), so each step of each direction is written as MatMul, Add, Slice
// and activation nodes.
#pragma once

#include "format/onnx/onnx_export_writer.h"

namespace webnn::format::onnx_export {

// Writes `v.op` (a gru, gruCell, lstm or lstmCell) into w's graph.
Status ExportRecurrent(GraphWriter& w, const OpValues& v);

}  // namespace webnn::format::onnx_export
