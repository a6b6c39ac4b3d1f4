#include "serve_main.h"

#include <fcntl.h>
#include <kj/exception.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>

#include "service/broker.h"
#include "service/common.h"
#include "service/heap.h"
#include "service/log.h"
#include "service/sandbox.h"
#include "service/server.h"
#include "service/worker.h"

namespace webnn::service {

namespace {

void Usage(std::ostream& out) {
  out << "usage: webnnd [--listen unix:PATH | --listen tcp:HOST:PORT]... [--config FILE]\n"
         "              [--token-file FILE] [--allow-uid UID]... [--threads N]\n"
         "              [--log-level LEVEL] [--drain-timeout SECONDS] [--metrics tcp:HOST:PORT]\n"
         "              [--user NAME | --allow-root] [--no-sandbox] [--max-workers N]\n"
         "              [--single-process]\n"
         "\n"
         "The WebNN service: runs WebNN graphs for clients that connect over a Unix socket\n"
         "(or TCP) with Cap'n Proto RPC; tensors travel through shared memory.\n"
         "\n"
         "  --listen EP       an endpoint (repeatable). Default: unix:"
      << DefaultSocketPath()
      << "\n"
         "                    ($XDG_RUNTIME_DIR/webnn, else $RUNTIME_DIRECTORY, else "
      << kSystemSocketPath
      << "\n"
         "                    for root, else /tmp/webnn-UID; a missing directory is created\n"
         "                    0700, or 0711 with --allow-uid). TCP binds the given host: use\n"
         "                    127.0.0.1 unless remote clients are meant to connect. Sockets\n"
         "                    passed by systemd (socket activation) replace --listen.\n"
         "  --config FILE     JSON settings; command-line flags override them. Keys:\n"
         "                    listen [..], allowedUids [..], tokenFile, threads, logLevel,\n"
         "                    backends [..] (the backends clients may ask for, first = the\n"
         "                    default; default [\"onednn\", \"reference\"]), intraOpThreads\n"
         "                    (the most threads one dispatch may use; 0 = one per core),\n"
         "                    maxConnections, drainTimeoutSeconds, metrics, limits\n"
         "                    {maxTensorBytes, maxConstantBytes, maxTensorByteLength,\n"
         "                    maxGraphs, maxTensors, maxContexts, maxInflightDispatches,\n"
         "                    requestsPerSecond, requestBurst}. The limits are per client\n"
         "                    uid (on TCP: per token): all connections of one uid share them.\n"
         "  --token-file FILE the access token TCP clients must present (mode 0600)\n"
         "  --allow-uid UID   accept Unix peers with this uid (repeatable). Without any,\n"
         "                    only the uid that started webnnd is accepted (also once the\n"
         "                    sandbox has switched to --user); with some, only those,\n"
         "                    and the socket is opened to other users (checked by uid)\n"
         "  --threads N       worker threads and compute cores for all clients (default: one\n"
         "                    per core); dispatches share the cores first come, first served\n"
         "  --log-level L     error, warning, info (default) or debug; logs go to stderr,\n"
         "                    one line per event, naming the client (uid/pid or address)\n"
         "  --drain-timeout S on SIGTERM, how long dispatches in flight may take to finish\n"
         "                    (default 30)\n"
         "  --metrics EP      serve GET /metrics in the Prometheus text format on tcp:HOST:PORT\n"
         "                    (default: off)\n"
         "  --user NAME       started as root, run as this user once the sockets are bound\n"
         "                    (default: the user 'webnnd' if it exists)\n"
         "  --allow-root      started as root with no such user, stay root (without any\n"
         "                    capability) instead of refusing to start\n"
         "  --max-workers N   worker processes at most (default 64). Each principal (a\n"
         "                    client uid; all TCP token clients together) is served by a\n"
         "                    worker process of its own, started on demand by the broker\n"
         "                    that accepts connections; a crash takes only that principal's\n"
         "                    sessions\n"
         "  --single-process  serve every principal in one process (debugging only; logged\n"
         "                    loudly): a crash reached by one client ends every session\n"
         "  --no-sandbox      do not sandbox the process (debugging only; logged loudly).\n"
         "                    By default, after start-up webnnd gives up its user (as root),\n"
         "                    core dumps and every system call serving clients does not need\n"
         "                    (seccomp); see docs/SECURITY.md\n"
         "\n"
         "Signals: SIGTERM or SIGINT drain (no new work, dispatches in flight finish, exit\n"
         "status 0; a second signal exits at once); without --no-sandbox the socket files stay\n"
         "(the next webnnd on the same path replaces them). SIGHUP re-reads the config's\n"
         "limits and log level without dropping clients. Under systemd\n"
         "(Type=notify) it reports READY=1, RELOADING=1 and STOPPING=1. Signals go to the\n"
         "broker (the first webnnd process), which passes them on to its workers.\n";
}

// The --config file, kept open from start-up so that SIGHUP can read it again in the sandbox.
class OpenedConfig {
 public:
  explicit OpenedConfig(const std::string& path)
      : fd_(open(path.c_str(), O_RDONLY | O_CLOEXEC)), errno_(errno) {}
  ~OpenedConfig() {
    if (fd_ >= 0) close(fd_);
  }
  OpenedConfig(const OpenedConfig&) = delete;
  OpenedConfig& operator=(const OpenedConfig&) = delete;

