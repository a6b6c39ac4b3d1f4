#include "service/metrics.h"

#include <sstream>

namespace webnn::service {

namespace {

// A label value with \, " and newline escaped, as the exposition format requires.
std::string Label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// A bucket bound as Prometheus clients write it ("0.00025", "1", "10").
std::string Bound(double le) {
  std::ostringstream out;
  out << le;
  return out.str();
}

void Header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

void Metrics::Dispatched(const std::string& principal, double seconds, uint64_t bytes_in,
                         uint64_t bytes_out, bool ok) {
  std::lock_guard lock(mu_);
  Counters& c = by_principal_[principal];
  (ok ? c.ok : c.failed) += 1;
  c.bytes_in += bytes_in;
  c.bytes_out += bytes_out;
  c.seconds += seconds;
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      ++c.buckets[i];
      break;
    }
  }
}

void Metrics::Refused(const std::string& principal, std::string_view reason) {
  std::lock_guard lock(mu_);
  auto& refusals = by_principal_[principal].refusals;
  auto it = refusals.find(reason);
  if (it == refusals.end()) it = refusals.emplace(std::string(reason), 0).first;
  ++it->second;
}

std::string Metrics::Render(const std::map<std::string, LiveObjects>& live, bool draining) const {
  std::lock_guard lock(mu_);
  std::ostringstream out;
  out.precision(17);
  Header(out, "webnnd_dispatches_total", "counter", "Dispatches finished, by outcome.");
  for (const auto& [p, c] : by_principal_) {
    out << "webnnd_dispatches_total{principal=\"" << Label(p) << "\",outcome=\"ok\"} " << c.ok
        << "\nwebnnd_dispatches_total{principal=\"" << Label(p) << "\",outcome=\"error\"} "
        << c.failed << '\n';
  }
  Header(out, "webnnd_dispatch_duration_seconds", "histogram",
         "Time from a dispatch's admission to the end of its compute.");
  for (const auto& [p, c] : by_principal_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      cumulative += c.buckets[i];
      out << "webnnd_dispatch_duration_seconds_bucket{principal=\"" << Label(p) << "\",le=\""
          << Bound(kLatencyBuckets[i]) << "\"} " << cumulative << '\n';
    }
    out << "webnnd_dispatch_duration_seconds_bucket{principal=\"" << Label(p) << "\",le=\"+Inf\"} "
        << c.ok + c.failed << '\n'
        << "webnnd_dispatch_duration_seconds_sum{principal=\"" << Label(p) << "\"} " << c.seconds
        << '\n'
        << "webnnd_dispatch_duration_seconds_count{principal=\"" << Label(p) << "\"} "
        << c.ok + c.failed << '\n';
  }
  Header(out, "webnnd_dispatch_input_bytes_total", "counter", "Tensor bytes dispatches read.");
  for (const auto& [p, c] : by_principal_) {
    out << "webnnd_dispatch_input_bytes_total{principal=\"" << Label(p) << "\"} " << c.bytes_in
        << '\n';
  }
  Header(out, "webnnd_dispatch_output_bytes_total", "counter", "Tensor bytes dispatches wrote.");
  for (const auto& [p, c] : by_principal_) {
    out << "webnnd_dispatch_output_bytes_total{principal=\"" << Label(p) << "\"} " << c.bytes_out
        << '\n';
  }
  Header(out, "webnnd_refusals_total", "counter",
         "Requests and connections refused, by reason (a quota, the rate limit, the uid "
         "check, shutting down).");
  for (const auto& [p, c] : by_principal_) {
    for (const auto& [reason, n] : c.refusals) {
      out << "webnnd_refusals_total{principal=\"" << Label(p) << "\",reason=\"" << Label(reason)
          << "\"} " << n << '\n';
    }
  }
  Header(out, "webnnd_live_objects", "gauge", "What the principal holds now, by kind.");
  for (const auto& [p, l] : live) {
    const std::pair<const char*, uint64_t> kinds[] = {
        {"connections", l.connections},
        {"contexts", l.contexts},
        {"graphs", l.graphs},
        {"tensors", l.tensors},
        {"inflight_dispatches", l.inflight_dispatches}};
    for (const auto& [kind, n] : kinds) {
      out << "webnnd_live_objects{principal=\"" << Label(p) << "\",kind=\"" << kind << "\"} " << n
          << '\n';
    }
  }
  Header(out, "webnnd_live_bytes", "gauge", "Bytes the principal holds now, by kind.");
  for (const auto& [p, l] : live) {
    out << "webnnd_live_bytes{principal=\"" << Label(p) << "\",kind=\"tensor\"} " << l.tensor_bytes
        << "\nwebnnd_live_bytes{principal=\"" << Label(p) << "\",kind=\"constant\"} "
        << l.constant_bytes << '\n';
  }
  Header(out, "webnnd_draining", "gauge", "1 while the service drains after SIGTERM.");
  out << "webnnd_draining " << (draining ? 1 : 0) << '\n';
  return out.str();
}

}  // namespace webnn::service
