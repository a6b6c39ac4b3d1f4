#include "bench_graphs.h"

#include <cstring>
#include <string>
#include <vector>

#include "format/graph_file.h"
#include "ir/graph_builder.h"
#include "ops/op_info.h"

namespace webnn::bench {

namespace {

// Deterministic small float32 values (weights-like), from a 32-bit LCG.
ByteBuffer Weights(size_t count, uint32_t seed) {
  std::vector<std::byte> bytes(count * sizeof(float));
  uint32_t state = seed * 2654435761u + 1;
  for (size_t i = 0; i < count; ++i) {
    state = state * 1664525u + 1013904223u;
    const float v = (static_cast<float>(state >> 8) / static_cast<float>(1 << 24) - 0.5f) * 0.1f;
    std::memcpy(bytes.data() + i * sizeof(float), &v, sizeof(float));
  }
  return ByteBuffer::FromVector(std::move(bytes));
}

template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) {
    // The graph is fixed; failing to build it is a bug in this file.
    std::fprintf(stderr, "bench graph: %s\n", r.error().ToString().c_str());
    std::abort();
  }
  return std::move(r).value();
}

}  // namespace

GraphInfo SyntheticGraph() {
  constexpr uint32_t kC = 32, kH = 16, kW = 16;
  GraphBuilderCore b;
  OperandId x = Must(b.AddInput("input", {DataType::kFloat32, {1, kC, kH, kW}}));
  uint32_t seed = 0;
  auto constant = [&](const std::string& name, std::vector<uint32_t> shape) {
    OperandDescriptor desc{DataType::kFloat32, std::move(shape)};
    const size_t count = desc.ElementCount();
    return Must(b.AddConstant(desc, Weights(count, ++seed), name));
  };
  auto op = [&](OpKind kind, std::vector<OperandId> inputs, Attrs attrs, const std::string& name) {
    OperandId out = Must(b.AddOperation(kind, std::move(inputs), std::move(attrs), name)).at(0);
    b.SetOperandName(out, name);
    return out;
  };
  for (int i = 0; i < 10; ++i) {
    const std::string p = "block" + std::to_string(i) + ".";
    Conv2dAttrs conv3;
    conv3.padding = UintList{1, 1, 1, 1};
    OperandId y =
        op(OpKind::kConv2d,
           {x, constant(p + "conv1.weight", {kC, kC, 3, 3}), constant(p + "conv1.bias", {kC})},
           conv3, p + "conv1");
    y = op(OpKind::kRelu, {y}, NoAttrs{}, p + "relu");
    y = op(OpKind::kConv2d,
           {y, constant(p + "conv2.weight", {kC, kC, 1, 1}), constant(p + "conv2.bias", {kC})},
           Conv2dAttrs{}, p + "conv2");
    y = op(OpKind::kAdd, {y, constant(p + "shift", {1, kC, 1, 1})}, NoAttrs{}, p + "shift");
    ClampAttrs relu6;
    relu6.minValue = MLNumber(0.0);
    relu6.maxValue = MLNumber(6.0);
    y = op(OpKind::kClamp, {y}, relu6, p + "relu6");
    y = op(OpKind::kAdd, {y, x}, NoAttrs{}, p + "residual");
    y = op(OpKind::kReshape, {y}, NewShapeAttrs{{kC, kH * kW}}, p + "flatten");
    y = op(OpKind::kMatmul, {y, constant(p + "down.weight", {kH * kW, kC})}, NoAttrs{}, p + "down");
    y = op(OpKind::kMatmul, {y, constant(p + "up.weight", {kC, kH * kW})}, NoAttrs{}, p + "up");
    x = op(OpKind::kReshape, {y}, NewShapeAttrs{{1, kC, kH, kW}}, p + "unflatten");
  }
  return Must(b.Build({{"output", x}}));
}

Result<GraphInfo> MobileNetV2(const std::filesystem::path& models_dir) {
  return format::LoadGraphFile(models_dir / "mobilenetv2" / "mobilenetv2.json", ContextLimits{});
}

}  // namespace webnn::bench
