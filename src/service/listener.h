// Listening sockets and who is on the other end: binding the Unix and TCP endpoints, the
// peer's identity (its uid from SO_PEERCRED on a Unix socket, its address on TCP) and the two
// authentication policies (the uid allow list, the TCP access token).
#pragma once

#include <sys/types.h>
#include <cstdint>
#include <span>

#include <string>
#include <string_view>

#include "service/common.h"
#include "webnn/error.h"

namespace webnn::service {

// Makes sure `dir` is a directory only `owner` can change: creates it with `create_mode` (0700,
// or 0711 when other uids may reach a socket in it by name) if missing; refuses (with the
// reason) a symbolic link, a non-directory, another owner, or a group- or other-writable mode.
// Whoever can write the directory can replace the socket in it.
Status EnsurePrivateDirectory(const std::string& dir, uint32_t owner, mode_t create_mode = 0700);

// Binds and listens on a Unix socket path (non-blocking, close-on-exec). The parent directory
// must be private to the service (EnsurePrivateDirectory; created 0700 if `only_owner`, else
// 0711, if missing). Replaces a stale socket file but not a live one, and makes the socket 0600
// if `only_owner`, else 0666 (the uid check, SO_PEERCRED, decides the rest).
Result<int> ListenUnix(const std::string& path, bool only_owner);
// Binds and listens on a TCP endpoint (SO_REUSEADDR).
Result<int> ListenTcp(const Endpoint& endpoint);

// Whether a Unix socket needs to be open to other users: not when only the service's own uid
// is allowed.
bool UnixSocketOwnerOnly(std::span<const uint32_t> allowed_uids, uint32_t own_uid);

// The uid policy: without an allow list only the service's own uid; with one, exactly the
// listed uids.
bool UidAllowed(uint32_t uid, std::span<const uint32_t> allowed_uids, uint32_t own_uid);

// Compares a presented token with the expected one in time that does not depend on where they
// differ. An empty expected token matches nothing.
bool TokenMatches(std::string_view presented, std::string_view expected);

// Who a connection is: the principal its quotas are kept under, a name for the log, and what
// the transport already established (the uid check; a TCP peer still presents the token).
struct Peer {
  std::string principal;  // "uid 1000" or "token"
  std::string id;         // "uid 1000 pid 4242 #3" or "tcp 127.0.0.1:40000 #4"
  // What the pool of unauthenticated connections is counted by: the source address on TCP
  // ("127.0.0.1"), the principal on a Unix socket.
  std::string address;
  bool unix_peer = true;
  bool uid_allowed = false;
};

// The peer of an accepted Unix socket, from SO_PEERCRED. `own_uid` is the uid that started the
// service (before a sandbox switched it to an unprivileged user): it is always allowed.
Result<Peer> IdentifyUnixPeer(int fd, std::span<const uint32_t> allowed_uids, uint32_t own_uid,
                              uint64_t serial);
// The peer of an accepted TCP socket, from its address.
Peer IdentifyTcpPeer(int fd, uint64_t serial);
// Either of the two, as the socket was accepted on a Unix or a TCP listener.
Result<Peer> IdentifyPeer(int fd, bool unix_peer, std::span<const uint32_t> allowed_uids,
                          uint32_t own_uid, uint64_t serial);

}  // namespace webnn::service
