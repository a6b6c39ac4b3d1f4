// What the service counts for its metrics endpoint (Prometheus text exposition format 0.0.4,
// https://prometheus.io/docs/instrumenting/exposition_formats/): dispatches and their latency
// histogram, the tensor bytes dispatches read and wrote, refusals by reason, per principal.
// The live objects are read from the clients when the page is rendered.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace webnn::service {

// What one principal holds right now (gauges).
struct LiveObjects {
  uint64_t connections = 0, contexts = 0, graphs = 0, tensors = 0, tensor_bytes = 0,
           constant_bytes = 0, inflight_dispatches = 0;
};

class Metrics {
 public:
  // Upper bounds of the latency histogram's buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 1.0, 10.0};

  // Thread-safe: the dispatch channel threads record too.
  void Dispatched(const std::string& principal, double seconds, uint64_t bytes_in,
                  uint64_t bytes_out, bool ok);
  void Refused(const std::string& principal, std::string_view reason);

  // The exposition page: the counters, and `live` (per principal) as gauges.
  std::string Render(const std::map<std::string, LiveObjects>& live, bool draining) const;

 private:
  struct Counters {
    uint64_t ok = 0, failed = 0, bytes_in = 0, bytes_out = 0;
    std::array<uint64_t, kLatencyBuckets.size()> buckets{};  // not cumulative
    double seconds = 0;
    std::map<std::string, uint64_t, std::less<>> refusals;
  };
  mutable std::mutex mu_;
  std::map<std::string, Counters, std::less<>> by_principal_;
};

}  // namespace webnn::service
