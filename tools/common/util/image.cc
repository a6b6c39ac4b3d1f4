#include "util/image.h"

#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "util/file_check.h"

namespace webnn::image {
namespace {

Result<Image> DecodePng(std::span<const std::byte> file, uint32_t channels) {
  png_image img;
  std::memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&img, file.data(), file.size())) {
    return MakeError(ErrorCode::kDataError, "PNG: ", img.message);
  }
  img.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  if (img.width == 0 || img.height == 0 || img.width > 16384 || img.height > 16384) {
    png_image_free(&img);
    return MakeError(ErrorCode::kDataError, "PNG: unsupported size ", img.width, "x", img.height);
  }
  Image out{img.width, img.height, channels, {}};
  out.pixels.resize(PNG_IMAGE_SIZE(img));
  if (!png_image_finish_read(&img, nullptr, out.pixels.data(), 0, nullptr)) {
    std::string msg = img.message;
    png_image_free(&img);
    return MakeError(ErrorCode::kDataError, "PNG: ", msg);
  }
  return out;
}

struct JpegError {
  jpeg_error_mgr mgr;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void OnJpegError(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}

// libjpeg prints warnings (a truncated file's "Premature end of JPEG file", corrupt data) on
// stderr and goes on with made-up pixels; an input image with either is refused instead.
void OnJpegMessage(j_common_ptr cinfo, int msg_level) {
  if (msg_level < 0) OnJpegError(cinfo);
}

Result<Image> DecodeJpeg(std::span<const std::byte> file, uint32_t channels) {
  jpeg_decompress_struct cinfo;
  JpegError err;
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = OnJpegError;
  err.mgr.emit_message = OnJpegMessage;
  Image out;
  // No C++ objects with destructors may be created between setjmp and a longjmp to it.
  std::vector<uint8_t>* pixels = &out.pixels;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return MakeError(ErrorCode::kDataError, "JPEG: truncated or corrupt (", err.message, ")");
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(file.data()),
               static_cast<unsigned long>(file.size()));
  jpeg_read_header(&cinfo, TRUE);
  // The size the header declares, before jpeg_start_decompress: for a progressive file that
  // call allocates coefficient buffers for the whole image (a 341-byte file declaring 532
  // million pixels took seconds and gigabytes there).
  if (cinfo.image_width == 0 || cinfo.image_height == 0 || cinfo.image_width > 16384 ||
      cinfo.image_height > 16384) {
    const uint32_t w = cinfo.image_width, h = cinfo.image_height;
    jpeg_destroy_decompress(&cinfo);
    return MakeError(ErrorCode::kDataError, "JPEG: unsupported size ", w, "x", h);
  }
  cinfo.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&cinfo);
  if (cinfo.output_width == 0 || cinfo.output_height == 0 || cinfo.output_width > 16384 ||
      cinfo.output_height > 16384) {
    jpeg_destroy_decompress(&cinfo);
    return MakeError(ErrorCode::kDataError, "JPEG: unsupported size");
  }
  out.width = cinfo.output_width;
  out.height = cinfo.output_height;
  out.channels = channels;
  pixels->resize(size_t{out.width} * out.height * channels);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = pixels->data() + size_t{cinfo.output_scanline} * out.width * channels;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return out;
}

}  // namespace

Result<Image> Decode(std::span<const std::byte> file, uint32_t channels) {
  if (channels != 1 && channels != 3) {
    return MakeError(ErrorCode::kTypeError, "image: channels must be 1 or 3, got ", channels);
  }
  if (file.size() >= 8 && std::memcmp(file.data(), "\x89PNG\r\n\x1a\n", 8) == 0) {
    return DecodePng(file, channels);
  }
  if (file.size() >= 3 && std::memcmp(file.data(), "\xFF\xD8\xFF", 3) == 0) {
    return DecodeJpeg(file, channels);
  }
  return MakeError(ErrorCode::kDataError, "image: not a PNG or JPEG file");
}

Result<Image> Load(const std::filesystem::path& path, uint32_t channels) {
  WEBNN_RETURN_IF_ERROR(util::CheckReadableFile(path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kUnknownError, "cannot open ", path.string());
  std::vector<char> buf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto r = Decode(std::as_bytes(std::span(buf)), channels);
  if (!r.ok()) r.error().Prefix(path.string());
  return r;
}

TensorOptions ImageNetNormalization() {
  return {1.0f / 255.0f, {0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
}

Result<std::vector<std::byte>> ToTensor(const Image& image, const OperandDescriptor& desc,
                                        const TensorOptions& options) {
  if (desc.dataType != DataType::kFloat32 || desc.rank() != 4 || desc.shape[0] != 1) {
    return MakeError(ErrorCode::kTypeError,
                     "image input needs a float32 [1,C,H,W] or [1,H,W,C] "
                     "tensor, the graph has ",
                     DescriptorToString(desc));
  }
  const bool nchw = desc.shape[1] == image.channels;
  const bool nhwc = !nchw && desc.shape[3] == image.channels;
  if (!nchw && !nhwc) {
    return MakeError(ErrorCode::kTypeError, "image has ", image.channels, " channels; the input ",
                     DescriptorToString(desc), " does not");
  }
  const uint32_t c = image.channels;
  const uint32_t h = nchw ? desc.shape[2] : desc.shape[1];
  const uint32_t w = nchw ? desc.shape[3] : desc.shape[2];
  std::vector<float> out(size_t{c} * h * w);
  for (uint32_t y = 0; y < h; ++y) {
    // Bilinear with half-pixel centers.
    const float sy = std::clamp((y + 0.5f) * image.height / h - 0.5f, 0.0f, image.height - 1.0f);
    const uint32_t y0 = static_cast<uint32_t>(sy);
    const uint32_t y1 = std::min(y0 + 1, image.height - 1);
    const float fy = sy - y0;
    for (uint32_t x = 0; x < w; ++x) {
      const float sx = std::clamp((x + 0.5f) * image.width / w - 0.5f, 0.0f, image.width - 1.0f);
      const uint32_t x0 = static_cast<uint32_t>(sx);
      const uint32_t x1 = std::min(x0 + 1, image.width - 1);
      const float fx = sx - x0;
      for (uint32_t ch = 0; ch < c; ++ch) {
        auto px = [&](uint32_t yy, uint32_t xx) {
          return static_cast<float>(image.pixels[(size_t{yy} * image.width + xx) * c + ch]);
        };
        const float v = (px(y0, x0) * (1 - fx) + px(y0, x1) * fx) * (1 - fy) +
                        (px(y1, x0) * (1 - fx) + px(y1, x1) * fx) * fy;
        const float mean = ch < options.mean.size() ? options.mean[ch] : 0.0f;
        const float sd = ch < options.std.size() ? options.std[ch] : 1.0f;
        const float value = (v * options.scale - mean) / sd;
        const size_t index = nchw ? (size_t{ch} * h + y) * w + x : (size_t{y} * w + x) * c + ch;
        out[index] = value;
      }
    }
  }
  std::vector<std::byte> bytes(out.size() * sizeof(float));
  std::memcpy(bytes.data(), out.data(), bytes.size());
  return bytes;
}

}  // namespace webnn::image
