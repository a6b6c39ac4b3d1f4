#include "profile_report.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <numeric>

#include <nlohmann/json.hpp>

namespace webnn::cli {

void PrintProfileTable(const MLGraphProfile& profile, std::ostream& out) {
  std::vector<size_t> order(profile.steps.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return profile.steps[a].totalMs > profile.steps[b].totalMs;
  });
  double total = 0;
  for (const MLStepTiming& s : profile.steps) total += s.totalMs;
  out << "per-step times (" << profile.steps.size() << " steps, most expensive first):\n";
  out << std::right << std::setw(12) << "total ms" << std::setw(12) << "mean ms" << std::setw(8)
      << "%" << std::setw(8) << "calls"
      << "  step\n";
  for (size_t i : order) {
    const MLStepTiming& s = profile.steps[i];
    const double mean = s.calls ? s.totalMs / static_cast<double>(s.calls) : 0;
    out << std::fixed << std::setprecision(3) << std::setw(12) << s.totalMs << std::setw(12) << mean
        << std::setprecision(1) << std::setw(8) << (total > 0 ? 100 * s.totalMs / total : 0)
        << std::setw(8) << s.calls << "  #" << i << " " << s.name << "\n";
  }
  out << std::fixed << std::setprecision(3) << std::setw(12) << total << "  (all steps)\n";
}

Status WriteChromeTrace(const MLGraphProfile& profile, const std::string& path) {
  nlohmann::json events = nlohmann::json::array();
  for (const MLStepEvent& e : profile.events) {
    const std::string& name = e.step < profile.steps.size() ? profile.steps[e.step].name : "?";
    events.push_back({{"name", name},
                      {"cat", "step"},
                      {"ph", "X"},
                      {"ts", e.beginUs},
                      {"dur", e.durationUs},
                      {"pid", 1},
                      {"tid", e.thread},
                      {"args", {{"step", e.step}}}});
  }
  const nlohmann::json trace = {{"traceEvents", std::move(events)}, {"displayTimeUnit", "ms"}};
  std::ofstream out(path, std::ios::trunc);
  if (!out) {
    return MakeError(ErrorCode::kUnknownError, "--trace ", path, ": ", std::strerror(errno));
  }
  out << trace.dump() << "\n";
  out.close();
  if (!out) {
    return MakeError(ErrorCode::kUnknownError, "--trace ", path, ": ", std::strerror(errno));
  }
  return {};
}

}  // namespace webnn::cli
