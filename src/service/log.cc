#include "service/log.h"

#include <ctime>

namespace webnn::service {

namespace {
constexpr const char* kLevelNames[] = {"error", "warning", "info", "debug"};
}  // namespace

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  for (int i = 0; i < 4; ++i) {
    if (name == kLevelNames[i]) return static_cast<LogLevel>(i);
  }
  return std::nullopt;
}

const char* LogLevelName(LogLevel level) { return kLevelNames[static_cast<int>(level)]; }

void Logger::Write(LogLevel level, const std::string& message) const {
  char when[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::string line = std::string(when) + " webnnd" + (tag_.empty() ? "" : "[" + tag_ + "]") + " " +
                     LogLevelName(level) + ": " + message + "\n";
  std::lock_guard lock(mu_);
  *out_ << line << std::flush;
}

}  // namespace webnn::service
