#include "service/systemd.h"

#include <fcntl.h>

#include <cerrno>
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

bool NotifyServiceManager(const std::string& state) {
#ifdef WEBNN_HAVE_LIBSYSTEMD
  return sd_notify(/*unset_environment=*/0, state.c_str()) > 0;
#else
  (void)state;
  return false;
#endif
}

}  // namespace webnn::service
