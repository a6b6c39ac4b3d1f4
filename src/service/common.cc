#include "service/common.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "webnn/types.h"

namespace webnn::service {

std::string Endpoint::ToString() const {
  if (kind == Kind::kUnix) return "unix:" + path;
  const bool v6 = host.find(':') != std::string::npos;
  return "tcp:" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<Endpoint> ParseEndpoint(std::string_view text) {
  Endpoint e;
  if (text.starts_with("unix:")) {
    e.kind = Endpoint::Kind::kUnix;
    e.path = std::string(text.substr(5));
    if (e.path.empty())
      return MakeError(ErrorCode::kTypeError, "endpoint '", text, "': empty path");
    return e;
  }
  if (text.starts_with("tcp:")) {
    std::string_view rest = text.substr(4);
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return MakeError(ErrorCode::kTypeError, "endpoint '", text, "': expected tcp:HOST:PORT");
    }
    std::string_view host = rest.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    std::string_view port = rest.substr(colon + 1);
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value == 0 || value > 65535) {
      return MakeError(ErrorCode::kTypeError, "endpoint '", text, "': bad port '", port, "'");
    }
    e.kind = Endpoint::Kind::kTcp;
    e.host = std::string(host);
    e.port = static_cast<uint16_t>(value);
    return e;
  }
  return MakeError(ErrorCode::kTypeError, "endpoint '", text,
                   "': expected unix:PATH or tcp:HOST:PORT");
}

std::string DefaultSocketPath() {
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");
  if (xdg && *xdg) return std::string(xdg) + "/webnn/webnnd.sock";
  // Under systemd with RuntimeDirectory=webnn: the first directory it names.
  const char* runtime = std::getenv("RUNTIME_DIRECTORY");
  if (runtime && *runtime) {
    const std::string_view dirs(runtime);
    return std::string(dirs.substr(0, dirs.find(':'))) + "/webnnd.sock";
  }
  // The system instance (root, or a service user's unit without RuntimeDirectory=).
  if (getuid() == 0) return kSystemSocketPath;
  return "/tmp/webnn-" + std::to_string(getuid()) + "/webnnd.sock";
}

Result<std::string> ReadTokenFile(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return MakeError(ErrorCode::kUnknownError, "token file ", path, ": cannot stat it");
  }
  if (!S_ISREG(st.st_mode)) {
    return MakeError(ErrorCode::kTypeError, "token file ", path, ": not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    return MakeError(ErrorCode::kTypeError, "token file ", path, ": mode ", std::oct,
                     (st.st_mode & 0777), " lets others read it (use chmod 600)");
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string token = ss.str();
  const auto first = token.find_first_not_of(" \t\r\n");
  const auto last = token.find_last_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return MakeError(ErrorCode::kTypeError, "token file ", path, ": empty");
  }
  return token.substr(first, last - first + 1);
}

void ToWire(const Error& error, rpc::ServiceError::Builder out) {
  out.setCode(static_cast<uint8_t>(error.code()));
  out.setMessage(error.message());
}

Error FromWire(rpc::ServiceError::Reader in) {
  uint8_t code = in.getCode();
  if (code > static_cast<uint8_t>(ErrorCode::kUnknownError)) {
    code = static_cast<uint8_t>(ErrorCode::kUnknownError);
  }
  return Error(static_cast<ErrorCode>(code), std::string(in.getMessage().cStr()));
}

void ToWire(const OperandDescriptor& desc, wire::OperandDescriptor::Builder out) {
  out.setDataType(static_cast<wire::DataType>(desc.dataType));
  auto shape = out.initShape(static_cast<unsigned>(desc.shape.size()));
  for (size_t i = 0; i < desc.shape.size(); ++i) shape.set(static_cast<unsigned>(i), desc.shape[i]);
}

Result<OperandDescriptor> FromWire(wire::OperandDescriptor::Reader in) {
  const auto type = static_cast<uint16_t>(in.getDataType());
  if (type >= static_cast<uint16_t>(kDataTypeCount)) {
    return MakeError(ErrorCode::kDataError, "descriptor: unknown data type ", type);
  }
  OperandDescriptor desc;
  desc.dataType = static_cast<DataType>(type);
  auto shape = in.getShape();
  if (shape.size() > 64) {
    return MakeError(ErrorCode::kTypeError, "descriptor: rank ", shape.size(), " is too large");
  }
  for (uint32_t d : shape) desc.shape.push_back(d);
  return desc;
}

std::string Describe(const kj::Exception& e) {
  std::string_view d = e.getDescription().cStr();
  constexpr std::string_view kPrefix = "remote exception: ";
  while (d.starts_with(kPrefix)) d.remove_prefix(kPrefix.size());
  return std::string(d);
}

}  // namespace webnn::service