  Status Read(const std::string& path, ServerConfig& config) const {
    WEBNN_ASSIGN_OR_RETURN(std::string text, Text(path));
    return ParseServerConfig(text, path, config);
  }

  Result<std::string> Text(const std::string& path) const {
    if (fd_ < 0) {
      return MakeError(ErrorCode::kUnknownError, "config ", path, ": ", std::strerror(errno_));
    }
    struct stat st {};
    if (fstat(fd_, &st) != 0) {
      return MakeError(ErrorCode::kUnknownError, "config ", path, ": ", std::strerror(errno));
    }
    if (st.st_nlink == 0) {
      return MakeError(ErrorCode::kUnknownError, "config ", path,
                       ": the file webnnd opened at start-up was replaced or removed; the "
                       "sandboxed service reads that file again (write the new settings into it, "
                       "e.g. with cp, or restart webnnd)");
    }
    std::string text;
    char buf[8192];
    for (off_t offset = 0;;) {
      const ssize_t n = pread(fd_, buf, sizeof buf, offset);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        return MakeError(ErrorCode::kUnknownError, "config ", path, ": ", std::strerror(errno));
      }
      if (n == 0) break;
      text.append(buf, static_cast<size_t>(n));
      offset += n;
    }
    return text;
  }

 private:
  int fd_;
  int errno_;
};

}  // namespace

