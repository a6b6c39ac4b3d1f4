// The graphs of the serialization benchmark.
#pragma once

#include <filesystem>

#include "ir/graph_info.h"
#include "webnn/error.h"

namespace webnn::bench {

// (a) A synthetic graph of exactly 100 operations and 1,068,800 bytes (1.02 MiB) of float32
// constants: ten residual blocks of conv2d 3x3 (+bias) -> relu -> conv2d 1x1 (+bias) -> add
// (per-channel constant) -> clamp [0, 6] -> add (skip) -> reshape [32, 256] -> matmul
// [256, 32] -> matmul [32, 256] -> reshape [1, 32, 16, 16], on a float32 [1, 32, 16, 16] input.
// Every operand and operation is named, as a converted model's would be.
GraphInfo SyntheticGraph();

// (b) MobileNetV2 with its real weights (models/mobilenetv2/mobilenetv2.json: 99 operations,
// 8.8 MB of constants).
Result<GraphInfo> MobileNetV2(const std::filesystem::path& models_dir);

}  // namespace webnn::bench
