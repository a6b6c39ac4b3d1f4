// Fuzzes the PNG/JPEG decoder (src/util/image: libpng, libjpeg-turbo) and the conversion of a
// decoded image to an input tensor (bilinear resize, normalization). An odd-sized input is
// decoded to grey, an even-sized one to RGB.
#include <cstdint>
#include <cstdlib>
#include <iostream>

#include "fuzz_util.h"
#include "util/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace webnn;
  const uint32_t channels = size % 2 == 1 ? 1 : 3;
  Result<image::Image> img = image::Decode(fuzz::Bytes(data, size), channels);
  if (!img.ok()) return 0;
  if (img->channels != channels ||
      img->pixels.size() != size_t{img->width} * img->height * img->channels) {
    std::cerr << "image_fuzzer: a decoded image's pixels do not match its size\n";
    std::abort();
  }
  OperandDescriptor desc{DataType::kFloat32, {1, channels, 7, 5}};
  Result<std::vector<std::byte>> tensor =
      image::ToTensor(*img, desc, image::ImageNetNormalization());
  if (channels == 3 && (!tensor.ok() || tensor->size() != desc.ByteLength())) {
    std::cerr << "image_fuzzer: a decoded image does not convert to a tensor\n";
    std::abort();
  }
  return 0;
}