namespace webnn::service {

Result<int> OpenTcpSocket(const Endpoint& endpoint, bool listening,
                          const std::function<bool(int fd, const addrinfo& address)>& use) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = listening ? AI_PASSIVE : 0;
  addrinfo* list = nullptr;
  const std::string port = std::to_string(endpoint.port);
  if (int rc = getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &list); rc != 0) {
    return MakeError(ErrorCode::kUnknownError, "cannot resolve ", endpoint.host, ": ",
                     gai_strerror(rc));
  }
  std::string last = "no address";
  for (addrinfo* a = list; a; a = a->ai_next) {
    const int flags = SOCK_CLOEXEC | (listening ? SOCK_NONBLOCK : 0);
    int fd = socket(a->ai_family, a->ai_socktype | flags, a->ai_protocol);
    if (fd < 0) continue;
    if (use(fd, *a)) {
      freeaddrinfo(list);
      return fd;
    }
    last = std::strerror(errno);
    close(fd);
  }
  freeaddrinfo(list);
  // The caller names the endpoint.
  return MakeError(ErrorCode::kUnknownError,
                   listening ? "cannot listen: " : "cannot connect: ", last,
                   listening ? "" : " (is webnnd listening there?)");
}

namespace {

// Bounds a blocking connect(2): both a TCP connect and a Unix one (which waits while the
// listener's backlog is full) honour the socket's send timeout, and fail with EINPROGRESS or
// EAGAIN when it expires. 0: no bound.
bool SetSendTimeout(int fd, double seconds) {
  timeval tv{};
  if (seconds > 0) {
    tv.tv_sec = static_cast<time_t>(seconds);
    tv.tv_usec = static_cast<suseconds_t>((seconds - static_cast<double>(tv.tv_sec)) * 1e6);
    if (tv.tv_sec == 0 && tv.tv_usec == 0) tv.tv_usec = 1;
  }
  return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0;
}

bool TimedOut(int err) { return err == EINPROGRESS || err == EAGAIN || err == ETIMEDOUT; }

std::string TimeoutText(double seconds) {
  std::ostringstream s;
  s << "timed out after " << seconds << " s";
  return s.str();
}

}  // namespace

Result<int> ConnectSocket(const Endpoint& endpoint, double timeout_seconds) {
  if (endpoint.kind == Endpoint::Kind::kUnix) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (endpoint.path.size() >= sizeof(addr.sun_path)) {
      return MakeError(ErrorCode::kTypeError, "socket path too long: ", endpoint.path);
    }
    std::memcpy(addr.sun_path, endpoint.path.c_str(), endpoint.path.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return MakeError(ErrorCode::kUnknownError, "socket: ", std::strerror(errno));
    if (!SetSendTimeout(fd, timeout_seconds)) {
      const int err = errno;
      close(fd);
      return MakeError(ErrorCode::kUnknownError, "setsockopt SO_SNDTIMEO: ", std::strerror(err));
    }
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      const int err = errno;
      close(fd);
      if (err == EACCES || err == EPERM) {
        return MakeError(ErrorCode::kUnknownError, "cannot connect: permission denied: uid ",
                         getuid(),
                         " may not open the socket or search its directory (webnnd lets "
                         "other users in only with --allow-uid)");
      }
      if (err == ENOENT || err == ECONNREFUSED) {
        return MakeError(ErrorCode::kUnknownError, "cannot connect: ", std::strerror(err),
                         " (is webnnd running?)");
      }
      if (timeout_seconds > 0 && TimedOut(err)) {
        return MakeError(ErrorCode::kUnknownError, "cannot connect: ", TimeoutText(timeout_seconds),
                         " (the listener does not accept connections: its backlog is full)");
      }
      return MakeError(ErrorCode::kUnknownError, "cannot connect: ", std::strerror(err));
    }
    if (!SetSendTimeout(fd, 0)) {
      const int err = errno;
      close(fd);
      return MakeError(ErrorCode::kUnknownError, "setsockopt SO_SNDTIMEO: ", std::strerror(err));
    }
    return fd;
  }
  bool timed_out = false;
  auto fd = OpenTcpSocket(endpoint, /*listening=*/false, [&](int fd, const addrinfo& a) {
    if (!SetSendTimeout(fd, timeout_seconds)) return false;
    if (connect(fd, a.ai_addr, a.ai_addrlen) != 0) {
      timed_out = timed_out || (timeout_seconds > 0 && TimedOut(errno));
      return false;
    }
    int one = 1;
    return SetSendTimeout(fd, 0) &&
           setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0;
  });
  if (!fd.ok() && timed_out) {
    return MakeError(ErrorCode::kUnknownError, "cannot connect: ", TimeoutText(timeout_seconds),
                     " (no answer from the address: a host that is down, unreachable or behind "
                     "a firewall that drops packets)");
  }
  return fd;
}

}  // namespace webnn::service
