// PNG and JPEG decoding (libpng, libjpeg-turbo) into input tensors, for the CLI and the demo.
#pragma once

#include <filesystem>
#include <span>
#include <vector>

#include "webnn/error.h"
#include "webnn/types.h"

namespace webnn::image {

struct Image {
  uint32_t width = 0;
  uint32_t height = 0;
  uint32_t channels = 0;  // 1 (grey) or 3 (RGB)
  std::vector<uint8_t> pixels;  // row-major, interleaved channels
};

// Decodes a PNG or JPEG (told apart by content) to grey (channels = 1) or RGB (3).
Result<Image> Decode(std::span<const std::byte> file, uint32_t channels);
Result<Image> Load(const std::filesystem::path& path, uint32_t channels);

struct TensorOptions {
  // value = (pixel * scale - mean[c]) / std[c]
  float scale = 1.0f;
  std::vector<float> mean;  // empty: 0
  std::vector<float> std;   // empty: 1
};
// ImageNet normalization of torchvision: scale 1/255, mean [0.485,0.456,0.406], std [0.229,...].
TensorOptions ImageNetNormalization();

// Converts an image to a float32 tensor of `desc` (NCHW [1,C,H,W] or NHWC [1,H,W,C], C = 1 or
// 3), resizing with bilinear interpolation when the size differs.
Result<std::vector<std::byte>> ToTensor(const Image& image, const OperandDescriptor& desc,
                                        const TensorOptions& options);

}  // namespace webnn::image
