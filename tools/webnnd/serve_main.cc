#include "serve_main.h"

#include <kj/exception.h>

#include <iostream>

#include "service/common.h"
#include "service/log.h"
#include "service/sandbox.h"
#include "service/server.h"

namespace webnn::service {

namespace {

void Usage(std::ostream& out) {
  out << "usage: webnnd [--listen unix:PATH | --listen tcp:HOST:PORT]... [--config FILE]\n"
         "              [--token-file FILE] [--threads N] [--log-level LEVEL]\n"
         "              [--user NAME | --allow-root] [--no-sandbox]\n"
         "\n"
         "The WebNN service: runs WebNN graphs for clients that connect over a Unix socket\n"
         "(or TCP) with Cap'n Proto RPC; tensors travel through shared memory.\n"
         "\n"
         "  --listen EP       an endpoint (repeatable). Default: unix:"
      << DefaultSocketPath()
      << "\n"
         "                    (its directory is created with mode 0700). TCP binds the given\n"
         "                    host: use 127.0.0.1 unless remote clients are meant to connect.\n"
         "  --config FILE     JSON settings; command-line flags override them. Keys:\n"
         "                    listen [..], allowedUids [..], tokenFile, threads, logLevel,\n"
         "                    backends [..] (the backends clients may ask for, first = the\n"
         "                    default; default [\"onednn\", \"reference\"]), intraOpThreads\n"
         "                    (the most threads one dispatch may use; 0 = one per core),\n"
         "                    maxConnections, limits {maxTensorBytes, maxConstantBytes,\n"
         "                    maxTensorByteLength, maxGraphs, maxTensors, maxContexts,\n"
         "                    maxInflightDispatches, requestsPerSecond, requestBurst}\n"
         "                    (limits are per client: a uid, or the\n"
         "                    token holder).\n"
         "  --token-file FILE the access token TCP clients must present (mode 0600)\n"
         "  --allow-uid UID   accept Unix peers with this uid (repeatable). Without any,\n"
         "                    only the service's own uid is accepted; with some, only those\n"
         "  --threads N       worker threads and compute cores for all clients (default: one\n"
         "                    per core); dispatches share the cores first come, first served\n"
         "  --log-level L     error, warning, info (default) or debug; logs go to stderr,\n"
         "                    one line per event, naming the client (uid/pid or address)\n"
         "  --user NAME       started as root, run as this user once the sockets are bound\n"
         "                    (default: the user 'webnn' if it exists)\n"
         "  --allow-root      started as root with no such user, stay root (without any\n"
         "                    capability) instead of refusing to start\n"
         "  --no-sandbox      do not sandbox the process (debugging only; logged loudly).\n"
         "                    By default, after start-up webnnd gives up its user (as root),\n"
         "                    core dumps and every system call serving clients does not need\n"
         "                    (seccomp); see docs/SECURITY.md\n"
         "\n"
         "Stops on SIGTERM or SIGINT and removes its socket files (a sandboxed webnnd cannot:\n"
         "the next one on the same path removes them).\n";
}

}  // namespace

Status ParseServeArgs(const std::vector<std::string>& args, ServerConfig& config, bool& help) {
  help = false;
  std::vector<std::pair<std::string, std::string>> flags;
  std::string config_path;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      help = true;
      return {};
    }
    if (a == "--no-sandbox") {
      config.sandbox.enabled = false;
      continue;
    }
    if (a == "--allow-root") {
      config.sandbox.allow_root = true;
      continue;
    }
    if (a == "--listen" || a == "--config" || a == "--token-file" || a == "--threads" ||
        a == "--log-level" || a == "--allow-uid" || a == "--user") {
      if (i + 1 >= args.size()) return MakeError(ErrorCode::kTypeError, a, " needs a value");
      if (a == "--config") {
        config_path = args[++i];
      } else {
        flags.emplace_back(a, args[++i]);
      }
      continue;
    }
    return MakeError(ErrorCode::kTypeError, "unknown argument '", a, "' (see --help)");
  }
  if (!config_path.empty()) WEBNN_RETURN_IF_ERROR(LoadServerConfig(config_path, config));
  bool have_listen = false;
  for (const auto& [flag, value] : flags) {
    if (flag == "--listen") {
      if (auto e = ParseEndpoint(value); !e.ok()) return std::move(e.error().Prefix(flag));
      if (!have_listen) config.listen.clear();
      have_listen = true;
      config.listen.push_back(value);
    } else if (flag == "--token-file") {
      if (value.empty()) return MakeError(ErrorCode::kTypeError, flag, ": an empty path");
      config.token_file = value;
    } else if (flag == "--threads") {
      WEBNN_ASSIGN_OR_RETURN(uint64_t n, ParseUnsigned(flag, value, 0, kMaxThreads));
      config.threads = static_cast<unsigned>(n);
    } else if (flag == "--allow-uid") {
      WEBNN_ASSIGN_OR_RETURN(uint64_t uid, ParseUnsigned(flag, value, 0, kMaxUid));
      config.allowed_uids.push_back(static_cast<uint32_t>(uid));
    } else if (flag == "--user") {
      if (value.empty()) return MakeError(ErrorCode::kTypeError, flag, ": an empty name");
      config.sandbox.user = value;
    } else if (flag == "--log-level") {
      const auto level = ParseLogLevel(value);
      if (!level) {
        return MakeError(ErrorCode::kTypeError, flag, ": '", value,
                         "': expected error, warning, info or debug");
      }
      config.log_level = *level;
    }
  }
  return {};
}

int ServeMain(int argc, char** argv) {
  ServerConfig config;
  bool help = false;
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (Status s = ParseServeArgs(args, config, help); !s.ok()) {
    std::cerr << "webnnd: " << s.error().message() << "\n";
    return 2;
  }
  if (help) {
    Usage(std::cout);
    return 0;
  }
  Logger log(config.log_level);
  try {
    // After start-up, before the first client: warm the backends up (what they load lazily is
    // loaded while files can still be opened), then the sandbox (src/service/sandbox.h).
    const auto sandbox = [&config, &log]() -> Status {
      if (config.sandbox.enabled) WEBNN_RETURN_IF_ERROR(WarmUpBackends(config.backends, 2));
      return ApplySandbox(config.sandbox, [&log](int level, const std::string& message) {
        log.Log(static_cast<LogLevel>(level), message);
      });
    };
    return RunServer(config, log, sandbox);
  } catch (const kj::Exception& e) {
    log.Error("fatal: ", Describe(e));
    return 1;
  }
}

}  // namespace webnn::service
