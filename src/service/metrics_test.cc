#include "service/metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace webnn::service {
namespace {

TEST(Metrics, HistogramBucketsAreCumulativeAndCountEveryDispatch) {
  Metrics m;
  m.Dispatched("uid 7", 0.00005, 8, 4, true);  // the first bucket
  m.Dispatched("uid 7", 0.003, 8, 4, true);    // le 0.005
  m.Dispatched("uid 7", 100.0, 8, 4, false);   // only +Inf
  const std::string page = m.Render({}, false);
  auto has = [&](const std::string& line) {
    EXPECT_NE(page.find(line + "\n"), std::string::npos) << line << "\n" << page;
  };
  has(R"(webnnd_dispatches_total{principal="uid 7",outcome="ok"} 2)");
  has(R"(webnnd_dispatches_total{principal="uid 7",outcome="error"} 1)");
  has(R"(webnnd_dispatch_duration_seconds_bucket{principal="uid 7",le="0.0001"} 1)");
  has(R"(webnnd_dispatch_duration_seconds_bucket{principal="uid 7",le="0.0025"} 1)");
  has(R"(webnnd_dispatch_duration_seconds_bucket{principal="uid 7",le="0.005"} 2)");
  has(R"(webnnd_dispatch_duration_seconds_bucket{principal="uid 7",le="10"} 2)");
  has(R"(webnnd_dispatch_duration_seconds_bucket{principal="uid 7",le="+Inf"} 3)");
  has(R"(webnnd_dispatch_duration_seconds_count{principal="uid 7"} 3)");
  has(R"(webnnd_dispatch_input_bytes_total{principal="uid 7"} 24)");
  has(R"(webnnd_dispatch_output_bytes_total{principal="uid 7"} 12)");
  has("webnnd_draining 0");
}

TEST(Metrics, RefusalsByReasonLiveObjectsAndEscapedLabels) {
  Metrics m;
  m.Refused("token", "rate limit");
  m.Refused("token", "rate limit");
  m.Refused("a\"b\\c", "tensor bytes");
  LiveObjects l;
  l.connections = 2;
  l.graphs = 3;
  l.tensor_bytes = 4096;
  const std::string page = m.Render({{"uid 1", l}}, true);
  auto has = [&](const std::string& line) {
    EXPECT_NE(page.find(line + "\n"), std::string::npos) << line << "\n" << page;
  };
  has(R"(webnnd_refusals_total{principal="token",reason="rate limit"} 2)");
  has(R"(webnnd_refusals_total{principal="a\"b\\c",reason="tensor bytes"} 1)");
  has(R"(webnnd_live_objects{principal="uid 1",kind="connections"} 2)");
  has(R"(webnnd_live_objects{principal="uid 1",kind="graphs"} 3)");
  has(R"(webnnd_live_bytes{principal="uid 1",kind="tensor"} 4096)");
  has("webnnd_draining 1");
  // Every metric is introduced by its HELP and TYPE lines.
  for (const char* name : {"webnnd_dispatches_total", "webnnd_dispatch_duration_seconds",
                           "webnnd_refusals_total", "webnnd_live_objects", "webnnd_draining"}) {
    EXPECT_NE(page.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace webnn::service
