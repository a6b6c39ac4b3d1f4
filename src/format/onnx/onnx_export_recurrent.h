// The ONNX export of gru, gruCell, lstm and lstmCell. gru, and lstm without peepholes, become
// ONNX's GRU/LSTM node (the same equations once the gate blocks are in ONNX's zrh / iofc
// order). ONNX's LSTM output-gate peephole reads the new cell state where WebNN's reads the
// incoming one, so an lstm with peepholes, like the cell ops, is unrolled into the spec's cell
// emulation: MatMul, Add, Slice and activation nodes for each step of each direction.
#pragma once

#include "format/onnx/onnx_export_writer.h"

namespace webnn::format::onnx_export {

// Writes `v.op` (a gru, gruCell, lstm or lstmCell) into w's graph.
Status ExportRecurrent(GraphWriter& w, const OpValues& v);

}  // namespace webnn::format::onnx_export
