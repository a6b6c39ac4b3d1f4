#include "service/systemd.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#ifdef WEBNN_HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace webnn::service {

Result<std::vector<int>> ActivatedSockets() {
  std::vector<int> fds;
#ifdef WEBNN_HAVE_LIBSYSTEMD
  const int n = sd_listen_fds(/*unset_environment=*/1);
  if (n < 0) {
    return MakeError(ErrorCode::kUnknownError, "socket activation: ", std::strerror(-n));
  }
  for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + n; ++fd) {
    if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, /*listening=*/1) <= 0) {
      return MakeError(ErrorCode::kUnknownError, "socket activation: descriptor ", fd,
                       " is not a listening stream socket (use ListenStream= in the .socket unit)");
    }
    const int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
      return MakeError(ErrorCode::kUnknownError, "socket activation: descriptor ", fd, ": ",
                       std::strerror(errno));
    }
    fds.push_back(fd);
  }
#endif
  return fds;
}

ServiceManagerNotifier::ServiceManagerNotifier() {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || path[0] == '\0') return;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const size_t len = std::strlen(path);
  if (len >= sizeof(addr.sun_path) || (path[0] != '/' && path[0] != '@')) return;
  std::memcpy(addr.sun_path, path, len);
  if (path[0] == '@') addr.sun_path[0] = '\0';  // the abstract namespace
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  const auto addr_len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), addr_len) != 0) {
    close(fd);
    return;
  }
  fd_ = fd;
}

ServiceManagerNotifier::~ServiceManagerNotifier() {
  if (fd_ >= 0) close(fd_);
}

bool ServiceManagerNotifier::Notify(const std::string& state) const {
  if (fd_ < 0) return false;
  return send(fd_, state.data(), state.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(state.size());
}

}  // namespace webnn::service
