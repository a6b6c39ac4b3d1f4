#include "service/acceptor.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "service/listener.h"

namespace webnn::service {

void Acceptor::ErrorHandler::taskFailed(kj::Exception&& e) {
  log_.Error("internal: accept: ", Describe(e));
}

Acceptor::Acceptor(kj::AsyncIoContext& io, const Logger& log)
    : io_(io), log_(log), handler_(log), tasks_(kj::heap<kj::TaskSet>(handler_)) {}

Acceptor::~Acceptor() { Close(/*remove_files=*/false); }

void Acceptor::Add(const Endpoint& endpoint, int fd) {
  auto l = kj::heap<Listener>();
  l->endpoint = endpoint;
  l->fd = fd;
  l->observer = kj::heap<kj::UnixEventPort::FdObserver>(
      io_.unixEventPort, l->fd, kj::UnixEventPort::FdObserver::OBSERVE_READ);
  listeners_.push_back(kj::mv(l));
}

Status Acceptor::Listen(const Endpoint& endpoint, std::span<const uint32_t> allowed_uids,
                        uint32_t own_uid) {
  if (endpoint.kind != Endpoint::Kind::kUnix) {
    auto fd = ListenTcp(endpoint);
    if (!fd.ok()) return std::move(fd.error().Prefix(endpoint.ToString()));
    Add(endpoint, fd.value());
    return {};
  }
  const bool owner_only = UnixSocketOwnerOnly(allowed_uids, own_uid);
  auto fd = ListenUnix(endpoint.path, owner_only);
  if (!fd.ok()) return std::move(fd.error());
  Add(endpoint, fd.value());
  unix_paths_.push_back(endpoint.path);
  // An existing directory is left as it is: say so when it keeps the allowed uids out.
  const std::string dir = endpoint.path.substr(0, endpoint.path.rfind('/'));
  struct stat st {};
  if (!owner_only && !dir.empty() && stat(dir.c_str(), &st) == 0 && (st.st_mode & 0001) == 0) {
    log_.Warning("the --allow-uid peers cannot reach ", endpoint.path, ": its directory ", dir,
                 " has mode ", std::oct, (st.st_mode & 0777), std::dec,
                 " (others need search permission: chmod o+x ", dir, ")");
  }
  return {};
}

Result<Endpoint> Acceptor::Adopt(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return MakeError(ErrorCode::kUnknownError, "getsockname: ", std::strerror(errno));
  }
  Endpoint e;
  if (addr.ss_family == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(&addr);
    e.kind = Endpoint::Kind::kUnix;
    e.path = len > offsetof(sockaddr_un, sun_path) ? std::string(un->sun_path) : "";
    if (e.path.empty()) e.path = "(unnamed)";
  } else if (addr.ss_family == AF_INET || addr.ss_family == AF_INET6) {
    char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "0";
    getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof(host), port, sizeof(port),
                NI_NUMERICHOST | NI_NUMERICSERV);
    e.kind = Endpoint::Kind::kTcp;
    e.host = host;
    e.port = static_cast<uint16_t>(std::atoi(port));
  } else {
    return MakeError(ErrorCode::kUnknownError, "descriptor ", fd, ": address family ",
                     addr.ss_family, " is neither Unix nor TCP");
  }
  Add(e, fd);
  return e;
}

void Acceptor::Start(OnAccept on_accept) {
  on_accept_ = std::move(on_accept);
  for (auto& l : listeners_) tasks_->add(AcceptLoop(*l));
}

kj::Promise<void> Acceptor::AcceptLoop(Listener& l) {
  return l.observer->whenBecomesReadable().then([this, &l]() -> kj::Promise<void> {
    for (;;) {
      int fd = accept4(l.fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        if (errno == EINTR || errno == ECONNABORTED) continue;
        log_.Error("accept on ", l.endpoint.ToString(), ": ", std::strerror(errno));
        break;
      }
      on_accept_(fd, l.endpoint.kind == Endpoint::Kind::kUnix);
    }
    return AcceptLoop(l);
  });
}

void Acceptor::Close(bool remove_files) {
  tasks_ = nullptr;  // the accept loops, before the observers they wait on
  for (auto& l : listeners_) {
    l->observer = nullptr;
    if (l->fd >= 0) close(l->fd);
    l->fd = -1;
  }
  listeners_.clear();
  if (remove_files) {
    for (const std::string& p : unix_paths_) unlink(p.c_str());
  }
  unix_paths_.clear();
}

}  // namespace webnn::service
