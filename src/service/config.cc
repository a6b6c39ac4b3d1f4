#include "service/config.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include "format/json/json_util.h"

#include "backend/backend.h"
#include "service/common.h"

namespace webnn::service {

Result<uint64_t> ParseUnsigned(std::string_view what, std::string_view text, uint64_t min,
                               uint64_t max) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, 10);
  if (text.empty() || ec == std::errc::invalid_argument || ptr != end) {
    return MakeError(ErrorCode::kDataError, what, ": '", text, "' is not a whole number");
  }
  if (ec == std::errc::result_out_of_range || value < min || value > max) {
    return MakeError(ErrorCode::kDataError, what, ": ", text, " is out of range (", min, " to ",
                     max, ")");
  }
  return value;
}

namespace {

class ConfigParser {
 public:
  ConfigParser(const std::string& source, ServerConfig& config)
      : source_(source), config_(config) {}

  Status Parse(const json_util::Json& j) {
    if (!j.is_object())
      return MakeError(ErrorCode::kDataError, "config ", source_, ": not an object");
    for (const auto& [key, v] : j.items()) WEBNN_RETURN_IF_ERROR(Key(key, v));
    return {};
  }

 private:
  Error Fail(const std::string& key, const std::string& why) const {
    return MakeError(ErrorCode::kDataError, "config ", source_, ": ", key, ": ", why);
  }

  // An integer in [min, max]; fractions, negatives and other types are errors.
  Result<uint64_t> Integer(const json_util::Json& v, const std::string& key, uint64_t min,
                           uint64_t max) const {
    if (!v.is_number_integer()) return Fail(key, "expected a whole number, got " + v.dump());
    if (v.is_number_unsigned()) {
      const uint64_t u = v.get<uint64_t>();
      if (u >= min && u <= max) return u;
    } else if (const int64_t i = v.get<int64_t>();
               i >= 0 && static_cast<uint64_t>(i) >= min && static_cast<uint64_t>(i) <= max) {
      return static_cast<uint64_t>(i);
    }
    std::ostringstream why;
    why << v.dump() << " is out of range (" << min << " to " << max << ")";
    return Fail(key, why.str());
  }

  // A finite number in (0, max] (a rate, a bucket size).
  Result<double> Positive(const json_util::Json& v, const std::string& key, double max) const {
    if (!v.is_number()) return Fail(key, "expected a number, got " + v.dump());
    const double d = v.get<double>();
    if (!(std::isfinite(d) && d > 0 && d <= max)) {
      std::ostringstream why;
      why << v.dump() << " is out of range (above 0, at most " << max << ")";
      return Fail(key, why.str());
    }
    return d;
  }

  Status Key(const std::string& key, const json_util::Json& v) {
    if (key == "listen") {
      if (!v.is_array()) return Fail(key, "expected a list of endpoints");
      config_.listen.clear();
      for (const auto& e : v) {
        if (!e.is_string()) return Fail(key, "expected strings, got " + e.dump());
        auto ep = ParseEndpoint(e.get<std::string>());
        if (!ep.ok()) return Fail(key, ep.error().message());
        config_.listen.push_back(e.get<std::string>());
      }
    } else if (key == "allowedUids") {
      if (!v.is_array()) return Fail(key, "expected a list of uids");
      config_.allowed_uids.clear();
      for (const auto& e : v) {
        WEBNN_ASSIGN_OR_RETURN(uint64_t u, Integer(e, key, 0, kMaxUid));
        config_.allowed_uids.push_back(static_cast<uint32_t>(u));
      }
    } else if (key == "tokenFile") {
      if (!v.is_string() || v.get<std::string>().empty()) return Fail(key, "expected a path");
      config_.token_file = v.get<std::string>();
    } else if (key == "threads") {
      WEBNN_ASSIGN_OR_RETURN(uint64_t n, Integer(v, key, 0, kMaxThreads));
      config_.threads = static_cast<unsigned>(n);
    } else if (key == "backends") {
      if (!v.is_array() || v.empty()) return Fail(key, "expected a non-empty list of backends");
      config_.backends.clear();
      for (const auto& e : v) {
        if (!e.is_string()) return Fail(key, "expected backend names, got " + e.dump());
        if (auto b = backend::MakeBackend(e.get<std::string>()); !b.ok()) {
          return Fail(key, b.error().message());
        }
        config_.backends.push_back(e.get<std::string>());
      }
    } else if (key == "intraOpThreads") {
      WEBNN_ASSIGN_OR_RETURN(uint64_t n, Integer(v, key, 0, kMaxThreads));
      config_.intra_op_threads = static_cast<uint32_t>(n);
    } else if (key == "maxConnections") {
      WEBNN_ASSIGN_OR_RETURN(uint64_t n, Integer(v, key, 1, kMaxConnections));
      config_.max_connections = static_cast<uint32_t>(n);
    } else if (key == "maxWorkers") {
      WEBNN_ASSIGN_OR_RETURN(uint64_t n, Integer(v, key, 1, kMaxWorkers));
      config_.max_workers = static_cast<uint32_t>(n);
    } else if (key == "drainTimeoutSeconds") {
      WEBNN_ASSIGN_OR_RETURN(uint64_t n, Integer(v, key, 0, kMaxDrainTimeoutSeconds));
      config_.drain_timeout_seconds = static_cast<uint32_t>(n);
    } else if (key == "metrics") {
      if (!v.is_string()) return Fail(key, "expected an endpoint tcp:HOST:PORT");
      auto ep = ParseEndpoint(v.get<std::string>());
      if (!ep.ok()) return Fail(key, ep.error().message());
      if (ep.value().kind != Endpoint::Kind::kTcp) return Fail(key, "expected tcp:HOST:PORT");
      config_.metrics = v.get<std::string>();
    } else if (key == "maxPendingConnections") {
      WEBNN_ASSIGN_OR_RETURN(uint64_t n, Integer(v, key, 1, kMaxConnections));
      config_.max_pending_connections = static_cast<uint32_t>(n);
    } else if (key == "maxPendingPerAddress") {
      WEBNN_ASSIGN_OR_RETURN(uint64_t n, Integer(v, key, 1, kMaxConnections));
      config_.max_pending_per_address = static_cast<uint32_t>(n);
    } else if (key == "authTimeoutMs") {
      WEBNN_ASSIGN_OR_RETURN(uint64_t n, Integer(v, key, 1, 3600 * 1000));
      config_.auth_timeout_ms = static_cast<uint32_t>(n);
    } else if (key == "maxUnauthenticatedMessageBytes") {
      WEBNN_ASSIGN_OR_RETURN(uint64_t n, Integer(v, key, 1024, uint64_t{64} << 20));
      config_.max_unauthenticated_message_bytes = n;
    } else if (key == "maxMessageBytes") {
      WEBNN_ASSIGN_OR_RETURN(uint64_t n, Integer(v, key, uint64_t{1} << 20, uint64_t{1} << 30));
      config_.max_message_bytes = n;
    } else if (key == "idleTimeoutSeconds") {
      WEBNN_ASSIGN_OR_RETURN(uint64_t n, Integer(v, key, 0, 30 * 24 * 3600));
      config_.idle_timeout_seconds = static_cast<uint32_t>(n);
    } else if (key == "logLevel") {
      const auto level = v.is_string() ? ParseLogLevel(v.get<std::string>()) : std::nullopt;
      if (!level) return Fail(key, "expected error, warning, info or debug, got " + v.dump());
      config_.log_level = *level;
    } else if (key == "limits") {
      if (!v.is_object()) return Fail(key, "expected an object");
      for (const auto& [name, value] : v.items()) {
        WEBNN_RETURN_IF_ERROR(Limit("limits." + name, name, value));
      }
    } else {
      return Fail(key, "unknown key");
    }
    return {};
  }

