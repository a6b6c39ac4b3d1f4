// End-to-end: the real pretrained models in models/ through the public API.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "util/image.h"
#include "util/npy.h"
#include "webnn/webnn.h"

namespace webnn {
namespace {

const std::filesystem::path kModels = std::filesystem::path(WEBNN_SOURCE_DIR) / "models";

TEST(Models, LeNetClassifiesEveryDigit) {
  auto context = ML().createContext();
  MLGraph graph = context->loadGraph((kModels / "lenet" / "lenet.json").string());
  auto inputs = graph.inputDescriptors();
  ASSERT_EQ(inputs.size(), 1u);
  const auto& [name, desc] = *inputs.begin();
  for (int digit = 0; digit < 10; ++digit) {
    auto img = image::Load(kModels / "lenet" / ("digit_" + std::to_string(digit) + ".png"), 1);
    ASSERT_TRUE(img.ok()) << img.error().ToString();
    auto bytes = image::ToTensor(*img, desc, {});
    ASSERT_TRUE(bytes.ok()) << bytes.error().ToString();
    HostTensors out = context->compute(graph, {{name, HostTensor{desc, *bytes}}});
    std::vector<float> p = out.at("probabilities").ToFloats();
    ASSERT_EQ(p.size(), 10u);
    const auto best = std::max_element(p.begin(), p.end()) - p.begin();
    EXPECT_EQ(best, digit);
    EXPECT_GT(p[static_cast<size_t>(best)], 0.99f) << "digit " << digit;
  }
}

TEST(Models, MobileNetV2MatchesOnnxRuntime) {
  auto context = ML().createContext();
  MLGraph graph = context->loadGraph((kModels / "mobilenetv2" / "mobilenetv2.json").string());
  auto input = npy::Load(kModels / "mobilenetv2" / "input.npy");
  ASSERT_TRUE(input.ok()) << input.error().ToString();
  auto reference = npy::Load(kModels / "mobilenetv2" / "reference_features.npy");
  ASSERT_TRUE(reference.ok()) << reference.error().ToString();
  const std::string in_name = graph.inputDescriptors().begin()->first;
  HostTensors out = context->compute(graph, {{in_name, HostTensor{input->desc, input->bytes}}});
  const HostTensor& features = out.at("features");
  ASSERT_EQ(features.desc, reference->desc);
  std::vector<float> got = features.ToFloats();
  std::vector<float> want = HostTensor{reference->desc, reference->bytes}.ToFloats();
  double max_ref = 0, max_diff = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    max_ref = std::max(max_ref, std::fabs(double{want[i]}));
    max_diff = std::max(max_diff, std::fabs(double{got[i]} - want[i]));
  }
  ASSERT_GT(max_ref, 0.1);
  // Relative to the largest feature: the features are ReLU6 outputs averaged, many near 0.
  EXPECT_LE(max_diff / max_ref, 1e-4) << "max |ours - ORT| = " << max_diff;
}

}  // namespace
}  // namespace webnn
