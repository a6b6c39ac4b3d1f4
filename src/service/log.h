// The service's log: one line per event on a stream (stderr for webnnd), each with a UTC
// timestamp and a level. A Logger is an object handed to what logs, not a global, so a test or
// a worker process can have its own.
#pragma once

#include <atomic>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace webnn::service {

enum class LogLevel : int { kError = 0, kWarning = 1, kInfo = 2, kDebug = 3 };

// "error", "warning", "info", "debug" (what --log-level and "logLevel" take).
std::optional<LogLevel> ParseLogLevel(std::string_view name);
const char* LogLevelName(LogLevel level);

class Logger {
 public:
  explicit Logger(LogLevel level = LogLevel::kInfo, std::ostream& out = std::cerr)
      : level_(level), out_(&out) {}

  LogLevel level() const { return level_.load(std::memory_order_relaxed); }
  // A reload (SIGHUP) changes the level while other threads log.
  void SetLevel(LogLevel level) { level_.store(level, std::memory_order_relaxed); }
  bool Enabled(LogLevel level) const {
    return static_cast<int>(level) <= static_cast<int>(this->level());
  }

  // Names the process in every line: "<time> webnnd[TAG] <level>: ..." (a worker's
  // "worker 4242 uid 1000"). Set before other threads log.
  void SetTag(std::string tag) { tag_ = std::move(tag); }

  // Writes one line "<time> webnnd <level>: <args...>" if `level` is enabled.
  template <typename... Args>
  void Log(LogLevel level, const Args&... args) const {
    if (!Enabled(level)) return;
    std::ostringstream line;
    (line << ... << args);
    Write(level, line.str());
  }
  template <typename... Args>
  void Error(const Args&... args) const {
    Log(LogLevel::kError, args...);
  }
  template <typename... Args>
  void Warning(const Args&... args) const {
    Log(LogLevel::kWarning, args...);
  }
  template <typename... Args>
  void Info(const Args&... args) const {
    Log(LogLevel::kInfo, args...);
  }
  template <typename... Args>
  void Debug(const Args&... args) const {
    Log(LogLevel::kDebug, args...);
  }

 private:
  void Write(LogLevel level, const std::string& message) const;

  std::atomic<LogLevel> level_;
  std::ostream* out_;
  std::string tag_;
  mutable std::mutex mu_;  // lines from the event loop and the channel threads do not interleave
};

}  // namespace webnn::service
