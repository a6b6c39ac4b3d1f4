#include "service/listener.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

namespace webnn::service {

Status EnsurePrivateDirectory(const std::string& dir, uint32_t owner, mode_t create_mode) {
  if (mkdir(dir.c_str(), create_mode) == 0) {
    if (chmod(dir.c_str(), create_mode) != 0) {  // past the umask
      return MakeError(ErrorCode::kUnknownError, "socket directory ", dir,
                       ": cannot set its mode: ", std::strerror(errno));
    }
  } else if (errno != EEXIST) {
    return MakeError(ErrorCode::kUnknownError, "socket directory ", dir,
                     ": cannot create it: ", std::strerror(errno));
  }
  // lstat, not stat: a symbolic link planted in the directory's place is refused, not followed.
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0) {
    return MakeError(ErrorCode::kUnknownError, "socket directory ", dir, ": ",
                     std::strerror(errno));
  }
  if (S_ISLNK(st.st_mode)) {
    return MakeError(ErrorCode::kUnknownError, "socket directory ", dir,
                     " is a symbolic link; refusing it (give the real directory)");
  }
  if (!S_ISDIR(st.st_mode)) {
    return MakeError(ErrorCode::kUnknownError, "socket directory ", dir, " is not a directory");
  }
  if (st.st_uid != owner) {
    return MakeError(ErrorCode::kUnknownError, "socket directory ", dir, " is owned by uid ",
                     st.st_uid, ", not by the service's uid ", owner,
                     "; refusing it (its owner could replace the socket)");
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    std::ostringstream mode;
    mode << std::oct << (st.st_mode & 07777);
    return MakeError(ErrorCode::kUnknownError, "socket directory ", dir, " has mode 0", mode.str(),
                     ", writable by group or others; refusing it (they could replace the "
                     "socket; use chmod 700 or a private directory)");
  }
  return {};
}

Result<int> ListenUnix(const std::string& path, bool only_owner) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return MakeError(ErrorCode::kTypeError, "socket path too long: ", path);
  }
  // The socket's directory decides who can replace the socket: it must be the service's alone.
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  WEBNN_RETURN_IF_ERROR(EnsurePrivateDirectory(dir, geteuid(), only_owner ? 0700 : 0711));
  // A socket file left by a webnnd that died is removed; a live one is not stolen.
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return MakeError(ErrorCode::kUnknownError, path, " exists and is not a socket");
    }
    Endpoint e;
    e.path = path;
    auto probe = ConnectSocket(e);
    if (probe.ok()) {
      close(probe.value());
      return MakeError(ErrorCode::kUnknownError, "another webnnd is listening on ", path);
    }
    if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      return MakeError(ErrorCode::kUnknownError, "cannot remove the stale socket ", path, ": ",
                       std::strerror(errno));
    }
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return MakeError(ErrorCode::kUnknownError, "socket: ", std::strerror(errno));
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 128) != 0) {
    Error e =
        MakeError(ErrorCode::kUnknownError, "cannot listen on ", path, ": ", std::strerror(errno));
    close(fd);
    return e;
  }
  if (chmod(path.c_str(), only_owner ? 0600 : 0666) != 0) {
    Error e = MakeError(ErrorCode::kUnknownError, "cannot set the mode of ", path, ": ",
                        std::strerror(errno));
    close(fd);
    unlink(path.c_str());
    return e;
  }
  return fd;
}

Result<int> ListenTcp(const Endpoint& endpoint) {
  int setsockopt_errno = 0;
  auto fd = OpenTcpSocket(endpoint, /*listening=*/true, [&](int fd, const addrinfo& a) {
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) {
      setsockopt_errno = errno;
      return false;
    }
    return bind(fd, a.ai_addr, a.ai_addrlen) == 0 && listen(fd, 128) == 0;
  });
  if (!fd.ok() && setsockopt_errno != 0) {
    return MakeError(ErrorCode::kUnknownError,
                     "setsockopt SO_REUSEADDR: ", std::strerror(setsockopt_errno));
  }
  return fd;
}

bool UnixSocketOwnerOnly(std::span<const uint32_t> allowed_uids, uint32_t own_uid) {
  return allowed_uids.empty() || (allowed_uids.size() == 1 && allowed_uids[0] == own_uid);
}

bool UidAllowed(uint32_t uid, std::span<const uint32_t> allowed_uids, uint32_t own_uid) {
  if (allowed_uids.empty()) return uid == own_uid;
  bool allowed = false;
  for (uint32_t a : allowed_uids) allowed |= (a == uid);
  return allowed;
}

bool TokenMatches(std::string_view presented, std::string_view expected) {
  unsigned diff = presented.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < presented.size() && i < expected.size(); ++i) {
    diff |= static_cast<unsigned>(static_cast<unsigned char>(presented[i]) ^
                                  static_cast<unsigned char>(expected[i]));
  }
  return diff == 0 && !expected.empty();
}

Result<Peer> IdentifyUnixPeer(int fd, std::span<const uint32_t> allowed_uids, uint32_t own_uid,
                              uint64_t serial) {
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return MakeError(ErrorCode::kUnknownError, "SO_PEERCRED: ", std::strerror(errno));
  }
  Peer peer;
  peer.principal = "uid " + std::to_string(cred.uid);
  peer.id = peer.principal + " pid " + std::to_string(cred.pid) + " #" + std::to_string(serial);
  peer.address = peer.principal;
  peer.unix_peer = true;
  peer.uid_allowed = UidAllowed(cred.uid, allowed_uids, own_uid);
  return peer;
}

Peer IdentifyTcpPeer(int fd, uint64_t serial) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "?";
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    if (getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof(host), port, sizeof(port),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
      std::strcpy(host, "?");
      std::strcpy(port, "?");
    }
  }
  Peer peer;
  peer.principal = "token";
  peer.id = std::string("tcp ") + host + ":" + port + " #" + std::to_string(serial);
  peer.address = host;
  peer.unix_peer = false;
  return peer;
}

Result<Peer> IdentifyPeer(int fd, bool unix_peer, std::span<const uint32_t> allowed_uids,
                          uint32_t own_uid, uint64_t serial) {
  if (unix_peer) return IdentifyUnixPeer(fd, allowed_uids, own_uid, serial);
  return IdentifyTcpPeer(fd, serial);
}

}  // namespace webnn::service
