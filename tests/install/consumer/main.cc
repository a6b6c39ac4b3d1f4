// A program outside the webnn tree: builds y = relu(x * w + b) with the installed headers,
// computes it on the default backend and on the reference kernels, and checks the numbers
// against the same formula evaluated here. Exit 0 when everything agrees.
#include <webnn/version.h>
#include <webnn/webnn.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

std::vector<float> Compute(const char* backend, const std::vector<float>& x,
                           const std::vector<float>& w, const std::vector<float>& b) {
  webnn::MLContextOptions options;
  options.backend = backend;
  auto context = webnn::ML().createContext(options);
  webnn::MLGraphBuilder builder(context);
  auto in = builder.input("x", {webnn::DataType::kFloat32, {2, 3}});
  auto weight = builder.constant({webnn::DataType::kFloat32, {2, 3}},
                                 std::as_bytes(std::span<const float>(w)));
  auto bias = builder.constant({webnn::DataType::kFloat32, {2, 3}},
                               std::as_bytes(std::span<const float>(b)));
  auto y = builder.relu(builder.add(builder.mul(in, weight), bias));
  webnn::MLGraph graph = builder.build({{"y", y}});
  auto outputs = context->compute(graph, {{"x", webnn::HostTensor::FromFloats({2, 3}, x)}});
  return outputs.at("y").ToFloats();
}

}  // namespace

int main() {
  if (std::strcmp(webnn::RuntimeVersion(), WEBNN_VERSION_STRING) != 0) {
    std::fprintf(stderr, "headers are %s but the library is %s\n", WEBNN_VERSION_STRING,
                 webnn::RuntimeVersion());
    return 1;
  }
  const std::vector<float> x{-2.0f, -1.0f, 0.0f, 0.5f, 1.0f, 2.0f};
  const std::vector<float> w{1.5f, 2.0f, -1.0f, 4.0f, -3.0f, 0.25f};
  const std::vector<float> b{0.5f, 0.5f, 0.5f, -1.0f, 1.0f, 0.0f};
  int failures = 0;
  for (const char* backend : {"onednn", "reference"}) {
    std::vector<float> y;
    try {
      y = Compute(backend, x, w, b);
    } catch (const webnn::Exception& e) {
      std::fprintf(stderr, "%s: %s\n", backend, e.error().ToString().c_str());
      return 1;
    }
    if (y.size() != x.size()) {
      std::fprintf(stderr, "%s: %zu values, expected %zu\n", backend, y.size(), x.size());
      return 1;
    }
    for (size_t i = 0; i < x.size(); ++i) {
      const float expected = std::fmax(0.0f, x[i] * w[i] + b[i]);
      if (std::fabs(y[i] - expected) > 1e-6f) {
        std::fprintf(stderr, "%s: y[%zu] = %g, expected %g\n", backend, i, y[i], expected);
        ++failures;
      }
    }
    std::printf("%s:", backend);
    for (float v : y) std::printf(" %g", v);
    std::printf("\n");
  }
  std::printf("webnn %s\n", webnn::RuntimeVersion());
  return failures == 0 ? 0 : 1;
}