  Status Limit(const std::string& key, const std::string& name, const json_util::Json& v) {
    constexpr uint64_t kU64 = std::numeric_limits<uint64_t>::max();
    constexpr uint64_t kU32 = std::numeric_limits<uint32_t>::max();
    ClientLimits& l = config_.limits;
    auto set64 = [&](uint64_t& field) -> Status {
      WEBNN_ASSIGN_OR_RETURN(field, Integer(v, key, 0, kU64));
      return {};
    };
    auto set32 = [&](uint32_t& field) -> Status {
      WEBNN_ASSIGN_OR_RETURN(uint64_t n, Integer(v, key, 0, kU32));
      field = static_cast<uint32_t>(n);
      return {};
    };
    if (name == "maxTensorBytes") return set64(l.max_tensor_bytes);
    if (name == "maxConstantBytes") return set64(l.max_constant_bytes);
    if (name == "maxTensorByteLength") return set64(l.max_tensor_byte_length);
    if (name == "maxGraphs") return set32(l.max_graphs);
    if (name == "maxTensors") return set32(l.max_tensors);
    if (name == "maxContexts") return set32(l.max_contexts);
    if (name == "maxInflightDispatches") return set32(l.max_inflight_dispatches);
    if (name == "maxGraphMemoryBytes") return set64(l.max_graph_memory_bytes);
    if (name == "maxGraphWork") {
      WEBNN_ASSIGN_OR_RETURN(l.max_graph_work, Integer(v, key, 1, kU64));
      return {};
    }
    if (name == "requestsPerSecond") {
      WEBNN_ASSIGN_OR_RETURN(l.requests_per_second, Positive(v, key, 1e12));
      return {};
    }
    if (name == "requestBurst") {
      WEBNN_ASSIGN_OR_RETURN(double d, Positive(v, key, 1e12));
      l.request_burst = std::max(1.0, d);
      return {};
    }
    return Fail(key, "unknown limit");
  }

  const std::string& source_;
  ServerConfig& config_;
};

}  // namespace

Status ParseServerConfig(std::string_view text, const std::string& source, ServerConfig& config) {
  WEBNN_ASSIGN_OR_RETURN(json_util::Json j, json_util::ParseStrict(text, "config " + source));
  try {
    return ConfigParser(source, config).Parse(j);
  } catch (const nlohmann::json::exception& e) {
    // A value of the wrong JSON type: keep the reason, without the library's "[json.exception...]"
    std::string_view msg = e.what();
    if (size_t pos = msg.find("] "); pos != std::string_view::npos) msg.remove_prefix(pos + 2);
    return MakeError(ErrorCode::kDataError, "config ", source, ": ", msg);
  }
}

Status LoadServerConfig(const std::string& path, ServerConfig& config) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kUnknownError, "config ", path, ": cannot open it");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return MakeError(ErrorCode::kUnknownError, "config ", path, ": cannot read it");
  return ParseServerConfig(text.str(), path, config);
}

}  // namespace webnn::service