Status ParseServeArgs(const std::vector<std::string>& args, ServerConfig& config, bool& help,
                      const ConfigReader& read_config) {
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
    if (a == "--single-process") {
      config.single_process = true;
      continue;
    }
    if (a == "--listen" || a == "--config" || a == "--token-file" || a == "--threads" ||
        a == "--log-level" || a == "--allow-uid" || a == "--drain-timeout" || a == "--metrics" ||
        a == "--user" || a == "--max-workers") {
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
  if (!config_path.empty()) {
    WEBNN_RETURN_IF_ERROR(read_config ? read_config(config_path, config)
                                      : LoadServerConfig(config_path, config));
  }
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
    } else if (flag == "--max-workers") {
      WEBNN_ASSIGN_OR_RETURN(uint64_t n, ParseUnsigned(flag, value, 1, kMaxWorkers));
      config.max_workers = static_cast<uint32_t>(n);
    } else if (flag == "--drain-timeout") {
      WEBNN_ASSIGN_OR_RETURN(uint64_t n, ParseUnsigned(flag, value, 0, kMaxDrainTimeoutSeconds));
      config.drain_timeout_seconds = static_cast<uint32_t>(n);
    } else if (flag == "--metrics") {
      auto e = ParseEndpoint(value);
      if (!e.ok()) return std::move(e.error().Prefix(flag));
      if (e.value().kind != Endpoint::Kind::kTcp) {
        return MakeError(ErrorCode::kTypeError, flag, ": '", value, "': expected tcp:HOST:PORT");
      }
      config.metrics = value;
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

namespace {

// The settings from the command line and the config file's text as the broker read it.
Result<ServerConfig> ParseWithText(const std::vector<std::string>& args, const std::string& text) {
  ServerConfig config;
  bool help = false;
  WEBNN_RETURN_IF_ERROR(
      ParseServeArgs(args, config, help, [&text](const std::string& path, ServerConfig& c) {
        return ParseServerConfig(text, path, c);
      }));
  return config;
}

// A worker (`--worker FD`, started by the broker's launcher).
int WorkerMain(const std::vector<std::string>& args) {
  if (args.size() != 2) {
    std::cerr << "webnnd: --worker FD is started by webnnd itself\n";
    return 2;
  }
  auto fd = ParseUnsigned("--worker", args[1], 3, 1 << 20);
  if (!fd.ok()) {
    std::cerr << "webnnd: " << fd.error().message() << "\n";
    return 2;
  }
  int status = 1;
  try {
    status = RunWorker(static_cast<int>(fd.value()), ParseWithText);
  } catch (const kj::Exception& e) {
    std::cerr << "webnnd worker: fatal: " << Describe(e).c_str() << "\n";
  }
  // Sandboxed: without the atexit handlers (LeakSanitizer's check needs ptrace, see below).
  if (!SandboxActive()) return status;
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  _exit(status);
}

}  // namespace

int ServeMain(int argc, char** argv, std::vector<std::string> worker_command) {
  ServerConfig config;
  bool help = false;
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "--worker") return WorkerMain(args);
  if (Status s = ParseServeArgs(args, config, help); !s.ok()) {
    std::cerr << "webnnd: " << s.error().message() << "\n";
    return 2;
  }
  if (help) {
    Usage(std::cout);
    return 0;
  }
  Logger log(config.log_level);
  RunOptions options;
  // The sandbox, when there is one, goes in options.after_startup: after start-up, before
  // the first client.
  // SIGHUP re-reads the config file through the descriptor opened here: the sandbox refuses to
  // open files once clients are served.
  std::shared_ptr<OpenedConfig> opened;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--config") opened = std::make_shared<OpenedConfig>(args[i + 1]);
  }
  options.reload = [args, opened]() -> Result<ServerConfig> {
    ServerConfig next;
    bool ignored = false;
    ConfigReader reader;
    if (opened) {
      reader = [&opened](const std::string& path, ServerConfig& c) {
        return opened->Read(path, c);
      };
    }
    WEBNN_RETURN_IF_ERROR(ParseServeArgs(args, next, ignored, reader));
    return next;
  };
  try {
    if (config.sandbox.enabled) options.sandbox = "seccomp";
    int status;
    if (config.single_process) {
      // After start-up, before the first client: warm the backends up (what they load lazily
      // is loaded while files can still be opened), then the sandbox (src/service/sandbox.h).
      options.after_startup = [&config, &log]() -> Status {
        if (config.sandbox.enabled) WEBNN_RETURN_IF_ERROR(WarmUpBackends(config.backends, 2));
        return ApplySandbox(config.sandbox, [&log](int level, const std::string& message) {
          log.Log(static_cast<LogLevel>(level), message);
        });
      };
      KeepTransferBuffersMapped(log);  // the one process serves the clients
      status = RunServer(config, log, options);
    } else {
      BrokerOptions broker;
      broker.args = args;
      broker.worker_argv =
          worker_command.empty() ? std::vector<std::string>{argv[0]} : worker_command;
      broker.worker_argv.push_back("--worker");
      broker.parse = ParseWithText;
      broker.sandbox = options.sandbox;
      std::string config_path;
      for (size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--config") config_path = args[i + 1];
      }
      broker.config_text = [opened, config_path]() -> Result<std::string> {
        if (!opened) return std::string();
        return opened->Text(config_path);
      };
      status = RunBroker(config, log, broker);
    }
    if (config.sandbox.enabled) {
      // Everything is torn down; exit without the atexit handlers, which under the sanitizers
      // include LeakSanitizer's check (it stops the world with ptrace, which the sandbox ends
      // the process for). Leak checks of webnnd run with --no-sandbox.
      std::cout.flush();
      std::cerr.flush();
      std::fflush(nullptr);
      _exit(status);
    }
    return status;
  } catch (const kj::Exception& e) {
    log.Error("fatal: ", Describe(e));
    return 1;
  }
}

}  // namespace webnn::service
